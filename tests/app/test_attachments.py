"""Attaching files on the laptop: checks from the content, safe names, thumbnails, who sees a
file waiting to upload, and the cache of originals."""

from __future__ import annotations

import hashlib
import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image

from fieldcrm.app.attachments import (
    AttachmentError,
    Owner,
    add_attachment,
    attachments_of,
    delete_attachment,
    local_content,
    rename_attachment,
)
from fieldcrm.domain.files import safe_file_name
from fieldcrm.domain.validation import ValidationError, validate_record
from fieldcrm.profile import attachments_dir, attachments_dir_for_database
from fieldcrm.store import Store
from fieldcrm.store.attachments import AttachmentFiles, ContentDamaged
from fieldcrm.store.meta import USER_ID_KEY


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    store = Store(tmp_path / "fieldcrm.db")
    yield store
    store.close()


@pytest.fixture
def world(store: Store) -> dict[str, str]:
    territory = store.create("territory", {"name": "North"})
    me = store.create("user", {"username": "anna", "role": "rep", "territory_id": territory})
    other = store.create("user", {"username": "ben", "role": "rep", "territory_id": territory})
    store.set_meta(USER_ID_KEY, me)
    customer = store.create("customer", {"name": "Bäckerei Nord", "number": "K-1"})
    visit = store.create(
        "visit", {"customer_id": customer, "rep_id": me, "planned_start": "2026-12-01T09:00:00Z"}
    )
    return {"me": me, "other": other, "customer": customer, "visit": visit}


def jpeg(path: Path, size: tuple[int, int] = (640, 480)) -> Path:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, "JPEG")
    path.write_bytes(out.getvalue())
    return path


def test_a_photo_is_kept_by_its_hash_with_a_thumbnail(
    store: Store, world: dict[str, str], tmp_path: Path
) -> None:
    photo = jpeg(tmp_path / "shelf.jpg")
    changes = add_attachment(store, Owner("visit", world["visit"]), photo)
    record = store.get("attachment", str(changes.id))
    assert record is not None
    digest = hashlib.sha256(photo.read_bytes()).hexdigest()
    assert (record["sha256"], record["size"], record["media_type"]) == (
        digest,
        photo.stat().st_size,
        "image/jpeg",
    )
    assert record["customer_id"] == world["customer"] and record["author_id"] == world["me"]
    thumbnail = Image.open(io.BytesIO(__import__("base64").b64decode(record["thumbnail"])))
    assert max(thumbnail.size) == 96 and thumbnail.format == "WEBP"
    assert len(record["thumbnail"]) < 2000
    stored = attachments_dir(tmp_path) / digest[:2] / digest
    assert stored.read_bytes() == photo.read_bytes()
    assert local_content(store, str(changes.id)) == stored
    assert attachments_dir_for_database(store.path) == attachments_dir(tmp_path)


def test_the_type_comes_from_the_content_not_the_name(
    store: Store, world: dict[str, str], tmp_path: Path
) -> None:
    program = tmp_path / "holiday.jpg"
    program.write_bytes(b"MZ\x90\x00" + bytes(2000))  # a Windows program named like a photo
    with pytest.raises(AttachmentError, match="content decides"):
        add_attachment(store, Owner("customer", world["customer"]), program)
    text = tmp_path / "notes.txt"
    text.write_text("Regal 4: Ware fehlt\n", encoding="utf-8")
    changes = add_attachment(store, Owner("customer", world["customer"]), text)
    assert store.get("attachment", str(changes.id))["media_type"] == "text/plain"  # type: ignore[index]
    assert store.counts()["attachment"] == 1
    assert [p.name for p in (tmp_path / "attachments").rglob("*") if p.is_file()] == [
        hashlib.sha256(text.read_bytes()).hexdigest()
    ]


