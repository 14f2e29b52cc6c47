"""Accounts and sessions: argon2id passwords, short access tokens, rotating refresh tokens.

Everything lives in the database (no process memory), so any number of server processes on
one database agree: tokens are random strings stored only as SHA-256 hashes; an access
token lives ``ACCESS_TTL`` and belongs to a session (one login on one device); each refresh
hands out a new refresh token and marks the old one used. Presenting a used refresh token
again means it leaked: the whole session (the token family) is revoked; so are two tokens
issued from one (a lost-answer retry that someone else sent) once both are used. Disabling
a user, revoking a device or logging out revokes sessions, after which their tokens stop
working. Login attempts are counted per user name and per client address in the database,
before the password is checked and atomically (``reserve_attempt``), and throttled with a
growing delay. Passwords follow ``password_problem``. Lockouts, failed logins, revoked
sessions and token reuse go to the audit log.
Writing transactions start with the write lock on SQLite (``write_transaction``), so that
concurrent logins in several worker processes wait for each other instead of failing.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from sync_server import audit
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
#: Failed logins allowed per user name, and per client address, before throttling starts
#: (then each further failure doubles the wait, up to ``MAX_BLOCK``); failures older
#: than ``FAILURE_MEMORY`` are forgotten.
FREE_FAILURES = 5
ADDRESS_FREE_FAILURES = 20
MAX_BLOCK = timedelta(minutes=15)
FAILURE_MEMORY = timedelta(hours=24)
#: New devices a user may get through rekey in a day (a copy of a profile needs one): a
#: session, or a stolen access token, cannot make devices and sessions without end.
MAX_NEW_DEVICES_PER_DAY = 20


@functools.cache
def _dummy_hash() -> str:
    """Verified against when the user does not exist, so both cases take the same time
    (made on first use: hashing costs tens of milliseconds at every command's start)."""
    return PASSWORD_HASHER.hash("no such user")


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
        return PASSWORD_HASHER.verify(password_hash or _dummy_hash(), password) and bool(
            password_hash
        )
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


MIN_PASSWORD_LENGTH = 12
_COMMON_PASSWORDS = Path(__file__).with_name("common_passwords.txt")


@functools.cache
def common_passwords() -> frozenset[str]:
    """The shipped list of common passwords (lower case), one a line; '#' starts a comment."""
    lines = _COMMON_PASSWORDS.read_text(encoding="utf-8").splitlines()
    return frozenset(
        line.strip().casefold() for line in lines if line.strip() and not line.startswith("#")
    )


def password_problem(password: str, username: str | None = None) -> str | None:
    """Why a new password is refused, or ``None`` when it is acceptable."""
    if not password.strip():
        return "The password must not be only spaces."
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"The password must have at least {MIN_PASSWORD_LENGTH} characters."
    folded = password.casefold()
    if folded in common_passwords() or folded.strip() in common_passwords():
        return "This password is one of the most common passwords; choose another."
    if len(set(folded)) <= 2:
        return "The password repeats one or two characters; choose another."
    if username and username.casefold() in folded:
        return "The password must not contain the user name."
    return None


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


def _issue(conn: sa.Connection, session_id: str, parent_hash: str | None = None) -> IssuedTokens:
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
            token_hash=token_hash(refresh),
            session_id=session_id,
            expires_at=now + REFRESH_TTL,
            parent_hash=parent_hash,
        )
    )
    user_id = conn.execute(
        sa.select(t.session.c.user_id).where(t.session.c.id == session_id)
    ).scalar_one()
    return IssuedTokens(access, refresh, int(ACCESS_TTL.total_seconds()), user_id)


def _subjects(username: str, address: str | None) -> tuple[str, str | None]:
    return f"user:{username}", (f"address:{address}" if address else None)


def _lock_subjects(conn: sa.Connection, subjects: list[str]) -> None:
    """Serialise logins of the same user or address on PostgreSQL (SQLite's write
    transaction holds the database lock already), always in one order."""
    if conn.dialect.name != "postgresql":
        return
    for subject in sorted(subjects):
        conn.execute(
            sa.text("SELECT pg_advisory_xact_lock(hashtext(:subject))"),
            {"subject": "login:" + subject},
        )


