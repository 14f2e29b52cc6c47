"""The sync run: push the outbox, pull pages to the end, verify by digests, repair what differs.

No Qt here: the desktop app runs ``SyncEngine.sync()`` on a worker thread and gets
progress through the injected callback; the command line runs it directly.

``sync()`` raises the errors that need a person (``NotLoggedIn``, ``LoginRequired``,
``AccessRevoked``, ``ProtocolMismatch``) and ``SyncCancelled``. Environment faults that
remained after the client's retries (``ServerUnreachable``, ``ServerError``, ...) are
raised too (the exception's ``result`` holds what the run did until then), unless the
engine was made with ``raise_errors=False``: then the run ends with a ``SyncResult``
whose ``ok`` is false and whose ``errors`` say what happened. Either way everything done
until then is kept (each batch and page commits with its checkpoint).
"""

from __future__ import annotations

import contextlib
import gc
import logging
import re
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

import orjson

from fieldcrm.domain.ids import new_device_id
from fieldcrm.protocol import (
    ENTITY_NAMES,
    MAX_BODY_BYTES,
    MAX_DIGEST_RANGES,
    MAX_ENTRIES_PER_PUSH,
    MAX_ROWS_PER_FETCH,
    MAX_ROWS_PER_PAGE,
)
from fieldcrm.protocol.codes import REJECTIONS, english
from fieldcrm.protocol.digest import Digest
from fieldcrm.store import Store, replica
from fieldcrm.store.meta import BULK_LOAD_KEY, VERIFIED_PULL_KEY
from fieldcrm.store.replica import (
    CURSOR_KEY,
    FULL_RESYNC_KEY,
    LAST_SYNC_KEY,
    RESYNC_CURSOR_KEY,
    get_meta,
    set_meta,
)
from fieldcrm.sync.client import SyncClient
from fieldcrm.sync.errors import (
    FATAL_ERRORS,
    ClockAhead,
    DeviceReused,
    RequestRejected,
    ServerError,
    ServerUnreachable,
    SyncCancelled,
    SyncError,
    VerificationFailed,
    WipeRequested,
)
from fieldcrm.sync.files import FileSync, FileTransfer
from fieldcrm.sync.wipe import carry_out_wipe

log = logging.getLogger("fieldcrm.sync")

Phase = Literal["push", "pull", "index", "resync", "verify", "done"]


@dataclass(frozen=True, slots=True)
class SyncProgress:
    """Where a sync run is: ``done`` of ``total`` (``total`` 0 when not known yet)."""

    phase: Phase
    done: int
    total: int
    message: str = ""


@dataclass(frozen=True, slots=True)
class ScopeChange:
    """What a sync found changed in what this user may see, and what it moved.

    ``territory_*`` and ``role_*`` are the user's own before and after the run (names, not
    ids, where the territory is known here); ``removed`` and ``added`` count the records per
    entity that left this laptop or arrived on it because of the change.
    """

    territory_before: str | None
    territory_after: str | None
    role_before: str | None
    role_after: str | None
    removed: dict[str, int]
    added: dict[str, int]

    @property
    def moved(self) -> bool:
        return (self.territory_before, self.role_before) != (self.territory_after, self.role_after)

    def describe(self) -> str:
        """The change in English words (the desktop says it in the user's language)."""
        removed = self.removed.get("customer", 0)
        added = self.added.get("customer", 0)
        counts = (
            f"{removed} customer{'s' if removed != 1 else ''} removed from this laptop, "
            f"{added} added"
        )
        if self.moved and self.territory_after and self.territory_after != self.territory_before:
            return f"You now work in territory {self.territory_after}: {counts}."
        if self.moved:
            return f"Your role is now {self.role_after}: {counts}."
        return f"What you may see has changed: {counts}."


@dataclass(slots=True)
class SyncResult:
    """What one sync run did."""

    pushed: int = 0
    pulled: int = 0
    conflicts: int = 0
    rejected: int = 0
    errors: list[str] = field(default_factory=list)
    ok: bool = False
    #: Records removed from this laptop because they left this user's scope (an evicted
    #: customer's contacts, visits, notes and follow-ups included).
    evicted: int = 0
    #: Un-pushed local edits to evicted records (moved to the rejected list with a reason).
    evicted_edits: int = 0
    #: Tombstones applied.
    deleted: int = 0
    full_resync: bool = False
    #: Records fetched or evicted because verification found them different.
    repaired: int = 0
    #: The user's scope changed (or verification moved records in or out): what happened.
    scope_change: ScopeChange | None = None
    #: This profile's device identity had been used by another copy of it (restored from
    #: a backup, or copied): the laptop took a new one and sent its changes again.
    device_reused: bool = False
    #: Outbox entries left after the run (edits made while it ran, or not acknowledged).
    pending: int = 0
    #: An administrator had this laptop wiped: its local data is gone (the store is closed).
    wiped: bool = False
    #: ... and the server was told (else the next start tells it).
    wipe_confirmed: bool = False
    #: Every pending change had reached the server before the wipe.
    pushed_before_wipe: bool = False
    offline: bool = False
    #: The server answered the pull "nothing changed for you" (304): nothing to pull, push
    #: or verify.
    not_modified: bool = False
    requests: int = 0
    bytes_sent: int = 0
    bytes_received: int = 0
    seconds: float = 0.0
    #: Attachment contents moved after the records (``fieldcrm.sync.files``), if asked to.
    files: FileTransfer | None = None


