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
    add_desktop_arguments(parser, sub, common)
    return parser


def add_desktop_arguments(
    parser: argparse.ArgumentParser,
    sub: argparse._SubParsersAction[argparse.ArgumentParser],
    common: argparse.ArgumentParser,
) -> None:
    """The desktop app: no command opens it; ``demo``; ``--smoke-test``; setting flags."""
    parser.add_argument(
        "--smoke-test",
        action="store_true",
        help="build the main window offscreen on a temporary profile, print JSON, exit",
    )
    parser.add_argument("--server-url", default=None, help="sync server address (fixes it)")
    parser.add_argument(
        "--sync-interval", type=int, default=None, metavar="MINUTES", help="minutes between syncs"
    )
    parser.add_argument(
        "--language", choices=("en", "de"), default=None, help="user interface language"
    )
    sub.add_parser(
        "demo",
        parents=[common],
        help="start a local demo server, sign in as a demo rep and open the app",
    )


def desktop_flags(args: argparse.Namespace) -> dict[str, Any]:
    return {
        "server_url": getattr(args, "server_url", None),
        "sync_interval_minutes": getattr(args, "sync_interval", None),
        "language": getattr(args, "language", None),
    }


def cmd_app(args: argparse.Namespace) -> int:
    from fieldcrm.ui.app import run

    return run(args.profile, desktop_flags(args))


def cmd_smoke_test(args: argparse.Namespace) -> int:
    from fieldcrm.ui.app import print_smoke_test

    return print_smoke_test(desktop_flags(args))


def cmd_demo(args: argparse.Namespace) -> int:
    from fieldcrm.ui.demo import run_demo

    profile = args.profile if args.profile_given else default_demo_profile()
    return run_demo(profile)


def default_demo_profile() -> Path:
    from fieldcrm.profile import default_profile_dir

    return default_profile_dir().with_name("FieldCRM-demo")


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


COMMANDS = {"status": cmd_status, "demo": cmd_demo}


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    args.profile_given = hasattr(args, "profile")
    if not hasattr(args, "profile"):
        from fieldcrm.profile import default_profile_dir

        args.profile = default_profile_dir()
    if getattr(args, "smoke_test", False):
        return cmd_smoke_test(args)
    if args.command is None:
        return cmd_app(args)
    try:
        return COMMANDS[args.command](args)
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
