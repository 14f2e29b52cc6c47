"""A small area for pictures and demos of the people features: a manager, two reps,
visits with feedback, relationships, connections and a handover."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa

from fieldcrm.domain.validation import format_datetime
from fieldcrm.store import Store
from fieldcrm.store.connections import reassign_customer
from fieldcrm.store.feedback import add_feedback
from fieldcrm.store.meta import USER_ID_KEY, USERNAME_KEY

COMPANIES = [
    ("Bäckerei Brandt", "Hamburg"),
    ("Autohaus Nord", "Kiel"),
    ("Stadtwerke Lübeck", "Lübeck"),
    ("Müller Maschinenbau", "Bremen"),
    ("Hotel Seeblick", "Rostock"),
    ("Apotheke am Markt", "Kiel"),
    ("Elektro Schulz", "Hamburg"),
    ("Gärtnerei Lindner", "Schwerin"),
    ("Tischlerei Voss", "Bremen"),
    ("Praxis Dr. Weber", "Hamburg"),
    ("Landhandel Meyer", "Husum"),
    ("Druckerei Krause", "Lübeck"),
    ("Sanitär Becker", "München"),
    ("Brauerei Huber", "Augsburg"),
    ("Café Central", "München"),
    ("Metallbau Schmid", "Ingolstadt"),
    ("Kanzlei Fischer", "Regensburg"),
    ("Bio-Markt Sonne", "Passau"),
    ("Zahnarzt Wolf", "Landshut"),
    ("Möbel Hofmann", "Rosenheim"),
]
PEOPLE = [
    ("Jürgen", "Weiß", "Geschäftsführer"),
    ("Eva", "Schulz", "Leiterin Einkauf"),
    ("Tim", "Lang", "Technischer Leiter"),
    ("Petra", "Ott", "Assistenz der Geschäftsführung"),
    ("Jonas", "Berger", "Einkäufer"),
    ("Sabine", "Krüger", "Controlling"),
]
REPORTS = [
    "Neue Saisonware vorgestellt, Interesse an Frühjahrsaktion.",
    "Lieferprobleme besprochen, Ersatztermin vereinbart.",
    "Rahmenvertrag verlängert, Mengen wie im Vorjahr.",
    "Muster übergeben, Rückmeldung in zwei Wochen.",
]


def _utc(day: date, hour: int, minute: int = 0) -> str:
    return format_datetime(datetime.combine(day, time(hour, minute)).astimezone(UTC))


def seed_area(store: Store, today: date, seed: int = 11) -> dict[str, str]:
    """Write the area into ``store``; returns the ids of people and the showcase customer."""
    rng = random.Random(seed)
    ids: dict[str, str] = {}
    with store.write() as w:
        ids["area"] = w.create("territory", {"name": "Mitte"})
        ids["north"] = w.create("territory", {"name": "Nord", "parent_id": ids["area"]})
        ids["south"] = w.create("territory", {"name": "Süd", "parent_id": ids["area"]})
        ids["maria"] = w.create(
            "user",
            {
                "username": "maria",
                "display_name": "Maria Roth",
                "role": "manager",
                "territory_id": ids["area"],
            },
        )
        ids["anna"] = w.create(
            "user",
            {"username": "anna", "display_name": "Anna Albers", "territory_id": ids["north"]},
        )
        ids["ben"] = w.create(
            "user", {"username": "ben", "display_name": "Ben Kraus", "territory_id": ids["south"]}
        )
        customers: list[tuple[str, str]] = []
        for i, (name, city) in enumerate(COMPANIES):
            rep = "anna" if i < 12 else "ben"
            territory = "north" if rep == "anna" else "south"
            customer = w.create(
                "customer",
                {
                    "name": name,
                    "number": f"K-{1001 + i}",
                    "city": city,
                    "status": "active",
                    "segment": "ABC"[i % 3],
                    "visit_cadence_days": (14, 30, 60)[i % 3],
                    "territory_id": ids[territory],
                    "owner_id": ids[rep],
                },
            )
            customers.append((customer, rep))
            contacts = [
                w.create(
                    "contact",
                    {
                        "customer_id": customer,
                        "first_name": first,
                        "last_name": last,
                        "job_title": title,
                    },
                )
                for first, last, title in PEOPLE[: 2 + i % 3]
            ]
            for week in range(12):
                day = today - timedelta(days=7 * week + rng.randrange(5))
                if rng.random() < 0.55:
                    continue
                status = rng.choice(["done", "done", "done", "cancelled"]) if week else "planned"
                fields: dict[str, Any] = {
                    "customer_id": customer,
                    "rep_id": ids[rep],
                    "status": status,
                    "planned_start": _utc(day, 9 + rng.randrange(7)),
                    "purpose": "Jahresgespräch" if week % 4 == 0 else "Sortiment",
                    "attendee_ids": contacts[: 1 + rng.randrange(len(contacts))],
                }
                if status == "done":
                    start = 9 + rng.randrange(7)
                    fields |= {
                        "check_in_at": _utc(day, start),
                        "check_out_at": _utc(day, start, 20 + rng.randrange(40)),
                        "outcome": rng.choice(
                            ["order", "opportunity", "information", "no_interest"]
                        ),
                        "report": rng.choice(REPORTS),
                    }
                ids[f"visit-{customer}-{week}"] = w.create("visit", fields)
            if i % 4 == 0:
                w.create(
                    "followup",
                    {
                        "customer_id": customer,
                        "assignee_id": ids[rep],
                        "title": "Angebot nachfassen",
                        "due_date": (today - timedelta(days=3 - i % 7)).isoformat(),
                    },
                )
        ids["showcase"] = customers[14][0]  # Ben's, handed over to Anna below
    showcase = ids["showcase"]
    with store.read() as conn:
        people = {
            row.last_name: row.id
            for row in conn.execute(
                sa.text("SELECT id, last_name FROM contact WHERE customer_id = :c"), {"c": showcase}
            )
        }
        done = [
            row.id
            for row in conn.execute(
                sa.text(
                    "SELECT id FROM visit WHERE rep_id = :r AND status = 'done' "
                    "ORDER BY visit_day DESC LIMIT 3"
                ),
                {"r": ids["anna"]},
            )
        ]
    with store.write() as w:
        for a, b, kind in (
            ("Schulz", "Weiß", "reports_to"),
            ("Lang", "Weiß", "reports_to"),
            ("Ott", "Weiß", "assistant_of"),
            ("Berger", "Schulz", "reports_to"),
            ("Lang", "Schulz", "influences"),
        ):
            if a in people and b in people:
                w.create(
                    "relationship",
                    {
                        "customer_id": showcase,
                        "from_contact_id": people[a],
                        "to_contact_id": people[b],
                        "kind": kind,
                    },
                )
        w.create(
            "connection",
            {
                "customer_id": showcase,
                "contact_id": people["Weiß"],
                "user_id": ids["maria"],
                "strength": 5,
                "since": "2015-04-01",
                "note": "Kennen uns vom Verband",
            },
        )
        w.create(
            "connection",
            {
                "customer_id": showcase,
                "contact_id": people["Schulz"],
                "user_id": ids["anna"],
                "strength": 3,
            },
        )
    if done:
        add_feedback(store, done[0], ids["maria"], None, kind="acknowledgement")
        add_feedback(
            store, done[0], ids["maria"], "Gut – bitte beim nächsten Mal die Mengen notieren."
        )
        add_feedback(store, done[1], ids["maria"], "Wer entscheidet dort über den Rahmenvertrag?")
        add_feedback(store, done[1], ids["anna"], "Herr Weiß, Frau Schulz bereitet vor.")
    reassign_customer(
        store,
        showcase,
        owner_id=ids["anna"],
        territory_id=ids["north"],
        note="Herr Weiß entscheidet, Frau Schulz bereitet alles vor. Vor 10 Uhr anrufen.",
    )
    return ids


def sign_in_as(store: Store, user_id: str, username: str) -> None:
    """Make ``user_id`` the signed-in user of this profile (as a login would)."""
    store.set_meta(USER_ID_KEY, user_id)
    store.set_meta(USERNAME_KEY, username)
