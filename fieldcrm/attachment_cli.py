"""``fieldcrm attachment``: add, list and get attachments of a profile from a terminal."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

EXIT_INCOMPLETE = 1
EXIT_USAGE = 2


def add_parser(sub: Any, common: argparse.ArgumentParser) -> None:
    parser = sub.add_parser(
        "attachment",
        parents=[common],
        help="add, list and get attached files (photos, PDFs, documents)",
        description="Attach files to customers, visits and notes. A file is kept in the "
        "profile at once and uploaded with the next sync.",
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    add = actions.add_parser("add", parents=[common], help="attach a file")
    owner = add.add_mutually_exclusive_group(required=True)
    owner.add_argument("--customer", metavar="NUMBER", help="the customer's number")
    owner.add_argument("--visit", metavar="ID", help="a visit's id")
    owner.add_argument("--note", metavar="ID", help="a note's id")
    owner.add_argument("--followup", metavar="ID", help="a follow-up's id")
    add.add_argument("path", type=Path, help="the file")
    add.add_argument("--name", help="file name to show (default: the file's own)")
    listing = actions.add_parser(
        "list", parents=[common], help="list a customer's attachments (its visits' included)"
    )
    listing.add_argument("--customer", metavar="NUMBER", required=True)
    listing.add_argument("--json", action="store_true", help="print JSON")
    get = actions.add_parser(
        "get", parents=[common], help="write an attachment's file (downloaded if needed)"
    )
    get.add_argument("id", help="the attachment's id")
    get.add_argument("--output", type=Path, required=True, help="where to write it")


def _customer_by_number(store: Any, number: str) -> str | None:
    import sqlalchemy as sa

    from fieldcrm.store import tables as t

    with store.read() as conn:
        found = conn.execute(
            sa.select(t.customer.c.id).where(
                t.customer.c.number == number, t.customer.c.deleted.is_(False)
            )
        ).scalar()
    return str(found) if found else None


def _fail(message: str, code: int = EXIT_INCOMPLETE) -> int:
    print(f"fieldcrm: {message}", file=sys.stderr)
    return code


def run(args: argparse.Namespace) -> int:
    from fieldcrm.cli import _open_store

    store = _open_store(args.profile)
    try:
        if args.action == "add":
            return _add(store, args)
        if args.action == "list":
            return _list(store, args)
        return _get(store, args)
    finally:
        store.close()


def _add(store: Any, args: argparse.Namespace) -> int:
    from fieldcrm.app.attachments import AttachmentError, Owner, add_attachment
    from fieldcrm.sync.files import max_file_bytes

    if args.customer is not None:
        customer_id = _customer_by_number(store, args.customer)
        if customer_id is None:
            return _fail(f"No customer with number {args.customer!r} on this laptop.")
        owner = Owner("customer", customer_id)
    elif args.visit is not None:
        owner = Owner("visit", args.visit)
    elif args.note is not None:
        owner = Owner("note", args.note)
    else:
        owner = Owner("followup", args.followup)
    try:
        changes = add_attachment(
            store, owner, args.path, name=args.name, max_bytes=max_file_bytes()
        )
    except AttachmentError as exc:
        return _fail(str(exc))
    print(changes.id)
    return 0


def _list(store: Any, args: argparse.Namespace) -> int:
    from fieldcrm.app.attachments import Owner, attachments_of

    customer_id = _customer_by_number(store, args.customer)
    if customer_id is None:
        return _fail(f"No customer with number {args.customer!r} on this laptop.")
    rows = attachments_of(store, Owner("customer", customer_id))
    items = [
        {
            "id": row["id"],
            "name": row["name"],
            "size": row["size"],
            "sha256": row["sha256"],
            "state": row["state"],
            "media_type": row["media_type"],
            "visit_id": row["visit_id"],
            "note_id": row["note_id"],
            "followup_id": row["followup_id"],
            "thumbnail": bool(row["thumbnail"]),
        }
        for row in rows
    ]
    if args.json:
        print(json.dumps(items, indent=2))
        return 0
    states = {"waiting": "waiting to upload", "here": "on this laptop", "server": "on the server"}
    for item in items:
        print(f"{item['id']}  {item['size']:>10}  {states[str(item['state'])]:<18}  {item['name']}")
    if not items:
        print("No attachments.")
    return 0


def _get(store: Any, args: argparse.Namespace) -> int:
    from fieldcrm.app.attachments import attachment
    from fieldcrm.cli import _exit_code_for
    from fieldcrm.store.attachments import AttachmentFiles

    record = attachment(store, args.id)
    if record is None or not record["sha256"]:
        return _fail(f"No attachment {args.id} on this laptop.")
    files = AttachmentFiles(store)
    sha256 = str(record["sha256"])
    if files.local_path(sha256) is None:
        from fieldcrm.sync import SyncError, open_client
        from fieldcrm.sync.files import FileSync, file_policy

        try:
            client = open_client(store, max_attempts=4)
            with client:
                FileSync(store, client, file_policy()).fetch(args.id)
        except SyncError as exc:
            return _fail(exc.message, _exit_code_for(exc))
    else:
        files.mark_used(sha256)
    output: Path = args.output
    if output.is_dir():
        output = output / str(record["name"])
    # The copy is the user's own: written in plain where they chose.
    files.copy_plain(sha256, output)
    print(output)
    return 0
