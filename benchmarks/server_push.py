"""Sync-server push benchmark: a push of 1,000 queued changes and small pushes.

    python -m benchmarks.server_push [--db URL]

Through the HTTP app in-process (validation, merge, idempotency records, commit), on a new
SQLite file by default; ``--db`` may name a new, empty PostgreSQL database.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from fieldcrm.domain.ids import uuid7
from sync_server.db import make_engine, upgrade

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from tests.helpers.server_env import ServerEnv, customer_fields  # noqa: E402


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", help="database URL (default: a new SQLite file)")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    tmp = tempfile.TemporaryDirectory()
    url = args.db or f"sqlite:///{Path(tmp.name) / 'server.db'}"
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    env = ServerEnv(url)
    env.setup_area()
    anna = env.session("anna")
    big: list[float] = []
    small: list[float] = []
    for _ in range(args.rounds):
        entries = [
            anna.entry("customer", "create", uuid7(), customer_fields(f"Kunde {i}"))
            for i in range(1000)
        ]
        t0 = time.perf_counter()
        results = anna.push(*entries)
        big.append((time.perf_counter() - t0) * 1000)
        assert {r["status"] for r in results} == {"applied"}
        for _ in range(40):
            customer_id = uuid7()
            batch = [
                anna.entry("customer", "create", customer_id, customer_fields()),
                anna.entry(
                    "note",
                    "create",
                    uuid7(),
                    {"customer_id": customer_id, "author_id": anna.user_id, "text": "x"},
                ),
                anna.entry(
                    "visit",
                    "create",
                    uuid7(),
                    {
                        "customer_id": customer_id,
                        "rep_id": anna.user_id,
                        "status": "planned",
                        "planned_start": "2026-12-01T09:00:00Z",
                        "channel": "in_person",
                    },
                ),
            ]
            t0 = time.perf_counter()
            anna.push(*batch)
            small.append((time.perf_counter() - t0) * 1000)
    name = engine.dialect.name
    print(
        f"| push of 1,000 new customers, {name} | p50 {percentile(big, 50):.0f} ms, "
        f"max {max(big):.0f} ms |"
    )
    print(
        f"| push of 3 changes, {name} | p50 {percentile(small, 50):.1f} ms, "
        f"p95 {percentile(small, 95):.1f} ms |"
    )
    env.close()
    tmp.cleanup()


if __name__ == "__main__":
    main()
