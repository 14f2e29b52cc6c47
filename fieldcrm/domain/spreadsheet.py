"""Cells for CSV files that spreadsheet programs open: text that would run as a formula is
neutralised (OWASP's advice on CSV injection), numbers are left as they are."""

from __future__ import annotations

import re
from typing import Any

#: A cell starting with one of these is taken for a formula by Excel, LibreOffice or Sheets.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"^[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][+-]?\d+)?$")


def safe_cell(value: Any) -> Any:
    """``value`` unchanged, unless it is text that a spreadsheet would run as a formula:
    then it gets a leading apostrophe, which makes the spreadsheet show it as text.
    Numbers, and text that is just a number (``-12,5``), stay as they are."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS) and not _NUMBER.match(value):
        return "'" + value
    return value
