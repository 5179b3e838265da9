"""Each validation rule, one bad file each: the report names file, feature, field, value and rule."""

from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from soja_map.data.dataset import Dataset
from soja_map.data.validate import Validator, validate_paths
from soja_map.errors import Problem

TODAY = dt.date(2026, 11, 23)


def good_feature(**overrides: Any) -> dict[str, Any]:
    props: dict[str, Any] = {
        "id": "nursery.test-1",
        "name_ja": "テスト保育園",
        "name_en": None,
        "category": "nursery",
        "measures": ["hagukumu.family-community"],
        "address": "総社市中央一丁目1-1",
        "description": "",
        "source": {
            "publisher": "総社市",
            "dataset": "テスト",
            "reference": "https://example.invalid/",
        },
        "licence": "CC BY 4.0",
        "as_of": "2025-04-01",
        "position_accuracy": "address_town",
    }
    geometry: Any = {"type": "Point", "coordinates": [133.7465, 34.67278]}
    for key, value in overrides.items():
        if key == "geometry":
            geometry = value
        elif value is _DROP:
            props.pop(key, None)
        else:
            props[key] = value
    return {"type": "Feature", "geometry": geometry, "properties": props}


_DROP = object()


def collection(*features: dict[str, Any], **members: Any) -> dict[str, Any]:
    return {"type": "FeatureCollection", **members, "features": list(features)}


@pytest.fixture(scope="module")
def validator(dataset: Dataset) -> Validator:
    return Validator(dataset.plan, dataset.study_area, today=TODAY)


def check(validator: Validator, doc: Any, name: str = "bad.geojson") -> list[Problem]:
    data = doc if isinstance(doc, bytes) else json.dumps(doc, ensure_ascii=False).encode()
    return validator.check_bytes(data, name)[1]


def only(problems: list[Problem], code: str) -> Problem:
    matching = [p for p in problems if p.code == code]
    assert matching, f"no {code} in {[p.format() for p in problems]}"
    return matching[0]


def test_good_feature_is_clean(validator: Validator) -> None:
    assert check(validator, collection(good_feature())) == []


def test_not_utf8_names_the_byte_and_suggests_shift_jis(validator: Validator) -> None:
    data = json.dumps(collection(good_feature()), ensure_ascii=False).encode("cp932")
    p = only(check(validator, data), "not-utf8")
    assert "Shift_JIS" in p.message
    assert p.file == "bad.geojson"


def test_not_json_gives_line_and_column(validator: Validator) -> None:
    p = only(check(validator, b'{"type": "FeatureCollection",\n "features": [}'), "not-json")
    assert "line 2" in p.message


@pytest.mark.parametrize(
    ("doc", "code"),
    [
        ([1, 2], "not-geojson"),
        ({"features": []}, "type-missing"),
        ({"type": "Feature", "properties": {}}, "type-wrong"),
        ({"type": "FeatureCollection"}, "features-missing"),
    ],
)
def test_not_geojson(validator: Validator, doc: Any, code: str) -> None:
    p = only(check(validator, doc), code)
    assert p.feature_index is None


def test_crs_member_is_rejected(validator: Validator) -> None:
    doc = collection(
        good_feature(), crs={"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::6673"}}
    )
    p = only(check(validator, doc), "crs-member")
    assert p.value == "urn:ogc:def:crs:EPSG::6673"


def test_projected_metres_are_recognised(validator: Validator) -> None:
    # Soja city hall in JGD2011 / plane rectangular V (EPSG:6673), metres
    p = only(
        check(
            validator,
            collection(
                good_feature(geometry={"type": "Point", "coordinates": [-48123.4, -144817.2]})
            ),
        ),
        "coords-projected",
    )
    assert "EPSG:6673" in p.message
    assert p.feature_index == 0
    assert p.feature_id == "nursery.test-1"
    assert p.field == "geometry.coordinates"


def test_swapped_lat_lon(validator: Validator) -> None:
    p = only(
        check(
            validator,
            collection(
                good_feature(geometry={"type": "Point", "coordinates": [34.67278, 133.7465]})
            ),
        ),
        "coords-swapped",
    )
    assert p.expected is not None
    assert "133.7465, 34.67278" in p.expected


