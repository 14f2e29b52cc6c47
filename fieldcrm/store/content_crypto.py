"""Attachment contents encrypted at rest: AES-256-GCM in blocks, so a lost laptop's
photos and documents cannot be read without the profile's key.

A file is a header (a magic of 8 bytes and a random nonce prefix of 8 bytes) followed by
blocks of ``BLOCK_BYTES`` plaintext (the last one shorter, possibly empty), each encrypted
and authenticated on its own: the nonce is the prefix and the block's number, and the
associated data says whether the block is the last. A block cannot be moved, changed,
dropped or cut off without the check failing; any byte range can be read by decrypting
only the blocks it touches (an upload resumes at any offset).

The key of the contents is derived from the store's key (HKDF-SHA256), so it is kept
exactly like that key (keyring or password) and is gone when the store's key is gone.
Contents stay addressed by the SHA-256 of their plaintext.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

MAGIC = b"FCRMAE\x00\x01"
PREFIX_BYTES = 8
HEADER_BYTES = len(MAGIC) + PREFIX_BYTES
TAG_BYTES = 16
#: Plaintext per block (a block on disk is this plus its tag).
BLOCK_BYTES = 1024 * 1024
_LAST = b"last"
_MORE = b"more"
_INFO = b"FieldCRM attachment contents v1"


class ContentUnreadable(Exception):
    """An encrypted content that does not decrypt (damaged, or another profile's key)."""


def content_key(store_key: bytes) -> bytes:
    """The key of a profile's attachment contents, derived from its store key."""
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_INFO).derive(store_key)


def _aead(key: bytes) -> Any:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    return AESGCM(key)


def _nonce(prefix: bytes, index: int) -> bytes:
    return prefix + index.to_bytes(4, "big")


def is_encrypted_file(path: Path) -> bool:
    """True when the file starts like an encrypted content."""
    with path.open("rb") as f:
        return f.read(len(MAGIC)) == MAGIC


def plain_size(stored_size: int) -> int:
    """The plaintext size of an encrypted file of ``stored_size`` bytes."""
    body = stored_size - HEADER_BYTES
    if body < TAG_BYTES:
        raise ContentUnreadable("the encrypted file is cut short")
    blocks = -(-body // (BLOCK_BYTES + TAG_BYTES))
    return body - blocks * TAG_BYTES


class EncryptingWriter:
    """Writes plaintext given in pieces of any size as an encrypted file."""

    def __init__(self, out: IO[bytes], key: bytes) -> None:
        self._out = out
        self._aead = _aead(key)
        self._prefix = os.urandom(PREFIX_BYTES)
        self._index = 0
        self._buffer = bytearray()
        out.write(MAGIC + self._prefix)

    def write(self, data: bytes) -> None:
        self._buffer += data
        # A full block is written only once more follows: the last block is marked.
        while len(self._buffer) > BLOCK_BYTES:
            block = bytes(self._buffer[:BLOCK_BYTES])
            del self._buffer[:BLOCK_BYTES]
            self._seal(block, last=False)

    def close(self) -> None:
        self._seal(bytes(self._buffer), last=True)
        self._buffer.clear()

    def _seal(self, block: bytes, *, last: bool) -> None:
        nonce = _nonce(self._prefix, self._index)
        self._out.write(self._aead.encrypt(nonce, block, _LAST if last else _MORE))
        self._index += 1


class ContentReader:
    """Reads the plaintext of a stored content, encrypted or (before its migration) plain."""

    def __init__(self, path: Path, key: bytes | None) -> None:
        self._file = path.open("rb")
        head = self._file.read(HEADER_BYTES)
        self.encrypted = head[: len(MAGIC)] == MAGIC
        stored = os.fstat(self._file.fileno()).st_size
        if self.encrypted:
            if key is None:
                self._file.close()
                raise ContentUnreadable("the content is encrypted and no key was given")
            self._aead = _aead(key)
            self._prefix = head[len(MAGIC) :]
            self.size = plain_size(stored)
            self._blocks = max(1, -(-self.size // BLOCK_BYTES))
        else:
            self.size = stored

    def __enter__(self) -> ContentReader:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def close(self) -> None:
        self._file.close()

    def _block(self, index: int) -> bytes:
        self._file.seek(HEADER_BYTES + index * (BLOCK_BYTES + TAG_BYTES))
        sealed = self._file.read(BLOCK_BYTES + TAG_BYTES)
        last = index == self._blocks - 1
        try:
            return bytes(
                self._aead.decrypt(_nonce(self._prefix, index), sealed, _LAST if last else _MORE)
            )
        except Exception as exc:  # cryptography's InvalidTag
            raise ContentUnreadable(f"block {index} of the content does not decrypt") from exc

    def read_at(self, offset: int, length: int) -> bytes:
        """Up to ``length`` plaintext bytes from ``offset``."""
        end = min(self.size, offset + length)
        if offset >= end:
            return b""
        if not self.encrypted:
            self._file.seek(offset)
            return self._file.read(end - offset)
        first, last = offset // BLOCK_BYTES, (end - 1) // BLOCK_BYTES
        parts = [self._block(i) for i in range(first, last + 1)]
        data = parts[0] if len(parts) == 1 else b"".join(parts)
        start = offset - first * BLOCK_BYTES
        return data[start : start + (end - offset)]

    def chunks(self) -> Iterator[bytes]:
        """The whole plaintext in pieces (every block checked)."""
        if not self.encrypted:
            self._file.seek(0)
            yield from iter(lambda: self._file.read(BLOCK_BYTES), b"")
            return
        for index in range(self._blocks):
            block = self._block(index)
            if block:
                yield block


def write_encrypted(out: IO[bytes], key: bytes, chunks: Iterable[bytes]) -> None:
    writer = EncryptingWriter(out, key)
    for chunk in chunks:
        writer.write(chunk)
    writer.close()
