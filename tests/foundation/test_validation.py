"""Bad input: a validation error that names the field, and nothing written."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from fieldcrm.domain.ids import uuid7
from fieldcrm.domain.validation import ValidationError, validate_changes, validate_record
from fieldcrm.store import Store
from tests.helpers.world import World, make_world, snapshot


@dataclass
class Stage:
    """The small area plus a second customer and a deleted one."""

    w: World
    other: str
    gone: str


Write = Callable[[Store, Stage], Any]


def _visit(w: World, **extra: Any) -> dict[str, Any]:
    return {
        "customer_id": w.customer,
        "rep_id": w.rep,
        "planned_start": "2026-06-05T08:00Z",
    } | extra


BAD_WRITES: list[tuple[str, Write, str]] = [
    ("empty customer name", lambda s, g: s.create("customer", {"name": ""}), "name"),
    ("blank customer name", lambda s, g: s.create("customer", {"name": "   "}), "name"),
    ("missing customer name", lambda s, g: s.create("customer", {"city": "Köln"}), "name"),
    (
        "customer renamed to nothing",
        lambda s, g: s.update("customer", g.w.customer, {"name": ""}),
        "name",
    ),
    (
        "malformed customer email",
        lambda s, g: s.create("customer", {"name": "X", "email": "info(at)x.de"}),
        "email",
    ),
    (
        "malformed contact email",
        lambda s, g: s.create(
            "contact", {"customer_id": g.w.customer, "last_name": "Y", "email": "y@localhost"}
        ),
        "email",
    ),
    (
        "email changed to something malformed",
        lambda s, g: s.update("contact", g.w.contact, {"email": "a b@c.de"}),
        "email",
    ),
    (
        "check-out before check-in",
        lambda s, g: s.create(
            "visit",
            _visit(g.w, check_in_at="2026-06-05T09:00Z", check_out_at="2026-06-05T08:59Z"),
        ),
        "check_out_at",
    ),
    (
        "check-out moved before the check-in",
        lambda s, g: s.update(
            "visit",
            g.w.visit,
            {"check_in_at": "2026-06-02T10:00Z", "check_out_at": "2026-06-02T09:00Z"},
        ),
        "check_out_at",
    ),
    (
        "check-out without check-in",
        lambda s, g: s.create("visit", _visit(g.w, check_out_at="2026-06-05T09:00Z")),
        "check_out_at",
    ),
    (
        "visit for a customer that does not exist",
        lambda s, g: s.create("visit", _visit(g.w, customer_id=uuid7())),
        "customer_id",
    ),
    (
        "visit moved to a customer that does not exist",
        lambda s, g: s.update("visit", g.w.visit, {"customer_id": uuid7()}),
        "customer_id",
    ),
    (
        "visit for a malformed customer id",
        lambda s, g: s.create("visit", _visit(g.w, customer_id="customer-1")),
        "customer_id",
    ),
    (
        "visit with an unknown attendee",
        lambda s, g: s.create("visit", _visit(g.w, attendee_ids=[g.w.contact, uuid7()])),
        "attendee_ids",
    ),
    (
        "note with no text",
        lambda s, g: s.create(
            "note", {"customer_id": g.w.customer, "author_id": g.w.rep, "text": ""}
        ),
        "text",
    ),
    (
        "note with only blanks",
        lambda s, g: s.create(
            "note", {"customer_id": g.w.customer, "author_id": g.w.rep, "text": " \n\t"}
        ),
        "text",
    ),
    (
        "note with its text missing",
        lambda s, g: s.create("note", {"customer_id": g.w.customer, "author_id": g.w.rep}),
        "text",
    ),
    ("note text removed", lambda s, g: s.update("note", g.w.note, {"text": None}), "text"),
    (
        "note on a contact of another customer",
        lambda s, g: s.create(
            "note",
            {
                "customer_id": g.other,
                "contact_id": g.w.contact,
                "author_id": g.w.rep,
                "text": "x",
            },
        ),
        "contact_id",
    ),
    (
        "visit moved to a customer its attendees do not belong to",
        lambda s, g: s.update("visit", g.w.visit, {"customer_id": g.other}),
        "attendee_ids",
    ),
    (
        "unknown status",
        lambda s, g: s.update("customer", g.w.customer, {"status": "vip"}),
        "status",
    ),
    (
        "unknown segment",
        lambda s, g: s.create("customer", {"name": "X", "segment": "D"}),
        "segment",
    ),
    (
        "cadence of zero days",
        lambda s, g: s.create("customer", {"name": "X", "visit_cadence_days": 0}),
        "visit_cadence_days",
    ),
    (
        "cadence as text",
        lambda s, g: s.create("customer", {"name": "X", "visit_cadence_days": "30"}),
        "visit_cadence_days",
    ),
    (
        "latitude out of range",
        lambda s, g: s.create("customer", {"name": "X", "latitude": 91, "longitude": 0}),
        "latitude",
    ),
    (
        "latitude without longitude",
        lambda s, g: s.create("customer", {"name": "X", "latitude": 48.1}),
        "longitude",
    ),
    (
        "not a number",
        lambda s, g: s.create("customer", {"name": "X", "latitude": float("nan"), "longitude": 1}),
        "latitude",
    ),
    (
        "name too long",
        lambda s, g: s.create("customer", {"name": "x" * 201}),
        "name",
    ),
    ("unknown field", lambda s, g: s.create("customer", {"name": "X", "vip": True}), "vip"),
    (
        "malformed due date",
        lambda s, g: s.create(
            "followup",
            {
                "customer_id": g.w.customer,
                "assignee_id": g.w.rep,
                "title": "t",
                "due_date": "31.12.",
            },
        ),
        "due_date",
    ),
    (
        "follow-up for a deleted customer",
        lambda s, g: s.create(
            "followup",
            {"customer_id": g.gone, "assignee_id": g.w.rep, "title": "t", "due_date": "2026-07-01"},
        ),
        "customer_id",
    ),
    (
        "user with an unknown role",
        lambda s, g: s.create("user", {"username": "z", "role": "boss"}),
        "role",
    ),
    ("active as text", lambda s, g: s.update("user", g.w.rep, {"active": "yes"}), "active"),
    (
        "territory under a territory that does not exist",
        lambda s, g: s.create("territory", {"name": "T", "parent_id": uuid7()}),
        "parent_id",
    ),
    (
        "update of a record that does not exist",
        lambda s, g: s.update("note", uuid7(), {"text": "x"}),
        "id",
    ),
    ("delete of a record that does not exist", lambda s, g: s.delete("contact", uuid7()), "id"),
    ("delete twice", lambda s, g: s.delete("customer", g.gone), "id"),
    ("update of a deleted record", lambda s, g: s.update("customer", g.gone, {"name": "Z"}), "id"),
    (
        "create with a malformed id",
        lambda s, g: s.create("territory", {"name": "T"}, row_id="7"),
        "id",
    ),
    (
        "create with an id that exists",
        lambda s, g: s.create("territory", {"name": "T"}, row_id=g.w.territory),
        "id",
    ),
]


@pytest.mark.parametrize(
    ("write", "field"), [c[1:] for c in BAD_WRITES], ids=[c[0] for c in BAD_WRITES]
)
def test_bad_input_is_refused_and_writes_nothing(store: Store, write: Write, field: str) -> None:
    stage = Stage(make_world(store), store.create("customer", {"name": "Other"}), "")
    stage.gone = store.create("customer", {"name": "Gone"})
    store.delete("customer", stage.gone)
    before, entries, counts = snapshot(store), store.outbox_entries(), store.counts()
    hlc = store.meta("hlc")

    with pytest.raises(ValidationError) as raised:
        write(store, stage)

    assert field in raised.value.fields
    assert f"{field}: " in str(raised.value)
    assert snapshot(store) == before
    assert store.outbox_entries() == entries
    assert store.counts() == counts
    assert store.meta("hlc") == hlc


def test_error_lists_every_bad_field() -> None:
    with pytest.raises(ValidationError) as raised:
        validate_record("customer", {"name": "", "email": "nope", "segment": "Z"})
    assert set(raised.value.fields) == {"name", "email", "segment"}
    assert raised.value.entity == "customer"


def test_normalised_values() -> None:
    assert validate_changes(
        "customer",
        {"name": "  ACME  ", "email": "", "latitude": 48, "visit_cadence_days": 14},
    ) == {"name": "ACME", "email": None, "latitude": 48.0, "visit_cadence_days": 14}
    assert validate_changes(
        "visit", {"planned_start": "2026-03-29T03:30:00+02:00", "attendee_ids": None}
    ) == {"planned_start": "2026-03-29T01:30:00Z", "attendee_ids": []}
    # Naive times are taken as UTC; fractions of a second are dropped.
    assert validate_changes("visit", {"check_in_at": "2026-03-29T10:00:00.750"}) == {
        "check_in_at": "2026-03-29T10:00:00Z"
    }
    # Report text is kept as typed, leading blanks and all.
    assert validate_changes("visit", {"report": "  - item\n"}) == {"report": "  - item\n"}
