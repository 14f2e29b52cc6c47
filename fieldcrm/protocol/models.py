"""Pydantic models of every message exchanged between client and sync server.

A change here is a change of the protocol: bump ``PROTOCOL_VERSION``.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

#: 5: pull pages and fetched rows are positional (``fieldcrm.protocol.positional``).
PROTOCOL_VERSION = 5
#: Every request carries the protocol version in this header.
PROTOCOL_HEADER = "X-FieldCRM-Protocol"
#: The server's clock (ms since the epoch) on an answer that refuses changes dated in the
#: future, so the laptop can tell whether its clock is still ahead.
SERVER_TIME_HEADER = "X-FieldCRM-Server-Time"

#: Entities that replicate, in the order a fresh store can apply them.
ENTITY_NAMES: tuple[str, ...] = (
    "territory",
    "user",
    "customer",
    "contact",
    "visit",
    "note",
    "followup",
    "comment",
    "relationship",
    "connection",
    "handover",
    "attachment",
    "bulletin",
    "bulletin_receipt",
)

Operation = Literal["create", "update", "delete"]
EntryStatus = Literal["applied", "merged", "conflict", "rejected"]

API_PREFIX = "/api/v1"


class ApiPaths:
    """The HTTP routes of the sync server, relative to the server URL."""

    LOGIN = f"{API_PREFIX}/auth/login"
    REFRESH = f"{API_PREFIX}/auth/refresh"
    LOGOUT = f"{API_PREFIX}/auth/logout"
    ME = f"{API_PREFIX}/me"
    PUSH = f"{API_PREFIX}/sync/push"
    PULL = f"{API_PREFIX}/sync/pull"  # GET ?cursor=...&limit=...
    DIGEST = f"{API_PREFIX}/sync/digest"
    ROWS = f"{API_PREFIX}/sync/rows"
    REKEY = f"{API_PREFIX}/device/rekey"
    #: POST, no body: the device has deleted its data as an administrator asked (204).
    WIPE_CONFIRMED = f"{API_PREFIX}/device/wipe-confirmed"
    VERSION = f"{API_PREFIX}/version"
    HEALTH = "/healthz"
    #: Attachment contents (protocol 4): ``POST`` starts or resumes an upload; ``HEAD`` and
    #: ``PATCH`` on ``UPLOADS/<id>`` ask for and continue it; ``GET`` on ``CONTENT`` with the
    #: attachment's id reads a content the caller may see.
    UPLOADS = f"{API_PREFIX}/files/uploads"
    CONTENT = f"{API_PREFIX}/files/attachments/{{attachment_id}}/content"
    #: POST makes the caller's calendar subscription anew (the old address stops), DELETE
    #: ends it.
    CALENDAR_SUBSCRIPTION = f"{API_PREFIX}/calendar/subscription"
    #: The subscription feed itself: no login, the token in the address is the key.
    CALENDAR_FEED = "/calendar/{token}.ics"

    @staticmethod
    def upload(upload_id: str) -> str:
        return f"{ApiPaths.UPLOADS}/{upload_id}"

    @staticmethod
    def content(attachment_id: str) -> str:
        return ApiPaths.CONTENT.format(attachment_id=attachment_id)


#: The byte offset of an upload (as in the tus protocol): what the server acknowledged, on
#: answers; where a part starts, on ``PATCH`` requests.
UPLOAD_OFFSET_HEADER = "Upload-Offset"
#: The SHA-256 of a downloaded content (the laptop checks the bytes against it).
CONTENT_SHA256_HEADER = "X-Content-SHA256"
#: Bytes of one upload part: the body cap (``MAX_BODY_BYTES``; a body of exactly the cap is
#: taken, by servers of this protocol before this change too). Each part costs the server
#: a transaction and the laptop a round trip: 8 MiB parts upload 100 MB in 13 of them.
UPLOAD_PART_BYTES = 8 * 1024 * 1024


#: The error code of a request refused because the device is to be wiped; its one detail
#: says whether at once (``{"now": true}``: not even pending changes are taken).
DEVICE_WIPE = "device_wipe"

#: Caps both sides agree on; the server refuses anything larger with a 4xx.
MAX_ENTRIES_PER_PUSH = 1000
MAX_ROWS_PER_PAGE = 10000
MAX_BODY_BYTES = 8 * 1024 * 1024
#: Ranges one digest request may ask about, and rows it may list or fetch.
MAX_DIGEST_RANGES = 64
MAX_ROWS_PER_FETCH = 5000
#: Versions (``seq``) are 64-bit integers in the server's database.
MAX_VERSION = 2**63 - 1
#: A bound of a range of versions in a digest request.
VersionBound = Annotated[int, Field(ge=-MAX_VERSION - 1, le=MAX_VERSION)]

#: ``ErrorBody.code`` of a push whose operation numbers this server saw before with other
#: content: the device identity was reused (a profile restored from a backup or copied to
#: another laptop). The client takes a new identity (``RekeyRequest``) and sends again.
DEVICE_REUSED = "device_reused"
#: A pull page stops adding rows once it holds this many bytes of rows (it always holds at
#: least one row, so paging advances); with ``MAX_RECORD_BYTES`` this bounds the memory a
#: server needs for one page. 10,000 rows of the standard benchmark area are about 6 MB,
#: so such pages stay cut by rows (at 4 MiB a first sync took half as many requests more).
MAX_PAGE_BYTES = 8 * 1024 * 1024
#: Largest record the server stores: its field values and clock stamps as JSON, text
#: included. The longest a visit can be (report 100,000 and next steps 20,000 characters,
#: even if every character took four bytes in UTF-8) is about half of it; a pushed entry
#: or a merged row above it is refused with a reason.
MAX_RECORD_BYTES = 1024 * 1024
#: Longest device id (a laptop's is 32 hex digits; the server stamps its own writes
#: ``server``).
MAX_DEVICE_ID_LENGTH = 64
#: A clock stamp is ``"<ms:13 digits>:<counter:6 digits>:<device id>"``
#: (``fieldcrm.domain.hlc``), so it is at most this long.
MAX_STAMP_LENGTH = 13 + 1 + 6 + 1 + MAX_DEVICE_ID_LENGTH


#: The databases store whole numbers in 64 bits (signed): a version or an operation number
#: outside them is refused with 422 instead of failing in the database.
MAX_INT64 = 2**63 - 1
#: No NUL character: PostgreSQL text cannot hold one (a request naming one is refused
#: with 422 instead of failing in the database).
_NO_NUL = r"^[^\x00]*$"
#: The id of a row as a client names it.
RowId = Annotated[str, Field(min_length=1, max_length=36, pattern=_NO_NUL)]


class _Message(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class OutboxEntry(_Message):
    """One local write, as recorded in the client's outbox and pushed to the server."""

    device_id: str = Field(min_length=1, max_length=MAX_DEVICE_ID_LENGTH, pattern=_NO_NUL)
    op_no: int = Field(
        ge=1, le=MAX_INT64, description="Per-device, strictly increasing operation number"
    )
    entity: str = Field(min_length=1, max_length=32)
    row_id: RowId
    op: Operation
    fields: dict[str, Any] = Field(
        default_factory=dict, description="Changed fields with their new values"
    )
    stamps: dict[str, str] = Field(
        default_factory=dict,
        description="One hybrid-logical-clock stamp per changed field; '_deleted' for a delete",
    )
    base_stamps: dict[str, str] = Field(
        default_factory=dict,
        description=(
            "The stamps of the fields as the device knew them before this write; the server"
            " compares them with its own to tell a sequential edit from a concurrent one"
        ),
    )


