"""The shipped geodata: valid, traceable, honest about positions, and rebuilt exactly by the script."""

from __future__ import annotations

import filecmp
import json
import subprocess
import sys
import unicodedata
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest
import shapely
from pyproj import Geod

from soja_map.data.dataset import Dataset
from soja_map.data.facts import Facts
from soja_map.data.schema import CATEGORIES, PositionAccuracy, Role
from tests.conftest import GEODATA, REPO, SHARED

CHILD_CARE = tuple(k for k, c in CATEGORIES.items() if c.group == "child")


def everything(dataset: Dataset) -> pd.DataFrame:
    """Places and the safety layer (sites that are only evacuation sites)."""
    return pd.concat([dataset.places, dataset.references["evacuation_shelter"]])


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
    assert "evacuation_shelter" in dataset.references
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
    assert len(approx) > 60
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
    outside = located[located.geom_type == "Point"][~in_city]
    assert set(outside["category"]) == {"rail_station"}  # only stations "around Soja"
    assert len(outside) == 8
    # derived at load time from the boundary, not stored in the data
    assert not dataset.places.loc[outside.index, "in_city"].any()
    assert dataset.places.loc["station.soja", "in_city"]
    shelters = dataset.references["evacuation_shelter"]
    assert shelters.geometry.within(dataset.boundary).all()


def test_category_counts(dataset: Dataset) -> None:
    counts = dataset.places["category"].value_counts().to_dict()
    assert counts == {
        "community_centre": 30,
        "medical_facility": 30,
        "school": 19,
        "nursery": 16,
        "kindergarten": 15,
        "rail_station": 15,
        "tourism_site": 8,
        "heritage_site": 8,
        "rail_line": 6,
        "unlicensed_childcare": 6,
        "city_office": 3,
        "industrial_site": 3,
        "kodomo_en": 3,
        "child_support_centre": 3,
        "after_school_club": 1,
        "welfare_facility": 1,
        "park": 1,
        "demand_transport": 1,
    }
    assert len(dataset.towns) == 74
    assert len(dataset.school_districts) == 19
    assert len(dataset.references["evacuation_shelter"]) == 20
    assert all(CATEGORIES[c].role is Role.PLACE for c in counts)
    assert CATEGORIES["evacuation_shelter"].role is Role.SAFETY


def test_the_issue_targets_are_met_without_stretching_links(dataset: Dataset) -> None:
    places = dataset.places
    points = places[places.geometry.notna() & (places.geom_type == "Point")]
    inside = points[points.geometry.within(dataset.boundary)]
    with_measures = inside[inside["measures"].map(len) > 0]
    assert len(with_measures) >= 150
    assert with_measures["category"].isin(CHILD_CARE).sum() >= 35
    assert (with_measures["category"] == "community_centre").sum() >= 20
    # every link has a stated reason stored on the place, in both languages
    for row in places.itertuples():
        facts = Facts.model_validate(row.facts)
        assert facts.links, row.Index
        linked = [m for r in facts.links for m in r.measures]
        assert set(linked) == set(row.measures), row.Index
        assert all(r.reason_ja and r.reason_en for r in facts.links), row.Index


def _gsi_sites_in_soja() -> dict[str, dict[str, object]]:
    doc = json.loads((SHARED / "gsi_emergency_sites_studyarea.geojson").read_text(encoding="utf-8"))
    return {
        f["properties"]["共通ID"]: f["properties"]
        for f in doc["features"]
        if f["properties"]["in_soja_polygon"]
    }


@pytest.mark.shared
@pytest.mark.skipif(not SHARED.is_dir(), reason="../shared/data is not beside the checkout")
def test_every_gsi_site_in_soja_is_one_place(dataset: Dataset) -> None:
    sites = _gsi_sites_in_soja()
    assert len(sites) == 88
    seen: Counter[str] = Counter()
    for row in everything(dataset).itertuples():
        shelter = (row.facts or {}).get("shelter")
        if shelter:
            seen.update(i for i in shelter["gsi_ids"] if i in sites)
    assert set(seen) == set(sites)
    assert max(seen.values()) == 1  # a school that is a shelter is one place, not two
    with_role = [r for r in dataset.places.itertuples() if (r.facts or {}).get("shelter")]
    assert len(with_role) == 68
    # the safety layer is never linked to a measure
    assert all(len(m) == 0 for m in dataset.references["evacuation_shelter"]["measures"])


@pytest.mark.shared
@pytest.mark.skipif(not SHARED.is_dir(), reason="../shared/data is not beside the checkout")
def test_public_schools_are_surveyed_within_100_m_of_their_gsi_site(dataset: Dataset) -> None:
    by_name = {
        unicodedata.normalize("NFKC", str(p["施設・場所名"])): p
        for p in _gsi_sites_in_soja().values()
    }
    geod = Geod(ellps="GRS80")
    schools = dataset.places[dataset.places["category"] == "school"]
    assert len(schools) == 19
    for row in schools.itertuples():
        assert row.position_accuracy == "surveyed", row.Index
        site = by_name[row.name_ja]
        assert site["共通ID"] in row.source["reference"]  # the GSI id is in the source
        gap = geod.inv(row.geometry.x, row.geometry.y, site["lon"], site["lat"])[2]
        assert gap <= 100, (row.Index, gap)
        assert row.measures == ("sasaeru.schools-for-all", "hagukumu.heart-education")


