"""Writing replicated rows: change sequence numbers under a commit-order lock, evictions,
live-row counts and server clock stamps. Every writer of ``record`` goes through here.

Invariant 3 (no skipped changes): every sequence number is handed out under the lock of
the single ``seq_counter`` row (``SELECT ... FOR UPDATE`` on PostgreSQL; on SQLite the
write transaction already holds the database write lock from ``BEGIN IMMEDIATE``), and the
lock is held until commit. So the transactions that hand out numbers commit one after the
other in number order: any snapshot a reader takes sees a gap-free prefix of the sequence,
and a cursor can never pass a change that commits later. A writer takes that lock late,
for its final bulk write; before that, on PostgreSQL, the rows it reads to merge are locked
``FOR UPDATE`` (sorted, one lock order for every writer) so that no update is lost, and a
device's pushes are serialised by an advisory lock on its id (a retry racing its original).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import orjson
import sqlalchemy as sa

from fieldcrm.domain.entities import ENTITIES
from fieldcrm.domain.hlc import format_stamp, parse_stamp, wall_clock_ms
from fieldcrm.protocol import compact_stamps
from fieldcrm.protocol.digest import Digest, digest_sql, version_digest
from sync_server import tables as t

DELETED_STAMP = "_deleted"
#: Device part of the stamps the server itself writes (server-set fields, cascades, imports).
SERVER_DEVICE = "server"


def utcnow() -> datetime:
    return datetime.now(UTC)


def iso_now() -> str:
    """Server time as ISO 8601 UTC text with milliseconds, e.g. ``2026-11-28T01:50:00.123Z``."""
    return utcnow().strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def server_stamp(after: str | None = None, now_ms: int | None = None) -> str:
    """A stamp of the server's clock that sorts after ``after`` (if given)."""
    ms = wall_clock_ms() if now_ms is None else now_ms
    counter = 0
    if after:
        a_ms, a_counter, _ = parse_stamp(after)
        if a_ms >= ms:
            ms, counter = a_ms, a_counter + 1
            if counter > 999_999:
                ms, counter = ms + 1, 0
    return format_stamp(ms, counter, SERVER_DEVICE)


#: Counts and version digests of live rows per scope and entity, worked out from ``record``
#: (for bulk loads that write ``record`` directly).
REBUILD_LIVE_COUNTS_SQL = (
    "INSERT INTO live_count (scope, entity, n, seq_sum, sq_sum, cube_sum) "
    f"SELECT scope, entity, {digest_sql('seq')} FROM record "
    "WHERE NOT deleted GROUP BY scope, entity"
)


def dumps(value: Any) -> str:
    return orjson.dumps(value).decode()


@dataclass(slots=True)
class Row:
    """A stored row as the merge code sees it."""

    entity: str
    id: str
    scope: str
    customer_id: str | None
    data: dict[str, Any]
    stamps: dict[str, str]
    deleted: bool
    seq: int = 0
    stored: bool = True

    @classmethod
    def from_db(cls, row: Any) -> Row:
        return cls(
            row.entity,
            row.id,
            row.scope,
            row.customer_id,
            orjson.loads(row.data),
            orjson.loads(row.stamps),
            bool(row.deleted),
            row.seq,
        )


def render_payload(
    entity: str, row_id: str, data: dict[str, Any], stamps: dict[str, str], deleted: bool
) -> str:
    """The row as a pull sends it, positional (``fieldcrm.protocol.positional``) without
    its version: ``[id, deleted, stamps, value of each field ...]`` in the order of the
    entity's fields; a tombstone carries no field values.

    Stamps go out compacted (``fieldcrm.protocol.stamps``): a row written in one go
    carries its stamp once instead of once per field.
    """
    spec = ENTITIES[entity]
    names = spec.field_names
    compact = compact_stamps(stamps, names)
    if deleted:
        return dumps([row_id, True, compact])
    return dumps([row_id, False, compact, *map(data.get, names)])


#: Per entity, its column list as JSON (what a page says once per entity).
COLUMNS_JSON: dict[str, bytes] = {
    name: orjson.dumps(list(spec.field_names)) for name, spec in ENTITIES.items()
}


def load_rows(
    conn: sa.Connection, keys: Iterable[tuple[str, str]], *, lock: bool = False
) -> dict[tuple[str, str], Row]:
    """Fetch many rows by (entity, id), one statement per entity; ``lock`` takes their row
    locks (``FOR UPDATE``) so that a concurrent writer of the same rows waits for this one."""
    by_entity: dict[str, set[str]] = defaultdict(set)
    for entity, row_id in keys:
        by_entity[entity].add(row_id)
    out: dict[tuple[str, str], Row] = {}
    for entity in sorted(by_entity):  # one lock order for every writer
        rows = _select_ids(conn, _ROW_COLUMNS, entity, sorted(by_entity[entity]), lock=lock)
        for row in rows:
            out[(row.entity, row.id)] = Row.from_db(row)
    return out


_ROW_COLUMNS = "entity, id, scope, customer_id, data, stamps, deleted, seq"


