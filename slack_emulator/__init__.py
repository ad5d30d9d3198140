"""A strict local Slack for end-to-end tests: Web API, response_url, Socket Mode and a driver."""

from .acks import AckProblem, AckReply, AckTimeoutError, Delivery, parse_ack_body
from .api_functions import FunctionExecution, functions_from_manifest
from .blockkit import validate_blocks, validate_view
from .clock import OffsetClock, WorldClock
from .cloud import SlackCloud
from .driver import SlackClientDriver
from .models import (
    Channel,
    Ephemeral,
    FileRecord,
    Message,
    RecordedCall,
    ResponseUrlPost,
    User,
    Usergroup,
    View,
)
from .oauth import Installation, OAuthPageError
from .scopes import scopes_from_manifest
from .server import SlackEmulator
from .signing import sign, signed_headers
from .tokens import BotGrant, BotTokens

__all__ = [
    "AckProblem",
    "AckReply",
    "AckTimeoutError",
    "BotGrant",
    "BotTokens",
    "Channel",
    "Delivery",
    "Ephemeral",
    "FileRecord",
    "FunctionExecution",
    "Installation",
    "Message",
    "OAuthPageError",
    "OffsetClock",
    "RecordedCall",
    "ResponseUrlPost",
    "SlackClientDriver",
    "SlackCloud",
    "SlackEmulator",
    "User",
    "Usergroup",
    "View",
    "WorldClock",
    "functions_from_manifest",
    "parse_ack_body",
    "scopes_from_manifest",
    "sign",
    "signed_headers",
    "validate_blocks",
    "validate_view",
]
