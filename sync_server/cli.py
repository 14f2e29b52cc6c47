"""``fieldcrm-server``: create the database, serve, manage territories, users, devices and
customers, and read the audit log. Listing commands take ``--json``.

Every option can also come from the environment: ``FIELDCRM_DATABASE_URL`` (``--db``),
``FIELDCRM_HOST``, ``FIELDCRM_PORT``, ``FIELDCRM_WORKERS`` and ``FIELDCRM_LOG_LEVEL``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from sync_server import admin, audit
from sync_server.config import env_database_url
from sync_server.db import (
    make_engine,
    normalise_url,
    read_transaction,
    schema_state,
    upgrade,
    write_transaction,
)
from sync_server.importing import ImportFileError, parse_mapping, read_table
from sync_server.wipe import WipeError, request_user_wipe, request_wipe


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "")
    return int(value) if value.isdigit() else default


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--db",
        default=env_database_url(),
        help="database URL (sqlite:///file.db or postgresql://...); env FIELDCRM_DATABASE_URL",
    )
    parser = argparse.ArgumentParser(prog="fieldcrm-server", description=__doc__, parents=[common])
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("init", parents=[common], help="create or upgrade the database schema")
    serve = sub.add_parser("serve", parents=[common], help="run the sync server")
    serve.add_argument("--host", default=os.environ.get("FIELDCRM_HOST", "127.0.0.1"))
    serve.add_argument("--port", type=int, default=_env_int("FIELDCRM_PORT", 8765))
    serve.add_argument("--workers", type=int, default=_env_int("FIELDCRM_WORKERS", 1))
    serve.add_argument("--log-level", default=os.environ.get("FIELDCRM_LOG_LEVEL", "INFO"))
    serve.add_argument(
        "--forwarded-allow-ips",
        default=os.environ.get("FIELDCRM_FORWARDED_ALLOW_IPS") or None,
        help=(
            "addresses of reverse proxies whose X-Forwarded-For is trusted (comma-separated);"
            " login throttling then counts per real client address"
        ),
    )
    serve.add_argument(
        "--api-docs",
        action="store_true",
        default=os.environ.get("FIELDCRM_API_DOCS", "").lower() in ("1", "true", "yes", "on"),
        help="serve the interactive API pages /docs and /redoc (they load scripts from a CDN)",
    )

    territory = sub.add_parser("territory", help="manage territories").add_subparsers(
        dest="action", required=True
    )
    t_add = territory.add_parser("add", parents=[common], help="add a territory")
    t_add.add_argument("name")
    t_add.add_argument("--area", help="the area the territory belongs to (made if new)")
    t_list = territory.add_parser("list", parents=[common], help="list territories and areas")
    _json_option(t_list)
    t_ren = territory.add_parser("rename", parents=[common], help="rename a territory or area")
    t_ren.add_argument("old")
    t_ren.add_argument("new")
    t_set = territory.add_parser("set", parents=[common], help="put a territory into an area")
    t_set.add_argument("name")
    t_set.add_argument("--area", required=True, help="the area (made if new)")

    user = sub.add_parser("user", help="manage users").add_subparsers(dest="action", required=True)
    u_add = user.add_parser("add", parents=[common], help="add a user")
    u_add.add_argument("name")
    u_add.add_argument("--role", required=True, choices=["rep", "manager", "admin"])
    u_add.add_argument("--display-name")
    where = u_add.add_mutually_exclusive_group()
    where.add_argument("--territory", help="a rep's territory")
    where.add_argument("--area", help="a manager's area")
    u_add.add_argument("--password-stdin", action="store_true", help="read the password")
    u_list = user.add_parser("list", parents=[common], help="list users")
    _json_option(u_list)
    u_show = user.add_parser(
        "show", parents=[common], help="a user's role, territory or area, and devices"
    )
    u_show.add_argument("name")
    _json_option(u_show)
    u_set = user.add_parser(
        "set", parents=[common], help="change a user's role, territory, area or display name"
    )
    u_set.add_argument("name")
    u_set.add_argument("--role", choices=["rep", "manager", "admin"])
    u_set.add_argument("--territory", help="a rep's territory")
    u_set.add_argument("--area", help="a manager's area")
    u_set.add_argument("--display-name")
    u_en = user.add_parser("enable", parents=[common], help="let a disabled user sign in again")
    u_en.add_argument("name")
    u_dis = user.add_parser("disable", parents=[common], help="disable a user, end sessions")
    u_dis.add_argument("name")
    u_pw = user.add_parser("reset-password", parents=[common], help="set a new password")
    u_pw.add_argument("name")
    u_pw.add_argument("--password-stdin", action="store_true", help="read the password")
    u_wipe = user.add_parser(
        "wipe", parents=[common], help="wipe every device of a user at its next contact"
    )
    u_wipe.add_argument("name")
    u_wipe.add_argument(
        "--now", action="store_true", help="do not let them send their pending changes first"
    )

    device = sub.add_parser("device", help="manage devices").add_subparsers(
        dest="action", required=True
    )
    d_list = device.add_parser("list", parents=[common], help="list devices")
    d_list.add_argument("--user", help="only this user's devices")
    _json_option(d_list)
    d_rev = device.add_parser("revoke", parents=[common], help="revoke a device's tokens")
    d_rev.add_argument("id")
    d_wipe = device.add_parser(
        "wipe",
        parents=[common],
        help="delete a lost laptop's local data at its next contact",
        description="At its next contact the device sends its pending changes, deletes its "
        "local data (database, attachments, session, key), confirms, and shows the sign-in "
        "screen. `device list` shows the request and the confirmation.",
    )
    d_wipe.add_argument("id")
    d_wipe.add_argument(
        "--now", action="store_true", help="do not let it send its pending changes first"
    )

    cal = sub.add_parser("calendar", help="private calendar subscriptions").add_subparsers(
        dest="action", required=True
    )
    c_new = cal.add_parser(
        "new", parents=[common], help="make a user's calendar address anew (the old one stops)"
    )
    c_new.add_argument("user")
    c_new.add_argument("--timezone", default="UTC", help="IANA time zone, e.g. Europe/Berlin")
    c_new.add_argument("--url", default="", help="the server's public address, to print in full")
    c_rev = cal.add_parser("revoke", parents=[common], help="end a user's calendar address")
    c_rev.add_argument("user")

    customer = sub.add_parser("customer", help="manage customers").add_subparsers(
        dest="action", required=True
    )
    c_move = customer.add_parser(
        "move", parents=[common], help="move a customer to another territory or owner"
    )
    c_move.add_argument("number", help="the customer number")
    c_move.add_argument("--territory", required=True)
    c_move.add_argument("--owner", help="the user who takes the customer over")
    c_move.add_argument("--note", help="a note for the new owner's handover summary")

    aud = sub.add_parser(
        "audit", parents=[common], help="administrative changes and security events"
    )
    aud.add_argument("--since", type=_since, help="from this date (YYYY-MM-DD) or time on")
    aud.add_argument("--user", help="only what this user did or what was done to them")
    aud.add_argument("--limit", type=int, default=None, help="at most this many entries")
    _json_option(aud)

    imp = sub.add_parser("import", help="import data").add_subparsers(dest="action", required=True)
    i_cust = imp.add_parser(
        "customers",
        parents=[common],
        help="import customers from CSV or Excel (.xlsx)",
        description="Import customers from a CSV file (comma, semicolon or tab; UTF-8 or "
        "Windows-1252) or an Excel workbook (.xlsx, first sheet). Rows match existing "
        "customers by number, or without a number by name, postal code and city.",
    )
    i_cust.add_argument("file", type=Path)
    i_cust.add_argument("--territory", required=True)
    i_cust.add_argument("--skip-invalid", action="store_true", help="import the valid rows")
    i_cust.add_argument("--dry-run", action="store_true", help="show what would change")
    i_cust.add_argument("--encoding", help="the file's encoding (default: detected)")
    i_cust.add_argument("--delimiter", help="the CSV delimiter (default: detected)")
    i_cust.add_argument(
        "--map",
        action="append",
        default=[],
        metavar="COLUMN=FIELD,...",
        help="the customer field each column of the file fills, e.g. Firma=name,PLZ=postal_code",
    )
    i_cust.add_argument(
        "--map-file", type=Path, help="a file with one COLUMN=FIELD a line, as --map"
    )

    demo = sub.add_parser("demo", parents=[common], help="seed a demo area with realistic data")
    demo.add_argument(
        "--force", action="store_true", help="seed even a database that has other users"
    )
    return parser


def _json_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")


def _since(text: str) -> datetime:
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a date (YYYY-MM-DD) or time (YYYY-MM-DDTHH:MM)"
        ) from None
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def _dump(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)


def _table(rows: list[list[str]], header: list[str]) -> str:
    """Plain columns, wide enough for their longest cell."""
    if not rows:
        return "(none)"
    cells = [header, *rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in cells
    )


def _read_password(args: argparse.Namespace) -> str:
    if not args.password_stdin:
        raise admin.AdminError("Pass the password on standard input with --password-stdin.")
    password = sys.stdin.readline().rstrip("\r\n")
    if not password:
        raise admin.AdminError("No password was given on standard input.")
    return password


def _ready_engine(url: str) -> sa.Engine:
    engine = make_engine(url)
    current, head = schema_state(engine)
    if current != head:
        raise admin.AdminError(
            f"The database is at schema {current or 'none'}, this server needs {head}. "
            "Run 'fieldcrm-server init' first."
        )
    return engine


def cmd_init(args: argparse.Namespace) -> str:
    engine = make_engine(args.db)
    upgrade(engine)
    return f"Database ready (schema {schema_state(engine)[0]})."


def cmd_serve(args: argparse.Namespace) -> str:
    import uvicorn

    from sync_server.logs import configure

    _ready_engine(args.db).dispose()
    os.environ["FIELDCRM_DATABASE_URL"] = normalise_url(args.db)
    os.environ["FIELDCRM_LOG_LEVEL"] = args.log_level
    os.environ["FIELDCRM_API_DOCS"] = "1" if args.api_docs else ""
    configure(args.log_level.upper())
    uvicorn.run(
        "sync_server.api:app_from_env",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers if args.workers > 1 else None,
        log_config=None,
        access_log=False,
        proxy_headers=bool(args.forwarded_allow_ips),
        forwarded_allow_ips=args.forwarded_allow_ips,
    )
    return ""


def _in_transaction(args: argparse.Namespace, action: Callable[[sa.Connection], str]) -> str:
    engine = _ready_engine(args.db)
    try:
        with write_transaction(engine) as conn:
            return action(conn)
    finally:
        engine.dispose()


def _reading(args: argparse.Namespace, action: Callable[[sa.Connection], str]) -> str:
    engine = _ready_engine(args.db)
    try:
        with read_transaction(engine) as conn:
            return action(conn)
    finally:
        engine.dispose()


def cmd_territory(args: argparse.Namespace) -> str:
    if args.action == "list":

        def listing(conn: sa.Connection) -> str:
            rows = admin.list_territories(conn)
            if args.json:
                return _dump(rows)
            return _table(
                [
                    [
                        r["name"],
                        r["kind"],
                        r["area"] or "",
                        str(r["customers"]),
                        ", ".join(r["users"]),
                    ]
                    for r in rows
                ],
                ["NAME", "KIND", "AREA", "CUSTOMERS", "USERS"],
            )

        return _reading(args, listing)
    if args.action == "rename":

        def rename(conn: sa.Connection) -> str:
            admin.rename_territory(conn, args.old, args.new)
            return f"{args.old} is now called {args.new}."

        return _in_transaction(args, rename)
    if args.action == "set":

        def set_area(conn: sa.Connection) -> str:
            if not admin.set_territory_area(conn, args.name, args.area):
                return f"{args.name} is in area {args.area} already."
            return (
                f"{args.name} is now in area {args.area}; the managers' laptops follow at "
                "their next sync."
            )

        return _in_transaction(args, set_area)

    def run(conn: sa.Connection) -> str:
        territory_id = admin.add_territory(conn, args.name, args.area)
        where = f" in area {args.area}" if args.area else ""
        return f"Territory {args.name}{where} added ({territory_id})."

    return _in_transaction(args, run)


def _user_line(user: dict[str, Any]) -> list[str]:
    return [
        user["name"],
        user["display_name"],
        user["role"],
        user["territory"] or user["area"] or "",
        "yes" if user["active"] else "disabled",
    ]


def _user_text(user: dict[str, Any]) -> str:
    lines = [
        f"User:         {user['name']} ({user['display_name']})",
        f"Role:         {user['role']}",
    ]
    if user["territory"]:
        lines.append(f"Territory:    {user['territory']}")
    if user["area"]:
        lines.append(f"Area:         {user['area']}")
    lines.append(f"Active:       {'yes' if user['active'] else 'no (disabled)'}")
    lines.append(f"Created:      {user['created']}")
    lines.append("Devices:")
    devices = [
        [
            d["id"],
            d["name"] or "",
            d["first_seen"] or "",
            d["last_sync"] or "never",
            d["revoked"] or "",
        ]
        for d in user["devices"]
    ]
    table = _table(devices, ["ID", "NAME", "FIRST SEEN", "LAST SYNC", "REVOKED"])
    lines.extend("  " + line for line in table.splitlines())
    return "\n".join(lines)


def cmd_user(args: argparse.Namespace) -> str:
    if args.action == "wipe":
        return cmd_user_wipe(args)
    if args.action == "list":

        def listing(conn: sa.Connection) -> str:
            users = admin.list_users(conn)
            if args.json:
                return _dump(users)
            return _table(
                [_user_line(u) for u in users],
                ["NAME", "DISPLAY NAME", "ROLE", "TERRITORY/AREA", "ACTIVE"],
            )

        return _reading(args, listing)
    if args.action == "show":

        def show(conn: sa.Connection) -> str:
            user = admin.show_user(conn, args.name)
            return _dump(user) if args.json else _user_text(user)

        return _reading(args, show)
    if args.action == "set":
        if not (args.role or args.territory or args.area or args.display_name is not None):
            raise admin.AdminError(
                "Say what to change: --role, --territory, --area or --display-name."
            )

        def set_user(conn: sa.Connection) -> str:
            changed = admin.set_user(
                conn,
                args.name,
                role=args.role,
                territory=args.territory,
                area=args.area,
                display_name=args.display_name,
            )
            if not changed:
                return f"Nothing to change for {args.name}."
            what = ", ".join(changed).replace("territory_id", "territory/area")
            return (
                f"{args.name}: {what} changed. Their laptops take on what they may see at "
                "their next sync."
            )

        return _in_transaction(args, set_user)
    if args.action == "enable":

        def enable(conn: sa.Connection) -> str:
            if not admin.enable_user(conn, args.name):
                return f"{args.name} is active already (failed logins forgotten)."
            return f"User {args.name} enabled; they can sign in again."

        return _in_transaction(args, enable)
    if args.action == "add":
        password = _read_password(args)

        def add(conn: sa.Connection) -> str:
            user_id = admin.add_user(
                conn,
                args.name,
                args.role,
                password,
                territory=args.territory,
                area=args.area,
                display_name=args.display_name,
            )
            return f"User {args.name} ({args.role}) added ({user_id})."

        return _in_transaction(args, add)
    if args.action == "disable":

        def disable(conn: sa.Connection) -> str:
            admin.disable_user(conn, args.name)
            return f"User {args.name} disabled; their sessions have ended."

        return _in_transaction(args, disable)
    password = _read_password(args)

    def reset(conn: sa.Connection) -> str:
        admin.reset_password(conn, args.name, password)
        return f"Password of {args.name} changed; their sessions have ended."

    return _in_transaction(args, reset)


def cmd_device(args: argparse.Namespace) -> str:
    if args.action == "list":

        def listing(conn: sa.Connection) -> str:
            devices = admin.list_devices(conn, args.user)
            if args.json:
                return _dump(devices)
            return _table(
                [
                    [
                        d["id"],
                        d["name"] or "",
                        d["user"],
                        d["first_seen"] or "",
                        d["last_sync"] or "never",
                        d["revoked"] or "",
                        _wipe_text(d),
                    ]
                    for d in devices
                ],
                ["ID", "NAME", "USER", "FIRST SEEN", "LAST SYNC", "REVOKED", "WIPE"],
            )

        return _reading(args, listing)

    if args.action == "wipe":

        def wipe(conn: sa.Connection) -> str:
            try:
                request_wipe(conn, args.id, now=args.now, actor=audit.command_line_actor())
            except WipeError as exc:
                raise admin.AdminError(str(exc)) from exc
            return _WIPE_ASKED.format(what=f"Device {args.id}")

        return _in_transaction(args, wipe)

    def revoke(conn: sa.Connection) -> str:
        admin.revoke_device(conn, args.id)
        return f"Device {args.id} revoked; its tokens no longer work."

    return _in_transaction(args, revoke)


_WIPE_ASKED = (
    "{what} will delete its local data at its next contact (`device list` shows when it confirms)."
)


def _wipe_text(device: dict[str, Any]) -> str:
    if device["wipe_confirmed"]:
        return f"confirmed {device['wipe_confirmed']}"
    if device["wipe_requested"]:
        now = " (now)" if device["wipe_now"] else ""
        return f"requested {device['wipe_requested']}{now}"
    return ""


def cmd_user_wipe(args: argparse.Namespace) -> str:
    def wipe(conn: sa.Connection) -> str:
        try:
            ids = request_user_wipe(conn, args.name, now=args.now, actor=audit.command_line_actor())
        except WipeError as exc:
            raise admin.AdminError(str(exc)) from exc
        if not ids:
            return f"{args.name} has no device that can still be reached."
        return _WIPE_ASKED.format(what=f"Each of {args.name}'s {len(ids)} devices")

    return _in_transaction(args, wipe)


def cmd_calendar(args: argparse.Namespace) -> str:
    from sync_server import subscriptions

    actor = audit.command_line_actor()

    def make(conn: sa.Connection) -> str:
        acc = admin.account_by_name(conn, args.user)
        if acc is None:
            raise admin.AdminError(f"There is no user {args.user!r}.")
        if args.action == "revoke":
            if not subscriptions.revoke_subscription(conn, acc.id, actor=actor):
                return f"{args.user} had no calendar subscription."
            return f"The calendar address of {args.user} is revoked; it now answers 404."
        try:
            token = subscriptions.new_subscription(conn, acc.id, args.timezone, actor=actor)
        except ValueError as exc:
            raise admin.AdminError(str(exc)) from None
        path = subscriptions.feed_path(token)
        return (
            f"Calendar address of {args.user} (times in {args.timezone}; any earlier address "
            f"stops working):\n{args.url.rstrip('/')}{path}"
        )

    return _in_transaction(args, make)


class _DryRun(Exception):
    """Rolls a dry run's transaction back, carrying its report."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.text = text


