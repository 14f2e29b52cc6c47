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


def _document(author: Client, content: bytes, **owner: object) -> tuple[str, dict[str, object]]:
    import hashlib

    fields = {
        "name": "preisliste.pdf",
        "media_type": "application/pdf",
        "size": len(content),
        "sha256": hashlib.sha256(content).hexdigest(),
        **owner,
    }
    return author.create("attachment", fields)


def _upload(author: Client, attachment_id: str, content: bytes) -> None:
    import hashlib

    from fieldcrm.protocol import ApiPaths

    body = {
        "attachment_id": attachment_id,
        "size": len(content),
        "sha256": hashlib.sha256(content).hexdigest(),
    }
    started = author.http.post(ApiPaths.UPLOADS, json=body, headers=author.auth)
    assert started.status_code == 201, started.text
    upload_id = started.json()["upload_id"]
    sent = author.http.patch(
        f"{ApiPaths.UPLOADS}/{upload_id}",
        content=content,
        headers={**author.auth, "Upload-Offset": "0"},
    )
    assert sent.status_code == 200 and sent.json()["complete"], sent.text


def _download_status(client: Client, attachment_id: str) -> int:
    from fieldcrm.protocol import ApiPaths

    url = ApiPaths.CONTENT.format(attachment_id=attachment_id)
    return client.http.get(url, headers=client.auth).status_code


def test_a_bulletin_s_documents_reach_its_audience_only(env: ServerEnv) -> None:
    p = _people(env)
    content = b"%PDF-1.4\n% prices\n%%EOF"
    # To one rep: filed under her personal scope, with its documents.
    bulletin_id, _ = _bulletin(p["maria"], rep_ids=[env.ids["eva"]])
    document_id, result = _document(p["maria"], content, bulletin_id=bulletin_id)
    assert result["status"] == "applied", result
    _upload(p["maria"], document_id, content)
    for client in p.values():
        client.sync()
    for name in ("eva", "maria", "root"):
        assert p[name].ids("attachment") == {document_id}, name
        assert _download_status(p[name], document_id) == 200, name
    for name in ("anna", "ben", "wim", "otto"):
        assert p[name].ids("attachment") == set(), name
        assert _download_status(p[name], document_id) == 404, name
    # Only managers of the bulletin's area add documents to it.
    eva_bulletin = {"bulletin_id": bulletin_id}
    _, refused = _document(p["eva"], content, **eva_bulletin)
    assert refused["code"] == "shelf_managers_only"


def test_the_shelf_is_the_area_s_and_only_its_managers_publish(env: ServerEnv) -> None:
    p = _people(env)
    content = b"%PDF-1.4\n% catalogue\n%%EOF"
    central = env.ids["Central"]
    shelf = {"area_id": central, "title": "Catalogue", "version": 1}
    document_id, result = _document(p["maria"], content, **shelf)
    assert result["status"] == "applied", result
    for name in ("anna", "otto"):
        _, refused = _document(p[name], content, **shelf)
        assert refused["code"] == "shelf_managers_only", name
    _, untitled = _document(p["maria"], content, area_id=central)
    assert untitled["status"] == "rejected" and untitled["field"] == "title"
    _upload(p["maria"], document_id, content)
    for client in p.values():
        client.sync()
    for name in ("anna", "ben", "eva", "maria", "root"):
        assert p[name].ids("attachment") == {document_id}, name
    for name in ("wim", "otto"):
        assert p[name].ids("attachment") == set(), name
        assert _download_status(p[name], document_id) == 404, name
    # A rep cannot take it off the shelf; a manager of the area can.
    (refused,) = p["anna"].push(p["anna"].entry("attachment", "delete", document_id, {}))
    assert refused["code"] == "shelf_managers_only"
    seen = p["maria"].rows[("attachment", document_id)]["stamps"]
    (taken,) = p["maria"].push(
        p["maria"].entry("attachment", "delete", document_id, {}, base_stamps=seen)
    )
    assert taken["status"] == "applied", taken
    p["anna"].sync()
    assert p["anna"].ids("attachment") == set()
