"""Visits and the day: the Today overview, the week and list of visits, checking in and
out, planning a visit and filing its report."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, TypedDict

import sqlalchemy as sa

from fieldcrm.app import corrections
from fieldcrm.app.changes import Changes
from fieldcrm.app.customers import utc_now
from fieldcrm.app.records import (
    ContactName,
    OpenFollowup,
    OverdueCustomer,
    VisitRecord,
    VisitRow,
    columns_sql,
    record_columns,
    shaped,
    visit_shaped,
)
from fieldcrm.app.requests import RequestRow, incoming_requests, outgoing_requests
from fieldcrm.domain.textfold import fold, person_order_sql
from fieldcrm.domain.validation import format_datetime
from fieldcrm.store import Store
from fieldcrm.store import tables as t


class TodayOverview(TypedDict):
    """What the Today page shows."""

    today: list[VisitRow]
    week: list[VisitRow]
    overdue_customers: list[OverdueCustomer]
    followups: list[OpenFollowup]
    #: What others asked of the user (open), and the answers to what the user asked.
    requests: list[RequestRow]
    answers: list[RequestRow]


class VisitWithContacts(TypedDict):
    """A visit with the contacts of its customer (for the report form)."""

    visit: VisitRecord
    contacts: list[ContactName]
    customer_name: str | None


#: Visits (as records) with their customer's name and city.
_VISITS_WITH_CUSTOMER = (
    f"SELECT {columns_sql(t.visit, 'v')}, c.name AS customer_name, c.city AS customer_city "
    "FROM visit AS v JOIN customer AS c ON c.id = v.customer_id"
)


def local_day_bounds(day: date) -> tuple[str, str]:
    """The UTC text range [start, end) of a local calendar day."""
    start = datetime(day.year, day.month, day.day).astimezone()
    end = start + timedelta(days=1)
    return format_datetime(start), format_datetime(end)


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def visits_between(
    store: Store, start_utc: str, end_utc: str, rep_id: str | None = None
) -> list[VisitRow]:
    params: dict[str, Any] = {"start": start_utc, "end": end_utc}
    rep_clause = ""
    if rep_id:
        rep_clause = " AND v.rep_id = :rep"
        params["rep"] = rep_id
    sql = sa.text(
        f"{_VISITS_WITH_CUSTOMER} "
        "WHERE v.deleted = 0 AND c.deleted = 0 AND v.planned_start >= :start "
        f"AND v.planned_start < :end{rep_clause} ORDER BY v.planned_start"
    )
    with store.read() as conn:
        return [visit_shaped(VisitRow, r._mapping) for r in conn.execute(sql, params)]


def visit_list(store: Store, status: str | None = None, limit: int = 500) -> list[VisitRow]:
    params: dict[str, Any] = {"limit": limit}
    clause = ""
    if status:
        clause = " AND v.status = :status"
        params["status"] = status
    sql = sa.text(
        f"{_VISITS_WITH_CUSTOMER} "
        f"WHERE v.deleted = 0 AND c.deleted = 0{clause} "
        "ORDER BY v.planned_start DESC LIMIT :limit"
    )
    with store.read() as conn:
        return [visit_shaped(VisitRow, r._mapping) for r in conn.execute(sql, params)]


def visit_with_contacts(store: Store, visit_id: str) -> VisitWithContacts | None:
    with store.read() as conn:
        found = conn.execute(
            sa.select(*record_columns(t.visit)).where(
                t.visit.c.id == visit_id, t.visit.c.deleted.is_(False)
            )
        ).first()
        if found is None:
            return None
        visit = visit_shaped(VisitRecord, found._mapping)
        contacts = [
            shaped(ContactName, r._mapping)
            for r in conn.execute(
                sa.select(t.contact.c.id, t.contact.c.first_name, t.contact.c.last_name)
                .where(
                    t.contact.c.customer_id == visit["customer_id"], t.contact.c.deleted.is_(False)
                )
                .order_by(sa.text(person_order_sql("contact")))
            )
        ]
        customer_name = conn.scalar(
            sa.select(t.customer.c.name).where(t.customer.c.id == visit["customer_id"])
        )
    return {"visit": visit, "contacts": contacts, "customer_name": customer_name}


#: Overdue customers shown on Today.
OVERDUE_SHOWN = 50


def _overdue_customers(
    conn: sa.Connection, never: sa.TextClause, visited: sa.TextClause, params: dict[str, Any]
) -> list[OverdueCustomer]:
    # During a first sync the name index is set aside (``replica.begin_bulk_load``).
    indexed = conn.exec_driver_sql(
        "SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = 'ix_customer_sort_name'"
    ).first()
    walk = "INDEXED BY ix_customer_sort_name" if indexed else ""
    never = sa.text(never.text.replace("{walk}", walk))
    rows = [shaped(OverdueCustomer, r._mapping) for r in conn.execute(never, params)]
    left = params["n"] - len(rows)
    if left > 0:
        found = [
            shaped(OverdueCustomer, r._mapping)
            for r in conn.execute(visited, {**params, "n": left})
        ]
        # Customers last visited at the same moment in reading order (``fold`` is the
        # SQL of ``sort_name``).
        found.sort(key=lambda r: (r["last_visit"] or "", fold(r["name"]), r["id"]))
        rows.extend(found)
    return rows


def today_overview(
    store: Store, user_id: str | None, today: date, now: datetime | None = None
) -> TodayOverview:
    """Visits of today and this week, overdue customers and open follow-ups."""
    day_start, day_end = local_day_bounds(today)
    monday = week_start(today)
    week_from, _ = local_day_bounds(monday)
    _, week_to = local_day_bounds(monday + timedelta(days=6))
    today_visits = [
        v for v in visits_between(store, day_start, day_end, user_id) if v["status"] == "planned"
    ]
    week_visits = [
        v
        for v in visits_between(store, week_from, week_to, user_id)
        if v["status"] == "planned" and not day_start <= (v["planned_start"] or "") < day_end
    ]
    params: dict[str, Any] = {"now": format_datetime(now or utc_now())}
    owner_clause = ""
    if user_id:
        owner_clause = " AND (c.owner_id = :user OR c.owner_id IS NULL)"
        params["user"] = user_id
    # Never visited first, in reading order, then the longest since the last visit. The
    # two parts are asked apart and without a subquery per customer: sorting every
    # overdue customer by ``sort_name`` makes SQLite compute the key (a virtual column,
    # stored only in its index) for each of them (0.6 s of CPU for 100,000 customers),
    # and the last visit asked per customer costs a lookup per customer, twice. The
    # never-visited part walks the name index and stops after a page; the other reads
    # each customer's last visit once, from the visits in one pass.
    done = "v.deleted = 0 AND v.status = 'done'"
    cadence = "c.deleted = 0 AND c.visit_cadence_days IS NOT NULL"
    never_sql = sa.text(
        "SELECT c.id, c.name, c.city, c.visit_cadence_days, NULL AS last_visit "
        f"FROM customer AS c {{walk}} WHERE {cadence}{owner_clause} "
        f"AND c.id NOT IN (SELECT v.customer_id FROM visit AS v WHERE {done}) "
        "ORDER BY c.sort_name, c.id LIMIT :n"
    )
    visited_sql = sa.text(
        "SELECT c.id, c.name, c.city, c.visit_cadence_days, lv.last_visit "
        "FROM (SELECT v.customer_id, MAX(COALESCE(v.check_in_at, v.planned_start)) "
        f"AS last_visit FROM visit AS v WHERE {done} GROUP BY v.customer_id) AS lv "
        f"JOIN customer AS c ON c.id = lv.customer_id WHERE {cadence}{owner_clause} "
        "AND lv.last_visit < strftime('%Y-%m-%dT%H:%M:%SZ', :now, "
        "'-' || c.visit_cadence_days || ' days') ORDER BY lv.last_visit, c.id LIMIT :n"
    )
    fu_params: dict[str, Any] = {}
    fu_clause = ""
    if user_id:
        # Requests of others are listed with who asked (``requests``).
        fu_clause = (
            " AND f.assignee_id = :user AND (f.requested_by_id IS NULL "
            "OR f.requested_by_id = f.assignee_id)"
        )
        fu_params["user"] = user_id
    followup_sql = sa.text(
        "SELECT f.id, f.title, f.due_date, f.customer_id, c.name AS customer_name "
        "FROM followup AS f JOIN customer AS c ON c.id = f.customer_id "
        f"WHERE f.deleted = 0 AND c.deleted = 0 AND f.done_at IS NULL{fu_clause} "
        "ORDER BY f.due_date LIMIT 200"
    )
    with store.read() as conn:
        overdue = _overdue_customers(conn, never_sql, visited_sql, {**params, "n": OVERDUE_SHOWN})
        followups = [
            shaped(OpenFollowup, r._mapping) for r in conn.execute(followup_sql, fu_params)
        ]
    return {
        "today": today_visits,
        "week": week_visits,
        "overdue_customers": overdue,
        "followups": followups,
        "requests": incoming_requests(store, user_id) if user_id else [],
        "answers": [
            r
            for r in (outgoing_requests(store, user_id, limit=50) if user_id else [])
            if r["response"] or r["done_at"]
        ],
    }


# ---- writes -------------------------------------------------------------------------


@dataclass(slots=True)
class ReportInput:
    """A visit report as the report form collects it."""

    outcome: str | None
    report: str
    next_steps: str
    attendee_ids: list[str] = field(default_factory=list)
    followup_title: str | None = None
    followup_due: date | None = None
    #: The real times of a visit that was never checked in (both or neither; empty: unknown).
    check_in_at: datetime | str | None = None
    check_out_at: datetime | str | None = None


def save_report(store: Store, visit_id: str, report: ReportInput, user_id: str) -> Changes:
    """Write the report (and the follow-up from the next steps) in one transaction; the
    follow-up's id, if one was made, is the id of the result."""
    with store.write() as uow:
        visit = uow.get("visit", visit_id)
        if visit is None:
            raise LookupError(f"no visit with id {visit_id}")
        changes: dict[str, Any] = {
            "outcome": report.outcome,
            "report": report.report,
            "next_steps": report.next_steps,
            "attendee_ids": report.attendee_ids,
        }
        if report.check_in_at is not None:
            changes["check_in_at"] = report.check_in_at
        if report.check_out_at is not None:
            changes["check_out_at"] = report.check_out_at
        if visit["status"] == "planned":
            changes["status"] = "done"
            # Checked in and filed now: the visit ends now. Never checked in: the times
            # are what the rep says, or stay empty; a report filed days later never makes
            # a visit of days.
            if visit["check_in_at"] and not visit["check_out_at"] and "check_out_at" not in changes:
                changes["check_out_at"] = max(store.now_text(), visit["check_in_at"])
        uow.update("visit", visit_id, changes)
        if report.followup_title:
            followup_id = uow.create(
                "followup",
                {
                    "customer_id": visit["customer_id"],
                    "visit_id": visit_id,
                    "assignee_id": user_id,
                    "title": report.followup_title,
                    "due_date": report.followup_due or date.today() + timedelta(days=7),
                },
            )
            return Changes.of("visit", "followup", id=followup_id)
    return Changes.of("visit")


def check_in(store: Store, visit_id: str) -> Changes:
    """Check in now; the undo takes the check-in back."""
    result = corrections.edit(
        store, "visit", visit_id, {"check_in_at": store.now_text()}, "check_in"
    )
    return result if result.kinds else Changes.of("visit", id=visit_id)


def begin_visit(store: Store, visit_id: str) -> Changes:
    """Check in now, unless the visit was checked in already."""
    current = store.get("visit", visit_id)
    if current is not None and not current["check_in_at"]:
        return check_in(store, visit_id)
    return Changes.of(id=visit_id)


def check_out(store: Store, visit_id: str) -> Changes:
    store.update("visit", visit_id, {"check_out_at": store.now_text(), "status": "done"})
    return Changes.of("visit", id=visit_id)


def plan_visit(store: Store, customer_id: str, values: Mapping[str, Any], rep_id: str) -> Changes:
    row_id = store.create(
        "visit", {**values, "customer_id": customer_id, "rep_id": rep_id, "status": "planned"}
    )
    return corrections.created("visit", row_id, "plan_visit")
