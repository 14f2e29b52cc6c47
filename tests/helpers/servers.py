"""A free port on 127.0.0.1 and a real ``sync_server serve`` process, written once."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    """A TCP port of 127.0.0.1 that nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def child_env(**extra: str) -> dict[str, str]:
    """The environment of a child process: this checkout first on the path, no keyring."""
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    env["FIELDCRM_NO_KEYRING"] = "1"
    env.update(extra)
    return env


def start_server(
    db_url: str,
    port: int,
    log_path: Path,
    *,
    workers: int = 1,
    log_level: str = "info",
    timeout: float = 60,
    env: dict[str, str] | None = None,
) -> subprocess.Popen[bytes]:
    """Start ``python -m sync_server serve`` on ``port`` of 127.0.0.1 (output appended to
    ``log_path``) and return once ``/healthz`` answers; AssertionError with the end of the
    log when the server exits or does not come up within ``timeout`` seconds."""
    with log_path.open("ab") as log:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "sync_server",
                "serve",
                "--db",
                db_url,
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--workers",
                str(workers),
                "--log-level",
                log_level,
            ],
            cwd=ROOT,
            env=child_env(**(env or {})),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + timeout
    while True:
        if process.poll() is not None:
            raise AssertionError(f"the server exited: {log_path.read_text()[-2000:]}")
        with contextlib.suppress(httpx.TransportError):
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return process
        if time.monotonic() > deadline:
            process.kill()
            process.wait()
            raise AssertionError(f"the server did not start within {timeout:.0f} s")
        time.sleep(0.05)
