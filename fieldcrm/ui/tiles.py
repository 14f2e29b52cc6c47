"""Map tiles from the tile server IT sets (``tile_server_url``), cached on disk.

Tiles are read from the disk cache or fetched on two worker threads; the GUI thread only
asks (``tile()`` answers at once, with the tile or None) and is told when a tile arrives
(``tile_ready``). Fetched tiles are kept in the profile's ``tiles/`` folder, one folder per
tile server, so the map shows them offline later. Without a tile server nothing is
fetched or read: the map draws on a plain background.
"""

from __future__ import annotations

import hashlib
import logging
import os
import time
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtGui import QImage, QPixmap

from fieldcrm import __version__

log = logging.getLogger(__name__)
MEMORY_TILES = 400
#: A tile that could not be fetched is not asked for again for this long.
RETRY_AFTER_S = 60.0


def cache_folder(profile_tiles: Path, url_template: str) -> Path:
    """One folder per tile server, so two servers' tiles never mix."""
    return profile_tiles / hashlib.sha256(url_template.encode()).hexdigest()[:16]


class TileSource(QObject):
    """Tiles of one server; ``tile()`` never blocks."""

    tile_ready = Signal(int, int, int)
    _loaded = Signal(int, int, int, object)

    def __init__(
        self,
        url_template: str,
        cache_root: Path,
        parent: QObject | None = None,
        *,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        super().__init__(parent)
        self.url_template = url_template
        self.folder = cache_folder(cache_root, url_template) if url_template else None
        self._memory: OrderedDict[tuple[int, int, int], QPixmap] = OrderedDict()
        self._pending: set[tuple[int, int, int]] = set()
        self._failed: dict[tuple[int, int, int], float] = {}
        self._pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="fieldcrm-tiles")
        self._http = httpx.Client(
            transport=transport,
            timeout=20.0,
            headers={"User-Agent": f"FieldCRM/{__version__}"},
        )
        self._loaded.connect(self._arrived, Qt.ConnectionType.QueuedConnection)
        self.fetched = 0
        self._closed = False

    @property
    def enabled(self) -> bool:
        return bool(self.url_template)

    def tile(self, z: int, x: int, y: int) -> QPixmap | None:
        key = (z, x, y)
        pixmap = self._memory.get(key)
        if pixmap is not None:
            self._memory.move_to_end(key)
            return pixmap
        if not self.enabled or self._closed or key in self._pending:
            return None
        if time.monotonic() - self._failed.get(key, -RETRY_AFTER_S) < RETRY_AFTER_S:
            return None
        self._pending.add(key)
        self._pool.submit(self._load, key)
        return None

    def _path(self, key: tuple[int, int, int]) -> Path:
        assert self.folder is not None
        z, x, y = key
        return self.folder / str(z) / str(x) / f"{y}.png"

    def _load(self, key: tuple[int, int, int]) -> None:
        """On a worker thread: the disk cache, else the server (then kept on disk)."""
        path = self._path(key)
        data: bytes | None = None
        try:
            if path.is_file():
                data = path.read_bytes()
            else:
                z, x, y = key
                url = self.url_template.format(z=z, x=x, y=y)
                response = self._http.get(url)
                if response.status_code == 200 and response.content:
                    data = response.content
                    path.parent.mkdir(parents=True, exist_ok=True)
                    partial = path.with_suffix(f".{os.getpid()}.part")
                    partial.write_bytes(data)
                    partial.replace(path)
                    self.fetched += 1
        except (OSError, httpx.HTTPError) as exc:
            log.info("map tile %s not loaded: %s", key, exc)
        image = QImage.fromData(data) if data else None
        if image is not None and image.isNull():
            image = None
        if not self._closed:
            self._loaded.emit(*key, image)

    @Slot(int, int, int, object)
    def _arrived(self, z: int, x: int, y: int, image: QImage | None) -> None:
        key = (z, x, y)
        self._pending.discard(key)
        if image is None:
            self._failed[key] = time.monotonic()
            return
        self._memory[key] = QPixmap.fromImage(image)
        while len(self._memory) > MEMORY_TILES:
            self._memory.popitem(last=False)
        self.tile_ready.emit(z, x, y)

    @property
    def busy(self) -> bool:
        return bool(self._pending)

    def shutdown(self) -> None:
        self._closed = True
        self._pool.shutdown(wait=True, cancel_futures=True)
        self._http.close()
