"""Who may change what of another person's records: a comment's reader marks it read; a
person declares knowing a contact once (SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.helpers.server_env import Client, ServerEnv, customer_fields


@pytest.fixture
def env(db_url: str) -> Iterator[ServerEnv]:
    server = ServerEnv(db_url)
    server.setup_area()
    yield server
    server.close()


def _north_customer_and_contact(anna: Client, env: ServerEnv) -> tuple[str, str]:
    customer, result = anna.create(
        "customer", customer_fields(territory_id=env.ids["North"], owner_id=anna.user_id)
    )
    assert result["status"] == "applied", result
    contact, result = anna.create("contact", {"customer_id": customer, "last_name": "Weiß"})
    assert result["status"] == "applied", result
    return customer, contact


def test_the_reader_marks_a_comment_read_but_changes_nothing_else(env: ServerEnv) -> None:
    anna, maria = env.session("anna"), env.session("maria")
    customer, _contact = _north_customer_and_contact(anna, env)
    visit, result = anna.create(
        "visit",
        {
            "customer_id": customer,
            "rep_id": anna.user_id,
            "planned_start": "2026-11-20T09:00:00Z",
            "status": "done",
        },
    )
    assert result["status"] == "applied", result
    comment, result = maria.create(
        "comment", {"visit_id": visit, "customer_id": customer, "text": "Good call."}
    )
    assert result["status"] == "applied", result
    anna.sync()
    stamps = anna.rows[("comment", comment)]["stamps"]

    (read,) = anna.push(
        anna.entry("comment", "update", comment, {"read_at": "2026-12-03T08:00:00Z"}, stamps)
    )
    assert read["status"] == "applied", read
    (edit,) = anna.push(anna.entry("comment", "update", comment, {"text": "Bad call."}, stamps))
    assert (edit["status"], edit["code"]) == ("rejected", "author_only")
    (delete,) = anna.push(anna.entry("comment", "delete", comment, {}, stamps))
    assert (delete["status"], delete["code"]) == ("rejected", "author_only")

    maria.sync()
    fields = maria.rows[("comment", comment)]["fields"]
    assert (fields["read_at"], fields["text"]) == ("2026-12-03T08:00:00Z", "Good call.")


def test_a_person_declares_knowing_a_contact_once(env: ServerEnv) -> None:
    anna = env.session("anna")
    customer, contact = _north_customer_and_contact(anna, env)
    values = {"customer_id": customer, "contact_id": contact, "strength": 3}
    first, result = anna.create("connection", values)
    assert result["status"] == "applied", result
    _second, result = env.session("anna", "anna-other-laptop").create("connection", values)
    assert (result["status"], result["code"]) == ("rejected", "already_declared")
    # Another person may; and after withdrawing, the same person may declare again.
    maria = env.session("maria")
    _theirs, result = maria.create("connection", values)
    assert result["status"] == "applied", result
    anna.sync()
    stamps = anna.rows[("connection", first)]["stamps"]
    (withdrawn,) = anna.push(anna.entry("connection", "delete", first, {}, stamps))
    assert withdrawn["status"] == "applied", withdrawn
    _again, result = anna.create("connection", values)
    assert result["status"] == "applied", result
