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
    with _lock:
        ms = int(time.time() * 1000) if now_ms is None else now_ms
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


def uuid7_at(ms: int) -> str:
    """A UUIDv7 that carries exactly the time ``ms`` (for records dated by someone else)."""
    return _compose(ms, int.from_bytes(os.urandom(2), "big") & 0xFFF)


def _compose(ms: int, rand_a: int) -> str:
    rand_b = int.from_bytes(os.urandom(8), "big") & ((1 << 62) - 1)
    value = (ms & ((1 << 48) - 1)) << 80 | 0x7 << 76 | rand_a << 64 | 0b10 << 62 | rand_b
    return str(uuid.UUID(int=value))


def new_device_id() -> str:
    """A random device id (one per local database)."""
    return uuid.uuid4().hex
