"""Bulletins: a manager's message to the field, its read receipts and confirmations, and the
questions and answers under it (comments that name the bulletin).

The rules the server enforces (only managers and admins post, only to territories and
active reps of their area) are checked here first, so that bad input is refused with a
clear message before anything is written or sent. Reading a bulletin writes the reader's
receipt (one per bulletin and reader, its id made from both, so two laptops of one rep
write the same record); confirming sets its ``confirmed_at``. A bulletin's documents are
attachments that name it (``fieldcrm.app.attachments``): checked before anything is
written, recorded with the bulletin in one transaction, downloaded by every laptop it
reaches whatever their size.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any, TypedDict

import sqlalchemy as sa

from fieldcrm.app.attachments import (
    AttachmentRow,
    attachments_where,
    check_file,
    import_checked,
)
from fieldcrm.app.changes import Changes
from fieldcrm.app.records import BulletinRecord, shaped
from fieldcrm.domain.files import DEFAULT_MAX_FILE_BYTES
from fieldcrm.domain.validation import ValidationError
from fieldcrm.protocol.codes import REJECTIONS, english
from fieldcrm.store import Store
from fieldcrm.store import feedback as store_feedback
from fieldcrm.store import tables as t
from fieldcrm.store.feedback import FeedbackItem
from fieldcrm.store.meta import TEAM_SYNC_KEY, USER_ID_KEY

#: Namespace of receipt ids (``uuid5`` of the bulletin and the reader).
RECEIPT_NAMESPACE = uuid.UUID("0b7e3f52-8d41-5a6c-b1e9-3c2d4f6a8b0c")


class BulletinRefused(ValueError):
    """Input the rules do not allow; ``code`` is the server's rejection code for it."""

    def __init__(self, code: str, field: str | None = None, **params: Any) -> None:
        super().__init__(english(REJECTIONS, code, params))
        self.code, self.field, self.params = code, field, params


class BulletinRow(TypedDict):
    """A bulletin in a list: what it is, who wrote it, and this user's receipt."""

    id: str
    title: str | None
    author_id: str | None
    author_name: str | None
    posted_at: str | None
    confirm_by: str | None
    read_at: str | None
    confirmed_at: str | None
    #: Questions and answers under it.
    comments: int


class ReceiptRow(TypedDict):
    """One person a bulletin is addressed to, and whether they read and confirmed it."""

    user_id: str
    name: str
    territory_name: str | None
    read_at: str | None
    confirmed_at: str | None
    #: When their laptop last synced completely (for those who have not read it yet).
    last_sync_at: str | None


class BulletinView(TypedDict):
    """One bulletin as its reader sees it."""

    bulletin: BulletinRecord
    author_name: str | None
    audience: list[str]
    read_at: str | None
    confirmed_at: str | None
    thread: list[FeedbackItem]
    #: The attached documents (``state`` "here": available offline).
    documents: list[AttachmentRow]
    #: Who read and confirmed it: for its author, the area's managers and admins only.
    receipts: list[ReceiptRow] | None


class Audience(TypedDict):
    """Whom the signed-in manager may address: the area, its territories and reps."""

    area_id: str | None
    area_name: str | None
    territories: list[tuple[str, str]]
    reps: list[tuple[str, str, str | None]]


def receipt_id(bulletin_id: str, user_id: str) -> str:
    return str(uuid.uuid5(RECEIPT_NAMESPACE, f"{bulletin_id}:{user_id}"))


_NAME = "coalesce(nullif(u.display_name, ''), u.username)"


def _user(conn: sa.Connection, user_id: str | None) -> Any:
    if user_id is None:
        return None
    return conn.execute(
        sa.select(t.user.c.id, t.user.c.role, t.user.c.territory_id, t.user.c.active).where(
            t.user.c.id == user_id, t.user.c.deleted.is_(False)
        )
    ).first()


def _parents(conn: sa.Connection) -> dict[str, str | None]:
    rows = conn.execute(
        sa.select(t.territory.c.id, t.territory.c.parent_id).where(t.territory.c.deleted.is_(False))
    )
    return {row.id: row.parent_id for row in rows}


