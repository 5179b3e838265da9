"""The single styling module: colour-blind-safe project colours, distinct shapes/glyphs, escaped legends."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

from soja_map.data.dataset import Dataset
from soja_map.data.schema import PLACE_CATEGORIES
from soja_map.i18n import Lang, translator
from soja_map.maps.panels import legend_html
from soja_map.query.styling import (
    GLYPHS,
    GLYPHS_EN,
    colours_for,
    feature_style,
    glyph_of,
    icon_table,
    legend_entries,
    marker_svg,
    shape_of,
)

OKABE_ITO = {"#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7", "#000000"}


def test_project_colours_are_from_the_colour_blind_safe_palette(dataset: Dataset) -> None:
    colours = [p.colour for p in dataset.plan.projects]
    assert set(colours) <= OKABE_ITO
    assert len(set(colours)) == 4


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_every_category_has_its_own_shape_and_glyph_combination(lang: Lang) -> None:
    points = [c for c in PLACE_CATEGORIES if c not in {"rail_line", "bus_route"}]
    combos = {(shape_of(c), glyph_of(c, lang)) for c in points}
    assert len(combos) == len(points)
    # each glyph alone tells a category apart too (the legend's swatch shows shape and glyph)
    assert len({glyph_of(c, lang) for c in points}) == len(points)


def test_english_glyphs_are_one_or_two_latin_letters_and_japanese_ones_unchanged() -> None:
    for category in PLACE_CATEGORIES:
        if category in GLYPHS:
            assert re.fullmatch(r"[A-Z][A-Za-z]?", GLYPHS_EN[category]), category
            assert glyph_of(category, "ja") == GLYPHS[category]
    assert ">St</text>" in marker_svg("rail_station", ("#0072B2",), lang="en")
    assert ">駅</text>" in marker_svg("rail_station", ("#0072B2",))


def test_a_place_serving_two_projects_shows_both_colours(dataset: Dataset) -> None:
    plan = dataset.plan
    school = dataset.places.loc["school.es.soja"]
    assert colours_for(school["projects"], plan) == ("#0072B2", "#E69F00")
    assert colours_for(school["projects"], plan, active=["hagukumu"]) == ("#E69F00",)
    svg = marker_svg("school", ("#0072B2", "#E69F00"))
    assert svg.count("<rect") == 2
    assert 'fill="#0072B2"' in svg
    assert 'fill="#E69F00"' in svg
    assert ">学</text>" in svg


def test_feature_style_for_points_and_lines(dataset: Dataset) -> None:
    plan = dataset.plan
    assert feature_style("nursery", ("hagukumu",), plan) == {
        "icon": "nursery|#E69F00",
        "colour": "#E69F00",
        "colours": ["#E69F00"],
    }
    line = feature_style("rail_line", ("sasaeru",), plan)
    assert line["path"]["color"] == "#0072B2"
    assert "icon" not in line
    table = icon_table(["nursery|#E69F00", "nursery|#E69F00", "school|#0072B2|#E69F00"])
    assert list(table) == ["nursery|#E69F00", "school|#0072B2|#E69F00"]


def test_legend_escapes_every_label(dataset: Dataset) -> None:
    en = translator("en")
    entries = legend_entries(
        dataset.plan, ["nursery", "rail_line"], en, references=["city_boundary"]
    )
    kinds = [(e.kind, e.id) for e in entries]
    assert kinds[:4] == [
        ("project", "sasaeru"),
        ("project", "hagukumu"),
        ("project", "uruou"),
        ("project", "tsuchikau"),
    ]
    assert kinds[4:] == [
        ("line", "rail_line"),
        ("category", "nursery"),
        ("reference", "city_boundary"),
    ]
    last = dataset.plan.projects[-1]
    assert [e.label for e in entries][3:] == [
        f"{last.name_en} ({last.theme_en})",
        "Railway line",
        "Nursery",
        "City boundary",
    ]
    hostile = replace(entries[-2], label="<script>alert(1)</script>")
    html = legend_html([*entries[:-2], hostile, entries[-1]], en)
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert len(re.findall(r'class="soja-legend-row"', html)) == 7


def test_legend_words_come_from_the_catalogue_in_either_language(dataset: Dataset) -> None:
    ja = legend_entries(dataset.plan, ["park"], translator("ja"), references=["school_district"])
    assert [e.label for e in ja] == [
        *(f"{p.name_ja}（{p.theme_ja}）" for p in dataset.plan.projects),
        "公園",
        "小学校区（参考）",
    ]
    html = legend_html(ja, translator("ja"))
    assert "凡例" in html
    assert "重点プロジェクト" in html
    # a language code still works while the callers move to passing translators
    assert legend_entries(dataset.plan, ["park"], "ja", references=["school_district"]) == ja
