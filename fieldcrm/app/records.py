"""The records and list rows the use cases return, one TypedDict per shape.

A record is a stored row of an entity: ``id``, every field the entity declares
(``fieldcrm.domain.entities``) and ``deleted``; clock stamps and sync bookkeeping stay in
the store. Any field may be None (a pulled row can be partial). ``tests/app/test_records.py``
compares each shape with its entity and with what the queries return, so a field added to
an entity is added here too.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypedDict, TypeVar, cast

import sqlalchemy as sa

from fieldcrm.store.service import loads
from fieldcrm.store.tables import DERIVED_COLUMNS

T = TypeVar("T")


def record_columns(table: sa.Table) -> list[sa.ColumnElement[Any]]:
    """The columns of a record of ``table``: id, the entity's fields, deleted (no
    derived columns such as a visit's day or a customer's sort key)."""
    skip = {"stamps", "server_seq", *DERIVED_COLUMNS.get(table.name, ())}
    return [c for c in table.columns if c.name not in skip and c.computed is None]


def columns_sql(table: sa.Table, alias: str) -> str:
    """The record columns of ``table`` for a text query, qualified by ``alias``."""
    return ", ".join(f"{alias}.{column.name}" for column in record_columns(table))


def _with_flags(row: dict[str, Any]) -> dict[str, Any]:
    # A text query returns SQLite's 0 and 1 for a flag.
    if isinstance(row.get("deleted"), int):
        row["deleted"] = bool(row["deleted"])
    return row


def shaped(shape: type[T], row: Mapping[Any, Any]) -> T:
    """``row`` as the TypedDict ``shape`` (a copy; the keys are checked by the tests)."""
    return cast(T, _with_flags(dict(row)))


def visit_shaped(shape: type[T], row: Mapping[Any, Any]) -> T:
    """A visit row as ``shape``, its attendees decoded (JSON text in a text query's result)."""
    visit = _with_flags(dict(row))
    if isinstance(visit.get("attendee_ids"), str):
        visit["attendee_ids"] = loads(visit["attendee_ids"])
    if isinstance(visit.get("fixed_time"), int):
        visit["fixed_time"] = bool(visit["fixed_time"])
    return cast(T, visit)


class CustomerRecord(TypedDict):
    """A customer as stored."""

    id: str
    number: str | None
    name: str | None
    street: str | None
    postal_code: str | None
    city: str | None
    country: str | None
    phone: str | None
    email: str | None
    territory_id: str | None
    owner_id: str | None
    status: str | None
    segment: str | None
    visit_cadence_days: int | None
    latitude: float | None
    longitude: float | None
    deleted: bool


class ContactRecord(TypedDict):
    """A contact as stored."""

    id: str
    customer_id: str | None
    first_name: str | None
    last_name: str | None
    job_title: str | None
    phone: str | None
    mobile: str | None
    email: str | None
    touch_cadence_days: int | None
    deleted: bool


class VisitRecord(TypedDict):
    """A visit as stored."""

    id: str
    customer_id: str | None
    rep_id: str | None
    status: str | None
    planned_start: str | None
    planned_end: str | None
    check_in_at: str | None
    check_out_at: str | None
    channel: str | None
    purpose: str | None
    outcome: str | None
    report: str | None
    next_steps: str | None
    attendee_ids: list[str] | None
    cancel_reason: str | None
    fixed_time: bool | None
    deleted: bool


class NoteRecord(TypedDict):
    """A note as stored."""

    id: str
    customer_id: str | None
    contact_id: str | None
    visit_id: str | None
    author_id: str | None
    text: str | None
    deleted: bool


class FollowupRecord(TypedDict):
    """A followup as stored."""

    id: str
    customer_id: str | None
    visit_id: str | None
    assignee_id: str | None
    title: str | None
    due_date: str | None
    done_at: str | None
    requested_by_id: str | None
    response: str | None
    response_note: str | None
    responded_at: str | None
    deleted: bool


class CommentRecord(TypedDict):
    """A comment as stored."""

    id: str
    visit_id: str | None
    customer_id: str | None
    author_id: str | None
    kind: str | None
    text: str | None
    read_at: str | None
    bulletin_id: str | None
    deleted: bool


class BulletinRecord(TypedDict):
    """A bulletin as stored."""

    id: str
    area_id: str | None
    author_id: str | None
    title: str | None
    body: str | None
    territory_ids: list[str] | None
    rep_ids: list[str] | None
    confirm_by: str | None
    posted_at: str | None
    deleted: bool


class BulletinReceiptRecord(TypedDict):
    """A read receipt as stored."""

    id: str
    bulletin_id: str | None
    user_id: str | None
    read_at: str | None
    confirmed_at: str | None
    deleted: bool


class VisitRow(VisitRecord):
    """A visit in a list, with its customer."""

    customer_name: str | None
    customer_city: str | None


class NoteEntry(NoteRecord):
    """A note on a customer's timeline, with the clock stamp of its text (when written)."""

    stamp: str | None


class CommentEntry(CommentRecord):
    """Feedback on a customer's timeline, with its stamp and its author's name."""

    stamp: str | None
    author_name: str | None


class ContactName(TypedDict):
    id: str
    first_name: str | None
    last_name: str | None


class OverdueCustomer(TypedDict):
    """A customer past its visit cadence (Today page)."""

    id: str
    name: str | None
    city: str | None
    visit_cadence_days: int | None
    last_visit: str | None


class OpenFollowup(TypedDict):
    """A follow-up not done yet, with its customer (Today page)."""

    id: str
    title: str | None
    due_date: str | None
    customer_id: str | None
    customer_name: str | None


class ConflictRow(TypedDict):
    """An unresolved conflict as the conflicts page lists it."""

    id: str
    entity: str
    row_id: str
    kind: str
    field: str | None
    winning_value: Any
    winning_stamp: str | None
    losing_value: Any
    losing_stamp: str | None
    winning_user: str | None
    losing_user: str | None
    created_at: str
    resolved: bool
    resolution_pending: bool
    #: Who made the two edits (display names, else the user ids).
    winning_name: str | None
    losing_name: str | None
    #: Whether the value that lost is this laptop's.
    mine_is_losing: bool
    record_label: str
    #: The field's value now, and whether the record was deleted since.
    current_value: Any
    row_deleted: bool


class RejectedChangeRow(TypedDict):
    """A change the server refused, as the rejected page lists it."""

    op_no: int
    device_id: str
    entity: str
    row_id: str
    op: str
    fields: dict[str, Any]
    stamps: dict[str, Any]
    base_stamps: dict[str, Any]
    reason: str
    field: str | None
    rejected_at: str
    code: str | None
    params: dict[str, Any]
    problems: list[Any]
    record_label: str
    #: The record as it is now on this laptop (None when gone). Its entity is named at run
    #: time, so it is typed by field name only.
    current: Mapping[str, Any] | None
