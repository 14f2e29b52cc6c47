"""A sync server database holding the benchmark area, and a real server process on it.

The area is written straight into the server's tables (the same columns, payloads, live
counts and sequence numbers the server's own writer produces) because pushing 1.95 million
rows through the API would measure the push, not the pull. Accounts get the password
``BENCH_PASSWORD``; the dataset's users keep their ids and names (``admin``, ``rep01`` ...).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import orjson

from benchmarks.dataset import DATA_DIR, DATASET_VERSION, SIZES, iter_rows, row_stamp
from fieldcrm.domain.entities import ENTITIES
from sync_server.store import REBUILD_LIVE_COUNTS_SQL

ROOT = Path(__file__).resolve().parents[1]
BENCH_PASSWORD = "benchmark password"
ENTITY_ORDER = ("territory", "user", "customer", "contact", "visit", "note", "followup")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _server_schema() -> str:
    """The newest server migration: a cached database made by an older schema is not used."""
    versions = Path(__file__).resolve().parents[1] / "migrations" / "server" / "versions"
    return max(p.name.split("_", 1)[0] for p in versions.glob("[0-9]*_*.py"))


def server_db(size: str) -> Path:
    """A migrated server database with the area of ``size`` (built once per dataset version
    and server schema, then cached)."""
    path = DATA_DIR / f"server-{size}-v{DATASET_VERSION}-s{_server_schema()}.db"
    if path.exists():
        return path
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    for leftover in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
        leftover.unlink(missing_ok=True)
    _build(tmp, size)
    tmp.rename(path)
    return path


def _build(path: Path, size: str) -> None:
    from sync_server import auth
    from sync_server.db import make_engine, upgrade
    from sync_server.store import render_payload

    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()
    scale = SIZES[size]
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA synchronous=OFF")  # a bulk load; rebuilt from scratch if it fails
    conn.execute("PRAGMA cache_size=-262144")
    counts: dict[tuple[str, str], int] = defaultdict(int)
    customer_scope: dict[str, str] = {}
    seq = 0
    password_hash = auth.hash_password(BENCH_PASSWORD)
    now = datetime.now(UTC).isoformat(sep=" ")
    conn.execute("BEGIN")
    for entity in ENTITY_ORDER:
        spec = ENTITIES[entity]
        batch: list[tuple[Any, ...]] = []
        for index, row in enumerate(iter_rows(entity, scale)):
            row_id = row["id"]
            data = {name: row[name] for name in spec.field_names}
            stamp = row_stamp(entity, index)
            stamps = dict.fromkeys(spec.field_names, stamp)
            customer_id: str | None = None
            if entity == "territory":
                scope = row_id
            elif entity == "user":
                scope = data.get("territory_id") or ""
                conn.execute(
                    "INSERT INTO account (id, username, password_hash, role, territory_id, "
                    "active, created_at) VALUES (?, ?, ?, ?, ?, 1, ?)",
                    (row_id, data["username"], password_hash, data["role"], scope or None, now),
                )
            elif entity == "customer":
                scope = data["territory_id"]
                customer_scope[row_id] = scope
            else:
                customer_id = data["customer_id"]
                scope = customer_scope[customer_id]
            if entity == "customer":
                customer_id = row_id
            seq += 1
            counts[(scope, entity)] += 1
            batch.append(
                (
                    entity,
                    row_id,
                    scope,
                    customer_id,
                    orjson.dumps(data).decode(),
                    orjson.dumps(stamps).decode(),
                    0,
                    seq,
                    render_payload(entity, row_id, data, stamps, False),
                )
            )
            if len(batch) >= 20_000:
                _insert_records(conn, batch)
        _insert_records(conn, batch)
    conn.execute("DELETE FROM live_count")
    conn.execute(REBUILD_LIVE_COUNTS_SQL)
    conn.execute("UPDATE seq_counter SET value = ? WHERE id = 1", (seq,))
    conn.execute("COMMIT")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()


def _insert_records(conn: sqlite3.Connection, batch: list[tuple[Any, ...]]) -> None:
    if batch:
        conn.executemany(
            "INSERT INTO record (entity, id, scope, customer_id, data, stamps, deleted, seq, "
            "payload) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            batch,
        )
        batch.clear()


@contextlib.contextmanager
def running_server(db: Path, work: Path) -> Iterator[str]:
    """``python -m sync_server serve`` on a copy of ``db``; yields its URL."""
    with server_process(db, work) as (url, _process):
        yield url


@contextlib.contextmanager
def server_process(
    db: Path | str, work: Path, *, root: Path = ROOT
) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """As ``running_server``, and yields the process too (to watch its memory); ``db`` may
    also be a database URL (used as it is, not copied); ``root`` runs the server from
    another source tree (an earlier commit, to compare)."""
    work.mkdir(parents=True, exist_ok=True)
    if isinstance(db, str):
        db_url = db
    else:
        copy = work / "server.db"
        if db.stat().st_size < 500 * 1024 * 1024:
            shutil.copy(db, copy)
        else:
            # Copying gigabytes would take longer than the benchmark; a sync only adds
            # sessions and devices to the cached database.
            copy = db
        db_url = f"sqlite:///{copy}"
    port = free_port()
    env = dict(os.environ)
    env["PYTHONPATH"] = str(root) + os.pathsep + env.get("PYTHONPATH", "")
    log = (work / "server.log").open("wb")
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
            "--log-level",
            "warning",
        ],
        cwd=root,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"the server exited; see {work / 'server.log'}")
            with contextlib.suppress(httpx.TransportError):
                if httpx.get(f"{url}/healthz", timeout=2).status_code == 200:
                    break
            if time.monotonic() > deadline:
                raise RuntimeError("the server did not come up")
            time.sleep(0.1)
        yield url, process
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()
