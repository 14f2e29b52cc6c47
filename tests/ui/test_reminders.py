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
