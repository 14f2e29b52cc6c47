"""The sync engine against the real server app in-process: the sync edge cases by name."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from fieldcrm.protocol import PROTOCOL_HEADER, PROTOCOL_VERSION, ApiPaths
from fieldcrm.store.replica import (
    CURSOR_KEY,
    rejected_changes,
    resolve_conflict,
    resolved_unsent,
)
from fieldcrm.sync import (
    AccessRevoked,
    LoginFailed,
    LoginRequired,
    ProtocolMismatch,
    ServerUnreachable,
    SyncEngine,
    SyncProgress,
    login,
    open_client,
)
from fieldcrm.sync.credentials import FileTokenStore
from sync_server import tables as t
from tests.helpers.sync_harness import (
    PASSWORD,
    SERVER_URL,
    InProcessServer,
    Laptop,
    migrated_server_db,
)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[InProcessServer]:
    srv = InProcessServer(migrated_server_db(tmp_path))
    srv.territory("North", area="Area 1")
    srv.territory("South", area="Area 1")
    srv.user("anna", "rep", territory="North")
    srv.user("ben", "rep", territory="North")
    srv.user("sven", "rep", territory="South")
    srv.user("mia", "manager", area="Area 1")
    yield srv
    srv.close()


def laptop(tmp_path: Path, server: InProcessServer, name: str) -> Laptop:
    return Laptop(tmp_path / name, server, name)


def new_customer(lap: Laptop, name: str = "Acme") -> str:
    return lap.store.create("customer", {"name": name, "status": "active"})


def test_sync_edit_reaches_other_laptop(tmp_path: Path, server: InProcessServer) -> None:
    a, b = laptop(tmp_path, server, "anna"), laptop(tmp_path, server, "ben")
    cid = new_customer(a)
    a.store.create("contact", {"customer_id": cid, "last_name": "Meyer"})
    result = a.sync()
    assert result.ok and result.pushed == 2 and result.pending == 0
    assert b.sync().ok
    row = b.store.get("customer", cid)
    assert row is not None and row["name"] == "Acme"
    assert row["territory_id"] == server.ids["North"]  # set by the server
    assert a.view() == server.view_of("anna")
    assert b.view() == server.view_of("ben")


def test_sync_concurrent_edits_of_different_fields_both_survive(
    tmp_path: Path, server: InProcessServer
) -> None:
    a, b = laptop(tmp_path, server, "anna"), laptop(tmp_path, server, "ben")
    cid = new_customer(a)
    a.sync()
    b.sync()
    a.store.update("customer", cid, {"city": "Kiel"})
    b.store.update("customer", cid, {"phone": "+49 40 1234"})
    a.sync()
    b.sync()
    a.sync()
    for lap in (a, b):
        row = lap.store.get("customer", cid)
        assert row is not None and (row["city"], row["phone"]) == ("Kiel", "+49 40 1234")


def test_sync_same_field_conflict_is_recorded_on_both(
    tmp_path: Path, server: InProcessServer
) -> None:
    a, b = laptop(tmp_path, server, "anna"), laptop(tmp_path, server, "ben")
    cid = new_customer(a)
    a.sync()
    b.sync()
    a.store.update("customer", cid, {"city": "Kiel"})
    b.store.update("customer", cid, {"city": "Lübeck"})  # later stamp: wins
    a.sync()
    result = b.sync()
    assert result.conflicts >= 1
    a.sync()
    for lap in (a, b):
        assert lap.store.get("customer", cid)["city"] == "Lübeck"  # type: ignore[index]
        assert lap.status_conflicts() == 1


def test_sync_delete_never_comes_back(tmp_path: Path, server: InProcessServer) -> None:
    a, b = laptop(tmp_path, server, "anna"), laptop(tmp_path, server, "ben")
    cid = new_customer(a)
    a.sync()
    b.sync()
    a.store.delete("customer", cid)
    b.store.update("customer", cid, {"city": "Kiel"})  # concurrent edit loses to the delete
    a.sync()
    b.sync()
    a.sync()
    assert a.store.get("customer", cid) is None
    assert b.store.get("customer", cid) is None
    assert b.view() == server.view_of("ben")


def test_sync_lost_push_response_is_retried_once(tmp_path: Path, server: InProcessServer) -> None:
    a, b = laptop(tmp_path, server, "anna"), laptop(tmp_path, server, "ben")
    new_customer(a)
    a.transport.lose_next.append("/sync/push")
    result = a.sync()
    assert result.ok and a.transport.lost == 1
    assert a.store.pending_count() == 0
    b.sync()
    assert b.store.counts()["customer"] == 1


def test_sync_lost_pull_response_resumes_from_checkpoint(
    tmp_path: Path, server: InProcessServer
) -> None:
    a, b = laptop(tmp_path, server, "anna"), laptop(tmp_path, server, "ben")
    for n in range(30):
        new_customer(a, f"Customer {n}")
    a.sync()
    b.transport.lose_next.append("/sync/pull")
    phases: list[SyncProgress] = []
    result = b.sync(phases.append, page_limit=7)
    assert result.ok
    assert b.store.counts()["customer"] == 30
    assert {p.phase for p in phases} >= {"pull", "verify", "done"}


def test_sync_server_restart_between_syncs(tmp_path: Path, server: InProcessServer) -> None:
    a = laptop(tmp_path, server, "anna")
    new_customer(a)
    a.sync()
    server.restart()
    new_customer(a, "Second")
    assert a.sync().ok
    assert a.view() == server.view_of("anna")


def test_sync_offline_keeps_changes_queued(tmp_path: Path, server: InProcessServer) -> None:
    a = laptop(tmp_path, server, "anna")
    new_customer(a)
    a.transport.fail_next.extend(["/sync/push"] * 4)
    result = a.sync()
    assert not result.ok and result.offline
    assert result.errors and "Cannot reach the server" in result.errors[0]
    assert a.store.pending_count() == 1
    assert a.sync().ok
    assert a.store.pending_count() == 0


def test_sync_territory_reassignment_moves_customer(
    tmp_path: Path, server: InProcessServer
) -> None:
    north, south = laptop(tmp_path, server, "anna"), laptop(tmp_path, server, "sven")
    manager = laptop(tmp_path, server, "mia")
    cid = new_customer(north)
    contact = north.store.create("contact", {"customer_id": cid, "last_name": "Meyer"})
    north.sync()
    manager.sync()
    north.store.update("contact", contact, {"first_name": "Anna"})  # not pushed yet
    manager.store.update("customer", cid, {"territory_id": server.ids["South"]})
    assert manager.sync().ok
    result = north.sync()
    assert result.ok
    assert north.store.get("customer", cid, include_deleted=True) is None
    assert north.store.get("contact", contact, include_deleted=True) is None
    # The un-pushed edit is reported, not lost: the push comes before the pull, so the
    # server refuses the contact's update (the contact is South's now) and says why; the
    # pull then evicts the customer (its contact with it).
    assert (result.pushed, result.rejected, result.evicted_edits) == (0, 1, 0)
    assert result.evicted >= 1
    assert north.status_rejected() == 1
    with north.store.read() as conn:
        (rejected,) = rejected_changes(conn)
    assert (rejected["entity"], rejected["row_id"], rejected["op"]) == (
        "contact",
        contact,
        "update",
    )
    assert rejected["fields"] == {"first_name": "Anna"}
    # A row outside the rep's territories is answered like an unknown id (no existence
    # oracle); the eviction in the same sync says where it went.
    assert rejected["field"] == "row_id"
    assert "There is no contact with this id" in rejected["reason"]
    assert north.store.pending_count() == 0
    assert south.sync().ok
    moved = south.store.get("customer", cid)
    assert moved is not None and moved["name"] == "Acme"
    assert moved["territory_id"] == server.ids["South"]
    moved_contact = south.store.get("contact", contact)
    assert moved_contact is not None and moved_contact["customer_id"] == cid
    assert moved_contact.get("first_name") != "Anna"  # the evicted edit never reached it
    assert north.view() == server.view_of("anna")
    assert south.view() == server.view_of("sven")


def test_sync_rejected_change_does_not_block_later_ones(
    tmp_path: Path, server: InProcessServer
) -> None:
    a = laptop(tmp_path, server, "anna")
    a.sync()
    # Territories are changed by administrators only: the server rejects this edit.
    a.store.update("territory", server.ids["North"], {"name": "My North"})
    cid = new_customer(a, "After")
    result = a.sync()
    assert result.ok and result.rejected == 1 and result.pushed == 1
    assert a.status_rejected() == 1
    assert a.store.get("customer", cid) is not None
    # The local row was restored to the server's state by the full resync.
    assert a.store.get("territory", server.ids["North"])["name"] == "North"  # type: ignore[index]
    assert a.view() == server.view_of("anna")


def test_sync_expired_access_token_is_refreshed(tmp_path: Path, server: InProcessServer) -> None:
    a = laptop(tmp_path, server, "anna")
    new_customer(a)
    assert a.sync().ok
    old = a.tokens.load()
    with server.engine.begin() as conn:
        conn.execute(
            t.access_token.update().values(expires_at=datetime.now(UTC) - timedelta(minutes=1))
        )
    new_customer(a, "After expiry")
    result = a.sync()
    assert result.ok and result.pushed == 1
    assert a.tokens.load() != old  # refreshed once, and refresh tokens rotate


def test_sync_lost_refresh_answer_keeps_the_session(
    tmp_path: Path, server: InProcessServer
) -> None:
    a = laptop(tmp_path, server, "anna")
    assert a.sync().ok
    with server.engine.begin() as conn:
        conn.execute(
            t.access_token.update().values(expires_at=datetime.now(UTC) - timedelta(minutes=1))
        )
    # The server rotates the refresh token, but its answer never reaches the laptop.
    server.transport.lose_next.append("/auth/refresh")
    new_customer(a, "After a lost refresh")
    result = a.sync()
    assert result.ok and result.pushed == 1
    assert server.transport.lost == 1
    # Still the same login: the laptop syncs again without signing in.
    new_customer(a, "Next day")
    assert a.sync().ok


def test_sync_revoked_device_stops_with_clear_error(
    tmp_path: Path, server: InProcessServer
) -> None:
    a = laptop(tmp_path, server, "anna")
    a.sync()
    server.revoke_device(a.store.device_id)
    with pytest.raises((AccessRevoked, LoginRequired)) as info:
        a.sync()
    assert "revoked" in info.value.message
    with pytest.raises(AccessRevoked):
        a.login()


def test_login_wrong_password(tmp_path: Path, server: InProcessServer) -> None:
    a = Laptop(tmp_path / "x", server, "anna", login_now=False)
    with pytest.raises(LoginFailed):
        login(
            a.store,
            SERVER_URL,
            "anna",
            PASSWORD + "x",
            transport=a.transport,
            token_store=FileTokenStore(tmp_path / "t"),
        )
    assert a.store.meta(CURSOR_KEY) is None


def test_first_sync_resumes_from_checkpoint_after_interruption(
    tmp_path: Path, server: InProcessServer
) -> None:
    a, b = laptop(tmp_path, server, "anna"), laptop(tmp_path, server, "ben")
    for n in range(25):
        new_customer(a, f"Customer {n}")
    a.sync()
    # Pages 1 and 2 arrive, then the network goes away for good during this run.
    seen: list[str | None] = []

    def stop_after_two(p: SyncProgress) -> None:
        seen.append(b.store.meta(CURSOR_KEY))
        if p.phase == "pull" and p.done >= 10:
            b.transport.fail_next.extend(["/sync/pull"] * 10)

    result = b.sync(stop_after_two, page_limit=5)
    assert not result.ok
    cursor = b.store.meta(CURSOR_KEY)
    assert cursor is not None
    partial = b.store.counts()["customer"]
    assert 0 < partial < 25
    b.transport.fail_next.clear()
    resumed = b.sync(page_limit=5)
    assert resumed.ok
    assert resumed.pulled == 25 - partial  # only what was missing came again
    assert b.store.counts()["customer"] == 25


def test_verification_repairs_a_lost_and_an_extra_row_keeping_pending_edits(
    tmp_path: Path, server: InProcessServer
) -> None:
    a, b = laptop(tmp_path, server, "anna"), laptop(tmp_path, server, "ben")
    lost, edited = new_customer(a, "Lost"), new_customer(a, "Edited")
    a.sync()
    b.sync()
    # B's store loses a customer and gains a contact the server never had (e.g. a restored
    # backup), neither through the outbox; B also has an edit that is not pushed yet.
    # Digests of the row versions find both; only the two rows are fetched or evicted.
    with b.store.write() as uow:
        uow.connection.exec_driver_sql("DELETE FROM customer WHERE id = ?", (lost,))
        uow.connection.exec_driver_sql(
            "INSERT INTO contact (id, customer_id, last_name, stamps, deleted) "
            "VALUES ('01900000-0000-7000-8000-000000000001', ?, 'Ghost', '{}', 0)",
            (edited,),
        )
    b.store.update("customer", edited, {"city": "Kiel"})
    # Nothing new on the server: only verification can notice.
    result = b.sync(verify=True)
    assert result.ok and not result.full_resync
    assert result.repaired == 2
    assert b.store.get("customer", lost) is not None
    assert b.store.get("contact", "01900000-0000-7000-8000-000000000001") is None
    assert b.store.get("customer", edited)["city"] == "Kiel"  # type: ignore[index]
    assert b.view() == server.view_of("ben")


def test_a_scope_change_counts_every_record_that_left_the_laptop(
    tmp_path: Path, server: InProcessServer
) -> None:
    """A rep moved to another territory: the customers that left take their contacts,
    visits and notes with them, and the sync's counts say so entity by entity."""
    a = laptop(tmp_path, server, "anna")
    assert a.sync().ok  # the users arrive (a note's author must be one)
    cid = new_customer(a)
    a.store.create("contact", {"customer_id": cid, "last_name": "Meyer"})
    a.store.create("contact", {"customer_id": cid, "last_name": "Kurz"})
    a.store.create("note", {"customer_id": cid, "author_id": a.user_id, "text": "Call back"})
    assert a.sync().ok
    server.admin_update("user", server.ids["anna"], {"territory_id": server.ids["South"]})

    result = a.sync()

    assert result.ok
    assert a.view() == server.view_of("anna")
    change = result.scope_change
    assert change is not None and change.territory_after == "South"
    # North's territory row, ben and the customer with its two contacts and note left.
    assert change.removed == {"territory": 1, "user": 1, "customer": 1, "contact": 2, "note": 1}
    assert result.evicted == 6


