"""A bulletin in the inbox (its text, documents, confirmation, receipts for its author and
the area's managers, questions and answers) and the manager's editor for a new one."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from fieldcrm.app import bulletins
from fieldcrm.app.changes import Changes
from fieldcrm.store import Store
from fieldcrm.sync.files import max_file_bytes
from fieldcrm.ui import i18n
from fieldcrm.ui.context import AppContext
from fieldcrm.ui.feedback_view import FeedbackModel
from fieldcrm.ui.forms import confirm
from fieldcrm.ui.models import Column, RowsModel
from fieldcrm.ui.pages.base import make_button, make_table, translator
from fieldcrm.ui.reasons import rejection
from fieldcrm.ui.shelf_view import open_document, size_text, state_text
from fieldcrm.ui.texts import fill

TR_CONTEXT = "Bulletins"
_t = translator(TR_CONTEXT)


def receipt_text(row: bulletins.ReceiptRow) -> str:
    """Read and confirmed when, or when the laptop last synced."""
    if row["confirmed_at"]:
        return fill(_t("confirmed %1"), i18n.format_datetime_local(row["confirmed_at"]))
    if row["read_at"]:
        return fill(_t("read %1, not confirmed"), i18n.format_datetime_local(row["read_at"]))
    if row["last_sync_at"]:
        synced = datetime.fromisoformat(row["last_sync_at"].replace("Z", "+00:00"))
        days = (datetime.now(UTC) - synced).days
        if days >= 2:
            return fill(_t("not seen yet — last sync %1 days ago"), i18n.format_number(days))
        if days == 1:
            return _t("not seen yet — last sync yesterday")
        return fill(
            _t("not seen yet — last sync %1"), i18n.format_datetime_local(row["last_sync_at"])
        )
    return _t("not seen yet — never synced")


def refusal(exc: BaseException) -> str:
    code = getattr(exc, "code", None)
    if isinstance(exc, bulletins.BulletinRefused) and code:
        return rejection(code, exc.params)
    return str(exc)


class BulletinPane(QWidget):
    """One bulletin as its reader sees it; opening it is reading it."""

    #: A write went through (the ``Changes`` it made).
    changed = Signal(object)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.view: bulletins.BulletinView | None = None
        self.heading = QLabel()
        self.heading.setStyleSheet("font-weight: bold; font-size: 14pt")
        self.heading.setWordWrap(True)
        self.meta = QLabel()
        self.meta.setWordWrap(True)
        self.body = QTextBrowser()
        self.body.setOpenExternalLinks(True)
        self.documents = QListWidget()
        self.documents.setObjectName("bulletin_documents")
        self.documents.setMaximumHeight(70)
        self.documents.itemActivated.connect(self._open_document)
        self.confirm_button = make_button("confirm_bulletin", self)
        self.confirm_button.clicked.connect(self._confirm)
        # The area's managers correct or take back a bulletin; every laptop follows.
        self.correct_button = make_button("correct_bulletin", self)
        self.correct_button.clicked.connect(self.correct)
        self.delete_button = make_button("delete_bulletin", self)
        self.delete_button.clicked.connect(self.delete)
        self.confirm_label = QLabel()
        self.receipts_title = QLabel()
        self.receipts_title.setStyleSheet("font-weight: bold")
        self.receipts_model = RowsModel(
            [
                Column("name", lambda: _t("Person")),
                Column("territory_name", lambda: _t("Territory")),
                Column("read_at", lambda: _t("Read and confirmed"), receipt_text),
            ],
            self,
        )
        self.receipts = make_table(self.receipts_model, "bulletin_receipts", self)
        self.thread_model = FeedbackModel(self, ctx.user_id)
        self.thread_view = QListView()
        self.thread_view.setModel(self.thread_model)
        self.thread_view.setWordWrap(True)
        self.thread_view.setMaximumHeight(110)
        self.question = QLineEdit()
        self.ask_button = make_button("ask_question", self)
        self.ask_button.clicked.connect(self._ask)
        self.question.returnPressed.connect(self._ask)
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        confirm_row = QHBoxLayout()
        confirm_row.addWidget(self.confirm_label, 1)
        confirm_row.addWidget(self.confirm_button)
        confirm_row.addWidget(self.correct_button)
        confirm_row.addWidget(self.delete_button)
        ask_row = QHBoxLayout()
        ask_row.addWidget(self.question, 1)
        ask_row.addWidget(self.ask_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.heading)
        layout.addWidget(self.meta)
        layout.addWidget(self.body, 2)
        layout.addWidget(self.documents)
        layout.addLayout(confirm_row)
        layout.addWidget(self.receipts_title)
        layout.addWidget(self.receipts, 1)
        layout.addWidget(self.thread_view)
        layout.addLayout(ask_row)
        layout.addWidget(self.hint)
        self.retranslate()

    def retranslate(self) -> None:
        self.documents.setAccessibleName(_t("Documents of the bulletin"))
        self.confirm_button.setText(_t("Read and &understood"))
        self.correct_button.setText(_t("&Correct…"))
        self.delete_button.setText(_t("&Delete"))
        self.receipts_title.setText(_t("Who has read it"))
        self.receipts.setAccessibleName(_t("Who has read it"))
        self.thread_view.setAccessibleName(_t("Questions and answers"))
        self.question.setPlaceholderText(_t("Ask a question or answer one…"))
        self.ask_button.setText(_t("&Send"))
        self.receipts_model.retranslate()
        self.thread_model.retranslate()
        if self.view is not None:
            self._show(self.view)

    def show_bulletin(self, bulletin_id: str) -> None:
        user_id = self.ctx.require_user()
        self.hint.clear()

        def work(store: Store) -> bulletins.BulletinView | None:
            return bulletins.open_bulletin(store, bulletin_id, user_id)

        self.ctx.read(work, self._opened)

    def _opened(self, view: bulletins.BulletinView | None) -> None:
        if view is None:
            return
        first_read = self.view is None or self.view["bulletin"]["id"] != view["bulletin"]["id"]
        self.view = view
        self._show(view)
        if first_read:  # opening wrote the reader's receipt: it is sent with the next sync
            self.ctx.changed(Changes.of("bulletin_receipt"))

    def _show(self, view: bulletins.BulletinView) -> None:
        b = view["bulletin"]
        self.heading.setText(b["title"] or "")
        audience = ", ".join(view["audience"]) or _t("the whole area")
        meta = fill(
            _t("From %1, %2 — to %3"),
            view["author_name"] or "",
            i18n.format_datetime_local(b["posted_at"]),
            audience,
        )
        self.meta.setText(meta)
        self.body.setMarkdown(b["body"] or "")
        self.documents.clear()
        for document in view["documents"]:
            text = fill(
                _t("%1 — %2 — %3"),
                document["name"] or "",
                size_text(document["size"]),
                state_text(document["state"]),
            )
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, document["id"])
            self.documents.addItem(item)
        self.documents.setVisible(bool(view["documents"]))
        mine = b["author_id"] == self.ctx.user_id
        asks = bool(b["confirm_by"]) and not mine
        manages = self.ctx.role in ("manager", "admin")
        self.correct_button.setVisible(manages)
        self.delete_button.setVisible(manages)
        self.confirm_button.setVisible(asks and not view["confirmed_at"])
        if view["confirmed_at"]:
            when = i18n.format_datetime_local(view["confirmed_at"])
            self.confirm_label.setText(fill(_t("You confirmed it %1."), when))
        elif asks:
            self.confirm_label.setText(
                fill(_t("Please confirm by %1."), i18n.format_date(b["confirm_by"]))
            )
        elif b["confirm_by"]:
            self.confirm_label.setText(
                fill(_t("Readers are asked to confirm by %1."), i18n.format_date(b["confirm_by"]))
            )
        else:
            self.confirm_label.clear()
        receipts = view["receipts"]
        for widget in (self.receipts_title, self.receipts):
            widget.setVisible(receipts is not None)
        self.receipts_model.set_rows(receipts or [])
        self.receipts.resizeColumnsToContents()
        self.thread_model.user_id = self.ctx.user_id
        self.thread_model.set_rows(view["thread"])

    def _open_document(self, item: QListWidgetItem) -> None:
        open_document(self.ctx, str(item.data(Qt.ItemDataRole.UserRole)), self.hint)

    def _reopen(self, changes: Changes) -> None:
        self.changed.emit(changes)  # written through ctx: the views reload, a sync is due
        if self.view is not None:
            self.show_bulletin(self.view["bulletin"]["id"])

    def _confirm(self) -> None:
        if self.view is None:
            return
        bulletin_id, user_id = self.view["bulletin"]["id"], self.ctx.require_user()
        self.ctx.write(
            lambda store: bulletins.confirm(store, bulletin_id, user_id),
            self._reopen,
            lambda exc: self.hint.setText(refusal(exc)),
        )

    def correct(self) -> BulletinEditor | None:
        """The editor with this bulletin's title, text, audience and date to change."""
        if self.view is None:
            return None
        editor = BulletinEditor(self.ctx, self, bulletin=self.view["bulletin"])
        editor.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        editor.accepted.connect(lambda: self._reopen(Changes.of("bulletin")))
        editor.open()
        return editor

    def delete(self) -> None:
        """Take the bulletin back (asked first): it leaves every laptop at their next sync."""
        if self.view is None:
            return
        bulletin = self.view["bulletin"]
        if not confirm(
            self,
            _t("Delete bulletin"),
            fill(
                _t("Delete the bulletin “%1”? It disappears from every laptop it reached."),
                bulletin["title"] or "",
            ),
            _t("Delete"),
        ):
            return
        bulletin_id, user_id = bulletin["id"], self.ctx.require_user()
        self.ctx.write(
            lambda store: bulletins.delete(store, user_id, bulletin_id),
            self._deleted,
            lambda exc: self.hint.setText(refusal(exc)),
        )

    def _deleted(self, changes: Changes) -> None:
        self.view = None
        for widget in (self.heading, self.meta, self.confirm_label):
            widget.clear()
        self.body.clear()
        self.documents.clear()
        self.receipts_model.set_rows([])
        self.thread_model.set_rows([])
        for button in (self.confirm_button, self.correct_button, self.delete_button):
            button.setVisible(False)
        self.changed.emit(changes)

    def _ask(self) -> None:
        text = self.question.text().strip()
        if self.view is None or not text:
            return
        bulletin_id, user_id = self.view["bulletin"]["id"], self.ctx.require_user()
        self.question.clear()
        self.ctx.write(
            lambda store: bulletins.ask(store, bulletin_id, user_id, text),
            self._reopen,
            lambda exc: self.hint.setText(refusal(exc)),
        )


