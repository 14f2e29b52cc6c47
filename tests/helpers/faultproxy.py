"""A small fault-injecting TCP proxy on 127.0.0.1 for sync tests.

It forwards connections to a real server and, for requests that match a byte pattern,
can delay them, cut the connection after N bytes of the request or the response, or drop
the response after the server has answered (so the server committed, the client never
hears of it). Faults are queued and each is used once.

``triggered`` lists the faults that have actually happened, in order: ``delay`` and
``cut_request`` when the request arrives, ``cut_response`` when the response is cut, and
``drop_response`` only once the server's answer has started arriving at the proxy (its
status line is in), i.e. after the server finished handling the request; its
``on_fire`` callback runs at that moment, before the client's connection is dropped.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

FaultKind = Literal["delay", "cut_request", "cut_response", "drop_response"]


@dataclass
class Fault:
    kind: FaultKind
    #: Only requests containing these bytes trigger the fault (e.g. b"/sync/push").
    match: bytes = b""
    #: Bytes to pass before cutting (cut_request / cut_response).
    after_bytes: int = 0
    #: Seconds to hold the request back (delay).
    seconds: float = 0.0
    #: drop_response only: called once the server's status line has arrived and before
    #: the client's connection is dropped (e.g. to SIGKILL the server at that moment).
    on_fire: Callable[[], None] | None = None


class FaultProxy:
    """``with FaultProxy(port) as proxy:`` then talk to ``proxy.url``."""

    def __init__(self, target_port: int, target_host: str = "127.0.0.1") -> None:
        self.target = (target_host, target_port)
        self._faults: list[Fault] = []
        self._lock = threading.Lock()
        self._fired = threading.Condition(self._lock)
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port: int = self._listener.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._sockets: list[socket.socket] = []
        self.triggered: list[FaultKind] = []

    def add(self, fault: Fault) -> None:
        with self._lock:
            self._faults.append(fault)

    @property
    def pending_faults(self) -> int:
        with self._lock:
            return len(self._faults)

    def wait_fired(self, kind: FaultKind, timeout: float = 60.0) -> None:
        """Block until a fault of ``kind`` has happened (see ``triggered``)."""
        with self._fired:
            if not self._fired.wait_for(lambda: kind in self.triggered, timeout):
                raise AssertionError(f"the {kind} fault did not happen within {timeout} s")

    def _mark_fired(self, kind: FaultKind) -> None:
        with self._fired:
            self.triggered.append(kind)
            self._fired.notify_all()

    def __enter__(self) -> FaultProxy:
        thread = threading.Thread(target=self._accept_loop, daemon=True)
        thread.start()
        self._threads.append(thread)
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._stop.set()
        with contextlib.suppress(OSError):
            self._listener.close()
        with self._lock:
            sockets = list(self._sockets)
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.close()

    def _take_fault(self, data: bytes) -> Fault | None:
        with self._lock:
            for index, fault in enumerate(self._faults):
                if fault.match in data:
                    del self._faults[index]
                    break
            else:
                return None
        if fault.kind in ("delay", "cut_request"):
            # These happen right here, to the request; the response faults are marked
            # by the pump when they actually happen.
            self._mark_fired(fault.kind)
        return fault

    def _accept_loop(self) -> None:
        self._listener.settimeout(0.2)
        while not self._stop.is_set():
            try:
                client, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            thread = threading.Thread(target=self._serve, args=(client,), daemon=True)
            thread.start()

    def _serve(self, client: socket.socket) -> None:
        try:
            upstream = socket.create_connection(self.target, timeout=10)
        except OSError:
            client.close()
            return
        with self._lock:
            self._sockets += [client, upstream]
        state = _Connection(client, upstream)
        back = threading.Thread(target=self._pump_back, args=(state,), daemon=True)
        back.start()
        try:
            while not state.closed:
                try:
                    data = client.recv(65536)
                except OSError:
                    break
                if not data:
                    break
                fault = self._take_fault(data)
                if fault is not None:
                    state.fault = fault
                    if fault.kind == "delay":
                        time.sleep(fault.seconds)
                    elif fault.kind == "cut_request":
                        with contextlib.suppress(OSError):
                            upstream.sendall(data[: fault.after_bytes])
                        state.close()
                        break
                try:
                    upstream.sendall(data)
                except OSError:
                    break
        finally:
            with contextlib.suppress(OSError):
                upstream.shutdown(socket.SHUT_WR)
            back.join(timeout=30)
            state.close()

    def _pump_back(self, state: _Connection) -> None:
        current: Fault | None = None
        sent = 0  # bytes of the response to the current fault's request passed on
        held = b""  # drop_response: the beginning of the answer, never passed on
        while not state.closed:
            try:
                data = state.upstream.recv(65536)
            except OSError:
                break
            if not data:
                break
            fault = state.fault
            if fault is not current:
                # A new fault was armed for the request whose answer this is.
                current, sent, held = fault, 0, b""
            if fault is not None and fault.kind == "drop_response":
                held += data
                if b"\r\n" not in held:
                    continue  # wait for the whole status line
                # The server has answered, so it has committed; the client never hears
                # of it.
                try:
                    if fault.on_fire is not None:
                        fault.on_fire()
                finally:
                    state.close()
                    self._mark_fired("drop_response")
                break
            if fault is not None and fault.kind == "cut_response":
                remaining = fault.after_bytes - sent
                if remaining <= len(data):
                    with contextlib.suppress(OSError):
                        state.client.sendall(data[: max(remaining, 0)])
                    state.close()
                    self._mark_fired("cut_response")
                    break
            try:
                state.client.sendall(data)
            except OSError:
                break
            sent += len(data)
        state.close()


class _Connection:
    def __init__(self, client: socket.socket, upstream: socket.socket) -> None:
        self.client = client
        self.upstream = upstream
        self.fault: Fault | None = None
        self.closed = False
        self._lock = threading.Lock()

    def close(self) -> None:
        with self._lock:
            if self.closed:
                return
            self.closed = True
        for sock in (self.client, self.upstream):
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            with contextlib.suppress(OSError):
                sock.close()
