"""Applying what the sync server sends to the local store: pulled pages and push results.

A pulled page is applied in one transaction together with its cursor (sync invariant 7),
so a crash loses at most the page in flight. Rows merge per field with the edits still
waiting in the outbox: a pending local edit whose stamp is newer than the server's stays
and is pushed later; everything else takes the server's state, which is authoritative
(the server may have bounded a stamp that ran ahead of its clock). Evicted records are
removed with everything that belongs to them; local edits to them that were not pushed
yet move to the list of rejected changes with a reason, so they are shown, not lost.

Pages arrive as plain dicts decoded with orjson (no per-row pydantic validation) and are
written with ``executemany``: this is the path of the first sync of a whole territory.
"""

from __future__ import annotations

import contextlib
import functools
import os
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import orjson
import sqlalchemy as sa

from fieldcrm.domain.entities import ENTITIES, EntitySpec
from fieldcrm.domain.textfold import fold, fold_subquery
from fieldcrm.protocol import expand_stamps
from fieldcrm.protocol.codes import REJECTIONS, english
from fieldcrm.protocol.digest import Digest, digest_sql
from fieldcrm.protocol.positional import DELETED, ID, SEQ, STAMPS, VALUES, row_states
from fieldcrm.store import tables as t
from fieldcrm.store.meta import (  # noqa: F401 - the sync engine imports the keys from here
    BULK_LOAD_KEY,
    CURSOR_KEY,
    FULL_RESYNC_KEY,
    HLC_KEY,
    LAST_SYNC_KEY,
    RESYNC_CURSOR_KEY,
    SERVER_URL_KEY,
    TEAM_SYNC_KEY,
    USER_ID_KEY,
    USER_INFO_KEY,
    USERNAME_KEY,
    get_meta,
    set_meta,
)
from fieldcrm.store.service import CUSTOMER_CHILDREN, DELETED_STAMP, Store
from fieldcrm.store.textindex import DIRTY_TABLE, TEXT_INDEXES, reset_sql

#: SQLite helper threads for sorting while the set-aside indexes are built.
INDEX_SORT_THREADS = max(1, min(4, (os.cpu_count() or 2) - 1))

#: The customer list's full-text indexes and the columns each indexes (kept in step by
#: triggers otherwise: the contacts' at every write, the customers' through the search
#: queue, ``textindex.list_trigger_sql``).
SEARCH_INDEXES: dict[str, tuple[str, tuple[str, ...]]] = {
    "customer": ("customer_fts", ("name", "number", "city", "postal_code")),
    "contact": ("contact_fts", ("first_name", "last_name", "email")),
}

EVICTED_CODE = "evicted"
EVICTED_REASON = english(REJECTIONS, EVICTED_CODE, {})


def _q(name: str) -> str:
    return f'"{name}"'


def _dump(value: Any) -> str:
    return orjson.dumps(value).decode()


@dataclass(slots=True)
class _EntitySql:
    """Prepared SQL and column order for one replicated table."""

    spec: EntitySpec
    columns: tuple[str, ...]
    json_columns: frozenset[str]
    bool_columns: frozenset[str]
    #: (position in the parameter list, name) of the columns that need converting.
    special_columns: tuple[tuple[int, str], ...]
    upsert: str
    tombstone: str
    #: Set-based merge of a page (``_merge_rows``): fill the temp table, note which
    #: columns of each row differ, insert what is new, list the sets of differing columns.
    stage: tuple[str, ...]
    merge: tuple[str, str, str]
    #: The columns compared, in the order of the bits of ``merge_mask``.
    compared: tuple[str, ...]
    #: Where in a row's parameters the name is whose sort key (``tables.customer.sort_name``)
    #: goes last; None for tables without one.
    sort_from: int | None = None


def _entity_sql(spec: EntitySpec) -> _EntitySql:
    columns = spec.field_names
    # The order of a positional row (``fieldcrm.protocol.positional``), so that a pulled
    # row is its statement's parameters almost as it comes.
    all_cols: tuple[str, ...] = ("server_seq", "id", "deleted", "stamps", *columns)
    # The customer's sort key is written with the name (``tables.customer.sort_name``):
    # computed here, on the thread that downloads the page, not by SQLite.
    sort_from = VALUES + columns.index("name") if spec.name == "customer" else None
    if sort_from is not None:
        all_cols += ("sort_name",)
    col_list = ", ".join(_q(c) for c in all_cols)
    marks = ", ".join("?" for _ in all_cols)
    updates = ", ".join(f"{_q(c)} = excluded.{_q(c)}" for c in all_cols if c != "id")
    upsert = (
        f"INSERT INTO {_q(spec.name)} ({col_list}) VALUES ({marks}) "
        f"ON CONFLICT(id) DO UPDATE SET {updates}"
    )
    tombstone = (
        f"UPDATE {_q(spec.name)} SET deleted = 1, stamps = ?, server_seq = NULL WHERE id = ?"
    )
    staged = f"temp.{_q('pulled_' + spec.name)}"
    stage = (
        f"CREATE TEMP TABLE IF NOT EXISTS {_q('pulled_' + spec.name)} AS "
        f"SELECT {col_list}, NULL AS merge_mask FROM main.{_q(spec.name)} WHERE 0",
        f"DELETE FROM {staged}",
        f"INSERT INTO {staged} ({col_list}) VALUES ({marks})",
    )
    compared = tuple(c for c in all_cols if c != "id")
    differs = " | ".join(
        f"((p.{_q(c)} IS NOT c.{_q(c)}) << {bit})" for bit, c in enumerate(compared)
    )
    merge = (
        # Which columns of each staged row differ from the stored row: one bit each
        # (NULL for a row not stored yet).
        f"UPDATE {staged} AS p SET merge_mask = (SELECT {differs} "
        f"FROM main.{_q(spec.name)} AS c WHERE c.id = p.id)",
        f"INSERT INTO main.{_q(spec.name)} ({col_list}) SELECT {col_list} FROM {staged} p "
        "WHERE p.merge_mask IS NULL",
        f"SELECT DISTINCT merge_mask FROM {staged} WHERE merge_mask > 0",
    )
    json_columns = frozenset(f.name for f in spec.fields if f.kind == "ref_list")
    bool_columns = frozenset(f.name for f in spec.fields if f.kind == "bool")
    return _EntitySql(
        spec=spec,
        columns=columns,
        json_columns=json_columns,
        bool_columns=bool_columns,
        special_columns=tuple(
            (index + VALUES, name)
            for index, name in enumerate(columns)
            if name in json_columns or name in bool_columns
        ),
        upsert=upsert,
        tombstone=tombstone,
        stage=stage,
        merge=merge,
        compared=compared,
        sort_from=sort_from,
    )