class PushRequest(_Message):
    device_id: str = Field(min_length=1, max_length=MAX_DEVICE_ID_LENGTH, pattern=_NO_NUL)
    entries: list[OutboxEntry] = Field(max_length=MAX_ENTRIES_PER_PUSH)
    resolved_conflicts: list[Annotated[str, Field(max_length=64, pattern=_NO_NUL)]] = Field(
        default_factory=list,
        max_length=MAX_ENTRIES_PER_PUSH,
        description="Ids of conflict records the user resolved on this device",
    )


class FieldProblem(_Message):
    """What is wrong with one field (``fieldcrm.protocol.codes.FIELD_PROBLEMS``)."""

    field: str
    code: str
    params: dict[str, Any] = Field(default_factory=dict)


class EntryResult(_Message):
    op_no: int
    status: EntryStatus
    replayed: bool = Field(
        default=False, description="True when the server had already applied this entry"
    )
    reason: str | None = Field(
        default=None, description="Why it was rejected, in English (the code says it to a laptop)"
    )
    field: str | None = Field(default=None, description="The field a rejection is about")
    code: str | None = Field(
        default=None,
        description="Why it was rejected (fieldcrm.protocol.codes.REJECTIONS). Since protocol 3.",
    )
    params: dict[str, Any] = Field(
        default_factory=dict, description="The values the code's words are filled with"
    )
    problems: list[FieldProblem] = Field(
        default_factory=list, description="For code 'invalid': each field and its problem"
    )


