"""Languages: load the translation, name stored values for people, format for the locale."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QDate, QDateTime, QLocale, QTimeZone, QTranslator

from fieldcrm.domain.validation import parse_datetime

#: Compiled translations ship inside the package; their sources are resources/translations/*.ts.
TRANSLATIONS = Path(__file__).resolve().parent / "translations"
SUPPORTED = ("en", "de")


def tr(text: str) -> str:
    return QCoreApplication.translate("Labels", text)


def effective_language(setting: str) -> str:
    """The language to show: the setting, else the system locale's, else English."""
    if setting in SUPPORTED:
        return setting
    system = QLocale.system().name().split("_")[0]
    return system if system in SUPPORTED else "en"


class Translations:
    """Installs the app's and Qt's own translation for one language; switchable."""

    def __init__(self) -> None:
        self._installed: list[QTranslator] = []
        self.language = "en"

    def install(self, language: str) -> bool:
        app = QCoreApplication.instance()
        assert app is not None
        for translator in self._installed:
            app.removeTranslator(translator)
        self._installed.clear()
        self.language = language
        QLocale.setDefault(
            QLocale(
                QLocale.Language.German if language == "de" else QLocale.Language.English,
                QLocale.Country.Germany if language == "de" else QLocale.Country.UnitedStates,
            )
        )
        if language == "en":
            return True
        translator = QTranslator()
        if not translator.load(str(TRANSLATIONS / f"fieldcrm_{language}.qm")):
            return False
        app.installTranslator(translator)
        self._installed.append(translator)
        return True


# ---- names of stored values --------------------------------------------------------

_LABELS: dict[str, Callable[[], str]] = {
    "prospect": lambda: QCoreApplication.translate("Labels", "Prospect"),
    "active": lambda: QCoreApplication.translate("Labels", "Active"),
    "inactive": lambda: QCoreApplication.translate("Labels", "Inactive"),
    "planned": lambda: QCoreApplication.translate("Labels", "Planned"),
    "done": lambda: QCoreApplication.translate("Labels", "Done"),
    "cancelled": lambda: QCoreApplication.translate("Labels", "Cancelled"),
    "in_person": lambda: QCoreApplication.translate("Labels", "In person"),
    "phone": lambda: QCoreApplication.translate("Labels", "Phone"),
    "video": lambda: QCoreApplication.translate("Labels", "Video call"),
    "order": lambda: QCoreApplication.translate("Labels", "Order"),
    "opportunity": lambda: QCoreApplication.translate("Labels", "Opportunity"),
    "information": lambda: QCoreApplication.translate("Labels", "Information"),
    "no_interest": lambda: QCoreApplication.translate("Labels", "No interest"),
    "not_reached": lambda: QCoreApplication.translate("Labels", "Not reached"),
    "create": lambda: QCoreApplication.translate("Labels", "New record"),
    "update": lambda: QCoreApplication.translate("Labels", "Change"),
    "delete": lambda: QCoreApplication.translate("Labels", "Deletion"),
    "customer": lambda: QCoreApplication.translate("Labels", "Customer"),
    "contact": lambda: QCoreApplication.translate("Labels", "Contact"),
    "visit": lambda: QCoreApplication.translate("Labels", "Visit"),
    "note": lambda: QCoreApplication.translate("Labels", "Note"),
    "followup": lambda: QCoreApplication.translate("Labels", "Follow-up"),
    "comment": lambda: QCoreApplication.translate("Labels", "Comment"),
    "relationship": lambda: QCoreApplication.translate("Labels", "Relationship"),
    "connection": lambda: QCoreApplication.translate("Labels", "Connection"),
    "handover": lambda: QCoreApplication.translate("Labels", "Handover"),
    "territory": lambda: QCoreApplication.translate("Labels", "Territory"),
    "user": lambda: QCoreApplication.translate("Labels", "User"),
}

