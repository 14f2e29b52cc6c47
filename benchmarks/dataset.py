"""The standard benchmark area: a deterministic generator of every entity, and its writers.

One sales organisation: 2 areas with 10 territories, 20 reps (two per territory), a
manager per area and an admin; 100,000 customers, 250,000 contacts, 1,000,000 visits over
about two years, 500,000 notes and 100,000 follow-ups. ``small`` is the same organisation
with 1/100 of the records.

Everything is a pure function of (size, seed): ids are UUIDv7-shaped and time-ordered,
made from the entity and the row number, so a row's references (its customer, owner,
contacts, visits) can be computed without keeping other rows in memory.

Use it from other benchmarks::

    from benchmarks.dataset import SIZES, iter_all, cached_client_db
    for entity, row in iter_all(SIZES["small"]):  # e.g. to seed a server
        ...
    db = cached_client_db("small")  # a migrated client store holding the area (copy it)

or from a shell: ``python -m benchmarks.dataset --size small --out /tmp/area.db``
(``--out x.jsonl`` writes JSON lines ``{"entity": ..., "row": {...}}`` instead).
"""

from __future__ import annotations

import argparse
import random
import shutil
import sqlite3
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import orjson

from fieldcrm.domain.entities import ENTITIES
from fieldcrm.domain.hlc import format_stamp

#: Bump when the generated data or its stored form changes, so cached databases are rebuilt
#: (3: server payloads carry compact stamps).
DATASET_VERSION = 3
DEFAULT_SEED = 20260601
DATA_DIR = Path(__file__).resolve().parent / "data"
#: The device that "wrote" the dataset; its rows look as if they came from the server.
DATASET_DEVICE = "dataset0000000000000000000000000"
#: The day the benchmark area is seen from: visits run for two years up to it.
REFERENCE_DAY = datetime(2026, 6, 30, tzinfo=UTC)
HISTORY_DAYS = 730
FUTURE_DAYS = 42

ENTITY_ORDER = ("territory", "user", "customer", "contact", "visit", "note", "followup")
_ENTITY_NO = {name: i for i, name in enumerate(ENTITY_ORDER)}
#: Creation times (ms) of the rows: each entity gets its own stretch after this moment.
_BASE_MS = int(datetime(2024, 6, 1, tzinfo=UTC).timestamp() * 1000)
_MS_PER_ENTITY = 10**8

AREAS = ("Nord", "Süd")
TERRITORIES = (
    ("Hamburg", "Nord"),
    ("Bremen", "Nord"),
    ("Hannover", "Nord"),
    ("Berlin", "Nord"),
    ("Rhein-Ruhr", "Nord"),
    ("München", "Süd"),
    ("Stuttgart", "Süd"),
    ("Frankfurt", "Süd"),
    ("Nürnberg", "Süd"),
    ("Leipzig", "Süd"),
)
REPS_PER_TERRITORY = 2


@dataclass(frozen=True)
class Scale:
    """How many records of each kind (the organisation stays the same)."""

    name: str
    customers: int
    contacts: int
    visits: int
    notes: int
    followups: int

    @property
    def territories(self) -> int:
        return len(AREAS) + len(TERRITORIES)

    @property
    def reps(self) -> int:
        return len(TERRITORIES) * REPS_PER_TERRITORY

    @property
    def users(self) -> int:
        return self.reps + len(AREAS) + 1

    def count(self, entity: str) -> int:
        if entity == "territory":
            return self.territories
        if entity == "user":
            return self.users
        return int(getattr(self, entity + "s"))


SIZES: dict[str, Scale] = {
    "standard": Scale("standard", 100_000, 250_000, 1_000_000, 500_000, 100_000),
    "small": Scale("small", 1_000, 2_500, 10_000, 5_000, 1_000),
    "tiny": Scale("tiny", 50, 120, 500, 250, 50),
}

# ---- ids ------------------------------------------------------------------------------------

_M64 = (1 << 64) - 1


def _mix(x: int) -> int:
    """splitmix64: a fast, well-spread hash of an integer."""
    x = (x + 0x9E3779B97F4A7C15) & _M64
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & _M64
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & _M64
    return x ^ (x >> 31)