_SQL: dict[str, _EntitySql] = {name: _entity_sql(spec) for name, spec in ENTITIES.items()}


@dataclass(slots=True)
class PendingRow:
    """What the outbox still holds for one row: the newest stamp per field, delete, create."""

    stamps: dict[str, str] = field(default_factory=dict)
    deleted: bool = False
    created: bool = False


@dataclass(slots=True)
class PageStats:
    """What applying one page did."""

    rows: int = 0
    tombstones: int = 0
    evictions: int = 0
    conflicts: int = 0
    #: Fields where a newer local edit stayed instead of the server's value.
    kept_local: int = 0
    #: Un-pushed local edits to evicted records, moved to the rejected list.
    evicted_edits: int = 0
    #: Rows the evictions removed from this laptop, per entity (an evicted customer's
    #: contacts, visits, notes and follow-ups included).
    removed: dict[str, int] = field(default_factory=dict)


@dataclass(slots=True)
class PushStats:
    acknowledged: int = 0
    rejected: int = 0
    replayed: int = 0
    conflicts: int = 0
    #: Rejected updates/deletes leave a local row that differs from the server's.
    needs_resync: bool = False


def pending_rows(
    conn: sa.Connection, keys: Iterable[tuple[str, str]] | None = None
) -> dict[tuple[str, str], PendingRow]:
    """The rows with entries in the outbox (all of them, or only those among ``keys``)."""
    wanted = None if keys is None else set(keys)
    out: dict[tuple[str, str], PendingRow] = {}
    result = conn.exec_driver_sql("SELECT entity, row_id, op, stamps FROM outbox ORDER BY op_no")
    for entity, row_id, op, stamps in result:
        key = (entity, row_id)
        if wanted is not None and key not in wanted:
            continue
        pending = out.setdefault(key, PendingRow())
        for name, stamp in orjson.loads(stamps).items():
            if name == DELETED_STAMP:
                pending.deleted = True
            elif stamp > pending.stamps.get(name, ""):
                pending.stamps[name] = stamp
        if op == "create":
            pending.created = True
    return out


def _executemany(conn: sa.Connection, sql: str, params: Sequence[Sequence[Any]]) -> None:
    """``executemany`` on the DB-API cursor of ``conn``'s open transaction (no overhead)."""
    cursor = conn.connection.cursor()
    try:
        cursor.executemany(sql, params)
    finally:
        cursor.close()


def _outbox_empty(conn: sa.Connection) -> bool:
    return conn.exec_driver_sql("SELECT 1 FROM outbox LIMIT 1").first() is None


def _db_value(sql: _EntitySql, name: str, value: Any) -> Any:
    if value is None:
        return None
    if name in sql.json_columns:
        return _dump(value)
    if name in sql.bool_columns:
        return 1 if value else 0
    return value


def begin_bulk_load(store: Store) -> bool:
    """Before a first sync: set the secondary indexes and search triggers aside.

    Loading a whole territory row by row into indexed tables costs several times what
    appending to bare tables costs; building each index once at the end (a sort) and
    filling the search index in one statement is much cheaper. What was set aside is
    recorded in the same transaction, so ``end_bulk_load`` can always put it back, also
    after a crash. True when the store is (now) in bulk-load mode.
    """
    with store.write() as uow:
        conn = uow.connection
        if get_meta(conn, BULK_LOAD_KEY) is not None:
            return True
        tables = tuple(ENTITIES)
        marks = ", ".join("?" for _ in tables)
        objects = conn.exec_driver_sql(
            "SELECT type, name, sql FROM sqlite_master "
            f"WHERE type IN ('index', 'trigger') AND sql IS NOT NULL AND tbl_name IN ({marks}) "
            "ORDER BY type, name",
            tables,
        ).all()
        set_meta(
            conn,
            BULK_LOAD_KEY,
            _dump([{"type": kind, "name": name, "sql": sql} for kind, name, sql in objects]),
        )
        for kind, name, _sql in objects:
            conn.exec_driver_sql(f"DROP {'INDEX' if kind == 'index' else 'TRIGGER'} {_q(name)}")
    return True


def in_bulk_load(store: Store) -> bool:
    return store.meta(BULK_LOAD_KEY) is not None


def _search_set_aside(saved: str) -> bool:
    """The search triggers are still set aside (the first sync's data is not complete)."""
    return any(obj["type"] == "trigger" for obj in orjson.loads(saved))


