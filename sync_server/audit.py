"""The audit log: every administrative change, failed login, lockout, revoked session and
detected token reuse, with time, actor and address, kept in the database."""

from __future__ import annotations

import getpass
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from sync_server import tables as t
from sync_server.store import utcnow

#: Actions written to the log (``action`` column).
ACTIONS = (
    "territory.add",
    "territory.rename",
    "territory.set",
    "user.add",
    "user.set",
    "user.enable",
    "user.disable",
    "user.reset_password",
    "device.revoke",
    "customer.move",
    "customer.import",
    "demo.seed",
    "login.failed",
    "login.lockout",
    "session.revoked",
    "token.reuse",
)


def command_line_actor() -> str:
    """The actor of a command-line change: the server command and the system user."""
    try:
        who = getpass.getuser()
    except (KeyError, OSError):  # no name for this uid (containers)
        who = "unknown"
    return f"fieldcrm-server ({who})"[:128]


def record(
    conn: sa.Connection,
    action: str,
    *,
    actor: str,
    target: str | None = None,
    address: str | None = None,
    detail: str | None = None,
) -> None:
    conn.execute(
        t.audit_log.insert().values(
            at=utcnow(),
            actor=actor[:128],
            action=action,
            target=None if target is None else target[:200],
            address=None if address is None else address[:64],
            detail=detail,
        )
    )


@dataclass(frozen=True, slots=True)
class AuditEntry:
    at: datetime
    actor: str
    action: str
    target: str | None
    address: str | None
    detail: str | None

    def as_json(self) -> dict[str, Any]:
        return {
            "at": self.at.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "actor": self.actor,
            "action": self.action,
            "target": self.target,
            "address": self.address,
            "detail": self.detail,
        }


def entries(
    conn: sa.Connection,
    *,
    since: datetime | None = None,
    user: str | None = None,
    limit: int | None = None,
) -> list[AuditEntry]:
    """Entries newest first; ``user`` keeps those the user did or that were about them."""
    a = t.audit_log.c
    query = sa.select(t.audit_log).order_by(a.id.desc())
    if since is not None:
        query = query.where(a.at >= since)
    if user is not None:
        query = query.where(sa.or_(a.actor == user, a.target == user))
    if limit is not None:
        query = query.limit(limit)
    out = []
    for row in conn.execute(query):
        at = row.at if row.at.tzinfo is not None else row.at.replace(tzinfo=utcnow().tzinfo)
        out.append(AuditEntry(at, row.actor, row.action, row.target, row.address, row.detail))
    return out