def created_ms(entity: str, index: int) -> int:
    """When row ``index`` of ``entity`` was made (ms); ids and stamps carry this time."""
    return _BASE_MS + _ENTITY_NO[entity] * _MS_PER_ENTITY + index


def row_id(entity: str, index: int, seed: int = DEFAULT_SEED) -> str:
    """The id of row ``index`` of ``entity``: a UUIDv7 whose time part is ``created_ms``."""
    r1 = _mix((seed << 32) ^ (_ENTITY_NO[entity] << 28) ^ index)
    r2 = _mix(r1)
    value = (
        created_ms(entity, index) << 80
        | 0x7 << 76
        | (r1 & 0xFFF) << 64
        | 0b10 << 62
        | (r2 & ((1 << 62) - 1))
    )
    h = f"{value:032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def row_stamp(entity: str, index: int) -> str:
    return format_stamp(created_ms(entity, index), 0, DATASET_DEVICE)


# ---- the organisation -----------------------------------------------------------------------
# Rows 0..1 of territory are the areas, 2..11 the territories. Users: reps first (two per
# territory), then one manager per area, then the admin.


def territory_of_customer(customer: int) -> int:
    """Territory number (0..9) of a customer."""
    return customer % len(TERRITORIES)


def owner_of_customer(customer: int) -> int:
    """User row (a rep) that owns a customer."""
    return territory_of_customer(customer) * REPS_PER_TERRITORY + (customer // 10) % 2


def _range_start(parent: int, n_children: int, n_parents: int) -> int:
    return parent * n_children // n_parents


def _parent_of(child: int, n_children: int, n_parents: int) -> int:
    return ((child + 1) * n_parents - 1) // n_children


def contacts_of_customer(scale: Scale, customer: int) -> range:
    n, m = scale.contacts, scale.customers
    return range(_range_start(customer, n, m), _range_start(customer + 1, n, m))


def customer_of_contact(scale: Scale, contact: int) -> int:
    return _parent_of(contact, scale.contacts, scale.customers)


def visits_of_customer(scale: Scale, customer: int) -> range:
    n, m = scale.visits, scale.customers
    return range(_range_start(customer, n, m), _range_start(customer + 1, n, m))


def customer_of_visit(scale: Scale, visit: int) -> int:
    return _parent_of(visit, scale.visits, scale.customers)


# ---- word lists -------------------------------------------------------------------------------


def _words(text: str) -> tuple[str, ...]:
    """Words separated by blanks; ``_`` stands for a blank inside one entry."""
    return tuple(word.replace("_", " ") for word in text.split())


SURNAMES = _words(
    "Müller Schmidt Schneider Fischer Weber Meyer Wagner Becker Schulz Hoffmann Schäfer Koch "
    "Bauer Richter Klein Wolf Schröder Neumann Schwarz Zimmermann Braun Krüger Hofmann Hartmann "
    "Lange Schmitt Werner Schmitz Krause Meier Lehmann Schmid Schulze Maier Köhler Herrmann König "
    "Walter Mayer Huber Kaiser Fuchs Peters Lang Scholz Möller Weiß Jung Hahn Schubert Vogel "
    "Friedrich Keller Günther Frank Berger Winkler Roth Beck Lorenz Baumann Franke Albrecht "
    "Schuster Simon Ludwig Böhm Winter Kraus Martin Schumacher Krämer Vogt Stein Jäger Otto Sommer "
    "Groß Seidel Heinrich Brandt Haas Schreiber Graf Schulte Dietrich Ziegler Kuhn Kühn Pohl "
    "Engel Horn Busch Bergmann Thomas Voigt Sauer Arnold Wolff Pfeiffer Yılmaz Nowak Kowalski "
    "Dvořák Novák Rossi Costa García"
)
FIRST_NAMES = _words(
    "Anna Maria Julia Laura Lena Sarah Katharina Lisa Hannah Sophie Emma Lea Johanna Clara "
    "Paula Marie Jana Sandra Petra Sabine Claudia Susanne Andrea Birgit Karin Monika Ursula "
    "Thomas Michael Andreas Stefan Christian Peter Markus Frank Jürgen Klaus Uwe Wolfgang "
    "Jens Tobias Jan Lukas Felix Jonas Maximilian Alexander Daniel Sebastian Florian Matthias "
    "Martin Tim Niklas Philipp Björn Sören Ömer Zoë Chloé René"
)
INDUSTRIES = _words(
    "Maschinenbau Elektrotechnik Bau Metallbau Holzbau Druckerei Logistik Spedition Bäckerei "
    "Autohaus Apotheke Sanitär Heizungsbau Dachdeckerei Kfz-Technik Medizintechnik Optik "
    "Kunststofftechnik Feinmechanik Gartenbau Landtechnik Lebensmittel Getränke Textil Papier "
    "Verpackung Software Systemhaus Ingenieurbüro Hotel Gastronomie Möbel Elektro Werkzeugbau"
)
LEGAL_FORMS = ("GmbH", "GmbH & Co. KG", "KG", "AG", "e.K.", "OHG", "GmbH", "GmbH", "UG")
STREETS = _words(
    "Hauptstraße Bahnhofstraße Schulstraße Gartenstraße Dorfstraße Bergstraße Lindenstraße "
    "Kirchstraße Industriestraße Am_Markt Birkenweg Ringstraße Mühlenweg Goethestraße "
    "Schillerstraße Friedhofstraße Waldstraße Feldstraße Gewerbestraße Hafenstraße Rosenweg"
)
#: city, postal code prefix, latitude, longitude, territory number
CITIES: tuple[tuple[str, str, float, float, int], ...] = (
    ("Hamburg", "20", 53.55, 10.00, 0),
    ("Lübeck", "23", 53.87, 10.69, 0),
    ("Kiel", "24", 54.32, 10.14, 0),
    ("Bremen", "28", 53.08, 8.80, 1),
    ("Oldenburg", "26", 53.14, 8.21, 1),
    ("Osnabrück", "49", 52.28, 8.05, 1),
    ("Hannover", "30", 52.37, 9.73, 2),
    ("Braunschweig", "38", 52.27, 10.52, 2),
    ("Göttingen", "37", 51.54, 9.93, 2),
    ("Berlin", "10", 52.52, 13.40, 3),
    ("Potsdam", "14", 52.40, 13.06, 3),
    ("Cottbus", "03", 51.76, 14.33, 3),
    ("Köln", "50", 50.94, 6.96, 4),
    ("Düsseldorf", "40", 51.23, 6.78, 4),
    ("Essen", "45", 51.46, 7.01, 4),
    ("Dortmund", "44", 51.51, 7.47, 4),
    ("München", "80", 48.14, 11.58, 5),
    ("Augsburg", "86", 48.37, 10.90, 5),
    ("Rosenheim", "83", 47.86, 12.12, 5),
    ("Stuttgart", "70", 48.78, 9.18, 6),
    ("Ulm", "89", 48.40, 9.99, 6),
    ("Heilbronn", "74", 49.14, 9.22, 6),
    ("Frankfurt am Main", "60", 50.11, 8.68, 7),
    ("Wiesbaden", "65", 50.08, 8.24, 7),
    ("Darmstadt", "64", 49.87, 8.65, 7),
    ("Nürnberg", "90", 49.45, 11.08, 8),
    ("Würzburg", "97", 49.79, 9.95, 8),
    ("Regensburg", "93", 49.01, 12.10, 8),
    ("Leipzig", "04", 51.34, 12.37, 9),
    ("Dresden", "01", 51.05, 13.74, 9),
    ("Chemnitz", "09", 50.83, 12.92, 9),
)
CITIES_BY_TERRITORY: dict[int, tuple[tuple[str, str, float, float, int], ...]] = {
    t: tuple(c for c in CITIES if c[4] == t) for t in range(len(TERRITORIES))
}
JOB_TITLES = (
    "Geschäftsführer",
    "Geschäftsführerin",
    "Einkaufsleiter",
    "Einkäuferin",
    "Einkauf",
    "Technischer Leiter",
    "Werkstattleiter",
    "Inhaberin",
    "Inhaber",
    "Assistenz der Geschäftsführung",
    "Produktionsleiter",
    "Leiterin Instandhaltung",
    "Buchhaltung",
    None,
)
PURPOSES = (
    "Jahresgespräch",
    "Vorstellung Neuheiten",
    "Angebot besprechen",
    "Reklamation klären",
    "Bedarfsanalyse",
    "Vertragsverlängerung",
    "Schulung",
    "Kennenlernen",
    "Preisverhandlung",
    "Messenachbereitung",
)
REPORT_SENTENCES = (
    "Kunde ist mit der Liefertreue zufrieden.",
    "Preise wurden als zu hoch empfunden, Vergleichsangebot liegt vor.",
    "Neue Produktlinie vorgestellt, großes Interesse an den Mustern.",
    "Ansprechpartner wechselt zum Quartalsende, Nachfolge noch offen.",
    "Lagerbestand ist niedrig, Nachbestellung in den nächsten Wochen zu erwarten.",
    "Reklamation der letzten Lieferung besprochen, Gutschrift zugesagt.",
    "Budget für das kommende Jahr ist noch nicht freigegeben.",
    "Wettbewerber war letzte Woche vor Ort.",
    "Rahmenvertrag läuft im Herbst aus.",
    "Kunde wünscht eine Schulung für zwei neue Mitarbeiter.",
    "Zahlungsziel soll auf 60 Tage verlängert werden.",
    "Die Produktion wird im Frühjahr erweitert.",
    "Termin war kurz, Entscheider nicht anwesend.",
    "Muster wurden getestet, Ergebnis positiv.",
    "Kunde fragt nach Staffelpreisen ab 500 Stück.",
)
NEXT_STEPS = (
    "Angebot bis Freitag schicken.",
    "Muster nachliefern.",
    "Rückruf in zwei Wochen.",
    "Termin mit dem Einkauf vereinbaren.",
    "Preisliste aktualisieren und zusenden.",
    "Technik-Kollegen zum nächsten Termin mitnehmen.",
    None,
)
NOTE_TEXTS = (
    "Bevorzugt Termine am Vormittag.",
    "Rechnungen bitte nur noch per E-Mail.",
    "Ist im August im Urlaub.",
    "Hat nach Rabatt für Großmengen gefragt.",
    "Parkplatz hinter dem Gebäude nutzen.",
    "Neue Telefonnummer der Zentrale notiert.",
    "Interesse an Wartungsvertrag.",
    "Entscheidet gemeinsam mit der Geschäftsführung.",
    "Lieferadresse hat sich geändert.",
    "Feedback zur letzten Schulung war sehr gut.",
)
FOLLOWUP_TITLES = (
    "Angebot nachfassen",
    "Muster schicken",
    "Rückruf",
    "Vertrag vorbereiten",
    "Termin vereinbaren",
    "Reklamation abschließen",
    "Preisliste senden",
    "Schulung planen",
)


def _slug(text: str) -> str:
    table = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", " ": "-", "&": "und"})
    return "".join(ch for ch in text.lower().translate(table) if ch.isalnum() or ch == "-")


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


# ---- rows per entity ----------------------------------------------------------------------

Row = dict[str, Any]


def _rng(entity: str, seed: int) -> random.Random:
    return random.Random(f"{seed}:{entity}")


def territories(scale: Scale, seed: int = DEFAULT_SEED) -> Iterator[Row]:
    for i, area in enumerate(AREAS):
        yield {"id": row_id("territory", i, seed), "name": area, "parent_id": None}
    for t, (name, area) in enumerate(TERRITORIES):
        parent = row_id("territory", AREAS.index(area), seed)
        yield {"id": row_id("territory", len(AREAS) + t, seed), "name": name, "parent_id": parent}


def users(scale: Scale, seed: int = DEFAULT_SEED) -> Iterator[Row]:
    rng = _rng("user", seed)
    index = 0
    for t in range(len(TERRITORIES)):
        for _ in range(REPS_PER_TERRITORY):
            first, last = rng.choice(FIRST_NAMES), rng.choice(SURNAMES)
            yield {
                "id": row_id("user", index, seed),
                "username": f"rep{index + 1:02d}",
                "display_name": f"{first} {last}",
                "role": "rep",
                "territory_id": row_id("territory", len(AREAS) + t, seed),
                "active": True,
            }
            index += 1
    for a, area in enumerate(AREAS):
        yield {
            "id": row_id("user", index, seed),
            "username": f"manager-{_slug(area)}",
            "display_name": f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)}",
            "role": "manager",
            "territory_id": row_id("territory", a, seed),
            "active": True,
        }
        index += 1
    yield {
        "id": row_id("user", index, seed),
        "username": "admin",
        "display_name": "Administrator",
        "role": "admin",
        "territory_id": None,
        "active": True,
    }


