"""Fixtures of the sync-server tests: a migrated database per test on SQLite and PostgreSQL.

PostgreSQL tests need ``FIELDCRM_TEST_DATABASE_URL``; each test session creates its own
uniquely named database on that server and drops it at the end.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from sync_server.db import make_engine, normalise_url, upgrade
from sync_server.tables import metadata
from tests.helpers.server_env import ServerEnv

PG_URL = os.environ.get("FIELDCRM_TEST_DATABASE_URL")


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("server-template") / "template.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()
    return path


@pytest.fixture(scope="session")
def pg_database() -> Iterator[str]:
    if not PG_URL:
        pytest.skip("PostgreSQL tests need FIELDCRM_TEST_DATABASE_URL")
    url = sa.make_url(normalise_url(PG_URL))
    name = f"fieldcrm_srv_{uuid.uuid4().hex[:12]}"
    admin_engine = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with admin_engine.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    test_url = url.set(database=name).render_as_string(hide_password=False)
    engine = make_engine(test_url)
    upgrade(engine)
    engine.dispose()
    try:
        yield test_url
    finally:
        with admin_engine.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin_engine.dispose()


def reset_pg(url: str) -> None:
    """Empty every table of the session's PostgreSQL database (fast per-test isolation)."""
    engine = sa.create_engine(url)
    names = ", ".join(f'"{table.name}"' for table in metadata.sorted_tables)
    with engine.begin() as conn:
        conn.exec_driver_sql(f"TRUNCATE {names}")
        conn.exec_driver_sql("INSERT INTO seq_counter (id, value) VALUES (1, 0)")
    engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: Path) -> str:
    if request.param == "sqlite":
        path = tmp_path / "server.db"
        shutil.copy(sqlite_template, path)
        return f"sqlite:///{path}"
    url: str = request.getfixturevalue("pg_database")
    reset_pg(url)
    return url


@pytest.fixture
def pg_url(request: pytest.FixtureRequest) -> str:
    url: str = request.getfixturevalue("pg_database")
    reset_pg(url)
    return url


@pytest.fixture
def env(db_url: str) -> Iterator[ServerEnv]:
    server = ServerEnv(db_url)
    try:
        yield server
    finally:
        server.close()


@pytest.fixture
def sqlite_env(tmp_path: Path, sqlite_template: Path) -> Iterator[ServerEnv]:
    path = tmp_path / "server.db"
    shutil.copy(sqlite_template, path)
    server = ServerEnv(f"sqlite:///{path}")
    try:
        yield server
    finally:
        server.close()
