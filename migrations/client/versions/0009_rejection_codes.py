"""A rejected change keeps why as a code with parameters (and each field's problem), so the
desktop says it in the user's language without reading the English.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("rejected_change", sa.Column("code", sa.String(40), nullable=True))
    op.add_column(
        "rejected_change", sa.Column("params", sa.Text(), nullable=False, server_default="{}")
    )
    op.add_column(
        "rejected_change", sa.Column("problems", sa.Text(), nullable=False, server_default="[]")
    )


def downgrade() -> None:
    for name in ("problems", "params", "code"):
        op.execute(f"ALTER TABLE rejected_change DROP COLUMN {name}")
