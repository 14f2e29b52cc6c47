"""Tables of the sync server's database (SQLAlchemy Core; the schema is owned by Alembic).

Storage design: every replicated row of every entity lives in one generic ``record`` table
keyed by (entity, id). Besides the field values and per-field clock stamps it keeps

* ``scope`` - the territory that decides who may see the row (a customer's territory; for
  contacts, visits, notes and follow-ups their customer's territory; a territory's own id;
  a user's territory or area, ``""`` for admins),
* ``seq`` - the change sequence number of the last write, handed out under a lock held
  until commit so that commit order equals ``seq`` order (see ``sync_server.sync``),
* ``payload`` - the row as a pull sends it, positional without its version (protocol 5,
  ``fieldcrm.protocol.positional``: ``[id, deleted, stamps, value of each field ...]``),
  so building a pull page is a concatenation of stored text and never a per-row
  serialisation.

``eviction`` remembers rows that left a scope, ``conflict`` the values that lost a merge,
``applied_op`` the result of every pushed outbox entry (idempotent replay), ``live_count``
the live rows per scope and entity and the digest of their versions (the pull's
``scope_counts`` without a table scan).
Accounts, devices and tokens are plain tables; tokens are stored as SHA-256 hashes only.
"""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

BigInt = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

record = sa.Table(
    "record",
    metadata,
    sa.Column("entity", sa.String(32), primary_key=True),
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("scope", sa.String(36), nullable=False),
    sa.Column("customer_id", sa.String(36), nullable=True),
    sa.Column("data", sa.Text, nullable=False),
    sa.Column("stamps", sa.Text, nullable=False),
    sa.Column("deleted", sa.Boolean, nullable=False, default=False),
    sa.Column("seq", BigInt, nullable=False),
    sa.Column("payload", sa.Text, nullable=False),
    sa.Index("ix_record_seq", "seq"),
    sa.Index("ix_record_scope_seq", "scope", "seq"),
    sa.Index("ix_record_customer", "customer_id"),
)

eviction = sa.Table(
    "eviction",
    metadata,
    sa.Column("seq", BigInt, primary_key=True),
    sa.Column("scope", sa.String(36), nullable=False),
    sa.Column("entity", sa.String(32), nullable=False),
    sa.Column("id", sa.String(36), nullable=False),
    sa.Index("ix_eviction_scope_seq", "scope", "seq"),
)

conflict = sa.Table(
    "conflict",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("seq", BigInt, nullable=False),
    sa.Column("scope", sa.String(36), nullable=False),
    sa.Column("entity", sa.String(32), nullable=False),
    sa.Column("row_id", sa.String(36), nullable=False),
    sa.Column("resolved", sa.Boolean, nullable=False, default=False),
    sa.Column("payload", sa.Text, nullable=False),
    sa.Index("ix_conflict_scope_seq", "scope", "seq"),
    sa.Index("ix_conflict_seq", "seq"),
)

applied_op = sa.Table(
    "applied_op",
    metadata,
    sa.Column("device_id", sa.String(64), primary_key=True),
    sa.Column("op_no", BigInt, primary_key=True),
    sa.Column("user_id", sa.String(36), nullable=False),
    sa.Column("result", sa.Text, nullable=False),
    sa.Column("applied_at", sa.DateTime(timezone=True), nullable=False),
    #: SHA-256 of the entry (``sync_server.push.entry_digest``): a known op_no with another
    #: digest means the device identity was reused, not a replay.
    sa.Column("digest", sa.String(64), nullable=True),
)

live_count = sa.Table(
    "live_count",
    metadata,
    sa.Column("scope", sa.String(36), primary_key=True),
    sa.Column("entity", sa.String(32), primary_key=True),
    sa.Column("n", BigInt, nullable=False),
    #: Power sums of the live rows' ``seq`` (``fieldcrm.protocol.digest``).
    sa.Column("seq_sum", BigInt, nullable=False, server_default="0"),
    sa.Column("sq_sum", BigInt, nullable=False, server_default="0"),
    sa.Column("cube_sum", BigInt, nullable=False, server_default="0"),
)

#: The members (territory or user ids) of a bulletin audience scope, and its area
#: (``sync_server.bulletins``).
audience = sa.Table(
    "audience",
    metadata,
    sa.Column("scope", sa.String(36), primary_key=True),
    sa.Column("member_id", sa.String(36), primary_key=True),
    sa.Column("area_id", sa.String(36), nullable=False),
    sa.Index("ix_audience_member", "member_id"),
    sa.Index("ix_audience_area", "area_id"),
)

