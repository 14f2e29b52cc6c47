"""What the desktop views read and write, as plain functions on the store (no Qt).

Everything here runs on the database thread (see ``tasks.TaskRunner``); the views get
plain dicts and lists back.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import sqlalchemy as sa

from fieldcrm.domain.entities import entity_spec
from fieldcrm.domain.hlc import stamp_ms
from fieldcrm.domain.validation import format_datetime, parse_datetime
from fieldcrm.store import Store
from fieldcrm.store import tables as t
from fieldcrm.store.search import fts_query
from fieldcrm.store.service import dumps, loads

USER_ID_KEY = "user_id"

#: The last visit of a customer that took place (check-in time, else the planned time).
_LAST_VISIT = (
    "(SELECT MAX(COALESCE(v.check_in_at, v.planned_start)) FROM visit AS v "
    "WHERE v.customer_id = c.id AND v.deleted = 0 AND v.status = 'done')"
)
_OVERDUE = (
    f"(c.visit_cadence_days IS NOT NULL AND COALESCE({_LAST_VISIT}, '') < "
    "strftime('%Y-%m-%dT%H:%M:%SZ', :now, '-' || c.visit_cadence_days || ' days'))"
)


#: Customers matching a full-text query by their own fields or by one of their contacts.
_MATCHING = (
    "c.id IN (SELECT c2.id FROM customer AS c2 WHERE c2.rowid IN "
    "(SELECT rowid FROM customer_fts WHERE customer_fts MATCH :q) "
    "UNION SELECT ct.customer_id FROM contact AS ct WHERE ct.deleted = 0 AND ct.rowid IN "
    "(SELECT rowid FROM contact_fts WHERE contact_fts MATCH :q))"
)
_OWN_MATCH = "c.rowid IN (SELECT rowid FROM customer_fts WHERE customer_fts MATCH :q)"
_CONTACT_MATCH = (
    "c.id IN (SELECT ct.customer_id FROM contact AS ct WHERE ct.deleted = 0 AND ct.rowid IN "
    "(SELECT rowid FROM contact_fts WHERE contact_fts MATCH :q))"
)
#: Above this many matches, walking the name index beats sorting the matches.
_BROAD_MATCHES = 2000


def utc_now() -> datetime:
    return datetime.now(UTC)


def current_user_id(store: Store) -> str | None:
    """The signed-in user's id (written at login)."""
    return store.meta(USER_ID_KEY)


def current_user(store: Store) -> dict[str, Any] | None:
    user_id = current_user_id(store)
    return store.get("user", user_id) if user_id else None


# ---- customers ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CustomerFilter:
    text: str = ""
    territory_id: str | None = None
    status: str | None = None
    segment: str | None = None
    overdue: bool = False


def customer_page(
    store: Store,
    flt: CustomerFilter,
    offset: int,
    limit: int,
    now: datetime | None = None,
) -> list[dict[str, Any]]:
    """One page of the customer list, ordered by name, with filters and search."""
    where = ["c.deleted = 0"]
    params: dict[str, Any] = {"now": format_datetime(now or utc_now())}
    for column in ("territory_id", "status", "segment"):
        value = getattr(flt, column)
        if value:
            where.append(f"c.{column} = :{column}")
            params[column] = value
    if flt.overdue:
        where.append(_OVERDUE)
    query = fts_query(flt.text)
    if query is None:
        if flt.text.strip():
            return []  # only punctuation typed: nothing can match
        return _page(store, where, params, offset, limit, walk_name_index=True)
    params["q"] = query
    if not _is_broad(store, query):
        return _page(store, [*where, _MATCHING], params, offset, limit, walk_name_index=False)
    # Many matches: walk the name index once for customers matching by their own fields
    # and once for those matching by a contact, each stopping after the page, and merge.
    by_customer = _page(store, [*where, _OWN_MATCH], params, 0, offset + limit, True)
    many_contacts = _is_broad(store, query, "contact_fts")
    by_contact = _page(store, [*where, _CONTACT_MATCH], params, 0, offset + limit, many_contacts)
    merged = {row["id"]: row for row in [*by_customer, *by_contact]}
    ordered = sorted(merged.values(), key=lambda row: (row["name"], row["id"]))
    return ordered[offset : offset + limit]


