"""Attachment contents over HTTP: resumable uploads (the tus offset model) and downloads
checked against the caller's scope.

- ``POST /files/uploads`` with the attachment's id, size and SHA-256 starts an upload, or
  answers the one this user already has for that attachment (resume). Only the author of
  an attachment the caller may see uploads it; the size limit and the user's quota are
  checked here. The answer carries the upload id and the acknowledged offset.
- ``HEAD /files/uploads/<id>`` answers the offset (``Upload-Offset``) after a break.
- ``PATCH /files/uploads/<id>`` with ``Upload-Offset`` sends the bytes from there. A part
  at another offset is answered 409 with the right one. The part is stored and the offset
  advanced in one transaction; a part stored whose answer was lost is simply sent again.
  At the last byte the whole is checked by its SHA-256 (a mismatch drops it and starts
  over at 0), stored once per content, and the attachment record is marked uploaded
  (``uploaded_at``) through the ordinary write path, so every laptop in scope pulls it.
- ``GET /files/attachments/<id>/content`` reads the content of an attachment the caller
  may see, like a pull row; an attachment of another territory is answered exactly like
  an unknown one. There is no other way to a content: nothing is addressed by its hash.

Every upload must send the bytes, even of a content the server already has: a hash alone
proves nothing (it could have been read from a record of another territory).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import orjson
import sqlalchemy as sa
from fastapi import FastAPI, Header, Request
from fastapi.responses import JSONResponse, Response, StreamingResponse

from fieldcrm.protocol import (
    CONTENT_SHA256_HEADER,
    UPLOAD_OFFSET_HEADER,
    ApiPaths,
    UploadCreate,
    UploadState,
)
from sync_server import tables as t
from sync_server.api import CurrentCaller, EngineDep
from sync_server.db import read_transaction, write_transaction
from sync_server.scope import Caller, caller_scopes
from sync_server.storage import (
    ContentMismatch,
    ContentMissing,
    ContentStorage,
    PartGap,
    storage_from_settings,
)

log = logging.getLogger("fieldcrm.server.files")


class FileError(Exception):
    """An upload or download refused: HTTP status, code and a sentence."""

    def __init__(
        self, status: int, code: str, message: str, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers or {}


NOT_FOUND_MESSAGE = "There is no such attachment, or it is outside what you may see."


def default_files_dir(database_url: str) -> Path:
    """Next to a SQLite database file (``server.db`` -> ``server-files``), else here."""
    url = sa.make_url(database_url)
    if url.drivername.startswith("sqlite") and url.database and url.database != ":memory:":
        db = Path(url.database)
        return db.with_name(f"{db.stem}-files")
    return Path("fieldcrm-files")


def app_storage(request: Request) -> ContentStorage:
    """The server's content storage, made on first use (settings decide the backend)."""
    storage: ContentStorage | None = getattr(request.app.state, "storage", None)
    if storage is None:
        settings = request.app.state.settings
        files_dir = settings.files_dir or default_files_dir(settings.database_url)
        storage = storage_from_settings(Path(files_dir), settings.s3_bucket, settings.s3_options)
        request.app.state.storage = storage
    return storage


def _now() -> datetime:
    return datetime.now(UTC)


def _attachment(conn: sa.Connection, caller: Caller, attachment_id: str) -> dict[str, Any]:
    """The live attachment record ``attachment_id`` if the caller may see it (404 else)."""
    r = t.record.c
    row = conn.execute(
        sa.select(r.scope, r.data, r.deleted).where(r.entity == "attachment", r.id == attachment_id)
    ).first()
    if row is None or row.deleted:
        raise FileError(404, "not_found", NOT_FOUND_MESSAGE)
    # The personal and audience scopes too: a bulletin's documents are filed with it.
    scopes = caller_scopes(conn, caller.role, caller.territory_id, caller.user_id)
    if not scopes.can_read(row.scope):
        raise FileError(404, "not_found", NOT_FOUND_MESSAGE)
    data: dict[str, Any] = orjson.loads(row.data)
    return data


def _state(row: Any) -> UploadState:
    return UploadState(
        upload_id=row.id, offset=row.offset, size=row.size, complete=row.completed_at is not None
    )


