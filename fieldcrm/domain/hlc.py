"""Hybrid logical clock: stamps that order edits across devices despite skewed wall clocks.

A stamp is text of fixed width, ``"<ms>:<counter>:<device>"`` with the wall-clock
milliseconds and the counter zero-padded, so comparing two stamps as strings compares
(milliseconds, counter, device id): later edits sort higher, and equal times are broken
deterministically by device id.
"""

from __future__ import annotations

import functools
import threading
import time
from collections.abc import Callable

from fieldcrm.protocol import MAX_DEVICE_ID_LENGTH, MAX_STAMP_LENGTH

MS_WIDTH = 13
COUNTER_WIDTH = 6
MAX_COUNTER = 10**COUNTER_WIDTH - 1


def format_stamp(ms: int, counter: int, device_id: str) -> str:
    return f"{ms:0{MS_WIDTH}d}:{counter:0{COUNTER_WIDTH}d}:{device_id}"


def parse_stamp(stamp: str) -> tuple[int, int, str]:
    """Split a stamp; raises ``ValueError`` with a readable message when it is malformed."""
    parts = stamp.split(":", 2)
    if (
        len(parts) != 3
        or len(parts[0]) != MS_WIDTH
        or len(parts[1]) != COUNTER_WIDTH
        or not parts[0].isdigit()
        or not parts[1].isdigit()
        or not parts[2]
    ):
        raise ValueError(f"malformed clock stamp {stamp!r}")
    return int(parts[0]), int(parts[1]), parts[2]


@functools.lru_cache(maxsize=4096)
def check_stamp(stamp: str) -> tuple[int, int, str]:
    """Split a stamp received from another party, strictly: the fixed format with a device
    id of 1 to ``MAX_DEVICE_ID_LENGTH`` characters and no control characters. Raises
    ``ValueError`` with a readable message that quotes at most the stamp's beginning.

    Remembered: an entry stamps every field it sends with one stamp, and a push checks
    each stamp twice (a refused stamp is not remembered; it raises every time)."""
    if len(stamp) > MAX_STAMP_LENGTH:
        raise ValueError(
            f"malformed clock stamp {stamp[:40]!r}... ({len(stamp)} characters, "
            f"at most {MAX_STAMP_LENGTH})"
        )
    ms, counter, device = parse_stamp(stamp)
    if len(device) > MAX_DEVICE_ID_LENGTH or not device.isprintable():
        raise ValueError(f"malformed clock stamp {stamp!r} (device id)")
    return ms, counter, device


def stamp_ms(stamp: str) -> int:
    return parse_stamp(stamp)[0]


def wall_clock_ms() -> int:
    return int(time.time() * 1000)


class HybridLogicalClock:
    """One device's clock. ``now()`` for a local event, ``observe()`` for a received stamp."""

    def __init__(
        self,
        device_id: str,
        last: str | None = None,
        wall_ms: Callable[[], int] = wall_clock_ms,
    ) -> None:
        self.device_id = device_id
        self._wall_ms = wall_ms
        self._lock = threading.Lock()
        self._ms, self._counter = 0, 0
        if last:
            self._ms, self._counter, _ = parse_stamp(last)

    @property
    def last(self) -> str:
        return format_stamp(self._ms, self._counter, self.device_id)

    def now(self) -> str:
        with self._lock:
            wall = self._wall_ms()
            if wall > self._ms:
                self._ms, self._counter = wall, 0
            else:
                self._advance_counter()
            return format_stamp(self._ms, self._counter, self.device_id)

    def observe(self, stamp: str) -> None:
        """Move this clock past a stamp seen from another device."""
        ms, counter, _ = parse_stamp(stamp)
        with self._lock:
            self._ms, self._counter = max((self._ms, self._counter), (ms, counter))

    def wall_ms(self) -> int:
        """The wall clock this clock reads (the computer's, unless a test gave another)."""
        return self._wall_ms()

    def reset_to_wall_clock(self) -> None:
        """Start again from the wall clock after it was found to have been ahead (set right
        since): stamps taken while it was ahead would keep every later one in the future."""
        with self._lock:
            self._ms, self._counter = self._wall_ms(), 0

    def _advance_counter(self) -> None:
        if self._counter >= MAX_COUNTER:
            self._ms += 1
            self._counter = 0
        else:
            self._counter += 1