def _customer_name(rng: random.Random) -> str:
    r = rng.random()
    if r < 0.6:
        return f"{rng.choice(SURNAMES)} {rng.choice(INDUSTRIES)} {rng.choice(LEGAL_FORMS)}"
    if r < 0.85:
        return f"{rng.choice(INDUSTRIES)} {rng.choice(SURNAMES)} & {rng.choice(SURNAMES)}"
    return f"{rng.choice(SURNAMES)} & Söhne {rng.choice(LEGAL_FORMS)}"


_CADENCE = {"A": (14, 21, 30), "B": (30, 45, 60), "C": (90, 120, 180)}


def customers(scale: Scale, seed: int = DEFAULT_SEED) -> Iterator[Row]:
    rng = _rng("customer", seed)
    rand, choice, randint = rng.random, rng.choice, rng.randint
    for c in range(scale.customers):
        territory = territory_of_customer(c)
        city, prefix, lat, lon, _ = choice(CITIES_BY_TERRITORY[territory])
        name = _customer_name(rng)
        r = rand()
        status = "active" if r < 0.7 else "prospect" if r < 0.9 else "inactive"
        r = rand()
        segment = "A" if r < 0.15 else "B" if r < 0.5 else "C"
        has_position = rand() < 0.8
        yield {
            "id": row_id("customer", c, seed),
            "number": f"K-{100000 + c}",
            "name": name,
            "street": f"{choice(STREETS)} {randint(1, 180)}",
            "postal_code": f"{prefix}{randint(0, 999):03d}",
            "city": city,
            "country": "DE",
            "phone": f"+49 {randint(30, 9999)} {randint(10000, 9999999)}",
            "email": f"info@{_slug(name.split()[0])}-{c}.example" if rand() < 0.85 else None,
            "territory_id": row_id("territory", len(AREAS) + territory, seed),
            "owner_id": row_id("user", owner_of_customer(c), seed),
            "status": status,
            "segment": segment if status != "prospect" or rand() < 0.3 else None,
            "visit_cadence_days": choice(_CADENCE[segment]),
            "latitude": round(lat + rng.uniform(-0.3, 0.3), 5) if has_position else None,
            "longitude": round(lon + rng.uniform(-0.4, 0.4), 5) if has_position else None,
        }


