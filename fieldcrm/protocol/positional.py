"""Positional rows: how pull pages and fetched rows carry records since protocol 5.

A page groups its rows by entity. Each entity comes with its column list once, and each
row is an array in a fixed order::

    {"customer": {"columns": ["name", "number", ...],
                  "rows": [[seq, "id", deleted, {stamps}, name, number, ...], ...]}}

``seq`` is the row's version, ``deleted`` marks a tombstone (which carries no values,
so its array ends after the stamps), ``stamps`` are compact (``fieldcrm.protocol.stamps``).
Field names appear once per entity instead of once per row: a page is smaller, decodes
into plain lists, and a row goes to the local store's statements almost as it is.

The server stores each row in this form without its version (``sync_server.store``);
the version is put in front when a page is assembled.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

#: Places in a row array; field values follow from ``VALUES`` in the order of ``columns``.
SEQ, ID, DELETED, STAMPS, VALUES = 0, 1, 2, 3, 4


def row_states(tables: Mapping[str, Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The rows of positional ``tables`` as ``RowState`` dicts, in version order."""
    out: list[dict[str, Any]] = []
    for entity, table in tables.items():
        columns: Sequence[str] = table["columns"]
        for row in table["rows"]:
            deleted = bool(row[DELETED])
            out.append(
                {
                    "entity": entity,
                    "id": row[ID],
                    "fields": {} if deleted else dict(zip(columns, row[VALUES:], strict=False)),
                    "stamps": row[STAMPS] or {},
                    "deleted": deleted,
                    "seq": row[SEQ],
                }
            )
    out.sort(key=lambda row: row["seq"] if isinstance(row["seq"], int) else -1)
    return out


def check_tables(tables: Any) -> bool:
    """Whether ``tables`` has the shape of positional tables (not every value checked)."""
    if not isinstance(tables, dict):
        return False
    for table in tables.values():
        if not isinstance(table, dict):
            return False
        columns, rows = table.get("columns"), table.get("rows")
        if not isinstance(columns, list) or not isinstance(rows, list):
            return False
        width = VALUES + len(columns)
        for row in rows:
            if not isinstance(row, list) or not (
                len(row) == width or (len(row) == VALUES and row[DELETED])
            ):
                return False
    return True
