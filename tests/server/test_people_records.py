"""Comments and connections on the server: scoped like their customer, written by the caller."""

from __future__ import annotations

from tests.helpers.server_env import Client, ServerEnv, customer_fields


def _visit_of_anna(env: ServerEnv) -> tuple[Client, str, str]:
    anna = env.login("anna")
    customer, _ = anna.create("customer", customer_fields("Autohaus Nord"))
    visit, result = anna.create(
        "visit",
        {
            "customer_id": customer,
            "rep_id": anna.user_id,
            "status": "done",
            "planned_start": "2026-11-20T09:00:00Z",
            "report": "Fleet renewal discussed.",
        },
    )
    assert result["status"] == "applied", result
    return anna, customer, visit


def test_manager_comment_reaches_the_rep_and_not_another_territory(env: ServerEnv) -> None:
    env.setup_area()
    anna, customer, visit = _visit_of_anna(env)
    maria = env.login("maria")
    comment, result = maria.create(
        "comment",
        # A client cannot speak for someone else: the author is always the caller.
        {
            "visit_id": visit,
            "customer_id": customer,
            "author_id": env.ids["anna"],
            "text": "Please add the fleet size.",
        },
    )
    assert result["status"] == "applied", result
    anna.sync()
    assert anna.rows[("comment", comment)]["fields"]["author_id"] == env.ids["maria"]
    reply, result = anna.create(
        "comment", {"visit_id": visit, "customer_id": customer, "text": "42 vans."}
    )
    assert result["status"] == "applied", result
    maria.sync()
    assert {comment, reply} <= maria.ids("comment")
    ben = env.login("ben")
    ben.sync()
    assert ben.ids("comment") == set()


def test_only_the_author_changes_a_comment(env: ServerEnv) -> None:
    env.setup_area()
    anna, customer, visit = _visit_of_anna(env)
    maria = env.login("maria")
    comment, _ = maria.create(
        "comment", {"visit_id": visit, "customer_id": customer, "text": "Good report."}
    )
    anna.sync()
    [result] = anna.push(anna.entry("comment", "update", comment, {"text": "Great report!"}))
    assert result["status"] == "rejected"
    assert "Only its author" in result["reason"]
    [result] = anna.push(anna.entry("comment", "delete", comment))
    assert result["status"] == "rejected"


def test_connection_is_declared_by_the_caller_and_seen_in_scope(env: ServerEnv) -> None:
    env.setup_area()
    anna = env.login("anna")
    customer, _ = anna.create("customer", customer_fields("Stadtwerke Nord"))
    contact, _ = anna.create("contact", {"customer_id": customer, "last_name": "Petersen"})
    connection, result = anna.create(
        "connection", {"customer_id": customer, "contact_id": contact, "strength": 5}
    )
    assert result["status"] == "applied", result
    maria = env.login("maria")
    maria.sync()
    assert maria.rows[("connection", connection)]["fields"]["user_id"] == env.ids["anna"]
    ben = env.login("ben")
    ben.sync()
    assert ben.ids("connection") == set()
