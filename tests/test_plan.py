"""The plan catalogue: exact names from the plan, stable ids, and room for the next plan."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from soja_map.data.plan import Catalogue, load_catalogue, parse_catalogue
from soja_map.errors import CatalogueError
from tests.conftest import GEODATA, REPO

SEED = REPO.parent / "shared" / "seed" / "soja-plan-priority-projects.txt"


@pytest.fixture(scope="module")
def raw() -> dict[str, Any]:
    return json.loads((GEODATA / "plan.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return load_catalogue(GEODATA / "plan.json")


def test_four_projects_twelve_policies_seventeen_measures(catalogue: Catalogue) -> None:
    plan = catalogue.plan()
    assert [(p.name_ja, p.theme_ja) for p in plan.projects] == [
        ("ささえる", "支えあいのまちづくり"),
        ("はぐくむ", "子育て王国 そうじゃ"),
        ("うるおう", "産業活力再生"),
        ("つちかう", "人材育成のまちづくり"),
    ]
    assert [len(p.policies) for p in plan.projects] == [4, 3, 3, 2]
    assert [len(p.measures) for p in plan.projects] == [5, 5, 3, 4]
    assert len(set(plan.measures)) == 17
    assert len({p.colour for p in plan.projects}) == 4


@pytest.mark.skipif(not SEED.is_file(), reason="../shared/seed is not beside the checkout")
def test_every_name_is_exactly_as_in_the_plan_text(catalogue: Catalogue) -> None:
    text = SEED.read_text(encoding="utf-8")
    lines = {line.strip().removeprefix("- ").strip() for line in text.splitlines()}
    plan = catalogue.plan()
    for project in plan.projects:
        assert f"「{project.name_ja}」プロジェクトの方針" in text
        assert project.theme_ja.replace(" ", "") in text.replace(" ", "")
        for policy in project.policies:
            assert policy.name_ja in lines, policy.name_ja
        for measure in project.measures:
            assert measure.name_ja in lines, measure.name_ja


def test_lookups(catalogue: Catalogue) -> None:
    plan = catalogue.plan()
    assert plan.projects_for(["uruou.business-attraction", "sasaeru.disability"]) == [
        "sasaeru",
        "uruou",
    ]
    assert plan.policies_for(["hagukumu.heritage-contact"]) == ["hagukumu.policy.hometown"]
    assert plan.resolve_measure("優良企業の誘致") == "uruou.business-attraction"
    assert plan.measures_of(policy="tsuchikau.policy.collaboration") == [
        "tsuchikau.resident-autonomy",
        "tsuchikau.npo-volunteer",
    ]
    with pytest.raises(CatalogueError, match="unknown measure"):
        plan.resolve_measure("存在しない施策")


def test_a_later_plan_and_a_mapping_can_be_added_as_data(raw: dict[str, Any]) -> None:
    data = copy.deepcopy(raw)
    later = {
        "id": "test-later-plan",  # a synthetic stand-in: the real third plan's contents are not catalogued
        "title_ja": "テスト用の後継計画",
        "title_en": "A synthetic later plan (test only)",
        "status": "draft",
        "source": {"publisher": "test", "document": "test", "reference": "test"},
        "projects": [
            {
                "id": "goal-1",
                "number": 1,
                "name_ja": "目標1",
                "name_en": "Goal 1",
                "theme_ja": "テーマ",
                "theme_en": "Theme",
                "colour": "#56B4E9",
                "policies": [
                    {
                        "id": "goal-1.policy.a",
                        "name_ja": "方針A",
                        "name_en": "Policy A",
                        "description_ja": "説明",
                        "description_en": "Text",
                    }
                ],
                "measures": [
                    {
                        "id": "goal-1.transport",
                        "policy": "goal-1.policy.a",
                        "name_ja": "交通",
                        "name_en": "Transport",
                    }
                ],
            }
        ],
    }
    data["plans"].append(later)
    data["mappings"] = [
        {
            "from_plan": "soja-plan-2-priority",
            "to_plan": "test-later-plan",
            "measures": [
                {
                    "from": "sasaeru.new-life-transport",
                    "to": ["goal-1.transport"],
                    "relation": "same",
                }
            ],
        }
    ]
    catalogue, problems = parse_catalogue(data)
    assert problems == []
    assert catalogue is not None
    assert catalogue.plan("test-later-plan").measures["goal-1.transport"].name_en == "Transport"
    assert catalogue.translate(
        ["sasaeru.new-life-transport", "sasaeru.disability"], to_plan="test-later-plan"
    ) == ["goal-1.transport"]


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (
            lambda d: d["plans"][0]["projects"][0]["measures"][0].update(policy="nope"),
            "is not a policy of project",
        ),
        (
            lambda d: d["plans"][0]["projects"][1]["measures"].append(
                dict(d["plans"][0]["projects"][0]["measures"][0], policy="hagukumu.policy.hometown")
            ),
            "used twice",
        ),
        (
            lambda d: d["plans"][0]["projects"][0].update(colour="blue"),
            "String should match pattern",
        ),
        (lambda d: d.update(default_plan="third"), "default_plan"),
        (
            lambda d: d["plans"][0]["category_links"].append(
                {"category": "spaceport", "measures": ["sasaeru.disability"]}
            ),
            "unknown category",
        ),
        (
            lambda d: d.update(
                mappings=[{"from_plan": "soja-plan-2-priority", "to_plan": "x", "measures": []}]
            ),
            "unknown plan",
        ),
    ],
)
def test_bad_catalogues_are_reported(raw: dict[str, Any], mutate: Any, message: str) -> None:
    data = copy.deepcopy(raw)
    mutate(data)
    catalogue, problems = parse_catalogue(data, file="plan.json")
    assert catalogue is None
    assert any(message in p.message for p in problems), [p.message for p in problems]
    assert all(p.file == "plan.json" for p in problems)


def test_load_catalogue_errors_are_friendly(tmp_path: Path) -> None:
    with pytest.raises(CatalogueError, match="missing"):
        load_catalogue(tmp_path / "plan.json")
    (tmp_path / "plan.json").write_text("{", encoding="utf-8")
    with pytest.raises(CatalogueError, match="not a readable JSON"):
        load_catalogue(tmp_path / "plan.json")


PLANS_MD = REPO.parent / "shared" / "data" / "soja_comprehensive_plans.md"


def test_the_catalogue_says_which_plan_it_shows_and_that_a_newer_one_is_in_effect(
    catalogue: Catalogue,
) -> None:
    plan = catalogue.plan()
    assert plan.status == "superseded"
    assert plan.period is not None
    assert (plan.period.from_fy, plan.period.to_fy) == (2016, 2025)
    successor = plan.successor
    assert successor is not None
    assert successor.title_ja == "第3次総社市総合計画"
    assert successor.vision_ja == "挑戦 岡山の新都心 総社"
    assert (successor.period.from_fy, successor.period.to_fy) == (2026, 2035)
    assert successor.status == "in_effect"
    assert "公開され次第" in successor.contents_note_ja
    assert "2nd Comprehensive Plan (FY2016-2025)" in successor.contents_note_en
    assert successor.source.reference.startswith("https://www.city.soja.okayama.jp/")
    # the public source is the city's page; the transcription file is a technical note only
    assert plan.source.reference.startswith("https://")
    assert plan.internal_note


@pytest.mark.skipif(not PLANS_MD.is_file(), reason="../shared/data is not beside the checkout")
def test_the_successor_is_as_the_city_states_it(catalogue: Catalogue) -> None:
    text = PLANS_MD.read_text(encoding="utf-8")
    successor = catalogue.plan().successor
    assert successor is not None
    assert f"「{successor.vision_ja}」" in text
    assert successor.source.reference in text
    assert "令和8年度から令和17年度" in text  # FY2026-2035


def test_every_category_link_states_its_reason_in_both_languages(catalogue: Catalogue) -> None:
    for link in catalogue.plan().category_links:
        assert link.why_ja, link.category
        assert link.why_en, link.category


def test_a_period_must_not_end_before_it_starts(raw: dict[str, Any]) -> None:
    data = copy.deepcopy(raw)
    data["plans"][0]["period"] = {"from_fy": 2025, "to_fy": 2016}
    catalogue, problems = parse_catalogue(data)
    assert catalogue is None
    assert any("ends (2016) before it starts (2025)" in p.message for p in problems)
