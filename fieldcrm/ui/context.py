"""What every view of the running app shares: the store, the worker threads, the user."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from PySide6.QtCore import QObject, Signal

from fieldcrm.app import EVERYTHING, Changes
from fieldcrm.app.corrections import UndoHistory
from fieldcrm.store import Store
from fieldcrm.ui import i18n
from fieldcrm.ui.settings import Settings
from fieldcrm.ui.sync import SyncController
from fieldcrm.ui.tasks import TaskRunner

if TYPE_CHECKING:
    from fieldcrm.ui.search_index import SearchIndexBuilder

T = TypeVar("T")


class AppContext(QObject):
    """Shared services; ``data_changed`` tells the views which kinds of record a write or a
    sync changed (a ``frozenset`` of kinds, see ``fieldcrm.app.changes``), so that each
    reloads only when its own kinds changed."""

    data_changed = Signal(object)
    #: A message for the status bar (already translated).
    message = Signal(str)
    #: What Ctrl+Z would undo changed (the action's name, or "" when nothing).
    undo_changed = Signal(str)

    def __init__(
        self,
        store: Store,
        db: TaskRunner,
        settings: Settings,
        sync: SyncController,
        parent: QObject | None = None,
        *,
        analysis: TaskRunner | None = None,
    ) -> None:
        super().__init__(parent)
        self.store = store
        self.db = db
        #: Runs reads over a whole territory that take seconds (reports, losing touch), so
        #: that saves and quick reads on ``db`` never queue behind them. Only reads here.
        self.analysis = analysis or db
        self.settings = settings
        self.sync = sync
        self.user_id: str | None = None
        self.username: str | None = None
        self.display_name: str | None = None
        #: "rep", "manager" or "admin"; decides which pages show.
        self.role: str | None = None
        #: The last actions since the app started, for Ctrl+Z.
        self.undo_history = UndoHistory()
        #: Builds the search index in the background (set by the main window).
        self.search_index: SearchIndexBuilder | None = None
        sync.synced.connect(self._synced)

    def _synced(self, result: object) -> None:
        self.data_changed.emit(EVERYTHING)
        notice = i18n.sync_notice(result)
        if notice:
            self.message.emit(notice)

    def read(
        self,
        work: Callable[[Store], T],
        on_done: Callable[[T], None],
        on_error: Callable[[BaseException], None] | None = None,
    ) -> None:
        store = self.store
        self.db.submit(lambda: work(store), on_done, on_error)

    def write(
        self,
        work: Callable[[Store], Changes],
        on_done: Callable[[Changes], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
    ) -> None:
        """A write (a use case of ``fieldcrm.app``) on the database thread; afterwards the
        views of the kinds it changed reload and a sync is due."""
        store = self.store

        def done(changes: Changes) -> None:
            self.changed(changes)
            if on_done is not None:
                on_done(changes)

        self.db.submit(lambda: work(store), done, on_error)

    def changed(self, changes: Changes) -> None:
        """A write went through: the views of its kinds reload and a sync is due; what it
        did can be undone."""
        if changes.undo is not None:
            self.undo_history.record(changes)
            self.undo_changed.emit(self.undo_history.next_action() or "")
        self.data_changed.emit(changes.kinds)
        self.sync.note_edit()

    def undo(self, on_error: Callable[[BaseException], None] | None = None) -> bool:
        """Undo the last action (on the database thread); False when there is none."""
        entry = self.undo_history.take()
        self.undo_changed.emit(self.undo_history.next_action() or "")
        if entry is None:
            return False
        store = self.store

        def done(changes: Changes) -> None:
            self.data_changed.emit(changes.kinds)
            self.sync.note_edit()

        self.db.submit(lambda: entry.run(store), done, on_error)
        return True

    def require_user(self) -> str:
        if self.user_id is None:
            raise RuntimeError("nobody is signed in")
        return self.user_id

    def __repr__(self) -> str:  # pragma: no cover - debugging aid
        return f"AppContext(user={self.username!r})"
