"""What Wishbot knows of the workspace's people (time zone, locale), cached: clicks cost no call."""

from __future__ import annotations

import gc
import logging
from collections.abc import Iterable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.domain.model import Person
from bot.i18n import language_for
from bot.services.locks import KeyedLock
from bot.services.ports import Clock, PeopleStore, SlackError, SlackPort
from bot.services.ports.workspaces import WorkspaceKey, current_workspace

logger = logging.getLogger(__name__)

# users.list is Tier 2; refreshing the whole directory more often than this buys nothing.
DIRECTORY_MAX_AGE = timedelta(hours=6)
MAX_SINGLE_LOOKUPS = 20
UTC_ZONE = ZoneInfo("UTC")


def _settle_long_lived_objects() -> None:
    """Collect once, then exempt what lives on (the directory, modules, the app) from the cyclic
    garbage collector: otherwise every full collection walks tens of thousands of Person records
    and holds the event loop for 10-20 ms, the worst acknowledgements of a busy minute."""
    gc.collect()
    gc.freeze()


class PeopleDirectory:
    """Person records from the database, filled in bulk from users.list (per workspace: each
    has a directory of its own; user ids are unique across them)."""

    def __init__(
        self, store: PeopleStore, slack: SlackPort, clock: Clock, default_language: str
    ) -> None:
        self.store = store
        self.slack = slack
        self.clock = clock
        self.default_language = default_language
        self._cache: dict[str, Person] = {}
        self._refreshed_at: dict[WorkspaceKey | None, datetime] = {}
        self._refreshing = KeyedLock[WorkspaceKey | None]()

    async def refresh(self) -> None:
        """Reload everyone of the current workspace with one paginated users.list."""
        workspace = current_workspace()
        seen = self._refreshed_at.get(workspace)
        async with self._refreshing.hold(workspace):
            if self._refreshed_at.get(workspace) != seen:
                # Another task refreshed while this one waited (a command right after start, or
                # a burst of them): a second pass of users.list, Tier 2, would only meet a 429.
                return
            people = list(await self.slack.list_people())
            now = self.clock.now()
            await self.store.save_people(people, now)
            self._cache.update({p.user_id: p for p in people})
            self._refreshed_at[workspace] = now
            logger.info("people directory refreshed: %d people", len(people))
            _settle_long_lived_objects()

    async def people(self, user_ids: Iterable[str]) -> dict[str, Person]:
        """Known people among user_ids; unknown ones are fetched (in bulk when there are many)."""
        wanted = list(dict.fromkeys(user_ids))
        found = {u: self._cache[u] for u in wanted if u in self._cache}
        missing = [u for u in wanted if u not in found]
        if missing:
            stored = await self.store.people(missing)
            self._cache.update(stored)
            found.update(stored)
            missing = [u for u in missing if u not in stored]
        if missing:
            await self._fetch(missing)
            found.update({u: self._cache[u] for u in missing if u in self._cache})
        return found

    async def person(self, user_id: str) -> Person | None:
        return (await self.people([user_id])).get(user_id)

    async def known(self, user_id: str) -> Person | None:
        """A person from the cache or the database only: never a Slack call."""
        person = self._cache.get(user_id)
        if person is None:
            person = (await self.store.people([user_id])).get(user_id)
            if person is not None:
                self._cache[user_id] = person
        return person

    def cached_language(self, user_id: str) -> str:
        """The reader's language without any wait: the cache, else the configured default."""
        person = self._cache.get(user_id)
        return language_for(person.locale if person else None, self.default_language)

    async def language_of(self, user_id: str) -> str:
        person = await self.known(user_id)
        return language_for(person.locale if person else None, self.default_language)

    async def warm(self, user_id: str) -> None:
        """Make sure a person is known (after the ack, so the next reply is in their language)."""
        if user_id not in self._cache:
            await self.people([user_id])

    async def zone(self, user_id: str, *, known_only: bool = False) -> ZoneInfo:
        """A person's time zone (UTC when unknown); known_only makes no Slack call."""
        person = await (self.known(user_id) if known_only else self.person(user_id))
        return self.zone_of(person) or UTC_ZONE

    async def dm_channel(self, user_id: str) -> str:
        """The bot's DM with a person, opened once and remembered."""
        channel = await self.store.dm_channel(user_id)
        if channel is None:
            channel = await self.slack.open_dm(user_id)
            await self.store.save_dm_channel(user_id, channel, self.clock.now())
        return channel

    async def known_dm_channel(self, user_id: str) -> str | None:
        """The DM channel with a person, if one is remembered (no Slack call)."""
        return await self.store.dm_channel(user_id)

    async def remember_dm_channel(self, user_id: str, channel_id: str) -> None:
        await self.store.save_dm_channel(user_id, channel_id, self.clock.now())

    @staticmethod
    def zone_of(person: Person | None) -> ZoneInfo | None:
        if person is None or not person.tz:
            return None
        try:
            return ZoneInfo(person.tz)
        except (ZoneInfoNotFoundError, ValueError):
            return None

    async def _fetch(self, missing: list[str]) -> None:
        refreshed_at = self._refreshed_at.get(current_workspace())
        stale = refreshed_at is None or self.clock.now() - refreshed_at > DIRECTORY_MAX_AGE
        if len(missing) > MAX_SINGLE_LOOKUPS or stale:
            try:
                await self.refresh()
            except SlackError as error:
                logger.warning("users.list failed (%s); looking people up one by one", error.code)
            missing = [u for u in missing if u not in self._cache]
        fetched = []
        for user_id in missing[:MAX_SINGLE_LOOKUPS]:
            try:
                fetched.append(await self.slack.person(user_id))
            except SlackError as error:
                logger.info("users.info %s failed: %s", user_id, error.code)
        if fetched:
            await self.store.save_people(fetched, self.clock.now())
            self._cache.update({p.user_id: p for p in fetched})
