"""Client-generated, time-ordered identifiers (UUID version 7, RFC 9562)."""

from __future__ import annotations

import os
import threading
import time
import uuid

_lock = threading.Lock()
_last_ms = 0
_last_rand_a = 0


def uuid7(now_ms: int | None = None) -> str:
    """Return a new UUIDv7 as text; ids made in one process sort in creation order.

    Within one millisecond the 12-bit ``rand_a`` field works as a counter (RFC 9562,
    method 1), so ids stay strictly increasing even for bursts of writes.
    """
    global _last_ms, _last_rand_a
    rand = int.from_bytes(os.urandom(10), "big")  # one system call for all random bits
    with _lock:
        ms = int(time.time() * 1000) if now_ms is None else now_ms
        if ms <= _last_ms:
            ms = _last_ms
            _last_rand_a += 1
            if _last_rand_a > 0xFFF:
                ms += 1
                _last_rand_a = 0
        else:
            # Start low in the 12 bits so a burst has room to count up within this ms.
            _last_rand_a = (rand >> 62) & 0x3FF
        _last_ms = ms
        rand_a = _last_rand_a
    return _compose(ms, rand_a, rand & ((1 << 62) - 1))


def uuid7_at(ms: int) -> str:
    """A UUIDv7 that carries exactly the time ``ms`` (for records dated by someone else)."""
    rand = int.from_bytes(os.urandom(10), "big")
    return _compose(ms, (rand >> 62) & 0xFFF, rand & ((1 << 62) - 1))


def _compose(ms: int, rand_a: int, rand_b: int) -> str:
    value = (ms & ((1 << 48) - 1)) << 80 | 0x7 << 76 | rand_a << 64 | 0b10 << 62 | rand_b
    h = f"{value:032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def new_device_id() -> str:
    """A random device id (one per local database)."""
    return uuid.uuid4().hex
