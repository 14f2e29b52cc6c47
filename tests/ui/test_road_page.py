"""The Route page through the window: the day's route and apply, fixed time, nearby with
one-click planning, a pin placed on the map, map tiles cached for offline use, and nothing
sent anywhere when IT set no tile server and no geocoding service."""

from __future__ import annotations

import socket
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPoint, QSettings, Qt
from PySide6.QtGui import QColor, QImage
from pytestqt.qtbot import QtBot

from fieldcrm.domain.geo import Point, world_xy
from fieldcrm.domain.validation import format_datetime
from fieldcrm.profile import database_path
from fieldcrm.store import Store
from fieldcrm.ui.mainwindow import MainWindow
from fieldcrm.ui.map_view import MapPoint, MapView
from fieldcrm.ui.tiles import TileSource, cache_folder
from tests.helpers.qt import settle
from tests.helpers.standins import TileServer, serving

TODAY = date.today()


def at(hour: int) -> str:
    return format_datetime(datetime(TODAY.year, TODAY.month, TODAY.day, hour).astimezone())


def seed_day(profile: Path, rep_id: str) -> dict[str, str]:
    """Four visits planned west, east, west, east, and a customer nearby that is due."""
    store = Store(database_path(profile))
    ids: dict[str, str] = {}
    try:
        for n, x in enumerate((0.0, 0.3, 0.1, 0.2)):
            cid = store.create(
                "customer",
                {"name": f"Stop {n}", "status": "active", "latitude": 48.1, "longitude": 11.4 + x},
            )
            ids[f"visit{n}"] = store.create(
                "visit",
                {
                    "customer_id": cid,
                    "rep_id": rep_id,
                    "status": "planned",
                    "planned_start": at(9 + n),
                    "planned_end": format_datetime(
                        datetime.fromisoformat(at(9 + n).replace("Z", "+00:00"))
                        + timedelta(minutes=30)
                    ),
                },
            )
        ids["due"] = store.create(
            "customer",
            {
                "name": "Fällig KG",
                "status": "active",
                "latitude": 48.11,
                "longitude": 11.52,
                "visit_cadence_days": 14,
            },
        )
        ids["no_pin"] = store.create("customer", {"name": "Ohne Ort", "status": "active"})
    finally:
        store.close()
    return ids


@pytest.fixture
def road_window(
    seeded: dict[str, Any], make_window: Callable[..., MainWindow], qtbot: QtBot, profile: Path
) -> tuple[MainWindow, dict[str, str]]:
    ids = seed_day(profile, seeded["id"])
    win = make_window()
    win.start()
    qtbot.waitUntil(lambda: win.ctx.user_id == seeded["id"])
    win.show_page("road")
    qtbot.waitUntil(lambda: win.road.stops.rowCount() == 4 and win.road.index is not None)
    return win, ids


def test_route_is_planned_and_applied(road_window: Any, qtbot: QtBot, qtmodeltester: Any) -> None:
    win, ids = road_window
    page = win.road
    qtmodeltester.check(page.stops)
    assert page.route.total_km < page.route.current_km
    order = [r["id"] for r in page.stops.rows]
    assert order == [ids["visit0"], ids["visit2"], ids["visit3"], ids["visit1"]]
    assert page.apply_button.isEnabled()
    assert "as the crow flies" in page.summary.text()
    page.apply_button.click()
    qtbot.waitUntil(lambda: not page.apply_button.isEnabled(), timeout=10_000)
    settle(qtbot, win)
    with win.store.read():
        starts = [win.store.get("visit", ids[f"visit{n}"])["planned_start"] for n in range(4)]
    assert starts == [at(9), at(12), at(10), at(11)]


def test_fixed_time_keeps_a_visit_in_place(road_window: Any, qtbot: QtBot) -> None:
    win, ids = road_window
    page = win.road
    page.stops_view.selectRow(3)  # visit1, moved to the end by the route
    page.stops_view.setCurrentIndex(page.stops.index(3, 0))
    page.fixed_button.click()
    qtbot.waitUntil(
        lambda: page.stops.rowCount() == 4 and page.stops.rows[1]["id"] == ids["visit1"],
        timeout=10_000,
    )
    assert page.stops.rows[1]["fixed"]


def test_nearby_lists_the_due_customer_and_plans_it(
    road_window: Any, qtbot: QtBot, qtmodeltester: Any
) -> None:
    win, ids = road_window
    page = win.road
    page.tabs.setCurrentIndex(1)
    qtbot.waitUntil(lambda: page.nearby.rowCount() >= 1)
    qtmodeltester.check(page.nearby)
    first = page.nearby.rows[0]
    assert first["customer_id"] == ids["due"] and first["overdue"]
    page.nearby_view.setCurrentIndex(page.nearby.index(0, 0))
    page.plan_nearby_button.click()
    qtbot.waitUntil(lambda: page.stops.rowCount() == 5, timeout=10_000)
    assert ids["due"] not in {r["customer_id"] for r in page.nearby.rows}