def test_place_outside_soja(validator: Validator) -> None:
    # Okayama station: real lon/lat, but ~15 km east of Soja
    p = only(
        check(
            validator,
            collection(
                good_feature(geometry={"type": "Point", "coordinates": [133.9181, 34.6655]})
            ),
        ),
        "outside-soja",
    )
    assert p.value == [133.9181, 34.6655]


def test_invalid_and_empty_geometry(validator: Validator) -> None:
    bowtie = {
        "type": "Polygon",
        "coordinates": [
            [[133.70, 34.66], [133.72, 34.68], [133.72, 34.66], [133.70, 34.68], [133.70, 34.66]]
        ],
    }
    empty = {"type": "Polygon", "coordinates": []}
    problems = check(
        validator,
        collection(
            good_feature(
                id="park.a",
                category="park",
                geometry=bowtie,
                measures=["hagukumu.heritage-contact"],
            ),
            good_feature(
                id="park.b", category="park", geometry=empty, measures=["hagukumu.heritage-contact"]
            ),
        ),
    )
    invalid = only(problems, "geometry-invalid")
    assert "Self-intersection" in invalid.message
    assert invalid.feature_id == "park.a"
    assert only(problems, "geometry-empty").feature_id == "park.b"


def test_geometry_type_not_allowed_for_category(validator: Validator) -> None:
    line = {"type": "LineString", "coordinates": [[133.70, 34.66], [133.72, 34.68]]}
    p = only(check(validator, collection(good_feature(geometry=line))), "geometry-type")
    assert p.value == "LineString"
    assert p.expected == "Point"


def test_missing_required_field(validator: Validator) -> None:
    p = only(check(validator, collection(good_feature(licence=_DROP))), "field-missing")
    assert p.field == "licence"


def test_unknown_category_suggests(validator: Validator) -> None:
    p = only(check(validator, collection(good_feature(category="nursey"))), "category-unknown")
    assert p.value == "nursey"
    assert "nursery" in p.message


def test_unknown_measure(validator: Validator) -> None:
    p = only(
        check(validator, collection(good_feature(measures=["hagukumu.family"]))), "measure-unknown"
    )
    assert p.value == "hagukumu.family"


def test_place_needs_a_measure(validator: Validator) -> None:
    only(check(validator, collection(good_feature(measures=[]))), "measure-missing")


@pytest.mark.parametrize("bad", ["2025-13-01", "2025-02-30", "R7.4.1", "2025/04/01", "25-04-01"])
def test_bad_as_of_date(validator: Validator, bad: str) -> None:
    p = only(check(validator, collection(good_feature(as_of=bad))), "date-invalid")
    assert p.value == bad


def test_future_as_of_date(validator: Validator) -> None:
    only(check(validator, collection(good_feature(as_of="2027-01-01"))), "date-future")


def test_null_as_of_needs_a_note(validator: Validator) -> None:
    only(check(validator, collection(good_feature(as_of=None))), "date-missing")
    assert (
        check(validator, collection(good_feature(as_of=None, as_of_note="the source is undated")))
        == []
    )


def test_unknown_field_suggests_the_right_one(validator: Validator) -> None:
    p = only(check(validator, collection(good_feature(mesures=["x"]))), "field-unknown")
    assert "measures" in p.message


def test_city_wide_items_have_no_geometry_and_places_do(validator: Validator) -> None:
    problems = check(
        validator,
        collection(
            good_feature(id="a.1", scope="city_wide"),  # has a made-up point
            good_feature(id="a.2", geometry=None),  # no geometry but not city-wide
        ),
    )
    assert only(problems, "geometry-city-wide").feature_id == "a.1"
    assert only(problems, "geometry-null").feature_id == "a.2"


def test_every_problem_is_reported_at_once(validator: Validator) -> None:
    doc = collection(
        good_feature(id="x.1", category="nursey"),
        good_feature(id="x.2", as_of="2025-99-99"),
        good_feature(id="x.3", geometry={"type": "Point", "coordinates": [34.67, 133.74]}),
        crs={"type": "name", "properties": {"name": "EPSG:4326"}},
    )
    codes = sorted(p.code for p in check(validator, doc))
    assert codes == ["category-unknown", "coords-swapped", "crs-member", "date-invalid"]


