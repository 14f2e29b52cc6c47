"""Private calendar subscriptions: a user's planned visits as an iCalendar feed.

Each user has at most one subscription address, ``/calendar/<token>.ics``. The token is
the key (calendar programs cannot sign in), so it is long and random, stored only as its
SHA-256, shown once when it is made, and replaced (the old address stops) whenever it is
made again, from the app or with ``fieldcrm-server calendar new``. ``calendar revoke``
ends it: the address then answers 404. The feed holds the user's own planned visits within
what a pull would give the user (their read scope), never another user's visits, and
nothing once the account is disabled.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta
from typing import Any

import orjson
import sqlalchemy as sa

from fieldcrm.domain.calendar_feed import VisitEvent, address_of, build_calendar, zone
from fieldcrm.domain.validation import format_datetime
from fieldcrm.protocol import ApiPaths
from sync_server import audit
from sync_server import tables as t
from sync_server.scope import caller_scopes

#: How far back the feed reaches; everything ahead is included.
PAST_DAYS = 30


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def feed_path(token: str) -> str:
    return ApiPaths.CALENDAR_FEED.format(token=token)


def new_subscription(
    conn: sa.Connection, user_id: str, time_zone: str, *, actor: str, address: str | None = None
) -> str:
    """A new token for the user (any earlier one stops working); returns the token."""
    zone(time_zone)  # refuse an unknown zone before anything is written
    token = secrets.token_urlsafe(32)
    conn.execute(t.calendar_token.delete().where(t.calendar_token.c.user_id == user_id))
    conn.execute(
        t.calendar_token.insert().values(
            token_hash=_hash(token),
            user_id=user_id,
            time_zone=time_zone,
            created_at=datetime.now(UTC),
        )
    )
    audit.record(
        conn, "calendar.new", actor=actor, target=_username(conn, user_id), address=address
    )
    return token


def revoke_subscription(
    conn: sa.Connection, user_id: str, *, actor: str, address: str | None = None
) -> bool:
    """End the user's subscription; False when there was none."""
    gone = conn.execute(t.calendar_token.delete().where(t.calendar_token.c.user_id == user_id))
    if gone.rowcount:
        audit.record(
            conn, "calendar.revoke", actor=actor, target=_username(conn, user_id), address=address
        )
    return bool(gone.rowcount)


def _username(conn: sa.Connection, user_id: str) -> str | None:
    return conn.execute(
        sa.select(t.account.c.username).where(t.account.c.id == user_id)
    ).scalar_one_or_none()


def feed(conn: sa.Connection, token: str, now: datetime | None = None) -> bytes | None:
    """The calendar behind ``token``, or None (unknown, revoked, or account disabled)."""
    row = conn.execute(
        sa.select(t.calendar_token.c.user_id, t.calendar_token.c.time_zone).where(
            t.calendar_token.c.token_hash == _hash(token)
        )
    ).first()
    if row is None:
        return None
    acc = conn.execute(sa.select(t.account).where(t.account.c.id == row.user_id)).first()
    if acc is None or not acc.active:
        return None
    now = now or datetime.now(UTC)
    since = format_datetime(now - timedelta(days=PAST_DAYS))
    events = planned_visits(conn, acc.id, acc.role, acc.territory_id, since)
    return build_calendar(events, row.time_zone, now=now)


def planned_visits(
    conn: sa.Connection, user_id: str, role: str, territory_id: str | None, since: str
) -> list[VisitEvent]:
    """The user's own planned visits from ``since`` on, within the user's read scope."""
    scopes = caller_scopes(conn, role, territory_id)
    query = sa.select(t.record.c.id, t.record.c.data).where(
        t.record.c.entity == "visit",
        t.record.c.deleted.is_(False),
        # A cheap pre-filter on the stored JSON; the exact test is below.
        t.record.c.data.contains(user_id),
    )
    if scopes.read is not None:
        if not scopes.read:
            return []
        query = query.where(t.record.c.scope.in_(sorted(scopes.read)))
    visits: list[tuple[str, dict[str, Any]]] = []
    for rid, data in conn.execute(query):
        fields = orjson.loads(data)
        if (
            fields.get("rep_id") == user_id
            and fields.get("status") == "planned"
            and str(fields.get("planned_start") or "") >= since
        ):
            visits.append((rid, fields))
    customers = _customers(conn, {f["customer_id"] for _, f in visits if f.get("customer_id")})
    events = []
    for rid, fields in sorted(visits, key=lambda v: (v[1]["planned_start"], v[0])):
        customer = customers.get(fields.get("customer_id") or "")
        if customer is None:
            continue  # the customer is gone (deleted): so is the visit for the user
        events.append(
            VisitEvent(
                visit_id=rid,
                planned_start=fields["planned_start"],
                planned_end=fields.get("planned_end"),
                customer_name=customer.get("name"),
                address=address_of(
                    customer.get("street"), customer.get("postal_code"), customer.get("city")
                ),
                purpose=fields.get("purpose"),
            )
        )
    return events


def _customers(conn: sa.Connection, ids: set[str]) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    wanted = sorted(ids)
    for start in range(0, len(wanted), 500):
        rows = conn.execute(
            sa.select(t.record.c.id, t.record.c.data).where(
                t.record.c.entity == "customer",
                t.record.c.deleted.is_(False),
                t.record.c.id.in_(wanted[start : start + 500]),
            )
        )
        found.update({rid: orjson.loads(data) for rid, data in rows})
    return found
