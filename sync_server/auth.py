"""Accounts and sessions: argon2id passwords, short access tokens, rotating refresh tokens.

Everything lives in the database (no process memory), so any number of server processes on
one database agree: tokens are random strings stored only as SHA-256 hashes; an access
token lives ``ACCESS_TTL`` and belongs to a session (one login on one device); each refresh
hands out a new refresh token and marks the old one used. Presenting a used refresh token
again means it leaked: the whole session (the token family) is revoked. Disabling a user,
revoking a device or logging out revokes sessions, after which their tokens stop working.
Failed logins are counted per user name in the database and throttled with a growing delay.
Writing transactions start with the write lock on SQLite (``write_transaction``), so that
concurrent logins in several worker processes wait for each other instead of failing.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from sync_server import tables as t
from sync_server.db import write_transaction
from sync_server.scope import Caller
from sync_server.store import utcnow

log = logging.getLogger("fieldcrm.server.auth")

#: OWASP minimum for argon2id: 19 MiB memory, 2 iterations, 1 lane.
PASSWORD_HASHER = PasswordHasher(
    time_cost=2, memory_cost=19 * 1024, parallelism=1, hash_len=32, salt_len=16, type=Type.ID
)
ACCESS_TTL = timedelta(minutes=15)
REFRESH_TTL = timedelta(days=30)
#: A refresh token presented again within this time, by its device, with nothing newer used,
#: is a retry after a lost answer (see ``refresh``); later, or from elsewhere, it is theft.
REFRESH_RETRY_WINDOW = timedelta(seconds=60)
#: Failed logins allowed before throttling starts, and the longest wait.
FREE_FAILURES = 5
MAX_BLOCK = timedelta(minutes=15)
#: New devices a user may get through rekey in a day (a copy of a profile needs one): a
#: session, or a stolen access token, cannot make devices and sessions without end.
MAX_NEW_DEVICES_PER_DAY = 20
#: Verified against when the user does not exist, so both cases take the same time.
_DUMMY_HASH = PASSWORD_HASHER.hash("no such user")


class AuthError(Exception):
    """A refused login or token: ``code`` for programs, ``message`` for people."""

    def __init__(self, status: int, code: str, message: str, retry_after: int | None = None):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.retry_after = retry_after


def hash_password(password: str) -> str:
    return PASSWORD_HASHER.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return PASSWORD_HASHER.verify(password_hash or _DUMMY_HASH, password) and bool(
            password_hash
        )
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _aware(value: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes; they were stored as UTC."""
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=utcnow().tzinfo)
    return value


@dataclass(frozen=True, slots=True)
class IssuedTokens:
    access_token: str
    refresh_token: str
    expires_in: int
    user_id: str


def _issue(conn: sa.Connection, session_id: str) -> IssuedTokens:
    now = utcnow()
    access = "fca_" + secrets.token_urlsafe(32)
    refresh = "fcr_" + secrets.token_urlsafe(32)
    conn.execute(
        t.access_token.insert().values(
            token_hash=token_hash(access), session_id=session_id, expires_at=now + ACCESS_TTL
        )
    )
    conn.execute(
        t.refresh_token.insert().values(
            token_hash=token_hash(refresh), session_id=session_id, expires_at=now + REFRESH_TTL
        )
    )
    user_id = conn.execute(
        sa.select(t.session.c.user_id).where(t.session.c.id == session_id)
    ).scalar_one()
    return IssuedTokens(access, refresh, int(ACCESS_TTL.total_seconds()), user_id)


def _check_throttle(conn: sa.Connection, username: str) -> None:
    row = conn.execute(
        sa.select(t.login_throttle.c.blocked_until).where(t.login_throttle.c.username == username)
    ).first()
    blocked_until = _aware(row.blocked_until) if row else None
    if blocked_until is not None and blocked_until > utcnow():
        wait = int((blocked_until - utcnow()).total_seconds()) + 1
        raise AuthError(
            429,
            "too_many_attempts",
            f"Too many failed logins for this user. Try again in {wait} seconds.",
            retry_after=wait,
        )


def record_failure(conn: sa.Connection, username: str) -> None:
    lt = t.login_throttle.c
    now = utcnow()
    failures = (
        conn.execute(sa.select(lt.failures).where(lt.username == username)).scalar() or 0
    ) + 1
    blocked_until = None
    if failures >= FREE_FAILURES:
        delay = min(timedelta(seconds=2 ** (failures - FREE_FAILURES)), MAX_BLOCK)
        blocked_until = now + delay
    values = {"failures": failures, "blocked_until": blocked_until, "last_failure_at": now}
    if (
        conn.execute(
            t.login_throttle.update().where(lt.username == username).values(**values)
        ).rowcount
        == 0
    ):
        conn.execute(t.login_throttle.insert().values(username=username, **values))


