"""Local writes with change tracking versus plain inserts of the same rows.

Budget (DESIGN.md): a local write including its outbox entry costs at most 1.5 times a
plain insert of the same row. Both sides write the same customers of the standard area
into a freshly migrated store, so both pay for the same table, indexes and search
triggers; only the service side validates, stamps and records the outbox entry.

    python -m benchmarks.bench_store_writes --rows 10000 --repeat 5

Measured:

- ``one transaction``: N rows in one transaction. Service: ``store.write()`` with N
  ``uow.create("customer", ...)``; plain: one ``INSERT`` per row on the same SQLite
  connection (driver level, no ORM, no validation), stamps column filled.
- ``transaction per row``: what one user action costs (``store.create`` versus one
  ``INSERT`` + ``COMMIT``), with the store's durability settings (WAL, synchronous=FULL).
- ``executemany`` is shown for reference: the bulk path a sync bootstrap can take.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from benchmarks.dataset import SIZES, Scale, iter_rows, stamps_json
from fieldcrm.domain.entities import ENTITIES
from fieldcrm.store import Store
from fieldcrm.store.db import WRITE_OPTION
from fieldcrm.store.search import search_customers

FIELDS = ENTITIES["customer"].field_names
COLUMNS = ("id", *FIELDS, "stamps", "deleted")
INSERT_SQL = f"INSERT INTO customer ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))})"


def customer_rows(n: int) -> list[dict[str, Any]]:
    """``n`` customers of the standard area (the first ``n``), with their territories' ids."""
    scale = Scale("bench", n, 0, 0, 0, 0)
    return list(iter_rows("customer", scale))


def new_store(folder: Path, name: str) -> Store:
    """A migrated store holding the area's territories and users (customers refer to them)."""
    store = Store(folder / f"{name}.db")
    scale = SIZES["tiny"]
    with store.write() as uow:
        for entity in ("territory", "user"):
            for row in iter_rows(entity, scale):
                values = {k: v for k, v in row.items() if k != "id"}
                uow.create(entity, values, row_id=row["id"])
    with store.write() as uow:  # the outbox starts empty, as after a sync
        uow.connection.exec_driver_sql("DELETE FROM outbox")
    return store


@contextmanager
def raw_connection(store: Store) -> Iterator[Any]:
    """The store's own sqlite3 connection (same pragmas), outside any transaction."""
    with store.engine.connect().execution_options(**{WRITE_OPTION: True}) as conn:
        yield conn.connection.driver_connection


def plain_params(rows: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    return [
        (row["id"], *(row[f] for f in FIELDS), stamps_json("customer", i), 0)
        for i, row in enumerate(rows)
    ]


def service_values(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{k: v for k, v in row.items() if k != "id"} for row in rows]


# ---- the measured runs ----------------------------------------------------------------------


def run_plain_one_tx(store: Store, rows: list[dict[str, Any]]) -> float:
    params = plain_params(rows)
    with raw_connection(store) as db:
        began = time.perf_counter()
        db.execute("BEGIN IMMEDIATE")
        for p in params:
            db.execute(INSERT_SQL, p)
        db.execute("COMMIT")
        return time.perf_counter() - began


def run_plain_executemany(store: Store, rows: list[dict[str, Any]]) -> float:
    params = plain_params(rows)
    with raw_connection(store) as db:
        began = time.perf_counter()
        db.execute("BEGIN IMMEDIATE")
        db.executemany(INSERT_SQL, params)
        db.execute("COMMIT")
        return time.perf_counter() - began


def run_service_one_tx(store: Store, rows: list[dict[str, Any]]) -> float:
    values = service_values(rows)
    began = time.perf_counter()
    with store.write() as uow:
        for v in values:
            uow.create("customer", v)
    return time.perf_counter() - began


def run_plain_per_row(store: Store, rows: list[dict[str, Any]]) -> float:
    params = plain_params(rows)
    with raw_connection(store) as db:
        began = time.perf_counter()
        for p in params:
            db.execute("BEGIN IMMEDIATE")
            db.execute(INSERT_SQL, p)
            db.execute("COMMIT")
        return time.perf_counter() - began


def run_service_per_row(store: Store, rows: list[dict[str, Any]]) -> float:
    values = service_values(rows)
    began = time.perf_counter()
    for v in values:
        store.create("customer", v)
    return time.perf_counter() - began


def check(store: Store, n: int, tracked: bool, rows: list[dict[str, Any]]) -> None:
    """Both sides really wrote the rows (and search finds them); only the service logged them."""
    assert store.counts()["customer"] == n, store.counts()
    assert store.pending_count() == (n if tracked else 0)
    with store.read() as conn:
        assert search_customers(conn, rows[-1]["number"]), "search index not in step"
        total = conn.scalar(sa.text("SELECT count(*) FROM customer_fts"))
        assert total == n


Runner = Callable[[Store, list[dict[str, Any]]], float]


def measure(
    label: str, runner: Runner, rows: list[dict[str, Any]], tracked: bool, repeat: int
) -> float:
    times = []
    for i in range(repeat):
        with tempfile.TemporaryDirectory(prefix="fieldcrm-bench-") as folder:
            store = new_store(Path(folder), f"{label}-{i}")
            try:
                times.append(runner(store, rows))
                check(store, len(rows), tracked, rows)
            finally:
                store.close()
    return statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000, help="rows per one-transaction run")
    parser.add_argument(
        "--per-row", type=int, default=500, help="rows for the transaction-per-row runs"
    )
    parser.add_argument("--repeat", type=int, default=5, help="runs of each; the median counts")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)

    rows = customer_rows(args.rows)
    few = rows[: args.per_row]
    results: dict[str, float] = {}
    # Interleave the two sides so that load from other processes hits both alike.
    for _ in range(1):
        results["plain, one transaction"] = measure(
            "plain", run_plain_one_tx, rows, False, args.repeat
        )
        results["service, one transaction"] = measure(
            "service", run_service_one_tx, rows, True, args.repeat
        )
        results["plain executemany, one transaction"] = measure(
            "bulk", run_plain_executemany, rows, False, args.repeat
        )
        results["plain, transaction per row"] = measure(
            "plain1", run_plain_per_row, few, False, args.repeat
        )
        results["service, transaction per row"] = measure(
            "service1", run_service_per_row, few, True, args.repeat
        )
    per_row_us = {
        k: v / (len(few) if "per row" in k else len(rows)) * 1e6 for k, v in results.items()
    }
    ratio_tx = results["service, one transaction"] / results["plain, one transaction"]
    ratio_row = results["service, transaction per row"] / results["plain, transaction per row"]
    report = {
        "rows": args.rows,
        "per_row_rows": args.per_row,
        "repeat": args.repeat,
        "seconds": results,
        "us_per_row": per_row_us,
        "ratio_one_transaction": ratio_tx,
        "ratio_transaction_per_row": ratio_row,
        "python": platform.python_version(),
        "sqlite": __import__("sqlite3").sqlite_version,
    }
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        for label, us in per_row_us.items():
            print(f"{label:<38} {us:9.1f} µs/row")
        print(f"ratio service/plain, one transaction:   {ratio_tx:.2f} (budget 1.5)")
        print(f"ratio service/plain, transaction per row: {ratio_row:.2f} (budget 1.5)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
