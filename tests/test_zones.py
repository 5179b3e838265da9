"""Zones: districts cut to and covering the city, town Voronoi areas nested in districts, cell assignment."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely

from soja_map.analysis.zones import build_geography, cover_city, geography_from_dataset
from soja_map.errors import CRSError, ValidationError
from tests import coverage_layouts as lay


def test_town_areas_are_voronoi_cells_within_their_district():
    geo = lay.geography()
    assert list(geo.towns["name"]) == ["SW", "SE", "NW", "NE"]
    assert list(geo.towns["elementary"]) == [0, 1, 0, 1]
    for name, (x, y) in lay.CENTRES.items():
        area = geo.town_areas[f"town.{name}"]
        assert area.equals(lay.box(x - 250, y - 250, x + 250, y + 250)), name
    assert geo.pieces["area"].sum() == pytest.approx(1_000_000.0)


def test_uncovered_part_of_the_city_joins_the_nearest_district():
    west_only = lay.elementary().iloc[[0]]
    geoms, joined = cover_city(west_only.geometry.values, lay.city().iloc[0])
    assert joined == pytest.approx(500_000.0)
    assert geoms[0].equals(lay.box(0, 0, 1000, 1000))


def test_district_parts_outside_the_city_are_cut_off():
    bigger = lay.elementary()
    bigger.geometry = [lay.box(-300, 0, 500, 1000), lay.box(500, 0, 1000, 1200)]
    geo = build_geography(lay.city(), lay.towns(), bigger, lay.junior_high())
    assert geo.elementary.geometry.iloc[0].equals(lay.box(0, 0, 500, 1000))
    assert geo.elementary.geometry.iloc[1].equals(lay.box(500, 0, 1000, 1000))


def test_a_district_without_town_points_is_shared_by_the_nearest_towns():
    west_towns = lay.towns().iloc[[0, 2]]  # SW and NW only: the east district holds no town point
    geo = build_geography(lay.city(), west_towns, lay.elementary(), lay.junior_high())
    east = geo.pieces[geo.pieces["elementary"] == 1]
    assert sorted(east["town"]) == [0, 1]
    assert east["area"].sum() == pytest.approx(500_000.0)
    assert geo.town_areas.iloc[0].equals(lay.box(0, 0, 1000, 500))


def test_cells_go_to_the_piece_holding_their_centre_or_the_nearest():
    geo = lay.geography()
    x, y = np.array(
        [lay.at(100, 100), lay.at(900, 900), lay.at(1200, 100)]
    ).T  # the last is outside
    zones = geo.assign(x, y)
    assert zones["town"].tolist() == [0, 3, 1]
    assert zones["elementary"].tolist() == [0, 1, 1]
    assert zones["junior_high"].tolist() == [0, 0, 0]
    assert zones["city"].tolist() == [0, 0, 0]


def test_layer_names_follow_the_frames():
    geo = lay.geography()
    names, polygons = geo.layer("elementary")
    assert list(names) == ["West ES", "East ES"]
    assert len(polygons) == 2
    assert list(geo.layer("city")[0]) == ["総社市"]
    with pytest.raises(ValueError, match="unknown zone kind"):
        geo.layer("ward")


def test_frames_without_crs_raise_crs_error():
    towns = lay.towns().set_crs(None, allow_override=True)
    with pytest.raises(CRSError, match="no CRS"):
        build_geography(lay.city(), towns, lay.elementary())


def test_missing_name_column_is_a_validation_error():
    with pytest.raises(ValidationError, match="problem"):
        build_geography(lay.city(), lay.towns().drop(columns="name"), lay.elementary())


def test_town_points_must_be_points():
    towns = lay.towns()
    towns.geometry = towns.buffer(1)
    with pytest.raises(ValidationError):
        build_geography(lay.city(), towns, lay.elementary())


def test_bundled_geography_covers_the_city(dataset):
    geo = geography_from_dataset(dataset)
    assert len(geo.towns) == 74
    assert len(geo.elementary) == 15
    assert len(geo.junior_high) == 4
    city_area = geo.boundary.area
    assert geo.elementary.area.sum() == pytest.approx(city_area, rel=1e-9)
    assert geo.junior_high.area.sum() == pytest.approx(city_area, rel=1e-9)
    assert geo.town_areas.area.sum() == pytest.approx(city_area, rel=1e-9)
    # 清音黒田's point lies in the 1.7 km² the 2010 district polygons miss; it is joined to 清音
    kuroda = geo.towns.index[geo.towns["name"] == "清音黒田"][0]
    assert geo.elementary["name"].iloc[geo.towns.at[kuroda, "elementary"]] == "清音小学校区"
    assert geo.joined_area_m2 == pytest.approx(1.76e6, rel=0.01)
    # koaza points belong to their 大字
    assert set(geo.towns.loc[geo.towns["name"].str.startswith("井手"), "unit"]) == {"井手"}


def test_town_areas_nest_in_elementary_districts(dataset):
    geo = geography_from_dataset(dataset)
    for piece in geo.pieces.itertuples():
        district = geo.elementary.geometry.iloc[piece.elementary]
        assert shapely.area(shapely.difference(piece.geometry, district)) < 1.0


def test_geoseries_boundary_in_lonlat_is_accepted():
    lonlat = lay.city().to_crs("EPSG:4326")
    geo = build_geography(
        gpd.GeoSeries(lonlat.values, crs="EPSG:4326"), lay.towns(), lay.elementary()
    )
    assert geo.boundary.area == pytest.approx(1_000_000.0, rel=1e-6)
    assert list(geo.layer("junior_high")[0]) == ["総社市"]  # no junior-high layer: the city
