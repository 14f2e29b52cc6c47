"""Attachments: adding a file to a customer, visit, note or follow-up, listing, renaming,
deleting and opening them (no Qt; the desktop and the command line share these).

A file added here is copied into the profile at once (``fieldcrm.store.attachments``); its
record (name, type from the content, size, SHA-256, a small thumbnail for photos) is an
ordinary synced record, and the content goes to the server in the background
(``fieldcrm.sync.files``). Until the server has the whole content, only its author sees it,
marked as waiting to upload.
"""

from __future__ import annotations

import base64
import io
import os
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Literal, TypedDict, cast

import sqlalchemy as sa

from fieldcrm.app.changes import Changes
from fieldcrm.app.session import current_user_id
from fieldcrm.domain.files import DEFAULT_MAX_FILE_BYTES, safe_file_name
from fieldcrm.domain.validation import ValidationError
from fieldcrm.store import Store
from fieldcrm.store import tables as t
from fieldcrm.store.attachments import AttachmentFiles

OwnerKind = Literal["customer", "visit", "note", "followup", "bulletin"]
OWNER_KINDS: tuple[OwnerKind, ...] = ("customer", "visit", "note", "followup")
#: Where an attachment is: waiting to upload (author only), uploaded and on this laptop,
#: or uploaded and only on the server (downloaded when opened).
AttachmentState = Literal["waiting", "here", "server"]
#: Thumbnails are as large as the attachment list shows them (``ICON_PIXELS``).
THUMBNAIL_PIXELS = 96
THUMBNAIL_QUALITY = 50
#: Bytes of the file's beginning that decide its type.
SNIFF_BYTES = 8192

#: Types a rep may attach, decided from the content. Text files have no signature: a file
#: without one is taken as text only if its name says so and its beginning is UTF-8 text.
ALLOWED_TYPES = frozenset(
    {
        "image/jpeg",
        "image/png",
        "image/gif",
        "image/webp",
        "image/heic",
        "image/heif",
        "image/tiff",
        "image/bmp",
        "application/pdf",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "application/vnd.oasis.opendocument.text",
        "application/vnd.oasis.opendocument.spreadsheet",
        "application/vnd.oasis.opendocument.presentation",
        "application/msword",
        "application/vnd.ms-excel",
        "application/vnd.ms-powerpoint",
        "application/rtf",
        "text/plain",
        "text/csv",
    }
)
_TEXT_EXTENSIONS = {".txt": "text/plain", ".csv": "text/csv", ".md": "text/plain"}
# The old binary Office formats share one container signature (OLE2).
_OLE_EXTENSIONS = {
    ".doc": "application/msword",
    ".xls": "application/vnd.ms-excel",
    ".ppt": "application/vnd.ms-powerpoint",
}
_OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


class AttachmentError(Exception):
    """A file that cannot be attached, with what to do about it; nothing was stored."""


class AttachmentRecord(TypedDict):
    """An attachment as stored."""

    id: str
    customer_id: str | None
    visit_id: str | None
    note_id: str | None
    followup_id: str | None
    author_id: str | None
    name: str | None
    media_type: str | None
    size: int | None
    sha256: str | None
    thumbnail: str | None
    uploaded_at: str | None
    bulletin_id: str | None
    area_id: str | None
    title: str | None
    version: int | None
    deleted: bool


class AttachmentRow(AttachmentRecord):
    """An attachment in a list, with where its content is."""

    state: AttachmentState


@dataclass(frozen=True, slots=True)
class Owner:
    """The record an attachment belongs to."""

    kind: OwnerKind
    id: str


# ---- content checks -------------------------------------------------------------------


def media_type_of(head: bytes, name: str) -> str | None:
    """The file's type from its first bytes (``filetype``); None for a type FieldCRM does
    not take. The name only tells text apart from binary data without a signature."""
    import filetype

    kind = filetype.guess(head)
    extension = Path(name).suffix.lower()
    if kind is not None:
        mime = str(kind.mime)
        if mime == "application/zip" and extension in (".docx", ".xlsx", ".pptx"):
            return None  # a zip named like an office file is not one
        return mime if mime in ALLOWED_TYPES else None
    if head.startswith(_OLE_SIGNATURE):
        return _OLE_EXTENSIONS.get(extension)
    if head.startswith(b"{\\rtf"):
        return "application/rtf"
    if extension in _TEXT_EXTENSIONS and b"\0" not in head:
        try:
            head.decode("utf-8")
        except UnicodeDecodeError as exc:
            if exc.start < len(head) - 4:  # a character cut at the end is fine
                return None
        return _TEXT_EXTENSIONS[extension]
    return None


