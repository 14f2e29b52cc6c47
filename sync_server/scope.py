"""Who may see and change what: a caller's scopes, derived from role and territory."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import orjson
import sqlalchemy as sa

from sync_server import tables as t

#: Scope of rows only admins see (admin accounts have no territory).
GLOBAL_SCOPE = ""


@dataclass(frozen=True, slots=True)
class Caller:
    """The authenticated user behind a request, with the device the token belongs to."""

    user_id: str
    username: str
    display_name: str
    role: str
    territory_id: str | None
    device_id: str
    session_id: str
    #: When this device last pulled to the end, as noted (UTC), if known.
    last_sync_at: datetime | None = None
    #: A remote wipe waiting for this device: "now", "after_push", or None.
    wipe: str | None = None

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


@dataclass(frozen=True, slots=True)
class Scopes:
    """``read``/``write``: the scope keys a caller may pull and change; ``None`` means all."""

    read: frozenset[str] | None
    write: frozenset[str] | None
    #: Territories that group other territories (customers are never assigned to them).
    areas: frozenset[str]
    territories: frozenset[str]

    def can_read(self, scope: str) -> bool:
        return self.read is None or scope in self.read

    def can_write(self, scope: str) -> bool:
        return self.write is None or scope in self.write


#: Built once: every request of a user runs it.
_TERRITORIES = sa.select(t.record.c.id, t.record.c.data).where(
    t.record.c.entity == "territory", t.record.c.deleted.is_(False)
)


def territory_parents(conn: sa.Connection) -> dict[str, str | None]:
    """Every live territory with its parent area (``None`` for a top-level territory)."""
    return {
        row_id: orjson.loads(data).get("parent_id")
        for row_id, data in conn.execute(_TERRITORIES).all()
    }


def caller_scopes(
    conn: sa.Connection, role: str, territory_id: str | None, user_id: str | None = None
) -> Scopes:
    """A rep reads their territory and its area (the area's row and managers), writes the
    territory; a manager reads and writes the area and its territories; an admin all.

    With ``user_id``, the read scope also holds the personal scopes (a user's id: their
    bulletin receipts, bulletins to them alone) and the bulletin audiences the user is in:
    a rep their own and the audiences naming their territory or them; a manager those of
    every user and audience of the area. Nobody writes these scopes by scope alone
    (``sync_server.bulletins`` says who changes what in them).
    """
    parents = territory_parents(conn)
    areas = frozenset(p for p in parents.values() if p is not None)
    territories = frozenset(parents)
    if role == "admin":
        return Scopes(None, None, areas, territories)
    if territory_id is None or territory_id not in parents:
        return Scopes(frozenset(), frozenset(), areas, territories)
    if role == "manager":
        members = {tid for tid, parent in parents.items() if parent == territory_id}
        own = frozenset({territory_id, *members})
        extra = _manager_extra(conn, territory_id, own) if user_id else frozenset()
        return Scopes(own | extra, own, areas, territories)
    parent = parents[territory_id]
    read = {territory_id} if parent is None else {territory_id, parent}
    if user_id:
        read |= _rep_extra(conn, territory_id, user_id)
    return Scopes(frozenset(read), frozenset({territory_id}), areas, territories)


def _rep_extra(conn: sa.Connection, territory_id: str, user_id: str) -> set[str]:
    au = t.audience.c
    found = conn.execute(
        sa.select(au.scope).where(au.member_id.in_((territory_id, user_id))).distinct()
    ).scalars()
    return {user_id, *found}


def _manager_extra(conn: sa.Connection, area_id: str, own: frozenset[str]) -> frozenset[str]:
    a, au = t.account.c, t.audience.c
    people = conn.execute(sa.select(a.id).where(a.territory_id.in_(sorted(own)))).scalars()
    audiences = conn.execute(sa.select(au.scope).where(au.area_id == area_id).distinct()).scalars()
    return frozenset((*people, *audiences))


#: Scopes worked out at a state of the database, by (role, territory, user, last sequence
#: number). What decides a scope (territories, bulletin audiences, accounts) changes only
#: in transactions that hand out sequence numbers (the rows that say it are replicated
#: records), so at the same last sequence number the same caller has the same scopes:
#: an idle poll, when nothing changed since the last one, reads no territory.
_SCOPES_AT: dict[tuple[str, str | None, str, int], Scopes] = {}
_SCOPES_AT_LIMIT = 4096


def scopes_at(conn: sa.Connection, caller: Caller, last_seq: int) -> Scopes:
    """``caller_scopes`` (with the personal scopes) in a snapshot whose last sequence
    number is ``last_seq``, remembered for the next request at that same number."""
    key = (caller.role, caller.territory_id, caller.user_id, last_seq)
    scopes = _SCOPES_AT.get(key)
    if scopes is None:
        scopes = caller_scopes(conn, caller.role, caller.territory_id, caller.user_id)
        if len(_SCOPES_AT) >= _SCOPES_AT_LIMIT:
            _SCOPES_AT.clear()
        _SCOPES_AT[key] = scopes
    return scopes
