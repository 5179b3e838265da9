"""The printed map's inset: where places crowd together, chosen from their density, and short labels.

Distances are in metres (EPSG:6673 via ``data.geo``). The inset is the square around the place
with the most neighbours within a radius tied to the map's extent, grown to hold those neighbours;
there is none when places do not crowd (few of them, or spread over much of the map).
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import shapely

from soja_map.data.geo import to_lonlat, to_metric_xy

Bounds = tuple[tuple[float, float], tuple[float, float]]  # ((south, west), (north, east))

# The neighbourhood is this share of the map's longer side; a cluster is worth an inset when it
# holds MIN_PLACES and this share of the places. The inset's side is at most MAX_SIDE_SHARE of
# the map's: drawn in the side panel (about a third of the map frame's width) that enlarges it
# about three times.
RADIUS_SHARE = 0.06
MIN_PLACES = 8
MIN_SHARE = 0.15
MAX_SIDE_SHARE = 0.125


@dataclass(frozen=True)
class Inset:
    bounds: Bounds
    places: int  # how many places it holds


def crowded_inset(located: gpd.GeoDataFrame, view: tuple[tuple[float, float], ...]) -> Inset | None:
    """The crowded part of ``view`` (where an inset helps), or None."""
    points = located.geometry[located.geometry.notna()]
    points = points[points.geom_type == "Point"]
    (south, west), (north, east) = view
    inside = points[
        (points.x >= west) & (points.x <= east) & (points.y >= south) & (points.y <= north)
    ]
    if len(inside) < MIN_PLACES:
        return None
    vx, vy = to_metric_xy(np.array([west, east]), np.array([south, north]))
    side = max(abs(vx[1] - vx[0]), abs(vy[1] - vy[0]))
    radius = RADIUS_SHARE * side
    x, y = to_metric_xy(shapely.get_x(inside.values), shapely.get_y(inside.values))
    d2 = (x[:, None] - x[None, :]) ** 2 + (y[:, None] - y[None, :]) ** 2
    counts = (d2 <= radius**2).sum(axis=1)
    best = int(np.argmax(counts))
    members = d2[best] <= radius**2
    n = int(members.sum())
    if n < MIN_PLACES or n < MIN_SHARE * len(inside):
        return None
    # centred on the cluster's centroid, as large as MAX_SIDE_SHARE allows
    cx, cy = float(x[members].mean()), float(y[members].mean())
    half = MAX_SIDE_SHARE * side / 2
    lon, lat = to_lonlat(np.array([cx - half, cx + half]), np.array([cy - half, cy + half]))
    n = int(((abs(x - cx) <= half) & (abs(y - cy) <= half)).sum())
    return Inset(((float(lat.min()), float(lon.min())), (float(lat.max()), float(lon.max()))), n)


PREFIXES = ("総社市立", "総社市")
MAX_LABEL_CHARS = 10


def short_name(name: str) -> str:
    """A label for the printed map: the name without the city's own prefix, at most
    MAX_LABEL_CHARS characters (then an ellipsis)."""
    text = name.strip()
    for prefix in PREFIXES:
        if text.startswith(prefix) and len(text) > len(prefix):
            text = text[len(prefix) :]
            break
    return text if len(text) <= MAX_LABEL_CHARS else text[: MAX_LABEL_CHARS - 1] + "…"
