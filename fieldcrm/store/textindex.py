"""The search index over everything a user types: what each index holds, its SQL.

One FTS5 table per kind of record, contentless (the text lives in the entity tables
only), filled with one folded text per live row (``fieldcrm.domain.textfold``):

- short fields (customer and contact names, numbers, addresses, e-mail, phone numbers,
  job titles; follow-up titles) go into a ``trigram`` index, so any part of a word is
  found (``bau`` in Straßenbau), and phone numbers are stored once more as digits in
  national and international form (``040123 4940123``);
- long texts (notes, visit reports, purpose and next steps) go into a word index
  (``unicode61``, diacritics removed, ß as ss): every word and word beginning is found.
  A trigram index over them would hold several hundred million positions for the
  standard area (docs/PERFORMANCE.md).

How far each index is built is its watermark (``search_progress``): the index holds the
live rows with ``rowid <= upto``; ``BUILT`` means every row, also those still to come. A
first sync ends with the indexes emptied and their watermarks at 0
(``replica.end_bulk_load``); ``fieldcrm.store.search_build`` then indexes the rows in
rowid slices, one short transaction each, in the background.

Triggers, in plain SQL, only note which rows changed (``search_dirty``: the row, whether
the index held it, and its indexed fields as they were, unfolded) and fold nothing: a
pull of edited records does not pay the text folding per row. The noted rows are indexed
by ``catch_up_sql`` (the builder after a sync; every search before it asks the index),
also rows the builder has not reached yet, which its slices then skip. A contentless
FTS5 table needs the old text to take a row out (SQLite 3.40 has no
``contentless_delete``); the queue keeps it, so the index stores no text of its own.
"""

from __future__ import annotations

from dataclasses import dataclass

from fieldcrm.domain.textfold import fold_subquery, phone_forms_sql

TRIGRAM = "tokenize='trigram'"
WORDS = "tokenize='unicode61 remove_diacritics 2', detail=none"


@dataclass(frozen=True, slots=True)
class TextIndex:
    """One search index: the FTS5 table, the entity it indexes and the text of a row."""

    table: str
    entity: str
    options: str
    #: The columns whose change re-indexes the row.
    columns: tuple[str, ...]
    #: Columns holding phone numbers (indexed as digits too).
    phones: tuple[str, ...] = ()

    @property
    def substrings(self) -> bool:
        """True when any part of a word is found (trigram), not only words and beginnings."""
        return self.options == TRIGRAM

    def body_sql(self, row: str) -> str:
        """The indexed text of a row; ``row`` is ``new``, ``old`` or a table alias."""
        joined = " || ' ' || ".join(f"coalesce({row}.{c}, '')" for c in self.columns)
        if self.substrings:
            text = fold_subquery(joined)
            for phone in self.phones:
                text += f" || ' ' || {phone_forms_sql(f'{row}.{phone}')}"
            return text
        # unicode61 folds case and diacritics itself; ß it keeps, so it is spelled out.
        return f"replace(replace({joined}, 'ß', 'ss'), 'ẞ', 'ss')"


TEXT_INDEXES: tuple[TextIndex, ...] = (
    TextIndex(
        "customer_find",
        "customer",
        TRIGRAM,
        ("name", "number", "street", "postal_code", "city", "email", "phone"),
        phones=("phone",),
    ),
    TextIndex(
        "contact_find",
        "contact",
        TRIGRAM,
        ("first_name", "last_name", "job_title", "email", "phone", "mobile"),
        phones=("phone", "mobile"),
    ),
    TextIndex("followup_find", "followup", TRIGRAM, ("title",)),
    TextIndex("note_find", "note", WORDS, ("text",)),
    TextIndex("visit_find", "visit", WORDS, ("purpose", "report", "next_steps")),
)
BY_ENTITY = {index.entity: index for index in TEXT_INDEXES}


#: The watermark of an index built over every row, also the rows still to come.
BUILT = 9_223_372_036_854_775_807
#: How far each index is built: it holds the live rows with ``rowid <= upto``.
PROGRESS_TABLE = "search_progress"
#: Rows indexed (at or below the watermark) that changed since: (index, row, whether
#: the row was in the index, its indexed fields as they were, a JSON array).
DIRTY_TABLE = "search_dirty"


