"""Population surfaces: the bundled estimate's allocation rules, grids that sum to the input, user layers."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely

from soja_map.analysis import report as report_io
from soja_map.analysis.population import (
    allocate_estimate,
    cells_in,
    check_cell_size,
    default_population,
    estimate_population,
    population_from_frame,
    read_population,
)
from soja_map.analysis.provenance import ESTIMATE, LAYER_AREAL, GroupFigure, PopulationModel, note
from soja_map.analysis.zones import build_geography, geography_from_dataset
from soja_map.errors import ConfigError, CRSError, ValidationError
from soja_map.i18n import translator
from tests import coverage_layouts as lay

EN = translator("en")
JA = translator("ja")

TOTAL = 1000.0  # shared west:east = 30:10 pupils -> 750 : 250


def town_people(geo, **known):
    return allocate_estimate(geo, TOTAL).town_population(geo).to_dict()


def test_districts_share_by_pupils_and_towns_share_equally():
    geo = lay.geography()
    assert town_people(geo) == {"SW": 375.0, "SE": 125.0, "NW": 375.0, "NE": 125.0}


def test_a_known_town_keeps_its_figure_and_the_rest_goes_to_the_others():
    geo = lay.geography(population=[None, None, 300.0, None])
    alloc = allocate_estimate(geo, TOTAL)
    assert alloc.town_population(geo).to_dict() == {
        "SW": 450.0,
        "SE": 125.0,
        "NW": 300.0,
        "NE": 125.0,
    }
    assert alloc.known_towns == ("NW",)
    assert alloc.district_total.tolist() == [750.0, 250.0]


def test_a_group_figure_is_spread_by_area_and_a_full_district_passes_on_the_rest():
    # SW and NW share one published figure (like 中央 for 中央1-6丁目): the west district has no
    # town left without a figure, so it holds exactly 400 and its other 350 go east
    geo = lay.geography(group=["G", None, "G", None], group_population=[400.0, None, 400.0, None])
    alloc = allocate_estimate(geo, TOTAL)
    assert alloc.town_population(geo).to_dict() == {
        "SW": 200.0,
        "SE": 300.0,
        "NW": 200.0,
        "NE": 300.0,
    }
    assert alloc.groups == (GroupFigure("G", 400.0, ("SW", "NW")),)
    assert alloc.district_total.sum() == TOTAL
    assert note("district_holds_known", district="West ES") in alloc.notes
    assert any("West ES" in report_io.note_text(n, EN) for n in alloc.notes)


def test_known_figures_above_the_district_share_are_kept_and_balanced_elsewhere():
    geo = lay.geography(population=[None, None, 900.0, None])
    people = town_people(geo)
    assert people == {"SW": 0.0, "SE": 50.0, "NW": 900.0, "NE": 50.0}
    assert sum(people.values()) == TOTAL


def test_koaza_points_share_their_oaza_portion():
    # three west points on x = 250: Voronoi splits at y = 375 and 625; W2 and NW are one 大字 "N"
    towns = lay.towns()
    extra = gpd.GeoDataFrame(
        {"name": ["W2"]},
        geometry=[shapely.Point(*lay.at(250, 500))],
        index=["town.W2"],
        crs=lay.CRS,
    )
    towns = gpd.GeoDataFrame(
        {"name": [*towns["name"], "W2"]},
        geometry=[*towns.geometry, *extra.geometry],
        index=[*towns.index, "town.W2"],
        crs=lay.CRS,
    )
    plain = build_geography(lay.city(), towns, lay.elementary())
    assert town_people(plain)["SW"] == 250.0  # three equal shares of 750
    towns["unit"] = ["SW", "SE", "N", "NE", "N"]
    geo = build_geography(lay.city(), towns, lay.elementary())
    people = town_people(geo)
    assert people["SW"] == pytest.approx(375.0)
    assert people["NW"] == pytest.approx(375.0 * 375 / 625)  # 225
    assert people["W2"] == pytest.approx(375.0 * 250 / 625)  # 150


def test_missing_pupils_is_a_validation_error():
    geo = build_geography(lay.city(), lay.towns(), lay.elementary().assign(pupils=[30.0, None]))
    with pytest.raises(ValidationError, match="problem"):
        allocate_estimate(geo, TOTAL)


@pytest.mark.parametrize("cell_size", [100.0, 250.0, 500.0])
def test_estimate_grid_sums_to_the_total(cell_size):
    grid = estimate_population(
        lay.geography(population=[None, None, 300.0, None]), TOTAL, cell_size=cell_size
    )
    assert grid.total == pytest.approx(TOTAL, rel=1e-12)
    assert len(grid) == (1000 / cell_size) ** 2
    assert grid.model.estimate
    assert grid.model.total == pytest.approx(TOTAL)


def test_estimate_grid_cells_hold_their_area_share():
    grid = estimate_population(
        lay.geography(population=[None, None, 300.0, None]), TOTAL, cell_size=100.0
    )
    sw = (grid.col * 100 < lay.ORIGIN[0] + 500) & (grid.row * 100 < lay.ORIGIN[1] + 500)
    assert np.allclose(grid.population[sw], 450.0 / 25)
    assert grid.population[sw].sum() == pytest.approx(450.0)


def test_cells_in_keeps_centres_inside():
    col, _ = cells_in(lay.city().iloc[0], 100.0)
    assert len(col) == 100
    col, _ = cells_in(lay.box(0, 0, 1000, 1000).buffer(-1), 500.0)
    assert len(col) == 4


def test_polygons_spread_evenly_over_the_cells_whose_centre_they_hold():
    grid = lay.grid(cell_size=100.0)
    assert grid.total == pytest.approx(100.0, rel=1e-12)
    assert len(grid) == 100
    sw = (grid.x < lay.ORIGIN[0] + 500) & (grid.y < lay.ORIGIN[1] + 500)
    assert np.allclose(grid.population[sw], 10.0 / 25)
    assert not grid.model.estimate
    assert (grid.model.layer, grid.model.column) == ("test cells", "people")
    assert grid.model.method == LAYER_AREAL
    assert report_io.population_source_text(grid.model, EN) == "test cells (column people)"


def test_a_polygon_smaller_than_a_cell_goes_to_the_cell_it_lies_in():
    small = gpd.GeoDataFrame(
        {"people": [7.0]}, geometry=[lay.box(10, 10, 20, 20)], crs=lay.CRS
    )  # no 100 m cell centre inside
    grid = population_from_frame(small, "people", cell_size=100.0)
    assert grid.total == 7.0
    assert len(grid) == 1
    assert (grid.x[0], grid.y[0]) == lay.at(50, 50)


def test_clipping_keeps_the_area_share_and_says_how_many_were_left_out():
    half_out = gpd.GeoDataFrame(
        {"people": [100.0]}, geometry=[lay.box(500, 0, 1500, 1000)], crs=lay.CRS
    )
    grid = population_from_frame(half_out, "people", cell_size=100.0, clip=lay.city().iloc[0])
    assert grid.total == pytest.approx(50.0)
    assert len(grid) == 100  # the grid covers the clip extent
    assert grid.population.max() == pytest.approx(1.0)
    assert grid.model.notes == (note("left_out", outside=50.0, input=100.0),)
    assert any("50 of the input's 100" in report_io.note_text(n, EN) for n in grid.model.notes)


def test_points_with_counts_go_to_their_cells():
    points = gpd.GeoDataFrame(
        {"n": [5, 6, 7, 9]},
        geometry=[
            shapely.Point(*lay.at(10, 10)),
            shapely.Point(*lay.at(60, 90)),
            shapely.Point(*lay.at(950, 950)),
            shapely.Point(*lay.at(5000, 5000)),  # outside the city
        ],
        crs=lay.CRS,
    )
    unclipped = population_from_frame(points, "n", cell_size=100.0)
    assert unclipped.total == 27
    assert len(unclipped) == 3
    grid = population_from_frame(points, "n", cell_size=100.0, clip=lay.city().iloc[0])
    assert grid.total == 18
    assert len(grid) == 100
    assert grid.population[(grid.x == lay.at(50, 50)[0]) & (grid.y == lay.at(50, 50)[1])][0] == 11


def test_lonlat_layers_are_reprojected():
    lonlat = lay.cells_frame().to_crs("EPSG:4326")
    grid = population_from_frame(lonlat, "people", cell_size=100.0, clip=lay.city().iloc[0])
    assert grid.total == pytest.approx(100.0, rel=1e-9)


def test_a_layer_without_crs_raises_crs_error():
    frame = lay.cells_frame().set_crs(None, allow_override=True)
    with pytest.raises(CRSError, match="no CRS"):
        population_from_frame(frame, "people")


def test_a_layer_in_the_wrong_crs_does_not_overlap_the_city():
    wrong = lay.cells_frame().set_crs(
        "EPSG:4326", allow_override=True
    )  # metres labelled as degrees
    with pytest.raises(CRSError, match="look like metres"):
        population_from_frame(wrong, "people", clip=lay.city().iloc[0])
    far = lay.cells_frame().to_crs("EPSG:4326")
    far.geometry = far.translate(xoff=10)  # real degrees, somewhere else
    with pytest.raises(CRSError, match="does not overlap"):
        population_from_frame(far, "people", clip=lay.city().iloc[0])


def test_bad_population_values_are_listed():
    frame = lay.cells_frame()
    frame["people"] = [10, -1, "many", None]
    with pytest.raises(ValidationError) as info:
        population_from_frame(frame, "people")
    assert [p.feature_index for p in info.value.problems] == [1, 2, 3]


def test_a_missing_column_names_the_columns_there_are():
    with pytest.raises(ValidationError) as info:
        population_from_frame(lay.cells_frame(), "JINKO")
    assert "people" in info.value.problems[0].expected


def test_mixed_geometries_are_refused():
    frame = lay.cells_frame()
    frame.loc[0, "geometry"] = shapely.Point(*lay.at(1, 1))
    with pytest.raises(ValidationError, match="problem"):
        population_from_frame(frame, "people")


@pytest.mark.parametrize("size", [0, 5, 5000])
def test_cell_size_is_checked(size):
    with pytest.raises(ConfigError, match="cell size"):
        check_cell_size(size)


def test_read_population_from_a_file(tmp_path):
    path = tmp_path / "mesh.gpkg"
    lay.cells_frame().to_crs("EPSG:4326").to_file(path)
    grid = read_population(path, "people", cell_size=100.0, clip=lay.city().iloc[0], year="2020")
    assert grid.total == pytest.approx(100.0, rel=1e-9)
    assert grid.model.year == "2020"
    assert report_io.population_source_text(grid.model, EN) == "mesh.gpkg (column people)"


def test_read_population_refuses_a_file_without_crs(tmp_path):
    path = tmp_path / "nocrs.shp"
    with pytest.warns(UserWarning, match="crs"):  # pyogrio warns that it writes no .prj
        lay.cells_frame().set_crs(None, allow_override=True).to_file(path)
    with pytest.raises(CRSError, match="no coordinate reference system"):
        read_population(path, "people")


def test_model_lines_say_source_year_and_method():
    model = lay.grid().model
    assert isinstance(model, PopulationModel)
    keys = [key for key, _ in report_io.population_rows(model, EN)]
    assert keys[:4] == [
        "population_source",
        "population_year",
        "population_kind",
        "population_method",
    ]
    assert model.to_dict()["estimate"] is False
    assert report_io.population_title(model, JA).startswith("人口データ")
    assert report_io.population_year_text(model, EN) == "not stated"


# -- the bundled estimate ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def bundled(dataset):
    geo = geography_from_dataset(dataset)
    return geo, default_population(dataset, geography=geo)


def test_bundled_estimate_sums_to_the_2020_census_total(bundled):
    _, grid = bundled
    assert grid.total == pytest.approx(69_030, rel=1e-12)
    assert grid.model.estimate
    assert grid.model.key == "estimate:bundled"
    assert "2020" in grid.model.year
    assert grid.model.method == ESTIMATE
    assert grid.model.input_total == 69_030
    assert "推計" in report_io.population_title(grid.model, JA)
    assert "69,030" in report_io.population_method_text(grid.model, EN)


def test_bundled_sources_come_from_the_layers(dataset, bundled):
    _, grid = bundled
    roles = {s.role for s in grid.model.sources}
    assert roles == {"city_total", "town_figures", "town_points", "school_districts"}
    (city,) = grid.model.source("city_total")
    attrs = dataset.references["city_boundary"]["attributes"].iloc[0]
    assert (city.dataset, city.as_of) == (attrs["population_statistic"], attrs["population_as_of"])
    points = {(s.publisher, s.dataset) for s in grid.model.source("town_points")}
    assert points == {(s["publisher"], s["dataset"]) for s in dataset.towns["source"]}
    text = report_io.population_source_text(grid.model, EN)
    assert "Geolonia" in text
    assert "2020-10-01" in report_io.population_year_text(grid.model, EN)


def test_bundled_estimate_keeps_the_published_town_figures(bundled):
    geo, grid = bundled
    town = geo.assign(grid.x, grid.y)["town"]
    people = np.bincount(town, weights=grid.population, minlength=len(geo.towns))
    by_name = dict(zip(geo.towns["name"], people, strict=True))
    assert by_name["下倉"] == pytest.approx(476)
    assert by_name["宿"] == pytest.approx(1348)
    assert by_name["小寺"] == pytest.approx(1151)
    chuo = sum(v for k, v in by_name.items() if k.startswith("中央"))
    assert chuo == pytest.approx(5072)
    # 井手 and its two 小字 points share one 大字 portion
    ide = [by_name["井手"], by_name["井手 出張"], by_name["井手 村後"]]
    assert sum(ide) == pytest.approx(by_name["総社"])


def test_bundled_estimate_districts_hold_their_pupil_share(bundled):
    geo, grid = bundled
    district = geo.assign(grid.x, grid.y)["elementary"]
    people = np.bincount(district, weights=grid.population, minlength=len(geo.elementary))
    pupils = geo.elementary["pupils"].to_numpy(dtype=float)
    assert np.allclose(people, 69_030 * pupils / pupils.sum())
