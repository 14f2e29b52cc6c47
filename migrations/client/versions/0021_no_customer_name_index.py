"""The customer's plain name index goes: no query of the app reads it.

The list, its search and every report sort customers by ``sort_name``
(``ix_customer_sort_name``); nothing looks a customer up by its exact name (checked with
EXPLAIN QUERY PLAN over every customer query the app's tests run, docs/PERFORMANCE.md).
The index cost a page on every create and rename (a page encrypted and authenticated on
the encrypted store) and a sort of every name at the end of a first sync.

A first sync left loading (indexes set aside, ``meta.bulk_load_set_aside``) loses it from
its saved list, so it ends with the indexes of a store made today.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import orjson
from alembic import op

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_BULK_LOAD_KEY = "bulk_load_set_aside"
_INDEX = "ix_customer_name"
_SQL = "CREATE INDEX ix_customer_name ON customer (name)"


def _saved() -> list[dict[str, str]] | None:
    conn = op.get_bind()
    saved = conn.exec_driver_sql("SELECT value FROM meta WHERE key = ?", (_BULK_LOAD_KEY,)).scalar()
    return orjson.loads(saved) if saved else None


def _save(objects: list[dict[str, str]]) -> None:
    op.get_bind().exec_driver_sql(
        "UPDATE meta SET value = ? WHERE key = ?", (orjson.dumps(objects).decode(), _BULK_LOAD_KEY)
    )


def upgrade() -> None:
    op.execute(f"DROP INDEX IF EXISTS {_INDEX}")
    objects = _saved()
    if objects is not None:
        _save([obj for obj in objects if obj["name"] != _INDEX])


def downgrade() -> None:
    objects = _saved()
    if objects is not None and any(obj["type"] == "index" for obj in objects):
        # Still set aside with the other indexes: built when the load ends.
        _save([*objects, {"type": "index", "name": _INDEX, "sql": _SQL}])
        return
    op.execute(_SQL)
