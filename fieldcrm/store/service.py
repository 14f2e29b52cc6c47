"""The local store's service API: every write goes through here and lands in the outbox.

Each create, update and delete writes the row and its outbox entry in one SQLite
transaction (sync invariant 1). Callers group several writes with ``store.write()``;
a single call opens its own transaction.
"""

from __future__ import annotations

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
    validate_changes,
    validate_record,
)
from fieldcrm.store import tables as t
from fieldcrm.store.db import WRITE_OPTION, create_sqlite_engine, upgrade_to_head

DELETED_STAMP = "_deleted"
#: Deleting a customer deletes what belongs to it.
CUSTOMER_CHILDREN = ("contact", "visit", "note", "followup")


def dumps(value: Any) -> str:
    return orjson.dumps(value).decode()


def loads(text: str) -> Any:
    return orjson.loads(text)


class Store:
    """The local database of one profile: open (and upgrade) it, read it, write through it."""

    def __init__(
        self,
        path: Path | str,
        *,
        wall_ms: Callable[[], int] = wall_clock_ms,
        engine: sa.Engine | None = None,
    ) -> None:
        self.path = Path(path)
        self.engine = engine or create_sqlite_engine(self.path)
        upgrade_to_head(self.engine)
        self._wall_ms = wall_ms
        with self._begin_write() as conn:
            device_id = self._meta_get(conn, "device_id")
            if device_id is None:
                device_id = new_device_id()
                self._meta_set(conn, "device_id", device_id)
            last_stamp = self._meta_get(conn, "hlc")
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
        """One transaction for several writes: all of them land, or none."""
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
            return self._meta_get(conn, key)

    def set_meta(self, key: str, value: str | None) -> None:
        with self._begin_write() as conn:
            self._meta_set(conn, key, value)

    @staticmethod
    def _meta_get(conn: sa.Connection, key: str) -> str | None:
        return conn.scalar(sa.select(t.meta.c.value).where(t.meta.c.key == key))

    @staticmethod
    def _meta_set(conn: sa.Connection, key: str, value: str | None) -> None:
        conn.execute(
            sa.text(
                "INSERT INTO meta(key, value) VALUES (:k, :v) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value"
            ),
            {"k": key, "v": value},
        )

    def now_text(self) -> str:
        return format_datetime(datetime.fromtimestamp(self._wall_ms() / 1000, UTC))


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
    record["stamps"] = loads(record["stamps"])
    return record