_FIELD_LABELS: dict[str, Callable[[], str]] = {
    "number": lambda: QCoreApplication.translate("Fields", "Number"),
    "name": lambda: QCoreApplication.translate("Fields", "Name"),
    "street": lambda: QCoreApplication.translate("Fields", "Street"),
    "postal_code": lambda: QCoreApplication.translate("Fields", "Postal code"),
    "city": lambda: QCoreApplication.translate("Fields", "City"),
    "country": lambda: QCoreApplication.translate("Fields", "Country"),
    "phone": lambda: QCoreApplication.translate("Fields", "Phone"),
    "mobile": lambda: QCoreApplication.translate("Fields", "Mobile"),
    "email": lambda: QCoreApplication.translate("Fields", "E-mail"),
    "status": lambda: QCoreApplication.translate("Fields", "Status"),
    "segment": lambda: QCoreApplication.translate("Fields", "Segment"),
    "visit_cadence_days": lambda: QCoreApplication.translate("Fields", "Visit every (days)"),
    "first_name": lambda: QCoreApplication.translate("Fields", "First name"),
    "last_name": lambda: QCoreApplication.translate("Fields", "Last name"),
    "job_title": lambda: QCoreApplication.translate("Fields", "Job title"),
    "planned_start": lambda: QCoreApplication.translate("Fields", "Planned start"),
    "planned_end": lambda: QCoreApplication.translate("Fields", "Planned end"),
    "check_in_at": lambda: QCoreApplication.translate("Fields", "Checked in"),
    "check_out_at": lambda: QCoreApplication.translate("Fields", "Checked out"),
    "channel": lambda: QCoreApplication.translate("Fields", "Channel"),
    "purpose": lambda: QCoreApplication.translate("Fields", "Purpose"),
    "outcome": lambda: QCoreApplication.translate("Fields", "Outcome"),
    "report": lambda: QCoreApplication.translate("Fields", "Report"),
    "next_steps": lambda: QCoreApplication.translate("Fields", "Next steps"),
    "attendee_ids": lambda: QCoreApplication.translate("Fields", "Attending contacts"),
    "text": lambda: QCoreApplication.translate("Fields", "Text"),
    "title": lambda: QCoreApplication.translate("Fields", "Title"),
    "due_date": lambda: QCoreApplication.translate("Fields", "Due date"),
    "done_at": lambda: QCoreApplication.translate("Fields", "Done at"),
}


def label(value: str | None) -> str:
    """A stored value (status, outcome, ...) as a person reads it."""
    if value is None:
        return ""
    maker = _LABELS.get(value)
    return maker() if maker else value


def field_label(name: str) -> str:
    maker = _FIELD_LABELS.get(name)
    return maker() if maker else name


_MESSAGES: list[tuple[re.Pattern[str], Callable[[re.Match[str]], str]]] = [
    (re.compile(r"^is required$"), lambda m: QCoreApplication.translate("Validation", "Required")),
    (
        re.compile(r"^must not be empty$"),
        lambda m: QCoreApplication.translate("Validation", "Must not be empty"),
    ),
    (
        re.compile(r"^'(.*)' is not a valid e-mail address$"),
        lambda m: QCoreApplication.translate("Validation", "Not a valid e-mail address"),
    ),
    (
        re.compile(r"^must be at most (\d+) characters$"),
        lambda m: QCoreApplication.translate("Validation", "At most %1 characters").replace(
            "%1", m.group(1)
        ),
    ),
    (
        re.compile(r"^must be at least (\S+)$"),
        lambda m: QCoreApplication.translate("Validation", "Must be at least %1").replace(
            "%1", m.group(1)
        ),
    ),
    (
        re.compile(r"^must be at most (\S+)$"),
        lambda m: QCoreApplication.translate("Validation", "Must be at most %1").replace(
            "%1", m.group(1)
        ),
    ),
    (
        re.compile(r"^must not be before the planned start$"),
        lambda m: QCoreApplication.translate("Validation", "Must not be before the planned start"),
    ),
    (
        re.compile(r"^needs a check-in first$"),
        lambda m: QCoreApplication.translate("Validation", "Needs a check-in first"),
    ),
    (
        re.compile(r"^must not be before the check-in$"),
        lambda m: QCoreApplication.translate("Validation", "Must not be before the check-in"),
    ),
    (
        re.compile(r"^must be a whole number$"),
        lambda m: QCoreApplication.translate("Validation", "Must be a whole number"),
    ),
]


