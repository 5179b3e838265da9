"""Coverage on hand-computable layouts: covered people, nearest distances, gap polygons, what-if deltas.

See tests/coverage_layouts.py: a 1 km square city, four 500 m cells SW 10, SE 20, NW 30, NE 40 people,
districts West (SW, NW) and East (SE, NE), one town per cell.
"""

from __future__ import annotations

import math

import geopandas as gpd
import numpy as np
import pytest
import shapely

from soja_map.analysis import report as report_io
from soja_map.analysis.coverage import (
    ContextCache,
    catchments,
    check_radius,
    coverage,
    facilities_from_frame,
    nearest_facility_id,
    select_facilities,
    what_if,
)
from soja_map.analysis.presets import PRESETS, RADIUS_SOURCES, preset, preset_for
from soja_map.data.geo import to_lonlat
from soja_map.errors import ConfigError, CRSError
from soja_map.i18n import translator
from soja_map.query.filters import Filter
from tests import coverage_layouts as lay

DIAGONAL = math.hypot(500, 500)  # 707.1 m: SW centre to NE centre


@pytest.fixture(scope="module")
def ctx():
    return lay.context()


def test_covered_people_by_town_district_and_city(ctx):
    result = coverage(ctx, lay.facilities(f=lay.CENTRES["SW"]), 600)
    towns = result.table("town")
    assert towns["population"].to_dict() == lay.POPULATION
    assert towns["covered"].to_dict() == {"SW": 10, "SE": 20, "NW": 30, "NE": 0}
    assert towns["uncovered"].to_dict() == {"SW": 0, "SE": 0, "NW": 0, "NE": 40}
    assert towns["share"].to_dict() == {"SW": 1.0, "SE": 1.0, "NW": 1.0, "NE": 0.0}
    districts = result.table("elementary")
    assert districts["population"].to_dict() == {"West ES": 40, "East ES": 60}
    assert districts["covered"].to_dict() == {"West ES": 40, "East ES": 20}
    assert result.table("junior_high")["covered"].tolist() == [60]
    assert (result.population, result.covered_population, result.share) == (100, 60, 0.6)


def test_nearest_distances_for_every_cell_and_town(ctx):
    result = coverage(ctx, lay.facilities(f=lay.CENTRES["SW"]), 600)
    centres = zip(result.grid.x - lay.ORIGIN[0], result.grid.y - lay.ORIGIN[1], strict=True)
    by_cell = dict(zip(centres, result.distance_m, strict=True))
    assert by_cell == {
        (250.0, 250.0): 0.0,
        (750.0, 250.0): 500.0,
        (250.0, 750.0): 500.0,
        (750.0, 750.0): pytest.approx(DIAGONAL),
    }
    towns = result.table("town")
    assert towns["nearest_m"].to_dict() == {
        "SW": 0.0,
        "SE": 500.0,
        "NW": 500.0,
        "NE": pytest.approx(DIAGONAL),
    }
    # districts: from their nearest populated cell; mean distances are population-weighted
    assert result.table("elementary")["nearest_m"].to_dict() == {"West ES": 0.0, "East ES": 500.0}
    east_mean = (20 * 500 + 40 * DIAGONAL) / 60
    assert result.table("elementary").at["East ES", "mean_distance_m"] == pytest.approx(east_mean)
    assert result.cell_distance().index.names == ["col", "row"]


def test_a_cell_exactly_at_the_radius_is_covered(ctx):
    result = coverage(ctx, lay.facilities(f=lay.CENTRES["SW"]), 500)
    assert result.covered_population == 60
    assert coverage(ctx, lay.facilities(f=lay.CENTRES["SW"]), 499.999).covered_population == 10


def test_the_nearest_of_several_facilities_counts(ctx):
    result = coverage(ctx, lay.facilities(a=(0.0, 0.0), b=(1000.0, 1000.0)), 400)
    assert result.table("town")["covered"].to_dict() == {"SW": 10, "SE": 0, "NW": 0, "NE": 40}
    assert result.nearest.tolist() == [0, 0, 0, 1]  # SW, SE cells nearest a; NW tie -> a; NE -> b
    assert result.facility_ids == ("a", "b")


