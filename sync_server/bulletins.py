"""Bulletins on the server: who may post, change and read them, and where they are filed.

A bulletin is filed under the scope of its audience, so that a pull hands it to the people
addressed and the area's managers and to nobody else:

* the whole area (no territories, no reps named): the area's own scope;
* one territory: that territory's scope; one rep: the rep's personal scope (their id);
* anything else: an audience scope (a UUID made from the area and the members), whose
  members are rows of ``audience``. ``sync_server.scope`` gives a rep the audiences that
  name their territory or them, a manager every audience of the area.

Questions and answers under a bulletin are comments filed with it (its scope; the
bulletin's id in ``record.customer_id``, so they move and are deleted with it like a
customer's records). A read receipt is filed under its reader's personal scope: the
reader, the area's managers and admins see it, no other rep.

Documents of a bulletin are attachments that name it: filed with it like its questions,
so only the people addressed receive them (and download their content,
``sync_server.files``). Documents on an area's shelf are attachments that name the area:
filed under the area's own scope, which every rep and manager of the area reads. Only
managers of the area and admins add them; any of them may take a shelf document back (a
new version replaces the old one).

Only managers (in their own area) and admins post or change bulletins; only the reader
writes their receipt; only its author changes a comment.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from sync_server import tables as t
from sync_server.scope import territory_parents

if TYPE_CHECKING:
    from fieldcrm.domain.entities import EntitySpec
    from fieldcrm.protocol import OutboxEntry
    from sync_server.push import PushContext
    from sync_server.store import Row

#: Namespace of audience scopes (``uuid5`` of the area and the sorted members).
AUDIENCE_NAMESPACE = uuid.UUID("6f1d3c8e-2b4a-5e7f-9c1d-0a2b3c4d5e6f")


def _rejected(code: str, field: str | None = None, **params: Any) -> Exception:
    from sync_server.push import Rejected

    return Rejected(code, field, **params)


def governs(entity: str, current: Row | None, entry: OutboxEntry) -> bool:
    """Whether the rules here (not the territory rules) decide about this entry."""
    if entity in ("bulletin", "bulletin_receipt"):
        return True
    if entity not in ("comment", "attachment"):
        return False
    data = current.data if current is not None else entry.fields
    return bool(data.get("bulletin_id") or (entity == "attachment" and data.get("area_id")))


def is_shelf_document(entity: str, data: dict[str, Any]) -> bool:
    return entity == "attachment" and bool(data.get("area_id"))


def authorize(ctx: PushContext, entity: str, current: Row | None) -> None:
    """May the caller change (or create) this row at all? (Readability is checked first.)"""
    caller = ctx.caller
    if entity == "bulletin":
        if caller.role not in ("manager", "admin"):
            raise _rejected("bulletin_managers_only", "entity")
        mine = current is None or current.data.get("area_id") == caller.territory_id
        if not (mine or caller.is_admin):
            raise _rejected("other_territory", "area_id", entity=entity)
    elif entity == "attachment":
        if caller.role not in ("manager", "admin"):
            raise _rejected("shelf_managers_only", "entity")
        if current is not None and not caller.is_admin:
            area = current.data.get("area_id")
            if area is None:  # a bulletin's document: the bulletin's area
                bulletin = ctx.row("bulletin", current.data.get("bulletin_id") or "")
                area = bulletin.data.get("area_id") if bulletin is not None else None
            if area != caller.territory_id:
                raise _rejected("shelf_managers_only", "area_id")
    elif entity == "bulletin_receipt" and current is not None and not caller.is_admin:
        owner = current.data.get("user_id")
        if owner not in (None, caller.user_id):
            raise _rejected("author_only", "user_id", entity=entity)
    # A comment's author is checked like any comment's (``push._check_personal``).


def audience_scope(area_id: str, territory_ids: list[str], rep_ids: list[str]) -> str:
    """The scope a bulletin to these people is filed under."""
    if not territory_ids and not rep_ids:
        return area_id
    if len(territory_ids) == 1 and not rep_ids:
        return territory_ids[0]
    if not territory_ids and len(rep_ids) == 1:
        return rep_ids[0]
    members = ",".join(sorted({*territory_ids, *rep_ids}))
    return str(uuid.uuid5(AUDIENCE_NAMESPACE, f"{area_id}:{members}"))


def _check_audience(ctx: PushContext, values: dict[str, Any]) -> str:
    """The bulletin's area, territories and reps; returns its scope (``register_audience``
    registers an audience scope's members when the bulletin is written)."""
    caller = ctx.caller
    area_id = values.get("area_id") if caller.is_admin else caller.territory_id
    if area_id is None or area_id not in ctx.scopes.areas:
        raise _rejected("bulletin_no_area", "area_id")
    values["area_id"] = area_id
    parents = territory_parents(ctx.conn)
    territory_ids = list(values.get("territory_ids") or [])
    for territory_id in territory_ids:
        if parents.get(territory_id) != area_id:
            raise _rejected("bulletin_audience_outside", "territory_ids")
    rep_ids = list(values.get("rep_ids") or [])
    for rep_id in rep_ids:
        account = ctx.account(rep_id)
        if (
            account is None
            or not account.active
            or account.role != "rep"
            or parents.get(account.territory_id or "") != area_id
        ):
            raise _rejected("bulletin_audience_outside", "rep_ids")
    return audience_scope(area_id, territory_ids, rep_ids)


