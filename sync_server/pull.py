"""Pull: a page of the current state of rows in the caller's scope changed after a cursor.

The cursor is the change sequence number (decimal text, ``"0"`` or empty for a first sync).
Rows come in ``seq`` order, each in its newest state only; a first sync is therefore a
paged snapshot that ends consistent (a row changed while paging moves to a later page).
Every page is read in one snapshot (REPEATABLE READ on PostgreSQL, one read transaction on
SQLite) and, because sequence numbers are handed out in commit order (see
``sync_server.store``), the cursor never passes a change that commits later.

A page is assembled from the stored ready-to-send JSON of each row, with no per-row
serialisation. It holds at most the requested number of rows and, past its first row, at
most ``MAX_PAGE_BYTES`` of rows; a server reads no more payloads than that for a page.
Evictions (rows that left the caller's scope and did not come back) and conflict records
in scope with a ``seq`` in the page's range come with it. The last page
(``has_more`` false) carries ``scope_counts``, read from the ``live_count`` table.
"""

from __future__ import annotations

import hashlib
import heapq
import re
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime
from typing import Any, TypeVar

import orjson
import sqlalchemy as sa

from fieldcrm.protocol import ENTITY_NAMES, MAX_PAGE_BYTES, PROTOCOL_VERSION, DigestRequest
from fieldcrm.protocol.digest import Digest, digest_sql
from sync_server import tables as t
from sync_server.scope import Caller, Scopes, caller_scopes
from sync_server.store import COLUMNS_JSON, iso_now

_CURSOR = re.compile(r"^[0-9]{1,18}$")
_V = TypeVar("_V")


class CursorError(ValueError):
    """The cursor is not one this server handed out."""


def parse_cursor(cursor: str | None) -> int:
    if cursor is None or cursor == "":
        return 0
    if not _CURSOR.match(cursor):
        raise CursorError("The sync cursor is not valid; start a full sync.")
    return int(cursor)


def _scope_queries(
    scopes: Scopes,
    sql: str,
    mark: str,
    params: tuple[Any, ...],
    tail: str,
    tail_params: tuple[Any, ...],
) -> list[tuple[str, tuple[Any, ...]]]:
    """``sql`` (ending in a WHERE clause) once per readable scope, each an index range scan
    of that scope, or once for everything (admins)."""
    if scopes.read is None:
        return [(sql + tail, (*params, *tail_params))]
    return [
        (f"{sql} AND scope = {mark}{tail}", (*params, scope, *tail_params))
        for scope in sorted(scopes.read)
    ]


def _cut(rows: Iterable[_V], limit: int, size: Callable[[_V], int]) -> tuple[list[_V], bool]:
    """The first of ``rows`` (in ``seq`` order) up to ``limit`` rows and ``MAX_PAGE_BYTES``,
    at least one row so that paging always advances; and whether any row follows them."""
    page: list[_V] = []
    total = 0
    for row in rows:
        n = size(row)
        if page and (len(page) >= limit or total + n > MAX_PAGE_BYTES):
            return page, True
        page.append(row)
        total += n
    return page, False


def _seq(row: tuple[Any, ...]) -> int:
    seq: int = row[0]
    return seq


def _payload_size(row: tuple[int, bytes, bytes]) -> int:
    return len(row[2])


def _stated_size(row: tuple[int, int]) -> int:
    return row[1]


#: (seq, entity, payload as UTF-8 bytes) of a page's row.
PageRow = tuple[int, bytes, bytes]


def _rows(
    conn: sa.Connection, scopes: Scopes, after: int, limit: int
) -> tuple[list[PageRow], bool]:
    """(seq, entity, payload as UTF-8 bytes) of the next page's rows in the caller's scope, and
    whether more rows follow.

    A page holds at most ``limit`` rows and, past its first row, at most ``MAX_PAGE_BYTES``
    of rows; the server never reads more payloads than that (and one row) for a page, so
    its memory stays bounded whatever the rows hold. The payload comes as bytes, read on
    the driver's cursor (SQLite: ``text_factory``; PostgreSQL: ``convert_to``): a page is
    then joined without decoding and re-encoding megabytes of text. One index range scan
    per scope, merged: the cost grows with the page, not with the table.
    """
    if conn.dialect.name == "sqlite":
        return _rows_streamed(conn, scopes, after, limit)
    return _rows_measured(conn, scopes, after, limit)