@dataclass(slots=True)
class _Count:
    failures: int
    blocked_until: datetime | None
    exists: bool


def _load_count(conn: sa.Connection, subject: str, now: datetime) -> _Count:
    lt = t.login_throttle.c
    row = conn.execute(
        sa.select(lt.failures, lt.blocked_until, lt.last_failure_at).where(lt.subject == subject)
    ).first()
    if row is None:
        return _Count(0, None, False)
    if now - _aware(row.last_failure_at) > FAILURE_MEMORY:  # type: ignore[operator]
        return _Count(0, None, True)
    return _Count(row.failures, _aware(row.blocked_until), True)


def _store_count(conn: sa.Connection, subject: str, count: _Count, now: datetime) -> None:
    lt = t.login_throttle.c
    values = {
        "failures": count.failures,
        "blocked_until": count.blocked_until,
        "last_failure_at": now,
    }
    if count.exists:
        conn.execute(t.login_throttle.update().where(lt.subject == subject).values(**values))
    else:
        conn.execute(t.login_throttle.insert().values(subject=subject, **values))
        count.exists = True


def _block_for(failures: int, free: int) -> timedelta | None:
    if failures < free:
        return None
    return min(timedelta(seconds=2 ** min(failures - free, 20)), MAX_BLOCK)


def _too_many(until: datetime, now: datetime, whom: str) -> AuthError:
    wait = int((until - now).total_seconds()) + 1
    return AuthError(
        429,
        "too_many_attempts",
        f"Too many failed logins {whom}. Try again in {wait} seconds.",
        retry_after=wait,
    )


def reserve_attempt(conn: sa.Connection, username: str, address: str | None) -> None:
    """Count a login attempt as failed *before* its password is checked, atomically.

    Throttling runs per user name and per client address. The per-user limit holds for
    addresses that have failed before; an address without failures still gets through
    (so that nobody can lock a known user out by guessing from elsewhere), and its attempt
    counts. A successful login takes its count back (``attempt_succeeded``). Refused with
    ``AuthError`` (429) while blocked; nothing is counted then.
    """
    user_subject, address_subject = _subjects(username, address)
    subjects = [s for s in (user_subject, address_subject) if s]
    _lock_subjects(conn, subjects)
    now = utcnow()
    # Forgotten failures go (guessed user names would otherwise pile up); not the rows of
    # this attempt, which it is about to update.
    lt = t.login_throttle.c
    conn.execute(
        t.login_throttle.delete().where(
            lt.last_failure_at < now - FAILURE_MEMORY, lt.subject.not_in(subjects)
        )
    )
    user = _load_count(conn, user_subject, now)
    addr = _load_count(conn, address_subject, now) if address_subject else None
    if addr is not None and addr.blocked_until is not None and addr.blocked_until > now:
        raise _too_many(addr.blocked_until, now, "from this address")
    address_failed = addr is None or addr.failures > 0
    if user.blocked_until is not None and user.blocked_until > now and address_failed:
        raise _too_many(user.blocked_until, now, "for this user")
    for subject, count, free, what in (
        (user_subject, user, FREE_FAILURES, username),
        (address_subject, addr, ADDRESS_FREE_FAILURES, address),
    ):
        if subject is None or count is None:
            continue
        count.failures += 1
        block = _block_for(count.failures, free)
        if block is not None:
            count.blocked_until = now + block
            audit.record(
                conn,
                "login.lockout",
                actor=username,
                target=what,
                address=address,
                detail=(
                    f"{'user' if subject == user_subject else 'address'} blocked for "
                    f"{int(block.total_seconds())} s after {count.failures} failed logins"
                ),
            )
        _store_count(conn, subject, count, now)


