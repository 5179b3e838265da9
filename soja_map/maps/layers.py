"""The data of the map's layers: places (GeoJSON with style keys, icons and popups) and reference
overlays (simplified in metres), with coordinates rounded to what the sources can support."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import shapely
from markupsafe import Markup
from shapely.geometry.base import BaseGeometry

from soja_map.data.dataset import Dataset
from soja_map.data.geo import geometry_to_lonlat, geometry_to_metric
from soja_map.data.io import round_coordinates
from soja_map.data.schema import POINT
from soja_map.i18n import Translator
from soja_map.maps.panels import popup_html
from soja_map.query.filters import Filter
from soja_map.query.styling import (
    MARKER_SIZE,
    colours_for,
    feature_style,
    icon_key,
    icon_table,
    path_style,
)

PLACE_DECIMALS = 6  # ~0.1 m: no source here is more precise
REFERENCE_DECIMALS = 5  # ~1 m, after simplifying reference lines by SIMPLIFY_M
SIMPLIFY_M = 5.0  # at 1:50,000 a printed 0.1 mm is 5 m
STACK_SPACING_PX = MARKER_SIZE - 2  # markers sharing a position are laid side by side


def geometry_json(geom: BaseGeometry, decimals: int) -> dict[str, Any]:
    mapping = shapely.geometry.mapping(geom)
    return {
        "type": mapping["type"],
        "coordinates": round_coordinates(mapping["coordinates"], decimals),
    }


def stack_offsets(points: gpd.GeoSeries) -> dict[str, tuple[int, int]]:
    """Screen offsets (px) for markers that share a position (many sit on one town's point)."""
    groups: dict[tuple[float, float], list[str]] = {}
    for pid, geom in points.items():
        groups.setdefault((round(geom.x, 5), round(geom.y, 5)), []).append(str(pid))
    offsets: dict[str, tuple[int, int]] = {}
    for ids in groups.values():
        if len(ids) > 1:
            for i, pid in enumerate(ids):
                offsets[pid] = (round((i - (len(ids) - 1) / 2) * STACK_SPACING_PX), 0)
    return offsets


@dataclass(frozen=True)
class PlaceLayerData:
    """What the places layer carries: GeoJSON with per-feature style keys, icons and popups."""

    geojson: dict[str, Any]
    icons: dict[str, str]  # icon key -> SVG (styling.icon_table)
    popups: dict[str, tuple[Markup, str]]  # place id -> (popup from the template, tooltip text)


def place_layer_data(
    data: Dataset, located: gpd.GeoDataFrame, flt: Filter, tr: Translator
) -> PlaceLayerData:
    """Per-feature style from styling.feature_style/path_style: the same keys the Dash map uses."""
    plan = data.plan
    offsets = stack_offsets(located[located.geom_type == POINT].geometry)
    features = []
    popups = {}
    keys = []
    # lines and areas first: Leaflet draws later features on top
    order = sorted(range(len(located)), key=lambda i: located.geom_type.iloc[i] == POINT)
    for i in order:
        pid = str(located.index[i])
        row = located.iloc[i]
        properties: dict[str, Any] = {}
        if row.geometry.geom_type == POINT:
            style = feature_style(row["category"], row["projects"], plan, flt.projects)
            key = style.get("icon") or icon_key(row["category"], tuple(style["colours"]))
            properties["icon"] = key
            keys.append(key)
            if pid in offsets:
                properties["offset"] = list(offsets[pid])
        else:
            colours = colours_for(row["projects"], plan, flt.projects)
            properties["style"] = path_style(row["category"], colours)
        features.append(
            {
                "type": "Feature",
                "id": pid,
                "properties": properties,
                "geometry": geometry_json(row.geometry, PLACE_DECIMALS),
            }
        )
        popups[pid] = (popup_html(data, pid, tr), tr.pick(row["name_ja"], row["name_en"]))
    return PlaceLayerData(
        geojson={"type": "FeatureCollection", "features": features},
        icons=icon_table(keys, tr.lang),
        popups=popups,
    )


def reference_geojson(
    frame: gpd.GeoDataFrame,
    style: Mapping[str, Any],
    tr: Translator,
    *,
    simplify_m: float = SIMPLIFY_M,
) -> dict[str, Any]:
    """Reference features, simplified in metres (EPSG:6673), styled, with their name as text."""
    features = []
    for pid, row in frame.iterrows():
        if row.geometry is None or row.geometry.is_empty:
            continue
        geom = row.geometry
        if simplify_m and geom.geom_type != POINT:
            geom = geometry_to_lonlat(
                geometry_to_metric(geom).simplify(simplify_m, preserve_topology=True)
            )
        features.append(
            {
                "type": "Feature",
                "id": str(pid),
                "properties": {
                    "style": dict(style),
                    "tip": tr.pick(row["name_ja"], row["name_en"]),
                },
                "geometry": geometry_json(geom, REFERENCE_DECIMALS),
            }
        )
    return {"type": "FeatureCollection", "features": features}


def default_bounds(data: Dataset, located: gpd.GeoDataFrame) -> tuple[tuple[float, float], ...]:
    """The city, widened to every selected point (stations just outside it, say)."""
    points = located[located.geom_type == POINT]
    west, south, east, north = data.extent(points if len(points) else located)
    return ((south, west), (north, east))
