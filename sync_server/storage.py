"""Where the server keeps attachment contents: one interface, a filesystem and an S3 backend.

Contents are addressed by their SHA-256, so one content is stored once however many
attachments name it. An upload arrives in parts (``write_part`` at a byte offset; the
database records how far it got), and ``finish`` checks the whole by its hash before the
content becomes readable under that hash. A part written again at the same offset (the
answer to the first try was lost) replaces what was there from that offset on.

- ``FileSystemStorage`` (the default): ``blobs/ab/cd/<sha256>`` below a folder. Parts go to
  ``uploads/<upload id>.part``; the finished file is hashed, synced to disk (``fsync``),
  renamed into place (atomic on one file system) and the folder synced, so a crash leaves
  either no content or the whole, checked one.
- ``S3Storage``: any S3-compatible store (AWS S3, MinIO, Ceph) through boto3, for several
  servers sharing the work. Parts are objects ``uploads/<id>/<offset>``; a finished
  content is assembled under a temporary key while it is hashed, then copied to
  ``blobs/<sha256>`` (a PUT or COPY is atomic in S3).

Both pass the same contract tests (``tests/server/test_storage_contract.py``).
"""

from __future__ import annotations

import hashlib
import os
import re
import threading
import uuid
from collections import OrderedDict
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any, Protocol

from fieldcrm.domain.files import is_sha256

#: Bytes read or written at a time when contents are streamed.
CHUNK_BYTES = 1024 * 1024
_UPLOAD_ID = re.compile(r"^[0-9a-zA-Z_-]{8,64}$")


class StorageError(Exception):
    """A storage operation that cannot be done as asked (a bug or a damaged store)."""


class ContentMissing(StorageError):
    """No content is stored under this hash."""


class ContentMismatch(StorageError):
    """The uploaded bytes do not have the size or SHA-256 they were announced with."""


class PartGap(StorageError):
    """A part was offered at an offset beyond the bytes stored so far."""


class ContentStorage(Protocol):
    """What the server needs from a store of attachment contents."""

    def write_part(self, upload_id: str, offset: int, data: bytes) -> None:
        """Store ``data`` at ``offset`` of an upload, dropping anything stored after it."""

    def finish(self, upload_id: str, size: int, sha256: str) -> None:
        """Make the upload's bytes the content ``sha256`` (checked) and drop its parts."""

    def drop_parts(self, upload_id: str) -> None:
        """Forget an upload's parts (no error if there are none)."""

    def put(self, sha256: str, chunks: Iterable[bytes]) -> None:
        """Store a whole content at once (checked against its hash)."""

    def exists(self, sha256: str) -> bool: ...

    def size(self, sha256: str) -> int: ...

    def read(self, sha256: str, chunk_bytes: int = CHUNK_BYTES) -> Iterator[bytes]:
        """The content in chunks; ``ContentMissing`` before the first chunk if absent."""

    def delete(self, sha256: str) -> None: ...


def _check_hash(sha256: str) -> str:
    if not is_sha256(sha256):
        raise StorageError(f"{sha256[:80]!r} is not a SHA-256 in hexadecimal digits")
    return sha256


def _check_upload(upload_id: str) -> str:
    if not _UPLOAD_ID.match(upload_id):
        raise StorageError(f"{upload_id[:80]!r} is not an upload id")
    return upload_id


def _fsync_dir(path: Path) -> None:
    if os.name != "posix":
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


#: Hashes uploaded parts beside the requests (hashlib lets other threads run meanwhile).
_HASHING = ThreadPoolExecutor(max_workers=2, thread_name_prefix="upload-hash")


