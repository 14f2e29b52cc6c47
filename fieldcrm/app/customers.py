"""Customers: a page of the list, the territories to filter by, one customer's timeline,
and the edits made on the customer page."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal, TypedDict

import sqlalchemy as sa

from fieldcrm.app import corrections
from fieldcrm.app.changes import Changes
from fieldcrm.app.corrections import created
from fieldcrm.app.records import (
    CommentEntry,
    ContactRecord,
    CustomerRecord,
    FollowupRecord,
    NoteEntry,
    VisitRecord,
    columns_sql,
    record_columns,
    shaped,
    visit_shaped,
)
from fieldcrm.domain.hlc import stamp_ms
from fieldcrm.domain.textfold import fold_bytes, person_order_sql
from fieldcrm.domain.validation import format_datetime
from fieldcrm.store import Store
from fieldcrm.store import tables as t
from fieldcrm.store.search import fts_query
from fieldcrm.store.search_build import catch_up_list

#: The last visit of a customer that took place (check-in time, else the planned time).
LAST_VISIT_SQL = (
    "(SELECT MAX(COALESCE(v.check_in_at, v.planned_start)) FROM visit AS v "
    "WHERE v.customer_id = c.id AND v.deleted = 0 AND v.status = 'done')"
)
OVERDUE_SQL = (
    f"(c.visit_cadence_days IS NOT NULL AND COALESCE({LAST_VISIT_SQL}, '') < "
    "strftime('%Y-%m-%dT%H:%M:%SZ', :now, '-' || c.visit_cadence_days || ' days'))"
)


#: Customers matching a full-text query by their own fields, or by one of their contacts.
_OWN_MATCH = "c.rowid IN (SELECT rowid FROM customer_fts WHERE customer_fts MATCH :q)"
_CONTACT_MATCH = (
    "c.id IN (SELECT ct.customer_id FROM contact AS ct WHERE ct.deleted = 0 AND ct.rowid IN "
    "(SELECT rowid FROM contact_fts WHERE contact_fts MATCH :q))"
)
#: Above this many matches, walking the name index beats sorting the matches.
_BROAD_MATCHES = 2000
#: Rowids looked at in each slice before the first customers are looked up one by one.
_SLICE_ROWS = 200
#: At most this many first customers are looked up one by one (tens of µs each): a page
#: further down walks the index with every match collected, as any broad search does.
_LOOKED_UP_ROWS = 1000


def utc_now() -> datetime:
    return datetime.now(UTC)


# ---- customers ---------------------------------------------------------------------


class CustomerRow(TypedDict):
    """One line of the customer list."""

    id: str
    number: str | None
    name: str
    city: str | None
    status: str | None
    segment: str | None
    visit_cadence_days: int | None
    territory: str | None
    last_visit: str | None
    overdue: int | None


class Territory(TypedDict):
    id: str
    name: str


class TimelineItem(TypedDict):
    """A visit, note or feedback comment on a customer's timeline (newest first)."""

    kind: Literal["visit", "note", "comment"]
    when: str | None
    id: str
    record: VisitRecord | NoteEntry | CommentEntry


