"""The search index's triggers note every change, also of rows the builder has not reached.

The catch-up indexes new and changed rows at once, so what the rep types while the
search index is still being built is found right away; the builder skips the rows the
index holds already (``fieldcrm.store.textindex.queue_trigger_sql``). Revision 0017's
triggers noted only rows below the builder's watermark.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-03
"""

from collections.abc import Sequence

from alembic import op

from fieldcrm.store.textindex import TEXT_INDEXES, drop_triggers_sql, queue_trigger_sql

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    for index in TEXT_INDEXES:
        for statement in (*drop_triggers_sql(index), *queue_trigger_sql(index)):
            op.execute(statement)


def downgrade() -> None:
    # The queue is caught up first, so nothing noted is lost on the way back. Rows the
    # catch-up indexed above a watermark would be indexed again by 0017's builder, so
    # the way back builds the whole index first.
    import sqlalchemy as sa

    from fieldcrm.store.textindex import BUILT, catch_up_sql, slice_sql

    conn = op.get_bind()
    for index in TEXT_INDEXES:
        for statement in catch_up_sql(index):
            op.execute(statement)
        upto = conn.exec_driver_sql(
            f"SELECT upto FROM search_progress WHERE name = '{index.table}'"
        ).scalar()
        if upto is not None and upto < BUILT:
            conn.execute(sa.text(slice_sql(index)), {"after": upto, "upto": BUILT})
            conn.exec_driver_sql(
                f"UPDATE search_progress SET upto = {BUILT} WHERE name = '{index.table}'"
            )
        triggers = queue_trigger_sql(index, below_watermark=True)
        for statement in (*drop_triggers_sql(index), *triggers):
            op.execute(statement)
