"""Moving attachment contents after the record sync: uploads that resume, downloads by policy.

The sync engine runs ``FileSync.run`` once the records are pushed and pulled (the server
takes an upload only for an attachment record it has). Uploads go in parts of
``UPLOAD_PART_BYTES``; after any break (lost network, a killed app or server) the next
run asks the server for the acknowledged offset and goes on from there. Downloads follow
the policy: thumbnails come with the records; originals below ``auto_download_bytes``
come with the sync, larger ones when opened (``fetch``). The cache of originals is kept
within ``cache_budget_bytes`` (least recently used first; contents not uploaded yet are
never dropped), and contents no attachment on this laptop names any more are dropped
(their records were deleted or left the user's scope).
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa

from fieldcrm.domain.files import DEFAULT_MAX_FILE_BYTES
from fieldcrm.protocol import UPLOAD_PART_BYTES
from fieldcrm.store import Store
from fieldcrm.store import tables as t
from fieldcrm.store.attachments import AttachmentFiles, ContentDamaged, PendingUpload
from fieldcrm.sync.client import SyncClient
from fieldcrm.sync.errors import RequestRejected, ServerUnreachable, SyncCancelled, SyncError

log = logging.getLogger("fieldcrm.sync.files")

MIB = 1024 * 1024


@dataclass(frozen=True, slots=True)
class FilePolicy:
    """What IT decides about attachment contents on laptops."""

    #: Originals up to this size download with the sync; larger ones when opened.
    auto_download_bytes: int = 2 * MIB
    #: Originals kept on the laptop in all (uploaded ones; least recently used go first).
    cache_budget_bytes: int = 2048 * MIB
    part_bytes: int = UPLOAD_PART_BYTES


def _env_mib(name: str, default_mib: int) -> int:
    value = os.environ.get(name, "").strip()
    return (int(value) if value.isdigit() else default_mib) * MIB


def file_policy() -> FilePolicy:
    """The policy as IT sets it on the machine (``FIELDCRM_AUTO_DOWNLOAD_MB``,
    ``FIELDCRM_ATTACHMENT_CACHE_MB``), else the defaults."""
    defaults = FilePolicy()
    # A tuning knob (tests use small parts to break an upload in the middle).
    part_kb = os.environ.get("FIELDCRM_UPLOAD_PART_KB", "").strip()
    part_bytes = int(part_kb) * 1024 if part_kb.isdigit() and int(part_kb) > 0 else None
    return FilePolicy(
        part_bytes=min(part_bytes or defaults.part_bytes, UPLOAD_PART_BYTES),
        auto_download_bytes=_env_mib(
            "FIELDCRM_AUTO_DOWNLOAD_MB", defaults.auto_download_bytes // MIB
        ),
        cache_budget_bytes=_env_mib(
            "FIELDCRM_ATTACHMENT_CACHE_MB", defaults.cache_budget_bytes // MIB
        ),
    )


def max_file_bytes() -> int:
    """The largest file a rep may attach: ``FIELDCRM_MAX_FILE_MB`` (IT), else 25 MB."""
    return _env_mib("FIELDCRM_MAX_FILE_MB", DEFAULT_MAX_FILE_BYTES // MIB)


@dataclass(slots=True)
class FileTransfer:
    """What one run moved: files and bytes each way, what waits, why it stopped."""

    uploaded_files: int = 0
    uploaded_bytes: int = 0
    downloaded_files: int = 0
    downloaded_bytes: int = 0
    #: Contents still waiting to upload after the run.
    waiting: int = 0
    dropped: int = 0
    errors: list[str] = field(default_factory=list)

    def describe(self) -> str:
        return (
            f"Files: uploaded {self.uploaded_files} ({_mb(self.uploaded_bytes)}), "
            f"downloaded {self.downloaded_files} ({_mb(self.downloaded_bytes)}), "
            f"{self.waiting} waiting to upload."
        )


def _mb(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB"


class FileSync:
    """Uploads and downloads attachment contents of one store through one client."""

    def __init__(
        self,
        store: Store,
        client: SyncClient,
        policy: FilePolicy | None = None,
        *,
        cancel: threading.Event | None = None,
        on_bytes: Callable[[int], None] | None = None,
    ) -> None:
        self.store = store
        self.client = client
        self.policy = policy or FilePolicy()
        self.files = AttachmentFiles(store)
        self.cancel = cancel or threading.Event()
        self._on_bytes = on_bytes

    def run(self) -> FileTransfer:
        report = FileTransfer()
        try:
            self.upload_pending(report)
            self.download_by_policy(report)
        except ServerUnreachable as exc:
            report.errors.append(exc.message)
        finally:
            report.dropped += self.files.prune_orphans()
            self.files.enforce_budget(self.policy.cache_budget_bytes)
            report.waiting = len(self.files.pending_uploads())
        return report

    # ---- uploads ---------------------------------------------------------------------

    def upload_pending(self, report: FileTransfer) -> None:
        for pending in self.files.pending_uploads():
            self._check_cancel()
            try:
                sent = self.upload(pending)
            except RequestRejected as exc:
                # Refused for this file (too large, quota, record refused): it waits, the
                # others go on; the reason is reported.
                report.errors.append(exc.message)
                continue
            report.uploaded_files += 1
            report.uploaded_bytes += sent

    def upload(self, pending: PendingUpload) -> int:
        """Send one content from the server's offset on; bytes sent."""
        try:
            source = self.files.reader(pending.sha256)
        except FileNotFoundError:
            raise RequestRejected(
                f"The file {pending.sha256[:12]}… is missing on this laptop."
            ) from None
        state = self.client.start_upload(pending.attachment_id, pending.size, pending.sha256)
        self.files.set_upload_id(pending.sha256, state.upload_id)
        offset, sent, restarts = state.offset, 0, 0
        size = self.policy.part_bytes
        # The next part is read (and decrypted) while the current one is on its way.
        ahead = ThreadPoolExecutor(max_workers=1, thread_name_prefix="fieldcrm-upload-read")
        with source, ahead:
            upcoming: tuple[int, Future[bytes]] | None = None
            while not state.complete:
                self._check_cancel()
                if upcoming is not None and upcoming[0] == offset:
                    part = upcoming[1].result()
                else:
                    if upcoming is not None:
                        upcoming[1].result()  # one reader of the file at a time
                    part = source.read_at(offset, size)
                upcoming = None
                if offset + len(part) < pending.size:
                    upcoming = (
                        offset + len(part),
                        ahead.submit(source.read_at, offset + len(part), size),
                    )
                try:
                    state = self.client.upload_part(state.upload_id, offset, part)
                except RequestRejected as exc:
                    restarts += 1
                    if exc.code not in ("offset_mismatch", "content_mismatch") or restarts > 5:
                        raise
                    # Our view of the offset was behind or ahead (an answer was lost, or
                    # the server started over): ask where it stands and go on from there.
                    offset = self.client.upload_offset(state.upload_id)
                    continue
                sent += len(part)
                offset = state.offset
                if self._on_bytes is not None:
                    self._on_bytes(len(part))
            if upcoming is not None:
                upcoming[1].cancel()
        self.files.mark_uploaded(pending.sha256)
        return sent

    # ---- downloads -------------------------------------------------------------------

    def download_by_policy(self, report: FileTransfer) -> None:
        """Originals within the automatic size that this laptop does not have yet, and the
        documents of bulletins and of the area's shelf whatever their size (they are meant
        to be read offline)."""
        a, f = t.attachment.c, t.attachment_file.c
        query = (
            sa.select(a.id, a.sha256, a.size)
            .outerjoin(t.attachment_file, f.sha256 == a.sha256)
            .where(
                a.deleted.is_(False),
                a.uploaded_at.is_not(None),
                sa.or_(
                    a.size <= self.policy.auto_download_bytes,
                    a.bulletin_id.is_not(None),
                    a.area_id.is_not(None),
                ),
                sa.or_(f.present.is_(None), f.present.is_(False)),
            )
            .order_by(a.id)
        )
        with self.store.read() as conn:
            wanted = conn.execute(query).all()
        seen: set[str] = set()
        for row in wanted:
            if row.sha256 in seen:
                continue
            seen.add(row.sha256)
            self._check_cancel()
            try:
                self.fetch(row.id)
            except (RequestRejected, ContentDamaged) as exc:
                report.errors.append(str(exc))
                continue
            report.downloaded_files += 1
            report.downloaded_bytes += int(row.size or 0)

    def fetch(self, attachment_id: str) -> Path:
        """The attachment's original on this laptop, downloaded if needed (checked by its
        SHA-256; a damaged download keeps nothing). The stored file: encrypted in an
        encrypted profile (``open_copy`` gives one a viewer can open)."""
        record = self.store.get("attachment", attachment_id)
        if record is None or not record.get("sha256"):
            raise RequestRejected("There is no such attachment on this laptop.")
        sha256, size = str(record["sha256"]), int(record.get("size") or 0)
        path = self.files.local_path(sha256)
        if path is not None:
            self.files.mark_used(sha256)
            return path

        def keep(chunks: Iterator[bytes]) -> Path:
            return self.files.store_download(sha256, size, self._counted(chunks))

        return self.client.download(attachment_id, keep)

    def open_copy(self, attachment_id: str) -> Path:
        """The attachment's original as a file the system's viewer can open (downloaded
        if needed; decrypted into a private temporary folder in an encrypted profile)."""
        self.fetch(attachment_id)
        record = self.store.get("attachment", attachment_id)
        assert record is not None
        return self.files.viewable_copy(str(record["sha256"]), str(record.get("name") or ""))

    def _counted(self, chunks: Iterator[bytes]) -> Iterator[bytes]:
        for chunk in chunks:
            self._check_cancel()
            if self._on_bytes is not None:
                self._on_bytes(len(chunk))
            yield chunk

    def _check_cancel(self) -> None:
        if self.cancel.is_set():
            raise SyncCancelled("Sync was cancelled; what was done so far is kept.")


__all__ = ["FilePolicy", "FileSync", "FileTransfer", "SyncError", "file_policy", "max_file_bytes"]
