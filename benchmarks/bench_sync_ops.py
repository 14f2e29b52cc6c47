"""Everyday sync figures through a real server: push of 1,000 changes, edit latency, idle sync.

Two reps of one territory (``rep01``, ``rep02``) on the small benchmark area, each with a
local store that already did its first sync, against ``python -m sync_server serve`` on
SQLite on this machine. Each laptop keeps one ``SyncClient`` between syncs, as the desktop
app does.

* push: 1,000 queued changes (500 edits of customers, 500 new notes) on laptop A; the
  time of the push phase (all batches sent and acknowledged) and of the whole sync.
* edit latency: A edits a customer, A syncs, B syncs; the time until B holds the edit.
* idle sync: a sync with nothing changed anywhere: requests and bytes on the wire.

    python -m benchmarks.bench_sync_ops --rounds 5
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.sync_server_fixture import BENCH_PASSWORD, running_server, server_db
from fieldcrm.store import Store
from fieldcrm.sync import SyncClient, SyncEngine, SyncProgress, login, open_client
from fieldcrm.sync.credentials import FileTokenStore


class Laptop:
    def __init__(self, directory: Path, url: str, user: str) -> None:
        directory.mkdir(parents=True)
        self.store = Store(directory / "fieldcrm.db")
        tokens = FileTokenStore(directory / "session.token")
        self.user_id = login(self.store, url, user, BENCH_PASSWORD, token_store=tokens).id
        self.client: SyncClient = open_client(self.store, token_store=tokens)
        self.phase_started: dict[str, float] = {}

    def _progress(self, progress: SyncProgress) -> None:
        self.phase_started.setdefault(progress.phase, time.perf_counter())

    def sync(self) -> Any:
        self.phase_started = {}
        result = SyncEngine(self.store, self.client, self._progress).sync()
        assert result.ok, result.errors
        return result

    def customers(self, limit: int) -> list[str]:
        with self.store.read() as conn:
            return list(
                conn.exec_driver_sql(
                    "SELECT id FROM customer WHERE deleted = 0 ORDER BY id LIMIT ?", (limit,)
                ).scalars()
            )

    def close(self) -> None:
        self.client.close()
        self.store.close()


def bench_push(a: Laptop, rounds: int) -> dict[str, Any]:
    customers = a.customers(500)
    push_times, sync_times = [], []
    for round_no in range(rounds):
        with a.store.write() as uow:
            for n in range(1000):
                customer = customers[n % len(customers)]
                if n < 500:
                    uow.update("customer", customer, {"phone": f"+49 40 {round_no:02d}{n:05d}"})
                else:
                    uow.create(
                        "note",
                        {"customer_id": customer, "author_id": a.user_id, "text": f"Note {n}"},
                    )
        assert a.store.pending_count() == 1000
        started = time.perf_counter()
        result = a.sync()
        ended = time.perf_counter()
        assert result.pushed == 1000 and result.pending == 0
        push_end = a.phase_started.get("pull", ended)
        push_times.append(push_end - started)
        sync_times.append(ended - started)
    return {
        "changes": 1000,
        "push_s_median": statistics.median(push_times),
        "push_s_max": max(push_times),
        "sync_s_median": statistics.median(sync_times),
    }


def bench_latency(a: Laptop, b: Laptop, rounds: int) -> dict[str, Any]:
    customer = a.customers(1)[0]
    times = []
    for n in range(rounds):
        city = f"Stadt {n}"
        started = time.perf_counter()
        a.store.update("customer", customer, {"city": city})
        a.sync()
        b.sync()
        times.append(time.perf_counter() - started)
        row = b.store.get("customer", customer)
        assert row is not None and row["city"] == city
    times.sort()
    return {
        "rounds": rounds,
        "ms_median": statistics.median(times) * 1000,
        "ms_p95": times[max(0, int(len(times) * 0.95) - 1)] * 1000,
        "ms_max": times[-1] * 1000,
    }


def bench_idle(a: Laptop) -> dict[str, Any]:
    a.sync()
    result = a.sync()
    return {
        "requests": result.requests,
        "bytes_sent": result.bytes_sent,
        "bytes_received": result.bytes_received,
        "bytes_total": result.bytes_sent + result.bytes_received,
        "ms": result.seconds * 1000,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", default="small", choices=("standard", "small", "tiny"))
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--latency-rounds", type=int, default=20)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    db = server_db(args.size)
    with tempfile.TemporaryDirectory(prefix="fieldcrm-bench-ops-") as tmp:
        work = Path(tmp)
        with running_server(db, work / "server") as url:
            a = Laptop(work / "a", url, "rep01")
            b = Laptop(work / "b", url, "rep02")
            try:
                a.sync()
                b.sync()
                report = {
                    "size": args.size,
                    "push_1000": bench_push(a, args.rounds),
                    "edit_visible_on_b": bench_latency(a, b, args.latency_rounds),
                }
                b.sync()
                report["idle_sync"] = bench_idle(a)
            finally:
                a.close()
                b.close()
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        push, lat, idle = report["push_1000"], report["edit_visible_on_b"], report["idle_sync"]
        print(
            f"push of 1,000 changes: {push['push_s_median'] * 1000:.0f} ms median "
            f"(max {push['push_s_max'] * 1000:.0f} ms; whole sync "
            f"{push['sync_s_median'] * 1000:.0f} ms)"
        )
        print(
            f"edit on A visible on B after both sync: {lat['ms_median']:.0f} ms median, "
            f"p95 {lat['ms_p95']:.0f} ms"
        )
        print(
            f"idle sync: {idle['requests']} request(s), {idle['bytes_total']} bytes "
            f"({idle['bytes_sent']} out, {idle['bytes_received']} in), {idle['ms']:.0f} ms"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
