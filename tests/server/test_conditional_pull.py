"""Conditional pull: a pull with the tag of the last answer (If-None-Match) is answered 304
with no body when nothing changed for the caller since the cursor; the caller is still
checked, and any change in the caller's scope, or of the scope itself, gets the full answer.
On SQLite and PostgreSQL."""

from __future__ import annotations

import httpx
import sqlalchemy as sa

from fieldcrm.domain.ids import uuid7
from fieldcrm.protocol import ApiPaths
from fieldcrm.protocol.positional import row_states
from sync_server import admin
from sync_server import tables as t
from sync_server.db import write_transaction
from tests.helpers.server_env import Client, ServerEnv, customer_fields, db_state


def _pull(client: Client, tag: str | None, cursor: str | None = None) -> httpx.Response:
    headers = dict(client.auth)
    if tag is not None:
        headers["If-None-Match"] = tag
    return client.http.get(
        ApiPaths.PULL,
        params={"cursor": client.cursor if cursor is None else cursor, "limit": 1000},
        headers=headers,
    )


def _synced(client: Client) -> str:
    """Pull to the end; the tag of the last answer."""
    pages = client.sync()
    assert pages
    response = _pull(client, None)
    assert response.status_code == 200
    tag = response.headers["ETag"]
    assert tag.startswith('"') and tag.endswith('"')
    return tag


def test_nothing_changed_is_304_without_body(env: ServerEnv) -> None:
    env.setup_area()
    anna = env.session("anna")
    anna.create("customer", customer_fields())
    tag = _synced(anna)
    response = _pull(anna, tag)
    assert response.status_code == 304
    assert response.content == b""
    assert response.headers["ETag"] == tag
    # Without the tag, or with another one, the full (empty) page comes.
    assert _pull(anna, None).status_code == 200
    assert _pull(anna, '"p3-other"').status_code == 200


def test_a_change_in_scope_gets_the_page(env: ServerEnv) -> None:
    env.setup_area()
    anna, ben = env.session("anna"), env.session("ben")
    tag = _synced(anna)
    ben.create("customer", customer_fields("Süd GmbH"))  # another territory
    assert _pull(anna, tag).status_code == 304
    customer_id, _ = env.session("anna", "anna-phone").create("customer", customer_fields())
    response = _pull(anna, tag)
    assert response.status_code == 200
    assert [row["id"] for row in row_states(response.json()["tables"])] == [customer_id]


def test_an_eviction_or_conflict_gets_the_page(env: ServerEnv) -> None:
    env.setup_area()
    maria, anna = env.session("maria"), env.session("anna")
    customer_id, _ = anna.create("customer", customer_fields())
    tag = _synced(anna)
    # The manager moves the customer to South: it leaves anna's scope (an eviction).
    maria.sync()
    (result,) = maria.push(
        maria.entry(
            "customer",
            "update",
            customer_id,
            {"territory_id": env.ids["South"]},
            maria.rows[("customer", customer_id)]["stamps"],
        )
    )
    assert result["status"] == "applied", result
    response = _pull(anna, tag)
    assert response.status_code == 200
    assert response.json()["evictions"] == [{"entity": "customer", "id": customer_id}]


def test_the_caller_is_checked_first(env: ServerEnv) -> None:
    env.setup_area()
    anna = env.session("anna")
    tag = _synced(anna)
    response = anna.http.get(
        ApiPaths.PULL,
        params={"cursor": anna.cursor},
        headers={"Authorization": "Bearer not-a-token", "If-None-Match": tag},
    )
    assert response.status_code == 401
    env.session("anna", "other")  # a second device keeps the account in use
    with write_transaction(env.engine) as conn:
        admin.disable_user(conn, "anna")
    assert _pull(anna, tag).status_code == 401


def test_a_scope_change_changes_the_tag(env: ServerEnv) -> None:
    env.setup_area()
    anna = env.session("anna")
    tag = _synced(anna)
    with write_transaction(env.engine) as conn:
        admin.set_user(conn, "anna", territory="South")
    response = _pull(anna, tag)
    assert response.status_code == 200
    assert response.headers["ETag"] != tag
    # The area of North moves: the rep's scope (territory and area) changes too.
    ben = env.session("ben")
    tag = _synced(ben)
    with write_transaction(env.engine) as conn:
        admin.set_territory_area(conn, "South", "Coast")
    assert _pull(ben, tag).status_code == 200


def test_a_cursor_this_server_never_gave_gets_the_error(env: ServerEnv) -> None:
    env.setup_area()
    anna = env.session("anna")
    tag = _synced(anna)
    response = _pull(anna, tag, cursor="999999")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_cursor"


def test_304_notes_the_sync_only_when_the_noted_time_is_old(env: ServerEnv) -> None:
    env.setup_area()
    anna = env.session("anna")
    tag = _synced(anna)
    device = t.device.c
    with env.engine.connect() as conn:
        noted = conn.execute(
            sa.select(device.last_sync_at).where(device.id == anna.device_id)
        ).scalar()
    assert noted is not None
    assert _pull(anna, tag).status_code == 304
    with env.engine.connect() as conn:
        again = conn.execute(
            sa.select(device.last_sync_at).where(device.id == anna.device_id)
        ).scalar()
    assert again == noted  # an idle poll wrote nothing
    with write_transaction(env.engine) as conn:
        conn.execute(
            t.device.update()
            .where(device.id == anna.device_id)
            .values(last_sync_at=noted.replace(year=noted.year - 1))
        )
    assert _pull(anna, tag).status_code == 304
    with env.engine.connect() as conn:
        renewed = conn.execute(
            sa.select(device.last_sync_at).where(device.id == anna.device_id)
        ).scalar()
    assert renewed is not None and renewed.replace(tzinfo=None) > noted.replace(tzinfo=None)


