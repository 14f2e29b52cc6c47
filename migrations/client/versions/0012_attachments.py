"""Attachments: the replicated ``attachment`` record and the laptop's own ``attachment_file``
(whether a file's content is here, whether the server has it, the upload in progress).

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "attachment",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("customer_id", sa.String(length=36), nullable=True),
        sa.Column("visit_id", sa.String(length=36), nullable=True),
        sa.Column("note_id", sa.String(length=36), nullable=True),
        sa.Column("followup_id", sa.String(length=36), nullable=True),
        sa.Column("author_id", sa.String(length=36), nullable=True),
        sa.Column("name", sa.String(length=255), nullable=True),
        sa.Column("media_type", sa.String(length=127), nullable=True),
        sa.Column("size", sa.Integer(), nullable=True),
        sa.Column("sha256", sa.String(length=64), nullable=True),
        sa.Column("thumbnail", sa.Text(), nullable=True),
        sa.Column("uploaded_at", sa.String(length=20), nullable=True),
        sa.Column("stamps", sa.Text(), nullable=False),
        sa.Column("deleted", sa.Boolean(), server_default=sa.text("0"), nullable=False),
        sa.Column("server_seq", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    for columns in (("server_seq",), ("customer_id",), ("visit_id",), ("note_id",), ("sha256",)):
        op.create_index(f"ix_attachment_{'_'.join(columns)}", "attachment", list(columns))
    op.create_table(
        "attachment_file",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("present", sa.Boolean(), server_default=sa.text("0"), nullable=False),
        sa.Column("uploaded", sa.Boolean(), server_default=sa.text("0"), nullable=False),
        sa.Column("upload_id", sa.String(length=64), nullable=True),
        sa.Column("last_used_at", sa.String(length=24), nullable=True),
        sa.PrimaryKeyConstraint("sha256"),
    )


def downgrade() -> None:
    op.drop_table("attachment_file")
    op.drop_table("attachment")
