"""The contents of attachments on this laptop: files in the profile, addressed by SHA-256.

A content is written to a temporary name in the attachments folder while it is hashed,
synced to disk and renamed into ``<folder>/ab/<sha256>``, so a crash leaves the whole file
or none. ``attachment_file`` says per hash whether the file is here (``present``), whether
the server has it (``uploaded``), the upload in progress and when it was last used. The
cache keeps originals within a budget by dropping the least recently used ones; a content
the server does not have yet is never dropped.

In an encrypted profile the file holds the content encrypted with a key derived from the
store's key (``content_crypto``); its name stays the SHA-256 of the plaintext. Contents
written before encryption are encrypted in place at the next start
(``encrypt_plain_files``), one file at a time, each swapped in atomically. Opening a
content for the system's viewer decrypts it into a private temporary folder that is
removed when the app ends (``viewable_copy``).
"""

from __future__ import annotations

import atexit
import contextlib
import hashlib
import os
import shutil
import tempfile
import threading
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import sqlalchemy as sa

from fieldcrm.domain.files import is_sha256, safe_file_name
from fieldcrm.profile import attachments_dir_for_database
from fieldcrm.store import tables as t
from fieldcrm.store.content_crypto import (
    ContentReader,
    ContentUnreadable,
    EncryptingWriter,
    is_encrypted_file,
)
from fieldcrm.store.meta import USER_ID_KEY
from fieldcrm.store.service import Store

CHUNK_BYTES = 1024 * 1024
#: Meta key: every content file of this profile is encrypted (cleared when a plain store
#: writes one, so that the next encrypted start looks again).
CONTENTS_ENCRYPTED_KEY = "attachments_encrypted"
#: Steps of encrypting a plain content at which a crash test kills the process.
FILE_MIGRATION_STEPS = ("file-copy-written", "file-swapped")
#: Prefix of the private folders that hold decrypted copies opened in a viewer.
OPENED_PREFIX = "fieldcrm-open-"


class ContentDamaged(Exception):
    """Bytes that do not have the SHA-256 (or size) they should have; nothing was kept."""


@dataclass(frozen=True, slots=True)
class PendingUpload:
    """A content this laptop has and the server does not, with an attachment naming it."""

    attachment_id: str
    sha256: str
    size: int
    upload_id: str | None


