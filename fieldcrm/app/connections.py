"""Connections between people: who is losing touch, a customer's relationship map and
handovers, and recording relationships and "I know this person"."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any, NamedTuple

from fieldcrm.app.changes import Changes
from fieldcrm.store import Store
from fieldcrm.store import connections as store_connections
from fieldcrm.store.connections import HandoverSummary, LosingTouch
from fieldcrm.store.relationship_graph import RelationshipGraph, relationship_graph


class CustomerPeople(NamedTuple):
    """A customer's contacts and the team's links to them, and its handovers."""

    graph: RelationshipGraph
    handovers: HandoverSummary


def losing_touch(
    store: Store, today: date, shown: int
) -> dict[str | None, tuple[list[LosingTouch], int]]:
    """The ``shown`` longest overdue people and customers of each kind and of both (key
    None), each with how many there are in all."""
    with store.read() as conn:
        return store_connections.losing_touch_top(conn, today, shown)


def customer_people(store: Store, customer_id: str) -> CustomerPeople:
    with store.read() as conn:
        return CustomerPeople(
            relationship_graph(conn, customer_id),
            store_connections.handover_summary(conn, customer_id),
        )


def add_relationship(store: Store, values: Mapping[str, Any]) -> Changes:
    """Record how two contacts relate (reports to, assistant of, ...)."""
    return Changes.of("relationship", id=store.create("relationship", values))


def add_connection(store: Store, values: Mapping[str, Any]) -> Changes:
    """Record that a team member knows a contact."""
    return Changes.of("connection", id=store.create("connection", values))


def mark_handover_read(store: Store, handover_id: str) -> Changes:
    store_connections.mark_handover_read(store, handover_id)
    return Changes.of("handover", id=handover_id)


def set_handover_note(store: Store, handover_id: str, note: str | None) -> Changes:
    store.update("handover", handover_id, {"note": note})
    return Changes.of("handover", id=handover_id)
