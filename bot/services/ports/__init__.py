"""The ports the use cases own: what they need from Slack, from storage, from time, and how a
result is turned into a message. Adapters (bot.slack, bot.storage, bot.clock) implement them."""

from bot.services.ports.clock import Clock
from bot.services.ports.home_store import HomeRecord, HomeStore
from bot.services.ports.job_store import Job, JobStore
from bot.services.ports.outcome_store import OutcomeStore
from bot.services.ports.presenter import FollowUpOrigin, Message, Presenter, View
from bot.services.ports.series_store import SeriesStore
from bot.services.ports.slack import (
    ChannelInfo,
    ChannelNotFound,
    HomeUnavailable,
    MessageNotFound,
    MessageTag,
    OutcomeUnknown,
    PostedMessage,
    SlackError,
    SlackPort,
    TriggerExpired,
    UserGroupNotFound,
)
from bot.services.ports.storage import (
    AnswerContext,
    AnswerOutcome,
    PeopleStore,
    PollStore,
    ReminderStore,
    RemovalOutcome,
    RemovalResult,
    Store,
    StoreUnavailable,
    SuggestionOutcome,
    SuggestionResult,
)

__all__ = [
    "AnswerContext",
    "AnswerOutcome",
    "ChannelInfo",
    "ChannelNotFound",
    "Clock",
    "FollowUpOrigin",
    "HomeRecord",
    "HomeStore",
    "HomeUnavailable",
    "Job",
    "JobStore",
    "Message",
    "MessageNotFound",
    "MessageTag",
    "OutcomeStore",
    "OutcomeUnknown",
    "PeopleStore",
    "PollStore",
    "PostedMessage",
    "Presenter",
    "ReminderStore",
    "RemovalOutcome",
    "RemovalResult",
    "SeriesStore",
    "SlackError",
    "SlackPort",
    "Store",
    "StoreUnavailable",
    "SuggestionOutcome",
    "SuggestionResult",
    "TriggerExpired",
    "UserGroupNotFound",
    "View",
]
