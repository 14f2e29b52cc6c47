"""What a write changed: the set of entity kinds, so pages reload only when theirs did."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from fieldcrm.domain.entities import ENTITIES

if TYPE_CHECKING:
    from fieldcrm.store import Store

#: Kinds besides the entities: the conflict list, the rejected list, the signed-in user.
CONFLICT = "conflict"
REJECTED = "rejected_change"
SESSION = "session"

#: Every kind there is; what a sync or a new sign-in changes.
EVERYTHING: frozenset[str] = frozenset({*ENTITIES, CONFLICT, REJECTED, SESSION})


@dataclass(frozen=True, slots=True)
class Undo:
    """How to take a write back: ``action`` names it (``edit_contact``; the desktop says
    "Undo Edit contact"), ``run`` is the write that undoes it."""

    action: str
    run: Callable[[Store], Changes]


@dataclass(frozen=True, slots=True)
class Changes:
    """The kinds a write changed and, when it made a record, that record's id."""

    kinds: frozenset[str]
    #: The id of the record the write made, if it made one.
    id: str | None = None
    #: How to undo the write, when it can be undone.
    undo: Undo | None = None

    @classmethod
    def of(cls, *kinds: str, id: str | None = None, undo: Undo | None = None) -> Changes:
        unknown = set(kinds) - EVERYTHING
        if unknown:
            raise ValueError(f"unknown kinds of change: {sorted(unknown)}")
        return cls(frozenset(kinds), id, undo)

    def touches(self, kinds: Iterable[str]) -> bool:
        """True when any of ``kinds`` changed."""
        return not self.kinds.isdisjoint(kinds)


NOTHING = Changes(frozenset())