def validation_message(message: str) -> str:
    """A domain validation message in the user's language (English as it is otherwise)."""
    for pattern, make in _MESSAGES:
        match = pattern.match(message)
        if match:
            return make(match)
    return message


def _fill(translated: str, *values: str) -> str:
    for number, value in enumerate(values, start=1):
        translated = translated.replace(f"%{number}", value)
    return translated


def _kind(name: str) -> str:
    """An entity name as a person reads it ("visit" -> "Besuch")."""
    return label(name) if name in _LABELS else name


#: The server's own rules (``sync_server.push.Rejected``) and the laptop's reasons for
#: changes it could not send, as they are stored (English), each with its translation.
#: ``tests/ui/test_i18n.py`` checks that every reason the server states has one.
_SERVER_REASONS: list[tuple[re.Pattern[str], Callable[[re.Match[str]], str]]] = [
    (
        re.compile(r"^Only an administrator can change (\w+) records\.$"),
        lambda m: _fill(
            QCoreApplication.translate(
                "ServerReasons", "Only an administrator can change records of this kind (%1)."
            ),
            _kind(m[1]),
        ),
    ),
    (
        re.compile(r"^This (\w+) belongs to a territory you cannot change\.$"),
        lambda m: _fill(
            QCoreApplication.translate(
                "ServerReasons", "This record (%1) belongs to a territory you cannot change."
            ),
            _kind(m[1]),
        ),
    ),
    (
        re.compile(r"^There is no (\w+) with this id on the server\.$"),
        lambda m: _fill(
            QCoreApplication.translate(
                "ServerReasons", "This record (%1) does not exist on the server."
            ),
            _kind(m[1]),
        ),
    ),
    (
        re.compile(r"^Only its author can change this (\w+)\.$"),
        lambda m: _fill(
            QCoreApplication.translate(
                "ServerReasons", "Only its author can change this record (%1)."
            ),
            _kind(m[1]),
        ),
    ),
    (
        re.compile(r"^A (\w+) cannot be deleted by a sync; use the fieldcrm-server command\.$"),
        lambda m: _fill(
            QCoreApplication.translate(
                "ServerReasons",
                "Records of this kind (%1) cannot be deleted by a sync; an administrator "
                "deletes them with the fieldcrm-server command.",
            ),
            _kind(m[1]),
        ),
    ),
    (
        re.compile(
            r"^This change is dated (\d+) minutes in the future\. Check the date, time and "
            r"time zone of this computer, then edit again\.$"
        ),
        lambda m: _fill(
            QCoreApplication.translate(
                "ServerReasons",
                "This change is dated %1 minutes in the future. Check the date, time and "
                "time zone of this computer, then edit again.",
            ),
            QLocale().toString(int(m[1])),
        ),
    ),
    (
        re.compile(r"^'(\w+)' is not something FieldCRM synchronises \(known: .*\)\.$"),
        lambda m: _fill(
            QCoreApplication.translate(
                "ServerReasons", "FieldCRM does not synchronise records of this kind (%1)."
            ),
            m[1],
        ),
    ),
    (
        re.compile(r"^The field '(\w+)' has no clock stamp\.$"),
        lambda m: _fill(
            QCoreApplication.translate("ServerReasons", "The field %1 has no time stamp."),
            field_label(m[1]),
        ),
    ),
    (
        re.compile(r"^The server could not read this change \((.*)\)\.$"),
        lambda m: _fill(
            QCoreApplication.translate(
                "ServerReasons",
                "The server could not read this change (%1). Update FieldCRM; if the change "
                "is still refused, discard it and enter it again.",
            ),
            m[1],
        ),
    ),
    (
        re.compile(r"^The record left your territory on the server before this change was sent"),
        lambda m: QCoreApplication.translate(
            "ServerReasons",
            "The record left your territory on the server before this change was sent; the "
            "change was not synced. Ask the record's new owner to apply it if it still matters.",
        ),
    ),
]

