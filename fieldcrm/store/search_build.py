"""Building the search index over everything typed in the background, and catching it up.

After a first sync the indexes of ``fieldcrm.store.textindex`` are empty, their
watermarks at 0: the sync ends as soon as the data is in. ``build`` then indexes the live
rows in rowid slices, one short write transaction each (the rep works and the sync runs
meanwhile), moving each watermark until it reaches ``BUILT``. Rows written meanwhile
either lie above the watermark (the builder reads them when it gets there) or are noted
in the dirty queue, which ``catch_up`` works off: the builder after a sync, and every
search before it asks the index, so a search never misses what is in the store among the
rows already indexed. The customer list's own search notes its changes in the same queue
(``catch_up_list`` works off only those, before the list searches).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa

from fieldcrm.store import replica
from fieldcrm.store.service import Store
from fieldcrm.store.textindex import (
    BUILT,
    DIRTY_TABLE,
    LIST_INDEX,
    PROGRESS_TABLE,
    TEXT_INDEXES,
    TextIndex,
    list_catch_up_sql,
)
from fieldcrm.store.textindex import catch_up_sql as _catch_up_statements
from fieldcrm.store.textindex import slice_sql as _slice_statement

#: Rows indexed per transaction: about 0.1 to 0.2 s of CPU (trigram rows cost about 80 µs).
SLICE_ROWS = 2_000


@dataclass(frozen=True, slots=True)
class IndexProgress:
    """How far the search index is built."""

    #: Rowids passed by the builder, summed over the indexes (an estimate of rows: gaps
    #: count too, and rows the catch-up indexed ahead of the builder do not).
    done: int
    total: int
    #: Changed rows waiting for the catch-up (of the search index over everything typed).
    waiting: int
    #: Every watermark at ``BUILT``: the builder has passed every row.
    built: bool
    #: A first sync is loading with the search triggers set aside: the watermarks are
    #: reset when it ends, and the index is built from scratch after.
    set_aside: bool = False

    @property
    def percent(self) -> int:
        """Whole percent built; at most 99 until the builder has passed every row."""
        if self.built:
            return 100
        return min(99, int(100 * self.done / self.total)) if self.total else 99


def progress_in(conn: sa.Connection) -> IndexProgress:
    done = total = 0
    built = True
    for index in TEXT_INDEXES:
        top = conn.exec_driver_sql(f'SELECT max(rowid) FROM "{index.entity}"').scalar() or 0
        upto = _upto(conn, index)
        total += top
        done += top if upto >= BUILT else min(upto, top)
        built = built and upto >= BUILT
    # The search index's waiting rows (the list's own search catches up by itself).
    waiting = (
        conn.exec_driver_sql(
            f"SELECT count(*) FROM {DIRTY_TABLE} WHERE name != ?", (LIST_INDEX,)
        ).scalar()
        or 0
    )
    if replica.search_set_aside(conn):
        return IndexProgress(0, total, waiting, built=False, set_aside=True)
    return IndexProgress(done, total, waiting, built)


def progress(store: Store) -> IndexProgress:
    with store.read() as conn:
        return progress_in(conn)


def _upto(conn: sa.Connection, index: TextIndex) -> int:
    value = conn.exec_driver_sql(
        f"SELECT upto FROM {PROGRESS_TABLE} WHERE name = ?", (index.table,)
    ).scalar()
    # No row: a store made before the watermarks, whose triggers kept the index whole.
    return BUILT if value is None else int(value)


def catch_up_in(conn: sa.Connection) -> int:
    """Work off the dirty queue inside the caller's write transaction; rows caught up
    (the customer list's own search among them)."""
    waiting = conn.exec_driver_sql(f"SELECT count(*) FROM {DIRTY_TABLE}").scalar() or 0
    if waiting:
        for index in TEXT_INDEXES:
            for statement in _catch_up_statements(index):
                conn.exec_driver_sql(statement)
        for statement in list_catch_up_sql():
            conn.exec_driver_sql(statement)
    return int(waiting)


_LIST_WAITING_SQL = f"SELECT 1 FROM {DIRTY_TABLE} WHERE name = '{LIST_INDEX}' LIMIT 1"


def catch_up_list(store: Store) -> bool:
    """Index the changes noted for the customer list's own search (``customer_fts``),
    before the list asks it: a read first, a short write only when something waits.
    True when something was caught up."""
    with store.read() as conn:
        if conn.exec_driver_sql(_LIST_WAITING_SQL).first() is None:
            return False
    with store.write() as uow:
        conn = uow.connection
        if conn.exec_driver_sql(_LIST_WAITING_SQL).first() is None:
            return False  # another thread caught up meanwhile
        for statement in list_catch_up_sql():
            conn.exec_driver_sql(statement)
    return True


def catch_up(store: Store) -> int:
    """Work off the dirty queue when something waits (a read first: nothing is written
    when nothing waits, so a search pays for the catch-up only after a change)."""
    with store.read() as conn:
        if conn.exec_driver_sql(f"SELECT 1 FROM {DIRTY_TABLE} LIMIT 1").first() is None:
            return 0
    with store.write() as uow:
        return catch_up_in(uow.connection)


def build_step(store: Store, rows: int = SLICE_ROWS) -> bool:
    """Catch up, then index the next slice of the first index not built yet, in one
    transaction. True while work is left."""
    with store.write() as uow:
        conn = uow.connection
        catch_up_in(conn)
        for index in TEXT_INDEXES:
            upto = _upto(conn, index)
            if upto >= BUILT:
                continue
            _slice(conn, index, upto, rows)
            return any(_upto(conn, i) < BUILT for i in TEXT_INDEXES)
    return False


def _slice(conn: sa.Connection, index: TextIndex, after: int, rows: int) -> None:
    entity = f'"{index.entity}"'
    top = conn.exec_driver_sql(f"SELECT max(rowid) FROM {entity}").scalar() or 0
    end = conn.exec_driver_sql(
        f"SELECT rowid FROM {entity} WHERE rowid > ? ORDER BY rowid LIMIT 1 OFFSET ?",
        (after, rows - 1),
    ).scalar()
    upto = top if end is None else int(end)
    if upto > after:
        conn.execute(sa.text(_slice_statement(index)), {"after": after, "upto": upto})
    # The last slice (inside the writer's transaction, so no row comes in between) marks
    # the index built: rows inserted from now on fall below the watermark.
    conn.exec_driver_sql(
        f"UPDATE {PROGRESS_TABLE} SET upto = ? WHERE name = ?",
        (BUILT if upto >= top else upto, index.table),
    )


def build(
    store: Store,
    report: Callable[[IndexProgress], None] | None = None,
    stop: threading.Event | None = None,
    rows: int = SLICE_ROWS,
) -> IndexProgress:
    """Catch up and build the whole index, slice by slice, reporting the progress before
    the first slice and after each; ``stop`` ends it between two slices (the next build
    goes on from the watermarks). Nothing is written when nothing is left to do.

    The indexes a first sync left to the background (``replica.end_bulk_load``) are built
    first; while a first sync is still loading, nothing is done (it puts back the search
    triggers itself when it ends, and the search index is built from scratch after).
    """
    if replica.bulk_load_pulled(store):
        replica.end_bulk_load(store, stop)
    while True:
        state = progress(store)
        if report is not None:
            report(state)
        if (state.built and not state.waiting) or (stop is not None and stop.is_set()):
            return state
        if state.set_aside:
            return state
        build_step(store, rows)