def table_sql(index: TextIndex) -> str:
    return f"CREATE VIRTUAL TABLE {index.table} USING fts5(body, content='', {index.options})"


def _old_values(index: TextIndex) -> str:
    return "json_array(" + ", ".join(f"old.{c}" for c in index.columns) + ")"


def holds_sql(index: TextIndex, rowid: str) -> str:
    """True when the index holds an entry for ``rowid`` (its ``_docsize`` table has a row
    per entry, also in a contentless table)."""
    return f"EXISTS (SELECT 1 FROM {index.table}_docsize WHERE id = {rowid})"


def queue_trigger_sql(index: TextIndex, *, below_watermark: bool = False) -> list[str]:
    """Triggers that note each changed row in the dirty queue, without folding any text.

    Every insert, every change of an indexed field and every delete of a row the index
    holds is noted, also above the builder's watermark: the catch-up indexes it at once,
    so what the rep just typed is found while the index is still being built, and the
    builder's slices skip the rows the index already holds. The first change since the
    last catch-up keeps whether the index held the row and its fields as indexed (later
    ones do not replace them): a contentless index needs them to take the entry out.

    ``below_watermark``: the triggers of revision 0017, which noted only the rows at or
    below the builder's watermark (kept for that migration and the downgrade of 0018).
    """
    t, e = index.table, index.entity
    watched = ", ".join((*index.columns, "deleted"))
    changed = " OR ".join(f"old.{c} IS NOT new.{c}" for c in (*index.columns, "deleted"))
    held = holds_sql(index, "old.rowid")

    def note(row: str, indexed: str, old: str) -> str:
        # Not ``INSERT OR IGNORE``: a trigger takes the conflict policy of the statement
        # that fired it when that one has its own (the pull's upsert), so it is checked.
        return (
            f"INSERT INTO {DIRTY_TABLE}(name, row, indexed, old) SELECT '{t}', {row}.rowid, "
            f"{indexed}, {old} WHERE NOT EXISTS (SELECT 1 FROM {DIRTY_TABLE} "
            f"WHERE name = '{t}' AND row = {row}.rowid);"
        )

    was_indexed = f"CASE WHEN {held} THEN {_old_values(index)} END"
    if below_watermark:
        w = f"(SELECT upto FROM {PROGRESS_TABLE} WHERE name = '{t}')"
        was_indexed = f"CASE WHEN old.deleted = 0 THEN {_old_values(index)} END"
        return [
            f'CREATE TRIGGER {t}_ai AFTER INSERT ON "{e}" '
            f"WHEN new.deleted = 0 AND new.rowid <= {w} BEGIN {note('new', '0', 'NULL')} END",
            f'CREATE TRIGGER {t}_ad AFTER DELETE ON "{e}" '
            f"WHEN old.deleted = 0 AND old.rowid <= {w} BEGIN "
            f"{note('old', '1', _old_values(index))} END",
            f'CREATE TRIGGER {t}_au AFTER UPDATE OF {watched} ON "{e}" '
            f"WHEN (old.deleted = 0 OR new.deleted = 0) AND ({changed}) AND old.rowid <= {w} "
            f"BEGIN {note('old', 'old.deleted = 0', was_indexed)} END",
        ]
    return [
        f'CREATE TRIGGER {t}_ai AFTER INSERT ON "{e}" '
        f"WHEN new.deleted = 0 BEGIN {note('new', '0', 'NULL')} END",
        f'CREATE TRIGGER {t}_ad AFTER DELETE ON "{e}" '
        f"WHEN {held} BEGIN {note('old', '1', _old_values(index))} END",
        f'CREATE TRIGGER {t}_au AFTER UPDATE OF {watched} ON "{e}" '
        f"WHEN (old.deleted = 0 OR new.deleted = 0) AND ({changed}) BEGIN "
        f"{note('old', held, was_indexed)} END",
    ]