#: Reasons without variable parts.
_FIXED_REASONS: dict[str, Callable[[], str]] = {
    "The record id is not a valid id.": lambda: QCoreApplication.translate(
        "ServerReasons", "The record id is not a valid id."
    ),
    "A delete needs a '_deleted' clock stamp.": lambda: QCoreApplication.translate(
        "ServerReasons", "A delete needs a '_deleted' clock stamp."
    ),
    "The customer does not exist on the server or is not in your territory.": lambda: (
        QCoreApplication.translate(
            "ServerReasons",
            "The customer does not exist on the server or is not in your territory.",
        )
    ),
    "The customer was deleted.": lambda: QCoreApplication.translate(
        "ServerReasons", "The customer was deleted."
    ),
    "Choose a territory that exists.": lambda: QCoreApplication.translate(
        "ServerReasons", "Choose a territory that exists."
    ),
    "This is an area; assign one of its territories instead.": lambda: QCoreApplication.translate(
        "ServerReasons", "This is an area; assign one of its territories instead."
    ),
    "This territory is outside your area.": lambda: QCoreApplication.translate(
        "ServerReasons", "This territory is outside your area."
    ),
    "You have no territory to add customers to.": lambda: QCoreApplication.translate(
        "ServerReasons", "You have no territory to add customers to."
    ),
    "This entry was written on another device than the one logged in.": lambda: (
        QCoreApplication.translate(
            "ServerReasons", "This entry was written on another device than the one logged in."
        )
    ),
    "This user name is already taken.": lambda: QCoreApplication.translate(
        "ServerReasons", "This user name is already taken."
    ),
    "This change is too large to send to the server. Shorten its text and send it again.": lambda: (
        QCoreApplication.translate(
            "ServerReasons",
            "This change is too large to send to the server. Shorten its text and send it again.",
        )
    ),
    "The server refused this change.": lambda: QCoreApplication.translate(
        "ServerReasons", "The server refused this change."
    ),
}


def server_reason(reason: str) -> str:
    """Why the server refused a change, in the user's language.

    The server states broken field rules as ``"field: message"`` parts joined by ``"; "``
    (``sync_server.push``): those parts are translated like local validation messages,
    with the field's label. Its own rules are sentences matched in ``_SERVER_REASONS``
    and ``_FIXED_REASONS``; a reason from a newer server that this laptop does not know
    stays as the server wrote it.
    """
    fixed = _FIXED_REASONS.get(reason)
    if fixed is not None:
        return fixed()
    for pattern, make in _SERVER_REASONS:
        match = pattern.match(reason)
        if match:
            return make(match)
    parts = []
    for part in reason.split("; "):
        name, colon, message = part.partition(": ")
        if colon and name in _FIELD_LABELS:
            parts.append(f"{field_label(name)}: {validation_message(message)}")
        else:
            parts.append(part)
    return "; ".join(parts)


def server_field_message(reason: str, field: str) -> str:
    """What the server said about ``field``, translated (the whole reason when it is not
    one of its field messages)."""
    for part in reason.split("; "):
        name, colon, message = part.partition(": ")
        if colon and name == field:
            return validation_message(message)
    return server_reason(reason)


# ---- formatting --------------------------------------------------------------------