def test_sync_protocol_mismatch_stops_with_clear_error(
    tmp_path: Path, server: InProcessServer
) -> None:
    a = laptop(tmp_path, server, "anna")

    class OtherProtocol(httpx.BaseTransport):
        """A client of another protocol version (the header says 999)."""

        def __init__(self, inner: httpx.BaseTransport) -> None:
            self.inner = inner

        def handle_request(self, request: httpx.Request) -> httpx.Response:
            request.headers[PROTOCOL_HEADER] = "999"
            return self.inner.handle_request(request)

    client = open_client(a.store, OtherProtocol(a.transport), token_store=a.tokens)
    with client, pytest.raises(ProtocolMismatch) as info:
        SyncEngine(a.store, client).sync()
    assert "Update FieldCRM" in info.value.message
    assert a.store.meta(CURSOR_KEY) is None  # no partial data


def test_a_laptop_of_protocol_4_gets_426_and_keeps_its_data_and_changes(
    tmp_path: Path, server: InProcessServer
) -> None:
    """A laptop that synced with the app before positional pages (protocol 4) meets a
    server of protocol 5: every request is refused with 426 and a message that says what
    to do; what it holds and the changes it has not sent stay as they are."""
    a = laptop(tmp_path, server, "anna")
    kept = new_customer(a, "Bäckerei vor dem Update")
    assert a.sync().pushed == 1
    a.store.update("customer", kept, {"phone": "+49 30 1234567"})
    cursor, pending = a.store.meta(CURSOR_KEY), a.store.pending_count()
    assert PROTOCOL_VERSION == 5

    class OldApp(httpx.BaseTransport):
        """What the app of protocol 4 sends."""

        def __init__(self, inner: httpx.BaseTransport) -> None:
            self.inner = inner
            self.statuses: list[int] = []

        def handle_request(self, request: httpx.Request) -> httpx.Response:
            request.headers[PROTOCOL_HEADER] = "4"
            response = self.inner.handle_request(request)
            self.statuses.append(response.status_code)
            return response

    old = OldApp(a.transport)
    client = open_client(a.store, old, token_store=a.tokens)
    with client, pytest.raises(ProtocolMismatch) as info:
        SyncEngine(a.store, client).sync()
    assert old.statuses == [426]
    assert "Update FieldCRM or ask IT" in info.value.message
    assert "speaks sync protocol '4'; the server speaks protocol 5" in info.value.message
    assert a.store.meta(CURSOR_KEY) == cursor
    assert a.store.pending_count() == pending == 1
    row = a.store.get("customer", kept)
    assert row is not None and row["phone"] == "+49 30 1234567"


