"""Why a sync (or a login) stopped, as exception types the GUI translates and the CLI prints.

Each exception carries an English sentence for a person in ``message``; the desktop app
shows its own translated text chosen by the exception type.
"""

from __future__ import annotations

from typing import Any


class SyncError(Exception):
    """Base of every sync failure. ``retryable``: trying again later may succeed by itself."""

    retryable = False
    #: Seconds the server asked to wait (``Retry-After``), if it did.
    retry_after: float | None = None
    #: What the sync run did before it stopped (a ``SyncResult``), when raised by a run.
    result: Any = None

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        code: str | None = None,
        details: list[dict[str, Any]] | None = None,
    ):
        super().__init__(message)
        self.message = message
        self.status = status
        self.code = code
        #: The server's per-item details (e.g. which pushed entries it could not read).
        self.details: list[dict[str, Any]] = details or []


class ServerUnreachable(SyncError):
    """Offline, the server is down, the connection dropped or timed out (after retries)."""

    retryable = True


class ServerError(SyncError):
    """The server answered with an error of its own (5xx) after retries."""

    retryable = True


class NotLoggedIn(SyncError):
    """This profile has no server or no session: run ``fieldcrm login`` first."""


class SessionUnavailable(NotLoggedIn):
    """The session is kept in the OS keyring, which cannot be read now (locked, or no
    desktop session): unlock it, or log in again."""


class LoginFailed(SyncError):
    """Wrong user name or password."""


class TooManyAttempts(SyncError):
    """The server throttles repeated failed logins; wait before trying again."""

    retryable = True


class LoginRequired(SyncError):
    """The session ended (refresh token expired or unknown): log in again."""


class AccessRevoked(SyncError):
    """The device was revoked or the user disabled by an administrator; sync stops."""


class ProtocolMismatch(SyncError):
    """Client and server speak different protocol versions; one of them must be updated."""


class InsecureConnection(SyncError):
    """The server address uses plain HTTP to a host other than this computer: the password
    and the data would cross the network readable by anyone on the way. Refused unless
    allowed (``--allow-http``, or ``FIELDCRM_ALLOW_HTTP=1`` set by IT)."""


class ServerMoved(SyncError):
    """The server answered with a redirect (typically from http:// to https://): the
    address to use is the one it points to."""

    def __init__(self, message: str, *, location: str | None = None, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.location = location


class RequestRejected(SyncError):
    """The server refused a request as invalid (a 4xx that retrying will not change)."""


class ClockAhead(RequestRejected):
    """The server refused changes dated in the future: this computer's clock is ahead.

    Pushing waits until the clock is right; pulling goes on."""

    def __init__(self, message: str, *, server_ms: int | None = None, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        #: The server's time when it answered (its ``Date`` header), if it sent one.
        self.server_ms = server_ms


class DeviceReused(RequestRejected):
    """The server saw this device's operation numbers before with other content: the
    profile was restored from a backup or copied. The engine takes a new identity."""


class WipeRequested(SyncError):
    """An administrator asked this device to delete its local data (a lost laptop).
    ``now``: without sending its pending changes first."""

    def __init__(self, message: str, *, now: bool = False, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.now = now


class SyncCancelled(SyncError):
    """The sync was cancelled on request (e.g. the app is closing)."""


class VerificationFailed(SyncError):
    """Local counts still differ from the server's after a full resync."""

    retryable = True


#: Errors that need a person before syncing can work again.
FATAL_ERRORS: tuple[type[SyncError], ...] = (
    NotLoggedIn,
    LoginRequired,
    AccessRevoked,
    ProtocolMismatch,
)
