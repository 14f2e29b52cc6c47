"""The key of a profile's encrypted database: 256 random bits in the OS keyring, or
derived from the user's password with Argon2id where no keyring exists.

The profile folder holds only a description of where the key is (``store-key.json``:
the source, and for a password its salt and Argon2id parameters), never the key itself.
A database copied to another computer, without that computer's keyring entry or the
password, cannot be read.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

#: The file next to the database that says where its key is.
KEY_INFO_NAME = "store-key.json"
KEYRING_SERVICE = "FieldCRM local store"
#: Set to 1 to derive the key from the password even where a keyring exists (machines
#: whose keyring is not unlocked at sign-in, shared terminals; and the tests of that path).
KEY_FROM_PASSWORD_ENV = "FIELDCRM_KEY_FROM_PASSWORD"
KEY_BYTES = 32
SOURCE_KEYRING = "keyring"
SOURCE_PASSWORD = "password"
#: Argon2id for the key (above the OWASP minimum: 19 MiB, 2 passes). Asked once per start.
ARGON2_TIME_COST = 3
ARGON2_MEMORY_KIB = 64 * 1024
ARGON2_PARALLELISM = 2

PasswordSource = Callable[[], str]


class StoreKeyError(Exception):
    """The key of the local store cannot be had; ``message`` says why and what to do."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class WrongKey(StoreKeyError):
    """The key (or the password it was derived from) does not open the database."""


class KeyUnavailable(StoreKeyError):
    """The keyring holding the key cannot be read, or a password is needed and none given."""


@dataclass(frozen=True)
class KeyInfo:
    """Where a profile's key is; what ``store-key.json`` holds."""

    source: str
    account: str = ""
    salt: bytes = b""
    time_cost: int = ARGON2_TIME_COST
    memory_kib: int = ARGON2_MEMORY_KIB
    parallelism: int = ARGON2_PARALLELISM

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"format": 1, "cipher": "sqlcipher4", "source": self.source}
        if self.source == SOURCE_KEYRING:
            data["keyring_service"] = KEYRING_SERVICE
            data["keyring_account"] = self.account
        else:
            data["kdf"] = {
                "name": "argon2id",
                "salt": base64.b64encode(self.salt).decode(),
                "time_cost": self.time_cost,
                "memory_kib": self.memory_kib,
                "parallelism": self.parallelism,
            }
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> KeyInfo:
        if data.get("source") == SOURCE_KEYRING:
            return cls(SOURCE_KEYRING, account=str(data["keyring_account"]))
        kdf = data["kdf"]
        return cls(
            SOURCE_PASSWORD,
            salt=base64.b64decode(kdf["salt"]),
            time_cost=int(kdf["time_cost"]),
            memory_kib=int(kdf["memory_kib"]),
            parallelism=int(kdf["parallelism"]),
        )


def key_info_path(database: Path) -> Path:
    return database.parent / KEY_INFO_NAME


def read_key_info(database: Path) -> KeyInfo | None:
    """Where the key of ``database`` is; None for a profile that was never encrypted."""
    path = key_info_path(database)
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    try:
        return KeyInfo.from_json(json.loads(raw))
    except (ValueError, KeyError, TypeError) as exc:
        raise StoreKeyError(
            f"{path} is damaged ({exc}); the local data cannot be opened. Sign in again "
            "to fetch your data from the server (see the administrator guide)."
        ) from exc


def write_key_info(database: Path, info: KeyInfo) -> None:
    """Write ``store-key.json`` atomically (temporary file, fsync, rename)."""
    path = key_info_path(database)
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.write(fd, json.dumps(info.to_json(), indent=2).encode())
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp, path)


def system_keyring() -> Any | None:
    """The OS keyring backend, or None where there is none (the fail or null backend)."""
    try:
        import keyring
        from keyring.backends import fail
    except ImportError:
        return None
    try:
        backend = keyring.get_keyring()
    except Exception:  # a broken keyring configuration is the same as none
        return None
    if isinstance(backend, fail.Keyring):
        return None
    name = type(backend).__module__ + "." + type(backend).__name__
    if "null" in name.lower() or getattr(backend, "priority", 1) <= 0:
        return None
    return backend


