"""Desktop reminders through the system tray: the next visit ``reminder_minutes`` before it
starts and the follow-ups due today, each shown once; snooze; off when the setting (or IT
policy) is 0."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from PySide6.QtCore import QCoreApplication, QObject, QTimer, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QStyle, QSystemTrayIcon, QWidget

from fieldcrm.app.reminders import Reminder, due_reminders
from fieldcrm.ui import i18n
from fieldcrm.ui.context import AppContext
from fieldcrm.ui.texts import fill

TR_CONTEXT = "Reminders"
#: How often the reminders are looked for.
CHECK_MS = 60_000
SNOOZE_MINUTES = 10


def _t(text: str) -> str:
    return QCoreApplication.translate(TR_CONTEXT, text)


def reminder_text(reminder: Reminder) -> tuple[str, str]:
    """The notification's title and message in the user's language."""
    if reminder.kind == "visit":
        title = fill(_t("Visit at %1"), i18n.format_time_local(reminder.when))
        return title, " · ".join(p for p in (reminder.customer_name, reminder.title) if p)
    return _t("Follow-up due today"), f"{reminder.title} · {reminder.customer_name}"


class Reminders(QObject):
    """Looks for due reminders every minute and shows the new ones in the tray."""

    #: The reminders just shown (for tests and for the status bar).
    notified = Signal(list)

    def __init__(self, ctx: AppContext, window: QWidget, *, clock: object = None) -> None:
        super().__init__(window)
        self.ctx = ctx
        self._now = clock if callable(clock) else (lambda: datetime.now(UTC))
        self.shown: set[str] = set()
        #: key -> until when it stays quiet.
        self.snoozed: dict[str, datetime] = {}
        self.last: list[Reminder] = []
        self.tray: QSystemTrayIcon | None = None
        if QSystemTrayIcon.isSystemTrayAvailable():
            self.tray = QSystemTrayIcon(
                window.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxInformation), self
            )
            menu = QMenu(window)
            self.snooze_action = QAction(menu)
            self.snooze_action.triggered.connect(self.snooze)
            menu.addAction(self.snooze_action)
            self.tray.setContextMenu(menu)
            self.tray.messageClicked.connect(self.snooze)
            self.tray.show()
        self.timer = QTimer(self)
        self.timer.setInterval(CHECK_MS)
        self.timer.timeout.connect(self.check_now)
        self.timer.start()
        self.retranslate()

    def retranslate(self) -> None:
        if self.tray is not None:
            self.tray.setToolTip("FieldCRM")
            self.snooze_action.setText(
                fill(_t("Remind me again in %1 minutes"), i18n.format_number(SNOOZE_MINUTES))
            )

    def minutes(self) -> int:
        return int(self.ctx.settings.value("reminder_minutes"))

    def check_now(self) -> None:
        user_id, minutes = self.ctx.user_id, self.minutes()
        if user_id is None or minutes <= 0:
            return
        now = self._now()
        self.ctx.read(lambda store: due_reminders(store, user_id, now, minutes), self._found)

    def _found(self, found: list[Reminder]) -> None:
        now = self._now()
        fresh = [
            r for r in found if r.key not in self.shown and self.snoozed.get(r.key, now) <= now
        ]
        if not fresh:
            return
        for reminder in fresh:
            self.shown.add(reminder.key)
            self.snoozed.pop(reminder.key, None)
        self.last = fresh
        if self.tray is not None:
            if len(fresh) == 1:
                title, text = reminder_text(fresh[0])
            else:
                title = fill(_t("%1 reminders"), i18n.format_number(len(fresh)))
                text = "\n".join(" ".join(reminder_text(r)) for r in fresh)
            self.tray.showMessage(title, text, QSystemTrayIcon.MessageIcon.Information)
        self.notified.emit(fresh)

    def snooze(self) -> None:
        """Show the last reminders again in ``SNOOZE_MINUTES`` minutes."""
        until = self._now() + timedelta(minutes=SNOOZE_MINUTES)
        for reminder in self.last:
            self.shown.discard(reminder.key)
            self.snoozed[reminder.key] = until
        self.last = []
