"""First sync (bootstrap) of the benchmark area through a real server, and the raw insert rate.

Client and server run on this machine: ``python -m sync_server serve`` on SQLite holding
the standard area, and a fresh client store that logs in and runs ``SyncEngine.sync()``
(push nothing, pull every page, verify counts), then builds the search index over
everything typed as the app does in the background after it (timed apart). In the same
run, the same rows are copied from the synced store into another fresh store with plain
``sqlite3`` ``executemany``, one transaction per page-sized batch, same pragmas and search
triggers; the ratio of the two rates says how close the sync gets to what SQLite itself
can insert.

    python -m benchmarks.bench_sync_bootstrap --size standard --user admin [--desktop]

``--desktop`` runs the sync as the desktop does: it ends when the data is in and
searchable, and the indexes are built right after (timed apart, and the rate with them
is compared with the floor too). The floor's bare tables commit as a first sync's pages
do (``RELAXED_PRAGMAS``), the other copy as every other write (``DURABLE_PRAGMAS``).
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.sync_server_fixture import BENCH_PASSWORD, running_server, server_db
from fieldcrm.domain.entities import ENTITIES
from fieldcrm.store import Store, replica, search_build
from fieldcrm.store.db import DURABLE_PRAGMAS, RELAXED_PRAGMAS
from fieldcrm.sync import SyncEngine, SyncProgress, login, open_client
from fieldcrm.sync.credentials import FileTokenStore

ENTITY_ORDER = ("territory", "user", "customer", "contact", "visit", "note", "followup")


def first_sync(
    url: str,
    work: Path,
    user: str,
    page_limit: int,
    *,
    key: bytes | None = None,
    defer_indexes: bool = False,
) -> dict[str, Any]:
    """``key``: the client store is encrypted with it (SQLCipher), as a profile is.
    ``defer_indexes``: as the desktop runs it, the sync ends with the data in and the
    indexes are built after it (timed apart, as ``indexes_after``)."""
    (work / "client").mkdir(parents=True)
    store = Store(work / "client" / "fieldcrm.db", key=key)
    tokens = FileTokenStore(work / "client" / "session.token")
    login(store, url, user, BENCH_PASSWORD, token_store=tokens)
    pages = 0
    index_started = index_ended = 0.0

    def on_progress(progress: SyncProgress) -> None:
        nonlocal pages, index_started, index_ended
        if progress.phase == "pull":
            pages += 1
        elif progress.phase == "index":
            # Building the indexes set aside for the first sync (``begin_bulk_load``).
            if progress.done == 0:
                index_started = time.perf_counter()
            else:
                index_ended = time.perf_counter()

    client = open_client(store, token_store=tokens)
    with client:
        engine = SyncEngine(
            store, client, on_progress, page_limit=page_limit, defer_indexes=defer_indexes
        )
        started = time.perf_counter()
        result = engine.sync()
        seconds = time.perf_counter() - started
    assert result.ok, result.errors
    counts = store.counts()
    indexes_after = None
    if defer_indexes:
        # What the desktop's builder does first after such a sync.
        assert replica.bulk_load_pulled(store)
        built_at, built_cpu = time.perf_counter(), time.thread_time()
        assert replica.end_bulk_load(store)
        indexes_after = {
            "seconds": time.perf_counter() - built_at,
            "cpu_s": time.thread_time() - built_cpu,
        }
    # The search index over everything typed: after the sync, as the app's background
    # builder makes it (not part of the sync's time; its CPU is this thread's).
    built_at, built_cpu = time.perf_counter(), time.thread_time()
    assert search_build.build(store).built
    search_index = {
        "seconds": time.perf_counter() - built_at,
        "cpu_s": time.thread_time() - built_cpu,
    }
    store.close()
    return {
        "defer_indexes": defer_indexes,
        "indexes_after": indexes_after,
        "search_index_after": search_index,
        "rows": result.pulled,
        "seconds": seconds,
        "rows_per_s": result.pulled / seconds,
        "requests": result.requests,
        "bytes_received": result.bytes_received,
        "counts": counts,
        "pages": pages,
        "index_seconds": index_ended - index_started,
        "pull_seconds": index_started - started if index_started else seconds,
    }


def raw_insert_rate(source: Path, work: Path, batch: int, *, bare: bool = False) -> dict[str, Any]:
    """Copy every row of ``source`` into a fresh store with executemany; time the inserts.

    ``bare``: as a first sync loads, into tables whose indexes and search triggers are set
    aside (``replica.begin_bulk_load``), and building them at the end is timed too.
    """
    target = work / ("raw-bare" if bare else "raw") / "fieldcrm.db"
    target.parent.mkdir(parents=True)
    store = Store(target)
    if bare:
        replica.begin_bulk_load(store)
    store.close()
    src = sqlite3.connect(source)
    dst = sqlite3.connect(target, isolation_level=None)
    dst.execute("PRAGMA journal_mode=WAL")
    # As the client store commits: a first sync's pages (into bare tables) without
    # waiting for the disk, every other write synced.
    for name, value in (RELAXED_PRAGMAS if bare else DURABLE_PRAGMAS).items():
        dst.execute(f"PRAGMA {name}={value}")
    seconds = 0.0
    rows = 0
    for entity in ENTITY_ORDER:
        columns = ("id", *ENTITIES[entity].field_names, "stamps", "deleted")
        quoted = ", ".join(f'"{c}"' for c in columns)
        sql = f'INSERT INTO "{entity}" ({quoted}) VALUES ({", ".join("?" * len(columns))})'
        cursor = src.execute(f'SELECT {quoted} FROM "{entity}" ORDER BY rowid')
        while chunk := cursor.fetchmany(batch):
            started = time.perf_counter()
            dst.execute("BEGIN")
            dst.executemany(sql, chunk)
            dst.execute("COMMIT")
            seconds += time.perf_counter() - started
            rows += len(chunk)
    src.close()
    dst.close()
    index_seconds = 0.0
    if bare:
        store = Store(target)
        started = time.perf_counter()
        assert replica.end_bulk_load(store)
        index_seconds = time.perf_counter() - started
        store.close()
        seconds += index_seconds
    return {
        "rows": rows,
        "seconds": seconds,
        "rows_per_s": rows / seconds,
        "index_seconds": index_seconds,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", default="standard", choices=("standard", "small", "tiny"))
    parser.add_argument("--user", default="admin", help="whose scope to pull (admin: all)")
    parser.add_argument("--page-limit", type=int, default=10_000)
    parser.add_argument(
        "--desktop",
        action="store_true",
        help="as the desktop syncs: the sync ends with the data in, the indexes follow",
    )
    parser.add_argument(
        "--floor-only",
        action="store_true",
        help="copy the rows into bare tables only (the bulk-load floor), not into indexed ones",
    )
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    db = server_db(args.size)
    with tempfile.TemporaryDirectory(prefix="fieldcrm-bench-sync-") as tmp:
        work = Path(tmp)
        with running_server(db, work / "server") as url:
            sync = first_sync(url, work, args.user, args.page_limit, defer_indexes=args.desktop)
        raw = None
        if not args.floor_only:
            raw = raw_insert_rate(work / "client" / "fieldcrm.db", work, args.page_limit)
        bare = raw_insert_rate(work / "client" / "fieldcrm.db", work, args.page_limit, bare=True)
    report = {
        "size": args.size,
        "user": args.user,
        "first_sync": sync,
        "raw_executemany": raw,
        "sync_vs_raw": None if raw is None else sync["rows_per_s"] / raw["rows_per_s"],
        "raw_executemany_bulk": bare,
        "sync_vs_raw_bulk": sync["rows_per_s"] / bare["rows_per_s"],
    }
    after = sync["indexes_after"]
    if after is not None:
        # Until the indexes are built too (the desktop's builder right after the sync).
        whole = sync["rows"] / (sync["seconds"] + after["seconds"])
        report["with_indexes_rows_per_s"] = whole
        report["with_indexes_vs_raw_bulk"] = whole / bare["rows_per_s"]
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print(
            f"first sync ({args.size}, {args.user}): {sync['rows']:,} rows in "
            f"{sync['seconds']:.1f} s = {sync['rows_per_s']:,.0f} rows/s; "
            f"{sync['requests']} requests, {sync['bytes_received'] / 1e6:.1f} MB received"
        )
        if after is None:
            print(
                f"  of which: pulling and writing pages {sync['pull_seconds']:.1f} s, "
                f"building the indexes set aside {sync['index_seconds']:.1f} s"
            )
        else:
            print(
                f"  the data in and searchable; then the indexes built in {after['seconds']:.1f} s "
                f"({after['cpu_s']:.1f} s of CPU): {report['with_indexes_rows_per_s']:,.0f} "
                f"rows/s with them, / the bare floor = {report['with_indexes_vs_raw_bulk']:.2f}"
            )
        built = sync["search_index_after"]
        print(
            f"  then, in the background: the search index over everything typed built in "
            f"{built['seconds']:.1f} s ({built['cpu_s']:.1f} s of CPU)"
        )
        if raw is not None:
            print(
                f"raw executemany of the same rows: {raw['rows_per_s']:,.0f} rows/s "
                f"({raw['seconds']:.1f} s); sync / raw = {report['sync_vs_raw']:.2f}"
            )
        print(
            f"raw executemany into bare tables, then the same index build: "
            f"{bare['rows_per_s']:,.0f} rows/s ({bare['seconds']:.1f} s, of which indexes "
            f"{bare['index_seconds']:.1f} s); sync / raw = {report['sync_vs_raw_bulk']:.2f}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