def contacts(scale: Scale, seed: int = DEFAULT_SEED) -> Iterator[Row]:
    rng = _rng("contact", seed)
    rand, choice, randint = rng.random, rng.choice, rng.randint
    for k in range(scale.contacts):
        customer = customer_of_contact(scale, k)
        first, last = choice(FIRST_NAMES), choice(SURNAMES)
        yield {
            "id": row_id("contact", k, seed),
            "customer_id": row_id("customer", customer, seed),
            "first_name": first if rand() < 0.95 else None,
            "last_name": last,
            "job_title": choice(JOB_TITLES),
            "phone": f"+49 {randint(30, 9999)} {randint(10000, 9999999)}" if rand() < 0.8 else None,
            "mobile": f"+49 1{randint(50, 79)} {randint(1000000, 99999999)}"
            if rand() < 0.5
            else None,
            "email": f"{_slug(first)}.{_slug(last)}@kunde-{customer}.example"
            if rand() < 0.75
            else None,
            # Most follow their customer's visit cadence; key people get their own.
            "touch_cadence_days": choice((30, 60, 90)) if rand() < 0.15 else None,
        }


_DAY = timedelta(days=1)
_OUTCOMES = (
    *("order",) * 30,
    *("opportunity",) * 25,
    *("information",) * 30,
    *("no_interest",) * 10,
    *("not_reached",) * 5,
)
_DURATIONS = (30, 45, 60, 60, 90, 120)


