"""A small profile with what the search must find: names, compounds, phones, notes, reports."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from fieldcrm.store import Store


@dataclass
class SearchWorld:
    customers: dict[str, str]
    contact: str
    note: str
    visit: str
    followup: str


def make_search_world(store: Store) -> SearchWorld:
    """Customers whose names sort differently bytewise and in German, and one of each kind."""
    with store.write() as uow:
        rep = uow.create("user", {"username": "anna", "display_name": "Anna Rep"})
        names = ["Baumarkt Nord", "Bäckerei Schmidt", "Bauer KG", "Straßenbau Müller GmbH"]
        customers = {
            name: uow.create("customer", {"name": name, "city": "Hamburg"}) for name in names
        }
        uow.update("customer", customers["Straßenbau Müller GmbH"], {"phone": "+49 40 1234567"})
        street = customers["Straßenbau Müller GmbH"]
        contact = uow.create(
            "contact",
            {
                "customer_id": street,
                "first_name": "Jürgen",
                "last_name": "Weiß",
                "job_title": "Einkaufsleiter",
                "mobile": "0171 99 88 77",
            },
        )
        note = uow.create(
            "note",
            {
                "customer_id": street,
                "author_id": rep,
                "text": "Asked about asphalt prices.\nWants a quotation for the Lagerhalle.",
            },
        )
        visit = uow.create(
            "visit",
            {
                "customer_id": customers["Bäckerei Schmidt"],
                "rep_id": rep,
                "planned_start": "2026-11-30T09:00:00Z",
                "purpose": "Jahresgespräch",
                "status": "done",
                "report": "Ovens are old; the owner considers Kühlanlagen next spring.",
            },
        )
        followup = uow.create(
            "followup",
            {
                "customer_id": customers["Bauer KG"],
                "assignee_id": rep,
                "title": "Send Preisliste for Frostschutzmittel",
                "due_date": "2026-12-10",
            },
        )
    return SearchWorld(customers, contact, note, visit, followup)


def search_profile(folder: Path) -> SearchWorld:
    folder.mkdir(parents=True, exist_ok=True)
    store = Store(folder / "fieldcrm.db")
    try:
        return make_search_world(store)
    finally:
        store.close()
