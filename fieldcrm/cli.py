"""The ``fieldcrm`` command: status and maintenance of a local profile from a terminal."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from fieldcrm import __version__


def _common() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--profile",
        type=Path,
        default=argparse.SUPPRESS,
        help="profile folder (default: the platform's user data folder)",
    )
    return common


def build_parser() -> argparse.ArgumentParser:
    common = _common()
    parser = argparse.ArgumentParser(
        prog="fieldcrm",
        description="FieldCRM, the offline-first CRM for field sales.",
        parents=[common],
    )
    parser.add_argument("--version", action="version", version=f"FieldCRM {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    status = sub.add_parser("status", parents=[common], help="show the state of the local store")
    status.add_argument("--json", action="store_true", help="print JSON")
    from fieldcrm.reports import command as report_command

    report_command.add_parser(sub, common)
    return parser


def status_report(profile: Path) -> dict[str, Any]:
    from fieldcrm.profile import database_path, ensure_profile
    from fieldcrm.store import Store
    from fieldcrm.store.db import current_revision

    store = Store(database_path(ensure_profile(profile)))
    try:
        return {
            "version": __version__,
            "profile": str(profile),
            "schema_revision": current_revision(store.engine),
            "device_id": store.device_id,
            "counts": store.counts(),
            "pending": store.pending_count(),
            "last_sync": store.meta("last_sync_at"),
        }
    finally:
        store.close()


def cmd_status(args: argparse.Namespace) -> int:
    report = status_report(args.profile)
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print(f"Profile:        {report['profile']}")
        print(f"Schema:         {report['schema_revision']}")
        print(f"Device:         {report['device_id']}")
        print(f"Pending:        {report['pending']}")
        print(f"Last sync:      {report['last_sync'] or 'never'}")
        for entity, count in report["counts"].items():
            print(f"  {entity + ':':<14}{count}")
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from fieldcrm.reports import command as report_command

    return report_command.run(args)


COMMANDS = {"status": cmd_status, "report": cmd_report}


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not hasattr(args, "profile"):
        from fieldcrm.profile import default_profile_dir

        args.profile = default_profile_dir()
    if args.command is None:
        parser.print_help()
        return 2
    try:
        return COMMANDS[args.command](args)
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
