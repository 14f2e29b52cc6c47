"""Planning the road: a visit may keep its time when the day's route is planned
(``visit.fixed_time``), and addresses looked up by the geocoding service are remembered
(``geocode_cache``), so an address is asked for once.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("visit", sa.Column("fixed_time", sa.Boolean(), nullable=True))
    op.create_table(
        "geocode_cache",
        sa.Column("query", sa.Text(), primary_key=True),
        sa.Column("latitude", sa.Float(), nullable=True),
        sa.Column("longitude", sa.Float(), nullable=True),
        sa.Column("looked_up_at", sa.String(32), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("geocode_cache")
    # A plain DROP COLUMN: a batch copy of ``visit`` trips over its generated column.
    op.execute("ALTER TABLE visit DROP COLUMN fixed_time")
