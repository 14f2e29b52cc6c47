"""``fieldcrm calendar``: export planned visits as iCalendar, or make the private
subscription address that calendar programs follow."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path
from typing import Any


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def add_parser(sub: Any, common: argparse.ArgumentParser) -> None:
    cal = sub.add_parser(
        "calendar",
        help="planned visits for Outlook, Google Calendar, Thunderbird",
        description="Export planned visits as an iCalendar file, or make the private "
        "address a calendar program subscribes to.",
    )
    actions = cal.add_subparsers(dest="action", required=True, metavar="ACTION")
    export = actions.add_parser(
        "export",
        parents=[common],
        help="write your planned visits to an .ics file",
        description="Write your planned visits (from --from to --to, both included; from "
        "today on without --from) to an .ics file. Importing it again updates the events "
        "instead of doubling them.",
    )
    export.add_argument("--from", dest="first", type=_day, metavar="DATE", help="first day")
    export.add_argument("--to", dest="last", type=_day, metavar="DATE", help="last day")
    export.add_argument("--output", type=Path, required=True, metavar="FILE.ics")
    export.add_argument("--timezone", help="IANA time zone of the times (default: this computer's)")
    subscribe = actions.add_parser(
        "subscribe",
        parents=[common],
        help="print a new private subscription address (an earlier one stops working)",
    )
    subscribe.add_argument(
        "--timezone", help="IANA time zone of the times (default: this computer's)"
    )
    actions.add_parser("unsubscribe", parents=[common], help="end the private subscription address")


def run(args: argparse.Namespace, open_store: Any) -> int:
    from fieldcrm.app.calendar import export_calendar, local_zone_name
    from fieldcrm.store import replica

    zone_name = getattr(args, "timezone", None) or local_zone_name()
    store = open_store(args.profile)
    try:
        user_id = store.meta(replica.USER_ID_KEY)
        if args.action == "export":
            if not user_id:
                return _fail("this profile has no signed-in user yet; run `fieldcrm login`", 3)
            first = args.first if args.first or args.last else date.today()
            try:
                data, count = export_calendar(store, user_id, first, args.last, zone_name)
            except ValueError as exc:
                return _fail(str(exc), 2)
            args.output.write_bytes(data)
            print(f"{count} planned visits written to {args.output} (times in {zone_name}).")
            print(f"fieldcrm: {args.output} is not encrypted; keep it safe.", file=sys.stderr)
            return 0
        return _subscription(args, store, zone_name)
    finally:
        store.close()


def _subscription(args: argparse.Namespace, store: Any, zone_name: str) -> int:
    from fieldcrm.cli import _exit_code_for
    from fieldcrm.sync import SyncError, open_client

    try:
        with open_client(store, max_attempts=3) as client:
            if args.action == "unsubscribe":
                client.revoke_calendar_subscription()
                print("The calendar subscription address no longer works.")
                return 0
            url = client.calendar_subscription(zone_name)
    except SyncError as exc:
        return _fail(exc.message, _exit_code_for(exc))
    print("Subscribe to this private address in your calendar program (keep it to yourself;")
    print("any earlier address stops working):")
    print(url)
    return 0


def _fail(message: str, code: int) -> int:
    print(f"fieldcrm: {message}", file=sys.stderr)
    return code
