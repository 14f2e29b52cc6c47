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

from fieldcrm.domain import cascade
from fieldcrm.domain.entities import ENTITIES, entity_spec
from fieldcrm.domain.hlc import HybridLogicalClock, wall_clock_ms
from fieldcrm.domain.ids import new_device_id, uuid7
from fieldcrm.domain.textfold import fold
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
from fieldcrm.store.db import (
    DURABLE_PRAGMAS,
    RELAXED_PRAGMAS,
    WRITE_OPTION,
    create_sqlite_engine,
    upgrade_to_head,
)
from fieldcrm.store.keys import load_key, read_key_info
from fieldcrm.store.meta import DEVICE_ID_KEY, HLC_KEY, get_meta, set_meta

DELETED_STAMP = "_deleted"
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
    "attachment",
)


def _insert_sql(entity: str) -> str:
    columns = ("id", *entity_spec(entity).field_names, "stamps", "deleted")
    if entity == "customer":
        columns += ("sort_name",)  # ``tables.customer.sort_name``
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


def _derived(entity: str, changed: Mapping[str, Any]) -> tuple[str, tuple[Any, ...]]:
    """The assignments (``", col = ?"``) and values of the columns derived from ``changed``
    (``tables.DERIVED_COLUMNS``): a customer's sort key goes with its name."""
    if entity == "customer" and "name" in changed:
        return ", sort_name = ?", (fold(changed["name"]),)
    return "", ()


