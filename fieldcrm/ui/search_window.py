"""The search window (Ctrl+Shift+F): one search over everything typed, hits grouped by
kind with the matching words highlighted; a hit opens its customer."""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtCore import (
    QCoreApplication,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSize,
    Qt,
    QTimer,
)
from PySide6.QtCore import Signal as QtSignal
from PySide6.QtGui import (
    QAbstractTextDocumentLayout,
    QAction,
    QKeySequence,
    QPainter,
    QPalette,
    QStandardItem,
    QStandardItemModel,
    QTextDocument,
)
from PySide6.QtWidgets import (
    QDialog,
    QLabel,
    QLineEdit,
    QMainWindow,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QToolBar,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from fieldcrm.app.search import SearchHit, search
from fieldcrm.domain.textfold import SEARCH_KINDS
from fieldcrm.store import Store, search_build
from fieldcrm.ui.context import AppContext
from fieldcrm.ui.texts import fill

AnyIndex = QModelIndex | QPersistentModelIndex
#: The hit a row shows (None on a kind's heading).
HIT_ROLE = Qt.ItemDataRole.UserRole + 20
#: The row's text as HTML, the matching parts highlighted.
HTML_ROLE = Qt.ItemDataRole.UserRole + 21
#: Hits shown per kind.
HITS_PER_KIND = 20
#: Typing pauses this long before the search runs.
SEARCH_DELAY_MS = 150
_MARK = "background-color: #ffe08a; color: #000000"


def kind_title(kind: str) -> str:
    titles = {
        "customer": QCoreApplication.translate("SearchWindow", "Customers"),
        "contact": QCoreApplication.translate("SearchWindow", "Contacts"),
        "followup": QCoreApplication.translate("SearchWindow", "Follow-ups"),
        "visit": QCoreApplication.translate("SearchWindow", "Visits"),
        "note": QCoreApplication.translate("SearchWindow", "Notes"),
    }
    return titles[kind]


def marked(text: str, spans: tuple[tuple[int, int], ...]) -> str:
    """``text`` as HTML with each span highlighted."""
    out, at = [], 0
    for start, end in spans:
        out.append(html.escape(text[at:start]))
        out.append(f'<span style="{_MARK}">{html.escape(text[start:end])}</span>')
        at = end
    out.append(html.escape(text[at:]))
    return "".join(out)


def hit_html(hit: SearchHit) -> str:
    """Two lines: the title (and customer), then the snippet with what matched marked."""
    same = hit.snippet == hit.title
    title = f"<b>{marked(hit.title, hit.spans) if same else html.escape(hit.title)}</b>"
    if hit.customer and hit.customer != hit.title:
        title += f" — {html.escape(hit.customer)}"
    if same:
        return title
    return f"{title}<br>{marked(hit.snippet, hit.spans)}"


class HitDelegate(QStyledItemDelegate):
    """Draws a row's HTML (its highlighted snippet)."""

    def _document(self, option: QStyleOptionViewItem, index: Any) -> QTextDocument:
        doc = QTextDocument()
        doc.setDefaultFont(option.font)
        doc.setHtml(str(index.data(HTML_ROLE) or ""))
        doc.setTextWidth(max(200, option.rect.width()))
        return doc

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        if index.data(HTML_ROLE) is None:
            super().paint(painter, option, index)
            return
        self.initStyleOption(option, index)
        doc = self._document(option, index)
        style = option.widget.style() if option.widget else None
        option.text = ""
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, option, painter, option.widget)
        context = QAbstractTextDocumentLayout.PaintContext()
        if option.state & QStyle.StateFlag.State_Selected:
            context.palette.setColor(
                QPalette.ColorRole.Text,
                option.palette.color(QPalette.ColorRole.HighlightedText),
            )
        painter.save()
        painter.translate(option.rect.topLeft())
        doc.documentLayout().draw(painter, context)
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: AnyIndex) -> QSize:
        if index.data(HTML_ROLE) is None:
            return super().sizeHint(option, index)
        self.initStyleOption(option, index)
        doc = self._document(option, index)
        return QSize(int(doc.idealWidth()), int(doc.size().height()) + 4)