def test_odd_polls_get_the_answers_of_a_full_pull(env: ServerEnv) -> None:
    """The idle answer is made before the app's routing: every poll it does not answer
    304 (a limit or cursor out of range, a parameter twice, no bearer token, a tag of
    another user) gets what a pull without the tag gets, from the app as always."""
    env.setup_area()
    anna, ben = env.session("anna"), env.session("ben")
    tag = _synced(anna)
    ben_tag = _synced(ben)
    fine = _pull(anna, tag)
    assert fine.status_code == 304 and fine.content == b""
    assert fine.headers["X-Request-ID"] and "app;dur=" in fine.headers["Server-Timing"]
    for query, status in (
        ({"cursor": anna.cursor, "limit": "0"}, 422),
        ({"cursor": anna.cursor, "limit": "many"}, 422),
        ({"cursor": "x" * 33}, 422),
        ({"cursor": "-1"}, 400),
    ):
        with_tag = anna.http.get(
            ApiPaths.PULL, params=query, headers={**anna.auth, "If-None-Match": tag}
        )
        without = anna.http.get(ApiPaths.PULL, params=query, headers=anna.auth)
        assert with_tag.status_code == without.status_code == status, (query, with_tag.text)
        assert with_tag.json()["code"] == without.json()["code"]
    # A parameter twice: the app reads the last one, as it always did.
    twice = f"cursor=0&cursor={anna.cursor}"
    assert _pull(anna, tag, cursor="0").status_code == 200
    response = anna.http.get(
        ApiPaths.PULL, params=twice, headers={**anna.auth, "If-None-Match": tag}
    )
    assert response.status_code == 304
    basic = anna.http.get(
        ApiPaths.PULL,
        params={"cursor": anna.cursor},
        headers={"Authorization": "Basic YW5uYTpwdw==", "If-None-Match": tag},
    )
    assert basic.status_code == 401
    # Another user's tag is no tag of anna's answers.
    assert _pull(anna, ben_tag).status_code == 200


def test_a_refused_bulletin_leaves_no_audience_behind(env: ServerEnv) -> None:
    """A bulletin refused after its audience was worked out (no title) registered the
    audience all the same, in a push that hands out no sequence number: the scopes an idle
    poll keeps per sequence number no longer matched the full answer's (304 with the old
    tag where the full pull answers another), and a refused entry had written something."""
    env.setup_area()
    maria, ben = env.session("maria"), env.session("ben")
    tag = _synced(ben)
    assert _pull(ben, tag).status_code == 304  # the idle answer knows ben's scopes now
    before = db_state(env)
    audience = {"territory_ids": [env.ids["North"]], "rep_ids": [ben.user_id]}
    (result,) = maria.push(maria.entry("bulletin", "create", uuid7(), audience))
    assert result["status"] == "rejected" and result["problems"][0]["field"] == "title"
    assert db_state(env)[0] == before[0]  # no sequence number handed out
    with env.engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(t.audience)).scalar() == 0
    full = _pull(ben, None)
    assert full.status_code == 200 and full.headers["ETag"] == tag
    assert _pull(ben, tag).status_code == 304
    # Sent with a title, the bulletin reaches ben, past the idle answer too.
    bulletin_id, result = maria.create("bulletin", {"title": "Prices", **audience})
    assert result["status"] == "applied", result
    response = _pull(ben, tag)
    assert response.status_code == 200 and response.headers["ETag"] != tag
    assert bulletin_id in {row["id"] for row in row_states(response.json()["tables"])}


def _age_sync_note(env: ServerEnv, client: Client) -> None:
    """Put the device's noted sync a year back (as if it last synced long ago)."""
    device = t.device.c
    with write_transaction(env.engine) as conn:
        noted = conn.execute(
            sa.select(device.last_sync_at).where(device.id == client.device_id)
        ).scalar_one()
        conn.execute(
            t.device.update()
            .where(device.id == client.device_id)
            .values(last_sync_at=noted.replace(year=noted.year - 1))
        )


def test_managers_and_admins_get_304_after_a_full_answer(env: ServerEnv) -> None:
    """Every full answer notes the caller's sync. A manager's or admin's tag carried their
    own noted time and those of the other managers and admins they see: after a full
    answer the next idle poll never matched (nor did the other managers' polls, each of
    whose full answers changed the others' tags), so their polls were full pulls for
    good. The tag follows the reps' syncs; those still change it."""
    env.setup_area()
    env.user("mona", "manager", area="Central")
    maria, mona, root, anna = (env.session(n) for n in ("maria", "mona", "root", "anna"))
    for client in (maria, mona, root, anna):
        _synced(client)
    for client in (maria, root, mona):
        _age_sync_note(env, client)
        tag = _pull(client, None).headers["ETag"]  # notes the sync now: a new time
        assert _pull(client, tag).status_code == 304, client.device_id
    _age_sync_note(env, anna)
    tag = _pull(maria, None).headers["ETag"]
    _age_sync_note(env, mona)
    assert _pull(mona, None).status_code == 200  # another manager's full answer
    assert _pull(maria, tag).status_code == 304
    assert _pull(anna, None).status_code == 200  # a rep's sync is news to the manager
    response = _pull(maria, tag)
    assert response.status_code == 200 and response.headers["ETag"] != tag
