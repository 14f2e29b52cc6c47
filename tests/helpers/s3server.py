"""A real S3-compatible server process (moto's server mode) on 127.0.0.1 for storage tests."""

from __future__ import annotations

import contextlib
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx

from tests.helpers.servers import child_env, free_port

#: moto accepts any credentials; boto3 only needs some.
ACCESS_KEY = "testing"
SECRET_KEY = "testing"


@contextlib.contextmanager
def s3_server(log_dir: Path, timeout: float = 90) -> Iterator[str]:
    """Start ``python -m moto.server`` on a free port; yields its URL, kills it after."""
    port = free_port()
    log_path = log_dir / "moto.log"
    with log_path.open("ab") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
            env=child_env(AWS_ACCESS_KEY_ID=ACCESS_KEY, AWS_SECRET_ACCESS_KEY=SECRET_KEY),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            if process.poll() is not None:
                raise AssertionError(f"moto exited: {log_path.read_text()[-2000:]}")
            with contextlib.suppress(httpx.TransportError):
                if httpx.get(f"{url}/moto-api/", timeout=1).status_code < 500:
                    break
            if time.monotonic() > deadline:
                raise AssertionError(f"moto did not start within {timeout:.0f} s")
            time.sleep(0.1)
        yield url
    finally:
        process.kill()
        process.wait(timeout=30)
