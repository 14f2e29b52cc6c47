"""The keyring of the desktop benchmarks: one file per entry in the benchmark data folder.

A benchmark machine (a server, CI) has no desktop keyring; the app would then ask for a
password at every start. This backend stands in for the desktop's keyring, away from the
profiles, so the benchmarks open encrypted profiles the way a rep's laptop does.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError

from benchmarks.dataset import DATA_DIR

BACKEND = "benchmarks.file_keyring.FileKeyring"
FOLDER = DATA_DIR / "keyring"


def use_benchmark_keyring() -> None:
    """Make this backend the keyring of this process and the processes it starts."""
    os.environ.setdefault("PYTHON_KEYRING_BACKEND", BACKEND)


class FileKeyring(KeyringBackend):
    priority = 1

    def _path(self, service: str, username: str) -> Path:
        FOLDER.mkdir(parents=True, exist_ok=True, mode=0o700)
        return FOLDER / hashlib.sha256(f"{service}\0{username}".encode()).hexdigest()

    def get_password(self, service: str, username: str) -> str | None:
        try:
            return self._path(service, username).read_text(encoding="utf-8")
        except FileNotFoundError:
            return None

    def set_password(self, service: str, username: str, password: str) -> None:
        path = self._path(service, username)
        tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        tmp.write_text(password, encoding="utf-8")
        os.replace(tmp, path)

    def delete_password(self, service: str, username: str) -> None:
        try:
            self._path(service, username).unlink()
        except FileNotFoundError:
            raise PasswordDeleteError("not stored") from None
