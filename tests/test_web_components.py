"""The app's pieces: data is shown as text, links only for http(s), the legend and list follow the filter."""

from __future__ import annotations

import dataclasses
import re
from typing import Any
from urllib.parse import unquote

import geopandas as gpd
from dash import html

from soja_map.data.dataset import Dataset
from soja_map.i18n import translator
from soja_map.query.filters import Filter, counts, select
from soja_map.web import components as c
from soja_map.web import ids
from tests.dash_tree import strings, walk

JA, EN = translator("ja"), translator("en")


def with_place(dataset: Dataset, pid: str, **changes: Any) -> Dataset:
    places = dataset.places.copy()
    for column, value in changes.items():
        places.at[pid, column] = value
    return dataclasses.replace(dataset, places=gpd.GeoDataFrame(places, crs=dataset.places.crs))


def test_markup_in_data_stays_text_and_only_web_references_are_links(dataset: Dataset) -> None:
    hostile = "<img src=x onerror=alert(1)>"
    data = with_place(
        dataset,
        "nursery.c0b915d9",
        name_ja=hostile,
        description="<script>alert(1)</script>",
        source={"publisher": "<b>x</b>", "dataset": "d", "reference": "javascript:alert(1)"},
    )
    card = c.details(data, "nursery.c0b915d9", Filter(), {"nursery.c0b915d9"}, "ja")
    texts = strings(card)
    assert hostile in texts  # a string child: React renders it as text
    assert "<script>alert(1)</script>" in texts
    assert "javascript:alert(1)" in texts
    assert not [x for x in walk(card) if isinstance(x, html.A)]  # no javascript: link
    web = c.details(dataset, "tourism-site.kinojosan-visitor-center", Filter(), set(), "ja")
    links = [x for x in walk(web) if isinstance(x, html.A)]
    assert [a.href for a in links] == [
        "http://www.city.soja.okayama.jp/kanko_project/bunka_sports/hakubutukantekisisetu/kinojouzan_vc.html"
    ]
    assert links[0].rel == "noopener noreferrer"


def test_every_measure_of_a_place_links_to_its_places(dataset: Dataset) -> None:
    card = c.details(dataset, "school.es.soja", Filter(), set(), "en")
    buttons = [x for x in walk(card) if isinstance(x, html.Button)]
    assert [b.id for b in buttons] == [
        {"type": ids.MEASURE_LINK, "measure": m}
        for m in ("sasaeru.schools-for-all", "hagukumu.heart-education")
    ]
    assert "Soja Elementary School" in strings(card)


def test_the_list_is_a_table_of_buttons_in_reading_order(dataset: Dataset) -> None:
    selected = select(dataset.places, Filter())
    first = c.place_list(selected, dataset.plan, 0, "station.soja", JA)
    rows = [x for x in walk(first) if isinstance(x, html.Tr)][1:]  # after the header
    assert len(rows) == c.LIST_PAGE_SIZE
    assert first.to_plotly_json()["props"]["data-rows"] == "169"
    buttons = [x for x in walk(first) if isinstance(x, html.Button)]
    assert all(b.id["type"] == ids.PLACE_LINK and b.id["src"] == "list" for b in buttons)
    names = [b.children for b in buttons]
    # Soja's own places first: stations (schema order), then by Japanese name; 中庄駅 is 市外
    own = selected[(selected["category"] == "rail_station") & (selected["in_city"] == True)]  # noqa: E712
    assert names[0] == sorted(own["name_ja"])[0]
    assert names[0] != "中庄駅"
    assert "中庄駅" not in names
    current = [r for r in rows if r.className == "soja-row-current"]
    assert len(current) == 1
    assert "市全域" in strings(first)  # 雪舟くん (demand-responsive transport) is marked city-wide
    second = c.place_list(selected, dataset.plan, 1, None, EN)
    assert "51–100 of 169" in strings(second)
    past_end = c.place_list(selected, dataset.plan, 9, None, JA)
    assert "151–169 件目／169 件" in strings(past_end)
    empty = c.place_list(select(dataset.places, Filter(projects=())), dataset.plan, 0, None, JA)
    assert "表示条件に合う場所はありません。" in strings(empty)


