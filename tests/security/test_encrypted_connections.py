"""The encrypted store's connections: set up like the plain store's, statements kept
compiled, a wrong key refused before anything is read or written."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any

import pytest

from fieldcrm.store import Store
from fieldcrm.store.db import cipher_connect
from fieldcrm.store.keys import WrongKey

KEY = bytes(range(32))
#: More distinct statements than the ``sqlcipher3`` driver caches by default (100).
MANY = 150


def _new_store(path: Path, key: bytes | None) -> tuple[Store, str]:
    """A store and its territory, after more distinct reads than the driver caches."""
    store = Store(path, key=key)
    territory = store.create("territory", {"name": "Nord"})
    # Reads with distinct texts fill the driver's statement cache, as a session of the
    # app does long before the user's first write.
    with store.read() as conn:
        for n in range(MANY):
            conn.exec_driver_sql(f"SELECT {n} FROM territory WHERE id = ?", (territory,)).all()
    return store, territory


def _compiles_of_customer_inserts(store: Store, territory: str, writes: int) -> int:
    """How often SQLite compiled an insert into ``customer`` while ``writes`` customers
    were created one transaction each. The authorizer is asked at compile time only."""
    compiled = 0

    def authorize(action: int, table: Any, *_: Any) -> int:
        nonlocal compiled
        if action == 18 and table == "customer":  # SQLITE_INSERT
            compiled += 1
        return 0  # SQLITE_OK

    with store.engine.connect() as conn:
        driver: Any = conn.connection.driver_connection
        driver.set_authorizer(authorize)
    try:
        for n in range(writes):
            store.create("customer", {"name": f"Bäckerei {n}", "territory_id": territory})
    finally:
        with store.engine.connect() as conn:
            conn.connection.driver_connection.set_authorizer(None)  # type: ignore[union-attr]
    return compiled


@pytest.mark.parametrize("key", [None, KEY], ids=["plain", "encrypted"])
def test_a_write_is_compiled_once_not_at_every_write(tmp_path: Path, key: bytes | None) -> None:
    store, territory = _new_store(tmp_path / "fieldcrm.db", key)
    try:
        assert store.encrypted == (key is not None)
        # One connection serves this thread (the pool hands out the one used last).
        assert store.engine.pool.checkedin() == 1  # type: ignore[attr-defined]
        # Setting the authorizer makes SQLite compile the kept statements once more.
        assert _compiles_of_customer_inserts(store, territory, 10) <= 1
    finally:
        store.close()


def test_encrypted_connections_are_set_up_like_plain_ones(tmp_path: Path) -> None:
    settings = (
        "journal_mode",
        "synchronous",
        "foreign_keys",
        "busy_timeout",
        "page_size",
        "mmap_size",
    )
    found: dict[str, dict[str, Any]] = {}
    for name, key in (("plain", None), ("encrypted", KEY)):
        store = Store(tmp_path / f"{name}.db", key=key)
        with store.read() as conn:
            found[name] = {
                # SQLCipher answers some of them as text
                pragma: str(conn.exec_driver_sql(f"PRAGMA {pragma}").scalar())
                for pragma in settings
            }
            if key is not None:
                cipher = {
                    pragma: conn.exec_driver_sql(f"PRAGMA {pragma}").scalar()
                    for pragma in (
                        "cipher_use_hmac",
                        "cipher_hmac_algorithm",
                        "cipher_page_size",
                        "cipher_plaintext_header_size",
                    )
                }
        store.close()
    assert found["encrypted"] == found["plain"]
    assert found["plain"]["journal_mode"] == "wal" and found["plain"]["synchronous"] == "2"
    # SQLCipher 4's cipher with every page authenticated with HMAC-SHA256 (not its
    # default HMAC-SHA512, see ``db.CIPHER_HMAC_ALGORITHM``), no plain header.
    assert cipher == {
        "cipher_use_hmac": "1",
        "cipher_hmac_algorithm": "HMAC_SHA256",
        "cipher_page_size": "4096",
        "cipher_plaintext_header_size": "0",
    }


def test_a_wrong_key_is_refused_with_a_clear_message_and_nothing_changes(
    tmp_path: Path,
) -> None:
    path = tmp_path / "fieldcrm.db"
    store = Store(path, key=KEY)
    store.create("territory", {"name": "Nord"})
    store.close()
    before = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in tmp_path.iterdir()}
    with pytest.raises(WrongKey, match=r"does not open the local database.*Nothing was changed"):
        cipher_connect(path, os.urandom(32))
    with pytest.raises(WrongKey, match="wrong password"):
        Store(path, key=os.urandom(32))
    after = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in tmp_path.iterdir()}
    assert after == before
    reopened = Store(path, key=KEY)
    assert reopened.counts()["territory"] == 1
    reopened.close()
