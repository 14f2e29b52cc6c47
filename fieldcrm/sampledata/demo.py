"""A small realistic dataset written through the store API (screenshots, tests, benchmarks)."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa

from fieldcrm.domain.hlc import format_stamp, stamp_ms
from fieldcrm.domain.ids import uuid7
from fieldcrm.domain.validation import format_datetime
from fieldcrm.store import Store
from fieldcrm.store import tables as t
from fieldcrm.store.meta import USER_ID_KEY, USERNAME_KEY, set_meta
from fieldcrm.store.service import dumps

CITIES = [
    ("Hamburg", "20095"),
    ("Bremen", "28195"),
    ("Hannover", "30159"),
    ("Kiel", "24103"),
    ("Lübeck", "23552"),
    ("Oldenburg", "26122"),
    ("Osnabrück", "49074"),
    ("Rostock", "18055"),
    ("Schwerin", "19053"),
    ("Lüneburg", "21335"),
]
COMPANY_WORDS = [
    "Nordlicht",
    "Hansa",
    "Elbe",
    "Weser",
    "Küsten",
    "Marsch",
    "Heide",
    "Förde",
    "Deich",
    "Anker",
    "Leuchtturm",
    "Möwe",
    "Brise",
    "Hafen",
    "Geest",
]
COMPANY_KINDS = [
    "Bäckerei",
    "Getränkehandel",
    "Baumarkt",
    "Apotheke",
    "Autohaus",
    "Gartencenter",
    "Elektro",
    "Sanitär",
    "Feinkost",
    "Hotel",
]
LEGAL = ["GmbH", "KG", "GmbH & Co. KG", "e.K.", "AG"]
FIRST_NAMES = [
    "Jana",
    "Lars",
    "Sophie",
    "Tobias",
    "Mareike",
    "Henrik",
    "Katrin",
    "Jonas",
    "Frauke",
    "Nils",
]
LAST_NAMES = [
    "Petersen",
    "Hansen",
    "Jensen",
    "Schulz",
    "Meyer",
    "Krüger",
    "Brandt",
    "Lorenzen",
    "Wulf",
    "Voss",
]
TITLES = ["Geschäftsführerin", "Einkaufsleiter", "Inhaberin", "Filialleiter", "Prokurist"]
PURPOSES = [
    "Jahresgespräch",
    "Neue Produktlinie vorstellen",
    "Reklamation klären",
    "Bestellung besprechen",
]
NOTES = [
    "Interesse an der Frühjahrsaktion, Muster mitbringen.",
    "Neue Ansprechpartnerin im Einkauf ab März.",
    "Zahlungsziel 30 Tage gewünscht.",
    "Lager wird im Sommer umgebaut.",
]


def local_utc(day: date, hour: int, minute: int = 0) -> str:
    return format_datetime(datetime.combine(day, time(hour, minute)).astimezone(UTC))


def seed_user(
    store: Store, username: str = "anna", display_name: str = "Anna Albers"
) -> dict[str, Any]:
    """A territory and a signed-in rep, as a login and a first sync would leave them."""
    territory_id = uuid7()
    user_id = uuid7()
    with store.write() as uow:
        # Server-owned records: written directly, as a pull would, not into the outbox.
        uow.conn.execute(
            t.territory.insert(),
            {
                "id": territory_id,
                "name": "Nord",
                "parent_id": None,
                "stamps": "{}",
                "deleted": False,
            },
        )
        uow.conn.execute(
            t.user.insert(),
            {
                "id": user_id,
                "username": username,
                "display_name": display_name,
                "role": "rep",
                "territory_id": territory_id,
                "active": True,
                "stamps": "{}",
                "deleted": False,
            },
        )
        set_meta(uow.conn, USER_ID_KEY, user_id)
        set_meta(uow.conn, USERNAME_KEY, username)
    return {
        "id": user_id,
        "username": username,
        "display_name": display_name,
        "territory_id": territory_id,
    }


def seed_customers(
    store: Store, user: dict[str, Any], count: int, *, seed: int = 7, with_children: bool = True
) -> list[str]:
    """``count`` customers in the user's territory (with contacts, visits and notes)."""
    rng = random.Random(seed)
    today = date.today()
    ids: list[str] = []
    with store.write() as uow:
        for n in range(count):
            city, postal = CITIES[n % len(CITIES)]
            name = (
                f"{rng.choice(COMPANY_KINDS)} {rng.choice(COMPANY_WORDS)} {rng.choice(LEGAL)}"
                if count <= 1000
                else f"{rng.choice(COMPANY_KINDS)} {rng.choice(COMPANY_WORDS)} {n}"
            )
            customer_id = uow.create(
                "customer",
                {
                    "number": f"K-{10001 + n}",
                    "name": name,
                    "street": f"{rng.choice(COMPANY_WORDS)}weg {rng.randint(1, 120)}",
                    "postal_code": postal,
                    "city": city,
                    "country": "DE",
                    "phone": f"+49 40 {rng.randint(100000, 999999)}",
                    "status": rng.choice(["active", "active", "prospect", "inactive"]),
                    "segment": rng.choice(["A", "B", "C"]),
                    "visit_cadence_days": rng.choice([14, 30, 60, 90]),
                },
            )
            _server_fields(uow.conn, customer_id, user)
            ids.append(customer_id)
            if not with_children:
                continue
            contacts = []
            for _ in range(rng.randint(1, 2)):
                contacts.append(
                    uow.create(
                        "contact",
                        {
                            "customer_id": customer_id,
                            "first_name": rng.choice(FIRST_NAMES),
                            "last_name": rng.choice(LAST_NAMES),
                            "job_title": rng.choice(TITLES),
                            "phone": f"+49 40 {rng.randint(100000, 999999)}",
                            "email": f"kontakt{n}@example.de",
                        },
                    )
                )
            past = today - timedelta(days=rng.randint(5, 120))
            visit_id = uow.create(
                "visit",
                {
                    "customer_id": customer_id,
                    "rep_id": user["id"],
                    "status": "done",
                    "planned_start": local_utc(past, 10),
                    "planned_end": local_utc(past, 11),
                    "check_in_at": local_utc(past, 10, 5),
                    "check_out_at": local_utc(past, 10, 55),
                    "purpose": rng.choice(PURPOSES),
                    "outcome": rng.choice(["order", "opportunity", "information"]),
                    "report": "Gutes Gespräch, Sortiment für das nächste Quartal abgestimmt.",
                    "next_steps": "Angebot schicken",
                    "attendee_ids": contacts[:1],
                },
            )
            if n % 3 == 0:
                uow.create(
                    "note",
                    {
                        "customer_id": customer_id,
                        "visit_id": visit_id,
                        "author_id": user["id"],
                        "text": rng.choice(NOTES),
                    },
                )
            if n % 4 == 0:
                uow.create(
                    "followup",
                    {
                        "customer_id": customer_id,
                        "visit_id": visit_id,
                        "assignee_id": user["id"],
                        "title": f"Angebot an {name.split(maxsplit=1)[0]} schicken",
                        "due_date": today + timedelta(days=rng.randint(-3, 10)),
                    },
                )
    return ids


