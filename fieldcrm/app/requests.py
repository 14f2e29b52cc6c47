"""Work that comes to someone: a follow-up asked of a teammate, or by a manager of a rep of
the area, and the answer (accepted, declined with a reason, done).

A request is a follow-up whose ``requested_by_id`` names the person who asked and whose
``assignee_id`` names the person asked. The person asked sees it on Today with who asked
and answers it; the asker sees the answer. The server enforces the same two rules
(``assignee_outside``, ``assignee_only``); they are checked here first so the user hears
of a mistake at once and not after a sync.
"""

from __future__ import annotations

from datetime import date
from typing import Any, TypedDict

import sqlalchemy as sa

from fieldcrm.app.changes import Changes
from fieldcrm.store import Store
from fieldcrm.store import tables as t

ACCEPTED = "accepted"
DECLINED = "declined"


class RequestRefused(Exception):
    """A request the rules do not allow; ``code`` is the server's rejection code for it
    (``assignee_outside``, ``assignee_only``) or ``unknown_request``/``request_done``."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


class Person(TypedDict):
    """Someone a follow-up can be asked of."""

    id: str
    name: str
    role: str | None
    territory_id: str | None


class RequestRow(TypedDict):
    """A follow-up asked of someone, with who asked, who was asked and the answer."""

    id: str
    title: str | None
    due_date: str | None
    customer_id: str | None
    customer_name: str | None
    requested_by_id: str | None
    requested_by_name: str | None
    assignee_id: str | None
    assignee_name: str | None
    response: str | None
    response_note: str | None
    responded_at: str | None
    done_at: str | None


_NAME = "coalesce(nullif({u}.display_name, ''), {u}.username)"
_FOLLOWUPS_SQL = (
    "SELECT f.id, f.title, f.due_date, f.customer_id, c.name AS customer_name, "
    f"f.requested_by_id, {_NAME.format(u='asker')} AS requested_by_name, "
    f"f.assignee_id, {_NAME.format(u='asked')} AS assignee_name, "
    "f.response, f.response_note, f.responded_at, f.done_at "
    "FROM followup AS f JOIN customer AS c ON c.id = f.customer_id "
    'LEFT JOIN "user" AS asker ON asker.id = f.requested_by_id '
    'LEFT JOIN "user" AS asked ON asked.id = f.assignee_id '
    "WHERE f.deleted = 0 AND c.deleted = 0"
)
_REQUESTS_SQL = (
    f"{_FOLLOWUPS_SQL} AND f.requested_by_id IS NOT NULL AND f.requested_by_id != f.assignee_id"
)


# ---- reads ------------------------------------------------------------------------------


def incoming_requests(store: Store, user_id: str, *, open_only: bool = True) -> list[RequestRow]:
    """What others asked of ``user_id``: not done and not declined first, by due date."""
    clause = " AND f.done_at IS NULL AND coalesce(f.response, '') != 'declined'" * open_only
    sql = f"{_REQUESTS_SQL} AND f.assignee_id = :user{clause} ORDER BY f.due_date, f.id"
    with store.read() as conn:
        return [RequestRow(**r._mapping) for r in conn.execute(sa.text(sql), {"user": user_id})]  # type: ignore[typeddict-item]


def outgoing_requests(store: Store, user_id: str, limit: int = 200) -> list[RequestRow]:
    """What ``user_id`` asked of others, with their answers: open ones first."""
    sql = (
        f"{_REQUESTS_SQL} AND f.requested_by_id = :user "
        "ORDER BY f.done_at IS NOT NULL, f.due_date, f.id LIMIT :limit"
    )
    with store.read() as conn:
        return [
            RequestRow(**r._mapping)  # type: ignore[typeddict-item]
            for r in conn.execute(sa.text(sql), {"user": user_id, "limit": limit})
        ]


def followup_with_people(store: Store, followup_id: str) -> RequestRow | None:
    with store.read() as conn:
        found = conn.execute(
            sa.text(f"{_FOLLOWUPS_SQL} AND f.id = :id"), {"id": followup_id}
        ).first()
    return RequestRow(**found._mapping) if found else None  # type: ignore[typeddict-item]


def assignable_people(store: Store, customer_id: str | None = None) -> list[Person]:
    """Active reps and managers known on this laptop (the signed-in user's scope), by name;
    with a customer, only those who can see it."""
    with store.read() as conn:
        rows = conn.execute(
            sa.select(
                t.user.c.id,
                t.user.c.display_name,
                t.user.c.username,
                t.user.c.role,
                t.user.c.territory_id,
            ).where(
                t.user.c.deleted.is_(False),
                sa.or_(t.user.c.active.is_(None), t.user.c.active.is_(True)),
                t.user.c.role.in_(("rep", "manager")),
            )
        ).all()
        territory = _customer_territory(conn, customer_id) if customer_id else None
        parents = _parents(conn)
    people = [
        Person(
            id=r.id,
            name=r.display_name or r.username or r.id,
            role=r.role,
            territory_id=r.territory_id,
        )
        for r in rows
    ]
    if customer_id:
        people = [p for p in people if _can_see(p, territory, parents)]
    return sorted(people, key=lambda p: (p["name"].casefold(), p["id"]))


# ---- writes -----------------------------------------------------------------------------


def ask(
    store: Store,
    customer_id: str,
    assignee_id: str,
    title: str,
    due_date: date | str,
    asker_id: str,
    *,
    visit_id: str | None = None,
) -> Changes:
    """Ask ``assignee_id`` to do something for a customer by a date (a follow-up of theirs
    that names who asked). Asking oneself makes an ordinary follow-up."""
    from fieldcrm.app.corrections import created

    with store.write() as uow:
        check_reach(uow.connection, assignee_id, customer_id, asker_id)
        row_id = uow.create(
            "followup",
            {
                "customer_id": customer_id,
                "visit_id": visit_id,
                "assignee_id": assignee_id,
                "title": title,
                "due_date": due_date,
                "requested_by_id": asker_id if assignee_id != asker_id else None,
            },
        )
    return created("followup", row_id, "ask")


def reassign(store: Store, followup_id: str, assignee_id: str, user_id: str) -> Changes:
    """Give a follow-up to someone else: they are asked by ``user_id`` and answer afresh."""
    with store.write() as uow:
        current = _open_followup(uow.get("followup", followup_id), followup_id)
        if current["assignee_id"] == assignee_id:
            return Changes.of(id=followup_id)
        check_reach(uow.connection, assignee_id, current["customer_id"], user_id)
        uow.update(
            "followup",
            followup_id,
            {
                "assignee_id": assignee_id,
                "requested_by_id": user_id if assignee_id != user_id else None,
                "response": None,
                "response_note": None,
                "responded_at": None,
            },
        )
    return Changes.of("followup", id=followup_id)


def accept(store: Store, followup_id: str, user_id: str) -> Changes:
    return _answer(store, followup_id, user_id, {"response": ACCEPTED, "response_note": None})


def decline(store: Store, followup_id: str, user_id: str, reason: str) -> Changes:
    """Decline with a reason (an empty reason is refused with a ``ValidationError``)."""
    return _answer(store, followup_id, user_id, {"response": DECLINED, "response_note": reason})


def complete(store: Store, followup_id: str, user_id: str, note: str | None = None) -> Changes:
    """Mark done; for a request this is the answer the asker sees."""
    changes: dict[str, Any] = {"done_at": store.now_text()}
    if note:
        changes["response_note"] = note
    return _answer(store, followup_id, user_id, changes)


def _answer(store: Store, followup_id: str, user_id: str, changes: dict[str, Any]) -> Changes:
    with store.write() as uow:
        current = _open_followup(uow.get("followup", followup_id), followup_id)
        if current["assignee_id"] != user_id:
            raise RequestRefused("assignee_only", "Only the person asked can answer this request.")
        if "done_at" not in changes:
            changes = {**changes, "responded_at": store.now_text()}
        elif current["requested_by_id"] and not current["response"]:
            changes = {**changes, "response": ACCEPTED, "responded_at": store.now_text()}
        uow.update("followup", followup_id, changes)
    return Changes.of("followup", id=followup_id)


def _open_followup(row: dict[str, Any] | None, followup_id: str) -> dict[str, Any]:
    if row is None:
        raise RequestRefused("unknown_request", f"There is no follow-up {followup_id}.")
    if row["done_at"]:
        raise RequestRefused("request_done", "This follow-up is done already.")
    return row


def check_reach(conn: sa.Connection, assignee_id: str, customer_id: str, asker_id: str) -> None:
    """The person asked must be an active user who can see the customer (the server's
    ``assignee_outside`` rule)."""
    if assignee_id == asker_id:
        return
    user = conn.execute(
        sa.select(t.user.c.id, t.user.c.role, t.user.c.territory_id, t.user.c.active).where(
            t.user.c.id == assignee_id, t.user.c.deleted.is_(False)
        )
    ).first()
    territory = _customer_territory(conn, customer_id)
    person = (
        Person(id=user.id, name="", role=user.role, territory_id=user.territory_id)
        if user is not None and user.active is not False
        else None
    )
    if person is None or not _can_see(person, territory, _parents(conn)):
        raise RequestRefused(
            "assignee_outside",
            "The person asked cannot see this customer: choose someone of the customer's "
            "territory.",
        )


def _customer_territory(conn: sa.Connection, customer_id: str | None) -> str | None:
    return conn.scalar(sa.select(t.customer.c.territory_id).where(t.customer.c.id == customer_id))


def _parents(conn: sa.Connection) -> dict[str, str | None]:
    rows = conn.execute(sa.select(t.territory.c.id, t.territory.c.parent_id))
    return {str(row.id): row.parent_id for row in rows}


def _can_see(person: Person, territory: str | None, parents: dict[str, str | None]) -> bool:
    """Whether ``person`` may see a customer of ``territory`` (a rep: the territory; a
    manager: the territories of their area; an admin: everything)."""
    if person["role"] == "admin":
        return True
    if territory is None or person["territory_id"] is None:
        return territory is None
    if person["territory_id"] == territory:
        return True
    return person["role"] == "manager" and parents.get(territory) == person["territory_id"]