def test_the_legend_lists_projects_categories_and_overlays_drawn(dataset: Dataset) -> None:
    flt = Filter(projects=("uruou",))
    selected = select(dataset.places, flt)
    shown = counts(selected, dataset.plan)
    legend = c.legend(
        dataset.plan,
        flt,
        shown,
        set(selected["category"]),
        ["boundary", "elementary", "junior_high"],
        JA,
    )
    rows = [x for x in walk(legend) if isinstance(x, html.Li)]
    entries = [r.to_plotly_json()["props"]["data-entry"] for r in rows]
    assert entries == [
        "project:uruou",
        "category:tourism_site",
        "category:heritage_site",
        "category:park",
        "category:industrial_site",
        "reference:city_boundary",
        "reference:school_district",
        "reference:school_district_jh",
    ]
    assert "文化財・史跡" in strings(legend)
    assert " (8)" in strings(legend)
    swatches = [x for x in walk(legend) if isinstance(x, html.Img)]
    assert all(s.src.startswith("data:image/svg+xml") for s in swatches)
    assert all('xmlns="http://www.w3.org/2000/svg"' in unquote(s.src) for s in swatches)
    city = c.legend(dataset.plan, Filter(), counts(dataset.places, dataset.plan), [], [], JA)
    assert "市全域の取り組み（地図上の位置なし）: 1" in strings(city)


def test_city_wide_services_and_measures_are_listed_not_drawn(dataset: Dataset) -> None:
    flt = Filter(projects=("sasaeru",))
    section = c.city_wide_section(dataset, flt, select(dataset.places, flt), JA)
    texts = strings(section)
    assert "雪舟くん（総社市新生活交通）" in texts
    assert "障がい者の自立と社会参画の推進" in texts
    assert "市内全域の障がいのある人を対象とする取り組み（福祉施設の所在地は一部のみ収録）" in texts
    assert "研修体制の充実" not in texts  # つちかう is not shown
    none = Filter(projects=("uruou",), categories=("park",))
    assert c.city_wide_section(dataset, none, select(dataset.places, none), JA) is None


def test_the_measure_note_counts_places_or_says_city_wide(dataset: Dataset) -> None:
    note = c.measure_note(
        dataset,
        Filter(measures=("uruou.business-attraction", "sasaeru.disability")),
        {"uruou.business-attraction": 3},
        EN,
    )
    texts = strings(note)
    assert "Attracting sound companies: 3 places" in texts
    assert any(t.startswith("city-wide — A programme for disabled residents") for t in texts)
    assert c.measure_note(dataset, Filter(), {}, JA) is None


def test_distances_read_naturally() -> None:
    assert c.format_distance(123, EN) == "120 m"
    assert c.format_distance(999, EN) == "1.0 km"
    assert c.format_distance(1234, EN) == "1.2 km"


def test_the_credits_carry_the_attribution_of_geodata_sources(dataset: Dataset) -> None:
    section = c.attribution_section(dataset.sources_text())
    assert section.startswith("```")
    assert "国土数値情報" in section
    assert "## Layers" not in section
    credits = c.credits(dataset, JA)
    texts = strings(credits)
    assert any("Geolonia 住所データ" in t for t in texts)
    assert any(t.startswith("背景地図: 地理院タイル") for t in texts)
    assert "データの時点: 2014-02-06 – 2026-04-17" in texts
    assert c.attribution_section("# no attribution here") == ""


def test_project_toggles_show_colour_name_theme_and_count(dataset: Dataset) -> None:
    options = c.project_options(dataset.plan, {"sasaeru": 44}, EN)
    first = options[0]
    assert first["value"] == "sasaeru"
    assert strings(first["label"]) == ["Support", "A city where people support each other", "(44)"]
    swatch = first["label"].children[0]
    assert swatch.style == {"backgroundColor": "#0072B2"}


def test_svg_data_urls_declare_their_namespace() -> None:
    src = c.svg_src('<svg width="1" height="1"><rect/></svg>')
    assert unquote(src).startswith(
        'data:image/svg+xml;charset=utf-8,<svg xmlns="http://www.w3.org/2000/svg" '
    )
    assert re.search(r"%3C|<", src)