def register_audience(ctx: PushContext, row: Row) -> None:
    """Register the members of a bulletin's audience scope, just before the bulletin is
    written: a bulletin refused after its audience was checked (no title, too large)
    leaves no members behind, and the members change only in a transaction that hands
    out a sequence number (``sync_server.scope.scopes_at`` relies on it)."""
    territory_ids = list(row.data.get("territory_ids") or [])
    members = {*territory_ids, *(row.data.get("rep_ids") or [])}
    if len(members) > 1:
        _register(ctx.conn, row.scope, row.data["area_id"], sorted(members))


def _register(conn: sa.Connection, scope: str, area_id: str, members: list[str]) -> None:
    au = t.audience.c
    known = set(conn.execute(sa.select(au.member_id).where(au.scope == scope)).scalars())
    rows = [{"scope": scope, "member_id": m, "area_id": area_id} for m in members if m not in known]
    if not rows:
        return
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        conn.execute(pg_insert(t.audience).on_conflict_do_nothing(), rows)
    else:
        conn.execute(t.audience.insert(), rows)


def _readable_bulletin(ctx: PushContext, bulletin_id: str | None, field: str) -> Row:
    bulletin = ctx.row("bulletin", bulletin_id) if bulletin_id else None
    if bulletin is None or bulletin.deleted or not ctx.scopes.can_read(bulletin.scope):
        raise _rejected("bulletin_unavailable", field)
    return bulletin


def scope_of_new(
    ctx: PushContext, spec: EntitySpec, values: dict[str, Any]
) -> tuple[str, str | None]:
    """Scope and owner (``record.customer_id``) of a new bulletin, receipt or comment
    under a bulletin; fills the fields the server sets in ``values``."""
    caller = ctx.caller
    if spec.name == "bulletin":
        if not caller.is_admin or values.get("author_id") is None:
            values["author_id"] = caller.user_id
        return _check_audience(ctx, values), None
    if spec.name == "bulletin_receipt":
        if not caller.is_admin or values.get("user_id") is None:
            values["user_id"] = caller.user_id
        _readable_bulletin(ctx, values.get("bulletin_id"), "bulletin_id")
        return values["user_id"], None
    # A question or an answer under a bulletin, or a document of a bulletin or a shelf.
    if not caller.is_admin or values.get("author_id") is None:
        values["author_id"] = caller.user_id
    if is_shelf_document(spec.name, values):
        area_id = values.get("area_id")
        if area_id not in ctx.scopes.areas or not (
            caller.is_admin or area_id == caller.territory_id
        ):
            raise _rejected("shelf_managers_only", "area_id")
        return str(area_id), None
    bulletin = _readable_bulletin(ctx, values.get("bulletin_id"), "bulletin_id")
    if spec.name == "attachment" and not (
        caller.is_admin or bulletin.data.get("area_id") == caller.territory_id
    ):
        raise _rejected("shelf_managers_only", "bulletin_id")
    return bulletin.scope, bulletin.id


def scope_of_changed(ctx: PushContext, data: dict[str, Any], current: Row) -> str:
    """The scope of a bulletin after an edit (its audience may have changed)."""
    fields = ("territory_ids", "rep_ids")
    if all(data.get(f) == current.data.get(f) for f in fields):
        return current.scope
    values = dict(data)
    if ctx.caller.is_admin:
        values["area_id"] = current.data.get("area_id")
    return _check_audience(ctx, values)
