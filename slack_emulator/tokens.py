"""The bot tokens a workspace accepts: a permanent one, and OAuth tokens that expire or end."""

from __future__ import annotations

from dataclasses import dataclass, field

from .common import SlackFailure


@dataclass
class BotGrant:
    """One bot token a workspace accepts (the token itself is kept out of the repr)."""

    token: str = field(repr=False)
    # On the emulator clock, in Unix epoch seconds; None: never expires (no token rotation).
    expires_at: float | None = None
    revoked: bool = False
    # Issued by an org-wide install (auth.test and payloads say is_enterprise_install).
    enterprise_install: bool = False

    def expired(self, now: float) -> bool:
        """True once the clock has reached the expiry."""
        return self.expires_at is not None and now >= self.expires_at


class BotTokens:
    """The bot tokens of a workspace, looked up on every Web API call."""

    def __init__(self, permanent: str | None = None) -> None:
        self._grants: dict[str, BotGrant] = {}
        if permanent:
            self.add(permanent)

    def __repr__(self) -> str:
        return f"BotTokens({len(self._grants)} tokens)"

    def add(
        self, token: str, *, expires_at: float | None = None, enterprise_install: bool = False
    ) -> BotGrant:
        """Accept `token` from now on (until `expires_at`, if given)."""
        grant = BotGrant(token, expires_at=expires_at, enterprise_install=enterprise_install)
        self._grants[token] = grant
        return grant

    def get(self, token: str) -> BotGrant | None:
        """The grant of a token this workspace ever issued, whatever its state."""
        return self._grants.get(token)

    def revoke(self, token: str) -> None:
        """Refuse `token` from now on (token_revoked)."""
        grant = self._grants.get(token)
        if grant is not None:
            grant.revoked = True

    def active(self, now: float) -> list[BotGrant]:
        """Grants that still work, oldest first."""
        return [g for g in self._grants.values() if not g.revoked and not g.expired(now)]

    def check(self, token: str, now: float) -> BotGrant | None:
        """The grant of a working token; None for a token never issued here.

        A revoked token fails with token_revoked and an expired one with token_expired, the
        codes Slack's methods list for them (e.g. docs.slack.dev/reference/methods/auth.test)."""
        grant = self._grants.get(token)
        if grant is None:
            return None
        if grant.revoked:
            raise SlackFailure("token_revoked")
        if grant.expired(now):
            raise SlackFailure("token_expired")
        return grant
