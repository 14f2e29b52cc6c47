"""HTTP API of the sync server: thin FastAPI routes over ``auth``, ``push`` and ``pull``.

Every request except ``/healthz``, ``/api/v1/version`` and the API docs must carry the
protocol header; a missing or different version is answered with 426 before anything else
runs. Bodies are capped (413), gzip request bodies are accepted, responses are gzipped when
the client accepts it. Every error answer is an ``ErrorBody``. Each request gets an id
(``X-Request-ID``, taken from the request when it carries a sane one) that appears in the
JSON request log; the log holds method, path (no query), status, duration and user id,
never a header or body, so no password or token is ever logged.
"""

from __future__ import annotations

import gc
import gzip
import json
import logging
import os
import re
import time
import uuid
import zlib
from collections.abc import Callable, Coroutine
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any
from urllib.parse import parse_qsl

import orjson
import sqlalchemy as sa
from fastapi import Depends, FastAPI, Header, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.responses import JSONResponse, Response
from fastapi.routing import APIRoute
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from fieldcrm.domain.hlc import wall_clock_ms
from fieldcrm.protocol import (
    DEVICE_REUSED,
    DEVICE_WIPE,
    ENTITY_NAMES,
    MAX_ROWS_PER_PAGE,
    PROTOCOL_HEADER,
    PROTOCOL_VERSION,
    SERVER_TIME_HEADER,
    ApiPaths,
    CalendarSubscription,
    CalendarSubscriptionRequest,
    DigestRequest,
    DigestResponse,
    ErrorBody,
    LoginRequest,
    LogoutRequest,
    PullPage,
    PushRequest,
    PushResponse,
    RefreshRequest,
    RekeyRequest,
    RowsRequest,
    RowsResponse,
    TokenResponse,
    UserInfo,
    VersionInfo,
)
from sync_server import auth, subscriptions
from sync_server import tables as t
from sync_server.config import Settings
from sync_server.db import make_engine, read_transaction, write_transaction
from sync_server.logs import request_id_var
from sync_server.pull import (
    CursorError,
    answer_tag,
    last_seq_now,
    parse_cursor,
    pull_page,
    range_digests,
    record_sync,
    rows_by_id,
    unchanged_since,
)
from sync_server.push import DeviceReused, precheck, push_answer
from sync_server.scope import Caller, caller_scopes, scopes_at
from sync_server.wipe import WipePending, confirm_wipe, refuse_if_wiped

log = logging.getLogger("fieldcrm.server")
request_log = logging.getLogger("fieldcrm.server.request")

#: Paths that answer without the protocol header.
UNVERSIONED = frozenset({ApiPaths.HEALTH, ApiPaths.VERSION, "/openapi.json", "/docs", "/redoc"})
#: Calendar programs fetch the subscription feed: they send no protocol header.
UNVERSIONED_PREFIXES = ("/docs", "/calendar/")
#: Deadlock, serialisation failure, and a unique key taken by a concurrent push (the same
#: new row from two requests): the transaction is rolled back; run again, it sees the
#: other one's row and merges into it.
RETRYABLE = frozenset({"40P01", "40001", "23505"})
PUSH_ATTEMPTS = 5
#: An answer of "nothing changed" (304) writes the device's last sync time only when the
#: one noted is older than this (the area manager's reports show it; idle polls stay reads).
SYNC_NOTE_AGE = timedelta(minutes=1)
#: The largest operation number a database column holds (signed 64-bit).
MAX_OP_NO = 2**63 - 1
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
#: A JSON escape of a surrogate or of NUL: only then is a body looked at more closely.
_SUSPECT_ESCAPE = re.compile(rb"\\u(?:[dD][89a-fA-F]|0000)")


def text_problem(body: bytes) -> str | None:
    """Why a JSON body's text cannot be stored, or ``None``: a lone surrogate (no character
    at all; not valid UTF-8) or a NUL character (PostgreSQL text cannot hold it, and on
    SQLite it cuts text short for many readers), anywhere in the body, keys included."""
    if not _SUSPECT_ESCAPE.search(body):
        return None
    try:
        value = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        if "surrogate" in str(exc):
            return "The request contains text that is not valid Unicode (a lone surrogate)."
        return None  # malformed JSON: the route answers that
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if "\x00" in item:
                return "The request contains a NUL character in a text; remove it."
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return None


