"""The keys of the local ``meta`` table, in one place, and reading and writing one of them."""

from __future__ import annotations

import sqlalchemy as sa

from fieldcrm.store import tables as t

#: This database's device id (32 hex digits), made when the database is created.
DEVICE_ID_KEY = "device_id"
#: The device's hybrid logical clock, saved with every write.
HLC_KEY = "hlc"
#: Where the sync engine continues pulling.
CURSOR_KEY = "sync_cursor"
#: Where a full resync continues pulling.
RESYNC_CURSOR_KEY = "sync_resync_cursor"
#: Set when the next sync must fetch everything again.
FULL_RESYNC_KEY = "sync_full_resync"
#: When the last sync finished (UTC text).
LAST_SYNC_KEY = "last_sync_at"
#: The server this laptop syncs with.
SERVER_URL_KEY = "server_url"
#: The server's version as it last said.
SERVER_VERSION_KEY = "server_version"
#: The signed-in user's name and id (the app reads the id to tell "mine" from others').
USERNAME_KEY = "username"
USER_ID_KEY = "user_id"
#: What the server said about the signed-in user at sign-in (JSON).
USER_INFO_KEY = "user_info"
#: For managers: when each user in scope last synced (JSON object of user id to UTC time).
TEAM_SYNC_KEY = "team_last_sync"
#: The last pull answered in full that ended verified: its cursor, the server's tag of
#: the answer (ETag) and when (JSON). An idle sync at that cursor sends the tag back
#: (If-None-Match) and is answered "nothing changed" (304) without a body.
VERIFIED_PULL_KEY = "sync_verified_pull"
#: While a first sync loads rows in bulk: the secondary indexes and search triggers of the
#: replicated tables that were set aside (JSON list of their ``CREATE`` statements).
BULK_LOAD_KEY = "bulk_load_set_aside"


def get_meta(conn: sa.Connection, key: str) -> str | None:
    return conn.scalar(sa.select(t.meta.c.value).where(t.meta.c.key == key))


def set_meta(conn: sa.Connection, key: str, value: str | None) -> None:
    """Write one key (inside the caller's transaction)."""
    conn.execute(
        sa.text(
            "INSERT INTO meta(key, value) VALUES (:k, :v) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value"
        ),
        {"k": key, "v": value},
    )
