"""``fieldcrm demo`` as a real process: server up, signed in as the demo rep, synced, stops."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.slow


def _synced_customers(profile: Path, env: dict[str, str]) -> int:
    """Customers of the demo profile once it has synced; 0 before. The store is encrypted,
    so it is read the way its owner reads it: ``fieldcrm status --json``."""
    if not (profile / "fieldcrm.db").exists():
        return 0
    status = subprocess.run(
        [sys.executable, "-m", "fieldcrm", "--profile", str(profile), "status", "--json"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    if status.returncode != 0:
        return 0
    report = json.loads(status.stdout)
    return int(report["counts"]["customer"]) if report.get("last_sync") else 0


def _port_open(url: str) -> bool:
    host, port = url.removeprefix("http://").split(":")
    with socket.socket() as sock:
        sock.settimeout(1)
        return sock.connect_ex((host, int(port))) == 0


@pytest.mark.parametrize("launcher", ["fieldcrm demo", "python3 dev.py demo"])
def test_demo_starts_server_signs_in_syncs_and_stops_the_server(
    tmp_path: Path, launcher: str
) -> None:
    """``python3 dev.py demo`` is the README's first command: the same demo, after checking
    that ``.venv`` is set up (CI creates it from a fresh clone with ``dev.py test``)."""
    profile = tmp_path / "demo"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", HOME=str(tmp_path), PYTHONPATH=str(ROOT))
    env["FIELDCRM_NO_KEYRING"] = "1"
    command = (
        [sys.executable, "-m", "fieldcrm", "demo", "--profile", str(profile)]
        if launcher == "fieldcrm demo"
        else [sys.executable, str(ROOT / "dev.py"), "demo", "--profile", str(profile)]
    )
    # Its own process group: stopped as a terminal stops it, the launcher and the app.
    process = subprocess.Popen(
        command,
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 180
        while _synced_customers(profile / "client", env) == 0:
            assert process.poll() is None, process.stdout.read() if process.stdout else ""
            assert time.monotonic() < deadline, "the demo did not sync within 180 s"
            time.sleep(0.5)
        status = subprocess.run(
            [
                sys.executable,
                "-m",
                "fieldcrm",
                "--profile",
                str(profile / "client"),
                "status",
                "--json",
            ],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=True,
            timeout=60,
        )
        report = json.loads(status.stdout)
        assert report["user"] == "anna"
        assert report["counts"]["customer"] > 0 and report["counts"]["comment"] > 0
        server_url = report["server_url"]
        assert _port_open(server_url)
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        code = process.wait(timeout=60)
    # The app ends cleanly on SIGTERM; dev.py, the launcher, is simply terminated with it.
    assert code == (0 if launcher == "fieldcrm demo" else -signal.SIGTERM)
    # The demo server went away with the app.
    deadline = time.monotonic() + 15
    while _port_open(server_url) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not _port_open(server_url)
