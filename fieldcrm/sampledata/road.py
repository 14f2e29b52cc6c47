"""Sample data for the Route page: customers with coordinates and a full day of visits."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

import sqlalchemy as sa

from fieldcrm.domain.validation import format_datetime
from fieldcrm.store import Store


def place_customers(store: Store, rep_id: str) -> None:
    """Coordinates for the sample customers around Munich, and a full day of visits."""
    rng = random.Random(23)
    with store.read() as conn:
        ids = [r.id for r in conn.execute(sa.text("SELECT id FROM customer ORDER BY name"))]
    with store.write() as uow:
        for cid in ids:
            uow.update(
                "customer",
                cid,
                {
                    "latitude": round(47.95 + rng.random() * 0.45, 5),
                    "longitude": round(11.25 + rng.random() * 0.7, 5),
                },
            )
    today = date.today()
    for n, cid in enumerate(ids[5:10]):
        start = datetime(today.year, today.month, today.day, 8 + 2 * n, 30).astimezone()
        store.create(
            "visit",
            {
                "customer_id": cid,
                "rep_id": rep_id,
                "status": "planned",
                "planned_start": format_datetime(start),
                "planned_end": format_datetime(start + timedelta(minutes=45)),
                "fixed_time": n == 2,
            },
        )
