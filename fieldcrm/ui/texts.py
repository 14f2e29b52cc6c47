"""Filling a translated string's placeholders (``%1``, ``%2`` …), the one way the app does it."""

from __future__ import annotations

import re

_PLACEHOLDER = re.compile(r"%(\d+)")


def fill(template: str, *values: object) -> str:
    """``template`` with ``%1`` … ``%n`` replaced by ``values`` in one pass, so a value that
    itself holds ``%2`` is kept as it is; a placeholder without a value stays."""

    def value(match: re.Match[str]) -> str:
        number = int(match[1])
        return str(values[number - 1]) if 0 < number <= len(values) else match[0]

    return _PLACEHOLDER.sub(value, template)
