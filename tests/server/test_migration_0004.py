"""Server migration 0004 fills the version digests of a database made by 0003 from its
rows, and goes back."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from alembic import command

from fieldcrm.protocol.digest import digest_of
from sync_server.db import alembic_config, make_engine, schema_state, upgrade


def test_0004_fills_the_digests_from_the_rows_and_downgrades(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    upgrade(engine, "0003")
    rows = [  # (entity, id, scope, seq, deleted)
        ("customer", "c1", "north", 3, False),
        ("customer", "c2", "north", 7, False),
        ("customer", "c3", "north", 9, True),  # a tombstone counts for nothing
        ("customer", "c4", "south", 11, False),
        ("contact", "k1", "north", 12, False),
    ]
    with engine.begin() as conn:
        for entity, row_id, scope, seq, deleted in rows:
            conn.execute(
                sa.text(
                    "INSERT INTO record (entity, id, scope, customer_id, data, stamps, deleted,"
                    " seq, payload) VALUES (:e, :i, :s, NULL, '{}', '{}', :d, :q, '{}')"
                ),
                {"e": entity, "i": row_id, "s": scope, "d": deleted, "q": seq},
            )
        conn.execute(
            sa.text("INSERT INTO live_count (scope, entity, n) VALUES ('north', 'customer', 99)")
        )
    upgrade(engine, "0004")  # later revisions have tests of their own
    assert schema_state(engine)[0] == "0004"
    with engine.connect() as conn:
        got = {
            (scope, entity): (n, s1, s2, s3)
            for scope, entity, n, s1, s2, s3 in conn.execute(
                sa.text("SELECT scope, entity, n, seq_sum, sq_sum, cube_sum FROM live_count")
            )
        }
    assert got == {
        ("north", "customer"): tuple(digest_of([3, 7])),
        ("south", "customer"): tuple(digest_of([11])),
        ("north", "contact"): tuple(digest_of([12])),
    }
    cfg = alembic_config(str(engine.url))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0003")
    assert schema_state(engine)[0] == "0003"
