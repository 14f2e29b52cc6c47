"""A profile of the version before encryption is encrypted in place at its first start;
a crash at any step leaves the plain profile or the encrypted one, never neither or both."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from fieldcrm.store import Store
from fieldcrm.store.db import is_plain_sqlite
from fieldcrm.store.encryption import COPY_SUFFIX, FAULT_ENV, MIGRATION_STEPS
from fieldcrm.store.encryption import plain_sqlite_readable as readable_without_key
from fieldcrm.store.keys import KEY_INFO_NAME
from tests.helpers.realserver import fieldcrm
from tests.helpers.servers import ROOT, child_env

pytestmark = pytest.mark.slow

NAME = "Gasthof Zur Alten Mühle"

#: A profile written by the version before encryption (a plain SQLite store, the way it
#: opens one), left as a power cut leaves it: committed writes still in the WAL file.
WRITE_OLD_PROFILE = f"""
import os, sys
from fieldcrm.store import Store
store = Store(sys.argv[1])
with store.write() as uow:
    for i in range(300):
        c = uow.create("customer", {{"name": f"Kunde {{i}}", "status": "active"}})
        uow.create("contact", {{"customer_id": c, "last_name": f"Person {{i}}",
                               "email": f"p{{i}}@example.com"}})
c = store.create("customer", {{"name": {NAME!r}, "status": "active"}})
store.update("customer", c, {{"city": "Mühlheim"}})
store.set_meta("username", "anna")
os._exit(0)
"""


@pytest.fixture(scope="module")
def old_profile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    profile = tmp_path_factory.mktemp("old") / "profile"
    profile.mkdir(mode=0o700)
    subprocess.run(
        [sys.executable, "-c", WRITE_OLD_PROFILE, str(profile / "fieldcrm.db")],
        check=True,
        cwd=ROOT,
        env=child_env(),
        timeout=120,
    )
    assert Path(f"{profile / 'fieldcrm.db'}-wal").stat().st_size > 0
    return profile


def _expected(profile: Path) -> tuple[dict[str, int], list[dict[str, Any]]]:
    copy = profile.parent / "expected"
    if not copy.exists():
        shutil.copytree(profile, copy)
    store = Store(copy / "fieldcrm.db")
    try:
        return store.counts(), store.outbox_entries()
    finally:
        store.close()


def _holds_name(folder: Path) -> list[str]:
    needle = NAME.encode()
    return [p.name for p in folder.iterdir() if p.is_file() and needle in p.read_bytes()]


def _status(profile: Path, **env: Any) -> subprocess.CompletedProcess[str]:
    return fieldcrm(profile, "status", "--json", **env)


def test_a_profile_of_the_previous_version_opens_with_all_its_data_and_pending_changes(
    tmp_path: Path, old_profile: Path
) -> None:
    counts, outbox = _expected(old_profile)
    assert counts["customer"] == 301 and len(outbox) == 602
    profile = tmp_path / "profile"
    shutil.copytree(old_profile, profile)
    assert _holds_name(profile)  # the plain profile shows it to anyone

    result = _status(profile)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["encrypted"] is True
    assert report["counts"] == counts and report["pending"] == len(outbox)
    assert report["user"] == "anna"
    assert sorted(p.name for p in profile.iterdir()) == ["fieldcrm.db", KEY_INFO_NAME]
    assert not is_plain_sqlite(profile / "fieldcrm.db")
    assert _holds_name(profile) == []
    store = Store(profile / "fieldcrm.db")
    try:
        assert store.outbox_entries() == outbox
        assert store.counts() == counts
    finally:
        store.close()


@pytest.mark.parametrize("step", MIGRATION_STEPS)
def test_a_crash_at_each_step_leaves_one_readable_profile_and_the_next_start_finishes(
    tmp_path: Path, old_profile: Path, step: str
) -> None:
    counts, outbox = _expected(old_profile)
    profile = tmp_path / "profile"
    shutil.copytree(old_profile, profile)
    database = profile / "fieldcrm.db"

    crashed = _status(profile, **{FAULT_ENV: step})
    assert crashed.returncode == -9, crashed.stderr  # killed where the step was reached

    # Exactly one of the two: the plain profile with all its data, or the encrypted one.
    if is_plain_sqlite(database):
        assert readable_without_key(database)
        plain = _plain_counts(database)
        assert plain["customer"] == counts["customer"] and plain["outbox"] == len(outbox)
    else:
        assert step == "swapped"
        assert not readable_without_key(database)
        assert _holds_name(profile) == []
    for path in profile.iterdir():  # whatever else lies there is not readable plain data
        if path != database and path.is_file() and path.name != KEY_INFO_NAME:
            assert path.name.endswith((COPY_SUFFIX, "-wal", "-shm", "-journal")), path.name
            assert not is_plain_sqlite(path) or path.name.endswith(("-wal", "-shm"))

    result = _status(profile)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["encrypted"] is True
    assert report["counts"] == counts and report["pending"] == len(outbox)
    assert sorted(p.name for p in profile.iterdir()) == ["fieldcrm.db", KEY_INFO_NAME]
    assert _holds_name(profile) == []


def _plain_counts(database: Path) -> dict[str, int]:
    import sqlite3

    conn = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    try:
        return {
            "customer": conn.execute("SELECT count(*) FROM customer").fetchone()[0],
            "outbox": conn.execute("SELECT count(*) FROM outbox").fetchone()[0],
        }
    finally:
        conn.close()
