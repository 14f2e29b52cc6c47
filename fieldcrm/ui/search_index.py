"""The indexes of a first sync and the search index over everything typed, built in the
background after a sync.

A first sync ends as soon as the data is in. Its indexes (the customer list's order and
search, the lookups of every table) are built afterwards, one index per transaction
(``replica.end_bulk_load``), then its search index, one short transaction at a time
(``fieldcrm.store.search_build``), on a thread of their own, so the rep works and the
next sync runs meanwhile. After every sync the rows it changed
are indexed the same way. Nothing here touches a widget.
"""

from __future__ import annotations

import logging
import threading

from PySide6.QtCore import QObject, Signal

from fieldcrm.store import Store, search_build
from fieldcrm.ui.tasks import TaskRunner

log = logging.getLogger(__name__)


class SearchIndexBuilder(QObject):
    """Starts the builder when there is work; tells how far it is."""

    #: Percent built (0 to 100), after each slice.
    progressed = Signal(int)
    #: The index is complete and caught up.
    finished = Signal()
    _reported = Signal(int)

    def __init__(self, store: Store, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._store = store
        self._runner = TaskRunner("search-index", self)
        self._stop = threading.Event()
        self._running = False
        self._again = False
        #: The last percent known (None until the builder first looked).
        self.percent: int | None = None
        self._reported.connect(self._progress)

    @property
    def running(self) -> bool:
        return self._running

    def start(self) -> None:
        """Build and catch up now (on the builder's thread); a call while it runs makes
        it look once more when it is done (a sync may have left new work)."""
        if self._running:
            self._again = True
            return
        self._running, self._again = True, False
        self._runner.submit(self._work, self._done, self._failed)

    def _work(self) -> search_build.IndexProgress:
        return search_build.build(
            self._store, lambda state: self._reported.emit(state.percent), self._stop
        )

    def _progress(self, percent: int) -> None:
        if percent != self.percent:
            self.percent = percent
            self.progressed.emit(percent)

    def _done(self, state: search_build.IndexProgress) -> None:
        self._running = False
        self._progress(state.percent)
        if self._stop.is_set():
            return
        if self._again:
            self.start()
        elif state.built:
            self.finished.emit()

    def _failed(self, exc: BaseException) -> None:
        # The store was busy or the disk full: the next sync starts the builder again,
        # and a search catches up what it needs by itself.
        self._running = False
        log.warning("search index not built this time: %s", exc)

    def shutdown(self) -> None:
        """Stop after the slice in hand (its transaction lands or rolls back whole)."""
        self._stop.set()
        self._runner.shutdown(drop_queued=True)
