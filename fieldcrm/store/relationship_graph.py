"""The data behind a customer's relationship map: contacts, their relationships, who knows whom."""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa

from fieldcrm.domain.relationships import relationship_names
from fieldcrm.domain.textfold import person_order_sql


@dataclass(frozen=True, slots=True)
class PersonNode:
    id: str
    name: str
    title: str | None
    #: False for a contact of another customer that a relationship points to.
    own: bool = True


@dataclass(frozen=True, slots=True)
class RelationEdge:
    id: str
    source: str
    target: str
    kind: str
    label: str
    note: str | None


@dataclass(frozen=True, slots=True)
class TeamLink:
    user_id: str
    user_name: str
    contact_id: str
    strength: int
    note: str | None


@dataclass(slots=True)
class RelationshipGraph:
    customer_id: str
    customer_name: str
    people: list[PersonNode] = field(default_factory=list)
    relations: list[RelationEdge] = field(default_factory=list)
    team: list[TeamLink] = field(default_factory=list)


def _name(first: str | None, last: str | None) -> str:
    return " ".join(part for part in (first, last) if part)


def relationship_graph(conn: sa.Connection, customer_id: str) -> RelationshipGraph:
    customer_name = conn.scalar(
        sa.text("SELECT name FROM customer WHERE id = :c AND deleted = 0"), {"c": customer_id}
    )
    if customer_name is None:
        raise LookupError(f"no customer with id {customer_id} on this laptop")
    graph = RelationshipGraph(customer_id, customer_name)
    known: set[str] = set()
    for row in conn.execute(
        sa.text(
            "SELECT id, first_name, last_name, job_title FROM contact "
            "WHERE customer_id = :c AND deleted = 0 "
            f"ORDER BY {person_order_sql()}"
        ),
        {"c": customer_id},
    ):
        graph.people.append(PersonNode(row.id, _name(row.first_name, row.last_name), row.job_title))
        known.add(row.id)
    for row in conn.execute(
        sa.text(
            "SELECT r.id, r.from_contact_id, r.to_contact_id, r.kind, r.label, r.reverse_label, "
            "r.note FROM relationship r "
            "JOIN contact f ON f.id = r.from_contact_id AND f.deleted = 0 "
            "JOIN contact t ON t.id = r.to_contact_id AND t.deleted = 0 "
            "WHERE r.deleted = 0 AND (f.customer_id = :c OR t.customer_id = :c)"
        ),
        {"c": customer_id},
    ):
        forward, _ = relationship_names(row._asdict())
        graph.relations.append(
            RelationEdge(
                row.id, row.from_contact_id, row.to_contact_id, row.kind, forward, row.note
            )
        )
    outside = {e.source for e in graph.relations} | {e.target for e in graph.relations}
    outside -= known
    if outside:
        params = {f"o{i}": cid for i, cid in enumerate(sorted(outside))}
        for row in conn.execute(
            sa.text(
                "SELECT ct.id, ct.first_name, ct.last_name, c.name AS customer FROM contact ct "
                "JOIN customer c ON c.id = ct.customer_id "
                f"WHERE ct.id IN ({', '.join(':' + k for k in params)})"
            ),
            params,
        ):
            graph.people.append(
                PersonNode(row.id, _name(row.first_name, row.last_name), row.customer, own=False)
            )
    for row in conn.execute(
        sa.text(
            "SELECT cn.user_id, coalesce(u.display_name, u.username, '') AS user_name, "
            "cn.contact_id, cn.strength, cn.note FROM connection cn "
            'LEFT JOIN "user" u ON u.id = cn.user_id '
            "WHERE cn.customer_id = :c AND cn.deleted = 0 ORDER BY user_name"
        ),
        {"c": customer_id},
    ):
        if row.contact_id in known:
            graph.team.append(
                TeamLink(row.user_id, row.user_name, row.contact_id, row.strength, row.note)
            )
    return graph
