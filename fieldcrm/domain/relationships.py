"""Relationship kinds between contacts, each with a name for either direction."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

#: kind -> (how "from" relates to "to", how "to" relates to "from").
RELATIONSHIP_NAMES: dict[str, tuple[str, str]] = {
    "reports_to": ("reports to", "manages"),
    "assistant_of": ("is assistant of", "has as assistant"),
    "colleague": ("is a colleague of", "is a colleague of"),
    "decides_for": ("decides for", "is decided for by"),
    "influences": ("influences", "is influenced by"),
}


def relationship_names(relationship: Mapping[str, Any]) -> tuple[str, str]:
    """The forward and reverse name of a relationship (a custom one names itself)."""
    kind = relationship["kind"]
    if kind == "custom":
        label = relationship.get("label") or "relates to"
        return label, relationship.get("reverse_label") or label
    return RELATIONSHIP_NAMES[kind]


def describe_from(relationship: Mapping[str, Any], contact_id: str) -> tuple[str, str]:
    """How the relationship reads from one contact's side: (phrase, the other contact's id)."""
    forward, reverse = relationship_names(relationship)
    if relationship["from_contact_id"] == contact_id:
        return forward, relationship["to_contact_id"]
    if relationship["to_contact_id"] == contact_id:
        return reverse, relationship["from_contact_id"]
    raise ValueError(f"contact {contact_id} is not part of this relationship")
