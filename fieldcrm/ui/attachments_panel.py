"""The attachments of a customer or a visit: thumbnails, add (dialog, drag and drop, paste),
open with the system's viewer, rename, delete. Reads and writes go through
``fieldcrm.app.attachments`` on the database thread; a download on the sync thread."""

from __future__ import annotations

import base64
import tempfile
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSize, Qt, QUrl, Signal
from PySide6.QtGui import (
    QDesktopServices,
    QDragEnterEvent,
    QDropEvent,
    QGuiApplication,
    QIcon,
    QKeySequence,
    QPixmap,
    QShortcut,
)
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QListView,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from fieldcrm.app import attachments
from fieldcrm.app.attachments import AttachmentError, AttachmentRow, Owner
from fieldcrm.app.changes import Changes
from fieldcrm.sync.files import max_file_bytes
from fieldcrm.ui.context import AppContext
from fieldcrm.ui.forms import confirm
from fieldcrm.ui.models import Column, RowsModel
from fieldcrm.ui.pages.base import make_button, translator
from fieldcrm.ui.texts import fill

TR_CONTEXT = "Attachments"
_t = translator(TR_CONTEXT)
ICON_PIXELS = 96


def _size_text(size: int | None) -> str:
    size = int(size or 0)
    if size >= 1_000_000:
        return fill(_t("%1 MB"), f"{size / 1_000_000:.1f}")
    return fill(_t("%1 KB"), f"{max(1, round(size / 1000))}")


def _caption(row: AttachmentRow) -> str:
    text = f"{row['name']}\n{_size_text(row['size'])}"
    if row["state"] == "waiting":
        text += "\n" + _t("Waiting to upload")
    return text


