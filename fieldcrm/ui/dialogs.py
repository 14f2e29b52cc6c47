"""Dialogs: records (customer, contact, note, follow-up, visit, report), login and settings."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date, timedelta
from typing import Any

from PySide6.QtCore import QCoreApplication, QDate, QDateTime, Qt, QTime, Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QListView,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from fieldcrm.app import Changes, customers, duplicates, visits
from fieldcrm.store import Store
from fieldcrm.ui import i18n
from fieldcrm.ui.context import AppContext
from fieldcrm.ui.duplicates import CheckedSaveDialog
from fieldcrm.ui.forms import ERROR_STYLE, RecordForm, SaveDialog
from fieldcrm.ui.settings import LANGUAGES, Settings
from fieldcrm.ui.texts import fill

CUSTOMER_FIELDS = (
    "number",
    "name",
    "street",
    "postal_code",
    "city",
    "country",
    "phone",
    "email",
    "status",
    "segment",
    "visit_cadence_days",
)
CONTACT_FIELDS = ("first_name", "last_name", "job_title", "phone", "mobile", "email")
VISIT_PLAN_FIELDS = ("planned_start", "planned_end", "channel", "purpose")


def _open(
    ctx: AppContext, dialog: SaveDialog, on_saved: Callable[[Any], None] | None
) -> SaveDialog:
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.saved.connect(ctx.changed)
    if on_saved is not None:
        dialog.saved.connect(lambda changes: on_saved(changes.id))
    dialog.open()
    return dialog


def customer_dialog(
    ctx: AppContext,
    parent: QWidget,
    record: dict[str, Any] | None = None,
    on_saved: Callable[[Any], None] | None = None,
) -> SaveDialog:
    form = RecordForm("customer", CUSTOMER_FIELDS)
    if record is not None:
        form.set_values(record)
        row_id = record["id"]

        def save(values: dict[str, Any]) -> Changes:
            return customers.update_customer(ctx.store, row_id, values)

        dialog = SaveDialog(_t("Edit customer"), form, ctx.db, save, parent)
    else:
        form.set_values({"status": "prospect"})
        user_id, store = ctx.user_id, ctx.store

        def save_new(values: dict[str, Any], confirmed: bool) -> Changes:
            return duplicates.create_customer_checked(store, values, user_id, confirmed=confirmed)

        def open_existing(candidate: duplicates.Candidate) -> None:
            if on_saved is not None:
                on_saved(candidate.id)

        dialog = CheckedSaveDialog(
            _t("New customer"), "customer", form, ctx.db, save_new, open_existing, parent
        )
    dialog.setObjectName("customer_dialog")
    return _open(ctx, dialog, on_saved)


def contact_dialog(
    ctx: AppContext,
    parent: QWidget,
    customer_id: str,
    on_saved: Callable[[Any], None] | None = None,
    open_customer: Callable[[str], None] | None = None,
) -> SaveDialog:
    form = RecordForm("contact", CONTACT_FIELDS)
    store = ctx.store

    def save(values: dict[str, Any], confirmed: bool) -> Changes:
        return duplicates.add_contact_checked(store, customer_id, values, confirmed=confirmed)

    def open_existing(candidate: duplicates.Candidate) -> None:
        if open_customer is not None:
            open_customer(candidate.customer_id)

    dialog = CheckedSaveDialog(
        _t("New contact"), "contact", form, ctx.db, save, open_existing, parent
    )
    dialog.setObjectName("contact_dialog")
    return _open(ctx, dialog, on_saved)


def note_dialog(
    ctx: AppContext,
    parent: QWidget,
    customer_id: str,
    visit_id: str | None = None,
    on_saved: Callable[[Any], None] | None = None,
) -> SaveDialog:
    form = RecordForm("note", ("text",))
    user_id = ctx.require_user()

    def save(values: dict[str, Any]) -> Changes:
        return customers.add_note(ctx.store, customer_id, values, user_id, visit_id)

    dialog = SaveDialog(_t("New note"), form, ctx.db, save, parent)
    dialog.setObjectName("note_dialog")
    return _open(ctx, dialog, on_saved)


def followup_dialog(
    ctx: AppContext,
    parent: QWidget,
    customer_id: str,
    title: str = "",
    on_saved: Callable[[Any], None] | None = None,
) -> SaveDialog:
    form = RecordForm("followup", ("title", "due_date"))
    form.set_values({"title": title or None, "due_date": date.today() + timedelta(days=7)})
    user_id = ctx.require_user()

    def save(values: dict[str, Any]) -> Changes:
        return customers.add_followup(ctx.store, customer_id, values, user_id)

    dialog = SaveDialog(_t("New follow-up"), form, ctx.db, save, parent)
    dialog.setObjectName("followup_dialog")
    return _open(ctx, dialog, on_saved)


def plan_visit_dialog(
    ctx: AppContext,
    parent: QWidget,
    customer_id: str,
    customer_name: str,
    on_saved: Callable[[Any], None] | None = None,
) -> SaveDialog:
    form = RecordForm("visit", VISIT_PLAN_FIELDS)
    start = QDateTime(QDate.currentDate().addDays(1), QTime(9, 0))
    form.set_values(
        {
            "planned_start": i18n.utc_text(start),
            "planned_end": i18n.utc_text(start.addSecs(3600)),
            "channel": "in_person",
        }
    )
    user_id = ctx.require_user()

    def save(values: dict[str, Any]) -> Changes:
        return visits.plan_visit(ctx.store, customer_id, values, user_id)

    dialog = SaveDialog(fill(_t("Plan a visit: %1"), customer_name), form, ctx.db, save, parent)
    dialog.setObjectName("plan_visit_dialog")
    return _open(ctx, dialog, on_saved)


class ReportExtras(QWidget):
    """Attending contacts and the follow-up made from the next steps."""

    def __init__(
        self,
        contacts: Sequence[Mapping[str, Any]],
        attending: list[str],
        parent: QWidget | None = None,
        *,
        ask_times: tuple[str, str | None] | None = None,
    ) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        #: A visit never checked in: its real times, or none (the group left unchecked).
        self.times_box: QGroupBox | None = None
        if ask_times is not None:
            self.times_box = QGroupBox(_t("I know when the visit really took place"), self)
            self.times_box.setObjectName("real_times")
            self.times_box.setCheckable(True)
            self.times_box.setChecked(False)
            self.times_box.setToolTip(
                _t("Not checked in: without the real times the visit keeps no duration.")
            )
            times = QFormLayout(self.times_box)
            self.real_start = QDateTimeEdit(
                i18n.to_local(ask_times[0]) or QDateTime.currentDateTime(), self.times_box
            )
            self.real_start.setObjectName("real_start")
            end = ask_times[1] or ask_times[0]
            self.real_end = QDateTimeEdit(
                i18n.to_local(end) or QDateTime.currentDateTime(), self.times_box
            )
            self.real_end.setObjectName("real_end")
            for edit in (self.real_start, self.real_end):
                edit.setCalendarPopup(True)
            times.addRow(_t("Began:"), self.real_start)
            times.addRow(_t("Ended:"), self.real_end)
            layout.addWidget(self.times_box)
        self.attendees_box = QGroupBox(_t("Attending contacts"), self)
        box_layout = QVBoxLayout(self.attendees_box)
        self.attendees_model = QStandardItemModel(self)
        for contact in contacts:
            name = " ".join(p for p in (contact["first_name"], contact["last_name"]) if p)
            item = QStandardItem(name)
            item.setCheckable(True)
            item.setEditable(False)
            item.setData(contact["id"], Qt.ItemDataRole.UserRole)
            item.setCheckState(
                Qt.CheckState.Checked if contact["id"] in attending else Qt.CheckState.Unchecked
            )
            self.attendees_model.appendRow(item)
        self.attendees = QListView(self.attendees_box)
        self.attendees.setObjectName("attendees")
        self.attendees.setAccessibleName(_t("Attending contacts"))
        self.attendees.setModel(self.attendees_model)
        self.attendees.setMaximumHeight(110)
        box_layout.addWidget(self.attendees)
        layout.addWidget(self.attendees_box)
        self.make_followup = QCheckBox(_t("Create a follow-up from the next steps"), self)
        self.make_followup.setObjectName("make_followup")
        layout.addWidget(self.make_followup)
        row = QFormLayout()
        self.followup_title = QLineEdit(self)
        self.followup_title.setObjectName("followup_title")
        self.followup_title.setAccessibleName(_t("Follow-up title"))
        self.followup_title.setMaxLength(200)
        self.followup_due = QDateEdit(self)
        self.followup_due.setObjectName("followup_due")
        self.followup_due.setAccessibleName(_t("Follow-up due date"))
        self.followup_due.setCalendarPopup(True)
        self.followup_due.setDate(QDate.currentDate().addDays(7))
        row.addRow(_t("Follow-up title:"), self.followup_title)
        row.addRow(_t("Due:"), self.followup_due)
        layout.addLayout(row)
        self.make_followup.toggled.connect(self.followup_title.setEnabled)
        self.make_followup.toggled.connect(self.followup_due.setEnabled)
        self.followup_title.setEnabled(False)
        self.followup_due.setEnabled(False)

    def attendee_ids(self) -> list[str]:
        ids = []
        for row in range(self.attendees_model.rowCount()):
            item = self.attendees_model.item(row)
            if item.checkState() == Qt.CheckState.Checked:
                ids.append(item.data(Qt.ItemDataRole.UserRole))
        return ids


def report_dialog(
    ctx: AppContext,
    parent: QWidget,
    visit_info: visits.VisitWithContacts,
    on_saved: Callable[[Any], None] | None = None,
) -> SaveDialog:
    visit = visit_info["visit"]
    form = RecordForm("visit", ("outcome", "report", "next_steps"))
    form.set_values(visit)
    never_checked_in = not visit["check_in_at"]
    extras = ReportExtras(
        visit_info["contacts"],
        list(visit.get("attendee_ids") or []),
        ask_times=(visit["planned_start"] or "", visit["planned_end"])
        if never_checked_in
        else None,
    )
    form.editors["next_steps"].textChanged.connect(  # type: ignore[attr-defined]
        lambda: _suggest_title(form, extras)
    )
    user_id = ctx.require_user()
    visit_id = visit["id"]

    def save(values: dict[str, Any], store: Store = ctx.store) -> Changes:
        report = visits.ReportInput(
            outcome=values["outcome"],
            report=values["report"],
            next_steps=values["next_steps"],
            attendee_ids=attendee_ids,
            followup_title=followup[0],
            followup_due=followup[1],
            check_in_at=real_times[0],
            check_out_at=real_times[1],
        )
        return visits.save_report(store, visit_id, report, user_id)

    attendee_ids: list[str] = []
    followup: list[Any] = [None, None]
    real_times: list[Any] = [None, None]

    dialog = SaveDialog(
        fill(_t("Visit report: %1"), visit_info["customer_name"] or ""),
        form,
        ctx.db,
        save,
        parent,
        extra=extras,
    )

    def collect() -> None:
        # Read the widgets on the GUI thread; the save function runs on the database thread.
        attendee_ids[:] = extras.attendee_ids()
        if extras.make_followup.isChecked() and extras.followup_title.text().strip():
            followup[0] = extras.followup_title.text().strip()
            followup[1] = extras.followup_due.date().toPython()
        else:
            followup[0] = followup[1] = None
        if extras.times_box is not None and extras.times_box.isChecked():
            real_times[0] = i18n.utc_text(extras.real_start.dateTime())
            real_times[1] = i18n.utc_text(extras.real_end.dateTime())
        else:
            real_times[0] = real_times[1] = None

    dialog.buttons.accepted.disconnect()

    def collect_and_submit() -> None:
        collect()
        dialog.submit()

    dialog.buttons.accepted.connect(collect_and_submit)
    dialog.extras = extras  # type: ignore[attr-defined]
    dialog.setObjectName("report_dialog")
    return _open(ctx, dialog, on_saved)


def _suggest_title(form: RecordForm, extras: ReportExtras) -> None:
    if extras.followup_title.isModified():
        return
    text = form.values()["next_steps"] or ""
    first = text.strip().splitlines()[0] if text.strip() else ""
    extras.followup_title.setText(first[:200])


TR_CONTEXT = "Dialogs"


def _t(text: str) -> str:
    return QCoreApplication.translate(TR_CONTEXT, text)


# ---- login and settings ------------------------------------------------------------


class LoginDialog(QDialog):
    """Server address, user name and password; the sign-in runs on the sync thread."""

    logged_in = Signal(dict)

    def __init__(
        self,
        login: Callable[[str, str, str], dict[str, Any]],
        run: Callable[..., None],
        server_url: str,
        url_locked: bool,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("login_dialog")
        self.setWindowTitle(self.tr("Sign in to FieldCRM"))
        self._login = login
        self._run = run
        self._signing_in = False
        layout = QVBoxLayout(self)
        intro = QLabel(
            self.tr("Sign in once; afterwards FieldCRM also works without a network."), self
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.server = QLineEdit(server_url, self)
        self.server.setObjectName("server")
        self.server.setAccessibleName(self.tr("Server address"))
        self.server.setPlaceholderText("https://crm.example.com")
        if url_locked:
            self.server.setReadOnly(True)
            self.server.setToolTip(self.tr("Set by your IT department"))
        self.username = QLineEdit(self)
        self.username.setObjectName("username")
        self.username.setAccessibleName(self.tr("User name"))
        self.password = QLineEdit(self)
        self.password.setObjectName("password")
        self.password.setAccessibleName(self.tr("Password"))
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow(self.tr("Server:"), self.server)
        form.addRow(self.tr("User name:"), self.username)
        form.addRow(self.tr("Password:"), self.password)
        layout.addLayout(form)
        self.error = QLabel(self)
        self.error.setObjectName("error")
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setWordWrap(True)
        self.error.hide()
        layout.addWidget(self.error)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Sign in"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Cancel"))
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        (self.username if server_url else self.server).setFocus()
        self.resize(440, self.sizeHint().height())

    def submit(self) -> None:
        url = self.server.text().strip().rstrip("/")
        user = self.username.text().strip()
        password = self.password.text()
        if not url or not user or not password:
            self._show_error(
                self.tr("Please enter the server address, your user name and password.")
            )
            return
        self.buttons.setEnabled(False)
        self.error.hide()
        self._signing_in = True
        login = self._login
        self._run(lambda: login(url, user, password), self._done, self._failed)

    def reject(self) -> None:
        # While the server is asked, closing would leave a session nobody knows of.
        if not self._signing_in:
            super().reject()

    def _done(self, user: dict[str, Any]) -> None:
        self._signing_in = False
        self.buttons.setEnabled(True)
        self.logged_in.emit(user)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        from fieldcrm.ui.sync import is_offline_error

        self._signing_in = False
        self.buttons.setEnabled(True)
        if is_offline_error(exc):
            self._show_error(
                self.tr("The server cannot be reached. Check the address and your network.")
            )
        else:
            self._show_error(fill(self.tr("Sign-in failed: %1"), i18n.sync_error(exc)))

    def _show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.show()


class SettingsDialog(QDialog):
    """Server address, sync interval, app lock, reminders and language; values fixed by IT
    are shown locked."""

    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("settings_dialog")
        self.setWindowTitle(self.tr("Settings"))
        self.settings = settings
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.server = QLineEdit(self)
        self.server.setObjectName("server_url")
        self.server.setAccessibleName(self.tr("Server address"))
        self.interval = QSpinBox(self)
        self.interval.setObjectName("sync_interval_minutes")
        self.interval.setAccessibleName(self.tr("Sync interval in minutes"))
        self.interval.setRange(1, 1440)
        self.interval.setSuffix(self.tr(" min"))
        self.lock = QSpinBox(self)
        self.lock.setObjectName("lock_minutes")
        self.lock.setAccessibleName(self.tr("Lock after minutes without input"))
        self.lock.setRange(0, 1440)
        self.lock.setSuffix(self.tr(" min"))
        self.lock.setSpecialValueText(self.tr("Never"))
        self.reminders = QSpinBox(self)
        self.reminders.setObjectName("reminder_minutes")
        self.reminders.setAccessibleName(
            self.tr("Remind of the next visit this many minutes before it")
        )
        self.reminders.setRange(0, 240)
        self.reminders.setSingleStep(5)
        self.reminders.setSuffix(self.tr(" min before a visit"))
        self.reminders.setSpecialValueText(self.tr("Off"))
        self.reminders.setToolTip(
            self.tr(
                "Reminds you of your next visit and of the follow-ups due today. Off: no reminders."
            )
        )
        self.language = QComboBox(self)
        self.language.setObjectName("language")
        self.language.setAccessibleName(self.tr("Language"))
        names = {"": self.tr("System language"), "en": "English", "de": "Deutsch"}
        for code in LANGUAGES:
            self.language.addItem(names[code], code)
        self.editors: dict[str, QWidget] = {
            "server_url": self.server,
            "sync_interval_minutes": self.interval,
            "lock_minutes": self.lock,
            "reminder_minutes": self.reminders,
            "language": self.language,
        }
        captions = {
            "server_url": self.tr("Server:"),
            "sync_interval_minutes": self.tr("Sync every:"),
            "lock_minutes": self.tr("Lock after:"),
            "reminder_minutes": self.tr("Reminders:"),
            "language": self.tr("Language:"),
        }
        self.lock_labels: dict[str, QLabel] = {}
        for key, editor in self.editors.items():
            resolved = settings.resolve(key)
            if key == "server_url":
                self.server.setText(resolved.value)
            elif key == "sync_interval_minutes":
                self.interval.setValue(int(resolved.value))
            elif key == "lock_minutes":
                self.lock.setValue(int(resolved.value))
            elif key == "reminder_minutes":
                self.reminders.setValue(int(resolved.value))
            else:
                self.language.setCurrentIndex(max(0, self.language.findData(resolved.value)))
            column = QVBoxLayout()
            column.addWidget(editor)
            lock = QLabel(self)
            lock.setObjectName(f"locked_{key}")
            if resolved.locked:
                editor.setEnabled(False)
                lock.setText(self.tr("Set by your IT department"))
                lock.setStyleSheet("font-style: italic; color: #555;")
                editor.setToolTip(lock.text())
            else:
                lock.hide()
            self.lock_labels[key] = lock
            column.addWidget(lock)
            form.addRow(captions[key], column)
        layout.addLayout(form)
        self.error = QLabel(self)
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.hide()
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.button(QDialogButtonBox.StandardButton.Save).setText(self.tr("Save"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Cancel"))
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(460, self.sizeHint().height())

    def values(self) -> dict[str, Any]:
        return {
            "server_url": self.server.text(),
            "sync_interval_minutes": self.interval.value(),
            "lock_minutes": self.lock.value(),
            "reminder_minutes": self.reminders.value(),
            "language": self.language.currentData(),
        }

    def save(self) -> None:
        try:
            for key, value in self.values().items():
                if not self.settings.resolve(key).locked and self.settings.value(key) != value:
                    self.settings.set_user_value(key, value)
        except ValueError as exc:
            self.error.setText(str(exc))
            self.error.show()
            return
        self.accept()