def _locked_upload(conn: sa.Connection, caller: Caller, upload_id: str) -> Any:
    query = sa.select(t.upload).where(t.upload.c.id == upload_id)
    if conn.dialect.name == "postgresql":
        query = query.with_for_update()
    row = conn.execute(query).first()
    if row is None or row.user_id != caller.user_id:
        raise FileError(404, "not_found", "There is no such upload of yours.")
    return row


def create_upload(
    conn: sa.Connection, caller: Caller, body: UploadCreate, max_file_bytes: int, quota: int
) -> UploadState:
    data = _attachment(conn, caller, body.attachment_id)
    if data.get("author_id") != caller.user_id:
        raise FileError(422, "author_only", "Only the author of an attachment uploads it.")
    if data.get("sha256") != body.sha256 or data.get("size") != body.size:
        raise FileError(
            422,
            "content_mismatch",
            "The size or SHA-256 sent differs from the attachment's record.",
        )
    if body.size > max_file_bytes:
        raise FileError(
            413,
            "file_too_large",
            f"Files of at most {max_file_bytes // 1_048_576} MB can be attached "
            f"(this one has {body.size / 1_048_576:.1f} MB).",
        )
    u = t.upload.c
    existing = conn.execute(
        sa.select(t.upload)
        .where(u.attachment_id == body.attachment_id, u.user_id == caller.user_id)
        .order_by(u.created_at.desc())
    ).first()
    if existing is not None and existing.sha256 == body.sha256:
        return _state(existing)
    used = conn.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(u.size), 0)).where(u.user_id == caller.user_id)
    )
    if int(used or 0) + body.size > quota:
        raise FileError(
            413,
            "quota_exceeded",
            f"Your storage quota of {quota // 1_048_576} MB on the server is used up; "
            "ask IT for more. The file stays on this laptop.",
        )
    upload_id = uuid.uuid4().hex
    conn.execute(
        t.upload.insert().values(
            id=upload_id,
            user_id=caller.user_id,
            attachment_id=body.attachment_id,
            sha256=body.sha256,
            size=body.size,
            offset=0,
            created_at=_now(),
        )
    )
    row = conn.execute(sa.select(t.upload).where(u.id == upload_id)).one()
    return _state(row)


def append_part(
    conn: sa.Connection,
    caller: Caller,
    storage: ContentStorage,
    upload_id: str,
    offset: int,
    data: bytes,
) -> UploadState:
    """Store one part at ``offset`` and advance the upload; at the end, check and keep."""
    row = _locked_upload(conn, caller, upload_id)
    if row.completed_at is not None:
        return _state(row)
    if offset != row.offset:
        raise FileError(
            409,
            "offset_mismatch",
            f"The upload is at byte {row.offset}; continue from there.",
            {UPLOAD_OFFSET_HEADER: str(row.offset)},
        )
    end = offset + len(data)
    if end > row.size:
        raise FileError(413, "beyond_size", f"The upload has {row.size} bytes, not more.")
    u = t.upload.c
    try:
        storage.write_part(upload_id, offset, data)
    except PartGap:
        if end == row.size and storage.exists(row.sha256):
            # The whole content was checked and kept, and the server died before it said so.
            return _complete(conn, caller, row)
        conn.execute(t.upload.update().where(u.id == upload_id).values(offset=0))
        storage.drop_parts(upload_id)
        raise FileError(
            409,
            "offset_mismatch",
            "The server lost the bytes of this upload; send it again from the start.",
            {UPLOAD_OFFSET_HEADER: "0"},
        ) from None
    if end < row.size:
        conn.execute(t.upload.update().where(u.id == upload_id).values(offset=end))
        return UploadState(upload_id=upload_id, offset=end, size=row.size, complete=False)
    try:
        storage.finish(upload_id, row.size, row.sha256)
    except ContentMismatch:
        storage.drop_parts(upload_id)
        conn.execute(t.upload.update().where(u.id == upload_id).values(offset=0))
        log.warning("upload %s did not match its SHA-256; started over", upload_id)
        raise FileError(
            422,
            "content_mismatch",
            "The bytes received do not have the attachment's SHA-256; send it again.",
            {UPLOAD_OFFSET_HEADER: "0"},
        ) from None
    return _complete(conn, caller, row)


