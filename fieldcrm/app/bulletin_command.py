"""``fieldcrm bulletin``: post, list, read and show bulletins from a terminal;
``fieldcrm shelf``: the area's documents shelf.

``post`` writes the bulletin on this laptop (bad input is refused with a message and
nothing is written); the next ``fieldcrm sync`` sends it. ``read`` is opening: it writes
the reader's receipt, and ``--confirm`` confirms it.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from fieldcrm.app.bulletins import BulletinView, ReceiptRow
    from fieldcrm.store import Store

EXIT_USAGE = 2


def add_parser(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    parser = sub.add_parser(
        "bulletin",
        parents=[common],
        help="post, list, read and show bulletins",
        description="Bulletins: a manager's messages to the field. Post writes on this laptop; "
        "`fieldcrm sync` sends it.",
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    post = actions.add_parser("post", parents=[common], help="post a bulletin (managers)")
    post.add_argument("--title", required=True, help="the bulletin's title")
    body = post.add_mutually_exclusive_group(required=True)
    body.add_argument("--body", help="the text (simple formatting: Markdown)")
    body.add_argument("--body-file", type=Path, metavar="FILE", help="read the text from FILE")
    post.add_argument(
        "--territory",
        action="append",
        default=[],
        metavar="T",
        help="territory name or id (repeatable; none and no --rep: the whole area)",
    )
    post.add_argument(
        "--rep", action="append", default=[], metavar="USER", help="rep user name (repeatable)"
    )
    post.add_argument(
        "--attach",
        action="append",
        default=[],
        type=Path,
        metavar="PATH",
        help="a document for the readers (repeatable; downloaded on every laptop addressed)",
    )
    post.add_argument(
        "--confirm-by",
        type=date.fromisoformat,
        metavar="YYYY-MM-DD",
        help="ask the readers to confirm by this day",
    )
    listing = actions.add_parser("list", parents=[common], help="list the bulletins, newest first")
    listing.add_argument("--unread", action="store_true", help="only those not opened yet")
    listing.add_argument("--json", action="store_true", help="print JSON")
    read = actions.add_parser("read", parents=[common], help="open a bulletin (marks it read)")
    read.add_argument("id", help="the bulletin's id (or the beginning of it)")
    read.add_argument("--confirm", action="store_true", help="confirm: read and understood")
    show = actions.add_parser(
        "show", parents=[common], help="show a bulletin (with who read it, for its author)"
    )
    show.add_argument("id", help="the bulletin's id (or the beginning of it)")
    show.add_argument("--json", action="store_true", help="print JSON")


def add_shelf_parser(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    parser = sub.add_parser(
        "shelf",
        parents=[common],
        help="the area's documents shelf: publish, list, get",
        description="The current version of each document of the area (price lists, "
        "catalogues, forms). A new version replaces the old one on every laptop at its next "
        "sync.",
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    publish = actions.add_parser(
        "publish", parents=[common], help="put a document on the shelf (managers)"
    )
    publish.add_argument("path", type=Path, help="the file")
    publish.add_argument(
        "--title",
        help="the document's name on the shelf (default: the file's name); a document of "
        "the same title is replaced by this new version",
    )
    listing = actions.add_parser("list", parents=[common], help="the shelf's documents")
    listing.add_argument("--json", action="store_true", help="print JSON")
    get = actions.add_parser("get", parents=[common], help="write a document's file")
    get.add_argument("title", help="the document's title (or its id)")
    get.add_argument("--output", type=Path, required=True, help="where to write it")


def _fail(message: str, code: int = EXIT_USAGE) -> int:
    print(f"fieldcrm: {message}", file=sys.stderr)
    return code


def run(args: argparse.Namespace) -> int:
    from fieldcrm.app.session import signed_in_user
    from fieldcrm.profile import database_path
    from fieldcrm.store import Store

    db = database_path(args.profile)
    if not db.exists():
        return _fail(f"no profile at {args.profile}; log in and sync first")
    store = Store(db)
    try:
        user = signed_in_user(store)
        if user is None:
            return _fail("nobody is logged in on this profile; run `fieldcrm login`", 3)
        if args.command == "shelf":
            shelf_action = {"publish": _publish, "list": _shelf_list, "get": _shelf_get}
            return shelf_action[args.action](store, user["id"], args)
        action = {"post": _post, "list": _list, "read": _read, "show": _show}[args.action]
        return action(store, user["id"], args)
    finally:
        store.close()


def _resolve(choices: list[tuple[str, str]], wanted: list[str], kind: str) -> list[str]:
    """Ids of ``wanted`` names (case-insensitive) or ids among ``choices`` (id, name)."""
    out = []
    for name in wanted:
        found = sorted({i for i, n in choices if name == i or n.casefold() == name.casefold()})
        if len(found) != 1:
            known = ", ".join(sorted({n for _, n in choices})) or "none"
            raise LookupError(f"no {kind} {name!r} in your area (known: {known})")
        out.append(found[0])
    return out


def _post(store: Store, user_id: str, args: argparse.Namespace) -> int:
    from fieldcrm.app import bulletins
    from fieldcrm.app.attachments import AttachmentError
    from fieldcrm.domain.validation import ValidationError
    from fieldcrm.sync.files import max_file_bytes

    if args.body_file is not None:
        try:
            body = args.body_file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            return _fail(f"cannot read {args.body_file}: {exc}")
    else:
        body = args.body
    audience = bulletins.audience_choices(store)
    reps = [(rid, name) for rid, name, _ in audience["reps"]]
    usernames = bulletins.usernames(store, [rid for rid, _ in reps])
    try:
        territory_ids = _resolve(audience["territories"], args.territory, "territory")
        rep_ids = _resolve(
            reps + [(rid, usernames[rid]) for rid, _ in reps if rid in usernames],
            args.rep,
            "rep",
        )
        changes = bulletins.post(
            store,
            user_id,
            args.title,
            body,
            territory_ids=territory_ids,
            rep_ids=sorted(set(rep_ids), key=rep_ids.index),
            confirm_by=args.confirm_by,
            attachments=args.attach,
            max_file_bytes=max_file_bytes(),
        )
    except LookupError as exc:
        return _fail(str(exc))
    except (bulletins.BulletinRefused, ValidationError, AttachmentError) as exc:
        return _fail(f"not posted: {exc}")
    documents = f" with {len(args.attach)} document(s)" if args.attach else ""
    print(f"Posted bulletin {changes.id}{documents}; it is sent with the next `fieldcrm sync`.")
    return 0


_STATES = {
    "here": "available offline",
    "waiting": "waiting to upload",
    "server": "on the server",
}


def _publish(store: Store, user_id: str, args: argparse.Namespace) -> int:
    from fieldcrm.app import shelf
    from fieldcrm.app.attachments import AttachmentError
    from fieldcrm.app.bulletins import BulletinRefused
    from fieldcrm.domain.validation import ValidationError
    from fieldcrm.sync.files import max_file_bytes

    try:
        changes = shelf.publish(
            store, user_id, args.path, title=args.title, max_bytes=max_file_bytes()
        )
    except (BulletinRefused, ValidationError, AttachmentError) as exc:
        return _fail(f"not published: {exc}")
    document = store.get("attachment", str(changes.id)) or {}
    print(
        f"Published {document.get('title')} (version {document.get('version')}) as "
        f"{changes.id}; it is sent with the next `fieldcrm sync`."
    )
    return 0


def _shelf_list(store: Store, user_id: str, args: argparse.Namespace) -> int:
    from fieldcrm.app import shelf

    documents = shelf.shelf(store)
    if args.json:
        print(json.dumps(documents, indent=2, ensure_ascii=False))
        return 0
    if not documents:
        print("The shelf is empty.")
    for d in documents:
        print(
            f"{d['id']}  v{d['version']:<3} {_STATES[d['state']]:<18} {d['title']}"
            f"  ({d['name']}, {d['size']} bytes)"
        )
    return 0


def _shelf_get(store: Store, user_id: str, args: argparse.Namespace) -> int:
    from fieldcrm.app import shelf

    wanted = args.title.casefold()
    found = [d for d in shelf.shelf(store) if wanted in (d["title"].casefold(), d["id"].casefold())]
    if len(found) != 1:
        return _fail(f"no document {args.title!r} on the shelf (see `fieldcrm shelf list`)")
    return _write_document(store, found[0]["id"], args.output)


def _write_document(store: Store, attachment_id: str, output: Path) -> int:
    from fieldcrm.app.attachments import attachment
    from fieldcrm.store.attachments import AttachmentFiles

    record = attachment(store, attachment_id)
    files = AttachmentFiles(store)
    sha256 = str(record["sha256"]) if record is not None else ""
    if record is None or files.local_path(sha256) is None:
        return _fail("the document is not on this laptop yet; run `fieldcrm sync`", 1)
    files.mark_used(sha256)
    if output.is_dir():
        output = output / str(record["name"])
    files.copy_plain(sha256, output)  # the user's own copy, in plain where they chose
    print(output)
    return 0


def _list(store: Store, user_id: str, args: argparse.Namespace) -> int:
    from fieldcrm.app import bulletins

    rows = bulletins.bulletin_list(store, user_id, unread_only=args.unread)
    if args.json:
        print(json.dumps(rows, indent=2))
        return 0
    if not rows:
        print("No bulletins." if not args.unread else "No unread bulletins.")
    for row in rows:
        mine = row["author_id"] == user_id
        state = (
            "yours"
            if mine
            else "confirmed"
            if row["confirmed_at"]
            else "read"
            if row["read_at"]
            else "NEW"
        )
        confirm = f"  confirm by {row['confirm_by']}" if row["confirm_by"] else ""
        print(
            f"{row['id']}  {row['posted_at'] or '':20}  {state:9}  {row['title']}"
            f"  ({row['author_name']}){confirm}"
        )
    return 0


def _find(store: Store, wanted: str) -> str | None:
    from fieldcrm.app import bulletins

    return bulletins.find(store, wanted)


def _read(store: Store, user_id: str, args: argparse.Namespace) -> int:
    from fieldcrm.app import bulletins

    bulletin_id = _find(store, args.id)
    if bulletin_id is None:
        return _fail(f"no bulletin {args.id!r} on this laptop (see `fieldcrm bulletin list`)")
    if args.confirm:  # read and confirmed in one receipt
        bulletins.confirm(store, bulletin_id, user_id)
    view = bulletins.open_bulletin(store, bulletin_id, user_id)
    assert view is not None
    _print_view(view, user_id)
    if args.confirm:
        print(f"Confirmed at {view['confirmed_at']}; sent with the next `fieldcrm sync`.")
    return 0


def _show(store: Store, user_id: str, args: argparse.Namespace) -> int:
    from fieldcrm.app import bulletins

    bulletin_id = _find(store, args.id)
    if bulletin_id is None:
        return _fail(f"no bulletin {args.id!r} on this laptop (see `fieldcrm bulletin list`)")
    view = bulletins.open_bulletin(store, bulletin_id, user_id)
    assert view is not None
    if args.json:
        out: dict[str, Any] = dict(view)
        out["thread"] = [asdict(item) for item in view["thread"]]
        print(json.dumps(out, indent=2))
        return 0
    _print_view(view, user_id)
    return 0


def ago(moment: str | None, now: datetime | None = None) -> str:
    """'3 days ago', '5 hours ago', 'just now'; 'never' for no time."""
    if not moment:
        return "never"
    then = datetime.fromisoformat(moment.replace("Z", "+00:00"))
    seconds = ((now or datetime.now(UTC)) - then).total_seconds()
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size:
            n = int(seconds // size)
            return f"{n} {unit}{'s' if n != 1 else ''} ago"
    return "just now"


def receipt_line(receipt: ReceiptRow, now: datetime | None = None) -> str:
    if receipt["confirmed_at"]:
        state = f"confirmed {receipt['confirmed_at']} (read {receipt['read_at']})"
    elif receipt["read_at"]:
        state = f"read {receipt['read_at']}, not confirmed"
    else:
        state = f"not seen yet — last sync {ago(receipt['last_sync_at'], now)}"
    return f"{receipt['name']} ({receipt['territory_name'] or '-'}): {state}"


def _print_view(view: BulletinView, user_id: str) -> None:
    b = view["bulletin"]
    print(b["title"])
    print(f"From {view['author_name']}, {b['posted_at']}")
    print(f"To: {', '.join(view['audience']) or 'the whole area'}")
    if b["confirm_by"]:
        print(f"Please confirm by {b['confirm_by']}.")
    print()
    print(b["body"] or "")
    print()
    for document in view["documents"]:
        print(
            f"Document: {document['name']} ({document['size']} bytes, "
            f"{_STATES[document['state']]}) — {document['id']}"
        )
    if b["author_id"] != user_id and view["read_at"]:
        mine = f"You read it {view['read_at']}"
        mine += f", confirmed {view['confirmed_at']}." if view["confirmed_at"] else "."
        print(mine)
    for item in view["thread"]:
        print(f"  {item.author_name}: {item.text}")
    if view["receipts"] is not None:
        print("Receipts:")
        for receipt in view["receipts"]:
            print(f"  {receipt_line(receipt)}")
