"""Contract suite: the same sync behaviour on SQLite and PostgreSQL (``env`` runs on both)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from fieldcrm.domain.ids import uuid7
from fieldcrm.protocol import ApiPaths
from fieldcrm.protocol.positional import row_states
from sync_server import auth
from sync_server import tables as t
from tests.helpers.server_env import PASSWORD, ServerEnv, customer_fields, db_state


def _customer(env: ServerEnv, who: str = "anna", **fields: object) -> tuple[str, dict]:
    client = env.session(who, f"{who}-setup")
    row_id, result = client.create("customer", customer_fields(**fields))  # type: ignore[arg-type]
    assert result["status"] == "applied", result
    client.sync()
    return row_id, client.rows[("customer", row_id)]


def test_login_push_pull_roundtrip(env: ServerEnv) -> None:
    env.setup_area()
    anna = env.login("anna")
    customer_id, result = anna.create("customer", customer_fields())
    assert result["status"] == "applied"
    anna.sync()
    row = anna.rows[("customer", customer_id)]
    assert row["fields"]["name"] == "Bäckerei Müller GmbH"
    assert row["fields"]["territory_id"] == env.ids["North"]
    assert row["fields"]["owner_id"] == env.ids["anna"]


def test_sync_sequential_edit_is_no_conflict(env: ServerEnv) -> None:
    env.setup_area()
    anna = env.session("anna")
    row_id, row = _customer(env)
    # An older clock than the stored stamp, but made on top of the stored value: it wins.
    old = "0000000000001:000000:anna-laptop"
    (result,) = anna.push(
        anna.entry(
            "customer",
            "update",
            row_id,
            {"city": "Kiel"},
            base_stamps={"city": row["stamps"]["city"]},
            stamp=old,
        )
    )
    assert result["status"] == "applied"
    page = anna.sync()[-1]
    assert anna.rows[("customer", row_id)]["fields"]["city"] == "Kiel"
    assert page.conflicts == []


def test_sync_concurrent_edits_of_different_fields_both_survive(env: ServerEnv) -> None:
    env.setup_area()
    row_id, row = _customer(env)
    anna, maria = env.session("anna", "a2"), env.session("maria")
    base = row["stamps"]
    anna.push(anna.entry("customer", "update", row_id, {"city": "Kiel"}, base_stamps=base))
    (result,) = maria.push(
        maria.entry("customer", "update", row_id, {"phone": "+49 40 123"}, base_stamps=base)
    )
    assert result["status"] == "applied"
    maria.sync()
    fields = maria.rows[("customer", row_id)]["fields"]
    assert (fields["city"], fields["phone"]) == ("Kiel", "+49 40 123")


def test_sync_same_field_newer_stamp_wins_and_loser_is_kept(env: ServerEnv) -> None:
    env.setup_area()
    row_id, row = _customer(env)
    anna, maria = env.session("anna", "a2"), env.session("maria")
    base = {"name": row["stamps"]["name"]}
    older = anna.entry("customer", "update", row_id, {"name": "Anna's name"}, base_stamps=base)
    newer = maria.entry("customer", "update", row_id, {"name": "Maria's name"}, base_stamps=base)
    assert newer["stamps"]["name"] > older["stamps"]["name"]
    # The newer edit arrives first; the older one loses and is kept as a conflict.
    maria.push(newer)
    (result,) = anna.push(older)
    assert result["status"] == "conflict"
    for client in (anna, maria):
        client.sync()
        assert client.rows[("customer", row_id)]["fields"]["name"] == "Maria's name"
    page = env.session("ben").pull_page()
    assert page.conflicts == [], "a conflict in North is not shown in South"
    conflicts = maria.pull_page(cursor="0").conflicts
    assert len(conflicts) == 1
    c = conflicts[0]
    assert (c.kind, c.field, c.winning_value, c.losing_value) == (
        "field",
        "name",
        "Maria's name",
        "Anna's name",
    )
    assert c.losing_user == env.ids["anna"] and c.winning_user == env.ids["maria"]


def test_sync_delete_wins_over_concurrent_edit(env: ServerEnv) -> None:
    env.setup_area()
    row_id, row = _customer(env)
    anna, maria = env.session("anna", "a2"), env.session("maria")
    maria.push(
        maria.entry("customer", "update", row_id, {"city": "Kiel"}, base_stamps=row["stamps"])
    )
    (result,) = anna.push(anna.entry("customer", "delete", row_id, base_stamps=row["stamps"]))
    assert result["status"] == "conflict"
    page = maria.pull_page(cursor="0")
    tomb = next(r for r in page.rows if r.id == row_id)
    assert tomb.deleted
    (conflict,) = page.conflicts
    assert conflict.kind == "delete" and conflict.losing_value == {"city": "Kiel"}
    assert page.scope_counts is not None and page.scope_counts.counts["customer"] == 0


def test_sync_edit_arriving_after_delete_is_kept_in_conflict(env: ServerEnv) -> None:
    env.setup_area()
    row_id, row = _customer(env)
    anna, maria = env.session("anna", "a2"), env.session("maria")
    anna.push(anna.entry("customer", "delete", row_id, base_stamps=row["stamps"]))
    (result,) = maria.push(
        maria.entry("customer", "update", row_id, {"city": "Kiel"}, base_stamps=row["stamps"])
    )
    assert result["status"] == "conflict"
    page = maria.pull_page(cursor="0")
    assert next(r for r in page.rows if r.id == row_id).deleted
    (conflict,) = page.conflicts
    assert conflict.kind == "delete" and conflict.losing_value == {"city": "Kiel"}


def test_sync_restore_after_seen_delete(env: ServerEnv) -> None:
    env.setup_area()
    row_id, row = _customer(env)
    anna = env.session("anna", "a2")
    delete = anna.entry("customer", "delete", row_id, base_stamps=row["stamps"])
    anna.push(delete)
    (result,) = anna.push(
        anna.entry(
            "customer",
            "update",
            row_id,
            {"name": "Back again"},
            base_stamps={"_deleted": delete["stamps"]["_deleted"]},
        )
    )
    assert result["status"] == "applied"
    anna.sync()
    assert anna.rows[("customer", row_id)]["fields"]["name"] == "Back again"


def test_sync_delete_customer_tombstones_its_rows(env: ServerEnv) -> None:
    env.setup_area()
    anna = env.session("anna")
    customer_id, _ = anna.create("customer", customer_fields())
    contact_id, result = anna.create("contact", {"customer_id": customer_id, "last_name": "Weber"})
    assert result["status"] == "applied"
    anna.sync()
    anna.push(
        anna.entry(
            "customer",
            "delete",
            customer_id,
            base_stamps=anna.rows[("customer", customer_id)]["stamps"],
        )
    )
    page = anna.pull_page()
    assert {(r.id, r.deleted) for r in page.rows} == {(customer_id, True), (contact_id, True)}


def test_sync_move_customer_evicts_from_old_territory(env: ServerEnv) -> None:
    env.setup_area()
    anna, ben, maria = env.session("anna"), env.session("ben"), env.session("maria")
    customer_id, _ = anna.create("customer", customer_fields())
    contact_id, _ = anna.create("contact", {"customer_id": customer_id, "last_name": "Weber"})
    for client in (anna, ben, maria):
        client.sync()
    assert ("customer", customer_id) in anna.rows and not ben.rows.get(("customer", customer_id))
    base = {"territory_id": maria.rows[("customer", customer_id)]["stamps"]["territory_id"]}
    (result,) = maria.push(
        maria.entry(
            "customer", "update", customer_id, {"territory_id": env.ids["South"]}, base_stamps=base
        )
    )
    assert result["status"] == "applied"
    anna_pages = anna.sync()
    assert [(e.entity, e.id) for e in anna_pages[-1].evictions] == [("customer", customer_id)]
    assert not anna.ids("customer") and not anna.ids("contact")
    ben.sync()
    assert ben.ids("customer") == {customer_id} and ben.ids("contact") == {contact_id}
    maria_pages = maria.sync()
    assert maria_pages[-1].evictions == []
    assert maria.ids("customer") == {customer_id}
    counts = ben.pull_page().scope_counts
    assert counts is not None
    assert (counts.counts["customer"], counts.counts["contact"]) == (1, 1)
    # Anna can no longer change it.
    (result,) = anna.push(anna.entry("customer", "update", customer_id, {"city": "Kiel"}))
    assert result["status"] == "rejected"


def test_sync_manager_cannot_assign_customer_to_an_area(env: ServerEnv) -> None:
    env.setup_area()
    maria = env.session("maria")
    _, result = maria.create("customer", customer_fields(territory_id=env.ids["Central"]))
    assert result["status"] == "rejected" and result["field"] == "territory_id"
    _, result = maria.create("customer", customer_fields(territory_id=env.ids["West"]))
    assert result["status"] == "rejected" and result["field"] == "territory_id"
    _, result = maria.create("customer", customer_fields(territory_id=env.ids["South"]))
    assert result["status"] == "applied"


def test_pull_pages_are_a_complete_snapshot(env: ServerEnv) -> None:
    env.setup_area()
    anna = env.session("anna")
    created = set()
    entries = []
    for i in range(25):
        row_id = uuid7()
        created.add(row_id)
        entries.append(anna.entry("customer", "create", row_id, customer_fields(f"Kunde {i}")))
    assert {r["status"] for r in anna.push(*entries)} == {"applied"}
    pages = anna.sync(limit=10)
    assert [p.has_more for p in pages] == [True, True, True, False] or [p.has_more for p in pages][
        -1
    ] is False
    cursors = [int(p.cursor) for p in pages]
    assert cursors == sorted(cursors)
    assert anna.ids("customer") == created
    assert all(p.scope_counts is None for p in pages[:-1])
    last = pages[-1].scope_counts
    assert last is not None and last.counts["customer"] == 25
    assert last.counts["territory"] == len(anna.ids("territory"))
    assert last.counts["user"] == len(anna.ids("user"))


def test_pull_idle_is_small(env: ServerEnv) -> None:
    env.setup_area()
    anna = env.session("anna")
    anna.sync()
    response = env.http.get(ApiPaths.PULL, params={"cursor": anna.cursor}, headers=anna.auth)
    assert response.status_code == 200
    assert len(response.content) <= 2048
    assert row_states(response.json()["tables"]) == []


def test_pull_gzip_when_accepted(env: ServerEnv) -> None:
    env.setup_area()
    anna = env.session("anna")
    anna.push(
        *[anna.entry("customer", "create", uuid7(), customer_fields(f"K {i}")) for i in range(20)]
    )
    response = env.http.get(
        ApiPaths.PULL,
        params={"cursor": "0"},
        headers={**anna.auth, "Accept-Encoding": "gzip"},
    )
    assert response.headers["content-encoding"] == "gzip"
    assert len(row_states(response.json()["tables"])) > 20


def test_push_replayed_has_one_effect(env: ServerEnv) -> None:
    env.setup_area()
    anna = env.session("anna")
    entries = [
        anna.entry("customer", "create", uuid7(), customer_fields(f"K {i}")) for i in range(3)
    ]
    first = anna.push_raw(entries).json()["results"]
    before = db_state(env)
    second = anna.push_raw(entries).json()["results"]
    assert db_state(env) == before
    assert [r["status"] for r in second] == [r["status"] for r in first]
    assert all(r["replayed"] for r in second) and not any(r["replayed"] for r in first)


def test_push_retried_after_lost_response_has_one_effect(env: ServerEnv) -> None:
    env.setup_area()
    anna = env.session("anna")
    row_id = uuid7()
    create = anna.entry("customer", "create", row_id, customer_fields())
    rename = anna.entry(
        "customer",
        "update",
        row_id,
        {"name": "Renamed"},
        base_stamps={"name": create["stamps"]["name"]},
    )
    anna.push_raw([create, rename])  # the response never reaches the laptop
    # Meanwhile another device changes the name; then the laptop retries with more.
    maria = env.session("maria")
    maria.sync()
    maria.push(
        maria.entry(
            "customer",
            "update",
            row_id,
            {"city": "Kiel"},
            base_stamps=maria.rows[("customer", row_id)]["stamps"],
        )
    )
    note = anna.entry(
        "note",
        "create",
        uuid7(),
        {"customer_id": row_id, "author_id": anna.user_id, "text": "Hello"},
    )
    results = anna.push(create, rename, note)
    assert [r["replayed"] for r in results] == [True, True, False]
    assert [r["status"] for r in results] == ["applied", "applied", "applied"]
    page = anna.pull_page()
    assert page.scope_counts is not None
    assert (page.scope_counts.counts["customer"], page.scope_counts.counts["note"]) == (1, 1)
    row = next(r for r in page.rows if r.id == row_id)
    assert (row.fields["name"], row.fields["city"]) == ("Renamed", "Kiel")


def test_push_rejected_entry_does_not_block_the_next(env: ServerEnv) -> None:
    env.setup_area()
    anna = env.session("anna")
    bad = anna.entry("customer", "create", uuid7(), customer_fields(email="not-an-email"))
    missing = anna.entry("customer", "create", uuid7(), {"name": "  ", "status": "active"})
    good = anna.entry("customer", "create", uuid7(), customer_fields())
    results = anna.push(bad, missing, good)
    assert [r["status"] for r in results] == ["rejected", "rejected", "applied"]
    assert results[0]["field"] == "email" and "e-mail" in results[0]["reason"]
    assert results[1]["field"] == "name"


def test_push_server_controlled_fields_are_not_trusted(env: ServerEnv) -> None:
    env.setup_area()
    anna = env.session("anna")
    row_id, result = anna.create(
        "customer",
        customer_fields(territory_id=env.ids["West"], owner_id=env.ids["ben"]),
    )
    assert result["status"] == "applied"
    anna.sync()
    fields = anna.rows[("customer", row_id)]["fields"]
    assert (fields["territory_id"], fields["owner_id"]) == (env.ids["North"], env.ids["anna"])
    (result,) = anna.push(
        anna.entry("customer", "update", row_id, {"territory_id": env.ids["West"]})
    )
    assert env.session("wim").pull_page().scope_counts.counts["customer"] == 0  # type: ignore[union-attr]
    (result,) = anna.push(anna.entry("user", "update", env.ids["anna"], {"role": "admin"}))
    assert result["status"] == "rejected" and "administrator" in result["reason"]


def test_push_to_another_territory_is_rejected_per_entry(env: ServerEnv) -> None:
    env.setup_area()
    ben_id, _ = _customer(env, "ben")
    anna = env.session("anna")
    results = anna.push(
        anna.entry("customer", "update", ben_id, {"city": "Kiel"}),
        anna.entry("contact", "create", uuid7(), {"customer_id": ben_id, "last_name": "X"}),
        anna.entry("customer", "delete", ben_id),
        anna.entry("customer", "create", uuid7(), customer_fields()),
    )
    assert [r["status"] for r in results] == ["rejected", "rejected", "rejected", "applied"]
    ben = env.session("ben")
    ben.sync()
    assert ben.rows[("customer", ben_id)]["fields"]["city"] == "Hamburg"


def test_conflict_resolution_is_shared(env: ServerEnv) -> None:
    env.setup_area()
    row_id, row = _customer(env)
    anna, maria = env.session("anna", "a2"), env.session("maria")
    base = {"name": row["stamps"]["name"]}
    older = anna.entry("customer", "update", row_id, {"name": "A"}, base_stamps=base)
    maria.push(maria.entry("customer", "update", row_id, {"name": "M"}, base_stamps=base))
    anna.push(older)
    maria.sync()
    (conflict,) = maria.pull_page(cursor="0").conflicts
    response = anna.push_raw([], resolved=[conflict.id])
    assert response.status_code == 200
    page = maria.pull_page()
    assert [(c.id, c.resolved) for c in page.conflicts] == [(conflict.id, True)]


def test_auth_refresh_rotates_and_reuse_ends_the_session(env: ServerEnv) -> None:
    env.setup_area()
    anna = env.session("anna")
    body = {"refresh_token": anna.refresh_token, "device_id": anna.device_id}
    first = env.http.post(ApiPaths.REFRESH, json=body)
    assert first.status_code == 200
    new = first.json()
    assert new["refresh_token"] != anna.refresh_token
    assert (
        env.http.get(
            ApiPaths.ME, headers={"Authorization": f"Bearer {new['access_token']}"}
        ).status_code
        == 200
    )
    # The device refreshes again with what it got; then the first token shows up once more:
    # someone else holds a copy of it.
    second = env.http.post(
        ApiPaths.REFRESH, json={"refresh_token": new["refresh_token"], "device_id": anna.device_id}
    )
    assert second.status_code == 200
    new = second.json()
    reuse = env.http.post(ApiPaths.REFRESH, json=body)
    assert reuse.status_code == 401 and reuse.json()["code"] == "session_revoked"
    # The whole family is gone, including the tokens handed out by the later refreshes.
    me = env.http.get(ApiPaths.ME, headers={"Authorization": f"Bearer {new['access_token']}"})
    assert me.status_code == 401
    again = env.http.post(
        ApiPaths.REFRESH, json={"refresh_token": new["refresh_token"], "device_id": anna.device_id}
    )
    assert again.status_code == 401


def test_auth_refresh_retried_after_a_lost_answer_keeps_the_session(env: ServerEnv) -> None:
    env.setup_area()
    anna = env.session("anna")
    body = {"refresh_token": anna.refresh_token, "device_id": anna.device_id}
    lost = env.http.post(ApiPaths.REFRESH, json=body)  # the device never sees this answer
    assert lost.status_code == 200
    retry = env.http.post(ApiPaths.REFRESH, json=body)
    assert retry.status_code == 200, retry.text
    fresh = retry.json()
    headers = {"Authorization": f"Bearer {fresh['access_token']}"}
    assert env.http.get(ApiPaths.ME, headers=headers).status_code == 200
    # The device goes on with the answer it received (the lost one is never used; if it
    # were, both answers would be in use: see test_doors_refresh_grace_replay_by_a_thief).
    held = {"refresh_token": fresh["refresh_token"], "device_id": anna.device_id}
    assert env.http.post(ApiPaths.REFRESH, json=held).status_code == 200


def test_auth_refresh_reuse_after_the_retry_window_ends_the_session(
    env: ServerEnv, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(auth, "REFRESH_RETRY_WINDOW", timedelta(0))
    env.setup_area()
    anna = env.session("anna")
    body = {"refresh_token": anna.refresh_token, "device_id": anna.device_id}
    assert env.http.post(ApiPaths.REFRESH, json=body).status_code == 200
    reuse = env.http.post(ApiPaths.REFRESH, json=body)
    assert reuse.status_code == 401 and reuse.json()["code"] == "session_revoked"


def test_auth_refresh_is_bound_to_the_device(env: ServerEnv) -> None:
    env.setup_area()
    anna = env.session("anna")
    other = env.http.post(
        ApiPaths.REFRESH, json={"refresh_token": anna.refresh_token, "device_id": "someone-else"}
    )
    assert other.status_code == 401


def test_auth_logout_ends_the_session(env: ServerEnv) -> None:
    env.setup_area()
    anna = env.session("anna")
    assert (
        env.http.post(ApiPaths.LOGOUT, json={"refresh_token": anna.refresh_token}).status_code
        == 204
    )
    assert env.http.get(ApiPaths.ME, headers=anna.auth).status_code == 401


def test_auth_disabled_user_and_revoked_device(env: ServerEnv) -> None:
    from sync_server import admin
    from sync_server.db import write_transaction

    env.setup_area()
    anna, ben = env.session("anna"), env.session("ben")
    with write_transaction(env.engine) as conn:
        admin.disable_user(conn, "anna")
        admin.revoke_device(conn, ben.device_id)
    for client in (anna, ben):
        response = env.http.get(ApiPaths.PULL, headers=client.auth)
        assert response.status_code == 401, response.text
    # The revoked device's refresh says so (logging in again would not help).
    refresh = env.http.post(
        ApiPaths.REFRESH,
        json={"refresh_token": ben.refresh_token, "device_id": ben.device_id},
    )
    assert refresh.status_code == 403 and refresh.json()["code"] == "device_revoked"
    login = env.http.post(
        ApiPaths.LOGIN, json={"username": "anna", "password": PASSWORD, "device_id": "new"}
    )
    assert login.status_code == 403 and login.json()["code"] == "user_disabled"
    login = env.http.post(
        ApiPaths.LOGIN, json={"username": "ben", "password": PASSWORD, "device_id": ben.device_id}
    )
    assert login.status_code == 403 and login.json()["code"] == "device_revoked"
    # Other users see anna as inactive.
    maria = env.session("maria")
    maria.sync()
    assert maria.rows[("user", env.ids["anna"])]["fields"]["active"] is False


def test_auth_expired_access_token(env: ServerEnv) -> None:
    env.setup_area()
    anna = env.session("anna")
    with env.engine.begin() as conn:
        conn.execute(
            t.access_token.update().values(
                expires_at=sa.func.now() - sa.text("INTERVAL '1 hour'")
                if env.engine.dialect.name == "postgresql"
                else sa.text("'2000-01-01 00:00:00'")
            )
        )
    response = env.http.get(ApiPaths.PULL, headers=anna.auth)
    assert response.status_code == 401 and response.json()["code"] == "token_expired"


def test_auth_failed_logins_are_throttled(env: ServerEnv) -> None:
    env.setup_area()
    for _ in range(5):
        wrong = env.http.post(
            ApiPaths.LOGIN, json={"username": "anna", "password": "nope", "device_id": "d"}
        )
        assert wrong.status_code == 401
    blocked = env.http.post(
        ApiPaths.LOGIN, json={"username": "anna", "password": PASSWORD, "device_id": "d"}
    )
    assert blocked.status_code == 429
    assert "Try again" in blocked.json()["message"] and "Retry-After" in blocked.headers


def test_me_and_territories_per_role(env: ServerEnv) -> None:
    env.setup_area()
    ids = env.ids
    for who, expected in (
        ("anna", [ids["North"]]),
        ("maria", sorted([ids["Central"], ids["North"], ids["South"]])),
    ):
        client = env.session(who)
        me = env.http.get(ApiPaths.ME, headers=client.auth).json()
        assert me["territory_ids"] == expected and me["username"] == who


@pytest.mark.parametrize("bounds", [[0, 2**63], [-(2**63) - 1, 5], [0, 10**30]])
def test_digest_ranges_beyond_a_64_bit_version_are_refused_clearly(
    env: ServerEnv, bounds: list[int]
) -> None:
    """Versions are 64-bit integers in the database: a range bound beyond them is bad
    input (422 naming the field), not a server error."""
    env.setup_area()
    anna = env.login("anna")
    response = anna.http.post(
        ApiPaths.DIGEST, json={"entity": "visit", "ranges": [bounds]}, headers=anna.auth
    )
    assert response.status_code == 422, response.text
    assert "ranges" in response.text
    fine = anna.http.post(
        ApiPaths.DIGEST, json={"entity": "visit", "ranges": [[0, 2**63 - 1]]}, headers=anna.auth
    )
    assert fine.status_code == 200, fine.text
