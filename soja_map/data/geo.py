"""Coordinate helpers: distances are computed in metres in EPSG:6673, never in degrees."""

from __future__ import annotations

from functools import cache

import geopandas as gpd
import numpy as np
import shapely
from pyproj import Transformer
from shapely.geometry.base import BaseGeometry

from soja_map.data.schema import GEOGRAPHIC_CRS, METRIC_CRS
from soja_map.errors import CRSError

WALK_M_PER_MIN = 80.0  # 不動産の表示に関する公正競争規約: 徒歩1分 = 80 m
WALK_ELDERLY_M_PER_MIN = 50.0  # a common planning figure for older pedestrians


@cache
def _transformer(src: str, dst: str) -> Transformer:
    return Transformer.from_crs(src, dst, always_xy=True)


def to_metric_xy(lon: np.ndarray | float, lat: np.ndarray | float) -> tuple[np.ndarray, np.ndarray]:
    """Lon/lat (EPSG:4326) to metres (EPSG:6673)."""
    x, y = _transformer(GEOGRAPHIC_CRS, METRIC_CRS).transform(lon, lat)
    return np.asarray(x, dtype=float), np.asarray(y, dtype=float)


def to_lonlat(x: np.ndarray | float, y: np.ndarray | float) -> tuple[np.ndarray, np.ndarray]:
    """Metres (EPSG:6673) to lon/lat (EPSG:4326)."""
    lon, lat = _transformer(METRIC_CRS, GEOGRAPHIC_CRS).transform(x, y)
    return np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)


def _reproject(geom: BaseGeometry, src: str, dst: str) -> BaseGeometry:
    tr = _transformer(src, dst)

    def xy(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return tr.transform(x, y)

    # types-shapely describes only the interleaved form of the callback
    return shapely.transform(geom, xy, interleaved=False)  # type: ignore[arg-type]


def geometry_to_metric(geom: BaseGeometry) -> BaseGeometry:
    return _reproject(geom, GEOGRAPHIC_CRS, METRIC_CRS)


def geometry_to_lonlat(geom: BaseGeometry) -> BaseGeometry:
    return _reproject(geom, METRIC_CRS, GEOGRAPHIC_CRS)


def to_metric(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """A GeoDataFrame in EPSG:6673; raises CRSError if it has no CRS."""
    if frame.crs is None:
        raise CRSError(
            "the data has no CRS: set it (EPSG:4326 for lon/lat) before measuring distances"
        )
    return frame.to_crs(METRIC_CRS)


def walking_minutes(metres: np.ndarray | float, *, elderly: bool = False) -> np.ndarray:
    speed = WALK_ELDERLY_M_PER_MIN if elderly else WALK_M_PER_MIN
    return np.ceil(np.asarray(metres, dtype=float) / speed)


def representative_xy(geoms: gpd.GeoSeries) -> tuple[np.ndarray, np.ndarray]:
    """Metric x/y of a point on each geometry (the point itself for points)."""
    metric = geoms.to_crs(METRIC_CRS) if geoms.crs is not None else geoms
    pts = shapely.point_on_surface(metric.values)
    return shapely.get_x(pts), shapely.get_y(pts)
