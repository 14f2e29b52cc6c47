"""Server migration 0009 renders the stored rows of a database made by 0008 (``RowState``
objects of protocol 4) in the positional form of protocol 5, so that an upgraded server
sends every row it held before; and goes back."""

from __future__ import annotations

from pathlib import Path

import orjson
import sqlalchemy as sa
from alembic import command

from fieldcrm.domain.entities import ENTITIES
from sync_server.db import alembic_config, make_engine, schema_state, upgrade
from sync_server.pull import positional_tables

STAMP = "1764720000000:000000:0123456789abcdef0123456789abcdef"
NAMES = ENTITIES["customer"].field_names


def _insert(
    conn: sa.Connection, row_id: str, seq: int, data: dict[str, object], deleted: bool
) -> None:
    stamps = dict.fromkeys(NAMES, STAMP)
    if deleted:
        stamps["_deleted"] = STAMP
    old = {
        "entity": "customer",
        "id": row_id,
        "fields": {} if deleted else data,
        "stamps": {"*": STAMP, **({"_deleted": STAMP} if deleted else {})},
        "deleted": deleted,
    }
    conn.execute(
        sa.text(
            "INSERT INTO record (entity, id, scope, customer_id, data, stamps, deleted, seq,"
            " payload) VALUES ('customer', :id, 'north', NULL, :data, :stamps, :deleted, :seq,"
            " :payload)"
        ),
        {
            "id": row_id,
            "data": orjson.dumps(data).decode(),
            "stamps": orjson.dumps(stamps).decode(),
            "deleted": deleted,
            "seq": seq,
            "payload": orjson.dumps(old).decode(),
        },
    )


def test_0009_renders_stored_rows_positionally_and_back(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    upgrade(engine, "0008")
    data = {"name": "Bäckerei Müller GmbH", "city": "München", "visit_cadence_days": 30}
    with engine.begin() as conn:
        for n in range(7):
            _insert(conn, f"c{n}", n + 1, data | {"number": f"K-{n}"}, False)
        _insert(conn, "gone", 9, {"name": "Alt"}, True)
        old_payloads: dict[str, str] = dict(
            conn.execute(sa.text("SELECT id, payload FROM record")).all()
        )
    upgrade(engine, "0009")
    assert schema_state(engine)[0] == "0009"
    with engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT seq, entity, payload FROM record ORDER BY seq")).all()
    assert len(rows) == 8
    tables = orjson.loads(positional_tables((s, e.encode(), p.encode()) for s, e, p in rows))
    customer = tables["customer"]
    assert customer["columns"] == list(NAMES)
    by_id = {row[1]: row for row in customer["rows"]}
    first = by_id["c0"]
    assert first[:4] == [1, "c0", False, {"*": STAMP}]
    values = dict(zip(NAMES, first[4:], strict=True))
    assert values["name"] == "Bäckerei Müller GmbH" and values["number"] == "K-0"
    assert values["visit_cadence_days"] == 30 and values["phone"] is None
    assert by_id["gone"] == [9, "gone", True, {"*": STAMP, "_deleted": STAMP}]

    cfg = alembic_config(str(engine.url))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0008")
    with engine.connect() as conn:
        back: dict[str, str] = dict(conn.execute(sa.text("SELECT id, payload FROM record")).all())
    assert {k: orjson.loads(v) for k, v in back.items()} == {
        k: orjson.loads(v) for k, v in old_payloads.items()
    }
    engine.dispose()
