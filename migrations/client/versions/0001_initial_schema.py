"""Initial schema: replicated entities, outbox, conflicts, rejected changes, full-text search.

Revision ID: 0001
Revises:
Create Date: 2026-11-28
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# External-content FTS5 indexes, kept in step by triggers; tombstoned rows leave the index.
_FTS_SQL = [
    """CREATE VIRTUAL TABLE customer_fts USING fts5(
        name, number, city, postal_code,
        content='customer', content_rowid='rowid',
        tokenize='unicode61 remove_diacritics 2', prefix='1 2 3')""",
    """CREATE TRIGGER customer_fts_ai AFTER INSERT ON customer WHEN new.deleted = 0 BEGIN
        INSERT INTO customer_fts(rowid, name, number, city, postal_code)
        VALUES (new.rowid, new.name, new.number, new.city, new.postal_code);
    END""",
    """CREATE TRIGGER customer_fts_ad AFTER DELETE ON customer WHEN old.deleted = 0 BEGIN
        INSERT INTO customer_fts(customer_fts, rowid, name, number, city, postal_code)
        VALUES ('delete', old.rowid, old.name, old.number, old.city, old.postal_code);
    END""",
    """CREATE TRIGGER customer_fts_au AFTER UPDATE OF name, number, city, postal_code, deleted
    ON customer BEGIN
        INSERT INTO customer_fts(customer_fts, rowid, name, number, city, postal_code)
        SELECT 'delete', old.rowid, old.name, old.number, old.city, old.postal_code
        WHERE old.deleted = 0;
        INSERT INTO customer_fts(rowid, name, number, city, postal_code)
        SELECT new.rowid, new.name, new.number, new.city, new.postal_code
        WHERE new.deleted = 0;
    END""",
    """CREATE VIRTUAL TABLE contact_fts USING fts5(
        first_name, last_name, email,
        content='contact', content_rowid='rowid',
        tokenize='unicode61 remove_diacritics 2', prefix='1 2 3')""",
    """CREATE TRIGGER contact_fts_ai AFTER INSERT ON contact WHEN new.deleted = 0 BEGIN
        INSERT INTO contact_fts(rowid, first_name, last_name, email)
        VALUES (new.rowid, new.first_name, new.last_name, new.email);
    END""",
    """CREATE TRIGGER contact_fts_ad AFTER DELETE ON contact WHEN old.deleted = 0 BEGIN
        INSERT INTO contact_fts(contact_fts, rowid, first_name, last_name, email)
        VALUES ('delete', old.rowid, old.first_name, old.last_name, old.email);
    END""",
    """CREATE TRIGGER contact_fts_au AFTER UPDATE OF first_name, last_name, email, deleted
    ON contact BEGIN
        INSERT INTO contact_fts(contact_fts, rowid, first_name, last_name, email)
        SELECT 'delete', old.rowid, old.first_name, old.last_name, old.email
        WHERE old.deleted = 0;
        INSERT INTO contact_fts(rowid, first_name, last_name, email)
        SELECT new.rowid, new.first_name, new.last_name, new.email
        WHERE new.deleted = 0;
    END""",
]


def upgrade() -> None:
    op.create_table(
        "conflict",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("entity", sa.String(length=32), nullable=False),
        sa.Column("row_id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("field", sa.String(length=64), nullable=True),
        sa.Column("winning_value", sa.JSON(), nullable=True),
        sa.Column("winning_stamp", sa.String(length=80), nullable=True),
        sa.Column("losing_value", sa.JSON(), nullable=True),
        sa.Column("losing_stamp", sa.String(length=80), nullable=True),
        sa.Column("winning_user", sa.String(length=120), nullable=True),
        sa.Column("losing_user", sa.String(length=120), nullable=True),
        sa.Column("created_at", sa.String(length=20), nullable=False),
        sa.Column("resolved", sa.Boolean(), server_default=sa.text("0"), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("conflict", schema=None) as batch_op:
        batch_op.create_index("ix_conflict_entity_row_id", ["entity", "row_id"], unique=False)

    op.create_table(
        "contact",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("customer_id", sa.String(length=36), nullable=True),
        sa.Column("first_name", sa.String(length=100), nullable=True),
        sa.Column("last_name", sa.String(length=100), nullable=True),
        sa.Column("job_title", sa.String(length=120), nullable=True),
        sa.Column("phone", sa.String(length=40), nullable=True),
        sa.Column("mobile", sa.String(length=40), nullable=True),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("stamps", sa.Text(), nullable=False),
        sa.Column("deleted", sa.Boolean(), server_default=sa.text("0"), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("contact", schema=None) as batch_op:
        batch_op.create_index("ix_contact_customer_id", ["customer_id"], unique=False)
        batch_op.create_index("ix_contact_last_name", ["last_name"], unique=False)

    op.create_table(
        "customer",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("number", sa.String(length=32), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=True),
        sa.Column("street", sa.String(length=200), nullable=True),
        sa.Column("postal_code", sa.String(length=16), nullable=True),
        sa.Column("city", sa.String(length=120), nullable=True),
        sa.Column("country", sa.String(length=64), nullable=True),
        sa.Column("phone", sa.String(length=40), nullable=True),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("territory_id", sa.String(length=36), nullable=True),
        sa.Column("owner_id", sa.String(length=36), nullable=True),
        sa.Column("status", sa.String(), nullable=True),
        sa.Column("segment", sa.String(), nullable=True),
        sa.Column("visit_cadence_days", sa.Integer(), nullable=True),
        sa.Column("latitude", sa.Float(), nullable=True),
        sa.Column("longitude", sa.Float(), nullable=True),
        sa.Column("stamps", sa.Text(), nullable=False),
        sa.Column("deleted", sa.Boolean(), server_default=sa.text("0"), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("customer", schema=None) as batch_op:
        batch_op.create_index("ix_customer_name", ["name"], unique=False)
        batch_op.create_index("ix_customer_number", ["number"], unique=False)
        batch_op.create_index("ix_customer_owner_id", ["owner_id"], unique=False)
        batch_op.create_index("ix_customer_territory_id", ["territory_id"], unique=False)

    op.create_table(
        "followup",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("customer_id", sa.String(length=36), nullable=True),
        sa.Column("visit_id", sa.String(length=36), nullable=True),
        sa.Column("assignee_id", sa.String(length=36), nullable=True),
        sa.Column("title", sa.String(length=200), nullable=True),
        sa.Column("due_date", sa.String(length=10), nullable=True),
        sa.Column("done_at", sa.String(length=20), nullable=True),
        sa.Column("stamps", sa.Text(), nullable=False),
        sa.Column("deleted", sa.Boolean(), server_default=sa.text("0"), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("followup", schema=None) as batch_op:
        batch_op.create_index(
            "ix_followup_assignee_id_due_date", ["assignee_id", "due_date"], unique=False
        )
        batch_op.create_index("ix_followup_customer_id", ["customer_id"], unique=False)

    op.create_table(
        "meta",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("value", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("key"),
    )
    op.create_table(
        "note",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("customer_id", sa.String(length=36), nullable=True),
        sa.Column("contact_id", sa.String(length=36), nullable=True),
        sa.Column("visit_id", sa.String(length=36), nullable=True),
        sa.Column("author_id", sa.String(length=36), nullable=True),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("stamps", sa.Text(), nullable=False),
        sa.Column("deleted", sa.Boolean(), server_default=sa.text("0"), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("note", schema=None) as batch_op:
        batch_op.create_index("ix_note_contact_id", ["contact_id"], unique=False)
        batch_op.create_index("ix_note_customer_id", ["customer_id"], unique=False)
        batch_op.create_index("ix_note_visit_id", ["visit_id"], unique=False)

    op.create_table(
        "outbox",
        sa.Column("op_no", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("device_id", sa.String(length=64), nullable=False),
        sa.Column("entity", sa.String(length=32), nullable=False),
        sa.Column("row_id", sa.String(length=36), nullable=False),
        sa.Column("op", sa.String(length=8), nullable=False),
        sa.Column("fields", sa.Text(), nullable=False),
        sa.Column("stamps", sa.Text(), nullable=False),
        sa.Column("base_stamps", sa.Text(), nullable=False),
        sa.Column("created_at", sa.String(length=20), nullable=False),
        sa.PrimaryKeyConstraint("op_no"),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.create_index("ix_outbox_entity_row_id", ["entity", "row_id"], unique=False)

    op.create_table(
        "rejected_change",
        sa.Column("op_no", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("device_id", sa.String(length=64), nullable=False),
        sa.Column("entity", sa.String(length=32), nullable=False),
        sa.Column("row_id", sa.String(length=36), nullable=False),
        sa.Column("op", sa.String(length=8), nullable=False),
        sa.Column("fields", sa.Text(), nullable=False),
        sa.Column("stamps", sa.Text(), nullable=False),
        sa.Column("base_stamps", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("field", sa.String(length=64), nullable=True),
        sa.Column("rejected_at", sa.String(length=20), nullable=False),
        sa.PrimaryKeyConstraint("op_no"),
    )
    op.create_table(
        "territory",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=True),
        sa.Column("parent_id", sa.String(length=36), nullable=True),
        sa.Column("stamps", sa.Text(), nullable=False),
        sa.Column("deleted", sa.Boolean(), server_default=sa.text("0"), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("territory", schema=None) as batch_op:
        batch_op.create_index("ix_territory_parent_id", ["parent_id"], unique=False)

    op.create_table(
        "user",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=True),
        sa.Column("display_name", sa.String(length=120), nullable=True),
        sa.Column("role", sa.String(), nullable=True),
        sa.Column("territory_id", sa.String(length=36), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=True),
        sa.Column("stamps", sa.Text(), nullable=False),
        sa.Column("deleted", sa.Boolean(), server_default=sa.text("0"), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.create_index("ix_user_territory_id", ["territory_id"], unique=False)

    op.create_table(
        "visit",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("customer_id", sa.String(length=36), nullable=True),
        sa.Column("rep_id", sa.String(length=36), nullable=True),
        sa.Column("status", sa.String(), nullable=True),
        sa.Column("planned_start", sa.String(length=20), nullable=True),
        sa.Column("planned_end", sa.String(length=20), nullable=True),
        sa.Column("check_in_at", sa.String(length=20), nullable=True),
        sa.Column("check_out_at", sa.String(length=20), nullable=True),
        sa.Column("channel", sa.String(), nullable=True),
        sa.Column("purpose", sa.String(length=500), nullable=True),
        sa.Column("outcome", sa.String(), nullable=True),
        sa.Column("report", sa.Text(), nullable=True),
        sa.Column("next_steps", sa.Text(), nullable=True),
        sa.Column("attendee_ids", sa.JSON(), nullable=True),
        sa.Column("stamps", sa.Text(), nullable=False),
        sa.Column("deleted", sa.Boolean(), server_default=sa.text("0"), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("visit", schema=None) as batch_op:
        batch_op.create_index(
            "ix_visit_customer_id_planned_start", ["customer_id", "planned_start"], unique=False
        )
        batch_op.create_index("ix_visit_planned_start", ["planned_start"], unique=False)
        batch_op.create_index(
            "ix_visit_rep_id_planned_start", ["rep_id", "planned_start"], unique=False
        )

    for statement in _FTS_SQL:
        op.execute(statement)


def downgrade() -> None:
    for name in (
        "customer_fts_ai",
        "customer_fts_ad",
        "customer_fts_au",
        "contact_fts_ai",
        "contact_fts_ad",
        "contact_fts_au",
    ):
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.execute("DROP TABLE IF EXISTS customer_fts")
    op.execute("DROP TABLE IF EXISTS contact_fts")
    with op.batch_alter_table("visit", schema=None) as batch_op:
        batch_op.drop_index("ix_visit_rep_id_planned_start")
        batch_op.drop_index("ix_visit_planned_start")
        batch_op.drop_index("ix_visit_customer_id_planned_start")

    op.drop_table("visit")
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.drop_index("ix_user_territory_id")

    op.drop_table("user")
    with op.batch_alter_table("territory", schema=None) as batch_op:
        batch_op.drop_index("ix_territory_parent_id")

    op.drop_table("territory")
    op.drop_table("rejected_change")
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_entity_row_id")

    op.drop_table("outbox")
    with op.batch_alter_table("note", schema=None) as batch_op:
        batch_op.drop_index("ix_note_visit_id")
        batch_op.drop_index("ix_note_customer_id")
        batch_op.drop_index("ix_note_contact_id")

    op.drop_table("note")
    op.drop_table("meta")
    with op.batch_alter_table("followup", schema=None) as batch_op:
        batch_op.drop_index("ix_followup_customer_id")
        batch_op.drop_index("ix_followup_assignee_id_due_date")

    op.drop_table("followup")
    with op.batch_alter_table("customer", schema=None) as batch_op:
        batch_op.drop_index("ix_customer_territory_id")
        batch_op.drop_index("ix_customer_owner_id")
        batch_op.drop_index("ix_customer_number")
        batch_op.drop_index("ix_customer_name")

    op.drop_table("customer")
    with op.batch_alter_table("contact", schema=None) as batch_op:
        batch_op.drop_index("ix_contact_last_name")
        batch_op.drop_index("ix_contact_customer_id")

    op.drop_table("contact")
    with op.batch_alter_table("conflict", schema=None) as batch_op:
        batch_op.drop_index("ix_conflict_entity_row_id")

    op.drop_table("conflict")
