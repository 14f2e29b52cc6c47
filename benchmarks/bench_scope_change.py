"""What a scope change costs: a rep moved to another territory, and the rep's next sync.

Through a real server (``python -m sync_server serve`` on SQLite, on a copy of the
benchmark area's server database) and a fresh client store, as the bootstrap benchmark
does:

1. two territories of the same area with the same number of customers are picked, and
   the first territory's first rep does a first sync into a fresh store;
2. an administrator moves that rep to the second territory on the server (the admin
   tools' ``AdminSession``, in a write transaction, while the server runs);
3. the rep's next sync is timed: records evicted and fetched per entity, requests (split
   into pull pages, digest requests and row fetches), bytes each way, seconds;
4. for comparison, a first sync of a fresh store for a rep of the second territory.

At the end the laptop must hold exactly the rows the server's scope gives the moved rep,
entity by entity (ids compared); the benchmark says so, and fails if not.

    python -m benchmarks.bench_scope_change --size standard
"""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from benchmarks.dataset import AREAS, REPS_PER_TERRITORY, TERRITORIES
from benchmarks.sync_server_fixture import (
    BENCH_PASSWORD,
    ENTITY_ORDER,
    server_db,
    server_process,
)
from fieldcrm.store import Store
from fieldcrm.sync import SyncClient, SyncEngine, SyncResult, login, open_client
from fieldcrm.sync.credentials import FileTokenStore
from sync_server import admin
from sync_server import tables as t
from sync_server.db import make_engine, write_transaction
from sync_server.scope import caller_scopes


class Laptop:
    """A fresh client store signed in as ``user``; keeps one client between syncs."""

    def __init__(self, directory: Path, url: str, user: str) -> None:
        directory.mkdir(parents=True)
        self.store = Store(directory / "fieldcrm.db")
        tokens = FileTokenStore(directory / "session.token")
        login(self.store, url, user, BENCH_PASSWORD, token_store=tokens)
        self.client: SyncClient = open_client(self.store, token_store=tokens)
        #: Per kind of request (pull, digest, rows): requests and bytes each way.
        self.calls: dict[str, Counter[str]] = {}
        for kind in ("pull", "digest", "rows"):
            self._count(kind)

    def _count(self, kind: str) -> None:
        inner: Callable[..., Any] = getattr(self.client, kind)
        traffic = self.client.traffic
        tally = self.calls.setdefault(kind, Counter())

        def counted(*args: Any, **kwargs: Any) -> Any:
            before = (traffic.requests, traffic.bytes_sent, traffic.bytes_received)
            try:
                return inner(*args, **kwargs)
            finally:
                tally["requests"] += traffic.requests - before[0]
                tally["bytes_sent"] += traffic.bytes_sent - before[1]
                tally["bytes_received"] += traffic.bytes_received - before[2]

        setattr(self.client, kind, counted)

    def sync(self) -> tuple[SyncResult, float, dict[str, dict[str, int]]]:
        for tally in self.calls.values():
            tally.clear()
        started = time.perf_counter()
        result = SyncEngine(self.store, self.client).sync()
        seconds = time.perf_counter() - started
        assert result.ok, result.errors
        return result, seconds, {kind: dict(tally) for kind, tally in self.calls.items()}

    def held(self) -> dict[str, set[str]]:
        with self.store.read() as conn:
            return {
                entity: set(
                    conn.exec_driver_sql(f'SELECT id FROM "{entity}" WHERE deleted = 0').scalars()
                )
                for entity in ENTITY_ORDER
            }

    def close(self) -> None:
        self.client.close()
        self.store.close()


def server_view(engine: sa.Engine, username: str) -> dict[str, set[str]]:
    """The ids per entity of every live row the server lets ``username`` see."""
    view: dict[str, set[str]] = {entity: set() for entity in ENTITY_ORDER}
    with engine.connect() as conn:
        account = admin.account_by_name(conn, username)
        scopes = caller_scopes(conn, account.role, account.territory_id)
        query = sa.select(t.record.c.entity, t.record.c.id).where(t.record.c.deleted.is_(False))
        if scopes.read is not None:
            query = query.where(t.record.c.scope.in_(sorted(scopes.read)))
        for entity, row_id in conn.execute(query):
            view.setdefault(entity, set()).add(row_id)
    return view