def test_one_gap_polygon_per_uncovered_populated_area(ctx):
    result = coverage(ctx, lay.facilities(f=lay.CENTRES["SW"]), 600)
    gaps = result.gaps
    assert len(gaps) == 1
    assert gaps.iloc[0]["population"] == 40
    assert gaps.iloc[0]["town"] == "NE"
    assert gaps.iloc[0]["cells"] == 1
    assert gaps.iloc[0]["area_km2"] == 0.25
    assert gaps.iloc[0]["max_distance_m"] == pytest.approx(DIAGONAL)
    assert gaps.geometry.iloc[0].equals(lay.box(500, 500, 1000, 1000))
    assert gaps.crs == "EPSG:6673"


def test_gaps_split_by_town_are_ranked_by_population(ctx):
    result = coverage(ctx, lay.facilities(f=lay.CENTRES["SW"]), 400)
    gaps = result.gaps
    assert gaps["town"].tolist() == ["NE", "NW", "SE"]
    assert gaps["population"].tolist() == [40, 30, 20]
    assert gaps["rank"].tolist() == [1, 2, 3]
    assert gaps.index.tolist() == ["gap-1", "gap-2", "gap-3"]


def test_gaps_merged_across_towns_form_one_polygon(ctx):
    result = coverage(ctx, lay.facilities(f=lay.CENTRES["SW"]), 400, split_gaps_by_town=False)
    assert len(result.gaps) == 1
    assert result.gaps.iloc[0]["population"] == 90
    l_shape = shapely.difference(lay.box(0, 0, 1000, 1000), lay.box(0, 0, 500, 500))
    assert result.gaps.geometry.iloc[0].equals(l_shape)


def test_cells_touching_only_at_a_corner_are_separate_gaps(ctx):
    # facilities at SE and NW centres cover those cells only: SW and NE touch at one corner
    result = coverage(
        ctx,
        lay.facilities(a=lay.CENTRES["SE"], b=lay.CENTRES["NW"]),
        100,
        split_gaps_by_town=False,
    )
    assert result.gaps["population"].tolist() == [40, 10]


def test_nothing_uncovered_means_no_gaps(ctx):
    result = coverage(ctx, lay.facilities(f=(500.0, 500.0)), 400)
    assert result.covered_population == 100
    assert len(result.gaps) == 0
    assert list(result.gaps.columns)[:2] == ["rank", "population"]


def test_no_facilities_covers_nobody(ctx):
    result = coverage(ctx, lay.facilities(), 800)
    assert result.covered_population == 0
    assert np.isinf(result.distance_m).all()
    assert result.table("town")["nearest_m"].isna().all()
    assert result.gaps["population"].sum() == 100


def test_line_facilities_count_from_every_point_of_the_line(ctx):
    line = gpd.GeoDataFrame(
        {"name_ja": ["south road"]},
        geometry=[shapely.LineString([lay.at(0, 0), lay.at(1000, 0)])],
        index=["line"],
        crs=lay.CRS,
    )
    result = coverage(ctx, facilities_from_frame(line), 300)
    assert result.table("town")["nearest_m"].to_dict() == {
        "SW": 250.0,
        "SE": 250.0,
        "NW": 750.0,
        "NE": 750.0,
    }
    assert result.covered_population == 30


def test_area_facilities_cover_their_inside_at_zero(ctx):
    park = gpd.GeoDataFrame(
        {"name_ja": ["park"]}, geometry=[lay.box(0, 0, 500, 500)], index=["park"], crs=lay.CRS
    )
    result = coverage(ctx, facilities_from_frame(park), 260)
    assert result.table("town")["nearest_m"].to_dict() == {
        "SW": 0.0,
        "SE": 250.0,
        "NW": 250.0,
        "NE": pytest.approx(math.hypot(250, 250)),
    }
    assert result.covered_population == 60


