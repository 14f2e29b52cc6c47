"""Where a user's FieldCRM data lives: one profile folder with the local database."""

from __future__ import annotations

from pathlib import Path

APP_NAME = "FieldCRM"
DATABASE_NAME = "fieldcrm.db"


def default_profile_dir() -> Path:
    """The platform's user data folder (e.g. ``~/.local/share/FieldCRM`` on Linux)."""
    from platformdirs import user_data_path

    return user_data_path(APP_NAME, appauthor=False)


def database_path(profile: Path) -> Path:
    return profile / DATABASE_NAME


def ensure_profile(profile: Path | None) -> Path:
    path = Path(profile) if profile is not None else default_profile_dir()
    path.mkdir(parents=True, exist_ok=True)
    return path
