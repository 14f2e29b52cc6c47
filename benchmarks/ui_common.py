"""Shared parts of the desktop benchmarks: a cached profile with 100,000 customers."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from benchmarks.dataset import DATA_DIR

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# The app opens profiles encrypted, with the key in the keyring: the benchmarks' own.
os.environ.setdefault("PYTHON_KEYRING_BACKEND", "benchmarks.file_keyring.FileKeyring")

CUSTOMERS = 100_000
VERSION = 1


def profile_with_customers(count: int = CUSTOMERS) -> Path:
    """A client profile holding ``count`` customers of one rep (built once, then cached)."""
    from fieldcrm.profile import database_path
    from fieldcrm.sampledata.demo import seed_customers, seed_user
    from fieldcrm.store import Store

    folder = DATA_DIR / f"ui-profile-{count}-v{VERSION}"
    if (folder / "ready").exists():
        return folder
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    store = Store(database_path(folder))
    try:
        user = seed_user(store)
        seed_customers(store, user, count, with_children=False)
    finally:
        store.close()
    (folder / "ready").write_text("ok")
    return folder


def indexed_profile_with_customers(count: int = CUSTOMERS) -> Path:
    """``profile_with_customers`` with its search index built, as the background builder
    leaves it a few seconds after a first sync (built once, then cached)."""
    from fieldcrm.profile import database_path
    from fieldcrm.store import Store, search_build

    folder = DATA_DIR / f"ui-profile-{count}-v{VERSION}-indexed"
    if (folder / "ready").exists():
        return folder
    shutil.rmtree(folder, ignore_errors=True)
    shutil.copytree(profile_with_customers(count), folder)
    (folder / "ready").unlink()
    store = Store(database_path(folder))
    try:
        assert search_build.build(store).built
    finally:
        store.close()
    (folder / "ready").write_text("ok")
    return folder


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]
