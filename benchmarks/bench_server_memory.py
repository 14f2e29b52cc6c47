"""Peak memory of the sync server process while a client pulls the benchmark area.

Starts ``python -m sync_server serve`` on the benchmark area (SQLite), then a fresh client
store logs in and runs a first sync (``SyncEngine``: every page, pages of up to 10,000
rows). The server's peak resident memory (``VmHWM`` of ``/proc/<pid>/status``, Linux) is
read after the start and login, and after the pull.

``--large-visits N`` first pushes N of the longest visits the desktop allows (report
100,000 and next steps 20,000 characters, four bytes each in UTF-8: about 480 KB per
visit) through the API into a rep's territory, then restarts the server, so that what is
measured is the pull of pages that a row cap alone would make hundreds of megabytes
large. ``--server-root`` runs the server from another source tree (for example
``git archive <commit> | tar -x -C /tmp/before``) to compare with an earlier commit.
``--postgres URL`` seeds the area into a new database on that PostgreSQL server (dropped
at the end) and runs the server on it.

    python -m benchmarks.bench_server_memory --size small --large-visits 200
    python -m benchmarks.bench_server_memory --size standard
    python -m benchmarks.bench_server_memory --size small --large-visits 200 \
        --postgres postgresql://postgres@127.0.0.1:5432/postgres
"""

from __future__ import annotations

import argparse
import contextlib
import json
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import orjson
import sqlalchemy as sa

from benchmarks.bench_sync_bootstrap import first_sync
from benchmarks.dataset import SIZES
from benchmarks.server_seed import seed_server
from benchmarks.sync_server_fixture import BENCH_PASSWORD, ROOT, server_db, server_process
from fieldcrm.domain.hlc import HybridLogicalClock
from fieldcrm.domain.ids import uuid7
from fieldcrm.protocol import PROTOCOL_HEADER, PROTOCOL_VERSION, ApiPaths
from fieldcrm.protocol.positional import ID
from sync_server import admin
from sync_server.db import make_engine, normalise_url, upgrade, write_transaction

#: The longest visit the desktop lets anyone write, in four-byte characters.
REPORT = "🍎" * 100_000
NEXT_STEPS = "🍐" * 20_000
#: Visits per push request: eight of them are about 4 MB, half the server's body cap.
PER_PUSH = 8


def peak_rss_mib(pid: int) -> tuple[float, float]:
    """(peak resident memory so far, resident memory now) of a process, in MiB."""
    values = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmHWM", "VmRSS"):
            values[key] = int(value.split()[0]) / 1024
    return values["VmHWM"], values["VmRSS"]


def push_large_visits(url: str, user: str, count: int) -> int:
    """Push ``count`` longest visits as ``user`` (a rep) to a customer of their territory;
    returns how many the server applied."""
    device_id = uuid.uuid4().hex
    clock = HybridLogicalClock(device_id)
    headers = {PROTOCOL_HEADER: str(PROTOCOL_VERSION)}
    with httpx.Client(base_url=url, headers=headers, timeout=600) as http:
        login = http.post(
            ApiPaths.LOGIN,
            json={"username": user, "password": BENCH_PASSWORD, "device_id": device_id},
        )
        login.raise_for_status()
        body = login.json()
        auth = {"Authorization": f"Bearer {body['access_token']}"}
        page = orjson.loads(http.get(ApiPaths.PULL, params={"limit": 1000}, headers=auth).content)
        customer = next(row[ID] for row in page["tables"]["customer"]["rows"])
        applied = 0
        op_no = 0
        for start in range(0, count, PER_PUSH):
            entries = []
            for _ in range(min(PER_PUSH, count - start)):
                op_no += 1
                stamp = clock.now()
                fields = {
                    "customer_id": customer,
                    "rep_id": body["user"]["id"],
                    "status": "done",
                    "planned_start": "2026-12-01T09:00:00Z",
                    "report": REPORT,
                    "next_steps": NEXT_STEPS,
                }
                entries.append(
                    {
                        "device_id": device_id,
                        "op_no": op_no,
                        "entity": "visit",
                        "row_id": uuid7(),
                        "op": "create",
                        "fields": fields,
                        "stamps": dict.fromkeys(fields, stamp),
                        "base_stamps": {},
                    }
                )
            answer = http.post(
                ApiPaths.PUSH, json={"device_id": device_id, "entries": entries}, headers=auth
            )
            answer.raise_for_status()
            applied += sum(r["status"] == "applied" for r in answer.json()["results"])
    return applied