class UnitOfWork:
    """Writes inside one open transaction; made by ``Store.write()``."""

    def __init__(self, store: Store, conn: sa.Connection) -> None:
        self.store = store
        self.conn = conn
        self._known_refs: set[tuple[str, str]] = set()
        self._stamped = False

    @property
    def connection(self) -> sa.Connection:
        return self.conn

    def create(self, entity: str, values: Mapping[str, Any], *, row_id: str | None = None) -> str:
        spec = entity_spec(entity)
        record = validate_record(entity, values)
        self._check_refs(entity, record)
        row_id = row_id or uuid7()
        stamp = self._stamp()
        stamps = dict.fromkeys(spec.field_names, stamp)
        self.conn.execute(
            t.ENTITY_TABLES[entity].insert(),
            {"id": row_id, **record, "stamps": dumps(stamps), "deleted": False},
        )
        self._append_outbox(entity, row_id, "create", record, stamps, {})
        return row_id

    def update(self, entity: str, row_id: str, changes: Mapping[str, Any]) -> dict[str, Any]:
        """Apply the fields that really change; returns them (empty: nothing was written)."""
        current = self._require_row(entity, row_id)
        normalised = validate_changes(entity, changes)
        changed = {k: v for k, v in normalised.items() if current[k] != v}
        if not changed:
            return {}
        merged = {name: current[name] for name in entity_spec(entity).field_names} | changed
        validate_record(entity, merged)
        self._check_refs(entity, changed)
        stamp = self._stamp()
        old_stamps: dict[str, str] = current["stamps"]
        new_stamps = dict.fromkeys(changed, stamp)
        table = t.ENTITY_TABLES[entity]
        self.conn.execute(
            table.update()
            .where(table.c.id == row_id)
            .values(**changed, stamps=dumps(old_stamps | new_stamps))
        )
        base = {k: old_stamps[k] for k in changed if k in old_stamps}
        self._append_outbox(entity, row_id, "update", changed, new_stamps, base)
        return changed

    def delete(self, entity: str, row_id: str) -> None:
        """Tombstone the row (and, for a customer, everything that belongs to it)."""
        current = self._require_row(entity, row_id)
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
        stamp = self._stamp()
        old_stamps: dict[str, str] = current["stamps"]
        table = t.ENTITY_TABLES[entity]
        self.conn.execute(
            table.update()
            .where(table.c.id == row_id)
            .values(deleted=True, stamps=dumps(old_stamps | {DELETED_STAMP: stamp}))
        )
        self._append_outbox(entity, row_id, "delete", {}, {DELETED_STAMP: stamp}, old_stamps)

    def get(self, entity: str, row_id: str) -> dict[str, Any] | None:
        return get_row(self.conn, entity, row_id)

    def resend_create(self, entity: str, row_id: str) -> None:
        """Queue the whole row again as a create (after the server refused the first one)."""
        self.resend_fields(entity, row_id, entity_spec(entity).field_names, op="create")

    def resend_fields(
        self, entity: str, row_id: str, names: Sequence[str], *, op: str = "update"
    ) -> None:
        """Queue the current values of ``names`` again, with fresh stamps."""
        current = self._require_row(entity, row_id)
        stamp = self._stamp()
        new_stamps = dict.fromkeys(names, stamp)
        old_stamps: dict[str, str] = current["stamps"]
        table = t.ENTITY_TABLES[entity]
        self.conn.execute(
            table.update().where(table.c.id == row_id).values(stamps=dumps(old_stamps | new_stamps))
        )
        base = {} if op == "create" else {k: old_stamps[k] for k in names if k in old_stamps}
        fields = {k: current[k] for k in names}
        self._append_outbox(entity, row_id, op, fields, new_stamps, base)

    # ---- internals ----------------------------------------------------------------

    def _append_outbox(
        self,
        entity: str,
        row_id: str,
        op: str,
        fields: Mapping[str, Any],
        stamps: Mapping[str, str],
        base_stamps: Mapping[str, str],
    ) -> None:
        self.conn.execute(
            t.outbox.insert(),
            {
                "device_id": self.store.device_id,
                "entity": entity,
                "row_id": row_id,
                "op": op,
                "fields": dumps(fields),
                "stamps": dumps(stamps),
                "base_stamps": dumps(base_stamps),
                "created_at": self.store.now_text(),
            },
        )

    def _stamp(self) -> str:
        self._stamped = True
        return self.store.clock.now()

    def finish(self) -> None:
        """Persist the clock with the writes, so stamps never go back after a restart."""
        if self._stamped:
            Store._meta_set(self.conn, "hlc", self.store.clock.last)

    def _require_row(self, entity: str, row_id: str) -> dict[str, Any]:
        entity_spec(entity)
        row = get_row(self.conn, entity, row_id)
        if row is None:
            raise ValidationError.single(entity, "id", f"no {entity} with id {row_id} exists")
        return row

    def _check_refs(self, entity: str, values: Mapping[str, Any]) -> None:
        errors: list[FieldError] = []
        for name, value in values.items():
            field = entity_spec(entity).by_name[name]
            if field.ref is None or value is None:
                continue
            ids = value if field.kind == "ref_list" else [value]
            for ref_id in ids:
                if (field.ref, ref_id) in self._known_refs:
                    continue
                table = t.ENTITY_TABLES[field.ref]
                exists = self.conn.scalar(
                    sa.select(table.c.id).where(table.c.id == ref_id, table.c.deleted.is_(False))
                )
                if exists is None:
                    errors.append(FieldError(name, f"no {field.ref} with id {ref_id} exists"))
                else:
                    self._known_refs.add((field.ref, ref_id))
        if errors:
            raise ValidationError(entity, errors)


__all__ = ["ENTITIES", "Store", "UnitOfWork", "get_row"]
