"""CSV export of report tables: one header row of column titles, then one row per line."""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path
from typing import IO

from fieldcrm.domain.spreadsheet import safe_cell
from fieldcrm.reports.compute import ReportTable


def write_csv(
    table: ReportTable, out: IO[str], title: Callable[[str], str] = lambda text: text
) -> None:
    """Write ``table`` as CSV; ``title`` translates the column titles. Text a spreadsheet
    would run as a formula (a customer named ``=HYPERLINK(...)``) is neutralised."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([title(column.title) for column in table.columns])
    for row in table.rows:
        writer.writerow(
            ["" if row.get(key) is None else safe_cell(row[key]) for key in table.column_keys()]
        )


def save_csv(table: ReportTable, path: Path) -> None:
    # utf-8-sig so that spreadsheet programs recognise umlauts in names.
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        write_csv(table, out)