def bulk_load_pulled(store: Store) -> bool:
    """A first sync's data is complete and searchable; only indexes wait to be built."""
    with store.read() as conn:
        saved = get_meta(conn, BULK_LOAD_KEY)
    return saved is not None and not _search_set_aside(saved)


def search_set_aside(conn: sa.Connection) -> bool:
    """A first sync is loading: the search triggers are set aside and the search indexes
    are refilled when it ends."""
    saved = get_meta(conn, BULK_LOAD_KEY)
    return saved is not None and _search_set_aside(saved)


def end_bulk_load(
    store: Store,
    stop: threading.Event | None = None,
    *,
    indexes: bool = True,
    relaxed: bool = False,
) -> bool:
    """Put back what ``begin_bulk_load`` set aside: search indexes, triggers, indexes.

    First, in one transaction: the customer list's search indexes refilled from the
    tables (live rows only, as the triggers keep them), the search index over everything
    typed emptied with its watermarks at 0 (for the background builder), the triggers put
    back exactly as they were. From then on every write keeps the search in step. Then,
    unless ``indexes`` is False (a first sync that leaves them to the background, see
    ``bulk_load_pulled``), the indexes, each in a write transaction of its own so that a
    rep's edit waits at most for one of them; ``stop`` ends that between two indexes (the
    next call goes on). ``relaxed`` commits the first step without waiting for the disk
    (``Store.write``), as the pages before it: lost in a power cut, the triggers are
    still set aside and the next sync puts them back.

    Safe to call at any time and more than once: indexes that exist already are kept,
    whatever happened meanwhile. True when it put back what was set aside (with
    ``indexes`` False: the search part); False when nothing was set aside or ``stop``
    came first.
    """
    with store.read() as conn:
        saved = get_meta(conn, BULK_LOAD_KEY)
    if saved is None:
        return False
    if _search_set_aside(saved):
        with store.write(relaxed=relaxed) as uow:
            conn = uow.connection
            saved = get_meta(conn, BULK_LOAD_KEY)
            if saved is None:
                return False
            objects: list[dict[str, str]] = orjson.loads(saved)
            _put_back_search(conn, objects)
            left = [obj for obj in objects if obj["type"] == "index"]
            set_meta(conn, BULK_LOAD_KEY, _dump(left))
    if not indexes:
        return True
    for obj in orjson.loads(saved):
        if obj["type"] != "index":
            continue
        if stop is not None and stop.is_set():
            return False
        with store.write() as uow:
            conn = uow.connection
            if get_meta(conn, BULK_LOAD_KEY) is None:
                return False  # another thread finished meanwhile
            _build_index(conn, obj)
    with store.write() as uow:
        conn = uow.connection
        saved = get_meta(conn, BULK_LOAD_KEY)
        if saved is None:
            return False
        # Whatever another thread set aside meanwhile (nothing, normally) is put back too.
        objects = orjson.loads(saved)
        for obj in objects:
            if obj["type"] == "index":
                _build_index(conn, obj)
        if _search_set_aside(saved):
            _put_back_search(conn, objects)
        set_meta(conn, BULK_LOAD_KEY, None)
    return True


def _build_index(conn: sa.Connection, obj: Mapping[str, str]) -> None:
    """Create one set-aside index unless it is there."""
    exists = conn.exec_driver_sql(
        "SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = ?", (obj["name"],)
    ).first()
    if exists is not None:
        return
    # The index is built by sorting the table; SQLite sorts in parallel with helper
    # threads when allowed (docs/PERFORMANCE.md), leaving a core for the GUI. Every result
    # is closed: a PRAGMA's row left unread keeps its statement active, and the pooled
    # connection then hands the next writer an old snapshot ("no such table").
    conn.exec_driver_sql(f"PRAGMA threads = {INDEX_SORT_THREADS}").close()
    try:
        conn.exec_driver_sql(obj["sql"]).close()
    finally:
        conn.exec_driver_sql("PRAGMA threads = 0").close()


def _put_back_search(conn: sa.Connection, objects: list[dict[str, str]]) -> None:
    """Refill the customer list's search indexes, reset the search index over everything
    typed, and put the triggers back (with what they would have written meanwhile)."""
    # The sort key of customers written without it while its trigger was set aside.
    conn.exec_driver_sql(
        f"UPDATE customer SET sort_name = {fold_subquery('name')} WHERE sort_name IS NULL"
    )
    for entity, (fts, columns) in SEARCH_INDEXES.items():
        cols = ", ".join(columns)
        conn.exec_driver_sql(f"INSERT INTO {fts}({fts}) VALUES ('delete-all')")
        # Changes noted for it before the load (``textindex.list_trigger_sql``) are in.
        conn.exec_driver_sql(f"DELETE FROM {DIRTY_TABLE} WHERE name = ?", (fts,))
        conn.exec_driver_sql(
            f"INSERT INTO {fts}(rowid, {cols}) SELECT rowid, {cols} FROM {_q(entity)} "
            "WHERE deleted = 0"
        )
    # The search index over everything typed is not filled here: it is emptied and built
    # afterwards in the background (``fieldcrm.store.search_build``), so the sync ends
    # as soon as the data is in.
    for index in TEXT_INDEXES:
        for statement in reset_sql(index):
            conn.exec_driver_sql(statement)
    for obj in objects:
        if obj["type"] == "trigger":
            # Exactly as set aside, even if something else put a trigger back meanwhile.
            conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {_q(obj['name'])}")
            conn.exec_driver_sql(obj["sql"])


