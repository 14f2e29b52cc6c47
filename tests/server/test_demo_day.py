"""The demo looks like a working day in the user's time zone: visits at working hours,
today's and this week's, one about to start."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from sync_server import demo
from sync_server import tables as t
from sync_server.db import make_engine, write_transaction

BERLIN = ZoneInfo("Europe/Berlin")


def test_demo_visits_fall_at_working_hours_with_one_about_to_start(db_url: str) -> None:
    now = datetime(2026, 12, 2, 9, 47, tzinfo=BERLIN)  # a Wednesday morning
    engine = make_engine(db_url)
    with write_transaction(engine) as conn:
        demo.seed_demo(conn, customers_per_territory=6, now=now, tz=BERLIN)
    with engine.connect() as conn:
        rows = [
            json.loads(d)
            for (d,) in conn.execute(sa.select(t.record.c.data).where(t.record.c.entity == "visit"))
        ]
    engine.dispose()
    starts = [
        (datetime.fromisoformat(v["planned_start"].replace("Z", "+00:00")).astimezone(BERLIN), v)
        for v in rows
    ]
    soon = [s for s, _v in starts if now < s <= now + timedelta(minutes=30)]
    assert len(soon) == 2  # one for each demo rep
    others = [s for s, _v in starts if s not in soon]
    assert all(8 <= s.hour < 17 and s.weekday() < 5 for s in others), sorted(others)[:3]
    today = [v for s, v in starts if s.date() == now.date()]
    assert {v["status"] for v in today} == {"done", "planned"}
    assert all(
        v["status"] == "done"
        for s, v in starts
        if s + timedelta(hours=1) <= now and s.date() == now.date()
    )
    week = {
        s.date() for s, _v in starts if now.date() <= s.date() <= now.date() + timedelta(days=2)
    }
    assert len(week) == 3  # today, Thursday and Friday have visits
    assert all(s.astimezone(UTC) for s, _v in starts)