class SearchWindow(QDialog):
    """Type, and see what matches across customers, contacts, follow-ups, visits, notes."""

    open_customer = QtSignal(str)
    #: A search's hits are shown (for tests and the screenshots).
    shown = QtSignal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("search_window")
        self.ctx = ctx
        self.hits: list[SearchHit] = []
        self._asked = ""
        #: Percent of the search index built when the shown search ran (100: complete).
        self.index_percent = 100
        self.query = QLineEdit()
        self.query.setClearButtonEnabled(True)
        self.status = QLabel()
        self.model = QStandardItemModel(self)
        self.view = QTreeView()
        self.view.setModel(self.model)
        self.view.setHeaderHidden(True)
        self.view.setRootIsDecorated(False)
        self.view.setUniformRowHeights(False)
        self.view.setItemDelegate(HitDelegate(self.view))
        self.view.activated.connect(self._open)
        self.view.doubleClicked.connect(self._open)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(SEARCH_DELAY_MS)
        self._debounce.timeout.connect(self.run_search)
        self.query.textChanged.connect(lambda _text: self._debounce.start())
        self.query.returnPressed.connect(self.run_search)
        layout = QVBoxLayout(self)
        layout.addWidget(self.query)
        layout.addWidget(self.status)
        layout.addWidget(self.view, 1)
        self.resize(760, 560)
        builder = ctx.search_index
        if builder is not None:
            builder.progressed.connect(self._index_progressed)
            builder.finished.connect(self._index_finished)
        self.retranslate()

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Search everything"))
        self.query.setPlaceholderText(
            self.tr("Names, numbers, phone numbers, job titles, notes, visit reports…")
        )
        self.query.setAccessibleName(self.tr("Search"))
        self.view.setAccessibleName(self.tr("Search results"))
        self._fill()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def run_search(self) -> None:
        self._debounce.stop()
        text = self.query.text()
        self._asked = text
        if not text.strip():
            self._show(text, [])
            return
        self.ctx.read(
            lambda store: _search_and_progress(store, text),
            lambda found: self._show(text, *found),
        )

    def _show(self, text: str, hits: list[SearchHit], percent: int = 100) -> None:
        if text != self._asked:
            return  # an older search answered after a newer one was asked
        self.hits = hits
        self.index_percent = percent
        self._fill()
        self.shown.emit()

    def _index_progressed(self, percent: int) -> None:
        if self.index_percent < 100 and percent > self.index_percent:
            self.index_percent = min(percent, 99)  # 100 only once the search ran again
            self._fill_status()

    def _index_finished(self) -> None:
        if self.index_percent < 100 and self._asked.strip():
            self.run_search()  # what was not indexed yet may match now

    def _fill_status(self) -> None:
        if not self._asked.strip():
            self.status.setText(self.tr("Type to search everything on this laptop."))
            return
        found = self.tr("Nothing found.")
        if self.hits:
            found = fill(self.tr("%1 found"), str(len(self.hits)))
        if self.index_percent < 100:
            found += "\n" + fill(
                self.tr(
                    "The search index is still being built (%1 %): records not indexed yet "
                    "are not found."
                ),
                str(self.index_percent),
            )
        self.status.setText(found)

    def _fill(self) -> None:
        self.model.clear()
        self._fill_status()
        if not self._asked.strip() or not self.hits:
            return
        root = self.model.invisibleRootItem()
        for kind in SEARCH_KINDS:
            of_kind = [h for h in self.hits if h.kind == kind]
            if not of_kind:
                continue
            heading = QStandardItem(f"{kind_title(kind)} ({len(of_kind)})")
            font = heading.font()
            font.setBold(True)
            heading.setFont(font)
            heading.setEditable(False)
            heading.setSelectable(False)
            root.appendRow(heading)
            for hit in of_kind:
                item = QStandardItem(hit.title)
                item.setData(hit, HIT_ROLE)
                item.setData(hit_html(hit), HTML_ROLE)
                item.setEditable(False)
                item.setToolTip(hit.snippet)
                root.appendRow(item)

    def _open(self, index: QModelIndex) -> None:
        hit = index.data(HIT_ROLE)
        if isinstance(hit, SearchHit) and hit.customer_id:
            self.open_customer.emit(hit.customer_id)


def _search_and_progress(store: Store, text: str) -> tuple[list[SearchHit], int]:
    """The hits, and how far the search index was built when they were found."""
    hits = search(store, text, SEARCH_KINDS, HITS_PER_KIND)
    return hits, search_build.progress(store).percent


class SearchCommand(QObject):
    """The "Search everything" action of a main window (Ctrl+Shift+F) and its window."""

    def __init__(self, window: QMainWindow, ctx: AppContext, show_customer: Any) -> None:
        super().__init__(window)
        self._window, self._ctx, self._show_customer = window, ctx, show_customer
        self.search_window: SearchWindow | None = None
        self.action = QAction(window)
        self.action.setObjectName("action_search_everything")
        self.action.setShortcut(QKeySequence("Ctrl+Shift+F"))
        self.action.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)
        self.action.setIcon(
            window.style().standardIcon(QStyle.StandardPixmap.SP_FileDialogContentsView)
        )
        self.action.triggered.connect(self.open)
        window.addAction(self.action)
        toolbar = window.findChild(QToolBar, "toolbar")
        if isinstance(toolbar, QToolBar):
            after_search = [a.objectName() for a in toolbar.actions()].index("action_search") + 1
            toolbar.insertAction(toolbar.actions()[after_search], self.action)
        window.installEventFilter(self)
        self.retranslate()

    def retranslate(self) -> None:
        self.action.setText(self.tr("Search everything"))
        self.action.setToolTip(self.tr("Search everything (Ctrl+Shift+F)"))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._window and event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        return False

    def open(self) -> SearchWindow:
        if self.search_window is None:
            self.search_window = SearchWindow(self._ctx, self._window)
            self.search_window.open_customer.connect(self._show_customer)
        self.search_window.show()
        self.search_window.activateWindow()
        self.search_window.query.setFocus()
        self.search_window.query.selectAll()
        return self.search_window


def search_command(window: QMainWindow) -> SearchCommand:
    """The search command installed on ``window``."""
    command = window.findChild(SearchCommand)
    assert isinstance(command, SearchCommand)
    return command
