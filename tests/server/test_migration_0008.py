"""Server migration 0008 adds the bulletin audiences to a database made by 0007 (its rows
untouched), and goes back."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from alembic import command

from sync_server.db import alembic_config, make_engine, schema_state, upgrade


def test_0008_adds_the_audience_table_and_downgrades(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    upgrade(engine, "0007")
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO record (entity, id, scope, customer_id, data, stamps, deleted,"
                " seq, payload) VALUES ('customer', 'c1', 'north', NULL, '{}', '{}', 0, 3, '{}')"
            )
        )
    upgrade(engine, "0008")  # later revisions have tests of their own
    assert schema_state(engine)[0] == "0008"
    with engine.begin() as conn:
        conn.execute(
            sa.text("INSERT INTO audience (scope, member_id, area_id) VALUES ('a', 'north', 'x')")
        )
        assert conn.scalar(sa.text("SELECT count(*) FROM record")) == 1
        assert sa.inspect(conn).has_table("audience")
    cfg = alembic_config(str(engine.url))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0007")
    assert schema_state(engine)[0] == "0007"
    with engine.connect() as conn:
        assert not sa.inspect(conn).has_table("audience")
        assert conn.scalar(sa.text("SELECT count(*) FROM record")) == 1
    engine.dispose()
