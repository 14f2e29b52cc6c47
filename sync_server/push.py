"""Push: apply a device's outbox entries - idempotent, authorised, validated, merged per field.

Rules, entry by entry (a rejected entry never blocks the ones after it):

* Replay: an entry whose (device id, operation number) was seen before gets the stored result
  back with ``replayed=true`` and changes nothing.
* Authorisation: the row (or, for a new contact/visit/note/follow-up, its customer) must be in
  the caller's write scope; users and territories are changed by admins only. Server-controlled
  fields (``territory_id``, ``owner_id``, ``role``, ...) sent by a rep are ignored and set from
  the caller's scope; managers may move customers between territories of their area.
* Validation with the shared domain rules; unknown entities or fields are rejected by name.
* Clocks: a stamp more than ``MAX_CLOCK_AHEAD_MS`` ahead of the server clock is rejected
  (the laptop's clock is wrong); anything closer is accepted as it is.
* Merge: ``fieldcrm.domain.merge.merge_fields`` per field; a base stamp equal to the stored
  stamp means a sequential edit. A losing value becomes a conflict record (status
  ``conflict``). A delete wins over concurrent edits (fields whose stored stamp the deleting
  device had not seen), which are kept in a ``delete`` conflict record; an edit that arrives
  for a deleted row is kept the same way, unless its base stamps show it saw the delete
  (``base_stamps['_deleted']`` equals the stored delete stamp): then it restores the row.
* Status: ``applied`` (all fields written), ``merged`` (part of the entry was already
  known or older but not in conflict), ``conflict`` (a conflict record was written).
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from typing import Any

import orjson
import sqlalchemy as sa

from fieldcrm.domain.entities import ENTITIES, EntitySpec
from fieldcrm.domain.hlc import parse_stamp, wall_clock_ms
from fieldcrm.domain.merge import merge_fields
from fieldcrm.domain.validation import ValidationError, validate_changes, validate_record
from fieldcrm.protocol import EntryResult, OutboxEntry, PushRequest, PushResponse
from sync_server import tables as t
from sync_server.scope import GLOBAL_SCOPE, Caller, Scopes, caller_scopes
from sync_server.store import (
    DELETED_STAMP,
    Row,
    Writer,
    dumps,
    iso_now,
    load_rows,
    server_stamp,
    utcnow,
)

MAX_CLOCK_AHEAD_MS = 5 * 60 * 1000
CUSTOMER_CHILDREN = tuple(name for name, spec in ENTITIES.items() if spec.customer_field)
SERVER_MANAGED = ("territory", "user")
_ROW_ID = re.compile(
    r"^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$"
)


_JSON_TYPES: dict[str, tuple[type, ...]] = {
    "int": (int,),
    "float": (int, float),
    "bool": (bool,),
    "ref_list": (list,),
}


def precheck(request: PushRequest, now_ms: int) -> tuple[str, list[dict[str, Any]]]:
    """Protocol violations that refuse the whole push (nothing is written): unknown entities
    or fields, values of the wrong JSON type, malformed stamps, stamps far in the future.

    Returns ``(code, problems)``; no problems means the push may go ahead. Rule breaks a
    correct client can produce (an empty required field, a foreign territory) are not
    checked here: they reject single entries.
    """
    problems: list[dict[str, Any]] = []
    clock_ahead = False
    for entry in request.entries:
        spec = ENTITIES.get(entry.entity)

        def problem(field: str | None, message: str, entry: OutboxEntry = entry) -> None:
            problems.append({"op_no": entry.op_no, "field": field, "message": message})

        if spec is None:
            problem("entity", f"unknown entity {entry.entity!r}")
            continue
        for name, value in entry.fields.items():
            fspec = spec.by_name.get(name)
            if fspec is None:
                problem(name, f"{name!r} is not a field of {entry.entity}")
            elif value is not None and not _json_type_ok(fspec.kind, value):
                problem(name, f"{name!r} has the wrong type ({type(value).__name__})")
        stamp_names = [DELETED_STAMP] if entry.op == "delete" else list(entry.fields)
        for name in stamp_names:
            stamp = entry.stamps.get(name)
            if stamp is None:
                problem(name, f"no clock stamp for {name!r}")
                continue
            try:
                ms = parse_stamp(stamp)[0]
            except ValueError as exc:
                problem(name, str(exc))
                continue
            if ms - now_ms > MAX_CLOCK_AHEAD_MS:
                clock_ahead = True
                minutes = (ms - now_ms) // 60000
                problem(name, f"the change is dated {minutes} minutes in the future")
    return ("clock_ahead" if clock_ahead else "invalid_entries"), problems


def _json_type_ok(kind: str, value: Any) -> bool:
    if isinstance(value, bool) and kind != "bool":
        return False
    if kind == "ref_list":
        return isinstance(value, list) and all(isinstance(v, str) for v in value)
    return isinstance(value, _JSON_TYPES.get(kind, (str,)))


class Rejected(Exception):
    """An entry the server refuses, with a reason for a person."""

    def __init__(self, reason: str, field: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.field = field


@dataclass(slots=True)
class _Outcome:
    status: str


class PushContext:
    """State of one push transaction."""

    def __init__(self, writer: Writer, caller: Caller, scopes: Scopes, now_ms: int) -> None:
        self.writer = writer
        self.conn = writer.conn
        self.caller = caller
        self.scopes = scopes
        self.now_ms = now_ms
        self.rows: dict[tuple[str, str], Row | None] = {}
        self._device_users: dict[str, str | None] = {caller.device_id: caller.user_id}

    # ---- rows -------------------------------------------------------------------------

    def row(self, entity: str, row_id: str) -> Row | None:
        key = (entity, row_id)
        if key not in self.rows:
            self.rows.update(load_rows(self.conn, [key], lock=self.writer.row_locks))
            self.rows.setdefault(key, None)
        return self.rows[key]

    def preload(self, keys: list[tuple[str, str]]) -> None:
        missing = [k for k in keys if k not in self.rows]
        found = load_rows(self.conn, missing, lock=self.writer.row_locks)
        for key in missing:
            self.rows[key] = found.get(key)

    def write(self, row: Row, old: Row | None, *, evict: bool = True) -> Row:
        new = self.writer.write(
            row.entity,
            row.id,
            scope=row.scope,
            customer_id=row.customer_id,
            data=row.data,
            stamps=row.stamps,
            deleted=row.deleted,
            old=old,
            evict=evict,
        )
        self.rows[(row.entity, row.id)] = new
        return new

    def user_of_stamp(self, stamp: str | None) -> str | None:
        if not stamp:
            return None
        device_id = stamp.split(":", 2)[-1]
        if device_id not in self._device_users:
            self._device_users[device_id] = self.conn.execute(
                sa.select(t.device.c.user_id).where(t.device.c.id == device_id)
            ).scalar()
        return self._device_users[device_id]

    def add_conflict(
        self,
        row: Row,
        kind: str,
        field: str | None,
        winning_value: Any,
        winning_stamp: str | None,
        losing_value: Any,
        losing_stamp: str | None,
    ) -> None:
        conflict_id = str(uuid.uuid4())
        payload = {
            "id": conflict_id,
            "entity": row.entity,
            "row_id": row.id,
            "kind": kind,
            "field": field,
            "winning_value": winning_value,
            "winning_stamp": winning_stamp,
            "losing_value": losing_value,
            "losing_stamp": losing_stamp,
            "winning_user": self.user_of_stamp(winning_stamp),
            "losing_user": self.user_of_stamp(losing_stamp),
            "created_at": iso_now(),
            "resolved": False,
        }
        self.conn.execute(
            t.conflict.insert().values(
                id=conflict_id,
                seq=self.writer.next_seq(),
                scope=row.scope,
                entity=row.entity,
                row_id=row.id,
                resolved=False,
                payload=dumps(payload),
            )
        )


def push(conn: sa.Connection, caller: Caller, request: PushRequest) -> PushResponse:
    """Apply a push inside the caller's open write transaction."""
    # Territories change rarely (admin commands); reading them before the lock is fine.
    scopes = caller_scopes(conn, caller.role, caller.territory_id)
    if conn.dialect.name == "postgresql":
        # Pushes of one device run one after the other (a retry racing its original).
        conn.execute(
            sa.text("SELECT pg_advisory_xact_lock(hashtext(:device))"),
            {"device": caller.device_id},
        )
    writer = Writer(conn)
    ctx = PushContext(writer, caller, scopes, wall_clock_ms())
    op_nos = sorted({e.op_no for e in request.entries if e.device_id == caller.device_id})
    seen: dict[int, EntryResult] = {}
    for i in range(0, len(op_nos), 500):
        for row in conn.execute(
            sa.select(t.applied_op.c.op_no, t.applied_op.c.result).where(
                t.applied_op.c.device_id == caller.device_id,
                t.applied_op.c.op_no.in_(op_nos[i : i + 500]),
            )
        ):
            seen[row.op_no] = EntryResult.model_validate_json(row.result).model_copy(
                update={"replayed": True}
            )
    ctx.preload(
        [
            (e.entity, e.row_id)
            for e in request.entries
            if e.entity in ENTITIES and e.op_no not in seen
        ]
    )
    results: list[EntryResult] = []
    new_ops: list[dict[str, Any]] = []
    applied_at = utcnow()
    for entry in request.entries:
        if entry.device_id != caller.device_id:
            results.append(
                EntryResult(
                    op_no=entry.op_no,
                    status="rejected",
                    reason="This entry was written on another device than the one logged in.",
                    field="device_id",
                )
            )
            continue
        if entry.op_no in seen:
            results.append(seen[entry.op_no])
            continue
        try:
            status = apply_entry(ctx, entry)
            result = EntryResult(op_no=entry.op_no, status=status)
        except Rejected as exc:
            result = EntryResult(
                op_no=entry.op_no, status="rejected", reason=exc.reason, field=exc.field
            )
        results.append(result)
        seen[entry.op_no] = result.model_copy(update={"replayed": True})
        new_ops.append(
            {
                "device_id": caller.device_id,
                "op_no": entry.op_no,
                "user_id": caller.user_id,
                "result": result.model_dump_json(),
                "applied_at": applied_at,
            }
        )
    if new_ops:
        conn.execute(t.applied_op.insert(), new_ops)
    for conflict_id in dict.fromkeys(request.resolved_conflicts):
        resolve_conflict(ctx, conflict_id)
    writer.finish()
    return PushResponse(results=results, server_time=iso_now())