def _page(
    store: Store,
    where: list[str],
    params: dict[str, Any],
    offset: int,
    limit: int,
    walk_name_index: bool,
) -> list[dict[str, Any]]:
    with store.read() as conn:
        # Walking the name index in order stops after one page; sorting every match would
        # not. During a first sync the index is set aside until the end (bulk load), and
        # the list still opens, sorted without it.
        if walk_name_index and _has_index(conn, "ix_customer_name"):
            index = "INDEXED BY ix_customer_name"
        else:
            index = ""
    sql = sa.text(
        "SELECT c.id, c.number, c.name, c.city, c.status, c.segment, "
        "c.visit_cadence_days, tr.name AS territory, "
        f"{_LAST_VISIT} AS last_visit, {_OVERDUE} AS overdue "
        f"FROM customer AS c {index} "
        "LEFT JOIN territory AS tr ON tr.id = c.territory_id "
        f"WHERE {' AND '.join(where)} "
        "ORDER BY c.name, c.id LIMIT :limit OFFSET :offset"
    )
    with store.read() as conn:
        return [
            dict(row._mapping)
            for row in conn.execute(sql, {**params, "limit": limit, "offset": offset})
        ]


def _has_index(conn: sa.Connection, name: str) -> bool:
    found = conn.exec_driver_sql(
        "SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = ?", (name,)
    ).first()
    return found is not None


def _is_broad(store: Store, query: str, fts_table: str = "customer_fts") -> bool:
    """True when ``query`` matches so many customers that the name-order walk is cheaper."""
    with store.read() as conn:
        found = conn.scalar(
            sa.text(
                f"SELECT count(*) FROM (SELECT rowid FROM {fts_table} WHERE {fts_table} MATCH :q "
                "LIMIT :n)"
            ),
            {"q": query, "n": _BROAD_MATCHES},
        )
    return bool(found and found >= _BROAD_MATCHES)


def territories(store: Store) -> list[dict[str, Any]]:
    with store.read() as conn:
        rows = conn.execute(
            sa.select(t.territory.c.id, t.territory.c.name)
            .where(t.territory.c.deleted.is_(False))
            .order_by(t.territory.c.name)
        )
        return [dict(r._mapping) for r in rows]


def customer_detail(store: Store, customer_id: str) -> dict[str, Any] | None:
    """The customer with contacts, a timeline of visits and notes, and follow-ups."""
    with store.read() as conn:
        customer = conn.execute(
            sa.select(t.customer).where(
                t.customer.c.id == customer_id, t.customer.c.deleted.is_(False)
            )
        ).first()
        if customer is None:
            return None
        contacts = [
            dict(r._mapping)
            for r in conn.execute(
                sa.select(t.contact)
                .where(t.contact.c.customer_id == customer_id, t.contact.c.deleted.is_(False))
                .order_by(t.contact.c.last_name, t.contact.c.first_name)
            )
        ]
        visits = [
            dict(r._mapping)
            for r in conn.execute(
                sa.select(t.visit).where(
                    t.visit.c.customer_id == customer_id, t.visit.c.deleted.is_(False)
                )
            )
        ]
        notes = [
            dict(r._mapping)
            for r in conn.execute(
                sa.text(
                    "SELECT n.*, coalesce(json_extract(n.stamps, '$.text'), "
                    "json_extract(n.stamps, '$.\"*\"')) AS stamp "
                    "FROM note AS n WHERE n.customer_id = :c AND n.deleted = 0"
                ),
                {"c": customer_id},
            )
        ]
        comments = [
            dict(r._mapping)
            for r in conn.execute(
                sa.text(
                    "SELECT cm.*, coalesce(json_extract(cm.stamps, '$.kind'), "
                    "json_extract(cm.stamps, '$.\"*\"')) AS stamp, "
                    "coalesce(u.display_name, u.username) AS author_name "
                    'FROM comment AS cm LEFT JOIN "user" AS u ON u.id = cm.author_id '
                    "WHERE cm.customer_id = :c AND cm.deleted = 0"
                ),
                {"c": customer_id},
            )
        ]
        followups = [
            dict(r._mapping)
            for r in conn.execute(
                sa.select(t.followup)
                .where(t.followup.c.customer_id == customer_id, t.followup.c.deleted.is_(False))
                .order_by(t.followup.c.done_at.is_not(None), t.followup.c.due_date)
            )
        ]
    timeline: list[dict[str, Any]] = []
    for visit in visits:
        when = visit["check_in_at"] or visit["planned_start"]
        timeline.append({"kind": "visit", "when": when, "id": visit["id"], "record": visit})
    for note in notes:
        timeline.append(
            {"kind": "note", "when": note_time(note.get("stamp")), "id": note["id"], "record": note}
        )
    for comment in comments:
        timeline.append(
            {
                "kind": "comment",
                "when": note_time(comment.get("stamp")),
                "id": comment["id"],
                "record": comment,
            }
        )
    timeline.sort(key=lambda item: item["when"] or "", reverse=True)
    return {
        "customer": dict(customer._mapping),
        "contacts": contacts,
        "timeline": timeline,
        "followups": followups,
    }


