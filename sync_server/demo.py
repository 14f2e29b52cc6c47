"""Demo data: an area with territories North and South, reps, a manager and their customers.

Users (password ``demo`` for all): ``anna`` (rep, North), ``ben`` (rep, South), ``maria``
(manager of the area) and ``admin``. About fifty customers with German and European names,
each with contacts, past visits with reports, planned visits, notes and follow-ups.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Any

import sqlalchemy as sa

from fieldcrm.domain.ids import uuid7
from sync_server import admin
from sync_server import tables as t

DEMO_PASSWORD = "demo"
AREA = "Area Central"

_PREFIXES = (
    "Bäckerei",
    "Autohaus",
    "Elektro",
    "Gasthof",
    "Apotheke",
    "Sanitär",
    "Metallbau",
    "Druckerei",
    "Getränke",
    "Landhandel",
    "Optik",
    "Schreinerei",
    "Hotel",
    "Praxis",
    "Brasserie",
    "Fahrradhaus",
    "Reisebüro",
    "Blumenhaus",
    "Weingut",
    "Bauunternehmen",
)
_NAMES = (
    "Müller",
    "Schmidt",
    "Schneider",
    "Fischer",
    "Weber",
    "Meyer",
    "Wagner",
    "Becker",
    "Schulz",
    "Hoffmann",
    "Koch",
    "Richter",
    "Klein",
    "Wolf",
    "Schröder",
    "Neumann",
    "Dubois",
    "Rossi",
    "García",
    "Novák",
    "Jansen",
    "Kowalski",
    "Lindqvist",
    "Horvat",
    "Brunner",
    "Gruber",
    "Huber",
    "Moreau",
    "Bianchi",
    "De Vries",
)
_SUFFIXES = ("GmbH", "KG", "GmbH & Co. KG", "e.K.", "AG", "OHG", "", "")
_FIRST = (
    "Anna",
    "Lukas",
    "Sophie",
    "Jonas",
    "Marie",
    "Felix",
    "Laura",
    "Paul",
    "Julia",
    "Max",
    "Elena",
    "Luca",
    "Clara",
    "Tomás",
    "Ingrid",
    "Pierre",
    "Katarzyna",
    "Jan",
    "Eva",
    "Niklas",
)
_JOBS = ("Geschäftsführer", "Einkauf", "Inhaberin", "Filialleitung", "Buchhaltung", "Technik")
_NORTH = (
    ("Hamburg", "20095"),
    ("Bremen", "28195"),
    ("Kiel", "24103"),
    ("Lübeck", "23552"),
    ("Hannover", "30159"),
    ("Oldenburg", "26122"),
    ("Rostock", "18055"),
)
_SOUTH = (
    ("München", "80331"),
    ("Augsburg", "86150"),
    ("Regensburg", "93047"),
    ("Nürnberg", "90402"),
    ("Ulm", "89073"),
    ("Freiburg", "79098"),
    ("Stuttgart", "70173"),
)
_STREETS = (
    "Hauptstraße",
    "Bahnhofstraße",
    "Marktplatz",
    "Industriestraße",
    "Lindenweg",
    "Kirchgasse",
    "Am Hafen",
    "Gartenstraße",
)
_PURPOSES = (
    "Quarterly review",
    "Present new range",
    "Price negotiation",
    "Complaint follow-up",
    "Introduce new contact",
    "Annual agreement",
)
_REPORTS = (
    "Customer is happy with delivery times; interested in the new catalogue.",
    "Discussed prices for next year; they want a volume discount of 3 %.",
    "Owner was not there; spoke with purchasing, left samples.",
    "Order placed for the spring season. Asked for faster invoices.",
    "Complaint about a late delivery resolved; goodwill voucher agreed.",
)
_NOTES = (
    "Prefers calls in the morning before 10.",
    "New warehouse opens in autumn - potential for larger orders.",
    "Competitor visited last month with lower prices.",
    "Pays reliably within 14 days.",
    "Interested in a joint event with the manufacturer.",
)
_FOLLOWUPS = (
    "Send quote",
    "Call about samples",
    "Confirm delivery date",
    "Send catalogue",
    "Check payment",
    "Arrange meeting with owner",
)


def _iso(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


DEMO_USERS = ("anna", "ben", "maria", "admin")


def seed_demo(
    conn: sa.Connection,
    seed: int = 7,
    customers_per_territory: int = 25,
    *,
    force: bool = False,
    now: datetime | None = None,
    tz: tzinfo | None = None,
) -> str:
    """Seed the demo; does nothing when the demo users exist already.

    Visits fall at working hours (8:00 to 17:00, weekdays) in the time zone ``tz`` (this
    computer's by default): this week's are planned or done around ``now``, and one visit
    of each rep starts a quarter of an hour from ``now``.

    The demo users have the password ``demo`` and one of them is an administrator, so a
    database that holds other users (a real one) is refused unless ``force``.
    """
    others = sorted(set(conn.execute(sa.select(t.account.c.username)).scalars()) - set(DEMO_USERS))
    if others and not force:
        raise admin.AdminError(
            f"This database has other users ({', '.join(others[:5])}"
            f"{', ...' if len(others) > 5 else ''}): it looks like a real one. The demo adds "
            "users with the password 'demo', one of them an administrator. Use an empty "
            "database, or pass --force if you really mean this one."
        )
    if admin.account_by_name(conn, "anna") is not None:
        return "The demo data is there already (log in as anna / demo)."
    rng = random.Random(seed)
    admin.add_territory(conn, "North", AREA)
    admin.add_territory(conn, "South", AREA)
    users = {
        "anna": admin.add_user(
            conn,
            "anna",
            "rep",
            DEMO_PASSWORD,
            territory="North",
            display_name="Anna Berger",
            check_strength=False,
        ),
        "ben": admin.add_user(
            conn,
            "ben",
            "rep",
            DEMO_PASSWORD,
            territory="South",
            display_name="Ben Hartmann",
            check_strength=False,
        ),
        "maria": admin.add_user(
            conn,
            "maria",
            "manager",
            DEMO_PASSWORD,
            area=AREA,
            display_name="Maria Lehmann",
            check_strength=False,
        ),
    }
    admin.add_user(
        conn, "admin", "admin", DEMO_PASSWORD, display_name="Administrator", check_strength=False
    )
    session = admin.AdminSession(conn)
    # Times at working hours of the user's day: the demo runs on the user's own computer,
    # so its local time zone is the user's.
    local_now = (now or datetime.now(UTC)).astimezone(tz or datetime.now().astimezone().tzinfo)
    here = local_now.tzinfo
    counts = {
        "customer": 0,
        "contact": 0,
        "visit": 0,
        "note": 0,
        "followup": 0,
        "comment": 0,
        "relationship": 0,
        "connection": 0,
    }
    number = 10000
    for territory, rep, cities in (("North", "anna", _NORTH), ("South", "ben", _SOUTH)):
        territory_id = admin.territory_by_name(conn, territory)
        rep_id = users[rep]
        rep_customers: list[str] = []
        for _ in range(customers_per_territory):
            number += rng.randint(1, 40)
            city, postal = rng.choice(cities)
            family = rng.choice(_NAMES)
            name = " ".join(p for p in (rng.choice(_PREFIXES), family, rng.choice(_SUFFIXES)) if p)
            customer_id = uuid7()
            session.apply(
                "customer",
                "create",
                customer_id,
                {
                    "number": f"K-{number}",
                    "name": name,
                    "street": f"{rng.choice(_STREETS)} {rng.randint(1, 120)}",
                    "postal_code": postal,
                    "city": city,
                    "country": "DE",
                    "phone": f"+49 {rng.randint(30, 999)} {rng.randint(100000, 9999999)}",
                    "email": f"info@{family.lower().replace(' ', '')}-{number}.example",
                    "territory_id": territory_id,
                    "owner_id": rep_id,
                    "status": rng.choice(("active", "active", "active", "prospect", "inactive")),
                    "segment": rng.choice(("A", "B", "B", "C", "C")),
                    "visit_cadence_days": rng.choice((14, 30, 60, 90)),
                },
            )
            counts["customer"] += 1
            contact_ids = []
            for _ in range(rng.randint(1, 3)):
                contact_id = uuid7()
                first = rng.choice(_FIRST)
                last = rng.choice(_NAMES)
                session.apply(
                    "contact",
                    "create",
                    contact_id,
                    {
                        "customer_id": customer_id,
                        "first_name": first,
                        "last_name": last,
                        "job_title": rng.choice(_JOBS),
                        "phone": f"+49 {rng.randint(30, 999)} {rng.randint(100000, 9999999)}",
                        "email": f"{first.lower()}.{last.lower().replace(' ', '')}@example.com",
                    },
                )
                contact_ids.append(contact_id)
                counts["contact"] += 1
            last_visit_id = None
            for k in range(rng.randint(1, 3)):
                start = _at_work(
                    local_now.date() - timedelta(days=rng.randint(3, 120)),
                    rng,
                    -1,
                    local_now.tzinfo,
                )
                visit_id = last_visit_id = uuid7()
                session.apply(
                    "visit",
                    "create",
                    visit_id,
                    {
                        "customer_id": customer_id,
                        "rep_id": rep_id,
                        "status": "done",
                        "planned_start": _iso(start),
                        "planned_end": _iso(start + timedelta(hours=1)),
                        "check_in_at": _iso(start + timedelta(minutes=5)),
                        "check_out_at": _iso(start + timedelta(minutes=55)),
                        "channel": rng.choice(("in_person", "in_person", "phone", "video")),
                        "purpose": rng.choice(_PURPOSES),
                        "outcome": rng.choice(("order", "opportunity", "information")),
                        "report": rng.choice(_REPORTS),
                        "next_steps": rng.choice(_FOLLOWUPS) if k == 0 else None,
                        "attendee_ids": contact_ids[:1],
                    },
                )
                counts["visit"] += 1
            _people(session, rng, users, rep_id, customer_id, contact_ids, last_visit_id, counts)
            if rng.random() < 0.6:
                start = _at_work(
                    local_now.date() + timedelta(days=rng.randint(7, 30)), rng, 1, here
                )
                session.apply(
                    "visit",
                    "create",
                    uuid7(),
                    {
                        "customer_id": customer_id,
                        "rep_id": rep_id,
                        "status": "planned",
                        "planned_start": _iso(start),
                        "planned_end": _iso(start + timedelta(hours=1)),
                        "channel": "in_person",
                        "purpose": rng.choice(_PURPOSES),
                    },
                )
                counts["visit"] += 1
            if rng.random() < 0.7:
                session.apply(
                    "note",
                    "create",
                    uuid7(),
                    {
                        "customer_id": customer_id,
                        "author_id": rep_id,
                        "text": rng.choice(_NOTES),
                    },
                )
                counts["note"] += 1
            if rng.random() < 0.5:
                due = date.today() + timedelta(days=rng.randint(-5, 20))
                session.apply(
                    "followup",
                    "create",
                    uuid7(),
                    {
                        "customer_id": customer_id,
                        "assignee_id": rep_id,
                        "title": rng.choice(_FOLLOWUPS),
                        "due_date": due.isoformat(),
                    },
                )
                counts["followup"] += 1
            rep_customers.append(customer_id)
        _working_week(session, rng, rep_id, rep_customers, local_now, counts)
    session.finish()
    accounts = conn.execute(sa.select(sa.func.count()).select_from(t.account)).scalar_one()
    summary = ", ".join(f"{n} {entity}s" for entity, n in counts.items())
    admin.audit.record(
        conn,
        "demo.seed",
        actor=admin.audit.command_line_actor(),
        target=AREA,
        detail=("forced into a database with other users; " if force else "") + summary,
    )
    return (
        f"Demo area {AREA!r} seeded: territories North and South, {accounts} users "
        f"(anna, ben, maria, admin; password {DEMO_PASSWORD!r}), {summary}."
    )


#: Start times of visits at working hours (local hour, minute).
_SLOTS = ((8, 30), (9, 0), (10, 0), (10, 30), (11, 0), (13, 30), (14, 0), (15, 0), (16, 0))


def _at_work(day: date, rng: random.Random, step: int, tz: tzinfo | None) -> datetime:
    """A start at working hours on ``day`` (moved by ``step`` days off a weekend), local."""
    while day.weekday() >= 5:
        day += timedelta(days=step)
    hour, minute = rng.choice(_SLOTS)
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=tz)


def _working_week(
    session: admin.AdminSession,
    rng: random.Random,
    rep_id: str,
    customers: list[str],
    now: datetime,
    counts: dict[str, int],
) -> None:
    """Today's and this week's visits of a rep at working hours, one about to start:
    before now they are done (reported), after it planned."""
    soon = (now + timedelta(minutes=15)).replace(second=0, microsecond=0)
    soon = soon.replace(minute=soon.minute - soon.minute % 5)
    starts = [soon]
    day, workdays = now.date(), 0
    while workdays < 5:  # today (if a weekday) and the next workdays: a week's plan
        if day.weekday() < 5:
            slots = ((8, 30), (11, 0), (14, 0), (16, 0)) if workdays == 0 else ((9, 0), (14, 30))
            for hour, minute in slots:
                start = datetime(day.year, day.month, day.day, hour, minute, tzinfo=now.tzinfo)
                if abs((start - soon).total_seconds()) >= 3600:
                    starts.append(start)
            workdays += 1
        day += timedelta(days=1)
    for n, start in enumerate(sorted(starts)):
        done = start + timedelta(hours=1) <= now
        values: dict[str, Any] = {
            "customer_id": customers[n % len(customers)],
            "rep_id": rep_id,
            "status": "done" if done else "planned",
            "planned_start": _iso(start),
            "planned_end": _iso(start + timedelta(hours=1)),
            "channel": "in_person",
            "purpose": rng.choice(_PURPOSES),
        }
        if done:
            values |= {
                "check_in_at": _iso(start + timedelta(minutes=3)),
                "check_out_at": _iso(start + timedelta(minutes=52)),
                "outcome": "information",
                "report": rng.choice(_REPORTS),
            }
        session.apply("visit", "create", uuid7(), values)
        counts["visit"] += 1


def _people(
    session: admin.AdminSession,
    rng: random.Random,
    users: dict[str, str],
    rep_id: str,
    customer_id: str,
    contact_ids: list[str],
    visit_id: str | None,
    counts: dict[str, int],
) -> None:
    """Feedback, relationships and connections, so the demo shows how people connect."""
    if visit_id is not None and rng.random() < 0.3:
        session.apply(
            "comment",
            "create",
            uuid7(),
            {
                "visit_id": visit_id,
                "customer_id": customer_id,
                "author_id": users["maria"],
                "kind": "comment",
                "text": rng.choice(_FEEDBACK),
            },
        )
        counts["comment"] += 1
        if rng.random() < 0.5:
            session.apply(
                "comment",
                "create",
                uuid7(),
                {
                    "visit_id": visit_id,
                    "customer_id": customer_id,
                    "author_id": rep_id,
                    "kind": "comment",
                    "text": rng.choice(_REPLIES),
                },
            )
            counts["comment"] += 1
    if len(contact_ids) >= 2:
        session.apply(
            "relationship",
            "create",
            uuid7(),
            {
                "customer_id": customer_id,
                "from_contact_id": contact_ids[1],
                "to_contact_id": contact_ids[0],
                "kind": rng.choice(("reports_to", "reports_to", "influences", "colleague")),
            },
        )
        counts["relationship"] += 1
    if rng.random() < 0.25:
        session.apply(
            "connection",
            "create",
            uuid7(),
            {
                "customer_id": customer_id,
                "contact_id": contact_ids[0],
                "user_id": users["maria"],
                "strength": rng.randint(2, 5),
                "since": f"{rng.randint(2010, 2024)}-0{rng.randint(1, 9)}-01",
                "note": "Kennen uns aus der Branche.",
            },
        )
        counts["connection"] += 1


_FEEDBACK = (
    "Danke für den ausführlichen Bericht – bitte die Mengen beim nächsten Mal notieren.",
    "Wer entscheidet dort über den Rahmenvertrag?",
    "Gut gemacht. Lass uns das Angebot im Team-Meeting besprechen.",
)
_REPLIES = (
    "Mache ich, danke!",
    "Der Geschäftsführer, der Einkauf bereitet vor.",
    "Gern, ich bringe die Zahlen mit.",
)
