"""Deleting a profile's local data (remote wipe), in steps a crash cannot undo.

A marker file next to the database says a wipe is under way: "erasing" until every file
of the data is gone, then "erased" until the server has been told. A start that finds
"erasing" finishes the deletion before anything opens the profile.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
from pathlib import Path
from typing import Any

from fieldcrm.profile import attachments_dir_for_database
from fieldcrm.store.keys import forget_key

WIPE_MARKER = "wipe-in-progress.json"
ERASING = "erasing"
ERASED = "erased"
#: Files next to the database that belong to it.
DATABASE_SUFFIXES = ("", "-wal", "-shm", "-journal", ".encrypting", ".encrypting-journal")


def marker_path(database: Path) -> Path:
    return database.parent / WIPE_MARKER


def read_marker(database: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(marker_path(database).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except ValueError:
        data = {"phase": ERASING}  # torn while written: erase again, nothing to confirm
    return data if isinstance(data, dict) else {"phase": ERASING}


def write_marker(database: Path, data: dict[str, Any]) -> None:
    path = marker_path(database)
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.write(fd, json.dumps(data).encode())
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp, path)


def erase_local_data(database: Path) -> None:
    """Delete the database (with its WAL and other side files), the attachments and the
    key (keyring entry and description); then mark the wipe "erased"."""
    for suffix in DATABASE_SUFFIXES:
        with contextlib.suppress(FileNotFoundError):
            Path(f"{database}{suffix}").unlink()
    shutil.rmtree(attachments_dir_for_database(database), ignore_errors=True)
    forget_key(database)
    marker = read_marker(database) or {}
    write_marker(database, {**marker, "phase": ERASED})


def finish_erasing(database: Path) -> bool:
    """A wipe a crash interrupted is finished before the profile opens; True if one was."""
    marker = read_marker(database)
    if marker is None or marker.get("phase") != ERASING:
        return False
    erase_local_data(database)
    return True


def end_wipe(database: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        marker_path(database).unlink()
