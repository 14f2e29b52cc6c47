"""Attachments through real processes: a photo added offline reaches a teammate, never another
territory; uploads survive a killed server and a killed client; one content is stored once."""

from __future__ import annotations

import hashlib
import io
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa
from PIL import Image

from fieldcrm.protocol import PROTOCOL_HEADER, PROTOCOL_VERSION, ApiPaths
from fieldcrm.store import Store
from sync_server import tables as t
from sync_server.db import make_engine
from tests.helpers.realserver import PASSWORD, ROOT, RealServer, fieldcrm
from tests.helpers.servers import child_env

pytestmark = pytest.mark.slow

TEN_MB = 10 * 1024 * 1024


def make_photo(path: Path, size: int, seed: int = 1) -> str:
    """A real JPEG (a gradient) padded with random bytes to ``size``; its SHA-256."""
    image = Image.new("RGB", (1200, 900))
    image.putdata(
        [((x * 7 + seed) % 256, (y * 3) % 256, 90) for y in range(900) for x in range(1200)]
    )
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90)
    data = out.getvalue()
    rng = __import__("random").Random(seed)
    data += rng.randbytes(size - len(data))
    path.write_bytes(data)
    return hashlib.sha256(data).hexdigest()


@pytest.fixture
def server(tmp_path: Path) -> Iterator[RealServer]:
    srv = RealServer(tmp_path / "server")
    srv.setup_area()
    srv.start()
    yield srv
    srv.stop()


def login(profile: Path, server: RealServer, user: str) -> None:
    result = fieldcrm(
        profile, "login", "--server", server.url, "--user", user, stdin=PASSWORD + "\n"
    )
    assert result.returncode == 0, result.stderr


def sync(profile: Path, **env: str) -> dict[str, object]:
    result = fieldcrm(profile, "sync", "--json", "--quiet", timeout=300, **env)
    summary: dict[str, object] = json.loads(result.stdout) if result.stdout else {}
    summary["returncode"] = result.returncode
    summary["stderr"] = result.stderr
    return summary


def listing(profile: Path, number: str) -> list[dict[str, object]]:
    result = fieldcrm(profile, "attachment", "list", "--customer", number, "--json")
    assert result.returncode == 0, result.stderr
    items: list[dict[str, object]] = json.loads(result.stdout)
    return items


def add_customer(profile: Path, number: str) -> str:
    store = Store(profile / "fieldcrm.db")
    try:
        return store.create("customer", {"number": number, "name": f"Kunde {number}"})
    finally:
        store.close()


def blobs(server: RealServer) -> list[Path]:
    return [p for p in (server.db_path.parent / "server-files" / "blobs").rglob("*") if p.is_file()]


def content_files(profile: Path) -> list[Path]:
    folder = profile / "attachments"
    return [p for p in folder.rglob("*") if p.is_file() and p.parent.name != "tmp"]


def test_photo_added_offline_reaches_the_teammate_and_no_other_territory(
    tmp_path: Path, server: RealServer
) -> None:
    anna, ben, sven = (tmp_path / name for name in ("anna", "ben", "sven"))
    for profile, name in ((anna, "anna"), (ben, "ben"), (sven, "sven")):
        login(profile, server, name)
        assert sync(profile)["returncode"] == 0
    add_customer(anna, "K-100")
    photo = tmp_path / "shelf.jpg"
    source_sha = make_photo(photo, TEN_MB)

    server.stop()  # offline
    added = fieldcrm(anna, "attachment", "add", "--customer", "K-100", str(photo))
    assert added.returncode == 0, added.stderr
    attachment_id = added.stdout.strip()
    [item] = listing(anna, "K-100")
    assert (item["id"], item["state"], item["size"]) == (attachment_id, "waiting", TEN_MB)
    assert item["sha256"] == source_sha and item["thumbnail"] is True
    offline = sync(anna)
    assert offline["returncode"] == 4  # unreachable; the file waits

    server.start()
    online = sync(anna)
    assert online["returncode"] == 0, online["stderr"]
    files = online["files"]
    assert isinstance(files, dict)
    moved = (files["uploaded_files"], files["uploaded_bytes"], files["waiting"])
    assert moved == (1, TEN_MB, 0), files["errors"]
    assert [p.name for p in blobs(server)] == [source_sha]
    plain = fieldcrm(anna, "sync", "--quiet")
    assert "Files: uploaded 0 (0.0 MB), downloaded 0 (0.0 MB), 0 waiting to upload." in plain.stdout

    # The teammate: the record with its thumbnail comes with the sync, the original on demand.
    assert sync(ben)["returncode"] == 0
    [seen] = listing(ben, "K-100")
    assert (seen["id"], seen["state"], seen["thumbnail"]) == (attachment_id, "server", True)
    assert content_files(ben) == []  # 10 MB is above the automatic download size
    out = tmp_path / "ben-copy.jpg"
    got = fieldcrm(ben, "attachment", "get", attachment_id, "--output", str(out))
    assert got.returncode == 0, got.stderr
    assert hashlib.sha256(out.read_bytes()).hexdigest() == source_sha
    assert listing(ben, "K-100")[0]["state"] == "here"

    # Another territory: not on the laptop, and the server refuses it like an unknown id.
    assert sync(sven)["returncode"] == 0
    refused = fieldcrm(sven, "attachment", "list", "--customer", "K-100")
    assert refused.returncode == 1 and "No customer" in refused.stderr
    assert (
        fieldcrm(
            sven, "attachment", "get", attachment_id, "--output", str(tmp_path / "x")
        ).returncode
        == 1
    )
    headers = {PROTOCOL_HEADER: str(PROTOCOL_VERSION)}
    token = httpx.post(
        server.url + ApiPaths.LOGIN,
        json={"username": "sven", "password": PASSWORD, "device_id": "f" * 32},
        headers=headers,
    ).json()["access_token"]
    answer = httpx.get(
        server.url + ApiPaths.content(attachment_id),
        headers=headers | {"Authorization": f"Bearer {token}"},
    )
    unknown = httpx.get(
        server.url + ApiPaths.content("0" * 8 + "-0000-7000-8000-" + "0" * 12),
        headers=headers | {"Authorization": f"Bearer {token}"},
    )
    assert answer.status_code == unknown.status_code == 404
    assert answer.json()["message"] == unknown.json()["message"]
    assert len(answer.content) < 1000
    anonymous = httpx.get(server.url + ApiPaths.content(attachment_id), headers=headers)
    assert anonymous.status_code == 401
    assert content_files(sven) == [] and not (tmp_path / "x").exists()


