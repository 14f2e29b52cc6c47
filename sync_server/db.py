"""Database engines for SQLite (WAL, synchronous=FULL) and PostgreSQL, and schema upgrades."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy import event

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations" / "server"

#: Execution option: open the SQLite transaction with BEGIN IMMEDIATE (take the write lock).
WRITE = {"fieldcrm_write": True}


def normalise_url(url: str) -> str:
    """Accept ``postgresql://`` and ``postgres://`` and use the psycopg 3 driver for them."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def is_sqlite(engine: sa.Engine) -> bool:
    return engine.dialect.name == "sqlite"


#: Mode of a server SQLite database (and so of its WAL files): the service user writes,
#: its group (backups) may read, nobody else.
SQLITE_FILE_MODE = 0o640


def restrict_sqlite_file(url: str) -> None:
    """Create the database file of a ``sqlite:///`` URL with ``SQLITE_FILE_MODE``, or take
    wider bits off an existing one (POSIX)."""
    path = sa.make_url(url).database
    if os.name != "posix" or not path or path == ":memory:" or path.startswith("file:"):
        return
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, SQLITE_FILE_MODE)
    except FileExistsError:
        current = os.stat(path).st_mode & 0o777
        if current & ~SQLITE_FILE_MODE:
            os.chmod(path, current & SQLITE_FILE_MODE)
        return
    except FileNotFoundError:
        return  # no such folder: SQLite says so when it connects
    os.close(fd)


def make_engine(url: str, **kw: Any) -> sa.Engine:
    """An engine for ``url``; SQLite gets WAL, synchronous=FULL and explicit transactions,
    and its file mode 0640 or tighter."""
    url = normalise_url(url)
    if url.startswith("sqlite"):
        restrict_sqlite_file(url)
        engine = sa.create_engine(
            url, connect_args={"timeout": 60, "check_same_thread": False}, **kw
        )

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_conn: Any, _record: Any) -> None:
            # Let SQLAlchemy's "begin" event decide how a transaction starts.
            dbapi_conn.isolation_level = None
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=FULL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA busy_timeout=60000")
            cur.close()

        @event.listens_for(engine, "begin")
        def _on_begin(conn: sa.Connection) -> None:
            if conn.get_execution_options().get("fieldcrm_write"):
                conn.exec_driver_sql("BEGIN IMMEDIATE")
            else:
                conn.exec_driver_sql("BEGIN")

        return engine
    kw.setdefault("pool_size", 10)
    kw.setdefault("max_overflow", 20)
    kw.setdefault("pool_pre_ping", True)
    return sa.create_engine(url, **kw)


def alembic_config(url: str) -> Config:
    # Alembic is imported when needed: it costs half a second of every admin command.
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("sqlalchemy.url", normalise_url(url).replace("%", "%%"))
    return cfg


def upgrade(engine: sa.Engine, revision: str = "head") -> None:
    """Create or upgrade the schema to ``revision``."""
    from alembic import command

    cfg = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)


def schema_state(engine: sa.Engine) -> tuple[str | None, str | None]:
    """(current revision of the database, newest revision this server knows)."""
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config(str(engine.url)))
    with engine.connect() as conn:
        current = MigrationContext.configure(conn).get_current_revision()
    return current, script.get_current_head()


@contextmanager
def read_transaction(engine: sa.Engine) -> Iterator[sa.Connection]:
    """One consistent snapshot for the whole block (REPEATABLE READ on PostgreSQL)."""
    with engine.connect() as conn:
        snapshot = conn
        if conn.dialect.name == "postgresql":
            snapshot = conn.execution_options(isolation_level="REPEATABLE READ")
        with snapshot.begin():
            yield snapshot


@contextmanager
def write_transaction(engine: sa.Engine) -> Iterator[sa.Connection]:
    """A write transaction (on SQLite it takes the write lock at once: BEGIN IMMEDIATE)."""
    with engine.connect() as conn:
        writing = conn.execution_options(**WRITE)
        with writing.begin():
            yield writing