def audience_choices(store: Store, area_id: str | None = None) -> Audience:
    """The area of the signed-in manager (or ``area_id`` for an admin), its territories and
    its active reps, by name."""
    with store.read() as conn:
        me = _user(conn, store.meta(USER_ID_KEY))
        area = area_id or (me.territory_id if me is not None else None)
        parents = _parents(conn)
        names = {
            row.id: row.name
            for row in conn.execute(sa.select(t.territory.c.id, t.territory.c.name))
        }
        reps = conn.execute(
            sa.text(
                f"SELECT u.id, {_NAME} AS name, u.territory_id FROM user u WHERE u.deleted = 0 "
                "AND u.role = 'rep' AND coalesce(u.active, 1) = 1 ORDER BY name, u.id"
            )
        ).all()
    territories = sorted(
        ((tid, names.get(tid) or tid) for tid, parent in parents.items() if parent == area),
        key=lambda item: (item[1].casefold(), item[0]),
    )
    inside = {tid for tid, _ in territories}
    return Audience(
        area_id=area,
        area_name=names.get(area or ""),
        territories=territories,
        reps=[(r.id, r.name, r.territory_id) for r in reps if r.territory_id in inside],
    )


def usernames(store: Store, user_ids: Sequence[str]) -> dict[str, str]:
    """The user names (sign-in names) of users on this laptop."""
    with store.read() as conn:
        found = conn.execute(
            sa.select(t.user.c.id, t.user.c.username).where(t.user.c.id.in_(list(user_ids)))
        )
        return {row.id: row.username for row in found if row.username}


def _check_poster(conn: sa.Connection, author_id: str, area_id: str | None) -> str:
    me = _user(conn, author_id)
    role = me.role if me is not None else None
    if role not in ("manager", "admin"):
        raise BulletinRefused("bulletin_managers_only", "entity")
    area = area_id if role == "admin" else me.territory_id
    parents = _parents(conn)
    if area is None or area not in parents.values():
        raise BulletinRefused("bulletin_no_area", "area_id")
    return str(area)


def _check_audience(
    conn: sa.Connection, area_id: str, territory_ids: Sequence[str], rep_ids: Sequence[str]
) -> None:
    parents = _parents(conn)
    for territory_id in territory_ids:
        if parents.get(territory_id) != area_id:
            raise BulletinRefused("bulletin_audience_outside", "territory_ids")
    for rep_id in rep_ids:
        rep = _user(conn, rep_id)
        if (
            rep is None
            or rep.role != "rep"
            or rep.active is False
            or parents.get(rep.territory_id or "") != area_id
        ):
            raise BulletinRefused("bulletin_audience_outside", "rep_ids")


def post(
    store: Store,
    author_id: str,
    title: str,
    body: str | None = None,
    *,
    territory_ids: Sequence[str] = (),
    rep_ids: Sequence[str] = (),
    confirm_by: date | str | None = None,
    area_id: str | None = None,
    attachments: Sequence[Path] = (),
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES,
) -> Changes:
    """Post a bulletin to the whole area (no territories and no reps), to territories of
    the area or to reps of it, with documents (files at ``attachments``). Bad input raises
    ``BulletinRefused``, ``ValidationError`` or ``AttachmentError`` and writes nothing."""
    if not (title or "").strip():
        raise ValidationError.single("bulletin", "title", "empty")
    with store.read() as conn:  # refused before any file is copied
        area = _check_poster(conn, author_id, area_id)
        _check_audience(conn, area, territory_ids, rep_ids)
    checked = [check_file(path, max_bytes=max_file_bytes) for path in attachments]
    documents = [import_checked(store, file, max_file_bytes) for file in checked]
    with store.write() as uow:
        area = _check_poster(uow.connection, author_id, area_id)
        _check_audience(uow.connection, area, territory_ids, rep_ids)
        bulletin_id = uow.create(
            "bulletin",
            {
                "area_id": area,
                "author_id": author_id,
                "title": title,
                "body": body,
                "territory_ids": list(territory_ids),
                "rep_ids": list(rep_ids),
                "confirm_by": confirm_by,
                "posted_at": store.now_text(),
            },
        )
        for described in documents:
            uow.create(
                "attachment", {**described, "bulletin_id": bulletin_id, "author_id": author_id}
            )
    return Changes.of("bulletin", "attachment", id=bulletin_id)


def documents_of(store: Store, bulletin_id: str) -> list[AttachmentRow]:
    """A bulletin's documents, oldest first (not yet uploaded ones for their author only)."""
    return attachments_where(store, t.attachment.c.bulletin_id == bulletin_id)


def correct(store: Store, user_id: str, bulletin_id: str, changes: dict[str, Any]) -> Changes:
    """Change a bulletin's title, text, confirmation date or audience (every laptop that
    has it gets the new version; people no longer addressed lose it)."""
    with store.write() as uow:
        current = uow.get("bulletin", bulletin_id)
        if current is None:
            raise BulletinRefused("bulletin_unavailable", "id")
        area = _check_poster(uow.connection, user_id, current["area_id"])
        if "title" in changes and not (changes["title"] or "").strip():
            raise ValidationError.single("bulletin", "title", "empty")
        _check_audience(
            uow.connection,
            area,
            changes.get("territory_ids", current["territory_ids"]) or [],
            changes.get("rep_ids", current["rep_ids"]) or [],
        )
        uow.update("bulletin", bulletin_id, changes)
    return Changes.of("bulletin", id=bulletin_id)


