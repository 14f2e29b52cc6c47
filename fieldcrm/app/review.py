"""What a sync left for the user to settle: conflicts (two edits of one field met) and
changes the server rejected; resolving, fixing and discarding them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple

import sqlalchemy as sa

from fieldcrm.app.changes import CONFLICT, REJECTED, Changes
from fieldcrm.app.records import ConflictRow, RejectedChangeRow
from fieldcrm.app.session import current_user_id
from fieldcrm.store import Store, replica
from fieldcrm.store import tables as t
from fieldcrm.store.service import loads


class Badges(NamedTuple):
    """The numbers the navigation shows beside its pages."""

    conflicts: int
    rejected: int
    #: Unread in the inbox (bulletins, requests, answers, feedback, questions).
    unread_feedback: int


def badges(store: Store, user_id: str | None) -> Badges:
    """Counted, not listed: open conflicts, rejected changes, unread in the inbox."""
    from fieldcrm.app.inbox import count_unread

    with store.read() as conn:
        conflicts = replica.unresolved_conflict_count(conn)
        rejected = conn.scalar(sa.select(sa.func.count()).select_from(t.rejected_change)) or 0
    unread = count_unread(store, user_id) if user_id is not None else 0
    return Badges(conflicts, rejected, unread)


def _device_of(stamp: str | None) -> str | None:
    return stamp.split(":", 2)[-1] if stamp else None


def open_conflicts(store: Store) -> list[ConflictRow]:
    """Unresolved conflicts, each with who made the two edits (names, from the user ids the
    server records) and ``mine_is_losing``: whether the value that lost is this laptop's
    (its device wrote it; else whether the winner was someone else)."""
    me, device_id = current_user_id(store), store.device_id
    with store.read() as conn:
        conflicts = [
            dict(r._mapping)
            for r in conn.execute(
                sa.select(t.conflict)
                .where(t.conflict.c.resolved.is_(False))
                .order_by(t.conflict.c.created_at)
            )
        ]
        names = {
            user_id: display_name or username
            for user_id, display_name, username in conn.execute(
                sa.select(t.user.c.id, t.user.c.display_name, t.user.c.username)
            )
        }
        rows: list[ConflictRow] = []
        for conflict in conflicts:
            winner, loser = conflict["winning_user"], conflict["losing_user"]
            if _device_of(conflict["winning_stamp"]) == device_id:
                mine_is_losing = False
            elif _device_of(conflict["losing_stamp"]) == device_id:
                mine_is_losing = True
            else:
                mine_is_losing = winner != me
            current = _get_any(conn, conflict["entity"], conflict["row_id"])
            field = conflict["field"]
            rows.append(
                ConflictRow(
                    **conflict,  # type: ignore[typeddict-item]
                    winning_name=names.get(winner, winner) if winner else None,
                    losing_name=names.get(loser, loser) if loser else None,
                    mine_is_losing=mine_is_losing,
                    record_label=_record_label(conn, conflict["entity"], conflict["row_id"]),
                    current_value=current.get(field) if current and field else None,
                    row_deleted=bool(current and current["deleted"]),
                )
            )
    return rows


def resolve_conflict(store: Store, conflict_id: str, value: Any, *, write_value: bool) -> Changes:
    """Resolve a conflict: optionally write ``value`` as a normal edit, then mark it resolved
    (the next push tells the server and the other devices)."""
    with store.read() as conn:
        conflict = conn.execute(sa.select(t.conflict).where(t.conflict.c.id == conflict_id)).first()
    if conflict is None:
        raise LookupError(f"no conflict with id {conflict_id}")
    kinds = {CONFLICT}
    if write_value and conflict.field and store.get(conflict.entity, conflict.row_id):
        store.update(conflict.entity, conflict.row_id, {conflict.field: value})
        kinds.add(conflict.entity)
    replica.resolve_conflict(store, conflict_id)
    return Changes.of(*kinds, id=conflict_id)


def rejected_changes(store: Store) -> list[RejectedChangeRow]:
    """The rejected list, oldest first, each with a label for its record and the record as
    it is now on this laptop (``current``, None when it is gone)."""
    with store.read() as conn:
        return [
            RejectedChangeRow(
                **row,  # type: ignore[typeddict-item]
                record_label=_record_label(conn, row["entity"], row["row_id"]),
                current=_get_any(conn, row["entity"], row["row_id"]),
            )
            for row in replica.rejected_changes(conn)
        ]


def fix_rejected_change(store: Store, op_no: int, changes: Mapping[str, Any]) -> Changes:
    """Send a rejected change again, fixed: a new edit (a new create if the create was refused)."""
    with store.write() as uow:
        rejected = uow.conn.execute(
            sa.select(t.rejected_change).where(t.rejected_change.c.op_no == op_no)
        ).first()
        if rejected is None:
            raise LookupError(f"no rejected change {op_no}")
        if rejected.op == "create":
            if uow.get(rejected.entity, rejected.row_id) is None:
                # The sync removed the refused new record: make it again, corrected.
                uow.create(
                    rejected.entity, {**loads(rejected.fields), **changes}, row_id=rejected.row_id
                )
            else:
                uow.update(rejected.entity, rejected.row_id, changes)
                uow.resend_create(rejected.entity, rejected.row_id)
        elif rejected.op == "update":
            fields = {**loads(rejected.fields), **changes}
            applied = uow.update(rejected.entity, rejected.row_id, fields)
            if not applied:
                # The local row already holds these values: send them again as they are.
                uow.resend_fields(rejected.entity, rejected.row_id, list(fields))
        else:
            uow.delete(rejected.entity, rejected.row_id)
        # In the same transaction as the fix: the change is either fixed or still listed.
        uow.conn.execute(t.rejected_change.delete().where(t.rejected_change.c.op_no == op_no))
    return Changes.of(REJECTED, rejected.entity, id=rejected.row_id)


def discard_rejected_change(store: Store, op_no: int) -> Changes:
    """Forget a rejected change. A refused new record is removed from this laptop too."""
    with store.read() as conn:
        rejected = conn.execute(
            sa.select(t.rejected_change).where(t.rejected_change.c.op_no == op_no)
        ).first()
    if rejected is None:
        raise LookupError(f"no rejected change {op_no}")
    kinds = {REJECTED}
    if rejected.op == "create":
        table = t.ENTITY_TABLES[rejected.entity]
        with store.write() as uow:
            # The server never had it, so nothing to send: just drop the local copy.
            uow.conn.execute(
                table.update().where(table.c.id == rejected.row_id).values(deleted=True)
            )
        kinds.add(rejected.entity)
    replica.discard_rejected(store, op_no)
    return Changes.of(*kinds, id=rejected.row_id)


def _get_any(conn: sa.Connection, entity: str, row_id: str) -> dict[str, Any] | None:
    if entity not in t.ENTITY_TABLES:
        return None
    table = t.ENTITY_TABLES[entity]
    row = conn.execute(sa.select(table).where(table.c.id == row_id)).first()
    return dict(row._mapping) if row else None


def _record_label(conn: sa.Connection, entity: str, row_id: str) -> str:
    row = _get_any(conn, entity, row_id)
    if row is None:
        return row_id
    if entity == "customer":
        return str(row["name"])
    if entity == "contact":
        return " ".join(p for p in (row["first_name"], row["last_name"]) if p)
    if entity in ("visit", "note", "followup"):
        name = conn.scalar(
            sa.select(t.customer.c.name).where(t.customer.c.id == row["customer_id"])
        )
        detail = row.get("title") or row.get("purpose") or ""
        return f"{name}: {detail}" if detail else str(name)
    return str(row.get("name") or row.get("username") or row_id)