class CustomerDetail(TypedDict):
    customer: CustomerRecord
    contacts: list[ContactRecord]
    timeline: list[TimelineItem]
    followups: list[FollowupRecord]


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
) -> list[CustomerRow]:
    """One page of the customer list, ordered by name, with filters and search."""
    where = ["c.deleted = 0"]
    params: dict[str, Any] = {"now": format_datetime(now or utc_now())}
    for column in ("territory_id", "status", "segment"):
        value = getattr(flt, column)
        if value:
            where.append(f"c.{column} = :{column}")
            params[column] = value
    if flt.overdue:
        where.append(OVERDUE_SQL)
    query = fts_query(flt.text)
    if query is None and flt.text.strip():
        return []  # only punctuation typed: nothing can match
    if query is not None:
        # The list's own search is caught up here, not at every commit (a short write
        # when something changed since): what was just written or synced is found.
        catch_up_list(store)
    # One read transaction: the counts and the page see the same data.
    with store.read() as conn:
        if query is None:
            return _page(conn, where, params, offset, limit, walk_name_index=True)
        params["q"] = query
        counted, reached = _count_matches(conn, query)
        if counted < _BROAD_MATCHES:
            return _sorted_page(conn, where, params, offset, limit)
        if offset + limit <= _LOOKED_UP_ROWS and _first_customers_match(
            conn, where, params, offset + limit, reached
        ):
            return _page(conn, where, params, offset, limit, walk_name_index=True)
        # Many matches: walk the name index once for customers matching by their own
        # fields and once for those matching by a contact, each stopping after the page,
        # and merge.
        by_customer = _page(conn, [*where, _OWN_MATCH], params, 0, offset + limit, True)
        many_contacts = _is_broad(conn, query, "contact_fts")
        by_contact = _page(conn, [*where, _CONTACT_MATCH], params, 0, offset + limit, many_contacts)
    merged = {row["id"]: row for row in [*by_customer, *by_contact]}
    ordered = sorted(merged.values(), key=lambda row: (fold_bytes(row["name"]), row["id"]))
    return ordered[offset : offset + limit]


#: The columns of a list line, for ``customer AS c`` and ``territory AS tr``.
_ROW_COLUMNS = (
    "c.id, c.number, c.name, c.city, c.status, c.segment, "
    "c.visit_cadence_days, tr.name AS territory, "
    f"{LAST_VISIT_SQL} AS last_visit, {OVERDUE_SQL} AS overdue"
)


def _page(
    conn: sa.Connection,
    where: list[str],
    params: dict[str, Any],
    offset: int,
    limit: int,
    walk_name_index: bool,
) -> list[CustomerRow]:
    # Walking the name index in order stops after one page; sorting every match would
    # not. During a first sync the index is set aside until the end (bulk load), and the
    # list still opens, sorted without it.
    if walk_name_index and _has_index(conn, "ix_customer_sort_name"):
        index = "INDEXED BY ix_customer_sort_name"
    else:
        index = ""
    sql = sa.text(
        f"SELECT {_ROW_COLUMNS} FROM customer AS c {index} "
        "LEFT JOIN territory AS tr ON tr.id = c.territory_id "
        f"WHERE {' AND '.join(where)} "
        "ORDER BY c.sort_name, c.id LIMIT :limit OFFSET :offset"
    )
    return [
        CustomerRow(**row._mapping)  # type: ignore[typeddict-item]
        for row in conn.execute(sql, {**params, "limit": limit, "offset": offset}).all()
    ]


def _sorted_page(
    conn: sa.Connection, where: list[str], params: dict[str, Any], offset: int, limit: int
) -> list[CustomerRow]:
    """One page of a search with few matches, in the name index's order.

    SQLite would sort the matches by ``sort_name``, a virtual column: it folds every
    match's name anew (a few µs each, most of a narrow search) and works out every
    column of every match before it keeps the page. Here only the matches' names are
    read, by their own fields and by their contacts' (two lookups by rowid instead of a
    union of ids), and sorted by the same key (``fold_bytes``); the whole line is read
    for the page's customers only.
    """
    condition = " AND ".join(where)
    own = sa.text(
        f"SELECT c.rowid, c.id, c.name FROM customer AS c WHERE {condition} AND {_OWN_MATCH}"
    )
    by_contact = sa.text(
        f"SELECT c.rowid, c.id, c.name FROM customer AS c WHERE {condition} AND {_CONTACT_MATCH}"
    )
    lines = sa.text(
        f"SELECT c.rowid AS row_number, {_ROW_COLUMNS} FROM customer AS c "
        "LEFT JOIN territory AS tr ON tr.id = c.territory_id "
        "WHERE c.rowid IN (SELECT value FROM json_each(:rows))"
    )
    found = {row[0]: (fold_bytes(row[2]), row[1]) for row in conn.execute(own, params).all()}
    for row in conn.execute(by_contact, params).all():
        found.setdefault(row[0], (fold_bytes(row[2]), row[1]))
    page = sorted(found, key=found.__getitem__)[offset : offset + limit]
    if not page:
        return []
    read = {
        row.row_number: row._mapping
        for row in conn.execute(lines, {"now": params["now"], "rows": json.dumps(page)}).all()
    }
    return [
        CustomerRow(**{key: value for key, value in read[row].items() if key != "row_number"})  # type: ignore[typeddict-item]
        for row in page
    ]


