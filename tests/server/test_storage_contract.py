"""The storage contract of attachment contents, run on the filesystem backend and on the S3
backend against a real S3-compatible server process (moto's server mode)."""

from __future__ import annotations

import hashlib
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from sync_server.storage import (
    ContentMismatch,
    ContentMissing,
    ContentStorage,
    FileSystemStorage,
    PartGap,
    S3Storage,
    StorageError,
)
from tests.helpers.s3server import ACCESS_KEY, SECRET_KEY, s3_server


@pytest.fixture(scope="module")
def s3_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with s3_server(tmp_path_factory.mktemp("moto")) as url:
        yield url


@pytest.fixture(params=["filesystem", "s3"])
def storage(request: pytest.FixtureRequest, tmp_path: Path) -> ContentStorage:
    if request.param == "filesystem":
        return FileSystemStorage(tmp_path / "files")
    url = request.getfixturevalue("s3_url")
    bucket = f"fieldcrm-{uuid.uuid4().hex[:12]}"
    s3 = S3Storage(
        bucket, prefix="contents", endpoint_url=url, access_key=ACCESS_KEY, secret_key=SECRET_KEY
    )
    s3.s3.create_bucket(Bucket=bucket)
    return s3


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def read_all(storage: ContentStorage, digest: str) -> bytes:
    return b"".join(storage.read(digest, 1000))


def test_put_then_read_exists_size(storage: ContentStorage) -> None:
    data = os.urandom(300_000)
    digest = sha(data)
    assert not storage.exists(digest)
    storage.put(digest, [data[:100_000], data[100_000:]])
    assert storage.exists(digest)
    assert storage.size(digest) == len(data)
    assert read_all(storage, digest) == data


def test_put_with_the_wrong_hash_stores_nothing(storage: ContentStorage) -> None:
    data = b"the signed order form"
    wrong = sha(b"something else")
    with pytest.raises(ContentMismatch):
        storage.put(wrong, [data])
    assert not storage.exists(wrong)
    assert not storage.exists(sha(data))


def test_missing_content_raises_before_any_byte(storage: ContentStorage) -> None:
    digest = sha(b"never stored")
    with pytest.raises(ContentMissing):
        storage.size(digest)
    with pytest.raises(ContentMissing):
        storage.read(digest)


def test_a_name_that_is_no_hash_is_refused(storage: ContentStorage) -> None:
    for bad in ("../../etc/passwd", "AB" * 32, "ab" * 31, ""):
        with pytest.raises(StorageError):
            storage.exists(bad)
    with pytest.raises(StorageError):
        storage.write_part("../up", 0, b"x")


def test_parts_finish_into_the_content(storage: ContentStorage) -> None:
    data = os.urandom(250_000)
    digest = sha(data)
    upload = uuid.uuid4().hex
    storage.write_part(upload, 0, data[:100_000])
    storage.write_part(upload, 100_000, data[100_000:200_000])
    storage.write_part(upload, 200_000, data[200_000:])
    assert not storage.exists(digest)
    storage.finish(upload, len(data), digest)
    assert read_all(storage, digest) == data


def test_a_part_written_again_replaces_what_followed(storage: ContentStorage) -> None:
    """The answer to a part was lost (server killed after storing it): the client sends
    from the last acknowledged offset again, maybe in other part sizes."""
    data = os.urandom(120_000)
    upload = uuid.uuid4().hex
    storage.write_part(upload, 0, data[:50_000])
    storage.write_part(upload, 50_000, b"\0" * 70_000)  # stored, never acknowledged
    storage.write_part(upload, 50_000, data[50_000:90_000])
    storage.write_part(upload, 90_000, data[90_000:])
    storage.finish(upload, len(data), sha(data))
    assert read_all(storage, sha(data)) == data


def test_a_part_beyond_the_stored_bytes_is_refused(storage: ContentStorage) -> None:
    upload = uuid.uuid4().hex
    storage.write_part(upload, 0, b"abc")
    with pytest.raises(PartGap):
        storage.write_part(upload, 10, b"def")


def test_finish_with_other_content_stores_nothing(storage: ContentStorage) -> None:
    data = b"damaged on the way"
    upload = uuid.uuid4().hex
    storage.write_part(upload, 0, data)
    announced = sha(b"what the laptop has")
    with pytest.raises(ContentMismatch):
        storage.finish(upload, len(data), announced)
    assert not storage.exists(announced)
    with pytest.raises(ContentMismatch):
        storage.finish(upload, len(data) + 1, sha(data))
    assert not storage.exists(sha(data))


def test_the_same_content_twice_is_stored_once(storage: ContentStorage) -> None:
    data = os.urandom(10_000)
    digest = sha(data)
    for _ in range(2):
        upload = uuid.uuid4().hex
        storage.write_part(upload, 0, data)
        storage.finish(upload, len(data), digest)
    storage.put(digest, [data])
    assert read_all(storage, digest) == data
    if isinstance(storage, FileSystemStorage):
        blobs = [p for p in (storage.root / "blobs").rglob("*") if p.is_file()]
        assert blobs == [storage.root / "blobs" / digest[:2] / digest[2:4] / digest]
        assert list((storage.root / "uploads").iterdir()) == []
    else:
        assert isinstance(storage, S3Storage)
        listed = storage.s3.list_objects_v2(Bucket=storage.bucket)
        assert [o["Key"] for o in listed["Contents"]] == [f"contents/blobs/{digest}"]


def test_drop_parts_and_delete(storage: ContentStorage) -> None:
    upload = uuid.uuid4().hex
    storage.write_part(upload, 0, b"half a photo")
    storage.drop_parts(upload)
    storage.drop_parts(upload)  # no error the second time
    with pytest.raises(ContentMismatch):
        storage.finish(upload, 12, sha(b"half a photo"))
    data = b"a floor plan"
    storage.put(sha(data), [data])
    storage.delete(sha(data))
    assert not storage.exists(sha(data))


def test_empty_content(storage: ContentStorage) -> None:
    storage.put(sha(b""), [])
    assert storage.size(sha(b"")) == 0
    assert read_all(storage, sha(b"")) == b""


def test_bytes_another_server_process_rewrote_are_checked_not_taken_on_trust(
    tmp_path: Path,
) -> None:
    """Each server process hashes the parts it writes as they come, so that the end need
    not read the upload back. When another process (a second worker) started the same
    upload over meanwhile and wrote other bytes, the first one's running hash no longer
    describes the file: the file itself is checked, and other bytes are refused."""
    data = os.urandom(300_000)
    upload = uuid.uuid4().hex
    first = FileSystemStorage(tmp_path / "files")
    second = FileSystemStorage(tmp_path / "files")
    first.write_part(upload, 0, data[:100_000])
    first.write_part(upload, 100_000, data[100_000:200_000])
    # The second worker starts over and writes other bytes up to the same offset.
    second.write_part(upload, 0, data[:100_000])
    second.write_part(upload, 100_000, os.urandom(100_000))
    first.write_part(upload, 200_000, data[200_000:])
    with pytest.raises(ContentMismatch):
        first.finish(upload, len(data), sha(data))
    assert not first.exists(sha(data))

    # Written by one process in order, the running hash is used and right.
    again = uuid.uuid4().hex
    for offset in range(0, len(data), 100_000):
        first.write_part(again, offset, data[offset : offset + 100_000])
    first.finish(again, len(data), sha(data))
    assert read_all(first, sha(data)) == data