@dataclass(slots=True)
class PreparedRows:
    """A page's rows turned into statement parameters before its write transaction.

    Built by ``prepare_rows`` on the thread that downloads pages, so the thread that
    writes only runs the statements. Valid as long as no local edit waits in the outbox
    (nothing to merge with); ``apply_page`` checks that inside its transaction.
    """

    upserts: dict[str, list[list[Any]]] = field(default_factory=dict)
    tombstones: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    rows: int = 0
    deleted: int = 0
    newest_stamp: str = ""
    #: Fields where a newer local edit stayed (only when merged with pending edits).
    kept_local: int = 0


def prepare_rows(page: Mapping[str, Any]) -> PreparedRows:
    """The parameters of a page's rows as they are written when nothing local is pending.

    ``page`` is a pull page: positional ``tables`` (protocol 5), or ``rows`` of
    ``RowState`` dicts. Raises ``ValueError`` for rows that do not fit their columns.
    """
    tables = page.get("tables")
    if tables is None:
        rows: Sequence[Mapping[str, Any]] = page.get("rows") or ()
        prepared = _rows_to_params(None, rows, {})
        prepared.newest_stamp = max(
            (max(stamps.values()) for row in rows if (stamps := row.get("stamps"))), default=""
        )
        return prepared
    out = PreparedRows()
    newest = ""
    for entity, table in tables.items():
        sql = _SQL.get(entity)
        if sql is None:
            continue  # an entity this client does not know yet
        upserts, tombstones, newest = _positional_params(sql, table, newest)
        if upserts:
            out.upserts[entity] = upserts
            out.rows += len(upserts)
        if tombstones:
            out.tombstones[entity] = tombstones
            out.deleted += len(tombstones)
    out.newest_stamp = newest
    return out


def _positional_params(
    sql: _EntitySql, table: Mapping[str, Any], newest: str
) -> tuple[list[list[Any]], list[tuple[str, str]], str]:
    """Upsert parameters and tombstones of one entity's positional rows, and the newest
    stamp seen. A row is its parameters but for its stamps, dumped to text here."""
    columns = tuple(table["columns"])
    rows: Sequence[list[Any]] = table["rows"]
    width = VALUES + len(columns)
    upserts: list[list[Any]] = []
    tombstones: list[tuple[str, str]] = []
    dump = _dump
    sort_from = sql.sort_from
    if columns == sql.columns:
        for row in rows:
            stamps = row[STAMPS]
            if stamps:
                top = max(stamps.values())
                newest = max(newest, top)
            if row[DELETED]:
                tombstones.append((dump(stamps or {}), row[ID]))
                continue
            if len(row) != width:
                raise ValueError("a pulled row does not fit its columns")
            params = row.copy()
            params[STAMPS] = dump(stamps or {})
            if sort_from is not None:
                params.append(fold(params[sort_from]))
            upserts.append(params)
    else:
        # Another version's columns: each of ours from its place, None where it has none.
        places = [columns.index(c) + VALUES if c in columns else None for c in sql.columns]
        for row in rows:
            stamps = row[STAMPS]
            if stamps:
                top = max(stamps.values())
                newest = max(newest, top)
            if row[DELETED]:
                tombstones.append((dump(stamps or {}), row[ID]))
                continue
            if len(row) != width:
                raise ValueError("a pulled row does not fit its columns")
            upserts.append(
                [
                    row[SEQ],
                    row[ID],
                    False,
                    dump(stamps or {}),
                    *(None if p is None else row[p] for p in places),
                ]
            )
            if sort_from is not None:
                upserts[-1].append(fold(upserts[-1][sort_from]))
    for index, name in sql.special_columns:
        for params in upserts:
            params[index] = _db_value(sql, name, params[index])
    return upserts, tombstones, newest


def page_keys(page: Mapping[str, Any]) -> set[tuple[str, str]]:
    """(entity, id) of every row of a pull page."""
    tables = page.get("tables")
    if tables is None:
        return {(row["entity"], row["id"]) for row in page.get("rows") or ()}
    return {(entity, row[ID]) for entity, table in tables.items() for row in table["rows"]}


