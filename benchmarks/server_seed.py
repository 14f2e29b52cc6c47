"""Seed a sync-server database with the standard benchmark area (bulk, for benchmarks).

Rows go straight into the server's tables in the form the server itself writes them
(scope, sequence number, ready-to-send payload, live counts), far faster than pushing them.
Every user of the area gets an account with the password ``BENCH_PASSWORD``.
"""

from __future__ import annotations

import argparse
import time
from collections import Counter
from typing import Any

import orjson
import sqlalchemy as sa

from benchmarks.dataset import SIZES, Scale, iter_rows, row_stamp
from fieldcrm.domain.entities import ENTITIES
from sync_server import auth
from sync_server import tables as t
from sync_server.db import make_engine, upgrade, write_transaction
from sync_server.store import REBUILD_LIVE_COUNTS_SQL, render_payload, utcnow

BENCH_PASSWORD = "bench-password"
ORDER = ("territory", "user", "customer", "contact", "visit", "note", "followup")
BATCH = 5000


def seed_server(engine: sa.Engine, scale: Scale) -> int:
    """Insert the whole area; returns the number of rows."""
    customer_scope: dict[str, str] = {}
    counts: Counter[tuple[str, str]] = Counter()
    seq = 0
    password_hash = auth.hash_password(BENCH_PASSWORD)
    with write_transaction(engine) as conn:
        for entity in ORDER:
            spec = ENTITIES[entity]
            batch: list[dict[str, Any]] = []
            for index, row in enumerate(iter_rows(entity, scale)):
                row_id = row.pop("id")
                data = {name: row.get(name) for name in spec.field_names}
                stamp = row_stamp(entity, index)
                stamps = dict.fromkeys(spec.field_names, stamp)
                customer_id: str | None = None
                scope: str
                if entity == "territory":
                    scope = row_id
                elif entity == "user":
                    scope = data["territory_id"] or ""
                elif entity == "customer":
                    scope = str(data["territory_id"])
                    customer_scope[row_id] = scope
                else:
                    customer_id = str(data["customer_id"])
                    scope = customer_scope[customer_id]
                seq += 1
                counts[(scope, entity)] += 1
                batch.append(
                    {
                        "entity": entity,
                        "id": row_id,
                        "scope": scope,
                        "customer_id": customer_id,
                        "data": orjson.dumps(data).decode(),
                        "stamps": orjson.dumps(stamps).decode(),
                        "deleted": False,
                        "seq": seq,
                        "payload": render_payload(entity, row_id, data, stamps, False),
                    }
                )
                if entity == "user":
                    conn.execute(
                        t.account.insert().values(
                            id=row_id,
                            username=data["username"],
                            password_hash=password_hash,
                            role=data["role"],
                            territory_id=data["territory_id"],
                            active=True,
                            created_at=utcnow(),
                        )
                    )
                if len(batch) >= BATCH:
                    conn.execute(t.record.insert(), batch)
                    batch.clear()
            if batch:
                conn.execute(t.record.insert(), batch)
        conn.execute(t.live_count.delete())
        conn.execute(sa.text(REBUILD_LIVE_COUNTS_SQL))
        conn.execute(t.seq_counter.update().values(value=seq))
    return seq


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", choices=sorted(SIZES), default="small")
    parser.add_argument("--db", required=True, help="database URL (a new, empty database)")
    args = parser.parse_args()
    engine = make_engine(args.db)
    upgrade(engine)
    started = time.perf_counter()
    n = seed_server(engine, SIZES[args.size])
    print(f"seeded {n} rows in {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
