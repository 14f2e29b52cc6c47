"""File modes: the laptop's profile folder is 0700 and its database files 0600; the server's
SQLite database files are 0640 or tighter (POSIX)."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from fieldcrm.profile import database_path, ensure_profile
from fieldcrm.store import Store

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")


@pytest.fixture(autouse=True)
def usual_umask() -> Iterator[None]:
    old = os.umask(0o022)
    yield
    os.umask(old)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_file_modes_profile_folder_and_database_are_private(tmp_path: Path) -> None:
    profile = ensure_profile(tmp_path / "new-profile")
    assert _mode(profile) == 0o700
    store = Store(database_path(profile))
    try:
        store.create("customer", {"name": "Müller GmbH"})
        files = [p for p in profile.iterdir() if p.name.startswith("fieldcrm.db")]
        assert {p.name for p in files} >= {"fieldcrm.db", "fieldcrm.db-wal"}
        assert {p.name: _mode(p) for p in files} == dict.fromkeys((p.name for p in files), 0o600)
    finally:
        store.close()


def test_file_modes_an_older_open_profile_is_tightened(tmp_path: Path) -> None:
    old = tmp_path / "old-profile"
    old.mkdir(mode=0o755)
    os.chmod(old, 0o755)
    db = old / "fieldcrm.db"
    Store(db).close()
    os.chmod(db, 0o644)
    assert _mode(ensure_profile(old)) == 0o700
    Store(db).close()
    assert _mode(db) == 0o600


def test_file_modes_server_database_is_not_world_readable(tmp_path: Path) -> None:
    from sync_server.db import make_engine, upgrade

    path = tmp_path / "server.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE seq_counter SET value = value"))
    wal = path.with_name("server.db-wal")
    assert _mode(path) == 0o640 and (not wal.exists() or _mode(wal) == 0o640)
    engine.dispose()
    os.chmod(path, 0o666)
    make_engine(f"sqlite:///{path}").dispose()
    assert _mode(path) == 0o640
