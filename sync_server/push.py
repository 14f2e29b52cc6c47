"""Push: apply a device's outbox entries - idempotent, authorised, validated, merged per field.

Rules, entry by entry (a rejected entry never blocks the ones after it):

* Replay: an entry whose (device id, operation number) was seen before with the same content
  (its SHA-256, ``entry_digest``) gets the stored result back with ``replayed=true`` and
  changes nothing. The same number with other content is no replay: the device identity
  was reused (a profile restored from a backup or copied to a second laptop). The whole
  push is refused with ``device_reused`` and nothing is written; the laptop takes a new
  identity and sends its changes again.
* Authorisation: the row (or, for a new contact/visit/note/follow-up, its customer) must be in
  the caller's write scope; users and territories are changed by admins only. Server-controlled
  fields (``territory_id``, ``owner_id``, ``role``, ...) sent by a rep are ignored and set from
  the caller's scope; managers may move customers between territories of their area.
* Validation with the shared domain rules; unknown entities or fields are rejected by name.
* Clocks: a stamp more than ``MAX_CLOCK_AHEAD_MS`` ahead of the server clock is rejected
  (the laptop's clock is wrong); anything closer is accepted as it is. Every stamp has the
  fixed form and length (``check_stamp``) and names the caller's device; base stamps have
  the form too but may name any device.
* Size: an entry, or the row it would make, above ``MAX_RECORD_BYTES`` (fields and stamps
  as JSON) is rejected.
* People: the people a record names are checked against the caller (``_check_people``).
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

import hashlib
import logging
import re
import uuid
from dataclasses import dataclass
from typing import Any

import orjson
import sqlalchemy as sa

from fieldcrm.domain import cascade
from fieldcrm.domain.entities import ENTITIES, EntitySpec
from fieldcrm.domain.hlc import check_stamp, wall_clock_ms
from fieldcrm.domain.merge import merge_fields
from fieldcrm.domain.validation import (
    FieldError,
    ValidationError,
    validate_changes,
    validate_record,
)
from fieldcrm.protocol import (
    MAX_RECORD_BYTES,
    EntryResult,
    FieldProblem,
    OutboxEntry,
    PushRequest,
    PushResponse,
)
from fieldcrm.protocol.codes import REJECTIONS, english
from sync_server import bulletins
from sync_server import tables as t
from sync_server.scope import GLOBAL_SCOPE, Caller, Scopes, caller_scopes
from sync_server.store import (
    DELETED_STAMP,
    SERVER_DEVICE,
    Row,
    Writer,
    dumps,
    iso_now,
    load_rows,
    server_stamp,
    utcnow,
)

log = logging.getLogger("sync_server.push")

MAX_CLOCK_AHEAD_MS = 5 * 60 * 1000
#: What an attachment's content is: set when it is made, never changed.
ATTACHMENT_CONTENT_FIELDS = ("sha256", "size", "media_type")
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
    or fields, values of the wrong JSON type, malformed or overlong stamps and base stamps,
    stamps far in the future.

    Returns ``(code, problems)``; no problems means the push may go ahead. Rule breaks a
    correct client can produce (an empty required field, a foreign territory) are not
    checked here: they reject single entries.
    """
    problems: list[dict[str, Any]] = []
    clock_ahead = False
    #: Stamps of this push found well-formed, with their milliseconds: an entry stamps
    #: every field it sends with one stamp, so each is checked once.
    good: dict[str, int] = {}
    for entry in request.entries:
        spec = ENTITIES.get(entry.entity)
        op_no = entry.op_no
        if spec is None:
            problems.append(
                {"op_no": op_no, "field": "entity", "message": f"unknown entity {entry.entity!r}"}
            )
            continue
        kinds = _FIELD_KINDS[spec.name]
        for name, value in entry.fields.items():
            kind = kinds.get(name)
            if kind is None:
                message = f"{name!r} is not a field of {entry.entity}"
            elif value is None or _json_type_ok(kind, value):
                if value.__class__ is not int or value in _INT64:
                    continue
                # The standard library reads any integer; no encoder of the server writes
                # one beyond 64 bits again (the entry's digest, the stored row).
                message = f"{name!r} is a number beyond the 64-bit range"
            else:
                message = f"{name!r} has the wrong type ({type(value).__name__})"
            problems.append({"op_no": op_no, "field": name, "message": message})
        stamps = entry.stamps
        stamp_names = _DELETE_STAMP_NAMES if entry.op == "delete" else entry.fields.keys()
        for name in stamp_names:
            stamp = stamps.get(name)
            if stamp is None:
                problems.append(
                    {"op_no": op_no, "field": name, "message": f"no clock stamp for {name!r}"}
                )
                continue
            ms = good.get(stamp)
            if ms is None:
                try:
                    ms = good[stamp] = check_stamp(stamp)[0]
                except ValueError as exc:
                    problems.append({"op_no": op_no, "field": name, "message": str(exc)})
                    continue
            if ms - now_ms > MAX_CLOCK_AHEAD_MS:
                clock_ahead = True
                minutes = (ms - now_ms) // 60000
                problems.append(
                    {
                        "op_no": op_no,
                        "field": name,
                        "message": f"the change is dated {minutes} minutes in the future",
                    }
                )
        # Every other stamp has the fixed form too (base stamps may name other devices).
        for what, named in (("stamp", stamps), ("base stamp", entry.base_stamps)):
            for name, stamp in named.items():
                if stamp in good or (what == "stamp" and name in stamp_names):
                    continue
                try:
                    good[stamp] = check_stamp(stamp)[0]
                except ValueError as exc:
                    known = name == DELETED_STAMP or name in spec.by_name
                    problems.append(
                        {
                            "op_no": op_no,
                            "field": name if known else None,
                            "message": f"{what}: {exc}",
                        }
                    )
    return ("clock_ahead" if clock_ahead else "invalid_entries"), problems


