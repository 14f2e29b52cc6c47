"""``fieldcrm edit``, ``delete``, ``cancel-visit``, ``move-visit``, ``trash``, ``restore``,
``requests``, ``ask`` and ``answer``: the corrections and requests of ``fieldcrm.app`` from a
terminal, on the local profile (the next ``fieldcrm sync`` sends them)."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from fieldcrm.app import corrections, requests
from fieldcrm.app.changes import Changes
from fieldcrm.app.session import current_user_id
from fieldcrm.domain.entities import entity_spec
from fieldcrm.domain.validation import ValidationError

if TYPE_CHECKING:
    from fieldcrm.store import Store

EXIT_REFUSED = 1
EXIT_USAGE = 2

#: What ``fieldcrm edit`` and ``delete`` work on, and how.
EDITS: dict[str, Callable[[Store, str, dict[str, Any], str], Changes]] = {
    "customer": lambda s, i, v, _u: corrections.edit_customer(s, i, v),
    "contact": lambda s, i, v, _u: corrections.edit_contact(s, i, v),
    "note": lambda s, i, v, _u: corrections.edit(s, "note", i, v, "edit_note"),
    "followup": corrections.edit_followup,
    "visit": lambda s, i, v, _u: corrections.correct_report(s, i, v),
    "relationship": lambda s, i, v, _u: corrections.edit_relationship(s, i, v),
}
DELETES: dict[str, Callable[[Store, str, str], Changes]] = {
    "customer": lambda s, i, _u: corrections.delete_customer(s, i),
    "contact": lambda s, i, _u: corrections.delete_contact(s, i),
    "note": lambda s, i, _u: corrections.delete_note(s, i),
    "followup": lambda s, i, _u: corrections.delete_followup(s, i),
    "visit": lambda s, i, _u: corrections.delete_visit(s, i),
    "relationship": lambda s, i, _u: corrections.delete_relationship(s, i),
    "connection": corrections.withdraw_connection,
}


def add_parsers(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    edit = sub.add_parser(
        "edit",
        parents=[common],
        help="change fields of a record",
        description="Change fields of a record: FIELD=VALUE, an empty VALUE clears the "
        "field. A visit's edit corrects its report (outcome, report, next_steps, "
        "attendee_ids, check_in_at, check_out_at).",
    )
    edit.add_argument("entity", choices=sorted(EDITS))
    edit.add_argument("id")
    edit.add_argument("values", nargs="+", metavar="FIELD=VALUE")
    delete = sub.add_parser(
        "delete",
        parents=[common],
        help="delete a record (to the trash, with what depends on it)",
    )
    delete.add_argument("entity", choices=sorted(DELETES))
    delete.add_argument("id")
    cancel = sub.add_parser("cancel-visit", parents=[common], help="cancel a planned visit")
    cancel.add_argument("id")
    cancel.add_argument("--reason", required=True, help="why (shown to the team)")
    move = sub.add_parser(
        "move-visit",
        parents=[common],
        help="plan a visit for another time (it keeps its length unless --end is given)",
    )
    move.add_argument("id")
    move.add_argument("--start", required=True, help="new start, e.g. 2026-12-07T09:30:00+01:00")
    move.add_argument("--end", help="new end")
    trash = sub.add_parser(
        "trash",
        parents=[common],
        help=f"list what was deleted in the last {corrections.TRASH_DAYS} days",
    )
    trash.add_argument("--json", action="store_true", help="print JSON")
    restore = sub.add_parser("restore", parents=[common], help="bring a record back from the trash")
    restore.add_argument("entity", choices=corrections.TRASH_ENTITIES)
    restore.add_argument("id")
    listing = sub.add_parser(
        "requests",
        parents=[common],
        help="follow-ups others asked of you, and the answers to what you asked",
    )
    listing.add_argument("--json", action="store_true", help="print JSON")
    ask = sub.add_parser(
        "ask",
        parents=[common],
        help="ask someone to do something for a customer by a date (a request)",
        description="Ask a teammate, or as a manager a rep of your area, to do something for "
        "a customer by a date. They answer with `fieldcrm answer`; `fieldcrm requests` shows "
        "the answer after a sync.",
    )
    ask.add_argument("--customer", required=True, metavar="NUMBER", help="the customer's number")
    ask.add_argument("--to", required=True, metavar="USER", help="user name of the person asked")
    ask.add_argument("--title", required=True, help="what to do")
    ask.add_argument("--due", required=True, metavar="YYYY-MM-DD", help="by when")
    answer = sub.add_parser("answer", parents=[common], help="answer a request")
    answer.add_argument("id")
    answer.add_argument("answer", choices=("accept", "decline", "done"))
    answer.add_argument("--reason", default="", help="why (needed to decline)")


COMMANDS = (
    "edit",
    "delete",
    "cancel-visit",
    "move-visit",
    "trash",
    "restore",
    "requests",
    "ask",
    "answer",
)


def run(args: argparse.Namespace, store: Store) -> int:
    """Run one of ``COMMANDS``; refusals and bad input say why on standard error."""
    try:
        return _run(args, store)
    except ValidationError as exc:
        return _fail(str(exc), EXIT_USAGE)
    except (corrections.CorrectionRefused, requests.RequestRefused) as exc:
        return _fail(f"{exc} ({exc.code})", EXIT_REFUSED)


def _run(args: argparse.Namespace, store: Store) -> int:
    user_id = current_user_id(store) or ""
    command = args.command
    if command == "edit":
        values = _parse_values(args.entity, args.values)
        result = EDITS[args.entity](store, args.id, values, user_id)
        print("changed" if result.kinds else "nothing to change")
    elif command == "delete":
        DELETES[args.entity](store, args.id, user_id)
        print(f"deleted {args.entity} {args.id} (fieldcrm restore {args.entity} {args.id})")
    elif command == "cancel-visit":
        corrections.cancel_visit(store, args.id, args.reason)
        print(f"cancelled visit {args.id}")
    elif command == "move-visit":
        corrections.move_visit(store, args.id, args.start, args.end)
        visit = store.get("visit", args.id) or {}
        print(f"visit {args.id} now {visit.get('planned_start')} – {visit.get('planned_end')}")
    elif command == "trash":
        rows = corrections.trash(store)
        if args.json:
            print(json.dumps(rows, indent=2, ensure_ascii=False))
        for row in [] if args.json else rows:
            more = f" (+{row['with_others']})" if row["with_others"] else ""
            print(f"{row['deleted_at']}  {row['entity']:<12} {row['id']}  {row['label']}{more}")
    elif command == "restore":
        corrections.restore(store, args.entity, args.id)
        print(f"restored {args.entity} {args.id}")
    elif command == "requests":
        listed = {
            "asked_of_me": requests.incoming_requests(store, user_id, open_only=False),
            "asked_by_me": requests.outgoing_requests(store, user_id),
        }
        if args.json:
            print(json.dumps(listed, indent=2, ensure_ascii=False))
        else:
            for title, asked in listed.items():
                print(title.replace("_", " ") + ":")
                for r in asked:
                    state = "done" if r["done_at"] else r["response"] or "open"
                    note = f" — {r['response_note']}" if r["response_note"] else ""
                    print(
                        f"  {r['id']}  {r['due_date']}  {r['title']}  ({r['customer_name']}; "
                        f"{r['requested_by_name']} → {r['assignee_name']}): {state}{note}"
                    )
    elif command == "ask":
        return _ask(args, store, user_id)
    elif command == "answer":
        if args.answer == "accept":
            requests.accept(store, args.id, user_id)
        elif args.answer == "decline":
            requests.decline(store, args.id, user_id, args.reason)
        else:
            requests.complete(store, args.id, user_id, args.reason or None)
        print(f"answered {args.id}: {args.answer}")
    return 0


def _ask(args: argparse.Namespace, store: Store, user_id: str) -> int:
    import sqlalchemy as sa

    from fieldcrm.app.bulletins import usernames
    from fieldcrm.store import tables as t

    with store.read() as conn:
        customer_id = conn.scalar(
            sa.select(t.customer.c.id).where(
                t.customer.c.number == args.customer, t.customer.c.deleted.is_(False)
            )
        )
    if customer_id is None:
        return _fail(f"no customer with number {args.customer!r} on this laptop", EXIT_USAGE)
    people = requests.assignable_people(store)
    names = usernames(store, [p["id"] for p in people])
    wanted = args.to.casefold()
    found = [
        p
        for p in people
        if wanted in (p["name"].casefold(), names.get(p["id"], "").casefold(), p["id"])
    ]
    if len(found) != 1:
        return _fail(f"nobody called {args.to!r} on this laptop", EXIT_USAGE)
    changes = requests.ask(store, customer_id, found[0]["id"], args.title, args.due, user_id)
    print(f"asked {found[0]['name']}: {changes.id} (sent with the next `fieldcrm sync`)")
    return 0


def _parse_values(entity: str, pairs: list[str]) -> dict[str, Any]:
    """FIELD=VALUE pairs as the entity's fields want them (numbers, lists)."""
    spec = entity_spec(entity)
    values: dict[str, Any] = {}
    for pair in pairs:
        name, sep, text = pair.partition("=")
        if not sep:
            raise ValidationError.single(entity, pair, "unknown_field", entity=entity)
        field = spec.by_name.get(name)
        value: Any = text
        if field is not None and text:
            if field.kind == "int" and text.lstrip("-").isdigit():
                value = int(text)
            elif field.kind == "float":
                try:
                    value = float(text)
                except ValueError:
                    value = text
            elif field.kind == "ref_list":
                value = [v for v in text.split(",") if v]
        elif field is not None and field.kind == "ref_list":
            value = []
        values[name] = value if text or (field and field.kind == "ref_list") else None
    return values


def _fail(message: str, code: int) -> int:
    print(f"fieldcrm: {message}", file=sys.stderr)
    return code
