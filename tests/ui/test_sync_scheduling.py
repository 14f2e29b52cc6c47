"""When the app syncs: edits made while a sync runs are sent right after it."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from pytestqt.qtbot import QtBot

from fieldcrm.store import Store
from fieldcrm.ui.sync import SyncController
from fieldcrm.ui.tasks import TaskRunner


class SlowBackend:
    """Each sync waits until the test lets it finish (a run waiting for the server)."""

    def __init__(self) -> None:
        self.calls = 0
        self.release = threading.Event()

    def login(self, server_url: str, username: str, password: str) -> dict[str, Any]:
        raise NotImplementedError

    def fetch_attachment(self, server_url: str, attachment_id: str) -> Path:
        raise NotImplementedError

    def sync(self, server_url: str, progress: Any) -> dict[str, int]:
        self.calls += 1
        assert self.release.wait(20)
        return {"pending": 0}


def test_an_edit_made_during_a_run_that_came_back_online_is_sent_right_after(
    tmp_path: Path, qtbot: QtBot
) -> None:
    store = Store(tmp_path / "fieldcrm.db")
    db = TaskRunner("db")
    backend = SlowBackend()
    controller = SyncController(
        store, db, backend, lambda: "http://127.0.0.1:9", interval_minutes=60, after_edit_ms=60_000
    )
    try:
        # The last attempt found the server down; the retry now waits for it to come back.
        controller.state.online = False
        controller.start()
        qtbot.waitUntil(lambda: backend.calls == 1)
        controller.note_edit()  # the rep saves a note meanwhile
        backend.release.set()  # the server is back; the run that read the outbox ends
        qtbot.waitUntil(lambda: backend.calls == 2, timeout=5_000)
        qtbot.waitUntil(lambda: not controller.state.syncing)
        assert controller.state.online is True
    finally:
        backend.release.set()
        controller.shutdown()
        db.shutdown()
        store.close()


def test_no_extra_run_without_an_edit(tmp_path: Path, qtbot: QtBot) -> None:
    store = Store(tmp_path / "fieldcrm.db")
    db = TaskRunner("db")
    backend = SlowBackend()
    backend.release.set()
    controller = SyncController(
        store, db, backend, lambda: "http://127.0.0.1:9", interval_minutes=60, after_edit_ms=60_000
    )
    try:
        with qtbot.waitSignal(controller.synced, timeout=5_000):
            controller.start()
        qtbot.wait(300)
        assert backend.calls == 1
    finally:
        controller.shutdown()
        db.shutdown()
        store.close()


def test_closing_while_a_sync_waits_to_retry_stops_it_instead_of_waiting(
    tmp_path: Path, qtbot: QtBot
) -> None:
    """The server does not answer and the run waits before each retry; the rep closes the
    app. The run ends at once (its retry budget is not used up), and shows no error."""
    from fieldcrm.ui.sync import EngineBackend
    from tests.helpers.sync_harness import SERVER_URL, InProcessServer, Laptop, migrated_server_db

    server = InProcessServer(migrated_server_db(tmp_path))
    server.territory("North", area="Area 1")
    server.user("anna", "rep", territory="North")
    laptop = Laptop(tmp_path / "anna", server, "anna")
    assert laptop.sync().ok
    laptop.close()
    store = laptop.store
    db = TaskRunner("db")
    controller = SyncController(
        store,
        db,
        EngineBackend(store, transport=server.transport),
        lambda: SERVER_URL,
        interval_minutes=60,
        after_edit_ms=60_000,
    )
    failures = server.transport.fail_next
    failures.extend(["/sync/pull"] * 20)  # the server is unreachable for a long while
    try:
        controller.sync_now()
        qtbot.waitUntil(lambda: len(failures) <= 18, timeout=10_000)  # waiting to retry
        controller.shutdown()
        # Six attempts were allowed; the run stopped after two or three.
        assert len(failures) >= 17
        assert controller.state.error is None
    finally:
        controller.shutdown()
        db.shutdown()
        store.close()
        server.close()
