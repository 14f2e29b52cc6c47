"""The local SQLite database: engine (WAL, foreign keys), migrations to head before use."""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy import event

import migrations

if TYPE_CHECKING:
    from alembic.config import Config

CLIENT_MIGRATIONS = Path(migrations.__file__).parent / "client"
WRITE_OPTION = "fieldcrm_write"

#: How every write commits: synced to disk at its commit (``synchronous=FULL``), the WAL
#: copied back into the database file every 1,000 pages (SQLite's default).
DURABLE_PRAGMAS = {"synchronous": "FULL", "wal_autocheckpoint": "1000"}
#: How the pages of a first sync commit (``Store.write(relaxed=True)``): not synced to
#: disk one by one, and the WAL copied back every 10,000 pages (40 MB) instead. A power
#: cut can lose the last pages but never half of one, and their cursor goes with them,
#: so the next sync pulls them again: nothing the rep typed is written this way.
RELAXED_PRAGMAS = {"synchronous": "NORMAL", "wal_autocheckpoint": "10000"}
#: How long a connection waits for another process's lock before it gives up.
BUSY_TIMEOUT_S = 30
#: The newest client schema revision (a test keeps it equal to Alembic's head). A database
#: already there opens without importing Alembic, which takes ~0.3 s of every app start.
HEAD_REVISION = "0021"


def alembic_config(engine_url: str = "sqlite://") -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(CLIENT_MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", engine_url)
    return cfg


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def restrict_file(path: Path, mode: int = 0o600) -> None:
    """Make ``path`` exist with at most ``mode`` (POSIX): the database holds customer data
    and only its user may read it. SQLite gives the WAL and shared-memory files the mode
    of the database file."""
    if os.name != "posix":
        return  # Windows: the profile lives in the user's own folder, with its ACL
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, mode)
    except FileExistsError:
        current = path.stat().st_mode & 0o777
        if current & ~mode:
            os.chmod(path, current & mode)
        return
    os.close(fd)


def _operational_errors() -> tuple[type[Exception], ...]:
    """The "database is locked" error of the plain driver and of SQLCipher's."""
    try:
        from sqlcipher3 import dbapi2 as sqlcipher
    except ImportError:
        return (sqlite3.OperationalError,)
    return (sqlite3.OperationalError, sqlcipher.OperationalError)


def _switch_to_wal(cur: Any) -> None:
    """Put the database in write-ahead-log mode (it stays so in the file).

    Switching a new file needs a moment alone with it, and SQLite does not wait for that
    (the busy timeout does not cover it): when another process is creating the same new
    profile, the switch is tried again until it succeeds or the busy timeout has passed.
    A file already in WAL mode needs no switch at all.
    """
    deadline = time.monotonic() + BUSY_TIMEOUT_S
    while True:
        try:
            if str(cur.execute("PRAGMA journal_mode").fetchone()[0]).lower() == "wal":
                return
            cur.execute("PRAGMA journal_mode=WAL")
            return
        except _operational_errors() as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.02)


#: Pages SQLCipher keeps decrypted in memory per connection (negative: KiB). Every page
#: read from the file is decrypted and checked; a larger cache reads and decrypts less.
CIPHER_CACHE_KIB = 65536
#: Compiled statements the ``sqlcipher3`` driver keeps per connection (its default: 100).
#: Unlike the standard library's LRU, its cache, once full, gives a new statement the
#: place of the least used one, which is the last newcomer: statements first run after
#: the cache filled up evict each other in turn and are compiled again on every use. The
#: store's set-up alone runs over 100 distinct statements, so every write recompiled its
#: five statements and their full-text triggers (about 0.4 ms of CPU per one-record
#: write). Sized so that every statement the app runs fits; a cached statement holds a
#: few KiB, a customer insert with its triggers about 60 KiB.
CIPHER_STATEMENT_CACHE = 1024
#: Run first in every transaction: a statement that reads a table checks the connection's
#: schema against the transaction's snapshot, and reloads it there when another
#: connection changed it (see ``create_sqlite_engine``'s ``begin``).
SCHEMA_CHECK_SQL = "SELECT 1 FROM sqlite_master LIMIT 1"


