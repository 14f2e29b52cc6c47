"""Connections between people: relationships, who knows whom, handovers, stay-in-touch cadence.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-28
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "connection",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("customer_id", sa.String(length=36), nullable=True),
        sa.Column("contact_id", sa.String(length=36), nullable=True),
        sa.Column("user_id", sa.String(length=36), nullable=True),
        sa.Column("strength", sa.Integer(), nullable=True),
        sa.Column("since", sa.String(length=10), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("stamps", sa.Text(), nullable=False),
        sa.Column("deleted", sa.Boolean(), server_default=sa.text("0"), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("connection", schema=None) as batch_op:
        batch_op.create_index("ix_connection_contact_id", ["contact_id"], unique=False)
        batch_op.create_index("ix_connection_customer_id", ["customer_id"], unique=False)

    op.create_table(
        "handover",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("customer_id", sa.String(length=36), nullable=True),
        sa.Column("from_user_id", sa.String(length=36), nullable=True),
        sa.Column("to_user_id", sa.String(length=36), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("read_at", sa.String(length=20), nullable=True),
        sa.Column("stamps", sa.Text(), nullable=False),
        sa.Column("deleted", sa.Boolean(), server_default=sa.text("0"), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("handover", schema=None) as batch_op:
        batch_op.create_index("ix_handover_customer_id", ["customer_id"], unique=False)
        batch_op.create_index("ix_handover_to_user_id", ["to_user_id"], unique=False)

    op.create_table(
        "relationship",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("customer_id", sa.String(length=36), nullable=True),
        sa.Column("from_contact_id", sa.String(length=36), nullable=True),
        sa.Column("to_contact_id", sa.String(length=36), nullable=True),
        sa.Column("kind", sa.String(), nullable=True),
        sa.Column("label", sa.String(length=80), nullable=True),
        sa.Column("reverse_label", sa.String(length=80), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("stamps", sa.Text(), nullable=False),
        sa.Column("deleted", sa.Boolean(), server_default=sa.text("0"), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("relationship", schema=None) as batch_op:
        batch_op.create_index("ix_relationship_customer_id", ["customer_id"], unique=False)
        batch_op.create_index("ix_relationship_from_contact_id", ["from_contact_id"], unique=False)
        batch_op.create_index("ix_relationship_to_contact_id", ["to_contact_id"], unique=False)

    # A plain ALTER TABLE: re-creating the contact table would drop its search triggers.
    op.add_column("contact", sa.Column("touch_cadence_days", sa.Integer(), nullable=True))


def downgrade() -> None:
    # Not in batch mode: re-creating the contact table would drop its search triggers.
    op.execute("ALTER TABLE contact DROP COLUMN touch_cadence_days")

    with op.batch_alter_table("relationship", schema=None) as batch_op:
        batch_op.drop_index("ix_relationship_to_contact_id")
        batch_op.drop_index("ix_relationship_from_contact_id")
        batch_op.drop_index("ix_relationship_customer_id")

    op.drop_table("relationship")
    with op.batch_alter_table("handover", schema=None) as batch_op:
        batch_op.drop_index("ix_handover_to_user_id")
        batch_op.drop_index("ix_handover_customer_id")

    op.drop_table("handover")
    with op.batch_alter_table("connection", schema=None) as batch_op:
        batch_op.drop_index("ix_connection_customer_id")
        batch_op.drop_index("ix_connection_contact_id")

    op.drop_table("connection")
