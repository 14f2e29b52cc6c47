"""Feedback on visit reports: comments and acknowledgements, and which ones were read.

Revision ID: 0005
Revises: 0002
Create Date: 2026-11-28
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "comment",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("visit_id", sa.String(length=36), nullable=True),
        sa.Column("customer_id", sa.String(length=36), nullable=True),
        sa.Column("author_id", sa.String(length=36), nullable=True),
        sa.Column("kind", sa.String(), nullable=True),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("stamps", sa.Text(), nullable=False),
        sa.Column("deleted", sa.Boolean(), server_default=sa.text("0"), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("comment", schema=None) as batch_op:
        batch_op.create_index("ix_comment_customer_id", ["customer_id"], unique=False)
        batch_op.create_index("ix_comment_visit_id", ["visit_id"], unique=False)

    op.create_table(
        "comment_read",
        sa.Column("comment_id", sa.String(length=36), nullable=False),
        sa.Column("read_at", sa.String(length=20), nullable=False),
        sa.PrimaryKeyConstraint("comment_id"),
    )


def downgrade() -> None:
    op.drop_table("comment_read")
    with op.batch_alter_table("comment", schema=None) as batch_op:
        batch_op.drop_index("ix_comment_visit_id")
        batch_op.drop_index("ix_comment_customer_id")

    op.drop_table("comment")