_DELETE_STAMP_NAMES = (DELETED_STAMP,)
#: The integers orjson writes.
_INT64 = range(-(2**63), 2**64)
#: Per entity, each field's kind.
_FIELD_KINDS = {name: {f.name: f.kind for f in spec.fields} for name, spec in ENTITIES.items()}
#: Kinds whose values are JSON text.
_TEXT_KINDS = frozenset(("str", "text", "email", "enum", "date", "datetime", "ref"))


def _json_type_ok(kind: str, value: Any) -> bool:
    if value.__class__ is str:
        return kind in _TEXT_KINDS  # the usual case, first
    if isinstance(value, bool) and kind != "bool":
        return False
    if kind == "ref_list":
        return isinstance(value, list) and all(isinstance(v, str) for v in value)
    return isinstance(value, _JSON_TYPES.get(kind, (str,)))


def entry_digest(entry: OutboxEntry) -> str:
    """SHA-256 of what an entry changes: tells a replay from a reused operation number."""
    content = [entry.entity, entry.row_id, entry.op, entry.fields, entry.stamps, entry.base_stamps]
    return hashlib.sha256(orjson.dumps(content, option=orjson.OPT_SORT_KEYS)).hexdigest()


class DeviceReused(Exception):
    """Operation numbers this device used before arrived with other content."""

    def __init__(self, op_nos: list[int]) -> None:
        super().__init__(
            "This laptop's device identity was used before by another copy of its profile "
            "(a backup put back or a profile copied to another computer). It takes a new "
            "identity and sends its changes again; nothing was saved from this push."
        )
        self.op_nos = op_nos


class Rejected(Exception):
    """An entry the server refuses: a code (``fieldcrm.protocol.codes.REJECTIONS``) with its
    parameters, the field it is about, and for ``invalid`` each field's problem."""

    def __init__(
        self,
        code: str,
        field: str | None = None,
        /,
        *,
        problems: tuple[FieldError, ...] = (),
        **params: Any,
    ) -> None:
        if code == "invalid":
            params = {"details": "; ".join(str(p) for p in problems)}
        reason = english(REJECTIONS, code, params)
        super().__init__(reason)
        self.code = code
        self.params = params
        self.reason = reason
        self.field = field
        self.problems = problems

    def result(self, op_no: int) -> EntryResult:
        return EntryResult(
            op_no=op_no,
            status="rejected",
            reason=self.reason,
            field=self.field,
            code=self.code,
            params=self.params,
            problems=[
                FieldProblem(field=p.field, code=p.code, params=dict(p.params))
                for p in self.problems
            ],
        )


