"""Remote wipe: when a wipe of a device was asked for (and whether at once, without its
pending changes), by whom, and when the device confirmed it.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("device") as batch_op:
        batch_op.add_column(
            sa.Column("wipe_requested_at", sa.DateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(
            sa.Column("wipe_now", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(sa.Column("wipe_requested_by", sa.String(128), nullable=True))
        batch_op.add_column(
            sa.Column("wipe_confirmed_at", sa.DateTime(timezone=True), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("device") as batch_op:
        for name in ("wipe_confirmed_at", "wipe_requested_by", "wipe_now", "wipe_requested_at"):
            batch_op.drop_column(name)