def resolve_conflict(ctx: PushContext, conflict_id: str) -> None:
    c = t.conflict.c
    row = ctx.conn.execute(
        sa.select(c.scope, c.resolved, c.payload).where(c.id == conflict_id)
    ).first()
    if row is None or row.resolved or not ctx.scopes.can_write(row.scope):
        return
    payload = orjson.loads(row.payload) | {"resolved": True}
    ctx.conn.execute(
        t.conflict.update()
        .where(c.id == conflict_id)
        .values(resolved=True, seq=ctx.writer.next_seq(), payload=dumps(payload))
    )


# ---- one entry ----------------------------------------------------------------------------


def apply_entry(ctx: PushContext, entry: OutboxEntry) -> str:
    spec = ENTITIES.get(entry.entity)
    if spec is None:
        raise Rejected(
            f"{entry.entity!r} is not something FieldCRM synchronises "
            f"(known: {', '.join(ENTITIES)}).",
            "entity",
        )
    if entry.entity in SERVER_MANAGED and not ctx.caller.is_admin:
        raise Rejected(f"Only an administrator can change {entry.entity} records.", "entity")
    if not _ROW_ID.match(entry.row_id):
        raise Rejected("The record id is not a valid id.", "row_id")
    _check_stamps(ctx, entry)
    current = ctx.row(entry.entity, entry.row_id)
    if current is not None and not ctx.scopes.can_read(current.scope):
        # A row the caller may not see is answered as an id the server does not know, so
        # that nobody can probe which ids exist in other territories. (A delete of an
        # unknown id is a no-op, but a delete of such a row must not be acknowledged: it
        # would be an acknowledged write that the server does not keep.)
        if entry.op == "create":
            raise Rejected("The record id is not a valid id.", "row_id")
        raise Rejected(f"There is no {entry.entity} with this id on the server.", "row_id")
    if current is not None and not ctx.scopes.can_write(current.scope):
        raise Rejected(
            f"This {entry.entity} belongs to a territory you cannot change.", "territory_id"
        )
    if current is not None and not current.deleted:
        _check_personal(ctx, spec, current)
    if entry.op == "delete":
        return _delete(ctx, spec, entry, current)
    fields = _client_fields(ctx, spec, entry)
    if current is None:
        if entry.op == "update":
            raise Rejected(f"There is no {entry.entity} with this id on the server.", "row_id")
        return _create(ctx, spec, entry, fields)
    if current.deleted and (
        entry.base_stamps.get(DELETED_STAMP) != current.stamps.get(DELETED_STAMP)
    ):
        stamps = [entry.stamps[f] for f in fields]
        ctx.add_conflict(
            current,
            "delete",
            None,
            None,
            current.stamps.get(DELETED_STAMP),
            fields,
            max(stamps) if stamps else None,
        )
        return "conflict"
    return _update(ctx, spec, entry, fields, current)


