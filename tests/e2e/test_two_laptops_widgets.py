"""One rep, two laptops, a real server: signed in by the command line, feedback read on
one laptop is read on the other, and a person declares knowing a contact only once."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import shiboken6
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QDialogButtonBox
from pytestqt.qtbot import QtBot

from fieldcrm.store.feedback import unread_feedback
from fieldcrm.ui import i18n
from fieldcrm.ui.app import open_main_window
from fieldcrm.ui.connection_dialogs import ConnectionDialog
from fieldcrm.ui.demo import DEMO_PASSWORD, DEMO_USER, demo_server
from fieldcrm.ui.mainwindow import MainWindow

pytestmark = [
    pytest.mark.slow,
    pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints"),
]
ROOT = Path(__file__).resolve().parents[2]
FIELDCRM = (sys.executable, "-m", "fieldcrm")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with demo_server(tmp_path_factory.mktemp("server")) as url:
        yield url


def cli_login(profile: Path, url: str) -> None:
    """``fieldcrm login`` as a process, the password on standard input."""
    result = subprocess.run(
        [*FIELDCRM, "--profile", str(profile), "login", "--server", url, "--user", DEMO_USER],
        input=DEMO_PASSWORD + "\n",
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr


@pytest.fixture
def laptops(tmp_path: Path, qtbot: QtBot, server: str) -> Iterator[list[MainWindow]]:
    windows: list[MainWindow] = []
    for name in ("laptop-a", "laptop-b"):
        profile = tmp_path / name
        cli_login(profile, server)
        translations = i18n.Translations()
        translations.install("en")
        policy = QSettings(str(tmp_path / f"{name}-policy.ini"), QSettings.Format.IniFormat)
        # No server address given anywhere: the profile's sign-in must be enough.
        window = open_main_window(
            profile, {"language": "en"}, policy=policy, translations=translations
        )
        window.resize(1100, 700)
        window.show()
        qtbot.waitExposed(window)
        windows.append(window)
    yield windows
    for window in windows:
        window.detail.form.mark_clean()
        window.close()
        window.sync.shutdown()
        window.db.shutdown()
        window.store.close()
        window.deleteLater()


def start_and_sync(window: MainWindow, qtbot: QtBot) -> None:
    with qtbot.waitSignal(window.sync.synced, timeout=180_000) as synced:
        window.start()
    assert synced.args[0].ok, synced.args[0]


def sync(window: MainWindow, qtbot: QtBot) -> Any:
    with qtbot.waitSignal(window.sync.synced, timeout=120_000) as synced:
        window.sync.sync_now()
    return synced.args[0]


def none_left(count: int) -> bool:
    return count == 0


def unread(window: MainWindow) -> int:
    with window.store.read() as conn:
        return len(unread_feedback(conn, window.ctx.user_id or ""))


def test_signed_in_by_the_command_line_opens_signed_in(
    laptops: list[MainWindow], qtbot: QtBot, server: str
) -> None:
    a, _b = laptops
    start_and_sync(a, qtbot)
    assert getattr(a, "login_dialog", None) is None  # nobody was asked to sign in
    assert a.ctx.username == DEMO_USER
    assert a.settings.value("server_url") == server
    assert a.sync.state.error is None
    assert a.sync.state.last_sync is not None
    assert "No server" not in a.last_sync_label.text()


def test_feedback_read_on_one_laptop_is_read_on_the_other(
    laptops: list[MainWindow], qtbot: QtBot
) -> None:
    a, b = laptops
    start_and_sync(a, qtbot)
    start_and_sync(b, qtbot)
    count = unread(a)
    assert count > 0 and unread(b) == count  # the demo manager's comments

    a.show_page("feedback")
    inbox = a.feedback.inbox
    qtbot.waitUntil(lambda: len(inbox.model.rows) == count, timeout=30_000)
    assert inbox.read_all_button.isEnabled()
    with qtbot.waitSignal(a.feedback.unread_changed, timeout=30_000, check_params_cb=none_left):
        inbox.read_all_button.click()
    assert sync(a, qtbot).ok

    b.show_page("feedback")
    with qtbot.waitSignal(b.feedback.unread_changed, timeout=60_000, check_params_cb=none_left):
        assert sync(b, qtbot).ok
    assert unread(b) == 0
    assert b.feedback.inbox.read_all_button.isEnabled() is False


def _contact_not_known_by(window: MainWindow) -> tuple[str, str]:
    with window.store.read() as conn:
        row = conn.exec_driver_sql(
            "SELECT ct.customer_id, ct.id FROM contact AS ct WHERE ct.deleted = 0 AND NOT EXISTS "
            "(SELECT 1 FROM connection AS cn WHERE cn.contact_id = ct.id AND cn.user_id = ? "
            "AND cn.deleted = 0) ORDER BY ct.id LIMIT 1",
            (window.ctx.user_id,),
        ).one()
    return str(row[0]), str(row[1])


def _declare(window: MainWindow, qtbot: QtBot, customer: str, contact: str) -> ConnectionDialog:
    widget = window.detail.connections
    with qtbot.waitSignal(widget.loaded, timeout=30_000):
        window.show_customer(customer)
    widget.add_connection_button.click()
    dialog = widget.findChild(ConnectionDialog)
    assert dialog is not None
    dialog.contact_box.setCurrentIndex(dialog.contact_box.findData(contact))
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    return dialog


def _known(window: MainWindow, contact: str) -> int:
    with window.store.read() as conn:
        return int(
            conn.exec_driver_sql(
                "SELECT count(*) FROM connection WHERE contact_id = ? AND user_id = ? "
                "AND deleted = 0",
                (contact, window.ctx.user_id),
            ).scalar_one()
        )


def test_knowing_a_contact_is_declared_once(laptops: list[MainWindow], qtbot: QtBot) -> None:
    a, b = laptops
    start_and_sync(a, qtbot)
    start_and_sync(b, qtbot)
    customer, contact = _contact_not_known_by(a)

    # Both laptops declare it before either syncs: the server takes the first.
    for window in (a, b):
        dialog = _declare(window, qtbot, customer, contact)
        qtbot.waitUntil(lambda: not shiboken6.isValid(dialog), timeout=30_000)  # noqa: B023
    assert sync(a, qtbot).ok
    result = sync(b, qtbot)
    assert result.rejected == 1, result
    with b.store.read() as conn:
        code = conn.exec_driver_sql(
            "SELECT code FROM rejected_change WHERE entity = 'connection'"
        ).scalar_one()
    assert code == "already_declared"
    assert _known(b, contact) == 1  # the declaration laptop A made, pulled

    # Declaring it again on either laptop is refused there, with the reason in the dialog.
    dialog = _declare(b, qtbot, customer, contact)
    qtbot.waitUntil(lambda: bool(dialog.error_label.text()), timeout=30_000)
    assert "You have already said you know this person" in dialog.error_label.text()
    assert dialog.isVisible()
    dialog.reject()
    assert _known(b, contact) == 1
