"""Attachment contents are encrypted at rest: a lost laptop leaks no photo or document.

The contents in the profile are AES-256-GCM blocks keyed from the store's key; contents
an earlier version wrote in plain are encrypted at the next start (a crash at any step
loses nothing); a file opened in the system's viewer is a decrypted copy in a private
temporary folder that goes when the app ends.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import random
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image

from fieldcrm.app.attachments import Owner, add_attachment, local_content
from fieldcrm.store import Store
from fieldcrm.store.attachments import (
    CONTENTS_ENCRYPTED_KEY,
    FILE_MIGRATION_STEPS,
    AttachmentFiles,
    remove_opened,
)
from fieldcrm.store.content_crypto import (
    BLOCK_BYTES,
    ContentReader,
    ContentUnreadable,
    is_encrypted_file,
)
from fieldcrm.store.encryption import FAULT_ENV
from fieldcrm.store.meta import USER_ID_KEY
from tests.helpers.realserver import PASSWORD, ROOT, RealServer, fieldcrm
from tests.helpers.servers import child_env


def photo_bytes(seed: int = 3) -> bytes:
    """A real JPEG of a few hundred KB (below the automatic download size)."""
    image = Image.new("RGB", (640, 480))
    image.putdata(
        [
            ((x * 5 + seed) % 256, (y * 7) % 256, (x ^ y) % 256)
            for y in range(480)
            for x in range(640)
        ]
    )
    out = io.BytesIO()
    image.save(out, "JPEG", quality=95)
    return out.getvalue()


def windows(data: bytes) -> list[bytes]:
    """Pieces of a content to look for: its start, its middle, its end (64 bytes each)."""
    middle = len(data) // 2
    return [data[:64], data[middle : middle + 64], data[-64:]]


def holders(folder: Path, data: bytes) -> list[str]:
    """Every file under ``folder`` that holds any piece of ``data``."""
    needles = windows(data)
    found = []
    for path in folder.rglob("*"):
        if path.is_file():
            blob = path.read_bytes()
            if any(needle in blob for needle in needles):
                found.append(str(path.relative_to(folder)))
    return found


@pytest.fixture
def encrypted_store(tmp_path: Path) -> Iterator[Store]:
    (tmp_path / "profile").mkdir(mode=0o700)
    store = Store(tmp_path / "profile" / "fieldcrm.db", key=os.urandom(32))
    yield store
    store.close()


# ---- the format ---------------------------------------------------------------------------


@pytest.mark.parametrize("size", [0, 1, BLOCK_BYTES - 1, BLOCK_BYTES, 2 * BLOCK_BYTES + 77])
def test_any_range_of_an_encrypted_content_reads_back(
    encrypted_store: Store, tmp_path: Path, size: int
) -> None:
    data = random.Random(size).randbytes(size)
    files = AttachmentFiles(encrypted_store)
    sha256, got_size = files.import_file(io.BytesIO(data))
    assert (sha256, got_size) == (hashlib.sha256(data).hexdigest(), size)
    stored = files.local_path(sha256)
    assert stored is not None and is_encrypted_file(stored)
    assert size < 64 or data[:64] not in stored.read_bytes()
    with files.reader(sha256) as reader:
        assert reader.size == size
        assert b"".join(reader.chunks()) == data
        rng = random.Random(7)
        for _ in range(20):
            offset = rng.randrange(0, size + 1)
            length = rng.randrange(0, 3 * BLOCK_BYTES)
            assert reader.read_at(offset, length) == data[offset : offset + length]
    copy = tmp_path / "copy.bin"
    files.copy_plain(sha256, copy)
    assert copy.read_bytes() == data


def test_a_changed_or_cut_content_is_refused_not_read(encrypted_store: Store) -> None:
    data = random.Random(1).randbytes(BLOCK_BYTES + 5000)
    files = AttachmentFiles(encrypted_store)
    sha256, _ = files.import_file(io.BytesIO(data))
    stored = files.path_of(sha256)
    original = stored.read_bytes()

    changed = bytearray(original)
    changed[100] ^= 1
    stored.write_bytes(bytes(changed))
    with files.reader(sha256) as reader, pytest.raises(ContentUnreadable):
        reader.read_at(0, 10)

    # The last block cut off: the block before it is not the last one, so it fails too.
    stored.write_bytes(original[: 16 + BLOCK_BYTES + 16])
    with files.reader(sha256) as reader, pytest.raises(ContentUnreadable):
        list(reader.chunks())

    # Another profile's key reads nothing.
    stored.write_bytes(original)
    with ContentReader(stored, os.urandom(32)) as reader, pytest.raises(ContentUnreadable):
        reader.read_at(0, 1)


def test_opening_decrypts_into_a_private_folder_removed_when_the_app_ends(
    encrypted_store: Store, tmp_path: Path
) -> None:
    territory = encrypted_store.create("territory", {"name": "Nord"})
    me = encrypted_store.create(
        "user", {"username": "anna", "role": "rep", "territory_id": territory}
    )
    encrypted_store.set_meta(USER_ID_KEY, me)
    customer = encrypted_store.create("customer", {"name": "Bäckerei Nord", "number": "K-1"})
    data = photo_bytes()
    photo = tmp_path / "shelf.jpg"
    photo.write_bytes(data)
    changes = add_attachment(encrypted_store, Owner("customer", customer), photo)
    profile = encrypted_store.path.parent
    assert holders(profile, data) == []

    opened = local_content(encrypted_store, str(changes.id))
    assert opened is not None and opened.name == "shelf.jpg"
    assert profile not in opened.parents  # never plain inside the profile
    assert opened.read_bytes() == data
    assert stat.S_IMODE(opened.stat().st_mode) == 0o600
    assert stat.S_IMODE(opened.parent.parent.stat().st_mode) == 0o700
    remove_opened()
    assert not opened.exists() and not opened.parent.parent.exists()


# ---- through real processes ---------------------------------------------------------------


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RealServer]:
    srv = RealServer(tmp_path_factory.mktemp("contents-at-rest-server"))
    srv.setup_area()
    srv.start()
    yield srv
    srv.stop()


def _ok(result: subprocess.CompletedProcess[str]) -> subprocess.CompletedProcess[str]:
    assert result.returncode == 0, result.stderr
    return result


@pytest.mark.slow
def test_a_photo_attached_and_synced_is_nowhere_readable_in_either_profile(
    tmp_path: Path, server: RealServer
) -> None:
    """Issue 19: the bytes of a known image are not found in the profile folder after an
    attach and a sync, neither the author's nor the teammate's who downloaded it."""
    ben, anna = tmp_path / "ben", tmp_path / "anna"
    for profile, user in ((ben, "ben"), (anna, "anna")):
        _ok(
            fieldcrm(
                profile, "login", "--server", server.url, "--user", user, stdin=PASSWORD + "\n"
            )
        )
        _ok(fieldcrm(profile, "sync", "--quiet", timeout=300))
    store = Store(ben / "fieldcrm.db")
    try:
        assert store.encrypted
        store.create("customer", {"number": "K-719", "name": "Gärtnerei Sonnenhang"})
    finally:
        store.close()
    data = photo_bytes()
    photo = tmp_path / "regal.jpg"
    photo.write_bytes(data)
    attachment_id = _ok(
        fieldcrm(ben, "attachment", "add", "--customer", "K-719", str(photo))
    ).stdout.strip()
    _ok(fieldcrm(ben, "sync", "--quiet", timeout=300))
    _ok(fieldcrm(anna, "sync", "--quiet", timeout=300))

    listed = json.loads(
        _ok(fieldcrm(anna, "attachment", "list", "--customer", "K-719", "--json")).stdout
    )
    assert [(item["id"], item["state"]) for item in listed] == [(attachment_id, "here")]
    for profile in (ben, anna):
        assert list((profile / "attachments").rglob("*" + hashlib.sha256(data).hexdigest()))
        assert holders(profile, data) == []

    # The rep's own copy, where the rep puts it, is the photo; the search finds it there.
    out = tmp_path / "copy.jpg"
    _ok(fieldcrm(anna, "attachment", "get", attachment_id, "--output", str(out)))
    assert out.read_bytes() == data
    assert holders(tmp_path, data) == ["copy.jpg", "regal.jpg"]


# ---- contents of an earlier version --------------------------------------------------------

#: A profile of the version before the contents were encrypted: a plain store with plain
#: content files (the store migration encrypts the database at the next start too).
WRITE_OLD_PROFILE = """
import io, sys
from fieldcrm.store import Store
from fieldcrm.store.attachments import AttachmentFiles
store = Store(sys.argv[1])
files = AttachmentFiles(store)
for i in range(int(sys.argv[2])):
    files.import_file(io.BytesIO(bytes([i]) * 300_000 + b"Angebot Nr. %d" % i))
