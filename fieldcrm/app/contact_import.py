"""Contacts from files: a CSV table or vCards (``.vcf``) read into a preview, line by line,
each with what is wrong with it; then the good lines imported into one customer.

Nothing is written while previewing. A line is refused with its reasons (no last name,
an e-mail address that is not one, a value too long: the domain's own checks) and the
others still import; a line like a contact the customer has already is marked, and left
out unless the user takes it.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fieldcrm.app.changes import Changes
from fieldcrm.app.duplicates import contact_candidates
from fieldcrm.domain.validation import FieldError, ValidationError, validate_record
from fieldcrm.store import Store

FIELDS = ("first_name", "last_name", "job_title", "phone", "mobile", "email")
#: Column titles a CSV may use for each field (compared folded: case, spaces, dashes).
HEADERS: dict[str, tuple[str, ...]] = {
    "first_name": ("first name", "firstname", "given name", "vorname"),
    "last_name": ("last name", "lastname", "surname", "family name", "nachname", "name"),
    "job_title": ("job title", "title", "position", "role", "funktion", "titel", "abteilung"),
    "phone": ("phone", "telephone", "work phone", "business phone", "telefon", "tel"),
    "mobile": ("mobile", "mobile phone", "cell", "cell phone", "mobil", "handy", "mobiltelefon"),
    "email": ("email", "e mail", "e mail address", "email address", "mail", "e-mail"),
}
#: The most bytes a contacts file may have (a few thousand contacts).
MAX_BYTES = 5 * 1024 * 1024


class ImportFileError(ValueError):
    """The file cannot be read as contacts at all: ``code`` says why (the message in
    English): ``too_large``, ``no_last_name_column``, ``empty``, ``no_contacts``,
    ``no_vcard``, ``bad_vcard``."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(slots=True)
class ImportLine:
    """One contact of the file: where it was, its values, and what is wrong with it."""

    line: int
    values: dict[str, Any]
    errors: list[FieldError] = field(default_factory=list)
    #: The name of a contact of the customer this one looks like ("" when none).
    duplicate_of: str = ""

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass(slots=True)
class ImportPreview:
    lines: list[ImportLine]
    #: Columns of a CSV that were not used (not known), to say so.
    ignored_columns: list[str] = field(default_factory=list)

    @property
    def importable(self) -> list[ImportLine]:
        return [line for line in self.lines if line.ok]


def _norm(header: str) -> str:
    return " ".join(header.strip().lower().replace("-", " ").replace("_", " ").split())


def _column_map(headers: list[str]) -> tuple[dict[int, str], list[str]]:
    by_header = {alias: name for name, aliases in HEADERS.items() for alias in aliases}
    mapping: dict[int, str] = {}
    ignored = []
    for i, header in enumerate(headers):
        name = by_header.get(_norm(header)) or (_norm(header) if _norm(header) in FIELDS else None)
        if name and name not in mapping.values():
            mapping[i] = name
        elif header.strip():
            ignored.append(header.strip())
    if "last_name" not in mapping.values():
        raise ImportFileError(
            "no_last_name_column",
            "no column for the last name (e.g. 'Last name' or 'Nachname') in the first line",
        )
    return mapping, ignored


def _decode(data: bytes) -> str:
    if len(data) > MAX_BYTES:
        raise ImportFileError(
            "too_large", f"the file is larger than {MAX_BYTES // (1024 * 1024)} MB"
        )
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportFileError("bad_text", "the file is not text")  # pragma: no cover


