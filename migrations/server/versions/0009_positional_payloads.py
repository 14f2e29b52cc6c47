"""Stored rows in the positional form of protocol 5.

``record.payload`` holds each row as a pull sends it. Protocol 5 sends rows positionally
(``fieldcrm.protocol.positional``): ``[id, deleted, stamps, value of each field ...]``
in the order of the entity's fields, instead of a ``RowState`` object. Every stored
payload is rendered again from the row's values and stamps (``data``, ``stamps``), in
batches, so a large database is not read into memory at once. Going back renders the
``RowState`` objects of protocol 4.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03
"""

from collections.abc import Callable, Sequence
from typing import Any

import orjson
import sqlalchemy as sa
from alembic import op

from fieldcrm.domain.entities import ENTITIES
from fieldcrm.protocol.stamps import compact_stamps

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 5000


def _positional(entity: str, row_id: str, data: Any, stamps: Any, deleted: bool) -> str:
    names = ENTITIES[entity].field_names
    compact = compact_stamps(stamps, names)
    if deleted:
        return orjson.dumps([row_id, True, compact]).decode()
    return orjson.dumps([row_id, False, compact, *map(data.get, names)]).decode()


def _row_state(entity: str, row_id: str, data: Any, stamps: Any, deleted: bool) -> str:
    spec = ENTITIES.get(entity)
    return orjson.dumps(
        {
            "entity": entity,
            "id": row_id,
            "fields": {} if deleted else data,
            "stamps": stamps if spec is None else compact_stamps(stamps, spec.field_names),
            "deleted": deleted,
        }
    ).decode()


def _render(render: Callable[[str, str, Any, Any, bool], str]) -> None:
    conn = op.get_bind()
    record = sa.table(
        "record",
        sa.column("seq", sa.BigInteger),
        sa.column("entity", sa.String),
        sa.column("id", sa.String),
        sa.column("data", sa.Text),
        sa.column("stamps", sa.Text),
        sa.column("deleted", sa.Boolean),
        sa.column("payload", sa.Text),
    )
    update = (
        record.update()
        .where(record.c.entity == sa.bindparam("k_entity"), record.c.id == sa.bindparam("k_id"))
        .values(payload=sa.bindparam("new_payload"))
    )
    after = -(2**63)
    while True:
        rows = conn.execute(
            sa.select(
                record.c.seq,
                record.c.entity,
                record.c.id,
                record.c.data,
                record.c.stamps,
                record.c.deleted,
            )
            .where(record.c.seq > after)
            .order_by(record.c.seq)
            .limit(BATCH)
        ).all()
        if not rows:
            return
        params = [
            {
                "k_entity": row.entity,
                "k_id": row.id,
                "new_payload": render(
                    row.entity,
                    row.id,
                    orjson.loads(row.data),
                    orjson.loads(row.stamps),
                    bool(row.deleted),
                ),
            }
            for row in rows
            if row.entity in ENTITIES
        ]
        if params:
            conn.execute(update, params)
        after = rows[-1].seq


def upgrade() -> None:
    _render(_positional)


def downgrade() -> None:
    _render(_row_state)
