"""``fieldcrm demo``: a local sync server on SQLite with the demo area, signed in as a rep."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from PySide6.QtCore import QTimer

DEMO_USER = "anna"
DEMO_PASSWORD = "demo"
REPO_ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _server_cmd(*args: str) -> list[str]:
    return [sys.executable, "-m", "sync_server", *args]


def _run_server_cmd(*args: str) -> None:
    result = subprocess.run(
        _server_cmd(*args), cwd=REPO_ROOT, capture_output=True, text=True, env=_env()
    )
    if result.returncode != 0:
        raise RuntimeError(
            f"'sync_server {args[0]}' failed ({result.returncode}): "
            f"{(result.stderr or result.stdout).strip()[-2000:]}"
        )


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO_ROOT), env.get("PYTHONPATH")) if p)
    return env


def wait_until_up(url: str, process: subprocess.Popen[bytes], timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the demo server stopped with exit code {process.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=1) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"the demo server did not answer at {url} within {timeout:.0f} s")


@contextmanager
def demo_server(folder: Path, port: int | None = None) -> Iterator[str]:
    """Run a sync server with the demo data in ``folder``; yields its URL, stops it after."""
    folder.mkdir(parents=True, exist_ok=True)
    db_url = f"sqlite:///{folder / 'server.db'}"
    if not (folder / "server.db").exists():
        _run_server_cmd("init", "--db", db_url)
        _run_server_cmd("demo", "--db", db_url)
    port = port or free_port()
    url = f"http://127.0.0.1:{port}"
    log = (folder / "server.log").open("ab")
    process = subprocess.Popen(
        _server_cmd("serve", "--db", db_url, "--host", "127.0.0.1", "--port", str(port)),
        cwd=REPO_ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
        env=_env(),
    )
    try:
        wait_until_up(url, process)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def run_demo(profile: Path) -> int:
    """Start the demo server, open the main window signed in as the demo rep."""
    from fieldcrm.ui.app import application, open_main_window

    app = application()
    # Ctrl+C or a TERM signal closes the app normally, so the demo server stops with it.
    # Python only sees a signal when it runs, hence the idle timer.
    for number in (signal.SIGINT, signal.SIGTERM):
        signal.signal(number, lambda *_args: app.quit())
    wake = QTimer()
    wake.timeout.connect(lambda: None)
    wake.start(250)
    with demo_server(profile / "server") as url:
        window = open_main_window(profile / "client", {"server_url": url})
        window.show()
        window.auto_login(url, DEMO_USER, DEMO_PASSWORD)
        code = app.exec()
    wake.stop()
    return code
