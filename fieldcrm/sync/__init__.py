"""The client sync engine: push the outbox, pull and merge pages, resume; no Qt import."""

from fieldcrm.sync.client import SyncClient
from fieldcrm.sync.credentials import (
    Credentials,
    current_user,
    load_credentials,
    login,
    logout,
    open_client,
)
from fieldcrm.sync.engine import SyncEngine, SyncProgress, SyncResult
from fieldcrm.sync.errors import (
    AccessRevoked,
    InsecureConnection,
    LoginFailed,
    LoginRequired,
    NotLoggedIn,
    ProtocolMismatch,
    RequestRejected,
    ServerError,
    ServerMoved,
    ServerUnreachable,
    SessionUnavailable,
    SyncCancelled,
    SyncError,
    TooManyAttempts,
    VerificationFailed,
    WipeRequested,
)

__all__ = [
    "AccessRevoked",
    "Credentials",
    "InsecureConnection",
    "LoginFailed",
    "LoginRequired",
    "NotLoggedIn",
    "ProtocolMismatch",
    "RequestRejected",
    "ServerError",
    "ServerMoved",
    "ServerUnreachable",
    "SessionUnavailable",
    "SyncCancelled",
    "SyncClient",
    "SyncEngine",
    "SyncError",
    "SyncProgress",
    "SyncResult",
    "TooManyAttempts",
    "VerificationFailed",
    "WipeRequested",
    "current_user",
    "load_credentials",
    "login",
    "logout",
    "open_client",
]
