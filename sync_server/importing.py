"""Reading customer files as offices write them: CSV with any usual delimiter, in UTF-8 (with
or without a byte-order mark) or Windows-1252, Excel workbooks (.xlsx), and column names of
their own (German or English, or mapped by the administrator)."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

#: The fields a customer file may fill, and ``owner`` (a user name).
IMPORT_FIELDS = (
    "number",
    "name",
    "street",
    "postal_code",
    "city",
    "country",
    "phone",
    "email",
    "status",
    "segment",
    "visit_cadence_days",
    "latitude",
    "longitude",
    "owner",
)

#: Column names recognised without a mapping: the field names, the English and German
#: column titles of FieldCRM's exports, and what office spreadsheets usually call them.
#: Compared after ``header_key`` (case, spaces and punctuation do not matter).
KNOWN_HEADERS: dict[str, tuple[str, ...]] = {
    "number": (
        "customer number",
        "customer no",
        "no",
        "nr",
        "kundennummer",
        "kunden nr",
        "kundennr",
        "nummer",
    ),
    "name": ("company", "customer", "customer name", "firma", "firmenname", "kunde", "kundenname"),
    "street": ("address", "street address", "strasse", "straße", "anschrift", "adresse"),
    "postal_code": ("postal code", "postcode", "zip", "zip code", "plz", "postleitzahl"),
    "city": ("town", "ort", "stadt", "wohnort"),
    "country": ("land", "staat"),
    "phone": ("telephone", "tel", "phone number", "telefon", "telefonnummer", "rufnummer"),
    "email": ("e-mail", "mail", "email address", "e-mail-adresse", "emailadresse"),
    "status": ("kundenstatus",),
    "segment": ("kundensegment", "klasse"),
    "visit_cadence_days": (
        "visit cadence",
        "visit cadence days",
        "visit cadence (days)",
        "cadence",
        "besuchsrhythmus",
        "besuchsrhythmus (tage)",
        "besuchsintervall",
    ),
    "latitude": ("lat", "breitengrad", "breite"),
    "longitude": ("lon", "lng", "längengrad", "laenge", "länge"),
    "owner": ("account manager", "sales rep", "rep", "betreuer", "verantwortlich", "vertreter"),
}
DELIMITERS = (",", ";", "\t", "|")


class ImportFileError(Exception):
    """The file cannot be read as a table; the message names the line where it can."""


def header_key(text: str) -> str:
    """``Kunden-Nr.`` and ``kunden nr`` alike: case folded, only letters and digits."""
    return re.sub(r"[\W_]+", "", text.casefold())


_ALIASES = {
    header_key(alias): name
    for name, aliases in KNOWN_HEADERS.items()
    for alias in (name, name.replace("_", " "), *aliases)
}


@dataclass
class Table:
    """A file's header and rows, each row with the line (or sheet row) it starts on."""

    header: list[str]
    rows: list[tuple[int, list[str]]] = field(default_factory=list)
    encoding: str | None = None
    delimiter: str | None = None


def parse_mapping(text: str) -> dict[str, str]:
    """``Firma=name,PLZ=postal_code`` (or one pair a line, as in a mapping file)."""
    mapping: dict[str, str] = {}
    for piece in re.split(r"[,\n]", text):
        part = piece.strip()
        if not part or part.startswith("#"):
            continue
        column, sep, target = part.partition("=")
        target = target.strip()
        if not sep or not column.strip() or not target:
            raise ImportFileError(f"{part!r} is not COLUMN=FIELD (e.g. Firma=name)")
        if target not in IMPORT_FIELDS:
            raise ImportFileError(
                f"{target!r} is not a customer field; choose one of {', '.join(IMPORT_FIELDS)}"
            )
        mapping[column.strip()] = target
    return mapping