class RunningHashes:
    """SHA-256 of uploads in progress, advanced as their parts are written in order (on a
    thread of its own, while the part is written and the next one is on its way), so the
    check at the end need not read the whole upload back.

    Kept in this process only. Beside each part file lies a small file naming the process
    that last wrote to it (a random token of this process); a process that finds another
    token there, after a restart or when another worker wrote meanwhile, has no running
    hash for it, and the upload is read back and hashed at the end as before. So is one
    whose part was written again at an earlier offset. (Writes to one upload never run at
    once: each holds the upload's row lock.)"""

    LIMIT = 64

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._items: OrderedDict[str, tuple[int, Future[Any]]] = OrderedDict()
        self.token = uuid.uuid4().bytes

    def advance(
        self, upload_id: str, writer_file: Path, offset: int, data: bytes
    ) -> Future[Any] | None:
        """Call before writing ``data`` at ``offset`` of the part file; the digest (to
        come) to ``settle`` after the write, or None."""
        with self._lock:
            item = self._items.pop(upload_id, None)
        try:
            ours = writer_file.read_bytes() == self.token
        except FileNotFoundError:
            ours = False
        if not ours:
            item = None
            writer_file.write_bytes(self.token)
        previous: Future[Any] | None = None
        if offset > 0:
            if item is None or item[0] != offset:
                return None
            previous = item[1]

        def update() -> Any:
            digest = previous.result() if previous is not None else hashlib.sha256()
            digest.update(data)
            return digest

        return _HASHING.submit(update)

    def settle(self, upload_id: str, end: int, digest: Future[Any]) -> None:
        with self._lock:
            self._items[upload_id] = (end, digest)
            while len(self._items) > self.LIMIT:
                self._items.popitem(last=False)

    def take(self, upload_id: str, writer_file: Path, size: int) -> str | None:
        """The hex digest of the part file's ``size`` bytes, if this process hashed all."""
        with self._lock:
            item = self._items.pop(upload_id, None)
        try:
            ours = writer_file.read_bytes() == self.token
        except FileNotFoundError:
            ours = False
        if item is None or item[0] != size or not ours:
            return None
        return str(item[1].result().hexdigest())

    def drop(self, upload_id: str) -> None:
        with self._lock:
            self._items.pop(upload_id, None)


