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
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from benchmarks.dataset import SIZES, Scale, iter_rows, stamps_json
from fieldcrm.domain.entities import ENTITIES
from fieldcrm.store import Store
from fieldcrm.store import tables as t
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


def run_plain_driver_tx(store: Store, rows: list[dict[str, Any]]) -> None:
    params = plain_params(rows)
    with raw_connection(store) as db:
        db.execute("BEGIN IMMEDIATE")
        for p in params:
            db.execute(INSERT_SQL, p)
        db.execute("COMMIT")


def run_plain_core_tx(store: Store, rows: list[dict[str, Any]]) -> None:
    params = [dict(zip(COLUMNS, p, strict=True)) for p in plain_params(rows)]
    with store.engine.connect().execution_options(**{WRITE_OPTION: True}) as conn, conn.begin():
        for p in params:
            conn.execute(t.customer.insert(), p)


def run_plain_executemany(store: Store, rows: list[dict[str, Any]]) -> None:
    params = plain_params(rows)
    with raw_connection(store) as db:
        db.execute("BEGIN IMMEDIATE")
        db.executemany(INSERT_SQL, params)
        db.execute("COMMIT")


def run_service_tx(store: Store, rows: list[dict[str, Any]]) -> None:
    values = service_values(rows)
    with store.write() as uow:
        for v in values:
            uow.create("customer", v)


def run_plain_driver_per_row(store: Store, rows: list[dict[str, Any]]) -> None:
    params = plain_params(rows)
    with raw_connection(store) as db:
        for p in params:
            db.execute("BEGIN IMMEDIATE")
            db.execute(INSERT_SQL, p)
            db.execute("COMMIT")


def run_plain_core_per_row(store: Store, rows: list[dict[str, Any]]) -> None:
    params = [dict(zip(COLUMNS, p, strict=True)) for p in plain_params(rows)]
    with store.engine.connect().execution_options(**{WRITE_OPTION: True}) as conn:
        for p in params:
            with conn.begin():
                conn.execute(t.customer.insert(), p)


def run_service_per_row(store: Store, rows: list[dict[str, Any]]) -> None:
    values = service_values(rows)
    for v in values:
        store.create("customer", v)


def check(store: Store, n: int, tracked: bool, rows: list[dict[str, Any]]) -> None:
    """Both sides really wrote the rows (and search finds them); only the service logged them."""
    assert store.counts()["customer"] == n, store.counts()
    assert store.pending_count() == (n if tracked else 0)
    with store.read() as conn:
        assert search_customers(store, rows[-1]["number"]), "search index not in step"
        total = conn.scalar(sa.text("SELECT count(*) FROM customer_fts"))
        assert total == n


Runner = Callable[[Store, list[dict[str, Any]]], None]


@dataclass(frozen=True)
class Variant:
    label: str
    runner: Runner
    tracked: bool
    per_row: bool  # a transaction per row (runs on the smaller row set)


VARIANTS = (
    Variant("service, one transaction", run_service_tx, True, False),
    Variant("plain SQLAlchemy Core insert, one transaction", run_plain_core_tx, False, False),
    Variant("plain driver insert, one transaction", run_plain_driver_tx, False, False),
    Variant("plain driver executemany, one transaction", run_plain_executemany, False, False),
    Variant("service, transaction per row", run_service_per_row, True, True),
    Variant(
        "plain SQLAlchemy Core insert, transaction per row", run_plain_core_per_row, False, True
    ),
    Variant("plain driver insert, transaction per row", run_plain_driver_per_row, False, True),
)

#: The ratios the budget is about: (what, tracked variant, plain variant).
RATIOS = (
    ("one transaction, vs Core insert", VARIANTS[0], VARIANTS[1]),
    ("one transaction, vs driver insert", VARIANTS[0], VARIANTS[2]),
    ("transaction per row, vs Core insert", VARIANTS[4], VARIANTS[5]),
    ("transaction per row, vs driver insert", VARIANTS[4], VARIANTS[6]),
)


def run_once(variant: Variant, rows: list[dict[str, Any]], folder: Path) -> tuple[float, float]:
    """One run on a fresh store: (wall seconds, CPU seconds of this process)."""
    store = new_store(folder, variant.label.replace(" ", "_").replace(",", ""))
    try:
        wall, cpu = time.perf_counter(), time.process_time()
        variant.runner(store, rows)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        check(store, len(rows), variant.tracked, rows)
    finally:
        store.close()
    return wall, cpu


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000, help="rows per one-transaction run")
    parser.add_argument(
        "--per-row", type=int, default=500, help="rows for the transaction-per-row runs"
    )
    parser.add_argument("--repeat", type=int, default=5, help="rounds; medians are reported")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)

    rows = customer_rows(args.rows)
    few = rows[: args.per_row]
    wall: dict[str, list[float]] = {v.label: [] for v in VARIANTS}
    cpu: dict[str, list[float]] = {v.label: [] for v in VARIANTS}
    for round_no in range(args.repeat):
        # Every round runs every variant, in a rotated order, so that load from other
        # processes on a shared machine falls on all of them alike.
        order = VARIANTS[round_no % len(VARIANTS) :] + VARIANTS[: round_no % len(VARIANTS)]
        with tempfile.TemporaryDirectory(prefix="fieldcrm-bench-") as folder:
            for variant in order:
                w, c = run_once(variant, few if variant.per_row else rows, Path(folder))
                n = len(few) if variant.per_row else len(rows)
                wall[variant.label].append(w / n * 1e6)
                cpu[variant.label].append(c / n * 1e6)
    med_wall = {k: statistics.median(v) for k, v in wall.items()}
    med_cpu = {k: statistics.median(v) for k, v in cpu.items()}
    ratios = {
        what: {
            # Median of the per-round ratios: each round's pair ran under the same load.
            "wall": statistics.median(
                a / b for a, b in zip(wall[tracked.label], wall[plain.label], strict=True)
            ),
            "cpu": statistics.median(
                a / b for a, b in zip(cpu[tracked.label], cpu[plain.label], strict=True)
            ),
        }
        for what, tracked, plain in RATIOS
    }
    report = {
        "rows": args.rows,
        "per_row_rows": args.per_row,
        "rounds": args.repeat,
        "us_per_row_wall": med_wall,
        "us_per_row_cpu": med_cpu,
        "ratios": ratios,
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
    }
    if args.json:
        print(json.dumps(report, indent=2))
        return 0
    print(f"{'µs per row (median of ' + str(args.repeat) + ' rounds)':<52} {'wall':>8} {'CPU':>8}")
    for v in VARIANTS:
        print(f"{v.label:<52} {med_wall[v.label]:8.1f} {med_cpu[v.label]:8.1f}")
    print()
    print(f"{'ratio service / plain (budget 1.5)':<52} {'wall':>8} {'CPU':>8}")
    for what, r in ratios.items():
        print(f"{what:<52} {r['wall']:8.2f} {r['cpu']:8.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
