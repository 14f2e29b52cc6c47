"""Correcting what was written: edit and delete every record a user writes, cancel and
move visits, correct a filed report, withdraw a declaration; the trash and restoring from
it; undoing the last actions.

Each write returns :class:`Changes` with an :class:`Undo` (how to take it back), which the
desktop keeps in an :class:`UndoHistory`. Deleting a contact or visit deals with what
points at it by ``fieldcrm.domain.cascade``, the rule the server follows too; a restore
puts back what went with the record.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta
from typing import Any, TypedDict

import sqlalchemy as sa

from fieldcrm.app.changes import CONFLICT, Changes, Undo
from fieldcrm.app.requests import check_reach
from fieldcrm.domain import cascade
from fieldcrm.domain.hlc import stamp_ms
from fieldcrm.domain.validation import ValidationError, format_datetime, parse_datetime
from fieldcrm.store import Store, replica
from fieldcrm.store import tables as t
from fieldcrm.store.service import CUSTOMER_CHILDREN

#: How many actions Ctrl+Z can take back.
UNDO_LIMIT = 100
#: How long deleted records stay in the trash.
TRASH_DAYS = 30
#: What the trash lists, the record that caused a delete first (a customer's contacts and
#: visits went with it).
TRASH_ENTITIES = (
    "customer",
    "contact",
    "visit",
    "note",
    "followup",
    "relationship",
    "connection",
    "attachment",
)
#: What a filed report's correction may change.
REPORT_FIELDS = frozenset(
    {"outcome", "report", "next_steps", "attendee_ids", "check_in_at", "check_out_at"}
)


class CorrectionRefused(Exception):
    """A correction the rules do not allow; ``code`` says which (``author_only``,
    ``visit_not_planned``, ``unknown_record``)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


class UndoHistory:
    """The last actions since the app started, newest last (at most ``UNDO_LIMIT``)."""

    def __init__(self, limit: int = UNDO_LIMIT) -> None:
        self._entries: deque[Undo] = deque(maxlen=limit)

    def __len__(self) -> int:
        return len(self._entries)

    def record(self, changes: Changes) -> None:
        if changes.undo is not None:
            self._entries.append(changes.undo)

    def next_action(self) -> str | None:
        """The action Ctrl+Z would undo (``edit_contact``), or None."""
        return self._entries[-1].action if self._entries else None

    def take(self) -> Undo | None:
        return self._entries.pop() if self._entries else None


def kinds_of(entity: str) -> tuple[str, ...]:
    """What a write or delete of ``entity`` may change, cascades included."""
    if entity == "customer":
        return (entity, *CUSTOMER_CHILDREN)
    return (entity, *{d.entity for d in cascade.dependents(entity)})


# ---- generic edit, delete, restore -----------------------------------------------------------


def edit(
    store: Store, entity: str, row_id: str, changes: Mapping[str, Any], action: str
) -> Changes:
    """Change some fields; the undo writes the previous values back."""
    with store.write() as uow:
        before = uow.get(entity, row_id)
        if before is None:
            raise _unknown(entity, row_id)
        changed = uow.update(entity, row_id, changes)
    if not changed:
        return Changes.of(id=row_id)
    previous = {name: before[name] for name in changed}
    return Changes.of(
        *kinds_of(entity),
        id=row_id,
        undo=Undo(action, lambda s: _write_back(s, entity, row_id, previous)),
    )


def delete(store: Store, entity: str, row_id: str, action: str) -> Changes:
    """Delete (to the trash) with what depends on it; the undo restores it all."""
    with store.write() as uow:
        if uow.get(entity, row_id) is None:
            raise _unknown(entity, row_id)
        uow.delete(entity, row_id)
    return Changes.of(
        *kinds_of(entity),
        id=row_id,
        undo=Undo(action, lambda s: _restored(s, entity, row_id)),
    )


def created(entity: str, row_id: str, action: str, *kinds: str) -> Changes:
    """The ``Changes`` of a new record, whose undo deletes it."""
    return Changes.of(
        entity, *kinds, id=row_id, undo=Undo(action, lambda s: _deleted(s, entity, row_id))
    )


def restore(store: Store, entity: str, row_id: str) -> Changes:
    """Bring a record back from the trash (it syncs like any change); undo deletes it again."""
    _restored(store, entity, row_id)
    return Changes.of(
        *kinds_of(entity),
        id=row_id,
        undo=Undo("restore", lambda s: _deleted(s, entity, row_id)),
    )


def _write_back(store: Store, entity: str, row_id: str, values: Mapping[str, Any]) -> Changes:
    store.update(entity, row_id, values)
    return Changes.of(*kinds_of(entity), id=row_id)


def _restored(store: Store, entity: str, row_id: str) -> Changes:
    with store.write() as uow:
        uow.restore(entity, row_id)
    return Changes.of(*kinds_of(entity), id=row_id)


def _deleted(store: Store, entity: str, row_id: str) -> Changes:
    store.delete(entity, row_id)
    return Changes.of(*kinds_of(entity), id=row_id)