def _import_text(report: admin.ImportReport, territory: str, dry_run: bool) -> str:
    verb = "Would import" if dry_run else "Imported"
    lines = [
        f"{verb} into {territory}: {len(report.created)} new, {len(report.updated)} updated, "
        f"{report.unchanged} unchanged."
    ]
    if report.moved:
        lines.append(
            f"{'Would move' if dry_run else 'Moved'} here from another territory or owner: "
            f"{len(report.moved)} (the new owner gets a handover record)."
        )
    if dry_run:
        for title, items in (
            ("New", report.created),
            ("Updated", report.updated),
            ("Moved", report.moved),
        ):
            lines.extend(f"  {title}: {item}" for item in items)
    elif report.moved:
        lines.extend(f"  {item}" for item in report.moved)
    if report.skipped:
        lines.append(f"Skipped {len(report.skipped)} problem(s):")
        lines.extend(report.skipped)
    if dry_run:
        lines.append("Dry run: nothing was written.")
    return "\n".join(lines)


def cmd_import(args: argparse.Namespace) -> str:
    mapping_text = ",".join(args.map)
    try:
        if args.map_file is not None:
            mapping_text += "\n" + args.map_file.read_text(encoding="utf-8-sig")
        mapping = parse_mapping(mapping_text)
        table = read_table(args.file, encoding=args.encoding, delimiter=args.delimiter)
    except ImportFileError as exc:
        raise admin.AdminError(f"{args.file}: {exc}") from None
    except OSError as exc:
        raise admin.AdminError(f"Cannot read {exc.filename}: {exc.strerror}") from None

    def run(conn: sa.Connection) -> str:
        report = admin.import_customers(
            conn,
            table,
            args.territory,
            mapping=mapping,
            skip_invalid=args.skip_invalid,
            source=f"the import of {args.file.name}",
        )
        text = _import_text(report, args.territory, args.dry_run)
        if args.dry_run:
            raise _DryRun(text)
        return text

    try:
        return _in_transaction(args, run)
    except _DryRun as done:
        return done.text


