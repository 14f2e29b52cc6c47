"""Fixtures for the foundation tests: a fresh local store with a wall clock the test sets."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from fieldcrm.store import Store
from tests.helpers.world import WallClock


@pytest.fixture
def wall() -> WallClock:
    return WallClock()


@pytest.fixture
def store(tmp_path: Path, wall: WallClock) -> Iterator[Store]:
    s = Store(tmp_path / "fieldcrm.db", wall_ms=wall)
    yield s
    s.close()
