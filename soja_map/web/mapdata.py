"""What the browser draws: compact GeoJSON of the places and simplified reference overlays, built once.

Places carry only what the map's JS reads (ids, names, plan links, the search key and a style key);
details are fetched from the server on click. Reference polygons are simplified in EPSG:6673 (the
school districts as a coverage, so neighbours keep their shared edges) and rounded to 5 decimals
(about 1 m) before they are sent.
"""

from __future__ import annotations

import gzip
import hashlib
import itertools
import json
import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from soja_map.data.dataset import Dataset
from soja_map.data.plan import Plan
from soja_map.data.schema import METRIC_CRS, POINT
from soja_map.i18n import LANGS, Lang, Translator
from soja_map.query.styling import (
    CLUSTER_STYLE,
    NEUTRAL,
    REFERENCE_STYLES,
    colours_for,
    icon_key,
    icon_table,
    path_style,
)

COORD_DIGITS = 6  # ~0.1 m for places
PLACE_LINE_TOLERANCE_M = 3.0  # lines and areas of places, for display only
REFERENCE_DIGITS = 5  # ~1 m for simplified reference lines and areas
BOUNDARY_TOLERANCE_M = 5.0
RAIL_TOLERANCE_M = 5.0
DISTRICT_TOLERANCE_M = 10.0


@dataclass(frozen=True)
class Payload:
    """A JSON document served as-is (and gzipped for clients that accept it)."""

    body: bytes
    gzipped: bytes
    etag: str

    @classmethod
    def of(cls, document: Any) -> Payload:
        body = json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        return cls(body, gzip.compress(body, 6, mtime=0), hashlib.sha256(body).hexdigest()[:16])


def _round(geom: BaseGeometry, digits: int) -> BaseGeometry:
    return shapely.transform(geom, lambda xy: np.round(xy, digits))


def _geometry(geom: BaseGeometry, digits: int) -> dict[str, Any]:
    return dict(shapely.geometry.mapping(_round(geom, digits)))


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def subsets(projects: Iterable[str]) -> Iterator[tuple[str, ...]]:
    items = tuple(projects)
    for size in range(len(items) + 1):
        yield from itertools.combinations(items, size)


def style_key(
    category: str, projects: Iterable[str], plan: Plan, active: Iterable[str] | None
) -> str:
    """The key of the icon or path style a place is drawn with when ``active`` projects are shown.

    The JS in assets/soja_map.js computes the same key (``sojaMap.styleKey``); a browser test checks it.
    """
    return icon_key(category, colours_for(tuple(projects), plan, active))