class PushResponse(_Message):
    results: list[EntryResult]
    server_time: str


class RowState(_Message):
    """The current state of one row: every field with its stamp, or a tombstone."""

    entity: str
    id: str
    fields: dict[str, Any] = Field(default_factory=dict)
    stamps: dict[str, str] = Field(
        default_factory=dict,
        description=(
            "The stamp of each field's last write; the key '*' stands for every field not "
            "named (see fieldcrm.protocol.stamps). Since protocol 2."
        ),
    )
    deleted: bool = False
    seq: int | None = Field(
        default=None,
        description=(
            "The server's change sequence number of this state; the laptop keeps it as the"
            " row's version for verification (see fieldcrm.protocol.digest). Since protocol 3."
        ),
    )


class Eviction(_Message):
    """A row that left the caller's scope; the client removes its copy."""

    entity: str
    id: str


class ConflictRecord(_Message):
    """A value that lost a merge, kept so that people can see and resolve it.

    ``kind`` is ``field`` when two edits of one field met, ``delete`` when an edit met a
    delete of its row (the edit is kept here so that the record can be restored).
    """

    id: str
    entity: str
    row_id: str
    kind: Literal["field", "delete"]
    field: str | None = None
    winning_value: Any = None
    winning_stamp: str | None = None
    losing_value: Any = None
    losing_stamp: str | None = None
    winning_user: str | None = None
    losing_user: str | None = None
    created_at: str
    resolved: bool = False


class ScopeCounts(_Message):
    """Live (not deleted) rows per entity in the caller's scope, for verification."""

    counts: dict[str, int]
    digests: dict[str, list[int]] = Field(
        default_factory=dict,
        description=(
            "Per entity, the digest of the live rows' versions in the caller's scope"
            " (count, sum, squares, cubes; see fieldcrm.protocol.digest). Since protocol 3."
        ),
    )


class PositionalTable(_Message):
    """The rows of one entity in a page (``fieldcrm.protocol.positional``). Since protocol 5."""

    columns: list[str] = Field(description="The field names, in the order of the values")
    rows: list[list[Any]] = Field(
        default_factory=list,
        description="[seq, id, deleted, stamps, value of each column ...]; a tombstone ends"
        " after its stamps",
    )


def _row_states(tables: dict[str, PositionalTable]) -> list[RowState]:
    from fieldcrm.protocol.positional import row_states

    return [
        RowState.model_validate(row)
        for row in row_states({entity: t.model_dump() for entity, t in tables.items()})
    ]


class PullPage(_Message):
    tables: dict[str, PositionalTable] = Field(
        default_factory=dict,
        description="The page's rows per entity, positional (since protocol 5; before: rows)",
    )
    evictions: list[Eviction] = Field(default_factory=list)
    conflicts: list[ConflictRecord] = Field(default_factory=list)
    cursor: str = Field(description="Pass back to get what changed after this page")
    has_more: bool = False
    scope_counts: ScopeCounts | None = Field(
        default=None, description="Sent with the last page of a pull"
    )
    team_last_sync: dict[str, str] | None = Field(
        default=None,
        description=(
            "For managers and admins, with the last page: when each user in their scope last"
            " completed a sync (user id to UTC time), so reports can say how fresh they are"
        ),
    )
    server_time: str

    @property
    def rows(self) -> list[RowState]:
        """The page's rows as ``RowState``, in version order."""
        return _row_states(self.tables)