def _describe(exc: Exception) -> str:
    text = str(exc).strip()
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def keyring_account(database: Path) -> str:
    return str(database.resolve())


def terminal_password(prompt: str = "Password (to open the local data): ") -> str:
    """A password typed at the terminal, or the first line of standard input when that is
    not a terminal (scripts pipe it in)."""
    import sys

    if sys.stdin is not None and sys.stdin.isatty():
        import getpass

        return getpass.getpass(prompt)
    line = sys.stdin.readline() if sys.stdin is not None else ""
    return line.rstrip("\r\n")


def derive_key(password: str, info: KeyInfo) -> bytes:
    """Argon2id of the password with the profile's salt: the database key."""
    from argon2.low_level import Type, hash_secret_raw

    return hash_secret_raw(
        password.encode("utf-8"),
        info.salt,
        time_cost=info.time_cost,
        memory_cost=info.memory_kib,
        parallelism=info.parallelism,
        hash_len=KEY_BYTES,
        type=Type.ID,
    )


def load_key(database: Path, info: KeyInfo, ask_password: PasswordSource | None) -> bytes:
    """The key described by ``info``: from the keyring, or derived from the password."""
    if info.source == SOURCE_KEYRING:
        import keyring

        try:
            stored = keyring.get_password(KEYRING_SERVICE, info.account)
        except Exception as exc:  # every backend raises its own kind of error
            raise KeyUnavailable(
                "The key of the local data is kept in the system keyring, which cannot be "
                f"read now ({_describe(exc)}). Unlock the keyring (sign in to the desktop "
                "session) and start FieldCRM again."
            ) from exc
        if stored is None:
            raise KeyUnavailable(
                "The key of the local data is not in this computer's keyring (the profile "
                "was copied from another computer, or the keyring was reset). The data "
                "cannot be read here; sign in again to fetch it from the server."
            )
        try:
            key = bytes.fromhex(stored)
        except ValueError as exc:
            raise KeyUnavailable("The keyring entry of the local data is damaged.") from exc
        return key
    if ask_password is None:
        raise KeyUnavailable(
            "The local data is encrypted with your password, and no password was given."
        )
    password = ask_password()
    if not password:
        raise KeyUnavailable("No password given: the local data stays locked.")
    return derive_key(password, info)


def new_key(
    database: Path, ask_password: PasswordSource | None, *, prefer_password: bool = False
) -> tuple[KeyInfo, bytes]:
    """A key for a profile that has none yet: 256 random bits saved in the keyring, or,
    where there is none (or ``FIELDCRM_KEY_FROM_PASSWORD=1``), Argon2id of the password.

    The key description is written only after the key is safely stored, so a profile
    never names a key that does not exist.
    """
    use_password = prefer_password or os.environ.get(KEY_FROM_PASSWORD_ENV) == "1"
    backend = None if use_password else system_keyring()
    if backend is not None:
        key = secrets.token_bytes(KEY_BYTES)
        info = KeyInfo(SOURCE_KEYRING, account=keyring_account(database))
        try:
            backend.set_password(KEYRING_SERVICE, info.account, key.hex())
        except Exception as exc:
            if ask_password is None:
                raise KeyUnavailable(
                    f"The system keyring did not take the key of the local data "
                    f"({_describe(exc)}). Unlock the keyring and start FieldCRM again."
                ) from exc
        else:
            write_key_info(database, info)
            return info, key
    if ask_password is None:
        raise KeyUnavailable(
            "This computer has no system keyring, so the local data is encrypted with your "
            "password; no password was given."
        )
    info = KeyInfo(SOURCE_PASSWORD, salt=secrets.token_bytes(16))
    key = load_key(database, info, ask_password)
    write_key_info(database, info)
    return info, key


def forget_key(database: Path) -> None:
    """Remove the key (keyring entry) and its description: the data is unreadable after."""
    info = None
    with contextlib.suppress(StoreKeyError):
        info = read_key_info(database)
    if info is not None and info.source == SOURCE_KEYRING:
        import keyring

        with contextlib.suppress(Exception):  # gone already, or the keyring is locked
            keyring.delete_password(KEYRING_SERVICE, info.account)
    with contextlib.suppress(FileNotFoundError):
        key_info_path(database).unlink()
