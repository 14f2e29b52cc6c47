"""The small area of the report tests, whose numbers are known by hand (see
tests/reports/test_report_numbers.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from fieldcrm.reports import ReportFilter
from fieldcrm.store import Store

NOVEMBER = ReportFilter(date(2026, 11, 1), date(2026, 11, 30))


@dataclass
class Area:
    store: Store
    ids: dict[str, str]
