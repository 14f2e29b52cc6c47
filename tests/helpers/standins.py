"""Local stand-ins for the services IT may point the desktop at: a Nominatim-compatible
geocoder that enforces a rate limit (429 when asked too fast) and a map tile server."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse


class StandIn:
    """An HTTP server on 127.0.0.1 (port 0) in a thread; ``handle`` answers each GET."""

    def __init__(self, handle: Callable[[str], tuple[int, dict[str, str], bytes]]) -> None:
        self.handle = handle
        self.lock = threading.Lock()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                with outer.lock:
                    status, headers, body = outer.handle(self.path)
                self.send_response(status)
                for key, value in headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *_args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> StandIn:
        self.thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=30)


class Geocoder:
    """``/search?q=...&format=jsonv2``: known addresses answer a place, others ``[]``; a
    request sooner than ``min_interval`` after the last answered one gets 429."""

    def __init__(self, places: dict[str, tuple[float, float]], min_interval: float) -> None:
        self.places = places
        self.min_interval = min_interval
        self.answered: list[tuple[float, str]] = []  # (time, query) of each 200
        self.refused = 0

    def __call__(self, path: str) -> tuple[int, dict[str, str], bytes]:
        url = urlparse(path)
        if url.path != "/search":
            return 404, {}, b"[]"
        now = time.monotonic()
        if self.answered and now - self.answered[-1][0] < self.min_interval:
            self.refused += 1
            return 429, {"Retry-After": "1"}, b"too many requests"
        query = parse_qs(url.query).get("q", [""])[0]
        self.answered.append((now, query))
        place = self.places.get(query)
        body = [] if place is None else [{"lat": str(place[0]), "lon": str(place[1])}]
        return 200, {"Content-Type": "application/json"}, json.dumps(body).encode()


class TileServer:
    """``/{z}/{x}/{y}.png``: a small PNG per tile; counts the requests."""

    def __init__(self, png: bytes) -> None:
        self.png = png
        self.requests: list[str] = []

    def __call__(self, path: str) -> tuple[int, dict[str, str], bytes]:
        self.requests.append(path)
        parts = path.strip("/").removesuffix(".png").split("/")
        if len(parts) != 3 or not all(p.isdigit() for p in parts):
            return 404, {}, b""
        return 200, {"Content-Type": "image/png"}, self.png


@contextmanager
def serving(handler: Callable[[str], tuple[int, dict[str, str], bytes]]) -> Iterator[str]:
    with StandIn(handler) as standin:
        yield standin.url
