"""A process whose clock runs ahead: libfaketime (Debian package ``faketime``) preloaded."""

from __future__ import annotations

import glob

#: Where Debian and Ubuntu install the library (any architecture).
_CANDIDATES = (
    "/usr/lib/*/faketime/libfaketime.so.1",
    "/usr/lib/faketime/libfaketime.so.1",
    "/usr/local/lib/faketime/libfaketime.so.1",
)


def faketime_library() -> str | None:
    for pattern in _CANDIDATES:
        found = sorted(glob.glob(pattern))
        if found:
            return found[0]
    return None


def clock_ahead(offset: str) -> dict[str, str]:
    """Environment for a child process whose wall clock is ``offset`` ahead (e.g. ``+2d``).

    Only the wall clock moves; the monotonic clock (timeouts, retries) stays true.
    """
    library = faketime_library()
    assert library is not None, "libfaketime is not installed (Debian package faketime)"
    return {
        "LD_PRELOAD": library,
        "FAKETIME": offset,
        "FAKETIME_DONT_FAKE_MONOTONIC": "1",
        "FAKETIME_DONT_RESET": "1",
    }
