"""The customer's German sort key is written with the name instead of computed by SQLite.

Generated columns are computed on every insert and update, whether read or not: about
half the cost of loading a customer in a first sync. ``sort_name`` becomes a plain column
that the service and the sync fill in Python (``fieldcrm.domain.textfold.fold``, the same
folding), with triggers for any other writer; existing rows are filled here.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-03
"""

from collections.abc import Sequence

from alembic import op

from fieldcrm.domain.textfold import fold_sql_first, fold_sql_second, fold_subquery

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: The triggers of this revision (frozen here; ``tables.SORT_NAME_TRIGGERS`` today).
TRIGGERS = (
    "CREATE TRIGGER customer_sort_name_ai AFTER INSERT ON customer "
    "WHEN new.sort_name IS NULL BEGIN "
    f"UPDATE customer SET sort_name = {fold_subquery('new.name')} WHERE rowid = new.rowid; "
    "END",
    "CREATE TRIGGER customer_sort_name_au AFTER UPDATE OF name ON customer "
    "WHEN new.name IS NOT old.name AND new.sort_name IS old.sort_name BEGIN "
    f"UPDATE customer SET sort_name = {fold_subquery('new.name')} WHERE rowid = new.rowid; "
    "END",
)


def upgrade() -> None:
    # Plain ALTER TABLE (a batch copy of the table would drop its search triggers).
    op.execute("DROP INDEX IF EXISTS ix_customer_sort_name")
    op.execute("ALTER TABLE customer DROP COLUMN sort_name")
    op.execute("ALTER TABLE customer DROP COLUMN name_fold")
    op.execute("ALTER TABLE customer ADD COLUMN sort_name TEXT")
    op.execute(f"UPDATE customer SET sort_name = {fold_subquery('name')}")
    op.execute("CREATE INDEX ix_customer_sort_name ON customer (sort_name, id)")
    for statement in TRIGGERS:
        op.execute(statement)


def downgrade() -> None:
    op.execute("DROP TRIGGER IF EXISTS customer_sort_name_au")
    op.execute("DROP TRIGGER IF EXISTS customer_sort_name_ai")
    op.execute("DROP INDEX IF EXISTS ix_customer_sort_name")
    op.execute("ALTER TABLE customer DROP COLUMN sort_name")
    op.execute(
        "ALTER TABLE customer ADD COLUMN name_fold TEXT "
        f"GENERATED ALWAYS AS ({fold_sql_first('name')}) VIRTUAL"
    )
    op.execute(
        "ALTER TABLE customer ADD COLUMN sort_name TEXT "
        f"GENERATED ALWAYS AS ({fold_sql_second('name_fold')}) VIRTUAL"
    )
    op.execute("CREATE INDEX ix_customer_sort_name ON customer (sort_name, id)")