def _set_pragmas(raw: Any, pragmas: Mapping[str, str]) -> None:
    for name, value in pragmas.items():
        raw.execute(f"PRAGMA {name}={value}").close()


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
        self._store_key = key
        self._content_key: bytes | None = None
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

    def content_key(self) -> bytes | None:
        """The key of this profile's attachment contents (derived from the store's key);
        None for a plain store, whose contents stay plain too."""
        if self._store_key is None:
            return None
        if self._content_key is None:
            from fieldcrm.store.content_crypto import content_key

            self._content_key = content_key(self._store_key)
        return self._content_key

    # ---- transactions -------------------------------------------------------------

    @contextmanager
    def _begin_write(self, relaxed: bool = False) -> Iterator[sa.Connection]:
        with self.engine.connect().execution_options(**{WRITE_OPTION: True}) as conn:
            if not relaxed:
                with conn.begin():
                    yield conn
                return
            raw = conn.connection.driver_connection
            assert raw is not None
            try:
                _set_pragmas(raw, RELAXED_PRAGMAS)
                with conn.begin():
                    yield conn
            finally:
                # The connection goes back to the pool: the next writer commits durably.
                # If it cannot be set back (a transaction left open), it is not reused.
                try:
                    _set_pragmas(raw, DURABLE_PRAGMAS)
                except Exception:
                    conn.invalidate()

    @contextmanager
    def write(self, *, relaxed: bool = False) -> Iterator[UnitOfWork]:
        """One transaction for several writes: all of them land, or none.

        A write that failed half-way (after its row was written, before its outbox entry
        was) spoils the unit of work: it rolls back even if the caller caught the error.
        ``relaxed`` commits without waiting for the disk (``db.RELAXED_PRAGMAS``): only
        for what the server can send again, the pages of a first sync.
        """
        with self._begin_write(relaxed) as conn:
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
        if entity == "connection":
            self._check_new_connection(record)
        stamps = dumps(dict.fromkeys(spec.field_names, self._stamp()))
        # ``record`` holds every field in the entity's order (see ``with_defaults``).
        columns = map(_db_value, record.values()) if spec.has_list else record.values()
        try:
            derived = (fold(record.get("name")),) if entity == "customer" else ()
            self._db.execute(_INSERT_SQL[entity], (row_id, *columns, stamps, 0, *derived))
            self._append_outbox(entity, row_id, "create", dumps(record), stamps, "{}")
        except BaseException as exc:
            self._spoiled = exc
            raise
        self._known_refs[entity, row_id] = record.get("customer_id") or ""
        return row_id

    def update(
        self, entity: str, row_id: str, changes: Mapping[str, Any], *, stamp: str | None = None
    ) -> dict[str, Any]:
        """Apply the fields that really change; returns them (empty: nothing was written).

        ``stamp``: the clock stamp to write them with (a cascade writes with the stamp of the
        delete that caused it); a new one by default."""
        self._check_usable()
        current = self._require_row(entity, row_id)
        normalised = validate_changes(entity, changes)
        changed = {k: v for k, v in normalised.items() if current[k] != v}
        if not changed:
            return {}
        merged = {name: current[name] for name in entity_spec(entity).field_names} | changed
        validate_record(entity, merged)
        self._check_refs(entity, changed, merged)
        stamp = stamp or self._stamp()
        old_stamps: dict[str, str] = current["stamps"]
        new_stamps = dict.fromkeys(changed, stamp)
        base = {k: old_stamps[k] for k in changed if k in old_stamps}
        # Column names come from the entity spec (validate_changes refused anything else).
        assignments = ", ".join(f'"{name}" = ?' for name in changed)
        derived_sql, derived = _derived(entity, changed)
        assignments += derived_sql
        sql = f'UPDATE "{entity}" SET {assignments}, stamps = ? WHERE id = ?'
        params = (
            *map(_db_value, changed.values()),
            *derived,
            dumps(old_stamps | new_stamps),
            row_id,
        )
        with self._all_or_nothing():
            self._db.execute(sql, params)
            self._append_outbox(
                entity, row_id, "update", dumps(changed), dumps(new_stamps), dumps(base)
            )
        self._known_refs.pop((entity, row_id), None)
        return changed

    def delete(
        self, entity: str, row_id: str, *, stamp: str | None = None, _within: str | None = None
    ) -> None:
        """Tombstone the row, and what depends on it (``fieldcrm.domain.cascade``): for a
        customer everything that belongs to it; for a contact or visit the records that
        point at it. Every write of the cascade carries the delete's stamp, so that
        ``restore`` puts back exactly what went with it."""
        self._check_usable()
        current = self._require_row(entity, row_id)
        self._known_refs.pop((entity, row_id), None)
        stamp = stamp or self._stamp()
        if entity == "customer":
            for child in CUSTOMER_CHILDREN:
                table = t.ENTITY_TABLES[child]
                child_ids = self.conn.scalars(
                    sa.select(table.c.id).where(
                        table.c.customer_id == row_id, table.c.deleted.is_(False)
                    )
                ).all()
                for child_id in child_ids:
                    if get_row(self.conn, child, child_id) is not None:
                        self.delete(child, child_id, stamp=stamp, _within=row_id)
        else:
            for dependent in cascade.dependents(entity):
                for child_id in self._pointing_at(dependent, current, row_id):
                    child_row = self.get(dependent.entity, child_id)
                    if child_row is None:
                        continue  # deleted by an earlier step of this cascade
                    if dependent.action == "delete":
                        self.delete(dependent.entity, child_id, stamp=stamp, _within=_within)
                    elif _within is None or child_row["customer_id"] != _within:
                        # (Records of a customer being deleted go with it as they are.)
                        change = cascade.cleared(dependent, child_row, row_id)
                        self.update(dependent.entity, child_id, change, stamp=stamp)
        old_stamps: dict[str, str] = current["stamps"]
        with self._all_or_nothing():
            self._db.execute(
                f'UPDATE "{entity}" SET deleted = 1, stamps = ? WHERE id = ?',
                (dumps(old_stamps | {DELETED_STAMP: stamp}), row_id),
            )
            self._append_outbox(
                entity, row_id, "delete", "{}", dumps({DELETED_STAMP: stamp}), dumps(old_stamps)
            )

    def restore(
        self, entity: str, row_id: str, changes: Mapping[str, Any] | None = None
    ) -> dict[str, Any]:
        """Bring a deleted record back (with ``changes``, e.g. the edit a delete won over),
        and what was deleted or cleared with it. Returns the fields written.

        The outbox entry is an update whose base stamps include the delete's stamp: the
        server sees that the laptop saw the delete, and restores the row."""
        self._check_usable()
        current = get_row(self.conn, entity, row_id, include_deleted=True)
        if current is None or not current["deleted"]:
            raise ValidationError.single(entity, "id", "not_deleted", entity=entity, id=row_id)
        spec = entity_spec(entity)
        # Given fields are sent even when this laptop holds them already: a tombstone
        # pulled over an unsent edit keeps the edited values here, not on the server.
        changed = validate_changes(entity, changes or {})
        merged = {name: current[name] for name in spec.field_names} | changed
        validate_record(entity, merged)
        self._check_refs(entity, merged, merged)
        stamp = self._stamp()
        old_stamps: dict[str, str] = dict(current["stamps"])
        delete_stamp = old_stamps.pop(DELETED_STAMP, None)
        new_stamps = dict.fromkeys(changed, stamp)
        base = {k: old_stamps[k] for k in changed if k in old_stamps}
        if delete_stamp:
            base[DELETED_STAMP] = delete_stamp
        assignments = "".join(f', "{name}" = ?' for name in changed)
        # Also while a first sync has the key's triggers set aside (``begin_bulk_load``).
        derived_sql, derived = _derived(entity, changed)
        with self._all_or_nothing():
            self._db.execute(
                f'UPDATE "{entity}" SET deleted = 0{assignments}{derived_sql}, stamps = ? '
                "WHERE id = ?",
                (
                    *map(_db_value, changed.values()),
                    *derived,
                    dumps(old_stamps | new_stamps),
                    row_id,
                ),
            )
            self._append_outbox(
                entity, row_id, "update", dumps(changed), dumps(new_stamps), dumps(base)
            )
        if delete_stamp:
            self._restore_dependents(entity, row_id, current, delete_stamp)
        return changed

    def _restore_dependents(
        self, entity: str, row_id: str, current: Mapping[str, Any], delete_stamp: str
    ) -> None:
        if entity == "customer":
            for child in CUSTOMER_CHILDREN:
                for child_id in self._deleted_with(child, "customer_id", row_id, delete_stamp):
                    if get_row(self.conn, child, child_id) is None:
                        self.restore(child, child_id)
            return
        for dependent in cascade.dependents(entity):
            if dependent.action == "delete":
                found = self._deleted_with(dependent.entity, dependent.field, row_id, delete_stamp)
                for child_id in found:
                    if get_row(self.conn, dependent.entity, child_id) is None:
                        self.restore(dependent.entity, child_id)
                continue
            table = t.ENTITY_TABLES[dependent.entity]
            candidates = self.conn.scalars(
                sa.select(table.c.id).where(
                    table.c.deleted.is_(False),
                    table.c.customer_id == current["customer_id"],
                    sa.text(
                        "coalesce(json_extract(stamps, :path), json_extract(stamps, '$.\"*\"'))"
                        " = :stamp"
                    ).bindparams(path=f"$.{dependent.field}", stamp=delete_stamp),
                )
            ).all()
            for child_id in candidates:
                child_row = self.get(dependent.entity, child_id)
                if child_row is not None and not cascade.points_at(dependent, child_row, row_id):
                    change = cascade.put_back(dependent, child_row, row_id)
                    self.update(dependent.entity, child_id, change)

    def _deleted_with(self, entity: str, field: str, row_id: str, delete_stamp: str) -> list[str]:
        """Tombstones of ``entity`` naming ``row_id`` in ``field``, deleted by the same write."""
        table = t.ENTITY_TABLES[entity]
        return list(
            self.conn.scalars(
                sa.select(table.c.id).where(
                    table.c[field] == row_id,
                    table.c.deleted.is_(True),
                    sa.text("json_extract(stamps, '$._deleted') = :stamp").bindparams(
                        stamp=delete_stamp
                    ),
                )
            ).all()
        )

    def _pointing_at(
        self, dependent: cascade.Dependent, current: Mapping[str, Any], row_id: str
    ) -> list[str]:
        table = t.ENTITY_TABLES[dependent.entity]
        column = table.c[dependent.field]
        if dependent.action == "drop":
            # A list of ids (JSON): narrowed to the customer's records, then checked.
            query = sa.select(table.c.id, column).where(
                table.c.deleted.is_(False),
                table.c.customer_id == current.get("customer_id"),
                sa.cast(column, sa.Text).contains(row_id),
            )
            return [
                found.id
                for found in self.conn.execute(query)
                if cascade.points_at(dependent, {dependent.field: found[1]}, row_id)
            ]
        return list(
            self.conn.scalars(
                sa.select(table.c.id).where(column == row_id, table.c.deleted.is_(False))
            ).all()
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

    def _check_new_connection(self, record: Mapping[str, Any]) -> None:
        """A person says once that they know a contact (the server refuses a second, too)."""
        if record.get("user_id") is None:
            return
        known = self._db.execute(
            "SELECT 1 FROM connection WHERE contact_id = ? AND user_id = ? AND deleted = 0",
            (record["contact_id"], record["user_id"]),
        ).fetchone()
        if known is not None:
            raise ValidationError.single("connection", "contact_id", "already_declared")

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
