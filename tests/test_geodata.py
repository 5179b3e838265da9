"""The shipped geodata: valid, traceable, honest about positions, and rebuilt exactly by the script."""

from __future__ import annotations

import filecmp
import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
import shapely

from soja_map.data.dataset import Dataset
from soja_map.data.schema import CATEGORIES, PositionAccuracy, Role
from tests.conftest import GEODATA, REPO, SHARED


def test_every_layer_validates(dataset: Dataset) -> None:
    assert dataset.report is not None
    assert dataset.report.errors == []
    assert dataset.report.warnings == []  # no measure is left unplaced and un-flagged


def test_every_measure_is_linked_to_places_or_city_wide(dataset: Dataset) -> None:
    served = Counter(m for ms in dataset.places["measures"] for m in ms)
    assert len(dataset.plan.measures) == 17
    for measure in dataset.plan.measures.values():
        assert served[measure.id] > 0 or measure.city_wide, measure.id
        if measure.city_wide:
            assert measure.city_wide_note_ja
            assert measure.city_wide_note_en


def test_every_project_has_places(dataset: Dataset) -> None:
    by_project = Counter(p for ps in dataset.places["projects"] for p in ps)
    assert set(by_project) == {"sasaeru", "hagukumu", "uruou", "tsuchikau"}


def test_provenance_on_every_feature(dataset: Dataset) -> None:
    frames = [dataset.places, *dataset.references.values()]
    for frame in frames:
        for row in frame.itertuples():
            assert all(row.source[k] for k in ("publisher", "dataset", "reference")), row.Index
            assert row.licence, row.Index
            assert row.as_of or row.as_of_note, row.Index
            assert row.position_accuracy in set(PositionAccuracy), row.Index
            assert row.attribution, row.Index


def test_address_town_places_sit_exactly_on_their_town_point(dataset: Dataset) -> None:
    towns = {
        (r.town): (r.geometry.x, r.geometry.y)
        for r in dataset.towns.itertuples()
        if not r.attributes.get("koaza")
    }
    approx = dataset.places[dataset.places["position_accuracy"] == "address_town"]
    assert len(approx) > 30
    for row in approx.itertuples():
        assert (row.geometry.x, row.geometry.y) == pytest.approx(towns[row.town], abs=1e-7), (
            row.Index
        )
        assert "代表点" in row.position_note


def test_city_wide_items_have_no_point(dataset: Dataset) -> None:
    city_wide = dataset.places[dataset.places["scope"] == "city_wide"]
    assert list(city_wide.index) == ["transport.sesshu-kun"]
    assert city_wide.geometry.isna().all()
    assert city_wide.iloc[0]["attributes"]["zones"] == [
        "東部",
        "西部",
        "池田",
        "昭和",
        "共通エリア",
    ]


def test_places_lie_in_soja_or_its_surroundings(dataset: Dataset) -> None:
    located = dataset.located
    assert dataset.study_area is not None
    assert shapely.intersects(dataset.study_area, located.geometry.values).all()
    in_city = located[located.geom_type == "Point"].within(dataset.boundary)
    outside = set(located[located.geom_type == "Point"][~in_city]["category"])
    assert outside == {"rail_station"}  # only the stations "around Soja" are outside the city


def test_category_counts(dataset: Dataset) -> None:
    counts = dataset.places["category"].value_counts().to_dict()
    assert counts == {
        "school": 19,
        "rail_station": 15,
        "tourism_site": 8,
        "heritage_site": 8,
        "rail_line": 6,
        "nursery": 3,
        "city_office": 3,
        "industrial_site": 3,
        "kodomo_en": 1,
        "kindergarten": 1,
        "after_school_club": 1,
        "park": 1,
        "demand_transport": 1,
    }
    assert len(dataset.towns) == 74
    assert len(dataset.school_districts) == 19
    assert all(CATEGORIES[c].role is Role.PLACE for c in counts)


def test_towns_carry_population_only_where_the_data_has_it(dataset: Dataset) -> None:
    with_pop = {
        r.town: r.attributes["population"]
        for r in dataset.towns.itertuples()
        if "population" in r.attributes
    }
    assert with_pop == {
        "宍粟": 320,
        "下倉": 476,
        "下林": 308,
        "下原": 446,
        "宿": 1348,
        "種井": 122,
        "富原": 581,
        "小寺": 1151,
    }
    chuo = [r for r in dataset.towns.itertuples() if r.town.startswith("中央")]
    assert len(chuo) == 6
    assert all(
        r.attributes["postal_area_population"] == 5072 and "population" not in r.attributes
        for r in chuo
    )


def test_unlocated_facilities_are_listed_for_staff_not_placed(dataset: Dataset) -> None:
    text = (GEODATA / "unlocated.csv").read_text(encoding="utf-8")
    rows = text.strip().splitlines()[1:]
    assert len(rows) == 19
    names = set(dataset.places["name_ja"])
    for row in rows:
        assert row.split(",")[0] not in names


def test_sources_md_names_every_layer() -> None:
    text = (GEODATA / "SOURCES.md").read_text(encoding="utf-8")
    for path in GEODATA.glob("*.geojson"):
        assert f"`{path.name}`" in text, path.name
    for phrase in (
        "国土数値情報",
        "Geolonia",
        "CC BY 4.0",
        "鉄道駅LOD",
        "学校基本調査",
        "unlocated.csv",
    ):
        assert phrase in text


@pytest.mark.shared
@pytest.mark.skipif(not SHARED.is_dir(), reason="../shared/data is not beside the checkout")
def test_the_build_script_reproduces_geodata_exactly(tmp_path: Path) -> None:
    out = tmp_path / "geodata"
    result = subprocess.run(
        [
            sys.executable,
            str(REPO / "scripts" / "build_geodata.py"),
            "--shared",
            str(SHARED),
            "--out",
            str(out),
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["unlocated"] == 19
    built = sorted(p.name for p in out.iterdir())
    for name in built:
        assert filecmp.cmp(out / name, GEODATA / name, shallow=False), (
            f"{name} differs: rerun scripts/build_geodata.py"
        )
