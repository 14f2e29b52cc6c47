"""A comment records when the person it was written to read it (``read_at``), so that the
read state syncs to that person's other laptops.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("comment", sa.Column("read_at", sa.String(20), nullable=True))


def downgrade() -> None:
    op.execute("ALTER TABLE comment DROP COLUMN read_at")
