"""Remote wipe of a lost laptop: asked for by an administrator, carried out by the device.

``fieldcrm-server device wipe ID`` (or ``user wipe NAME``: all of a user's devices) marks
the device. At its next contact the device is refused pulls (and pushes too when the wipe
is "now") with the code ``device_wipe``; it sends its pending changes first unless "now",
deletes its local data, and confirms. The confirmation ends the device: its sessions are
revoked, so a wiped laptop signs in again as a new device. Both steps are in the audit log.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from sync_server import audit, auth
from sync_server import tables as t
from sync_server.scope import Caller
from sync_server.store import utcnow

WIPE_CODE = "device_wipe"


class WipeError(Exception):
    """A wipe that cannot be asked for (unknown or revoked device, unknown user)."""


class WipePending(Exception):
    """The calling device is to be wiped: its request is refused with ``WIPE_CODE``."""

    def __init__(self, now: bool) -> None:
        super().__init__(
            "This device is to be wiped by order of an administrator"
            + (" at once." if now else " once its pending changes are sent.")
        )
        self.now = now


def refuse_if_wiped(caller: Caller, *, pushing: bool = False) -> None:
    """Refuse a request of a device with a wipe waiting (a push only when it is "now":
    the device's pending changes are welcome before it deletes them)."""
    if caller.wipe is None or (pushing and caller.wipe != "now"):
        return
    raise WipePending(caller.wipe == "now")


def request_wipe(conn: sa.Connection, device_id: str, *, now: bool, actor: str) -> None:
    d, a = t.device.c, t.account.c
    row = conn.execute(
        sa.select(d.revoked_at, d.wipe_confirmed_at, a.username)
        .select_from(t.device.join(t.account, a.id == d.user_id))
        .where(d.id == device_id)
    ).first()
    if row is None:
        raise WipeError(f"There is no device {device_id!r}.")
    if row.revoked_at is not None:
        raise WipeError(
            f"Device {device_id} is revoked (or already wiped): it cannot be reached any more."
        )
    conn.execute(
        t.device.update()
        .where(d.id == device_id)
        .values(
            wipe_requested_at=utcnow(),
            wipe_now=now,
            wipe_requested_by=actor[:128],
            wipe_confirmed_at=None,
        )
    )
    audit.record(
        conn,
        "device.wipe.requested",
        actor=actor,
        target=row.username,
        detail=f"device {device_id}" + (" (now, without pending changes)" if now else ""),
    )


def request_user_wipe(conn: sa.Connection, username: str, *, now: bool, actor: str) -> list[str]:
    """Wipe every device of ``username`` that can still be reached; their ids."""
    d, a = t.device.c, t.account.c
    user_id = conn.execute(sa.select(a.id).where(a.username == username)).scalar()
    if user_id is None:
        raise WipeError(f"There is no user {username!r}.")
    ids = list(
        conn.execute(
            sa.select(d.id)
            .where(d.user_id == user_id, d.revoked_at.is_(None))
            .order_by(d.created_at)
        ).scalars()
    )
    for device_id in ids:
        request_wipe(conn, device_id, now=now, actor=actor)
    return ids


def confirm_wipe(conn: sa.Connection, caller: Caller, address: str | None) -> None:
    """The device has deleted its data: record it, and end the device."""
    d = t.device.c
    requested = conn.execute(
        sa.select(d.wipe_requested_at).where(d.id == caller.device_id)
    ).scalar()
    if requested is None:
        raise auth.AuthError(409, "no_wipe", "No wipe was asked for this device.")
    conn.execute(
        t.device.update().where(d.id == caller.device_id).values(wipe_confirmed_at=utcnow())
    )
    audit.record(
        conn,
        "device.wipe.confirmed",
        actor=caller.username,
        target=caller.username,
        address=address,
        detail=f"device {caller.device_id}",
    )
    auth.revoke_device(conn, caller.device_id, caller.username)


def wipe_columns(row: Any) -> dict[str, Any]:
    """The wipe state of a device row for ``device list``."""
    return {
        "wipe_requested": _iso(row.wipe_requested_at),
        "wipe_now": bool(row.wipe_now) if row.wipe_requested_at is not None else None,
        "wipe_confirmed": _iso(row.wipe_confirmed_at),
    }


def _iso(value: Any) -> str | None:
    if value is None:
        return None
    aware = auth._aware(value)
    assert aware is not None
    return aware.strftime("%Y-%m-%dT%H:%M:%SZ")
