"""Feedback and connections between people, end to end through a real ``serve`` process."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from fieldcrm.reports.team import team_overview
from fieldcrm.store import Store
from fieldcrm.store.feedback import add_feedback, thread, unread_feedback
from fieldcrm.sync import SyncEngine, login, open_client
from fieldcrm.sync.credentials import FileTokenStore
from sync_server import admin
from sync_server.db import make_engine, write_transaction
from tests.helpers.realserver import PASSWORD, RealServer

pytestmark = pytest.mark.slow


@dataclass
class Laptop:
    store: Store
    tokens: FileTokenStore
    user_id: str

    def sync(self) -> None:
        client = open_client(self.store, token_store=self.tokens)
        try:
            result = SyncEngine(self.store, client).sync()
        finally:
            client.close()
        assert result.ok, result


@pytest.fixture
def server(tmp_path: Path) -> Iterator[RealServer]:
    server = RealServer(tmp_path / "server")
    engine = make_engine(server.db_url)
    with write_transaction(engine) as conn:
        admin.add_territory(conn, "North", "Central")
        admin.add_territory(conn, "South", "Central")
        admin.add_user(conn, "anna", "rep", PASSWORD, territory="North")
        admin.add_user(conn, "nils", "rep", PASSWORD, territory="North")
        admin.add_user(conn, "sven", "rep", PASSWORD, territory="South")
        admin.add_user(conn, "maria", "manager", PASSWORD, area="Central")
    engine.dispose()
    server.start()
    try:
        yield server
    finally:
        server.stop()


def laptop(tmp_path: Path, server: RealServer, username: str) -> Laptop:
    folder = tmp_path / username
    folder.mkdir()
    store = Store(folder / "fieldcrm.db")
    tokens = FileTokenStore(folder / "session.token")
    user = login(store, server.url, username, PASSWORD, token_store=tokens)
    return Laptop(store, tokens, user.id)


def _north_visit(anna: Laptop) -> tuple[str, str]:
    anna.sync()  # territories and users first
    with anna.store.read() as conn:
        north = conn.exec_driver_sql("SELECT id FROM territory WHERE name = 'North'").scalar_one()
    customer = anna.store.create(
        "customer",
        {"name": "Autohaus Nord", "territory_id": north, "owner_id": anna.user_id},
    )
    contact = anna.store.create("contact", {"customer_id": customer, "last_name": "Petersen"})
    visit = anna.store.create(
        "visit",
        {
            "customer_id": customer,
            "rep_id": anna.user_id,
            "status": "done",
            "planned_start": "2026-11-20T09:00:00Z",
            "report": "Fleet renewal discussed.",
            "attendee_ids": [contact],
        },
    )
    anna.sync()
    return customer, visit


def test_feedback_round_trip_and_scope(tmp_path: Path, server: RealServer) -> None:
    anna = laptop(tmp_path, server, "anna")
    maria = laptop(tmp_path, server, "maria")
    sven = laptop(tmp_path, server, "sven")
    _customer, visit = _north_visit(anna)

    maria.sync()
    comment = add_feedback(maria.store, visit, maria.user_id, "Please add the fleet size.")
    maria.sync()

    anna.sync()
    with anna.store.read() as conn:
        assert [i.id for i in unread_feedback(conn, anna.user_id)] == [comment]
    reply = add_feedback(anna.store, visit, anna.user_id, "42 vans, renewal in March.")
    anna.sync()

    maria.sync()
    with maria.store.read() as conn:
        items = thread(conn, visit)
        assert [(i.id, i.author_id) for i in items] == [
            (comment, maria.user_id),
            (reply, anna.user_id),
        ]
        assert [i.id for i in unread_feedback(conn, maria.user_id)] == [reply]

    sven.sync()
    assert sven.store.counts()["comment"] == 0
    assert sven.store.counts()["visit"] == 0


def test_manager_sees_how_fresh_each_reps_data_is(tmp_path: Path, server: RealServer) -> None:
    anna = laptop(tmp_path, server, "anna")
    maria = laptop(tmp_path, server, "maria")
    sven = laptop(tmp_path, server, "sven")
    anna.sync()
    maria.sync()
    with maria.store.read() as conn:
        reps = {r.name: r for t in team_overview(conn, date.today()) for r in t.reps}
    # Anna synced before Maria; Sven and Nils never did. ("name" is the user name here.)
    assert reps["anna"].last_sync_at is not None
    assert reps["sven"].last_sync_at is None
    sven.sync()
    anna.sync()
    # A rep is not told when others synced; only managers and admins are.
    assert anna.store.meta("team_last_sync") is None
    maria.sync()
    with maria.store.read() as conn:
        reps = {r.name: r for t in team_overview(conn, date.today()) for r in t.reps}
    assert reps["sven"].last_sync_at is not None


def test_connection_seen_by_teammate_and_manager_not_other_territory(
    tmp_path: Path, server: RealServer
) -> None:
    anna = laptop(tmp_path, server, "anna")
    customer, _visit = _north_visit(anna)
    with anna.store.read() as conn:
        contact = conn.exec_driver_sql("SELECT id FROM contact").scalar_one()
    connection = anna.store.create(
        "connection",
        {
            "customer_id": customer,
            "contact_id": contact,
            "user_id": anna.user_id,
            "strength": 4,
            "since": "2019-03-01",
            "note": "Studied together",
        },
    )
    anna.sync()
    for name, sees in (("nils", True), ("maria", True), ("sven", False)):
        other = laptop(tmp_path, server, name)
        other.sync()
        row = other.store.get("connection", connection)
        if sees:
            assert row is not None, name
            assert (row["user_id"], row["strength"], row["note"]) == (
                anna.user_id,
                4,
                "Studied together",
            )
        else:
            assert row is None, name
            assert other.store.counts()["connection"] == 0
