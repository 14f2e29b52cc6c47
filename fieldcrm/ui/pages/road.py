"""The Route page: the day's visits in the order that drives least, customers nearby, the
map, coordinates (geocoding, a pin placed by hand) and the calendar subscription."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import QDate, Qt, QTimeZone
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDoubleSpinBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from fieldcrm.app import geocoding, road
from fieldcrm.app.changes import SESSION
from fieldcrm.domain.geo import Point, parse_point
from fieldcrm.ui import i18n
from fieldcrm.ui.context import AppContext
from fieldcrm.ui.map_view import MapPoint, MapView
from fieldcrm.ui.models import NUMBER, Column, RowsModel
from fieldcrm.ui.pages.base import View, make_button, make_table, selected_row, translator
from fieldcrm.ui.tasks import TaskRunner
from fieldcrm.ui.texts import fill
from fieldcrm.ui.tiles import TileSource

TR_CONTEXT = "Road"
_t = translator(TR_CONTEXT)


def _km(value: float) -> str:
    return fill(_t("%1 km"), f"{value:.1f}")


class RoadPage(View):
    """One day's route (left, in tabs with the nearby list) and the map (right)."""

    kinds = frozenset({"visit", "customer", SESSION})

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.setObjectName("road_view")
        self.route: road.DayRoute | None = None
        self.index: road.NearbyIndex | None = None
        self.selected_customer: str | None = None
        self.geo: TaskRunner | None = None
        tile_url = str(ctx.settings.value("tile_server_url") or "")
        self.tiles = TileSource(tile_url, ctx.store.path.parent / "tiles", self)
        self.map = MapView(self.tiles, self)
        self.map.picked.connect(self._picked_on_map)
        self.map.place_clicked.connect(self._pin_placed)

        self.day = QDateEdit(QDate.currentDate(), self)
        self.day.setObjectName("route_day")
        self.day.setCalendarPopup(True)
        self.day.dateChanged.connect(lambda _d: self.reload())
        self.home_label = QLabel(self)
        self.home = QLineEdit(str(ctx.settings.value("home_base") or ""), self)
        self.home.setObjectName("home_base")
        self.home.setPlaceholderText("48.137, 11.575")
        self.home.setMinimumWidth(
            self.home.fontMetrics().horizontalAdvance("-48.137000, 11.575000__")
        )
        self.home.editingFinished.connect(self._home_edited)
        self.home.setEnabled(not ctx.settings.resolve("home_base").locked)
        self.apply_button = make_button("apply_route", self)
        self.apply_button.clicked.connect(self.apply_route)
        self.fixed_button = make_button("toggle_fixed_time", self)
        self.fixed_button.clicked.connect(self.toggle_fixed)
        self.summary = QLabel(self)
        self.summary.setObjectName("route_summary")
        self.summary.setWordWrap(True)

        self.stops = RowsModel(
            [
                Column("place", lambda: _t("#"), lambda r: str(r["place"]), align=NUMBER),
                Column("time", lambda: _t("Time"), lambda r: i18n.format_time_local(r["time"])),
                Column("customer_name", lambda: _t("Customer")),
                Column("customer_city", lambda: _t("City")),
                Column("leg", lambda: _t("Leg"), lambda r: _km(r["leg"]), align=NUMBER),
                Column(
                    "fixed", lambda: _t("Fixed time"), lambda r: _t("yes") if r["fixed"] else ""
                ),
            ],
            self,
        )
        self.stops_view = make_table(self.stops, "route_table", self)
        self.stops_view.clicked.connect(lambda _i: self._stop_chosen())

        self.radius = QDoubleSpinBox(self)
        self.radius.setObjectName("nearby_radius")
        self.radius.setRange(0.5, 200.0)
        self.radius.setValue(10.0)
        self.radius.valueChanged.connect(lambda _v: self.show_nearby())
        self.around = QComboBox(self)
        self.around.setObjectName("nearby_around")
        self.around.addItems(["", ""])
        self.around.currentIndexChanged.connect(lambda _i: self.show_nearby())
        self.nearby = RowsModel(
            [
                Column("name", lambda: _t("Customer")),
                Column("city", lambda: _t("City")),
                Column(
                    "distance_km",
                    lambda: _t("Distance"),
                    lambda r: _km(r["distance_km"]),
                    align=NUMBER,
                ),
                Column(
                    "overdue",
                    lambda: _t("Visit due"),
                    lambda r: _t("overdue") if r["overdue"] else "",
                ),
            ],
            self,
        )
        self.nearby_view = make_table(self.nearby, "nearby_table", self)
        self.nearby_view.clicked.connect(lambda _i: self._nearby_chosen())
        self.plan_nearby_button = make_button("plan_nearby", self)
        self.plan_nearby_button.clicked.connect(self.plan_nearby)

        self.pin_button = make_button("place_pin", self)
        self.pin_button.clicked.connect(self.map.begin_pin)
        self.geocode_button = make_button("find_coordinates", self)
        self.geocode_button.clicked.connect(self.geocode)
        self.geocode_button.setEnabled(bool(ctx.settings.value("geocoding_url")))
        self.calendar_button = make_button("calendar_address", self)
        self.calendar_button.clicked.connect(self.new_calendar_address)
        self.calendar_address = QLineEdit(self)
        self.calendar_address.setObjectName("calendar_address_text")
        self.calendar_address.setReadOnly(True)
        self.calendar_address.hide()
        self._layout()
        self.retranslate()

    def _layout(self) -> None:
        top = QHBoxLayout()
        for widget in (self.day, self.home_label, self.home, self.apply_button):
            top.addWidget(widget)
        top.addStretch(1)
        route_tab = QWidget(self)
        column = QVBoxLayout(route_tab)
        column.addWidget(self.summary)
        column.addWidget(self.stops_view, 1)
        row = QHBoxLayout()
        row.addWidget(self.fixed_button)
        row.addStretch(1)
        column.addLayout(row)
        nearby_tab = QWidget(self)
        column = QVBoxLayout(nearby_tab)
        row = QHBoxLayout()
        row.addWidget(self.around, 1)
        row.addWidget(self.radius)
        column.addLayout(row)
        column.addWidget(self.nearby_view, 1)
        column.addWidget(self.plan_nearby_button)
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("road_tabs")
        self.tabs.addTab(route_tab, "")
        self.tabs.addTab(nearby_tab, "")
        map_side = QWidget(self)
        column = QVBoxLayout(map_side)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.map, 1)
        row = QHBoxLayout()
        for widget in (self.pin_button, self.geocode_button, self.calendar_button):
            row.addWidget(widget)
        row.addWidget(self.calendar_address, 1)
        column.addLayout(row)
        split = QSplitter(self)
        split.addWidget(self.tabs)
        split.addWidget(map_side)
        split.setSizes([520, 640])
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(split, 1)

    def retranslate(self) -> None:
        self.home_label.setText(_t("Home base:"))
        self.home.setToolTip(_t("Where your day starts and ends: latitude, longitude"))
        self.apply_button.setText(_t("Apply this order"))
        self.apply_button.setToolTip(_t("Move the planned times to the order of the route"))
        self.fixed_button.setText(_t("Fixed time on/off"))
        self.tabs.setTabText(0, _t("Day route"))
        self.tabs.setTabText(1, _t("Nearby"))
        self.around.setItemText(0, _t("Around the day's route"))
        self.around.setItemText(1, _t("Around the selected customer"))
        self.radius.setSuffix(_t(" km"))
        self.plan_nearby_button.setText(_t("Plan a visit on this day"))
        self.pin_button.setText(_t("Place pin"))
        self.pin_button.setToolTip(_t("Click the map where the selected customer is"))
        self.geocode_button.setText(_t("Find coordinates"))
        self.geocode_button.setToolTip(
            _t("Look up addresses without coordinates")
            if self.geocode_button.isEnabled()
            else _t("No geocoding service is set up (IT sets it)")
        )
        self.calendar_button.setText(_t("Calendar address…"))
        self.calendar_button.setToolTip(
            _t("A new private address for Outlook, Google or Thunderbird (the old one stops)")
        )
        self.stops.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, 5)
        self.nearby.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, 3)
        self._show_summary()

    # ---- reading -------------------------------------------------------------------------

    def home_point(self) -> Point | None:
        text = str(self.ctx.settings.value("home_base") or "")
        return parse_point(text) if text else None

    def chosen_day(self) -> date:
        chosen = self.day.date()
        return date(chosen.year(), chosen.month(), chosen.day())

    def reload(self) -> None:
        super().reload()
        day, user, home = self.chosen_day(), self.ctx.user_id, self.home_point()
        self.ctx.read(lambda store: road.plan_day(store, day, user, home), self._route_arrived)
        self.ctx.analysis.submit(
            lambda: road.nearby_index(self.ctx.store), self._index_arrived, self.report_error
        )

    def _route_arrived(self, route: road.DayRoute) -> None:
        self.route = route
        starts = {t.visit_id: t.planned_start for t in route.new_times}
        rows = [
            {
                "id": s["visit_id"],
                "place": n,
                "time": starts.get(s["visit_id"], s["planned_start"]),
                "customer_id": s["customer_id"],
                "customer_name": s["customer_name"],
                "customer_city": s["customer_city"],
                "leg": route.legs_km[n - 1],
                "fixed": s["fixed_time"],
            }
            for n, s in enumerate(route.stops, start=1)
        ]
        self.stops.set_rows(rows)
        self.apply_button.setEnabled(any(t.planned_start != t.was_start for t in route.new_times))
        self._show_summary()
        self._show_map()
        self.show_nearby()

    def _index_arrived(self, index: road.NearbyIndex) -> None:
        first = self.index is None
        self.index = index
        self._show_map()
        if first and not (self.route and self.route.stops):
            self.map.fit()
        self.show_nearby()

    def _show_summary(self) -> None:
        route = self.route
        if route is None or not route.stops:
            self.summary.setText(_t("No planned visits with coordinates on this day."))
            return
        text = fill(
            _t("%1 stops, %2 (in the planned order: %3)."),
            i18n.format_number(len(route.stops)),
            _km(route.total_km),
            _km(route.current_km),
        )
        if not route.from_home:
            text += " " + _t("No home base set: the day starts at its first stop.")
        if route.unplaced:
            text += " " + fill(
                _t("%1 visits have no coordinates and keep their time."),
                i18n.format_number(len(route.unplaced)),
            )
        text += " " + _t("Distances as the crow flies, not by road.")
        self.summary.setText(text)

    def _show_map(self) -> None:
        points: list[MapPoint] = []
        stop_ids = set()
        if self.route is not None:
            for n, s in enumerate(self.route.stops, start=1):
                place = road.point_of(s)
                if place is not None:
                    stop_ids.add(s["customer_id"])
                    points.append(
                        MapPoint(s["customer_id"], place, f"{n} {s['customer_name'] or ''}", "stop")
                    )
        if self.index is not None:
            for key, (name, _city, overdue, lat, lon) in self.index.customers.items():
                if key not in stop_ids:
                    kind = "overdue" if overdue else "customer"
                    points.append(MapPoint(key, Point(lat, lon), name or "", kind))
        home = self.home_point()
        line: list[Point] = []
        if self.route is not None and self.route.stops:
            line = [p for p in (road.point_of(s) for s in self.route.stops) if p]
            if home is not None:
                points.append(MapPoint("home", home, _t("Home"), "home"))
                line = [home, *line, home]
        self.map.set_points(points)
        self.map.set_route(line)
        if line and self._stale_fit:
            self.map.fit(line)
            self._stale_fit = False

    _stale_fit = True

    # ---- actions -------------------------------------------------------------------------

    def _home_edited(self) -> None:
        text = self.home.text().strip()
        try:
            self.ctx.settings.set_user_value("home_base", text)
        except (ValueError, PermissionError) as exc:
            self.ctx.message.emit(fill(_t("Home base not saved: %1"), str(exc)))
            return
        self.home.setText(str(self.ctx.settings.value("home_base") or ""))
        self._stale_fit = True
        self.reload()

    def apply_route(self) -> None:
        route = self.route
        if route is None:
            return
        self.ctx.write(
            lambda store: road.apply_route(store, route),
            lambda _c: self.ctx.message.emit(_t("The planned times follow the route now.")),
            self.report_error,
        )

    def toggle_fixed(self) -> None:
        row = selected_row(self.stops_view)
        if row is None:
            return
        visit_id, fixed = row["id"], not row["fixed"]
        self.ctx.write(
            lambda store: road.set_fixed_time(store, visit_id, fixed), None, self.report_error
        )

    def _stop_chosen(self) -> None:
        row = selected_row(self.stops_view)
        if row is not None:
            self._choose(row["customer_id"])

    def _nearby_chosen(self) -> None:
        row = selected_row(self.nearby_view)
        if row is not None:
            self.selected_customer = row["customer_id"]
            self.map.select(row["customer_id"])

    def _picked_on_map(self, key: str) -> None:
        if key != "home":
            self._choose(key)

    def _choose(self, customer_id: str) -> None:
        self.selected_customer = customer_id
        self.map.select(customer_id)
        if self.around.currentIndex() == 1:
            self.show_nearby()

    def show_nearby(self) -> None:
        if self.index is None:
            return
        radius = self.radius.value()
        exclude = {s["customer_id"] for s in self.route.stops} if self.route else set()
        if self.around.currentIndex() == 1:
            place = self.index.customers.get(self.selected_customer or "")
            centres = [Point(place[3], place[4])] if place else []
            exclude.add(self.selected_customer or "")
        else:
            stops = self.route.stops if self.route else []
            centres = [p for p in (road.point_of(s) for s in stops) if p]
        rows = self.index.near_any(centres, radius, exclude=exclude) if centres else []
        self.nearby.set_rows([{**r, "id": r["customer_id"]} for r in rows])

    def plan_nearby(self) -> None:
        row = selected_row(self.nearby_view)
        if row is None or self.ctx.user_id is None:
            return
        customer_id, day, rep = row["customer_id"], self.chosen_day(), self.ctx.user_id
        self.ctx.write(
            lambda store: road.plan_nearby_visit(store, customer_id, day, rep),
            lambda _c: self.ctx.message.emit(
                fill(_t("Visit to %1 planned."), row.get("name") or "")
            ),
            self.report_error,
        )

    def _pin_placed(self, latitude: float, longitude: float) -> None:
        customer_id = self.selected_customer
        if customer_id is None:
            self.ctx.message.emit(_t("Choose a customer first, then place the pin."))
            return
        place = Point(latitude, longitude)
        self.ctx.write(
            lambda store: road.set_pin(store, customer_id, place), None, self.report_error
        )

    def geocode(self) -> None:
        url = str(self.ctx.settings.value("geocoding_url") or "")
        if not url:
            return  # nothing leaves the laptop without a service IT set up
        if self.geo is None:
            self.geo = TaskRunner("geo", self)
            self.service = geocoding.GeocodingService(url)
        self.geocode_button.setEnabled(False)
        self._geocode_step(0)

    def _geocode_step(self, found: int) -> None:
        store, service = self.ctx.store, self.service
        assert self.geo is not None

        def saved(batch: geocoding.GeocodeBatch) -> None:
            total = found + batch.found
            if batch.more:
                self._geocode_step(total)
            else:
                self.geocode_button.setEnabled(True)
                self.ctx.message.emit(
                    fill(_t("Coordinates found for %1 customers."), i18n.format_number(total))
                )

        def asked(batch: geocoding.GeocodeBatch) -> None:
            self.ctx.write(
                lambda s: geocoding.save_geocodes(s, batch),
                lambda _c: saved(batch),
                self._geo_failed,
            )

        self.geo.submit(lambda: geocoding.geocode_batch(store, service), asked, self._geo_failed)

    def _geo_failed(self, exc: BaseException) -> None:
        self.geocode_button.setEnabled(True)
        self.ctx.message.emit(fill(_t("Coordinates not found: %1"), str(exc)))

    def new_calendar_address(self) -> None:
        backend: Any = self.ctx.sync.backend
        url = str(self.ctx.settings.value("server_url") or "")
        if not url or not hasattr(backend, "calendar_subscription"):
            self.ctx.message.emit(_t("Sign in to a server first."))
            return
        zone = bytes(QTimeZone.systemTimeZoneId().data()).decode() or "UTC"
        self.ctx.sync.net.submit(
            lambda: backend.calendar_subscription(url, zone),
            self._calendar_address_arrived,
            lambda exc: self.ctx.message.emit(
                fill(_t("No calendar address: %1"), i18n.sync_error(exc))
            ),
        )

    def _calendar_address_arrived(self, address: str) -> None:
        self.calendar_address.setText(address)
        self.calendar_address.show()
        QGuiApplication.clipboard().setText(address)
        self.ctx.message.emit(_t("The new calendar address is copied; the old one stops."))

    def shutdown(self) -> None:
        self.tiles.shutdown()
        if self.geo is not None:
            self.geo.shutdown()
            self.service.close()