@dataclass(frozen=True, slots=True)
class Account:
    """What the people checks need to know of a user."""

    role: str
    territory_id: str | None
    active: bool


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
        self._accounts: dict[str, Account | None] = {}

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

    def account(self, user_id: str) -> Account | None:
        """Role, territory and active flag of a user (``None``: no such user)."""
        if user_id not in self._accounts:
            a = t.account.c
            found = self.conn.execute(
                sa.select(a.role, a.territory_id, a.active).where(a.id == user_id)
            ).first()
            self._accounts[user_id] = (
                None if found is None else Account(found.role, found.territory_id, found.active)
            )
        return self._accounts[user_id]

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
        self.writer.add_conflict(conflict_id, row.scope, row.entity, row.id, dumps(payload))


def push(conn: sa.Connection, caller: Caller, request: PushRequest) -> PushResponse:
    """Apply a push inside the caller's open write transaction."""
    return PushResponse.model_validate_json(push_answer(conn, caller, request))


def _result_json(op_no: int, status: str) -> bytes:
    """An ``EntryResult`` of an entry that was not rejected, as pydantic writes it (built by
    hand: a push answers up to a thousand of them)."""
    return _RESULT_JSON % (op_no, status.encode())


_RESULT_JSON = (
    b'{"op_no":%d,"status":"%s","replayed":false,"reason":null,"field":null,"code":null,'
    b'"params":{},"problems":[]}'
)


def _as_replayed(result: bytes | str) -> bytes:
    """A stored result as the answer to a replay (``replayed`` true)."""
    replayed = EntryResult.model_validate_json(result).model_copy(update={"replayed": True})
    return replayed.model_dump_json().encode()


def push_answer(conn: sa.Connection, caller: Caller, request: PushRequest) -> bytes:
    """Apply a push inside the caller's open write transaction; the ``PushResponse`` as JSON."""
    # Territories change rarely (admin commands); reading them before the lock is fine.
    scopes = caller_scopes(conn, caller.role, caller.territory_id, caller.user_id)
    if conn.dialect.name == "postgresql":
        # Pushes of one device run one after the other (a retry racing its original).
        conn.execute(
            sa.text("SELECT pg_advisory_xact_lock(hashtext(:device))"),
            {"device": caller.device_id},
        )
    writer = Writer(conn)
    ctx = PushContext(writer, caller, scopes, wall_clock_ms())
    mine = [e for e in request.entries if e.device_id == caller.device_id]
    digests = {e.op_no: entry_digest(e) for e in mine}
    op_nos = sorted(digests)
    #: Answers of operations already applied (stored, or earlier in this request).
    seen: dict[int, bytes | str] = {}
    reused: list[int] = []
    for i in range(0, len(op_nos), 500):
        a = t.applied_op.c
        for row in conn.execute(
            sa.select(a.op_no, a.result, a.digest).where(
                a.device_id == caller.device_id, a.op_no.in_(op_nos[i : i + 500])
            )
        ):
            if row.digest is not None and row.digest != digests[row.op_no]:
                reused.append(row.op_no)
                continue
            seen[row.op_no] = row.result
    if reused:
        log.warning(
            "device identity reused",
            extra={"device_id": caller.device_id, "user_id": caller.user_id, "op_nos": reused[:10]},
        )
        raise DeviceReused(reused)
    ctx.preload(
        [
            (e.entity, e.row_id)
            for e in request.entries
            if e.entity in ENTITIES and e.op_no not in seen
        ]
    )
    results: list[bytes] = []
    new_ops: list[tuple[Any, ...]] = []
    for entry in request.entries:
        op_no = entry.op_no
        if entry.device_id != caller.device_id:
            results.append(
                EntryResult(
                    op_no=op_no,
                    status="rejected",
                    reason="This entry was written on another device than the one logged in.",
                    field="device_id",
                )
                .model_dump_json()
                .encode()
            )
            continue
        if op_no in seen:
            results.append(_as_replayed(seen[op_no]))
            continue
        try:
            result = _result_json(op_no, apply_entry(ctx, entry))
        except Rejected as exc:
            result = exc.result(op_no).model_dump_json().encode()
        results.append(result)
        seen[op_no] = result
        new_ops.append((op_no, result.decode(), digests[op_no]))
    writer.applied(caller.device_id, caller.user_id, new_ops)
    for conflict_id in dict.fromkeys(request.resolved_conflicts):
        resolve_conflict(ctx, conflict_id)
    writer.finish()
    return b'{"results":[%s],"server_time":"%s"}' % (b",".join(results), iso_now().encode())


