"""The documents shelf of an area: the current version of each document its managers
published (price list, catalogue, forms).

A shelf document is an attachment that names the area (``area_id``) with the document's
title and version. Publishing a file under a title the shelf already holds makes the next
version and deletes the one before in the same transaction: at the next sync every laptop
of the area receives the new record and the old one's deletion, downloads the new content
(shelf documents are always downloaded, ``fieldcrm.sync.files``) and drops the old one
(contents no live attachment names are dropped after a sync). Only the current version is
ever offered. Only managers of the area and admins publish; the server checks the same.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypedDict

import sqlalchemy as sa

from fieldcrm.app.attachments import (
    AttachmentRow,
    AttachmentState,
    attachments_where,
    check_file,
    import_checked,
)
from fieldcrm.app.bulletins import BulletinRefused
from fieldcrm.app.changes import Changes
from fieldcrm.domain.files import DEFAULT_MAX_FILE_BYTES
from fieldcrm.domain.validation import ValidationError
from fieldcrm.store import Store
from fieldcrm.store import tables as t
from fieldcrm.store.meta import USER_ID_KEY


class ShelfDocument(TypedDict):
    """One document on the shelf, in its current version."""

    id: str
    title: str
    version: int
    name: str | None
    size: int | None
    media_type: str | None
    published_at: str | None
    author_name: str | None
    state: AttachmentState


def _me(conn: sa.Connection, user_id: str | None) -> Any:
    if user_id is None:
        return None
    u = t.user.c
    return conn.execute(
        sa.select(u.id, u.role, u.territory_id).where(u.id == user_id, u.deleted.is_(False))
    ).first()


def shelf_area(store: Store) -> str | None:
    """The area whose shelf this laptop shows: a manager's area, a rep's territory's area."""
    with store.read() as conn:
        me = _me(conn, store.meta(USER_ID_KEY))
        if me is None or me.territory_id is None:
            return None
        if me.role in ("manager", "admin"):
            return str(me.territory_id)
        parent = conn.scalar(
            sa.select(t.territory.c.parent_id).where(t.territory.c.id == me.territory_id)
        )
        return str(parent) if parent else None


def _check_publisher(store: Store, author_id: str, area_id: str | None) -> str:
    with store.read() as conn:
        me = _me(conn, author_id)
    if me is None or me.role not in ("manager", "admin"):
        raise BulletinRefused("shelf_managers_only", "entity")
    area = area_id if me.role == "admin" and area_id else me.territory_id
    if area is None:
        raise BulletinRefused("bulletin_no_area", "area_id")
    return str(area)


def publish(
    store: Store,
    author_id: str,
    path: Path,
    *,
    title: str | None = None,
    area_id: str | None = None,
    max_bytes: int = DEFAULT_MAX_FILE_BYTES,
) -> Changes:
    """Put the file at ``path`` on the area's shelf under ``title`` (default: the file's
    name without its extension). A document of that title (case does not matter) is
    replaced: the new one is its next version, under the title it has, and the old one is
    deleted. Bad input
    raises ``BulletinRefused``, ``ValidationError`` or ``AttachmentError``; nothing is
    written then."""
    area = _check_publisher(store, author_id, area_id)
    checked = check_file(path, max_bytes=max_bytes)
    wanted = (title if title is not None else Path(checked.name).stem).strip()
    if not wanted:
        raise ValidationError.single("attachment", "title", "empty")
    described = import_checked(store, checked, max_bytes)
    a = t.attachment.c
    with store.write() as uow:
        older = uow.connection.execute(
            sa.select(a.id, a.title, a.version).where(
                a.area_id == area, a.deleted.is_(False), a.title.is_not(None)
            )
        ).all()
        same = [row for row in older if (row.title or "").casefold() == wanted.casefold()]
        version = max((row.version or 1 for row in same), default=0) + 1
        if same:  # the document keeps the name it has on the shelf
            wanted = max(same, key=lambda row: row.version or 1).title or wanted
        document_id = uow.create(
            "attachment",
            {
                **described,
                "area_id": area,
                "author_id": author_id,
                "title": wanted,
                "version": version,
            },
        )
        for row in same:
            uow.delete("attachment", row.id)
    return Changes.of("attachment", id=document_id)


def take_back(store: Store, user_id: str, document_id: str) -> Changes:
    """Remove a document from the shelf (it leaves every laptop at their next sync)."""
    _check_publisher(store, user_id, None)
    row = store.get("attachment", document_id)
    if row is None or not row.get("area_id"):
        raise BulletinRefused("not_found", "id", entity="attachment")
    store.delete("attachment", document_id)
    return Changes.of("attachment")


def _id_time(row_id: str) -> str:
    """When a record with a UUIDv7 id was made (before the server says it has the file)."""
    ms = int(row_id.replace("-", "")[:12], 16)
    return datetime.fromtimestamp(ms / 1000, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def shelf(store: Store, area_id: str | None = None) -> list[ShelfDocument]:
    """The current documents of the area's shelf by title (one per title: the newest
    version, should two laptops have published the same title at once)."""
    area = area_id or shelf_area(store)
    if area is None:
        return []
    rows: list[AttachmentRow] = attachments_where(store, t.attachment.c.area_id == area)
    with store.read() as conn:
        names = {
            row.id: row.display_name or row.username
            for row in conn.execute(
                sa.select(t.user.c.id, t.user.c.display_name, t.user.c.username)
            )
        }
    current: dict[str, AttachmentRow] = {}
    for row in rows:  # oldest first: a later one of the same title and version wins
        key = (row["title"] or row["name"] or "").casefold()
        if key not in current or (row["version"] or 1) >= (current[key]["version"] or 1):
            current[key] = row
    out = [
        ShelfDocument(
            id=row["id"],
            title=row["title"] or row["name"] or "",
            version=row["version"] or 1,
            name=row["name"],
            size=row["size"],
            media_type=row["media_type"],
            published_at=row["uploaded_at"] or _id_time(row["id"]),
            author_name=names.get(row["author_id"] or ""),
            state=row["state"],
        )
        for row in current.values()
    ]
    return sorted(out, key=lambda d: (d["title"].casefold(), d["id"]))