def note_time(stamp: str | None) -> str | None:
    """When a note was written, from its clock stamp (milliseconds first)."""
    if not stamp:
        return None
    try:
        millis = stamp_ms(stamp)
    except ValueError:
        return None
    return format_datetime(datetime.fromtimestamp(millis / 1000, UTC))


# ---- visits and the day ------------------------------------------------------------


def local_day_bounds(day: date) -> tuple[str, str]:
    """The UTC text range [start, end) of a local calendar day."""
    start = datetime(day.year, day.month, day.day).astimezone()
    end = start + timedelta(days=1)
    return format_datetime(start), format_datetime(end)


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def visits_between(
    store: Store, start_utc: str, end_utc: str, rep_id: str | None = None
) -> list[dict[str, Any]]:
    params: dict[str, Any] = {"start": start_utc, "end": end_utc}
    rep_clause = ""
    if rep_id:
        rep_clause = " AND v.rep_id = :rep"
        params["rep"] = rep_id
    sql = sa.text(
        "SELECT v.*, c.name AS customer_name, c.city AS customer_city FROM visit AS v "
        "JOIN customer AS c ON c.id = v.customer_id "
        "WHERE v.deleted = 0 AND c.deleted = 0 AND v.planned_start >= :start "
        f"AND v.planned_start < :end{rep_clause} ORDER BY v.planned_start"
    )
    with store.read() as conn:
        return [_decode_visit(dict(r._mapping)) for r in conn.execute(sql, params)]


def visit_list(store: Store, status: str | None = None, limit: int = 500) -> list[dict[str, Any]]:
    params: dict[str, Any] = {"limit": limit}
    clause = ""
    if status:
        clause = " AND v.status = :status"
        params["status"] = status
    sql = sa.text(
        "SELECT v.*, c.name AS customer_name, c.city AS customer_city FROM visit AS v "
        "JOIN customer AS c ON c.id = v.customer_id "
        f"WHERE v.deleted = 0 AND c.deleted = 0{clause} "
        "ORDER BY v.planned_start DESC LIMIT :limit"
    )
    with store.read() as conn:
        return [_decode_visit(dict(r._mapping)) for r in conn.execute(sql, params)]


def _decode_visit(row: dict[str, Any]) -> dict[str, Any]:
    if isinstance(row.get("attendee_ids"), str):
        row["attendee_ids"] = loads(row["attendee_ids"])
    row.pop("stamps", None)
    return row


def visit_with_contacts(store: Store, visit_id: str) -> dict[str, Any] | None:
    visit = store.get("visit", visit_id)
    if visit is None:
        return None
    with store.read() as conn:
        contacts = [
            dict(r._mapping)
            for r in conn.execute(
                sa.select(t.contact.c.id, t.contact.c.first_name, t.contact.c.last_name)
                .where(
                    t.contact.c.customer_id == visit["customer_id"], t.contact.c.deleted.is_(False)
                )
                .order_by(t.contact.c.last_name)
            )
        ]
        customer_name = conn.scalar(
            sa.select(t.customer.c.name).where(t.customer.c.id == visit["customer_id"])
        )
    return {"visit": visit, "contacts": contacts, "customer_name": customer_name}