def _sqlstate(exc: sa.exc.DBAPIError) -> str | None:
    return getattr(exc.orig, "sqlstate", None)


class PushRefused(Exception):
    """A push refused as a whole (422), with one detail per bad entry."""

    def __init__(self, code: str, message: str, details: list[dict[str, Any]]) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.details = details


class HealthStatus(BaseModel):
    status: str
    database: str


def error_response(
    status: int,
    code: str,
    message: str,
    details: list[dict[str, Any]] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    body = ErrorBody(code=code, message=message, details=details or [])
    return JSONResponse(body.model_dump(), status_code=status, headers=headers)


class GuardMiddleware:
    """Request id and log line, protocol version check, body cap and gzip request bodies."""

    def __init__(self, app: ASGIApp, max_body_bytes: int) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        wanted = headers.get("x-request-id", "")
        request_id = wanted if _REQUEST_ID.match(wanted) else uuid.uuid4().hex
        token = request_id_var.set(request_id)
        started = time.perf_counter()
        status = [500]
        bytes_out = [0]

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                status[0] = message["status"]
                head = MutableHeaders(scope=message)
                head.append("X-Request-ID", request_id)
                # The server's own time for this answer (benchmarks read it; RFC-style).
                spent = (time.perf_counter() - started) * 1000
                head.append("Server-Timing", f"app;dur={spent:.2f}")
            elif message["type"] == "http.response.body":
                bytes_out[0] += len(message.get("body", b""))
            await send(message)

        try:
            await self._guarded(scope, receive, send_with_id, headers)
        finally:
            state = scope.get("state") or {}
            request_log.info(
                "request",
                extra={
                    "request_id": request_id,
                    "method": scope["method"],
                    # A calendar address is a secret: its token is never logged.
                    "path": "/calendar/…"
                    if scope["path"].startswith("/calendar/")
                    else scope["path"],
                    "status": status[0],
                    "duration_ms": round((time.perf_counter() - started) * 1000, 2),
                    "bytes_out": bytes_out[0],
                    "user_id": state.get("user_id"),
                },
            )
            request_id_var.reset(token)

    async def _guarded(
        self, scope: Scope, receive: Receive, send: Send, headers: dict[str, str]
    ) -> None:
        if scope["path"] not in UNVERSIONED and not scope["path"].startswith(UNVERSIONED_PREFIXES):
            sent = headers.get(PROTOCOL_HEADER.lower())
            if sent != str(PROTOCOL_VERSION):
                what = (
                    "does not say which protocol it speaks"
                    if sent is None
                    else (f"speaks sync protocol {sent[:20]!r}")
                )
                await error_response(
                    426,
                    "protocol_mismatch",
                    f"This app {what}; the server speaks protocol {PROTOCOL_VERSION}. "
                    "Install the app version your administrator provides, then sync again.",
                    [{"server_protocol": PROTOCOL_VERSION, "header": PROTOCOL_HEADER}],
                    headers={"Upgrade": f"FieldCRM-Protocol/{PROTOCOL_VERSION}"},
                )(scope, receive, send)
                return
        polling = scope["method"] == "GET" and scope["path"] == ApiPaths.PULL
        if polling and "if-none-match" in headers and await _idle_poll(scope, headers, send):
            return
        if scope["method"] not in ("POST", "PUT", "PATCH"):
            await self.app(scope, receive, send)
            return
        too_large = error_response(
            413,
            "body_too_large",
            f"The request is larger than {self.max_body_bytes // (1024 * 1024)} MiB; "
            "send fewer changes per request.",
        )
        length = headers.get("content-length", "")
        if length.isdigit() and int(length) > self.max_body_bytes:
            await too_large(scope, receive, send)
            return
        if headers.get("content-type", "") == UPLOAD_CONTENT_TYPE and scope["path"].startswith(
            ApiPaths.UPLOADS + "/"
        ):
            # A part of an upload: bytes of a file, not JSON text. The route reads them as
            # they arrive (no copy held here, no text check over megabytes of a photo);
            # the cap still holds.
            await self.app(scope, _capped(receive, self.max_body_bytes), send)
            return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            body = message.get("body", b"")
            size += len(body)
            if size > self.max_body_bytes:
                await too_large(scope, receive, send)
                return
            chunks.append(body)
            if not message.get("more_body", False):
                break
        data = b"".join(chunks)
        if headers.get("content-encoding", "").lower() == "gzip":
            try:
                decoder = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
                data = decoder.decompress(data, self.max_body_bytes + 1)
            except (zlib.error, gzip.BadGzipFile):
                await error_response(400, "malformed_body", "The request body is not valid gzip.")(
                    scope, receive, send
                )
                return
            if len(data) > self.max_body_bytes:
                await too_large(scope, receive, send)
                return
            scope["headers"] = [
                (k, v)
                for k, v in scope["headers"]
                if k.lower() not in (b"content-encoding", b"content-length")
            ] + [(b"content-length", str(len(data)).encode())]
        problem = text_problem(data)
        if problem is not None:
            await error_response(422, "invalid_text", problem)(scope, receive, send)
            return
        delivered = False

        async def replay() -> Message:
            nonlocal delivered
            if delivered:
                return await receive()
            delivered = True
            return {"type": "http.request", "body": data, "more_body": False}

        await self.app(scope, replay, send)


#: Set in a request's scope when the idle check was made and found changes: the pull
#: route goes straight to the page.
IDLE_CHECKED = "fieldcrm.idle_checked"
_LIMIT = re.compile(r"^[0-9]{1,9}$")


async def _idle_poll(scope: Scope, headers: dict[str, str], send: Send) -> bool:
    """Answer an idle poll (a pull with ``If-None-Match``) with 304 when nothing changed
    for the caller, without the routing, dependencies and error handling of the app: the
    poll of every laptop every few minutes is most of a server's requests.

    The caller is checked all the same (token, session, device, wipe). True when the
    answer was sent; False hands the request to the app, which answers it in full: a
    page when something changed, and every error (no or bad token, a wipe, a bad cursor
    or limit, odd or repeated headers and parameters) as it always does."""
    tag_sent = headers["if-none-match"]
    authorization = headers.get("authorization", "")
    scheme, _, token = authorization.partition(" ")
    if len(tag_sent) > 128 or scheme.lower() != "bearer" or not token:
        return False
    names = [name for name, _ in scope["headers"]]
    if names.count(b"if-none-match") != 1 or names.count(b"authorization") != 1:
        return False
    params = parse_qsl(scope["query_string"].decode("latin-1"), keep_blank_values=True)
    query = dict(params)
    if len(query) != len(params) or not set(query) <= {"cursor", "limit"}:
        return False
    limit = query.get("limit", "1000")
    if not _LIMIT.match(limit) or not 1 <= int(limit) <= MAX_ROWS_PER_PAGE:
        return False
    cursor = query.get("cursor")
    try:
        after = parse_cursor(cursor)
        if cursor is not None and len(cursor) > 32:
            return False
        tag, caller, unchanged = _idle_check(scope["app"].state.engine, token, after, tag_sent)
    except (auth.AuthError, WipePending, CursorError):
        return False
    scope.setdefault("state", {})["user_id"] = caller.user_id
    if not unchanged:
        scope[IDLE_CHECKED] = True
        return False
    noted = caller.last_sync_at
    if noted is None or datetime.now(UTC) - noted > SYNC_NOTE_AGE:
        await run_in_threadpool(_note_sync, scope["app"].state.engine, caller.device_id)
    await send({"type": "http.response.start", "status": 304, "headers": [(b"etag", tag.encode())]})
    await send({"type": "http.response.body", "body": b""})
    return True


#: The content type of an upload part (as in the tus protocol).
UPLOAD_CONTENT_TYPE = "application/offset+octet-stream"


class BodyTooLarge(Exception):
    """A streamed request body grew past the cap."""


def _capped(receive: Receive, cap: int) -> Receive:
    seen = 0

    async def counted() -> Message:
        nonlocal seen
        message = await receive()
        seen += len(message.get("body", b""))
        if seen > cap:
            raise BodyTooLarge(f"The request is larger than {cap // (1024 * 1024)} MiB.")
        return message

    return counted


# ---- request bodies ----------------------------------------------------------------------


#: A run of 19 digits: an integer literal orjson may read as a float (it reads integers
#: beyond 64 bits as floats: 10**20 as 1e+20, -(2**63) - 1 as -9.2e+18), or just digits
#: in a text.
_LONG_DIGITS = re.compile(rb"[0-9]{19}")


def parse_json_body(body: bytes) -> Any:
    """A JSON body as the standard library reads it, by orjson when that reads it the same:
    not when it has a run of 19 digits (orjson would make a float of a long integer).
    A number of more digits than Python reads and nesting too deep for the parser are
    refused as malformed JSON (``json.JSONDecodeError``), with the reason."""
    if _LONG_DIGITS.search(body) is None:
        try:
            return orjson.loads(body)
        except orjson.JSONDecodeError:
            pass
    try:
        return json.loads(body)
    except json.JSONDecodeError:
        raise
    except RecursionError:
        raise json.JSONDecodeError("the JSON is nested too deeply", "", 0) from None
    except ValueError:
        raise json.JSONDecodeError("a number has too many digits", "", 0) from None


class FastJsonRequest(Request):
    """A request whose JSON body is parsed by orjson: a push of a thousand entries parses
    in a third of the time. What orjson refuses or reads otherwise (long integers,
    ``NaN``, text that is not UTF-8) goes to the standard library (``parse_json_body``),
    so every body is read, or refused, as it was."""

    async def json(self) -> Any:
        if not hasattr(self, "_json"):
            self._json = parse_json_body(await self.body())
        return self._json


class FastJsonRoute(APIRoute):
    """Routes that read their JSON bodies with ``FastJsonRequest``."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def with_fast_json(request: Request) -> Response:
            return await handler(FastJsonRequest(request.scope, request.receive))

        return with_fast_json


# ---- dependencies ------------------------------------------------------------------------


#: Headers of every answer that carries tokens (RFC 6749 section 5.1).
NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


def client_address(request: Request) -> str | None:
    """The caller's address; behind a reverse proxy, the one it forwards when the server
    runs with ``--forwarded-allow-ips`` (uvicorn then puts it here)."""
    return request.client.host if request.client else None


async def get_engine(request: Request) -> sa.Engine:
    # A coroutine, so FastAPI does not hand this lookup to its thread pool (a thread switch
    # per request; the route's own work still runs there).
    engine: sa.Engine = request.app.state.engine
    return engine


EngineDep = Annotated[sa.Engine, Depends(get_engine)]
_bearer = HTTPBearer(auto_error=False, description="The access token from a login or refresh")


BearerDep = Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]


def authenticated(
    conn: sa.Connection, request: Request, credentials: HTTPAuthorizationCredentials | None
) -> Caller:
    """The caller behind the request's access token (checked on ``conn``), or ``AuthError``."""
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise auth.AuthError(401, "not_authenticated", "Log in first (no access token sent).")
    caller = auth.authenticate(conn, credentials.credentials)
    request.state.user_id = caller.user_id
    return caller


def current_caller(request: Request, engine: EngineDep, credentials: BearerDep) -> Caller:
    with engine.connect() as conn:
        return authenticated(conn, request, credentials)


CurrentCaller = Annotated[Caller, Depends(current_caller)]


def user_info(conn: sa.Connection, user_id: str) -> UserInfo:
    acc = conn.execute(sa.select(t.account).where(t.account.c.id == user_id)).one()
    data = conn.execute(
        sa.select(t.record.c.data).where(t.record.c.entity == "user", t.record.c.id == user_id)
    ).scalar()
    display = (orjson.loads(data).get("display_name") if data else None) or acc.username
    scopes = caller_scopes(conn, acc.role, acc.territory_id)
    if scopes.write is None:
        territory_ids = sorted(scopes.territories - scopes.areas)
    else:
        territory_ids = sorted(scopes.write)
    return UserInfo(
        id=acc.id,
        username=acc.username,
        display_name=display,
        role=acc.role,
        territory_ids=territory_ids,
    )


# ---- application -------------------------------------------------------------------------

_ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorBody, "description": text}
    for code, text in (
        (400, "Bad request"),
        (401, "Not logged in, or the token is not valid"),
        (403, "Not allowed"),
        (413, "Request too large"),
        (422, "Invalid request"),
        (426, "Protocol version mismatch"),
        (429, "Too many failed logins"),
    )
}


