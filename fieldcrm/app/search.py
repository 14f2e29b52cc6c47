"""Search over everything typed: customers, contacts, follow-ups, visits, notes.

Each kind has its own index (``fieldcrm.store.textindex``); a search asks each index for
its newest matches, reads those rows, keeps what every typed word matches, and says
where: the field that matched becomes the hit's snippet, with the matching parts marked
for highlighting. Customers and contacts come in German order, the rest newest first.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from fieldcrm.domain.textfold import SEARCH_KINDS, fold, fold_with_positions, phone_forms, sort_key
from fieldcrm.store import Store
from fieldcrm.store.search import (
    SearchTerms,
    fts_query,
    match_expression,
    matching_rowids,
    whole_words_first,
)
from fieldcrm.store.search_build import catch_up
from fieldcrm.store.textindex import BY_ENTITY

#: Characters of a long text shown around the first match.
SNIPPET_CHARS = 90
#: Up to this many customers matching are sorted here; more are read in the order of
#: the name index.
_FEW_CUSTOMERS = 300


@dataclass(frozen=True, slots=True)
class SearchHit:
    """One record found: what it is, what to call it, and the text that matched."""

    kind: str
    id: str
    title: str
    customer: str
    customer_id: str
    snippet: str
    #: (start, end) of each matching part in ``snippet``.
    spans: tuple[tuple[int, int], ...] = ()

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["spans"] = [list(span) for span in self.spans]
        return data


@dataclass(frozen=True, slots=True)
class _Kind:
    columns: str
    #: Fields of the row shown as snippet, in the order they are tried.
    fields: tuple[str, ...]
    title: Callable[[dict[str, Any]], str]
    order: str


def _name(row: dict[str, Any]) -> str:
    return " ".join(p for p in (row.get("first_name"), row.get("last_name")) if p)


def _first_line(text: str | None, width: int = 60) -> str:
    line = (text or "").strip().splitlines()[0] if (text or "").strip() else ""
    return line if len(line) <= width else line[: width - 1].rstrip() + "…"


_KINDS: dict[str, _Kind] = {
    "customer": _Kind(
        "r.name, r.number, r.street, r.postal_code, r.city, r.email, r.phone",
        ("name", "number", "city", "postal_code", "street", "phone", "email"),
        lambda row: row["name"] or "",
        "r.sort_name, r.id",
    ),
    "contact": _Kind(
        "r.first_name, r.last_name, r.job_title, r.email, r.phone, r.mobile",
        ("last_name", "first_name", "job_title", "phone", "mobile", "email"),
        _name,
        "r.rowid DESC",
    ),
    "followup": _Kind(
        "r.title, r.due_date", ("title",), lambda row: row["title"] or "", "r.due_date DESC"
    ),
    "visit": _Kind(
        "r.purpose, r.report, r.next_steps, r.planned_start",
        ("report", "next_steps", "purpose"),
        lambda row: " · ".join(
            p for p in ((row["planned_start"] or "")[:10], row["purpose"] or "") if p
        ),
        "r.planned_start DESC",
    ),
    "note": _Kind("r.text", ("text",), lambda row: _first_line(row["text"]), "r.rowid DESC"),
}
_PHONE_FIELDS = {"phone", "mobile"}
_ONE_LINE = str.maketrans("\n\r\t", "   ")


def search(
    store: Store, text: str, kinds: Iterable[str] = SEARCH_KINDS, limit: int = 20
) -> list[SearchHit]:
    """Up to ``limit`` hits per kind for what was typed, kinds in ``SEARCH_KINDS`` order.

    Rows changed since the index was last caught up are indexed first (a short write),
    so what was just typed or synced is found. While the index is still being built
    (``fieldcrm.store.search_build``) only the rows indexed so far are searched.
    """
    terms = SearchTerms.parse(text)
    if terms.empty:
        return []
    catch_up(store)
    wanted = set(kinds)
    hits: list[SearchHit] = []
    with store.read() as conn:
        for kind in SEARCH_KINDS:
            if kind not in wanted:
                continue
            rowids = _candidates(conn, kind, terms, limit)
            if rowids:
                hits.extend(_hits(conn, kind, rowids, terms, limit))
    return hits


def _candidates(conn: Any, kind: str, terms: SearchTerms, limit: int) -> list[int]:
    """Row ids of the records that may match, newest first; customers in reading order."""
    index = BY_ENTITY[kind]
    cap = limit * (10 if terms.short_words() else 2)
    if not index.substrings:
        return whole_words_first(conn, index, terms, limit, cap)
    table, query = index.table, match_expression(terms, index)
    if query is None and kind in ("customer", "contact"):
        # Only short words typed: the word-beginning index of names answers.
        table, query = f"{kind}_fts", fts_query(" ".join(v[0] for v in terms.words))
    if query is None:
        return []
    if kind != "customer":
        return matching_rowids(conn, table, query, cap)
    newest = matching_rowids(conn, table, query, _FEW_CUSTOMERS)
    if len(newest) < _FEW_CUSTOMERS or not _has_sort_index(conn):
        return _in_reading_order(conn, newest)
    # Many customers match: the name index is walked in order, each customer tested
    # against the matches, and the walk stops after a page (all of them are in order,
    # not only the newest).
    sql = (
        "SELECT c.rowid FROM customer AS c INDEXED BY ix_customer_sort_name "
        f"WHERE c.deleted = 0 AND c.rowid IN (SELECT rowid FROM {table} WHERE {table} MATCH ?) "
        "ORDER BY c.sort_name, c.id LIMIT ?"
    )
    return [rowid for (rowid,) in conn.exec_driver_sql(sql, (query, 4 * limit))]


def _has_sort_index(conn: Any) -> bool:
    """False while a first sync has the name index set aside (``replica.begin_bulk_load``)."""
    sql = "SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = 'ix_customer_sort_name'"
    return conn.exec_driver_sql(sql).first() is not None


def _hits(
    conn: Any, kind: str, rowids: Sequence[int], terms: SearchTerms, limit: int
) -> list[SearchHit]:
    spec = _KINDS[kind]
    customer = (
        "r.id AS customer_id, r.name AS customer"
        if kind == "customer"
        else ("c.id AS customer_id, c.name AS customer")
    )
    join = "" if kind == "customer" else "LEFT JOIN customer AS c ON c.id = r.customer_id"
    # The rows come in the kind's order, a few more than shown (a candidate may fail the
    # check of every word); more only when too many failed. Contacts are put in reading
    # order here (Python's sort key knows every accented letter), so all are read.
    window = len(rowids) if kind == "contact" else min(len(rowids), 2 * limit)
    while True:
        # Customers are in order already: their first rows are read; the others' order
        # is SQL's, cut after the window.
        chosen = rowids[:window] if kind == "customer" else rowids
        marks = ", ".join("?" for _ in chosen)
        sql = (
            f'SELECT r.id, {spec.columns}, {customer} FROM "{kind}" AS r {join} '
            f"WHERE r.deleted = 0 AND r.rowid IN ({marks}) ORDER BY {spec.order}"
        )
        if kind != "customer" and window < len(rowids):
            sql += f" LIMIT {window}"
        result = conn.exec_driver_sql(sql, tuple(chosen))
        names = list(result.keys())
        rows = [dict(zip(names, values, strict=True)) for values in result]
        if kind == "contact":
            rows.sort(key=lambda row: (sort_key(row["last_name"]), sort_key(row["first_name"])))
        hits = []
        for row in rows:
            hit = _hit(kind, spec, row, terms)
            if hit is not None:
                hits.append(hit)
                if len(hits) >= limit:
                    return hits
        if window >= len(rowids) or len(rows) < min(window, len(chosen)):
            return hits
        window = len(rowids)


def _in_reading_order(conn: Any, rowids: Sequence[int]) -> list[int]:
    """The live customers among ``rowids`` in the customer list's order (``sort_name``,
    then id), sorted here: ``fold`` is exactly the SQL that computes ``sort_name``, which
    costs about ten microseconds a row when SQLite computes it (the virtual column is
    stored only in its index), a tenth of that in Python."""
    if not rowids:
        return []
    marks = ", ".join("?" for _ in rowids)
    found = conn.exec_driver_sql(
        f"SELECT rowid, name, id FROM customer WHERE deleted = 0 AND rowid IN ({marks})",
        tuple(rowids),
    ).all()
    found.sort(key=lambda row: (fold(row[1]), row[2]))
    return [row[0] for row in found]


def _hit(kind: str, spec: _Kind, row: dict[str, Any], terms: SearchTerms) -> SearchHit | None:
    everything = fold(" ".join(str(row[f] or "") for f in spec.fields))
    phones = " ".join(phone_forms(row[f]) for f in spec.fields if f in _PHONE_FIELDS)
    by_phone = bool(terms.phone and terms.phone in phones)
    if not by_phone and not all(
        any(_found(variant, everything) for variant in variants) for variants in terms.words
    ):
        return None
    spans: tuple[tuple[int, int], ...] = ()
    snippet = ""
    phone = terms.phone or ""
    for field in spec.fields:
        value = str(row[field] or "")
        if not value:
            continue
        if by_phone and field in _PHONE_FIELDS and phone in phone_forms(value):
            snippet, spans = value, ((0, len(value)),)
            break
        found = _spans(value, terms)
        if found:
            snippet, spans = _window(value, found)
            break
    return SearchHit(
        kind=kind,
        id=row["id"],
        title=spec.title(row),
        customer=row["customer"] or "",
        customer_id=row["customer_id"] or "",
        snippet=snippet,
        spans=spans,
    )


def _found(variant: str, folded: str) -> bool:
    return variant in folded or variant in folded.replace("ss", "ß")


def _spans(value: str, terms: SearchTerms) -> tuple[tuple[int, int], ...]:
    folded, positions = fold_with_positions(value)
    spans: list[tuple[int, int]] = []
    for variants in terms.words:
        for variant in variants:
            start = folded.find(variant)
            while start >= 0:
                end = start + len(variant)
                spans.append((positions[start], positions[end - 1] + 1))
                start = folded.find(variant, end)
    return _merged(spans)


def _merged(spans: list[tuple[int, int]]) -> tuple[tuple[int, int], ...]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return tuple(merged)


def _window(
    value: str, spans: tuple[tuple[int, int], ...]
) -> tuple[str, tuple[tuple[int, int], ...]]:
    """A one-line piece of ``value`` around its first match, spans moved to fit."""
    value = value.translate(_ONE_LINE)  # same length: the spans stay valid
    if len(value) <= SNIPPET_CHARS:
        return value, spans
    first = spans[0][0]
    begin = max(0, min(first - SNIPPET_CHARS // 3, len(value) - SNIPPET_CHARS))
    end = begin + SNIPPET_CHARS
    prefix = "…" if begin > 0 else ""
    suffix = "…" if end < len(value) else ""
    shift = len(prefix) - begin
    moved = tuple(
        (max(s, begin) + shift, min(e, end) + shift) for s, e in spans if s < end and e > begin
    )
    return prefix + value[begin:end] + suffix, moved
