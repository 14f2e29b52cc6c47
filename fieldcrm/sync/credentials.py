"""Login, logout and where the session lives: refresh token in the OS keyring, else in the profile.

The server URL and the user name are kept in the local store's meta table. The refresh
token goes to the operating system's keyring when one is available; otherwise to a file
in the profile folder readable only by its owner (mode 0600), with a warning shown once.
The short-lived access token is only ever held in memory.
"""

from __future__ import annotations

import contextlib
import logging
import os
import platform
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

import httpx
import orjson

from fieldcrm.protocol import UserInfo
from fieldcrm.store import Store
from fieldcrm.store.replica import (
    CURSOR_KEY,
    FULL_RESYNC_KEY,
    SERVER_URL_KEY,
    USER_ID_KEY,
    USER_INFO_KEY,
    USERNAME_KEY,
    get_meta,
    set_meta,
)
from fieldcrm.sync.client import SyncClient, check_plain_http, normalise_server_url
from fieldcrm.sync.errors import NotLoggedIn, SessionUnavailable, SyncError

log = logging.getLogger("fieldcrm.sync")

KEYRING_SERVICE = "FieldCRM"
TOKEN_FILE_NAME = "session.token"
TOKEN_WARNED_KEY = "token_file_warning_shown"
#: The app lock's Argon2id verifier of the password used at sign-in.
LOCK_VERIFIER_KEY = "lock_verifier"
#: Where the session went at login: "keyring" or "file".
TOKEN_STORAGE_KEY = "token_storage"
#: Set to 1 to keep the token in the profile even where a keyring exists (tests, kiosks).
NO_KEYRING_ENV = "FIELDCRM_NO_KEYRING"

FILE_STORAGE_WARNING = (
    "No system keyring is available: the sync session is kept in {path}, readable only by "
    "your user account. Anyone with access to that account can sync as you."
)


class TokenStore(Protocol):
    """Keeps one refresh token."""

    def load(self) -> str | None: ...

    def save(self, token: str) -> None: ...

    def clear(self) -> None: ...


class KeyringRefused(Exception):
    """The OS keyring did not take the token (locked, no backend, access denied)."""


class KeyringTokenStore:
    """The token in the OS keyring (Secret Service, Keychain, Windows Credential Locker).

    A keyring can be there and still fail (locked, no desktop session over SSH): reading
    then raises ``SessionUnavailable`` with what to do, saving raises ``KeyringRefused``
    (``Credentials`` keeps the token in the profile instead)."""

    kind = "keyring"

    def __init__(self, account: str) -> None:
        self.account = account

    def load(self) -> str | None:
        import keyring

        try:
            token: str | None = keyring.get_password(KEYRING_SERVICE, self.account)
        except Exception as exc:  # every backend raises its own kind of error
            raise SessionUnavailable(
                "The sync session is kept in the system keyring, which cannot be read now "
                f"({_describe_keyring_error(exc)}). Unlock the keyring (sign in to the "
                "desktop session) and sync again, or sign in to the server again."
            ) from exc
        return token

    def save(self, token: str) -> None:
        import keyring

        try:
            keyring.set_password(KEYRING_SERVICE, self.account, token)
        except Exception as exc:
            raise KeyringRefused(_describe_keyring_error(exc)) from exc

    def clear(self) -> None:
        import keyring

        try:
            keyring.delete_password(KEYRING_SERVICE, self.account)
        except Exception as exc:  # nothing stored, or the keyring is locked
            log.info("the session in the keyring was not removed (%s)", exc)


def _describe_keyring_error(exc: Exception) -> str:
    text = str(exc).strip()
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


class FileTokenStore:
    """The token in a file of the profile that only its owner can read (mode 0600)."""

    kind = "file"

    def __init__(self, path: Path) -> None:
        self.path = path

    def load(self) -> str | None:
        try:
            token = self.path.read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            return None
        return token or None

    def save(self, token: str) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(self.path.name + ".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, stat.S_IRUSR | stat.S_IWUSR)
        try:
            if hasattr(os, "fchmod"):  # a file left over from before keeps its mode otherwise
                os.fchmod(fd, stat.S_IRUSR | stat.S_IWUSR)
            os.write(fd, token.encode("utf-8"))
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, self.path)

    def clear(self) -> None:
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()


def keyring_available() -> bool:
    """True when a real OS keyring backend is there (not the fail or null backend)."""
    if os.environ.get(NO_KEYRING_ENV) == "1":
        return False
    try:
        import keyring
        from keyring.backends import fail
    except ImportError:
        return False
    try:
        backend = keyring.get_keyring()
    except Exception:  # a broken keyring configuration is the same as none
        return False
    if isinstance(backend, fail.Keyring):
        return False
    name = type(backend).__module__ + "." + type(backend).__name__
    return "null" not in name.lower() and getattr(backend, "priority", 1) > 0


