"""Each replicated row keeps the server's version of the state it came from (``server_seq``).

Verification compares digests of these versions with the server's (see
``fieldcrm.protocol.digest``). Rows stored before have no version yet, so a profile that
has synced asks for one full resync, which fills them in.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ENTITIES = (
    "territory",
    "user",
    "customer",
    "contact",
    "visit",
    "note",
    "followup",
    "comment",
    "relationship",
    "connection",
    "handover",
)


def upgrade() -> None:
    # Plain ALTER TABLE (no batch copy): re-creating the tables is slow on a big store.
    for entity in ENTITIES:
        op.add_column(entity, sa.Column("server_seq", sa.Integer(), nullable=True))
        op.create_index(f"ix_{entity}_server_seq", entity, ["server_seq"])
    op.execute(
        "INSERT OR REPLACE INTO meta (key, value) "
        "SELECT 'sync_full_resync', '1' WHERE EXISTS "
        "(SELECT 1 FROM meta WHERE key = 'sync_cursor' AND value IS NOT NULL)"
    )


def downgrade() -> None:
    for entity in ENTITIES:
        op.drop_index(f"ix_{entity}_server_seq", table_name=entity)
        # Plain ALTER TABLE: a batch copy cannot re-create the visit's generated column.
        op.execute(f'ALTER TABLE "{entity}" DROP COLUMN server_seq')
