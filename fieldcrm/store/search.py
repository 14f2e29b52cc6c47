"""Full-text search over the local store (SQLite FTS5), for search-as-you-type."""

from __future__ import annotations

import re

import sqlalchemy as sa

_TOKEN = re.compile(r"\w+", re.UNICODE)


def fts_query(text: str) -> str | None:
    """Turn what a person typed into an FTS5 query: every word, each as a prefix."""
    tokens = _TOKEN.findall(text)
    if not tokens:
        return None
    return " AND ".join(f'"{token}"*' for token in tokens)


#: Customers matching by their own fields or by one of their contacts (names, e-mail).
MATCHING_CUSTOMER_IDS = """
    SELECT c.id FROM customer AS c
    WHERE c.rowid IN (SELECT rowid FROM customer_fts WHERE customer_fts MATCH :q)
    UNION
    SELECT ct.customer_id FROM contact AS ct
    WHERE ct.rowid IN (SELECT rowid FROM contact_fts WHERE contact_fts MATCH :q)
      AND ct.deleted = 0
"""


def search_customers(conn: sa.Connection, text: str, limit: int = 200) -> list[str]:
    """Ids of live customers matching ``text``, ordered by name."""
    query = fts_query(text)
    if query is None:
        return []
    sql = sa.text(
        f"SELECT id FROM customer WHERE deleted = 0 AND id IN ({MATCHING_CUSTOMER_IDS}) "
        "ORDER BY name COLLATE NOCASE LIMIT :limit"
    )
    return list(conn.scalars(sql, {"q": query, "limit": limit}))


def search_contacts(conn: sa.Connection, text: str, limit: int = 200) -> list[str]:
    query = fts_query(text)
    if query is None:
        return []
    sql = sa.text(
        "SELECT ct.id FROM contact AS ct WHERE ct.deleted = 0 AND ct.rowid IN "
        "(SELECT rowid FROM contact_fts WHERE contact_fts MATCH :q) "
        "ORDER BY ct.last_name COLLATE NOCASE LIMIT :limit"
    )
    return list(conn.scalars(sql, {"q": query, "limit": limit}))
