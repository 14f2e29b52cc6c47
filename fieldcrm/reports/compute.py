"""The report definitions: each turns the synced visits, customers and follow-ups into a table.

Dates are calendar days in UTC, the form times are stored in. A visit belongs to the day
of its check-in, or of its planned start when it has no check-in (the store's
``visit_day`` column). A period is inclusive at both ends; "as of" a period means its last
day. The visit queries read only the covering indexes ``ix_visit_report`` and
``ix_visit_customer_done`` (see ``fieldcrm.store.tables``); a customer is joined only when
a territory filter needs it, since a deleted customer's visits are deleted with it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import sqlalchemy as sa


@dataclass(frozen=True, slots=True)
class ReportFilter:
    """What a report covers: a period, and optionally some territories or reps."""

    date_from: date
    date_to: date
    territory_ids: tuple[str, ...] = ()
    rep_ids: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.date_to < self.date_from:
            raise ValueError("the period ends before it starts")


@dataclass(frozen=True, slots=True)
class Column:
    key: str
    title: str
    kind: str = "text"  # text | int | float | percent | date


@dataclass(slots=True)
class ReportTable:
    name: str
    title: str
    columns: tuple[Column, ...]
    rows: list[dict[str, Any]] = field(default_factory=list)

    def column_keys(self) -> list[str]:
        return [c.key for c in self.columns]


def _in_clause(column: str, values: Sequence[str], prefix: str) -> tuple[str, dict[str, str]]:
    names = {f"{prefix}{i}": v for i, v in enumerate(values)}
    return f"{column} IN ({', '.join(':' + n for n in names)})", names


def _customer_scope(
    flt: ReportFilter, customer_alias: str, rep_column: str | None
) -> tuple[str, dict[str, Any]]:
    """SQL conditions for the territory and rep filters."""
    conditions = [f"{customer_alias}.deleted = 0"]
    params: dict[str, Any] = {}
    if flt.territory_ids:
        clause, names = _in_clause(f"{customer_alias}.territory_id", flt.territory_ids, "t")
        conditions.append(clause)
        params |= names
    if flt.rep_ids and rep_column:
        clause, names = _in_clause(rep_column, flt.rep_ids, "r")
        conditions.append(clause)
        params |= names
    return " AND ".join(conditions), params


def _visit_scope(
    flt: ReportFilter, rep_column: str, customer_column: str
) -> tuple[str, dict[str, Any]]:
    """Conditions for the territory and rep filters on visits or follow-ups."""
    conditions: list[str] = []
    params: dict[str, Any] = {}
    if flt.territory_ids:
        clause, names = _in_clause("territory_id", flt.territory_ids, "t")
        conditions.append(
            f"{customer_column} IN (SELECT id FROM customer WHERE deleted = 0 AND {clause})"
        )
        params |= names
    if flt.rep_ids:
        clause, names = _in_clause(rep_column, flt.rep_ids, "r")
        conditions.append(clause)
        params |= names
    return "".join(f" AND {c}" for c in conditions), params


def _period(flt: ReportFilter) -> dict[str, str]:
    return {"d0": flt.date_from.isoformat(), "d1": flt.date_to.isoformat()}


def _names(conn: sa.Connection, table: str, column: str) -> dict[str, str]:
    return dict(conn.execute(sa.text(f'SELECT id, {column} FROM "{table}"')).all())


def _user_names(conn: sa.Connection) -> dict[str, str]:
    return {
        uid: display or username
        for uid, display, username in conn.execute(
            sa.text('SELECT id, display_name, username FROM "user"')
        )
    }


def visits_per_week(conn: sa.Connection, flt: ReportFilter) -> ReportTable:
    """Visits per rep and ISO week, split by status (planned, done, cancelled)."""
    scope, params = _visit_scope(flt, "rep_id", "customer_id")
    rows = conn.execute(
        sa.text(
            "SELECT rep_id, visit_day, status, count(*) FROM visit "
            f"WHERE deleted = 0 AND visit_day BETWEEN :d0 AND :d1{scope} "
            "GROUP BY rep_id, visit_day, status"
        ),
        params | _period(flt),
    )
    counts: dict[tuple[str, str], dict[str, int]] = defaultdict(
        lambda: {"planned": 0, "done": 0, "cancelled": 0}
    )
    for rep_id, day, status, n in rows:
        iso = date.fromisoformat(day).isocalendar()
        counts[(rep_id, f"{iso.year}-W{iso.week:02d}")][status] += n
    users = _user_names(conn)
    table = ReportTable(
        "visits_per_week",
        "Visits per rep and week",
        (
            Column("rep", "Rep"),
            Column("week", "Week"),
            Column("planned", "Planned", "int"),
            Column("done", "Done", "int"),
            Column("cancelled", "Cancelled", "int"),
            Column("total", "Total", "int"),
        ),
    )
    for (rep_id, week), by_status in sorted(
        counts.items(), key=lambda item: (users.get(item[0][0], ""), item[0][1])
    ):
        table.rows.append(
            {
                "rep_id": rep_id,
                "rep": users.get(rep_id, rep_id),
                "week": week,
                **by_status,
                "total": sum(by_status.values()),
            }
        )
    return table


#: Customers with a cadence, each with the day of their last done visit up to ``:d1``
#: (one index seek per customer in ``ix_visit_customer_done``) and the days since then.
_CADENCE_CUSTOMERS = """
    SELECT id, number, name, city, territory_id, owner_id, cadence, last_day,
           CAST(julianday(:d1) - julianday(last_day) AS INTEGER) AS days_since
    FROM (
        SELECT c.id, c.number, c.name, c.city, c.territory_id, c.owner_id,
               c.visit_cadence_days AS cadence,
               (SELECT max(v.visit_day) FROM visit v WHERE v.customer_id = c.id
                AND v.deleted = 0 AND v.status = 'done' AND v.visit_day <= :d1) AS last_day
        FROM customer c
        WHERE {scope} AND c.visit_cadence_days IS NOT NULL AND c.status != 'inactive'
    )