def attempt_succeeded(conn: sa.Connection, username: str, address: str | None) -> None:
    """The password was right: forget the user's failures and take back this attempt's
    count for the address (its earlier failures stay)."""
    user_subject, address_subject = _subjects(username, address)
    lt = t.login_throttle.c
    conn.execute(t.login_throttle.delete().where(lt.subject == user_subject))
    if address_subject is None:
        return
    now = utcnow()
    count = _load_count(conn, address_subject, now)
    if not count.exists:
        return
    count.failures = max(count.failures - 1, 0)
    if _block_for(count.failures, ADDRESS_FREE_FAILURES) is None:
        count.blocked_until = None
    conn.execute(
        t.login_throttle.update()
        .where(lt.subject == address_subject)
        .values(failures=count.failures, blocked_until=count.blocked_until)
    )


def clear_user_failures(conn: sa.Connection, username: str) -> None:
    conn.execute(t.login_throttle.delete().where(t.login_throttle.c.subject == f"user:{username}"))


def login(
    engine: sa.Engine,
    username: str,
    password: str,
    device_id: str,
    device_name: str | None,
    address: str | None = None,
) -> IssuedTokens:
    with write_transaction(engine) as conn:
        reserve_attempt(conn, username, address)
        acc = conn.execute(sa.select(t.account).where(t.account.c.username == username)).first()
    # Hash outside any transaction: it takes tens of milliseconds. The attempt counts as a
    # failure already, so concurrent guesses cannot all get here.
    ok = verify_password(acc.password_hash if acc else None, password)
    if not ok or acc is None:
        with write_transaction(engine) as conn:
            audit.record(
                conn,
                "login.failed",
                actor=username,
                target=username,
                address=address,
                detail="unknown user" if acc is None else "wrong password",
            )
        raise AuthError(401, "invalid_credentials", "User name or password is wrong.")
    with write_transaction(engine) as conn:
        attempt_succeeded(conn, username, address)
    with write_transaction(engine) as conn:
        if not acc.active:
            raise AuthError(403, "user_disabled", "This user is disabled. Ask your administrator.")
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


