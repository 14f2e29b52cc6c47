"""Field-level merge by hybrid-logical-clock stamp: the rule both client and server apply.

For each field the newer stamp wins (stamps compare as text; see ``hlc``). An incoming
edit whose base stamp equals the current stamp was made on top of the current value and
is no conflict. Otherwise the two edits were concurrent and the losing value is
reported so that it can be kept as a conflict record.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class LostValue:
    """A value that lost to a concurrent edit of the same field."""

    field: str
    winning_value: Any
    winning_stamp: str
    losing_value: Any
    losing_stamp: str
    #: True when the incoming edit lost (the stored value stays).
    incoming_lost: bool


@dataclass(slots=True)
class MergeOutcome:
    values: dict[str, Any] = field(default_factory=dict)
    stamps: dict[str, str] = field(default_factory=dict)
    lost: list[LostValue] = field(default_factory=list)
    #: Fields of the incoming edit that were applied.
    applied: list[str] = field(default_factory=list)


def merge_fields(
    current_values: Mapping[str, Any],
    current_stamps: Mapping[str, str],
    incoming_values: Mapping[str, Any],
    incoming_stamps: Mapping[str, str],
    base_stamps: Mapping[str, str] | None = None,
) -> MergeOutcome:
    """Merge an incoming edit into a stored row; returns the fields to write and the losses.

    ``base_stamps`` are the stamps the editing device saw; ``None`` means unknown, in which
    case any differing stored stamp counts as a concurrent edit.
    """
    out = MergeOutcome()
    for name, value in incoming_values.items():
        stamp = incoming_stamps[name]
        current_stamp = current_stamps.get(name)
        if current_stamp is None:
            out.values[name], out.stamps[name] = value, stamp
            out.applied.append(name)
            continue
        if stamp == current_stamp:
            continue  # the same edit again
        sequential = base_stamps is not None and base_stamps.get(name) == current_stamp
        current_value = current_values.get(name)
        if sequential:
            # The editor saw the stored value and changed it: no conflict, whatever the clocks.
            out.values[name], out.stamps[name] = value, stamp
            out.applied.append(name)
        elif stamp > current_stamp:
            out.values[name], out.stamps[name] = value, stamp
            out.applied.append(name)
            if current_value != value:
                out.lost.append(
                    LostValue(name, value, stamp, current_value, current_stamp, incoming_lost=False)
                )
        elif current_value != value:
            out.lost.append(
                LostValue(name, current_value, current_stamp, value, stamp, incoming_lost=True)
            )
    return out
