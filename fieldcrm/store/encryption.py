"""Opening a profile's encrypted store, and moving a plain profile into one in place.

A profile made by a version before encryption holds a plain SQLite file. At its first
start with this version it is copied into a SQLCipher file beside it, the copy is
verified (integrity check, and every table's row count against the plain file), the
plain file is taken out of write-ahead-log mode (its WAL and shared-memory files go),
and the copy is renamed over it in one atomic step. A crash at any moment leaves either
the plain profile (and perhaps an encrypted half-copy, which the next start removes
before it copies again) or the encrypted one: never neither, never both readable.

A profile encrypted by an earlier version with SQLCipher's earlier page authentication
(``db.LEGACY_CIPHER_HMAC_ALGORITHM``) is moved to the current one the same way at its
first start with this version: copied, verified, renamed over. Until then, and when the
move cannot be done, it opens with its own setting.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

from fieldcrm.store.db import (
    CIPHER_HMAC_ALGORITHM,
    CIPHER_PAGE_SIZE,
    cipher_connect,
    cipher_hmac_algorithm,
    create_sqlite_engine,
    is_plain_sqlite,
    restrict_file,
)
from fieldcrm.store.erase import finish_erasing
from fieldcrm.store.keys import (
    PasswordSource,
    StoreKeyError,
    WrongKey,
    load_key,
    new_key,
    read_key_info,
)
from fieldcrm.store.service import Store

log = logging.getLogger("fieldcrm.store")

#: The encrypted copy while it is being made.
COPY_SUFFIX = ".encrypting"
SIDE_FILES = ("-wal", "-shm", "-journal")
#: Names a step of the migration at which the process kills itself (crash tests only).
FAULT_ENV = "FIELDCRM_FAULT_AT"
MIGRATION_STEPS = (
    "key-stored",
    "copy-started",
    "copy-written",
    "copied",
    "verified",
    "plain-closed",
    "swapped",
)
#: The steps of moving an encrypted profile to the current settings.
RESETTLE_STEPS = (
    "resettle-started",
    "resettle-written",
    "resettle-verified",
    "resettle-swapped",
)


class ProfileInUse(Exception):
    """Another program has the plain database open: it cannot be swapped now."""


class MigrationFailed(StoreKeyError):
    """The encrypted copy did not match the plain profile; the plain one stays in use."""


def fault_point(step: str) -> None:
    """Die here, as a power cut would, when ``FIELDCRM_FAULT_AT`` names ``step``."""
    if os.environ.get(FAULT_ENV) == step:
        if hasattr(signal, "SIGKILL"):
            os.kill(os.getpid(), signal.SIGKILL)
        os._exit(137)  # pragma: no cover - Windows


def open_profile_store(
    database: Path,
    ask_password: PasswordSource | None = None,
    *,
    before_open: Callable[[Path], None] | None = None,
    prefer_password: bool = False,
    **store_options: Any,
) -> Store:
    """The profile's encrypted store: its key made (first start) or loaded, a plain
    database of an earlier version encrypted in place first. ``StoreKeyError`` (with a
    message for the user) when the key cannot be had or does not fit. ``prefer_password``
    makes a new profile's key from the password even where a keyring exists."""
    finish_erasing(database)
    remove_half_copy(database)
    info = read_key_info(database)
    if info is None:
        info, key = new_key(database, ask_password, prefer_password=prefer_password)
        fault_point("key-stored")
    else:
        key = load_key(database, info, ask_password)
    if is_plain_sqlite(database):
        try:
            encrypt_in_place(database, key)
        except ProfileInUse:
            # An earlier FieldCRM still has it open: it stays plain until the next start.
            log.warning(
                "The local data is not encrypted yet: another FieldCRM program has it open. "
                "It is encrypted at the next start after that program is closed."
            )
            return Store(database, engine=create_sqlite_engine(database), **store_options)
    elif database.exists():
        resettle_if_needed(database, key)
    if before_open is not None:
        before_open(database)
    store = Store(database, key=key, **store_options)
    try:
        encrypt_attachment_contents(store)
    except BaseException:
        store.close()
        raise
    return store


