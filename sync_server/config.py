"""Server settings, read from command-line options or ``FIELDCRM_*`` environment variables."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from fieldcrm import __version__
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
