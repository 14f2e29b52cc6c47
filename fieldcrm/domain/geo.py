"""Places on the earth: great-circle distance, Web-Mercator coordinates, a grid index.

Distances are great-circle distances on a sphere of the earth's mean radius: as the crow
flies, not road distance.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

EARTH_RADIUS_KM = 6371.0088
#: Web Mercator stops short of the poles.
MAX_MERCATOR_LATITUDE = 85.05112878
TILE_SIZE = 256


@dataclass(frozen=True, slots=True)
class Point:
    latitude: float
    longitude: float


def distance_km(a: Point, b: Point) -> float:
    """Great-circle distance (haversine formula)."""
    lat1, lat2 = math.radians(a.latitude), math.radians(b.latitude)
    dlat = lat2 - lat1
    dlon = math.radians(b.longitude - a.longitude)
    h = math.sin(dlat / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(dlon / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def parse_point(text: str) -> Point:
    """``"48.137, 11.575"`` as a point; ``ValueError`` with a clear message otherwise."""
    parts = [p.strip() for p in str(text).replace(";", ",").split(",")]
    if len(parts) != 2:
        raise ValueError(f"a place is 'latitude, longitude', e.g. '48.137, 11.575', not {text!r}")
    try:
        lat, lon = float(parts[0]), float(parts[1])
    except ValueError:
        raise ValueError(f"latitude and longitude must be numbers, not {text!r}") from None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180) or math.isnan(lat) or math.isnan(lon):
        raise ValueError("latitude must be between -90 and 90 and longitude between -180 and 180")
    return Point(lat, lon)


# ---- Web Mercator (the tile servers' projection) -------------------------------------------


def world_xy(point: Point) -> tuple[float, float]:
    """The point in world units: the whole map is 0..256 wide and high (zoom level 0)."""
    lat = max(-MAX_MERCATOR_LATITUDE, min(MAX_MERCATOR_LATITUDE, point.latitude))
    x = (point.longitude + 180.0) / 360.0 * TILE_SIZE
    siny = math.sin(math.radians(lat))
    y = (0.5 - math.log((1 + siny) / (1 - siny)) / (4 * math.pi)) * TILE_SIZE
    return x, y


def world_point(x: float, y: float) -> Point:
    """The inverse of ``world_xy``."""
    lon = x / TILE_SIZE * 360.0 - 180.0
    n = math.pi - 2 * math.pi * y / TILE_SIZE
    lat = math.degrees(math.atan(math.sinh(n)))
    return Point(max(-90.0, min(90.0, lat)), max(-180.0, min(180.0, lon)))


def km_per_world_unit(latitude: float) -> float:
    """How many kilometres one world unit spans at this latitude (for the scale bar)."""
    return 2 * math.pi * EARTH_RADIUS_KM * math.cos(math.radians(latitude)) / TILE_SIZE


# ---- the grid index ----------------------------------------------------------------------


class GeoGrid:
    """Places in cells of ``cell_deg`` degrees: a radius query reads only nearby cells.

    Over 100,000 customers a query of a few kilometres reads a few cells instead of every
    customer (see docs/PERFORMANCE.md).
    """

    def __init__(self, places: Iterable[tuple[str, float, float]], cell_deg: float = 0.05):
        self.cell_deg = cell_deg
        self.cells: dict[tuple[int, int], list[tuple[str, float, float]]] = {}
        self.size = 0
        for key, lat, lon in places:
            cell = (math.floor(lat / cell_deg), math.floor(lon / cell_deg))
            self.cells.setdefault(cell, []).append((key, lat, lon))
            self.size += 1

    def within(self, centre: Point, radius_km: float) -> Iterator[tuple[str, float]]:
        """(key, distance in km) of every place within ``radius_km`` of ``centre``."""
        deg_lat = radius_km / 111.0 + 1e-9
        cos_lat = max(0.01, math.cos(math.radians(min(89.0, abs(centre.latitude) + deg_lat))))
        deg_lon = min(180.0, radius_km / (111.320 * cos_lat) + 1e-9)
        cd = self.cell_deg
        row_lo = math.floor((centre.latitude - deg_lat) / cd)
        row_hi = math.floor((centre.latitude + deg_lat) / cd)
        lon_lo, lon_hi = centre.longitude - deg_lon, centre.longitude + deg_lon
        spans = [(max(-180.0, lon_lo), min(180.0, lon_hi))]
        if lon_lo < -180:  # across the date line
            spans.append((lon_lo + 360, 180.0))
        if lon_hi > 180:
            spans.append((-180.0, lon_hi - 360))
        cols = [(math.floor(lo / cd), math.floor(hi / cd)) for lo, hi in spans]
        wanted = (row_hi - row_lo + 1) * sum(hi - lo + 1 for lo, hi in cols)
        if wanted > len(self.cells):
            candidates: Iterable[list[tuple[str, float, float]]] = self.cells.values()
        else:
            candidates = (
                self.cells[(r, c)]
                for r in range(row_lo, row_hi + 1)
                for lo, hi in cols
                for c in range(lo, hi + 1)
                if (r, c) in self.cells
            )
        lat1 = math.radians(centre.latitude)
        cos1 = math.cos(lat1)
        lon1 = centre.longitude
        limit = math.sin(min(math.pi / 2, radius_km / (2 * EARTH_RADIUS_KM))) ** 2
        for cell in candidates:
            for key, lat, lon in cell:
                lat2 = math.radians(lat)
                h = (
                    math.sin((lat2 - lat1) / 2) ** 2
                    + cos1 * math.cos(lat2) * math.sin(math.radians(lon - lon1) / 2) ** 2
                )
                if h <= limit:
                    yield key, 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))