def _check_stamps(ctx: PushContext, entry: OutboxEntry) -> None:
    if entry.op == "delete":
        if DELETED_STAMP not in entry.stamps:
            raise Rejected("A delete needs a '_deleted' clock stamp.", DELETED_STAMP)
        names = [DELETED_STAMP]
    else:
        missing = [name for name in entry.fields if name not in entry.stamps]
        if missing:
            raise Rejected(f"The field {missing[0]!r} has no clock stamp.", missing[0])
        names = list(entry.fields)
    for name in names:
        try:
            ms = parse_stamp(entry.stamps[name])[0]
        except ValueError as exc:
            raise Rejected(f"{exc}.", name) from None
        ahead = ms - ctx.now_ms
        if ahead > MAX_CLOCK_AHEAD_MS:
            raise Rejected(
                f"This change is dated {ahead // 60000} minutes in the future. "
                "Check the date, time and time zone of this computer, then edit again.",
                name,
            )


def _reject_invalid(exc: ValidationError) -> Rejected:
    first = exc.errors[0]
    return Rejected("; ".join(str(e) for e in exc.errors), first.field)


def _client_fields(ctx: PushContext, spec: EntitySpec, entry: OutboxEntry) -> dict[str, Any]:
    """Validated field values the caller may set (server-controlled ones only for admins,
    and customer territory/owner for managers)."""
    fields: dict[str, Any] = {}
    for name, value in entry.fields.items():
        fspec = spec.by_name.get(name)
        if fspec is not None and fspec.server_controlled and not _may_set(ctx, spec, name):
            continue
        fields[name] = value
    try:
        return validate_changes(spec.name, fields)
    except ValidationError as exc:
        raise _reject_invalid(exc) from None


