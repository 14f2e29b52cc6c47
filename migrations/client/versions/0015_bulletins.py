"""The area manager's channel to the field: bulletins, their read receipts, and questions
and answers under a bulletin (comments that name a bulletin instead of a visit).

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _row_columns() -> list[sa.Column[object]]:
    return [
        sa.Column("stamps", sa.Text(), nullable=False),
        sa.Column("deleted", sa.Boolean(), server_default=sa.text("0"), nullable=False),
        sa.Column("server_seq", sa.Integer(), nullable=True),
    ]


def upgrade() -> None:
    op.create_table(
        "bulletin",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("area_id", sa.String(length=36), nullable=True),
        sa.Column("author_id", sa.String(length=36), nullable=True),
        sa.Column("title", sa.String(length=200), nullable=True),
        sa.Column("body", sa.Text(), nullable=True),
        sa.Column("territory_ids", sa.JSON(), nullable=True),
        sa.Column("rep_ids", sa.JSON(), nullable=True),
        sa.Column("confirm_by", sa.String(length=10), nullable=True),
        sa.Column("posted_at", sa.String(length=20), nullable=True),
        *_row_columns(),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_bulletin_server_seq", "bulletin", ["server_seq"])
    op.create_index("ix_bulletin_area_id", "bulletin", ["area_id"])
    op.create_table(
        "bulletin_receipt",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("bulletin_id", sa.String(length=36), nullable=True),
        sa.Column("user_id", sa.String(length=36), nullable=True),
        sa.Column("read_at", sa.String(length=20), nullable=True),
        sa.Column("confirmed_at", sa.String(length=20), nullable=True),
        *_row_columns(),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_bulletin_receipt_server_seq", "bulletin_receipt", ["server_seq"])
    op.create_index("ix_bulletin_receipt_bulletin_id", "bulletin_receipt", ["bulletin_id"])
    op.create_index("ix_bulletin_receipt_user_id", "bulletin_receipt", ["user_id"])
    # Plain ALTER TABLE: no batch copy of the comment table.
    op.add_column("comment", sa.Column("bulletin_id", sa.String(length=36), nullable=True))
    op.create_index("ix_comment_bulletin_id", "comment", ["bulletin_id"])


def downgrade() -> None:
    op.drop_index("ix_comment_bulletin_id", table_name="comment")
    op.execute("ALTER TABLE comment DROP COLUMN bulletin_id")
    op.drop_table("bulletin_receipt")
    op.drop_table("bulletin")