def delete(store: Store, user_id: str, bulletin_id: str) -> Changes:
    """Take a bulletin back: it leaves every laptop at their next sync."""
    with store.write() as uow:
        if uow.get("bulletin", bulletin_id) is None:
            raise BulletinRefused("bulletin_unavailable", "id")
        _check_poster(uow.connection, user_id, None)
        uow.delete("bulletin", bulletin_id)
    return Changes.of("bulletin", "comment")


_LIST_SQL = f"""
    SELECT b.id, b.title, b.author_id, {_NAME} AS author_name, b.posted_at, b.confirm_by,
           r.read_at, r.confirmed_at,
           (SELECT count(*) FROM comment c WHERE c.bulletin_id = b.id AND c.deleted = 0)
             AS comments
    FROM bulletin b
    LEFT JOIN user u ON u.id = b.author_id
    LEFT JOIN bulletin_receipt r ON r.bulletin_id = b.id AND r.user_id = :me AND r.deleted = 0
    WHERE b.deleted = 0
"""


def bulletin_list(store: Store, user_id: str, *, unread_only: bool = False) -> list[BulletinRow]:
    """The bulletins on this laptop, newest first, with the user's receipt. ``unread_only``:
    those the user has not opened (a manager's own are never unread)."""
    sql = _LIST_SQL
    if unread_only:
        sql += " AND r.read_at IS NULL AND coalesce(b.author_id, '') != :me"
    sql += " ORDER BY b.posted_at DESC, b.id DESC"
    with store.read() as conn:
        return [
            shaped(BulletinRow, r._mapping) for r in conn.execute(sa.text(sql), {"me": user_id})
        ]


def find(store: Store, prefix: str) -> str | None:
    """The id of the live bulletin whose id is or begins with ``prefix`` (unambiguous)."""
    with store.read() as conn:
        ids = (
            conn.execute(
                sa.select(t.bulletin.c.id)
                .where(t.bulletin.c.deleted.is_(False), t.bulletin.c.id.startswith(prefix.strip()))
                .limit(2)
            )
            .scalars()
            .all()
        )
    return ids[0] if len(ids) == 1 else None


def open_bulletin(store: Store, bulletin_id: str, reader_id: str) -> BulletinView | None:
    """A bulletin with its thread (and its receipts for those who may see them). Opening it
    is reading it: a rep's receipt is written now (once), and what others wrote under it
    counts as read on this laptop."""
    with store.read() as conn:
        row = conn.execute(
            sa.text(
                f"SELECT b.*, {_NAME} AS author_name FROM bulletin b "
                "LEFT JOIN user u ON u.id = b.author_id WHERE b.id = :b AND b.deleted = 0"
            ),
            {"b": bulletin_id},
        ).first()
        if row is None:
            return None
        me = _user(conn, reader_id)
    data = dict(row._mapping)
    for name in ("territory_ids", "rep_ids"):
        if isinstance(data[name], str):
            data[name] = json.loads(data[name])
    author_name = data.pop("author_name")
    data.pop("stamps", None)
    data.pop("server_seq", None)
    bulletin = shaped(BulletinRecord, data)
    if me is not None and me.role == "rep" and bulletin["author_id"] != reader_id:
        _write_receipt(store, bulletin_id, reader_id, confirm=False)
    with store.read() as conn:
        receipt = conn.execute(
            sa.select(t.bulletin_receipt.c.read_at, t.bulletin_receipt.c.confirmed_at).where(
                t.bulletin_receipt.c.id == receipt_id(bulletin_id, reader_id)
            )
        ).first()
        thread = store_feedback.bulletin_thread(conn, bulletin_id)
        audience = _audience_names(conn, bulletin)
        sees_receipts = me is not None and (
            me.role in ("manager", "admin") or bulletin["author_id"] == reader_id
        )
        receipts = receipt_rows(conn, bulletin) if sees_receipts else None
    store_feedback.mark_read_here(
        store, [i.id for i in thread if not i.read and i.author_id != reader_id]
    )
    return BulletinView(
        bulletin=bulletin,
        author_name=author_name,
        audience=audience,
        read_at=receipt.read_at if receipt else None,
        confirmed_at=receipt.confirmed_at if receipt else None,
        thread=thread,
        documents=documents_of(store, bulletin_id),
        receipts=receipts,
    )