def encrypt_attachment_contents(store: Store) -> int:
    """Attachment contents written in plain by an earlier version are encrypted in place
    (a profile whose contents are all encrypted costs one meta read); the number done."""
    from fieldcrm.store.attachments import AttachmentFiles

    return AttachmentFiles(store).encrypt_plain_files()


def remove_half_copy(database: Path) -> None:
    """An encrypted copy left by a migration that did not finish goes: the plain file
    beside it is still the profile (the copy is renamed over it only when complete)."""
    copy = database.with_name(database.name + COPY_SUFFIX)
    for path in (copy, *(Path(f"{copy}{side}") for side in SIDE_FILES)):
        with contextlib.suppress(FileNotFoundError):
            path.unlink()


def _table_counts(conn: Any, schema: str = "main") -> dict[str, int]:
    names = [
        row[0]
        for row in conn.execute(
            f"SELECT name FROM {schema}.sqlite_master WHERE type = 'table' "
            "AND name NOT LIKE 'sqlite_%' ORDER BY name"
        )
    ]
    return {
        name: conn.execute(f'SELECT count(*) FROM {schema}."{name}"').fetchone()[0]
        for name in names
    }


def encrypt_in_place(database: Path, key: bytes) -> None:
    """Replace the plain ``database`` by an encrypted copy (see the module docstring)."""
    from sqlcipher3 import dbapi2 as sqlcipher

    remove_half_copy(database)
    copy = database.with_name(database.name + COPY_SUFFIX)
    plain = sqlcipher.connect(str(database), isolation_level=None, timeout=2)
    try:
        _export_copy(plain, copy, key, "copy")
        plain.execute("DETACH DATABASE encrypted")
        fault_point("copied")
        _verify(plain, copy, key)
        fault_point("verified")
    finally:
        plain.close()
    if Path(f"{database}-wal").exists() or Path(f"{database}-journal").exists():
        remove_half_copy(database)
        raise ProfileInUse("another program wrote to it meanwhile")
    with contextlib.suppress(FileNotFoundError):
        Path(f"{database}-shm").unlink()
    fault_point("plain-closed")
    os.replace(copy, database)
    _sync_folder(database.parent)
    fault_point("swapped")


def _attach_copy(conn: Any, copy: Path, key: bytes) -> None:
    """Attach the new encrypted file ``copy`` as ``encrypted``, with the current settings."""
    conn.execute(f"ATTACH DATABASE ? AS encrypted KEY \"x'{key.hex()}'\"", (str(copy),))
    conn.execute(f"PRAGMA encrypted.cipher_page_size = {CIPHER_PAGE_SIZE}")
    conn.execute(f"PRAGMA encrypted.cipher_hmac_algorithm = {CIPHER_HMAC_ALGORITHM}")


def resettle_if_needed(database: Path, key: bytes) -> bool:
    """Move an encrypted profile of an earlier version to the current cipher settings
    (see the module docstring); True when it was moved. When it cannot be moved now
    (another program has it open, the disk is full, the copy did not match) it is left
    as it is, opens with its own settings, and is moved at a later start."""
    from sqlcipher3 import dbapi2 as sqlcipher

    conn = cipher_connect(database, key)
    try:
        if cipher_hmac_algorithm(conn) == CIPHER_HMAC_ALGORITHM:
            return False
    finally:
        conn.close()
    try:
        resettle_in_place(database, key)
    except (ProfileInUse, MigrationFailed, WrongKey, sqlcipher.OperationalError) as exc:
        remove_half_copy(database)
        log.warning(
            "The local data keeps its earlier encryption settings for now (%s); "
            "it is moved to the current ones at a later start.",
            exc,
        )
        return False
    return True


