"""The nearest place of each category to a point: straight-line metres in EPSG:6673 and walking minutes."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from soja_map.data.geo import to_lonlat, to_metric, to_metric_xy, walking_minutes
from soja_map.data.schema import CATEGORIES
from soja_map.query.shelters import CHOICES, select

NEARBY_COLUMNS = [
    "place_id",
    "name_ja",
    "name_en",
    "distance_m",
    "walk_minutes",
    "walk_minutes_elderly",
    "lon",
    "lat",
]


def metric_geometries(places: gpd.GeoDataFrame) -> gpd.GeoSeries:
    """The located places' geometries in EPSG:6673, indexed like ``places`` (compute once, reuse)."""
    located = places[places.geometry.notna()]
    return to_metric(located).geometry


def nearest_by_category(
    places: gpd.GeoDataFrame,
    lon: float,
    lat: float,
    *,
    metric: gpd.GeoSeries | None = None,
) -> pd.DataFrame:
    """One row per category among ``places``, in schema order: the nearest place to (lon, lat).

    Parameters
    ----------
    places
        Places in EPSG:4326 (any selection, e.g. ``filters.select``); those without a geometry
        (city-wide items) are skipped.
    lon, lat
        The origin in degrees.
    metric
        Optional precomputed EPSG:6673 geometries of (a superset of) ``places``, from
        ``metric_geometries``; saves reprojecting on every call.

    Returns
    -------
    pandas.DataFrame
        Indexed by category with ``NEARBY_COLUMNS``: the place id and names, the straight-line
        distance in metres to the nearest point of the place's geometry, walking minutes at 80 m/min
        and at 50 m/min (older pedestrians), both rounded up, and the lon/lat of that nearest point.
        Ties are broken by place id, so the answer is deterministic.
    """
    out = nearest_by_key(places, places["category"], lon, lat, metric=metric)
    rank = {c: i for i, c in enumerate(CATEGORIES)}
    return out.iloc[np.argsort([rank[c] for c in out.index], kind="stable")]


def nearest_by_key(
    places: gpd.GeoDataFrame,
    keys: pd.Series,
    lon: float,
    lat: float,
    *,
    metric: gpd.GeoSeries | None = None,
) -> pd.DataFrame:
    """The nearest place for each distinct value of ``keys`` (aligned to ``places``; the index
    of the result, unordered); see ``nearest_by_category`` for the columns. A place may be listed
    under several keys when ``places`` repeats it with different keys (index duplicates allowed)."""
    located_mask = places.geometry.notna().to_numpy()
    located = places[located_mask]
    key_values = keys.to_numpy(dtype=object)[located_mask]
    if located.empty:
        return pd.DataFrame(columns=NEARBY_COLUMNS, index=pd.Index([], name="category"))
    geoms = (
        metric.loc[located.index].to_numpy()
        if metric is not None
        else to_metric(located).geometry.to_numpy()
    )
    ox, oy = to_metric_xy(lon, lat)
    origin = shapely.Point(float(ox), float(oy))
    distance = shapely.distance(geoms, origin)
    order = np.lexsort((located.index.to_numpy(dtype=str), distance))
    categories = key_values[order]
    _, first = np.unique(categories, return_index=True)
    best = order[first]
    # the point of each chosen geometry closest to the origin (the place itself for points)
    ends = shapely.get_point(shapely.shortest_line(geoms[best], origin), 0)
    end_lon, end_lat = to_lonlat(shapely.get_x(ends), shapely.get_y(ends))
    metres = distance[best]
    out = pd.DataFrame(
        {
            "place_id": located.index.to_numpy(dtype=object)[best],
            "name_ja": located["name_ja"].to_numpy(dtype=object)[best],
            "name_en": located["name_en"].to_numpy(dtype=object)[best],
            "distance_m": metres,
            "walk_minutes": walking_minutes(metres).astype(int),
            "walk_minutes_elderly": walking_minutes(metres, elderly=True).astype(int),
            "lon": np.asarray(end_lon, dtype=float),
            "lat": np.asarray(end_lat, dtype=float),
        },
        index=pd.Index(key_values[best], name="category"),
        dtype=object,
    )
    for column in ("distance_m", "lon", "lat"):
        out[column] = out[column].astype(float)
    for column in ("walk_minutes", "walk_minutes_elderly"):
        out[column] = out[column].astype(int)
    return out


def nearest_shelters(
    sites: gpd.GeoDataFrame,
    lon: float,
    lat: float,
    *,
    metric: gpd.GeoSeries | None = None,
) -> pd.DataFrame:
    """The nearest 指定避難所 and, for each hazard a site is designated for, the nearest
    指定緊急避難場所 for it ("where do I go in a flood?").

    ``sites`` is ``query.shelters.sites(data)`` (or a selection of it). The result is indexed by
    ``shelter`` and hazard ids (``flood``...), in ``query.shelters.CHOICES`` order, with the
    columns of ``nearest_by_category``; a hazard no site is designated for has no row.
    """
    parts = []
    for choice in CHOICES[1:]:
        chosen = select(sites, choice)
        if len(chosen):
            parts.append(chosen.assign(_key=choice))
    if not parts:
        return pd.DataFrame(columns=NEARBY_COLUMNS, index=pd.Index([], name="category"))
    long = gpd.GeoDataFrame(pd.concat(parts), geometry="geometry", crs=sites.crs)
    out = nearest_by_key(long, long["_key"], lon, lat, metric=metric)
    rank = {c: i for i, c in enumerate(CHOICES)}
    return out.iloc[np.argsort([rank[c] for c in out.index], kind="stable")]
