"""Background tile layers and their attribution: 地理院タイル (standard, pale, photo) and OpenStreetMap."""

from __future__ import annotations

from dataclasses import dataclass

GSI_ATTRIBUTION = (
    '<a href="https://maps.gsi.go.jp/development/ichiran.html" target="_blank" rel="noopener">'
    "地理院タイル</a>"
)
OSM_ATTRIBUTION = (
    '&copy; <a href="https://www.openstreetmap.org/copyright" target="_blank" rel="noopener">'
    "OpenStreetMap</a> contributors"
)


@dataclass(frozen=True, slots=True)
class Basemap:
    """One background map. ``attribution`` is trusted HTML (a constant, never data)."""

    key: str  # one of soja_map.config.BASEMAPS
    url: str
    attribution: str
    max_native_zoom: int


BASEMAPS: tuple[Basemap, ...] = (
    Basemap(
        "gsi-pale",
        "https://cyberjapandata.gsi.go.jp/xyz/pale/{z}/{x}/{y}.png",
        GSI_ATTRIBUTION,
        18,
    ),
    Basemap(
        "gsi-std",
        "https://cyberjapandata.gsi.go.jp/xyz/std/{z}/{x}/{y}.png",
        GSI_ATTRIBUTION,
        18,
    ),
    Basemap(
        "gsi-photo",
        "https://cyberjapandata.gsi.go.jp/xyz/seamlessphoto/{z}/{x}/{y}.jpg",
        GSI_ATTRIBUTION + "（全国最新写真（シームレス））",
        18,
    ),
    Basemap(
        "osm",
        "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
        OSM_ATTRIBUTION,
        19,
    ),
)


def local_basemaps(prefix: str) -> tuple[Basemap, ...]:
    """The same basemaps served from ``prefix``/<key>/{z}/{x}/{y}.png (offline tests, a tile cache)."""
    return tuple(
        Basemap(b.key, f"{prefix}/{b.key}/{{z}}/{{x}}/{{y}}.png", b.attribution, b.max_native_zoom)
        for b in BASEMAPS
    )