def is_plain_sqlite(path: Path) -> bool:
    """True when ``path`` is an unencrypted SQLite file (its header is readable text)."""
    try:
        with path.open("rb") as f:
            return f.read(16) == b"SQLite format 3\x00"
    except FileNotFoundError:
        return False


#: How every page of the encrypted store is authenticated (with AES-256 encrypting it).
#: HMAC-SHA256, not SQLCipher 4's default HMAC-SHA512: a one-record save writes about 23
#: pages, each encrypted and authenticated, and SHA-256 takes half of SHA-512's time per
#: page where the processor computes it in hardware (most x86 and ARM chips since 2017).
#: Its 256-bit tag leaves a forged page as unlikely as guessing the 256-bit key.
CIPHER_HMAC_ALGORITHM = "HMAC_SHA256"
#: The setting of profiles encrypted by earlier versions (SQLCipher 4's default). They
#: still open, and ``encryption.open_profile_store`` moves them to the current one.
LEGACY_CIPHER_HMAC_ALGORITHM = "HMAC_SHA512"
#: The page size both use (SQLCipher 4's default, and the plain store's): smaller pages
#: would cut the bytes a write encrypts, but made scans twice as slow (more overflow pages).
CIPHER_PAGE_SIZE = 4096


_QUIET_OPEN = threading.Lock()


class _NotOpened(Exception):
    """The key and settings tried do not open the file."""


def cipher_connect(path: Path | str, key: bytes, hmac_algorithm: str | None = None) -> Any:
    """A SQLCipher connection to ``path`` opened with the raw 256-bit ``key``.

    A raw key (``x'…'``) skips SQLCipher's PBKDF2 (256,000 rounds, tens of milliseconds)
    on every open. A file of an earlier version (``LEGACY_CIPHER_HMAC_ALGORITHM``) opens
    with its own setting unless ``hmac_algorithm`` asks for one; a new file gets the
    current one. ``WrongKey`` when the key does not open the file.
    """
    from fieldcrm.store.keys import WrongKey

    try:
        if hmac_algorithm is not None:
            return _cipher_open(path, key, hmac_algorithm)
        try:
            # Quiet: a profile of an earlier version fails this first try, and SQLCipher
            # would print its failed page check on the console every time. (The log level
            # is the whole process's: one thread at a time turns it off and back on.)
            with _QUIET_OPEN:
                return _cipher_open(path, key, CIPHER_HMAC_ALGORITHM, quiet=True)
        except _NotOpened:
            return _cipher_open(path, key, LEGACY_CIPHER_HMAC_ALGORITHM)
    except _NotOpened as exc:
        raise WrongKey(
            "The key does not open the local database: wrong password, or the "
            "database was copied from another computer. Nothing was changed."
        ) from exc


def _cipher_open(path: Path | str, key: bytes, hmac_algorithm: str, quiet: bool = False) -> Any:
    from sqlcipher3 import dbapi2 as sqlcipher

    conn = sqlcipher.connect(
        str(path),
        check_same_thread=False,
        timeout=BUSY_TIMEOUT_S,
        cached_statements=CIPHER_STATEMENT_CACHE,
    )
    log_level = None
    try:
        if quiet:
            log_level = conn.execute("PRAGMA cipher_log_level").fetchone()[0]
            conn.execute("PRAGMA cipher_log_level = NONE")
        conn.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
        conn.execute(f"PRAGMA cipher_page_size = {CIPHER_PAGE_SIZE}")
        conn.execute(f"PRAGMA cipher_hmac_algorithm = {hmac_algorithm}")
        # Page buffers are not wiped on free: the key stays in this process anyway, and
        # wiping costs about a tenth of every read. (The default of the SQLCipher 4.19 the
        # driver bundles; said here so that another build cannot turn it on.)
        conn.execute("PRAGMA cipher_memory_security = OFF")
        # (The first statement to read the file: it fails here when the key does not fit.)
        conn.execute(f"PRAGMA cache_size = -{CIPHER_CACHE_KIB}")
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlcipher.DatabaseError as exc:
        conn.close()
        if "not a database" in str(exc):
            raise _NotOpened(str(exc)) from exc
        raise
    finally:
        if log_level is not None:  # (a setting of the whole process)
            other = sqlcipher.connect(":memory:")
            other.execute(f"PRAGMA cipher_log_level = {log_level}")
            other.close()
    return conn