def create_sql(index: TextIndex) -> list[str]:
    """The FTS5 table and the three triggers that note changes for the catch-up."""
    return [table_sql(index), *queue_trigger_sql(index)]


def direct_trigger_sql(index: TextIndex) -> list[str]:
    """The triggers of revision 0013, which folded and indexed each change as it was
    written (kept for that migration and the downgrade of 0017)."""
    t, e = index.table, index.entity
    watched = ", ".join((*index.columns, "deleted"))
    return [
        f'CREATE TRIGGER {t}_ai AFTER INSERT ON "{e}" WHEN new.deleted = 0 BEGIN '
        f"INSERT INTO {t}(rowid, body) VALUES (new.rowid, {index.body_sql('new')}); END",
        f'CREATE TRIGGER {t}_ad AFTER DELETE ON "{e}" WHEN old.deleted = 0 BEGIN '
        f"INSERT INTO {t}({t}, rowid, body) VALUES ('delete', old.rowid, "
        f"{index.body_sql('old')}); END",
        f'CREATE TRIGGER {t}_au AFTER UPDATE OF {watched} ON "{e}" BEGIN '
        f"INSERT INTO {t}({t}, rowid, body) SELECT 'delete', old.rowid, "
        f"{index.body_sql('old')} WHERE old.deleted = 0; "
        f"INSERT INTO {t}(rowid, body) SELECT new.rowid, {index.body_sql('new')} "
        "WHERE new.deleted = 0; END",
    ]


def drop_triggers_sql(index: TextIndex) -> list[str]:
    return [f"DROP TRIGGER IF EXISTS {index.table}_{suffix}" for suffix in ("ai", "ad", "au")]


def drop_sql(index: TextIndex) -> list[str]:
    return [*drop_triggers_sql(index), f"DROP TABLE IF EXISTS {index.table}"]


def refill_sql(index: TextIndex) -> list[str]:
    """Empty the index and fill it from the table's live rows, set-based, in one go (the
    reference the built index is compared with; the benchmarks' index cost)."""
    t = index.table
    return [
        f"INSERT INTO {t}({t}) VALUES ('delete-all')",
        f'INSERT INTO {t}(rowid, body) SELECT r.rowid, {index.body_sql("r")} FROM "{index.entity}" '
        "AS r WHERE r.deleted = 0",
    ]


def reset_sql(index: TextIndex) -> list[str]:
    """Empty the index and set its watermark to 0: the builder fills it from the start."""
    t = index.table
    return [
        f"INSERT INTO {t}({t}) VALUES ('delete-all')",
        f"DELETE FROM {DIRTY_TABLE} WHERE name = '{t}'",
        f"INSERT INTO {PROGRESS_TABLE}(name, upto) VALUES ('{t}', 0) "
        "ON CONFLICT(name) DO UPDATE SET upto = 0",
    ]


def slice_sql(index: TextIndex) -> str:
    """Index the live rows of ``(:after, :upto]`` as they are now (one builder step),
    but for those the catch-up indexed already."""
    return (
        f"INSERT INTO {index.table}(rowid, body) SELECT r.rowid, {index.body_sql('r')} "
        f'FROM "{index.entity}" AS r WHERE r.rowid > :after AND r.rowid <= :upto '
        f"AND r.deleted = 0 AND r.rowid NOT IN (SELECT id FROM {index.table}_docsize "
        "WHERE id > :after AND id <= :upto)"
    )


def catch_up_sql(index: TextIndex) -> list[str]:
    """Take the noted rows' old entries out, put their current text in, empty the queue."""
    t, e = index.table, index.entity
    olds = ", ".join(f"json_extract(d.old, '$[{i}]') AS {c}" for i, c in enumerate(index.columns))
    return [
        f"INSERT INTO {t}({t}, rowid, body) SELECT 'delete', r.row_, {index.body_sql('r')} "
        f"FROM (SELECT d.row AS row_, {olds} FROM {DIRTY_TABLE} AS d "
        f"WHERE d.name = '{t}' AND d.indexed = 1) AS r",
        f"INSERT INTO {t}(rowid, body) SELECT r.rowid, {index.body_sql('r')} "
        f'FROM "{e}" AS r WHERE r.rowid IN (SELECT row FROM {DIRTY_TABLE} '
        f"WHERE name = '{t}') AND r.deleted = 0",
        f"DELETE FROM {DIRTY_TABLE} WHERE name = '{t}'",
    ]