class FileSystemStorage:
    """Contents as files below one folder (see the module's description)."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        for sub in ("blobs", "uploads", "tmp"):
            (self.root / sub).mkdir(parents=True, exist_ok=True)
        self.hashes = RunningHashes()

    def __repr__(self) -> str:
        return f"FileSystemStorage({str(self.root)!r})"

    def _blob(self, sha256: str) -> Path:
        _check_hash(sha256)
        return self.root / "blobs" / sha256[:2] / sha256[2:4] / sha256

    def _part(self, upload_id: str) -> Path:
        return self.root / "uploads" / f"{_check_upload(upload_id)}.part"

    def _writer(self, upload_id: str) -> Path:
        return self.root / "uploads" / f"{_check_upload(upload_id)}.writer"

    def write_part(self, upload_id: str, offset: int, data: bytes) -> None:
        path = self._part(upload_id)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            stored = os.fstat(fd).st_size
            if offset > stored:
                raise PartGap(f"upload {upload_id} has {stored} bytes; cannot write at {offset}")
            if stored > offset:
                os.ftruncate(fd, offset)
            os.lseek(fd, offset, os.SEEK_SET)
            digest = self.hashes.advance(upload_id, self._writer(upload_id), offset, data)
            view = memoryview(data)
            while view:
                written = os.write(fd, view)
                view = view[written:]
            if digest is not None:
                self.hashes.settle(upload_id, offset + len(data), digest)
            # No fsync per part: a killed process loses nothing (the bytes are in the page
            # cache); a machine that loses power may lose acknowledged parts, which the
            # next part finds (``PartGap``) or the hash check at the end does, and the
            # upload starts over. The finished content is synced before it is renamed.
        finally:
            os.close(fd)

    def finish(self, upload_id: str, size: int, sha256: str) -> None:
        target = self._blob(sha256)
        part = self._part(upload_id)
        if not part.exists():
            raise ContentMismatch(f"upload {upload_id} has no bytes")
        with part.open("rb") as source:
            length = os.fstat(source.fileno()).st_size
            running = self.hashes.take(upload_id, self._writer(upload_id), length)
            if running is not None:
                got = running
            else:
                digest = hashlib.sha256()
                length = 0
                while chunk := source.read(CHUNK_BYTES):
                    digest.update(chunk)
                    length += len(chunk)
                got = digest.hexdigest()
            os.fsync(source.fileno())
        if length != size or got != sha256:
            raise ContentMismatch(
                f"upload {upload_id}: {length} bytes with SHA-256 {got}, "
                f"announced {size} bytes with {sha256}"
            )
        self._writer(upload_id).unlink(missing_ok=True)
        if target.exists():
            part.unlink()  # stored once: the same content came before
            return
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(part, target)
        _fsync_dir(target.parent)

    def drop_parts(self, upload_id: str) -> None:
        self.hashes.drop(upload_id)
        self._part(upload_id).unlink(missing_ok=True)
        self._writer(upload_id).unlink(missing_ok=True)

    def put(self, sha256: str, chunks: Iterable[bytes]) -> None:
        target = self._blob(sha256)
        temp = self.root / "tmp" / f"{uuid.uuid4().hex}.tmp"
        digest = hashlib.sha256()
        try:
            with temp.open("wb") as out:
                for chunk in chunks:
                    digest.update(chunk)
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
            if digest.hexdigest() != sha256:
                raise ContentMismatch(f"content has SHA-256 {digest.hexdigest()}, not {sha256}")
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(temp, target)
            _fsync_dir(target.parent)
        finally:
            temp.unlink(missing_ok=True)

    def exists(self, sha256: str) -> bool:
        return self._blob(sha256).is_file()

    def size(self, sha256: str) -> int:
        try:
            return self._blob(sha256).stat().st_size
        except FileNotFoundError:
            raise ContentMissing(sha256) from None

    def read(self, sha256: str, chunk_bytes: int = CHUNK_BYTES) -> Iterator[bytes]:
        try:
            source = self._blob(sha256).open("rb")
        except FileNotFoundError:
            raise ContentMissing(sha256) from None
        return _chunks_of(source, chunk_bytes)

    def delete(self, sha256: str) -> None:
        self._blob(sha256).unlink(missing_ok=True)


def _chunks_of(source: Any, chunk_bytes: int) -> Iterator[bytes]:
    with source:
        while chunk := source.read(chunk_bytes):
            yield chunk


class S3Storage:
    """Contents as objects in an S3-compatible bucket (see the module's description)."""

    def __init__(
        self,
        bucket: str,
        *,
        prefix: str = "",
        endpoint_url: str | None = None,
        region: str | None = None,
        access_key: str | None = None,
        secret_key: str | None = None,
        client: Any = None,
    ) -> None:
        import boto3

        self.bucket = bucket
        self.prefix = prefix.strip("/") + "/" if prefix.strip("/") else ""
        self.s3 = client or boto3.client(
            "s3",
            endpoint_url=endpoint_url,
            region_name=region or "us-east-1",
            aws_access_key_id=access_key,
            aws_secret_access_key=secret_key,
        )

    def __repr__(self) -> str:
        return f"S3Storage({self.bucket!r}, prefix={self.prefix!r})"

    def _blob(self, sha256: str) -> str:
        return f"{self.prefix}blobs/{_check_hash(sha256)}"

    def _parts_prefix(self, upload_id: str) -> str:
        return f"{self.prefix}uploads/{_check_upload(upload_id)}/"

    def _parts(self, upload_id: str) -> list[tuple[int, str, int]]:
        """(offset, key, size) of an upload's parts, in offset order."""
        found: list[tuple[int, str, int]] = []
        prefix = self._parts_prefix(upload_id)
        pages = self.s3.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=prefix)
        for page in pages:
            for item in page.get("Contents", ()):
                name = item["Key"][len(prefix) :]
                if name.isdigit():
                    found.append((int(name), item["Key"], int(item["Size"])))
        return sorted(found)

    def write_part(self, upload_id: str, offset: int, data: bytes) -> None:
        parts = self._parts(upload_id)
        stored = 0
        for part_offset, key, size in parts:
            if part_offset >= offset:
                self.s3.delete_object(Bucket=self.bucket, Key=key)
            elif part_offset == stored:
                stored = part_offset + size
        if offset > stored:
            raise PartGap(f"upload {upload_id} has {stored} bytes; cannot write at {offset}")
        key = f"{self._parts_prefix(upload_id)}{offset:020d}"
        self.s3.put_object(Bucket=self.bucket, Key=key, Body=data)

    def _read_parts(self, upload_id: str, size: int) -> Iterator[bytes]:
        expected = 0
        for offset, key, part_size in self._parts(upload_id):
            if offset != expected or expected >= size:
                break
            body = self.s3.get_object(Bucket=self.bucket, Key=key)["Body"]
            yield from body.iter_chunks(CHUNK_BYTES)
            expected += part_size

    def finish(self, upload_id: str, size: int, sha256: str) -> None:
        target = self._blob(sha256)
        if self.exists(sha256):
            self._check_parts(upload_id, size, sha256)
            self.drop_parts(upload_id)
            return
        temp = f"{self.prefix}tmp/{_check_upload(upload_id)}"
        reader = _HashingReader(self._read_parts(upload_id, size))
        self.s3.upload_fileobj(reader, self.bucket, temp)
        try:
            if reader.length != size or reader.digest.hexdigest() != sha256:
                raise ContentMismatch(
                    f"upload {upload_id}: {reader.length} bytes with SHA-256 "
                    f"{reader.digest.hexdigest()}, announced {size} bytes with {sha256}"
                )
            self.s3.copy_object(
                Bucket=self.bucket, Key=target, CopySource={"Bucket": self.bucket, "Key": temp}
            )
        finally:
            self.s3.delete_object(Bucket=self.bucket, Key=temp)
        self.drop_parts(upload_id)

    def _check_parts(self, upload_id: str, size: int, sha256: str) -> None:
        digest = hashlib.sha256()
        length = 0
        for chunk in self._read_parts(upload_id, size):
            digest.update(chunk)
            length += len(chunk)
        if length != size or digest.hexdigest() != sha256:
            raise ContentMismatch(f"upload {upload_id} does not have the announced content")

    def drop_parts(self, upload_id: str) -> None:
        for _, key, _ in self._parts(upload_id):
            self.s3.delete_object(Bucket=self.bucket, Key=key)

    def put(self, sha256: str, chunks: Iterable[bytes]) -> None:
        target = self._blob(sha256)
        temp = f"{self.prefix}tmp/{uuid.uuid4().hex}"
        reader = _HashingReader(iter(chunks))
        self.s3.upload_fileobj(reader, self.bucket, temp)
        try:
            if reader.digest.hexdigest() != sha256:
                raise ContentMismatch(
                    f"content has SHA-256 {reader.digest.hexdigest()}, not {sha256}"
                )
            self.s3.copy_object(
                Bucket=self.bucket, Key=target, CopySource={"Bucket": self.bucket, "Key": temp}
            )
        finally:
            self.s3.delete_object(Bucket=self.bucket, Key=temp)

    def exists(self, sha256: str) -> bool:
        try:
            self.size(sha256)
        except ContentMissing:
            return False
        return True

    def size(self, sha256: str) -> int:
        from botocore.exceptions import ClientError

        try:
            head = self.s3.head_object(Bucket=self.bucket, Key=self._blob(sha256))
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                raise ContentMissing(sha256) from None
            raise
        return int(head["ContentLength"])

    def read(self, sha256: str, chunk_bytes: int = CHUNK_BYTES) -> Iterator[bytes]:
        from botocore.exceptions import ClientError

        try:
            body = self.s3.get_object(Bucket=self.bucket, Key=self._blob(sha256))["Body"]
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                raise ContentMissing(sha256) from None
            raise
        return iter(body.iter_chunks(chunk_bytes))

    def delete(self, sha256: str) -> None:
        self.s3.delete_object(Bucket=self.bucket, Key=self._blob(sha256))


class _HashingReader:
    """A file-like reader over chunks that hashes what it hands out (for boto3 uploads)."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self._chunks = chunks
        self._buffer = b""
        self.digest = hashlib.sha256()
        self.length = 0

    def read(self, size: int = -1) -> bytes:
        while size < 0 or len(self._buffer) < size:
            chunk = next(self._chunks, None)
            if chunk is None:
                break
            self._buffer += chunk
        if size < 0:
            out, self._buffer = self._buffer, b""
        else:
            out, self._buffer = self._buffer[:size], self._buffer[size:]
        self.digest.update(out)
        self.length += len(out)
        return out


def storage_from_settings(
    files_dir: Path, s3_bucket: str | None, s3_options: dict[str, Any] | None = None
) -> ContentStorage:
    """The configured backend: S3 when a bucket is named, else the folder."""
    if s3_bucket:
        return S3Storage(s3_bucket, **(s3_options or {}))
    return FileSystemStorage(files_dir)
