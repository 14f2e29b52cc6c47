"""Desktop settings and where each value comes from (flag, environment, IT policy, user).

Precedence, highest first, for the keys ``server_url``, ``sync_interval_minutes``,
``language``, ``lock_minutes`` (idle minutes before the window locks, 0: never),
``reminder_minutes`` (reminders of the next visit so many minutes ahead and of the
follow-ups due today; 0: no reminders),
``home_base``, ``tile_server_url`` and ``geocoding_url``:

1. a command-line flag (``--server-url``, ``--sync-interval``, ``--language``);
2. an environment variable (``FIELDCRM_SERVER_URL``, ``FIELDCRM_SYNC_INTERVAL_MINUTES``,
   ``FIELDCRM_LANGUAGE``);
3. the system policy written by IT: ``QSettings`` in system scope, organisation and
   application ``FieldCRM`` (``/etc/xdg/FieldCRM/FieldCRM.conf`` on Linux,
   ``HKLM\\Software\\FieldCRM\\FieldCRM`` on Windows, ``/Library/Preferences`` on macOS);
4. the user's own setting (``settings.ini`` in the profile folder);
5. for ``server_url`` only: the server the profile is signed in to (``fieldcrm login``
   signs a profile in without the app);
6. the built-in default.

A policy value is fixed (the settings dialog shows it locked) when the policy also sets
``locked/<key>=true``. A policy value that is not locked is a preset: it applies until
the user changes the setting. Example policy file::

    [General]
    server_url=https://crm.example.com
    sync_interval_minutes=10

    [locked]
    server_url=true
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSettings

from fieldcrm.domain.geo import parse_point

ORGANISATION = "FieldCRM"
APPLICATION = "FieldCRM"
USER_SETTINGS_FILE = "settings.ini"

KEYS = (
    "server_url",
    "sync_interval_minutes",
    "language",
    "lock_minutes",
    "home_base",
    "tile_server_url",
    "geocoding_url",
    "reminder_minutes",
)
DEFAULTS: dict[str, Any] = {
    "server_url": "",
    "sync_interval_minutes": 5,
    # Empty: follow the system locale.
    "language": "",
    # Minutes without input before the window locks (0: never).
    "lock_minutes": 15,
    # Where the rep's day starts and ends ("48.137, 11.575"); empty: no home base.
    "home_base": "",
    # Map tiles (``https://tiles.example.com/{z}/{x}/{y}.png``) and a Nominatim-compatible
    # geocoding service: IT sets them by policy; empty, nothing leaves the laptop.
    "tile_server_url": "",
    "geocoding_url": "",
    # Desktop reminders: the next visit this many minutes before it starts, and the
    # follow-ups due today; 0: no reminders (IT can fix it by policy).
    "reminder_minutes": 15,
}
ENVIRONMENT = {
    "server_url": "FIELDCRM_SERVER_URL",
    "sync_interval_minutes": "FIELDCRM_SYNC_INTERVAL_MINUTES",
    "language": "FIELDCRM_LANGUAGE",
    "lock_minutes": "FIELDCRM_LOCK_MINUTES",
    "home_base": "FIELDCRM_HOME_BASE",
    "tile_server_url": "FIELDCRM_TILE_SERVER_URL",
    "geocoding_url": "FIELDCRM_GEOCODING_URL",
    "reminder_minutes": "FIELDCRM_REMINDER_MINUTES",
}
LANGUAGES = ("", "en", "de")


class Source(Enum):
    """Where the effective value of a setting came from."""

    FLAG = "flag"
    ENVIRONMENT = "environment"
    POLICY = "policy"
    USER = "user"
    SIGNED_IN = "signed in"
    POLICY_PRESET = "policy preset"
    DEFAULT = "default"


@dataclass(frozen=True, slots=True)
class Resolved:
    key: str
    value: Any
    source: Source

    @property
    def locked(self) -> bool:
        """True when the user cannot change the value from the settings dialog."""
        return self.source in (Source.FLAG, Source.ENVIRONMENT, Source.POLICY)


def _coerce(key: str, raw: Any) -> Any:
    """The typed value of ``raw``; raises ``ValueError`` with a clear message."""
    if key == "sync_interval_minutes":
        try:
            minutes = int(str(raw).strip())
        except ValueError:
            raise ValueError(f"sync_interval_minutes must be a whole number, not {raw!r}") from None
        if not 1 <= minutes <= 1440:
            raise ValueError("sync_interval_minutes must be between 1 and 1440")
        return minutes
    if key == "reminder_minutes":
        try:
            minutes = int(str(raw).strip())
        except ValueError:
            raise ValueError(f"reminder_minutes must be a whole number, not {raw!r}") from None
        if not 0 <= minutes <= 240:
            raise ValueError("reminder_minutes must be between 0 (no reminders) and 240")
        return minutes
    if key == "lock_minutes":
        try:
            minutes = int(str(raw).strip())
        except ValueError:
            raise ValueError(f"lock_minutes must be a whole number, not {raw!r}") from None
        if not 0 <= minutes <= 1440:
            raise ValueError("lock_minutes must be between 0 (never) and 1440")
        return minutes
    text = str(raw).strip()
    if key == "language" and text not in LANGUAGES:
        raise ValueError(f"language must be one of en, de (or empty for the system), not {text!r}")
    if key == "server_url":
        return text.rstrip("/")
    if key == "home_base" and text:
        point = parse_point(text)
        return f"{point.latitude:.6f}, {point.longitude:.6f}"
    if key in ("tile_server_url", "geocoding_url") and text:
        if not text.startswith(("https://", "http://")):
            raise ValueError(f"{key} must be an http:// or https:// address, not {text!r}")
        if key == "tile_server_url" and not all(p in text for p in ("{z}", "{x}", "{y}")):
            raise ValueError("tile_server_url must hold {z}, {x} and {y}")
        return text.rstrip("/")
    return text


def system_policy() -> QSettings:
    return QSettings(
        QSettings.Format.NativeFormat, QSettings.Scope.SystemScope, ORGANISATION, APPLICATION
    )


def user_settings(profile: Path) -> QSettings:
    return QSettings(str(profile / USER_SETTINGS_FILE), QSettings.Format.IniFormat)


class Settings:
    """The effective settings of one running app; writes go to the user's settings."""

    def __init__(
        self,
        user: QSettings,
        *,
        policy: QSettings | None = None,
        flags: Mapping[str, Any] | None = None,
        environ: Mapping[str, str] | None = None,
    ) -> None:
        self.user = user
        self.policy = policy if policy is not None else system_policy()
        self.flags = {k: v for k, v in (flags or {}).items() if v is not None}
        self.environ = os.environ if environ is None else environ
        #: The server this profile is signed in to (also by ``fieldcrm login``), if any:
        #: the server address when the user chose none.
        self.signed_in_server: str | None = None

    def resolve(self, key: str) -> Resolved:
        if key not in KEYS:
            raise KeyError(f"unknown setting {key!r}")
        if key in self.flags:
            return Resolved(key, _coerce(key, self.flags[key]), Source.FLAG)
        env_value = self.environ.get(ENVIRONMENT[key])
        if env_value:
            return Resolved(key, _coerce(key, env_value), Source.ENVIRONMENT)
        policy_value = self.policy.value(key)
        policy_locked = _truthy(self.policy.value(f"locked/{key}"))
        if policy_value is not None and policy_locked:
            return Resolved(key, _coerce(key, policy_value), Source.POLICY)
        user_value = self.user.value(key)
        if user_value is not None:
            try:
                return Resolved(key, _coerce(key, user_value), Source.USER)
            except ValueError:
                pass  # a broken user file falls back to the preset or default
        if key == "server_url" and self.signed_in_server:
            return Resolved(key, _coerce(key, self.signed_in_server), Source.SIGNED_IN)
        if policy_value is not None:
            return Resolved(key, _coerce(key, policy_value), Source.POLICY_PRESET)
        return Resolved(key, DEFAULTS[key], Source.DEFAULT)

    def value(self, key: str) -> Any:
        return self.resolve(key).value

    def set_user_value(self, key: str, value: Any) -> None:
        """Store the user's choice (checked first); a locked key cannot be changed."""
        resolved = self.resolve(key)
        if resolved.locked:
            raise PermissionError(
                f"{key} is fixed by {resolved.source.value} and cannot be changed"
            )
        self.user.setValue(key, _coerce(key, value))
        self.user.sync()

    # ---- things that are not policy: window state, last user ------------------------

    def ui_value(self, key: str, default: Any = None) -> Any:
        return self.user.value(f"ui/{key}", default)

    def set_ui_value(self, key: str, value: Any) -> None:
        self.user.setValue(f"ui/{key}", value)


def _truthy(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in ("1", "true", "yes", "on")