def _write_receipt(store: Store, bulletin_id: str, user_id: str, *, confirm: bool) -> bool:
    """Write (or complete) the user's receipt; False when there was nothing to change."""
    now = store.now_text()
    rid = receipt_id(bulletin_id, user_id)
    with store.write() as uow:
        current = uow.get("bulletin_receipt", rid)
        if current is None:
            values = {"bulletin_id": bulletin_id, "user_id": user_id, "read_at": now}
            if confirm:
                values["confirmed_at"] = now
            uow.create("bulletin_receipt", values, row_id=rid)
            return True
        changes = {}
        if not current["read_at"]:
            changes["read_at"] = now
        if confirm and not current["confirmed_at"]:
            changes["confirmed_at"] = now
        return bool(changes) and bool(uow.update("bulletin_receipt", rid, changes))


def mark_read(store: Store, bulletin_id: str, user_id: str) -> Changes:
    if store.get("bulletin", bulletin_id) is None:
        raise BulletinRefused("bulletin_unavailable", "id")
    changed = _write_receipt(store, bulletin_id, user_id, confirm=False)
    return Changes.of("bulletin_receipt") if changed else Changes.of()


def confirm(store: Store, bulletin_id: str, user_id: str) -> Changes:
    """ "Read and understood": the receipt gets its confirmation time (once)."""
    if store.get("bulletin", bulletin_id) is None:
        raise BulletinRefused("bulletin_unavailable", "id")
    changed = _write_receipt(store, bulletin_id, user_id, confirm=True)
    return Changes.of("bulletin_receipt") if changed else Changes.of()


def ask(store: Store, bulletin_id: str, author_id: str, text: str) -> Changes:
    """A question (or an answer) under a bulletin, seen by everyone it is addressed to."""
    comment_id = store_feedback.add_bulletin_comment(store, bulletin_id, author_id, text)
    return Changes.of("comment", id=comment_id)


def _addressed(conn: sa.Connection, bulletin: BulletinRecord) -> list[sa.Row[Any]]:
    """The active reps a bulletin is addressed to, as far as this laptop knows them."""
    parents = _parents(conn)
    territories = set(bulletin["territory_ids"] or [])
    reps = set(bulletin["rep_ids"] or [])
    rows = conn.execute(
        sa.text(
            f"SELECT u.id, {_NAME} AS name, u.territory_id, t.name AS territory_name "
            "FROM user u LEFT JOIN territory t ON t.id = u.territory_id "
            "WHERE u.deleted = 0 AND u.role = 'rep' AND coalesce(u.active, 1) = 1 "
            "ORDER BY name, u.id"
        )
    ).all()
    if not territories and not reps:
        return [r for r in rows if parents.get(r.territory_id or "") == bulletin["area_id"]]
    return [r for r in rows if r.territory_id in territories or r.id in reps]


def receipt_rows(conn: sa.Connection, bulletin: BulletinRecord) -> list[ReceiptRow]:
    """Per addressed rep: read and confirmed when, and their last complete sync."""
    raw = conn.scalar(sa.select(t.meta.c.value).where(t.meta.c.key == TEAM_SYNC_KEY))
    last_syncs: dict[str, str] = json.loads(raw) if raw else {}
    r = t.bulletin_receipt.c
    receipts = {
        row.user_id: row
        for row in conn.execute(
            sa.select(r.user_id, r.read_at, r.confirmed_at).where(
                r.bulletin_id == bulletin["id"], r.deleted.is_(False)
            )
        )
    }
    out = []
    for person in _addressed(conn, bulletin):
        receipt = receipts.get(person.id)
        out.append(
            ReceiptRow(
                user_id=person.id,
                name=person.name,
                territory_name=person.territory_name,
                read_at=receipt.read_at if receipt else None,
                confirmed_at=receipt.confirmed_at if receipt else None,
                last_sync_at=last_syncs.get(person.id),
            )
        )
    return out


def _audience_names(conn: sa.Connection, bulletin: BulletinRecord) -> list[str]:
    """The territories and people named, by name (empty: the whole area)."""
    names = []
    for territory_id in bulletin["territory_ids"] or []:
        name = conn.scalar(sa.select(t.territory.c.name).where(t.territory.c.id == territory_id))
        names.append(name or territory_id)
    for rep_id in bulletin["rep_ids"] or []:
        row = conn.execute(
            sa.select(t.user.c.display_name, t.user.c.username).where(t.user.c.id == rep_id)
        ).first()
        names.append((row.display_name or row.username) if row else rep_id)
    return names


def unread_count(store: Store, user_id: str) -> int:
    """Bulletins the user has not opened yet."""
    return len(bulletin_list(store, user_id, unread_only=True))