def create_app(settings: Settings | None = None, engine: sa.Engine | None = None) -> FastAPI:
    settings = settings or Settings()
    app = FastAPI(
        title="FieldCRM sync server",
        version=settings.server_version,
        description=(
            f"Territory-scoped push and pull for FieldCRM clients. Every request except "
            f"/healthz and {ApiPaths.VERSION} carries the header "
            f"`{PROTOCOL_HEADER}: {PROTOCOL_VERSION}`."
        ),
        responses=_ERRORS,
        # The interactive pages load scripts from a CDN: off unless asked for.
        docs_url="/docs" if settings.api_docs else None,
        redoc_url="/redoc" if settings.api_docs else None,
    )
    app.router.route_class = FastJsonRoute
    app.state.engine = engine or make_engine(settings.database_url)
    app.state.settings = settings
    app.add_middleware(GZipMiddleware, minimum_size=1024, compresslevel=1)
    app.add_middleware(GuardMiddleware, max_body_bytes=settings.max_body_bytes)
    _install_error_handlers(app)
    _install_routes(app, settings)
    _install_verify_routes(app)
    from sync_server.files import install_file_routes

    install_file_routes(app)
    _install_calendar_routes(app)
    return app


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(auth.AuthError)
    async def _auth_error(request: Request, exc: auth.AuthError) -> JSONResponse:
        headers = {"Retry-After": str(exc.retry_after)} if exc.retry_after else {}
        if exc.status == 401:
            headers = {"WWW-Authenticate": "Bearer"}
        if request.url.path in (ApiPaths.LOGIN, ApiPaths.REFRESH):
            headers.update(NO_STORE)
        return error_response(exc.status, exc.code, exc.message, headers=headers)

    @app.exception_handler(PushRefused)
    async def _push_refused(_: Request, exc: PushRefused) -> JSONResponse:
        headers = {SERVER_TIME_HEADER: str(wall_clock_ms())} if exc.code == "clock_ahead" else None
        return error_response(422, exc.code, exc.message, exc.details[:100], headers)

    @app.exception_handler(BodyTooLarge)
    async def _body_too_large(_: Request, exc: BodyTooLarge) -> JSONResponse:
        return error_response(413, "body_too_large", str(exc))

    @app.exception_handler(DeviceReused)
    async def _device_reused(_: Request, exc: DeviceReused) -> JSONResponse:
        details = [{"op_no": op_no} for op_no in exc.op_nos[:100]]
        return error_response(409, DEVICE_REUSED, str(exc), details)

    @app.exception_handler(WipePending)
    async def _wipe_pending(_: Request, exc: WipePending) -> JSONResponse:
        return error_response(410, DEVICE_WIPE, str(exc), [{"now": exc.now}])

    @app.exception_handler(CursorError)
    async def _cursor_error(_: Request, exc: CursorError) -> JSONResponse:
        return error_response(400, "invalid_cursor", str(exc))

    @app.exception_handler(RequestValidationError)
    async def _invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors = list(exc.errors())
        details = [
            {"loc": [str(p) for p in e.get("loc", ())], "message": str(e.get("msg", ""))}
            for e in errors[:20]
        ]
        bad_json = [e for e in errors if e.get("type") == "json_invalid"]
        if bad_json:
            why = str((bad_json[0].get("ctx") or {}).get("error", ""))
            return error_response(
                400,
                "malformed_json",
                f"The request body is not valid JSON{': ' + why if why else ''}.",
                details,
            )
        summary = "; ".join(
            f"{'.'.join(d['loc'][1:] or d['loc'])}: {d['message']}" for d in details[:3]
        )
        return error_response(
            422, "invalid_request", f"The request is not valid: {summary}", details
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = {404: "not_found", 405: "method_not_allowed", 422: "invalid_request"}.get(
            exc.status_code, "http_error"
        )
        return error_response(exc.status_code, code, str(exc.detail))

    @app.exception_handler(Exception)
    async def _unexpected(_: Request, exc: Exception) -> JSONResponse:
        log.error("unexpected error", exc_info=exc)
        return error_response(
            500, "internal_error", "The server hit an unexpected error; it was logged."
        )


def _install_routes(app: FastAPI, settings: Settings) -> None:
    @app.get(ApiPaths.HEALTH, response_model=HealthStatus, tags=["operations"])
    def healthz(engine: EngineDep) -> Response:
        try:
            with engine.connect() as conn:
                conn.execute(sa.text("SELECT 1"))
        except sa.exc.SQLAlchemyError:
            return JSONResponse({"status": "unavailable", "database": "error"}, status_code=503)
        return JSONResponse({"status": "ok", "database": "ok"})

    @app.get(ApiPaths.VERSION, response_model=VersionInfo, tags=["operations"])
    def version() -> VersionInfo:
        return VersionInfo(
            server_version=settings.server_version,
            protocol_version=PROTOCOL_VERSION,
            min_client_version=settings.min_client_version,
            update_message=settings.update_message,
        )

    def token_response(engine: sa.Engine, issued: auth.IssuedTokens) -> TokenResponse:
        with engine.connect() as conn:
            info = user_info(conn, issued.user_id)
        return TokenResponse(
            access_token=issued.access_token,
            refresh_token=issued.refresh_token,
            expires_in=issued.expires_in,
            user=info,
            server_version=settings.server_version,
        )

    @app.post(ApiPaths.LOGIN, response_model=TokenResponse, tags=["auth"])
    def login(
        body: LoginRequest, engine: EngineDep, request: Request, response: Response
    ) -> TokenResponse:
        issued = auth.login(
            engine,
            body.username,
            body.password,
            body.device_id,
            body.device_name,
            client_address(request),
        )
        request.state.user_id = issued.user_id
        response.headers.update(NO_STORE)
        return token_response(engine, issued)

    @app.post(ApiPaths.REFRESH, response_model=TokenResponse, tags=["auth"])
    def refresh(
        body: RefreshRequest, engine: EngineDep, request: Request, response: Response
    ) -> TokenResponse:
        issued = auth.refresh(engine, body.refresh_token, body.device_id, client_address(request))
        request.state.user_id = issued.user_id
        response.headers.update(NO_STORE)
        return token_response(engine, issued)

    @app.post(ApiPaths.REKEY, response_model=TokenResponse, tags=["auth"])
    def rekey(body: RekeyRequest, caller: CurrentCaller, engine: EngineDep) -> TokenResponse:
        """A new device identity for this laptop (its own was reused by a copy of its
        profile): a new device with a session of its own; the old one stays with the copy."""
        try:
            with write_transaction(engine) as conn:
                issued = auth.rekey_device(conn, caller, body.new_device_id, body.device_name)
        except sa.exc.IntegrityError:
            # The same new id from a concurrent request (a retry racing its first attempt).
            raise auth.AuthError(
                409, "device_taken", "This device id is taken; choose another one."
            ) from None
        return token_response(engine, issued)

    @app.post(ApiPaths.LOGOUT, status_code=204, tags=["auth"])
    def logout(body: LogoutRequest, engine: EngineDep, request: Request) -> Response:
        auth.logout(engine, body.refresh_token, client_address(request))
        return Response(status_code=204)

    @app.get(ApiPaths.ME, response_model=UserInfo, tags=["auth"])
    def me(caller: CurrentCaller, engine: EngineDep) -> UserInfo:
        with engine.connect() as conn:
            return user_info(conn, caller.user_id)

    @app.post(ApiPaths.PUSH, response_model=PushResponse, tags=["sync"])
    def push_route(body: PushRequest, caller: CurrentCaller, engine: EngineDep) -> Response:
        refuse_if_wiped(caller, pushing=True)
        if body.device_id != caller.device_id:
            raise auth.AuthError(
                403,
                "device_mismatch",
                "This push names another device than the one that logged in.",
            )
        code, problems = precheck(body, wall_clock_ms())
        problems = [
            {
                "op_no": e.op_no,
                "field": "op_no",
                "message": f"operation numbers end at {MAX_OP_NO}",
            }
            for e in body.entries
            if e.op_no > MAX_OP_NO
        ] + problems
        if problems:
            first = problems[0]
            if code == "clock_ahead":
                message = (
                    "Changes are dated in the future: the clock of this computer is ahead. "
                    "Set the right date, time and time zone; nothing was saved on the server."
                )
            else:
                where = f" (entry {first['op_no']}, {first['field']})" if first["field"] else ""
                message = (
                    f"The push was refused: {first['message']}{where}; "
                    "nothing was saved on the server."
                )
            raise PushRefused(code, message, problems)
        for attempt in range(1, PUSH_ATTEMPTS + 1):
            try:
                with write_transaction(engine) as conn:
                    answer = push_answer(conn, caller, body)
                # The answer is JSON already (FastAPI would validate it again and encode it
                # with the standard library: a third of a push's time).
                return Response(answer, media_type="application/json")
            except sa.exc.DBAPIError as exc:
                # Two pushes locking the same rows in another order: PostgreSQL ends one
                # of them; it has written nothing and simply runs again.
                if attempt == PUSH_ATTEMPTS or _sqlstate(exc) not in RETRYABLE:
                    raise
                log.info("push retried", extra={"attempt": attempt, "sqlstate": _sqlstate(exc)})
        raise AssertionError("unreachable")  # pragma: no cover

    @app.post(ApiPaths.WIPE_CONFIRMED, status_code=204, tags=["auth"])
    def wipe_confirmed(caller: CurrentCaller, engine: EngineDep, request: Request) -> Response:
        with write_transaction(engine) as conn:
            confirm_wipe(conn, caller, client_address(request))
        return Response(status_code=204)

    @app.get(
        ApiPaths.PULL,
        response_model=PullPage,
        tags=["sync"],
        responses={304: {"description": "Nothing changed for the caller since the cursor"}},
    )
    async def pull_route(
        request: Request,
        credentials: BearerDep,
        engine: EngineDep,
        cursor: Annotated[str | None, Query(max_length=32)] = None,
        limit: Annotated[int, Query(ge=1, le=MAX_ROWS_PER_PAGE)] = 1000,
        if_none_match: Annotated[str | None, Header(max_length=128)] = None,
    ) -> Response:
        after = parse_cursor(cursor)
        if if_none_match is not None and not request.scope.get(IDLE_CHECKED):
            # An idle poll is answered here, on the event loop: one read transaction of
            # index probes, about a millisecond, instead of two thread switches (to the
            # thread pool and back), which on a busy server cost more than the work.
            tag, caller = _unchanged_answer(engine, request, credentials, after, if_none_match)
            if caller is not None:
                noted = caller.last_sync_at
                if noted is None or datetime.now(UTC) - noted > SYNC_NOTE_AGE:
                    await run_in_threadpool(_note_sync, engine, caller.device_id)
                return Response(status_code=304, headers={"ETag": tag})
        return await run_in_threadpool(
            _pull_answer, request, credentials, engine, after, limit, if_none_match
        )


def _unchanged_answer(
    engine: sa.Engine,
    request: Request,
    credentials: HTTPAuthorizationCredentials | None,
    after: int,
    if_none_match: str,
) -> tuple[str, Caller | None]:
    """The answer tag, and the caller when nothing changed for them since ``after`` (the
    tag they sent still holds): then the answer is 304."""
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise auth.AuthError(401, "not_authenticated", "Log in first (no access token sent).")
    tag, caller, unchanged = _idle_check(engine, credentials.credentials, after, if_none_match)
    request.state.user_id = caller.user_id
    return tag, caller if unchanged else None


def _idle_check(
    engine: sa.Engine, token: str, after: int, if_none_match: str
) -> tuple[str, Caller, bool]:
    """(answer tag, caller, whether nothing changed for them since ``after`` and the tag
    they sent still holds). Raises ``AuthError`` and ``WipePending``."""
    # The caller is checked in the poll's own snapshot: an idle poll is one transaction.
    # A wipe waiting for this device is answered before anything else, 304 included.
    with read_transaction(engine) as conn:
        caller = auth.authenticate(conn, token)
        refuse_if_wiped(caller)
        last_seq = last_seq_now(conn)
        scopes = scopes_at(conn, caller, last_seq)
        tag = answer_tag(conn, caller, scopes)
        unchanged = if_none_match == tag and unchanged_since(conn, scopes, after, last_seq)
    return tag, caller, unchanged


def _note_sync(engine: sa.Engine, device_id: str) -> None:
    with write_transaction(engine) as conn:
        record_sync(conn, device_id)


def _pull_answer(
    request: Request,
    credentials: HTTPAuthorizationCredentials | None,
    engine: sa.Engine,
    after: int,
    limit: int,
    if_none_match: str | None,
) -> Response:
    """A pull answer: a page, or 304 when the tag still holds and nothing changed."""
    with read_transaction(engine) as conn:
        caller = authenticated(conn, request, credentials)
        refuse_if_wiped(caller)
        scopes = caller_scopes(conn, caller.role, caller.territory_id, caller.user_id)
        tag = answer_tag(conn, caller, scopes)
        unchanged = if_none_match == tag and unchanged_since(conn, scopes, after)
        if unchanged:
            body, last = None, True
        else:
            body, last = pull_page(conn, caller, after, limit, scopes=scopes)
    # Nothing new for this caller: no write either, unless the team's "last synced"
    # time of this device is getting old.
    noted = caller.last_sync_at if unchanged else None
    if last and (noted is None or datetime.now(UTC) - noted > SYNC_NOTE_AGE):
        _note_sync(engine, caller.device_id)
    if body is None:
        return Response(status_code=304, headers={"ETag": tag})
    return Response(body, media_type="application/json", headers={"ETag": tag})


def _install_verify_routes(app: FastAPI) -> None:
    @app.post(ApiPaths.DIGEST, response_model=DigestResponse, tags=["sync"])
    def digest_route(body: DigestRequest, caller: CurrentCaller, engine: EngineDep) -> Response:
        refuse_if_wiped(caller)
        if body.entity not in ENTITY_NAMES:
            raise StarletteHTTPException(422, _unknown_entity(body.entity))
        with read_transaction(engine) as conn:
            ranges = range_digests(conn, caller, body)
        return Response(orjson.dumps({"ranges": ranges}), media_type="application/json")

    @app.post(ApiPaths.ROWS, response_model=RowsResponse, tags=["sync"])
    def rows_route(body: RowsRequest, caller: CurrentCaller, engine: EngineDep) -> Response:
        refuse_if_wiped(caller)
        if body.entity not in ENTITY_NAMES:
            raise StarletteHTTPException(422, _unknown_entity(body.entity))
        with read_transaction(engine) as conn:
            content = rows_by_id(conn, caller, body.entity, list(body.ids))
        return Response(content, media_type="application/json")


def _install_calendar_routes(app: FastAPI) -> None:
    @app.post(
        ApiPaths.CALENDAR_SUBSCRIPTION, response_model=CalendarSubscription, tags=["calendar"]
    )
    def new_calendar_subscription(
        body: CalendarSubscriptionRequest,
        caller: CurrentCaller,
        engine: EngineDep,
        request: Request,
    ) -> Response:
        try:
            with write_transaction(engine) as conn:
                token = subscriptions.new_subscription(
                    conn,
                    caller.user_id,
                    body.time_zone,
                    actor=caller.username,
                    address=client_address(request),
                )
        except ValueError as exc:
            return error_response(422, "invalid_time_zone", str(exc))
        answer = CalendarSubscription(path=subscriptions.feed_path(token), time_zone=body.time_zone)
        return Response(
            answer.model_dump_json(),
            media_type="application/json",
            headers={"Cache-Control": "no-store"},
        )

    @app.delete(ApiPaths.CALENDAR_SUBSCRIPTION, status_code=204, tags=["calendar"])
    def revoke_calendar_subscription(
        caller: CurrentCaller, engine: EngineDep, request: Request
    ) -> Response:
        with write_transaction(engine) as conn:
            subscriptions.revoke_subscription(
                conn, caller.user_id, actor=caller.username, address=client_address(request)
            )
        return Response(status_code=204)

    @app.get(ApiPaths.CALENDAR_FEED, tags=["calendar"], include_in_schema=False)
    def calendar_feed(token: str, engine: EngineDep) -> Response:
        body = None
        if 20 <= len(token) <= 100:
            with read_transaction(engine) as conn:
                body = subscriptions.feed(conn, token)
        if body is None:
            return error_response(404, "not_found", "There is no calendar at this address.")
        return Response(
            body,
            media_type="text/calendar; charset=utf-8",
            headers={"Cache-Control": "private, max-age=300"},
        )


def _unknown_entity(entity: str) -> str:
    return f"The request is not valid: there is no entity {entity[:32]!r} to verify."


def app_from_env() -> FastAPI:
    """Factory for ``uvicorn --factory`` (each worker process builds its own app)."""
    from sync_server.logs import configure

    # The level ``serve --log-level`` chose (each worker process reads it here).
    configure(os.environ.get("FIELDCRM_LOG_LEVEL", "INFO").upper())
    app = create_app(Settings())
    # What the process holds from here on (modules, the app, its routes) lives as long as
    # the process: the garbage collector stops walking it at every full collection, and
    # collects young objects less often (a push of a thousand entries makes hundreds of
    # thousands of them). Full collections had made single pushes 50-100 % slower.
    gc.freeze()
    gc.set_threshold(10_000, 10, 10)
    return app