def _has_index(conn: sa.Connection, name: str) -> bool:
    found = conn.exec_driver_sql(
        "SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = ?", (name,)
    ).first()
    return found is not None


def _count_matches(
    conn: sa.Connection, query: str, fts_table: str = "customer_fts"
) -> tuple[int, int]:
    """The rows matching ``query``, counted up to ``_BROAD_MATCHES``, and the rowid where
    the count stopped (the index answers in rowid order)."""
    counted, reached = conn.execute(
        sa.text(
            f"SELECT count(*), max(rowid) FROM (SELECT rowid FROM {fts_table} "
            f"WHERE {fts_table} MATCH :q LIMIT :n)"
        ),
        {"q": query, "n": _BROAD_MATCHES},
    ).one()
    return counted, reached or 0


def _is_broad(conn: sa.Connection, query: str, fts_table: str = "customer_fts") -> bool:
    """True when ``query`` matches so many rows that the name-order walk is cheaper."""
    return _count_matches(conn, query, fts_table)[0] >= _BROAD_MATCHES


def _first_customers_match(
    conn: sa.Connection, where: list[str], params: dict[str, Any], count: int, reached: int
) -> bool:
    """True when the first ``count`` customers of the list (filters applied, in name order)
    all match the search by their own fields, as when everybody's number begins with
    the ``K-`` typed: they are then the first ``count`` matches, and the page is a page of
    the list, walked without collecting every match to look each customer up (for
    100,000 matches that collecting was most of the search).

    The first matches come in rowid order; only when they were nearly the first rowids
    and three slices of rowids further on are nearly all matches as well (a few rows
    may have been removed) are the first customers looked up in the full-text index,
    one by one.
    """
    # Apart: SQLite finds a lone min() or max() at one end of the table, both together
    # by reading the whole table.
    first = conn.scalar(sa.text("SELECT min(rowid) FROM customer"))
    if first is None or reached - first + 1 > _BROAD_MATCHES * 21 // 20:
        return False
    last = conn.scalar(sa.text("SELECT max(rowid) FROM customer"))
    in_slice = sa.text(
        "SELECT count(*) FROM customer_fts WHERE customer_fts MATCH :q "
        "AND rowid BETWEEN :low AND :low + :n - 1"
    )
    n = _SLICE_ROWS
    for low in ((first + last) // 2, (first + 3 * last) // 4, max(first, last - n + 1)):
        if conn.scalar(in_slice, {"q": params["q"], "low": low, "n": n}) < n * 19 // 20:
            return False
    index = "INDEXED BY ix_customer_sort_name" if _has_index(conn, "ix_customer_sort_name") else ""
    walked = conn.execute(
        sa.text(
            f"SELECT c.rowid FROM customer AS c {index} WHERE {' AND '.join(where)} "
            "ORDER BY c.sort_name, c.id LIMIT :limit"
        ),
        {**params, "limit": count},
    ).all()
    matching = conn.scalar(
        sa.text(
            "SELECT count(*) FROM customer_fts WHERE customer_fts MATCH :q "
            "AND rowid IN (SELECT value FROM json_each(:rows))"
        ),
        {"q": params["q"], "rows": json.dumps([row[0] for row in walked])},
    )
    return matching == len(walked)


def territories(store: Store) -> list[Territory]:
    with store.read() as conn:
        rows = conn.execute(
            sa.select(t.territory.c.id, t.territory.c.name)
            .where(t.territory.c.deleted.is_(False))
            .order_by(t.territory.c.name)
        )
        return [Territory(id=r.id, name=r.name) for r in rows]


def customer_detail(store: Store, customer_id: str) -> CustomerDetail | None:
    """The customer with contacts, a timeline of visits and notes, and follow-ups."""
    with store.read() as conn:
        customer = conn.execute(
            sa.select(*record_columns(t.customer)).where(
                t.customer.c.id == customer_id, t.customer.c.deleted.is_(False)
            )
        ).first()
        if customer is None:
            return None
        contacts = [
            shaped(ContactRecord, r._mapping)
            for r in conn.execute(
                sa.select(*record_columns(t.contact))
                .where(t.contact.c.customer_id == customer_id, t.contact.c.deleted.is_(False))
                .order_by(sa.text(person_order_sql("contact")))
            )
        ]
        visits = [
            visit_shaped(VisitRecord, r._mapping)
            for r in conn.execute(
                sa.select(*record_columns(t.visit)).where(
                    t.visit.c.customer_id == customer_id, t.visit.c.deleted.is_(False)
                )
            )
        ]
        notes = [
            shaped(NoteEntry, r._mapping)
            for r in conn.execute(
                sa.text(
                    f"SELECT {columns_sql(t.note, 'n')}, "
                    "coalesce(json_extract(n.stamps, '$.text'), "
                    "json_extract(n.stamps, '$.\"*\"')) AS stamp "
                    "FROM note AS n WHERE n.customer_id = :c AND n.deleted = 0"
                ),
                {"c": customer_id},
            )
        ]
        comments = [
            shaped(CommentEntry, r._mapping)
            for r in conn.execute(
                sa.text(
                    f"SELECT {columns_sql(t.comment, 'cm')}, "
                    "coalesce(json_extract(cm.stamps, '$.kind'), "
                    "json_extract(cm.stamps, '$.\"*\"')) AS stamp, "
                    "coalesce(u.display_name, u.username) AS author_name "
                    'FROM comment AS cm LEFT JOIN "user" AS u ON u.id = cm.author_id '
                    "WHERE cm.customer_id = :c AND cm.deleted = 0"
                ),
                {"c": customer_id},
            )
        ]
        followups = [
            shaped(FollowupRecord, r._mapping)
            for r in conn.execute(
                sa.select(*record_columns(t.followup))
                .where(t.followup.c.customer_id == customer_id, t.followup.c.deleted.is_(False))
                .order_by(t.followup.c.done_at.is_not(None), t.followup.c.due_date)
            )
        ]
    timeline: list[TimelineItem] = []
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
        "customer": shaped(CustomerRecord, customer._mapping),
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


# ---- edits on the customer page ---------------------------------------------------------


def create_customer(store: Store, values: Mapping[str, Any], owner_id: str | None) -> Changes:
    """A new customer, owned by ``owner_id`` when that user is known on this laptop."""
    if owner_id and store.get("user", owner_id):
        values = {**values, "owner_id": owner_id}
    return created("customer", store.create("customer", values), "create_customer")


def update_customer(store: Store, customer_id: str, changes: Mapping[str, Any]) -> Changes:
    result = corrections.edit_customer(store, customer_id, changes)
    return result if result.kinds else Changes.of("customer", id=customer_id)


def delete_customer(store: Store, customer_id: str) -> Changes:
    """Delete a customer with everything that belongs to it."""
    return corrections.delete_customer(store, customer_id)


def add_contact(store: Store, customer_id: str, values: Mapping[str, Any]) -> Changes:
    row_id = store.create("contact", {**values, "customer_id": customer_id})
    return created("contact", row_id, "create_contact")


def add_note(
    store: Store,
    customer_id: str,
    values: Mapping[str, Any],
    author_id: str,
    visit_id: str | None = None,
) -> Changes:
    row_id = store.create(
        "note", {**values, "customer_id": customer_id, "visit_id": visit_id, "author_id": author_id}
    )
    return created("note", row_id, "create_note")


def add_followup(
    store: Store, customer_id: str, values: Mapping[str, Any], assignee_id: str
) -> Changes:
    row_id = store.create(
        "followup", {**values, "customer_id": customer_id, "assignee_id": assignee_id}
    )
    return created("followup", row_id, "create_followup")


def complete_followup(store: Store, followup_id: str) -> Changes:
    result = corrections.edit(
        store, "followup", followup_id, {"done_at": store.now_text()}, "complete_followup"
    )
    return result if result.kinds else Changes.of("followup", id=followup_id)
