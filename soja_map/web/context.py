"""What every part of the app reads, prepared once in create_app and passed down (never a global)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

import geopandas as gpd

from soja_map.config import Settings
from soja_map.data.dataset import Dataset
from soja_map.query.basemaps import TILE_SOURCES, TileSource
from soja_map.query.nearby import metric_geometries
from soja_map.web.mapdata import MapData, prepare


@dataclass(frozen=True)
class AppContext:
    settings: Settings
    data: Dataset
    mapdata: MapData
    metric: gpd.GeoSeries  # located places in EPSG:6673, for the nearby search
    basemaps: tuple[TileSource, ...]
    places_url: str
    reference_urls: dict[str, str]
    measure_counts: dict[str, int]  # measure id -> places (located or city-wide) serving it
    can_render: bool = True  # Chromium is on the server: PNG and report exports are offered

    @property
    def total(self) -> int:
        return len(self.data.places)


def build_context(
    settings: Settings,
    data: Dataset,
    *,
    url_for: Callable[[str], str],
    basemaps: tuple[TileSource, ...] | None = None,
    can_render: bool = True,
) -> AppContext:
    """Prepare the map data once. ``url_for(path)`` turns a route into a URL (path prefix aware)."""
    mapdata = prepare(data)
    counts: Counter[str] = Counter(m for ms in data.places["measures"] for m in ms)
    return AppContext(
        settings=settings,
        data=data,
        mapdata=mapdata,
        metric=metric_geometries(data.places),
        basemaps=basemaps if basemaps is not None else tuple(TILE_SOURCES.values()),
        places_url=url_for(f"_soja/places.{mapdata.places.etag}.json"),
        reference_urls={
            key: url_for(f"_soja/reference/{key}.{payload.etag}.json")
            for key, payload in mapdata.references.items()
        },
        measure_counts={m: counts.get(m, 0) for m in data.plan.measures},
        can_render=can_render,
    )