def test_child_care_shows_capacity_and_the_lists_date(dataset: Dataset) -> None:
    child = dataset.places[dataset.places["category"].isin(CHILD_CARE)]
    assert len(child) == 44
    chuo = child[child["name_ja"] == "中央保育所"].iloc[0]
    care = Facts.model_validate(chuo["facts"]).childcare
    assert care is not None
    assert (care.type, care.capacity, care.enrolled) == ("licensed_nursery", 120, 127)
    assert care.enrolled_as_of == "2026-01-23"
    assert "定員 120人・利用 127人（2026-01-23 時点）" in chuo["description"]
    assert chuo["position_accuracy"] == "surveyed"
    for row in child.itertuples():
        facts = Facts.model_validate(row.facts)
        assert facts.childcare is not None, row.Index
        if row.position_accuracy == "address_town":
            assert not facts.shelter, row.Index
    types = {Facts.model_validate(f).childcare.type for f in child["facts"]}  # type: ignore[union-attr]
    assert {
        "licensed_nursery",
        "small_scale",
        "workplace",
        "certified_centre",
        "kindergarten",
    } <= types
    assert {"unlicensed", "company_led", "support_hub", "family_support"} <= types
    # kindergartens in GSI but not in the 2026 lists are not child-care places; their sites say so
    names = set(child["name_ja"])
    assert not names & {"池田幼稚園", "維新幼稚園"}
    shelters = dataset.references["evacuation_shelter"].set_index("name_ja")
    for name in ("池田幼稚園", "維新幼稚園"):
        assert shelters.loc[name, "facts"]["childcare"]["status"] == "status_unknown"
        assert "状況は不明" in shelters.loc[name, "description"]


def test_medical_places_carry_kind_departments_and_a_reason(dataset: Dataset) -> None:
    medical = dataset.places[dataset.places["category"] == "medical_facility"]
    assert len(medical) == 30
    kinds = Counter(Facts.model_validate(f).medical.kind for f in medical["facts"])  # type: ignore[union-attr]
    assert kinds == {"hospital": 3, "clinic": 27}
    assert set(medical["position_accuracy"]) == {"address_town"}
    assert all(Facts.model_validate(f).medical.departments for f in medical["facts"])  # type: ignore[union-attr]
    # a children's clinic serves families, not the older people's measure
    kids = medical[medical["name_ja"] == "高杉こどもクリニック"].iloc[0]
    assert kids["measures"] == ("hagukumu.family-community",)


def test_community_centres_are_at_their_sites_with_the_plan_reason(dataset: Dataset) -> None:
    centres = dataset.places[dataset.places["category"] == "community_centre"]
    assert len(centres) == 30
    assert set(centres["position_accuracy"]) == {"surveyed"}
    assert all(f["shelter"] for f in centres["facts"])
    reason = dataset.plan.default_measures["community_centre"]
    assert all(m == reason for m in centres["measures"])


def test_sesshu_kun_states_its_rules_with_sources(dataset: Dataset) -> None:
    facts = Facts.model_validate(dataset.places.loc["transport.sesshu-kun", "facts"])
    assert facts.service_rules is not None
    rules = {r.id: r for r in facts.service_rules}
    assert {
        "fare",
        "fare_reduced",
        "days",
        "hours",
        "registration",
        "booking",
        "zones",
        "zone_rule",
    } == set(rules)
    assert "200円" in rules["fare_reduced"].text_ja
    assert {s.kind for s in rules["fare_reduced"].sources} == {"secondary"}  # a councillor's report
    assert {s.kind for s in rules["days"].sources} == {"official"}


def test_every_category_shown_says_whether_it_is_complete(dataset: Dataset) -> None:
    records: dict[str, dict[str, object]] = {}
    for meta in dataset.layers.values():
        records.update(meta.get("categories", {}))
    shown = set(dataset.places["category"]) | {"evacuation_shelter"}
    assert shown <= set(records)
    for category, record in records.items():
        assert isinstance(record["complete"], bool), category
        assert record["note_ja"], category
        assert record["note_en"], category
    assert records["medical_facility"]["complete"] is False
    assert records["school"]["complete"] is True


def test_hazard_layers_are_credited_and_say_they_are_not_the_statutory_map() -> None:
    doc = json.loads((GEODATA / "hazard_layers.json").read_text(encoding="utf-8"))
    assert doc["credit_ja"] == "出典：ハザードマップポータルサイト"
    assert "法定" in doc["note_ja"]
    assert "ではありません" in doc["note_ja"]
    assert "not Soja City's statutory" in doc["note_en"]
    ids = [layer["id"] for layer in doc["layers"]]
    assert len(ids) == len(set(ids)) == 7
    for layer in doc["layers"]:
        assert layer["url"].startswith("https://")
        assert "{z}/{x}/{y}" in layer["url"]
        assert layer["default_on"] is False
        assert layer["name_ja"]
        assert layer["name_en"]
    assert "洪水浸水想定区域（想定最大規模）" in {x["name_ja"] for x in doc["layers"]}


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
    assert len(rows) == 3
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
        "指定緊急避難場所・指定避難所データ",
        "出典：ハザードマップポータルサイト",
        "hazard_layers.json",
        "geodata_crosswalk.json",
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
    assert summary["unlocated"] == 3
    built = sorted(p.name for p in out.iterdir())
    for name in built:
        assert filecmp.cmp(out / name, GEODATA / name, shallow=False), (
            f"{name} differs: rerun scripts/build_geodata.py"
        )