def _working_days(first: datetime, count: int) -> tuple[str, ...]:
    days = (first + i * _DAY for i in range(count))
    return tuple(d.strftime("%Y-%m-%d") for d in days if d.weekday() < 5)


def _at(day: str, minute: int) -> str:
    """``day`` at ``minute`` after midnight, UTC, as canonical text."""
    return f"{day}T{minute // 60:02d}:{minute % 60:02d}:00Z"


def _user_ids(scale: Scale, seed: int) -> tuple[str, ...]:
    return tuple(row_id("user", u, seed) for u in range(scale.users))


def visits(scale: Scale, seed: int = DEFAULT_SEED) -> Iterator[Row]:
    rng = _rng("visit", seed)
    user_ids = _user_ids(scale, seed)
    last_customer, customer_id = -1, ""
    rand, choice, randint = rng.random, rng.choice, rng.randint
    days = _working_days(REFERENCE_DAY - HISTORY_DAYS * _DAY, HISTORY_DAYS + FUTURE_DAYS)
    first_future = days.index(REFERENCE_DAY.strftime("%Y-%m-%d"))
    n_days, n_sentences = len(days), len(REPORT_SENTENCES)
    for v in range(scale.visits):
        customer = customer_of_visit(scale, v)
        if customer != last_customer:  # a customer's visits are neighbours
            last_customer, customer_id = customer, row_id("customer", customer, seed)
        day_no = int(rand() * n_days)
        day = days[day_no]
        start = randint(7, 16) * 60 + choice((0, 15, 30, 45))
        end = start + choice(_DURATIONS)
        r = rand()
        status = (
            "planned" if day_no >= first_future or r < 0.03 else "cancelled" if r < 0.12 else "done"
        )
        r = rand()
        channel = "in_person" if r < 0.7 else "phone" if r < 0.9 else "video"
        row: Row = {
            "id": row_id("visit", v, seed),
            "customer_id": customer_id,
            "rep_id": user_ids[owner_of_customer(customer)],
            "status": status,
            "planned_start": _at(day, start),
            "planned_end": _at(day, end),
            "check_in_at": None,
            "check_out_at": None,
            "channel": channel,
            "purpose": choice(PURPOSES),
            "outcome": None,
            "report": None,
            "next_steps": None,
            "attendee_ids": [],
            "cancel_reason": None,
            "fixed_time": False,
        }
        if status == "done":
            check_in = start + randint(-10, 20)
            row["check_in_at"] = _at(day, check_in)
            row["check_out_at"] = _at(day, check_in + (end - start) + randint(-15, 30))
            row["outcome"] = choice(_OUTCOMES)
            first, count = int(rand() * n_sentences), randint(2, 7)
            row["report"] = " ".join(
                REPORT_SENTENCES[(first + i) % n_sentences] for i in range(count)
            )
            row["next_steps"] = choice(NEXT_STEPS)
            people = contacts_of_customer(scale, customer)
            if people and (channel != "phone" or rand() < 0.5):
                k = people.start + int(rand() * len(people))
                attendees = [k]
                if len(people) > 1 and rand() < 0.3:
                    attendees.append(people.start + (k - people.start + 1) % len(people))
                row["attendee_ids"] = [row_id("contact", a, seed) for a in sorted(attendees)]
        yield row


