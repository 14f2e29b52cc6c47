"""Where a user's FieldCRM data lives: one profile folder with the local database."""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "FieldCRM"
DATABASE_NAME = "fieldcrm.db"
#: The folder of a profile that holds the contents of attachments (photos, documents).
ATTACHMENTS_FOLDER = "attachments"


def default_profile_dir() -> Path:
    """The platform's user data folder (e.g. ``~/.local/share/FieldCRM`` on Linux)."""
    from platformdirs import user_data_path

    return user_data_path(APP_NAME, appauthor=False)


def database_path(profile: Path) -> Path:
    return profile / DATABASE_NAME


def attachments_dir(profile: Path) -> Path:
    """Where a profile keeps its attachments' contents: everything in it belongs to the
    profile's user (a remote wipe deletes this folder with the database)."""
    return Path(profile) / ATTACHMENTS_FOLDER


def attachments_dir_for_database(database: Path) -> Path:
    """The attachments folder that goes with a database file: the profile's own for a
    profile's database, else one named after the file (databases side by side in tests
    and tools keep their contents apart)."""
    database = Path(database)
    if database.name == DATABASE_NAME:
        return attachments_dir(database.parent)
    return database.parent / f"{database.stem}.{ATTACHMENTS_FOLDER}"


def ensure_profile(profile: Path | None) -> Path:
    """The profile folder, made if missing; on POSIX only its user may enter it (0700),
    and a folder made earlier with a wider mode is tightened."""
    path = Path(profile) if profile is not None else default_profile_dir()
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    if os.name == "posix" and path.stat().st_mode & 0o077:
        os.chmod(path, 0o700)
    return path
