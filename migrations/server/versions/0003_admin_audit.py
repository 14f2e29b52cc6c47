"""Audit log, login throttling per user and per address, refresh-token lineage.

``login_throttle`` is keyed by a subject (``user:<name>`` or ``address:<ip>``) instead of
the user name alone; its rows are only a short-lived throttle state, so the old table is
replaced rather than converted. ``refresh_token.parent_hash`` names the token whose use
issued it, so two tokens issued from one parent that are both used reveal a stolen
session. ``audit_log`` keeps every administrative change, failed login, lockout, revoked
session and detected token reuse.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BigInt = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.drop_table("login_throttle")
    op.create_table(
        "login_throttle",
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("blocked_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_failure_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("subject"),
    )
    op.create_table(
        "audit_log",
        sa.Column("id", BigInt, autoincrement=True, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=128), nullable=False),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("target", sa.String(length=200), nullable=True),
        sa.Column("address", sa.String(length=64), nullable=True),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("audit_log") as batch_op:
        batch_op.create_index("ix_audit_log_at", ["at"])
    with op.batch_alter_table("refresh_token") as batch_op:
        batch_op.add_column(sa.Column("parent_hash", sa.String(length=64), nullable=True))
        batch_op.create_index("ix_refresh_parent", ["parent_hash"])


def downgrade() -> None:
    with op.batch_alter_table("refresh_token") as batch_op:
        batch_op.drop_index("ix_refresh_parent")
        batch_op.drop_column("parent_hash")
    with op.batch_alter_table("audit_log") as batch_op:
        batch_op.drop_index("ix_audit_log_at")
    op.drop_table("audit_log")
    op.drop_table("login_throttle")
    op.create_table(
        "login_throttle",
        sa.Column("username", sa.String(length=128), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("blocked_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_failure_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("username"),
    )