def test_too_large_refused_before_anything_is_copied(
    store: Store, world: dict[str, str], tmp_path: Path
) -> None:
    photo = jpeg(tmp_path / "big.jpg")
    with pytest.raises(AttachmentError, match="at most 0 MB"):
        add_attachment(store, Owner("customer", world["customer"]), photo, max_bytes=100)
    assert store.counts()["attachment"] == 0
    assert not (tmp_path / "attachments").exists() or not any(
        p.is_file() for p in (tmp_path / "attachments").rglob("*")
    )


def test_a_broken_image_gets_no_thumbnail_and_no_error(
    store: Store, world: dict[str, str], tmp_path: Path
) -> None:
    broken = tmp_path / "camera.jpg"
    broken.write_bytes(b"\xff\xd8\xff\xe0" + bytes(300))
    changes = add_attachment(store, Owner("customer", world["customer"]), broken)
    record = store.get("attachment", str(changes.id))
    assert record is not None and record["thumbnail"] is None
    assert record["media_type"] == "image/jpeg"


@pytest.mark.parametrize(
    ("given_name", "safe"),
    [
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\anna\\Desktop\\Angebot.pdf", "Angebot.pdf"),
        ("CON.txt", "_CON.txt"),
        ("bericht?.pdf", "bericht_.pdf"),
        ("  .hidden. ", "hidden"),
        ("\x00\x1f", "__"),
        ("...", "file"),
    ],
)
def test_file_names_are_made_safe(given_name: str, safe: str) -> None:
    assert safe_file_name(given_name) == safe


@given(st.text(max_size=400))
def test_a_safe_name_stays_as_it_is(name: str) -> None:
    once = safe_file_name(name)
    assert safe_file_name(once) == once
    assert 0 < len(once) <= 255 and "/" not in once and "\\" not in once


def test_the_record_refuses_what_is_no_hash_or_no_name(world: dict[str, str]) -> None:
    base = {
        "customer_id": world["customer"],
        "author_id": world["me"],
        "name": "a.pdf",
        "media_type": "application/pdf",
        "size": 1,
        "sha256": "ab" * 32,
    }
    validate_record("attachment", base)
    with pytest.raises(ValidationError, match="sha256"):
        validate_record("attachment", base | {"sha256": "AB" * 32})
    with pytest.raises(ValidationError, match="name"):
        validate_record("attachment", base | {"name": "../a.pdf"})
    with pytest.raises(ValidationError, match="note_id"):
        validate_record(
            "attachment", base | {"visit_id": world["visit"], "note_id": world["visit"]}
        )


def test_waiting_files_are_seen_by_their_author_only(
    store: Store, world: dict[str, str], tmp_path: Path
) -> None:
    mine = add_attachment(store, Owner("visit", world["visit"]), jpeg(tmp_path / "a.jpg"))
    teammates = store.create(
        "attachment",
        {
            "customer_id": world["customer"],
            "author_id": world["other"],
            "name": "b.jpg",
            "media_type": "image/jpeg",
            "size": 10,
            "sha256": "cd" * 32,
        },
    )
    rows = attachments_of(store, Owner("customer", world["customer"]))
    assert [(r["id"], r["state"]) for r in rows] == [(mine.id, "waiting")]
    store.update("attachment", teammates, {"uploaded_at": "2026-12-01T10:00:00Z"})
    rows = attachments_of(store, Owner("customer", world["customer"]))
    assert [(r["id"], r["state"]) for r in rows] == [(mine.id, "waiting"), (teammates, "server")]
    assert [r["id"] for r in attachments_of(store, Owner("visit", world["visit"]))] == [mine.id]


def test_rename_and_delete(store: Store, world: dict[str, str], tmp_path: Path) -> None:
    changes = add_attachment(store, Owner("customer", world["customer"]), jpeg(tmp_path / "a.jpg"))
    attachment_id = str(changes.id)
    rename_attachment(store, attachment_id, "Regal/Gang 4.jpg")
    assert store.get("attachment", attachment_id)["name"] == "Gang 4.jpg"  # type: ignore[index]
    with pytest.raises(AttachmentError):
        rename_attachment(store, attachment_id, "  ..  ")
    delete_attachment(store, attachment_id)
    assert attachments_of(store, Owner("customer", world["customer"])) == []


