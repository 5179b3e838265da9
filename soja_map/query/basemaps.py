"""Background maps (XYZ tiles) and the credit each requires: 地理院タイル and OpenStreetMap.

One table for the Dash app and the Folium export alike; ``attribution`` is trusted HTML (constants
here), never data.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from soja_map.errors import ConfigError
from soja_map.i18n import Lang, Translator, translator

GSI_ATTRIBUTION = (
    '<a href="https://maps.gsi.go.jp/development/ichiran.html" target="_blank" rel="noopener">'
    "地理院タイル</a>"
)
OSM_ATTRIBUTION = (
    '&copy; <a href="https://www.openstreetmap.org/copyright" target="_blank" rel="noopener">'
    "OpenStreetMap</a> contributors"
)


@dataclass(frozen=True, slots=True)
class TileSource:
    """One background map (an XYZ tile set in Web Mercator) and its required credit."""

    key: str
    url: str
    attribution: str  # trusted HTML (constants above), shown while the layer is on
    max_native_zoom: int = 18

    def name(self, tr: Translator | Lang) -> str:
        """The map's name (a layer control's label): the catalogue's ``basemap_<key>``, one name
        for the app and the export alike."""
        return translator(tr)(f"basemap_{self.key}")

    def mirrored(self, prefix: str) -> TileSource:
        """The same tiles from a mirror or cache laid out as ``<prefix>/<key>/{z}/{x}/{y}.png``
        , e.g. a tile cache inside a closed network."""
        url = f"{prefix.rstrip('/')}/{self.key}/{{z}}/{{x}}/{{y}}.png"
        return dataclasses.replace(self, url=url)

    def leaflet_options(self) -> dict[str, Any]:
        return {
            "attribution": self.attribution,
            "maxNativeZoom": self.max_native_zoom,
            "maxZoom": 19,
            "minZoom": 5,
        }


# Keys are config.BASEMAPS (minus "none"). Both the app and the export draw these.
TILE_SOURCES: Mapping[str, TileSource] = {
    "gsi-pale": TileSource(
        "gsi-pale",
        "https://cyberjapandata.gsi.go.jp/xyz/pale/{z}/{x}/{y}.png",
        GSI_ATTRIBUTION,
    ),
    "gsi-std": TileSource(
        "gsi-std",
        "https://cyberjapandata.gsi.go.jp/xyz/std/{z}/{x}/{y}.png",
        GSI_ATTRIBUTION,
    ),
    "gsi-photo": TileSource(
        "gsi-photo",
        "https://cyberjapandata.gsi.go.jp/xyz/seamlessphoto/{z}/{x}/{y}.jpg",
        GSI_ATTRIBUTION + "（全国最新写真（シームレス））",
    ),
    "osm": TileSource(
        "osm",
        "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
        OSM_ATTRIBUTION,
        max_native_zoom=19,
    ),
}


_MIRROR_URL = re.compile(r"^https?://[^\s\"'<>{}]+$")


def mirrored(prefix: str) -> dict[str, TileSource]:
    """Every basemap from ``prefix``/<key>/{z}/{x}/{y}.png (a tile cache, or a stub in tests)."""
    return {key: source.mirrored(prefix) for key, source in TILE_SOURCES.items()}


def tile_sources(mirror: str | None = None) -> dict[str, TileSource]:
    """The background maps, from their publishers or from ``mirror`` (an http(s) URL prefix)."""
    if mirror is None:
        return dict(TILE_SOURCES)
    if not _MIRROR_URL.match(mirror):
        raise ConfigError(f"a tile mirror must be an http(s) URL; got {mirror!r}")
    return mirrored(mirror)
