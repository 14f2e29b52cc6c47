"""Export of every live record in the local store as JSON or CSV, streamed row by row."""

from __future__ import annotations

import csv
from collections.abc import Iterator, Sequence
from typing import Any, TextIO

import orjson

from fieldcrm.domain.entities import ENTITIES
from fieldcrm.domain.spreadsheet import safe_cell
from fieldcrm.store import Store


def _q(name: str) -> str:
    return f'"{name}"'


def iter_records(store: Store, entity: str) -> Iterator[dict[str, Any]]:
    """Live records of one entity in id order (ids are time ordered), decoded."""
    spec = ENTITIES[entity]
    columns = ("id", *spec.field_names)
    json_columns = {f.name for f in spec.fields if f.kind == "ref_list"}
    bool_columns = {f.name for f in spec.fields if f.kind == "bool"}
    sql = (
        f"SELECT {', '.join(_q(c) for c in columns)} FROM {_q(entity)} "
        "WHERE deleted = 0 ORDER BY id"
    )
    with store.read() as conn:
        for row in conn.exec_driver_sql(sql):
            record = dict(zip(columns, row, strict=True))
            for name in json_columns:
                if record[name] is not None:
                    record[name] = orjson.loads(record[name])
            for name in bool_columns:
                if record[name] is not None:
                    record[name] = bool(record[name])
            yield record


def export_json(store: Store, out: TextIO, entities: Sequence[str]) -> int:
    """Write ``{"entity": [record, ...], ...}``; returns the number of records."""
    count = 0
    out.write("{")
    for index, entity in enumerate(entities):
        out.write(("," if index else "") + f'\n"{entity}": [')
        for n, record in enumerate(iter_records(store, entity)):
            out.write(("," if n else "") + "\n  " + orjson.dumps(record).decode())
            count += 1
        out.write("\n]")
    out.write("\n}\n")
    return count


def export_csv(store: Store, out: TextIO, entity: str) -> int:
    """One CSV table with a header row; lists are written as JSON text, and text that a
    spreadsheet would run as a formula is neutralised (``safe_cell``)."""
    spec = ENTITIES[entity]
    writer = csv.writer(out)
    writer.writerow(("id", *spec.field_names))
    count = 0
    for record in iter_records(store, entity):
        writer.writerow(
            "" if v is None else orjson.dumps(v).decode() if isinstance(v, list) else safe_cell(v)
            for v in record.values()
        )
        count += 1
    return count
