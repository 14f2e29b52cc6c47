"""The ``fieldcrm search`` command: the search window's search from a terminal."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from fieldcrm.domain.textfold import SEARCH_KINDS

if TYPE_CHECKING:
    from fieldcrm.store import Store


def add_parser(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    parser = sub.add_parser(
        "search",
        parents=[common],
        help="find customers, contacts, follow-ups, visits and notes on this laptop",
        description="Search everything on this laptop: names, numbers, addresses, phone "
        "numbers in any writing (040 123, +4940123), e-mail, job titles, follow-ups, visit "
        "reports and notes. Umlauts may be typed as ae, oe, ue, ß as ss; names and numbers "
        "are found by any part (bau finds Straßenbau), long texts by words and their "
        "beginnings. One line per hit: kind, id, title, customer, snippet (tab-separated). "
        "After a first sync the search index is built at the first search (the desktop app "
        "builds it in the background); the progress is shown on stderr.",
    )
    parser.add_argument("query", help="what to look for")
    parser.add_argument(
        "--kind", action="append", choices=SEARCH_KINDS, help="only this kind (repeatable)"
    )
    parser.add_argument(
        "--limit", type=int, default=20, metavar="N", help="at most N hits per kind (20)"
    )
    parser.add_argument("--json", action="store_true", help="print the hits as JSON")


def run(args: argparse.Namespace, open_store: Callable[[Path], Store]) -> int:
    from fieldcrm.app.search import search  # the database modules only when searching

    if args.limit < 1:
        print("fieldcrm: --limit must be at least 1", file=sys.stderr)
        return 2
    store = open_store(Path(args.profile))
    try:
        finish_index(store)
        hits = search(store, args.query, args.kind or SEARCH_KINDS, args.limit)
    finally:
        store.close()
    if args.json:
        print(json.dumps([hit.as_json() for hit in hits], ensure_ascii=False, indent=2))
        return 0
    for hit in hits:
        print("\t".join((hit.kind, hit.id, hit.title, hit.customer, hit.snippet)))
    if not hits:
        print(f"fieldcrm: nothing found for {args.query!r}", file=sys.stderr)
    return 0


def finish_index(store: Store) -> None:
    """Build what a first sync left of the search index before searching, so a search
    from the command line always sees everything; the progress goes to stderr."""
    from fieldcrm.store import search_build

    if search_build.progress(store).built:
        return
    print("fieldcrm: the search index is being built (once, after a first sync)…", file=sys.stderr)
    shown = -1

    def report(state: search_build.IndexProgress) -> None:
        nonlocal shown
        if state.percent // 10 > shown // 10 or state.built:
            shown = state.percent
            print(f"fieldcrm: search index {state.percent} % built", file=sys.stderr, flush=True)

    search_build.build(store, report)