def _rows_streamed(
    conn: sa.Connection, scopes: Scopes, after: int, limit: int
) -> tuple[list[PageRow], bool]:
    """SQLite: a cursor steps through its result one row at a time, so the scans are
    merged while they run and stop at the page's end (one row past it shows that more
    follow)."""
    dbapi = conn.connection.driver_connection
    queries = _scope_queries(
        scopes,
        "SELECT seq, entity, payload FROM record WHERE seq > ?",
        "?",
        (after,),
        " ORDER BY seq LIMIT ?",
        (limit + 1,),
    )
    previous = dbapi.text_factory  # type: ignore[union-attr]
    dbapi.text_factory = bytes  # type: ignore[union-attr]
    cursors: list[Any] = []
    try:
        for query, params in queries:
            cursor = dbapi.cursor()  # type: ignore[union-attr]
            cursors.append(cursor)
            cursor.execute(query, params)
        streams: list[Iterator[PageRow]] = [iter(cursor) for cursor in cursors]
        merged = streams[0] if len(streams) == 1 else heapq.merge(*streams, key=_seq)
        return _cut(merged, limit, _payload_size)
    finally:
        for cursor in cursors:
            cursor.close()
        dbapi.text_factory = previous  # type: ignore[union-attr]


def _rows_measured(
    conn: sa.Connection, scopes: Scopes, after: int, limit: int
) -> tuple[list[PageRow], bool]:
    """PostgreSQL: psycopg reads a whole result into memory, so the page's end is found
    from the payloads' sizes first (``octet_length`` reads no stored text), and then only
    the payloads up to it are fetched (the same snapshot: REPEATABLE READ)."""
    dbapi = conn.connection.driver_connection
    sizes = []
    for query, params in _scope_queries(
        scopes,
        "SELECT seq, octet_length(payload) FROM record WHERE seq > %s",
        "%s",
        (after,),
        " ORDER BY seq LIMIT %s",
        (limit + 1,),
    ):
        cursor = dbapi.cursor()  # type: ignore[union-attr]
        try:
            cursor.execute(query, params)
            sizes.append([(int(seq), int(size)) for seq, size in cursor.fetchall()])
        finally:
            cursor.close()
    merged = sizes[0] if len(sizes) == 1 else heapq.merge(*sizes, key=_seq)
    page, has_more = _cut(merged, limit, _stated_size)
    if not page:
        return [], False
    results = []
    for query, params in _scope_queries(
        scopes,
        "SELECT seq, entity, convert_to(payload, 'UTF8') FROM record WHERE seq > %s AND seq <= %s",
        "%s",
        (after, page[-1][0]),
        " ORDER BY seq",
        (),
    ):
        cursor = dbapi.cursor()  # type: ignore[union-attr]
        try:
            cursor.execute(query, params)
            results.append(
                [
                    (seq, entity.encode(), bytes(payload))
                    for seq, entity, payload in cursor.fetchall()
                ]
            )
        finally:
            cursor.close()
    rows = results[0] if len(results) == 1 else list(heapq.merge(*results, key=_seq))
    return rows, has_more


def pull_page(
    conn: sa.Connection, caller: Caller, after: int, limit: int, *, scopes: Scopes | None = None
) -> tuple[bytes, bool]:
    """The JSON body of a ``PullPage`` for ``caller`` (inside one read transaction), and
    whether it is the last page. ``scopes``: the caller's, when already known."""
    if scopes is None:
        scopes = caller_scopes(conn, caller.role, caller.territory_id, caller.user_id)
    last_seq = conn.execute(
        sa.select(t.seq_counter.c.value).where(t.seq_counter.c.id == 1)
    ).scalar_one()
    if after > last_seq:
        raise CursorError("The sync cursor is ahead of this server; start a full sync.")
    rows, has_more = _rows(conn, scopes, after, limit)
    upper = rows[-1][0] if has_more else last_seq
    evictions = _evictions(conn, scopes, after, upper)
    conflicts = _conflicts(conn, scopes, after, upper)
    parts = [
        b'{"tables":',
        positional_tables(rows),
        b',"evictions":',
        orjson.dumps(evictions),
        b',"conflicts":[',
        ",".join(conflicts).encode(),
        b'],"cursor":',
        orjson.dumps(str(upper)),
        b',"has_more":',
        b"true" if has_more else b"false",
        b',"scope_counts":',
        b"null" if has_more else orjson.dumps(scope_digests(conn, scopes)),
        b',"team_last_sync":',
        b"null"
        if has_more or caller.role not in ("manager", "admin")
        else orjson.dumps(team_last_sync(conn, scopes)),
        b',"server_time":',
        orjson.dumps(iso_now()),
        b"}",
    ]
    return b"".join(parts), not has_more