def token_store_for(store: Store, *, fresh: bool = False) -> TokenStore:
    """Where this profile's session is: where it was put at login (``TOKEN_STORAGE_KEY``),
    so that a keyring that appears or goes away later does not lose it. ``fresh`` (a new
    login) chooses again: the keyring when one is there, else the profile."""
    file = FileTokenStore(store.path.parent / TOKEN_FILE_NAME)
    where = None if fresh else store.meta(TOKEN_STORAGE_KEY)
    if where == FileTokenStore.kind:
        return file
    if where == KeyringTokenStore.kind:
        return KeyringTokenStore(_keyring_account(store))
    if not fresh and file.path.exists():  # a profile from before the place was recorded
        return file
    if keyring_available():
        return KeyringTokenStore(_keyring_account(store))
    return file


def _keyring_account(store: Store) -> str:
    return f"{store.device_id}@{store.path.resolve()}"


class Credentials:
    """The session of one device: access token in memory, refresh token in a ``TokenStore``."""

    def __init__(
        self,
        device_id: str,
        token_store: TokenStore,
        *,
        on_saved: Callable[[TokenStore], None] | None = None,
        fallback: TokenStore | None = None,
    ) -> None:
        self.device_id = device_id
        self.token_store = token_store
        self.access_token: str | None = None
        self._on_saved = on_saved
        self._fallback = fallback

    def refresh_token(self) -> str | None:
        return self.token_store.load()

    def save_refresh_token(self, token: str) -> None:
        try:
            self.token_store.save(token)
        except KeyringRefused as exc:
            if self._fallback is None:
                raise SessionUnavailable(
                    f"The system keyring did not take the sync session ({exc})."
                ) from exc
            log.warning("The system keyring did not take the sync session (%s).", exc)
            self.token_store, self._fallback = self._fallback, None
            self.token_store.save(token)
        if self._on_saved is not None:
            self._on_saved(self.token_store)

    def clear(self) -> None:
        self.access_token = None
        self.token_store.clear()

    def follow_device(self, store: Store) -> None:
        """After the profile took a new device identity: the keyring entry is named after
        the device, so the session moves to the new name (a session file stays put)."""
        self.device_id = store.device_id
        if isinstance(self.token_store, KeyringTokenStore):
            old = self.token_store
            self.token_store = KeyringTokenStore(_keyring_account(store))
            with contextlib.suppress(Exception):  # the copy's entry may be unreadable
                old.clear()


def credentials_for(
    store: Store, token_store: TokenStore | None = None, *, fresh: bool = False
) -> Credentials:
    if token_store is not None:  # given by the caller (tests, tools): used as it is
        on_saved = (
            (lambda saved: _warn_file_storage_once(store, saved))
            if isinstance(token_store, FileTokenStore)
            else None
        )
        return Credentials(store.device_id, token_store, on_saved=on_saved)
    tokens = token_store_for(store, fresh=fresh)
    fallback = FileTokenStore(store.path.parent / TOKEN_FILE_NAME)
    return Credentials(
        store.device_id,
        tokens,
        on_saved=lambda saved: _remember_token_place(store, saved, fallback),
        fallback=fallback if isinstance(tokens, KeyringTokenStore) else None,
    )


def _remember_token_place(store: Store, saved: TokenStore, file: FileTokenStore) -> None:
    kind = getattr(saved, "kind", None)
    if store.meta(TOKEN_STORAGE_KEY) != kind:
        store.set_meta(TOKEN_STORAGE_KEY, kind)
    if isinstance(saved, FileTokenStore):
        _warn_file_storage_once(store, saved)
    else:
        file.clear()  # a session kept in the profile before the keyring was there


def load_credentials(store: Store) -> Credentials:
    """The session of this profile (refresh token from the keyring or the profile file)."""
    return credentials_for(store)


def _warn_file_storage_once(store: Store, tokens: TokenStore) -> None:
    if not isinstance(tokens, FileTokenStore):
        return
    with store.write() as uow:
        if get_meta(uow.connection, TOKEN_WARNED_KEY) == "1":
            return
        set_meta(uow.connection, TOKEN_WARNED_KEY, "1")
    log.warning(FILE_STORAGE_WARNING.format(path=tokens.path))


