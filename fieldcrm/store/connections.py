"""Connections between people: last contact, who is losing touch, and customer handovers.

The last contact with a person is derived, never tracked: a done visit they attended, a
note about them, or a completed follow-up of a visit they attended. For a customer it is
the last done visit, note or completed follow-up of that customer. Notes carry no date of
their own; their time-ordered id (UUIDv7) tells when they were written.
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa

from fieldcrm.domain.relationships import relationship_names
from fieldcrm.domain.textfold import person_order_sql
from fieldcrm.store.service import Store


def created_day(row_id: str) -> date:
    """The UTC day a record with a UUIDv7 id was created."""
    ms = int(row_id.replace("-", "")[:12], 16)
    return datetime.fromtimestamp(ms / 1000, UTC).date()


def _latest(into: dict[str, date], key: str | None, day: date | None) -> None:
    if key is not None and day is not None and (key not in into or day > into[key]):
        into[key] = day


VISIT_DAY = "v.visit_day"


def last_contact_by_contact(conn: sa.Connection, customer_id: str | None = None) -> dict[str, date]:
    """The day of the last contact with each person (optionally of one customer)."""
    where = " AND v.customer_id = :cid" if customer_id else ""
    params = {"cid": customer_id}
    last: dict[str, date] = {}
    for contact_id, day in conn.execute(
        sa.text(
            f"SELECT je.value, max({VISIT_DAY}) FROM visit v, json_each(v.attendee_ids) je "
            f"WHERE v.deleted = 0 AND v.status = 'done'{where} GROUP BY je.value"
        ),
        params,
    ):
        _latest(last, contact_id, date.fromisoformat(day))
    note_where = " AND customer_id = :cid" if customer_id else ""
    for contact_id, note_id in conn.execute(
        sa.text(
            "SELECT contact_id, max(id) FROM note WHERE deleted = 0 AND contact_id IS NOT NULL"
            f"{note_where} GROUP BY contact_id"
        ),
        params,
    ):
        _latest(last, contact_id, created_day(note_id))
    for contact_id, day in conn.execute(
        sa.text(
            "SELECT je.value, max(substr(f.done_at, 1, 10)) FROM followup f "
            "JOIN visit v ON v.id = f.visit_id AND v.deleted = 0, json_each(v.attendee_ids) je "
            f"WHERE f.deleted = 0 AND f.done_at IS NOT NULL{where} GROUP BY je.value"
        ),
        params,
    ):
        _latest(last, contact_id, date.fromisoformat(day))
    return last


def last_contact_by_customer(conn: sa.Connection) -> dict[str, date]:
    last: dict[str, date] = {}
    for customer_id, day in conn.execute(
        sa.text(
            "SELECT customer_id, max(visit_day) FROM visit "
            "WHERE deleted = 0 AND status = 'done' GROUP BY customer_id"
        )
    ):
        _latest(last, customer_id, date.fromisoformat(day))
    for customer_id, note_id in conn.execute(
        sa.text("SELECT customer_id, max(id) FROM note WHERE deleted = 0 GROUP BY customer_id")
    ):
        _latest(last, customer_id, created_day(note_id))
    for customer_id, day in conn.execute(
        sa.text(
            "SELECT customer_id, max(substr(done_at, 1, 10)) FROM followup "
            "WHERE deleted = 0 AND done_at IS NOT NULL GROUP BY customer_id"
        )
    ):
        _latest(last, customer_id, date.fromisoformat(day))
    return last


@dataclass(frozen=True, slots=True)
class LosingTouch:
    """A person or customer past their "stay in touch" cadence."""

    kind: str  # "contact" | "customer"
    id: str
    name: str
    customer_id: str
    customer_name: str
    cadence_days: int
    last_contact: date | None
    #: Days past the cadence; None when there never was a contact.
    days_over: int | None


def _rank(item: LosingTouch) -> tuple[bool, int, str]:
    """Longest overdue first, ties by name; never contacted at the end."""
    return (item.days_over is None, -(item.days_over or 0), item.name)


def _overdue(
    kind: str, rows: Iterable[Any], last: dict[str, date], today: date
) -> Iterator[LosingTouch]:
    """The rows ``(id, name, customer id, customer name, cadence)`` past their cadence."""
    for row_id, name, cid, cname, cadence in rows:
        seen = last.get(row_id if kind == "contact" else cid)
        over = None if seen is None else (today - seen).days - cadence
        if over is None or over > 0:
            yield LosingTouch(kind, row_id, name, cid, cname, cadence, seen, over)


def _overdue_contacts(conn: sa.Connection, today: date) -> Iterator[LosingTouch]:
    last = last_contact_by_contact(conn)
    rows = conn.execute(
        sa.text(
            "SELECT ct.id, trim(coalesce(ct.first_name, '') || ' ' || ct.last_name), "
            "c.id, c.name, coalesce(ct.touch_cadence_days, c.visit_cadence_days) "
            "FROM contact ct JOIN customer c ON c.id = ct.customer_id AND c.deleted = 0 "
            "WHERE ct.deleted = 0 AND c.status != 'inactive' "
            "AND coalesce(ct.touch_cadence_days, c.visit_cadence_days) IS NOT NULL"
        )
    )
    yield from _overdue("contact", rows, last, today)


def _overdue_customers(conn: sa.Connection, today: date) -> Iterator[LosingTouch]:
    last = last_contact_by_customer(conn)
    rows = conn.execute(
        sa.text(
            "SELECT id, name, id, name, visit_cadence_days FROM customer WHERE deleted = 0 "
            "AND status != 'inactive' AND visit_cadence_days IS NOT NULL"
        )
    )
    yield from _overdue("customer", rows, last, today)


def losing_touch(conn: sa.Connection, today: date) -> list[LosingTouch]:
    """Contacts and customers past their cadence, the longest overdue first.

    Those never contacted at all follow at the end: they are relationships not yet made,
    rather than ones fading.
    """
    found = itertools.chain(_overdue_contacts(conn, today), _overdue_customers(conn, today))
    return sorted(found, key=_rank)


def _top(items: Iterator[LosingTouch], limit: int) -> tuple[list[LosingTouch], int]:
    """The first ``limit`` of ``items`` in ``_rank`` order, and how many there were."""
    total = 0

    def counted() -> Iterator[LosingTouch]:
        nonlocal total
        for item in items:
            total += 1
            yield item

    top = heapq.nsmallest(limit, counted(), key=_rank)
    return top, total


def losing_touch_top(
    conn: sa.Connection, today: date, limit: int
) -> dict[str | None, tuple[list[LosingTouch], int]]:
    """The ``limit`` longest overdue of each kind and of both together (key ``None``), each
    with how many there are in all; ordered as ``losing_touch`` orders them.

    Holds only ``limit`` items per kind at a time: a territory has hundreds of thousands of
    contacts, and keeping them all as objects makes the garbage collector walk them again
    and again while the list grows (on any thread, holding the GUI thread with it).
    """
    out: dict[str | None, tuple[list[LosingTouch], int]] = {
        "contact": _top(_overdue_contacts(conn, today), limit),
        "customer": _top(_overdue_customers(conn, today), limit),
    }
    both = heapq.nsmallest(limit, [*out["contact"][0], *out["customer"][0]], key=_rank)
    out[None] = (both, out["contact"][1] + out["customer"][1])
    return out


# ---- handover ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class HandoverSummary:
    """What a new owner needs to know about a customer, gathered from the synced records."""

    customer_id: str
    customer_name: str
    contacts: list[dict[str, object]] = field(default_factory=list)
    relationships: list[dict[str, object]] = field(default_factory=list)
    connections: list[dict[str, object]] = field(default_factory=list)
    last_visits: list[dict[str, object]] = field(default_factory=list)
    open_followups: list[dict[str, object]] = field(default_factory=list)
    handovers: list[dict[str, object]] = field(default_factory=list)


def _person(first: str | None, last: str | None) -> str:
    return " ".join(part for part in (first, last) if part)


def handover_summary(
    conn: sa.Connection, customer_id: str, last_visits: int = 5
) -> HandoverSummary:
    customer = conn.execute(
        sa.text("SELECT id, name FROM customer WHERE id = :c AND deleted = 0"), {"c": customer_id}
    ).first()
    if customer is None:
        raise LookupError(f"no customer with id {customer_id} on this laptop")
    users = {
        row.id: row.display_name or row.username
        for row in conn.execute(sa.text('SELECT id, display_name, username FROM "user"'))
    }
    last = last_contact_by_contact(conn, customer_id)
    contacts = {
        row.id: row
        for row in conn.execute(
            sa.text(
                "SELECT id, first_name, last_name, job_title, phone, mobile, email, "
                "touch_cadence_days FROM contact WHERE customer_id = :c AND deleted = 0 "
                f"ORDER BY {person_order_sql()}"
            ),
            {"c": customer_id},
        )
    }
    summary = HandoverSummary(customer_id, customer.name)
    for row in contacts.values():
        summary.contacts.append(
            {
                "id": row.id,
                "name": _person(row.first_name, row.last_name),
                "job_title": row.job_title,
                "phone": row.mobile or row.phone,
                "email": row.email,
                "last_contact": last.get(row.id),
            }
        )
    names = {cid: _person(r.first_name, r.last_name) for cid, r in contacts.items()}
    for row in conn.execute(
        sa.text(
            "SELECT r.*, f.first_name AS ff, f.last_name AS fl, t.first_name AS tf, "
            "t.last_name AS tl FROM relationship r "
            "JOIN contact f ON f.id = r.from_contact_id JOIN contact t ON t.id = r.to_contact_id "
            "WHERE r.deleted = 0 AND (r.customer_id = :c OR f.customer_id = :c "
            "OR t.customer_id = :c)"
        ),
        {"c": customer_id},
    ):
        forward, _reverse = relationship_names(row._asdict())
        summary.relationships.append(
            {
                "from": _person(row.ff, row.fl),
                "relation": forward,
                "to": _person(row.tf, row.tl),
                "note": row.note,
            }
        )
    for row in conn.execute(
        sa.text(
            "SELECT contact_id, user_id, strength, since, note FROM connection "
            "WHERE customer_id = :c AND deleted = 0 ORDER BY strength DESC"
        ),
        {"c": customer_id},
    ):
        summary.connections.append(
            {
                "who": users.get(row.user_id, ""),
                "knows": names.get(row.contact_id, ""),
                "strength": row.strength,
                "since": row.since,
                "note": row.note,
            }
        )
    for row in conn.execute(
        sa.text(
            f"SELECT {VISIT_DAY} AS day, v.rep_id, v.outcome, v.report, v.next_steps "
            "FROM visit v WHERE v.customer_id = :c AND v.deleted = 0 AND v.status = 'done' "
            "ORDER BY day DESC LIMIT :n"
        ),
        {"c": customer_id, "n": last_visits},
    ):
        summary.last_visits.append(
            {
                "day": row.day,
                "rep": users.get(row.rep_id, ""),
                "outcome": row.outcome,
                "report": row.report,
                "next_steps": row.next_steps,
            }
        )
    for row in conn.execute(
        sa.text(
            "SELECT title, due_date, assignee_id FROM followup WHERE customer_id = :c "
            "AND deleted = 0 AND done_at IS NULL ORDER BY due_date"
        ),
        {"c": customer_id},
    ):
        summary.open_followups.append(
            {
                "title": row.title,
                "due_date": row.due_date,
                "assignee": users.get(row.assignee_id, ""),
            }
        )
    for row in conn.execute(
        sa.text(
            "SELECT id, from_user_id, to_user_id, note, read_at FROM handover "
            "WHERE customer_id = :c AND deleted = 0 ORDER BY id DESC"
        ),
        {"c": customer_id},
    ):
        summary.handovers.append(
            {
                "id": row.id,
                "from": users.get(row.from_user_id or "", ""),
                "to": users.get(row.to_user_id or "", ""),
                "to_user_id": row.to_user_id,
                "note": row.note,
                "read_at": row.read_at,
                "when": created_day(row.id),
            }
        )
    return summary


def reassign_customer(
    store: Store,
    customer_id: str,
    *,
    owner_id: str | None = None,
    territory_id: str | None = None,
    note: str | None = None,
) -> str:
    """Give a customer a new owner or territory and record the handover, in one transaction."""
    with store.write() as uow:
        customer = uow.get("customer", customer_id)
        if customer is None:
            raise LookupError(f"no customer with id {customer_id} on this laptop")
        changes = {}
        if owner_id is not None:
            changes["owner_id"] = owner_id
        if territory_id is not None:
            changes["territory_id"] = territory_id
        uow.update("customer", customer_id, changes)

        def known(user_id: str | None) -> str | None:
            # The owner may be someone this laptop no longer holds (moved to another area,
            # say): the handover then names nobody rather than a person it cannot show.
            return user_id if user_id and uow.get("user", user_id) is not None else None

        return uow.create(
            "handover",
            {
                "customer_id": customer_id,
                "from_user_id": known(customer["owner_id"]),
                "to_user_id": known(owner_id or customer["owner_id"]),
                "note": note,
            },
        )


def mark_handover_read(store: Store, handover_id: str) -> None:
    store.update("handover", handover_id, {"read_at": store.now_text()})


def unread_handovers(conn: sa.Connection, user_id: str) -> list[str]:
    """Customers handed over to the user whose summary the user has not marked read."""
    return list(
        conn.scalars(
            sa.text(
                "SELECT customer_id FROM handover WHERE deleted = 0 AND to_user_id = :u "
                "AND read_at IS NULL ORDER BY id"
            ),
            {"u": user_id},
        )
    )