"""


def coverage(conn: sa.Connection, flt: ReportFilter) -> ReportTable:
    """Share of customers (with a cadence) visited within their cadence, per territory and rep."""
    scope, params = _customer_scope(flt, "c", "c.owner_id")
    groups: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for territory_id, owner_id, total, covered in conn.execute(
        sa.text(
            "SELECT territory_id, owner_id, count(*), "
            "sum(last_day IS NOT NULL AND days_since < cadence) "
            f"FROM ({_CADENCE_CUSTOMERS.format(scope=scope)}) GROUP BY territory_id, owner_id"
        ),
        params | {"d1": flt.date_to.isoformat()},
    ):
        for group in (("territory", territory_id), ("rep", owner_id)):
            groups[group][0] += total
            groups[group][1] += covered
    territories, users = _names(conn, "territory", "name"), _user_names(conn)
    table = ReportTable(
        "coverage",
        "Coverage: customers visited within their cadence",
        (
            Column("level", "Level"),
            Column("name", "Territory or rep"),
            Column("customers", "Customers with cadence", "int"),
            Column("covered", "Visited within cadence", "int"),
            Column("share", "Coverage", "percent"),
        ),
    )
    for (level, key), (total, covered) in sorted(
        groups.items(),
        key=lambda item: (
            item[0][0] != "territory",
            (territories | users).get(item[0][1] or "", ""),
        ),
    ):
        name = (territories if level == "territory" else users).get(key or "", key or "—")
        table.rows.append(
            {
                "level": level,
                "id": key,
                "name": name,
                "customers": total,
                "covered": covered,
                "share": round(100.0 * covered / total, 1) if total else 0.0,
            }
        )
    return table


def overdue_customers(conn: sa.Connection, flt: ReportFilter) -> ReportTable:
    """Customers past their cadence at the period's end; never visited first, then most overdue."""
    scope, params = _customer_scope(flt, "c", "c.owner_id")
    territories, users = _names(conn, "territory", "name"), _user_names(conn)
    table = ReportTable(
        "overdue",
        "Overdue customers",
        (
            Column("number", "Number"),
            Column("name", "Customer"),
            Column("city", "City"),
            Column("territory", "Territory"),
            Column("owner", "Owner"),
            Column("cadence", "Cadence (days)", "int"),
            Column("last_visit", "Last visit", "date"),
            Column("days_over", "Days over cadence", "int"),
        ),
    )
    # Tens of thousands of rows: read them straight from the driver, sorted by SQLite.
    driver = conn.connection.driver_connection
    assert driver is not None
    rows = driver.execute(
        "SELECT id, number, name, city, territory_id, owner_id, cadence, last_day, "
        "days_since - cadence AS days_over "
        f"FROM ({_CADENCE_CUSTOMERS.format(scope=scope)}) "
        "WHERE last_day IS NULL OR days_since > cadence "
        "ORDER BY last_day IS NOT NULL, days_over DESC, name",
        params | {"d1": flt.date_to.isoformat()},
    ).fetchall()
    table.rows = [
        {
            "customer_id": cid,
            "number": number,
            "name": name,
            "city": city,
            "territory": territories.get(territory_id or "", ""),
            "owner": users.get(owner_id or "", ""),
            "cadence": cadence,
            "last_visit": last_day,
            "days_over": days_over,
        }
        for cid, number, name, city, territory_id, owner_id, cadence, last_day, days_over in rows
    ]
    return table


