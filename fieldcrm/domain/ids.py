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
    method 1), so ids stay strictly increasing even for bursts of writes. With ``now_ms``
    the id carries exactly that time (for records dated by someone, e.g. imports).
    """
    if now_ms is not None:
        return _compose(now_ms, int.from_bytes(os.urandom(2), "big") & 0xFFF)
    global _last_ms, _last_rand_a
    with _lock:
        ms = int(time.time() * 1000)
        if ms <= _last_ms:
            ms = _last_ms
            _last_rand_a += 1
            if _last_rand_a > 0xFFF:
                ms += 1
                _last_rand_a = 0
        else:
            _last_rand_a = int.from_bytes(os.urandom(2), "big") & 0x3FF
        _last_ms = ms
        rand_a = _last_rand_a
    return _compose(ms, rand_a)


def _compose(ms: int, rand_a: int) -> str:
    rand_b = int.from_bytes(os.urandom(8), "big") & ((1 << 62) - 1)
    value = (ms & ((1 << 48) - 1)) << 80 | 0x7 << 76 | rand_a << 64 | 0b10 << 62 | rand_b
    return str(uuid.UUID(int=value))


def new_device_id() -> str:
    """A random device id (one per local database)."""
    return uuid.uuid4().hex
