"""The inbox page through its widgets: a rep's inbox (bulletins, requests, feedback) with
the unread count, newest first and filterable; opening a bulletin reads it, confirming and
answering a request; the shelf; the manager's receipts and bulletin editor; German."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, Qt
from pytestqt.qtbot import QtBot

from fieldcrm.app import bulletins, inbox, requests
from fieldcrm.profile import database_path
from fieldcrm.sampledata.channel import sample_pdf, seed_channel
from fieldcrm.sampledata.people import seed_area, sign_in_as
from fieldcrm.store import Store
from fieldcrm.ui.mainwindow import MainWindow
from fieldcrm.ui.navigation import PAGES
from tests.helpers.qt import settle


def _area(profile: Path, tmp_path: Path, who: str) -> tuple[dict[str, str], dict[str, str]]:
    store = Store(database_path(profile))
    try:
        ids = seed_area(store, date.today())
        channel = seed_channel(store, ids, tmp_path / "documents")
        sign_in_as(store, ids[who], who)
    finally:
        store.close()
    return ids, channel


def switch_language(window: MainWindow, language: str) -> None:
    """Choose the language in the Settings dialog and save, as a user does."""
    window.settings.flags.pop("language", None)
    dialog = window.open_settings()
    dialog.language.setCurrentIndex(dialog.language.findData(language))
    dialog.save()


def _open(win: MainWindow, qtbot: QtBot, user_id: str) -> None:
    win.start()
    qtbot.waitUntil(lambda: win.ctx.user_id == user_id)
    win.show_page("feedback")
    settle(qtbot, win)


def _select(win: MainWindow, qtbot: QtBot, item_id: str) -> None:
    view = win.feedback.inbox
    row = next(i for i, item in enumerate(view.model.rows) if item["id"] == item_id)
    view.list_view.activated.emit(view.model.index(row, 0))
    settle(qtbot, win)


@pytest.fixture
def rep(
    profile: Path, tmp_path: Path, make_window: Callable[..., MainWindow], qtbot: QtBot
) -> tuple[MainWindow, dict[str, str], dict[str, str]]:
    ids, channel = _area(profile, tmp_path, "anna")
    win = make_window()
    _open(win, qtbot, ids["anna"])
    return win, ids, channel


def test_the_rep_s_inbox_counts_filters_and_opens_what_is_addressed_to_her(
    rep: tuple[MainWindow, dict[str, str], dict[str, str]], qtbot: QtBot
) -> None:
    win, ids, channel = rep
    view = win.feedback.inbox
    kinds = {item["kind"] for item in view.model.rows}
    assert {"bulletin", "request", "feedback", "question"} <= kinds
    times = [item["at"] for item in view.model.rows]
    assert times == sorted(times, reverse=True)  # newest first
    unread = inbox.unread_count(view.items)
    # The north bulletin (not opened), the open request, unread feedback and the answer.
    assert unread >= 3
    assert view.title.text() == f"Inbox — {unread} unread"
    nav = win.nav.item(PAGES.index("feedback")).text()
    assert nav == f"Inbox ({unread})"

    view.set_filter(1)  # bulletins
    assert {item["id"] for item in view.model.rows} == {
        channel["price_bulletin"],
        channel["north_bulletin"],
    }
    view.set_filter(1, unread_only=True)
    assert [item["id"] for item in view.model.rows] == [channel["north_bulletin"]]

    # Opening it is reading it: the receipt is written and the count goes down.
    _select(win, qtbot, channel["north_bulletin"])
    qtbot.waitUntil(lambda: inbox.unread_count(view.items) == unread - 1)
    assert win.feedback.panes.currentWidget() is win.feedback.bulletin_pane
    assert view.model.rows == []  # unread only: nothing left among the bulletins
    north = bulletins.bulletin_list(win.store, ids["anna"])
    assert next(b for b in north if b["id"] == channel["north_bulletin"])["read_at"]
    view.set_filter(1)
    _select(win, qtbot, channel["price_bulletin"])
    pane = win.feedback.bulletin_pane
    assert pane.heading.text() == "Neue Preisliste ab 1. Januar"
    assert "ab 1. Januar gilt" in pane.body.toPlainText()
    [document] = [pane.documents.item(i).text() for i in range(pane.documents.count())]
    assert document.startswith("Preisliste-2027.pdf") and "Available offline" in document
    assert pane.confirm_label.text().startswith("You confirmed it")
    assert not pane.receipts.isVisibleTo(pane)  # a rep sees no one's receipts
    assert pane.thread_model.rowCount() == 2

    # A request: accept, then done.
    view.set_filter(2)
    _select(win, qtbot, channel["visit_request"])
    request = win.feedback.request_pane
    assert request.heading.text() == "Bitte Müller wegen der neuen Preise besuchen"
    assert "Asked by Maria" in request.details.text()
    request.accept_button.click()
    settle(qtbot, win)
    request.done_button.click()
    settle(qtbot, win)
    done = requests.followup_with_people(win.store, channel["visit_request"])
    assert done is not None and done["response"] == "accepted" and done["done_at"]
    qtbot.waitUntil(lambda: "done" in request.details.text())


def test_the_shelf_offers_the_current_version_offline(
    rep: tuple[MainWindow, dict[str, str], dict[str, str]], qtbot: QtBot
) -> None:
    win, _ids, _channel = rep
    win.feedback.tabs.setCurrentIndex(1)
    shelf = win.feedback.shelf
    qtbot.waitUntil(lambda: len(shelf.model.rows) == 3)
    rows = {row["title"]: row for row in shelf.model.rows}
    assert rows["Preisliste"]["version"] == 2
    assert rows["Preisliste"]["name"] == "preisliste-2027.pdf"
    assert all(row["state"] == "here" for row in rows.values())
    state = shelf.model.data(shelf.model.index(0, 5))
    assert state == "Available offline"
    assert not shelf.publish_button.isVisibleTo(shelf)  # reps do not publish


@pytest.fixture
def manager(
    profile: Path, tmp_path: Path, make_window: Callable[..., MainWindow], qtbot: QtBot
) -> tuple[MainWindow, dict[str, str], dict[str, str]]:
    ids, channel = _area(profile, tmp_path, "maria")
    win = make_window()
    _open(win, qtbot, ids["maria"])
    return win, ids, channel


def test_the_manager_sees_answers_questions_and_receipts(
    manager: tuple[MainWindow, dict[str, str], dict[str, str]], qtbot: QtBot
) -> None:
    win, _ids, channel = manager
    view = win.feedback.inbox
    by_kind = {item["kind"]: item for item in view.model.rows}
    assert by_kind["answer"]["id"] == channel["call_request"]
    assert by_kind["answer"]["detail"] == "Der Einkäufer ist bis März im Urlaub."
    assert by_kind["question"]["sender"] == "Anna Albers"
    assert "bulletin" not in by_kind  # her own bulletins are not addressed to her
    _select(win, qtbot, channel["call_request"])
    assert "declined: Der Einkäufer" in win.feedback.request_pane.details.text()
    qtbot.waitUntil(lambda: not next(i for i in view.items if i["kind"] == "answer")["unread"])

    win.feedback.show_bulletin(channel["price_bulletin"])
    settle(qtbot, win)
    pane = win.feedback.bulletin_pane
    assert pane.receipts.isVisibleTo(pane)
    receipts = {
        row["name"]: pane.receipts_model.data(pane.receipts_model.index(i, 2))
        for i, row in enumerate(pane.receipts_model.rows)
    }
    assert receipts["Anna Albers"].startswith("confirmed ")
    assert receipts["Ben Kraus"] == "not seen yet — last sync 3 days ago"


def test_the_bulletin_editor_refuses_bad_input_before_anything_is_written(
    manager: tuple[MainWindow, dict[str, str], dict[str, str]],
    qtbot: QtBot,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    win, ids, _channel = manager
    before = len(bulletins.bulletin_list(win.store, ids["maria"]))
    editor = win.feedback.write_bulletin()
    settle(qtbot, win)
    assert editor.audience.count() == 4  # Nord, Süd, Anna, Ben
    editor.buttons.accepted.emit()
    assert editor.error.text() == "Give the bulletin a title."
    editor.title.setText("Neue Musterkoffer")
    editor.body.setPlainText("Bitte **abholen**.")
    monkeypatch.setenv("FIELDCRM_MAX_FILE_MB", "1")
    editor.add_path(sample_pdf(tmp_path / "gross.pdf", "gross", 2_000_000))
    editor.buttons.accepted.emit()
    settle(qtbot, win)
    assert "files of at most 1 MB" in editor.error.text()
    assert len(bulletins.bulletin_list(win.store, ids["maria"])) == before
    monkeypatch.delenv("FIELDCRM_MAX_FILE_MB")
    editor.files.clear()
    editor.add_path(sample_pdf(tmp_path / "koffer.pdf", "Koffer"))
    editor.choose("territory", ids["south"])
    editor.confirm.setChecked(True)
    with qtbot.waitSignal(editor.accepted, timeout=10_000):
        editor.buttons.accepted.emit()
    settle(qtbot, win)
    posted = bulletins.bulletin_list(win.store, ids["maria"])[0]
    assert posted["title"] == "Neue Musterkoffer" and posted["confirm_by"]
    view = bulletins.open_bulletin(win.store, posted["id"], ids["maria"])
    assert view is not None and view["bulletin"]["territory_ids"] == [ids["south"]]
    assert [d["name"] for d in view["documents"]] == ["koffer.pdf"]


def test_the_inbox_speaks_german(
    profile: Path, tmp_path: Path, make_window: Callable[..., MainWindow], qtbot: QtBot
) -> None:
    ids, _channel = _area(profile, tmp_path, "anna")
    win = make_window()
    _open(win, qtbot, ids["anna"])
    switch_language(win, "de")
    settle(qtbot, win)
    try:
        view = win.feedback.inbox
        assert view.title.text().startswith("Posteingang — ")
        assert win.feedback.tabs.tabText(1) == "Dokumentenablage"
        assert view.kind_filter.itemText(1) == "Rundschreiben"
        assert view.model.headerData(0, Qt.Orientation.Horizontal) == "Posteingang"
        assert QCoreApplication.translate("Shelf", "Available offline") == "Offline verfügbar"
    finally:
        switch_language(win, "en")


def test_the_manager_publishes_a_new_version_on_the_shelf(
    manager: tuple[MainWindow, dict[str, str], dict[str, str]],
    qtbot: QtBot,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    win, _ids, channel = manager
    win.feedback.tabs.setCurrentIndex(1)
    shelf = win.feedback.shelf
    qtbot.waitUntil(lambda: len(shelf.model.rows) == 3)
    assert shelf.publish_button.isVisibleTo(shelf) and shelf.version_button.isVisibleTo(shelf)
    monkeypatch.setenv("FIELDCRM_MAX_FILE_MB", "1")
    shelf.publish(sample_pdf(tmp_path / "zu-gross.pdf", "gross", 2_000_000), "Preisliste")
    qtbot.waitUntil(lambda: "files of at most 1 MB" in shelf.hint.text())
    assert len(shelf.model.rows) == 3
    monkeypatch.delenv("FIELDCRM_MAX_FILE_MB")
    shelf.publish(sample_pdf(tmp_path / "preisliste-maerz.pdf", "März"), "preisliste")
    qtbot.waitUntil(
        lambda: any(r["title"] == "Preisliste" and r["version"] == 3 for r in shelf.model.rows)
    )
    [price_list] = [r for r in shelf.model.rows if r["title"] == "Preisliste"]
    assert price_list["name"] == "preisliste-maerz.pdf"
    assert win.store.get("attachment", channel["price_list"]) is None  # version 2 is gone


def test_the_manager_corrects_and_takes_back_a_bulletin(
    manager: tuple[MainWindow, dict[str, str], dict[str, str]], qtbot: QtBot
) -> None:
    """Corrected and deleted through the widgets; what syncs to every laptop is the
    bulletin's change in the outbox (the sync tests follow it to the other laptops)."""
    from fieldcrm.ui.bulletin_view import BulletinEditor
    from tests.helpers.qt import answer_next_message_box

    win, ids, channel = manager
    win.feedback.show_bulletin(channel["price_bulletin"])
    settle(qtbot, win)
    pane = win.feedback.bulletin_pane
    assert pane.correct_button.isVisibleTo(pane) and pane.delete_button.isVisibleTo(pane)
    editor = pane.correct()
    assert isinstance(editor, BulletinEditor)
    settle(qtbot, win)
    assert editor.title.text() == "Neue Preisliste ab 1. Januar"
    assert not editor.files.isVisibleTo(editor)
    editor.title.setText("")
    editor.buttons.accepted.emit()
    assert editor.error.text() == "Give the bulletin a title."
    editor.title.setText("Neue Preisliste ab 1. Februar")
    editor.choose("territory", ids["north"])
    with qtbot.waitSignal(editor.accepted, timeout=10_000):
        editor.buttons.accepted.emit()
    settle(qtbot, win)
    corrected = win.store.get("bulletin", channel["price_bulletin"])
    assert corrected is not None
    assert corrected["title"] == "Neue Preisliste ab 1. Februar"
    assert corrected["territory_ids"] == [ids["north"]]
    assert pane.heading.text() == "Neue Preisliste ab 1. Februar"

    answer_next_message_box("no")  # asked first; Cancel keeps it
    pane.delete_button.click()
    assert win.store.get("bulletin", channel["price_bulletin"]) is not None
    answer_next_message_box("yes")
    pane.delete_button.click()
    qtbot.waitUntil(lambda: win.store.get("bulletin", channel["price_bulletin"]) is None)
    settle(qtbot, win)
    assert pane.heading.text() == ""
    listed = [b["id"] for b in bulletins.bulletin_list(win.store, ids["maria"])]
    assert channel["price_bulletin"] not in listed


def test_a_rep_cannot_correct_or_delete_a_bulletin(
    rep: tuple[MainWindow, dict[str, str], dict[str, str]], qtbot: QtBot
) -> None:
    win, _ids, channel = rep
    win.feedback.show_bulletin(channel["price_bulletin"])
    settle(qtbot, win)
    pane = win.feedback.bulletin_pane
    assert not pane.correct_button.isVisibleTo(pane)
    assert not pane.delete_button.isVisibleTo(pane)
