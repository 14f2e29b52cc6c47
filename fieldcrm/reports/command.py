"""``fieldcrm report``: a manager report as CSV or PDF, without opening the app."""

from __future__ import annotations

import argparse
import os
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import sqlalchemy as sa

from fieldcrm.reports.compute import REPORTS, ReportFilter, ReportTable, compute_report
from fieldcrm.reports.export import save_csv

ALL = "all"


def add_parser(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    parser = sub.add_parser(
        "report", parents=[common], help="export a manager report as CSV or PDF"
    )
    parser.add_argument("name", choices=[*REPORTS, ALL], help="which report ('all' for PDF)")
    parser.add_argument(
        "--from",
        dest="date_from",
        required=True,
        type=date.fromisoformat,
        metavar="YYYY-MM-DD",
        help="first day of the period",
    )
    parser.add_argument(
        "--to",
        dest="date_to",
        required=True,
        type=date.fromisoformat,
        metavar="YYYY-MM-DD",
        help="last day of the period",
    )
    parser.add_argument(
        "--territory",
        action="append",
        default=[],
        metavar="T",
        help="territory name or id (repeatable)",
    )
    parser.add_argument(
        "--rep", action="append", default=[], metavar="R", help="rep user name or id (repeatable)"
    )
    parser.add_argument("--format", choices=("csv", "pdf"), required=True)
    parser.add_argument("--output", type=Path, required=True, metavar="FILE")


def _resolve(
    conn: sa.Connection, table: str, name_column: str, wanted: list[str], what: str
) -> tuple[str, ...]:
    ids: list[str] = []
    for value in wanted:
        found = conn.scalar(
            sa.text(
                f'SELECT id FROM "{table}" WHERE deleted = 0 AND (id = :v OR {name_column} = :v)'
            ),
            {"v": value},
        )
        if found is None:
            raise LookupError(f"no {what} named {value!r} on this laptop")
        ids.append(found)
    return tuple(ids)


def run(args: argparse.Namespace) -> int:
    from fieldcrm.profile import database_path
    from fieldcrm.store import Store

    db = database_path(args.profile)
    if not db.exists():
        print(f"fieldcrm: no profile at {args.profile}; log in and sync first", file=sys.stderr)
        return 2
    if args.format == "csv" and args.name == ALL:
        print(
            "fieldcrm: CSV holds one report; name it (or use --format pdf for all)", file=sys.stderr
        )
        return 2
    store = Store(db)
    try:
        with store.read() as conn:
            try:
                flt = ReportFilter(
                    args.date_from,
                    args.date_to,
                    _resolve(conn, "territory", "name", args.territory, "territory"),
                    _resolve(conn, "user", "username", args.rep, "rep"),
                )
            except (LookupError, ValueError) as exc:
                print(f"fieldcrm: {exc}", file=sys.stderr)
                return 2
            names = list(REPORTS) if args.name == ALL else [args.name]
            tables = [compute_report(conn, name, flt) for name in names]
        last_sync = store.meta("last_sync_at")
    finally:
        store.close()
    args.output.parent.mkdir(parents=True, exist_ok=True)
    if args.format == "csv":
        save_csv(tables[0], args.output)
    else:
        filters = [f"territory {t}" for t in args.territory] + [f"rep {r}" for r in args.rep]
        pages = _write_pdf(args.output, tables, flt, filters, last_sync)
        print(f"{args.output}: {pages} page(s)", file=sys.stderr)
    return 0


def _write_pdf(
    path: Path,
    tables: list[ReportTable],
    flt: ReportFilter,
    filters: list[str],
    last_sync: str | None,
) -> int:
    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from fieldcrm.ui.report_charts import translate_title
    from fieldcrm.ui.report_pdf import ReportHeader, write_report_pdf

    app = QApplication.instance() or QApplication([])
    title = "FieldCRM – " + (
        translate_title(tables[0].title) if len(tables) == 1 else "Area report"
    )
    header = ReportHeader(
        title=title,
        date_from=flt.date_from,
        date_to=flt.date_to,
        filters=filters,
        generated_at=datetime.now(UTC),
        data_as_of=datetime.fromisoformat(last_sync.replace("Z", "+00:00")) if last_sync else None,
    )
    pages = write_report_pdf(path, header, tables)
    del app
    return pages
