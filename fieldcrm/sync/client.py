"""HTTP client of the sync server: protocol header, retries with backoff, token refresh.

Environment faults (offline, timeouts, dropped connections, 5xx) are retried with
exponential backoff and jitter. A 4xx is not retried blindly: a 401 refreshes the access
token once and repeats the request; a revoked device, a disabled user or a protocol
mismatch raise their own exception and stop the sync. Responses are accepted gzip
compressed; pull pages are decoded with orjson, not pydantic, for speed.
"""

from __future__ import annotations

import ipaddress
import logging
import os
import random
import time
from collections.abc import Callable, Iterator, Mapping
from email.utils import parsedate_to_datetime
from typing import Any, Protocol, TypeVar

import httpx
import orjson

from fieldcrm import __version__
from fieldcrm.protocol import (
    DEVICE_REUSED,
    DEVICE_WIPE,
    MAX_ROWS_PER_PAGE,
    PROTOCOL_HEADER,
    PROTOCOL_VERSION,
    SERVER_TIME_HEADER,
    UPLOAD_OFFSET_HEADER,
    ApiPaths,
    CalendarSubscription,
    PushResponse,
    TokenResponse,
    UploadState,
    UserInfo,
    VersionInfo,
)
from fieldcrm.protocol.positional import check_tables, row_states
from fieldcrm.sync.errors import (
    AccessRevoked,
    ClockAhead,
    DeviceReused,
    InsecureConnection,
    LoginFailed,
    LoginRequired,
    NotLoggedIn,
    ProtocolMismatch,
    RequestRejected,
    ServerError,
    ServerMoved,
    ServerUnreachable,
    SyncError,
    TooManyAttempts,
    WipeRequested,
)
from fieldcrm.tls import tls_context

log = logging.getLogger("fieldcrm.sync")
T = TypeVar("T")

#: Statuses worth retrying: the server is overloaded, restarting or timed out.
RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504})
#: Error codes (``ErrorBody.code``) meaning an administrator ended this device's access.
REVOKED_MARKERS = ("device_revoked", "user_disabled", "disabled")


class TokenHolder(Protocol):
    """Where the client finds and keeps its tokens (see ``credentials.Credentials``)."""

    device_id: str
    access_token: str | None

    def refresh_token(self) -> str | None: ...

    def save_refresh_token(self, token: str) -> None: ...


class Traffic:
    """Bytes and requests seen on the wire, for benchmarks and the idle-sync check."""

    def __init__(self) -> None:
        self.requests = 0
        self.bytes_sent = 0
        self.bytes_received = 0

    def record(self, request: httpx.Request, response: httpx.Response) -> None:
        self.requests += 1
        head = sum(len(k) + len(v) + 4 for k, v in request.headers.raw) + len(request.url.raw_path)
        self.bytes_sent += head + len(request.content)
        head_in = sum(len(k) + len(v) + 4 for k, v in response.headers.raw)
        # num_bytes_downloaded counts the body as it came over the wire (compressed).
        self.bytes_received += head_in + response.num_bytes_downloaded