class DigestRequest(_Message):
    """Digests of the caller's live rows of one entity in ranges of versions (``seq``).

    Each range is ``(after, upto)``: versions greater than ``after`` and at most ``upto``.
    A range holding at most ``list_below`` rows also lists them, so the client can tell
    which rows differ without asking again.
    """

    entity: str = Field(min_length=1, max_length=32)
    ranges: list[tuple[VersionBound, VersionBound]] = Field(
        min_length=1, max_length=MAX_DIGEST_RANGES
    )
    list_below: int = Field(default=0, ge=0, le=MAX_ROWS_PER_FETCH)


class RangeDigest(_Message):
    digest: list[int] = Field(description="count, sum, squares, cubes")
    rows: list[tuple[str, int]] | None = Field(
        default=None, description="(id, seq) of every row in the range, when asked for"
    )


class DigestResponse(_Message):
    ranges: list[RangeDigest]


class RowsRequest(_Message):
    """The current state of chosen rows; rows outside the caller's scope are left out."""

    entity: str = Field(min_length=1, max_length=32)
    ids: list[RowId] = Field(max_length=MAX_ROWS_PER_FETCH)


class RowsResponse(_Message):
    tables: dict[str, PositionalTable] = Field(
        default_factory=dict, description="The rows, positional as in a pull page"
    )
    gone: list[str] = Field(
        default_factory=list,
        description=(
            "Requested ids outside the caller's scope, or unknown: the client evicts them."
            " Ids in neither list did not fit in this answer (its byte cap): ask again."
        ),
    )

    @property
    def rows(self) -> list[RowState]:
        return _row_states(self.tables)


class RekeyRequest(_Message):
    """Move this session to a new device identity (after ``device_reused``)."""

    new_device_id: str = Field(pattern=r"^[0-9a-f]{32}$")
    device_name: str | None = Field(default=None, max_length=200, pattern=_NO_NUL)


class LoginRequest(_Message):
    username: str = Field(min_length=1, max_length=128, pattern=_NO_NUL)
    password: str = Field(min_length=1, max_length=1024)
    device_id: str = Field(min_length=1, max_length=MAX_DEVICE_ID_LENGTH, pattern=_NO_NUL)
    device_name: str | None = Field(default=None, max_length=200, pattern=_NO_NUL)


class RefreshRequest(_Message):
    refresh_token: str = Field(min_length=1, max_length=512, pattern=_NO_NUL)
    device_id: str = Field(min_length=1, max_length=MAX_DEVICE_ID_LENGTH, pattern=_NO_NUL)


class LogoutRequest(_Message):
    refresh_token: str = Field(min_length=1, max_length=512, pattern=_NO_NUL)


class UserInfo(_Message):
    id: str
    username: str
    display_name: str
    role: Literal["rep", "manager", "admin"]
    territory_ids: list[str] = Field(default_factory=list)


class TokenResponse(_Message):
    access_token: str
    refresh_token: str
    expires_in: int = Field(description="Seconds until the access token expires")
    user: UserInfo
    server_version: str | None = None


class ErrorBody(_Message):
    """The body of every 4xx/5xx answer: a stable code and a sentence for a person."""

    code: str
    message: str
    details: list[dict[str, Any]] = Field(default_factory=list)


class UploadCreate(_Message):
    """Start (or resume) sending the content of an attachment the caller wrote."""

    attachment_id: str = Field(pattern=r"^[0-9a-fA-F-]{32,36}$")
    size: int = Field(ge=0, le=2**40)
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")


class UploadState(_Message):
    """How far an upload got; ``complete`` once the server holds the checked content."""

    upload_id: str
    offset: int
    size: int
    complete: bool


class CalendarSubscriptionRequest(_Message):
    """Make a new private calendar address for the caller (any earlier one stops)."""

    time_zone: str = Field(
        default="UTC", min_length=1, max_length=64, description="IANA name, e.g. Europe/Berlin"
    )


class CalendarSubscription(_Message):
    """The new private address: ``path`` relative to the server URL (shown once)."""

    path: str
    time_zone: str


class VersionInfo(_Message):
    """What ``GET /api/v1/version`` answers (no login needed)."""

    server_version: str
    protocol_version: int
    min_client_version: str
    update_message: str | None = Field(
        default=None, description="What IT wants an out-of-date client to be told"
    )
