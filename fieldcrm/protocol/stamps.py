"""Per-field stamps on the wire and in the local store, written compactly.

A row's stamps map each field to the stamp of its last write. Most rows were written in
one go, so every field carries the same 52-character stamp; spelled out, the stamps are
larger than the row's values. The compact form names that common stamp once under
``ALL_FIELDS`` ("*") and lists only the fields whose stamp differs (and the delete stamp)::

    {"*": "1717600049964:000000:dev…", "city": "1717600051000:000000:dev…"}

``"*"`` stands for every field of the entity that is not named. It is written only when
every field has a stamp, so expanding gives back exactly the stamps that were compacted.
The spelled-out form is valid too: a mapping without ``"*"`` is its own expansion.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

#: The key standing for "every field not named".
ALL_FIELDS = "*"


def compact_stamps(stamps: Mapping[str, str], field_names: Collection[str]) -> dict[str, str]:
    """``stamps`` with the most common field stamp written once as ``"*"``.

    Left spelled out when a field of ``field_names`` has no stamp (``"*"`` would give it
    one) or when no two fields share a stamp (nothing to gain).
    """
    if ALL_FIELDS in stamps:
        return dict(stamps)
    if not field_names or any(name not in stamps for name in field_names):
        return dict(stamps)
    values = [stamps[name] for name in field_names]
    common, times = values[0], values.count(values[0])
    if times != len(values):
        # Rows hold a few distinct stamps: count each once (the first of the most
        # frequent wins, as ``Counter.most_common`` picks it).
        for stamp in dict.fromkeys(values):
            count = values.count(stamp)
            if count > times:
                common, times = stamp, count
    if times < 2:
        return dict(stamps)
    out = {ALL_FIELDS: common}
    for name, stamp in stamps.items():
        if stamp != common or name not in field_names:
            out[name] = stamp
    return out


def expand_stamps(stamps: Mapping[str, str], field_names: Collection[str]) -> dict[str, str]:
    """Every field's stamp spelled out (the inverse of ``compact_stamps``)."""
    common = stamps.get(ALL_FIELDS)
    if common is None:
        return dict(stamps)
    out = dict.fromkeys(field_names, common)
    for name, stamp in stamps.items():
        if name != ALL_FIELDS:
            out[name] = stamp
    return out