def resettle_in_place(database: Path, key: bytes) -> None:
    """Replace the encrypted ``database`` by a copy with the current cipher settings."""

    remove_half_copy(database)
    copy = database.with_name(database.name + COPY_SUFFIX)
    source = cipher_connect(database, key)
    try:
        source.isolation_level = None
        source.execute("PRAGMA busy_timeout = 2000")
        _export_copy(source, copy, key, "resettle")
        source.execute("DETACH DATABASE encrypted")
        _verify(source, copy, key, kept="The local data stays as it was")
        fault_point("resettle-verified")
    finally:
        source.close()
    if Path(f"{database}-wal").exists() or Path(f"{database}-journal").exists():
        remove_half_copy(database)
        raise ProfileInUse("another program wrote to it meanwhile")
    with contextlib.suppress(FileNotFoundError):
        Path(f"{database}-shm").unlink()
    os.replace(copy, database)
    _sync_folder(database.parent)
    fault_point("resettle-swapped")


def _verify(source: Any, copy: Path, key: bytes, kept: str = "The plain data stays in use") -> None:
    """The copy opens with the current settings, is intact and holds every row of
    ``source`` (an open connection to the file it was made from)."""
    encrypted = cipher_connect(copy, key, CIPHER_HMAC_ALGORITHM)
    try:
        check = encrypted.execute("PRAGMA integrity_check").fetchall()
        ours = _table_counts(encrypted)
    finally:
        encrypted.close()
    theirs = _table_counts(source)
    if check != [("ok",)] or ours != theirs:
        remove_half_copy(copy.with_name(copy.name.removesuffix(COPY_SUFFIX)))
        differ = sorted(n for n in theirs.keys() | ours.keys() if theirs.get(n) != ours.get(n))
        raise MigrationFailed(
            "The encrypted copy of the local data did not match it "
            f"(integrity: {check[0][0] if check else '?'}; tables differing: "
            f"{', '.join(differ) or 'none'}). {kept}; nothing was lost."
        )
    with copy.open("rb+") as f:
        os.fsync(f.fileno())


def _sync_folder(folder: Path) -> None:
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def cipher_version(store: Store) -> str | None:
    """SQLCipher's version of an encrypted store (None for a plain one)."""
    if not store.encrypted:
        return None
    with store.read() as conn:
        row = conn.exec_driver_sql("PRAGMA cipher_version").first()
    return str(row[0]) if row else None


def plain_sqlite_readable(path: Path) -> bool:
    """True when the plain SQLite library can read ``path`` (what anyone could do)."""
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    except sqlite3.Error:
        return False
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return True
    except sqlite3.DatabaseError:
        return False
    finally:
        conn.close()


def _export_copy(source: Any, copy: Path, key: bytes, step: str) -> None:
    """Leave WAL mode on ``source`` (it needs the file alone: another program that has it
    open refuses it) and write its encrypted copy to ``copy`` with its schema version;
    ``step`` names the fault points (``<step>-started``, ``<step>-written``)."""
    # Out of WAL mode first: SQLite folds the log into the file and removes the -wal
    # and -shm files (none can be taken later for the log of the encrypted file).
    from sqlcipher3 import dbapi2 as sqlcipher

    try:
        mode = source.execute("PRAGMA journal_mode = DELETE").fetchone()[0]
    except sqlcipher.OperationalError as exc:
        if "locked" in str(exc):
            raise ProfileInUse(str(exc)) from exc
        raise
    if str(mode).lower() != "delete":
        raise ProfileInUse(f"journal mode stays {mode}")
    restrict_file(copy)
    fault_point(f"{step}-started")
    _attach_copy(source, copy, key)
    source.execute("BEGIN IMMEDIATE")
    source.execute("SELECT sqlcipher_export('encrypted')")
    version = source.execute("PRAGMA main.user_version").fetchone()[0]
    source.execute(f"PRAGMA encrypted.user_version = {int(version)}")
    fault_point(f"{step}-written")
    source.execute("COMMIT")