def sync_error(exc: BaseException) -> str:
    """Why a sync stopped, in the user's language (the engine's own sentences are English;
    they stay available as the status bar's tool tip for IT)."""
    try:
        from fieldcrm.sync import errors
    except ImportError:  # a build without the sync engine
        return str(exc) or type(exc).__name__

    if isinstance(exc, errors.LoginFailed):
        return QCoreApplication.translate("SyncErrors", "Wrong user name or password.")
    if isinstance(exc, errors.TooManyAttempts):
        return QCoreApplication.translate(
            "SyncErrors", "Too many failed sign-ins; wait a minute and try again."
        )
    if isinstance(exc, errors.ServerUnreachable):
        return QCoreApplication.translate(
            "SyncErrors",
            "Cannot reach the server. Check the network connection; your changes are kept.",
        )
    if isinstance(exc, errors.InsecureConnection):
        return QCoreApplication.translate(
            "SyncErrors",
            "This server address uses plain http://, so the password would travel "
            "unencrypted. Use the https:// address; ask IT if you do not know it.",
        )
    if isinstance(exc, errors.ServerMoved):
        return _fill(
            QCoreApplication.translate(
                "SyncErrors", "The server has moved to %1. Use that address to sign in."
            ),
            exc.location or "?",
        )
    if isinstance(exc, errors.SessionUnavailable):
        return QCoreApplication.translate(
            "SyncErrors",
            "The sync session is kept in the system keyring, which cannot be read now. "
            "Unlock the keyring, or sign in again.",
        )
    if isinstance(exc, errors.NotLoggedIn):
        return QCoreApplication.translate(
            "SyncErrors", "This laptop is not signed in to a server. Sign in to sync."
        )
    if isinstance(exc, errors.LoginRequired):
        return QCoreApplication.translate(
            "SyncErrors",
            "The session with the server has ended. Sign in again; your changes are kept.",
        )
    if isinstance(exc, errors.AccessRevoked):
        return QCoreApplication.translate(
            "SyncErrors",
            "The server no longer accepts this device or user. Ask IT to restore access; "
            "your changes are kept.",
        )
    if isinstance(exc, errors.ProtocolMismatch):
        return QCoreApplication.translate(
            "SyncErrors",
            "This FieldCRM version cannot sync with the server. Update FieldCRM or ask IT.",
        )
    if isinstance(exc, errors.ClockAhead):
        return QCoreApplication.translate(
            "SyncErrors",
            "The clock of this computer is ahead of the server's. Set the right date, time "
            "and time zone; your changes wait until then.",
        )
    if isinstance(exc, errors.VerificationFailed):
        return QCoreApplication.translate(
            "SyncErrors",
            "The data on this laptop still differs from the server's. FieldCRM tries again "
            "at the next sync; your changes are kept.",
        )
    if isinstance(exc, errors.ServerError):
        return _fill(
            QCoreApplication.translate(
                "SyncErrors",
                "The server reported an error (%1). Your changes are kept; try again later.",
            ),
            str(exc.status or "?"),
        )
    if isinstance(exc, errors.RequestRejected):
        return _fill(
            QCoreApplication.translate(
                "SyncErrors",
                "The server refused a request (%1). Your changes are kept; ask IT if it stays.",
            ),
            str(exc.status or "?"),
        )
    if isinstance(exc, errors.SyncError):
        return QCoreApplication.translate(
            "SyncErrors", "Sync stopped. Your changes are kept; try again later."
        )
    return str(exc) or type(exc).__name__


def needs_sign_in(exc: BaseException) -> bool:
    """True when signing in again is what makes sync work again."""
    try:
        from fieldcrm.sync import errors
    except ImportError:
        return False
    return isinstance(exc, errors.NotLoggedIn | errors.LoginRequired)


def to_local(text: str | None) -> QDateTime | None:
    if not text:
        return None
    value = parse_datetime(text)
    utc = QDateTime.fromSecsSinceEpoch(int(value.timestamp()), QTimeZone.utc())
    return utc.toLocalTime()


def format_datetime_local(text: str | None) -> str:
    local = to_local(text)
    if local is None:
        return ""
    return QLocale().toString(local, QLocale.FormatType.ShortFormat)


def format_date_local(text: str | None) -> str:
    """The local day of a UTC time, in the short date format of the locale."""
    local = to_local(text)
    if local is None:
        return ""
    return QLocale().toString(local.date(), QLocale.FormatType.ShortFormat)


def format_time_local(text: str | None) -> str:
    local = to_local(text)
    if local is None:
        return ""
    return QLocale().toString(local.time(), QLocale.FormatType.ShortFormat)


def format_date(value: str | date | None) -> str:
    if not value:
        return ""
    day = date.fromisoformat(value) if isinstance(value, str) else value
    return QLocale().toString(QDate(day.year, day.month, day.day), QLocale.FormatType.ShortFormat)


def format_weekday(day: date) -> str:
    qdate = QDate(day.year, day.month, day.day)
    return (
        f"{QLocale().dayName(qdate.dayOfWeek(), QLocale.FormatType.LongFormat)} {format_date(day)}"
    )


def format_number(value: int) -> str:
    return QLocale().toString(value)


def utc_text(value: QDateTime) -> str:
    """A QDateTime from an editor as the stored UTC text."""
    seconds = value.toSecsSinceEpoch()
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
