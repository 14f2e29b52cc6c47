"""The customer list's own search is caught up before it is asked, not at every commit;
the search queue is kept in its primary key.

A one-record write committed about seven pages of the list's full-text index
(``customer_fts``: FTS5 writes a new segment per transaction) and a page of the search
queue's separate index; on the encrypted store every page is encrypted and authenticated
(docs/PERFORMANCE.md). The list index's triggers now only note changes in the search
queue (``fieldcrm.store.textindex.list_trigger_sql``), which the list works off before it
searches; the queue becomes a ``WITHOUT ROWID`` table keyed by (name, row).

A first sync left loading (triggers set aside, ``meta.bulk_load_set_aside``) gets the new
triggers in its saved list, so it ends with those of a store made today.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import orjson
from alembic import op

from fieldcrm.store.textindex import LIST_INDEX, list_catch_up_sql, list_trigger_sql

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: Where ``replica.begin_bulk_load`` keeps what it set aside (``meta.BULK_LOAD_KEY``).
_BULK_LOAD_KEY = "bulk_load_set_aside"

#: The list index's triggers of revision 0001, which indexed every change at its commit.
DIRECT_TRIGGERS = (
    """CREATE TRIGGER customer_fts_ai AFTER INSERT ON customer WHEN new.deleted = 0 BEGIN
        INSERT INTO customer_fts(rowid, name, number, city, postal_code)
        VALUES (new.rowid, new.name, new.number, new.city, new.postal_code);
    END""",
    """CREATE TRIGGER customer_fts_ad AFTER DELETE ON customer WHEN old.deleted = 0 BEGIN
        INSERT INTO customer_fts(customer_fts, rowid, name, number, city, postal_code)
        VALUES ('delete', old.rowid, old.name, old.number, old.city, old.postal_code);
    END""",
    """CREATE TRIGGER customer_fts_au AFTER UPDATE OF name, number, city, postal_code, deleted
    ON customer BEGIN
        INSERT INTO customer_fts(customer_fts, rowid, name, number, city, postal_code)
        SELECT 'delete', old.rowid, old.name, old.number, old.city, old.postal_code
        WHERE old.deleted = 0;
        INSERT INTO customer_fts(rowid, name, number, city, postal_code)
        SELECT new.rowid, new.name, new.number, new.city, new.postal_code
        WHERE new.deleted = 0;
    END""",
)
_NAMES = tuple(f"{LIST_INDEX}_{suffix}" for suffix in ("ai", "ad", "au"))


def _queue(without_rowid: bool) -> None:
    """Make the search queue anew with its rows (a table's rowid cannot be dropped)."""
    op.execute("CREATE TEMP TABLE search_dirty_moved AS SELECT * FROM search_dirty")
    op.execute("DROP TABLE search_dirty")
    op.execute(
        "CREATE TABLE search_dirty (name VARCHAR(40) NOT NULL, row BIGINT NOT NULL, "
        "indexed BOOLEAN NOT NULL, old TEXT, PRIMARY KEY (name, row))"
        + (" WITHOUT ROWID" if without_rowid else "")
    )
    op.execute(
        "INSERT INTO search_dirty (name, row, indexed, old) "
        "SELECT name, row, indexed, old FROM temp.search_dirty_moved"
    )
    op.execute("DROP TABLE temp.search_dirty_moved")


def _triggers(statements: Sequence[str]) -> None:
    """Put ``statements`` in place of the list index's triggers: in the schema, or in the
    saved list of a first sync left loading (which puts them back when it ends)."""
    conn = op.get_bind()
    saved = conn.exec_driver_sql("SELECT value FROM meta WHERE key = ?", (_BULK_LOAD_KEY,)).scalar()
    objects = orjson.loads(saved) if saved else []
    if any(obj["type"] == "trigger" and obj["name"] in _NAMES for obj in objects):
        by_name = dict(zip(_NAMES, statements, strict=True))
        for obj in objects:
            if obj["type"] == "trigger" and obj["name"] in by_name:
                obj["sql"] = by_name[obj["name"]]
        conn.exec_driver_sql(
            "UPDATE meta SET value = ? WHERE key = ?",
            (orjson.dumps(objects).decode(), _BULK_LOAD_KEY),
        )
        return
    for name in _NAMES:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    for statement in statements:
        op.execute(statement)


def upgrade() -> None:
    _queue(without_rowid=True)
    _triggers(list_trigger_sql())


def downgrade() -> None:
    # What waits is indexed first, so the index is whole before the old triggers return.
    for statement in list_catch_up_sql():
        op.execute(statement)
    _triggers(DIRECT_TRIGGERS)
    _queue(without_rowid=False)