class SyncClient:
    """Talks to one sync server on behalf of one device."""

    def __init__(
        self,
        server_url: str,
        credentials: TokenHolder | None,
        transport: httpx.BaseTransport | None = None,
        *,
        timeout: float = 30.0,
        max_attempts: int = 6,
        backoff_base: float = 0.5,
        backoff_max: float = 30.0,
        sleep: Callable[[float], None] = time.sleep,
        jitter: Callable[[], float] = random.random,
    ) -> None:
        self.server_url = normalise_server_url(server_url)
        self.credentials = credentials
        self.max_attempts = max(1, max_attempts)
        self.backoff_base = backoff_base
        self.backoff_max = backoff_max
        self._sleep = sleep
        self._jitter = jitter
        self.traffic = Traffic()
        self.retries = 0
        self._http = httpx.Client(
            base_url=self.server_url,
            transport=transport,
            verify=tls_context(),
            timeout=httpx.Timeout(timeout, connect=min(timeout, 10.0)),
            headers={
                PROTOCOL_HEADER: str(PROTOCOL_VERSION),
                "Accept-Encoding": "gzip",
                "User-Agent": f"FieldCRM/{__version__}",
            },
        )

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> SyncClient:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    # ---- endpoints ------------------------------------------------------------------

    def version(self) -> VersionInfo:
        response = self._request("GET", ApiPaths.VERSION, auth=False)
        return VersionInfo.model_validate_json(response.content)

    def login(
        self, username: str, password: str, device_id: str, device_name: str | None = None
    ) -> TokenResponse:
        body = {"username": username, "password": password, "device_id": device_id}
        if device_name:
            body["device_name"] = device_name[:200]
        response = self._request("POST", ApiPaths.LOGIN, json_body=body, auth=False, login=True)
        tokens = TokenResponse.model_validate_json(response.content)
        self._adopt(tokens)
        return tokens

    def refresh(self) -> TokenResponse:
        """Trade the refresh token for a new pair (the server rotates refresh tokens)."""
        holder = self._holder()
        token = holder.refresh_token()
        if not token:
            raise LoginRequired("This device has no session with the server. Log in again.")
        body = {"refresh_token": token, "device_id": holder.device_id}
        response = self._request("POST", ApiPaths.REFRESH, json_body=body, auth=False, refresh=True)
        tokens = TokenResponse.model_validate_json(response.content)
        self._adopt(tokens)
        return tokens

    def logout(self) -> None:
        holder = self._holder()
        token = holder.refresh_token()
        if token:
            self._request("POST", ApiPaths.LOGOUT, json_body={"refresh_token": token}, auth=False)
        holder.access_token = None

    def confirm_wipe(self) -> None:
        """Tell the server this device has deleted its data (ends the device there)."""
        self._request("POST", ApiPaths.WIPE_CONFIRMED)

    def me(self) -> UserInfo:
        return UserInfo.model_validate_json(self._request("GET", ApiPaths.ME).content)

    def push(self, body: Mapping[str, Any]) -> dict[str, Any]:
        """Send a ``PushRequest`` (as a dict); returns the decoded ``PushResponse``."""
        response = self._request("POST", ApiPaths.PUSH, json_body=body)
        data: dict[str, Any] = orjson.loads(response.content)
        if not isinstance(data.get("results"), list):
            raise ServerError("The server sent a push answer this client cannot read.")
        return data

    def push_model(self, body: Mapping[str, Any]) -> PushResponse:
        return PushResponse.model_validate(self.push(body))

    def pull(
        self, cursor: str | None, limit: int = MAX_ROWS_PER_PAGE, if_none_match: str | None = None
    ) -> dict[str, Any] | None:
        """One page of changes after ``cursor`` (None: the first page of a snapshot).

        With ``if_none_match`` (the ``etag`` of an earlier answer, which the page carries
        under that key), ``None`` means the server has nothing new for this user (304).
        """
        params: dict[str, Any] = {"limit": limit}
        if cursor is not None:
            params["cursor"] = cursor
        headers = {"If-None-Match": if_none_match} if if_none_match else None
        response = self._request("GET", ApiPaths.PULL, params=params, extra_headers=headers)
        if response.status_code == 304:
            return None
        try:
            data: dict[str, Any] = orjson.loads(response.content)
        except orjson.JSONDecodeError:
            raise ServerError("The server sent a page this client cannot read.") from None
        if (
            not isinstance(data, dict)
            or not isinstance(data.get("cursor"), str)
            or not isinstance(data.get("tables", {}), dict)
        ):
            raise ServerError("The server sent a page this client cannot read.")
        etag = response.headers.get("ETag")
        if etag:
            data["etag"] = etag
        return data

    def digest(
        self, entity: str, ranges: list[tuple[int, int]], list_below: int = 0
    ) -> list[dict[str, Any]]:
        """The server's digests of the caller's rows of ``entity`` in ranges of versions."""
        body = {"entity": entity, "ranges": ranges, "list_below": list_below}
        data = self._decode(self._request("POST", ApiPaths.DIGEST, json_body=body))
        ranges_out = data.get("ranges")
        if not isinstance(ranges_out, list) or len(ranges_out) != len(ranges):
            raise ServerError("The server sent a verification answer this client cannot read.")
        return ranges_out

    def rows(self, entity: str, ids: list[str]) -> tuple[list[dict[str, Any]], list[str]]:
        """The current state of those ``ids`` the caller may see (with versions), and the
        ids the server says are outside the caller's scope or unknown. Ids in neither did
        not fit in the answer."""
        data = self._decode(
            self._request("POST", ApiPaths.ROWS, json_body={"entity": entity, "ids": ids})
        )
        tables, gone = data.get("tables"), data.get("gone")
        if not isinstance(tables, dict) or not check_tables(tables) or not isinstance(gone, list):
            raise ServerError("The server sent rows this client cannot read.")
        return row_states(tables), [str(i) for i in gone]

    def rekey(self, new_device_id: str, device_name: str | None = None) -> TokenResponse:
        """Ask for a new device identity with a session of its own (after ``device_reused``).
        The tokens are returned, not adopted: the caller first moves the profile over."""
        body: dict[str, Any] = {"new_device_id": new_device_id}
        if device_name:
            body["device_name"] = device_name[:200]
        response = self._request("POST", ApiPaths.REKEY, json_body=body)
        return TokenResponse.model_validate_json(response.content)

    # ---- attachment contents ------------------------------------------------------------

    def start_upload(self, attachment_id: str, size: int, sha256: str) -> UploadState:
        """Start or resume the upload of an attachment's content (``UploadState``)."""
        body = {"attachment_id": attachment_id, "size": size, "sha256": sha256}
        response = self._request("POST", ApiPaths.UPLOADS, json_body=body)
        return UploadState.model_validate_json(response.content)

    def upload_offset(self, upload_id: str) -> int:
        """The last byte the server acknowledged of an upload."""
        response = self._request("HEAD", ApiPaths.upload(upload_id))
        value = response.headers.get(UPLOAD_OFFSET_HEADER, "")
        if not value.isdigit():
            raise ServerError("The server sent an upload offset this client cannot read.")
        return int(value)

    def upload_part(self, upload_id: str, offset: int, data: bytes) -> UploadState:
        """Send bytes from ``offset``; a 409 ``offset_mismatch`` says where to go on."""
        response = self._request(
            "PATCH",
            ApiPaths.upload(upload_id),
            body=data,
            extra_headers={UPLOAD_OFFSET_HEADER: str(offset)},
        )
        return UploadState.model_validate_json(response.content)

    def download(self, attachment_id: str, sink: Callable[[Iterator[bytes]], T]) -> T:
        """Stream an attachment's content into ``sink`` (which gets the chunks) and return
        what it returns; errors as for every request (the server checks the scope)."""
        holder = self._holder()
        for attempt in range(2):
            if holder.access_token is None:
                self.refresh()
            headers = {
                "Authorization": f"Bearer {holder.access_token}",
                "Accept-Encoding": "identity",
            }
            try:
                with self._http.stream(
                    "GET", ApiPaths.content(attachment_id), headers=headers
                ) as response:
                    if response.status_code == 401 and attempt == 0:
                        response.read()
                        holder.access_token = None
                        continue
                    if response.status_code >= 300:
                        response.read()
                        self.traffic.record(response.request, response)
                        raise _error_for(response, login=False, refresh=False)
                    result = sink(response.iter_raw(1024 * 1024))
                    self.traffic.record(response.request, response)
                    return result
            except (httpx.TransportError, httpx.DecodingError) as exc:
                raise ServerUnreachable(
                    f"Cannot reach the server at {self.server_url} ({_describe(exc)}); "
                    "the file downloads with the next sync."
                ) from None
        raise LoginRequired("The session with the server has ended. Log in again.")

    def calendar_subscription(self, time_zone: str) -> str:
        """A new private calendar address (the full URL); any earlier one stops working."""
        response = self._request(
            "POST", ApiPaths.CALENDAR_SUBSCRIPTION, json_body={"time_zone": time_zone}
        )
        answer = CalendarSubscription.model_validate_json(response.content)
        return f"{self.server_url}{answer.path}"

    def revoke_calendar_subscription(self) -> None:
        self._request("DELETE", ApiPaths.CALENDAR_SUBSCRIPTION)

    def adopt(self, tokens: TokenResponse) -> None:
        """Use these tokens from now on (and keep the refresh token)."""
        self._adopt(tokens)

    @staticmethod
    def _decode(response: httpx.Response) -> dict[str, Any]:
        try:
            data = orjson.loads(response.content)
        except orjson.JSONDecodeError:
            raise ServerError("The server sent an answer this client cannot read.") from None
        if not isinstance(data, dict):
            raise ServerError("The server sent an answer this client cannot read.")
        return data

    # ---- machinery ------------------------------------------------------------------

    def _holder(self) -> TokenHolder:
        if self.credentials is None:
            raise NotLoggedIn("This profile is not logged in to a server. Run: fieldcrm login")
        return self.credentials

    def _adopt(self, tokens: TokenResponse) -> None:
        if self.credentials is not None:
            self.credentials.access_token = tokens.access_token
            self.credentials.save_refresh_token(tokens.refresh_token)

    def _request(
        self,
        method: str,
        path: str,
        *,
        json_body: Mapping[str, Any] | None = None,
        params: Mapping[str, Any] | None = None,
        auth: bool = True,
        login: bool = False,
        refresh: bool = False,
        body: bytes | None = None,
        extra_headers: Mapping[str, str] | None = None,
    ) -> httpx.Response:
        content = orjson.dumps(json_body) if json_body is not None else body
        refreshed = False
        attempt = 0
        while True:
            sent: dict[str, str] = {}
            if json_body is not None:
                sent["Content-Type"] = "application/json"
            if body is not None:
                sent["Content-Type"] = "application/offset+octet-stream"
            sent.update(extra_headers or {})
            if auth:
                holder = self._holder()
                if holder.access_token is None:
                    self.refresh()
                    refreshed = True
                sent["Authorization"] = f"Bearer {holder.access_token}"
            try:
                response = self._http.request(
                    method, path, content=content, params=params, headers=sent
                )
                response.read()
            except (httpx.TransportError, httpx.DecodingError) as exc:
                failure: SyncError = ServerUnreachable(
                    f"Cannot reach the server at {self.server_url} ({_describe(exc)}). "
                    "Check the network connection; changes stay queued on this laptop.",
                )
            else:
                self.traffic.record(response.request, response)
                if response.status_code == 304:
                    return response  # "not modified", asked for with If-None-Match
                if 300 <= response.status_code < 400:
                    raise _moved(self.server_url, response)
                if response.status_code < 400:
                    return response
                if response.status_code == 401 and auth and not refreshed:
                    refreshed = True
                    self._holder().access_token = None
                    continue  # the next round refreshes the access token first
                if response.status_code == 429 and login:
                    raise _error_for(response, login=login, refresh=refresh)
                if response.status_code not in RETRY_STATUSES:
                    raise _error_for(response, login=login, refresh=refresh)
                failure = _error_for(response, login=login, refresh=refresh)
            attempt += 1
            if attempt >= self.max_attempts:
                raise failure
            self.retries += 1
            delay = self._backoff(attempt, failure)
            log.info("sync request %s %s failed (%s); retry in %.2fs", method, path, failure, delay)
            self._sleep(delay)

    def _backoff(self, attempt: int, failure: SyncError) -> float:
        """Exponential backoff with jitter: half the step fixed, half random."""
        step = min(self.backoff_max, self.backoff_base * (2 ** (attempt - 1)))
        if failure.retry_after is not None:
            step = max(step, min(failure.retry_after, self.backoff_max))
        return step / 2 + step / 2 * self._jitter()


