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

Triggers keep the indexes in step with every writer, in plain SQL (no Python function
on the connection). A first sync sets the triggers aside and refills the indexes in one
statement each (``refill_sql``, called by ``replica.end_bulk_load``).
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


def create_sql(index: TextIndex) -> list[str]:
    """The FTS5 table and the three triggers that keep it in step."""
    t, e = index.table, index.entity
    watched = ", ".join((*index.columns, "deleted"))
    return [
        f"CREATE VIRTUAL TABLE {t} USING fts5(body, content='', {index.options})",
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


def drop_sql(index: TextIndex) -> list[str]:
    t = index.table
    return [
        *(f"DROP TRIGGER IF EXISTS {t}_{suffix}" for suffix in ("ai", "ad", "au")),
        f"DROP TABLE IF EXISTS {t}",
    ]


def refill_sql(index: TextIndex) -> list[str]:
    """Empty the index and fill it from the table's live rows, set-based."""
    t = index.table
    return [
        f"INSERT INTO {t}({t}) VALUES ('delete-all')",
        f'INSERT INTO {t}(rowid, body) SELECT r.rowid, {index.body_sql("r")} FROM "{index.entity}" '
        "AS r WHERE r.deleted = 0",
    ]
