"""A small area in a fresh local store, a wall clock the test sets, and snapshots of it
(the foundation tests: domain and store)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from fieldcrm.domain.hlc import format_stamp
from fieldcrm.store import Store
from fieldcrm.store import tables as t

#: 2026-06-01T08:00:00Z
START_MS = 1_780_300_800_000


class WallClock:
    """A wall clock that stands still until the test moves it."""

    def __init__(self, ms: int = START_MS) -> None:
        self.ms = ms

    def __call__(self) -> int:
        return self.ms

    def advance(self, ms: int = 1000) -> int:
        self.ms += ms
        return self.ms


def stamp(s: Store, ms: int, counter: int = 0) -> str:
    return format_stamp(ms, counter, s.device_id)


@dataclass
class World:
    """A small area: two territories, a rep, a manager, one customer with what belongs to it."""

    territory: str
    subterritory: str
    rep: str
    manager: str
    customer: str
    contact: str
    visit: str
    note: str
    followup: str
    colleague: str
    bulletin: str = ""


def make_world(s: Store) -> World:
    with s.write() as uow:
        territory = uow.create("territory", {"name": "Süd"})
        subterritory = uow.create("territory", {"name": "München", "parent_id": territory})
        rep = uow.create(
            "user",
            {"username": "anna", "display_name": "Anna Rep", "territory_id": subterritory},
        )
        manager = uow.create(
            "user", {"username": "max", "role": "manager", "territory_id": territory}
        )
        customer = uow.create(
            "customer",
            {
                "number": "K-10001",
                "name": "Müller Maschinenbau GmbH",
                "city": "München",
                "postal_code": "80331",
                "territory_id": subterritory,
                "owner_id": rep,
            },
        )
        contact = uow.create(
            "contact",
            {"customer_id": customer, "first_name": "Jürgen", "last_name": "Weiß"},
        )
        colleague = uow.create(
            "contact",
            {"customer_id": customer, "first_name": "Petra", "last_name": "Lang"},
        )
        visit = uow.create(
            "visit",
            {
                "customer_id": customer,
                "rep_id": rep,
                "planned_start": "2026-06-02T09:00:00Z",
                "attendee_ids": [contact],
            },
        )
        note = uow.create(
            "note", {"customer_id": customer, "visit_id": visit, "author_id": rep, "text": "Hi"}
        )
        followup = uow.create(
            "followup",
            {
                "customer_id": customer,
                "visit_id": visit,
                "assignee_id": rep,
                "title": "Send offer",
                "due_date": "2026-06-10",
            },
        )
        bulletin = uow.create(
            "bulletin",
            {"area_id": territory, "author_id": manager, "title": "Price list", "body": "New"},
        )
    return World(
        territory,
        subterritory,
        rep,
        manager,
        customer,
        contact,
        visit,
        note,
        followup,
        colleague,
        bulletin,
    )


def snapshot(s: Store) -> dict[tuple[str, str], dict[str, Any]]:
    """Every replicated row (including tombstones), keyed by (entity, id)."""
    rows: dict[tuple[str, str], dict[str, Any]] = {}
    with s.read() as conn:
        for name, table in t.ENTITY_TABLES.items():
            for row in conn.execute(sa.select(table)):
                rows[name, row.id] = row._asdict()
    return rows


def outbox_count(s: Store) -> int:
    return s.pending_count()