def cipher_hmac_algorithm(conn: Any) -> str:
    """The page authentication of an open SQLCipher connection's file."""
    return str(conn.execute("PRAGMA cipher_hmac_algorithm").fetchone()[0])


def create_sqlite_engine(path: Path | str, key: bytes | None = None) -> sa.Engine:
    """An engine for the local database with the pragmas every connection needs.

    pysqlite's own transaction handling is switched off so that SQLAlchemy's ``begin``
    emits the ``BEGIN``; writes take ``BEGIN IMMEDIATE`` so that a reader on another
    thread can never deadlock a writer that upgrades its lock. A database file is created
    (or tightened) to mode 0600. With a ``key`` the file is a SQLCipher database; its
    connections are pooled and kept open (opening one costs a key check).
    """
    if str(path) != ":memory:":
        restrict_file(Path(path))
    if key is not None:
        from sqlcipher3 import dbapi2 as sqlcipher

        engine = sa.create_engine(
            "sqlite://",
            module=sqlcipher,
            creator=lambda: cipher_connect(path, key),
            poolclass=sa.pool.QueuePool,
            pool_size=5,
            max_overflow=10,
            # The connection used last is handed out again: its page cache holds decrypted
            # pages. Handing out the pool's connections in turn (FIFO) would give each
            # transaction a connection whose cache another one's commit has made stale, and
            # every page it reads again would be decrypted and checked again.
            pool_use_lifo=True,
        )
    else:
        url = "sqlite://" if str(path) == ":memory:" else f"sqlite:///{path}"
        engine = sa.create_engine(
            url, connect_args={"check_same_thread": False, "timeout": BUSY_TIMEOUT_S}
        )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_S * 1000}")
        _switch_to_wal(cur)
        cur.execute(f"PRAGMA synchronous={DURABLE_PRAGMAS['synchronous']}")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: sa.Connection) -> None:
        immediate = conn.get_execution_options().get(WRITE_OPTION, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")
        # The schema is brought up to the transaction's snapshot before anything else is
        # prepared. A pooled connection keeps the schema it last loaded; when another
        # connection has changed it since (the background builder's CREATE INDEX after a
        # first sync), SQLite would prepare the transaction's first statement against
        # that old schema. Preparing a write whose triggers feed a search index connects
        # the FTS5 table, which reads its config inside this transaction, finds the newer
        # schema and resets the connection's schema in the middle of the outer prepare:
        # the write then failed with "no such table: customer"
        # (tests/sync/test_bulk_load.py). A plain read of a table reloads it first.
        conn.exec_driver_sql(SCHEMA_CHECK_SQL).close()

    return engine


def upgrade_to_head(engine: sa.Engine) -> None:
    """Bring the database to the newest schema; runs before anything else opens it.

    All migrations run in one transaction that holds the write lock from its first read
    (``BEGIN IMMEDIATE``), so two processes opening a new profile at once migrate it one
    after the other: the second reads the revision only after the first has committed.
    The transaction is begun here, before Alembic sees the connection; Alembic would
    otherwise commit after each migration (SQLite counts as non-transactional DDL to it)
    and let another process in between, holding a revision it read earlier.
    """
    if _stored_revision(engine) == HEAD_REVISION:
        return
    from alembic import command

    with engine.connect().execution_options(**{WRITE_OPTION: True}) as conn, conn.begin():
        cfg = alembic_config(str(engine.url))
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


def _stored_revision(engine: sa.Engine) -> str | None:
    """The revision the database says it is at (None when it has none yet)."""
    with engine.connect() as conn:
        try:
            rows = conn.exec_driver_sql("SELECT version_num FROM alembic_version").all()
        except sa.exc.OperationalError:  # a new database: no table yet
            return None
    return str(rows[0][0]) if len(rows) == 1 else None


def current_revision(engine: sa.Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()