def _upload_offset(server: RealServer) -> int:
    engine = make_engine(server.db_url)
    try:
        with engine.connect() as conn:
            return int(conn.scalar(sa.select(sa.func.max(t.upload.c.offset))) or 0)
    finally:
        engine.dispose()


def _start_sync(profile: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "fieldcrm", "--profile", str(profile), "sync", "--json", "--quiet"],
        cwd=ROOT,
        env=child_env(FIELDCRM_UPLOAD_PART_KB="64"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _wait_for_offset(server: RealServer, above: int, process: subprocess.Popen[str]) -> int:
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        offset = _upload_offset(server)
        if offset > above:
            return offset
        assert process.poll() is None, process.communicate()
        time.sleep(0.05)
    raise AssertionError("the upload did not advance")


def test_upload_resumes_after_killing_the_client_and_the_server(
    tmp_path: Path, server: RealServer
) -> None:
    anna, ben = tmp_path / "anna", tmp_path / "ben"
    for profile, name in ((anna, "anna"), (ben, "ben")):
        login(profile, server, name)
        assert sync(profile)["returncode"] == 0
    add_customer(anna, "K-200")
    photo = tmp_path / "order.jpg"
    source_sha = make_photo(photo, TEN_MB, seed=7)
    assert fieldcrm(anna, "attachment", "add", "--customer", "K-200", str(photo)).returncode == 0

    # Kill the client in the middle of the upload.
    client = _start_sync(anna)
    _wait_for_offset(server, 0, client)
    client.send_signal(signal.SIGKILL)
    client.wait(timeout=30)
    after_client = _upload_offset(server)
    assert 0 < after_client < TEN_MB

    # Kill the server in the middle of the rest.
    client = _start_sync(anna)
    _wait_for_offset(server, after_client + 64 * 1024, client)
    server.kill()
    client.communicate(timeout=180)
    assert client.returncode != 0
    after_server = _upload_offset(server)
    assert after_client < after_server < TEN_MB

    server.start()
    resumed = sync(anna, FIELDCRM_UPLOAD_PART_KB="64")
    assert resumed["returncode"] == 0, resumed["stderr"]
    files = resumed["files"]
    assert isinstance(files, dict)
    # Only what the server had not acknowledged was sent again (at most one part more).
    assert TEN_MB - after_server <= files["uploaded_bytes"] <= TEN_MB - after_server + 64 * 1024
    [blob] = blobs(server)
    assert blob.name == source_sha
    assert hashlib.sha256(blob.read_bytes()).hexdigest() == source_sha

    # The same photo attached again (by a teammate, to the same customer) is stored once.
    assert sync(ben)["returncode"] == 0
    again = fieldcrm(ben, "attachment", "add", "--customer", "K-200", str(photo))
    assert again.returncode == 0, again.stderr
    second = sync(ben)
    assert second["returncode"] == 0, second["stderr"]
    assert [b.name for b in blobs(server)] == [source_sha]
    assert len(listing(ben, "K-200")) == 2
    out_file = tmp_path / "copy.jpg"
    assert (
        fieldcrm(
            ben, "attachment", "get", again.stdout.strip(), "--output", str(out_file)
        ).returncode
        == 0
    )
    assert hashlib.sha256(out_file.read_bytes()).hexdigest() == source_sha
    assert os.path.getsize(out_file) == TEN_MB