def answer_tag(conn: sa.Connection, caller: Caller, scopes: Scopes) -> str:
    """The ETag of every pull answer to ``caller``: it names who asks and what they may
    read (role, territory, the scope keys), so it changes when the caller's scope does.
    A manager's or admin's answer also carries when each rep last synced
    (``team_last_sync``), so the tag changes when one of them syncs. Only the reps: every
    full answer notes the caller's sync, so a tag with the caller's own time (or another
    manager's or admin's, each noting theirs) would never hold at the next poll.

    A client that holds everything up to its cursor and verified it sends the tag back
    (``If-None-Match``); while the tag holds and nothing in its scope came after the cursor
    (``unchanged_since``), the answer is 304 with no body.
    """
    read = "*" if scopes.read is None else ",".join(sorted(scopes.read))
    who = f"{caller.user_id}|{caller.role}|{caller.territory_id or ''}|{read}"
    if caller.role in ("manager", "admin"):
        who += (
            "|"
            + orjson.dumps(
                team_last_sync(conn, scopes, reps_only=True), option=orjson.OPT_SORT_KEYS
            ).decode()
        )
    return f'"p{PROTOCOL_VERSION}-{hashlib.sha256(who.encode()).hexdigest()[:20]}"'


def last_seq_now(conn: sa.Connection) -> int:
    """The last sequence number handed out, as this transaction sees it."""
    cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute("SELECT value FROM seq_counter WHERE id = 1")
        return int(cursor.fetchone()[0])
    finally:
        cursor.close()


def unchanged_since(
    conn: sa.Connection, scopes: Scopes, after: int, last_seq: int | None = None
) -> bool:
    """Whether nothing in ``scopes`` changed after the cursor ``after``: no row, eviction
    or conflict record, and a cursor this server handed out. Index probes only.
    ``last_seq``: the last sequence number, when this transaction read it already."""
    if last_seq is None:
        last_seq = last_seq_now(conn)
    dbapi = conn.connection.driver_connection
    mark = "?" if conn.dialect.name == "sqlite" else "%s"
    cursor = dbapi.cursor()  # type: ignore[union-attr]
    try:
        if after > last_seq:
            return False  # a cursor from another database: the full answer says so
        if after == last_seq:
            return True
        # Evictions are only sent to callers with a scope (an admin sees everything).
        tables = ("record", "conflict", *(("eviction",) if scopes.read is not None else ()))
        for table in tables:
            for query, params in _scope_queries(
                scopes, f"SELECT 1 FROM {table} WHERE seq > {mark}", mark, (after,), " LIMIT 1", ()
            ):
                cursor.execute(query, params)
                if cursor.fetchone() is not None:
                    return False
    finally:
        cursor.close()
    return True


def positional_tables(rows: Iterable[PageRow]) -> bytes:
    """The ``tables`` of a page (``fieldcrm.protocol.positional``) from stored payloads:
    each row's version is put in front of its stored array, rows grouped by entity."""
    by_entity: dict[bytes, list[bytes]] = {}
    for seq, entity, payload in rows:
        group = by_entity.get(entity)
        if group is None:
            group = by_entity[entity] = []
        group.append(b"[%d,%s" % (seq, payload[1:]))
    return (
        b"{"
        + b",".join(
            b'"%s":{"columns":%s,"rows":[%s]}'
            % (entity, COLUMNS_JSON[entity.decode()], b",".join(group))
            for entity, group in by_entity.items()
        )
        + b"}"
    )


def _evictions(conn: sa.Connection, scopes: Scopes, after: int, upper: int) -> list[dict[str, str]]:
    if scopes.read is None:
        return []
    e, r = t.eviction.c, t.record.c
    query = (
        sa.select(e.entity, e.id, r.scope)
        .select_from(t.eviction.outerjoin(t.record, sa.and_(r.entity == e.entity, r.id == e.id)))
        .where(e.seq > after, e.seq <= upper, e.scope.in_(sorted(scopes.read)))
        .order_by(e.seq)
    )
    out: dict[tuple[str, str], dict[str, str]] = {}
    for row in conn.execute(query):
        if row.scope is not None and scopes.can_read(row.scope):
            continue  # it came back (or the caller sees both territories)
        out[(row.entity, row.id)] = {"entity": row.entity, "id": row.id}
    return list(out.values())


def _conflicts(conn: sa.Connection, scopes: Scopes, after: int, upper: int) -> list[str]:
    c = t.conflict.c
    query = sa.select(c.payload).where(c.seq > after, c.seq <= upper).order_by(c.seq)
    if scopes.read is not None:
        query = query.where(c.scope.in_(sorted(scopes.read)))
    return [row.payload for row in conn.execute(query)]


def team_last_sync(
    conn: sa.Connection, scopes: Scopes, *, reps_only: bool = False
) -> dict[str, str]:
    """When each user in ``scopes`` (each rep, ``reps_only``) last completed a sync on any
    of their devices."""
    a, d = t.account.c, t.device.c
    query = (
        sa.select(a.id, sa.func.max(d.last_sync_at))
        .select_from(t.account.join(t.device, d.user_id == a.id))
        .where(d.last_sync_at.is_not(None))
        .group_by(a.id)
    )
    if scopes.read is not None:
        query = query.where(a.territory_id.in_(sorted(scopes.read)))
    if reps_only:
        query = query.where(a.role == "rep")
    return {
        user_id: moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        if moment.tzinfo
        else moment.strftime("%Y-%m-%dT%H:%M:%SZ")
        for user_id, moment in conn.execute(query)
    }


