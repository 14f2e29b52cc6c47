"""docs/ADMIN.md works: its Linux steps run, in order, as real processes.

Every ``sh`` block of the guide runs in one scratch folder, with ``fieldcrm-server`` being
this tree's server, ``/var/lib/fieldcrm`` and ``/var/backups/fieldcrm`` moved to temporary
folders and port 8765 replaced by a free one. A block marked ``background`` is the server,
started as its own process; ``stop-server`` stops it before the block runs; ``skip`` blocks
need root, systemd, Docker or PostgreSQL and must say why.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.helpers.servers import free_port

ROOT = Path(__file__).resolve().parents[2]
GUIDE = ROOT / "docs" / "ADMIN.md"
BLOCK = re.compile(
    r"(?:<!-- admin-guide-test: (?P<mark>[a-z-]+)(?P<why>[^>]*)-->\n)?```(?P<lang>\w*)\n"
    r"(?P<body>.*?)```",
    re.DOTALL,
)

pytestmark = pytest.mark.slow


@dataclass(frozen=True)
class Block:
    mark: str
    why: str
    body: str


def guide_blocks() -> list[Block]:
    return [
        Block(m["mark"] or "run", (m["why"] or "").strip(), m["body"])
        for m in BLOCK.finditer(GUIDE.read_text(encoding="utf-8"))
        if m["lang"] == "sh"
    ]


def test_every_skipped_block_says_why() -> None:
    blocks = guide_blocks()
    assert len([b for b in blocks if b.mark == "run"]) >= 10
    for block in blocks:
        assert block.mark in {"run", "skip", "background", "stop-server"}, block.mark
        if block.mark == "skip":
            assert block.why.startswith("(") and len(block.why) > 10, block.body


@pytest.mark.skipif(shutil.which("sqlite3") is None, reason="the sqlite3 shell is not installed")
@pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")
def test_admin_guide_linux_steps(tmp_path: Path) -> None:
    data, backups, work, bin_dir = (tmp_path / n for n in ("data", "backups", "work", "bin"))
    for folder in (data, backups, work, bin_dir):
        folder.mkdir()
    # `fieldcrm-server` is this tree's server, run by the test's Python.
    wrapper = bin_dir / "fieldcrm-server"
    wrapper.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m sync_server "$@"\n')
    wrapper.chmod(0o755)
    port = str(free_port())
    env = {key: value for key, value in os.environ.items() if not key.startswith("FIELDCRM_")}
    env.update(PATH=f"{bin_dir}:{env['PATH']}", PYTHONPATH=str(ROOT))

    def localise(text: str) -> str:
        text = text.replace("/var/lib/fieldcrm", str(data))
        text = text.replace("/var/backups/fieldcrm", str(backups))
        return text.replace("8765", port)

    server: subprocess.Popen[bytes] | None = None
    # Exports of earlier blocks carry over, as in one administrator's shell.
    state = work / ".guide-env"
    state.write_text("")
    try:
        for number, block in enumerate(guide_blocks(), start=1):
            if block.mark == "skip":
                continue
            if block.mark == "stop-server" and server is not None:
                server.terminate()
                server.wait(timeout=30)
                server = None
            script = f"set -euo pipefail\n. {state}\n{localise(block.body)}"
            if block.mark == "background":
                server = subprocess.Popen(
                    ["bash", "-c", script],
                    cwd=work,
                    env=env,
                    stdout=subprocess.DEVNULL,
                    stderr=(work / "server.log").open("wb"),
                )
                wait_until_healthy(f"http://127.0.0.1:{port}/healthz", server, work)
                continue
            script += f"\nexport -p > {state}\n"
            result = subprocess.run(
                ["bash", "-c", script],
                cwd=work,
                env=env,
                capture_output=True,
                text=True,
                timeout=300,
            )
            assert result.returncode == 0, (
                f"block {number} of docs/ADMIN.md failed:\n{block.body}\n"
                f"stdout: {result.stdout[-2000:]}\nstderr: {result.stderr[-2000:]}"
            )
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)

    # The guide left a server database with its users, territories and customers.
    with sqlite3.connect(data / "fieldcrm-server.db") as db:
        users = dict(db.execute("SELECT username, active FROM account").fetchall())
        customers = {
            json.loads(row[0])["name"]
            for row in db.execute("SELECT data FROM record WHERE entity = 'customer'")
        }
        revoked = db.execute("SELECT revoked_at FROM device WHERE id = 'laptop-anna-01'").fetchone()
    assert set(users) == {"anna", "ben", "maria", "itadmin", "carla"}
    assert users["ben"] and users["anna"]  # ben was disabled, then enabled again
    assert {"Bäckerei Lindner", "Elbe Werkzeugbau GmbH", "Hafenapotheke"} <= customers
    assert "Köhler & Söhne" in customers  # the German Excel file (Windows-1252, semicolons)
    assert "Weser Logistik" in customers  # from the --skip-invalid run only
    assert revoked is not None and revoked[0] is not None
    assert (backups / "fieldcrm-server.db").is_file()


def wait_until_healthy(url: str, server: subprocess.Popen[bytes], work: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            log = (work / "server.log").read_text(errors="replace")
            raise AssertionError(f"the server of docs/ADMIN.md exited: {log[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.1)  # polling a port: there is no signal to wait on
    raise AssertionError(f"the server did not answer {url} within 60 s")
