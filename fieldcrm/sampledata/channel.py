"""The manager's channel in sample data: bulletins with documents and receipts, a question
and its answer, the area's shelf and requests with their answers, on top of
``people.seed_area`` (for screenshots and widget tests; one laptop plays everyone)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

from fieldcrm.app import bulletins, requests, shelf
from fieldcrm.store import Store
from fieldcrm.store import tables as t
from fieldcrm.store.attachments import AttachmentFiles
from fieldcrm.store.meta import TEAM_SYNC_KEY


def sample_pdf(path: Path, title: str, size: int = 180_000) -> Path:
    """A small file that is a PDF by its content."""
    head = f"%PDF-1.4\n% {title}\n".encode()
    path.write_bytes(head + b"0" * max(0, size - len(head) - 6) + b"\n%%EOF")
    return path


def _uploaded(store: Store) -> None:
    """As after the author's sync: the server has every content written here."""
    files = AttachmentFiles(store)
    with store.read() as conn:
        hashes = conn.execute(
            sa.select(t.attachment_file.c.sha256).where(t.attachment_file.c.uploaded.is_(False))
        ).scalars()
        waiting = list(hashes)
    for sha256 in waiting:
        files.mark_uploaded(sha256)


def seed_channel(store: Store, ids: dict[str, str], folder: Path) -> dict[str, str]:
    """Bulletins, the shelf and requests of the area of ``seed_area``; returns their ids."""
    folder.mkdir(parents=True, exist_ok=True)
    maria, anna, ben = ids["maria"], ids["anna"], ids["ben"]
    out: dict[str, str] = {}
    out["price_bulletin"] = str(
        bulletins.post(
            store,
            maria,
            "Neue Preisliste ab 1. Januar",
            "Liebe Kolleginnen und Kollegen,\n\nab **1. Januar** gilt die neue Preisliste. "
            "Bitte sprecht eure Kunden bei den nächsten Besuchen darauf an:\n\n"
            "- Brot und Backwaren: +3 %\n- Konditorei: unverändert\n\n"
            "Fragen gern hier unter dem Rundschreiben.",
            confirm_by=(datetime.now(UTC) + timedelta(days=7)).date(),
            attachments=[sample_pdf(folder / "Preisliste-2027.pdf", "Preisliste 2027")],
        ).id
    )
    out["north_bulletin"] = str(
        bulletins.post(
            store,
            maria,
            "Messe Nord: Standdienst am Samstag",
            "Wer kann am Samstag von 10 bis 14 Uhr den Stand übernehmen?",
            territory_ids=[ids["north"]],
        ).id
    )
    bulletins.confirm(store, out["price_bulletin"], anna)
    bulletins.ask(store, out["price_bulletin"], anna, "Gilt die Erhöhung auch für Bestandskunden?")
    bulletins.ask(store, out["price_bulletin"], maria, "Ja, ab der ersten Lieferung im Januar.")
    last_syncs = {ben: (datetime.now(UTC) - timedelta(days=3)).strftime("%Y-%m-%dT%H:%M:%SZ")}
    store.set_meta(TEAM_SYNC_KEY, json.dumps(last_syncs))
    shelf.publish(
        store, maria, sample_pdf(folder / "preisliste-2026.pdf", "2026"), title="Preisliste"
    )
    out["price_list"] = str(
        shelf.publish(
            store,
            maria,
            sample_pdf(folder / "preisliste-2027.pdf", "2027", 240_000),
            title="Preisliste",
        ).id
    )
    shelf.publish(
        store,
        maria,
        sample_pdf(folder / "katalog.pdf", "Katalog", 2_400_000),
        title="Katalog Frühjahr",
    )
    shelf.publish(
        store,
        maria,
        sample_pdf(folder / "bestellformular.pdf", "Formular", 60_000),
        title="Bestellformular",
    )
    customer = ids["showcase"]
    due = (datetime.now(UTC) + timedelta(days=4)).date()
    out["visit_request"] = str(
        requests.ask(
            store, customer, anna, "Bitte Müller wegen der neuen Preise besuchen", due, maria
        ).id
    )
    out["call_request"] = str(
        requests.ask(store, customer, anna, "Einkäufer wegen Rahmenvertrag anrufen", due, maria).id
    )
    requests.decline(store, out["call_request"], anna, "Der Einkäufer ist bis März im Urlaub.")
    _uploaded(store)
    return out
