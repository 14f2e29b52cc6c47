"""`fieldcrm status`: reopening, counts and pending changes, the default profile folder."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from fieldcrm.store import Store
from fieldcrm.store.db import head_revision

ROOT = Path(__file__).resolve().parents[2]


def status(*args: str, env: dict[str, str] | None = None) -> dict[str, Any]:
    result = subprocess.run(
        [sys.executable, "-m", "fieldcrm", *args, "status", "--json"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
        env=env,
    )
    report: dict[str, Any] = json.loads(result.stdout)
    return report


def test_status_reports_writes_and_keeps_the_device(tmp_path: Path) -> None:
    profile = tmp_path / "profile"
    first = status("--profile", str(profile))
    store = Store(profile / "fieldcrm.db")
    try:
        customer = store.create("customer", {"name": "Status KG"})
        store.create("contact", {"customer_id": customer, "last_name": "Lang"})
        store.set_meta("last_sync_at", "2026-06-01T08:00:00Z")
    finally:
        store.close()
    second = status("--profile", str(profile))
    assert second["device_id"] == first["device_id"]
    assert second["schema_revision"] == head_revision()
    assert second["pending"] == 2
    assert second["counts"]["customer"] == 1
    assert second["counts"]["contact"] == 1
    assert second["last_sync"] == "2026-06-01T08:00:00Z"


def test_status_without_profile_uses_the_user_data_folder(tmp_path: Path) -> None:
    env = dict(os.environ, XDG_DATA_HOME=str(tmp_path / "data"), HOME=str(tmp_path))
    report = status(env=env)
    assert (tmp_path / "data" / "FieldCRM" / "fieldcrm.db").exists()
    assert report["pending"] == 0
    assert report["schema_revision"] == head_revision()