def page_rows(page: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The rows of a pull page as ``RowState`` dicts."""
    tables = page.get("tables")
    if tables is None:
        return list(page.get("rows") or ())
    return row_states(tables)


def apply_page(
    store: Store,
    page: Mapping[str, Any],
    *,
    cursor_key: str = CURSOR_KEY,
    seen: set[tuple[str, str]] | None = None,
    prepared: PreparedRows | None = None,
    relaxed: bool = False,
) -> PageStats:
    """Apply one pulled page (decoded JSON of a ``PullPage``) and store its cursor, atomically.

    ``seen`` collects the keys of the rows in the page (used by a full resync to find local
    rows that the server no longer has). ``prepared`` is the page's ``prepare_rows``, used
    when no local edit needs merging. ``relaxed`` commits without waiting for the disk
    (``Store.write``): for the pages of a first sync, which the server sends again.
    """
    stats = PageStats()
    evictions: Sequence[Mapping[str, Any]] = page.get("evictions") or ()
    conflicts: Sequence[Mapping[str, Any]] = page.get("conflicts") or ()
    if prepared is None:
        prepared = prepare_rows(page)
    with store.write(relaxed=relaxed) as uow:
        conn = uow.connection
        keys_in_page: set[tuple[str, str]] | None = None
        if seen is not None or evictions:
            keys_in_page = page_keys(page)
            if seen is not None:
                seen.update(keys_in_page)
            if evictions:
                _apply_evictions(store, conn, evictions, keys_in_page, stats)

        # A first sync has nothing queued: no row needs merging with local edits.
        params = prepared
        if not _outbox_empty(conn):
            if keys_in_page is None:
                keys_in_page = page_keys(page)
            pending = pending_rows(conn, keys_in_page)
            if pending:
                params = _rows_to_params(conn, page_rows(page), pending)
                stats.kept_local = params.kept_local
        _write_rows(conn, params)
        stats.rows, stats.tombstones = params.rows, params.deleted

        if conflicts:
            _store_conflicts(conn, conflicts)
            stats.conflicts = len(conflicts)

        set_meta(conn, cursor_key, page["cursor"])
        if prepared.newest_stamp:
            # A malformed stamp from the server must not stop the sync.
            with contextlib.suppress(ValueError):
                store.clock.observe(prepared.newest_stamp)
            set_meta(conn, HLC_KEY, store.clock.last)
    return stats


def _rows_to_params(
    conn: sa.Connection | None,
    rows: Sequence[Mapping[str, Any]],
    pending: Mapping[tuple[str, str], PendingRow],
) -> PreparedRows:
    """Statement parameters for ``rows``; rows with ``pending`` edits are merged (needs conn)."""
    out = PreparedRows()
    upserts, tombstones = out.upserts, out.tombstones
    for row in rows:
        entity = row["entity"]
        sql = _SQL.get(entity)
        if sql is None:
            continue  # an entity this client does not know yet
        row_id: str = row["id"]
        # Kept as sent (compact, see ``fieldcrm.protocol.stamps``); readers expand them.
        server_stamps: Mapping[str, str] = row.get("stamps") or {}
        local = pending.get((entity, row_id)) if pending else None
        if row.get("deleted"):
            out.deleted += 1
            tombstones.setdefault(entity, []).append((_dump(server_stamps), row_id))
            continue
        out.rows += 1
        values: Mapping[str, Any] = row.get("fields") or {}
        deleted = 0
        if local is not None:
            assert conn is not None
            values, server_stamps, deleted, kept = _merge_with_pending(
                conn, sql, row_id, values, server_stamps, local
            )
            out.kept_local += kept
        params: list[Any] = [
            row.get("seq"),
            row_id,
            deleted,
            _dump(server_stamps),
            *map(values.get, sql.columns),
        ]
        if sql.sort_from is not None:
            params.append(fold(values.get("name")))
        for index, name in sql.special_columns:
            params[index] = _db_value(sql, name, params[index])
        upserts.setdefault(entity, []).append(params)
    return out


#: From this many rows of one entity on, a page is merged set-based (``_merge_rows``).
MERGE_FROM_ROWS = 64


def _write_rows(conn: sa.Connection, params: PreparedRows) -> None:
    # Into tables whose indexes and search triggers are set aside (a first sync), rows go
    # straight in; into indexed tables a larger page is merged set-based.
    bulk = get_meta(conn, BULK_LOAD_KEY) is not None
    # Tables in dependency order, so a reader never sees a child before its parent.
    for entity in ENTITIES:
        if entity in params.upserts:
            rows = params.upserts[entity]
            if bulk or len(rows) < MERGE_FROM_ROWS:
                _executemany(conn, _SQL[entity].upsert, rows)
            else:
                _merge_rows(conn, _SQL[entity], rows)
        if entity in params.tombstones:
            conn.exec_driver_sql(_SQL[entity].tombstone, params.tombstones[entity])


def _merge_rows(conn: sa.Connection, sql: _EntitySql, rows: Sequence[Sequence[Any]]) -> None:
    """Write ``rows`` as the upsert would, set-based: into a temp table first, then insert
    the new ones and update each changed row once, setting only the columns that differ.

    Rows are updated in groups with the same differing columns (an edit of the phone and
    the street: one group, one statement). An edit of a few fields rewrites the row once
    and only those fields: the search triggers (``UPDATE OF`` the searched columns) and
    the indexes of other columns are left alone, which costs about a fifth of upserting
    every column of every row.
    """
    create, clear, insert = sql.stage
    mark, add_new, masks = sql.merge
    conn.exec_driver_sql(create)
    conn.exec_driver_sql(clear)
    _executemany(conn, insert, rows)
    conn.exec_driver_sql(mark)
    conn.exec_driver_sql(add_new)
    for (mask,) in conn.exec_driver_sql(masks).all():
        conn.exec_driver_sql(_update_of(sql.spec.name, int(mask)), (mask,))
    conn.exec_driver_sql(clear)


@functools.cache
def _update_of(entity: str, mask: int) -> str:
    """The UPDATE of the staged rows whose differing columns are those of ``mask``."""
    sql = _SQL[entity]
    name = _q(entity)
    columns = [c for bit, c in enumerate(sql.compared) if mask >> bit & 1]
    sets = ", ".join(f"{_q(c)} = p.{_q(c)}" for c in columns)
    return (
        f"UPDATE main.{name} SET {sets} FROM temp.{_q('pulled_' + sql.spec.name)} AS p "
        f"WHERE p.merge_mask = ? AND p.id = {name}.id"
    )


def _merge_with_pending(
    conn: sa.Connection,
    sql: _EntitySql,
    row_id: str,
    server_values: Mapping[str, Any],
    server_stamps: Mapping[str, str],
    local: PendingRow,
) -> tuple[dict[str, Any], dict[str, str], int, int]:
    """The server's row with the pending local edits that are newer kept."""
    current = conn.execute(
        sa.select(t.ENTITY_TABLES[sql.spec.name]).where(
            t.ENTITY_TABLES[sql.spec.name].c.id == row_id
        )
    ).first()
    values = dict(server_values)
    stamps = expand_stamps(server_stamps, sql.columns)
    if current is None:
        return values, stamps, 0, 0
    current_values = current._asdict()
    current_stamps = expand_stamps(orjson.loads(current_values["stamps"]), sql.columns)
    kept = 0
    for name, pending_stamp in local.stamps.items():
        if name not in sql.columns:
            continue
        local_stamp = current_stamps.get(name, pending_stamp)
        if local_stamp > stamps.get(name, ""):
            values[name] = current_values[name]
            stamps[name] = local_stamp
            kept += 1
    deleted = 0
    if local.deleted:
        deleted = 1
        stamps[DELETED_STAMP] = current_stamps.get(DELETED_STAMP, "")
    return values, stamps, deleted, kept


def _apply_evictions(
    store: Store,
    conn: sa.Connection,
    evictions: Sequence[Mapping[str, Any]],
    keep: set[tuple[str, str]],
    stats: PageStats,
) -> None:
    doomed: dict[str, set[str]] = {}
    for eviction in evictions:
        entity, row_id = eviction["entity"], eviction["id"]
        if entity not in _SQL or (entity, row_id) in keep:
            continue
        doomed.setdefault(entity, set()).add(row_id)
        stats.evictions += 1
    customers = sorted(doomed.get("customer", ()))
    for start in range(0, len(customers), 500):
        chunk = customers[start : start + 500]
        for child in CUSTOMER_CHILDREN:
            table = t.ENTITY_TABLES[child]
            child_ids = conn.scalars(sa.select(table.c.id).where(table.c.customer_id.in_(chunk)))
            doomed.setdefault(child, set()).update(i for i in child_ids if (child, i) not in keep)
    doomed_keys = {(entity, row_id) for entity, ids in doomed.items() for row_id in ids}
    if not doomed_keys:
        return
    if not _outbox_empty(conn):
        stats.evicted_edits = _reject_outbox_entries(store, conn, doomed_keys, EVICTED_REASON)
    for entity, ids in doomed.items():
        if not ids:
            continue
        deleted = conn.exec_driver_sql(
            f"DELETE FROM {_q(entity)} WHERE id = ?", [(row_id,) for row_id in sorted(ids)]
        ).rowcount
        if deleted > 0:
            stats.removed[entity] = stats.removed.get(entity, 0) + deleted


def _reject_outbox_entries(
    store: Store, conn: sa.Connection, keys: set[tuple[str, str]], reason: str
) -> int:
    """Move the outbox entries of ``keys`` to the rejected list with ``reason``."""
    op_nos = [
        op_no
        for op_no, entity, row_id in conn.exec_driver_sql(
            "SELECT op_no, entity, row_id FROM outbox"
        )
        if (entity, row_id) in keys
    ]
    for op_no in op_nos:
        _move_to_rejected(store, conn, op_no, reason, None, EVICTED_CODE)
    return len(op_nos)


def _move_to_rejected(
    store: Store,
    conn: sa.Connection,
    op_no: int,
    reason: str,
    field_name: str | None,
    code: str | None = None,
    params: Mapping[str, Any] | None = None,
    problems: Sequence[Any] = (),
) -> dict[str, Any] | None:
    entry = conn.execute(sa.select(t.outbox).where(t.outbox.c.op_no == op_no)).first()
    if entry is None:
        return None
    record = entry._asdict()
    conn.execute(
        t.rejected_change.insert().prefix_with("OR REPLACE"),
        {
            "op_no": record["op_no"],
            "device_id": record["device_id"],
            "entity": record["entity"],
            "row_id": record["row_id"],
            "op": record["op"],
            "fields": record["fields"],
            "stamps": record["stamps"],
            "base_stamps": record["base_stamps"],
            "reason": reason,
            "field": field_name,
            "rejected_at": store.now_text(),
            "code": code,
            "params": _dump(dict(params or {})),
            "problems": _dump(list(problems)),
        },
    )
    conn.execute(t.outbox.delete().where(t.outbox.c.op_no == op_no))
    return record


def _store_conflicts(conn: sa.Connection, conflicts: Sequence[Mapping[str, Any]]) -> None:
    columns = (
        "id",
        "entity",
        "row_id",
        "kind",
        "field",
        "winning_value",
        "winning_stamp",
        "losing_value",
        "losing_stamp",
        "winning_user",
        "losing_user",
        "created_at",
        "resolved",
    )
    json_columns = {"winning_value", "losing_value"}
    params = [
        tuple(
            _dump(c.get(name))
            if name in json_columns
            else (1 if c.get(name) else 0)
            if name == "resolved"
            else c.get(name)
            for name in columns
        )
        for c in conflicts
    ]
    updates = ", ".join(f"{name} = excluded.{name}" for name in columns[1:-1])
    # A conflict resolved here stays resolved until the server has heard of it.
    conn.exec_driver_sql(
        f"INSERT INTO conflict ({', '.join(columns)}) VALUES ({', '.join('?' for _ in columns)}) "
        f"ON CONFLICT(id) DO UPDATE SET {updates}, resolved = "
        "CASE WHEN conflict.resolution_pending THEN 1 ELSE excluded.resolved END",
        params,
    )


def apply_push_results(
    store: Store, results: Sequence[Mapping[str, Any]], resolved_sent: Sequence[str] = ()
) -> PushStats:
    """Remove acknowledged entries from the outbox; move rejected ones to the rejected list.

    A rejected create removes the local row (the server never had it; its values stay in
    the rejected list). A rejected update or delete leaves a local row that differs from
    the server's, so a full resync is asked for; it restores the server's state.
    """
    stats = PushStats()
    with store.write() as uow:
        conn = uow.connection
        acknowledged: list[tuple[int]] = []
        for result in results:
            op_no = int(result["op_no"])
            if result.get("replayed"):
                stats.replayed += 1
            if result["status"] == "rejected":
                reason = result.get("reason") or "The server refused this change."
                record = _move_to_rejected(
                    store,
                    conn,
                    op_no,
                    reason,
                    result.get("field"),
                    result.get("code") or "refused",
                    result.get("params") or {},
                    result.get("problems") or [],
                )
                if record is None:
                    continue
                stats.rejected += 1
                if record["op"] == "create":
                    _drop_rejected_create(conn, record["entity"], record["row_id"])
                else:
                    stats.needs_resync = True
                continue
            if result["status"] == "conflict":
                stats.conflicts += 1
            acknowledged.append((op_no,))
        if acknowledged:
            conn.exec_driver_sql("DELETE FROM outbox WHERE op_no = ?", acknowledged)
            stats.acknowledged = len(acknowledged)
        if resolved_sent:
            conn.exec_driver_sql(
                "UPDATE conflict SET resolution_pending = 0 WHERE id = ?",
                [(cid,) for cid in resolved_sent],
            )
        if stats.needs_resync:
            set_meta(conn, FULL_RESYNC_KEY, "1")
    return stats


def _drop_rejected_create(conn: sa.Connection, entity: str, row_id: str) -> None:
    if entity not in _SQL:
        return
    still_pending = conn.exec_driver_sql(
        "SELECT 1 FROM outbox WHERE entity = ? AND row_id = ? LIMIT 1", (entity, row_id)
    ).first()
    if still_pending is None:
        conn.exec_driver_sql(f"DELETE FROM {_q(entity)} WHERE id = ?", (row_id,))


def remove_unseen(store: Store, seen: set[tuple[str, str]]) -> int:
    """After a full resync: drop local rows the server did not send, unless edits are pending."""
    removed = 0
    with store.write() as uow:
        conn = uow.connection
        pending = pending_rows(conn)
        for entity in reversed(tuple(ENTITIES)):
            doomed = [
                (row_id,)
                for (row_id,) in conn.exec_driver_sql(f"SELECT id FROM {_q(entity)}")
                if (entity, row_id) not in seen and (entity, row_id) not in pending
            ]
            if doomed:
                conn.exec_driver_sql(f"DELETE FROM {_q(entity)} WHERE id = ?", doomed)
                removed += len(doomed)
    return removed


def verified_counts(conn: sa.Connection) -> dict[str, int]:
    """Live rows per entity as the server should count them: without pending local changes.

    Rows created here and not pushed yet are not counted; rows deleted here whose delete is
    not pushed yet still are.
    """
    pending = pending_rows(conn)
    created = {key for key, p in pending.items() if p.created}
    deleted = {key for key, p in pending.items() if p.deleted and not p.created}
    counts: dict[str, int] = {}
    for entity in ENTITIES:
        live = conn.exec_driver_sql(
            f"SELECT count(*) FROM {_q(entity)} WHERE deleted = 0"
        ).scalar_one()
        live -= sum(
            1
            for e, row_id in created
            if e == entity
            and conn.exec_driver_sql(
                f"SELECT 1 FROM {_q(entity)} WHERE id = ? AND deleted = 0", (row_id,)
            ).first()
        )
        live += sum(
            1
            for e, row_id in deleted
            if e == entity
            and conn.exec_driver_sql(
                f"SELECT 1 FROM {_q(entity)} WHERE id = ? AND deleted = 1", (row_id,)
            ).first()
        )
        counts[entity] = live
    return counts


def resolved_unsent(conn: sa.Connection) -> list[str]:
    return list(
        conn.scalars(sa.select(t.conflict.c.id).where(t.conflict.c.resolution_pending.is_(True)))
    )


def resolve_conflict(store: Store, conflict_id: str) -> bool:
    """Mark a conflict resolved here; the next push tells the server. False when unknown.

    Resolving is otherwise a normal edit (keep mine: write the value again; take theirs:
    nothing to write), made through the store's service API.
    """
    with store.write() as uow:
        result = uow.connection.execute(
            t.conflict.update()
            .where(t.conflict.c.id == conflict_id, t.conflict.c.resolved.is_(False))
            .values(resolved=True, resolution_pending=True)
        )
        return bool(result.rowcount)


def discard_rejected(store: Store, op_no: int) -> bool:
    """Forget one rejected change (after the user confirmed). False when unknown."""
    with store.write() as uow:
        result = uow.connection.execute(
            t.rejected_change.delete().where(t.rejected_change.c.op_no == op_no)
        )
        return bool(result.rowcount)


def rejected_changes(conn: sa.Connection) -> list[dict[str, Any]]:
    """The rejected list, oldest first, JSON columns decoded."""
    out = []
    for row in conn.execute(sa.select(t.rejected_change).order_by(t.rejected_change.c.op_no)):
        record = row._asdict()
        for name in ("fields", "stamps", "base_stamps", "params", "problems"):
            record[name] = orjson.loads(record[name])
        out.append(record)
    return out


def unresolved_conflict_count(conn: sa.Connection) -> int:
    return (
        conn.scalar(
            sa.select(sa.func.count())
            .select_from(t.conflict)
            .where(t.conflict.c.resolved.is_(False))
        )
        or 0
    )


# ---- verification by digests ------------------------------------------------------------


def local_digests(conn: sa.Connection) -> dict[str, Digest]:
    """Per entity, the digest of the server versions this laptop holds (live on the server:
    rows created here and not sent yet, and tombstones, have no version)."""
    out: dict[str, Digest] = {}
    for entity in ENTITIES:
        sums = conn.exec_driver_sql(f"SELECT {digest_sql('server_seq')} FROM {_q(entity)}").one()
        out[entity] = Digest.from_list(sums)
    return out


def range_digest(conn: sa.Connection, entity: str, after: int, upto: int) -> Digest:
    """The digest of the versions of ``entity`` in ``(after, upto]``."""
    sums = conn.exec_driver_sql(
        f"SELECT {digest_sql('server_seq')} FROM {_q(entity)} "
        "WHERE server_seq > ? AND server_seq <= ?",
        (after, upto),
    ).one()
    return Digest.from_list(sums)


def versions_in_range(conn: sa.Connection, entity: str, after: int, upto: int) -> dict[str, int]:
    """Row id to server version for the versions of ``entity`` in ``(after, upto]``."""
    return dict(
        conn.exec_driver_sql(
            f"SELECT id, server_seq FROM {_q(entity)} WHERE server_seq > ? AND server_seq <= ?",
            (after, upto),
        ).all()
    )


def unversioned_rows(conn: sa.Connection, entity: str) -> list[str]:
    """Live rows the server never sent and no pending change will send: rows it cannot
    count (left behind by an old copy of the profile, say). The server is asked about them."""
    return list(
        conn.scalars(
            sa.text(
                f"SELECT id FROM {_q(entity)} WHERE server_seq IS NULL AND deleted = 0 "
                "AND id NOT IN (SELECT row_id FROM outbox WHERE entity = :entity)"
            ),
            {"entity": entity},
        )
    )


def highest_version(conn: sa.Connection) -> int:
    return max(
        conn.exec_driver_sql(f"SELECT coalesce(max(server_seq), 0) FROM {_q(entity)}").scalar_one()
        for entity in ENTITIES
    )


def apply_repair(
    store: Store, entity: str, rows: Sequence[Mapping[str, Any]], gone: Iterable[str]
) -> PageStats:
    """Put fetched rows in place and evict the ``gone`` ids (not in the server's answer:
    outside this user's scope now, or unknown); the cursor stays where it is."""
    page = {
        "rows": list(rows),
        "evictions": [{"entity": entity, "id": row_id} for row_id in gone],
        "cursor": store.meta(CURSOR_KEY) or "0",
    }
    return apply_page(store, page)


# ---- device identity ----------------------------------------------------------------------

#: When this laptop last had to take a new device identity, and the one it gave up.
DEVICE_REUSED_AT_KEY = "device_reused_at"
PREVIOUS_DEVICE_KEY = "previous_device_id"


def change_device_id(store: Store, new_device_id: str) -> str:
    """Give this profile a new device identity; returns the old one.

    Changes not acknowledged yet are sent again under the new identity: their entries and
    the stamps they carry (the device part of a stamp names its writer) are rewritten, as
    are the rows' stamps for those writes, so that every later comparison agrees.
    """
    old = store.device_id
    with store.write() as uow:
        conn = uow.connection
        pending: dict[tuple[str, str], set[str]] = {}
        entries = conn.exec_driver_sql(
            "SELECT op_no, entity, row_id, stamps, base_stamps FROM outbox"
        ).all()
        for _, entity, row_id, stamps, _ in entries:
            pending.setdefault((entity, row_id), set()).update(orjson.loads(stamps).values())
        resent: set[str] = set().union(*pending.values())
        for op_no, _, _, stamps, base_stamps in entries:
            # A base stamp is rewritten only when it is one of the writes sent again: one the
            # server acknowledged keeps the old identity, as the server holds it (else the
            # server takes a sequential edit for a concurrent one: a conflict).
            conn.exec_driver_sql(
                "UPDATE outbox SET device_id = ?, stamps = ?, base_stamps = ? WHERE op_no = ?",
                (
                    new_device_id,
                    _restamp(stamps, {old}, new_device_id),
                    _restamp(base_stamps, {old}, new_device_id, only=resent),
                    op_no,
                ),
            )
        # Only the stamps of the writes being sent again: those the server acknowledged
        # under the old identity keep it, as the server holds them.
        for (entity, row_id), sent in pending.items():
            if entity not in _SQL:
                continue
            row = conn.exec_driver_sql(
                f"SELECT stamps FROM {_q(entity)} WHERE id = ?", (row_id,)
            ).first()
            if row is not None:
                conn.exec_driver_sql(
                    f"UPDATE {_q(entity)} SET stamps = ? WHERE id = ?",
                    (_restamp(row[0], {old}, new_device_id, only=sent), row_id),
                )
        set_meta(conn, "device_id", new_device_id)
        set_meta(conn, PREVIOUS_DEVICE_KEY, old)
        set_meta(conn, DEVICE_REUSED_AT_KEY, store.now_text())
        store.device_id = new_device_id
        store.clock.device_id = new_device_id
        set_meta(conn, "hlc", store.clock.last)
    return old


def _restamp(stamps_json: str, old: set[str], new: str, only: set[str] | None = None) -> str:
    """The stamps with the device part ``old`` replaced by ``new`` (for stamps in ``only``,
    when given)."""
    stamps = orjson.loads(stamps_json)
    if not isinstance(stamps, dict):
        return stamps_json
    out = {}
    for name, stamp in stamps.items():
        out[name] = stamp
        if isinstance(stamp, str) and (only is None or stamp in only):
            head, _, device = stamp.rpartition(":")
            if device in old:
                out[name] = f"{head}:{new}"
    return _dump(out)