def notes(scale: Scale, seed: int = DEFAULT_SEED) -> Iterator[Row]:
    rng = _rng("note", seed)
    user_ids = _user_ids(scale, seed)
    rand, choice, randrange = rng.random, rng.choice, rng.randrange
    for n in range(scale.notes):
        r = rand()
        contact_id = visit_id = None
        if r < 0.4:
            visit = randrange(scale.visits)
            customer = customer_of_visit(scale, visit)
            visit_id = row_id("visit", visit, seed)
        elif r < 0.6:
            contact = randrange(scale.contacts)
            customer = customer_of_contact(scale, contact)
            contact_id = row_id("contact", contact, seed)
        else:
            customer = randrange(scale.customers)
        text = choice(NOTE_TEXTS)
        if rand() < 0.3:
            text += " " + choice(REPORT_SENTENCES)
        yield {
            "id": row_id("note", n, seed),
            "customer_id": row_id("customer", customer, seed),
            "contact_id": contact_id,
            "visit_id": visit_id,
            "author_id": user_ids[owner_of_customer(customer)],
            "text": text,
        }


def followups(scale: Scale, seed: int = DEFAULT_SEED) -> Iterator[Row]:
    rng = _rng("followup", seed)
    user_ids = _user_ids(scale, seed)
    rand, choice, randint, randrange = rng.random, rng.choice, rng.randint, rng.randrange
    first_day = REFERENCE_DAY - HISTORY_DAYS * _DAY
    for f in range(scale.followups):
        customer = randrange(scale.customers)
        own_visits = visits_of_customer(scale, customer)
        visit_id = (
            row_id("visit", choice(own_visits), seed) if len(own_visits) and rand() < 0.5 else None
        )
        due = first_day + randint(0, HISTORY_DAYS + FUTURE_DAYS) * _DAY
        done_at = None
        if due < REFERENCE_DAY and rand() < 0.85:
            finished = (
                due + timedelta(hours=12) - timedelta(days=randint(0, 5), hours=randint(-4, 5))
            )
            done_at = _iso(finished)
        yield {
            "id": row_id("followup", f, seed),
            "customer_id": row_id("customer", customer, seed),
            "visit_id": visit_id,
            "assignee_id": user_ids[owner_of_customer(customer)],
            "title": choice(FOLLOWUP_TITLES),
            "due_date": due.date().isoformat(),
            "done_at": done_at,
            "requested_by_id": None,
            "response": None,
            "response_note": None,
            "responded_at": None,
        }


