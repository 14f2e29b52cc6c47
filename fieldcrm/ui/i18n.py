"""Languages: load the translation, name stored values for people, format for the locale."""

from __future__ import annotations

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
    "attachment": lambda: QCoreApplication.translate("Labels", "Attachment"),
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
    "fixed_time": lambda: QCoreApplication.translate("Fields", "Fixed time"),
    "text": lambda: QCoreApplication.translate("Fields", "Text"),
    "title": lambda: QCoreApplication.translate("Fields", "Title"),
    "due_date": lambda: QCoreApplication.translate("Fields", "Due date"),
    "done_at": lambda: QCoreApplication.translate("Fields", "Done at"),
    "assignee_id": lambda: QCoreApplication.translate("Fields", "Who does it"),
    "cancel_reason": lambda: QCoreApplication.translate("Fields", "Why cancelled"),
    "response_note": lambda: QCoreApplication.translate("Fields", "Reason"),
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


def _fill(translated: str, *values: str) -> str:
    for number, value in enumerate(values, start=1):
        translated = translated.replace(f"%{number}", value)
    return translated


def _kind(name: str) -> str:
    """An entity name as a person reads it ("visit" -> "Besuch")."""
    return label(name) if name in _LABELS else name


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
    if isinstance(exc, errors.DeviceReused):
        return QCoreApplication.translate(
            "SyncErrors",
            "This laptop's profile is in use on another computer too, and taking a new "
            "identity did not help. Your changes are kept; ask IT.",
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


def sync_notice(result: object) -> str | None:
    """What a finished sync must tell the user in words: what a change of her territory,
    role or area moved, and that this profile took a new device identity."""
    parts = []
    change = getattr(result, "scope_change", None)
    if change is not None:
        removed = QLocale().toString(int(change.removed.get("customer", 0)))
        added = QLocale().toString(int(change.added.get("customer", 0)))
        if (
            change.moved
            and change.territory_after
            and change.territory_after != (change.territory_before)
        ):
            parts.append(
                _fill(
                    QCoreApplication.translate(
                        "SyncNotices",
                        "You now work in territory %1: %2 customers removed from this laptop, "
                        "%3 added.",
                    ),
                    change.territory_after,
                    removed,
                    added,
                )
            )
        else:
            parts.append(
                _fill(
                    QCoreApplication.translate(
                        "SyncNotices",
                        "What you may see has changed: %1 customers removed from this laptop, "
                        "%2 added.",
                    ),
                    removed,
                    added,
                )
            )
    if getattr(result, "device_reused", False):
        parts.append(
            QCoreApplication.translate(
                "SyncNotices",
                "This profile had been restored from a backup or copied from another "
                "computer, so it took a new device identity; its changes were sent again "
                "and nothing was lost.",
            )
        )
    return " ".join(parts) or None


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


def qdate(value: date) -> QDate:
    return QDate(value.year, value.month, value.day)


def format_day(value: date, locale: QLocale) -> str:
    return locale.toString(qdate(value), QLocale.FormatType.ShortFormat)


def default_locale() -> QLocale:
    """The system's locale; English when the system names none (the "C" locale)."""
    locale = QLocale()
    if locale.language() == QLocale.Language.C:
        return QLocale(QLocale.Language.English, QLocale.Country.UnitedKingdom)
    return locale