def _may_set(ctx: PushContext, spec: EntitySpec, name: str) -> bool:
    if ctx.caller.is_admin:
        return True
    return ctx.caller.role == "manager" and spec.name == "customer"


def _personal_fields(spec: EntitySpec) -> list[str]:
    """Fields that name the user a record speaks for (a comment's author, ...)."""
    return [
        f.name
        for f in spec.fields
        if f.server_controlled and f.ref == "user" and spec.customer_field
    ]


def _check_personal(ctx: PushContext, spec: EntitySpec, current: Row) -> None:
    """Only the author changes or deletes their own comment or connection."""
    if ctx.caller.is_admin:
        return
    for name in _personal_fields(spec):
        if current.data.get(name) not in (None, ctx.caller.user_id):
            raise Rejected(f"Only its author can change this {spec.name}.", name)


def _customer_scope(ctx: PushContext, spec: EntitySpec, values: dict[str, Any]) -> tuple[str, str]:
    """(scope, customer id) of a contact/visit/note/follow-up from its customer."""
    assert spec.customer_field is not None
    customer_id = values.get(spec.customer_field)
    customer = ctx.row("customer", customer_id) if customer_id else None
    if customer is None or not ctx.scopes.can_write(customer.scope):
        raise Rejected(
            "The customer does not exist on the server or is not in your territory.",
            spec.customer_field,
        )
    if customer.deleted:
        raise Rejected("The customer was deleted.", spec.customer_field)
    return customer.scope, customer.id