def login(
    engine: sa.Engine, username: str, password: str, device_id: str, device_name: str | None
) -> IssuedTokens:
    with engine.connect() as conn:
        _check_throttle(conn, username)
        acc = conn.execute(sa.select(t.account).where(t.account.c.username == username)).first()
    # Hash outside any transaction: it takes tens of milliseconds.
    ok = verify_password(acc.password_hash if acc else None, password)
    if not ok or acc is None:
        # Recorded in its own transaction: the refusal must not roll it back.
        with write_transaction(engine) as conn:
            record_failure(conn, username)
        raise AuthError(401, "invalid_credentials", "User name or password is wrong.")
    with write_transaction(engine) as conn:
        if not acc.active:
            raise AuthError(403, "user_disabled", "This user is disabled. Ask your administrator.")
        conn.execute(t.login_throttle.delete().where(t.login_throttle.c.username == username))
        return start_session(conn, acc.id, device_id, device_name)


def start_session(
    conn: sa.Connection, user_id: str, device_id: str, device_name: str | None = None
) -> IssuedTokens:
    """Register the device (if new) and open a session on it for a user whose password was
    checked; returns its first tokens."""
    dev = conn.execute(sa.select(t.device).where(t.device.c.id == device_id)).first()
    now = utcnow()
    if dev is not None and dev.revoked_at is not None:
        raise AuthError(403, "device_revoked", "This device was revoked. Ask your administrator.")
    if dev is not None and dev.user_id != user_id:
        raise AuthError(
            403,
            "device_taken",
            "This device id is registered to another user; the app must use its own.",
        )
    if dev is None:
        conn.execute(
            t.device.insert().values(
                id=device_id, user_id=user_id, name=device_name, created_at=now, last_seen_at=now
            )
        )
    else:
        conn.execute(t.device.update().where(t.device.c.id == device_id).values(last_seen_at=now))
    session_id = str(uuid.uuid4())
    conn.execute(
        t.session.insert().values(
            id=session_id, user_id=user_id, device_id=device_id, created_at=now
        )
    )
    return _issue(conn, session_id)


def rekey_device(
    conn: sa.Connection, caller: Caller, new_device_id: str, device_name: str | None
) -> IssuedTokens:
    """Give the caller's laptop a new device identity with a session of its own.

    Asked for after ``device_reused``: two copies of one profile (a backup put back, a
    profile copied to another computer) shared a device id. The copy that asks becomes a
    new device of the same user; the old device and its session stay with the other copy.
    """
    if conn.execute(sa.select(t.device.c.id).where(t.device.c.id == new_device_id)).first():
        raise AuthError(409, "device_taken", "This device id is taken; choose another one.")
    d = t.device.c
    recent = conn.execute(
        sa.select(sa.func.count())
        .select_from(t.device)
        .where(d.user_id == caller.user_id, d.created_at > utcnow() - timedelta(days=1))
    ).scalar_one()
    if recent >= MAX_NEW_DEVICES_PER_DAY:
        log.warning("rekey refused: too many new devices", extra={"user_id": caller.user_id})
        raise AuthError(
            429,
            "too_many_devices",
            "This user got too many new device identities today. Ask your administrator.",
        )
    old_name = conn.execute(
        sa.select(t.device.c.name).where(t.device.c.id == caller.device_id)
    ).scalar()
    # Within the name's 200 characters (a name at the limit would fail on PostgreSQL).
    name = device_name or (f"{old_name[:193]} (copy)" if old_name else None)
    log.warning(
        "device identity reused: new identity given",
        extra={"user_id": caller.user_id, "device_id": caller.device_id, "new": new_device_id},
    )
    return start_session(conn, caller.user_id, new_device_id, name)


def refresh(engine: sa.Engine, token: str, device_id: str) -> IssuedTokens:
    rt, s, d = t.refresh_token.c, t.session.c, t.device.c
    with write_transaction(engine) as conn:
        row = conn.execute(
            sa.select(
                rt.session_id,
                rt.used_at,
                rt.expires_at,
                s.device_id,
                s.revoked_at,
                d.revoked_at.label("device_revoked_at"),
            )
            .select_from(
                t.refresh_token.join(t.session, s.id == rt.session_id).join(
                    t.device, d.id == s.device_id
                )
            )
            .where(rt.token_hash == token_hash(token))
        ).first()
        if row is None:
            raise AuthError(401, "invalid_token", "The session is not valid. Log in again.")
        if row.device_revoked_at is not None:
            # Said as such (not "log in again"): logging in again will not help.
            raise AuthError(
                403, "device_revoked", "This device was revoked. Ask your administrator."
            )
        if row.revoked_at is not None:
            raise AuthError(401, "session_revoked", "The session has ended. Log in again.")
        reused = row.used_at is not None
        if reused and _answer_was_lost(conn, row, device_id):
            # The device asks again because the answer to its refresh never arrived: retire
            # the tokens it never received and answer once more.
            conn.execute(
                t.refresh_token.delete().where(
                    rt.session_id == row.session_id, rt.used_at.is_(None)
                )
            )
            _check_user_and_device(conn, row.session_id)
            return _issue(conn, row.session_id)
        if reused:
            _revoke_sessions(conn, s.id == row.session_id, "refresh token reused")
    if reused:
        # Raised after the commit: the revocation of the family must stick.
        raise AuthError(
            401,
            "session_revoked",
            "This login was used from somewhere else and has been ended. Log in again.",
        )
    if row.device_id != device_id:
        raise AuthError(401, "invalid_token", "The session belongs to another device.")
    if _aware(row.expires_at) <= utcnow():  # type: ignore[operator]
        raise AuthError(401, "token_expired", "The session has expired. Log in again.")
    with write_transaction(engine) as conn:
        used = conn.execute(
            t.refresh_token.update()
            .where(rt.token_hash == token_hash(token), rt.used_at.is_(None))
            .values(used_at=utcnow())
        )
        if used.rowcount != 1:
            raise AuthError(401, "invalid_token", "The session was refreshed meanwhile.")
        _check_user_and_device(conn, row.session_id)
        return _issue(conn, row.session_id)