def _unknown(entity: str, row_id: str) -> CorrectionRefused:
    return CorrectionRefused("unknown_record", f"There is no {entity} {row_id} (any more).")


# ---- per record --------------------------------------------------------------------------


def edit_customer(store: Store, customer_id: str, changes: Mapping[str, Any]) -> Changes:
    return edit(store, "customer", customer_id, changes, "edit_customer")


def delete_customer(store: Store, customer_id: str) -> Changes:
    return delete(store, "customer", customer_id, "delete_customer")


def edit_contact(store: Store, contact_id: str, changes: Mapping[str, Any]) -> Changes:
    return edit(store, "contact", contact_id, changes, "edit_contact")


def delete_contact(store: Store, contact_id: str) -> Changes:
    """Delete a contact: its relationships and declarations go with it, notes about it stay
    on the customer, visits forget it as an attendee."""
    return delete(store, "contact", contact_id, "delete_contact")


def edit_note(store: Store, note_id: str, text: str) -> Changes:
    return edit(store, "note", note_id, {"text": text}, "edit_note")


def delete_note(store: Store, note_id: str) -> Changes:
    return delete(store, "note", note_id, "delete_note")


def edit_followup(
    store: Store, followup_id: str, changes: Mapping[str, Any], user_id: str
) -> Changes:
    """Change a follow-up's title, due date or assignee. Given to someone else, it becomes
    a request of ``user_id`` to them (they answer afresh); the person must see the customer."""
    values = dict(changes)
    current = store.get("followup", followup_id)
    if current is None:
        raise _unknown("followup", followup_id)
    assignee = values.get("assignee_id")
    if assignee is not None and assignee != current["assignee_id"]:
        with store.read() as conn:
            check_reach(conn, assignee, current["customer_id"], user_id)
        values["requested_by_id"] = user_id if assignee != user_id else None
        values.update(response=None, response_note=None, responded_at=None)
    return edit(store, "followup", followup_id, values, "edit_followup")


def delete_followup(store: Store, followup_id: str) -> Changes:
    return delete(store, "followup", followup_id, "delete_followup")


def cancel_visit(store: Store, visit_id: str, reason: str) -> Changes:
    """Cancel a planned visit with a reason (required)."""
    visit = _planned_visit(store, visit_id)
    if not reason or not reason.strip():
        raise ValidationError.single("visit", "cancel_reason", "required")
    return edit(
        store,
        "visit",
        visit["id"],
        {"status": "cancelled", "cancel_reason": reason},
        "cancel_visit",
    )


def move_visit(
    store: Store, visit_id: str, start: datetime | str, end: datetime | str | None = None
) -> Changes:
    """Plan a visit for another time; without ``end`` it keeps its length. A cancelled
    visit moved is planned again."""
    visit = store.get("visit", visit_id)
    if visit is None:
        raise _unknown("visit", visit_id)
    if visit["status"] == "done":
        raise CorrectionRefused("visit_not_planned", "A visit that took place cannot be moved.")
    try:
        new_start = start if isinstance(start, datetime) else parse_datetime(start)
    except ValueError:
        raise ValidationError.single("visit", "planned_start", "not_datetime") from None
    if new_start.tzinfo is None:
        new_start = new_start.replace(tzinfo=UTC)
    changes: dict[str, Any] = {"planned_start": new_start}
    if end is not None:
        changes["planned_end"] = end
    elif visit["planned_end"]:
        length = parse_datetime(visit["planned_end"]) - parse_datetime(visit["planned_start"])
        changes["planned_end"] = new_start + max(length, timedelta(0))
    if visit["status"] == "cancelled":
        changes.update(status="planned", cancel_reason=None)
    return edit(store, "visit", visit_id, changes, "move_visit")


def move_visit_to_day(store: Store, visit_id: str, day: date) -> Changes:
    """Plan a visit for ``day`` at the same local time of day (what dragging it to another
    day of the week planner does); it keeps its length. Undone like ``move_visit``."""
    visit = store.get("visit", visit_id)
    if visit is None:
        raise _unknown("visit", visit_id)
    return move_visit(store, visit_id, same_time_on(visit["planned_start"], day))


def same_time_on(start: datetime | str, day: date) -> datetime:
    """``start`` moved to ``day`` at the same wall-clock time in the local time zone (a
    visit at 9:00 stays at 9:00 across a change to or from summer time), in UTC."""
    moment = start if isinstance(start, datetime) else parse_datetime(start)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    wall = moment.astimezone().replace(tzinfo=None)
    return datetime.combine(day, wall.time()).astimezone().astimezone(UTC)


def correct_report(store: Store, visit_id: str, changes: Mapping[str, Any]) -> Changes:
    """Correct a filed report: outcome, text, next steps, attendees, the real times."""
    unknown = sorted(set(changes) - REPORT_FIELDS)
    if unknown:
        raise ValidationError.single("visit", unknown[0], "unknown_field", entity="report")
    return edit(store, "visit", visit_id, changes, "correct_report")


def delete_visit(store: Store, visit_id: str) -> Changes:
    """Delete a visit: its feedback goes with it; notes and follow-ups from it stay on the
    customer."""
    return delete(store, "visit", visit_id, "delete_visit")