@contextlib.contextmanager
def postgres_area(server_url: str, size: str, users: list[str]) -> Iterator[str]:
    """A new database on the PostgreSQL server of ``server_url`` holding the area (the
    ``users`` get the benchmark password); dropped afterwards. Yields its URL."""
    url = sa.make_url(normalise_url(server_url))
    name = f"fieldcrm_bench_memory_{uuid.uuid4().hex[:12]}"
    maintenance = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with maintenance.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    db_url = url.set(database=name).render_as_string(hide_password=False)
    try:
        engine = make_engine(db_url)
        upgrade(engine)
        seed_server(engine, SIZES[size])
        with write_transaction(engine) as conn:
            for user in users:
                admin.set_password(conn, user, BENCH_PASSWORD)
        engine.dispose()
        yield db_url
    finally:
        with maintenance.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        maintenance.dispose()


def measure(db: Path | str, work: Path, user: str, page_limit: int, root: Path) -> dict[str, Any]:
    with server_process(db, work / "server", root=root) as (url, process):
        started_peak, _ = peak_rss_mib(process.pid)
        sync = first_sync(url, work, user, page_limit)
        peak, now = peak_rss_mib(process.pid)
    return {
        "peak_before_pull_mib": started_peak,
        "peak_mib": peak,
        "rss_after_mib": now,
        "rows": sync["rows"],
        "pages": sync["pages"],
        "requests": sync["requests"],
        "mb_received": sync["bytes_received"] / 1e6,
        "seconds": sync["seconds"],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", default="small", choices=("standard", "small", "tiny"))
    parser.add_argument("--user", default="admin", help="whose scope to pull (admin: all)")
    parser.add_argument("--page-limit", type=int, default=10_000)
    parser.add_argument("--large-visits", type=int, default=0)
    parser.add_argument("--rep", default="rep01", help="who pushes the large visits")
    parser.add_argument("--server-root", type=Path, default=ROOT)
    parser.add_argument("--postgres", help="a PostgreSQL server URL (a database is made)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    with contextlib.ExitStack() as stack:
        db: Path | str
        if args.postgres:
            db = stack.enter_context(postgres_area(args.postgres, args.size, [args.user, args.rep]))
        else:
            db = server_db(args.size)
            if args.large_visits and db.stat().st_size >= 500 * 1024 * 1024:
                parser.error("--large-visits needs an area small enough to copy (small or tiny)")
        work = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="fieldcrm-bench-")))
        pushed = 0
        if args.large_visits:
            with server_process(db, work / "seed", root=args.server_root) as (url, _):
                pushed = push_large_visits(url, args.rep, args.large_visits)
            if isinstance(db, Path):
                db = work / "seed" / "server.db"
        result = measure(db, work / "pull", args.user, args.page_limit, args.server_root)
    report = {
        "database": "postgresql" if args.postgres else "sqlite",
        "size": args.size,
        "user": args.user,
        "large_visits": pushed,
        "server_root": str(args.server_root),
        **result,
    }
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print(
            f"server peak RSS while {args.user} pulls the {args.size} area "
            f"({report['database']})"
            f"{f' with {pushed} large visits' if pushed else ''}: "
            f"{result['peak_mib']:.0f} MiB (after start and login "
            f"{result['peak_before_pull_mib']:.0f} MiB; now {result['rss_after_mib']:.0f} MiB); "
            f"{result['rows']:,} rows in {result['pages']} pages, "
            f"{result['mb_received']:.1f} MB received, {result['seconds']:.1f} s"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
