"""Tables of the local store (SQLAlchemy Core). The client migrations create them.

Every replicated table has the entity's fields as columns plus ``stamps`` (one clock
stamp per field, as JSON) and ``deleted`` (a tombstone). References between replicated
rows carry no foreign-key constraint: pulled pages arrive in server order, so a visit
may land before its customer; the service layer checks references on local writes.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from fieldcrm.domain.entities import ENTITIES, EntitySpec, FieldSpec
from fieldcrm.domain.textfold import fold_subquery

metadata = sa.MetaData()

_KIND_TYPES: dict[str, sa.types.TypeEngine[Any]] = {
    "str": sa.String(),
    "email": sa.String(),
    "enum": sa.String(),
    "ref": sa.String(36),
    "date": sa.String(10),
    "datetime": sa.String(20),
    "text": sa.Text(),
    "int": sa.Integer(),
    "float": sa.Float(),
    "bool": sa.Boolean(),
    "ref_list": sa.JSON(),
}


def _column(spec: FieldSpec) -> sa.Column[Any]:
    type_: sa.types.TypeEngine[Any] = _KIND_TYPES[spec.kind]
    if spec.kind in ("str", "email") and spec.max_length:
        type_ = sa.String(spec.max_length)
    return sa.Column(spec.name, type_, nullable=True)


def _entity_table(spec: EntitySpec, *indexes: tuple[str, ...]) -> sa.Table:
    table = sa.Table(
        spec.name,
        metadata,
        sa.Column("id", sa.String(36), primary_key=True),
        *(_column(f) for f in spec.fields),
        sa.Column("stamps", sa.Text(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False, server_default=sa.false()),
        # The server's version (seq) of the state this row came from; None for a row the
        # server has not sent (created here) or holds as a tombstone. See replica.
        sa.Column("server_seq", sa.Integer(), nullable=True),
    )
    sa.Index(f"ix_{spec.name}_server_seq", table.c.server_seq)
    for columns in indexes:
        sa.Index(f"ix_{spec.name}_{'_'.join(columns)}", *(table.c[c] for c in columns))
    return table


territory = _entity_table(ENTITIES["territory"], ("parent_id",))
user = _entity_table(ENTITIES["user"], ("territory_id",))
#: No index on the plain name: the list and reports sort by ``sort_name`` below, and no
#: query looks a customer up by its exact name (client revision 0021).
customer = _entity_table(ENTITIES["customer"], ("territory_id",), ("owner_id",), ("number",))
#: The name as German readers sort it (``fieldcrm.domain.textfold.fold``), written with
#: the name: by the service and the sync in Python, and by ``SORT_NAME_TRIGGERS`` for any
#: other writer that leaves it out or renames with SQL. (A generated column would be
#: computed by SQLite on every insert: about half the cost of loading a customer.) The
#: customer list walks ``ix_customer_sort_name`` in order.
customer.append_column(sa.Column("sort_name", sa.Text(), nullable=True))
sa.Index("ix_customer_sort_name", customer.c.sort_name, customer.c.id)
#: Columns derived from a field and written with it (not fields of the entity).
DERIVED_COLUMNS: dict[str, tuple[str, ...]] = {"customer": ("sort_name",)}
#: What keeps ``customer.sort_name`` right for a writer that does not fill it: an insert
#: without it, a rename that leaves it as it was. Writers that fill it pay only the check.
SORT_NAME_TRIGGERS = (
    "CREATE TRIGGER customer_sort_name_ai AFTER INSERT ON customer "
    "WHEN new.sort_name IS NULL BEGIN "
    f"UPDATE customer SET sort_name = {fold_subquery('new.name')} WHERE rowid = new.rowid; "
    "END",
    "CREATE TRIGGER customer_sort_name_au AFTER UPDATE OF name ON customer "
    "WHEN new.name IS NOT old.name AND new.sort_name IS old.sort_name BEGIN "
    f"UPDATE customer SET sort_name = {fold_subquery('new.name')} WHERE rowid = new.rowid; "
    "END",
)
contact = _entity_table(ENTITIES["contact"], ("customer_id",), ("last_name",))
visit = _entity_table(
    ENTITIES["visit"],
    ("customer_id", "planned_start"),
    ("rep_id", "planned_start"),
    ("planned_start",),
)
#: The day a visit counts for in reports: its check-in, or its planned start. A virtual
#: generated column, so every writer (service, sync, import) gets it right for free.
VISIT_DAY_SQL = "substr(coalesce(check_in_at, planned_start), 1, 10)"
visit.append_column(
    sa.Column("visit_day", sa.String(10), sa.Computed(VISIT_DAY_SQL, persisted=False))
)
#: What the manager reports read, so that they never touch the table rows themselves.
sa.Index(
    "ix_visit_report",
    visit.c.visit_day,
    visit.c.status,
    visit.c.rep_id,
    visit.c.outcome,
    visit.c.customer_id,
    visit.c.check_in_at,
    visit.c.check_out_at,
    sqlite_where=sa.text("deleted = 0"),
)
sa.Index(
    "ix_customer_cadence",
    customer.c.territory_id,
    customer.c.owner_id,
    customer.c.status,
    customer.c.visit_cadence_days,
    customer.c.id,
    customer.c.number,
    customer.c.name,
    customer.c.city,
    sqlite_where=sa.text("deleted = 0 AND visit_cadence_days IS NOT NULL"),
)
sa.Index(
    "ix_visit_customer_done",
    visit.c.customer_id,
    visit.c.visit_day,
    sqlite_where=sa.text("deleted = 0 AND status = 'done'"),
)
note = _entity_table(ENTITIES["note"], ("customer_id",), ("visit_id",), ("contact_id",))
followup = _entity_table(
    ENTITIES["followup"], ("customer_id",), ("assignee_id", "due_date"), ("requested_by_id",)
)

comment = _entity_table(ENTITIES["comment"], ("visit_id",), ("customer_id",), ("bulletin_id",))
relationship = _entity_table(
    ENTITIES["relationship"], ("customer_id",), ("from_contact_id",), ("to_contact_id",)
)
connection = _entity_table(ENTITIES["connection"], ("contact_id",), ("customer_id",))
handover = _entity_table(ENTITIES["handover"], ("customer_id",), ("to_user_id",))
attachment = _entity_table(
    ENTITIES["attachment"],
    ("customer_id",),
    ("visit_id",),
    ("note_id",),
    ("sha256",),
    ("bulletin_id",),
    ("area_id",),
)
bulletin = _entity_table(ENTITIES["bulletin"], ("area_id",))
bulletin_receipt = _entity_table(ENTITIES["bulletin_receipt"], ("bulletin_id",), ("user_id",))

ENTITY_TABLES: dict[str, sa.Table] = {
    "territory": territory,
    "user": user,
    "customer": customer,
    "contact": contact,
    "visit": visit,
    "note": note,
    "followup": followup,
    "comment": comment,
    "relationship": relationship,
    "connection": connection,
    "handover": handover,
    "attachment": attachment,
    "bulletin": bulletin,
    "bulletin_receipt": bulletin_receipt,
}

#: The content of attachments on this laptop, one row per SHA-256 (``store.attachments``):
#: whether the file is in the profile's attachments folder, whether the server has it, the
#: upload in progress, and when it was last used (the cache drops the least recently used).
attachment_file = sa.Table(
    "attachment_file",
    metadata,
    sa.Column("sha256", sa.String(64), primary_key=True),
    sa.Column("size", sa.Integer(), nullable=False),
    sa.Column("present", sa.Boolean(), nullable=False, server_default=sa.false()),
    sa.Column("uploaded", sa.Boolean(), nullable=False, server_default=sa.false()),
    sa.Column("upload_id", sa.String(64), nullable=True),
    sa.Column("last_used_at", sa.String(24), nullable=True),
)

meta = sa.Table(
    "meta",
    metadata,
    sa.Column("key", sa.String(64), primary_key=True),
    sa.Column("value", sa.Text(), nullable=True),
)

outbox = sa.Table(
    "outbox",
    metadata,
    sa.Column("op_no", sa.Integer(), primary_key=True, autoincrement=True),
    sa.Column("device_id", sa.String(64), nullable=False),
    sa.Column("entity", sa.String(32), nullable=False),
    sa.Column("row_id", sa.String(36), nullable=False),
    sa.Column("op", sa.String(8), nullable=False),
    sa.Column("fields", sa.Text(), nullable=False),
    sa.Column("stamps", sa.Text(), nullable=False),
    sa.Column("base_stamps", sa.Text(), nullable=False),
    sa.Column("created_at", sa.String(20), nullable=False),
    sqlite_autoincrement=True,
)
sa.Index("ix_outbox_entity_row_id", outbox.c.entity, outbox.c.row_id)

rejected_change = sa.Table(
    "rejected_change",
    metadata,
    sa.Column("op_no", sa.Integer(), primary_key=True, autoincrement=False),
    sa.Column("device_id", sa.String(64), nullable=False),
    sa.Column("entity", sa.String(32), nullable=False),
    sa.Column("row_id", sa.String(36), nullable=False),
    sa.Column("op", sa.String(8), nullable=False),
    sa.Column("fields", sa.Text(), nullable=False),
    sa.Column("stamps", sa.Text(), nullable=False),
    sa.Column("base_stamps", sa.Text(), nullable=False),
    sa.Column("reason", sa.Text(), nullable=False),
    sa.Column("field", sa.String(64), nullable=True),
    sa.Column("rejected_at", sa.String(20), nullable=False),
    #: Why, as a code (``fieldcrm.protocol.codes.REJECTIONS``) with its parameters (JSON)
    #: and, for ``invalid``, each field's problem (JSON list); ``reason`` is the English.
    sa.Column("code", sa.String(40), nullable=True),
    sa.Column("params", sa.Text(), nullable=False, server_default="{}"),
    sa.Column("problems", sa.Text(), nullable=False, server_default="[]"),
)

conflict = sa.Table(
    "conflict",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("entity", sa.String(32), nullable=False),
    sa.Column("row_id", sa.String(36), nullable=False),
    sa.Column("kind", sa.String(8), nullable=False),
    sa.Column("field", sa.String(64), nullable=True),
    sa.Column("winning_value", sa.JSON(), nullable=True),
    sa.Column("winning_stamp", sa.String(80), nullable=True),
    sa.Column("losing_value", sa.JSON(), nullable=True),
    sa.Column("losing_stamp", sa.String(80), nullable=True),
    sa.Column("winning_user", sa.String(120), nullable=True),
    sa.Column("losing_user", sa.String(120), nullable=True),
    sa.Column("created_at", sa.String(20), nullable=False),
    sa.Column("resolved", sa.Boolean(), nullable=False, server_default=sa.false()),
    #: Resolved here, not yet reported to the server (sent with the next push).
    sa.Column("resolution_pending", sa.Boolean(), nullable=False, server_default=sa.false()),
)
sa.Index("ix_conflict_entity_row_id", conflict.c.entity, conflict.c.row_id)

#: Feedback this device's user has seen (local only, for the "new feedback" badge).
comment_read = sa.Table(
    "comment_read",
    metadata,
    sa.Column("comment_id", sa.String(36), primary_key=True),
    sa.Column("read_at", sa.String(20), nullable=False),
)

#: Addresses the geocoding service was asked about (local only): the place it found, or
#: none (``latitude`` empty) when it found nothing, so an address is asked for once.
geocode_cache = sa.Table(
    "geocode_cache",
    metadata,
    sa.Column("query", sa.Text(), primary_key=True),
    sa.Column("latitude", sa.Float(), nullable=True),
    sa.Column("longitude", sa.Float(), nullable=True),
    sa.Column("looked_up_at", sa.String(32), nullable=False),
)

#: How far each search index over everything typed is built (``fieldcrm.store.textindex``):
#: it holds the live rows up to ``upto`` (a rowid; ``textindex.BUILT`` when complete).
search_progress = sa.Table(
    "search_progress",
    metadata,
    sa.Column("name", sa.String(40), primary_key=True),
    sa.Column("upto", sa.BigInteger(), nullable=False),
)

#: Indexed rows changed since the last catch-up, and their indexed fields as they were
#: (``fieldcrm.store.textindex``). Kept in its primary key (``WITHOUT ROWID``): a noted
#: change writes one page, not a table page and an index page.
search_dirty = sa.Table(
    "search_dirty",
    metadata,
    sa.Column("name", sa.String(40), primary_key=True),
    sa.Column("row", sa.BigInteger(), primary_key=True),
    sa.Column("indexed", sa.Boolean(), nullable=False),
    sa.Column("old", sa.Text(), nullable=True),
    sqlite_with_rowid=False,
)

#: Full-text tables are virtual tables made by the migration, not part of ``metadata``.
FTS_TABLES = (
    "customer_fts",
    "contact_fts",
    "customer_find",
    "contact_find",
    "followup_find",
    "note_find",
    "visit_find",
)


def include_object(
    obj: object, name: str | None, type_: str, reflected: bool, compare_to: object
) -> bool:
    """Autogenerate filter of the client history (used by ``env.py`` and the drift test).

    FTS5 virtual tables and their shadow tables are made by raw SQL in the migrations.
    """
    return not (type_ == "table" and name is not None and name.startswith(FTS_TABLES))