def test_a_first_sync_right_after_login_is_one_request(
    tmp_path: Path, server: InProcessServer
) -> None:
    """The access token of the login goes to the next client of the profile: the first
    sync does not ask for one again. A later client (the app started again) refreshes."""
    a = laptop(tmp_path, server, "anna")
    new_customer(a)
    assert a.sync().pushed == 1
    b = laptop(tmp_path, server, "ben")
    paths: list[str] = []

    class Recording(httpx.BaseTransport):
        def handle_request(self, request: httpx.Request) -> httpx.Response:
            paths.append(request.url.path)
            return b.transport.handle_request(request)

    with open_client(b.store, Recording(), token_store=b.tokens) as client:
        result = SyncEngine(b.store, client).sync()
    assert result.ok and result.pulled > 0
    assert paths == [ApiPaths.PULL], paths
    assert result.requests == 1
    paths.clear()
    with open_client(b.store, Recording(), token_store=b.tokens) as client:
        assert SyncEngine(b.store, client).sync().ok
    assert paths[0] == ApiPaths.REFRESH, paths


def test_token_file_is_private_and_warned_about_once(
    tmp_path: Path, server: InProcessServer, caplog: pytest.LogCaptureFixture
) -> None:
    a = Laptop(tmp_path / "a", server, "anna", login_now=False)
    tokens = FileTokenStore(tmp_path / "a" / "session.token")
    with caplog.at_level("WARNING", logger="fieldcrm.sync"):
        login(a.store, SERVER_URL, "anna", PASSWORD, transport=a.transport, token_store=tokens)
        a.tokens = tokens
        a.sync()
        a.sync()
    assert tokens.path.stat().st_mode & 0o777 == 0o600
    warnings = [r for r in caplog.records if "No system keyring" in r.getMessage()]
    assert len(warnings) == 1


