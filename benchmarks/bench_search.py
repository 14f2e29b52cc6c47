"""Search over everything typed: latency over the standard area, and what its index costs.

``python -m benchmarks.bench_search --size standard``

On a copy of the benchmark area's client store (notes and visit reports included):

1. *Index cost*: each search index emptied and refilled from its table in one statement,
   as ``replica.end_bulk_load`` did after a first sync before the background builder,
   timed per index; its size on disk from SQLite's ``dbstat``. The name indexes of the
   customer list are refilled the same way for comparison. Then the five emptied again
   and built by the background builder (``fieldcrm.store.search_build``) in its slices,
   as the app does after a first sync: wall and CPU time.
2. *Search*: ``fieldcrm.app.search.search`` for each query of ``QUERIES`` (names, parts
   of compounds, phone numbers typed several ways, words of notes and reports, umlauts
   spelled out), every kind, 20 hits per kind; ``--rounds`` times; p50, p95 and max; the
   same on an encrypted copy of the store (SQLCipher, as a profile opens it), rounds
   alternating between the two so that load from other processes falls on both alike.
   ``TYPING`` (words not finished yet, as search-as-you-type sees them) is reported
   apart.
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
#: Words as they are being typed: the last word is looked up as a word beginning.
TYPING = ["liefer", "angeb", "termi", "rückr", "preisl", "kunde inter", "pre"]


def _load() -> str:
    return ", ".join(f"{v:.1f}" for v in os.getloadavg())


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


def background_build(path: Path) -> tuple[float, float, int]:
    """Empty the five search indexes as a first sync leaves them and time the background
    builder (``search_build``) making them again: wall, CPU of this thread, slices."""
    from fieldcrm.store import Store, search_build
    from fieldcrm.store.textindex import TEXT_INDEXES, reset_sql

    store = Store(path)
    try:
        with store.write() as uow:
            for index in TEXT_INDEXES:
                for statement in reset_sql(index):
                    uow.connection.exec_driver_sql(statement)
        slices = 0

        def count(_state: search_build.IndexProgress) -> None:
            nonlocal slices
            slices += 1

        began, cpu = time.perf_counter(), time.thread_time()
        assert search_build.build(store, count).built
        return time.perf_counter() - began, time.thread_time() - cpu, slices - 1
    finally:
        store.close()


def _built(path: Path) -> bool:
    """Whether the store's search index holds every row (the builder has finished)."""
    from fieldcrm.store import Store, search_build

    store = Store(path)
    try:
        return search_build.progress(store).built
    finally:
        store.close()


def search_latency(
    paths: dict[str, tuple[Path, bytes | None]], queries: list[str], rounds: int
) -> tuple[dict[str, list[float]], dict[str, int], dict[str, dict[str, float]]]:
    from fieldcrm.app.search import search
    from fieldcrm.store import Store

    stores = {side: Store(path, key=key) for side, (path, key) in paths.items()}
    timings: dict[str, list[float]] = {side: [] for side in stores}
    last: dict[str, dict[str, float]] = {side: {} for side in stores}
    found: dict[str, int] = {}
    try:
        for store in stores.values():
            search(store, "warm up")
        for n in range(rounds):
            sides = list(stores) if n % 2 == 0 else list(reversed(stores))
            for side in sides:
                for query in queries:
                    began = time.perf_counter()
                    hits = search(stores[side], query)
                    ms = (time.perf_counter() - began) * 1000
                    timings[side].append(ms)
                    last[side][query] = ms
                    found[query] = len(hits)
    finally:
        for store in stores.values():
            store.close()
    return timings, found, last


def _report(label: str, timings: list[float]) -> str:
    return (
        f"{label}: {len(timings)} searches, p50 {statistics.median(timings):.1f} ms, "
        f"p95 {percentile(timings, 0.95):.1f} ms, max {max(timings):.1f} ms"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench_search")
    parser.add_argument("--size", default="standard", choices=("small", "standard"))
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--skip-index", action="store_true", help="only the search latency")
    parser.add_argument("--plain-only", action="store_true", help="no encrypted copy")
    args = parser.parse_args(argv)
    source = cached_client_db(args.size)
    with tempfile.TemporaryDirectory(prefix="bench-search-") as tmp:
        path = Path(tmp) / "fieldcrm.db"
        shutil.copyfile(source, path)
        print(f"{args.size} area, load average {_load()}")
        if not args.skip_index:
            total = 0.0
            for name, seconds, size in index_cost(path):
                total += seconds if name.endswith("_find") else 0.0
                mib = f"{size / 2**20:,.0f} MiB" if size is not None else "size unknown"
                print(f"refill {name:<15} {seconds:7.1f} s  {mib}")
            print(f"refill of the new search indexes together: {total:.1f} s")
            seconds, cpu, slices = background_build(path)
            print(
                f"the same five built by the background builder after a first sync, in "
                f"{slices} slices: {seconds:.1f} s ({cpu:.1f} s of CPU)"
            )
        elif not _built(path):
            # Searching an index the builder has not finished would time empty answers.
            seconds, cpu, slices = background_build(path)
            print(
                f"the search index was not built in this store: built first by the background "
                f"builder in {slices} slices, {seconds:.1f} s ({cpu:.1f} s of CPU)"
            )
        paths: dict[str, tuple[Path, bytes | None]] = {"plain": (path, None)}
        if not args.plain_only:
            from fieldcrm.store.encryption import encrypt_in_place

            encrypted = Path(tmp) / "encrypted.db"
            shutil.copyfile(path, encrypted)
            key = os.urandom(32)
            began = time.perf_counter()
            encrypt_in_place(encrypted, key)
            print(f"encrypted copy made in {time.perf_counter() - began:.0f} s")
            paths["encrypted"] = (encrypted, key)
        for label, queries in (("search", QUERIES), ("typing", TYPING)):
            timings, found, last = search_latency(paths, queries, args.rounds)
            for side, values in timings.items():
                print(f"{_report(f'{label}, {side}', values)}; load average {_load()}")
                slow = sorted(((ms, q) for q, ms in last[side].items()), reverse=True)[:5]
                print(
                    "  slowest of the last round: "
                    + ", ".join(f"{q!r} {t:.0f} ms" for t, q in slow)
                )
            print("  hits: " + ", ".join(f"{q!r} {n}" for q, n in found.items()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
