"""Every workflow with the server stopped: the app works, shows offline and what waits,
and sends it all by itself when the server is back.

The rep signs in and syncs against a real sync server (uvicorn subprocess), the server is
stopped, and the workflows of ``test_workflows`` run again through the widgets on that
laptop. Each checks its database rows; this test adds what the status bar says and that
the server holds the offline work after it comes back.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from pytestqt.qtbot import QtBot

from fieldcrm.app import EVERYTHING
from fieldcrm.store import tables as t
from fieldcrm.ui.demo import DEMO_PASSWORD, DEMO_USER, demo_server, free_port
from fieldcrm.ui.mainwindow import MainWindow
from tests.helpers import workflows
from tests.helpers.qt import settle

pytestmark = pytest.mark.slow


def _local_ids(window: MainWindow, table: sa.Table) -> set[str]:
    with window.store.read() as conn:
        return {str(i) for i in conn.scalars(sa.select(table.c.id))}


def _server_ids(server_folder: Path, entity: str) -> set[str]:
    [database] = server_folder.glob("*.db")
    with sqlite3.connect(database) as conn:
        return {
            row_id
            for (row_id,) in conn.execute(
                "SELECT id FROM record WHERE entity = ? AND deleted = 0", (entity,)
            )
        }


def test_every_workflow_works_with_the_server_stopped(
    tmp_path: Path, make_window: Callable[..., MainWindow], qtbot: QtBot
) -> None:
    server_folder = tmp_path / "server"
    server_folder.mkdir()
    port = free_port()
    with demo_server(server_folder, port) as url:
        window = make_window({"server_url": url}, after_edit_ms=200, offline_retry_ms=500)
        with qtbot.waitSignal(window.sync.synced, timeout=120_000):
            window.auto_login(url, DEMO_USER, DEMO_PASSWORD)
    settle(qtbot, window)
    before = {table.name: _local_ids(window, table) for table in (t.customer, t.visit, t.note)}

    # The server is stopped. The app finds out on its next attempt and says so.
    window.sync.sync_now()
    qtbot.waitUntil(lambda: window.sync.state.online is False, timeout=60_000)
    assert window.online_label.text() == "● Offline"

    with window.store.read() as conn:
        customers = [
            str(i)
            for i in conn.scalars(
                sa.select(t.customer.c.id)
                .where(t.customer.c.deleted.is_(False), t.customer.c.owner_id == window.ctx.user_id)
                .order_by(t.customer.c.name)
            )
        ]
    user = window.store.get("user", str(window.ctx.user_id))
    assert user is not None
    rep: dict[str, Any] = {**user, "customers": customers}
    for workflow, args in (
        (workflows.create_customer_shows_validation_next_to_field, ()),
        (workflows.plan_visit_check_in_out_and_report_with_followup, ()),
        (workflows.check_in_and_out_from_the_visit_list, ()),
        (workflows.note_contact_and_followup_from_customer_detail, ()),
        (workflows.resolve_conflict_keep_mine_take_theirs_edit, (rep,)),
        (workflows.fix_rejected_change_and_discard, (rep,)),
    ):
        # Each workflow starts as it does on its own: no rejected change listed yet (the
        # sample sync outcome of the conflict workflow records one as well).
        with window.store.write() as uow:
            uow.connection.execute(t.rejected_change.delete())
        window.ctx.data_changed.emit(EVERYTHING)
        settle(qtbot, window)
        # Shortcuts go to the active window; a closed dialog may leave none active here.
        window.activateWindow()
        qtbot.waitUntil(window.isActiveWindow)
        workflow(window, qtbot, *args)

    # Still offline, and the status bar counts what waits to be sent.
    pending = window.store.pending_count()
    assert pending > 0
    qtbot.waitUntil(lambda: window.sync.state.pending == pending, timeout=10_000)
    assert window.online_label.text() == "● Offline"
    assert window.pending_label.text() == f"{pending} changes to send"
    created = {
        table.name: _local_ids(window, table) - before[table.name]
        for table in (t.customer, t.visit, t.note)
    }
    assert all(created.values()), created

    # The server is back on the same address: the app sends everything without being asked.
    with demo_server(server_folder, port):
        qtbot.waitUntil(
            lambda: window.sync.state.online is True and window.sync.state.pending == 0,
            timeout=120_000,
        )
        for entity, ids in created.items():
            assert ids <= _server_ids(server_folder, entity), entity
    assert window.online_label.text() == "● Online"
    assert window.pending_label.text() == "0 changes to send"