def read_csv(text: str) -> tuple[list[tuple[int, dict[str, Any]]], list[str]]:
    """(line number, values) per data line of a CSV with a header line; ; or , or tab."""
    try:
        dialect: Any = csv.Sniffer().sniff(text[:4096], delimiters=";,\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    try:
        headers = next(reader)
    except StopIteration:
        raise ImportFileError("empty", "the file is empty") from None
    mapping, ignored = _column_map(headers)
    rows = []
    for values in reader:
        if not any(v.strip() for v in values):
            continue
        row = {name: (values[i].strip() if i < len(values) else "") for i, name in mapping.items()}
        rows.append((reader.line_num, {k: v for k, v in row.items() if v}))
    return rows, ignored


def read_vcards(text: str) -> list[tuple[int, dict[str, Any]]]:
    """(card number, values) per vCard."""
    import vobject  # loaded only when a vCard file is read

    cards = []
    try:
        for number, card in enumerate(vobject.readComponents(text, ignoreUnreadable=True), 1):
            cards.append((number, _card_values(card)))
    except Exception as exc:  # vobject raises its own parse errors
        raise ImportFileError("bad_vcard", f"not a readable vCard file ({exc})") from None
    if not cards:
        raise ImportFileError("no_vcard", "no vCard (BEGIN:VCARD … END:VCARD) in the file")
    return cards


def _card_values(card: Any) -> dict[str, Any]:
    values: dict[str, Any] = {}
    contents = card.contents
    if "n" in contents:
        name = contents["n"][0].value
        values["last_name"] = str(name.family or "").strip()
        values["first_name"] = str(name.given or "").strip()
    if not values.get("last_name") and "fn" in contents:
        parts = str(contents["fn"][0].value).strip().rsplit(" ", 1)
        values["last_name"] = parts[-1]
        if len(parts) == 2:
            values["first_name"] = parts[0]
    if "title" in contents:
        values["job_title"] = str(contents["title"][0].value).strip()
    for tel in contents.get("tel", []):
        types = {str(t).lower() for t in tel.params.get("TYPE", [])}
        key = "mobile" if types & {"cell", "mobile"} else "phone"
        values.setdefault(key, str(tel.value).strip())
    if "email" in contents:
        values["email"] = str(contents["email"][0].value).strip()
    return {k: v for k, v in values.items() if v}


def preview_contacts(store: Store, customer_id: str, filename: str, data: bytes) -> ImportPreview:
    """Read ``data`` (a ``.vcf`` file by its name, else CSV) into a checked preview."""
    text = _decode(data)
    is_vcard = Path(filename).suffix.lower() in (".vcf", ".vcard")
    is_vcard = is_vcard or text.lstrip().upper().startswith("BEGIN:VCARD")
    ignored: list[str] = []
    if is_vcard:
        rows = read_vcards(text)
    else:
        rows, ignored = read_csv(text)
    if not rows:
        raise ImportFileError("no_contacts", "the file holds no contacts")
    lines = [_checked(store, customer_id, line, values) for line, values in rows]
    _mark_repeats(lines)
    return ImportPreview(lines, ignored)


def _checked(store: Store, customer_id: str, line: int, values: dict[str, Any]) -> ImportLine:
    item = ImportLine(line, values)
    try:
        validate_record("contact", {**values, "customer_id": customer_id})
    except ValidationError as exc:
        item.errors = [e for e in exc.errors if e.field != "customer_id"]
    if item.ok:
        found = contact_candidates(store, customer_id, values)
        same = [c for c in found if c.customer_id == customer_id]
        if same:
            item.duplicate_of = same[0].name
    return item


def _mark_repeats(lines: Iterable[ImportLine]) -> None:
    """A contact twice in the file: the second is marked like a known one."""
    seen: dict[tuple[str, str, str], int] = {}
    for item in lines:
        key = (
            str(item.values.get("first_name", "")).lower(),
            str(item.values.get("last_name", "")).lower(),
            str(item.values.get("email", "")).lower(),
        )
        if item.ok and key in seen and not item.duplicate_of:
            item.duplicate_of = f"line {seen[key]}"
        seen.setdefault(key, item.line)


def import_contacts(
    store: Store,
    customer_id: str,
    lines: Iterable[ImportLine],
    *,
    include_duplicates: bool = False,
) -> Changes:
    """Create the good lines' contacts in one transaction (all or none)."""
    chosen = [i for i in lines if i.ok and (include_duplicates or not i.duplicate_of)]
    with store.write() as uow:
        for item in chosen:
            uow.create("contact", {**item.values, "customer_id": customer_id})
    return Changes.of("contact")


def imported_count(lines: Iterable[ImportLine], include_duplicates: bool) -> int:
    return sum(1 for i in lines if i.ok and (include_duplicates or not i.duplicate_of))


def field_of(values: Mapping[str, Any], name: str) -> str:
    return str(values.get(name) or "")