def normalise_server_url(url: str) -> str:
    url = url.strip()
    if not url.startswith(("http://", "https://")):
        raise ValueError(
            f"{url!r} is not a server address (it must start with http:// or https://)"
        )
    return url.rstrip("/")


#: Set to 1 (by IT, machine-wide) to allow plain http:// to hosts other than this computer.
ALLOW_HTTP_ENV = "FIELDCRM_ALLOW_HTTP"


def is_loopback_host(host: str) -> bool:
    host = host.strip("[]").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_plain_http(url: str, allow_http: bool = False) -> None:
    """Refuse ``http://`` to any host but this computer unless allowed (by the caller, or
    by IT with ``FIELDCRM_ALLOW_HTTP=1``): the password would cross the network in clear."""
    parsed = httpx.URL(normalise_server_url(url))
    if parsed.scheme != "http" or is_loopback_host(parsed.host):
        return
    if allow_http or os.environ.get(ALLOW_HTTP_ENV, "").lower() in ("1", "true", "yes"):
        return
    secure = "https://" + str(parsed)[len("http://") :]
    raise InsecureConnection(
        f"{url} uses plain HTTP: the password and your data would travel unencrypted, "
        f"readable by anyone on the network. Use {secure} (ask IT for the right address); "
        "if IT really runs the server without encryption, they can allow it."
    )