#: What the laptop writes to a change's rejected-list entry when the server refused the
#: request that carried it (``fieldcrm.ui.i18n`` translates these sentences).
TOO_LARGE_REASON = english(REJECTIONS, "local_too_large", {})
#: A laptop clock this close to the server's counts as right.
CLOCK_TOLERANCE_MS = 60_000
#: How long idle syncs may be answered "nothing changed" (304) before a sync pulls in
#: full and compares digests again: the periodic full verification.
FULL_CHECK_MS = 10 * 60 * 1000
#: Requests are cut well below the server's body cap (``MAX_BODY_BYTES``).
PUSH_BODY_BUDGET = MAX_BODY_BYTES // 2
#: JSON keys, ids and punctuation of one entry around its fields and stamps.
ENTRY_OVERHEAD_BYTES = 256


def _rejection(op_no: int, code: str, field: str | None, **params: Any) -> dict[str, Any]:
    """A push result, made on this laptop, that moves an entry to the rejected list."""
    return {
        "op_no": op_no,
        "status": "rejected",
        "reason": english(REJECTIONS, code, params),
        "field": field,
        "code": code,
        "params": params,
    }


class SyncEngine:
    """Reconciles one local store with the sync server through a ``SyncClient``."""

    def __init__(
        self,
        store: Store,
        client: SyncClient,
        progress: Callable[[SyncProgress], None] | None = None,
        *,
        push_batch: int = MAX_ENTRIES_PER_PUSH,
        page_limit: int = MAX_ROWS_PER_PAGE,
        verify: bool = True,
        cancel: threading.Event | None = None,
        clock: Callable[[], float] = time.monotonic,
        raise_errors: bool = True,
        bulk_load: bool = True,
        defer_indexes: bool = False,
        full_check_ms: int = FULL_CHECK_MS,
        files: FileSync | None = None,
    ) -> None:
        self.store = store
        #: Moves attachment contents once the records are synced.
        self.files = files
        self.client = client
        self._progress = progress
        self.push_batch = max(1, min(push_batch, MAX_ENTRIES_PER_PUSH))
        self.page_limit = max(1, min(page_limit, MAX_ROWS_PER_PAGE))
        self.verify = verify
        self.cancel = cancel or threading.Event()
        self._clock = clock
        self.raise_errors = raise_errors
        self.bulk_load = bulk_load
        #: A first sync ends when the data is in and leaves its indexes to a background
        #: builder (``replica.end_bulk_load``; the app's search index builder), instead of
        #: building them before it returns.
        self.defer_indexes = defer_indexes
        #: How long idle syncs may be answered "nothing changed" before a full check.
        self.full_check_ms = full_check_ms
        #: The server's tag of this run's last pulled page (kept once the run is verified),
        #: and a first page the idle check fetched already (its cursor and the page).
        self._answer_tag: str | None = None
        self._prefetched: tuple[str, dict[str, Any]] | None = None
        self._noted_recently = False
        #: Pages of a first sync commit without waiting for the disk (``apply_page``).
        self._relaxed_pages = False
        #: This run loaded a first sync in bulk (its last note is relaxed too).
        self._bulk_run = False

    # ---- the run --------------------------------------------------------------------

    def sync(self) -> SyncResult:
        with _collector_paused():
            return self._sync()

    def _sync(self) -> SyncResult:
        result = SyncResult()
        started = self._clock()
        traffic = self.client.traffic
        before = (traffic.requests, traffic.bytes_sent, traffic.bytes_received)
        removed: dict[str, int] = {}
        added: dict[str, int] = {}
        identity_before: tuple[str | None, str | None] | None = None
        self._answer_tag = self._prefetched = None
        self._noted_recently = self._bulk_run = False
        try:
            if self._unchanged(result):
                if self.files is not None:
                    result.files = self.files.run()  # contents still waiting, if any
                result.ok = True
                return self._finish(result, started, before)
            identity_before = self._own_identity()
            held_back = self._push(result)
            scope = self._pull(result)
            if self.store.meta(FULL_RESYNC_KEY) == "1":
                scope = self._full_resync(result)
            if self.verify and scope is not None:
                self._verify(result, scope, removed, added)
            if self.files is not None:
                result.files = self.files.run()
            if held_back is not None:
                raise held_back  # pulled all the same; the changes wait in the outbox
            result.ok = True
        except WipeRequested as exc:
            self._wipe(result, exc)
        except FATAL_ERRORS:
            raise
        except SyncCancelled:
            raise
        except SyncError as exc:
            log.warning("sync stopped: %s", exc.message)
            result.errors.append(exc.message)
            result.offline = isinstance(exc, ServerUnreachable)
            exc.result = result
            if self.raise_errors:
                raise
        finally:
            if not result.not_modified:
                if not result.wiped:
                    result.pending = self.store.pending_count()
                    if identity_before is not None:
                        result.scope_change = self._scope_change(identity_before, removed, added)
                self._count_traffic(result, started, before)
        return self._finish(result, started, before)

    def _count_traffic(self, result: SyncResult, started: float, before: tuple[int, ...]) -> None:
        traffic = self.client.traffic
        result.requests = traffic.requests - before[0]
        result.bytes_sent = traffic.bytes_sent - before[1]
        result.bytes_received = traffic.bytes_received - before[2]
        result.seconds = self._clock() - started

    def _finish(self, result: SyncResult, started: float, before: tuple[int, ...]) -> SyncResult:
        """Note a successful run (and a verified pull's tag) in one write; report done."""
        if result.ok and not result.wiped and not (result.not_modified and self._noted_recently):
            # After a first sync's relaxed pages (``apply_page``) this note is relaxed too,
            # so that copying the WAL back (a checkpoint of every page the sync wrote) is
            # left to the next write, the index builder's; what it notes can be lost.
            with self.store.write(relaxed=self._bulk_run) as uow:
                set_meta(uow.connection, LAST_SYNC_KEY, self.store.now_text())
                if self._answer_tag is not None:
                    cursor = get_meta(uow.connection, CURSOR_KEY)
                    verified = {"cursor": cursor, "tag": self._answer_tag}
                    set_meta(
                        uow.connection,
                        VERIFIED_PULL_KEY,
                        orjson.dumps(verified | {"at": self.store.wall_ms()}).decode(),
                    )
        if result.not_modified:
            self._count_traffic(result, started, before)
        self._report("done", result.pulled, result.pulled)
        return result

    def _wipe(self, result: SyncResult, request: WipeRequested) -> None:
        """Send what is pending (unless the wipe is "now"), then delete the local data.

        If the pending changes cannot be sent now (offline again), nothing is deleted: the
        next contact tries again, so no change is lost on the way."""
        if not request.now:
            try:
                self._push(result)
            except WipeRequested as now:
                if not now.now:
                    raise
            except SyncError as exc:
                log.warning("wipe postponed: the pending changes were not sent (%s)", exc)
                result.errors.append(exc.message)
                result.offline = isinstance(exc, ServerUnreachable)
                return
        result.pushed_before_wipe = self.store.pending_count() == 0
        result.wipe_confirmed = carry_out_wipe(self.store, self.client)
        result.wiped = True
        result.ok = True

    def _unchanged(self, result: SyncResult) -> bool:
        """The idle check: with nothing to send, ask the server with the tag of the last
        verified pull whether anything changed for this user since (one request). True
        when it says nothing did. A page it sends instead is kept for the pull.

        Not when a full check is due (``full_check_ms`` after the last one), a first sync
        or a full resync is under way, or changes or resolutions wait to be sent.
        """
        with self.store.read() as conn:
            waiting, resolving = conn.exec_driver_sql(
                "SELECT EXISTS (SELECT 1 FROM outbox), "
                "EXISTS (SELECT 1 FROM conflict WHERE resolution_pending)"
            ).one()
            meta: dict[str, str] = dict(
                conn.exec_driver_sql(
                    "SELECT key, value FROM meta WHERE key IN (?, ?, ?, ?, ?)",
                    (CURSOR_KEY, VERIFIED_PULL_KEY, FULL_RESYNC_KEY, BULK_LOAD_KEY, LAST_SYNC_KEY),
                ).all()
            )
        cursor = meta.get(CURSOR_KEY)
        if waiting or resolving or cursor is None or meta.get(FULL_RESYNC_KEY) == "1":
            return False
        if meta.get(BULK_LOAD_KEY) is not None:
            return False
        try:
            verified = orjson.loads(meta.get(VERIFIED_PULL_KEY) or "null")
        except orjson.JSONDecodeError:
            return False
        if not isinstance(verified, dict) or verified.get("cursor") != cursor:
            return False
        tag, at = verified.get("tag"), verified.get("at")
        if not isinstance(tag, str) or not isinstance(at, int):
            return False
        if not 0 <= self.store.wall_ms() - at < self.full_check_ms:
            return False
        page = self.client.pull(cursor, self.page_limit, if_none_match=tag)
        if page is None:
            result.not_modified = True
            # The time of the last sync is written again only when the one noted is a
            # minute old: an idle poll then writes (and waits for the disk) at most once a
            # minute; what the app shows is to the minute.
            noted = meta.get(LAST_SYNC_KEY)
            self._noted_recently = noted is not None and 0 <= _age_ms(noted, self.store) < 60_000
            return True
        self._prefetched = (cursor, page)
        return False

    def _report(self, phase: Phase, done: int, total: int, message: str = "") -> None:
        if self._progress is not None:
            self._progress(SyncProgress(phase, done, total, message))

    def _check_cancel(self) -> None:
        if self.cancel.is_set():
            raise SyncCancelled("Sync was cancelled; what was done so far is kept.")

    # ---- push ---------------------------------------------------------------------

    def _push(self, result: SyncResult) -> SyncError | None:
        """Send the outbox in batches; entries written while this runs wait for the next run.

        A batch the server refuses as a whole never blocks the outbox: a body over the size
        cap is sent again in halves, entries the server names as unreadable move to the
        rejected list with its reason, and an unnamed refusal is narrowed down by halving
        until the one entry is found. Only a refusal that concerns the laptop rather than
        its entries (its clock is ahead) stops pushing; that error is returned so the run
        still pulls and reports it at the end.

        Batches go out one after the other, but the laptop does not wait for each: while
        the server works on a batch, the next one is read from the outbox, and once the
        server has answered, the next batch is sent before this answer is written down
        (the entries leave the outbox, each with its own commit). The server sees the same
        requests in the same order as without the overlap; only an accepted batch is
        followed at once, so every refusal is handled before anything else is sent. An
        answer that never gets written down (the run stops) is a lost answer: the entries
        stay in the outbox and the next run's replay gets the same results.
        """
        with self.store.read() as conn:
            last_op = conn.exec_driver_sql("SELECT max(op_no) FROM outbox").scalar() or 0
            total = conn.exec_driver_sql("SELECT count(*) FROM outbox").scalar_one()
            resolved = replica.resolved_unsent(conn)
        if not total and not resolved:
            return None
        self._report("push", 0, total)
        done = 0
        after = 0
        limit = self.push_batch
        sender = ThreadPoolExecutor(max_workers=1, thread_name_prefix="fieldcrm-push")
        #: The batch on its way (its request, entries and body), and the next one, read
        #: from the outbox while the server works.
        flying: tuple[Future[dict[str, Any]], list[dict[str, Any]], dict[str, Any]] | None
        flying = None
        following: list[dict[str, Any]] | None = None
        try:
            while True:
                if flying is None:
                    self._check_cancel()
                    entries = self._outbox_batch(after, last_op, limit)
                    if not entries and not resolved:
                        break
                    body = self._push_body(entries, resolved)
                    flying = (sender.submit(self.client.push, body), entries, body)
                future, entries, body = flying
                if entries and following is None:
                    following = self._outbox_batch(entries[-1]["op_no"], last_op, self.push_batch)
                try:
                    response = future.result()
                except DeviceReused as exc:
                    flying = following = None
                    # Entries before the first reused number are this profile's own history
                    # (replays, or numbers the other copy has not used): they go as they are.
                    reused = [d["op_no"] for d in exc.details if isinstance(d.get("op_no"), int)]
                    first = min(reused, default=entries[0]["op_no"] if entries else 0)
                    earlier = sum(1 for e in entries if e["op_no"] < first)
                    if earlier:
                        limit = earlier
                        continue
                    if result.device_reused:
                        raise  # a second time in one run: something else is wrong
                    self._take_new_identity(result)
                    continue
                except ClockAhead as exc:
                    flying = following = None
                    refused = self._future_entries(exc, entries)
                    if not refused:
                        return exc
                    stats = replica.apply_push_results(self.store, refused)
                    result.rejected += stats.rejected
                    done += stats.rejected
                    self._report("push", done, total)
                    continue
                except RequestRejected as exc:
                    flying = following = None
                    refused = self._refused_entries(exc, entries)
                    if refused:
                        stats = replica.apply_push_results(self.store, refused)
                        result.rejected += stats.rejected
                        done += stats.rejected
                        self._report("push", done, total)
                    elif len(entries) > 1:
                        limit = max(1, len(entries) // 2)
                        log.info("push of %d entries refused (%s); halving", len(entries), exc)
                    else:
                        raise  # a refusal without entries to blame (resolutions only)
                    continue
                flying = None
                if entries:
                    answered = {int(r["op_no"]) for r in response["results"]}
                    if not answered.intersection(e["op_no"] for e in entries):
                        raise SyncError("The server answered a push without results; sync stopped.")
                    after = entries[-1]["op_no"]
                resolved = resolved[MAX_ENTRIES_PER_PUSH:]
                limit = self.push_batch
                if following is not None and not self.cancel.is_set() and (following or resolved):
                    # The next batch goes out while this answer is written down.
                    next_body = self._push_body(following, resolved)
                    flying = (sender.submit(self.client.push, next_body), following, next_body)
                following = None
                stats = replica.apply_push_results(
                    self.store, response["results"], body["resolved_conflicts"]
                )
                result.pushed += stats.acknowledged
                result.rejected += stats.rejected
                result.conflicts += stats.conflicts
                if entries:
                    done += len(entries)
                    self._report("push", done, total)
        finally:
            # A batch still on its way when the run stops: wait for it (its answer is not
            # written down; the next run's replay gets it again).
            sender.shutdown(wait=True)
        return None

    def _push_body(self, entries: list[dict[str, Any]], resolved: list[str]) -> dict[str, Any]:
        return {
            "device_id": self.store.device_id,
            "entries": entries,
            "resolved_conflicts": resolved[:MAX_ENTRIES_PER_PUSH],
        }

    def _take_new_identity(self, result: SyncResult) -> None:
        """Another copy of this profile (a backup put back, a copied profile) used this
        device identity: ask the server for a new one, move the profile and its unsent
        changes over to it, and go on sending them. The server's answer comes first: a
        crash in between leaves the old identity, and the next run asks again."""
        new_id = new_device_id()
        log.warning("device identity %s was reused; taking %s", self.store.device_id, new_id)
        try:
            tokens = self.client.rekey(new_id)
        except RequestRejected as exc:
            if exc.code != "device_taken":
                raise
            # The answer to a first request was lost and the client asked again: the server
            # had given that id already. That device is left unused; take another.
            new_id = new_device_id()
            log.warning("device id taken; taking %s", new_id)
            tokens = self.client.rekey(new_id)
        replica.change_device_id(self.store, new_id)
        holder = self.client.credentials
        if holder is not None:
            holder.device_id = new_id
            follow = getattr(holder, "follow_device", None)
            if callable(follow):
                follow(self.store)
        self.client.adopt(tokens)
        result.device_reused = True

    def _future_entries(
        self, exc: ClockAhead, entries: list[dict[str, Any]]
    ) -> list[dict[str, Any]]:
        """After the server refused changes dated in the future: when this laptop's clock
        is right again, those changes were stamped while it was ahead. They go to the
        rejected list (the rep sends them again from there, with right stamps) and the
        laptop's clock starts again from the wall clock. While the clock is still ahead
        nothing is rejected: the changes wait and the run reports the clock."""
        now_ms = self.store.clock.wall_ms()
        if exc.server_ms is None or now_ms - exc.server_ms > CLOCK_TOLERANCE_MS:
            return []
        in_batch = {e["op_no"] for e in entries}
        minutes: dict[int, int] = {}
        for detail in exc.details:
            op_no = detail.get("op_no")
            found = re.search(r"dated (\d+) minutes", str(detail.get("message") or ""))
            if isinstance(op_no, int) and op_no in in_batch and found:
                minutes[op_no] = max(minutes.get(op_no, 0), int(found[1]))
        if not minutes:
            return []
        self.store.clock.reset_to_wall_clock()
        self.store.set_meta("hlc", self.store.clock.last)
        log.warning("%d changes were dated in the future; clock reset", len(minutes))
        return [
            _rejection(op_no, "local_future", None, minutes=count)
            for op_no, count in minutes.items()
        ]

    @staticmethod
    def _refused_entries(
        exc: RequestRejected, entries: list[dict[str, Any]]
    ) -> list[dict[str, Any]]:
        """Push results that reject the entries a whole-batch refusal is about: those the
        server names, or the batch's only entry. Empty when the batch must be narrowed."""
        in_batch = {e["op_no"] for e in entries}
        if exc.status == 413:
            if len(entries) > 1:
                return []
            return [_rejection(entries[0]["op_no"], "local_too_large", None)]
        named: dict[int, dict[str, Any]] = {}
        for detail in exc.details:
            op_no = detail.get("op_no")
            loc = detail.get("loc")
            if op_no is None and isinstance(loc, list) and "entries" in loc:
                # A request the server could not parse: it names the entry by position.
                at = loc.index("entries") + 1
                if at < len(loc) and str(loc[at]).isdigit() and int(loc[at]) < len(entries):
                    op_no = entries[int(loc[at])]["op_no"]
            if isinstance(op_no, int) and op_no in in_batch and op_no not in named:
                message = str(detail.get("message") or exc.message)
                field = detail.get("field")
                named[op_no] = _rejection(
                    op_no,
                    "local_unreadable",
                    field if isinstance(field, str) else None,
                    detail=message,
                )
        if named:
            return list(named.values())
        if len(entries) == 1:
            return [_rejection(entries[0]["op_no"], "local_unreadable", None, detail=exc.message)]
        return []

    def _outbox_batch(self, after: int, last_op: int, limit: int) -> list[dict[str, Any]]:
        """The next entries to send: at most ``limit``, and no more than fit in a request
        (an entry may hold a long report; the server caps the body size)."""
        with self.store.read() as conn:
            rows = conn.exec_driver_sql(
                "SELECT op_no, device_id, entity, row_id, op, fields, stamps, base_stamps "
                "FROM outbox WHERE op_no > ? AND op_no <= ? ORDER BY op_no LIMIT ?",
                (after, last_op, limit),
            ).all()
        batch: list[dict[str, Any]] = []
        size = 0
        for op_no, device_id, entity, row_id, op, fields, stamps, base_stamps in rows:
            size += len(fields) + len(stamps) + len(base_stamps) + ENTRY_OVERHEAD_BYTES
            if batch and size > PUSH_BODY_BUDGET:
                break
            batch.append(
                {
                    "device_id": device_id,
                    "op_no": op_no,
                    "entity": entity,
                    "row_id": row_id,
                    "op": op,
                    # Stored as JSON: sent as it is, not decoded to be encoded again.
                    "fields": orjson.Fragment(fields),
                    "stamps": orjson.Fragment(stamps),
                    "base_stamps": orjson.Fragment(base_stamps),
                }
            )
        return batch

    # ---- pull ---------------------------------------------------------------------

    def _pull(self, result: SyncResult) -> dict[str, Any] | None:
        """Pull pages after the stored cursor until the server has no more."""
        if self.store.meta(FULL_RESYNC_KEY) == "1":
            return None
        cursor = self.store.meta(CURSOR_KEY)
        # A first sync (or one that a crash interrupted) loads into bare tables and builds
        # the indexes once at the end; see ``replica.begin_bulk_load``.
        bulk = self.bulk_load and (cursor is None or replica.in_bulk_load(self.store))
        if not bulk:
            return self._pull_pages(result, cursor, CURSOR_KEY, None, "pull")
        replica.begin_bulk_load(self.store)
        self._relaxed_pages = self._bulk_run = True
        try:
            counts = self._pull_pages(result, cursor, CURSOR_KEY, None, "pull")
        except SyncCancelled:
            # Stopping must be quick (the app is closing, Ctrl+C): the next run goes on
            # loading and builds the indexes when it ends.
            raise
        except Exception:
            # Offline, server errors: the rep works with what arrived, fully indexed.
            self._finish_bulk_load()
            raise
        finally:
            self._relaxed_pages = False
        if self.defer_indexes:
            # Searchable now; the indexes follow on the app's builder (``bulk_load_pulled``).
            replica.end_bulk_load(self.store, indexes=False, relaxed=True)
        else:
            self._finish_bulk_load()
        return counts

    def _finish_bulk_load(self) -> None:
        self._report("index", 0, 1)
        started = time.perf_counter()
        if replica.end_bulk_load(self.store):
            log.info("indexes built in %.1f s", time.perf_counter() - started)
        self._report("index", 1, 1)

    def _pull_pages(
        self,
        result: SyncResult,
        cursor: str | None,
        cursor_key: str,
        seen: set[tuple[str, str]] | None,
        phase: Phase,
    ) -> dict[str, Any] | None:
        done = 0
        self._report(phase, 0, 0)
        # The next page is fetched while this one is applied: the server (or the network)
        # works while the laptop writes. Pages are still applied strictly in order, each
        # with its own cursor, so a failure loses at most the pages in flight. The first
        # page is fetched on this thread, and the download thread is started only when
        # more pages follow (a pull of one page, the usual case, hands nothing over).
        fetcher: ThreadPoolExecutor | None = None
        pending: Future[tuple[dict[str, Any], replica.PreparedRows]] | None = None
        try:
            self._check_cancel()
            page, prepared = self._fetch(cursor)
            while True:
                more = bool(page.get("has_more"))
                if more:
                    if fetcher is None:
                        fetcher = ThreadPoolExecutor(
                            max_workers=1, thread_name_prefix="fieldcrm-pull"
                        )
                    pending = fetcher.submit(self._fetch, page["cursor"])
                stats = replica.apply_page(
                    self.store,
                    page,
                    cursor_key=cursor_key,
                    seen=seen,
                    prepared=prepared,
                    relaxed=self._relaxed_pages,
                )
                result.pulled += stats.rows + stats.tombstones
                result.deleted += stats.tombstones
                result.evicted += sum(stats.removed.values())
                result.evicted_edits += stats.evicted_edits
                result.conflicts += stats.conflicts
                done += stats.rows + stats.tombstones
                counts = page.get("scope_counts")
                total = sum(counts["counts"].values()) if isinstance(counts, dict) else 0
                self._report(phase, done, max(total, done))
                if not more:
                    tag = page.get("etag")
                    self._answer_tag = tag if isinstance(tag, str) and phase == "pull" else None
                    team = page.get("team_last_sync")
                    if isinstance(team, dict):
                        self.store.set_meta(replica.TEAM_SYNC_KEY, orjson.dumps(team).decode())
                    if isinstance(counts, dict) and isinstance(counts.get("counts"), dict):
                        return counts
                    return None
                self._check_cancel()
                assert pending is not None
                page, prepared = pending.result()
        finally:
            if pending is not None:
                pending.cancel()
            if fetcher is not None:
                fetcher.shutdown(wait=True)

    def _fetch(self, cursor: str | None) -> tuple[dict[str, Any], replica.PreparedRows]:
        """Download the page after ``cursor`` and turn its rows into statement parameters
        (on the download thread: the writing thread then only runs the statements)."""
        prefetched, self._prefetched = self._prefetched, None
        if prefetched is not None and prefetched[0] == cursor:
            page: dict[str, Any] | None = prefetched[1]  # fetched by the idle check
        else:
            page = self.client.pull(cursor, self.page_limit)
        if page is None:
            raise SyncError("The server answered a pull with no page.")
        try:
            return page, replica.prepare_rows(page)
        except (AttributeError, IndexError, KeyError, TypeError, ValueError):
            raise ServerError("The server sent a page this client cannot read.") from None

    def _full_resync(self, result: SyncResult) -> dict[str, Any] | None:
        """Pull a fresh snapshot; drop local rows it lacks unless they have pending edits.

        The stored cursor moves only when the snapshot is complete; a crash in between
        starts the resync again on the next run (the flag stays set).
        """
        log.info("full resync")
        result.full_resync = True
        self.store.set_meta(FULL_RESYNC_KEY, "1")
        seen: set[tuple[str, str]] = set()
        counts = self._pull_pages(result, None, RESYNC_CURSOR_KEY, seen, "resync")
        replica.remove_unseen(self.store, seen)
        with self.store.write() as uow:
            conn = uow.connection
            set_meta(conn, CURSOR_KEY, replica.get_meta(conn, RESYNC_CURSOR_KEY))
            set_meta(conn, RESYNC_CURSOR_KEY, None)
            set_meta(conn, FULL_RESYNC_KEY, None)
        return counts

    # ---- verify -------------------------------------------------------------------

    def _verify(
        self,
        result: SyncResult,
        scope: dict[str, Any],
        removed: dict[str, int],
        added: dict[str, int],
    ) -> None:
        """Compare the digest of every entity with the server's; where one differs, find
        the rows that differ by ranges of versions and fetch or evict only those.

        The server's digests describe the snapshot the last page was read from. Rows
        fetched for a repair may be newer than that snapshot, so after a repair the run
        pulls once more and compares with the digests of that pull.
        """
        with self.store.read() as conn:
            unknown = {e: ids for e in ENTITY_NAMES if (ids := replica.unversioned_rows(conn, e))}
        # Each comparison reads every table's versions: the first one is used twice.
        differing: list[str] | None = self._differing_entities(scope)
        if unknown or differing:
            # Until this run ends verified, idle syncs must not skip the check (a run that
            # stops while repairing repairs again next time).
            self.store.set_meta(VERIFIED_PULL_KEY, None)
        if unknown:
            differing = None  # what the fetches changed is compared again
        for entity, ids in unknown.items():
            self._fetch_or_evict(result, entity, set(ids), removed, added)
        for _ in range(VERIFY_ROUNDS):
            self._report("verify", 0, 1)
            if differing is None:
                differing = self._differing_entities(scope)
            if not differing:
                return
            log.info("digests differ from the server's for %s; repairing", ", ".join(differing))
            matched = []
            for entity in differing:
                self._check_cancel()
                if self._repair(result, entity, removed, added):
                    matched.append(entity)
            if len(matched) == len(differing):
                # Every range of versions holds on the server exactly what this laptop
                # holds: its rows are right and the totals it keeps are not. Going on would
                # fail every sync in this scope until the server's totals are rebuilt.
                log.warning("the server's totals of %s differ from its rows", ", ".join(matched))
                return
            cursor = self.store.meta(CURSOR_KEY)
            again = self._pull_pages(result, cursor, CURSOR_KEY, None, "pull")
            if again is None:
                return
            scope, differing = again, None
        if self._differing_entities(scope):
            raise VerificationFailed(
                "The local data still differs from the server's after repairing it; "
                "sync again later. Your pending changes are kept."
            )

    def _differing_entities(self, scope: dict[str, Any]) -> list[str]:
        expected = scope.get("digests")
        if not isinstance(expected, dict) or not expected:
            # A server without digests: compare counts only.
            counts = scope.get("counts") or {}
            with self.store.read() as conn:
                local_counts = replica.verified_counts(conn)
            return [e for e, n in counts.items() if e in local_counts and local_counts[e] != n]
        with self.store.read() as conn:
            local = replica.local_digests(conn)
        return [
            entity
            for entity in ENTITY_NAMES
            if entity in local
            and entity in expected
            and local[entity] != Digest.from_list(expected[entity])
        ]

    def _repair(
        self, result: SyncResult, entity: str, removed: dict[str, int], added: dict[str, int]
    ) -> bool:
        """Find the rows of ``entity`` whose versions differ from the server's, by digests
        of ever narrower ranges of versions, then fetch them (or evict those the server
        no longer shows this user). True when no range differed at all."""
        with self.store.read() as conn:
            top = max(replica.highest_version(conn), int(self.store.meta(CURSOR_KEY) or 0))
        ranges = _split(0, top + 1)
        differing: set[str] = set()
        matched = True
        while ranges:
            batch, ranges = ranges[:MAX_DIGEST_RANGES], ranges[MAX_DIGEST_RANGES:]
            self._check_cancel()
            answers = self.client.digest(entity, batch, list_below=REPAIR_LIST_BELOW)
            with self.store.read() as conn:
                for (after, upto), answer in zip(batch, answers, strict=True):
                    server = Digest.from_list(answer["digest"])
                    if replica.range_digest(conn, entity, after, upto) == server:
                        continue
                    matched = False
                    listed = answer.get("rows")
                    if listed is None and upto - after > 1:
                        ranges.extend(_split(after, upto))
                        continue
                    mine = replica.versions_in_range(conn, entity, after, upto)
                    theirs = {str(i): int(v) for i, v in (listed or [])}
                    differing.update(i for i, v in theirs.items() if mine.get(i) != v)
                    differing.update(i for i in mine if i not in theirs)
        if differing:
            self._fetch_or_evict(result, entity, differing, removed, added)
        return matched

    def _fetch_or_evict(
        self,
        result: SyncResult,
        entity: str,
        differing: set[str],
        removed: dict[str, int],
        added: dict[str, int],
    ) -> None:
        """Fetch the server's state of ``differing`` rows; evict those it does not send."""
        with self.store.read() as conn:
            present = {
                row_id
                for (row_id,) in conn.exec_driver_sql(
                    f'SELECT id FROM "{entity}" WHERE deleted = 0 AND id IN '
                    f"(SELECT value FROM json_each(?))",
                    (orjson.dumps(sorted(differing)).decode(),),
                )
            }
        waiting = sorted(differing)
        while waiting:
            chunk = waiting[:MAX_ROWS_PER_FETCH]
            self._check_cancel()
            rows, gone = self.client.rows(entity, chunk)
            answered = {str(row.get("id")) for row in rows} | set(gone)
            if not answered.intersection(chunk):
                raise SyncError("The server answered a request for rows without them.")
            # What did not fit in the answer is asked for again.
            waiting = [i for i in chunk if i not in answered] + waiting[MAX_ROWS_PER_FETCH:]
            gone = [row_id for row_id in gone if row_id in differing]
            stats = replica.apply_repair(self.store, entity, rows, gone)
            result.evicted += sum(stats.removed.values())
            result.evicted_edits += stats.evicted_edits
            result.repaired += len(rows) + len(gone)
            new = sum(1 for row in rows if not row.get("deleted") and row.get("id") not in present)
            if new:
                added[entity] = added.get(entity, 0) + new
            # What left, with what went with it (an evicted customer's contacts, visits ...).
            for kind, left in stats.removed.items():
                removed[kind] = removed.get(kind, 0) + left
        log.info("repaired %d %s rows", len(differing), entity)

    # ---- who am I ---------------------------------------------------------------------

    def _own_identity(self) -> tuple[str | None, str | None]:
        """The signed-in user's territory (its name where known) and role, as stored here."""
        user_id = self.store.meta(replica.USER_ID_KEY)
        if not user_id:
            return None, None
        with self.store.read() as conn:
            row = conn.exec_driver_sql(
                'SELECT u.territory_id, u.role, t.name FROM "user" u '
                'LEFT JOIN "territory" t ON t.id = u.territory_id WHERE u.id = ?',
                (user_id,),
            ).first()
        if row is None:
            return None, None
        territory_id, role, name = row
        return (name or territory_id), role

    def _scope_change(
        self,
        before: tuple[str | None, str | None],
        removed: dict[str, int],
        added: dict[str, int],
    ) -> ScopeChange | None:
        after = self._own_identity()
        moved = before not in (after, (None, None))
        if not moved and not removed and not added:
            return None
        return ScopeChange(before[0], after[0], before[1], after[1], dict(removed), dict(added))


#: Digest rounds (repair, pull again, compare) before a run gives up.
VERIFY_ROUNDS = 3
#: A range with at most this many rows on the server comes with its rows listed.
REPAIR_LIST_BELOW = MAX_ROWS_PER_FETCH // 5
#: Parts a differing range is cut into.
REPAIR_FANOUT = 16


_collector_lock = threading.Lock()
_collector_holders = 0


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cycle collector waits while a sync runs, and runs after it.

    A sync allocates many short-lived rows and parameter lists that hold no reference
    cycles (reference counting frees them); they set off the collector's passes over
    every object of the process, a full one of which cost a 1,000-row pull about 75 ms,
    more than the rows themselves. Paused for the run (every thread's allocations, the
    window's too, which then do not stall on it either); what became garbage meanwhile is
    collected as usual afterwards.
    """
    global _collector_holders
    with _collector_lock:
        if _collector_holders == 0 and not gc.isenabled():
            # Someone else turned it off (a test, an embedding program): leave it so.
            _collector_holders = -1
        if _collector_holders >= 0:
            _collector_holders += 1
            gc.disable()
    try:
        yield
    finally:
        with _collector_lock:
            if _collector_holders > 0:
                _collector_holders -= 1
                if _collector_holders == 0:
                    gc.enable()
            elif _collector_holders == -1:
                _collector_holders = 0


def _age_ms(noted: str, store: Store) -> int:
    """How long ago a time noted as canonical UTC text was (a huge age when unreadable)."""
    try:
        moment = datetime.fromisoformat(noted.replace("Z", "+00:00"))
    except ValueError:
        return 2**62
    return store.wall_ms() - int(moment.timestamp() * 1000)


def _split(after: int, upto: int) -> list[tuple[int, int]]:
    """``(after, upto]`` cut into at most ``REPAIR_FANOUT`` ranges of (nearly) equal width."""
    width = max(1, -(-(upto - after) // REPAIR_FANOUT))
    return [(lo, min(lo + width, upto)) for lo in range(after, upto, width)]
