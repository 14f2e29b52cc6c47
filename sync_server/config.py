"""Server settings, read from command-line options or ``FIELDCRM_*`` environment variables."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

from fieldcrm import __version__
from fieldcrm.domain.files import DEFAULT_MAX_FILE_BYTES
from fieldcrm.protocol import MAX_BODY_BYTES

DEFAULT_DATABASE_URL = "sqlite:///./fieldcrm-server.db"


def env_database_url() -> str:
    return os.environ.get("FIELDCRM_DATABASE_URL") or DEFAULT_DATABASE_URL


@dataclass(frozen=True)
class Settings:
    database_url: str = field(default_factory=env_database_url)
    max_body_bytes: int = MAX_BODY_BYTES
    server_version: str = __version__
    min_client_version: str = field(
        default_factory=lambda: os.environ.get("FIELDCRM_MIN_CLIENT_VERSION", __version__)
    )
    update_message: str | None = field(
        default_factory=lambda: os.environ.get("FIELDCRM_UPDATE_MESSAGE") or None
    )
    #: The interactive API pages (/docs, /redoc) load scripts from a CDN: off by default.
    api_docs: bool = field(
        default_factory=lambda: (
            os.environ.get("FIELDCRM_API_DOCS", "").lower() in ("1", "true", "yes", "on")
        )
    )
    #: Attachment contents: a folder (default: beside a SQLite database file), or an
    #: S3-compatible bucket for several servers (credentials from the AWS_* variables).
    files_dir: str | None = field(default_factory=lambda: os.environ.get("FIELDCRM_FILES_DIR"))
    s3_bucket: str | None = field(
        default_factory=lambda: os.environ.get("FIELDCRM_S3_BUCKET") or None
    )
    s3_options: dict[str, Any] = field(default_factory=lambda: _s3_options())  # noqa: PLW0108 - defined below
    #: Largest attachment (IT policy; the laptop's limit should not be larger).
    max_file_bytes: int = field(
        default_factory=lambda: _mib("FIELDCRM_MAX_FILE_MB", DEFAULT_MAX_FILE_BYTES // MIB)
    )
    #: Bytes of attachments one user may upload in all.
    file_quota_bytes: int = field(
        default_factory=lambda: _mib("FIELDCRM_FILE_QUOTA_MB", DEFAULT_FILE_QUOTA_MB)
    )


MIB = 1024 * 1024
DEFAULT_FILE_QUOTA_MB = 10 * 1024


def _mib(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return (int(value) if value.isdigit() else default) * MIB


def _s3_options() -> dict[str, Any]:
    options: dict[str, Any] = {}
    for key, env in (
        ("endpoint_url", "FIELDCRM_S3_ENDPOINT"),
        ("region", "FIELDCRM_S3_REGION"),
        ("prefix", "FIELDCRM_S3_PREFIX"),
    ):
        if os.environ.get(env):
            options[key] = os.environ[env]
    return options
