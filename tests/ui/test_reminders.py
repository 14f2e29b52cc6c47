"""Reminders: the next visit a few minutes before it and the follow-ups due today, each
shown once, again after a snooze, never when the setting or IT policy turns them off."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from PySide6.QtCore import QSettings
from pytestqt.qtbot import QtBot

from fieldcrm.app.reminders import due_reminders
from fieldcrm.ui.mainwindow import MainWindow
from tests.helpers.qt import settle


def _seed(window: MainWindow, user: dict[str, Any], now: datetime) -> tuple[str, str]:
    store, customer = window.store, user["customers"][0]
    followup = store.create(
        "followup",
        {
            "customer_id": customer,
            "assignee_id": user["id"],
            "title": "Call back about the order",
            "due_date": now.astimezone().date(),
        },
    )
    visit = store.create(
        "visit",
        {
            "customer_id": customer,
            "rep_id": user["id"],
            "planned_start": now + timedelta(minutes=10),
            "purpose": "Jahresgespräch",
        },
    )
    return followup, visit


def test_due_reminders_and_once_then_again_after_a_snooze(
    window: MainWindow, seeded: dict[str, Any], qtbot: QtBot
) -> None:
    now = datetime.now(UTC).replace(microsecond=0)
    clock = [now]
    reminders = window.reminders
    reminders._now = lambda: clock[0]
    followup, visit = _seed(window, seeded, now)
    found = due_reminders(window.store, seeded["id"], now, 15)
    assert {r.key.split(":")[1] for r in found} >= {followup, visit}
    assert due_reminders(window.store, seeded["id"], now, 5) == [
        r for r in due_reminders(window.store, seeded["id"], now, 5) if r.kind == "followup"
    ]

    with qtbot.waitSignal(reminders.notified, timeout=10_000) as shown:
        reminders.check_now()
    keys = {r.key.split(":")[1] for r in shown.args[0]}
    assert {followup, visit} <= keys
    # Shown once: the next minute brings nothing new.
    emitted: list[Any] = []
    reminders.notified.connect(emitted.append)
    reminders.check_now()
    settle(qtbot, window)
    assert emitted == []
    # Snoozed: quiet for ten minutes, then shown again.
    reminders.snooze()
    reminders.check_now()
    settle(qtbot, window)
    assert emitted == []
    clock[0] = now + timedelta(minutes=11)
    window.store.update("visit", visit, {"planned_start": now + timedelta(minutes=20)})
    reminders.check_now()
    qtbot.waitUntil(lambda: len(emitted) == 1)
    assert followup in {r.key.split(":")[1] for r in emitted[0]}


def test_no_reminders_when_the_setting_or_it_policy_says_so(
    seeded: dict[str, Any],
    make_window: Callable[..., MainWindow],
    policy: QSettings,
    qtbot: QtBot,
) -> None:
    policy.setValue("reminder_minutes", "0")
    policy.setValue("locked/reminder_minutes", "true")
    policy.sync()
    window = make_window()
    window.start()
    qtbot.waitUntil(lambda: window.ctx.user_id == seeded["id"])
    assert window.settings.resolve("reminder_minutes").locked
    _seed(window, seeded, datetime.now(UTC))
    emitted: list[Any] = []
    window.reminders.notified.connect(emitted.append)
    window.reminders.check_now()
    settle(qtbot, window)
    assert emitted == [] and window.reminders.minutes() == 0


def test_the_settings_dialog_sets_the_minutes_and_turns_reminders_off(
    window: MainWindow, seeded: dict[str, Any], qtbot: QtBot
) -> None:
    now = datetime.now(UTC).replace(microsecond=0)
    window.reminders._now = lambda: now
    followup, visit = _seed(window, seeded, now)
    window.store.update("visit", visit, {"planned_start": now + timedelta(minutes=40)})
    emitted: list[Any] = []
    window.reminders.notified.connect(emitted.append)

    # 15 minutes (the default): the visit in 40 minutes is not yet due, the follow-up is.
    dialog = window.open_settings()
    assert dialog.reminders.isEnabled() and dialog.reminders.value() == 15
    assert not dialog.lock_labels["reminder_minutes"].isVisible()
    # 45 minutes before a visit: now it is.
    dialog.reminders.setValue(45)
    dialog.save()
    assert window.settings.value("reminder_minutes") == 45
    window.reminders.check_now()
    qtbot.waitUntil(lambda: len(emitted) == 1)
    assert {r.key.split(":")[1] for r in emitted[0]} >= {followup, visit}

    # Off: the special value of the spin box, stored as 0; nothing is shown any more.
    dialog = window.open_settings()
    assert dialog.reminders.value() == 45
    dialog.reminders.setValue(0)
    assert dialog.reminders.text() == "Off"
    dialog.save()
    assert window.settings.value("reminder_minutes") == 0
    assert window.reminders.minutes() == 0
    window.reminders.snooze()  # what was shown may come back ...
    window.reminders.check_now()
    settle(qtbot, window)
    assert len(emitted) == 1  # ... but not while reminders are off


def test_the_settings_dialog_shows_reminders_fixed_by_it_locked(
    seeded: dict[str, Any],
    make_window: Callable[..., MainWindow],
    policy: QSettings,
    qtbot: QtBot,
) -> None:
    policy.setValue("reminder_minutes", "30")
    policy.setValue("locked/reminder_minutes", "true")
    policy.sync()
    window = make_window()
    dialog = window.open_settings()
    qtbot.waitExposed(dialog)
    assert dialog.reminders.value() == 30
    assert not dialog.reminders.isEnabled()
    assert dialog.lock_labels["reminder_minutes"].isVisible()
    assert dialog.lock_labels["reminder_minutes"].text() == "Set by your IT department"
    dialog.save()  # saving the other settings leaves the fixed one alone
    assert window.settings.resolve("reminder_minutes").value == 30
    assert window.settings.user.value("reminder_minutes") is None
    dialog.close()