def test_items_without_geometry_are_not_facilities(ctx):
    frame = gpd.GeoDataFrame(
        {"name_ja": ["a", "city-wide bus"]},
        geometry=[shapely.Point(*lay.at(250, 250)), None],
        index=["a", "bus"],
        crs=lay.CRS,
    )
    facilities = facilities_from_frame(frame)
    assert facilities.ids == ("a",)
    assert facilities.excluded == ("bus",)
    result = coverage(ctx, facilities, 100)
    assert result.covered_population == 10
    rows = {r.key: r.value for r in report_io.metadata_rows(result, translator("en"))}
    assert rows["excluded"] == "bus"


def test_facilities_without_crs_raise_crs_error():
    frame = gpd.GeoDataFrame({"name_ja": ["a"]}, geometry=[shapely.Point(0, 0)], index=["a"])
    with pytest.raises(CRSError):
        facilities_from_frame(frame)


# -- what-if -------------------------------------------------------------------------------------


def lonlat(x: float, y: float) -> tuple[float, float]:
    lon, lat = to_lonlat(*lay.at(x, y))
    return float(lon), float(lat)


def test_adding_a_facility_changes_covered_people_per_town(ctx):
    change = what_if(ctx, lay.facilities(f=lay.CENTRES["SW"]), 400, add_lonlat=[lonlat(750, 750)])
    assert change.before.covered_population == 10
    assert change.after.covered_population == 50
    assert change.change == 40
    table = change.table("town")
    assert table["change"].to_dict() == {"SW": 0, "SE": 0, "NW": 0, "NE": 40}
    assert table["covered_after"].to_dict() == {"SW": 10, "SE": 0, "NW": 0, "NE": 40}
    assert table.at["NE", "nearest_after_m"] == pytest.approx(0.0, abs=1e-6)
    assert change.table("city")["change"].tolist() == [40]
    assert change.after.facilities.ids == ("f", "new-1")
    assert change.after.facilities.hypothetical.tolist() == [False, True]


def test_removing_a_facility(ctx):
    both = lay.facilities(a=lay.CENTRES["SW"], b=lay.CENTRES["NE"])
    change = what_if(ctx, both, 400, remove=["b"])
    assert change.change == -40
    assert change.table("elementary")["change"].to_dict() == {"West ES": 0, "East ES": -40}
    assert change.removed == ("b",)
    assert change.after.facilities.ids == ("a",)


def test_add_and_remove_together_move_a_facility(ctx):
    change = what_if(
        ctx, lay.facilities(a=lay.CENTRES["SW"]), 400, add_lonlat=[lonlat(750, 250)], remove=["a"]
    )
    assert change.table("town")["change"].to_dict() == {"SW": -10, "SE": 20, "NW": 0, "NE": 0}
    assert change.change == 10
    rows = {r.key: r for r in report_io.metadata_rows(change, translator("en"))}
    assert rows["removed"].label == "What-if: removed"
    assert rows["removed"].value == "a (a)"
    assert rows["added"].label == "What-if: added (lon,lat)"
    assert change.removed_names() == {"a": "a"}


def test_removing_an_unknown_facility_names_the_choices(ctx):
    with pytest.raises(
        ConfigError, match=r"cannot remove zz: not among the 1 selected facilities \(a\)"
    ):
        what_if(ctx, lay.facilities(a=lay.CENTRES["SW"]), 400, remove=["zz"])


def test_a_click_near_a_facility_finds_it():
    facilities = lay.facilities(a=lay.CENTRES["SW"], b=lay.CENTRES["NE"])
    assert nearest_facility_id(facilities, *lonlat(760, 740), max_m=50) == "b"
    assert nearest_facility_id(facilities, *lonlat(500, 500), max_m=50) is None