def _moved(server_url: str, response: httpx.Response) -> ServerMoved:
    location = response.headers.get("location")
    if location and location.startswith("https://") and server_url.startswith("http://"):
        target = httpx.URL(location)
        location = f"https://{target.netloc.decode()}"
        message = (
            f"The server at {server_url} sends everything on to {location} (encrypted). "
            f"Use {location} as the server address."
        )
    else:
        message = (
            f"The server at {server_url} answered with a redirect to {location or 'nowhere'}; "
            "check the server address with IT."
        )
    return ServerMoved(message, status=response.status_code, location=location)


def _describe(exc: httpx.TransportError | httpx.DecodingError) -> str:
    if isinstance(exc, httpx.TimeoutException):
        return "timed out"
    if isinstance(exc, httpx.ConnectError):
        return "connection refused or no network"
    if isinstance(exc, httpx.RemoteProtocolError):
        return "connection dropped"
    if isinstance(exc, httpx.DecodingError):
        return "the answer arrived damaged"
    return exc.__class__.__name__


def _error_body(
    response: httpx.Response,
) -> tuple[str | None, str | None, list[dict[str, Any]]]:
    """The ``ErrorBody`` of an answer: code, sentence and per-item details."""
    try:
        data = orjson.loads(response.content)
    except orjson.JSONDecodeError:
        return None, None, []
    if not isinstance(data, dict):
        return None, None, []
    detail = data.get("detail")
    if isinstance(detail, dict):  # FastAPI's HTTPException(detail={...})
        data = detail
    code = data.get("code")
    message = data.get("message")
    if message is None and isinstance(detail, str):
        message = detail
    details = data.get("details")
    items = [d for d in details if isinstance(d, dict)] if isinstance(details, list) else []
    return (str(code) if code else None), (str(message) if message else None), items