def _check_territory(ctx: PushContext, territory_id: str | None, field: str) -> str:
    if territory_id is None or territory_id not in ctx.scopes.territories:
        raise Rejected("Choose a territory that exists.", field)
    if territory_id in ctx.scopes.areas:
        raise Rejected("This is an area; assign one of its territories instead.", field)
    if not ctx.scopes.can_write(territory_id):
        raise Rejected("This territory is outside your area.", field)
    return territory_id


def _scope_of_new(
    ctx: PushContext, spec: EntitySpec, values: dict[str, Any], client: dict[str, Any]
) -> tuple[str, str | None]:
    """Scope and customer id of a new row; fills server-controlled fields in ``values``."""
    caller = ctx.caller
    if spec.customer_field:
        for name in _personal_fields(spec):
            # The author of a comment, the person who knows a contact: always the caller.
            if not caller.is_admin or values.get(name) is None:
                values[name] = caller.user_id
        return _customer_scope(ctx, spec, values)
    if spec.name == "customer":
        if caller.role == "rep":
            values["territory_id"] = caller.territory_id
            values["owner_id"] = caller.user_id
        else:
            wanted = client.get("territory_id")
            if wanted is None and ctx.scopes.write is not None:
                choices = sorted(ctx.scopes.write - ctx.scopes.areas)
                wanted = choices[0] if len(choices) == 1 else None
            values["territory_id"] = _check_territory(ctx, wanted, "territory_id")
            values["owner_id"] = client.get("owner_id") or caller.user_id
        if not ctx.scopes.can_write(values["territory_id"]):
            raise Rejected("You have no territory to add customers to.", "territory_id")
        return values["territory_id"], None
    if spec.name == "territory":
        return "", None  # replaced by the row's own id
    # user (admins only)
    return values.get("territory_id") or GLOBAL_SCOPE, None


def _create(ctx: PushContext, spec: EntitySpec, entry: OutboxEntry, client: dict[str, Any]) -> str:
    values = dict(client)
    scope, customer_id = _scope_of_new(ctx, spec, values, client)
    if spec.name == "territory":
        scope = entry.row_id
    if spec.name == "user":
        _check_new_user(ctx, values)
    try:
        record = validate_record(spec.name, values)
    except ValidationError as exc:
        raise _reject_invalid(exc) from None
    entry_stamps = [entry.stamps[name] for name in client]
    latest = max(entry_stamps) if entry_stamps else None
    fallback = server_stamp(latest, ctx.now_ms)
    stamps = {}
    for name in spec.field_names:
        sent = name in client and client[name] == record[name]
        stamps[name] = entry.stamps[name] if sent else fallback
    row = Row(spec.name, entry.row_id, scope, customer_id, record, stamps, False, stored=False)
    ctx.write(row, None)
    if spec.name == "user":
        _sync_account(ctx, row, created=True)
    return "applied"


def _update(
    ctx: PushContext, spec: EntitySpec, entry: OutboxEntry, client: dict[str, Any], current: Row
) -> str:
    restoring = current.deleted
    stamps = {name: entry.stamps[name] for name in client}
    base = entry.base_stamps
    if restoring:
        # The device saw the delete, so it saw the fields as they were deleted.
        base = current.stamps | base
    outcome = merge_fields(current.data, current.stamps, client, stamps, base)
    data = current.data | outcome.values
    new_stamps = current.stamps | outcome.stamps
    if restoring:
        new_stamps.pop(DELETED_STAMP, None)
    if not outcome.values and not restoring:
        status = "merged"
    else:
        try:
            data = validate_record(spec.name, data)
        except ValidationError as exc:
            raise _reject_invalid(exc) from None
        scope, customer_id = current.scope, current.customer_id
        moved = False
        if spec.customer_field and "customer_id" in outcome.values:
            scope, customer_id = _customer_scope(ctx, spec, data)
        elif spec.name == "customer" and data["territory_id"] != current.data.get("territory_id"):
            scope = _check_territory(ctx, data["territory_id"], "territory_id")
            moved = scope != current.scope
        elif spec.name == "user":
            scope = data.get("territory_id") or GLOBAL_SCOPE
            if data["username"] != current.data.get("username"):
                _check_new_user(ctx, data, current.id)
        row = Row(spec.name, current.id, scope, customer_id, data, new_stamps, False)
        ctx.write(row, current)
        if moved:
            _move_children(ctx, current.id, scope)
        if spec.name == "user":
            _sync_account(ctx, row, created=False)
        complete = set(outcome.applied) == set(client)
        status = "applied" if complete else "merged"
    for lost in outcome.lost:
        row_now = ctx.rows[(spec.name, current.id)] or current
        ctx.add_conflict(
            row_now,
            "field",
            lost.field,
            lost.winning_value,
            lost.winning_stamp,
            lost.losing_value,
            lost.losing_stamp,
        )
    if outcome.lost:
        status = "conflict"
    return status


