"""The TLS settings of every connection the app makes to its sync server, made once.

Making them loads the certificate authorities (httpx's defaults: certifi's bundle, or
``SSL_CERT_FILE`` / ``SSL_CERT_DIR``), about 50 ms of C code that holds the GIL. Done for
every new HTTP client on the sync thread, it held up the app's window each time; so the
context is made once (the desktop app does it before its window shows) and shared.
"""

from __future__ import annotations

import ssl
import threading

import httpx

_context: ssl.SSLContext | None = None
_lock = threading.Lock()


def tls_context() -> ssl.SSLContext:
    """The shared context (made on first use)."""
    global _context
    with _lock:
        if _context is None:
            _context = httpx.create_ssl_context()
        return _context
