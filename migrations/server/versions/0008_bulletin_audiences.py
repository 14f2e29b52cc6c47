"""Who a bulletin is addressed to: the members (territories or users) of each audience.

A bulletin is filed under the scope of its audience: the area (the whole area), one
territory, one rep (the rep's user id), or for any other choice an audience scope whose
members are listed here. A rep reads the audiences that name their territory or them; a
manager those of their area.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "audience",
        sa.Column("scope", sa.String(36), nullable=False),
        sa.Column("member_id", sa.String(36), nullable=False),
        sa.Column("area_id", sa.String(36), nullable=False),
        sa.PrimaryKeyConstraint("scope", "member_id"),
    )
    op.create_index("ix_audience_member", "audience", ["member_id"])
    op.create_index("ix_audience_area", "audience", ["area_id"])


def downgrade() -> None:
    op.drop_index("ix_audience_area", table_name="audience")
    op.drop_index("ix_audience_member", table_name="audience")
    op.drop_table("audience")