def _answer_was_lost(conn: sa.Connection, row: Any, device_id: str) -> bool:
    """A used refresh token presented again is a retry, not theft, when it comes from its
    own device within ``REFRESH_RETRY_WINDOW`` of its use and nothing issued since was used.
    """
    if row.device_id != device_id or row.used_at is None:
        return False
    if utcnow() - _aware(row.used_at) > REFRESH_RETRY_WINDOW:  # type: ignore[operator]
        return False
    rt = t.refresh_token.c
    later_use = conn.execute(
        sa.select(sa.func.count())
        .select_from(t.refresh_token)
        .where(rt.session_id == row.session_id, rt.used_at > row.used_at)
    ).scalar_one()
    return later_use == 0


def _check_user_and_device(conn: sa.Connection, session_id: str) -> None:
    s, a, d = t.session.c, t.account.c, t.device.c
    row = conn.execute(
        sa.select(a.active, d.revoked_at)
        .select_from(
            t.session.join(t.account, a.id == s.user_id).join(t.device, d.id == s.device_id)
        )
        .where(s.id == session_id)
    ).first()
    if row is None or not row.active:
        raise AuthError(403, "user_disabled", "This user is disabled. Ask your administrator.")
    if row.revoked_at is not None:
        raise AuthError(403, "device_revoked", "This device was revoked. Ask your administrator.")


def logout(engine: sa.Engine, token: str) -> None:
    with write_transaction(engine) as conn:
        session_id = conn.execute(
            sa.select(t.refresh_token.c.session_id).where(
                t.refresh_token.c.token_hash == token_hash(token)
            )
        ).scalar()
        if session_id is not None:
            _revoke_sessions(conn, t.session.c.id == session_id, "logout")


def _revoke_sessions(conn: sa.Connection, where: sa.ColumnElement[bool], reason: str) -> int:
    s = t.session.c
    ids = list(conn.execute(sa.select(s.id).where(where, s.revoked_at.is_(None))).scalars())
    if ids:
        conn.execute(
            t.session.update()
            .where(s.id.in_(ids))
            .values(revoked_at=utcnow(), revoke_reason=reason)
        )
        conn.execute(t.access_token.delete().where(t.access_token.c.session_id.in_(ids)))
    return len(ids)


def revoke_user_sessions(conn: sa.Connection, user_id: str, reason: str) -> int:
    return _revoke_sessions(conn, t.session.c.user_id == user_id, reason)


def revoke_device(conn: sa.Connection, device_id: str) -> bool:
    """Revoke a device and every session on it; False when the device is unknown."""
    done = conn.execute(
        t.device.update().where(t.device.c.id == device_id).values(revoked_at=utcnow())
    )
    _revoke_sessions(conn, t.session.c.device_id == device_id, "device revoked")
    return done.rowcount > 0


def authenticate(conn: sa.Connection, token: str) -> Caller:
    """The caller behind an access token, or ``AuthError``."""
    at, s, a, d = t.access_token.c, t.session.c, t.account.c, t.device.c
    row = conn.execute(
        sa.select(
            at.expires_at,
            s.id.label("session_id"),
            s.device_id,
            s.revoked_at,
            a.id.label("user_id"),
            a.username,
            a.role,
            a.territory_id,
            a.active,
            d.revoked_at.label("device_revoked_at"),
        )
        .select_from(
            t.access_token.join(t.session, s.id == at.session_id)
            .join(t.account, a.id == s.user_id)
            .join(t.device, d.id == s.device_id)
        )
        .where(at.token_hash == token_hash(token))
    ).first()
    if row is None:
        raise AuthError(401, "invalid_token", "You are not logged in (the token is not valid).")
    if row.device_revoked_at is not None:
        raise AuthError(403, "device_revoked", "This device was revoked. Ask your administrator.")
    if row.revoked_at is not None:
        raise AuthError(401, "session_revoked", "The session has ended. Log in again.")
    if not row.active:
        raise AuthError(401, "user_disabled", "This user is disabled. Ask your administrator.")
    if _aware(row.expires_at) <= utcnow():  # type: ignore[operator]
        raise AuthError(401, "token_expired", "The access token has expired; refresh it.")
    return Caller(
        user_id=row.user_id,
        username=row.username,
        display_name=row.username,
        role=row.role,
        territory_id=row.territory_id,
        device_id=row.device_id,
        session_id=row.session_id,
    )
