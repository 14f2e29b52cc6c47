"""A keyring backend for tests: one file per entry in a folder outside every profile.

``tests/conftest.py`` makes it the keyring of the test run and of every process a test
starts (``PYTHON_KEYRING_BACKEND``), so the key of an encrypted profile is kept as it is
on a desktop, away from the profile, and never in the developer's own keyring.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from pathlib import Path

from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError

#: The folder of the entries; the test configuration sets it for the whole run.
FOLDER_ENV = "FIELDCRM_TEST_KEYRING_DIR"
BACKEND = "tests.helpers.file_keyring.FileKeyring"


class FileKeyring(KeyringBackend):
    priority = 1

    def _path(self, service: str, username: str) -> Path:
        folder = Path(os.environ[FOLDER_ENV])
        folder.mkdir(parents=True, exist_ok=True)
        name = hashlib.sha256(f"{service}\0{username}".encode()).hexdigest()
        return folder / name

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


def forget_store_key(database: Path) -> None:
    """Remove the key of one profile's database from the keyring (a keyring reset, or
    the profile seen from another computer)."""
    from fieldcrm.store.keys import KEYRING_SERVICE, keyring_account

    with contextlib.suppress(PasswordDeleteError):
        FileKeyring().delete_password(KEYRING_SERVICE, keyring_account(database))
