"""Sample requests and deleted records: a teammate who asked something and answered
something, a contact and a note in the trash (for the screenshots and the demo)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from fieldcrm.store import Store


def seed_requests_and_trash(store: Store, user: dict[str, Any]) -> None:
    """A teammate who asked something and answered something; a few deleted records."""
    import sqlalchemy as sa

    from fieldcrm.app import corrections, requests
    from fieldcrm.domain.ids import uuid7
    from fieldcrm.store import tables as t

    ben = uuid7()
    with store.write() as uow:
        uow.conn.execute(
            t.user.insert(),
            {
                "id": ben,
                "username": "ben",
                "display_name": "Ben Becker",
                "role": "rep",
                "territory_id": user["territory_id"],
                "active": True,
                "stamps": "{}",
                "deleted": False,
            },
        )
        customers = list(
            uow.conn.scalars(
                sa.select(t.customer.c.id).where(t.customer.c.deleted.is_(False)).limit(4)
            )
        )
    soon = date.today() + timedelta(days=2)
    requests.ask(store, customers[0], user["id"], "Visit Müller by Friday", soon, ben)
    requests.ask(store, customers[1], user["id"], "Bring the spring catalogue", soon, ben)
    asked = requests.ask(store, customers[2], ben, "Call the new buyer", soon, user["id"]).id
    requests.decline(store, str(asked), ben, "On holiday until the 14th – please ask Carla")
    done = requests.ask(store, customers[3], ben, "Send the price list", soon, user["id"]).id
    requests.complete(store, str(done), ben)
    with store.read() as conn:
        contact = conn.scalar(
            sa.select(t.contact.c.id).where(t.contact.c.customer_id == customers[1]).limit(1)
        )
        note = conn.scalar(sa.select(t.note.c.id).where(t.note.c.deleted.is_(False)).limit(1))
    if contact:
        corrections.delete_contact(store, contact)
    if note:
        corrections.delete_note(store, note)
