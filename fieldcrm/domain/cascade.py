"""What happens to the records that point at a deleted contact or visit: one rule for the
laptop and the server.

A deleted customer takes everything that belongs to it along (``customer_field``). A
deleted contact takes its relationships and "I know this person" declarations along;
notes about it stay on the customer (their ``contact_id`` is cleared) and visits forget it
as an attendee. A deleted visit takes its feedback along; its notes and follow-ups stay on
the customer (their ``visit_id`` is cleared).

Every write of a cascade carries the stamp of the delete that caused it (the delete's
``_deleted`` stamp, or the cleared field's stamp), so a restore finds exactly what went
with the record and puts it back.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

Action = Literal["delete", "clear", "drop"]


@dataclass(frozen=True, slots=True)
class Dependent:
    """Records of ``entity`` whose ``field`` names a deleted record: deleted with it,
    the reference cleared, or the id dropped from the list."""

    entity: str
    field: str
    action: Action


ON_DELETE: dict[str, tuple[Dependent, ...]] = {
    "contact": (
        Dependent("relationship", "from_contact_id", "delete"),
        Dependent("relationship", "to_contact_id", "delete"),
        Dependent("connection", "contact_id", "delete"),
        Dependent("note", "contact_id", "clear"),
        Dependent("visit", "attendee_ids", "drop"),
    ),
    "visit": (
        Dependent("comment", "visit_id", "delete"),
        Dependent("note", "visit_id", "clear"),
        Dependent("followup", "visit_id", "clear"),
    ),
}


def dependents(entity: str) -> tuple[Dependent, ...]:
    return ON_DELETE.get(entity, ())


def points_at(dependent: Dependent, data: Mapping[str, Any], row_id: str) -> bool:
    value = data.get(dependent.field)
    if dependent.action == "drop":
        return isinstance(value, Sequence) and row_id in value
    return bool(value == row_id)


def cleared(dependent: Dependent, data: Mapping[str, Any], row_id: str) -> dict[str, Any]:
    """The change that makes a kept record stop pointing at ``row_id``."""
    if dependent.action == "drop":
        return {dependent.field: [v for v in data.get(dependent.field) or () if v != row_id]}
    return {dependent.field: None}


def put_back(dependent: Dependent, data: Mapping[str, Any], row_id: str) -> dict[str, Any]:
    """The change that makes a kept record point at a restored ``row_id`` again."""
    if dependent.action == "drop":
        return {dependent.field: [*(data.get(dependent.field) or ()), row_id]}
    return {dependent.field: row_id}
