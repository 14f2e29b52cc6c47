"""The local store is a SQLCipher file: nothing of the customers is readable in it."""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from fieldcrm.store import Store
from fieldcrm.store.encryption import open_profile_store, plain_sqlite_readable
from fieldcrm.store.keys import (
    KEY_FROM_PASSWORD_ENV,
    KEY_INFO_NAME,
    KEYRING_SERVICE,
    WrongKey,
    keyring_account,
)
from tests.helpers.file_keyring import FileKeyring, forget_store_key
from tests.helpers.realserver import PASSWORD, RealServer, fieldcrm

pytestmark = pytest.mark.slow

CUSTOMER_NAME = "Zuckerbäckerei Quellenhof"
EMAIL = "h.wendelstein@quellenhof-example.de"
EXIT_LOCKED = 7


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RealServer]:
    srv = RealServer(tmp_path_factory.mktemp("encrypted-store-server"))
    srv.setup_area()
    srv.start()
    yield srv
    srv.stop()


def _login(profile: Path, server: RealServer, user: str, **env: Any) -> None:
    result = fieldcrm(
        profile, "login", "--server", server.url, "--user", user, stdin=PASSWORD + "\n", **env
    )
    assert result.returncode == 0, result.stderr


def _sync(profile: Path, stdin: str | None = None, **env: Any) -> None:
    result = fieldcrm(profile, "sync", stdin=stdin, **env)
    assert result.returncode == 0, result.stderr


def _files_of(database: Path) -> dict[str, bytes]:
    return {
        path.name: path.read_bytes()
        for path in (database, Path(f"{database}-wal"))
        if path.exists()
    }


def _found(needle: str, files: dict[str, bytes]) -> list[str]:
    """The files that hold ``needle`` as UTF-8 or as UTF-16 (either byte order)."""
    forms = [needle.encode("utf-8"), needle.encode("utf-16-le"), needle.encode("utf-16-be")]
    return [name for name, data in files.items() if any(form in data for form in forms)]


def test_a_synced_profile_holds_no_customer_name_or_email_in_its_files(
    tmp_path: Path, server: RealServer
) -> None:
    """Done-when 1: sign in, sync, then look for a customer's name and a contact's e-mail
    address in the database file and its WAL as bytes."""
    # Ben records the customer and the contact; they reach the server.
    ben = tmp_path / "ben"
    _login(ben, server, "ben")
    store = Store(ben / "fieldcrm.db")
    customer = store.create("customer", {"name": CUSTOMER_NAME, "status": "active"})
    store.create("contact", {"customer_id": customer, "last_name": "Wendelstein", "email": EMAIL})
    store.close()
    _sync(ben)
    assert server.records("customer")[customer]["name"] == CUSTOMER_NAME

    # Anna, in the same territory, signs in and syncs: her laptop gets both.
    anna = tmp_path / "anna"
    _login(anna, server, "anna")
    _sync(anna)
    status = json.loads(fieldcrm(anna, "status", "--json").stdout)
    assert status["encrypted"] is True
    assert status["cipher_version"].startswith("4.")
    assert status["counts"]["customer"] >= 1 and status["counts"]["contact"] >= 1

    database = anna / "fieldcrm.db"
    # With the store open and a write in its WAL (the app running), and after it closed.
    store = Store(database)
    try:
        assert store.encrypted
        assert store.get("customer", customer)["name"] == CUSTOMER_NAME  # type: ignore[index]
        store.update("customer", customer, {"city": "Quellenhof"})
        open_files = _files_of(database)
        assert len(open_files[f"{database.name}-wal"]) > 0
    finally:
        store.close()
    for files in (open_files, _files_of(database), _files_of(ben / "fieldcrm.db")):
        assert _found(CUSTOMER_NAME, files) == []
        assert _found(EMAIL, files) == []
    assert not plain_sqlite_readable(database)
    assert KEY_INFO_NAME in {p.name for p in anna.iterdir()}
    key_info = (anna / KEY_INFO_NAME).read_text()
    assert "keyring" in key_info and len(key_info) < 1000

    # The search can fail: the same data in a plain store is found.
    plain = Store(tmp_path / "plain.db", key=None, engine=None)
    assert not plain.encrypted
    plain.create("customer", {"name": CUSTOMER_NAME, "status": "active", "email": EMAIL})
    plain.close()
    assert _found(CUSTOMER_NAME, _files_of(tmp_path / "plain.db")) == ["plain.db"]


def test_a_database_copied_to_another_computer_cannot_be_read(
    tmp_path: Path, server: RealServer
) -> None:
    anna = tmp_path / "anna"
    _login(anna, server, "anna")
    _sync(anna)
    thief = tmp_path / "elsewhere"
    thief.mkdir()
    shutil.copy(anna / "fieldcrm.db", thief / "fieldcrm.db")
    assert not plain_sqlite_readable(thief / "fieldcrm.db")
    # Another computer has no key for it: a new key does not open it.
    with pytest.raises(WrongKey, match="copied from another computer"):
        open_profile_store(thief / "fieldcrm.db")
    # The profile folder with its key description, but not the keyring it names.
    shutil.copy(anna / KEY_INFO_NAME, thief / KEY_INFO_NAME)
    forget_store_key(anna / "fieldcrm.db")
    result = fieldcrm(anna, "status")
    assert result.returncode == EXIT_LOCKED
    assert "not in this computer's keyring" in result.stderr


def test_without_a_keyring_the_key_comes_from_the_password(
    tmp_path: Path, server: RealServer
) -> None:
    anna = tmp_path / "anna"
    env: dict[str, Any] = {KEY_FROM_PASSWORD_ENV: "1"}
    _login(anna, server, "anna", **env)
    _sync(anna, stdin=PASSWORD + "\n", **env)
    info = json.loads((anna / KEY_INFO_NAME).read_text())
    assert info["source"] == "password" and info["kdf"]["name"] == "argon2id"
    assert PASSWORD not in (anna / KEY_INFO_NAME).read_text()
    before = hashlib.sha256((anna / "fieldcrm.db").read_bytes()).hexdigest()

    wrong = fieldcrm(anna, "status", "--json", stdin="not my password\n", **env)
    assert wrong.returncode == EXIT_LOCKED
    assert "wrong password" in wrong.stderr and "Nothing was changed" in wrong.stderr
    assert hashlib.sha256((anna / "fieldcrm.db").read_bytes()).hexdigest() == before
    none = fieldcrm(anna, "status", "--json", stdin="", **env)
    assert none.returncode == EXIT_LOCKED and "No password given" in none.stderr

    right = fieldcrm(anna, "status", "--json", stdin=PASSWORD + "\n", **env)
    assert right.returncode == 0, right.stderr
    report = json.loads(right.stdout)
    assert report["encrypted"] is True and report["user"] == "anna"
    # The key is in no keyring.
    assert (
        FileKeyring().get_password(KEYRING_SERVICE, keyring_account(anna / "fieldcrm.db")) is None
    )


def test_export_says_the_file_is_not_encrypted(tmp_path: Path, server: RealServer) -> None:
    anna = tmp_path / "anna"
    _login(anna, server, "anna")
    out = tmp_path / "export.json"
    result = fieldcrm(anna, "export", "--output", str(out))
    assert result.returncode == 0, result.stderr
    assert "not encrypted" in result.stderr
    assert out.exists()