def refresh(
    engine: sa.Engine, token: str, device_id: str, address: str | None = None
) -> IssuedTokens:
    """New tokens for a refresh token (which is then used up).

    A used token presented again is theft and ends the session, except when it comes back
    within ``REFRESH_RETRY_WINDOW`` from its device with nothing newer used: then the
    answer to its refresh was lost and it is answered once more. The device id is not a
    secret, so such a retry may come from a thief: the tokens issued before stay valid,
    and as soon as two tokens issued from the same one are both used (the laptop and the
    thief each went on with theirs) the whole session is revoked.
    """
    rt, s, d = t.refresh_token.c, t.session.c, t.device.c
    presented = token_hash(token)
    with write_transaction(engine) as conn:
        row = conn.execute(
            sa.select(
                rt.session_id,
                rt.used_at,
                rt.expires_at,
                rt.parent_hash,
                s.device_id,
                s.revoked_at,
                d.revoked_at.label("device_revoked_at"),
            )
            .select_from(
                t.refresh_token.join(t.session, s.id == rt.session_id).join(
                    t.device, d.id == s.device_id
                )
            )
            .where(rt.token_hash == presented)
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
            # The device asks again because the answer to its refresh never arrived. The
            # tokens of that answer stay: if someone else sent this retry, the laptop's
            # next refresh and theirs are both children of this token (see below).
            _check_user_and_device(conn, row.session_id)
            return _issue(conn, row.session_id, parent_hash=presented)
        if reused:
            _token_reused(conn, row.session_id, address, "a used refresh token came back")
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
    forked = False
    with write_transaction(engine) as conn:
        used = conn.execute(
            t.refresh_token.update()
            .where(rt.token_hash == presented, rt.used_at.is_(None))
            .values(used_at=utcnow())
        )
        if used.rowcount != 1:
            raise AuthError(401, "invalid_token", "The session was refreshed meanwhile.")
        if row.parent_hash is not None:
            sibling_used = conn.execute(
                sa.select(sa.func.count())
                .select_from(t.refresh_token)
                .where(
                    rt.parent_hash == row.parent_hash,
                    rt.token_hash != presented,
                    rt.used_at.is_not(None),
                )
            ).scalar_one()
            forked = sibling_used > 0
        if forked:
            _token_reused(
                conn, row.session_id, address, "two answers to one refresh were both used"
            )
        else:
            _check_user_and_device(conn, row.session_id)
            return _issue(conn, row.session_id, parent_hash=presented)
    raise AuthError(
        401,
        "session_revoked",
        "This login was used from somewhere else and has been ended. Log in again.",
    )


def _token_reused(conn: sa.Connection, session_id: str, address: str | None, how: str) -> None:
    username = conn.execute(
        sa.select(t.account.c.username)
        .select_from(t.session.join(t.account, t.account.c.id == t.session.c.user_id))
        .where(t.session.c.id == session_id)
    ).scalar()
    audit.record(
        conn,
        "token.reuse",
        actor=username or "unknown",
        target=username,
        address=address,
        detail=f"{how}; session ended",
    )
    _revoke_sessions(conn, t.session.c.id == session_id, "refresh token reused")


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


def logout(engine: sa.Engine, token: str, address: str | None = None) -> None:
    with write_transaction(engine) as conn:
        row = conn.execute(
            sa.select(t.refresh_token.c.session_id, t.account.c.username)
            .select_from(
                t.refresh_token.join(
                    t.session, t.session.c.id == t.refresh_token.c.session_id
                ).join(t.account, t.account.c.id == t.session.c.user_id)
            )
            .where(t.refresh_token.c.token_hash == token_hash(token))
        ).first()
        if row is not None:
            _revoke_sessions(
                conn, t.session.c.id == row.session_id, "logout", row.username, address
            )


def _revoke_sessions(
    conn: sa.Connection,
    where: sa.ColumnElement[bool],
    reason: str,
    actor: str = "fieldcrm-server",
    address: str | None = None,
) -> int:
    s, a = t.session.c, t.account.c
    found = conn.execute(
        sa.select(s.id, s.device_id, a.username)
        .select_from(t.session.join(t.account, a.id == s.user_id))
        .where(where, s.revoked_at.is_(None))
    ).all()
    ids = [row.id for row in found]
    for row in found:
        audit.record(
            conn,
            "session.revoked",
            actor=actor,
            target=row.username,
            address=address,
            detail=f"{reason} (device {row.device_id})",
        )
    if ids:
        conn.execute(
            t.session.update()
            .where(s.id.in_(ids))
            .values(revoked_at=utcnow(), revoke_reason=reason)
        )
        conn.execute(t.access_token.delete().where(t.access_token.c.session_id.in_(ids)))
    return len(ids)


def revoke_user_sessions(
    conn: sa.Connection, user_id: str, reason: str, actor: str = "fieldcrm-server"
) -> int:
    return _revoke_sessions(conn, t.session.c.user_id == user_id, reason, actor)


def revoke_device(conn: sa.Connection, device_id: str, actor: str = "fieldcrm-server") -> bool:
    """Revoke a device and every session on it; False when the device is unknown."""
    done = conn.execute(
        t.device.update().where(t.device.c.id == device_id).values(revoked_at=utcnow())
    )
    _revoke_sessions(conn, t.session.c.device_id == device_id, "device revoked", actor)
    return done.rowcount > 0


def _caller_query() -> sa.Select[Any]:
    at, s, a, d = t.access_token.c, t.session.c, t.account.c, t.device.c
    return (
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
            d.last_sync_at,
            d.wipe_requested_at,
            d.wipe_now,
            d.wipe_confirmed_at,
        )
        .select_from(
            t.access_token.join(t.session, s.id == at.session_id)
            .join(t.account, a.id == s.user_id)
            .join(t.device, d.id == s.device_id)
        )
        .where(at.token_hash == sa.bindparam("token_hash"))
    )


#: Built once: every request runs it, and building a statement costs more than running it.
_CALLER_QUERY = _caller_query()


def authenticate(conn: sa.Connection, token: str) -> Caller:
    """The caller behind an access token, or ``AuthError``."""
    row = conn.execute(_CALLER_QUERY, {"token_hash": token_hash(token)}).first()
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
        last_sync_at=_aware(row.last_sync_at),
        wipe=None
        if row.wipe_requested_at is None or row.wipe_confirmed_at is not None
        else ("now" if row.wipe_now else "after_push"),
    )