class BulletinEditor(QDialog):
    """A new bulletin: title, text (Markdown), whom to, confirm by, documents. Bad input is
    refused here, with what is wrong, before anything is written or sent."""

    def __init__(
        self,
        ctx: AppContext,
        parent: QWidget | None = None,
        *,
        bulletin: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("bulletin_editor")
        self.ctx = ctx
        #: The bulletin being corrected (None: a new one).
        self.bulletin = bulletin
        self.setWindowTitle(_t("New bulletin") if bulletin is None else _t("Correct bulletin"))
        self.title = QLineEdit()
        self.body = QPlainTextEdit()
        self.body.setPlaceholderText(_t("Simple formatting: **bold**, *italic*, - lists"))
        self.whole_area = QRadioButton(_t("The whole area"))
        self.chosen = QRadioButton(_t("Chosen territories and reps:"))
        self.whole_area.setChecked(True)
        self.audience = QListWidget()
        self.audience.setMaximumHeight(120)
        self.confirm = QCheckBox(_t("Ask to confirm by"))
        self.confirm_by = QDateEdit(QDate.currentDate().addDays(7))
        self.confirm_by.setCalendarPopup(True)
        self.files = QListWidget()
        self.files.setMaximumHeight(70)
        self.add_file = QPushButton(_t("&Attach document…"))
        self.add_file.clicked.connect(self._choose_files)
        self.error = QLabel()
        self.error.setObjectName("bulletin_error")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b00020")
        form = QFormLayout()
        form.addRow(_t("Title:"), self.title)
        form.addRow(_t("Text:"), self.body)
        form.addRow(_t("To:"), self.whole_area)
        form.addRow("", self.chosen)
        form.addRow("", self.audience)
        confirm_row = QHBoxLayout()
        confirm_row.addWidget(self.confirm)
        confirm_row.addWidget(self.confirm_by)
        confirm_row.addStretch()
        form.addRow("", confirm_row)
        form.addRow(_t("Documents:"), self.files)
        form.addRow("", self.add_file)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        post_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        post_button.setText(_t("&Post") if bulletin is None else _t("&Save"))
        post_button.setObjectName("post_bulletin")
        cancel = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        cancel.setText(_t("Cancel"))
        self.buttons.accepted.connect(self.post)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.resize(620, 640)
        if bulletin is not None:
            self.title.setText(bulletin["title"] or "")
            self.body.setPlainText(bulletin["body"] or "")
            if bulletin["confirm_by"]:
                self.confirm.setChecked(True)
                self.confirm_by.setDate(
                    QDate.fromString(str(bulletin["confirm_by"])[:10], "yyyy-MM-dd")
                )
            # The documents stay as they are: a new document is a new bulletin or shelf
            # version.
            for widget in (self.files, self.add_file):
                widget.setVisible(False)
                label = form.labelForField(widget)
                if label is not None:
                    label.setVisible(False)
        ctx.read(bulletins.audience_choices, self._fill_audience)

    def _fill_audience(self, audience: bulletins.Audience) -> None:
        territories = dict(audience["territories"])
        for territory_id, name in audience["territories"]:
            item = QListWidgetItem(fill(_t("Territory %1"), name))
            item.setData(Qt.ItemDataRole.UserRole, ("territory", territory_id))
            item.setCheckState(Qt.CheckState.Unchecked)
            self.audience.addItem(item)
        for rep_id, rep_name, rep_territory in audience["reps"]:
            item = QListWidgetItem(f"{rep_name} ({territories.get(rep_territory or '', '')})")
            item.setData(Qt.ItemDataRole.UserRole, ("rep", rep_id))
            item.setCheckState(Qt.CheckState.Unchecked)
            self.audience.addItem(item)
        if self.bulletin is not None:
            for territory_id in self.bulletin["territory_ids"] or []:
                self.choose("territory", territory_id)
            for rep_id in self.bulletin["rep_ids"] or []:
                self.choose("rep", rep_id)

    def add_path(self, path: Path) -> None:
        item = QListWidgetItem(path.name)
        item.setData(Qt.ItemDataRole.UserRole, str(path))
        self.files.addItem(item)

    def _choose_files(self) -> None:
        paths, _filter = QFileDialog.getOpenFileNames(self, _t("Attach document"))
        for path in paths:
            self.add_path(Path(path))

    def choose(self, kind: str, member_id: str) -> None:
        """Tick a territory or rep of the audience (tests and keyboard users alike)."""
        self.chosen.setChecked(True)
        for row in range(self.audience.count()):
            item = self.audience.item(row)
            if item.data(Qt.ItemDataRole.UserRole) == (kind, member_id):
                item.setCheckState(Qt.CheckState.Checked)

    def post(self) -> None:
        territories: list[str] = []
        reps: list[str] = []
        if self.chosen.isChecked():
            for row in range(self.audience.count()):
                item = self.audience.item(row)
                if item.checkState() == Qt.CheckState.Checked:
                    kind, member = item.data(Qt.ItemDataRole.UserRole)
                    (territories if kind == "territory" else reps).append(member)
        paths = [
            Path(self.files.item(row).data(Qt.ItemDataRole.UserRole))
            for row in range(self.files.count())
        ]
        confirm_by: date | None = (
            self.confirm_by.date().toPython() if self.confirm.isChecked() else None  # type: ignore[assignment]
        )
        title, body = self.title.text(), self.body.toPlainText()
        user_id, limit = self.ctx.require_user(), max_file_bytes()
        if not title.strip():
            self.error.setText(_t("Give the bulletin a title."))
            return
        self.error.clear()
        self.buttons.setEnabled(False)
        if self.bulletin is not None:
            bulletin_id = self.bulletin["id"]
            values = {
                "title": title,
                "body": body,
                "territory_ids": territories,
                "rep_ids": reps,
                "confirm_by": confirm_by,
            }
            self.ctx.write(
                lambda store: bulletins.correct(store, user_id, bulletin_id, values),
                lambda _changes: self.accept(),
                self._refused,
            )
            return

        def work(store: Store) -> Changes:
            return bulletins.post(
                store,
                user_id,
                title,
                body,
                territory_ids=territories,
                rep_ids=reps,
                confirm_by=confirm_by,
                attachments=paths,
                max_file_bytes=limit,
            )

        self.ctx.write(work, lambda _changes: self.accept(), self._refused)

    def _refused(self, exc: BaseException) -> None:
        self.buttons.setEnabled(True)
        text = _t("Not posted: %1") if self.bulletin is None else _t("Not saved: %1")
        self.error.setText(fill(text, refusal(exc)))
