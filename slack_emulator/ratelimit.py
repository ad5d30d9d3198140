"""Per-method rolling-window rate limits (Slack tiers) and fault injection."""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass, field

TIER_1 = 1
TIER_2 = 20
TIER_3 = 50
TIER_4 = 100
MINUTE = 60.0

#: Requests per minute per method (workspace-wide), from Slack's documented tiers.
DEFAULT_TIERS: dict[str, int] = {
    "auth.test": 600,
    "apps.connections.open": TIER_3,
    "chat.postMessage": 300,
    "chat.update": TIER_3,
    "chat.delete": TIER_3,
    "chat.postEphemeral": TIER_4,
    # "Special": hundreds of requests per minute (its docs page).
    "chat.getPermalink": 300,
    "views.open": TIER_4,
    "views.update": TIER_4,
    "views.push": TIER_4,
    "views.publish": TIER_4,
    "conversations.members": TIER_4,
    "conversations.info": TIER_3,
    "conversations.join": TIER_3,
    "conversations.open": TIER_3,
    "conversations.history": TIER_3,
    "conversations.replies": TIER_3,
    "users.info": TIER_4,
    "users.list": TIER_2,
    "usergroups.users.list": TIER_2,
    "usergroups.list": TIER_2,
    "files.getUploadURLExternal": TIER_4,
    "files.completeUploadExternal": TIER_4,
}
#: chat.postMessage per channel: bursts of 5, then about one per second.
POST_MESSAGE_PER_CHANNEL = (5, 5.0)
#: chat.update per message (channel + ts): at most 1 in any rolling second, no burst.
#: Slack publishes no per-message figure. https://docs.slack.dev/apis/web-api/rate-limits says
#: to design for "a limit of 1 request per second for any given API call", allows bursts over
#: it only temporarily and does not share burst limits; chat.update itself is Tier 3 (50+ per
#: minute, workspace-wide). One update per message per second with no burst is the
#: conservative reading: an app that passes it stays within what Slack promises.
CHAT_UPDATE_PER_MESSAGE = (1, 1.0)


@dataclass(frozen=True)
class Limit:
    """At most `limit` calls in any rolling `window` seconds."""

    limit: int
    window: float


@dataclass
class Fault:
    """An injected failure for the next `times` calls of a method."""

    times: int
    status: int = 200
    error: str | None = None
    retry_after: int | None = None


@dataclass
class RateLimiter:
    """Rolling-window limiter keyed by method, by (method, channel) or by (method, message)."""

    enabled: bool = True
    window_scale: float = 1.0
    method_limits: dict[str, Limit] = field(default_factory=dict)
    channel_limits: dict[str, Limit] = field(default_factory=dict)
    message_limits: dict[str, Limit] = field(default_factory=dict)
    hits: dict[tuple[str, str], deque[float]] = field(default_factory=dict)
    throttled: int = 0

    @classmethod
    def with_slack_defaults(cls) -> RateLimiter:
        """A limiter with Slack's default tiers."""
        limiter = cls()
        for method, per_minute in DEFAULT_TIERS.items():
            limiter.method_limits[method] = Limit(per_minute, MINUTE)
        burst, window = POST_MESSAGE_PER_CHANNEL
        limiter.channel_limits["chat.postMessage"] = Limit(burst, window)
        per_message, message_window = CHAT_UPDATE_PER_MESSAGE
        limiter.message_limits["chat.update"] = Limit(per_message, message_window)
        return limiter

    def set_limit(
        self,
        method: str,
        limit: int,
        window: float,
        *,
        per_channel: bool,
        per_message: bool = False,
    ) -> None:
        """Replace one limit (method-wide, per channel or per message)."""
        if per_channel and per_message:
            raise ValueError("a limit is per channel or per message, not both")
        if per_message:
            target = self.message_limits
        else:
            target = self.channel_limits if per_channel else self.method_limits
        target[method] = Limit(limit, window)
        self.hits = {k: v for k, v in self.hits.items() if k[0] != method}

    def remove_limit(
        self, method: str, *, per_channel: bool | None = None, per_message: bool = False
    ) -> None:
        """Drop a method's limits: every kind when per_channel is None (and not per_message),
        the method-wide one for per_channel=False, the per-channel one for True, the
        per-message one alone for per_message=True."""
        if per_message:
            self.message_limits.pop(method, None)
            return
        if per_channel in (None, False):
            self.method_limits.pop(method, None)
        if per_channel in (None, True):
            self.channel_limits.pop(method, None)
        if per_channel is None:
            self.message_limits.pop(method, None)

    def reset(self) -> None:
        """Forget every recorded hit."""
        self.hits.clear()

    def check(
        self, method: str, channel: str | None, now: float, message_ts: str | None = None
    ) -> int | None:
        """Admit a call (recording it) or return the Retry-After seconds (≥ 1)."""
        if not self.enabled:
            return None
        keys: list[tuple[tuple[str, str], Limit]] = []
        if method in self.method_limits:
            keys.append(((method, ""), self.method_limits[method]))
        if channel and method in self.channel_limits:
            keys.append(((method, channel), self.channel_limits[method]))
        if channel and message_ts and method in self.message_limits:
            keys.append(((method, f"{channel} {message_ts}"), self.message_limits[method]))
        wait = 0.0
        for key, rule in keys:
            window = rule.window * self.window_scale
            hits = self.hits.setdefault(key, deque())
            while hits and now - hits[0] >= window:
                hits.popleft()
            if len(hits) >= rule.limit:
                oldest = hits[len(hits) - rule.limit]
                wait = max(wait, window - (now - oldest))
        if wait > 0:
            self.throttled += 1
            return max(1, math.ceil(wait))
        for key, _ in keys:
            self.hits[key].append(now)
        return None


@dataclass
class FaultPlan:
    """Injected failures, delays and lost responses per method.

    Failures win over normal handling (the call is not carried out); a dropped response is the
    opposite: the call is carried out in full and only its answer is lost."""

    faults: dict[str, list[Fault]] = field(default_factory=dict)
    delays: dict[str, float] = field(default_factory=dict)
    drops: dict[str, int] = field(default_factory=dict)
    dropped: int = 0

    def add(self, method: str, fault: Fault) -> None:
        """Queue a fault after those already queued for the method."""
        self.faults.setdefault(method, []).append(fault)

    def take(self, method: str) -> Fault | None:
        """The fault for this call, consuming one use."""
        queue = self.faults.get(method)
        if not queue:
            return None
        fault = queue[0]
        fault.times -= 1
        if fault.times <= 0:
            queue.pop(0)
        return fault

    def take_drop(self, method: str) -> bool:
        """Whether this call's response is to be lost (consuming one planned drop)."""
        left = self.drops.get(method, 0)
        if left <= 0:
            return False
        if left == 1:
            del self.drops[method]
        else:
            self.drops[method] = left - 1
        self.dropped += 1
        return True

    def clear(self) -> None:
        """Remove every fault, delay and planned drop (the count of past drops stays)."""
        self.faults.clear()
        self.delays.clear()
        self.drops.clear()