def customers_per_territory(engine: sa.Engine) -> dict[str, int]:
    with engine.connect() as conn:
        rows = conn.execute(
            sa.select(t.record.c.scope, sa.func.count())
            .where(t.record.c.entity == "customer", t.record.c.deleted.is_(False))
            .group_by(t.record.c.scope)
        ).all()
    return {scope: int(n) for scope, n in rows}


def pick_territories(engine: sa.Engine) -> tuple[str, str]:
    """Two territories of the first area whose numbers of customers are the closest."""
    counts = customers_per_territory(engine)
    with engine.connect() as conn:
        ids = {name: admin.territory_by_name(conn, name) or "" for name, _ in TERRITORIES}
    names = [name for name, area in TERRITORIES if area == AREAS[0]]
    pairs = [(a, b) for i, a in enumerate(names) for b in names[i + 1 :]]
    return min(pairs, key=lambda p: abs(counts.get(ids[p[0]], 0) - counts.get(ids[p[1]], 0)))


def first_rep(territory: str) -> str:
    """Username of the territory's first rep in the benchmark area (``rep01``, ``rep03`` ...)."""
    index = [name for name, _ in TERRITORIES].index(territory)
    return f"rep{index * REPS_PER_TERRITORY + 1:02d}"


def move_user(engine: sa.Engine, username: str, territory: str) -> None:
    """An administrator changes the user's territory (as the admin tools do)."""
    with write_transaction(engine) as conn:
        account = admin.account_by_name(conn, username)
        session = admin.AdminSession(conn)
        territory_id = admin.territory_by_name(conn, territory)
        session.apply("user", "update", account.id, {"territory_id": territory_id})
        session.finish()


def summary(result: SyncResult, seconds: float, calls: dict[str, dict[str, int]]) -> dict[str, Any]:
    change = result.scope_change
    return {
        "seconds": seconds,
        "pulled": result.pulled,
        "evicted": result.evicted,
        "repaired": result.repaired,
        "removed": dict(change.removed) if change else {},
        "added": dict(change.added) if change else {},
        "message": change.describe() if change else None,
        "requests": result.requests,
        "bytes_sent": result.bytes_sent,
        "bytes_received": result.bytes_received,
        "calls": calls,
    }


def run(size: str, work: Path) -> dict[str, Any]:
    source = server_db(size)
    copy = work / "server" / "server.db"
    copy.parent.mkdir(parents=True)
    started = time.perf_counter()
    shutil.copy(source, copy)  # the move changes the database; the cached one stays as built
    copy_seconds = time.perf_counter() - started
    db_url = f"sqlite:///{copy}"
    engine = make_engine(db_url)
    try:
        old, new = pick_territories(engine)
        counts = customers_per_territory(engine)
        with engine.connect() as conn:
            old_count = counts[admin.territory_by_name(conn, old) or ""]
            new_count = counts[admin.territory_by_name(conn, new) or ""]
        rep, other = first_rep(old), first_rep(new)
        with server_process(db_url, work / "server") as (url, _process):
            laptop = Laptop(work / "moved", url, rep)
            try:
                first = summary(*laptop.sync())
                before = laptop.held()
                move_user(engine, rep, new)
                moved = summary(*laptop.sync())
                held = laptop.held()
                # What left and arrived, from the ids held before and after.
                moved["left"] = {e: len(before[e] - held[e]) for e in ENTITY_ORDER}
                moved["arrived"] = {e: len(held[e] - before[e]) for e in ENTITY_ORDER}
                again = summary(*laptop.sync())
            finally:
                laptop.close()
            fresh_laptop = Laptop(work / "fresh", url, other)
            try:
                fresh = summary(*fresh_laptop.sync())
            finally:
                fresh_laptop.close()
        view = server_view(engine, rep)
    finally:
        engine.dispose()
    mismatch = {
        entity: {
            "missing": len(view[entity] - held[entity]),
            "extra": len(held[entity] - view[entity]),
        }
        for entity in ENTITY_ORDER
        if view[entity] != held[entity]
    }
    return {
        "size": size,
        "server_db_copy_seconds": copy_seconds,
        "from": {"territory": old, "customers": old_count},
        "to": {"territory": new, "customers": new_count},
        "rep": rep,
        "rep_of_new_territory": other,
        "first_sync": first,
        "held_before": {e: len(ids) for e, ids in before.items()},
        "scope_change_sync": moved,
        "held_after": {e: len(ids) for e, ids in held.items()},
        "server_view": {e: len(ids) for e, ids in view.items()},
        "exact": not mismatch,
        "mismatch": mismatch,
        "next_sync": again,
        "fresh_first_sync_of_new_territory": fresh,
    }