def test_sync_offline_raises_by_default_with_what_was_done(
    tmp_path: Path, server: InProcessServer
) -> None:
    """The desktop app runs the engine with its defaults: offline is an exception."""
    a = laptop(tmp_path, server, "anna")
    new_customer(a)
    client = open_client(
        a.store, a.transport, token_store=a.tokens, sleep=lambda _s: None, max_attempts=2
    )
    a.transport.fail_next.extend(["/sync/pull"] * 2)
    with client, pytest.raises(ServerUnreachable) as info:
        SyncEngine(a.store, client).sync()
    assert info.value.result.pushed == 1  # the push went through before the pull failed
    assert not info.value.result.ok and info.value.result.offline
    assert a.store.pending_count() == 0


def test_sync_resolved_conflict_reaches_the_server_and_other_laptops(
    tmp_path: Path, server: InProcessServer
) -> None:
    a, b = laptop(tmp_path, server, "anna"), laptop(tmp_path, server, "ben")
    cid = new_customer(a)
    a.sync()
    b.sync()
    a.store.update("customer", cid, {"city": "Kiel"})
    b.store.update("customer", cid, {"city": "Lübeck"})
    a.sync()
    b.sync()
    a.sync()
    with a.store.read() as conn:
        (conflict_id,) = conn.exec_driver_sql("SELECT id FROM conflict").scalars()
    # Keep mine: a normal edit, then mark the conflict resolved.
    a.store.update("customer", cid, {"city": "Kiel"})
    assert resolve_conflict(a.store, conflict_id)
    assert a.sync().ok
    with a.store.read() as conn:
        assert resolved_unsent(conn) == []
    b.sync()
    assert b.status_conflicts() == 0
    assert b.store.get("customer", cid)["city"] == "Kiel"  # type: ignore[index]
