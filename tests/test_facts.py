"""Typed facts: every shipped feature's ``facts`` fits the models, and the models reject bad facts."""

from __future__ import annotations

import json
from typing import Any

import pytest

from soja_map.data.dataset import Dataset
from soja_map.data.facts import (
    CHILDCARE_TYPE_MESSAGE,
    HAZARD_MESSAGE,
    MEDICAL_KIND_MESSAGE,
    ChildcareType,
    Facts,
    Hazard,
    MedicalKind,
    category_completeness,
    facts_problems,
    hazards_of,
    is_shelter,
    parse_facts,
    shelter_sites,
)
from soja_map.i18n import translator
from tests.conftest import GEODATA


def shipped_facts() -> list[tuple[str, Any]]:
    out = []
    for path in sorted(GEODATA.glob("*.geojson")):
        for f in json.loads(path.read_text(encoding="utf-8"))["features"]:
            if "facts" in f["properties"]:
                out.append((f["properties"]["id"], f["properties"]["facts"]))
    return out


def test_every_features_facts_fit_the_models() -> None:
    facts = shipped_facts()
    assert len(facts) > 150
    problems = {fid: facts_problems(value) for fid, value in facts}
    assert {fid: p for fid, p in problems.items() if p} == {}


SHELTER = {
    "gsi_ids": ["E3320800059201", "E3320800059111"],
    "name_in_source": "阿曽小学校",
    "emergency_site": True,
    "emergency_site_hazards": ["flood", "landslide", "earthquake"],
    "evacuation_shelter": True,
    "as_of": "2025-10-27",
}


def test_shelter_facts_read_as_hazards() -> None:
    facts = {"shelter": SHELTER}
    assert hazards_of(facts) == (Hazard.FLOOD, Hazard.LANDSLIDE, Hazard.EARTHQUAKE)
    assert is_shelter(facts)
    assert not is_shelter({"links": []})
    assert hazards_of(None) == ()
    assert parse_facts(None) is None


@pytest.mark.parametrize(
    ("facts", "message"),
    [
        ({"shelter": {**SHELTER, "emergency_site_hazards": ["meteor"]}}, "emergency_site_hazards"),
        ({"shelter": {**SHELTER, "gsi_ids": ["X1"]}}, "not a GSI"),
        ({"shelter": {**SHELTER, "emergency_site": False}}, "emergency sites only"),
        ({"childcare": {"type": "licensed_nursery", "enrolled": 10}}, "needs the date"),
        ({"childcare": {"type": "licensed_nursery", "capacity": -1}}, "capacity"),
        ({"childcare": {"type": "zoo"}}, "childcare.type"),
        ({"medical": {"kind": "spa"}}, "medical.kind"),
        ({"links": [{"measures": [], "reason_ja": "x", "reason_en": "x"}]}, "measures"),
        ({"service_rules": [{"id": "fare", "text_ja": "300円", "sources": []}]}, "sources"),
        ({"surprise": 1}, "surprise"),
    ],
)
def test_bad_facts_are_reported(facts: dict[str, Any], message: str) -> None:
    problems = facts_problems(facts)
    assert problems
    assert any(message in p for p in problems), problems
    with pytest.raises(ValueError, match="validation error"):
        Facts.model_validate(facts)


def test_every_stable_id_has_words_in_both_languages() -> None:
    keys = [
        *(HAZARD_MESSAGE[h] for h in Hazard),
        *(CHILDCARE_TYPE_MESSAGE[t] for t in ChildcareType),
        *(MEDICAL_KIND_MESSAGE[k] for k in MedicalKind),
    ]
    for lang in ("ja", "en"):
        tr = translator(lang)
        for key in keys:
            assert tr(key) != key, (lang, key)
    assert translator("ja")("hazard_flood") == "洪水"
    assert translator("en")("childcare_type_company_led") == "Company-led childcare"


def test_shelter_sites_read_as_one_frame_filterable_by_hazard(dataset: Dataset) -> None:
    sites = shelter_sites(dataset.places, dataset.references["evacuation_shelter"])
    assert len(sites) == 88
    assert sites.index.is_unique
    assert int(sites["hazard_flood"].sum()) == 26
    assert int(sites["evacuation_shelter"].sum()) == 80
    assert "school.es.soja" in sites.index  # a school is a shelter site, once
    assert sites.loc["school.es.soja", "category"] == "school"
    assert shelter_sites() is None


def test_every_category_has_a_completeness_record(dataset: Dataset) -> None:
    records = category_completeness(dataset.layers)
    assert set(dataset.places["category"]) | {"evacuation_shelter"} <= set(records)
    assert records["medical_facility"].complete is False
    assert "抜粋" in records["medical_facility"].note_ja
    assert records["evacuation_shelter"].complete is True