def today_overview(
    store: Store, user_id: str | None, today: date, now: datetime | None = None
) -> dict[str, Any]:
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
        if v["status"] == "planned" and not day_start <= v["planned_start"] < day_end
    ]
    params: dict[str, Any] = {"now": format_datetime(now or utc_now())}
    owner_clause = ""
    if user_id:
        owner_clause = " AND (c.owner_id = :user OR c.owner_id IS NULL)"
        params["user"] = user_id
    overdue_sql = sa.text(
        f"SELECT c.id, c.name, c.city, c.visit_cadence_days, {_LAST_VISIT} AS last_visit "
        f"FROM customer AS c WHERE c.deleted = 0 AND {_OVERDUE}{owner_clause} "
        "ORDER BY last_visit IS NOT NULL, last_visit, c.name LIMIT 50"
    )
    fu_params: dict[str, Any] = {}
    fu_clause = ""
    if user_id:
        fu_clause = " AND f.assignee_id = :user"
        fu_params["user"] = user_id
    followup_sql = sa.text(
        "SELECT f.id, f.title, f.due_date, f.customer_id, c.name AS customer_name "
        "FROM followup AS f JOIN customer AS c ON c.id = f.customer_id "
        f"WHERE f.deleted = 0 AND c.deleted = 0 AND f.done_at IS NULL{fu_clause} "
        "ORDER BY f.due_date LIMIT 200"
    )
    with store.read() as conn:
        overdue = [dict(r._mapping) for r in conn.execute(overdue_sql, params)]
        followups = [dict(r._mapping) for r in conn.execute(followup_sql, fu_params)]
    return {
        "today": today_visits,
        "week": week_visits,
        "overdue_customers": overdue,
        "followups": followups,
    }


# ---- conflicts and rejected changes --------------------------------------------------


def _device_of(stamp: str | None) -> str | None:
    return stamp.split(":", 2)[-1] if stamp else None


def open_conflicts(store: Store) -> list[dict[str, Any]]:
    """Unresolved conflicts, each with who made the two edits (names, from the user ids the
    server records) and ``mine_is_losing``: whether the value that lost is this laptop's
    (its device wrote it; else whether the winner was someone else)."""
    me, device_id = current_user_id(store), store.device_id
    with store.read() as conn:
        rows = [
            dict(r._mapping)
            for r in conn.execute(
                sa.select(t.conflict)
                .where(t.conflict.c.resolved.is_(False))
                .order_by(t.conflict.c.created_at)
            )
        ]
        names = {
            user_id: display_name or username
            for user_id, display_name, username in conn.execute(
                sa.select(t.user.c.id, t.user.c.display_name, t.user.c.username)
            )
        }
        for row in rows:
            for side in ("winning", "losing"):
                user_id = row[f"{side}_user"]
                row[f"{side}_name"] = names.get(user_id, user_id) if user_id else None
            if _device_of(row["winning_stamp"]) == device_id:
                row["mine_is_losing"] = False
            elif _device_of(row["losing_stamp"]) == device_id:
                row["mine_is_losing"] = True
            else:
                row["mine_is_losing"] = row["winning_user"] != me
            row["record_label"] = _record_label(conn, row["entity"], row["row_id"])
            current = _get_any(conn, row["entity"], row["row_id"])
            row["current_value"] = current.get(row["field"]) if current and row["field"] else None
            row["row_deleted"] = bool(current and current["deleted"])
    return rows


def resolve_conflict(store: Store, conflict_id: str, value: Any, *, write_value: bool) -> None:
    """Resolve a conflict: optionally write ``value`` as a normal edit, then mark it resolved."""
    with store.write() as uow:
        conflict = uow.conn.execute(
            sa.select(t.conflict).where(t.conflict.c.id == conflict_id)
        ).first()
        if conflict is None:
            raise LookupError(f"no conflict with id {conflict_id}")
        if write_value and conflict.field and uow.get(conflict.entity, conflict.row_id):
            uow.update(conflict.entity, conflict.row_id, {conflict.field: value})
        uow.conn.execute(
            t.conflict.update()
            .where(t.conflict.c.id == conflict_id)
            # resolution_pending: the next push tells the server (and the other devices).
            .values(resolved=True, resolution_pending=True)
        )


def rejected_changes(store: Store) -> list[dict[str, Any]]:
    with store.read() as conn:
        rows = []
        for r in conn.execute(sa.select(t.rejected_change).order_by(t.rejected_change.c.op_no)):
            row = dict(r._mapping)
            row["fields"] = loads(row["fields"])
            row["stamps"] = loads(row["stamps"])
            row["base_stamps"] = loads(row["base_stamps"])
            row["record_label"] = _record_label(conn, row["entity"], row["row_id"])
            current = _get_any(conn, row["entity"], row["row_id"])
            row["current"] = current
            rows.append(row)
        return rows