def seed_week(store: Store, user: dict[str, Any], customer_ids: list[str]) -> None:
    """Planned visits for today and the rest of this week."""
    today = date.today()
    monday = today - timedelta(days=today.weekday())
    with store.write() as uow:
        for i, customer_id in enumerate(customer_ids[:12]):
            day = today if i < 3 else monday + timedelta(days=i % 7)
            uow.create(
                "visit",
                {
                    "customer_id": customer_id,
                    "rep_id": user["id"],
                    "status": "planned",
                    "planned_start": local_utc(day, 9 + (i % 3) * 2),
                    "planned_end": local_utc(day, 10 + (i % 3) * 2),
                    "purpose": PURPOSES[i % len(PURPOSES)],
                },
            )


def seed_sync_outcomes(store: Store, user: dict[str, Any], customer_ids: list[str]) -> None:
    """A conflict and a rejected change, as a sync would record them."""
    first = store.get("customer", customer_ids[0])
    second = store.get("customer", customer_ids[1])
    assert first is not None and second is not None
    now = store.now_text()
    # This laptop's edit lost to the manager's, made a minute later on her laptop.
    losing_stamp = store.clock.now()
    winning_stamp = format_stamp(stamp_ms(losing_stamp) + 60_000, 0, "maria-laptop")
    with store.write() as uow:
        manager_id = uow.conn.scalar(
            sa.select(t.user.c.id).where(t.user.c.display_name == "Maria Manger")
        )
        if manager_id is None:
            manager_id = uuid7()
            uow.conn.execute(  # server-owned, as a pull writes it
                t.user.insert(),
                {
                    "id": manager_id,
                    "username": "mmanger",
                    "display_name": "Maria Manger",
                    "role": "manager",
                    "territory_id": user.get("territory_id"),
                    "active": True,
                    "stamps": "{}",
                    "deleted": False,
                },
            )
        # The pull applied the winning value to the local row.
        uow.conn.execute(
            t.customer.update()
            .where(t.customer.c.id == first["id"])
            .values(phone="+49 40 555 0100")
        )
        uow.conn.execute(
            t.conflict.insert(),
            {
                "id": uuid7(),
                "entity": "customer",
                "row_id": first["id"],
                "kind": "field",
                "field": "phone",
                "winning_value": "+49 40 555 0100",
                "winning_stamp": winning_stamp,
                "losing_value": first["phone"],
                "losing_stamp": losing_stamp,
                "winning_user": manager_id,
                "losing_user": user["id"],
                "created_at": now,
                "resolved": False,
            },
        )
        uow.conn.execute(
            t.rejected_change.insert(),
            {
                "op_no": 900001
                + (uow.conn.scalar(sa.select(sa.func.count()).select_from(t.rejected_change)) or 0),
                "device_id": store.device_id,
                "entity": "customer",
                "row_id": second["id"],
                "op": "update",
                "fields": dumps({"city": "Hamburg-Altona-Nord-West-Elbvororte"}),
                "stamps": dumps({"city": losing_stamp}),
                "base_stamps": dumps({}),
                # As a server with a stricter rule than this laptop's sends it.
                "reason": "customer: city: must be at most 30 characters",
                "field": "city",
                "rejected_at": now,
                "code": "invalid",
                "params": dumps({}),
                "problems": dumps([{"field": "city", "code": "too_long", "params": {"max": 30}}]),
            },
        )


def _server_fields(conn: sa.Connection, customer_id: str, user: dict[str, Any]) -> None:
    conn.execute(
        t.customer.update()
        .where(t.customer.c.id == customer_id)
        .values(territory_id=user["territory_id"], owner_id=user["id"])
    )


def seed_demo(store: Store, customers: int = 40) -> dict[str, Any]:
    user = seed_user(store)
    ids = seed_customers(store, user, customers)
    seed_week(store, user, ids)
    seed_sync_outcomes(store, user, ids)
    return user
