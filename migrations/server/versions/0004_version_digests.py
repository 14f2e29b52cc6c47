"""Digests of row versions per scope and entity; a digest of every acknowledged operation.

``live_count`` gains the power sums of the live rows' sequence numbers (see
``fieldcrm.protocol.digest``), filled from ``record``. ``applied_op`` gains the SHA-256 of
the entry it acknowledged, so a known operation number with other content is told apart
from a replay (operations stored before this revision have none and count as replays).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from fieldcrm.protocol.digest import digest_sql

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BigInt = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    with op.batch_alter_table("live_count") as batch_op:
        for name in ("seq_sum", "sq_sum", "cube_sum"):
            batch_op.add_column(sa.Column(name, BigInt, nullable=False, server_default="0"))
    with op.batch_alter_table("applied_op") as batch_op:
        batch_op.add_column(sa.Column("digest", sa.String(64), nullable=True))
    op.execute("DELETE FROM live_count")
    op.execute(
        "INSERT INTO live_count (scope, entity, n, seq_sum, sq_sum, cube_sum) "
        f"SELECT scope, entity, {digest_sql('seq')} FROM record "
        "WHERE NOT deleted GROUP BY scope, entity"
    )


def downgrade() -> None:
    with op.batch_alter_table("applied_op") as batch_op:
        batch_op.drop_column("digest")
    with op.batch_alter_table("live_count") as batch_op:
        for name in ("seq_sum", "sq_sum", "cube_sum"):
            batch_op.drop_column(name)
