"""Manager reports: the day a visit counts for (a virtual column), indexes that cover them.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-28
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain ALTER TABLE (no batch copy): re-creating the visit table is slow on a big store.
    op.add_column(
        "visit",
        sa.Column(
            "visit_day",
            sa.String(length=10),
            sa.Computed("substr(coalesce(check_in_at, planned_start), 1, 10)", persisted=False),
            nullable=True,
        ),
    )
    op.create_index(
        "ix_customer_cadence",
        "customer",
        [
            "territory_id",
            "owner_id",
            "status",
            "visit_cadence_days",
            "id",
            "number",
            "name",
            "city",
        ],
        unique=False,
        sqlite_where=sa.text("deleted = 0 AND visit_cadence_days IS NOT NULL"),
    )
    op.create_index(
        "ix_visit_customer_done",
        "visit",
        ["customer_id", "visit_day"],
        unique=False,
        sqlite_where=sa.text("deleted = 0 AND status = 'done'"),
    )
    op.create_index(
        "ix_visit_report",
        "visit",
        ["visit_day", "status", "rep_id", "outcome", "customer_id", "check_in_at", "check_out_at"],
        unique=False,
        sqlite_where=sa.text("deleted = 0"),
    )


def downgrade() -> None:
    op.drop_index("ix_visit_report", table_name="visit")
    op.drop_index("ix_visit_customer_done", table_name="visit")
    op.drop_index("ix_customer_cadence", table_name="customer")
    op.execute("ALTER TABLE visit DROP COLUMN visit_day")
