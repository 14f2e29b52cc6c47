"""The encrypted local store against a plain one, in the same run: service writes, the
first sync of the standard area, and moving a plain 100,000-customer profile in place.

Budget (DESIGN.md): writes and first sync of the encrypted store at most 1.3 times the
plain store's. Both sides are the same ``Store`` on the same rows; the encrypted one is a
SQLCipher 4 file opened with a raw 256-bit key (no key derivation per connection), as a
profile whose key is in the keyring. Rounds run both sides in alternating order so that
load from other processes falls on both alike; ratios are medians of per-round ratios.
The transaction-per-row case also runs with both stores open, taking turns every 10 rows
(the finest interleaving: on a shared machine the per-round ratios of whole rounds spread
from 0.9 to 1.8), and reports the CPU time of each side too.

    python -m benchmarks.bench_encrypted_store --part writes --rows 10000 --repeat 5
    python -m benchmarks.bench_encrypted_store --part sync --size standard --user admin
    python -m benchmarks.bench_encrypted_store --part migrate

The customer list, search and cold start run on encrypted profiles in their own
benchmarks (``bench_ui_customers``, ``bench_ui_startup``), which open profiles through the
app and so encrypt them.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks import bench_store_writes as writes
from fieldcrm.store import Store

KEY = os.urandom(32)


def keyed_store(folder: Path, name: str, key: bytes | None) -> Store:
    """``bench_store_writes.new_store``, encrypted when ``key`` is given."""
    store = Store(folder / f"{name}.db", key=key)
    scale = writes.SIZES["tiny"]
    with store.write() as uow:
        for entity in ("territory", "user"):
            for row in writes.iter_rows(entity, scale):
                values = {k: v for k, v in row.items() if k != "id"}
                uow.create(entity, values, row_id=row["id"])
    with store.write() as uow:
        uow.connection.exec_driver_sql("DELETE FROM outbox")
    return store


def _timed_write(
    runner: writes.Runner, rows: list[dict[str, Any]], folder: Path, name: str, key: bytes | None
) -> float:
    store = keyed_store(folder, name, key)
    try:
        assert store.encrypted == (key is not None)
        started = time.perf_counter()
        runner(store, rows)
        seconds = time.perf_counter() - started
        writes.check(store, len(rows), True, rows)
    finally:
        store.close()
    return seconds / len(rows) * 1e6


def _interleaved_per_row(
    rows: list[dict[str, Any]], folder: Path, batch: int
) -> dict[str, tuple[float, float]]:
    """A transaction per row on a plain and an encrypted store open side by side, the two
    taking turns every ``batch`` rows (who goes first alternates), so that a burst of load
    from other processes falls on both alike: (wall µs, CPU µs) per row and side."""
    stores = {"plain": keyed_store(folder, "turns_plain", None)}
    stores["encrypted"] = keyed_store(folder, "turns_encrypted", KEY)
    values = writes.service_values(rows)
    wall = {"plain": 0.0, "encrypted": 0.0}
    cpu = {"plain": 0.0, "encrypted": 0.0}
    try:
        for turn, start in enumerate(range(0, len(values), batch)):
            order = ["plain", "encrypted"] if turn % 2 == 0 else ["encrypted", "plain"]
            for side in order:
                store = stores[side]
                started, started_cpu = time.perf_counter(), time.process_time()
                for v in values[start : start + batch]:
                    store.create("customer", v)
                wall[side] += time.perf_counter() - started
                cpu[side] += time.process_time() - started_cpu
        for store in stores.values():
            writes.check(store, len(rows), True, rows)
    finally:
        for store in stores.values():
            store.close()
    return {side: (wall[side] / len(rows) * 1e6, cpu[side] / len(rows) * 1e6) for side in wall}


def bench_writes(n: int, per_row: int, repeat: int) -> dict[str, Any]:
    rows = writes.customer_rows(n)
    few = rows[:per_row]
    cases = {
        "one transaction": (writes.run_service_tx, rows),
        "transaction per row": (writes.run_service_per_row, few),
    }
    us: dict[str, dict[str, list[float]]] = {c: {"plain": [], "encrypted": []} for c in cases}
    for round_no in range(repeat):
        sides = [("plain", None), ("encrypted", KEY)]
        if round_no % 2:
            sides.reverse()
        with tempfile.TemporaryDirectory(prefix="fieldcrm-bench-enc-") as tmp:
            for case, (runner, data) in cases.items():
                for side, key in sides:
                    name = f"{case.replace(' ', '_')}_{side}"
                    us[case][side].append(_timed_write(runner, data, Path(tmp), name, key))
    report = {
        case: {
            "us_per_row_plain": statistics.median(v["plain"]),
            "us_per_row_encrypted": statistics.median(v["encrypted"]),
            "ratio": statistics.median(
                e / p for e, p in zip(v["encrypted"], v["plain"], strict=True)
            ),
            "ratios": [e / p for e, p in zip(v["encrypted"], v["plain"], strict=True)],
        }
        for case, v in us.items()
    }
    turns: list[dict[str, tuple[float, float]]] = []
    for _ in range(repeat):
        with tempfile.TemporaryDirectory(prefix="fieldcrm-bench-enc-") as tmp:
            turns.append(_interleaved_per_row(few, Path(tmp), batch=10))
    ratios = [t["encrypted"][0] / t["plain"][0] for t in turns]
    report["transaction per row, taking turns every 10 rows"] = {
        "us_per_row_plain": statistics.median(t["plain"][0] for t in turns),
        "us_per_row_encrypted": statistics.median(t["encrypted"][0] for t in turns),
        "ratio": statistics.median(ratios),
        "ratios": ratios,
        "cpu_us_per_row_plain": statistics.median(t["plain"][1] for t in turns),
        "cpu_us_per_row_encrypted": statistics.median(t["encrypted"][1] for t in turns),
    }
    return report


def bench_sync(size: str, user: str, page_limit: int, rounds: int) -> dict[str, Any]:
    from benchmarks.bench_sync_bootstrap import first_sync
    from benchmarks.sync_server_fixture import running_server, server_db

    db = server_db(size)
    seconds: dict[str, list[float]] = {"plain": [], "encrypted": []}
    rows = 0
    with tempfile.TemporaryDirectory(prefix="fieldcrm-bench-enc-sync-") as tmp:
        work = Path(tmp)
        with running_server(db, work / "server") as url:
            for round_no in range(rounds):
                sides = [("plain", None), ("encrypted", KEY)]
                if round_no % 2:
                    sides.reverse()
                for side, key in sides:
                    folder = work / f"{side}-{round_no}"
                    result = first_sync(url, folder, user, page_limit, key=key)
                    seconds[side].append(result["seconds"])
                    rows = result["rows"]
                    shutil.rmtree(folder)
    return {
        "size": size,
        "user": user,
        "rows": rows,
        "seconds_plain": statistics.median(seconds["plain"]),
        "seconds_encrypted": statistics.median(seconds["encrypted"]),
        "rows_per_s_encrypted": rows / statistics.median(seconds["encrypted"]),
        "ratio": statistics.median(
            e / p for e, p in zip(seconds["encrypted"], seconds["plain"], strict=True)
        ),
    }


def bench_migrate(customers: int) -> dict[str, Any]:
    """A plain profile of the earlier version encrypted in place (first start)."""
    from benchmarks.file_keyring import use_benchmark_keyring
    from benchmarks.ui_common import profile_with_customers
    from fieldcrm.profile import database_path
    from fieldcrm.store.encryption import open_profile_store

    use_benchmark_keyring()
    source = profile_with_customers(customers)
    with tempfile.TemporaryDirectory(prefix="fieldcrm-bench-migrate-") as tmp:
        profile = Path(tmp) / "profile"
        shutil.copytree(source, profile)
        size = database_path(profile).stat().st_size
        started = time.perf_counter()
        store = open_profile_store(database_path(profile))
        seconds = time.perf_counter() - started
        assert store.encrypted and store.counts()["customer"] == customers
        store.close()
    return {"customers": customers, "megabytes": size / 1e6, "seconds": seconds}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--part", choices=("writes", "sync", "migrate", "all"), default="all")
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--per-row", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--size", default="standard", choices=("standard", "small", "tiny"))
    parser.add_argument("--user", default="admin")
    parser.add_argument("--page-limit", type=int, default=10_000)
    parser.add_argument("--sync-rounds", type=int, default=2)
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    report: dict[str, Any] = {}
    if args.part in ("writes", "all"):
        report["writes"] = bench_writes(args.rows, args.per_row, args.repeat)
    if args.part in ("sync", "all"):
        report["first_sync"] = bench_sync(args.size, args.user, args.page_limit, args.sync_rounds)
    if args.part in ("migrate", "all"):
        report["migrate"] = bench_migrate(args.customers)
    if args.json:
        print(json.dumps(report, indent=2))
        return 0
    for case, r in report.get("writes", {}).items():
        cpu = (
            f"; CPU plain {r['cpu_us_per_row_plain']:.0f}, encrypted "
            f"{r['cpu_us_per_row_encrypted']:.0f} µs/row"
            if "cpu_us_per_row_plain" in r
            else ""
        )
        print(
            f"service writes, {case}: plain {r['us_per_row_plain']:.1f} µs/row, encrypted "
            f"{r['us_per_row_encrypted']:.1f} µs/row, median ratio {r['ratio']:.2f} "
            f"(rounds: {', '.join(f'{x:.2f}' for x in r['ratios'])}; budget 1.3){cpu}"
        )
    if "first_sync" in report:
        r = report["first_sync"]
        print(
            f"first sync ({r['size']}, {r['user']}, {r['rows']:,} rows): plain "
            f"{r['seconds_plain']:.1f} s, encrypted {r['seconds_encrypted']:.1f} s, ratio "
            f"{r['ratio']:.2f} (budget 1.3)"
        )
    if "migrate" in report:
        r = report["migrate"]
        print(
            f"plain profile of {r['customers']:,} customers ({r['megabytes']:.0f} MB) "
            f"encrypted in place: {r['seconds']:.1f} s"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
