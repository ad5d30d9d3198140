"""Rate-limit and fault-injection controls of the emulator (mixed into SlackEmulator)."""

from __future__ import annotations

from .ratelimit import Fault, FaultPlan, RateLimiter


class TrafficControls:
    """Public knobs over the rate limiter and the fault plan."""

    rate_limiter: RateLimiter
    faults: FaultPlan

    @property
    def rate_limits_enabled(self) -> bool:
        """Whether rate limits apply (default True)."""
        return self.rate_limiter.enabled

    @rate_limits_enabled.setter
    def rate_limits_enabled(self, value: bool) -> None:
        self.rate_limiter.enabled = value

    @property
    def rate_window_scale(self) -> float:
        """Multiplier on every rate window (e.g. 0.01 turns a minute into 0.6 s)."""
        return self.rate_limiter.window_scale

    @rate_window_scale.setter
    def rate_window_scale(self, value: float) -> None:
        self.rate_limiter.window_scale = value

    @property
    def rate_limited_count(self) -> int:
        """How many 429 replies were sent (rate limits and injected 429s)."""
        return self.rate_limiter.throttled

    def set_rate_limit(
        self,
        method: str,
        limit: int,
        window_seconds: float = 60.0,
        per_channel: bool = False,
        per_message: bool = False,
    ) -> None:
        """Limit a method to `limit` calls per rolling window: workspace-wide, per channel, or
        per message (`channel` + `ts` arguments, e.g. chat.update's default 1 per second)."""
        self.rate_limiter.set_limit(
            method, limit, window_seconds, per_channel=per_channel, per_message=per_message
        )

    def remove_rate_limit(
        self, method: str, per_channel: bool | None = None, per_message: bool = False
    ) -> None:
        """Remove a method's limits (all kinds by default; see RateLimiter.remove_limit)."""
        self.rate_limiter.remove_limit(method, per_channel=per_channel, per_message=per_message)

    def reset_rate_limits(self) -> None:
        """Empty every rate window."""
        self.rate_limiter.reset()

    def fail(
        self,
        method: str,
        status: int = 200,
        *,
        error: str | None = None,
        retry_after: int | None = None,
        times: int = 1,
    ) -> None:
        """Make the next `times` calls of `method` fail (429 → ratelimited + Retry-After)."""
        if status == 429 and retry_after is None:
            retry_after = 1
        self.faults.add(
            method, Fault(times=times, status=status, error=error, retry_after=retry_after)
        )

    def drop_response(self, method: str, times: int = 1) -> None:
        """Carry out the next `times` calls of `method` in full, then lose their responses.

        Each call changes the state and is recorded in `calls` with the reply Slack would have
        sent (`RecordedCall.dropped` is True), but the server aborts the connection instead of
        answering, so the client sees a transport error (aiohttp ServerDisconnectedError) at
        once: a response lost after Slack accepted the call. A client that retries on
        connection errors (slack_sdk's default handler does) repeats the call."""
        if times < 1:
            raise ValueError("times must be at least 1")
        self.faults.drops[method] = self.faults.drops.get(method, 0) + times

    @property
    def dropped_responses(self) -> int:
        """How many responses were dropped (calls carried out whose client got no answer)."""
        return self.faults.dropped

    def delay(self, method: str, seconds: float) -> None:
        """Answer `method` only after `seconds` (0 removes the delay)."""
        if seconds <= 0:
            self.faults.delays.pop(method, None)
        else:
            self.faults.delays[method] = seconds

    def clear_faults(self) -> None:
        """Remove every injected fault, delay and planned response drop."""
        self.faults.clear()
