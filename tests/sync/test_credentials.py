"""Where the session lives: the OS keyring when there is one, else the profile (0600).

CI has no desktop keyring, so these tests install a keyring backend of their own through
``keyring.set_keyring`` (the documented way to choose one); it keeps passwords in memory
and can be locked like a real one.
"""

from __future__ import annotations

import logging
import stat
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.backends import fail
from keyring.errors import KeyringLocked, PasswordDeleteError

from fieldcrm.store import Store
from fieldcrm.store.replica import CURSOR_KEY
from fieldcrm.sync import SessionUnavailable, SyncEngine, login, logout, open_client
from fieldcrm.sync.credentials import (
    KEYRING_SERVICE,
    NO_KEYRING_ENV,
    TOKEN_FILE_NAME,
    TOKEN_STORAGE_KEY,
)
from tests.helpers.sync_harness import PASSWORD, SERVER_URL, InProcessServer, migrated_server_db

# Choose the system's backend now: keyring picks the best of every backend class there
# is, and once the test backend below exists it would pick that one for the whole run.
keyring.get_keyring()


class MemoryKeyring(KeyringBackend):
    """A keyring in memory that can be locked (as a desktop keyring is before sign-in)."""

    priority = 10

    def __init__(self) -> None:
        super().__init__()
        self.passwords: dict[tuple[str, str], str] = {}
        self.locked = False

    def _check(self) -> None:
        if self.locked:
            raise KeyringLocked("the keyring is locked")

    def get_password(self, service: str, username: str) -> str | None:
        self._check()
        return self.passwords.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self._check()
        self.passwords[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self._check()
        if self.passwords.pop((service, username), None) is None:
            raise PasswordDeleteError("not stored")


@pytest.fixture
def server(tmp_path: Path) -> Iterator[InProcessServer]:
    srv = InProcessServer(migrated_server_db(tmp_path))
    srv.territory("North", area="Area 1")
    srv.user("anna", "rep", territory="North")
    yield srv
    srv.close()


@pytest.fixture
def desktop_keyring(monkeypatch: pytest.MonkeyPatch) -> Iterator[MemoryKeyring]:
    monkeypatch.delenv(NO_KEYRING_ENV, raising=False)
    before = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(before)


def _store(tmp_path: Path) -> Store:
    (tmp_path / "anna").mkdir(exist_ok=True)
    return Store(tmp_path / "anna" / "fieldcrm.db")


def _login(store: Store, server: InProcessServer) -> None:
    login(store, SERVER_URL, "anna", PASSWORD, transport=server.transport)


def _sync(store: Store, server: InProcessServer) -> bool:
    with open_client(store, server.transport, sleep=lambda _s: None) as client:
        return SyncEngine(store, client, raise_errors=False).sync().ok


def test_session_goes_to_the_keyring_and_not_to_the_profile(
    tmp_path: Path, server: InProcessServer, desktop_keyring: MemoryKeyring
) -> None:
    store = _store(tmp_path)
    _login(store, server)
    assert store.meta(TOKEN_STORAGE_KEY) == "keyring"
    assert not (store.path.parent / TOKEN_FILE_NAME).exists()
    [(service, _account)] = desktop_keyring.passwords
    assert service == KEYRING_SERVICE
    assert _sync(store, server)
    # Logging out removes it from the keyring.
    logout(store, server.transport)
    assert desktop_keyring.passwords == {}
    assert store.meta(TOKEN_STORAGE_KEY) is None


def test_a_session_in_the_profile_is_found_after_a_keyring_appears(
    tmp_path: Path, server: InProcessServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(NO_KEYRING_ENV, "1")
    store = _store(tmp_path)
    _login(store, server)
    token_file = store.path.parent / TOKEN_FILE_NAME
    assert token_file.exists() and store.meta(TOKEN_STORAGE_KEY) == "file"
    assert stat.S_IMODE(token_file.stat().st_mode) == 0o600

    # The desktop's keyring shows up later (installed, or unlocked at sign-in).
    monkeypatch.delenv(NO_KEYRING_ENV)
    before = keyring.get_keyring()
    keyring.set_keyring(MemoryKeyring())
    try:
        assert _sync(store, server)  # still signed in: the session is where login put it
        # Signing in again moves it to the keyring and removes the file.
        _login(store, server)
        assert store.meta(TOKEN_STORAGE_KEY) == "keyring"
        assert not token_file.exists()
        assert _sync(store, server)
    finally:
        keyring.set_keyring(before)


def test_a_locked_keyring_is_a_clear_message_not_a_traceback(
    tmp_path: Path, server: InProcessServer, desktop_keyring: MemoryKeyring
) -> None:
    store = _store(tmp_path)
    _login(store, server)
    desktop_keyring.locked = True
    with pytest.raises(SessionUnavailable) as caught:
        open_client(store, server.transport)
    message = caught.value.message
    assert "system keyring, which cannot be read now" in message
    assert "KeyringLocked: the keyring is locked" in message
    assert "Unlock the keyring" in message
    # The keyring going away entirely says the same (it does not look in the profile).
    keyring.set_keyring(fail.Keyring())
    with pytest.raises(SessionUnavailable):
        open_client(store, server.transport)
    # Unlocked again: everything works as before, nothing was lost.
    keyring.set_keyring(desktop_keyring)
    desktop_keyring.locked = False
    assert _sync(store, server)


def test_a_keyring_that_refuses_the_session_falls_back_to_the_profile(
    tmp_path: Path,
    server: InProcessServer,
    desktop_keyring: MemoryKeyring,
    caplog: pytest.LogCaptureFixture,
) -> None:
    desktop_keyring.locked = True
    store = _store(tmp_path)
    with caplog.at_level(logging.WARNING, logger="fieldcrm.sync"):
        _login(store, server)
    text = caplog.text
    assert "The system keyring did not take the sync session (KeyringLocked" in text
    assert "No system keyring is available: the sync session is kept in" in text
    assert store.meta(TOKEN_STORAGE_KEY) == "file"
    token_file = store.path.parent / TOKEN_FILE_NAME
    assert stat.S_IMODE(token_file.stat().st_mode) == 0o600
    desktop_keyring.locked = False  # a keyring that works later does not hide the session
    assert _sync(store, server)


def test_logout_with_a_locked_keyring_still_ends_the_session_here(
    tmp_path: Path, server: InProcessServer, desktop_keyring: MemoryKeyring
) -> None:
    store = _store(tmp_path)
    _login(store, server)
    desktop_keyring.locked = True
    assert logout(store, server.transport) is False  # the server could not be told
    assert store.meta(TOKEN_STORAGE_KEY) is None
    with pytest.raises(Exception, match="not logged in"):
        open_client(store, server.transport)


def test_signing_in_again_as_the_same_rep_continues_from_the_cursor(
    tmp_path: Path, server: InProcessServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(NO_KEYRING_ENV, "1")
    store = _store(tmp_path)
    _login(store, server)
    assert _sync(store, server)
    cursor = store.meta(CURSOR_KEY)
    assert cursor is not None
    logout(store, server.transport)
    _login(store, server)
    assert store.meta(CURSOR_KEY) == cursor  # no second download of everything
    assert _sync(store, server)
