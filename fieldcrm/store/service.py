"""The local store's service API: every write goes through here and lands in the outbox.

Each create, update and delete writes the row and its outbox entry in one SQLite
transaction (sync invariant 1). Callers group several writes with ``store.write()``;
a single call opens its own transaction.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson
import sqlalchemy as sa

from fieldcrm.domain.entities import ENTITIES, entity_spec
from fieldcrm.domain.hlc import HybridLogicalClock, wall_clock_ms
from fieldcrm.domain.ids import new_device_id, uuid7
from fieldcrm.domain.validation import (
    FieldError,
    ValidationError,
    format_datetime,
    is_record_id,
    validate_changes,
    validate_record,
)
from fieldcrm.protocol import expand_stamps
from fieldcrm.store import tables as t
from fieldcrm.store.db import WRITE_OPTION, create_sqlite_engine, upgrade_to_head
from fieldcrm.store.keys import load_key, read_key_info
from fieldcrm.store.meta import DEVICE_ID_KEY, HLC_KEY, get_meta, set_meta

DELETED_STAMP = "_deleted"
#: Deleting a contact deletes the relationships and connections that name it.
CONTACT_CHILDREN = {
    "relationship": ("from_contact_id", "to_contact_id"),
    "connection": ("contact_id",),
}
#: Deleting a customer deletes what belongs to it.
CUSTOMER_CHILDREN = (
    "contact",
    "visit",
    "note",
    "followup",
    "comment",
    "relationship",
    "connection",
    "handover",
)


def _insert_sql(entity: str) -> str:
    columns = ("id", *entity_spec(entity).field_names, "stamps", "deleted")
    names = ", ".join(f'"{c}"' for c in columns)
    return f'INSERT INTO "{entity}" ({names}) VALUES ({", ".join("?" * len(columns))})'


def _owner_sql(entity: str) -> str:
    owner = "customer_id" if entity_spec(entity).customer_field else "''"
    return f'SELECT {owner} FROM "{entity}" WHERE id = ? AND deleted = 0'


_INSERT_SQL = {name: _insert_sql(name) for name in ENTITIES}
_OWNER_SQL = {name: _owner_sql(name) for name in ENTITIES}
_OUTBOX_SQL = (
    "INSERT INTO outbox (device_id, entity, row_id, op, fields, stamps, base_stamps, created_at)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
)


_META_SET_SQL = (
    "INSERT INTO meta(key, value) VALUES (?, ?)"
    " ON CONFLICT(key) DO UPDATE SET value = excluded.value"
)


def _db_value(value: Any) -> Any:
    """A domain value as the driver stores it (lists are JSON text, like ``sa.JSON``)."""
    return dumps(value) if isinstance(value, list) else value


def dumps(value: Any) -> str:
    return orjson.dumps(value).decode()


def loads(text: str) -> Any:
    return orjson.loads(text)


def stored_key(path: Path) -> bytes | None:
    """The key of an encrypted profile's database when it is in the keyring (None for a
    profile never encrypted). A key derived from a password must be passed in instead:
    ``KeyUnavailable`` then."""
    info = read_key_info(path)
    return None if info is None else load_key(path, info, None)


class Store:
    """The local database of one profile: open (and upgrade) it, read it, write through it."""

    def __init__(
        self,
        path: Path | str,
        *,
        wall_ms: Callable[[], int] = wall_clock_ms,
        engine: sa.Engine | None = None,
        key: bytes | None = None,
    ) -> None:
        self.path = Path(path)
        if key is None and engine is None and str(path) != ":memory:":
            key = stored_key(self.path)
        #: True when the database is a SQLCipher file.
        self.encrypted = key is not None
        self.engine = engine or create_sqlite_engine(self.path, key)
        upgrade_to_head(self.engine)
        self._wall_ms = wall_ms
        self._now_second, self._now_text = -1, ""
        with self._begin_write() as conn:
            device_id = get_meta(conn, DEVICE_ID_KEY)
            if device_id is None:
                device_id = new_device_id()
                set_meta(conn, DEVICE_ID_KEY, device_id)
            last_stamp = get_meta(conn, HLC_KEY)
        self.device_id: str = device_id
        self.clock = HybridLogicalClock(device_id, last_stamp, wall_ms)

    def close(self) -> None:
        self.engine.dispose()

    # ---- transactions -------------------------------------------------------------

    @contextmanager
    def _begin_write(self) -> Iterator[sa.Connection]:
        with (
            self.engine.connect().execution_options(**{WRITE_OPTION: True}) as conn,
            conn.begin(),
        ):
            yield conn

    @contextmanager
    def write(self) -> Iterator[UnitOfWork]:
        """One transaction for several writes: all of them land, or none.

        A write that failed half-way (after its row was written, before its outbox entry
        was) spoils the unit of work: it rolls back even if the caller caught the error.
        """
        with self._begin_write() as conn:
            uow = UnitOfWork(self, conn)
            yield uow
            uow.finish()

    @contextmanager
    def read(self) -> Iterator[sa.Connection]:
        with self.engine.connect() as conn, conn.begin():
            yield conn

    # ---- single writes ----------------------------------------------------------------

    def create(self, entity: str, values: Mapping[str, Any], *, row_id: str | None = None) -> str:
        with self.write() as uow:
            return uow.create(entity, values, row_id=row_id)

    def update(self, entity: str, row_id: str, changes: Mapping[str, Any]) -> dict[str, Any]:
        with self.write() as uow:
            return uow.update(entity, row_id, changes)

    def delete(self, entity: str, row_id: str) -> None:
        with self.write() as uow:
            uow.delete(entity, row_id)

    # ---- reads ----------------------------------------------------------------------

    def get(
        self, entity: str, row_id: str, *, include_deleted: bool = False
    ) -> dict[str, Any] | None:
        with self.read() as conn:
            return get_row(conn, entity, row_id, include_deleted=include_deleted)

    def counts(self) -> dict[str, int]:
        """Live (not deleted) records per entity."""
        with self.read() as conn:
            return {
                name: conn.scalar(
                    sa.select(sa.func.count()).select_from(table).where(table.c.deleted.is_(False))
                )
                or 0
                for name, table in t.ENTITY_TABLES.items()
            }

    def pending_count(self) -> int:
        with self.read() as conn:
            return conn.scalar(sa.select(sa.func.count()).select_from(t.outbox)) or 0

    def outbox_entries(self, limit: int | None = None) -> list[dict[str, Any]]:
        """Queued entries in operation order, JSON columns decoded."""
        query = sa.select(t.outbox).order_by(t.outbox.c.op_no)
        if limit is not None:
            query = query.limit(limit)
        with self.read() as conn:
            return [
                {
                    **row._asdict(),
                    "fields": loads(row.fields),
                    "stamps": loads(row.stamps),
                    "base_stamps": loads(row.base_stamps),
                }
                for row in conn.execute(query)
            ]

    def meta(self, key: str) -> str | None:
        with self.read() as conn:
            return get_meta(conn, key)

    def set_meta(self, key: str, value: str | None) -> None:
        with self._begin_write() as conn:
            set_meta(conn, key, value)

    def wall_ms(self) -> int:
        """The wall clock this store was made with (ms since the epoch)."""
        return self._wall_ms()

    def now_text(self) -> str:
        """The wall-clock time as canonical text (second precision; cached per second)."""
        second = self._wall_ms() // 1000
        if second != self._now_second:
            self._now_second = second
            self._now_text = format_datetime(datetime.fromtimestamp(second, UTC))
        return self._now_text


def get_row(
    conn: sa.Connection, entity: str, row_id: str, *, include_deleted: bool = False
) -> dict[str, Any] | None:
    table = t.ENTITY_TABLES[entity]
    query = sa.select(table).where(table.c.id == row_id)
    if not include_deleted:
        query = query.where(table.c.deleted.is_(False))
    row = conn.execute(query).first()
    if row is None:
        return None
    record = row._asdict()
    record["stamps"] = expand_stamps(loads(record["stamps"]), entity_spec(entity).field_names)
    return record


class UnitOfWork:
    """Writes inside one open transaction; made by ``Store.write()``."""

    def __init__(self, store: Store, conn: sa.Connection) -> None:
        self.store = store
        self.conn = conn
        #: (entity, id) -> the customer it belongs to ("" when none), for rows known to be live.
        self._known_refs: dict[tuple[str, str], str] = {}
        self._stamped = False
        self._spoiled: BaseException | None = None
        #: The driver's connection inside this same transaction: the hot write path skips
        #: SQLAlchemy's statement machinery (see benchmarks/bench_store_writes.py).
        self._db: sqlite3.Connection = conn.connection.driver_connection  # type: ignore[assignment]

    @property
    def connection(self) -> sa.Connection:
        return self.conn

    def create(self, entity: str, values: Mapping[str, Any], *, row_id: str | None = None) -> str:
        """Insert a new record; returns its id (a new UUIDv7 unless ``row_id`` is given)."""
        self._check_usable()
        spec = entity_spec(entity)
        record = validate_record(entity, values)
        row_id = uuid7() if row_id is None else self._check_new_id(entity, row_id)
        self._check_refs(entity, record, record)
        stamps = dumps(dict.fromkeys(spec.field_names, self._stamp()))
        # ``record`` holds every field in the entity's order (see ``with_defaults``).
        columns = map(_db_value, record.values()) if spec.has_list else record.values()
        try:
            self._db.execute(_INSERT_SQL[entity], (row_id, *columns, stamps, 0))
            self._append_outbox(entity, row_id, "create", dumps(record), stamps, "{}")
        except BaseException as exc:
            self._spoiled = exc
            raise
        self._known_refs[entity, row_id] = record.get("customer_id") or ""
        return row_id

    def update(self, entity: str, row_id: str, changes: Mapping[str, Any]) -> dict[str, Any]:
        """Apply the fields that really change; returns them (empty: nothing was written)."""
        self._check_usable()
        current = self._require_row(entity, row_id)
        normalised = validate_changes(entity, changes)
        changed = {k: v for k, v in normalised.items() if current[k] != v}
        if not changed:
            return {}
        merged = {name: current[name] for name in entity_spec(entity).field_names} | changed
        validate_record(entity, merged)
        self._check_refs(entity, changed, merged)
        stamp = self._stamp()
        old_stamps: dict[str, str] = current["stamps"]
        new_stamps = dict.fromkeys(changed, stamp)
        base = {k: old_stamps[k] for k in changed if k in old_stamps}
        # Column names come from the entity spec (validate_changes refused anything else).
        assignments = ", ".join(f'"{name}" = ?' for name in changed)
        sql = f'UPDATE "{entity}" SET {assignments}, stamps = ? WHERE id = ?'
        params = (*map(_db_value, changed.values()), dumps(old_stamps | new_stamps), row_id)
        with self._all_or_nothing():
            self._db.execute(sql, params)
            self._append_outbox(
                entity, row_id, "update", dumps(changed), dumps(new_stamps), dumps(base)
            )
        self._known_refs.pop((entity, row_id), None)
        return changed

    def delete(self, entity: str, row_id: str) -> None:
        """Tombstone the row (and, for a customer or contact, everything that belongs to it)."""
        self._check_usable()
        current = self._require_row(entity, row_id)
        self._known_refs.pop((entity, row_id), None)
        if entity == "customer":
            for child in CUSTOMER_CHILDREN:
                table = t.ENTITY_TABLES[child]
                child_ids = self.conn.scalars(
                    sa.select(table.c.id).where(
                        table.c.customer_id == row_id, table.c.deleted.is_(False)
                    )
                ).all()
                for child_id in child_ids:
                    self.delete(child, child_id)
        elif entity == "contact":
            for child, columns in CONTACT_CHILDREN.items():
                table = t.ENTITY_TABLES[child]
                child_ids = self.conn.scalars(
                    sa.select(table.c.id).where(
                        sa.or_(*(table.c[column] == row_id for column in columns)),
                        table.c.deleted.is_(False),
                    )
                ).all()
                for child_id in child_ids:
                    self.delete(child, child_id)
        stamp = self._stamp()
        old_stamps: dict[str, str] = current["stamps"]
        with self._all_or_nothing():
            self._db.execute(
                f'UPDATE "{entity}" SET deleted = 1, stamps = ? WHERE id = ?',
                (dumps(old_stamps | {DELETED_STAMP: stamp}), row_id),
            )
            self._append_outbox(
                entity, row_id, "delete", "{}", dumps({DELETED_STAMP: stamp}), dumps(old_stamps)
            )

    def get(self, entity: str, row_id: str) -> dict[str, Any] | None:
        return get_row(self.conn, entity, row_id)

    def resend_create(self, entity: str, row_id: str) -> None:
        """Queue the whole row again as a create (after the server refused the first one)."""
        self.resend_fields(entity, row_id, entity_spec(entity).field_names, op="create")

    def resend_fields(
        self, entity: str, row_id: str, names: Sequence[str], *, op: str = "update"
    ) -> None:
        """Queue the current values of ``names`` again, with fresh stamps."""
        self._check_usable()
        current = self._require_row(entity, row_id)
        stamp = self._stamp()
        new_stamps = dict.fromkeys(names, stamp)
        old_stamps: dict[str, str] = current["stamps"]
        table = t.ENTITY_TABLES[entity]
        base = {} if op == "create" else {k: old_stamps[k] for k in names if k in old_stamps}
        fields = {k: current[k] for k in names}
        with self._all_or_nothing():
            self.conn.execute(
                table.update()
                .where(table.c.id == row_id)
                .values(stamps=dumps(old_stamps | new_stamps))
            )
            self._append_outbox(entity, row_id, op, dumps(fields), dumps(new_stamps), dumps(base))

    # ---- internals ----------------------------------------------------------------

    def _append_outbox(
        self, entity: str, row_id: str, op: str, fields: str, stamps: str, base_stamps: str
    ) -> None:
        """Queue the entry of one write (JSON already encoded; the row shares its stamps)."""
        self._db.execute(
            _OUTBOX_SQL,
            (
                self.store.device_id,
                entity,
                row_id,
                op,
                fields,
                stamps,
                base_stamps,
                self.store.now_text(),
            ),
        )

    def _stamp(self) -> str:
        self._stamped = True
        return self.store.clock.now()

    @contextmanager
    def _all_or_nothing(self) -> Iterator[None]:
        """Mark the unit of work spoiled when a row and its outbox entry did not both land."""
        try:
            yield
        except BaseException as exc:
            self._spoiled = exc
            raise

    def _check_usable(self) -> None:
        if self._spoiled is not None:
            raise RuntimeError(
                "an earlier write of this unit of work failed half-way; it will roll back"
            ) from self._spoiled

    def finish(self) -> None:
        """Persist the clock with the writes, so stamps never go back after a restart.

        Refuses to commit a unit of work in which a write failed half-way, even when the
        caller caught that error: a row must never land without its outbox entry.
        """
        self._check_usable()
        if self._stamped:
            self._db.execute(_META_SET_SQL, (HLC_KEY, self.store.clock.last))

    def _require_row(self, entity: str, row_id: str) -> dict[str, Any]:
        entity_spec(entity)
        row = get_row(self.conn, entity, row_id)
        if row is None:
            raise ValidationError.single(entity, "id", "unknown_ref", ref=entity, id=row_id)
        return row

    def _check_new_id(self, entity: str, row_id: str) -> str:
        if not is_record_id(row_id):
            raise ValidationError.single(entity, "id", "bad_id", id=row_id)
        table = t.ENTITY_TABLES[entity]
        if self.conn.scalar(sa.select(table.c.id).where(table.c.id == row_id)) is not None:
            raise ValidationError.single(entity, "id", "id_taken", entity=entity, id=row_id)
        return row_id

    def _check_refs(
        self, entity: str, values: Mapping[str, Any], record: Mapping[str, Any]
    ) -> None:
        """Check the references among ``values`` (the fields being written).

        A referenced row must exist and be live. A record that belongs to a customer may
        only refer to contacts and visits of that same customer; when its customer changes,
        the references it keeps are checked against the new customer too.
        """
        spec = entity_spec(entity)
        customer_id = record.get(spec.customer_field) if spec.customer_field else None
        customer_changed = spec.customer_field is not None and spec.customer_field in values
        errors: list[FieldError] = []
        for field in spec.ref_fields:
            if field.name not in values and not customer_changed:
                continue
            value = record.get(field.name)
            if value is None:
                continue
            for ref_id in value if field.kind == "ref_list" else [value]:
                owner = self._ref_owner(field.ref or "", ref_id)
                if owner is None:
                    errors.append(
                        FieldError.of(field.name, "unknown_ref", ref=field.ref, id=ref_id)
                    )
                elif customer_id and owner and owner != customer_id and not field.cross_customer:
                    errors.append(
                        FieldError.of(field.name, "other_customer", ref=field.ref, id=ref_id)
                    )
        if errors:
            raise ValidationError(entity, errors)

    def _ref_owner(self, entity: str, row_id: str) -> str | None:
        """The customer a live row belongs to ("" for none); ``None`` when there is no such row."""
        key = (entity, row_id)
        if key in self._known_refs:
            return self._known_refs[key]
        row = self._db.execute(_OWNER_SQL[entity], (row_id,)).fetchone()
        if row is None:
            return None
        self._known_refs[key] = row[0] or ""
        return row[0] or ""


__all__ = ["ENTITIES", "Store", "UnitOfWork", "get_row"]