def _bytes(n: int) -> str:
    return f"{n / 1e6:.2f} MB" if n >= 100_000 else f"{n / 1e3:.1f} kB"


def print_report(r: dict[str, Any]) -> None:
    moved, fresh, first = (
        r["scope_change_sync"],
        r["fresh_first_sync_of_new_territory"],
        (r["first_sync"]),
    )
    print(
        f"{r['size']} area: {r['rep']} moved from {r['from']['territory']} "
        f"({r['from']['customers']:,} customers) to {r['to']['territory']} "
        f"({r['to']['customers']:,} customers)"
    )
    print(
        f"  first sync before the move: {first['pulled']:,} rows in {first['seconds']:.2f} s; "
        f"{first['requests']} requests, {_bytes(first['bytes_received'])} received"
    )
    print(f"  sync after the move: {moved['message']}")
    print(
        "    (left/arrived: ids held before and after compared; the sync's own counts of "
        "removed/added in brackets)"
    )
    print(f"    {'entity':<10} {'held before':>12} {'left':>16} {'arrived':>16} {'held after':>11}")
    for entity in ENTITY_ORDER:
        left = f"{moved['left'][entity]:,} ({moved['removed'].get(entity, 0):,})"
        arrived = f"{moved['arrived'][entity]:,} ({moved['added'].get(entity, 0):,})"
        print(
            f"    {entity:<10} {r['held_before'][entity]:>12,} {left:>16} {arrived:>16} "
            f"{r['held_after'][entity]:>11,}"
        )
    left = f"{sum(moved['left'].values()):,} ({sum(moved['removed'].values()):,})"
    arrived = f"{sum(moved['arrived'].values()):,} ({sum(moved['added'].values()):,})"
    print(
        f"    {'total':<10} {sum(r['held_before'].values()):>12,} {left:>16} {arrived:>16} "
        f"{sum(r['held_after'].values()):>11,}"
    )
    print(
        f"    the sync's result: evicted {moved['evicted']:,}, repaired (fetched or evicted) "
        f"{moved['repaired']:,}, pulled by the change log {moved['pulled']:,}"
    )
    calls = ", ".join(
        f"{kind} {c.get('requests', 0)} ({_bytes(c.get('bytes_sent', 0))} out, "
        f"{_bytes(c.get('bytes_received', 0))} in)"
        for kind, c in moved["calls"].items()
    )
    print(
        f"    {moved['seconds']:.2f} s; {moved['requests']} requests: {calls}; "
        f"{_bytes(moved['bytes_sent'])} sent, {_bytes(moved['bytes_received'])} received"
    )
    again = r["next_sync"]
    print(
        f"  the sync after that: {again['requests']} request(s), repaired {again['repaired']}, "
        f"{again['seconds']:.2f} s"
    )
    print(
        f"  for comparison, first sync of a fresh store for {r['rep_of_new_territory']} "
        f"({r['to']['territory']}): {fresh['pulled']:,} rows in {fresh['seconds']:.2f} s; "
        f"{fresh['requests']} requests, {_bytes(fresh['bytes_sent'])} sent, "
        f"{_bytes(fresh['bytes_received'])} received"
    )
    if r["exact"]:
        print(
            f"  check: the laptop holds exactly the server's view of {r['rep']} in "
            f"{r['to']['territory']} ({sum(r['server_view'].values()):,} rows, ids compared "
            "per entity): yes"
        )
    else:
        print(f"  check: the laptop does NOT hold exactly the server's view: {r['mismatch']}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="small", choices=("small", "standard"))
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="fieldcrm-bench-scope-") as tmp:
        report = run(args.size, Path(tmp))
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print_report(report)
    return 0 if report["exact"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