def fix_rejected_change(store: Store, op_no: int, changes: Mapping[str, Any]) -> None:
    """Send a rejected change again, fixed: a new edit (a new create if the create was refused)."""
    with store.write() as uow:
        rejected = uow.conn.execute(
            sa.select(t.rejected_change).where(t.rejected_change.c.op_no == op_no)
        ).first()
        if rejected is None:
            raise LookupError(f"no rejected change {op_no}")
        if rejected.op == "create":
            if uow.get(rejected.entity, rejected.row_id) is None:
                # The sync removed the refused new record: make it again, corrected.
                uow.create(
                    rejected.entity, {**loads(rejected.fields), **changes}, row_id=rejected.row_id
                )
            else:
                uow.update(rejected.entity, rejected.row_id, changes)
                uow.resend_create(rejected.entity, rejected.row_id)
        elif rejected.op == "update":
            fields = {**loads(rejected.fields), **changes}
            applied = uow.update(rejected.entity, rejected.row_id, fields)
            if not applied:
                # The local row already holds these values: send them again as they are.
                uow.resend_fields(rejected.entity, rejected.row_id, list(fields))
        else:
            uow.delete(rejected.entity, rejected.row_id)
        uow.conn.execute(t.rejected_change.delete().where(t.rejected_change.c.op_no == op_no))


def discard_rejected_change(store: Store, op_no: int) -> None:
    """Forget a rejected change. A refused new record is removed from this laptop too."""
    with store.write() as uow:
        rejected = uow.conn.execute(
            sa.select(t.rejected_change).where(t.rejected_change.c.op_no == op_no)
        ).first()
        if rejected is None:
            raise LookupError(f"no rejected change {op_no}")
        if rejected.op == "create":
            table = t.ENTITY_TABLES[rejected.entity]
            # The server never had it, so nothing to send: just drop the local copy.
            uow.conn.execute(
                table.update().where(table.c.id == rejected.row_id).values(deleted=True)
            )
        uow.conn.execute(t.rejected_change.delete().where(t.rejected_change.c.op_no == op_no))


def _get_any(conn: sa.Connection, entity: str, row_id: str) -> dict[str, Any] | None:
    if entity not in t.ENTITY_TABLES:
        return None
    table = t.ENTITY_TABLES[entity]
    row = conn.execute(sa.select(table).where(table.c.id == row_id)).first()
    return dict(row._mapping) if row else None


def _record_label(conn: sa.Connection, entity: str, row_id: str) -> str:
    row = _get_any(conn, entity, row_id)
    if row is None:
        return row_id
    if entity == "customer":
        return str(row["name"])
    if entity == "contact":
        return " ".join(p for p in (row["first_name"], row["last_name"]) if p)
    if entity in ("visit", "note", "followup"):
        name = conn.scalar(
            sa.select(t.customer.c.name).where(t.customer.c.id == row["customer_id"])
        )
        detail = row.get("title") or row.get("purpose") or ""
        return f"{name}: {detail}" if detail else str(name)
    return str(row.get("name") or row.get("username") or row_id)


# ---- writes the views make -------------------------------------------------------------


@dataclass(slots=True)
class ReportInput:
    """A visit report as the report form collects it."""

    outcome: str | None
    report: str
    next_steps: str
    attendee_ids: list[str] = field(default_factory=list)
    followup_title: str | None = None
    followup_due: date | None = None


def save_report(store: Store, visit_id: str, report: ReportInput, user_id: str) -> str | None:
    """Write the report (and the follow-up from the next steps) in one transaction."""
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
        if visit["status"] == "planned":
            changes["status"] = "done"
            if not visit["check_in_at"]:
                changes["check_in_at"] = visit["planned_start"]
            if not visit["check_out_at"]:
                changes["check_out_at"] = max(
                    store.now_text(), changes.get("check_in_at") or visit["check_in_at"]
                )
        uow.update("visit", visit_id, changes)
        if report.followup_title:
            return uow.create(
                "followup",
                {
                    "customer_id": visit["customer_id"],
                    "visit_id": visit_id,
                    "assignee_id": user_id,
                    "title": report.followup_title,
                    "due_date": report.followup_due or date.today() + timedelta(days=7),
                },
            )
    return None


def check_in(store: Store, visit_id: str) -> None:
    store.update("visit", visit_id, {"check_in_at": store.now_text()})


def check_out(store: Store, visit_id: str) -> None:
    store.update("visit", visit_id, {"check_out_at": store.now_text(), "status": "done"})


def editable_fields(entity: str) -> tuple[str, ...]:
    return tuple(f.name for f in entity_spec(entity).fields if not f.server_controlled)


def parse_utc(text: str | None) -> datetime | None:
    return parse_datetime(text) if text else None


__all__ = ["CustomerFilter", "ReportInput", "dumps"]
