"""Real ``fieldcrm-server`` processes for end-to-end tests (127.0.0.1, free ports)."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.helpers.servers import free_port, start_server

ROOT = Path(__file__).resolve().parents[2]


def run_cli(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    """Run ``python -m sync_server ARGS`` from the worktree and return its result."""
    return subprocess.run(
        [sys.executable, "-m", "sync_server", *args],
        cwd=ROOT,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )


@contextmanager
def serve(db_url: str, log_path: Path, workers: int = 1, log_level: str = "info") -> Iterator[str]:
    """Start ``serve`` on a free port; yields its base URL once /healthz answers."""
    port = free_port()
    log_path.write_text("")
    process = start_server(db_url, port, log_path, workers=workers, log_level=log_level)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:  # pragma: no cover
            process.kill()
            process.wait()