def test_duplicate_ids_within_and_across_files(tmp_path: Path, dataset: Dataset) -> None:
    a = tmp_path / "a.geojson"
    b = tmp_path / "b.geojson"
    a.write_text(
        json.dumps(collection(good_feature(id="dup.1"), good_feature(id="dup.1"))), encoding="utf-8"
    )
    b.write_text(json.dumps(collection(good_feature(id="dup.1"))), encoding="utf-8")
    report = validate_paths(
        [a, b], catalogue=dataset.catalogue, study_area=dataset.study_area, today=TODAY
    )
    dups = [p for p in report.problems if p.code == "id-duplicate"]
    assert [(Path(p.file).name, p.feature_index) for p in dups] == [
        ("a.geojson", 1),
        ("b.geojson", 0),
    ]
    assert "a.geojson" in dups[1].message
    assert not report.ok


def test_json_report_is_machine_readable(tmp_path: Path, dataset: Dataset) -> None:
    bad = tmp_path / "bad.geojson"
    bad.write_text(json.dumps(collection(good_feature(category="nope"))), encoding="utf-8")
    report = validate_paths(
        [bad], catalogue=dataset.catalogue, study_area=dataset.study_area, today=TODAY
    )
    data = json.loads(report.to_json())
    assert data["ok"] is False
    assert data["errors"] == 1
    (problem,) = data["problems"]
    assert problem | {"file": "x"} == {
        "file": "x",
        "code": "category-unknown",
        "message": problem["message"],
        "feature_index": 0,
        "feature_id": "nursery.test-1",
        "field": "category",
        "value": "nope",
        "expected": problem["expected"],
        "row": None,
        "severity": "error",
    }


def test_problem_line_names_everything() -> None:
    p = Problem(
        file="geodata/x.geojson",
        code="category-unknown",
        message="unknown category",
        feature_index=3,
        feature_id="abc",
        field="category",
        value="nurse",
        expected="one of ...",
    )
    assert p.format() == (
        "geodata/x.geojson: feature 3 (id=abc): field 'category': unknown category (got 'nurse'); "
        "expected one of ... [category-unknown]"
    )


def test_the_validator_does_not_mutate_input(validator: Validator) -> None:
    doc = collection(good_feature())
    before = copy.deepcopy(doc)
    validator.check_document(doc, "x.geojson")
    assert doc == before


def test_a_list_where_the_category_belongs_is_reported_not_a_crash(validator: Validator) -> None:
    p = only(check(validator, collection(good_feature(category=["nursery"]))), "field-type")
    assert p.field == "category"


@pytest.mark.parametrize(
    ("overrides", "code", "field", "message"),
    [
        ({"name_ja": None}, "field-null", "name_ja", "'name_ja' must not be null"),
        ({"licence": 5}, "field-type", "licence", "'licence' has the wrong type (int)"),
        ({"measures": "x"}, "field-type", "measures", "'measures' has the wrong type (str)"),
        ({"measures": [3]}, "field-type", "measures", "measure ids must be strings"),
        ({"address": "  "}, "field-empty", "address", "'address' is empty"),
        ({"id": "bad id!"}, "id-invalid", "id", "the id has characters or a length"),
        ({"position_accuracy": "gps"}, "enum-invalid", "position_accuracy", "unknown position"),
        ({"scope": "town"}, "enum-invalid", "scope", "unknown scope"),
        ({"source": {"publisher": ""}}, "source-invalid", "source.publisher", "source.publisher"),
        (
            {"source": {**good_feature()["properties"]["source"], "url": "x"}},
            "source-invalid",
            "source.url",
            "unknown key source.url",
        ),
        ({"attributes": {"a": {"b": 1}}}, "attributes-invalid", "attributes.a", "attribute values"),
        ({"measures": ["hagukumu.family-community"] * 2}, "measure-duplicate", "measures", "twice"),
    ],
)
def test_each_schema_rule_keeps_its_code_and_words(
    validator: Validator, overrides: dict[str, Any], code: str, field: str, message: str
) -> None:
    p = only(check(validator, collection(good_feature(**overrides))), code)
    assert (p.field, p.feature_index, p.feature_id is not None or code == "id-invalid") == (
        field,
        0,
        True,
    )
    assert message in p.message


def test_a_blank_enum_is_empty_and_unknown(validator: Validator) -> None:
    codes = sorted(p.code for p in check(validator, collection(good_feature(scope=" "))))
    assert codes == ["enum-invalid", "field-empty"]


def test_the_new_optional_fields_are_accepted(validator: Validator) -> None:
    doc = collection(good_feature(internal_note="call before visiting", facts={"capacity": 60}))
    assert check(validator, doc) == []