def edit_relationship(store: Store, relationship_id: str, changes: Mapping[str, Any]) -> Changes:
    return edit(store, "relationship", relationship_id, changes, "edit_relationship")


def delete_relationship(store: Store, relationship_id: str) -> Changes:
    return delete(store, "relationship", relationship_id, "delete_relationship")


def withdraw_connection(store: Store, connection_id: str, user_id: str) -> Changes:
    """Withdraw one's own "I know this person" (nobody withdraws another's)."""
    connection = store.get("connection", connection_id)
    if connection is None:
        raise _unknown("connection", connection_id)
    if connection["user_id"] != user_id:
        raise CorrectionRefused("author_only", "Only the person who declared it can withdraw it.")
    return delete(store, "connection", connection_id, "withdraw_connection")


def _planned_visit(store: Store, visit_id: str) -> dict[str, Any]:
    visit = store.get("visit", visit_id)
    if visit is None:
        raise _unknown("visit", visit_id)
    if visit["status"] != "planned":
        raise CorrectionRefused("visit_not_planned", "Only a planned visit can be cancelled.")
    return visit


# ---- trash -----------------------------------------------------------------------------------


class TrashRow(TypedDict):
    """A deleted record in the trash, with how many records went with it."""

    entity: str
    id: str
    label: str
    customer_name: str | None
    deleted_at: str
    with_others: int


_LABELS: dict[str, str] = {
    "customer": "x.name",
    "contact": "trim(coalesce(x.first_name, '') || ' ' || coalesce(x.last_name, ''))",
    "visit": "coalesce(x.purpose, x.planned_start)",
    "note": "substr(x.text, 1, 120)",
    "followup": "x.title",
    "relationship": "x.kind",
    "connection": "x.contact_id",
    "attachment": "x.name",
}


def trash(store: Store, now: datetime | None = None, days: int = TRASH_DAYS) -> list[TrashRow]:
    """Records deleted in the last ``days`` (here or on another laptop), newest first; what
    went with a record (a customer's contacts, ...) is counted, not listed."""
    since_ms = int(((now or datetime.now(UTC)) - timedelta(days=days)).timestamp() * 1000)
    since = f"{since_ms:013d}"
    groups: dict[str, list[tuple[int, dict[str, Any]]]] = {}
    with store.read() as conn:
        for rank, entity in enumerate(TRASH_ENTITIES):
            customer = "x.id" if entity == "customer" else "x.customer_id"
            sql = sa.text(
                f"SELECT x.id, {_LABELS[entity]} AS label, c.name AS customer_name, "
                "json_extract(x.stamps, '$._deleted') AS stamp "
                f'FROM "{entity}" AS x LEFT JOIN customer AS c ON c.id = {customer} '
                "WHERE x.deleted = 1 AND json_extract(x.stamps, '$._deleted') >= :since"
            )
            for row in conn.execute(sql, {"since": since}):
                if row.stamp is None or row.label is None:
                    continue  # deleted before this laptop ever saw it
                groups.setdefault(row.stamp, []).append((rank, {**row._mapping, "entity": entity}))
    out: list[TrashRow] = []
    for stamp, members in groups.items():
        members.sort(key=lambda m: m[0])
        first = members[0][1]
        try:
            when = format_datetime(datetime.fromtimestamp(stamp_ms(stamp) / 1000, UTC))
        except ValueError:
            continue
        out.append(
            TrashRow(
                entity=first["entity"],
                id=first["id"],
                label=str(first["label"]),
                customer_name=first["customer_name"],
                deleted_at=when,
                with_others=len(members) - 1,
            )
        )
    out.sort(key=lambda r: (r["deleted_at"], r["id"]), reverse=True)
    return out


# ---- conflicts ---------------------------------------------------------------------------


def restore_with_my_edit(store: Store, conflict_id: str) -> Changes:
    """A delete won over an edit: bring the record back with the edit, and settle the
    conflict (the next push tells the server)."""
    with store.read() as conn:
        conflict = conn.execute(sa.select(t.conflict).where(t.conflict.c.id == conflict_id)).first()
    if conflict is None or conflict.kind != "delete":
        raise CorrectionRefused("unknown_record", f"There is no deletion conflict {conflict_id}.")
    edit_values = conflict.losing_value if isinstance(conflict.losing_value, dict) else {}
    with store.write() as uow:
        current = replica_row(uow.connection, conflict.entity, conflict.row_id)
        if current is not None and current["deleted"]:
            uow.restore(conflict.entity, conflict.row_id, edit_values)
        elif current is not None:
            uow.update(conflict.entity, conflict.row_id, edit_values)
    replica.resolve_conflict(store, conflict_id)
    return Changes.of(CONFLICT, *kinds_of(conflict.entity), id=conflict.row_id)


def replica_row(conn: sa.Connection, entity: str, row_id: str) -> dict[str, Any] | None:
    table = t.ENTITY_TABLES[entity]
    row = conn.execute(sa.select(table).where(table.c.id == row_id)).first()
    return dict(row._mapping) if row else None