def test_attachments_go_to_the_trash_and_come_back_like_other_records(
    store: Store, world: dict[str, str], tmp_path: Path
) -> None:
    from fieldcrm.app import corrections

    owner = Owner("customer", world["customer"])
    added = add_attachment(store, owner, jpeg(tmp_path / "shelf.jpg"))
    attachment_id = str(added.id)
    assert added.undo is not None and added.undo.action == "add_attachment"

    renamed = rename_attachment(store, attachment_id, "Regal 4.jpg")
    assert renamed.undo is not None and renamed.undo.action == "rename_attachment"
    renamed.undo.run(store)
    assert [r["name"] for r in attachments_of(store, owner)] == ["shelf.jpg"]

    deleted = delete_attachment(store, attachment_id)
    assert deleted.undo is not None and deleted.undo.action == "delete_attachment"
    assert attachments_of(store, owner) == []
    [row] = corrections.trash(store)
    assert (row["entity"], row["id"], row["label"], row["customer_name"]) == (
        "attachment",
        attachment_id,
        "shelf.jpg",
        "Bäckerei Nord",
    )
    deleted.undo.run(store)  # Ctrl+Z
    assert [r["id"] for r in attachments_of(store, owner)] == [attachment_id]
    assert corrections.trash(store) == []

    delete_attachment(store, attachment_id)
    corrections.restore(store, "attachment", attachment_id)  # from the trash
    [back] = attachments_of(store, owner)
    assert (back["id"], back["state"]) == (attachment_id, "waiting")

    added.undo.run(store)  # taking the attach back deletes it
    assert attachments_of(store, owner) == []


def test_the_cache_drops_least_recently_used_uploaded_originals_only(
    store: Store, world: dict[str, str], tmp_path: Path
) -> None:
    files = AttachmentFiles(store)
    ids = []
    for n in range(3):
        photo = jpeg(tmp_path / f"{n}.jpg", (300 + n * 10, 200))
        ids.append(add_attachment(store, Owner("customer", world["customer"]), photo).id)
    records = [store.get("attachment", str(i)) for i in ids]
    hashes = [str(r["sha256"]) for r in records if r]
    files.mark_uploaded(hashes[0])
    files.mark_uploaded(hashes[1])
    files.mark_used(hashes[0])  # the first is used more recently than the second
    sizes = [int(r["size"]) for r in records if r]
    freed = files.enforce_budget(sizes[0] + sizes[2])
    assert freed == sizes[1]
    assert [files.local_path(h) is not None for h in hashes] == [True, False, True]
    files.enforce_budget(0)
    # Never the one the server does not have yet, whatever the budget says.
    assert [files.local_path(h) is not None for h in hashes] == [False, False, True]


def test_a_download_with_other_bytes_keeps_nothing(store: Store, tmp_path: Path) -> None:
    files = AttachmentFiles(store)
    wanted = hashlib.sha256(b"the order form").hexdigest()
    with pytest.raises(ContentDamaged):
        files.store_download(wanted, 14, iter([b"the order fork"]))
    assert files.local_path(wanted) is None
    assert files.store_download(wanted, 14, iter([b"the order ", b"form"])).read_bytes() == (
        b"the order form"
    )


def test_contents_of_records_that_left_are_dropped(
    store: Store, world: dict[str, str], tmp_path: Path
) -> None:
    files = AttachmentFiles(store)
    changes = add_attachment(store, Owner("customer", world["customer"]), jpeg(tmp_path / "a.jpg"))
    sha = str(store.get("attachment", str(changes.id))["sha256"])  # type: ignore[index]
    files.mark_uploaded(sha)
    assert files.prune_orphans() == 0
    delete_attachment(store, str(changes.id))
    assert files.prune_orphans() == 1
    assert files.local_path(sha) is None
