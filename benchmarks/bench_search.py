"""Search over everything typed: latency over the standard area, and what its index costs.

``python -m benchmarks.bench_search --size standard``

On a copy of the benchmark area's client store (notes and visit reports included):

1. *Index cost*: each search index emptied and refilled from its table in one statement,
   as ``replica.end_bulk_load`` does after a first sync, timed per index; its size on disk
   from SQLite's ``dbstat``. The name indexes of the customer list are refilled the same
   way for comparison.
2. *Search*: ``fieldcrm.app.search.search`` for each query of ``QUERIES`` (names, parts
   of compounds, phone numbers typed several ways, words of notes and reports, umlauts
   spelled out), every kind, 20 hits per kind; ``--rounds`` times; p50, p95 and max.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from benchmarks.dataset import cached_client_db
from benchmarks.ui_common import percentile

QUERIES = [
    "bäckerei",
    "baeckerei",
    "strassenbau",
    "bau",
    "hotel anker",
    "apotheke",
    "sanitär",
    "sanitaer hafen",
    "brise",
    "osnabrück",
    "osnabrueck",
    "lübeck",
    "K-12345",
    "12345",
    "040 123",
    "+4940123",
    "0421",
    "+49 511 23",
    "einkauf",
    "leiter",
    "angebot",
    "preis",
    "termin",
    "wartung",
    "lieferung",
    "rückruf",
    "rueckruf",
    "muster",
    "mü",
    "ha",
    "gmbh",
    "nord",
    "schmidt",
    "müller",
    "mueller",
    "weiss",
    "kunde interessiert",
    "next",
    "budget",
    "zz",
]


def index_cost(path: Path) -> list[tuple[str, float, int | None]]:
    from fieldcrm.store import Store
    from fieldcrm.store.textindex import TEXT_INDEXES, refill_sql

    store = Store(path)
    results: list[tuple[str, float, int | None]] = []
    try:
        jobs: list[tuple[str, list[str]]] = [(i.table, refill_sql(i)) for i in TEXT_INDEXES]
        for fts, columns in (
            ("customer_fts", "name, number, city, postal_code"),
            ("contact_fts", "first_name, last_name, email"),
        ):
            entity = fts.removesuffix("_fts")
            jobs.append(
                (
                    fts,
                    [
                        f"INSERT INTO {fts}({fts}) VALUES ('delete-all')",
                        f"INSERT INTO {fts}(rowid, {columns}) SELECT rowid, {columns} "
                        f"FROM {entity} WHERE deleted = 0",
                    ],
                )
            )
        for name, statements in jobs:
            began = time.perf_counter()
            with store.write() as uow:
                for statement in statements:
                    uow.connection.exec_driver_sql(statement)
            seconds = time.perf_counter() - began
            with store.read() as conn:
                try:
                    size = conn.exec_driver_sql(
                        "SELECT sum(pgsize) FROM dbstat WHERE name LIKE ?", (f"{name}%",)
                    ).scalar()
                except Exception:  # SQLite built without dbstat
                    size = None
            results.append((name, seconds, size))
    finally:
        store.close()
    return results


def search_latency(path: Path, rounds: int) -> tuple[list[float], dict[str, int]]:
    from fieldcrm.app.search import search
    from fieldcrm.store import Store

    store = Store(path)
    timings: list[float] = []
    found: dict[str, int] = {}
    try:
        search(store, "warm up")
        for _ in range(rounds):
            for query in QUERIES:
                began = time.perf_counter()
                hits = search(store, query)
                timings.append((time.perf_counter() - began) * 1000)
                found[query] = len(hits)
    finally:
        store.close()
    return timings, found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench_search")
    parser.add_argument("--size", default="standard", choices=("small", "standard"))
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--skip-index", action="store_true", help="only the search latency")
    args = parser.parse_args(argv)
    source = cached_client_db(args.size)
    with tempfile.TemporaryDirectory(prefix="bench-search-") as tmp:
        path = Path(tmp) / "fieldcrm.db"
        shutil.copyfile(source, path)
        print(f"{args.size} area, load average {os.getloadavg()[0]:.1f}")
        if not args.skip_index:
            total = 0.0
            for name, seconds, size in index_cost(path):
                total += seconds if name.endswith("_find") else 0.0
                mib = f"{size / 2**20:,.0f} MiB" if size is not None else "size unknown"
                print(f"refill {name:<15} {seconds:7.1f} s  {mib}")
            print(f"refill of the new search indexes together: {total:.1f} s")
        timings, found = search_latency(path, args.rounds)
        print(
            f"search: {len(timings)} searches, p50 {statistics.median(timings):.1f} ms, "
            f"p95 {percentile(timings, 0.95):.1f} ms, max {max(timings):.1f} ms; "
            f"load average {os.getloadavg()[0]:.1f}"
        )
        slow = sorted(zip(timings[-len(QUERIES) :], QUERIES, strict=True), reverse=True)[:5]
        print("slowest of the last round: " + ", ".join(f"{q!r} {t:.0f} ms" for t, q in slow))
        print("hits: " + ", ".join(f"{q!r} {n}" for q, n in found.items()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
