"""Full-text search over the local store (SQLite FTS5), for search-as-you-type."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

import sqlalchemy as sa

from fieldcrm.domain.textfold import person_order_sql, phone_digits, query_variants, words
from fieldcrm.store.textindex import TextIndex

if TYPE_CHECKING:
    from fieldcrm.store.service import Store

_TOKEN = re.compile(r"\w+", re.UNICODE)


def fts_query(text: str) -> str | None:
    """Turn what a person typed into an FTS5 query of the name indexes: every word, each
    as a prefix, with its spelled-out umlauts and ``ss`` also read as umlauts and ß
    (``baeckerei`` finds Bäckerei, ``strasse`` finds Straße)."""
    tokens = _TOKEN.findall(text)
    if not tokens:
        return None
    parts = []
    for token in tokens:
        variants = dict.fromkeys(query_variants(token.lower()))
        for variant in list(variants):
            if "ss" in variant:
                variants[variant.replace("ss", "ß")] = None
        parts.append("(" + " OR ".join(f'"{v}"*' for v in variants) + ")")
    return " AND ".join(parts)


#: Customers matching by their own fields or by one of their contacts (names, e-mail).
MATCHING_CUSTOMER_IDS = """
    SELECT c.id FROM customer AS c
    WHERE c.rowid IN (SELECT rowid FROM customer_fts WHERE customer_fts MATCH :q)
    UNION
    SELECT ct.customer_id FROM contact AS ct
    WHERE ct.rowid IN (SELECT rowid FROM contact_fts WHERE contact_fts MATCH :q)
      AND ct.deleted = 0
"""


def search_customers(store: Store, text: str, limit: int = 200) -> list[str]:
    """Ids of live customers matching ``text``, ordered by name (what changed since the
    list's search was last caught up is indexed first, ``search_build.catch_up_list``)."""
    from fieldcrm.store.search_build import catch_up_list

    query = fts_query(text)
    if query is None:
        return []
    catch_up_list(store)
    sql = sa.text(
        f"SELECT id FROM customer WHERE deleted = 0 AND id IN ({MATCHING_CUSTOMER_IDS}) "
        "ORDER BY sort_name, id LIMIT :limit"
    )
    with store.read() as conn:
        return list(conn.scalars(sql, {"q": query, "limit": limit}))


def search_contacts(conn: sa.Connection, text: str, limit: int = 200) -> list[str]:
    query = fts_query(text)
    if query is None:
        return []
    sql = sa.text(
        "SELECT ct.id FROM contact AS ct WHERE ct.deleted = 0 AND ct.rowid IN "
        "(SELECT rowid FROM contact_fts WHERE contact_fts MATCH :q) "
        f"ORDER BY {person_order_sql('ct')} LIMIT :limit"
    )
    return list(conn.scalars(sql, {"q": query, "limit": limit}))


# --- Search over everything typed (the search window, ``fieldcrm search``) -------------

#: The fewest characters a word needs to be looked up inside words (a trigram).
MIN_INNER = 3


@dataclass(frozen=True, slots=True)
class SearchTerms:
    """What a person typed, made ready for the indexes."""

    #: Each typed word (folded) with its readings (``baeckerei``: also ``backerei``).
    words: tuple[tuple[str, ...], ...]
    #: The digits when the whole text reads as a phone number.
    phone: str | None

    @classmethod
    def parse(cls, text: str) -> SearchTerms:
        return cls(tuple(tuple(query_variants(w)) for w in words(text)), phone_digits(text))

    @property
    def empty(self) -> bool:
        return not self.words and not self.phone

    def long_words(self) -> tuple[tuple[str, ...], ...]:
        return tuple(v for v in self.words if len(v[0]) >= MIN_INNER)

    def short_words(self) -> tuple[tuple[str, ...], ...]:
        return tuple(v for v in self.words if len(v[0]) < MIN_INNER)


def _any_of(variants: tuple[str, ...], prefix: bool) -> str:
    star = "*" if prefix else ""
    return "(" + " OR ".join(f'"{v}"{star}' for v in variants) + ")"


def match_expression(
    terms: SearchTerms, index: TextIndex, *, beginnings: str = "every"
) -> str | None:
    """The FTS5 query for ``index``, or None when it cannot answer (e.g. only 2 letters).

    In a word index a word of 3 letters or more is also looked up as the beginning of
    words: every word (``beginnings="every"``), only the last one typed (``"last"``: the
    one still being typed), or none (``"none"``: whole words, by far the cheapest; see
    ``whole_words_first``).
    """
    if index.substrings:
        long_words = terms.long_words()
        parts = [" AND ".join(_any_of(v, prefix=False) for v in long_words)] if long_words else []
        if terms.phone and index.phones:
            parts.append(f'"{terms.phone}"')
        return " OR ".join(f"({p})" for p in parts) if parts else None
    usable = [v for v in terms.words if len(v[0]) >= 2]
    if not usable:
        return None
    last = len(usable) - 1
    return " AND ".join(
        _any_of(
            v,
            prefix=len(v[0]) >= MIN_INNER
            and (beginnings == "every" or (beginnings == "last" and n == last)),
        )
        for n, v in enumerate(usable)
    )


def whole_words_first(
    conn: sa.Connection, index: TextIndex, terms: SearchTerms, enough: int, cap: int
) -> list[int]:
    """Row ids of the newest ``cap`` rows of a word index matching ``terms``: the rows
    where every word is a whole word when there are ``enough`` of them, else the rows
    where the last word begins a word (which include the others).

    Looking up a word's beginning makes FTS5 merge the row lists of every word it begins
    before the first row comes back (over 100 ms for a common beginning in a million
    visit reports), while a whole word's list is read lazily, newest first, and stops
    after ``cap`` rows (under a millisecond). A word typed in full, as most searches end,
    is answered from whole words; only the last word is taken as a beginning (the one
    being typed; the words before it are finished).
    """
    whole = match_expression(terms, index, beginnings="none")
    if whole is None:
        return []
    found = matching_rowids(conn, index, whole, cap)
    typing = match_expression(terms, index, beginnings="last")
    if len(found) >= enough or typing is None or typing == whole:
        return found
    return matching_rowids(conn, index, typing, cap)


def matching_rowids(conn: sa.Connection, index: TextIndex | str, query: str, cap: int) -> list[int]:
    """Row ids of the newest ``cap`` rows ``query`` matches in ``index`` (or FTS5 table)."""
    table = index if isinstance(index, str) else index.table
    sql = f"SELECT rowid FROM {table} WHERE {table} MATCH ? ORDER BY rowid DESC LIMIT ?"
    return [rowid for (rowid,) in conn.exec_driver_sql(sql, (query, cap))]
