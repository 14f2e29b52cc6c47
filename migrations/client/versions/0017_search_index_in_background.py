"""The search index over everything typed is built in the background and caught up lazily.

A watermark per index (``search_progress``) and a queue of changed rows
(``search_dirty``) replace the triggers that folded and indexed every change as it was
written (``fieldcrm.store.textindex``). An existing profile keeps its index as it is:
built over every row (the watermark at ``BUILT``), nothing waiting.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from fieldcrm.store.textindex import (
    BUILT,
    TEXT_INDEXES,
    direct_trigger_sql,
    drop_triggers_sql,
    queue_trigger_sql,
)

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "search_progress",
        sa.Column("name", sa.String(40), primary_key=True),
        sa.Column("upto", sa.BigInteger(), nullable=False),
    )
    op.create_table(
        "search_dirty",
        sa.Column("name", sa.String(40), primary_key=True),
        sa.Column("row", sa.BigInteger(), primary_key=True),
        sa.Column("indexed", sa.Boolean(), nullable=False),
        sa.Column("old", sa.Text(), nullable=True),
    )
    for index in TEXT_INDEXES:
        op.execute(f"INSERT INTO search_progress (name, upto) VALUES ('{index.table}', {BUILT})")
        # This revision's triggers (0018 replaces them), not today's.
        triggers = queue_trigger_sql(index, below_watermark=True)
        for statement in (*drop_triggers_sql(index), *triggers):
            op.execute(statement)


def downgrade() -> None:
    # The queue is caught up first, so the index is whole before the old triggers return.
    from fieldcrm.store.textindex import catch_up_sql, slice_sql

    conn = op.get_bind()
    for index in TEXT_INDEXES:
        for statement in catch_up_sql(index):
            op.execute(statement)
        upto = conn.exec_driver_sql(
            f"SELECT upto FROM search_progress WHERE name = '{index.table}'"
        ).scalar()
        if upto is not None and upto < BUILT:
            conn.execute(sa.text(slice_sql(index)), {"after": upto, "upto": BUILT})
        for statement in (*drop_triggers_sql(index), *direct_trigger_sql(index)):
            op.execute(statement)
    op.drop_table("search_dirty")
    op.drop_table("search_progress")