def login(
    store: Store,
    server_url: str,
    username: str,
    password: str,
    transport: httpx.BaseTransport | None = None,
    *,
    token_store: TokenStore | None = None,
    device_name: str | None = None,
    allow_http: bool = False,
) -> UserInfo:
    """Log this device in; keeps the session and remembers server and user in the store.

    Logging in to another server or as another user starts the next sync from a fresh
    snapshot (pending local changes are kept and pushed under the new session). Plain
    ``http://`` to another computer is refused (``InsecureConnection``) unless
    ``allow_http`` or IT's ``FIELDCRM_ALLOW_HTTP=1``.
    """
    url = normalise_server_url(server_url)
    check_plain_http(url, allow_http)
    credentials = credentials_for(store, token_store, fresh=True)
    with SyncClient(url, credentials, transport, max_attempts=3) as client:
        tokens = client.login(username, password, store.device_id, device_name or _device_name())
    # The next client of this profile starts with the access token the login gave, instead
    # of asking for one first (a first sync right after signing in: one request less).
    # Kept in memory only, like every access token.
    _FRESH_ACCESS[(str(store.path.resolve()), url)] = tokens.access_token
    user = tokens.user
    with store.write() as uow:
        conn = uow.connection
        previous_url = get_meta(conn, SERVER_URL_KEY)
        # The user id outlives a logout (the user info does not): the same rep signing
        # in again continues from her cursor instead of downloading everything again.
        previous_user = get_meta(conn, USER_ID_KEY)
        if previous_user is None and (info := get_meta(conn, USER_INFO_KEY)):
            previous_user = orjson.loads(info)["id"]
        if previous_url != url or previous_user != user.id:
            set_meta(conn, CURSOR_KEY, None)
            if previous_user is not None:
                set_meta(conn, FULL_RESYNC_KEY, "1")
        set_meta(conn, SERVER_URL_KEY, url)
        set_meta(conn, USERNAME_KEY, user.username)
        set_meta(conn, USER_INFO_KEY, user.model_dump_json())
        set_meta(conn, USER_ID_KEY, user.id)
        # What the app lock checks the password against, on the laptop (works offline).
        set_meta(conn, LOCK_VERIFIER_KEY, lock_verifier(password))
    return user


def lock_verifier(password: str) -> str:
    """An Argon2id hash of the password (the app lock's verifier; never the password)."""
    from argon2 import PasswordHasher

    return PasswordHasher().hash(password)


def check_lock_password(verifier: str, password: str) -> bool:
    from argon2 import PasswordHasher
    from argon2.exceptions import InvalidHashError, VerificationError

    try:
        return PasswordHasher().verify(verifier, password)
    except (VerificationError, InvalidHashError):
        return False


def logout(
    store: Store,
    transport: httpx.BaseTransport | None = None,
    *,
    token_store: TokenStore | None = None,
) -> bool:
    """End the session here and, when reachable, on the server. True if the server heard it.

    The local data and the outbox stay; the next login continues where this one ended.
    """
    credentials = credentials_for(store, token_store)
    url = store.meta(SERVER_URL_KEY)
    told_server = False
    try:
        has_session = credentials.refresh_token() is not None
    except SessionUnavailable as exc:  # a locked keyring: end the session here anyway
        log.info("logout: %s", exc.message)
        has_session = False
    if url and has_session:
        try:
            with SyncClient(url, credentials, transport, max_attempts=1, timeout=10) as client:
                client.logout()
            told_server = True
        except SyncError as exc:
            log.info("logout: the server was not told (%s)", exc.message)
    credentials.clear()
    profile = str(store.path.resolve())
    for key in [key for key in _FRESH_ACCESS if key[0] == profile]:
        del _FRESH_ACCESS[key]
    with store.write() as uow:
        set_meta(uow.connection, USERNAME_KEY, None)
        set_meta(uow.connection, USER_INFO_KEY, None)
        set_meta(uow.connection, TOKEN_STORAGE_KEY, None)
    return told_server


def current_user(store: Store) -> UserInfo | None:
    raw = store.meta(USER_INFO_KEY)
    return UserInfo.model_validate_json(raw) if raw else None


def open_client(
    store: Store,
    transport: httpx.BaseTransport | None = None,
    *,
    token_store: TokenStore | None = None,
    **client_options: Any,
) -> SyncClient:
    """A client for the server this profile is logged in to; ``NotLoggedIn`` otherwise."""
    url = store.meta(SERVER_URL_KEY)
    credentials = credentials_for(store, token_store)
    if not url or store.meta(USER_INFO_KEY) is None or credentials.refresh_token() is None:
        raise NotLoggedIn("This profile is not logged in to a server. Run: fieldcrm login")
    credentials.access_token = _FRESH_ACCESS.pop((str(store.path.resolve()), url), None)
    return SyncClient(url, credentials, transport, **client_options)


#: The access token of the last login per (profile, server), for the next client (memory).
_FRESH_ACCESS: dict[tuple[str, str], str] = {}


def _device_name() -> str:
    return f"{platform.node() or 'laptop'} ({platform.system()})"