def _webp_available() -> bool:
    from PIL import features

    return bool(features.check("webp"))


def make_thumbnail(source: BinaryIO) -> str | None:
    """A small picture of a photo as base64 (WebP, or JPEG where Pillow has no WebP), or
    None when it is no image Pillow can read (a broken image gets an icon, not an error).
    It is as large as the list shows it (96 pixels) and under 1 KB: a territory's first
    sync carries one for every photo."""
    try:
        from PIL import Image, ImageOps
    except ImportError:  # the desktop extra brings Pillow; without it, icons only
        return None
    try:
        with Image.open(source) as image:
            image.draft("RGB", (THUMBNAIL_PIXELS * 2, THUMBNAIL_PIXELS * 2))
            picture = ImageOps.exif_transpose(image) or image
            picture = picture.convert("RGB")
            picture.thumbnail((THUMBNAIL_PIXELS, THUMBNAIL_PIXELS))
            out = io.BytesIO()
            if _webp_available():
                picture.save(out, "WEBP", quality=THUMBNAIL_QUALITY, method=6)
            else:
                picture.save(out, "JPEG", quality=THUMBNAIL_QUALITY, optimize=True)
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        return None
    return base64.b64encode(out.getvalue()).decode("ascii")


# ---- writes ---------------------------------------------------------------------------


def _owner_values(store: Store, owner: Owner) -> dict[str, str | None]:
    """The attachment's customer and owner fields; AttachmentError if the owner is gone."""
    row = store.get(owner.kind, owner.id)
    if row is None:
        raise AttachmentError(f"There is no {owner.kind} {owner.id} on this laptop.")
    if owner.kind == "bulletin":
        return {"bulletin_id": owner.id}
    customer_id = owner.id if owner.kind == "customer" else row.get("customer_id")
    values: dict[str, str | None] = {"customer_id": customer_id}
    if owner.kind != "customer":
        values[f"{owner.kind}_id"] = owner.id
    return values


@dataclass(frozen=True, slots=True)
class CheckedFile:
    """A file that may be attached: its safe name and its type (found from the content)."""

    path: Path
    name: str
    media_type: str
    size: int


def check_file(
    path: Path, *, name: str | None = None, max_bytes: int = DEFAULT_MAX_FILE_BYTES
) -> CheckedFile:
    """Whether the file at ``path`` can be attached (readable, within the size limit, of a
    type FieldCRM takes); AttachmentError says why not. Nothing is stored."""
    try:
        size = os.stat(path).st_size
        with open(path, "rb") as handle:
            head = handle.read(SNIFF_BYTES)
    except OSError as exc:
        raise AttachmentError(f"Cannot read {path}: {exc.strerror or exc}.") from None
    if size > max_bytes:
        raise AttachmentError(
            f"{Path(path).name} is {size / 1_048_576:.1f} MB; files of at most "
            f"{max_bytes / 1_048_576:.0f} MB can be attached."
        )
    file_name = safe_file_name(name or Path(path).name)
    media_type = media_type_of(head, file_name)
    if media_type is None:
        raise AttachmentError(
            f"{file_name} is not a photo, PDF, office document or text file "
            "(its content decides, not its name)."
        )
    return CheckedFile(Path(path), file_name, media_type, size)


def import_checked(store: Store, checked: CheckedFile, max_bytes: int) -> dict[str, object]:
    """Copy a checked file into the profile; the attachment record's describing fields."""
    try:
        handle = open(checked.path, "rb")  # noqa: SIM115 - closed below, after the copy
    except OSError as exc:
        raise AttachmentError(f"Cannot read {checked.path}: {exc.strerror or exc}.") from None
    with handle:
        is_image = checked.media_type.startswith("image/")
        thumbnail = make_thumbnail(handle) if is_image else None
        handle.seek(0)
        sha256, copied = AttachmentFiles(store).import_file(handle)
    if copied > max_bytes:  # the file grew while it was copied
        raise AttachmentError(f"{checked.name} changed while it was being attached; try again.")
    return {
        "name": checked.name,
        "media_type": checked.media_type,
        "size": copied,
        "sha256": sha256,
        "thumbnail": thumbnail,
    }


