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


def caller_scopes(conn: sa.Connection, role: str, territory_id: str | None) -> Scopes:
    """A rep reads their territory and its area (the area's row and managers), writes the
    territory; a manager reads and writes the area and its territories; an admin all."""
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
        return Scopes(own, own, areas, territories)
    parent = parents[territory_id]
    read = {territory_id} if parent is None else {territory_id, parent}
    return Scopes(frozenset(read), frozenset({territory_id}), areas, territories)
