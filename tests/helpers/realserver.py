"""A real ``sync_server serve`` process on 127.0.0.1 and ``fieldcrm`` commands as processes."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import orjson
import sqlalchemy as sa

from sync_server import admin
from sync_server import tables as t
from sync_server.db import make_engine, upgrade, write_transaction
from tests.helpers.servers import child_env, free_port, start_server

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "correct horse battery"


def run_server_cli(db_url: str, *args: str, stdin: str | None = None) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "sync_server", *args, "--db", db_url],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=child_env(),
        timeout=120,
    )
    assert result.returncode == 0, f"fieldcrm-server {args} failed: {result.stderr}"
    return result.stdout


class RealServer:
    """``python -m sync_server serve`` on a SQLite file; start, stop, kill -9, start again."""

    def __init__(self, directory: Path, db_url: str | None = None) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        self.db_path = directory / "server.db"
        self.db_url = db_url or f"sqlite:///{self.db_path}"
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None
        self.log = directory / "server.log"
        engine = make_engine(self.db_url)
        upgrade(engine)
        engine.dispose()

    def setup_area(self) -> None:
        """Territories North and South in "Area 1", reps anna, ben (North) and sven (South).

        Made in-process with the server's admin functions (the admin command line has its
        own end-to-end tests); the server itself always runs as a separate process.
        """
        engine = make_engine(self.db_url)
        try:
            with write_transaction(engine) as conn:
                admin.add_territory(conn, "North", "Area 1")
                admin.add_territory(conn, "South", "Area 1")
                for name, territory in (("anna", "North"), ("ben", "North"), ("sven", "South")):
                    admin.add_user(conn, name, "rep", PASSWORD, territory=territory)
        finally:
            engine.dispose()

    def start(self, **env: str) -> None:
        """Start the server process (``env``: more environment, e.g. a faked clock)."""
        self.process = start_server(self.db_url, self.port, self.log, log_level="warning", env=env)

    def kill(self) -> None:
        """SIGKILL: no shutdown, no flushing, like a power cut of the server process."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=30)
        self.process = None

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()
        self.process = None

    def records(self, entity: str) -> dict[str, dict[str, Any]]:
        """Live rows of one entity as the server's database holds them."""
        engine = make_engine(self.db_url)
        try:
            with engine.connect() as conn:
                rows = conn.execute(
                    sa.select(t.record.c.id, t.record.c.data).where(
                        t.record.c.entity == entity, t.record.c.deleted.is_(False)
                    )
                ).all()
        finally:
            engine.dispose()
        return {row_id: orjson.loads(data) for row_id, data in rows}

    def applied_ops(self, device_id: str) -> int:
        engine = make_engine(self.db_url)
        try:
            with engine.connect() as conn:
                return int(
                    conn.scalar(
                        sa.select(sa.func.count())
                        .select_from(t.applied_op)
                        .where(t.applied_op.c.device_id == device_id)
                    )
                    or 0
                )
        finally:
            engine.dispose()


def fieldcrm(
    profile: Path, *args: str, stdin: str | None = None, timeout: float = 120, **env: str
) -> subprocess.CompletedProcess[str]:
    """Run ``python -m fieldcrm --profile PROFILE ARGS`` as a real process."""
    return subprocess.run(
        [sys.executable, "-m", "fieldcrm", "--profile", str(profile), *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=child_env(**env),
        timeout=timeout,
    )
