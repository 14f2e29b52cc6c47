"""Why a visit was cancelled; a follow-up asked of someone else, with their answer.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_FOLLOWUP_COLUMNS = ("requested_by_id", "response", "response_note", "responded_at")


def upgrade() -> None:
    # Plain ALTER TABLE: no batch copy of the tables.
    op.add_column("visit", sa.Column("cancel_reason", sa.String(length=500), nullable=True))
    op.add_column("followup", sa.Column("requested_by_id", sa.String(length=36), nullable=True))
    op.add_column("followup", sa.Column("response", sa.String(), nullable=True))
    op.add_column("followup", sa.Column("response_note", sa.Text(), nullable=True))
    op.add_column("followup", sa.Column("responded_at", sa.String(length=20), nullable=True))
    op.create_index("ix_followup_requested_by_id", "followup", ["requested_by_id"])


def downgrade() -> None:
    op.drop_index("ix_followup_requested_by_id", table_name="followup")
    for name in _FOLLOWUP_COLUMNS:
        op.execute(f"ALTER TABLE followup DROP COLUMN {name}")
    op.execute("ALTER TABLE visit DROP COLUMN cancel_reason")
