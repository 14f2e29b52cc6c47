"""CSV and PDF exports of the manager reports, and the headless ``fieldcrm report`` command."""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from fieldcrm.reports import REPORTS, compute_report
from fieldcrm.reports.export import write_csv
from tests.helpers.report_area import NOVEMBER, Area

ROOT = Path(__file__).resolve().parents[2]


def fieldcrm(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "fieldcrm", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )


@pytest.mark.parametrize("name", list(REPORTS))
def test_csv_has_header_and_one_line_per_row(area: Area, name: str) -> None:
    with area.store.read() as conn:
        table = compute_report(conn, name, NOVEMBER)
    out = io.StringIO()
    write_csv(table, out)
    parsed = list(csv.reader(io.StringIO(out.getvalue())))
    assert parsed[0] == [c.title for c in table.columns]
    assert len(parsed) == 1 + len(table.rows)
    assert table.rows, "the known dataset has rows for every report"


def test_report_command_writes_csv(area: Area, tmp_path: Path) -> None:
    out = tmp_path / "overdue.csv"
    result = fieldcrm(
        "--profile",
        str(area.store.path.parent),
        "report",
        "overdue",
        "--from",
        "2026-11-01",
        "--to",
        "2026-11-30",
        "--format",
        "csv",
        "--output",
        str(out),
    )
    assert result.returncode == 0, result.stderr
    with out.open(encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f))
    assert [(r["Number"], r["Days over cadence"]) for r in rows] == [("C4", ""), ("C2", "46")]


def test_report_command_filters_by_territory_name(area: Area, tmp_path: Path) -> None:
    out = tmp_path / "weeks.csv"
    result = fieldcrm(
        "--profile",
        str(area.store.path.parent),
        "report",
        "visits_per_week",
        "--from",
        "2026-11-01",
        "--to",
        "2026-11-30",
        "--territory",
        "South",
        "--format",
        "csv",
        "--output",
        str(out),
    )
    assert result.returncode == 0, result.stderr
    with out.open(encoding="utf-8-sig") as f:
        assert {r["Rep"] for r in csv.DictReader(f)} == {"Ben Kraus"}


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="pdftoppm (poppler-utils) is missing")
def test_report_command_writes_pdf_that_renders(area: Area, tmp_path: Path) -> None:
    out = tmp_path / "area.pdf"
    result = fieldcrm(
        "--profile",
        str(area.store.path.parent),
        "report",
        "all",
        "--from",
        "2026-11-01",
        "--to",
        "2026-11-30",
        "--format",
        "pdf",
        "--output",
        str(out),
    )
    assert result.returncode == 0, result.stderr
    assert out.read_bytes().startswith(b"%PDF")
    subprocess.run(["pdftoppm", "-r", "60", "-png", str(out), str(tmp_path / "page")], check=True)
    pages = sorted(tmp_path.glob("page*.png"))
    assert len(pages) >= 2
    text = subprocess.run(
        ["pdftotext", "-layout", str(out), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert f"Page 1 of {len(pages)}" in text
    for expected in ("Period:", "Data as of:", "Overdue customers", "Customer C2", "Anna Berg"):
        assert expected in text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--from", "2026-11-30", "--to", "2026-11-01"], "ends before it starts"),
        (["--from", "2026-11-01", "--to", "2026-11-30", "--rep", "nobody"], "no rep named"),
    ],
)
def test_report_command_bad_input(
    area: Area, tmp_path: Path, args: list[str], message: str
) -> None:
    out = tmp_path / "x.csv"
    result = fieldcrm(
        "--profile",
        str(area.store.path.parent),
        "report",
        "coverage",
        *args,
        "--format",
        "csv",
        "--output",
        str(out),
    )
    assert result.returncode == 2
    assert message in result.stderr
    assert not out.exists()


def test_report_command_without_profile(tmp_path: Path) -> None:
    result = fieldcrm(
        "--profile",
        str(tmp_path / "none"),
        "report",
        "coverage",
        "--from",
        "2026-11-01",
        "--to",
        "2026-11-30",
        "--format",
        "csv",
        "--output",
        str(tmp_path / "x.csv"),
    )
    assert result.returncode == 2
    assert "log in and sync first" in result.stderr
