"""The nearest place of each category: metres in EPSG:6673, walking minutes at 80 and 50 m/min."""

from __future__ import annotations

import math

import geopandas as gpd
import numpy as np
import pytest
import shapely
from pyproj import Geod

from soja_map.data.dataset import Dataset
from soja_map.data.schema import CATEGORIES
from soja_map.query.filters import Filter, select
from soja_map.query.nearby import NEARBY_COLUMNS, metric_geometries, nearest_by_category

SOJA_STATION = (133.7465, 34.6728)  # central Soja, near 東総社駅 and 総社駅


def test_one_row_per_category_in_schema_order(dataset: Dataset) -> None:
    nearest = nearest_by_category(dataset.places, *SOJA_STATION)
    located_categories = set(dataset.located["category"])
    assert set(nearest.index) == located_categories
    order = list(CATEGORIES)
    assert list(nearest.index) == sorted(nearest.index, key=order.index)
    assert list(nearest.columns) == NEARBY_COLUMNS
    assert nearest.index.name == "category"


def test_it_is_the_nearest_and_the_distance_is_in_metres(dataset: Dataset) -> None:
    lon, lat = SOJA_STATION
    nearest = nearest_by_category(dataset.places, lon, lat)
    geod = Geod(ellps="GRS80")
    stations = dataset.located[dataset.located["category"] == "rail_station"]
    geodesic = {
        pid: geod.inv(lon, lat, g.x, g.y)[2]
        for pid, g in zip(stations.index, stations.geometry, strict=True)
    }
    best = min(geodesic, key=geodesic.__getitem__)
    row = nearest.loc["rail_station"]
    assert row["place_id"] == best
    # plane distance in EPSG:6673 agrees with the geodesic to well under 1 %
    assert row["distance_m"] == pytest.approx(geodesic[best], rel=0.002)
    assert (row["lon"], row["lat"]) == pytest.approx(
        (stations.geometry[best].x, stations.geometry[best].y)
    )


def test_walking_minutes_round_up_at_80_and_50_metres_a_minute(dataset: Dataset) -> None:
    nearest = nearest_by_category(dataset.places, 133.70, 34.70)
    for row in nearest.itertuples():
        assert row.walk_minutes == math.ceil(row.distance_m / 80)
        assert row.walk_minutes_elderly == math.ceil(row.distance_m / 50)
        assert row.walk_minutes_elderly >= row.walk_minutes


def test_standing_on_a_place_is_zero_minutes(dataset: Dataset) -> None:
    hall = dataset.places.loc["city-office.soja-city-hall"].geometry
    nearest = nearest_by_category(dataset.places, hall.x, hall.y)
    row = nearest.loc["city_office"]
    assert row["place_id"] == "city-office.soja-city-hall"
    assert row["distance_m"] == pytest.approx(0, abs=1e-6)
    assert row["walk_minutes"] == 0


def test_lines_are_measured_to_their_nearest_point(dataset: Dataset) -> None:
    lon, lat = SOJA_STATION
    row = nearest_by_category(dataset.places, lon, lat).loc["rail_line"]
    line = dataset.places.loc[row["place_id"]].geometry
    vertices = shapely.get_coordinates(line)
    geod = Geod(ellps="GRS80")
    to_vertices = [geod.inv(lon, lat, x, y)[2] for x, y in vertices]
    assert row["distance_m"] <= min(to_vertices) + 0.01
    # the reported end lies on the line
    end = shapely.Point(row["lon"], row["lat"])
    assert line.distance(end) < 1e-6


def test_only_the_selection_counts_and_city_wide_items_are_skipped(dataset: Dataset) -> None:
    chosen = select(dataset.places, Filter(projects=("tsuchikau",)))
    nearest = nearest_by_category(chosen, *SOJA_STATION)
    assert list(nearest.index) == ["community_centre", "city_office"]
    city_wide = dataset.city_wide
    empty = nearest_by_category(city_wide, *SOJA_STATION)
    assert empty.empty
    assert list(empty.columns) == NEARBY_COLUMNS


def test_precomputed_metric_geometries_give_the_same_answer(dataset: Dataset) -> None:
    metric = metric_geometries(dataset.places)
    assert metric.crs == "EPSG:6673"
    chosen = select(dataset.places, Filter(categories=("school", "nursery", "rail_line")))
    fast = nearest_by_category(chosen, 133.72, 34.68, metric=metric)
    slow = nearest_by_category(chosen, 133.72, 34.68)
    assert fast.equals(slow)


def test_ties_are_broken_by_id() -> None:
    points = gpd.GeoDataFrame(
        {
            "name_ja": ["b", "a"],
            "name_en": [None, None],
            "category": ["park", "park"],
        },
        geometry=[shapely.Point(133.70, 34.70), shapely.Point(133.70, 34.70)],
        index=["park.b", "park.a"],
        crs="EPSG:4326",
    )
    nearest = nearest_by_category(points, 133.71, 34.70)
    assert nearest.loc["park", "place_id"] == "park.a"
    assert np.isfinite(nearest["distance_m"]).all()
