"""``fieldcrm calendar subscribe`` against a real server process: the printed address
serves the rep's planned visits to a client without login; ``unsubscribe`` makes it 404."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import icalendar
import pytest

from fieldcrm.domain.calendar_feed import visit_uid
from fieldcrm.profile import database_path
from fieldcrm.store import Store
from fieldcrm.store.replica import USER_ID_KEY
from tests.helpers.realserver import PASSWORD, RealServer, fieldcrm

pytestmark = pytest.mark.slow


@pytest.fixture
def server(tmp_path: Path) -> Iterator[RealServer]:
    srv = RealServer(tmp_path / "server")
    srv.setup_area()
    srv.start()
    try:
        yield srv
    finally:
        srv.stop()


def test_subscribe_prints_an_address_that_follows_the_visits(
    server: RealServer, tmp_path: Path
) -> None:
    profile = tmp_path / "anna"
    login = fieldcrm(profile, "login", "--server", server.url, "--user", "anna", stdin=PASSWORD)
    assert login.returncode == 0, login.stderr
    assert fieldcrm(profile, "sync", "--quiet").returncode == 0
    store = Store(database_path(profile))
    rep = store.meta(USER_ID_KEY)
    assert rep
    cid = store.create("customer", {"name": "Kunde Nord", "status": "active"})
    start = (datetime.now(UTC) + timedelta(days=3)).replace(microsecond=0)
    vid = store.create(
        "visit",
        {"customer_id": cid, "rep_id": rep, "status": "planned", "planned_start": start},
    )
    store.close()
    assert fieldcrm(profile, "sync", "--quiet").returncode == 0

    subscribe = fieldcrm(profile, "calendar", "subscribe", "--timezone", "Europe/Berlin")
    assert subscribe.returncode == 0, subscribe.stderr
    url = subscribe.stdout.strip().splitlines()[-1]
    assert url.startswith(f"{server.url}/calendar/") and url.endswith(".ics")

    answer = httpx.get(url, timeout=30)  # a calendar program: no login, no protocol header
    assert answer.status_code == 200
    events = icalendar.Calendar.from_ical(answer.content).walk("VEVENT")
    assert [str(e["uid"]) for e in events] == [visit_uid(vid)]
    assert str(events[0]["summary"]) == "Kunde Nord"

    unsubscribe = fieldcrm(profile, "calendar", "unsubscribe")
    assert unsubscribe.returncode == 0, unsubscribe.stderr
    assert httpx.get(url, timeout=30).status_code == 404
    log = server.log.read_text(encoding="utf-8")
    assert url.rsplit("/", 1)[1] not in log  # the secret never reaches the server's log


def test_subscribe_without_login_says_so(tmp_path: Path) -> None:
    result = fieldcrm(tmp_path / "nobody", "calendar", "subscribe")
    assert result.returncode == 3
    assert "fieldcrm login" in result.stderr
