"""``fieldcrm report``: a manager report as CSV or PDF, without opening the app."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path

from fieldcrm.reports.compute import REPORTS, ReportFilter, ReportTable
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


#: Writes the PDF of ``tables`` (title, period, the filters in words, when the data was
#: last synced) and returns its page count; the desktop's PDF writer, passed in by the CLI
#: so that this package needs no Qt.
PdfWriter = Callable[[Path, list[ReportTable], ReportFilter, list[str], str | None], int]


def run(args: argparse.Namespace, write_pdf: PdfWriter) -> int:
    from fieldcrm.app.reports import data_as_of, ids_by_name, run_reports
    from fieldcrm.profile import database_path
    from fieldcrm.store.encryption import open_profile_store
    from fieldcrm.store.keys import terminal_password

    db = database_path(args.profile)
    if not db.exists():
        print(f"fieldcrm: no profile at {args.profile}; log in and sync first", file=sys.stderr)
        return 2
    if args.format == "csv" and args.name == ALL:
        print(
            "fieldcrm: CSV holds one report; name it (or use --format pdf for all)", file=sys.stderr
        )
        return 2
    store = open_profile_store(db, terminal_password)
    try:
        try:
            flt = ReportFilter(
                args.date_from,
                args.date_to,
                ids_by_name(store, "territory", args.territory),
                ids_by_name(store, "rep", args.rep),
            )
        except (LookupError, ValueError) as exc:
            print(f"fieldcrm: {exc}", file=sys.stderr)
            return 2
        names = list(REPORTS) if args.name == ALL else [args.name]
        tables = run_reports(store, names, flt)
        last_sync = data_as_of(store)
    finally:
        store.close()
    args.output.parent.mkdir(parents=True, exist_ok=True)
    if args.format == "csv":
        save_csv(tables[0], args.output)
    else:
        filters = [f"territory {t}" for t in args.territory] + [f"rep {r}" for r in args.rep]
        pages = write_pdf(args.output, tables, flt, filters, last_sync)
        print(f"{args.output}: {pages} page(s)", file=sys.stderr)
    print(f"fieldcrm: {args.output} is not encrypted; keep it safe.", file=sys.stderr)
    return 0
