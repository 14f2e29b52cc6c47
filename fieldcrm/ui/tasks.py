"""Run database and network work off the GUI thread and hand results back by signal.

One ``TaskRunner`` with a single thread executes the database operations of the app (one
writer, in order); the sync runs on a second runner, and reads that take seconds over a
whole territory (reports, the losing-touch list) on a third, so that a save or opening a
customer never waits behind them (SQLite in WAL mode reads alongside the writer). Worker
code never touches a widget: the callbacks given to ``submit`` run on the GUI thread,
after the worker thread emitted the result through a queued signal.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from itertools import count
from typing import Any, TypeVar

from PySide6.QtCore import QObject, Signal, Slot

log = logging.getLogger(__name__)
T = TypeVar("T")
Done = Callable[[Any], None]
Failed = Callable[[BaseException], None]


class TaskRunner(QObject):
    """A single worker thread; ``submit`` work, get the result on the GUI thread."""

    _finished = Signal(int, object, object)
    #: The number of tasks queued or running changed to 0 (handy for tests and the UI).
    idle = Signal()
    #: A task failed and no error callback was given.
    error = Signal(object)

    def __init__(self, name: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"fieldcrm-{name}")
        self._tickets = count(1)
        self._callbacks: dict[int, tuple[Done | None, Failed | None]] = {}
        self._finished.connect(self._deliver)
        self._closed = False

    @property
    def busy(self) -> bool:
        return bool(self._callbacks)

    def submit(
        self,
        work: Callable[[], T],
        on_done: Callable[[T], None] | None = None,
        on_error: Failed | None = None,
    ) -> None:
        if self._closed:
            return
        ticket = next(self._tickets)
        self._callbacks[ticket] = (on_done, on_error)
        self._pool.submit(self._run, ticket, work)

    def _run(self, ticket: int, work: Callable[[], Any]) -> None:
        try:
            result = work()
        except BaseException as exc:
            if not isinstance(exc, Exception):
                raise
            log.debug("task failed: %s", "".join(traceback.format_exception(exc)))
            self._finished.emit(ticket, None, exc)
            return
        self._finished.emit(ticket, result, None)

    @Slot(int, object, object)
    def _deliver(self, ticket: int, result: Any, exc: BaseException | None) -> None:
        on_done, on_error = self._callbacks.pop(ticket, (None, None))
        try:
            if exc is not None:
                if on_error is not None:
                    on_error(exc)
                else:
                    log.error("background task failed", exc_info=exc)
                    self.error.emit(exc)
            elif on_done is not None:
                on_done(result)
        finally:
            if not self._callbacks:
                self.idle.emit()

    def shutdown(self, *, drop_queued: bool = False) -> None:
        """Finish what is queued (writes must land), then stop the thread.

        ``drop_queued`` is for runners that only read: what has not started is dropped.
        """
        self._closed = True
        self._pool.shutdown(wait=True, cancel_futures=drop_queued)