def add_attachment(
    store: Store,
    owner: Owner,
    path: Path,
    *,
    name: str | None = None,
    max_bytes: int = DEFAULT_MAX_FILE_BYTES,
) -> Changes:
    """Attach the file at ``path``: checked (size, type from the content), copied into the
    profile, recorded. The record syncs with the next sync; the content uploads after it."""
    author = current_user_id(store)
    if author is None:
        raise AttachmentError("Sign in once before attaching files (fieldcrm login).")
    values = _owner_values(store, owner)
    checked = check_file(path, name=name, max_bytes=max_bytes)
    described = import_checked(store, checked, max_bytes)
    try:
        attachment_id = store.create(
            "attachment",
            {**values, "author_id": author, **described},
        )
    except ValidationError as exc:
        raise AttachmentError(f"The attachment cannot be recorded: {exc}") from None
    from fieldcrm.app.corrections import created

    return created("attachment", attachment_id, "add_attachment")


def rename_attachment(store: Store, attachment_id: str, name: str) -> Changes:
    """Rename like any record: the undo (Ctrl+Z) gives the previous name back."""
    from fieldcrm.app import corrections

    file_name = safe_file_name(name, fallback="")
    if not file_name:
        raise AttachmentError("A file name needs at least one letter or digit.")
    return corrections.edit(
        store, "attachment", attachment_id, {"name": file_name}, "rename_attachment"
    )


def delete_attachment(store: Store, attachment_id: str) -> Changes:
    """Delete like any record: to the trash (restored from there, or by the undo)."""
    from fieldcrm.app import corrections

    return corrections.delete(store, "attachment", attachment_id, "delete_attachment")


# ---- reads ----------------------------------------------------------------------------


def _state(row: sa.Row[tuple[object, ...]]) -> AttachmentState:
    if not row.uploaded_at and not row.uploaded:
        return "waiting"
    return "here" if row.present else "server"


def attachments_of(store: Store, owner: Owner) -> list[AttachmentRow]:
    """The attachments of a record, oldest first; ones still waiting to upload only for
    their author. A customer's list holds those of its visits, notes and follow-ups too."""
    a = t.attachment.c
    column = a.customer_id if owner.kind == "customer" else a[f"{owner.kind}_id"]
    return attachments_where(store, column == owner.id)


def attachments_where(store: Store, where: sa.ColumnElement[bool]) -> list[AttachmentRow]:
    """Live attachments matching ``where``, oldest first (waiting ones for the author only)."""
    a, f = t.attachment.c, t.attachment_file.c
    me = current_user_id(store)
    columns = [c for c in t.attachment.columns if c.name not in ("stamps", "server_seq")]
    query = (
        sa.select(*columns, f.present, f.uploaded)
        .outerjoin(t.attachment_file, f.sha256 == a.sha256)
        .where(where, a.deleted.is_(False))
        .where(sa.or_(a.uploaded_at.is_not(None), f.uploaded.is_(True), a.author_id == me))
        .order_by(a.id)
    )
    with store.read() as conn:
        rows = conn.execute(query).all()
    out: list[AttachmentRow] = []
    for row in rows:
        record = {c.name: getattr(row, c.name) for c in columns}
        record["deleted"] = bool(record["deleted"])
        out.append(AttachmentRow(**record, state=_state(row)))  # type: ignore[typeddict-item]
    return out


def attachment(store: Store, attachment_id: str) -> AttachmentRecord | None:
    row = store.get("attachment", attachment_id)
    if row is None:
        return None
    values = {k: row.get(k) for k in AttachmentRecord.__annotations__}
    values["deleted"] = bool(values["deleted"])
    return cast(AttachmentRecord, values)


def local_content(store: Store, attachment_id: str) -> Path | None:
    """The attachment's content as a file the system's viewer can open (marked as just
    used), or None when it must be downloaded first. In an encrypted profile the file is
    a decrypted copy in a private temporary folder, removed when the app ends."""
    record = attachment(store, attachment_id)
    if record is None or not record["sha256"]:
        return None
    files = AttachmentFiles(store)
    if files.local_path(record["sha256"]) is None:
        return None
    path = files.viewable_copy(record["sha256"], record["name"] or "")
    files.mark_used(record["sha256"])
    return path
