"""Documents of bulletins and of an area's shelf: an attachment names a bulletin or an area
(with the document's title and version) instead of a customer.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain ALTER TABLE: no batch copy of the attachment table.
    op.add_column("attachment", sa.Column("bulletin_id", sa.String(length=36), nullable=True))
    op.add_column("attachment", sa.Column("area_id", sa.String(length=36), nullable=True))
    op.add_column("attachment", sa.Column("title", sa.String(length=200), nullable=True))
    op.add_column("attachment", sa.Column("version", sa.Integer(), nullable=True))
    op.create_index("ix_attachment_bulletin_id", "attachment", ["bulletin_id"])
    op.create_index("ix_attachment_area_id", "attachment", ["area_id"])


def downgrade() -> None:
    op.drop_index("ix_attachment_area_id", table_name="attachment")
    op.drop_index("ix_attachment_bulletin_id", table_name="attachment")
    for column in ("version", "title", "area_id", "bulletin_id"):
        op.execute(f"ALTER TABLE attachment DROP COLUMN {column}")