def _select_ids(
    conn: sa.Connection,
    columns: str,
    entity: str,
    ids: list[str],
    *,
    live: bool = False,
    lock: bool = False,
) -> Sequence[sa.Row[Any]]:
    """``columns`` of the ``record`` rows of ``entity`` with these ids (``live``: not
    deleted), in one statement whatever the number of ids: the ids go as one parameter
    (a JSON array on SQLite, an array on PostgreSQL), not one parameter each."""
    if not ids:
        return []
    where = " AND NOT deleted" if live else ""
    if conn.dialect.name == "sqlite":
        sql = (
            f"SELECT {columns} FROM record WHERE entity = ? "
            f"AND id IN (SELECT value FROM json_each(?)){where}"
        )
        params: tuple[Any, ...] = (entity, orjson.dumps(ids).decode())
    else:
        sql = f"SELECT {columns} FROM record WHERE entity = %s AND id = ANY(%s){where}"
        if lock:
            sql += " ORDER BY id FOR UPDATE"
        params = (entity, ids)
    return conn.exec_driver_sql(sql, params).all()


def load_row(conn: sa.Connection, entity: str, row_id: str) -> Row | None:
    return load_rows(conn, [(entity, row_id)]).get((entity, row_id))


_RECORD_INSERT = (
    "INSERT INTO record (entity, id, scope, customer_id, data, stamps, deleted, payload, seq) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
_RECORD_UPDATE = (
    "UPDATE record SET scope = ?, customer_id = ?, data = ?, stamps = ?, deleted = ?, "
    "payload = ?, seq = ? WHERE entity = ? AND id = ?"
)
_EVICTION_INSERT = "INSERT INTO eviction (seq, scope, entity, id) VALUES (?, ?, ?, ?)"
_CONFLICT_INSERT = (
    "INSERT INTO conflict (id, seq, scope, entity, row_id, resolved, payload) "
    "VALUES (?, ?, ?, ?, ?, ?, ?)"
)
_APPLIED_OP_INSERT = (
    "INSERT INTO applied_op (device_id, op_no, user_id, result, applied_at, digest) "
    "VALUES (?, ?, ?, ?, ?, ?)"
)


def _bind_value(conn: sa.Connection, column: sa.Column[Any], value: Any) -> Any:
    """``value`` as SQLAlchemy would hand it to the driver for ``column`` (a time on SQLite
    becomes text in SQLAlchemy's format)."""
    process = column.type.dialect_impl(conn.dialect).bind_processor(conn.dialect)
    return value if process is None else process(value)


@dataclass
class Writer:
    """One write transaction on the replicated data; call ``finish()`` before commit.

    Row writes are buffered (only the last state of a row is kept) and go to the database
    in two bulk statements at ``flush()``/``finish()``; call ``flush()`` before reading
    ``record`` rows that this transaction may have written.

    The sequence lock is taken late, when the first sequence number is needed (at the
    first flush, eviction or conflict), and held until commit: reading and merging run
    in parallel with other writers (the rows read are locked with ``FOR UPDATE`` on
    PostgreSQL), only the final writes are serialised.
    """

    conn: sa.Connection
    last_seq: int = 0
    locked: bool = False
    _counts: dict[tuple[str, str], int] = field(default_factory=lambda: defaultdict(int))
    #: Change of the version digest per (scope, entity), worked out at flush.
    _digests: dict[tuple[str, str], Digest] = field(default_factory=lambda: defaultdict(Digest))
    _locked_at: int = 0
    #: (entity, id) -> (column values, whether the row existed before this transaction)
    _pending: dict[tuple[str, str], tuple[dict[str, Any], bool]] = field(default_factory=dict)
    #: Eviction and conflict rows (their sequence numbers given), written at flush.
    _evictions: list[tuple[int, str, str, str]] = field(default_factory=list)
    _conflicts: list[tuple[str, int, str, str, str, bool, str]] = field(default_factory=list)

    @property
    def row_locks(self) -> bool:
        """Whether reads for a merge must lock rows (SQLite's write lock covers them)."""
        return self.conn.dialect.name != "sqlite"

    def lock(self) -> None:
        """Take the sequence lock (held until commit) and read the last sequence number."""
        if self.locked:
            return
        query = sa.select(t.seq_counter.c.value).where(t.seq_counter.c.id == 1)
        if self.conn.dialect.name != "sqlite":
            query = query.with_for_update()
        self.last_seq = self.conn.execute(query).scalar_one()
        self._locked_at = self.last_seq
        self.locked = True

    def next_seq(self) -> int:
        self.lock()
        self.last_seq += 1
        return self.last_seq

    def write(
        self,
        entity: str,
        row_id: str,
        *,
        scope: str,
        customer_id: str | None,
        data: dict[str, Any],
        stamps: dict[str, str],
        deleted: bool,
        old: Row | None,
        evict: bool = True,
    ) -> Row:
        """Insert or update a row (its sequence number is given at flush); returns the new
        state.

        When the row leaves ``old.scope`` an eviction for that scope is recorded (unless
        ``evict`` is false: children of a moved customer are evicted with it implicitly).
        """
        values = {
            "scope": scope,
            "customer_id": customer_id,
            "data": dumps(data),
            "stamps": dumps(stamps),
            "deleted": deleted,
            "payload": render_payload(entity, row_id, data, stamps, deleted),
        }
        key = (entity, row_id)
        existed = old is not None and old.stored
        if key in self._pending:
            existed = self._pending[key][1]
        self._pending[key] = (values, existed)
        if old is not None and old.stored:
            if not old.deleted:
                self._counts[(old.scope, entity)] -= 1
            if evict and old.scope != scope:
                self._evictions.append((self.next_seq(), old.scope, entity, row_id))
        if not deleted:
            self._counts[(scope, entity)] += 1
        return Row(entity, row_id, scope, customer_id, data, stamps, deleted)

    def add_conflict(
        self, conflict_id: str, scope: str, entity: str, row_id: str, payload: str
    ) -> None:
        """A conflict record (its sequence number now, the row at the next flush)."""
        seq = self.next_seq()
        self._conflicts.append((conflict_id, seq, scope, entity, row_id, False, payload))

    def applied(self, device_id: str, user_id: str, ops: list[tuple[int, str, str]]) -> None:
        """Note the results of a push's entries: (operation number, result JSON, digest)."""
        if not ops:
            return
        applied_at = _bind_value(self.conn, t.applied_op.c.applied_at, utcnow())
        self._execute_many(
            _APPLIED_OP_INSERT,
            [(device_id, op_no, user_id, result, applied_at, dig) for op_no, result, dig in ops],
        )

    def _execute_many(self, sql: str, rows: list[tuple[Any, ...]]) -> None:
        """One statement for many rows, through the driver: SQLAlchemy's processing of each
        row's parameters cost as much as the database's work (plain text, numbers and
        booleans only; other values are bound with ``_bind_value`` first)."""
        if self.conn.dialect.paramstyle != "qmark":
            sql = sql.replace("?", "%s")
        self.conn.exec_driver_sql(sql, rows)

    def flush(self) -> None:
        """Write the buffered rows: one bulk INSERT and one bulk UPDATE (and the buffered
        evictions and conflict records)."""
        if self._evictions:
            self._execute_many(_EVICTION_INSERT, self._evictions)
            self._evictions = []
        if self._conflicts:
            self._execute_many(_CONFLICT_INSERT, self._conflicts)
            self._conflicts = []
        if not self._pending:
            return
        inserts = []
        updates = []
        self._forget_versions([key for key, (_, existed) in self._pending.items() if existed])
        for (entity, row_id), (values, existed) in self._pending.items():
            seq = self.next_seq()
            scope, deleted = values["scope"], values["deleted"]
            if not deleted:
                scoped = (scope, entity)
                self._digests[scoped] = self._digests[scoped] + version_digest(seq)
            columns = (
                scope,
                values["customer_id"],
                values["data"],
                values["stamps"],
                deleted,
                values["payload"],
                seq,
            )
            if existed:
                updates.append((*columns, entity, row_id))
            else:
                inserts.append((entity, row_id, *columns))
        self._pending.clear()
        if inserts:
            self._execute_many(_RECORD_INSERT, inserts)
        if updates:
            self._execute_many(_RECORD_UPDATE, updates)

    def _forget_versions(self, keys: list[tuple[str, str]]) -> None:
        """Take the stored versions of rows about to be rewritten out of the digests."""
        by_entity: dict[str, list[str]] = defaultdict(list)
        for entity, row_id in keys:
            by_entity[entity].append(row_id)
        for entity, ids in by_entity.items():
            for row in _select_ids(self.conn, "scope, seq", entity, ids, live=True):
                scoped = (row.scope, entity)
                self._digests[scoped] = self._digests[scoped] - version_digest(row.seq)

    def finish(self) -> None:
        """Write buffered rows, the counter and the live-row counts (under the lock)."""
        self.flush()
        if not self.locked:
            return  # nothing was written
        if self.last_seq != self._locked_at:
            self.conn.execute(
                t.seq_counter.update().where(t.seq_counter.c.id == 1).values(value=self.last_seq)
            )
            self._locked_at = self.last_seq
        lc = t.live_count.c
        for key in sorted(set(self._counts) | set(self._digests)):
            delta, digest = self._counts.get(key, 0), self._digests.get(key, Digest())
            if delta == 0 and digest == Digest():
                continue
            scope, entity = key
            done = self.conn.execute(
                t.live_count.update()
                .where(lc.scope == scope, lc.entity == entity)
                .values(
                    n=lc.n + delta,
                    seq_sum=lc.seq_sum + digest.total,
                    sq_sum=lc.sq_sum + digest.squares,
                    cube_sum=lc.cube_sum + digest.cubes,
                )
            )
            if done.rowcount == 0:
                self.conn.execute(
                    t.live_count.insert().values(
                        scope=scope,
                        entity=entity,
                        n=delta,
                        seq_sum=digest.total,
                        sq_sum=digest.squares,
                        cube_sum=digest.cubes,
                    )
                )
        self._counts.clear()
        self._digests.clear()
