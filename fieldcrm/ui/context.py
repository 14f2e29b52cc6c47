"""What every view of the running app shares: the store, the worker threads, the user."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from PySide6.QtCore import QObject, Signal

from fieldcrm.store import Store
from fieldcrm.ui.settings import Settings
from fieldcrm.ui.sync import SyncController
from fieldcrm.ui.tasks import TaskRunner

T = TypeVar("T")


class AppContext(QObject):
    """Shared services; ``data_changed`` tells every view to reload after a write or a sync."""

    data_changed = Signal()
    #: A message for the status bar (already translated).
    message = Signal(str)

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
        sync.synced.connect(lambda _result: self.data_changed.emit())

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
        work: Callable[[Store], T],
        on_done: Callable[[T], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
    ) -> None:
        """A write on the database thread; afterwards views reload and a sync is due."""
        store = self.store

        def done(result: T) -> None:
            self.edited()
            if on_done is not None:
                on_done(result)

        self.db.submit(lambda: work(store), done, on_error)

    def edited(self) -> None:
        self.data_changed.emit()
        self.sync.note_edit()

    def require_user(self) -> str:
        if self.user_id is None:
            raise RuntimeError("nobody is signed in")
        return self.user_id

    def __repr__(self) -> str:  # pragma: no cover - debugging aid
        return f"AppContext(user={self.username!r})"