GENERATORS: dict[str, Callable[[Scale, int], Iterator[Row]]] = {
    "territory": territories,
    "user": users,
    "customer": customers,
    "contact": contacts,
    "visit": visits,
    "note": notes,
    "followup": followups,
}


def iter_rows(entity: str, scale: Scale, seed: int = DEFAULT_SEED) -> Iterator[Row]:
    """Rows of one entity in id order: the domain fields plus ``id``."""
    return GENERATORS[entity](scale, seed)


def iter_all(scale: Scale, seed: int = DEFAULT_SEED) -> Iterator[tuple[str, Row]]:
    """Every row of the area as (entity, row), parents before children."""
    for entity in ENTITY_ORDER:
        for row in iter_rows(entity, scale, seed):
            yield entity, row


def stamps_json(entity: str, row_index: int) -> str:
    """The row's per-field stamps as stored in the ``stamps`` column (one stamp, every field)."""
    return _STAMP_TEMPLATES[entity].format(row_stamp(entity, row_index))


_STAMP_TEMPLATES = {
    name: "{{" + ",".join(f'"{f}":"{{0}}"' for f in spec.field_names) + "}}"
    for name, spec in ENTITIES.items()
}

# ---- writers --------------------------------------------------------------------------------


def _db_value(value: Any) -> Any:
    if isinstance(value, list):
        return orjson.dumps(value).decode()
    return value


