"""Everything typed is findable and lists sort the way people read.

Search indexes over customers, contacts, notes, visits and follow-ups (folded text,
trigrams for names and numbers, words for long texts; see ``fieldcrm.store.textindex``),
filled from the existing rows; the customer's German sort key as generated columns with
an index, so the customer list walks it in order.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03
"""

from collections.abc import Sequence

from alembic import op

from fieldcrm.domain.textfold import fold_sql_first, fold_sql_second
from fieldcrm.store.textindex import (
    TEXT_INDEXES,
    direct_trigger_sql,
    drop_sql,
    refill_sql,
    table_sql,
)

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain ALTER TABLE (a batch copy of the table would drop its search triggers). The
    # key is split over two virtual columns: SQLite parses only so many nested calls.
    op.execute(
        "ALTER TABLE customer ADD COLUMN name_fold TEXT "
        f"GENERATED ALWAYS AS ({fold_sql_first('name')}) VIRTUAL"
    )
    op.execute(
        "ALTER TABLE customer ADD COLUMN sort_name TEXT "
        f"GENERATED ALWAYS AS ({fold_sql_second('name_fold')}) VIRTUAL"
    )
    op.execute("CREATE INDEX ix_customer_sort_name ON customer (sort_name, id)")
    for index in TEXT_INDEXES:
        # The triggers of this revision (0017 replaces them), not today's.
        for statement in (table_sql(index), *direct_trigger_sql(index), *refill_sql(index)):
            op.execute(statement)


def downgrade() -> None:
    for index in TEXT_INDEXES:
        for statement in drop_sql(index):
            op.execute(statement)
    op.execute("DROP INDEX IF EXISTS ix_customer_sort_name")
    op.execute("ALTER TABLE customer DROP COLUMN sort_name")
    op.execute("ALTER TABLE customer DROP COLUMN name_fold")