def cmd_customer(args: argparse.Namespace) -> str:
    def move(conn: sa.Connection) -> str:
        changed = admin.move_customer(conn, args.number, args.territory, args.owner, args.note)
        if not changed:
            return f"Customer {args.number} is in {args.territory} with that owner already."
        return (
            f"Customer {args.number} moved to {args.territory}; the new owner gets a handover "
            "record, the laptops follow at their next sync."
        )

    return _in_transaction(args, move)


def cmd_audit(args: argparse.Namespace) -> str:
    def listing(conn: sa.Connection) -> str:
        found = audit.entries(conn, since=args.since, user=args.user, limit=args.limit)
        if args.json:
            return _dump([entry.as_json() for entry in found])
        return _table(
            [
                [
                    e.as_json()["at"],
                    e.actor,
                    e.action,
                    e.target or "",
                    e.address or "",
                    e.detail or "",
                ]
                for e in found
            ],
            ["TIME (UTC)", "ACTOR", "ACTION", "TARGET", "ADDRESS", "DETAIL"],
        )

    return _reading(args, listing)


def cmd_demo(args: argparse.Namespace) -> str:
    from sync_server.demo import seed_demo

    return _in_transaction(args, lambda conn: seed_demo(conn, force=args.force))


COMMANDS: dict[str, Callable[[argparse.Namespace], str]] = {
    "init": cmd_init,
    "serve": cmd_serve,
    "territory": cmd_territory,
    "user": cmd_user,
    "device": cmd_device,
    "import": cmd_import,
    "customer": cmd_customer,
    "calendar": cmd_calendar,
    "audit": cmd_audit,
    "demo": cmd_demo,
}


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        message = COMMANDS[args.command](args)
    except admin.AdminError as exc:
        print(f"fieldcrm-server: {exc}", file=sys.stderr)
        return 1
    except sa.exc.OperationalError as exc:
        print(f"fieldcrm-server: cannot use the database: {exc.orig}", file=sys.stderr)
        return 1
    if message:
        print(message)
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