def place_features(places: gpd.GeoDataFrame, plan: Plan) -> dict[str, Any]:
    """The located places as a FeatureCollection with the properties the map's JS reads."""
    located = places[places.geometry.notna()]
    geoms = located.geometry.to_numpy().copy()
    shaped = (located.geom_type != POINT).to_numpy()
    if shaped.any():
        geoms[shaped] = _simplified(located[shaped], PLACE_LINE_TOLERANCE_M)
    features = []
    for pid, row, geom in zip(located.index, located.itertuples(index=False), geoms, strict=True):
        features.append(
            {
                "type": "Feature",
                "geometry": _geometry(geom, COORD_DIGITS),
                "properties": {
                    "id": str(pid),
                    "name_ja": row.name_ja,
                    "name_en": _text(row.name_en),
                    "category": row.category,
                    "projects": list(row.projects),
                    "policies": list(row.policies),
                    "measures": list(row.measures),
                    "town_area": _text(row.town_area),
                    "search_key": row.search_key,
                    "style_key": style_key(row.category, row.projects, plan, None),
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}


def style_tables(
    places: gpd.GeoDataFrame, plan: Plan, lang: Lang = "ja"
) -> tuple[dict[str, str], dict[str, Any]]:
    """Every style key a place can be drawn with (one per subset of its projects): icon SVGs for
    points (their glyphs in ``lang``), Leaflet path options for lines and areas. Sent once, in
    the layers' hideout."""
    located = places[places.geometry.notna()]
    is_point = (located.geom_type == POINT).to_numpy()
    combos = set(zip(located["category"], located["projects"], is_point, strict=True))
    point_keys: set[str] = set()
    paths: dict[str, Any] = {}
    for category, projects, point in combos:
        for subset in subsets(projects):
            colours = colours_for(subset, plan) if subset else (NEUTRAL,)
            key = icon_key(category, colours)
            if point:
                point_keys.add(key)
            else:
                paths[key] = {
                    k: v for k, v in path_style(category, colours).items() if v is not None
                }
    return icon_table(point_keys, lang), dict(sorted(paths.items()))


def _simplified(
    frame: gpd.GeoDataFrame, tolerance_m: float, *, coverage: bool = False
) -> np.ndarray:
    metric = frame.geometry.to_crs(METRIC_CRS).to_numpy()
    if coverage and shapely.coverage_is_valid(metric):
        simple = shapely.coverage_simplify(metric, tolerance_m)
    else:
        simple = shapely.simplify(metric, tolerance_m, preserve_topology=True)
    return np.asarray(gpd.GeoSeries(simple, crs=METRIC_CRS).to_crs(frame.crs).to_numpy())


def _collection(
    frame: gpd.GeoDataFrame, geoms: Iterable[BaseGeometry], digits: int
) -> dict[str, Any]:
    features = [
        {
            "type": "Feature",
            "geometry": _geometry(geom, digits),
            "properties": {
                "id": str(pid),
                "name_ja": row.name_ja,
                "name_en": _text(row.name_en),
            },
        }
        for pid, row, geom in zip(frame.index, frame.itertuples(index=False), geoms, strict=True)
    ]
    return {"type": "FeatureCollection", "features": features}


def reference_collections(data: Dataset) -> dict[str, dict[str, Any]]:
    """The reference overlays by key (see state.REFERENCE_KEYS), simplified for display."""
    out: dict[str, dict[str, Any]] = {}
    boundary = data.references.get("city_boundary")
    if boundary is not None and len(boundary):
        out["boundary"] = _collection(
            boundary, _simplified(boundary, BOUNDARY_TOLERANCE_M), REFERENCE_DIGITS
        )
    rail = data.located[data.located["category"] == "rail_line"]
    out["rail"] = _collection(rail, _simplified(rail, RAIL_TOLERANCE_M), REFERENCE_DIGITS)
    towns = data.towns
    out["towns"] = _collection(towns, towns.geometry.to_numpy(), COORD_DIGITS)
    districts = data.school_districts
    levels = np.array([(a or {}).get("level") for a in districts["attributes"]], dtype=object)
    for level in ("elementary", "junior_high"):
        chosen = districts[levels == level]
        out[level] = _collection(
            chosen, _simplified(chosen, DISTRICT_TOLERANCE_M, coverage=True), REFERENCE_DIGITS
        )
    return out


REFERENCE_STYLE_OF = {
    "boundary": "city_boundary",
    "rail": "rail_context",
    "towns": "town",
    "elementary": "school_district",
    "junior_high": "school_district_jh",
}


def reference_style(key: str) -> dict[str, Any]:
    """Leaflet options for a reference overlay (from styling.REFERENCE_STYLES)."""
    return dict(REFERENCE_STYLES[REFERENCE_STYLE_OF[key]])


def city_bounds(data: Dataset) -> list[list[float]]:
    """[[south, west], [north, east]] of the city and every located place (some stations lie just
    outside it): the first view shows all of them."""
    west, south, east, north = data.extent(data.located)
    scale = 10**REFERENCE_DIGITS  # rounded outwards, so nothing falls just outside
    return [
        [math.floor(south * scale) / scale, math.floor(west * scale) / scale],
        [math.ceil(north * scale) / scale, math.ceil(east * scale) / scale],
    ]


def bounds_of(frame: gpd.GeoDataFrame) -> list[list[float]] | None:
    """[[south, west], [north, east]] of the located rows of ``frame``, or None."""
    located = frame[frame.geometry.notna()]
    if located.empty:
        return None
    west, south, east, north = located.total_bounds
    return [[float(south), float(west)], [float(north), float(east)]]


JS_PREFIX = "js_"


def browser_words(tr: Translator) -> dict[str, str]:
    """The words assets/soja_map.js shows, from the catalogue: every ``js_`` message, without the
    prefix (``js_cluster_title`` -> ``cluster_title``). They reach the JS in the hideout of the
    layer that draws them, rendered with the page, so switching the language switches them too."""
    return tr.subset(JS_PREFIX)


@dataclass(frozen=True)
class MapData:
    """Everything the map draws, prepared once per app (the data does not change while it runs)."""

    places: Payload
    references: dict[str, Payload]
    icons: dict[Lang, dict[str, str]]  # per language: the glyphs differ (styling.GLYPHS_BY_LANG)
    paths: dict[str, Any]
    city_bounds: list[list[float]]

    def points_hideout(self, plan: Plan, tr: Translator) -> dict[str, Any]:
        """What the point layer's JS draws with: icons, colours, the language and its words."""
        return {
            "icons": self.icons[tr.lang],
            "order": [p.id for p in plan.projects],
            "colours": {p.id: p.colour for p in plan.projects},
            "neutral": NEUTRAL,
            "cluster": CLUSTER_STYLE,
            "lang": tr.lang,
            "words": browser_words(tr),
        }

    def shapes_hideout(self, plan: Plan, tr: Translator) -> dict[str, Any]:
        return {
            "paths": self.paths,
            "order": [p.id for p in plan.projects],
            "colours": {p.id: p.colour for p in plan.projects},
            "neutral": NEUTRAL,
            "lang": tr.lang,
        }


def prepare(data: Dataset) -> MapData:
    icons = {lang: style_tables(data.places, data.plan, lang)[0] for lang in LANGS}
    paths = style_tables(data.places, data.plan)[1]
    places = place_features(data.places, data.plan)
    # what the JS needs to compute style keys for a subset of projects (a GeoJSON foreign member)
    places["soja"] = {
        "order": [p.id for p in data.plan.projects],
        "colours": {p.id: p.colour for p in data.plan.projects},
        "neutral": NEUTRAL,
    }
    return MapData(
        places=Payload.of(places),
        references={k: Payload.of(v) for k, v in reference_collections(data).items()},
        icons=icons,
        paths=paths,
        city_bounds=city_bounds(data),
    )
