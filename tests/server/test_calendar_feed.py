"""The private calendar subscription: made and revoked from the app and the command line,
404 after revoke, only the user's own planned visits, never another user's."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import icalendar
import pytest
import sqlalchemy as sa
import vobject

from fieldcrm.domain.calendar_feed import visit_uid
from fieldcrm.protocol import ApiPaths
from sync_server import tables as t
from sync_server.cli import main as server_main
from tests.helpers.server_env import Client, ServerEnv, customer_fields


def soon(days: int, hour: int = 9) -> str:
    day = datetime.now(UTC).date() + timedelta(days=days)
    return f"{day.isoformat()}T{hour:02d}:00:00Z"


def plan(client: Client, customer_id: str, rep_id: str, start: str, **extra: object) -> str:
    row_id, result = client.create(
        "visit",
        {
            "customer_id": customer_id,
            "rep_id": rep_id,
            "status": "planned",
            "planned_start": start,
            **extra,
        },
    )
    assert result["status"] == "applied", result
    return row_id


def subscribe(env: ServerEnv, client: Client, zone: str = "Europe/Berlin") -> str:
    response = env.http.post(
        ApiPaths.CALENDAR_SUBSCRIPTION, json={"time_zone": zone}, headers=client.auth
    )
    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "no-store"
    path: str = response.json()["path"]
    assert path.startswith("/calendar/") and path.endswith(".ics")
    return path


def feed_uids(env: ServerEnv, path: str) -> set[str]:
    # A calendar program sends no protocol header and no login.
    response = env.http.get(path, headers={"X-FieldCRM-Protocol": ""})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/calendar")
    parsed = icalendar.Calendar.from_ical(response.content)
    uids = {str(e["uid"]) for e in parsed.walk("VEVENT")}
    if uids:  # the second parser reads the same events
        other = vobject.readOne(response.text)
        assert {e.uid.value for e in other.vevent_list} == uids
    return uids


def test_feed_holds_only_the_users_own_planned_visits(env: ServerEnv) -> None:
    env.setup_area()
    anna, maria, ben = env.session("anna"), env.session("maria"), env.session("ben")
    north, _ = anna.create("customer", customer_fields("Nord GmbH"))
    south, _ = ben.create("customer", customer_fields("Süd AG"))
    mine = plan(anna, north, anna.user_id, soon(2))
    later = plan(anna, north, anna.user_id, soon(40))
    plan(anna, north, anna.user_id, soon(-60))  # long past
    done = plan(anna, north, anna.user_id, soon(3))
    anna.push(anna.entry("visit", "update", done, {"status": "done"}))
    gone = plan(anna, north, anna.user_id, soon(4))
    anna.push(anna.entry("visit", "delete", gone))
    # the manager plans a visit of anna's customer for herself: not in anna's calendar
    managers = plan(maria, north, maria.user_id, soon(5))
    plan(ben, south, ben.user_id, soon(2))

    path = subscribe(env, anna)
    assert feed_uids(env, path) == {visit_uid(mine), visit_uid(later)}
    assert feed_uids(env, subscribe(env, maria)) == {visit_uid(managers)}


def test_revoked_and_replaced_addresses_answer_404(env: ServerEnv) -> None:
    env.setup_area()
    anna = env.session("anna")
    customer, _ = anna.create("customer", customer_fields())
    plan(anna, customer, anna.user_id, soon(1))
    first = subscribe(env, anna)
    second = subscribe(env, anna)
    assert env.http.get(first).status_code == 404  # made anew: the old address stops
    assert len(feed_uids(env, second)) == 1
    response = env.http.delete(ApiPaths.CALENDAR_SUBSCRIPTION, headers=anna.auth)
    assert response.status_code == 204
    missing = env.http.get(second)
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"
    assert env.http.get("/calendar/not-a-token-at-all-but-long.ics").status_code == 404


def test_token_is_stored_hashed_and_a_disabled_user_gets_nothing(env: ServerEnv) -> None:
    env.setup_area()
    anna = env.session("anna")
    path = subscribe(env, anna)
    token = path.removeprefix("/calendar/").removesuffix(".ics")
    with env.engine.connect() as conn:
        stored = conn.execute(sa.select(t.calendar_token)).all()
    assert len(stored) == 1 and token not in str(stored[0])
    assert server_main(["user", "disable", "anna", "--db", env.url]) == 0
    assert env.http.get(path).status_code == 404


def test_unknown_time_zone_is_refused(env: ServerEnv) -> None:
    env.setup_area()
    anna = env.session("anna")
    for name in ("Mars/Olympus", "Europe", "../etc"):  # "Europe" is a folder of zones
        response = env.http.post(
            ApiPaths.CALENDAR_SUBSCRIPTION, json={"time_zone": name}, headers=anna.auth
        )
        assert response.status_code == 422 and "Europe/Berlin" in response.json()["message"]
    assert env.http.post(ApiPaths.CALENDAR_SUBSCRIPTION, json={}).status_code == 401


def test_server_command_makes_and_revokes(
    env: ServerEnv, capsys: pytest.CaptureFixture[str]
) -> None:
    env.setup_area()
    anna = env.session("anna")
    customer, _ = anna.create("customer", customer_fields())
    visit = plan(anna, customer, anna.user_id, soon(1))
    args = ["calendar", "new", "anna", "--timezone", "Europe/Berlin", "--db", env.url]
    assert server_main([*args, "--url", "https://crm.example.com/"]) == 0
    url = capsys.readouterr().out.strip().splitlines()[-1]
    assert url.startswith("https://crm.example.com/calendar/")
    path = url.removeprefix("https://crm.example.com")
    assert feed_uids(env, path) == {visit_uid(visit)}
    assert server_main(["calendar", "revoke", "anna", "--db", env.url]) == 0
    assert "404" in capsys.readouterr().out
    assert env.http.get(path).status_code == 404
    assert server_main(["calendar", "revoke", "nobody", "--db", env.url]) == 1
    assert "no user 'nobody'" in capsys.readouterr().err
    with env.engine.connect() as conn:
        actions = conn.execute(sa.select(t.audit_log.c.action)).scalars().all()
    assert "calendar.new" in actions and "calendar.revoke" in actions
