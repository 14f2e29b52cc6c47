"""The signed-in user's planned visits as an iCalendar file, and the local time zone."""

from __future__ import annotations

import os
from datetime import date, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

from fieldcrm.domain.calendar_feed import VisitEvent, address_of, build_calendar, zone
from fieldcrm.domain.validation import format_datetime
from fieldcrm.store import Store


def local_zone_name() -> str:
    """The IANA name of this computer's time zone (``TZ``, then ``/etc/localtime``), or
    ``UTC`` when it cannot be told (Windows: the desktop asks Qt; the command line takes
    ``--timezone``)."""
    candidates = [os.environ.get("TZ", "").lstrip(":")]
    localtime = Path("/etc/localtime")
    if localtime.is_symlink():
        target = str(localtime.resolve())
        if "zoneinfo/" in target:
            candidates.append(target.split("zoneinfo/", 1)[1])
    timezone_file = Path("/etc/timezone")
    if timezone_file.is_file():
        candidates.append(timezone_file.read_text(encoding="utf-8").strip())
    for name in candidates:
        if not name:
            continue
        try:
            zone(name)
        except ValueError:
            continue
        return name
    return "UTC"


def period_bounds(
    first: date | None, last: date | None, zone_name: str
) -> tuple[str | None, str | None]:
    """The UTC text range [first 00:00, the day after last 00:00) in the zone."""
    tz = zone(zone_name)

    def midnight(day: date) -> str:
        return format_datetime(datetime(day.year, day.month, day.day, tzinfo=tz))

    start = midnight(first) if first else None
    end = midnight(last + timedelta(days=1)) if last else None
    return start, end


def planned_visit_events(
    store: Store, rep_id: str, start_utc: str | None, end_utc: str | None
) -> list[VisitEvent]:
    """The rep's planned visits starting in [start, end), by time."""
    params: dict[str, str] = {"rep": rep_id}
    where = ""
    if start_utc:
        where += " AND v.planned_start >= :start"
        params["start"] = start_utc
    if end_utc:
        where += " AND v.planned_start < :end"
        params["end"] = end_utc
    sql = sa.text(
        "SELECT v.id, v.planned_start, v.planned_end, v.purpose, c.name, c.street, "
        "c.postal_code, c.city FROM visit AS v JOIN customer AS c ON c.id = v.customer_id "
        "WHERE v.deleted = 0 AND c.deleted = 0 AND v.status = 'planned' AND v.rep_id = :rep"
        f"{where} ORDER BY v.planned_start, v.id"
    )
    with store.read() as conn:
        return [
            VisitEvent(
                visit_id=r.id,
                planned_start=r.planned_start,
                planned_end=r.planned_end,
                customer_name=r.name,
                address=address_of(r.street, r.postal_code, r.city),
                purpose=r.purpose,
            )
            for r in conn.execute(sql, params)
        ]


def export_calendar(
    store: Store,
    rep_id: str,
    first: date | None,
    last: date | None,
    zone_name: str,
    now: datetime | None = None,
) -> tuple[bytes, int]:
    """The iCalendar file of the period and how many visits it holds."""
    if first and last and last < first:
        raise ValueError(f"the period ends ({last}) before it starts ({first})")
    start, end = period_bounds(first, last, zone_name)
    events = planned_visit_events(store, rep_id, start, end)
    return build_calendar(events, zone_name, now=now), len(events)
