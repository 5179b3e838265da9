"""What the browser draws: compact place GeoJSON, complete style tables, simplified reference layers."""

from __future__ import annotations

import gzip
import itertools
import json

import geopandas as gpd
import numpy as np
import pytest
import shapely

from soja_map.data.dataset import Dataset
from soja_map.data.geo import geometry_to_metric
from soja_map.data.schema import METRIC_CRS
from soja_map.i18n import translator
from soja_map.query.styling import icon_key, marker_svg
from soja_map.web.mapdata import (
    BOUNDARY_TOLERANCE_M,
    DISTRICT_TOLERANCE_M,
    MapData,
    Payload,
    city_bounds,
    place_features,
    prepare,
    reference_collections,
    style_key,
    style_tables,
)
from soja_map.web.synthetic import synthetic_dataset


@pytest.fixture(scope="module")
def mapdata(dataset: Dataset) -> MapData:
    return prepare(dataset)


def coordinates(collection: dict) -> np.ndarray:
    return np.concatenate(
        [
            shapely.get_coordinates(shapely.geometry.shape(f["geometry"]))
            for f in collection["features"]
        ]
    )


def test_every_located_place_is_one_feature_with_a_unique_id(dataset: Dataset) -> None:
    fc = place_features(dataset.places, dataset.plan)
    ids = [f["properties"]["id"] for f in fc["features"]]
    assert len(ids) == len(set(ids)) == len(dataset.located)  # clustering needs unique ids
    assert "transport.sesshu-kun" not in ids  # city-wide: never a point
    props = fc["features"][0]["properties"]
    assert set(props) == {
        "id",
        "name_ja",
        "name_en",
        "category",
        "projects",
        "policies",
        "measures",
        "town_area",
        "search_key",
        "style_key",
    }
    xy = coordinates(fc)
    assert np.allclose(xy, np.round(xy, 6))


def test_the_style_tables_have_a_style_for_every_subset_of_a_places_projects(
    dataset: Dataset, mapdata: MapData
) -> None:
    plan = dataset.plan
    for row in dataset.located.itertuples():
        for size in range(1, len(row.projects) + 1):
            for active in itertools.combinations(row.projects, size):
                key = style_key(row.category, row.projects, plan, active)
                table = mapdata.icons["ja"] if row.geometry.geom_type == "Point" else mapdata.paths
                assert key in table, (row.Index, active)
    school = dataset.places.loc["school.es.soja"]
    assert mapdata.icons["ja"][icon_key("school", ("#0072B2", "#E69F00"))] == marker_svg(
        "school", ("#0072B2", "#E69F00")
    )
    assert style_key(school.category, school.projects, plan, None) == "school|#0072B2|#E69F00"
    assert style_key(school.category, school.projects, plan, ["hagukumu"]) == "school|#E69F00"
    icons, paths = style_tables(dataset.places, plan)
    assert set(paths) == {"rail_line|#0072B2", "rail_line|#6E6E6E"}
    assert paths["rail_line|#0072B2"]["color"] == "#0072B2"
    assert len(icons) == len(mapdata.icons["ja"]) == len(mapdata.icons["en"])


def test_school_districts_are_simplified_as_a_coverage(dataset: Dataset) -> None:
    refs = reference_collections(dataset)
    districts = dataset.school_districts.to_crs(METRIC_CRS)
    for level, n in (("elementary", 15), ("junior_high", 4)):
        fc = refs[level]
        assert len(fc["features"]) == n
        simple = shapely.from_geojson([json.dumps(f["geometry"]) for f in fc["features"]])
        metric = np.asarray(gpd.GeoSeries(simple, crs="EPSG:4326").to_crs(METRIC_CRS))
        original = districts[[a["level"] == level for a in districts["attributes"]]]
        assert (
            shapely.get_num_coordinates(metric).sum()
            < 0.5 * shapely.get_num_coordinates(original.geometry.to_numpy()).sum()
        )
        # neighbours still share their edges: no gaps or overlaps to speak of
        union = shapely.union_all(metric)
        assert union.area == pytest.approx(sum(g.area for g in metric), rel=1e-3)
        assert union.area == pytest.approx(
            shapely.union_all(original.geometry.to_numpy()).area, rel=5e-3
        )
        for before, after in zip(original.geometry, metric, strict=True):
            assert shapely.hausdorff_distance(before, after) < DISTRICT_TOLERANCE_M + 2
        xy = coordinates(fc)
        assert np.allclose(xy, np.round(xy, 5))