def resolve_conflict(ctx: PushContext, conflict_id: str) -> None:
    c = t.conflict.c
    ctx.writer.flush()
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
            "unknown_entity",
            "entity",
            entity=entry.entity,
        )
    if entry.entity in SERVER_MANAGED and not ctx.caller.is_admin:
        raise Rejected("admin_only", "entity", entity=entry.entity)
    if not _ROW_ID.match(entry.row_id):
        raise Rejected("bad_record_id", "row_id")
    _check_stamps(ctx, entry)
    _check_size(spec, entry.fields, entry.stamps)
    current = ctx.row(entry.entity, entry.row_id)
    if current is not None and not ctx.scopes.can_read(current.scope):
        # A row the caller may not see is answered as an id the server does not know, so
        # that nobody can probe which ids exist in other territories. (A delete of an
        # unknown id is a no-op, but a delete of such a row must not be acknowledged: it
        # would be an acknowledged write that the server does not keep.)
        if entry.op == "create":
            raise Rejected("bad_record_id", "row_id")
        raise Rejected("not_found", "row_id", entity=entry.entity)
    if bulletins.governs(spec.name, current, entry):
        bulletins.authorize(ctx, spec.name, current)
    elif current is not None and not ctx.scopes.can_write(current.scope):
        raise Rejected("other_territory", "territory_id", entity=entry.entity)
    if current is not None and not current.deleted:
        _check_personal(ctx, spec, current, entry)
    elif current is not None and entry.op != "delete":
        _check_personal_restore(ctx, spec, current)
    if entry.op == "delete":
        return _delete(ctx, spec, entry, current)
    fields = _client_fields(ctx, spec, entry)
    if current is not None:
        _check_people(ctx, spec, fields, current)
    if spec.name == "followup":
        _check_request(ctx, fields, current)
    if current is None:
        if entry.op == "update":
            raise Rejected("not_found", "row_id", entity=entry.entity)
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
            raise Rejected("no_delete_stamp", DELETED_STAMP)
        names = [DELETED_STAMP]
    else:
        missing = [name for name in entry.fields if name not in entry.stamps]
        if missing:
            raise Rejected("no_stamp", missing[0], name=missing[0])
        names = list(entry.fields)
    for name in names:
        try:
            ms, _, device_id = check_stamp(entry.stamps[name])
        except ValueError as exc:
            raise Rejected("bad_stamp", name, detail=str(exc)) from None
        if device_id != ctx.caller.device_id:
            # A stamp names the device (and so the person) a conflict is put down to, and
            # breaks ties between equal times: only the caller's own device may be named.
            raise Rejected("foreign_device", name)
        ahead = ms - ctx.now_ms
        if ahead > MAX_CLOCK_AHEAD_MS:
            raise Rejected(
                "future",
                name,
                minutes=ahead // 60000,
            )


def record_bytes(fields: dict[str, Any], stamps: dict[str, str]) -> int:
    """Size of a record as the byte cap counts it: its values and stamps as JSON."""
    return len(orjson.dumps(fields)) + len(orjson.dumps(stamps))


