"""Byte limits and people references on both databases (pull pages are read differently on
SQLite, which streams its cursors, and on PostgreSQL, which measures the page first).

The page cap is made small here so that a few rows fill a page; the real-server tests
(``tests/sync/test_limits_real_server.py``) use the real caps.
"""

from __future__ import annotations

import orjson
import pytest

from fieldcrm.domain.ids import uuid7
from fieldcrm.protocol import PullPage
from sync_server import pull
from tests.helpers.server_env import Client, ServerEnv, customer_fields

SMALL_PAGE = 20_000


@pytest.fixture
def area(env: ServerEnv, monkeypatch: pytest.MonkeyPatch) -> ServerEnv:
    env.setup_area()
    monkeypatch.setattr(pull, "MAX_PAGE_BYTES", SMALL_PAGE)
    return env


def _notes(device: Client, customer: str, sizes: list[int]) -> set[str]:
    entries = [
        device.entry(
            "note",
            "create",
            uuid7(),
            {"customer_id": customer, "author_id": device.user_id, "text": "ü" * size},
        )
        for size in sizes
    ]
    assert {r["status"] for r in device.push(*entries)} == {"applied"}
    return {e["row_id"] for e in entries}


def _row_bytes(page: PullPage) -> int:
    return sum(len(orjson.dumps(row)) for table in page.tables.values() for row in table.rows)


@pytest.mark.parametrize("reader", ["anna", "maria", "root"])
def test_pages_are_cut_by_bytes_and_every_row_arrives(area: ServerEnv, reader: str) -> None:
    """A rep (one territory and its area), a manager (scans of three scopes merged) and an
    admin (one scan) page through notes of about 3 KB in pages under the byte cap."""
    anna, ben = area.session("anna"), area.session("ben")
    wanted = set()
    for device, territory in ((anna, "North"), (ben, "South")):
        customer, _ = device.create("customer", customer_fields(f"Kunde {territory}"))
        wanted |= _notes(device, customer, [1500] * 15)
    client = area.session(reader)
    pages = client.sync(limit=10000)
    assert len(pages) >= 3
    for page in pages:
        assert len(page.rows) == 1 or _row_bytes(page) <= SMALL_PAGE
    visible = {"anna": 15, "maria": 30, "root": 30}[reader]
    assert len(wanted & client.ids("note")) == visible
    cursors = [int(page.cursor) for page in pages]
    assert cursors == sorted(set(cursors))


def test_a_row_above_the_page_cap_comes_alone_and_paging_goes_on(area: ServerEnv) -> None:
    anna = area.session("anna")
    customer, _ = anna.create("customer", customer_fields())
    small = _notes(anna, customer, [10])
    big = _notes(anna, customer, [30_000])
    after = _notes(anna, customer, [10, 10])
    pages = area.session("ben").sync()  # another territory: sees none of them
    assert not any(row.entity == "note" for page in pages for row in page.rows)
    reader = area.session("anna", "anna-second-laptop")
    pages = reader.sync(limit=10000)
    (alone,) = [page for page in pages if any(row.id in big for row in page.rows)]
    assert len(alone.rows) == 1 and alone.has_more
    assert small | big | after <= reader.ids("note")


def test_a_page_cut_by_rows_says_that_more_follow(area: ServerEnv) -> None:
    anna = area.session("anna")
    customer, _ = anna.create("customer", customer_fields())
    _notes(anna, customer, [10] * 5)
    reader = area.session("anna", "anna-reader")
    first = reader.pull_page(limit=3)
    assert len(first.rows) == 3 and first.has_more
    pages = reader.sync(limit=3)
    assert not pages[-1].has_more
    assert len(reader.ids("note")) == 5


def test_forged_stamp_and_foreign_people_are_refused_per_entry(env: ServerEnv) -> None:
    env.setup_area()
    anna, ben = env.session("anna"), env.session("ben")
    customer, _ = anna.create("customer", customer_fields())
    note = {"customer_id": customer, "author_id": anna.user_id, "text": "Hallo"}
    forged = anna.entry("note", "create", uuid7(), note)
    forged["stamps"] = dict.fromkeys(note, f"{anna.clock.now()[:21]}{ben.device_id}")
    wrong_author = anna.entry("note", "create", uuid7(), note | {"author_id": env.ids["maria"]})
    foreign_assignee = anna.entry(
        "followup",
        "create",
        uuid7(),
        {
            "customer_id": customer,
            "assignee_id": env.ids["wim"],
            "title": "Anrufen",
            "due_date": "2026-12-10",
        },
    )
    fine = anna.entry("note", "create", uuid7(), note)
    results = anna.push(forged, wrong_author, foreign_assignee, fine)
    assert [(r["status"], r["field"]) for r in results] == [
        ("rejected", "customer_id"),
        ("rejected", "author_id"),
        ("rejected", "assignee_id"),
        ("applied", None),
    ]