def resolve_columns(
    header: list[str], mapping: Mapping[str, str]
) -> tuple[list[str | None], list[str]]:
    """The field of each column (``None`` for an unknown one) and the problems found."""
    by_key = {header_key(column): target for column, target in mapping.items()}
    fields: list[str | None] = []
    problems: list[str] = []
    seen: dict[str, str] = {}
    for column in header:
        key = header_key(column)
        target = mapping.get(column) or by_key.get(key) or _ALIASES.get(key)
        if target is None:
            problems.append(f"line 1: unknown column {column!r}")
        elif target in seen:
            problems.append(
                f"line 1: the columns {seen[target]!r} and {column!r} are both {target!r}"
            )
        else:
            seen[target] = column
        fields.append(target)
    if "name" not in seen:
        problems.append("line 1: no column gives the customer's name (map one with --map)")
    if problems:
        problems.append(
            "line 1: known columns are the fields "
            + ", ".join(IMPORT_FIELDS)
            + " and their usual English and German titles (Kundennummer, Firma, Straße, PLZ, "
            "Ort, ...); map others with --map COLUMN=FIELD"
        )
    return fields, problems


def read_table(path: Path, *, encoding: str | None = None, delimiter: str | None = None) -> Table:
    """Read a customer file: ``.xlsx`` with openpyxl, anything else as CSV."""
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return _read_xlsx(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ImportFileError(f"Cannot read {path}: {exc.strerror or exc}") from None
    if raw.startswith(b"PK\x03\x04"):
        return _read_xlsx(path)
    text, used = decode(raw, encoding)
    return parse_csv(text, delimiter, used)


def decode(raw: bytes, encoding: str | None = None) -> tuple[str, str]:
    """The text of a file and the encoding used: ``encoding`` if given; else UTF-8 (a
    byte-order mark is dropped) when the bytes are valid UTF-8, else Windows-1252."""
    if encoding:
        try:
            return raw.decode(encoding).removeprefix("\ufeff"), encoding
        except LookupError:
            raise ImportFileError(f"{encoding!r} is not an encoding Python knows") from None
        except UnicodeDecodeError as exc:
            line = raw[: exc.start].count(b"\n") + 1
            raise ImportFileError(
                f"line {line}: the file is not {encoding} (byte 0x{raw[exc.start]:02x}); "
                "leave --encoding out to detect it"
            ) from None
    try:
        return raw.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("cp1252"), "windows-1252"
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ImportFileError(
            f"line {line}: the file is neither UTF-8 nor Windows-1252; save it as CSV UTF-8 "
            "or name its encoding with --encoding"
        ) from None


def sniff_delimiter(first_line: str) -> str:
    """The delimiter the header line uses most (outside quotes); a comma when none."""
    outside = re.sub(r'"[^"]*"', "", first_line)
    counts = {d: outside.count(d) for d in DELIMITERS}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def parse_csv(text: str, delimiter: str | None = None, encoding: str | None = None) -> Table:
    first = text.split("\n", 1)[0]
    delimiter = delimiter or sniff_delimiter(first)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    table = Table(header=[], encoding=encoding, delimiter=delimiter)
    start = 1
    try:
        for record in reader:
            if not table.header:
                table.header = [cell.strip() for cell in record]
            elif any(cell.strip() for cell in record):
                table.rows.append((start, record))
            start = reader.line_num + 1
    except csv.Error as exc:
        what = str(exc)
        if "end of data" in what or "EOF" in what:
            what = 'a quote (") is opened here and never closed'
        raise ImportFileError(f"line {start}: {what}; nothing was imported") from None
    if not table.header:
        raise ImportFileError("The file is empty.")
    return table


def _read_xlsx(path: Path) -> Table:
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise ImportFileError(f"Cannot read {path} as an Excel workbook: {exc}") from None
    try:
        sheet = book.worksheets[0]
        table = Table(header=[])
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            cells = [_cell_text(v) for v in values]
            if not table.header:
                if any(cells):
                    table.header = [c.strip() for c in cells]
                    while table.header and not table.header[-1]:
                        table.header.pop()
                continue
            if any(c.strip() for c in cells):
                cells = cells[: len(table.header)] + [""] * (len(table.header) - len(cells))
                table.rows.append((number, cells))
    finally:
        book.close()
    if not table.header:
        raise ImportFileError(f"The first sheet of {path} is empty.")
    return table


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # Excel stores 20095 as 20095.0
    if isinstance(value, datetime):
        return (
            value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
        )
    if isinstance(value, date):
        return value.isoformat()
    return str(value)