def _delete(ctx: PushContext, spec: EntitySpec, entry: OutboxEntry, current: Row | None) -> str:
    if spec.name in SERVER_MANAGED:
        raise Rejected(
            f"A {spec.name} cannot be deleted by a sync; use the fieldcrm-server command.",
            "entity",
        )
    if current is None or current.deleted:
        return "applied"
    delete_stamp = entry.stamps[DELETED_STAMP]
    unseen = {
        name: current.data.get(name)
        for name, stamp in current.stamps.items()
        if name != DELETED_STAMP and entry.base_stamps.get(name) != stamp
    }
    stamps = current.stamps | {DELETED_STAMP: delete_stamp}
    tomb = Row(
        spec.name, current.id, current.scope, current.customer_id, current.data, stamps, True
    )
    ctx.write(tomb, current)
    status = "applied"
    if unseen:
        losing_stamp = max(current.stamps[name] for name in unseen)
        ctx.add_conflict(tomb, "delete", None, None, delete_stamp, unseen, losing_stamp)
        status = "conflict"
    if spec.name == "customer":
        _cascade_delete(ctx, current.id, delete_stamp)
    return status


def _children(ctx: PushContext, customer_id: str) -> list[Row]:
    ctx.writer.flush()
    r = t.record.c
    query = sa.select(
        r.entity, r.id, r.scope, r.customer_id, r.data, r.stamps, r.deleted, r.seq
    ).where(r.customer_id == customer_id, r.entity.in_(CUSTOMER_CHILDREN))
    if ctx.writer.row_locks:
        query = query.order_by(r.entity, r.id).with_for_update()
    rows = ctx.conn.execute(query).all()
    out = []
    for db_row in rows:
        key = (db_row.entity, db_row.id)
        cached = ctx.rows.get(key)
        out.append(cached if cached is not None else Row.from_db(db_row))
    return out


def _cascade_delete(ctx: PushContext, customer_id: str, stamp: str) -> None:
    for child in _children(ctx, customer_id):
        if child.deleted:
            continue
        tomb = Row(
            child.entity,
            child.id,
            child.scope,
            child.customer_id,
            child.data,
            child.stamps | {DELETED_STAMP: stamp},
            True,
        )
        ctx.write(tomb, child)


def _move_children(ctx: PushContext, customer_id: str, scope: str) -> None:
    """A customer changed territory: its rows follow it (the new territory receives them)."""
    for child in _children(ctx, customer_id):
        moved = Row(
            child.entity,
            child.id,
            scope,
            child.customer_id,
            child.data,
            child.stamps,
            child.deleted,
        )
        ctx.write(moved, child, evict=False)


def _check_new_user(ctx: PushContext, values: dict[str, Any], user_id: str | None = None) -> None:
    """A new user, or a user renamed, must not take another account's name."""
    taken = ctx.conn.execute(
        sa.select(t.account.c.id).where(
            t.account.c.username == values.get("username"), t.account.c.id != (user_id or "")
        )
    ).first()
    if taken is not None:
        raise Rejected("This user name is already taken.", "username")


def _sync_account(ctx: PushContext, row: Row, *, created: bool) -> None:
    """Keep the login account of a user in step with an admin's edit of the user record."""
    values = {
        "username": row.data["username"],
        "role": row.data["role"],
        "territory_id": row.data.get("territory_id"),
        "active": bool(row.data.get("active", True)),
    }
    if created:
        ctx.conn.execute(
            t.account.insert().values(id=row.id, created_at=utcnow(), password_hash=None, **values)
        )
    else:
        ctx.conn.execute(t.account.update().where(t.account.c.id == row.id).values(**values))
