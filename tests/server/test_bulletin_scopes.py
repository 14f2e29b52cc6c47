"""Bulletin scoping on the server, on SQLite and PostgreSQL: who receives a bulletin, its
receipts and its questions, and who may post, confirm and answer."""

from __future__ import annotations

from fieldcrm.domain.ids import uuid7
from tests.helpers.server_env import Client, ServerEnv


def _people(env: ServerEnv) -> dict[str, Client]:
    env.setup_area()  # Central: North (anna), South (ben), manager maria; Coast: West (wim)
    env.territory("East", "Central")
    env.user("eva", "rep", territory="East")
    env.user("otto", "manager", area="Coast")
    people = {n: env.session(n) for n in ("anna", "ben", "eva", "wim", "maria", "otto", "root")}
    for client in people.values():
        client.sync()
    return people


def _bulletin(author: Client, **fields: object) -> tuple[str, dict[str, object]]:
    return author.create(
        "bulletin", {"title": "Prices", "posted_at": "2026-12-03T08:00:00Z", **fields}
    )


def test_an_audience_of_two_territories_and_a_rep_is_received_by_them_only(
    env: ServerEnv,
) -> None:
    p = _people(env)
    ids = env.ids
    bulletin_id, result = _bulletin(
        p["maria"], territory_ids=[ids["North"], ids["South"]], rep_ids=[ids["eva"]]
    )
    assert result["status"] == "applied", result
    # The same audience again shares its scope (one audience, written once).
    again_id, again = _bulletin(
        p["maria"], territory_ids=[ids["South"], ids["North"]], rep_ids=[ids["eva"]]
    )
    assert again["status"] == "applied", again
    for name, client in p.items():
        client.sync()
        expected = set() if name in ("wim", "otto") else {bulletin_id, again_id}
        assert client.ids("bulletin") == expected, name


def test_receipts_are_the_reader_s_the_managers_and_admins_only(env: ServerEnv) -> None:
    p = _people(env)
    bulletin_id, _ = _bulletin(p["maria"])  # the whole area Central
    for name in ("anna", "ben"):
        p[name].sync()
        receipt = {"bulletin_id": bulletin_id, "read_at": "2026-12-03T09:00:00Z"}
        _, result = p[name].create("bulletin_receipt", receipt)
        assert result["status"] == "applied", result
    # wim's area has no such bulletin: his receipt is refused like an unknown bulletin.
    _, refused = p["wim"].create(
        "bulletin_receipt", {"bulletin_id": bulletin_id, "read_at": "2026-12-03T09:00:00Z"}
    )
    assert refused["code"] == "bulletin_unavailable"
    for client in p.values():
        client.sync()
    assert len(p["anna"].ids("bulletin_receipt")) == 1
    assert len(p["ben"].ids("bulletin_receipt")) == 1
    assert p["anna"].ids("bulletin_receipt") != p["ben"].ids("bulletin_receipt")
    assert len(p["maria"].ids("bulletin_receipt")) == 2
    assert len(p["root"].ids("bulletin_receipt")) == 2
    assert p["eva"].ids("bulletin_receipt") == set() and p["otto"].ids("bulletin_receipt") == set()
    # Nobody confirms in another's name.
    [(_, anna_receipt)] = [(k, v) for k, v in p["anna"].rows.items() if k[0] == "bulletin_receipt"]
    [ben_receipt_id] = p["ben"].ids("bulletin_receipt")
    entry = p["maria"].entry(
        "bulletin_receipt", "update", ben_receipt_id, {"confirmed_at": "2026-12-03T10:00:00Z"}
    )
    (result,) = p["maria"].push(entry)
    assert result["code"] == "author_only"
    assert anna_receipt["fields"]["user_id"] == env.ids["anna"]


def test_only_managers_of_the_area_post_and_change_bulletins(env: ServerEnv) -> None:
    p = _people(env)
    ids = env.ids
    _, by_rep = _bulletin(p["anna"])
    assert by_rep["code"] == "bulletin_managers_only"
    _, outside = _bulletin(p["maria"], territory_ids=[ids["West"]])
    assert outside["code"] == "bulletin_audience_outside"
    _, other_rep = _bulletin(p["maria"], rep_ids=[ids["wim"]])
    assert other_rep["code"] == "bulletin_audience_outside"
    _, admin_without_area = _bulletin(p["root"])
    assert admin_without_area["code"] == "bulletin_no_area"
    admin_id, by_admin = _bulletin(p["root"], area_id=ids["Coast"])
    assert by_admin["status"] == "applied"
    bulletin_id, _ = _bulletin(p["maria"], territory_ids=[ids["North"]])
    p["anna"].sync()
    row = p["anna"].rows[("bulletin", bulletin_id)]
    (changed_by_rep,) = p["anna"].push(
        p["anna"].entry(
            "bulletin", "update", bulletin_id, {"title": "Mine"}, base_stamps=row["stamps"]
        )
    )
    assert changed_by_rep["code"] == "bulletin_managers_only"
    (deleted_by_other,) = p["otto"].push(p["otto"].entry("bulletin", "delete", bulletin_id))
    assert deleted_by_other["code"] == "not_found"
    p["wim"].sync()
    assert p["wim"].ids("bulletin") == {admin_id}


def test_questions_go_with_the_bulletin_and_only_their_author_changes_them(
    env: ServerEnv,
) -> None:
    p = _people(env)
    bulletin_id, _ = _bulletin(p["maria"], territory_ids=[env.ids["North"]])
    p["anna"].sync()
    question = {"bulletin_id": bulletin_id, "kind": "comment", "text": "When?"}
    question_id, asked = p["anna"].create("comment", question)
    assert asked["status"] == "applied", asked
    _, by_ben = p["ben"].create("comment", {**question, "text": "Me too"})
    assert by_ben["code"] == "bulletin_unavailable"
    _, both = p["anna"].create("comment", {**question, "visit_id": uuid7()})
    assert both["code"] == "invalid"
    p["maria"].sync()
    (edit,) = p["maria"].push(
        p["maria"].entry("comment", "update", question_id, {"text": "Changed"})
    )
    assert edit["code"] == "author_only"
    for name in ("anna", "ben", "maria"):
        p[name].sync()
    assert question_id in p["maria"].ids("comment")
    assert question_id not in p["ben"].ids("comment")
    seen = p["maria"].rows[("bulletin", bulletin_id)]["stamps"]
    (deleted,) = p["maria"].push(
        p["maria"].entry("bulletin", "delete", bulletin_id, base_stamps=seen)
    )
    assert deleted["status"] == "applied"
    p["anna"].sync()
    assert p["anna"].ids("bulletin") == set() and p["anna"].ids("comment") == set()