def _fsync_dir(path: Path) -> None:
    if os.name != "posix":
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class AttachmentFiles:
    """The attachments folder of one store and its ``attachment_file`` rows."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.root = attachments_dir_for_database(store.path)

    # ---- paths ---------------------------------------------------------------------

    def path_of(self, sha256: str) -> Path:
        if not is_sha256(sha256):
            raise ValueError(f"{sha256[:80]!r} is not a SHA-256")
        return self.root / sha256[:2] / sha256

    def _temp(self) -> Path:
        folder = self.root / "tmp"
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        return folder / f"{uuid.uuid4().hex}.part"

    def local_path(self, sha256: str) -> Path | None:
        """The content's stored file if it is on this laptop (encrypted in an encrypted
        profile: read it through ``reader``, never directly)."""
        path = self.path_of(sha256)
        return path if path.is_file() else None

    # ---- reading contents ------------------------------------------------------------

    def reader(self, sha256: str) -> ContentReader:
        """The plaintext of a content on this laptop (``FileNotFoundError`` when absent)."""
        return ContentReader(self.path_of(sha256), self.store.content_key())

    def plain_chunks(self, sha256: str) -> Iterator[bytes]:
        with self.reader(sha256) as reader:
            yield from reader.chunks()

    def copy_plain(self, sha256: str, target: Path, *, private: bool = False) -> None:
        """Write the content's plaintext to ``target`` (the user's own choice of place, or
        ``private``: readable by this user only), through a temporary name beside it."""
        temp = target.with_name(f".{target.name}.part")
        flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_BINARY", 0)
        try:
            with os.fdopen(os.open(temp, flags, 0o600 if private else 0o666), "wb") as out:
                for chunk in self.plain_chunks(sha256):
                    out.write(chunk)
            temp.replace(target)
        except BaseException:
            temp.unlink(missing_ok=True)
            raise

    def viewable_copy(self, sha256: str, name: str) -> Path:
        """A file the system's viewer can open: the stored file of a plain profile, else
        the plaintext in a private temporary folder (only this user may enter it) that is
        removed when the app ends, or at the next start if it crashed."""
        if self.store.content_key() is None:
            path = self.path_of(sha256)
            if not path.is_file():
                raise FileNotFoundError(path)
            return path
        folder = opened_folder() / uuid.uuid4().hex
        folder.mkdir(mode=0o700)
        target = folder / safe_file_name(name or sha256)
        self.copy_plain(sha256, target, private=True)
        return target

    # ---- writing contents ------------------------------------------------------------

    def _write(self, chunks: Iterable[bytes], temp: Path | None = None) -> tuple[Path, str, int]:
        """Write chunks (encrypted where the profile is) to a synced temporary file:
        (path, sha256 of the plaintext, its size)."""
        temp = temp or self._temp()
        digest = hashlib.sha256()
        size = 0
        key = self.store.content_key()
        try:
            with open(temp, "wb") as out:
                os.chmod(temp, 0o600)
                writer = EncryptingWriter(out, key) if key is not None else None
                for chunk in chunks:
                    digest.update(chunk)
                    size += len(chunk)
                    if writer is not None:
                        writer.write(chunk)
                    else:
                        out.write(chunk)
                if writer is not None:
                    writer.close()
                out.flush()
                os.fsync(out.fileno())
        except BaseException:
            temp.unlink(missing_ok=True)
            raise
        if key is None:
            self._note_plain_content()
        return temp, digest.hexdigest(), size

    def _note_plain_content(self) -> None:
        """A plain store wrote a plain content: the next encrypted start encrypts it."""
        if self.store.meta(CONTENTS_ENCRYPTED_KEY) is not None:
            self.store.set_meta(CONTENTS_ENCRYPTED_KEY, None)

    # ---- encrypting contents of an earlier version -------------------------------------

    def encrypt_plain_files(self) -> int:
        """Encrypt every plain content file in place (an encrypted profile whose contents
        were written before encryption); the number encrypted. Each file is copied
        encrypted to a temporary name, synced, checked against its name (the SHA-256 of
        the plaintext) and renamed over the plain one: a crash leaves every file either
        plain or encrypted, never neither, and the next start finishes the work."""
        from fieldcrm.store.encryption import fault_point

        if self.store.content_key() is None or self.store.meta(CONTENTS_ENCRYPTED_KEY):
            return 0
        done = 0
        if self.root.is_dir():
            # Copies a crash left behind are plaintext: they go first.
            shutil.rmtree(self.root / "tmp", ignore_errors=True)
            for folder in sorted(self.root.iterdir()):
                if not folder.is_dir() or len(folder.name) != 2:
                    continue
                for path in sorted(folder.iterdir()):
                    if not is_sha256(path.name) or is_encrypted_file(path):
                        continue
                    self._encrypt_one(path)
                    done += 1
                    fault_point("file-swapped")
        self.store.set_meta(CONTENTS_ENCRYPTED_KEY, "1")
        return done

    def _encrypt_one(self, path: Path) -> None:
        from fieldcrm.store.encryption import fault_point

        with path.open("rb") as source:
            temp, sha256, _size = self._write(iter(lambda: source.read(CHUNK_BYTES), b""))
        if sha256 != path.name:
            # A damaged plain file is not kept readable either: its record shows it missing
            # and the original downloads again (or, not uploaded yet, is reported).
            temp.unlink(missing_ok=True)
            path.unlink()
            self._set(path.name, present=False)
            return
        fault_point("file-copy-written")
        os.replace(temp, path)
        _fsync_dir(path.parent)

    def _place(self, temp: Path, sha256: str) -> Path:
        target = self.path_of(sha256)
        target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        os.replace(temp, target)
        _fsync_dir(target.parent)
        return target

    def import_file(self, source: IO[bytes]) -> tuple[str, int]:
        """Copy a file the user attaches into the folder: (sha256, size). The content is
        kept as not uploaded (the background upload sends it)."""
        temp, sha256, size = self._write(iter(lambda: source.read(CHUNK_BYTES), b""))
        self._place(temp, sha256)
        with self.store.write() as uow:
            conn = uow.conn
            row = conn.execute(
                sa.select(t.attachment_file.c.uploaded).where(t.attachment_file.c.sha256 == sha256)
            ).first()
            if row is None:
                conn.execute(
                    t.attachment_file.insert().values(
                        sha256=sha256,
                        size=size,
                        present=True,
                        uploaded=False,
                        last_used_at=self.store.now_text(),
                    )
                )
            else:
                conn.execute(
                    t.attachment_file.update()
                    .where(t.attachment_file.c.sha256 == sha256)
                    .values(present=True, last_used_at=self.store.now_text())
                )
        return sha256, size

    def store_download(self, sha256: str, size: int, chunks: Iterable[bytes]) -> Path:
        """Keep downloaded bytes as the content ``sha256`` if they are it (else nothing is
        kept and ``ContentDamaged`` is raised)."""
        temp, got, got_size = self._write(chunks)
        if got != sha256 or got_size != size:
            temp.unlink(missing_ok=True)
            raise ContentDamaged(
                f"the download has {got_size} bytes with SHA-256 {got}, not {size} with {sha256}"
            )
        path = self._place(temp, sha256)
        with self.store.write() as uow:
            uow.conn.execute(
                sa.text(
                    "INSERT INTO attachment_file (sha256, size, present, uploaded, last_used_at) "
                    "VALUES (:sha, :size, 1, 1, :now) ON CONFLICT(sha256) DO UPDATE SET "
                    "present = 1, uploaded = 1, last_used_at = :now"
                ),
                {"sha": sha256, "size": size, "now": self.store.now_text()},
            )
        return path

    # ---- state ---------------------------------------------------------------------

    def state(self, sha256: str) -> tuple[bool, bool]:
        """(present, uploaded) of a content; (False, False) when this laptop never had it."""
        with self.store.read() as conn:
            row = conn.execute(
                sa.select(t.attachment_file.c.present, t.attachment_file.c.uploaded).where(
                    t.attachment_file.c.sha256 == sha256
                )
            ).first()
        return (bool(row.present), bool(row.uploaded)) if row else (False, False)

    def _set(self, sha256: str, **values: object) -> None:
        with self.store.write() as uow:
            uow.conn.execute(
                t.attachment_file.update()
                .where(t.attachment_file.c.sha256 == sha256)
                .values(**values)
            )

    def mark_used(self, sha256: str) -> None:
        self._set(sha256, last_used_at=self.store.now_text())

    def mark_uploaded(self, sha256: str) -> None:
        self._set(sha256, uploaded=True, upload_id=None)

    def set_upload_id(self, sha256: str, upload_id: str | None) -> None:
        self._set(sha256, upload_id=upload_id)

    def pending_uploads(self) -> list[PendingUpload]:
        """Contents the server does not have yet, each with one live attachment naming it
        whose record the server has (no create of it is queued)."""
        f, a = t.attachment_file.c, t.attachment.c
        queued = sa.select(t.outbox.c.row_id).where(
            t.outbox.c.entity == "attachment", t.outbox.c.op == "create"
        )
        query = (
            sa.select(a.id, f.sha256, f.size, f.upload_id)
            .join(t.attachment, a.sha256 == f.sha256)
            .where(
                f.present.is_(True),
                f.uploaded.is_(False),
                a.deleted.is_(False),
                a.id.not_in(queued),
                # The server takes an upload from the attachment's author only.
                a.author_id == self.store.meta(USER_ID_KEY),
            )
            .order_by(a.id)
        )
        with self.store.read() as conn:
            rows = conn.execute(query).all()
        seen: set[str] = set()
        pending = []
        for row in rows:
            if row.sha256 not in seen:
                seen.add(row.sha256)
                pending.append(PendingUpload(row.id, row.sha256, row.size, row.upload_id))
        return pending

    # ---- the cache -------------------------------------------------------------------

    def present_bytes(self) -> int:
        with self.store.read() as conn:
            return int(
                conn.scalar(
                    sa.select(sa.func.coalesce(sa.func.sum(t.attachment_file.c.size), 0)).where(
                        t.attachment_file.c.present.is_(True)
                    )
                )
                or 0
            )

    def _drop(self, sha256: str) -> None:
        with contextlib.suppress(FileNotFoundError):
            self.path_of(sha256).unlink()
        self._set(sha256, present=False)

    def enforce_budget(self, budget_bytes: int) -> int:
        """Drop the least recently used uploaded originals until the present ones fit the
        budget (contents not uploaded yet, and documents of bulletins and of the shelf, which
        are promised offline, are kept whatever their size); bytes freed."""
        f, a = t.attachment_file.c, t.attachment.c
        offline = sa.select(a.sha256).where(
            a.deleted.is_(False),
            a.sha256.is_not(None),
            sa.or_(a.bulletin_id.is_not(None), a.area_id.is_not(None)),
        )
        with self.store.read() as conn:
            total = self.present_bytes()
            candidates = conn.execute(
                sa.select(f.sha256, f.size)
                .where(f.present.is_(True), f.uploaded.is_(True), f.sha256.not_in(offline))
                .order_by(f.last_used_at.asc().nulls_first(), f.sha256)
            ).all()
        freed = 0
        for row in candidates:
            if total - freed <= budget_bytes:
                break
            self._drop(row.sha256)
            freed += row.size
        return freed

    def prune_orphans(self) -> int:
        """Drop uploaded contents no live attachment on this laptop names any more (their
        records were deleted or left this user's scope); the number dropped."""
        f, a = t.attachment_file.c, t.attachment.c
        named = sa.select(a.sha256).where(a.deleted.is_(False), a.sha256.is_not(None))
        with self.store.read() as conn:
            orphans = conn.execute(
                sa.select(f.sha256).where(
                    f.present.is_(True), f.uploaded.is_(True), f.sha256.not_in(named)
                )
            ).scalars()
            hashes = list(orphans)
        for sha256 in hashes:
            self._drop(sha256)
        return len(hashes)


# ---- decrypted copies for the system's viewer ---------------------------------------------

_opened_lock = threading.Lock()
_opened: Path | None = None


def _opened_base() -> Path:
    """Where decrypted copies go: the user's runtime folder where there is one (memory
    backed on Linux desktops and emptied at sign-out), else the system's temporary one."""
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    if runtime and Path(runtime).is_dir() and os.access(runtime, os.W_OK):
        return Path(runtime)
    return Path(tempfile.gettempdir())


def opened_folder() -> Path:
    """This process's private folder of decrypted copies (made on first use, mode 0700,
    removed when the process ends; folders of processes that ended without removing
    theirs are removed here)."""
    global _opened
    with _opened_lock:
        if _opened is not None and _opened.is_dir():
            return _opened
        base = _opened_base()
        remove_stale_opened(base)
        _opened = Path(tempfile.mkdtemp(prefix=f"{OPENED_PREFIX}{os.getpid()}-", dir=base))
        atexit.register(remove_opened)
        return _opened


def remove_opened() -> None:
    """Remove this process's decrypted copies (the app ends, or the profile is wiped)."""
    global _opened
    with _opened_lock:
        if _opened is not None:
            shutil.rmtree(_opened, ignore_errors=True)
            _opened = None


def _pid_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True
    return True


def remove_stale_opened(base: Path) -> None:
    """Decrypted copies of this user's FieldCRM processes that no longer run."""
    try:
        entries = list(base.glob(f"{OPENED_PREFIX}*"))
    except OSError:
        return
    for entry in entries:
        pid_text = entry.name[len(OPENED_PREFIX) :].split("-", 1)[0]
        if not pid_text.isdigit() or _pid_alive(int(pid_text)):
            continue
        with contextlib.suppress(OSError):
            if not hasattr(os, "getuid") or entry.stat().st_uid == os.getuid():
                shutil.rmtree(entry, ignore_errors=True)


__all__ = ["AttachmentFiles", "ContentDamaged", "ContentUnreadable", "PendingUpload"]
