"""Background sync for the desktop: when to sync, on which thread, and the state to show.

The sync itself is the client sync engine (``fieldcrm.sync``, no Qt); it runs on its own
worker thread. This controller decides when (on start, every few minutes, shortly after
edits, on demand, and again and again while offline so a returning server is noticed)
and publishes the state the status bar shows.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from PySide6.QtCore import QObject, QTimer, Signal

from fieldcrm import sync as engine
from fieldcrm.app.customers import utc_now
from fieldcrm.app.session import remember_sign_in
from fieldcrm.domain.validation import format_datetime
from fieldcrm.store import Store
from fieldcrm.store.meta import LAST_SYNC_KEY, SERVER_VERSION_KEY
from fieldcrm.sync.credentials import keyring_available
from fieldcrm.sync.errors import SyncCancelled
from fieldcrm.sync.files import FileSync, file_policy
from fieldcrm.tls import tls_context
from fieldcrm.ui import i18n
from fieldcrm.ui.tasks import TaskRunner

log = logging.getLogger(__name__)

Progress = Callable[[int, int], None]


class SyncBackend(Protocol):
    """What the controller needs from the sync engine (runs on the sync thread)."""

    def login(self, server_url: str, username: str, password: str) -> dict[str, Any]: ...

    def fetch_attachment(self, server_url: str, attachment_id: str) -> Path: ...

    def sync(self, server_url: str, progress: Progress) -> Any: ...


def is_cancelled(exc: BaseException) -> bool:
    return isinstance(exc, SyncCancelled)


def is_offline_error(exc: BaseException) -> bool:
    """True for faults of the environment (no network, server down), retried quietly."""
    name = type(exc).__name__.lower()
    if "offline" in name or "unreachable" in name or "connect" in name or "timeout" in name:
        return True
    try:
        import httpx

        if isinstance(exc, httpx.TransportError):
            return True
    except ImportError:  # pragma: no cover - httpx is a desktop dependency
        pass
    return isinstance(exc, ConnectionError | TimeoutError)


class EngineBackend:
    """The real sync engine of ``fieldcrm.sync`` for one store."""

    #: Rows per pull page when syncing from the app.
    page_limit = 1000

    def __init__(self, store: Store, transport: Any = None) -> None:
        self.store = store
        self.transport = transport
        self._version_checked_for: str | None = None
        #: The server's version as it last said; read by the GUI thread (a plain str).
        self.server_version: str | None = None
        # Kept between runs (on the sync thread only): its access token and connection
        # make an idle sync one request instead of a token refresh and a pull.
        self._client: engine.SyncClient | None = None
        self._client_url: str | None = None
        # Set when the app closes: the run stops at its next checkpoint (between batches
        # and pages) and a wait before retrying ends at once.
        self._cancel = threading.Event()

    @staticmethod
    def warm_up() -> None:
        """Import the sync engine with its HTTP and keyring stack on the GUI thread, before
        the window shows: importing on the sync thread later holds the GIL, and so stalls
        the GUI thread, for a noticeable moment."""
        keyring_available()
        # Loading the certificate authorities holds the GIL too (about 50 ms).
        tls_context()

    def check_version(self, server_url: str) -> None:
        """Once per server and run: learn the server's version; refuse to sync when IT
        requires a newer client (``UpdateRequiredError`` with IT's message)."""
        if self._version_checked_for == server_url:
            return
        from fieldcrm.version_check import UpdateRequiredError, check_server

        check = check_server(server_url, transport=self.transport)
        self.server_version = check.server_version
        self.store.set_meta(SERVER_VERSION_KEY, check.server_version)
        if check.update_required:
            raise UpdateRequiredError(check.message)
        self._version_checked_for = server_url

    def close(self) -> None:
        """Let go of the kept connection and access token (a new session, or quitting)."""
        client, self._client, self._client_url = self._client, None, None
        if client is not None:
            client.close()

    def cancel(self) -> None:
        """Stop the running sync soon (from any thread); what it did so far is kept."""
        self._cancel.set()

    def _wait_before_retry(self, seconds: float) -> None:
        if self._cancel.wait(seconds):
            raise SyncCancelled("Sync was cancelled; what was done so far is kept.")

    def _client_for(self, server_url: str) -> engine.SyncClient:
        if self._client is None or self._client_url != server_url:
            self.close()
            self._client = engine.SyncClient(
                server_url,
                engine.load_credentials(self.store),
                transport=self.transport,
                sleep=self._wait_before_retry,
            )
            self._client_url = server_url
        return self._client

    def calendar_subscription(self, server_url: str, time_zone: str) -> str:
        """A new private calendar address (on the sync thread, like every request)."""
        return self._client_for(server_url).calendar_subscription(time_zone)

    def login(self, server_url: str, username: str, password: str) -> dict[str, Any]:
        self.close()
        info = engine.login(self.store, server_url, username, password)
        data = info.model_dump() if hasattr(info, "model_dump") else dict(info)
        remember_sign_in(self.store, server_url, data)
        return data

    def sync(self, server_url: str, progress: Progress) -> engine.SyncResult:
        self.check_version(server_url)
        client = self._client_for(server_url)
        try:
            # Smaller pages than the command line uses: decoding a page holds the GIL, and
            # the GUI thread must not wait more than a few milliseconds for it.
            run = engine.SyncEngine(
                self.store,
                client,
                progress=_progress_adapter(progress),
                page_limit=self.page_limit,
                cancel=self._cancel,
                # The first sync ends when the data is in and searchable; the window's
                # builder makes the indexes afterwards, one per transaction, while the
                # rep works (every transaction first checks its connection's schema,
                # ``db.SCHEMA_CHECK_SQL``, so a write after those indexes finds its tables).
                defer_indexes=True,
                files=FileSync(self.store, client, file_policy(), cancel=self._cancel),
            )
            return run.sync()
        except BaseException:
            # A session that ended, a server that went away: the next run starts afresh.
            self.close()
            raise

    def fetch_attachment(self, server_url: str, attachment_id: str) -> Path:
        """An attachment's original on this laptop, downloaded if needed, as a file the
        system's viewer can open (sync thread)."""
        client = self._client_for(server_url)
        try:
            return FileSync(self.store, client, file_policy()).open_copy(attachment_id)
        except BaseException:
            self.close()
            raise


def _progress_adapter(progress: Progress) -> Callable[[engine.SyncProgress], None]:
    def report(event: engine.SyncProgress) -> None:
        if event.phase == "index":
            # Building the indexes after a first sync: no count to show, the bar just moves.
            progress(0, 0)
            return
        progress(event.done, event.total)

    return report


@dataclass(slots=True)
class SyncState:
    #: None until the first attempt says otherwise.
    online: bool | None = None
    syncing: bool = False
    pending: int = 0
    last_sync: str | None = None
    error: str | None = None
    #: The engine's own (English) words for the error, for IT.
    error_detail: str | None = None
    #: Signing in again is what the error needs (the session ended).
    needs_sign_in: bool = False
    done: int = 0
    total: int = 0


class SyncController(QObject):
    """Schedules syncs on the sync thread and keeps the ``SyncState`` for the status bar."""

    state_changed = Signal()
    #: A sync finished successfully; the views reload.
    synced = Signal(object)
    #: A sync stopped with an error (not cancelled); what it pulled before is kept.
    failed = Signal(object)
    #: An administrator had this laptop wiped: the local data is gone, the store closed.
    wiped = Signal()
    _progress = Signal(int, int)

    def __init__(
        self,
        store: Store,
        db: TaskRunner,
        backend: SyncBackend,
        server_url: Callable[[], str],
        *,
        interval_minutes: int = 5,
        after_edit_ms: int = 3000,
        offline_retry_ms: int = 30_000,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.store = store
        self.db = db
        self.backend = backend
        self.server_url = server_url
        self.net = TaskRunner("sync", self)
        #: Why the last run stopped ("no_server" or the exception), None when it did not.
        self._error_cause: BaseException | str | None = None
        self.state = SyncState()
        self._again = False
        #: A local write happened while a run was going: that run may have read the outbox
        #: before it, so another run follows when this one reached the server.
        self._edited_while_syncing = False
        self._enabled = False
        self._periodic = QTimer(self)
        self._periodic.timeout.connect(self.sync_now)
        self.set_interval(interval_minutes)
        self._after_edit = QTimer(self)
        self._after_edit.setSingleShot(True)
        self._after_edit.setInterval(after_edit_ms)
        self._after_edit.timeout.connect(self.sync_now)
        self._retry = QTimer(self)
        self._retry.setSingleShot(True)
        self._retry.setInterval(offline_retry_ms)
        self._retry.timeout.connect(self.sync_now)
        self._progress.connect(self._on_progress)

    # ---- scheduling ----------------------------------------------------------------

    def set_interval(self, minutes: int) -> None:
        self._periodic.setInterval(max(1, minutes) * 60_000)

    def start(self) -> None:
        """Begin syncing in the background: now, and then on the schedule."""
        self._enabled = True
        self._periodic.start()
        self.refresh_counts()
        self.sync_now()

    def stop(self) -> None:
        self._enabled = False
        self._periodic.stop()
        self._after_edit.stop()
        self._retry.stop()

    def note_edit(self) -> None:
        """A local write happened: update the pending count, sync shortly (when online)."""
        self.refresh_counts()
        if self.state.syncing:
            self._edited_while_syncing = True
        if self._enabled and self.state.online is not False:
            self._after_edit.start()

    def fetch_attachment(
        self,
        attachment_id: str,
        on_done: Callable[[Path], None],
        on_error: Callable[[BaseException], None],
    ) -> None:
        """Download an attachment's original on the sync thread (opened on demand)."""
        url, backend = self.server_url(), self.backend
        if not url:
            on_error(RuntimeError("no server"))
            return
        self.net.submit(lambda: backend.fetch_attachment(url, attachment_id), on_done, on_error)

    def sync_now(self) -> None:
        if not self.server_url():
            self._error_cause = "no_server"
            self.retranslate()
            self.state.error_detail, self.state.needs_sign_in = None, False
            self.state_changed.emit()
            return
        if self.state.syncing:
            self._again = True
            return
        self._retry.stop()
        self._edited_while_syncing = False
        self.state.syncing = True
        self.state.done = self.state.total = 0
        self.state_changed.emit()
        url = self.server_url()
        backend = self.backend
        emit = self._progress.emit
        self.net.submit(lambda: backend.sync(url, emit), self._finished, self._failed)

    # ---- results (GUI thread) -------------------------------------------------------

    def _on_progress(self, done: int, total: int) -> None:
        self.state.done, self.state.total = done, total
        self.state_changed.emit()

    def _finished(self, result: Any) -> None:
        self.state.syncing = False
        if getattr(result, "wiped", False):
            self.stop()  # nothing is left to sync, and the store must not be reopened
            self.wiped.emit()
            return
        if self._edited_while_syncing:
            # E.g. a run that started offline and waited for the server to come back: an
            # edit made meanwhile is sent now, not at the next periodic sync.
            self._again = self._enabled
        self.state.online = True
        self.state.error = self.state.error_detail = self._error_cause = None
        self.state.needs_sign_in = False
        store = self.store
        now = format_datetime(utc_now())

        def record() -> tuple[int, str | None]:
            # The engine records the time of a successful sync; an engine that does not is
            # covered here so that the status bar never says "never synced" after a sync.
            if store.meta(LAST_SYNC_KEY) is None:
                store.set_meta(LAST_SYNC_KEY, now)
            return store.pending_count(), store.meta(LAST_SYNC_KEY)

        def recorded(counts: tuple[int, str | None]) -> None:
            self._counts_arrived(counts)
            self.synced.emit(result)
            self._after()

        self.db.submit(record, recorded)

    def _failed(self, exc: BaseException) -> None:
        self.state.syncing = False
        if is_cancelled(exc):  # the app is closing; nothing to tell
            return
        if is_offline_error(exc):
            self.state.online = False
            self.state.error = self.state.error_detail = self._error_cause = None
            self.state.needs_sign_in = False
            if self._enabled:
                self._retry.start()
        else:
            log.warning("sync failed: %s", exc)
            self._error_cause = exc
            self.retranslate()
            self.state.error_detail = str(exc) or type(exc).__name__
            self.state.needs_sign_in = i18n.needs_sign_in(exc)
        self.state_changed.emit()
        self.failed.emit(exc)
        self.refresh_counts()
        self._after()

    def _after(self) -> None:
        if self._again:
            self._again = False
            self.sync_now()

    def refresh_counts(self) -> None:
        store = self.store
        self.db.submit(
            lambda: (store.pending_count(), store.meta(LAST_SYNC_KEY)), self._counts_arrived
        )

    def _counts_arrived(self, counts: tuple[int, str | None]) -> None:
        self.state.pending, self.state.last_sync = counts
        self.state_changed.emit()

    def retranslate(self) -> None:
        """Say why the last sync stopped in the current language (after a switch too)."""
        cause = self._error_cause
        if cause == "no_server":
            self.state.error = self.tr("No server configured. Set the server address in Settings.")
        elif isinstance(cause, BaseException):
            self.state.error = i18n.sync_error(cause)

    def shutdown(self) -> None:
        """Stop syncing (the app closes): a running sync is cancelled at its next
        checkpoint instead of being waited for to the end."""
        self.stop()
        cancel = getattr(self.backend, "cancel", None)
        if cancel is not None:
            cancel()
        self.net.shutdown()
        close = getattr(self.backend, "close", None)
        if close is not None:
            close()
