"""Sample attachments for the demo and the screenshots: shelf photos, an order form as PDF, a
damaged photo (it gets an icon), one photo still waiting to upload (no Qt)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from fieldcrm.app.attachments import Owner, add_attachment
from fieldcrm.store import Store
from fieldcrm.store.attachments import AttachmentFiles

#: A one-page PDF (an order form), small and valid.
_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def _photo(path: Path, colours: list[tuple[int, int, int]], seed: int) -> None:
    """A shelf: rows of coloured boxes on a grey wall (Pillow)."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (800, 600), (205, 205, 200))
    draw = ImageDraw.Draw(image)
    for shelf in range(4):
        y = 40 + shelf * 140
        draw.rectangle((20, y + 110, 780, y + 122), fill=(120, 90, 60))
        for box in range(9):
            colour = colours[(box + shelf + seed) % len(colours)]
            x = 30 + box * 84
            draw.rectangle((x, y + 20 + (box * 7 + seed) % 30, x + 70, y + 108), fill=colour)
    image.save(path, "JPEG", quality=85)


def seed_attachments(store: Store, customer_id: str, visit_id: str) -> list[str]:
    """Attach sample files to a customer and one of its visits; their ids."""
    colours = [(200, 40, 40), (40, 120, 200), (240, 190, 40), (60, 160, 80), (150, 60, 160)]
    ids: list[str] = []
    with tempfile.TemporaryDirectory(prefix="fieldcrm-sample-files-") as tmp:
        folder = Path(tmp)
        files: list[tuple[Owner, str, bytes | None, int]] = [
            (Owner("visit", visit_id), "Regal Gang 4.jpg", None, 1),
            (Owner("visit", visit_id), "Regal Gang 5.jpg", None, 2),
            (Owner("visit", visit_id), "Bestellformular.pdf", _PDF, 0),
            (Owner("customer", customer_id), "Lieferschaden.jpg", None, 3),
            (Owner("customer", customer_id), "Grundriss Laden.jpg", None, 4),
            (Owner("customer", customer_id), "Kamera-Foto beschädigt.jpg", b"\xff\xd8\xff\xe0", 0),
        ]
        for owner, name, content, seed in files:
            path = folder / name
            if content is None:
                _photo(path, colours, seed)
            else:
                path.write_bytes(content + bytes(64))
            changes = add_attachment(store, owner, path)
            assert changes.id is not None
            ids.append(changes.id)
    # All but the last photo of the customer reached the server already.
    contents = AttachmentFiles(store)
    for attachment_id in ids[:-2] + ids[-1:]:
        record = store.get("attachment", attachment_id)
        assert record is not None
        contents.mark_uploaded(str(record["sha256"]))
    return ids
