"""Is this client recent enough for its server? Versions of both, and what to tell the user.

The server publishes ``VersionInfo`` at ``/api/v1/version`` (no login): its own version, its
protocol version, the oldest client version it accepts and the message IT wants an
out-of-date client to show. No Qt here, so the command line and the GUI share it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from fieldcrm import __version__
from fieldcrm.protocol import PROTOCOL_VERSION, ApiPaths, VersionInfo

DEFAULT_UPDATE_MESSAGE = (
    "This FieldCRM ({client}) is too old for the server, which needs {minimum} or newer. "
    "Please install the update your IT department provides; your local data is kept."
)
PROTOCOL_MESSAGE = (
    "This FieldCRM ({client}) cannot talk to the server (FieldCRM {server}): they use "
    "different sync protocols. Please install the version your IT department provides; "
    "your local data is kept."
)


class UpdateRequiredError(RuntimeError):
    """The server refuses this client's version; the message says what to do."""


def version_key(version: str) -> tuple[int, ...]:
    """Comparable form of ``1.2.10``: numbers per dot-separated part, suffixes ignored."""
    parts = []
    for piece in version.strip().split("."):
        match = re.match(r"\d+", piece)
        if match is None:
            break
        parts.append(int(match.group()))
    if not parts:
        raise ValueError(f"not a version number: {version!r}")
    while len(parts) > 1 and parts[-1] == 0:
        parts.pop()  # 1.2 == 1.2.0
    return tuple(parts)


@dataclass(frozen=True, slots=True)
class VersionCheck:
    """The outcome of comparing this client with what its server said."""

    client_version: str
    server_version: str
    min_client_version: str
    protocol_compatible: bool
    update_required: bool
    message: str | None  # for the user; None when all is well


def evaluate(
    info: VersionInfo,
    client_version: str = __version__,
    protocol_version: int = PROTOCOL_VERSION,
) -> VersionCheck:
    """Compare a client with the server's ``VersionInfo``."""
    protocol_ok = info.protocol_version == protocol_version
    too_old = version_key(client_version) < version_key(info.min_client_version)
    message: str | None = None
    if too_old:
        message = (info.update_message or "").strip() or DEFAULT_UPDATE_MESSAGE.format(
            client=client_version, minimum=info.min_client_version
        )
    elif not protocol_ok:
        message = PROTOCOL_MESSAGE.format(client=client_version, server=info.server_version)
    return VersionCheck(
        client_version=client_version,
        server_version=info.server_version,
        min_client_version=info.min_client_version,
        protocol_compatible=protocol_ok,
        update_required=too_old or not protocol_ok,
        message=message,
    )


def fetch_version_info(
    server_url: str, *, transport: Any = None, client: Any = None, timeout: float = 10
) -> VersionInfo:
    """``GET /api/v1/version`` of the server (raises httpx errors when it is unreachable).

    ``client`` is an ``httpx.Client`` to use instead of a new one (``transport`` for a new one).
    """
    import httpx

    from fieldcrm.tls import tls_context

    url = server_url.rstrip("/") + ApiPaths.VERSION
    if client is not None:
        response = client.get(url)
    else:
        with httpx.Client(transport=transport, timeout=timeout, verify=tls_context()) as http:
            response = http.get(url)
    response.raise_for_status()
    return VersionInfo.model_validate_json(response.content)


def check_server(
    server_url: str, *, transport: Any = None, client: Any = None, client_version: str = __version__
) -> VersionCheck:
    info = fetch_version_info(server_url, transport=transport, client=client)
    return evaluate(info, client_version)