class AttachmentsModel(RowsModel):
    """Attachments as icons: the thumbnail of a photo, else the icon of a document."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__([Column("name", lambda: _t("File"), _caption)], parent)
        self._icons: dict[str, QIcon] = {}
        style = parent.style()
        self._file_icon = style.standardIcon(QStyle.StandardPixmap.SP_FileIcon)

    def icon_for(self, row: AttachmentRow) -> QIcon:
        thumbnail = row["thumbnail"]
        if not thumbnail:
            return self._file_icon
        icon = self._icons.get(row["id"])
        if icon is None:
            pixmap = QPixmap()
            if pixmap.loadFromData(base64.b64decode(thumbnail)):
                icon = QIcon(pixmap)
            else:
                icon = self._file_icon  # a broken thumbnail gets the icon, not an error
            self._icons[row["id"]] = icon
        return icon

    def data(self, index: Any, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DecorationRole and index.isValid():
            rows = self.rows
            if 0 <= index.row() < len(rows):
                return self.icon_for(rows[index.row()])
            return None
        return super().data(index, role)


class AttachmentsPanel(QWidget):
    """The files of one customer (its visits' included) or one visit."""

    changed = Signal(object)

    def __init__(self, ctx: AppContext, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.ctx = ctx
        self.owner: Owner | None = None
        self.model = AttachmentsModel(self)
        self.view = QListView(self)
        self.view.setObjectName(f"{name}_list")
        self.view.setModel(self.model)
        self.view.setViewMode(QListView.ViewMode.IconMode)
        self.view.setIconSize(QSize(ICON_PIXELS, ICON_PIXELS))
        self.view.setGridSize(QSize(ICON_PIXELS + 64, ICON_PIXELS + 64))
        self.view.setResizeMode(QListView.ResizeMode.Adjust)
        self.view.setWordWrap(True)
        self.view.setMovement(QListView.Movement.Static)
        self.view.doubleClicked.connect(lambda _index: self.open_selected())
        self.hint = QLabel(self)
        self.hint.setWordWrap(True)
        self.add_button = make_button(f"{name}_add", self)
        self.open_button = make_button(f"{name}_open", self)
        self.rename_button = make_button(f"{name}_rename", self)
        self.delete_button = make_button(f"{name}_delete", self)
        buttons = QHBoxLayout()
        for button in (self.add_button, self.open_button, self.rename_button, self.delete_button):
            buttons.addWidget(button)
        buttons.addStretch()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(buttons)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.hint)
        self.add_button.clicked.connect(self.choose_files)
        self.open_button.clicked.connect(self.open_selected)
        self.rename_button.clicked.connect(self.rename_selected)
        self.delete_button.clicked.connect(self.delete_selected)
        self.view.selectionModel().selectionChanged.connect(lambda *_: self._set_buttons())
        paste = QShortcut(QKeySequence(QKeySequence.StandardKey.Paste), self)
        paste.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        paste.activated.connect(self.paste)
        self.setAcceptDrops(True)
        self._set_buttons()
        self.retranslate()

    def retranslate(self) -> None:
        self.add_button.setText(_t("Add file…"))
        self.open_button.setText(_t("Open"))
        self.rename_button.setText(_t("Rename…"))
        self.delete_button.setText(_t("Delete"))
        self.view.setAccessibleName(_t("Attached files"))
        self.hint.setText(
            _t("Drop files here or paste an image. Photos, PDFs and office documents.")
        )
        self.model.retranslate()

    # ---- loading -------------------------------------------------------------------

    def show_owner(self, owner: Owner | None) -> None:
        self.owner = owner
        self.reload()

    def reload(self) -> None:
        owner = self.owner
        if owner is None:
            self.model.set_rows([])
            self._set_buttons()
            return
        self.ctx.read(lambda store: attachments.attachments_of(store, owner), self._loaded)

    def _loaded(self, rows: list[AttachmentRow]) -> None:
        self.model.set_rows(rows)
        self._set_buttons()

    def _selected(self) -> AttachmentRow | None:
        index = self.view.currentIndex()
        rows = self.model.rows
        if not index.isValid() or index.row() >= len(rows):
            return None
        row: AttachmentRow = rows[index.row()]
        return row

    def _set_buttons(self) -> None:
        self.add_button.setEnabled(self.owner is not None)
        selected = self._selected()
        mine = selected is not None and selected["author_id"] == self.ctx.user_id
        self.open_button.setEnabled(selected is not None)
        self.rename_button.setEnabled(mine)
        self.delete_button.setEnabled(mine)

    # ---- adding --------------------------------------------------------------------

    def choose_files(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(self, _t("Attach files"))
        for path in paths:
            self.add_path(Path(path))

    def add_path(self, path: Path, name: str | None = None) -> None:
        owner = self.owner
        if owner is None:
            return
        limit = max_file_bytes()
        self.ctx.write(
            lambda store: attachments.add_attachment(
                store, owner, path, name=name, max_bytes=limit
            ),
            self._added,
            self._failed,
        )

    def _added(self, changes: Changes) -> None:
        self.changed.emit(changes)

    def _failed(self, exc: BaseException) -> None:
        if isinstance(exc, AttachmentError):
            # Not modal: several dropped files may each have something to say.
            self.hint.setText(fill(_t("File not attached: %1"), str(exc)))
            self.ctx.message.emit(self.hint.text())
            return
        raise exc

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if self.owner is not None and event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        for url in event.mimeData().urls():
            if url.isLocalFile():
                self.add_path(Path(url.toLocalFile()))
        event.acceptProposedAction()

    def paste(self) -> None:
        """An image on the clipboard becomes a PNG attachment."""
        image = QGuiApplication.clipboard().image()
        if image.isNull() or self.owner is None:
            return
        folder = Path(tempfile.mkdtemp(prefix="fieldcrm-paste-"))
        path = folder / "pasted.png"
        if image.save(str(path), b"PNG"):
            self.add_path(path, name=_t("Pasted image") + ".png")

    # ---- one file ------------------------------------------------------------------

    def open_selected(self) -> None:
        row = self._selected()
        if row is None:
            return
        attachment_id = row["id"]
        self.ctx.read(
            lambda store: attachments.local_content(store, attachment_id),
            lambda path: self._open(attachment_id, path),
        )

    def _open(self, attachment_id: str, path: Path | None) -> None:
        if path is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))
            return
        self.hint.setText(_t("Downloading…"))
        self.ctx.sync.fetch_attachment(attachment_id, self._downloaded, self._download_failed)

    def _downloaded(self, path: Path) -> None:
        self.retranslate()
        self.reload()
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))

    def _download_failed(self, exc: BaseException) -> None:
        self.hint.setText(
            _t("The file cannot be downloaded now; open it again once the laptop is online.")
        )
        self.ctx.message.emit(self.hint.text())

    def rename_selected(self) -> None:
        row = self._selected()
        if row is None:
            return
        name, ok = QInputDialog.getText(
            self, _t("Rename file"), _t("File name"), text=row["name"] or ""
        )
        if not ok or not name.strip():
            return
        attachment_id = row["id"]
        self.ctx.write(
            lambda store: attachments.rename_attachment(store, attachment_id, name),
            self._added,
            self._failed,
        )

    def delete_selected(self) -> None:
        row = self._selected()
        if row is None:
            return
        question = fill(_t("Delete %1 for everyone?"), row["name"] or "")
        if not confirm(self, _t("Delete file"), question, _t("Delete")):
            return
        attachment_id = row["id"]
        self.ctx.write(
            lambda store: attachments.delete_attachment(store, attachment_id), self._added
        )
