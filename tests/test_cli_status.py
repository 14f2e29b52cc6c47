"""`fieldcrm status --json` on a new profile."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from fieldcrm.store.db import head_revision

ROOT = Path(__file__).resolve().parents[1]


def test_status_json_creates_database_at_head(tmp_path: Path) -> None:
    profile = tmp_path / "profile"
    result = subprocess.run(
        [sys.executable, "-m", "fieldcrm", "--profile", str(profile), "status", "--json"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    )
    report = json.loads(result.stdout)
    assert (profile / "fieldcrm.db").exists()
    assert report["schema_revision"] == head_revision()
    assert report["pending"] == 0
    assert report["last_sync"] is None
    assert len(report["device_id"]) == 32
    assert report["counts"] == {
        "territory": 0,
        "user": 0,
        "customer": 0,
        "contact": 0,
        "visit": 0,
        "note": 0,
        "followup": 0,
        "comment": 0,
        "relationship": 0,
        "connection": 0,
        "handover": 0,
        "attachment": 0,
        "bulletin": 0,
        "bulletin_receipt": 0,
    }