# --- The customer list's own search -----------------------------------------------------

#: The customer list's own search (``fieldcrm.app.customers``): FTS5 over the customer's
#: name, number, city and postal code, with the customer table as its content (made by
#: revision 0001). Its triggers only note changes in the dirty queue, as those of the
#: search index over everything typed do, under this name: a one-record write then
#: commits no full-text pages (FTS5 writes a new segment per transaction, about seven
#: pages, each encrypted and authenticated on the encrypted store). ``list_catch_up_sql``
#: indexes them: before the list searches (``search_build.catch_up_list``) and with
#: every catch-up of the search index.
LIST_INDEX = "customer_fts"
LIST_ENTITY = "customer"
LIST_COLUMNS = ("name", "number", "city", "postal_code")


def list_trigger_sql() -> list[str]:
    """Triggers that note each change of the list's indexed fields in the dirty queue.

    The index holds exactly the live rows as they were at the last catch-up (a first sync
    refills it and empties its queue, ``replica.end_bulk_load``), so the first change
    since then knows what the index holds: the row's fields as they were if it was live,
    nothing if it was not. FTS5 needs those old values to take an entry out (the content
    table has changed by then); later changes keep the first note.
    """
    t, e = LIST_INDEX, LIST_ENTITY
    watched = ", ".join((*LIST_COLUMNS, "deleted"))
    changed = " OR ".join(f"old.{c} IS NOT new.{c}" for c in (*LIST_COLUMNS, "deleted"))
    old_values = "json_array(" + ", ".join(f"old.{c}" for c in LIST_COLUMNS) + ")"

    def note(row: str, indexed: str, old: str) -> str:
        return (
            f"INSERT INTO {DIRTY_TABLE}(name, row, indexed, old) SELECT '{t}', {row}.rowid, "
            f"{indexed}, {old} WHERE NOT EXISTS (SELECT 1 FROM {DIRTY_TABLE} "
            f"WHERE name = '{t}' AND row = {row}.rowid);"
        )

    return [
        f'CREATE TRIGGER {t}_ai AFTER INSERT ON "{e}" '
        f"WHEN new.deleted = 0 BEGIN {note('new', '0', 'NULL')} END",
        f'CREATE TRIGGER {t}_ad AFTER DELETE ON "{e}" '
        f"WHEN old.deleted = 0 BEGIN {note('old', '1', old_values)} END",
        f'CREATE TRIGGER {t}_au AFTER UPDATE OF {watched} ON "{e}" '
        f"WHEN (old.deleted = 0 OR new.deleted = 0) AND ({changed}) BEGIN "
        f"{note('old', 'old.deleted = 0', f'CASE WHEN old.deleted = 0 THEN {old_values} END')} "
        "END",
    ]


def list_catch_up_sql() -> list[str]:
    """Take the noted rows' old entries out of the list's index, put their current
    fields in (live rows only), empty their part of the queue."""
    t, e = LIST_INDEX, LIST_ENTITY
    cols = ", ".join(LIST_COLUMNS)
    news = ", ".join(f"r.{c}" for c in LIST_COLUMNS)
    olds = ", ".join(f"json_extract(d.old, '$[{i}]')" for i in range(len(LIST_COLUMNS)))
    return [
        f"INSERT INTO {t}({t}, rowid, {cols}) SELECT 'delete', d.row, {olds} "
        f"FROM {DIRTY_TABLE} AS d WHERE d.name = '{t}' AND d.indexed = 1",
        f"INSERT INTO {t}(rowid, {cols}) SELECT r.rowid, {news} "
        f'FROM "{e}" AS r WHERE r.rowid IN (SELECT row FROM {DIRTY_TABLE} '
        f"WHERE name = '{t}') AND r.deleted = 0",
        f"DELETE FROM {DIRTY_TABLE} WHERE name = '{t}'",
    ]
