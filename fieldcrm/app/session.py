"""Who is signed in on this laptop, and remembering a sign-in."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypedDict

import sqlalchemy as sa

from fieldcrm.app.changes import EVERYTHING, Changes
from fieldcrm.store import Store
from fieldcrm.store import tables as t
from fieldcrm.store.meta import SERVER_URL_KEY, USER_ID_KEY, USERNAME_KEY, set_meta


class SignedInUser(TypedDict):
    """The user the app works for (the role decides which pages show)."""

    id: str
    username: str | None
    display_name: str | None
    role: str | None


def current_user_id(store: Store) -> str | None:
    """The signed-in user's id (written at sign-in)."""
    return store.meta(USER_ID_KEY)


def signed_in_user(store: Store) -> SignedInUser | None:
    """The signed-in user, or None when nobody signed in on this laptop yet."""
    user_id = current_user_id(store)
    if user_id is None:
        return None
    row = store.get("user", user_id) or {}
    return {
        "id": user_id,
        "username": row.get("username") or store.meta(USERNAME_KEY),
        "display_name": row.get("display_name"),
        "role": row.get("role"),
    }


def remember_sign_in(store: Store, server_url: str, user: Mapping[str, Any]) -> Changes:
    """Keep who signed in where; a placeholder user row until the first pull brings it."""
    with store.write() as uow:
        conn = uow.connection
        set_meta(conn, USER_ID_KEY, user["id"])
        set_meta(conn, SERVER_URL_KEY, server_url)
        set_meta(conn, USERNAME_KEY, user.get("username"))
        exists = conn.scalar(sa.select(t.user.c.id).where(t.user.c.id == user["id"]))
        if exists is None:
            # Not in the outbox: the server owns user records; the pull fills in the rest.
            conn.execute(
                t.user.insert(),
                {
                    "id": user["id"],
                    "username": user.get("username") or "",
                    "display_name": user.get("display_name"),
                    "role": user.get("role") or "rep",
                    "active": True,
                    "stamps": "{}",
                    "deleted": False,
                },
            )
    return Changes(EVERYTHING)


def unlocks(store: Store, password: str) -> bool | None:
    """Whether ``password`` unlocks the app lock (checked on the laptop against the Argon2id
    verifier written at sign-in); None when there is no verifier (not signed in since)."""
    from fieldcrm.sync.credentials import LOCK_VERIFIER_KEY, check_lock_password

    verifier = store.meta(LOCK_VERIFIER_KEY)
    if verifier is None:
        return None
    return check_lock_password(verifier, password)


def can_lock(store: Store) -> bool:
    from fieldcrm.sync.credentials import LOCK_VERIFIER_KEY

    return store.meta(LOCK_VERIFIER_KEY) is not None
