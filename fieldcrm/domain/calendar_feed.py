"""Planned visits as iCalendar (RFC 5545), the same on the laptop and the server.

Each visit is one event whose UID is made from the visit's id, so a calendar that imports
the file again, or follows the subscription, updates the event instead of adding a second
one. Times carry the user's time zone (``TZID`` with its ``VTIMEZONE``), so a visit at 9:00
stays at 9:00 local time on both sides of a daylight-saving change.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import icalendar

from fieldcrm.domain.validation import parse_datetime

PRODUCT_ID = "-//FieldCRM//Planned visits//EN"
UID_DOMAIN = "visit.fieldcrm"
#: A visit without a planned end lasts this long in the calendar.
DEFAULT_MINUTES = 60


@dataclass(frozen=True, slots=True)
class VisitEvent:
    visit_id: str
    planned_start: str
    planned_end: str | None
    customer_name: str | None
    address: str | None
    purpose: str | None


def visit_uid(visit_id: str) -> str:
    return f"{visit_id}@{UID_DOMAIN}"


def zone(name: str) -> zoneinfo.ZoneInfo:
    """The IANA time zone ``name``; ``ValueError`` with a clear message otherwise."""
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        # OSError: a name that is a folder of the zone database ("Europe")
        raise ValueError(
            f"unknown time zone {name!r}; use a name like Europe/Berlin or UTC"
        ) from None


def build_calendar(
    events: Iterable[VisitEvent],
    zone_name: str,
    *,
    title: str = "FieldCRM visits",
    now: datetime | None = None,
) -> bytes:
    tz = zone(zone_name)
    stamp = (now or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    cal = icalendar.Calendar()
    cal.add("prodid", PRODUCT_ID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", title)
    cal.add("x-wr-timezone", zone_name)
    first, last = stamp.date(), stamp.date()
    for visit in events:
        start = parse_datetime(visit.planned_start).astimezone(tz)
        first, last = min(first, start.date()), max(last, start.date())
        end = (
            parse_datetime(visit.planned_end).astimezone(tz)
            if visit.planned_end
            else start + timedelta(minutes=DEFAULT_MINUTES)
        )
        event = icalendar.Event()
        event.add("uid", visit_uid(visit.visit_id))
        event.add("dtstamp", stamp)
        event.add("dtstart", start)
        event.add("dtend", max(end, start))
        event.add("summary", visit.customer_name or "Visit")
        if visit.address:
            event.add("location", visit.address)
        if visit.purpose:
            event.add("description", visit.purpose)
        event.add("status", "CONFIRMED")
        event.add("transp", "OPAQUE")
        cal.add_component(event)
    # The zone's rules for the calendar's years only: a short VTIMEZONE that every
    # calendar program reads alike (one from 1970 to 2038 was misread by one parser).
    cal.add_missing_timezones(
        first_date=date(first.year - 1, 1, 1), last_date=date(last.year + 2, 1, 1)
    )
    return cal.to_ical()


def address_of(street: str | None, postal_code: str | None, city: str | None) -> str | None:
    place = " ".join(p for p in (postal_code, city) if p)
    text = ", ".join(p for p in (street, place) if p)
    return text or None