def test_the_boundary_stays_within_its_tolerance(dataset: Dataset) -> None:
    refs = reference_collections(dataset)
    simple = shapely.geometry.shape(refs["boundary"]["features"][0]["geometry"])
    assert dataset.boundary is not None
    distance = shapely.hausdorff_distance(
        geometry_to_metric(dataset.boundary), geometry_to_metric(simple)
    )
    assert distance < BOUNDARY_TOLERANCE_M + 2
    assert [f["properties"]["name_ja"] for f in refs["rail"]["features"]] == list(
        dataset.located.query("category == 'rail_line'")["name_ja"]
    )
    assert len(refs["towns"]["features"]) == len(dataset.towns)


def test_the_first_render_sends_well_under_500_kb(mapdata: MapData) -> None:
    first = len(mapdata.places.body) + sum(
        len(mapdata.references[k].body) for k in ("boundary", "rail")
    )
    assert first < 200_000  # 169 places with readings and facts; far under the 500 kB budget
    school_districts = len(mapdata.references["elementary"].body) + len(
        mapdata.references["junior_high"].body
    )
    assert school_districts < 200_000  # from 474 kB, and only loaded when switched on


def test_payloads_are_served_compressed_with_a_content_hash() -> None:
    payload = Payload.of({"a": "総社"})
    assert payload.body == '{"a":"総社"}'.encode()
    assert gzip.decompress(payload.gzipped) == payload.body
    assert payload.etag == Payload.of({"a": "総社"}).etag
    assert payload.etag != Payload.of({"a": "倉敷"}).etag


def test_the_first_view_holds_the_city_and_every_place(dataset: Dataset) -> None:
    (south, west), (north, east) = city_bounds(dataset)
    assert dataset.boundary is not None
    for xmin, ymin, xmax, ymax in (dataset.located.total_bounds, dataset.boundary.bounds):
        assert south <= ymin
        assert west <= xmin
        assert north >= ymax
        assert east >= xmax


def test_generated_places_are_inside_the_city_and_serve_real_measures(dataset: Dataset) -> None:
    big = synthetic_dataset(dataset, 500, seed=3, names=["<x>"])
    located = big.located
    assert len(located) == 500
    assert located["name_ja"].iloc[0] == "<x>"
    assert dataset.boundary is not None
    assert shapely.contains_xy(dataset.boundary, located.geometry.x, located.geometry.y).all()
    assert located.index.is_unique
    assert all(set(m) <= set(dataset.plan.measures) for m in located["measures"])
    assert (located["projects"].map(len) == 2).any()
    assert "rail_station" not in set(located["category"])
    assert "transport.sesshu-kun" in big.places.index  # city-wide items are kept
    assert synthetic_dataset(dataset, 50, seed=3).places.equals(
        synthetic_dataset(dataset, 50, seed=3).places
    )


def test_the_point_layer_carries_the_words_of_its_language(
    mapdata: MapData, dataset: Dataset
) -> None:
    # the JS writes no words: it reads hideout.words (the catalogue's js_* messages)
    ja = mapdata.points_hideout(dataset.plan, translator("ja"))
    en = mapdata.points_hideout(dataset.plan, translator("en"))
    assert (ja["lang"], en["lang"]) == ("ja", "en")
    assert ja["words"]["cluster_title"] == "{n} 件"
    assert en["words"]["cluster_title"] == "{n} places"
    assert set(ja["words"]) == set(en["words"])
    # and the symbols of its language: kanji in Japanese, letters in English
    key = icon_key("school", ("#0072B2",))
    assert ">学</text>" in ja["icons"][key]
    assert ">Sc</text>" in en["icons"][key]
    json.dumps(en)  # a Dash prop: JSON only