#: One row (id 1): the last change sequence number handed out.
seq_counter = sa.Table(
    "seq_counter",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("value", BigInt, nullable=False),
)

account = sa.Table(
    "account",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("username", sa.String(64), nullable=False, unique=True),
    sa.Column("password_hash", sa.Text, nullable=True),
    sa.Column("role", sa.String(16), nullable=False),
    sa.Column("territory_id", sa.String(36), nullable=True),
    sa.Column("active", sa.Boolean, nullable=False, default=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
)

device = sa.Table(
    "device",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("user_id", sa.String(36), nullable=False),
    sa.Column("name", sa.String(200), nullable=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=True),
    #: When this device last pulled to the end (the "data as of" a manager sees).
    sa.Column("last_sync_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
    #: A remote wipe: asked for (``wipe_now``: without sending pending changes first), by
    #: whom, and when the device said it had deleted its data.
    sa.Column("wipe_requested_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("wipe_now", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("wipe_requested_by", sa.String(128), nullable=True),
    sa.Column("wipe_confirmed_at", sa.DateTime(timezone=True), nullable=True),
)

#: One login of one user on one device: the family of its rotating refresh tokens.
session = sa.Table(
    "session",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("user_id", sa.String(36), nullable=False),
    sa.Column("device_id", sa.String(64), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("revoke_reason", sa.String(64), nullable=True),
    sa.Index("ix_session_device", "device_id"),
    sa.Index("ix_session_user", "user_id"),
)

refresh_token = sa.Table(
    "refresh_token",
    metadata,
    sa.Column("token_hash", sa.String(64), primary_key=True),
    sa.Column("session_id", sa.String(36), nullable=False),
    sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
    #: The token whose use issued this one (``None`` for the first token of a login).
    sa.Column("parent_hash", sa.String(64), nullable=True),
    sa.Index("ix_refresh_session", "session_id"),
    sa.Index("ix_refresh_parent", "parent_hash"),
)

access_token = sa.Table(
    "access_token",
    metadata,
    sa.Column("token_hash", sa.String(64), primary_key=True),
    sa.Column("session_id", sa.String(36), nullable=False),
    sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
    sa.Index("ix_access_session", "session_id"),
)

#: Failed logins per subject: ``user:<name>`` or ``address:<client address>``.
login_throttle = sa.Table(
    "login_throttle",
    metadata,
    sa.Column("subject", sa.String(200), primary_key=True),
    sa.Column("failures", sa.Integer, nullable=False),
    sa.Column("blocked_until", sa.DateTime(timezone=True), nullable=True),
    sa.Column("last_failure_at", sa.DateTime(timezone=True), nullable=False),
)

#: Every administrative change, failed login, lockout, revoked session and token reuse.
audit_log = sa.Table(
    "audit_log",
    metadata,
    sa.Column("id", BigInt, primary_key=True, autoincrement=True),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    #: Who did it: a user name, ``fieldcrm-server`` for the command line (with the
    #: operating-system user), or the name tried at a failed login.
    sa.Column("actor", sa.String(128), nullable=False),
    sa.Column("action", sa.String(64), nullable=False),
    sa.Column("target", sa.String(200), nullable=True),
    sa.Column("address", sa.String(64), nullable=True),
    sa.Column("detail", sa.Text, nullable=True),
    sa.Index("ix_audit_log_at", "at"),
)

#: One resumable upload of an attachment's content (``sync_server.files``): ``offset`` is the
#: last byte the server acknowledged; ``completed_at`` is set once the content is stored and
#: checked by its hash. The user's uploads count against their quota.
upload = sa.Table(
    "upload",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("user_id", sa.String(36), nullable=False),
    sa.Column("attachment_id", sa.String(36), nullable=False),
    sa.Column("sha256", sa.String(64), nullable=False),
    sa.Column("size", BigInt, nullable=False),
    sa.Column("offset", BigInt, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
    sa.Index("ix_upload_user", "user_id"),
    sa.Index("ix_upload_attachment", "attachment_id"),
)

#: A user's private calendar subscription (``sync_server.calendar``): the SHA-256 of the
#: token in the address, one per user.
calendar_token = sa.Table(
    "calendar_token",
    metadata,
    sa.Column("token_hash", sa.String(64), primary_key=True),
    sa.Column("user_id", sa.String(36), nullable=False, unique=True),
    sa.Column("time_zone", sa.String(64), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
)

ALL_TABLES = tuple(metadata.sorted_tables)