def _server_time_ms(response: httpx.Response) -> int | None:
    """The server's clock when it answered: its own header, else the HTTP ``Date``."""
    exact = response.headers.get(SERVER_TIME_HEADER, "")
    if exact.isdigit():
        return int(exact)
    try:
        return int(parsedate_to_datetime(response.headers["Date"]).timestamp() * 1000)
    except (KeyError, TypeError, ValueError, IndexError):
        return None


def _error_for(response: httpx.Response, *, login: bool, refresh: bool) -> SyncError:
    status = response.status_code
    code, server_message, details = _error_body(response)
    said = f" The server said: {server_message}" if server_message else ""
    lowered = (code or "").lower()
    if code == DEVICE_WIPE:
        now = any(isinstance(d, dict) and d.get("now") is True for d in details or [])
        return WipeRequested(
            "An administrator asked this laptop to delete its FieldCRM data.",
            status=status,
            code=code,
            now=now,
        )
    if status == 426 or lowered.startswith("protocol"):
        return ProtocolMismatch(
            "This FieldCRM version cannot sync with the server (protocol version "
            f"{PROTOCOL_VERSION} is not accepted). Update FieldCRM or ask IT.{said}",
            status=status,
            code=code,
        )
    if status in (401, 403) and any(marker in lowered for marker in REVOKED_MARKERS):
        return AccessRevoked(
            "The server no longer accepts this device or user (revoked or disabled by an "
            f"administrator). Sync has stopped; ask IT to restore access.{said}",
            status=status,
            code=code,
        )
    if login and status in (400, 401, 403):
        return LoginFailed(
            f"Login failed: wrong user name or password.{said}", status=status, code=code
        )
    if status == 429:
        error: SyncError = (
            TooManyAttempts(
                f"Too many failed logins; wait a minute and try again.{said}",
                status=status,
                code=code,
            )
            if login
            else ServerError(f"The server is busy (429).{said}", status=status, code=code)
        )
        retry_after = response.headers.get("Retry-After")
        if retry_after and retry_after.isdigit():
            error.retry_after = float(retry_after)
        return error
    if "session_revoked" in lowered:
        return LoginRequired(
            "The server ended this laptop's session (a logout elsewhere, or an administrator "
            f"revoked the device). Log in again.{said}",
            status=status,
            code=code,
        )
    if status == 401 or (refresh and status in (400, 403)):
        return LoginRequired(
            f"The session with the server has ended. Log in again.{said}", status=status, code=code
        )
    if status == 403:
        return AccessRevoked(
            f"The server refused access for this device or user.{said}", status=status, code=code
        )
    if status >= 500 or status in RETRY_STATUSES:
        return ServerError(
            f"The server reported an error ({status}).{said}", status=status, code=code
        )
    if code == DEVICE_REUSED:
        return DeviceReused(
            "This laptop's device identity was used by another copy of its profile.",
            status=status,
            code=code,
            details=details,
        )
    if code == "clock_ahead":
        server_ms = _server_time_ms(response)
        return ClockAhead(
            "Changes on this laptop are dated in the future: its clock is ahead of the "
            "server's. Set the right date, time and time zone; the changes stay queued and "
            "are sent once the clock is right.",
            status=status,
            code=code,
            details=details,
            server_ms=server_ms,
        )
    return RequestRejected(
        f"The server refused the request ({status}).{said}",
        status=status,
        code=code,
        details=details,
    )