def _complete(conn: sa.Connection, caller: Caller, row: Any) -> UploadState:
    from sync_server.admin import AdminSession

    conn.execute(
        t.upload.update()
        .where(t.upload.c.id == row.id)
        .values(offset=row.size, completed_at=_now())
    )
    current = conn.execute(
        sa.select(t.record.c.data, t.record.c.deleted).where(
            t.record.c.entity == "attachment", t.record.c.id == row.attachment_id
        )
    ).first()
    if current is not None and not current.deleted:
        data = orjson.loads(current.data)
        if data.get("sha256") == row.sha256 and not data.get("uploaded_at"):
            session = AdminSession(conn)
            session.apply(
                "attachment",
                "update",
                row.attachment_id,
                {"uploaded_at": _now().strftime("%Y-%m-%dT%H:%M:%SZ")},
            )
            session.finish()
    return UploadState(upload_id=row.id, offset=row.size, size=row.size, complete=True)


def _error(exc: FileError) -> JSONResponse:
    body = {"code": exc.code, "message": exc.message, "details": []}
    return JSONResponse(body, status_code=exc.status, headers=exc.headers)


def install_file_routes(app: FastAPI) -> None:
    @app.exception_handler(FileError)
    async def _file_error(_: Request, exc: FileError) -> JSONResponse:
        return _error(exc)

    @app.post(ApiPaths.UPLOADS, response_model=UploadState, tags=["files"])
    def create_upload_route(
        body: UploadCreate, caller: CurrentCaller, engine: EngineDep, request: Request
    ) -> Response:
        settings = request.app.state.settings
        with write_transaction(engine) as conn:
            state = create_upload(
                conn, caller, body, settings.max_file_bytes, settings.file_quota_bytes
            )
        return _state_response(state, 201)

    @app.head(ApiPaths.UPLOADS + "/{upload_id}", tags=["files"])
    def upload_offset_route(upload_id: str, caller: CurrentCaller, engine: EngineDep) -> Response:
        with read_transaction(engine) as conn:
            row = _locked_upload(conn, caller, upload_id)
        return Response(
            status_code=200,
            headers={
                UPLOAD_OFFSET_HEADER: str(row.offset),
                "Upload-Length": str(row.size),
                "Cache-Control": "no-store",
            },
        )

    @app.patch(ApiPaths.UPLOADS + "/{upload_id}", response_model=UploadState, tags=["files"])
    async def upload_part_route(
        upload_id: str,
        caller: CurrentCaller,
        engine: EngineDep,
        request: Request,
        upload_offset: Annotated[int, Header(alias=UPLOAD_OFFSET_HEADER, ge=0)],
    ) -> Response:
        # The part's bytes as they arrive (the guard does not hold a copy of uploads).
        chunks = [chunk async for chunk in request.stream()]
        data = chunks[0] if len(chunks) == 1 else b"".join(chunks)
        storage = app_storage(request)
        from starlette.concurrency import run_in_threadpool

        def work() -> UploadState:
            with write_transaction(engine) as conn:
                return append_part(conn, caller, storage, upload_id, upload_offset, data)

        state = await run_in_threadpool(work)
        return _state_response(state, 200)

    @app.get(ApiPaths.CONTENT, tags=["files"])
    def content_route(
        attachment_id: str, caller: CurrentCaller, engine: EngineDep, request: Request
    ) -> Response:
        with read_transaction(engine) as conn:
            data = _attachment(conn, caller, attachment_id)
        sha256 = str(data.get("sha256") or "")
        if not data.get("uploaded_at"):
            raise FileError(
                409, "not_uploaded", "The author's laptop has not uploaded this file yet."
            )
        storage = app_storage(request)
        try:
            size = storage.size(sha256)
            chunks = storage.read(sha256)
        except ContentMissing:
            log.error("content %s of attachment %s is missing", sha256, attachment_id)
            raise FileError(
                503, "content_missing", "The server cannot find this file's content."
            ) from None
        return StreamingResponse(
            _stream(chunks),
            media_type="application/octet-stream",
            headers={
                "Content-Length": str(size),
                CONTENT_SHA256_HEADER: sha256,
                "Cache-Control": "private, no-store",
                "X-Content-Type-Options": "nosniff",
                "Content-Disposition": "attachment",
            },
        )


def _stream(chunks: Iterator[bytes]) -> Iterator[bytes]:
    yield from chunks


def _state_response(state: UploadState, status: int) -> Response:
    return Response(
        state.model_dump_json(),
        status_code=status,
        media_type="application/json",
        headers={UPLOAD_OFFSET_HEADER: str(state.offset), "Cache-Control": "no-store"},
    )
