"""Rules for attached files that both sides share: safe file names, sizes, hashes."""

from __future__ import annotations

import re
import unicodedata

#: Largest file a rep may attach unless IT sets another limit (policy ``max_file_mb``).
DEFAULT_MAX_FILE_BYTES = 25 * 1024 * 1024
#: Longest file name kept (most file systems allow 255 characters).
MAX_NAME_LENGTH = 255
SHA256_PATTERN = re.compile(r"^[0-9a-f]{64}$")

# Characters no platform takes in a name (Windows' reserved ones, path separators) and
# control characters; names Windows keeps for devices, with any extension.
_FORBIDDEN = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*]')
_DEVICE_NAMES = re.compile(r"^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$", re.IGNORECASE)


def safe_file_name(name: str, fallback: str = "file") -> str:
    """A file name that is safe to create on Windows, macOS and Linux: the last part of a
    path only, no separators, control or reserved characters, no leading or trailing dots
    and spaces, not a device name, at most 255 characters (the extension kept). Applying
    it twice gives the same name."""
    name = unicodedata.normalize("NFC", name)
    name = re.split(r"[/\\]", name)[-1]
    name = _FORBIDDEN.sub("_", name)
    name = name.strip(" .")
    if len(name) > MAX_NAME_LENGTH:
        stem, dot, ext = name.rpartition(".")
        if dot and 0 < len(ext) <= 16 and stem:
            name = stem[: MAX_NAME_LENGTH - len(ext) - 1].rstrip(" .") + "." + ext
        else:
            name = name[:MAX_NAME_LENGTH]
        name = name.strip(" .")
    if not name:
        return fallback
    if _DEVICE_NAMES.match(name):
        name = ("_" + name)[:MAX_NAME_LENGTH]
    return name


def is_sha256(value: str) -> bool:
    return bool(SHA256_PATTERN.match(value))