def test_catchments_are_buffers_of_the_radius(ctx):
    result = coverage(ctx, lay.facilities(a=lay.CENTRES["SW"]), 300)
    frame = catchments(result)
    assert frame.index.tolist() == ["a"]
    assert frame.geometry.iloc[0].area == pytest.approx(math.pi * 300**2, rel=0.01)
    network_like = catchments(result, network=True)
    assert network_like.geometry.iloc[0].equals(lay.box(0, 0, 500, 500))


# -- presets and radius --------------------------------------------------------------------------


def test_presets_name_their_source():
    assert {p: PRESETS[p].radius_m for p in PRESETS} == {
        "walk": 800,
        "elderly": 500,
        "bus_stop": 300,
        "elderly_welfare": 1000,
        "shelter": 1000,
        "park_block": 250,
        "park_neighbourhood": 500,
        "park_district": 1000,
    }
    for p in PRESETS.values():
        assert p.source in RADIUS_SOURCES
        for lang in ("ja", "en"):  # every preset has its words in both languages
            tr = translator(lang)
            assert report_io.preset_label(p.name, tr)
            assert tr(f"report_radius_source_{p.name}", handbook="H").startswith("H")
    assert RADIUS_SOURCES[preset("walk").source].title == "都市構造の評価に関するハンドブック"
    ja = translator("ja")
    walk = coverage(lay.context(), lay.facilities(a=lay.CENTRES["SW"]), 800)
    rows = {r.key: r.value for r in report_io.metadata_rows(walk, ja)}
    assert "都市構造の評価に関するハンドブック" in rows["radius_source"]
    assert walk.provenance.radius_source == "mlit_urban_structure_handbook"
    assert walk.provenance.radius_preset == "walk"


def test_usual_preset_per_category():
    assert preset_for(["nursery"]).name == "walk"
    assert preset_for(["park"]).name == "park_block"
    assert preset_for(["bus_stop"]).radius_m == 300
    assert preset_for([]).name == "walk"
    with pytest.raises(ConfigError, match="choose one of walk"):
        preset("far")


@pytest.mark.parametrize("radius", [0, -5, float("nan"), float("inf")])
def test_radius_must_be_positive(radius):
    with pytest.raises(ConfigError, match="radius"):
        check_radius(radius)


def test_result_reports_the_preset_for_a_preset_radius(ctx):
    result = coverage(ctx, lay.facilities(a=lay.CENTRES["SW"]), 250)
    assert result.preset is not None
    assert result.preset.name == "park_block"
    assert coverage(ctx, lay.facilities(a=lay.CENTRES["SW"]), 123).preset is None


# -- the bundled data ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def real(dataset):
    return ContextCache(dataset).get()


def test_real_nurseries_match_a_brute_force_count(dataset, real):
    facilities = select_facilities(dataset.places, Filter(categories=("nursery",)))
    result = coverage(real, facilities, 800)
    grid = real.grid
    fx, fy = facilities.xy.T
    d = np.sqrt((grid.x[:, None] - fx[None, :]) ** 2 + (grid.y[:, None] - fy[None, :]) ** 2).min(1)
    assert np.allclose(result.distance_m, d)
    assert result.covered_population == pytest.approx(grid.population[d <= 800].sum())
    for by in ("town", "elementary", "junior_high"):
        table = result.table(by)
        assert table["population"].sum() == pytest.approx(69_030)
        assert table["covered"].sum() == pytest.approx(result.covered_population)
    assert result.gaps["population"].sum() == pytest.approx(69_030 - result.covered_population)


def test_city_wide_services_are_reported_not_counted(dataset, real):
    facilities = select_facilities(dataset.places, Filter(categories=("demand_transport",)))
    assert len(facilities) == 0
    assert facilities.excluded == ("transport.sesshu-kun",)
    assert coverage(real, facilities, 800, gaps=False).covered_population == 0


def test_context_cache_builds_once(dataset):
    cache = ContextCache(dataset)
    assert cache.get() is cache.get()
    assert cache.get(cell_size=200) is not cache.get()