def outcomes(conn: sa.Connection, flt: ReportFilter) -> ReportTable:
    """How the done visits of the period ended."""
    scope, params = _visit_scope(flt, "rep_id", "customer_id")
    rows = conn.execute(
        sa.text(
            "SELECT coalesce(outcome, 'none'), count(*) FROM visit "
            f"WHERE deleted = 0 AND visit_day BETWEEN :d0 AND :d1 AND status = 'done'{scope} "
            "GROUP BY 1 ORDER BY 2 DESC, 1"
        ),
        params | _period(flt),
    ).all()
    total = sum(n for _, n in rows)
    table = ReportTable(
        "outcomes",
        "Visit outcomes",
        (
            Column("outcome", "Outcome"),
            Column("visits", "Visits", "int"),
            Column("share", "Share", "percent"),
        ),
    )
    table.rows = [
        {"outcome": outcome, "visits": n, "share": round(100.0 * n / total, 1)}
        for outcome, n in rows
    ]
    return table


#: A visit longer than this is flagged, not averaged (a check-out forgotten, a typo).
LONGEST_VISIT_MINUTES = 12 * 60


def visit_duration(conn: sa.Connection, flt: ReportFilter) -> ReportTable:
    """Average time from check-in to check-out per rep. Only visits with both times count;
    a visit over 12 hours is counted as flagged and left out of the average."""
    scope, params = _visit_scope(flt, "rep_id", "customer_id")
    minutes = "((julianday(check_out_at) - julianday(check_in_at)) * 1440.0)"
    rows = conn.execute(
        sa.text(
            f"SELECT rep_id, sum(CASE WHEN {minutes} <= :longest THEN 1 ELSE 0 END), "
            f"avg(CASE WHEN {minutes} <= :longest THEN {minutes} END), "
            f"sum(CASE WHEN {minutes} > :longest THEN 1 ELSE 0 END) FROM visit "
            f"WHERE deleted = 0 AND visit_day BETWEEN :d0 AND :d1 AND status = 'done'{scope} "
            "AND check_in_at IS NOT NULL AND check_out_at IS NOT NULL GROUP BY rep_id"
        ),
        params | _period(flt) | {"longest": LONGEST_VISIT_MINUTES},
    ).all()
    users = _user_names(conn)
    table = ReportTable(
        "duration",
        "Average visit duration",
        (
            Column("rep", "Rep"),
            Column("visits", "Visits with check-in and check-out", "int"),
            Column("average_minutes", "Average minutes", "float"),
            Column("flagged", "Over 12 hours (not averaged)", "int"),
        ),
    )
    table.rows = sorted(
        (
            {
                "rep_id": rep_id,
                "rep": users.get(rep_id, rep_id),
                "visits": int(n or 0),
                "average_minutes": round(avg, 1) if avg is not None else None,
                "flagged": int(flagged or 0),
            }
            for rep_id, n, avg, flagged in rows
        ),
        key=lambda r: r["rep"],
    )
    return table


def followups(conn: sa.Connection, flt: ReportFilter) -> ReportTable:
    """Open and overdue follow-ups per assignee at the period's end."""
    scope, params = _visit_scope(flt, "f.assignee_id", "f.customer_id")
    # "As of" the period's end, but never a day that has not come yet.
    as_of_day = min(flt.date_to, datetime.now(UTC).date())
    as_of = as_of_day.isoformat()
    end_of_day = (as_of_day + timedelta(days=1)).isoformat()
    rows = conn.execute(
        sa.text(
            f"SELECT f.assignee_id, "
            f"sum(CASE WHEN f.done_at IS NULL OR f.done_at >= :eod THEN 1 ELSE 0 END), "
            f"sum(CASE WHEN (f.done_at IS NULL OR f.done_at >= :eod) AND f.due_date < :asof "
            f"THEN 1 ELSE 0 END) "
            f"FROM followup f WHERE f.deleted = 0{scope} GROUP BY f.assignee_id"
        ),
        params | {"asof": as_of, "eod": end_of_day},
    ).all()
    users = _user_names(conn)
    table = ReportTable(
        "followups",
        "Follow-ups open and overdue",
        (Column("rep", "Rep"), Column("open", "Open", "int"), Column("overdue", "Overdue", "int")),
    )
    table.rows = sorted(
        (
            {
                "rep_id": rep_id,
                "rep": users.get(rep_id, rep_id),
                "open": int(n_open or 0),
                "overdue": int(n_overdue or 0),
            }
            for rep_id, n_open, n_overdue in rows
            if n_open
        ),
        key=lambda r: r["rep"],
    )
    return table


REPORTS: dict[str, Callable[[sa.Connection, ReportFilter], ReportTable]] = {
    "visits_per_week": visits_per_week,
    "coverage": coverage,
    "overdue": overdue_customers,
    "outcomes": outcomes,
    "duration": visit_duration,
    "followups": followups,
}


def compute_report(conn: sa.Connection, name: str, flt: ReportFilter) -> ReportTable:
    try:
        report = REPORTS[name]
    except KeyError:
        raise ValueError(f"unknown report {name!r}; choose one of {', '.join(REPORTS)}") from None
    return report(conn, flt)
