"""The ``fieldcrm`` command: status, login, sync, export of a local profile from a terminal."""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fieldcrm import __version__
from fieldcrm.protocol import ENTITY_NAMES

if TYPE_CHECKING:
    from fieldcrm.store import Store
    from fieldcrm.sync import SyncProgress


def _common() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--profile",
        type=Path,
        default=argparse.SUPPRESS,
        help="profile folder (default: the platform's user data folder)",
    )
    return common


EXIT_INCOMPLETE = 1
EXIT_USAGE = 2
EXIT_AUTH = 3
EXIT_UNREACHABLE = 4
EXIT_REVOKED = 5
EXIT_PROTOCOL = 6
EXIT_LOCKED = 7

EXIT_CODES_HELP = """exit status:
  0  done            1  sync incomplete or changes refused (see the message)
  2  wrong usage
  3  login needed or failed   4  server unreachable   5  access revoked
  6  client and server versions do not fit
  7  the local data cannot be opened (wrong password, keyring locked or gone)"""


def build_parser() -> argparse.ArgumentParser:
    common = _common()
    parser = argparse.ArgumentParser(
        prog="fieldcrm",
        description="FieldCRM, the offline-first CRM for field sales.",
        parents=[common],
        epilog=EXIT_CODES_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"FieldCRM {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    status = sub.add_parser("status", parents=[common], help="show the state of the local store")
    status.add_argument("--json", action="store_true", help="print JSON")

    login = sub.add_parser(
        "login",
        parents=[common],
        help="log this laptop in to a sync server",
        description="Log in to a sync server. The password is asked for at the terminal, "
        "or read from the first line of standard input when that is not a terminal.",
    )
    login.add_argument("--server", help="server address, e.g. https://crm.example.com")
    login.add_argument("--user", required=True, help="user name")
    login.add_argument(
        "--allow-http",
        action="store_true",
        help="allow plain http:// to another computer (the password travels unencrypted)",
    )

    sync = sub.add_parser(
        "sync",
        parents=[common],
        help="push local changes and pull the server's",
        description="Push local changes and pull the server's. Progress goes to standard "
        "error, a summary to standard output. Exit status 0 only when everything was pushed "
        "and pulled.",
        epilog=EXIT_CODES_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sync.add_argument("--json", action="store_true", help="print the summary as JSON")
    sync.add_argument("--quiet", action="store_true", help="no progress on standard error")
    sync.add_argument(
        "--full",
        action="store_true",
        help="pull and compare everything with the server now, even if the server would "
        "answer that nothing changed (done by itself every 10 minutes)",
    )

    sub.add_parser("logout", parents=[common], help="end this laptop's session with the server")

    export = sub.add_parser(
        "export",
        parents=[common],
        help="export every record visible on this laptop",
        description="Export every record visible on this laptop as JSON (one document) or "
        "CSV (one file per entity in the --output folder, or one entity to standard output).",
    )
    export.add_argument("--format", choices=("json", "csv"), default="json")
    export.add_argument("--output", type=Path, help="file (json) or folder (csv)")
    export.add_argument(
        "--entity", action="append", choices=ENTITY_NAMES, help="only this entity (repeatable)"
    )
    add_desktop_arguments(parser, sub, common)
    from fieldcrm.reports import command as report_command

    report_command.add_parser(sub, common)
    from fieldcrm import attachment_cli

    attachment_cli.add_parser(sub, common)
    from fieldcrm.app import command as corrections_command

    corrections_command.add_parsers(sub, common)
    from fieldcrm.app import bulletin_command

    bulletin_command.add_parser(sub, common)
    bulletin_command.add_shelf_parser(sub, common)
    from fieldcrm import calendar_command

    calendar_command.add_parser(sub, common)
    from fieldcrm.app import search_command

    search_command.add_parser(sub, common)
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


def _open_store(profile: Path, password: str | None = None) -> Store:
    """The profile's encrypted store. Where its key comes from the password, the password
    is ``password`` when given (login), else asked at the terminal or read from the first
    line of standard input."""
    from fieldcrm.profile import database_path, ensure_profile
    from fieldcrm.store.encryption import open_profile_store
    from fieldcrm.sync.wipe import WIPED_NOTICE, finish_interrupted_wipe

    if finish_interrupted_wipe(ensure_profile(profile), timeout=10):
        print(f"fieldcrm: {WIPED_NOTICE}", file=sys.stderr)

    def ask() -> str:
        return password if password is not None else _read_password(None)

    return open_profile_store(database_path(ensure_profile(profile)), ask)


def status_report(profile: Path) -> dict[str, Any]:
    from fieldcrm.store import replica
    from fieldcrm.store.db import current_revision
    from fieldcrm.store.encryption import cipher_version

    store = _open_store(profile)
    try:
        with store.read() as conn:
            rejected = replica.rejected_changes(conn)
            conflicts = replica.unresolved_conflict_count(conn)
            user = replica.get_meta(conn, replica.USERNAME_KEY)
            server_url = replica.get_meta(conn, replica.SERVER_URL_KEY)
            last_sync = replica.get_meta(conn, replica.LAST_SYNC_KEY)
            reused_at = replica.get_meta(conn, replica.DEVICE_REUSED_AT_KEY)
            previous_device = replica.get_meta(conn, replica.PREVIOUS_DEVICE_KEY)
        return {
            "version": __version__,
            "profile": str(profile),
            "schema_revision": current_revision(store.engine),
            "encrypted": store.encrypted,
            "cipher_version": cipher_version(store),
            "device_id": store.device_id,
            "device_reused_at": reused_at,
            "previous_device_id": previous_device,
            "counts": store.counts(),
            "pending": store.pending_count(),
            "last_sync": last_sync,
            "server_url": server_url,
            "user": user,
            "conflicts": conflicts,
            "rejected": len(rejected),
            "rejected_changes": [
                {
                    "op_no": r["op_no"],
                    "entity": r["entity"],
                    "row_id": r["row_id"],
                    "op": r["op"],
                    "field": r["field"],
                    "reason": r["reason"],
                    "rejected_at": r["rejected_at"],
                    "fields": r["fields"],
                }
                for r in rejected
            ],
        }
    finally:
        store.close()


#: What a person is told when this profile had to take a new device identity.
DEVICE_REUSED_NOTICE = (
    "This profile had been restored from a backup or copied from another computer, so it "
    "took a new device identity; its changes were sent again and nothing was lost."
)


def cmd_status(args: argparse.Namespace) -> int:
    report = status_report(args.profile)
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print(f"Profile:        {report['profile']}")
        print(f"Schema:         {report['schema_revision']}")
        encrypted = f"yes (SQLCipher {report['cipher_version']})" if report["encrypted"] else "no"
        print(f"Encrypted:      {encrypted}")
        print(f"Device:         {report['device_id']}")
        if report["device_reused_at"]:
            print(
                f"                new identity since {report['device_reused_at']} (was "
                f"{report['previous_device_id']}): {DEVICE_REUSED_NOTICE}"
            )
        print(f"Server:         {report['server_url'] or 'none'}")
        print(f"User:           {report['user'] or 'not logged in'}")
        print(f"Pending:        {report['pending']}")
        print(f"Conflicts:      {report['conflicts']}")
        print(f"Rejected:       {report['rejected']}")
        print(f"Last sync:      {report['last_sync'] or 'never'}")
        for entity, count in report["counts"].items():
            print(f"  {entity + ':':<14}{count}")
        for change in report["rejected_changes"]:
            about = f" ({change['field']})" if change["field"] else ""
            print(
                f"Rejected {change['op']} of {change['entity']} {change['row_id']}{about}: "
                f"{change['reason']}"
            )
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from fieldcrm.reports import command as report_command

    def write_pdf(*pdf_args: Any) -> int:
        # Qt is loaded only for a PDF: a CSV needs none of it.
        from fieldcrm.ui.report_pdf import write_pdf_file

        return write_pdf_file(*pdf_args)

    return report_command.run(args, write_pdf)


def cmd_attachment(args: argparse.Namespace) -> int:
    from fieldcrm import attachment_cli

    return attachment_cli.run(args)


def cmd_corrections(args: argparse.Namespace) -> int:
    from fieldcrm.app import command as corrections_command

    store = _open_store(args.profile)
    try:
        return corrections_command.run(args, store)
    finally:
        store.close()


def cmd_bulletin(args: argparse.Namespace) -> int:
    from fieldcrm.app import bulletin_command

    return bulletin_command.run(args)


def cmd_calendar(args: argparse.Namespace) -> int:
    from fieldcrm import calendar_command

    return calendar_command.run(args, _open_store)


def cmd_search(args: argparse.Namespace) -> int:
    from fieldcrm.app import search_command

    return search_command.run(args, _open_store)


def _fail(message: str, code: int) -> int:
    print(f"fieldcrm: {message}", file=sys.stderr)
    return code


def _exit_code_for(exc: Exception) -> int:
    from fieldcrm.sync import errors

    if isinstance(exc, errors.AccessRevoked):
        return EXIT_REVOKED
    if isinstance(exc, errors.ProtocolMismatch):
        return EXIT_PROTOCOL
    if isinstance(exc, errors.ServerUnreachable):
        return EXIT_UNREACHABLE
    if isinstance(
        exc,
        errors.NotLoggedIn | errors.LoginFailed | errors.LoginRequired | errors.TooManyAttempts,
    ):
        return EXIT_AUTH
    return EXIT_INCOMPLETE


def _read_password(user: str | None) -> str:
    """A password from the terminal, or the first line of standard input when that is not
    a terminal (``user`` None: the password of this profile's local data)."""
    from fieldcrm.store.keys import terminal_password

    if user is None:
        return terminal_password()
    return terminal_password(f"Password for {user}: ")


def cmd_login(args: argparse.Namespace) -> int:
    from fieldcrm.store import replica
    from fieldcrm.sync import SyncError, login

    password = _read_password(args.user)
    if not password:
        return _fail("no password given (type it, or pipe it on standard input)", EXIT_USAGE)
    store = _open_store(args.profile, password)
    try:
        server = args.server or store.meta(replica.SERVER_URL_KEY)
        if not server:
            return _fail("no server given; use --server URL", EXIT_USAGE)
        try:
            user = login(store, server, args.user, password, allow_http=args.allow_http)
        except ValueError as exc:
            return _fail(str(exc), EXIT_USAGE)
        except SyncError as exc:
            return _fail(exc.message, _exit_code_for(exc))
        print(f"Logged in to {server} as {user.display_name or user.username} ({user.role}).")
        print("Run `fieldcrm sync` to fetch your data.")
        return 0
    finally:
        store.close()


def cmd_logout(args: argparse.Namespace) -> int:
    from fieldcrm.sync import logout

    store = _open_store(args.profile)
    try:
        told = logout(store)
        pending = store.pending_count()
    finally:
        store.close()
    if told:
        print("Logged out.")
    else:
        print("Logged out on this laptop (the server was not reachable or had no session).")
    if pending:
        print(f"{pending} changes wait on this laptop and are sent after the next login.")
    return 0


class _ProgressPrinter:
    """Progress of a sync on standard error: one line per phase, then a line now and then."""

    def __init__(self, stream: Any) -> None:
        self.stream = stream
        self.phase = ""
        self.last = 0.0

    def __call__(self, progress: SyncProgress) -> None:
        import time

        now = time.monotonic()
        if progress.phase == self.phase and now - self.last < 1.0:
            return
        self.phase, self.last = progress.phase, now
        total = f"/{progress.total}" if progress.total else ""
        print(f"{progress.phase}: {progress.done}{total}", file=self.stream, flush=True)


def cmd_sync(args: argparse.Namespace) -> int:
    from fieldcrm.sync import SyncEngine, SyncError, open_client

    store = _open_store(args.profile)
    try:
        try:
            client = open_client(store, max_attempts=4)
        except SyncError as exc:
            return _fail(exc.message, _exit_code_for(exc))
        progress = None if args.quiet else _ProgressPrinter(sys.stderr)
        # Tuning knobs (also used by tests to get many small pages).
        page_limit = os.environ.get("FIELDCRM_SYNC_PAGE_LIMIT", "")
        push_batch = os.environ.get("FIELDCRM_SYNC_PUSH_BATCH", "")
        from fieldcrm.sync.files import FileSync, file_policy

        files = FileSync(store, client, file_policy())
        engine = SyncEngine(store, client, progress, raise_errors=False, files=files)
        if args.full:
            engine.full_check_ms = 0
        if page_limit.isdigit():
            engine.page_limit = max(1, int(page_limit))
        if push_batch.isdigit():
            engine.push_batch = max(1, int(push_batch))
        try:
            with client:
                result = engine.sync()
        except SyncError as exc:
            return _fail(exc.message, _exit_code_for(exc))
        if result.wiped:
            from fieldcrm.sync.wipe import WIPED_NOTICE

            if args.json:
                print(json.dumps({"ok": True, "wiped": True, "pushed": result.pushed}))
            else:
                print(WIPED_NOTICE)
            return 0
        summary = {
            "ok": result.ok,
            "pushed": result.pushed,
            "pulled": result.pulled,
            "deleted": result.deleted,
            "conflicts": result.conflicts,
            "rejected": result.rejected,
            "evicted": result.evicted,
            "evicted_edits": result.evicted_edits,
            "full_resync": result.full_resync,
            "repaired": result.repaired,
            "device_reused": result.device_reused,
            "scope_change": None
            if result.scope_change is None
            else {
                "territory_before": result.scope_change.territory_before,
                "territory_after": result.scope_change.territory_after,
                "role_before": result.scope_change.role_before,
                "role_after": result.scope_change.role_after,
                "removed": result.scope_change.removed,
                "added": result.scope_change.added,
                "message": result.scope_change.describe(),
            },
            "pending": result.pending,
            "errors": result.errors,
            "seconds": round(result.seconds, 3),
            "files": None if result.files is None else dataclasses.asdict(result.files),
        }
        if args.json:
            print(json.dumps(summary, indent=2))
        else:
            print(
                f"Pushed {result.pushed}, pulled {result.pulled}, conflicts {result.conflicts}, "
                f"rejected {result.rejected}, evicted {result.evicted}, "
                f"pending {result.pending} ({result.seconds:.1f} s)."
            )
            if result.files is not None:
                print(result.files.describe())
            if result.scope_change is not None:
                print(result.scope_change.describe())
            if result.device_reused:
                print(DEVICE_REUSED_NOTICE)
            if result.rejected or result.evicted_edits:
                print("Some changes were not accepted; see `fieldcrm status` for the reasons.")
        for error in result.errors:
            print(f"fieldcrm: {error}", file=sys.stderr)
        if not result.ok:
            return EXIT_UNREACHABLE if result.offline else EXIT_INCOMPLETE
        refused = result.rejected + result.evicted_edits
        if refused:
            # Everything was sent and pulled, but not everything got in: a script must see it.
            return _fail(
                f"{refused} changes were not accepted by the server; `fieldcrm status` "
                "lists them with the reasons.",
                EXIT_INCOMPLETE,
            )
        if result.pending:
            return _fail(
                f"{result.pending} changes made during the sync wait for the next one.",
                EXIT_INCOMPLETE,
            )
        if result.files is not None and result.files.waiting:
            for error in result.files.errors:
                print(f"fieldcrm: {error}", file=sys.stderr)
            return _fail(
                f"{result.files.waiting} attached files wait to upload; they go with the next "
                "sync.",
                EXIT_INCOMPLETE,
            )
        return 0
    finally:
        store.close()


#: Said by every export: the file leaves the encrypted store.
EXPORT_NOT_ENCRYPTED = (
    "fieldcrm: the export is not encrypted (the local data is); keep the file safe and "
    "delete it when done."
)


def cmd_export(args: argparse.Namespace) -> int:
    from fieldcrm.store.export import export_csv, export_json

    entities = tuple(args.entity or ENTITY_NAMES)
    store = _open_store(args.profile)
    print(EXPORT_NOT_ENCRYPTED, file=sys.stderr)
    try:
        if args.format == "json":
            if args.output is None:
                export_json(store, sys.stdout, entities)
            else:
                with args.output.open("w", encoding="utf-8") as out:
                    export_json(store, out, entities)
            return 0
        if args.output is None:
            if len(entities) != 1:
                return _fail(
                    "CSV of several entities needs --output FOLDER (one file per entity) "
                    "or one --entity NAME",
                    EXIT_USAGE,
                )
            export_csv(store, sys.stdout, entities[0])
            return 0
        args.output.mkdir(parents=True, exist_ok=True)
        for entity in entities:
            with (args.output / f"{entity}.csv").open("w", encoding="utf-8", newline="") as out:
                export_csv(store, out, entity)
        return 0
    finally:
        store.close()


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "status": cmd_status,
    "login": cmd_login,
    "sync": cmd_sync,
    "logout": cmd_logout,
    "export": cmd_export,
    "demo": cmd_demo,
    "report": cmd_report,
    "attachment": cmd_attachment,
    **dict.fromkeys(
        (
            "edit",
            "delete",
            "cancel-visit",
            "move-visit",
            "trash",
            "restore",
            "requests",
            "ask",
            "answer",
        ),
        cmd_corrections,
    ),
    "bulletin": cmd_bulletin,
    "shelf": cmd_bulletin,
    "calendar": cmd_calendar,
    "search": cmd_search,
}


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
    _setup_logging()
    from fieldcrm.store.keys import StoreKeyError

    try:
        return COMMANDS[args.command](args)
    except StoreKeyError as exc:
        return _fail(exc.message, EXIT_LOCKED)
    except KeyboardInterrupt:
        return 130


def _setup_logging() -> None:
    import logging

    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("fieldcrm: %(message)s"))
    logger = logging.getLogger("fieldcrm")
    logger.addHandler(handler)
    logger.setLevel(logging.WARNING)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
