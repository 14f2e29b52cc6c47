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


def test_a_withdrawn_connection_comes_back_only_by_its_author(env: ServerEnv) -> None:
    anna, maria = env.session("anna"), env.session("maria")
    customer, contact = _north_customer_and_contact(anna, env)
    values = {"customer_id": customer, "contact_id": contact, "strength": 3}
    mine, result = anna.create("connection", values)
    assert result["status"] == "applied", result
    anna.sync()
    stamps = anna.rows[("connection", mine)]["stamps"]
    withdrawn_at = anna.clock.now()
    (withdrawn,) = anna.push(anna.entry("connection", "delete", mine, {}, stamps, withdrawn_at))
    assert withdrawn["status"] == "applied", withdrawn

    seen_delete = stamps | {"_deleted": withdrawn_at}
    (restored,) = maria.push(
        maria.entry("connection", "update", mine, {"strength": 3}, seen_delete)
    )
    assert (restored["status"], restored["code"]) == ("rejected", "author_only")
    maria.sync()
    assert ("connection", mine) not in maria.rows

    (restored,) = anna.push(anna.entry("connection", "update", mine, {"strength": 2}, seen_delete))
    assert restored["status"] == "applied", restored
    anna.sync()
    assert anna.rows[("connection", mine)]["fields"]["strength"] == 2


def test_a_connection_deleted_with_its_contact_comes_back_with_it(env: ServerEnv) -> None:
    """Deleting a contact takes everyone's connections to it along; whoever restores the
    contact brings them back."""
    anna, maria = env.session("anna"), env.session("maria")
    customer, contact = _north_customer_and_contact(anna, env)
    values = {"customer_id": customer, "contact_id": contact, "strength": 3}
    hers, result = anna.create("connection", values)
    assert result["status"] == "applied", result
    maria.sync()
    contact_stamps = maria.rows[("contact", contact)]["stamps"]
    link_stamps = maria.rows[("connection", hers)]["stamps"]
    deleted_at = maria.clock.now()
    (deleted,) = maria.push(
        maria.entry("contact", "delete", contact, {}, contact_stamps, deleted_at)
    )
    assert deleted["status"] == "applied", deleted
    anna.sync()
    assert ("connection", hers) not in anna.rows

    seen = {"_deleted": deleted_at}
    results = maria.push(
        maria.entry("contact", "update", contact, {"last_name": "Weiß"}, contact_stamps | seen),
        maria.entry("connection", "update", hers, {"strength": 3}, link_stamps | seen),
    )
    assert [r["status"] for r in results] == ["applied", "applied"], results
    anna.sync()
    assert ("connection", hers) in anna.rows