def write_client_store(
    path: Path | str,
    scale: Scale,
    seed: int = DEFAULT_SEED,
    *,
    progress: Callable[[str, int], None] | None = None,
    batch: int = 20_000,
) -> dict[str, int]:
    """Create a client store at ``path`` holding the area as if it had been pulled.

    The schema comes from the client migrations (``Store`` upgrades the new file); the
    rows go in with ``executemany`` into bare tables, and the indexes, search indexes and
    their triggers are built at the end, as a first sync does (``replica.begin_bulk_load``
    / ``end_bulk_load``), and the search index over everything typed afterwards, as the
    app's background builder does (``search_build.build``); no outbox entries. Returns
    the rows written per entity.
    """
    from fieldcrm.store import Store, replica, search_build

    path = Path(path)
    if path.exists():
        raise FileExistsError(f"{path} exists; the dataset is written into a new store")
    store = Store(path)
    try:
        replica.begin_bulk_load(store)
    finally:
        store.close()
    conn = sqlite3.connect(path, isolation_level=None)
    written: dict[str, int] = {}
    try:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=OFF")  # a bulk load; rebuilt from scratch if it fails
        conn.execute("PRAGMA cache_size=-262144")
        for entity in ENTITY_ORDER:
            fields = ENTITIES[entity].field_names
            columns = ("id", *fields, "stamps", "deleted")
            quoted = ", ".join(f'"{c}"' for c in columns)
            sql = f'INSERT INTO "{entity}" ({quoted}) VALUES ({", ".join("?" * len(columns))})'
            template = _STAMP_TEMPLATES[entity]
            conn.execute("BEGIN")
            pending: list[tuple[Any, ...]] = []
            count = 0
            for index, row in enumerate(iter_rows(entity, scale, seed)):
                values = [row["id"], *(_db_value(row[f]) for f in fields)]
                values.append(template.format(row_stamp(entity, index)))
                values.append(0)
                pending.append(tuple(values))
                count += 1
                if len(pending) >= batch:
                    conn.executemany(sql, pending)
                    pending.clear()
                    if progress:
                        progress(entity, count)
            conn.executemany(sql, pending)
            conn.execute("COMMIT")
            written[entity] = count
            if progress:
                progress(entity, count)
    finally:
        conn.close()
    store = Store(path)
    try:
        replica.end_bulk_load(store)
        # The search index, which the app builds after a first sync in the background.
        search_build.build(store)
    finally:
        store.close()
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA optimize")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()
    return written


def write_jsonl(path: Path | str, scale: Scale, seed: int = DEFAULT_SEED) -> dict[str, int]:
    written: dict[str, int] = dict.fromkeys(ENTITY_ORDER, 0)
    with open(path, "wb") as out:
        for entity, row in iter_all(scale, seed):
            out.write(orjson.dumps({"entity": entity, "row": row}) + b"\n")
            written[entity] += 1
    return written


def cached_client_db(size: str = "small", seed: int = DEFAULT_SEED) -> Path:
    """A client store with the area, built once into ``benchmarks/data/``; copy before writing."""
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    target = DATA_DIR / f"client-{size}-seed{seed}-v{DATASET_VERSION}.db"
    if not target.exists():
        partial = target.with_suffix(".partial")
        for leftover in DATA_DIR.glob(partial.name + "*"):
            leftover.unlink()
        write_client_store(partial, SIZES[size], seed)
        for suffix in ("-wal", "-shm"):
            Path(str(partial) + suffix).unlink(missing_ok=True)
        partial.rename(target)
    return target


def copy_client_db(size: str, dest: Path | str, seed: int = DEFAULT_SEED) -> Path:
    """A private copy of the cached store (built first if needed)."""
    dest = Path(dest)
    shutil.copyfile(cached_client_db(size, seed), dest)
    return dest


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.dataset", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--size", choices=sorted(SIZES), default="small")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument(
        "--out", type=Path, required=True, help="a new .db file (client store) or .jsonl file"
    )
    args = parser.parse_args(argv)
    scale = SIZES[args.size]
    began = time.perf_counter()

    def progress(entity: str, count: int) -> None:
        print(f"\r{entity:<10} {count:>9,}", end="", file=sys.stderr, flush=True)

    if args.out.suffix == ".jsonl":
        written = write_jsonl(args.out, scale, args.seed)
    else:
        written = write_client_store(args.out, scale, args.seed, progress=progress)
    print(file=sys.stderr)
    seconds = time.perf_counter() - began
    for entity, count in written.items():
        print(f"{entity:<10} {count:>10,}")
    print(f"{sum(written.values()):,} rows in {seconds:.1f} s -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
