"""The ports the use cases own: what they need from Slack, from storage, from time, and how a
result is turned into a message. Adapters (bot.slack, bot.storage, bot.clock) implement them."""

from bot.services.ports.clock import Clock
from bot.services.ports.presenter import FollowUpOrigin, Message, Presenter, View
from bot.services.ports.slack import (
    ChannelInfo,
    ChannelNotFound,
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
    Job,
    JobStore,
    OutcomeStore,
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
    "Job",
    "JobStore",
    "Message",
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