def record_sync(conn: sa.Connection, device_id: str) -> None:
    """Note that a device pulled to the end just now."""
    conn.execute(
        t.device.update().where(t.device.c.id == device_id).values(last_sync_at=datetime.now(UTC))
    )


def scope_counts(conn: sa.Connection, scopes: Scopes) -> dict[str, int]:
    return scope_digests(conn, scopes)["counts"]


def scope_digests(conn: sa.Connection, scopes: Scopes) -> dict[str, Any]:
    """A ``ScopeCounts``: live rows per entity in ``scopes`` and the digest of their versions."""
    lc = t.live_count.c
    query = sa.select(
        lc.entity,
        sa.func.sum(lc.n),
        sa.func.sum(lc.seq_sum),
        sa.func.sum(lc.sq_sum),
        sa.func.sum(lc.cube_sum),
    ).group_by(lc.entity)
    if scopes.read is not None:
        query = query.where(lc.scope.in_(sorted(scopes.read)))
    digests = {entity: Digest() for entity in ENTITY_NAMES}
    for entity, *sums in conn.execute(query):
        digests[entity] = Digest.from_list(int(v or 0) for v in sums)
    return {
        "counts": {entity: d.rows for entity, d in digests.items()},
        "digests": {entity: d.as_list() for entity, d in digests.items()},
    }


def range_digests(
    conn: sa.Connection, caller: Caller, request: DigestRequest
) -> list[dict[str, Any]]:
    """The digest of the caller's live rows of one entity in each requested range of
    versions, with the rows listed where there are at most ``list_below``."""
    scopes = caller_scopes(conn, caller.role, caller.territory_id, caller.user_id)
    r = t.record.c
    where = [r.entity == request.entity, r.deleted.is_(False)]
    if scopes.read is not None:
        where.append(r.scope.in_(sorted(scopes.read)))
    out: list[dict[str, Any]] = []
    for after, upto in request.ranges:
        bounds = [*where, r.seq > after, r.seq <= upto]
        sums = conn.execute(
            sa.select(sa.text(digest_sql("seq"))).select_from(t.record).where(*bounds)
        ).one()
        digest = Digest.from_list(int(v or 0) for v in sums)
        listed: list[list[Any]] | None = None
        if digest.rows <= request.list_below:
            listed = [
                [row_id, seq]
                for row_id, seq in conn.execute(
                    sa.select(r.id, r.seq).where(*bounds).order_by(r.seq)
                )
            ]
        out.append({"digest": digest.as_list(), "rows": listed})
    return out


def rows_by_id(conn: sa.Connection, caller: Caller, entity: str, ids: list[str]) -> bytes:
    """A ``RowsResponse``: the current state (with version) of those of ``ids`` the caller
    may read, tombstones included, up to ``MAX_PAGE_BYTES`` (at least one row); ``gone``
    names the ids outside the caller's scope or unknown. Ids in neither list did not fit:
    the client asks for them again."""
    scopes = caller_scopes(conn, caller.role, caller.territory_id, caller.user_id)
    r = t.record.c
    where = [r.entity == entity, r.id.in_(sorted(set(ids)))]
    if scopes.read is not None:
        where.append(r.scope.in_(sorted(scopes.read)))
    # Bytes, not characters (``length``): a text of four-byte characters would otherwise
    # let an answer grow to four times ``MAX_PAGE_BYTES``.
    if conn.dialect.name == "postgresql":
        size = sa.func.octet_length(r.payload)
    else:
        size = sa.func.length(sa.cast(r.payload, sa.LargeBinary))
    sizes = conn.execute(sa.select(r.seq, r.id, size).where(*where).order_by(r.seq)).all()
    chosen, _ = _cut(((seq, (row_id, int(n or 0))) for seq, row_id, n in sizes), len(ids), _size)
    picked = [row_id for _, (row_id, _) in chosen]
    rows = sorted(
        (seq, entity.encode(), payload.encode())
        for seq, payload in conn.execute(
            sa.select(r.seq, r.payload).where(r.entity == entity, r.id.in_(picked))
        )
    )
    in_scope = {row_id for _, row_id, _ in sizes}
    gone = sorted(set(ids) - in_scope)
    return b'{"tables":' + positional_tables(rows) + b',"gone":' + orjson.dumps(gone) + b"}"


def _size(row: tuple[int, tuple[str, int]]) -> int:
    return row[1][1]