store.close()
"""

CONTENTS = 4


def _contents(i: int) -> bytes:
    return bytes([i]) * 300_000 + b"Angebot Nr. %d" % i


def _old_profile(folder: Path) -> Path:
    folder.mkdir(mode=0o700)
    subprocess.run(
        [sys.executable, "-c", WRITE_OLD_PROFILE, str(folder / "fieldcrm.db"), str(CONTENTS)],
        check=True,
        cwd=ROOT,
        env=child_env(),
        timeout=120,
    )
    return folder


def _content_paths(profile: Path) -> dict[str, Path]:
    return {
        p.name: p
        for p in (profile / "attachments").rglob("*")
        if p.is_file() and p.parent.name != "tmp"
    }


@pytest.mark.slow
@pytest.mark.parametrize("step", [None, *FILE_MIGRATION_STEPS])
def test_plain_contents_of_an_earlier_version_are_encrypted_and_a_crash_loses_none(
    tmp_path: Path, step: str | None
) -> None:
    profile = _old_profile(tmp_path / "profile")
    expected = {hashlib.sha256(_contents(i)).hexdigest(): _contents(i) for i in range(CONTENTS)}
    assert set(_content_paths(profile)) == set(expected)
    assert all(not is_encrypted_file(p) for p in _content_paths(profile).values())

    if step is not None:
        assert FAULT_ENV == "FIELDCRM_FAULT_AT"
        crashed = fieldcrm(profile, "status", "--json", FIELDCRM_FAULT_AT=step)
        assert crashed.returncode == -9, crashed.stderr
        # Every content is still there, either plain and whole or encrypted; nothing
        # plain lies anywhere else in the folder.
        paths = _content_paths(profile)
        assert set(paths) == set(expected)
        plain = [p for p in paths.values() if not is_encrypted_file(p)]
        assert 0 < len(plain) <= CONTENTS
        for path in plain:
            assert path.read_bytes() == expected[path.name]
        for path in (profile / "attachments").rglob("*"):
            if path.is_file() and path not in plain:
                assert is_encrypted_file(path), path

    _ok(fieldcrm(profile, "status", "--json"))
    paths = _content_paths(profile)
    assert set(paths) == set(expected)
    assert all(is_encrypted_file(p) for p in paths.values())
    for data in expected.values():
        assert holders(profile, data) == []
    assert list((profile / "attachments").rglob("*.part")) == []
    store = Store(profile / "fieldcrm.db")
    try:
        assert store.encrypted and store.meta(CONTENTS_ENCRYPTED_KEY) == "1"
        files = AttachmentFiles(store)
        for sha256, data in expected.items():
            with files.reader(sha256) as reader:
                assert b"".join(reader.chunks()) == data
    finally:
        store.close()
