"""Where a user's FieldCRM data lives: one profile folder with the local database."""

from __future__ import annotations

import os
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
    """The profile folder, made if missing; on POSIX only its user may enter it (0700),
    and a folder made earlier with a wider mode is tightened."""
    path = Path(profile) if profile is not None else default_profile_dir()
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    if os.name == "posix" and path.stat().st_mode & 0o077:
        os.chmod(path, 0o700)
    return path
