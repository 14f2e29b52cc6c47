"""The area's documents shelf: the current version of each document, available offline;
managers publish a document or a new version of one."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from fieldcrm.app import attachments, shelf
from fieldcrm.app.changes import Changes
from fieldcrm.store import Store
from fieldcrm.sync.files import max_file_bytes
from fieldcrm.ui import i18n
from fieldcrm.ui.context import AppContext
from fieldcrm.ui.models import NUMBER, Column, RowsModel
from fieldcrm.ui.pages.base import make_button, make_table, selected_row, translator
from fieldcrm.ui.texts import fill

TR_CONTEXT = "Shelf"
_t = translator(TR_CONTEXT)


def size_text(size: int | None) -> str:
    size = int(size or 0)
    if size >= 1_000_000:
        return fill(_t("%1 MB"), f"{size / 1_000_000:.1f}")
    return fill(_t("%1 KB"), f"{max(1, round(size / 1000))}")


def state_text(state: str) -> str:
    """Where a document is: here (to be read offline), waiting to upload, on the server."""
    return {
        "here": _t("Available offline"),
        "waiting": _t("Waiting to upload"),
        "server": _t("On the server"),
    }.get(state, state)


def open_document(ctx: AppContext, attachment_id: str, failed: QLabel) -> None:
    """Open a document with the system's viewer (downloaded first if it is not here)."""

    def downloaded(path: Path) -> None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))

    def opened(path: Path | None) -> None:
        if path is not None:
            downloaded(path)
            return
        failed.setText(_t("Downloading…"))
        ctx.sync.fetch_attachment(
            attachment_id,
            downloaded,
            lambda _exc: failed.setText(
                _t("The document cannot be downloaded now; open it again once online.")
            ),
        )

    ctx.read(lambda store: attachments.local_content(store, attachment_id), opened)


class ShelfView(QWidget):
    """The shelf as a table; Open, and for managers Publish and New version."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.model = RowsModel(
            [
                Column("title", lambda: _t("Document")),
                Column("version", lambda: _t("Version"), align=NUMBER),
                Column("name", lambda: _t("File")),
                Column("size", lambda: _t("Size"), lambda r: size_text(r["size"]), align=NUMBER),
                Column(
                    "published_at",
                    lambda: _t("Published"),
                    lambda r: i18n.format_datetime_local(r["published_at"]),
                ),
                Column("state", lambda: _t("On this laptop"), lambda r: state_text(r["state"])),
            ],
            self,
        )
        self.table = make_table(self.model, "shelf_table", self)
        self.table.doubleClicked.connect(lambda _index: self.open_selected())
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        self.open_button = make_button("open_document", self)
        self.publish_button = make_button("publish_document", self)
        self.version_button = make_button("new_version", self)
        self.open_button.clicked.connect(self.open_selected)
        self.publish_button.clicked.connect(lambda: self.choose_file(new_version=False))
        self.version_button.clicked.connect(lambda: self.choose_file(new_version=True))
        buttons = QHBoxLayout()
        buttons.addWidget(self.hint, 1)
        for button in (self.publish_button, self.version_button, self.open_button):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self.retranslate()

    def retranslate(self) -> None:
        self.table.setAccessibleName(_t("Documents shelf"))
        self.intro.setText(
            _t(
                "The current version of each document of your area. A new version replaces "
                "the old one on every laptop at its next sync."
            )
        )
        self.open_button.setText(_t("&Open"))
        self.publish_button.setText(_t("&Publish document…"))
        self.version_button.setText(_t("New &version…"))
        self.model.retranslate()

    def reload(self) -> None:
        manager = self.ctx.role in ("manager", "admin")
        self.publish_button.setVisible(manager)
        self.version_button.setVisible(manager)
        self.ctx.read(shelf.shelf, self._loaded)

    def _loaded(self, documents: list[shelf.ShelfDocument]) -> None:
        self.model.set_rows(documents)
        self.table.resizeColumnsToContents()
        self.open_button.setEnabled(bool(documents))
        self.version_button.setEnabled(bool(documents))
        if not documents:
            self.hint.setText(_t("No documents on the shelf yet."))
        else:
            self.hint.clear()

    def open_selected(self) -> None:
        row = selected_row(self.table) or (self.model.rows[0] if self.model.rows else None)
        if row is not None:
            open_document(self.ctx, row["id"], self.hint)

    def choose_file(self, *, new_version: bool) -> None:
        chosen = selected_row(self.table) if new_version else None
        if new_version and chosen is None and self.model.rows:
            chosen = self.model.rows[0]
        path, _filter = QFileDialog.getOpenFileName(self, _t("Publish document"))
        if not path:
            return
        title: str | None = chosen["title"] if chosen else None
        if title is None:
            title, ok = QInputDialog.getText(
                self, _t("Publish document"), _t("Name on the shelf:"), text=Path(path).stem
            )
            if not ok:
                return
        self.publish(Path(path), title)

    def publish(self, path: Path, title: str | None) -> None:
        user_id = self.ctx.require_user()
        limit = max_file_bytes()

        def work(store: Store) -> Changes:
            return shelf.publish(store, user_id, path, title=title, max_bytes=limit)

        self.ctx.write(work, lambda _changes: self.reload(), self._failed)

    def _failed(self, exc: BaseException) -> None:
        self.hint.setText(fill(_t("Not published: %1"), str(exc)))
        self.ctx.message.emit(self.hint.text())
