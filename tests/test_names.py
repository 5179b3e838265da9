"""ONE name resolver (soja_map.query.names) for coverage, access and export: ids, Japanese and
English names, parts of listed names, hazards; every unknown or ambiguous value reported at once."""

from __future__ import annotations

import pytest

from soja_map.analysis.request import CoverageRequest
from soja_map.errors import CatalogueError
from soja_map.maps.api import filter_from_names as export_filter
from soja_map.query.names import filter_from_names, resolve, resolve_hazards


@pytest.mark.parametrize(
    ("kind", "value", "expected"),
    [
        ("categories", "nursery", ("nursery",)),
        ("categories", "保育所・地域型保育", ("nursery",)),
        ("categories", "保育所", ("nursery",)),
        ("categories", "地域型保育", ("nursery",)),
        ("categories", "Nursery", ("nursery",)),
        ("categories", "ＮＵＲＳＥＲＹ", ("nursery",)),
        ("categories", "学校", ("school",)),
        ("categories", "School", ("school",)),
        ("projects", "はぐくむ", ("hagukumu",)),
        ("projects", "Nurture", ("hagukumu",)),
        ("projects", "hagukumu", ("hagukumu",)),
        ("projects", "ハグクム", ("hagukumu",)),
    ],
)
def test_ids_and_names_in_either_language(dataset, kind, value, expected):
    flt = filter_from_names(dataset.plan, **{kind: [value]})
    assert getattr(flt, kind) == expected


def test_coverage_and_export_use_the_same_resolver(dataset):
    assert export_filter is filter_from_names
    request = CoverageRequest(categories=("保育所",), projects=("はぐくむ",))
    flt = request.selection(dataset)
    assert (flt.categories, flt.projects) == (("nursery",), ("hagukumu",))


def test_measures_by_name(dataset):
    measure = next(iter(dataset.plan.measures.values()))
    for value in (measure.id, measure.name_ja, measure.name_en):
        assert filter_from_names(dataset.plan, measures=[value]).measures == (measure.id,)


def test_every_problem_at_once(dataset):
    with pytest.raises(CatalogueError) as info:
        filter_from_names(dataset.plan, categories=["nursey"], projects=["nope"])
    assert "category 'nursey'" in str(info.value)
    assert "project 'nope'" in str(info.value)


def test_an_ambiguous_name_lists_its_matches():
    problems: list[str] = []
    assert resolve("thing", ["a"], {"x": ("a・b",), "y": ("a・c",)}, problems) == ()
    assert problems == ["thing 'a' is ambiguous (one of: x, y)"]


def test_hazards_by_id_japanese_and_english():
    assert resolve_hazards(["flood", "洪水", "Flood", "地震"]) == ("flood", "earthquake")
    with pytest.raises(CatalogueError, match="hazard 'rain'"):
        resolve_hazards(["rain"])