def _check_size(spec: EntitySpec, fields: dict[str, Any], stamps: dict[str, str]) -> None:
    """A record (an entry as sent, or a row as it would be stored) within the byte cap."""
    if record_bytes(fields, stamps) > MAX_RECORD_BYTES:
        raise Rejected("too_large", None, entity=spec.name, kib=MAX_RECORD_BYTES // 1024)


def _reject_invalid(exc: ValidationError) -> Rejected:
    return Rejected("invalid", exc.errors[0].field, problems=exc.errors)


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


#: What others may change of someone's record: that they read a comment.
_READER_FIELDS = {"comment": frozenset({"read_at"})}


def _check_personal(ctx: PushContext, spec: EntitySpec, current: Row, entry: OutboxEntry) -> None:
    """Only the author changes or deletes their own comment or connection (the person a
    comment was written to marks it read)."""
    if ctx.caller.is_admin or bulletins.is_shelf_document(spec.name, current.data):
        return  # a shelf document: any manager of the area (``bulletins.authorize``)
    readers_may = _READER_FIELDS.get(spec.name)
    if readers_may and entry.op == "update" and entry.fields and set(entry.fields) <= readers_may:
        return
    for name in _personal_fields(spec):
        if current.data.get(name) not in (None, ctx.caller.user_id):
            raise Rejected("author_only", name, entity=spec.name)


def _check_personal_restore(ctx: PushContext, spec: EntitySpec, current: Row) -> None:
    """A comment or connection its author withdrew comes back only by its author. One
    deleted with what it pointed at (a contact or visit deleted by someone else) comes
    back when that record is restored, by whoever restores it."""
    if ctx.caller.is_admin:
        return
    deleted_by = ctx.user_of_stamp(current.stamps.get(DELETED_STAMP))
    for name in _personal_fields(spec):
        author = current.data.get(name)
        if author not in (None, ctx.caller.user_id) and deleted_by == author:
            raise Rejected("author_only", name, entity=spec.name)


def _is_server(caller: Caller) -> bool:
    """The server's own writes (admin commands, imports): no device session behind them."""
    return caller.device_id == SERVER_DEVICE and not caller.session_id


#: Fields that name the person who writes the record: always the caller.
_AUTHOR_FIELDS = frozenset(
    {
        ("note", "author_id"),
        ("comment", "author_id"),
        ("connection", "user_id"),
        ("followup", "requested_by_id"),
    }
)
#: A follow-up's answer to a request: given by the person asked (its assignee) only.
_ANSWER_FIELDS = ("response", "response_note", "responded_at")


def _check_people(
    ctx: PushContext, spec: EntitySpec, values: dict[str, Any], current: Row | None
) -> None:
    """The people a new or changed record names (a value the row already holds is not
    checked again, so records of people who left stay editable).

    The author of a note or comment and the person who knows a contact are the caller; a
    visit's rep is the caller, or for a manager or admin an active rep of their scope;
    anyone else named (a follow-up's assignee, a customer's owner, a handover's people)
    is an active user the caller may see (an admin: anyone active). The person a
    customer is handed over from may have left (that is often why it is handed over).
    """
    for fspec in spec.ref_fields:
        if fspec.ref != "user" or fspec.kind == "ref_list":
            continue  # the reps a bulletin is addressed to: ``bulletins``
        name = fspec.name
        user_id = values.get(name)
        if user_id is None or (current is not None and current.data.get(name) == user_id):
            continue
        caller = ctx.caller
        if _is_server(caller):
            # Admin commands, imports and demo data write on behalf of the people named.
            if user_id != caller.user_id and ctx.account(user_id) is None:
                raise Rejected("unknown_person", name)
            continue
        if (spec.name, name) in _AUTHOR_FIELDS:
            if user_id != caller.user_id:
                raise Rejected("own_name_only", name, entity=spec.name)
            continue
        if spec.name == "visit" and name == "rep_id" and user_id != caller.user_id:
            if caller.role == "rep":
                raise Rejected("own_visits_only", name)
            account = ctx.account(user_id)
            if (
                account is None
                or not account.active
                or account.role != "rep"
                or not (caller.is_admin or ctx.scopes.can_write(account.territory_id or ""))
            ):
                raise Rejected("visit_rep_outside", name)
            continue
        if user_id == caller.user_id:
            continue
        account = ctx.account(user_id)
        if account is None:
            raise Rejected("unknown_person", name)
        if not account.active and not (spec.name == "handover" and name == "from_user_id"):
            raise Rejected("person_disabled", name)
        if not caller.is_admin and (
            account.territory_id is None or not ctx.scopes.can_read(account.territory_id)
        ):
            raise Rejected("person_outside", name)


def _check_request(ctx: PushContext, values: dict[str, Any], current: Row | None) -> None:
    """A follow-up asked of someone: they must be able to see its customer (a rep: the
    customer's territory), and only they answer it."""
    data = (current.data if current is not None else {}) | values
    assignee_id = data.get("assignee_id")
    if any(name in values for name in _ANSWER_FIELDS) and not ctx.caller.is_admin:
        before = current.data if current is not None else {}
        changes_answer = any(
            values[name] != before.get(name) for name in _ANSWER_FIELDS if name in values
        )
        if changes_answer and assignee_id != ctx.caller.user_id:
            raise Rejected("assignee_only", "response")
    assigning = "assignee_id" in values and (
        current is None or values["assignee_id"] != current.data.get("assignee_id")
    )
    if not assigning or assignee_id is None or assignee_id == ctx.caller.user_id:
        return
    account = ctx.account(assignee_id)
    customer = ctx.row("customer", data.get("customer_id") or "")
    if account is None or customer is None:
        return  # unknown people and customers are refused by their own checks
    if not caller_scopes(ctx.conn, account.role, account.territory_id).can_read(customer.scope):
        raise Rejected("assignee_outside", "assignee_id")


def _customer_scope(ctx: PushContext, spec: EntitySpec, values: dict[str, Any]) -> tuple[str, str]:
    """(scope, customer id) of a contact/visit/note/follow-up from its customer."""
    assert spec.customer_field is not None
    customer_id = values.get(spec.customer_field)
    customer = ctx.row("customer", customer_id) if customer_id else None
    if customer is None or not ctx.scopes.can_write(customer.scope):
        raise Rejected("customer_unavailable", spec.customer_field)
    if customer.deleted:
        raise Rejected("customer_deleted", spec.customer_field)
    return customer.scope, customer.id


def _check_territory(ctx: PushContext, territory_id: str | None, field: str) -> str:
    if territory_id is None or territory_id not in ctx.scopes.territories:
        raise Rejected("unknown_territory", field)
    if territory_id in ctx.scopes.areas:
        raise Rejected("territory_is_area", field)
    if not ctx.scopes.can_write(territory_id):
        raise Rejected("territory_outside", field)
    return territory_id


def _scope_of_new(
    ctx: PushContext, spec: EntitySpec, values: dict[str, Any], client: dict[str, Any]
) -> tuple[str, str | None]:
    """Scope and customer id of a new row; fills server-controlled fields in ``values``."""
    caller = ctx.caller
    if (
        spec.name in ("bulletin", "bulletin_receipt")
        or client.get("bulletin_id")
        or bulletins.is_shelf_document(spec.name, client)
    ):
        return bulletins.scope_of_new(ctx, spec, values)
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
            raise Rejected("no_territory", "territory_id")
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
    _check_people(ctx, spec, record, None)
    if spec.name == "connection":
        _check_new_connection(ctx, record)
    entry_stamps = [entry.stamps[name] for name in client]
    latest = max(entry_stamps) if entry_stamps else None
    fallback = server_stamp(latest, ctx.now_ms)
    stamps = {}
    for name in spec.field_names:
        sent = name in client and client[name] == record[name]
        stamps[name] = entry.stamps[name] if sent else fallback
    _check_size(spec, record, stamps)
    row = Row(spec.name, entry.row_id, scope, customer_id, record, stamps, False, stored=False)
    if spec.name == "bulletin":
        bulletins.register_audience(ctx, row)
    ctx.write(row, None)
    if spec.name == "user":
        _sync_account(ctx, row, created=True)
    return "applied"


def _update(
    ctx: PushContext, spec: EntitySpec, entry: OutboxEntry, client: dict[str, Any], current: Row
) -> str:
    if spec.name == "attachment":
        for name in ATTACHMENT_CONTENT_FIELDS:
            if name in client and client[name] != current.data.get(name):
                # Other content would be another file: its hash was checked on upload.
                raise Rejected("content_fixed", name)
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
        elif spec.name == "bulletin":
            scope = bulletins.scope_of_changed(ctx, data, current)
            moved = scope != current.scope
        elif spec.name == "user":
            scope = data.get("territory_id") or GLOBAL_SCOPE
            if data["username"] != current.data.get("username"):
                _check_new_user(ctx, data, current.id)
        _check_size(spec, data, new_stamps)
        row = Row(spec.name, current.id, scope, customer_id, data, new_stamps, False)
        if spec.name == "bulletin" and scope != current.scope:
            bulletins.register_audience(ctx, row)
        ctx.write(row, current)
        if moved:
            # A laptop evicts a customer's records with it, not a bulletin's comments.
            _move_children(ctx, current.id, scope, evict=spec.name == "bulletin")
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
        raise Rejected("no_sync_delete", "entity", entity=spec.name)
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
    if spec.name in ("customer", "bulletin"):
        _cascade_delete(ctx, current.id, delete_stamp)
    elif cascade.dependents(spec.name):
        _delete_dependents(ctx, spec.name, current, delete_stamp)
    return status


def _delete_dependents(ctx: PushContext, entity: str, parent: Row, stamp: str) -> None:
    """What points at a deleted contact or visit, as the laptop does it
    (``fieldcrm.domain.cascade``): usually the laptop sent these changes before the delete
    and nothing is left; records written elsewhere meanwhile are caught here."""
    candidates = _children(ctx, parent.customer_id) if parent.customer_id else []
    if entity == "contact":
        # A relationship may name a contact of another customer.
        r = t.record.c
        ctx.writer.flush()
        others = ctx.conn.execute(
            sa.select(r.entity, r.id, r.scope, r.customer_id, r.data, r.stamps, r.deleted, r.seq)
            .where(
                r.entity == "relationship",
                r.customer_id != parent.customer_id,
                r.data.contains(parent.id),
            )
            .order_by(r.id)
        ).all()
        candidates += [ctx.rows.get((o.entity, o.id)) or Row.from_db(o) for o in others]
    for dependent in cascade.dependents(entity):
        for candidate in candidates:
            child = ctx.rows.get((candidate.entity, candidate.id)) or candidate
            if (
                child.entity != dependent.entity
                or child.deleted
                or not cascade.points_at(dependent, child.data, parent.id)
            ):
                continue
            if dependent.action == "delete":
                stamps = child.stamps | {DELETED_STAMP: stamp}
                changed = Row(
                    child.entity, child.id, child.scope, child.customer_id, child.data, stamps, True
                )
            else:
                data = child.data | cascade.cleared(dependent, child.data, parent.id)
                stamps = child.stamps | {dependent.field: stamp}
                changed = Row(
                    child.entity, child.id, child.scope, child.customer_id, data, stamps, False
                )
            ctx.write(changed, child)


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


def _move_children(ctx: PushContext, customer_id: str, scope: str, *, evict: bool = False) -> None:
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
        ctx.write(moved, child, evict=evict)


def _check_new_connection(ctx: PushContext, record: dict[str, Any]) -> None:
    """A person says once that they know a contact: a second declaration (from another
    laptop, or made offline on both) is refused with ``already_declared``."""
    rows = ctx.conn.execute(
        sa.select(t.record.c.data).where(
            t.record.c.entity == "connection",
            t.record.c.customer_id == record["customer_id"],
            t.record.c.deleted.is_(False),
        )
    )
    person = record.get("user_id") or ctx.caller.user_id
    for (data,) in rows:
        known = orjson.loads(data)
        if (known.get("contact_id"), known.get("user_id")) == (record["contact_id"], person):
            raise Rejected("already_declared", "contact_id")


def _check_new_user(ctx: PushContext, values: dict[str, Any], user_id: str | None = None) -> None:
    """A new user, or a user renamed, must not take another account's name."""
    taken = ctx.conn.execute(
        sa.select(t.account.c.id).where(
            t.account.c.username == values.get("username"), t.account.c.id != (user_id or "")
        )
    ).first()
    if taken is not None:
        raise Rejected("username_taken", "username")


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