def test_pin_placed_by_hand(road_window: Any, qtbot: QtBot) -> None:
    win, ids = road_window
    page = win.road
    page.selected_customer = ids["no_pin"]
    page.pin_button.click()
    target = QPoint(200, 150)
    qtbot.mouseClick(page.map.viewport(), Qt.MouseButton.LeftButton, pos=target)
    expected = page.map.mapToScene(target)
    settle(qtbot, win)
    qtbot.waitUntil(lambda: win.store.get("customer", ids["no_pin"])["latitude"] is not None)
    row = win.store.get("customer", ids["no_pin"])
    x, y = world_xy(Point(row["latitude"], row["longitude"]))
    assert abs(x - expected.x()) < 1e-4 and abs(y - expected.y()) < 1e-4


def png(colour: str) -> bytes:
    image = QImage(256, 256, QImage.Format.Format_RGB32)
    image.fill(QColor(colour))
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")  # type: ignore[call-overload]
    return bytes(data.data())


def visible_tiles(view: MapView) -> set[tuple[int, int, int]]:
    z = max(0, min(19, round(view.zoom())))
    size = 256 / 2**z
    area = view.mapToScene(view.viewport().rect()).boundingRect()
    return {
        (z, x, y)
        for x in range(int(area.left() // size), int(area.right() // size) + 1)
        for y in range(int(area.top() // size), int(area.bottom() // size) + 1)
    }


def test_tiles_are_fetched_off_thread_cached_and_shown_offline(
    qtbot: QtBot, tmp_path: Path
) -> None:
    server = TileServer(png("#88aa55"))
    with serving(server) as url:
        template = f"{url}/{{z}}/{{x}}/{{y}}.png"
        source = TileSource(template, tmp_path / "tiles")
        view = MapView(source)
        qtbot.addWidget(view)
        view.resize(400, 300)
        view.set_points([MapPoint("a", Point(48.1, 11.5), "A")])
        view.show()
        view.fit()
        wanted = visible_tiles(view)
        qtbot.waitUntil(lambda: wanted <= source._memory.keys(), timeout=30_000)
        qtbot.waitUntil(lambda: not source.busy, timeout=30_000)
        fetched = len(server.requests)
        source.shutdown()
    folder = cache_folder(tmp_path / "tiles", template)
    cached = sorted(folder.rglob("*.png"))
    assert len(cached) == fetched == source.fetched
    # Offline: the server is gone; the same map comes from the disk cache.
    offline = TileSource(template, tmp_path / "tiles")
    view2 = MapView(offline)
    qtbot.addWidget(view2)
    view2.resize(400, 300)
    view2.set_points([MapPoint("a", Point(48.1, 11.5), "A")])
    view2.show()
    view2.fit()
    assert visible_tiles(view2) == wanted
    qtbot.waitUntil(lambda: wanted <= offline._memory.keys(), timeout=30_000)
    assert offline.fetched == 0
    image = view2.grab().toImage()
    centre = image.pixelColor(image.width() // 3, image.height() // 3)
    assert centre.name() == "#88aa55"
    offline.shutdown()


def test_without_services_nothing_leaves_the_laptop(
    seeded: dict[str, Any],
    make_window: Callable[..., MainWindow],
    profile: Path,
    policy: QSettings,
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seed_day(profile, seeded["id"])
    attempts: list[Any] = []
    real_connect = socket.socket.connect

    def watch(self: socket.socket, address: Any) -> Any:
        if self.family in (socket.AF_INET, socket.AF_INET6):
            attempts.append(address)
        return real_connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", watch)
    win = make_window()
    win.start()
    qtbot.waitUntil(lambda: win.ctx.user_id == seeded["id"])
    win.show_page("road")
    qtbot.waitUntil(lambda: win.road.index is not None)
    page = win.road
    assert not page.tiles.enabled and not page.geocode_button.isEnabled()
    page.geocode()  # even asked directly, it does nothing
    page.map.fit()
    for _ in range(3):
        page.map.scale(2, 2)
        page.map.grab()
    settle(qtbot, win)
    assert page.geo is None and not page.tiles.busy
    assert attempts == []
    assert not (profile / "tiles").exists()
    assert page.map.scale_text.endswith(("km", "m"))
