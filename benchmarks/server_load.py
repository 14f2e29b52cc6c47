"""Sync-server load benchmark: concurrent simulated clients pushing and pulling over HTTP.

    python -m benchmarks.server_load [--clients 20] [--rounds 20] [--workers 2] [--db URL]

Makes a new PostgreSQL database (on ``FIELDCRM_BENCH_DATABASE_URL`` or
``FIELDCRM_TEST_DATABASE_URL``; dropped at the end), seeds the ``tiny`` benchmark area,
starts ``fieldcrm-server serve`` as a real process, and lets each client (one rep account
each, cycling through the area's reps) log in, bootstrap, then for a fixed number of rounds
push a batch of edits (new customers, visits and notes, and an update of a customer) and
pull until it is up to date. Reports throughput, latency percentiles and errors (any non-2xx
answer or rejected entry).
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import sqlalchemy as sa

from benchmarks.dataset import SIZES
from benchmarks.server_seed import BENCH_PASSWORD, seed_server
from fieldcrm.domain.hlc import HybridLogicalClock
from fieldcrm.domain.ids import uuid7
from fieldcrm.protocol import PROTOCOL_HEADER, PROTOCOL_VERSION, ApiPaths
from fieldcrm.protocol.positional import row_states
from sync_server import tables as t
from sync_server.db import make_engine, normalise_url, upgrade

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from tests.helpers.server_cli import serve  # noqa: E402


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


@dataclass
class Stats:
    push_ms: list[float] = field(default_factory=list)
    pull_ms: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    changes: int = 0
    rows_pulled: int = 0


def run_client(
    base: str,
    username: str,
    device: str,
    rounds: int,
    stats: Stats,
    lock: threading.Lock,
    start: threading.Barrier,
) -> None:
    http = httpx.Client(base_url=base, timeout=60, headers={PROTOCOL_HEADER: str(PROTOCOL_VERSION)})
    clock = HybridLogicalClock(device)
    op_no = 0
    push_ms: list[float] = []
    pull_ms: list[float] = []
    errors: list[str] = []
    changes = rows = 0
    try:
        r = http.post(
            ApiPaths.LOGIN,
            json={"username": username, "password": BENCH_PASSWORD, "device_id": device},
        )
        r.raise_for_status()
        body = r.json()
        http.headers["Authorization"] = f"Bearer {body['access_token']}"
        user_id = body["user"]["id"]
        cursor = "0"
        known: dict[str, dict[str, str]] = {}

        def pull() -> None:
            nonlocal cursor, rows
            while True:
                t0 = time.perf_counter()
                r = http.get(ApiPaths.PULL, params={"cursor": cursor, "limit": 10_000})
                pull_ms.append((time.perf_counter() - t0) * 1000)
                if r.status_code != 200:
                    errors.append(f"pull {r.status_code}: {r.text[:200]}")
                    return
                page = r.json()
                pulled = row_states(page["tables"])
                rows += len(pulled)
                for row in pulled:
                    if row["entity"] == "customer" and not row["deleted"]:
                        known[row["id"]] = row["stamps"]
                cursor = page["cursor"]
                if not page["has_more"]:
                    return

        pull()
        start.wait()

        def entry(
            entity: str, op: str, row_id: str, fields: dict, base: dict[str, str] | None = None
        ) -> dict:
            nonlocal op_no
            op_no += 1
            stamp = clock.now()
            return {
                "device_id": device,
                "op_no": op_no,
                "entity": entity,
                "row_id": row_id,
                "op": op,
                "fields": fields,
                "stamps": dict.fromkeys(fields, stamp),
                "base_stamps": base or {},
            }

        for i in range(rounds):
            entries: list[dict] = []
            customer_id = uuid7()
            entries.append(
                entry(
                    "customer",
                    "create",
                    customer_id,
                    {
                        "name": f"Lastkunde {device[:6]} {i}",
                        "status": "prospect",
                        "city": "Hamburg",
                    },
                )
            )
            entries.append(
                entry(
                    "visit",
                    "create",
                    uuid7(),
                    {
                        "customer_id": customer_id,
                        "rep_id": user_id,
                        "status": "planned",
                        "planned_start": "2026-12-01T09:00:00Z",
                        "channel": "in_person",
                    },
                )
            )
            entries.append(
                entry(
                    "note",
                    "create",
                    uuid7(),
                    {"customer_id": customer_id, "author_id": user_id, "text": "Erster Termin"},
                )
            )
            if known:
                other = next(iter(known))
                entries.append(
                    entry(
                        "customer",
                        "update",
                        other,
                        {"phone": f"+49 40 {i:04d}"},
                        base={"phone": known[other].get("phone", "")},
                    )
                )
            t0 = time.perf_counter()
            r = http.post(ApiPaths.PUSH, json={"device_id": device, "entries": entries})
            push_ms.append((time.perf_counter() - t0) * 1000)
            if r.status_code != 200:
                errors.append(f"push {r.status_code}: {r.text[:200]}")
            else:
                bad = [x for x in r.json()["results"] if x["status"] == "rejected"]
                errors.extend(f"rejected: {x['reason']}" for x in bad)
                changes += len(entries)
            pull()
    except Exception as exc:  # every failure counts as an error
        errors.append(f"{type(exc).__name__}: {exc}")
    finally:
        http.close()
        with lock:
            stats.push_ms += push_ms
            stats.pull_ms += pull_ms
            stats.errors += errors
            stats.changes += changes
            stats.rows_pulled += rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--size", choices=sorted(SIZES), default="tiny")
    parser.add_argument("--db", help="PostgreSQL server URL (a database is made on it)")
    args = parser.parse_args()
    server_url = (
        args.db
        or os.environ.get("FIELDCRM_BENCH_DATABASE_URL")
        or os.environ.get("FIELDCRM_TEST_DATABASE_URL")
    )
    if not server_url:
        sys.exit("Set FIELDCRM_BENCH_DATABASE_URL (or pass --db) to a PostgreSQL server.")
    url = sa.make_url(normalise_url(server_url))
    name = f"fieldcrm_bench_{uuid.uuid4().hex[:10]}"
    admin_engine = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with admin_engine.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    db_url = url.set(database=name).render_as_string(hide_password=False)
    try:
        engine = make_engine(db_url)
        upgrade(engine)
        seed_server(engine, SIZES[args.size])
        with engine.connect() as conn:
            reps = sorted(
                conn.execute(
                    sa.select(t.account.c.username).where(t.account.c.role == "rep")
                ).scalars()
            )
        engine.dispose()
        stats = Stats()
        lock = threading.Lock()
        start = threading.Barrier(args.clients + 1)
        log = Path(os.environ.get("TMPDIR", "/tmp")) / f"{name}.log"
        with serve(db_url, log, workers=args.workers) as base:
            threads = [
                threading.Thread(
                    target=run_client,
                    args=(
                        base,
                        reps[i % len(reps)],
                        f"bench-{i:02d}-{uuid.uuid4().hex[:8]}",
                        args.rounds,
                        stats,
                        lock,
                        start,
                    ),
                )
                for i in range(args.clients)
            ]
            for thread in threads:
                thread.start()
            start.wait()
            t0 = time.perf_counter()
            for thread in threads:
                thread.join()
            elapsed = time.perf_counter() - t0
        requests = len(stats.push_ms) + len(stats.pull_ms)
        all_ms = stats.push_ms + stats.pull_ms
        print(
            f"| {args.clients} clients x {args.rounds} rounds on PostgreSQL, "
            f"serve --workers {args.workers} | {requests} requests in {elapsed:.1f} s = "
            f"{requests / elapsed:.0f} req/s, {stats.changes / elapsed:.0f} changes/s |"
        )
        print(
            f"| latency, push of {3}-4 changes | p50 {percentile(stats.push_ms, 50):.0f} ms, "
            f"p95 {percentile(stats.push_ms, 95):.0f} ms |"
        )
        print(
            f"| latency, pull (incremental) | p50 {percentile(stats.pull_ms, 50):.0f} ms, "
            f"p95 {percentile(stats.pull_ms, 95):.0f} ms |"
        )
        print(f"| latency, all requests | p95 {percentile(all_ms, 95):.0f} ms |")
        print(f"| errors | {len(stats.errors)} |")
        for error in stats.errors[:10]:
            print("   ", error)
    finally:
        with admin_engine.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin_engine.dispose()


if __name__ == "__main__":
    main()
