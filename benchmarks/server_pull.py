"""Sync-server pull benchmark: 1,000-row page server time, idle pull bytes, bootstrap rate.

    python -m benchmarks.server_pull --size small [--db URL]

* page time: ``pull_page`` (the server's whole work for a page: scope, rows, evictions,
  conflicts, counts) for 1,000-row pages at random cursors, as a rep and as the admin;
  and the same through the HTTP app in-process (auth, routing, gzip), p50/p95;
* idle pull: bytes on the wire of a pull with nothing new (gzip accepted, and not);
* bootstrap: an admin's first sync in 10,000-row pages through the HTTP app, rows/s
  (server and transport; the client's apply is measured by the client's benchmarks).
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from pathlib import Path

import orjson
import sqlalchemy as sa
from fastapi.testclient import TestClient

from benchmarks.dataset import SIZES
from benchmarks.server_seed import BENCH_PASSWORD, seed_server
from fieldcrm.protocol import PROTOCOL_HEADER, PROTOCOL_VERSION, ApiPaths
from sync_server import auth
from sync_server import tables as t
from sync_server.api import create_app
from sync_server.config import Settings
from sync_server.db import make_engine, read_transaction, upgrade
from sync_server.pull import pull_page


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", choices=sorted(SIZES), default="small")
    parser.add_argument("--db", help="database URL (default: a new SQLite file)")
    parser.add_argument("--pages", type=int, default=200, help="pages timed per case")
    args = parser.parse_args()
    tmp = tempfile.TemporaryDirectory()
    url = args.db or f"sqlite:///{Path(tmp.name) / 'server.db'}"
    engine = make_engine(url)
    upgrade(engine)
    started = time.perf_counter()
    total = seed_server(engine, SIZES[args.size])
    print(
        f"dataset {args.size}: {total} rows on {engine.dialect.name}, "
        f"seeded in {time.perf_counter() - started:.1f} s"
    )
    app = create_app(Settings(database_url=url), engine=engine)
    http = TestClient(app, headers={PROTOCOL_HEADER: str(PROTOCOL_VERSION)})

    with engine.connect() as conn:
        usernames = {row.role: row.username for row in conn.execute(sa.select(t.account))}
    rng = random.Random(1)
    for role in ("rep", "admin"):
        login = http.post(
            ApiPaths.LOGIN,
            json={
                "username": usernames[role],
                "password": BENCH_PASSWORD,
                "device_id": f"bench-{role}",
            },
        ).json()
        token = login["access_token"]
        with engine.connect() as conn:
            caller = auth.authenticate(conn, token)
        # Cursors that leave at least a full page after them for this caller.
        seqs = [0]
        cursor = 0
        while True:
            with read_transaction(engine) as conn:
                body = orjson.loads(pull_page(conn, caller, cursor, 1000))
            if not body["has_more"]:
                break
            cursor = int(body["cursor"])
            seqs.append(cursor)
        direct: list[float] = []
        over_http: list[float] = []
        for _ in range(args.pages):
            after = rng.choice(seqs)
            t0 = time.perf_counter()
            with read_transaction(engine) as conn:
                pull_page(conn, caller, after, 1000)
            direct.append((time.perf_counter() - t0) * 1000)
            t0 = time.perf_counter()
            response = http.get(
                ApiPaths.PULL,
                params={"cursor": str(after), "limit": 1000},
                headers={"Authorization": f"Bearer {token}", "Accept-Encoding": "gzip"},
            )
            over_http.append((time.perf_counter() - t0) * 1000)
            assert response.status_code == 200
        print(
            f"| 1,000-row pull page, {role}, server work (pull_page) | "
            f"p50 {percentile(direct, 50):.1f} ms, p95 {percentile(direct, 95):.1f} ms |"
        )
        print(
            f"| 1,000-row pull page, {role}, through the app incl. auth and gzip | "
            f"p50 {percentile(over_http, 50):.1f} ms, p95 {percentile(over_http, 95):.1f} ms |"
        )
        last = http.get(
            ApiPaths.PULL,
            params={"cursor": "0", "limit": 10_000},
            headers={"Authorization": f"Bearer {token}"},
        )
        cursor_text = last.json()["cursor"]
        while last.json()["has_more"]:
            last = http.get(
                ApiPaths.PULL,
                params={"cursor": cursor_text, "limit": 10_000},
                headers={"Authorization": f"Bearer {token}"},
            )
            cursor_text = last.json()["cursor"]
        for encoding in ("gzip", "identity"):
            idle = http.get(
                ApiPaths.PULL,
                params={"cursor": cursor_text},
                headers={"Authorization": f"Bearer {token}", "Accept-Encoding": encoding},
            )
            print(
                f"| idle pull, {role}, Accept-Encoding {encoding} | "
                f"{idle.num_bytes_downloaded} bytes body |"
            )
        if role == "admin":
            t0 = time.perf_counter()
            rows = 0
            cursor_text = "0"
            while True:
                response = http.get(
                    ApiPaths.PULL,
                    params={"cursor": cursor_text, "limit": 10_000},
                    headers={"Authorization": f"Bearer {token}", "Accept-Encoding": "gzip"},
                )
                data = orjson.loads(response.content)
                rows += len(data["rows"])
                cursor_text = data["cursor"]
                if not data["has_more"]:
                    break
            elapsed = time.perf_counter() - t0
            print(
                f"| bootstrap, admin, 10,000-row pages through the app | {rows} rows in "
                f"{elapsed:.2f} s = {rows / elapsed:,.0f} rows/s |"
            )
    http.close()
    engine.dispose()
    tmp.cleanup()


if __name__ == "__main__":
    main()
