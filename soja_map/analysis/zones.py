"""Areas that coverage is reported by: the city, its school districts and the towns' Voronoi areas (EPSG:6673).

The bundle has town *points* (大字/町丁目 representative points) but no town polygons, and school-district
polygons from 2010 (elementary, KSJ A27) and 2016 (junior high, KSJ A32) that leave about 1.8 km² of the
current city uncovered. So:

* each school-district level is first made to cover the city exactly: every district is cut to the city
  boundary and every uncovered part of the city is joined to the district nearest to it;
* a town's area is the Voronoi cell of its point among the points *of its own elementary district*,
  cut to that district (so town areas nest in elementary districts); the cells of districts that hold no
  town point go to the nearest town point in the city.

The pieces (town x elementary district) are what the bundled population estimate fills, and every grid
cell is given to the piece that contains its centre, so town and district tables add up to the city.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Final

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry

from soja_map.data.schema import METRIC_CRS
from soja_map.errors import CRSError, Problem, ValidationError

if TYPE_CHECKING:
    from soja_map.data.dataset import Dataset

ZONE_KINDS: Final = ("town", "elementary", "junior_high", "city")
CITY_NAME_JA: Final = "総社市"
CITY_NAME_EN: Final = "Soja City"


def to_metric_frame(frame: gpd.GeoDataFrame | gpd.GeoSeries, *, name: str) -> gpd.GeoDataFrame:
    """``frame`` in EPSG:6673 as a GeoDataFrame; CRSError when it has no CRS."""
    if frame.crs is None:
        raise CRSError(
            f"{name} has no CRS: set it (EPSG:4326 for lon/lat, EPSG:6673 for metres) before "
            "measuring distances"
        )
    if len(frame) and frame.crs.is_geographic:
        minx, miny, maxx, maxy = frame.total_bounds
        if not (-180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90):
            raise CRSError(
                f"{name} says its CRS is {frame.crs.to_string()} (degrees) but has coordinates up "
                f"to {max(abs(minx), abs(maxx), abs(miny), abs(maxy)):,.0f}: they look like metres; "
                "set the CRS they are really in (e.g. EPSG:6673)"
            )
    out = frame.to_crs(METRIC_CRS)
    if len(out) and not np.isfinite(out.total_bounds).all():
        raise CRSError(
            f"{name}: coordinates cannot be converted from {frame.crs}; is its CRS right?"
        )
    return out if isinstance(out, gpd.GeoDataFrame) else gpd.GeoDataFrame(geometry=out)


def _require_columns(frame: pd.DataFrame, columns: tuple[str, ...], *, name: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValidationError(
            [
                Problem(
                    file=name,
                    code="column-missing",
                    message=f"column {c!r} is missing",
                    field=c,
                    expected=f"columns {', '.join(columns)}",
                )
                for c in missing
            ]
        )


def cover_city(districts: np.ndarray, boundary: BaseGeometry) -> tuple[np.ndarray, float]:
    """Cut ``districts`` to ``boundary`` and join each uncovered part of the city to its nearest district.

    Returns the new district geometries (same order) and the area (m²) that was joined.
    """
    cut = shapely.intersection(districts, boundary)
    if len(cut) == 0:
        return cut, 0.0
    rest = shapely.difference(boundary, shapely.union_all(cut))
    parts = shapely.get_parts(rest)
    parts = parts[shapely.area(parts) > 0]
    if len(parts) == 0:
        return cut, 0.0
    tree = shapely.STRtree(cut)
    nearest = tree.query_nearest(shapely.point_on_surface(parts), all_matches=False)[1]
    out = cut.copy()
    for i in np.unique(nearest):
        out[i] = shapely.union_all([cut[i], *parts[nearest == i]])
    return out, float(shapely.area(parts).sum())


def _voronoi_cells(points: np.ndarray, clip: BaseGeometry) -> np.ndarray:
    """The Voronoi cell of each point, cut to ``clip`` (duplicate points: the first gets the cell)."""
    if len(points) == 1:
        return np.array([clip], dtype=object)
    xy = shapely.get_coordinates(points)
    _, first = np.unique(xy, axis=0, return_index=True)
    first = np.sort(first)
    cells = np.array([shapely.Polygon()] * len(points), dtype=object)
    if len(first) == 1:
        cells[first[0]] = clip
        return cells
    diagram = shapely.voronoi_polygons(shapely.MultiPoint(xy[first]), extend_to=clip, ordered=True)
    cells[first] = shapely.intersection(shapely.get_parts(diagram), clip)
    return cells


@dataclass(frozen=True, eq=False)
class Geography:
    """The city, its districts and town areas in EPSG:6673, with the bookkeeping the estimate needs.

    ``towns``: points, index = id, columns ``name`` and ``elementary`` (position of the town's district).
    ``elementary`` / ``junior_high``: polygons covering the city, index = id, column ``name``
    (``pupils`` on elementary when known). ``pieces``: the town areas cut by elementary district, columns
    ``town`` and ``elementary`` (positions) and ``area``.
    """

    boundary: BaseGeometry
    towns: gpd.GeoDataFrame
    elementary: gpd.GeoDataFrame
    junior_high: gpd.GeoDataFrame
    pieces: gpd.GeoDataFrame
    joined_area_m2: float = 0.0
    town_areas: gpd.GeoSeries = field(init=False)

    def __post_init__(self) -> None:
        areas = [
            shapely.union_all(self.pieces.geometry.values[self.pieces["town"].to_numpy() == i])
            for i in range(len(self.towns))
        ]
        object.__setattr__(
            self, "town_areas", gpd.GeoSeries(areas, index=self.towns.index, crs=METRIC_CRS)
        )

    def layer(self, kind: str) -> tuple[pd.Index, gpd.GeoSeries]:
        """Names and polygons of the zones of ``kind`` (town, elementary, junior_high, city)."""
        if kind == "town":
            return pd.Index(self.towns["name"], name="town"), self.town_areas
        if kind in {"elementary", "junior_high"}:
            frame = self.elementary if kind == "elementary" else self.junior_high
            return pd.Index(frame["name"], name=kind), frame.geometry
        if kind == "city":
            return (
                pd.Index([CITY_NAME_JA], name="city"),
                gpd.GeoSeries([self.boundary], index=["city"], crs=METRIC_CRS),
            )
        raise ValueError(f"unknown zone kind {kind!r}; expected one of {', '.join(ZONE_KINDS)}")

    def assign(self, x: np.ndarray, y: np.ndarray) -> dict[str, np.ndarray]:
        """For points (cell centres) in metres: the position of their town, districts and city (0)."""
        points = np.asarray(shapely.points(x, y), dtype=object)
        piece = _containing(self.pieces.geometry.values, points)
        junior = _containing(self.junior_high.geometry.values, points)
        return {
            "town": self.pieces["town"].to_numpy()[piece],
            "elementary": self.pieces["elementary"].to_numpy()[piece],
            "junior_high": junior,
            "city": np.zeros(len(points), dtype=np.int64),
        }


def _containing(polygons: np.ndarray, points: np.ndarray) -> np.ndarray:
    """Position of the polygon containing each point (the first if several), else of the nearest one."""
    out = np.full(len(points), -1, dtype=np.int64)
    if len(polygons) == 0:
        raise ValueError("no polygons to assign points to")
    tree = shapely.STRtree(polygons)
    pt, poly = tree.query(points, predicate="intersects")
    order = np.lexsort((poly, pt))
    pt, poly = pt[order], poly[order]
    first = np.r_[True, pt[1:] != pt[:-1]] if len(pt) else np.array([], dtype=bool)
    out[pt[first]] = poly[first]
    missing = np.flatnonzero(out < 0)
    if len(missing):
        src, dst = tree.query_nearest(points[missing], all_matches=False)
        out[missing[src]] = dst
    return out


def build_geography(
    boundary: gpd.GeoSeries | gpd.GeoDataFrame,
    towns: gpd.GeoDataFrame,
    elementary: gpd.GeoDataFrame,
    junior_high: gpd.GeoDataFrame | None = None,
) -> Geography:
    """Geography from the city boundary, town points (column ``name``) and district polygons (``name``).

    Any CRS is accepted (all are converted to EPSG:6673); a frame without a CRS raises CRSError.
    Extra columns of ``towns`` and ``elementary`` (e.g. ``pupils``, ``population``) are kept.
    """
    city = shapely.union_all(to_metric_frame(boundary, name="the city boundary").geometry.values)
    town_frame = to_metric_frame(towns, name="the town points")
    es_frame = to_metric_frame(elementary, name="the elementary-school districts")
    _require_columns(town_frame, ("name",), name="town points")
    _require_columns(es_frame, ("name",), name="elementary-school districts")
    if not (town_frame.geom_type == "Point").all():
        raise ValidationError(
            [Problem("town points", "geometry-type", "every town must be a Point")]
        )
    if len(town_frame) == 0 or len(es_frame) == 0:
        raise ValidationError(
            [Problem("geography", "empty", "at least one town point and one district are needed")]
        )
    es_geoms, joined = cover_city(es_frame.geometry.values, city)
    es_frame = es_frame.set_geometry(gpd.GeoSeries(es_geoms, index=es_frame.index, crs=METRIC_CRS))
    if junior_high is None or len(junior_high) == 0:
        jh_frame = gpd.GeoDataFrame(
            {"name": [CITY_NAME_JA]}, geometry=[city], index=["city"], crs=METRIC_CRS
        )
    else:
        jh_frame = to_metric_frame(junior_high, name="the junior-high-school districts")
        _require_columns(jh_frame, ("name",), name="junior-high-school districts")
        jh_geoms, _ = cover_city(jh_frame.geometry.values, city)
        jh_frame = jh_frame.set_geometry(
            gpd.GeoSeries(jh_geoms, index=jh_frame.index, crs=METRIC_CRS)
        )

    points = np.asarray(town_frame.geometry.values, dtype=object)
    town_district = _containing(es_geoms, points)
    town_frame = town_frame.assign(elementary=town_district)

    all_cells = _voronoi_cells(points, city)
    piece_town: list[int] = []
    piece_district: list[int] = []
    piece_geom: list[BaseGeometry] = []
    for d, district in enumerate(es_geoms):
        members = np.flatnonzero(town_district == d)
        if len(members):
            cells = _voronoi_cells(points[members], district)
            owners = members
        else:  # no town point inside: the nearest town points (city-wide Voronoi) share it
            cells = shapely.intersection(all_cells, district)
            owners = np.arange(len(points))
        keep = ~shapely.is_empty(cells) & (shapely.area(cells) > 0)
        piece_town += owners[keep].tolist()
        piece_district += [d] * int(keep.sum())
        piece_geom += list(cells[keep])
    pieces = gpd.GeoDataFrame(
        {"town": np.asarray(piece_town, dtype=np.int64), "elementary": piece_district},
        geometry=piece_geom,
        crs=METRIC_CRS,
    )
    pieces["elementary"] = pieces["elementary"].astype(np.int64)
    pieces["area"] = pieces.geometry.area
    return Geography(
        boundary=city,
        towns=town_frame,
        elementary=es_frame,
        junior_high=jh_frame,
        pieces=pieces,
        joined_area_m2=joined,
    )


def geography_from_dataset(data: Dataset) -> Geography:
    """The Geography of the bundled data: towns with their known population, districts with pupils."""
    if data.boundary is None:
        raise ValidationError(
            [Problem("boundary.geojson", "boundary-missing", "the city boundary is missing")]
        )
    towns = data.towns
    attrs = [dict(a or {}) for a in towns["attributes"]]
    town_frame = gpd.GeoDataFrame(
        {
            "name": towns["name_ja"].to_numpy(),
            # the 大字/町丁目 a point belongs to (小字 points such as 井手 出張 belong to 井手)
            "unit": [
                u if isinstance(u, str) and u else n
                for u, n in zip(towns["town"], towns["name_ja"], strict=True)
            ],
            "population": [a.get("population") for a in attrs],
            "population_as_of": [a.get("population_as_of") for a in attrs],
            "population_statistic": [a.get("population_statistic") for a in attrs],
            # a figure published for a postal 町域 that covers several points (中央 = 中央1-6丁目)
            "group": [
                a.get("postal_area") if a.get("postal_area_population") is not None else None
                for a in attrs
            ],
            "group_population": [a.get("postal_area_population") for a in attrs],
        },
        geometry=towns.geometry.to_numpy(),
        index=towns.index,
        crs=towns.crs,
    )
    districts = data.school_districts
    level = districts["attributes"].map(lambda a: (a or {}).get("level"))
    es = districts[level == "elementary"]
    jh = districts[level == "junior_high"]

    def frame(part: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
        return gpd.GeoDataFrame(
            {
                "name": part["name_ja"].to_numpy(),
                "name_en": part["name_en"].to_numpy(),
                "pupils": [(a or {}).get("pupils_2019_total") for a in part["attributes"]],
            },
            geometry=part.geometry.to_numpy(),
            index=part.index,
            crs=part.crs,
        )

    boundary = gpd.GeoSeries([data.boundary], crs="EPSG:4326")
    return build_geography(boundary, town_frame, frame(es), frame(jh) if len(jh) else None)
