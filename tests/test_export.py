"""The static map export: its parts (via the folium object model), its data, escaping and offline HTML."""

from __future__ import annotations

import dataclasses
import json
import re
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import folium
import folium.plugins
import pytest
from markupsafe import Markup

from soja_map.data.dataset import Dataset
from soja_map.data.schema import CATEGORIES
from soja_map.errors import CatalogueError, ExportError
from soja_map.i18n import translator
from soja_map.maps.api import (
    ExportOptions,
    View,
    build_map,
    export_each_project,
    export_html,
    filter_from_names,
    render_html,
)
from soja_map.maps.elements import HtmlControl
from soja_map.maps.files import each_project_filters
from soja_map.maps.layers import stack_offsets
from soja_map.maps.offline import VENDOR_DIR, OfflineError, Vendor, check_offline_html, js_literal
from soja_map.maps.panels import (
    MAX_CITY_WIDE_ROWS,
    as_of_text,
    attribution_parts,
    city_wide_items,
    popup_html,
)
from soja_map.maps.templating import STATIC_DIR, static_text
from soja_map.query.filters import Filter, describe_filter, select
from soja_map.web.export_button import export_download, export_filename
from tests.conftest import REPO
from tests.html_tree import Node, parse

DAY = date(2026, 1, 15)
JA = translator("ja")
EN = translator("en")
EVIL_NAME = "<script>alert(1)</script>"
EVIL_TEXT = '"><img src=x onerror=alert(2)> ${alert(3)} `x` </script><!--'


def children(m: folium.Map) -> dict[str, list[object]]:
    """The map's direct children grouped by their folium/branca name."""
    out: dict[str, list[object]] = {}
    for child in m._children.values():
        out.setdefault(child._name, []).append(child)
    return out


def one(m: folium.Map, name: str):
    found = children(m).get(name, [])
    assert len(found) == 1, f"expected one {name}, got {len(found)}"
    return found[0]


def layers(m: folium.Map) -> dict[str, folium.GeoJson]:
    return {c.layer_name: c for c in m._children.values() if isinstance(c, folium.GeoJson)}


def normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@pytest.fixture(scope="module")
def full_map(dataset: Dataset) -> folium.Map:
    return build_map(dataset, Filter(), ExportOptions(school_districts=True, generated=DAY))


@pytest.fixture(scope="module")
def full_html(full_map: folium.Map) -> str:
    return render_html(full_map)


@pytest.fixture(scope="module")
def evil_dataset(dataset: Dataset) -> Dataset:
    places = dataset.places.copy()
    assert {"city-office.soja-city-hall", "transport.sesshu-kun"} <= set(places.index)
    places.loc["city-office.soja-city-hall", "name_ja"] = EVIL_NAME
    places.loc["city-office.soja-city-hall", "description"] = EVIL_TEXT
    places.loc["city-office.soja-city-hall", "address"] = EVIL_TEXT
    places.loc["transport.sesshu-kun", "name_ja"] = EVIL_NAME
    return dataclasses.replace(dataset, places=places)


# -- structure ---------------------------------------------------------------------------------------


def test_the_map_has_title_legend_scale_north_arrow_sources_and_its_layers(full_map) -> None:
    names = [c["name"] for c in full_map.to_dict()["children"].values()]
    assert names == [
        "GeoJson",  # city boundary
        "GeoJson",  # elementary school districts
        "GeoJson",  # junior-high school districts
        "GeoJson",  # places
        "Basemaps",
        "MapTitle",
        "NorthArrow",
        "Legend",
        "CityWide",
        "ScaleBar",
        "Info",
        "PlanStatus",  # the projects are the 2nd plan's; the 3rd is in effect
        "AttributionPrefix",
        "CompactPanels",  # phones: the panels fold into one control
        "FitView",
        "ReadySignal",
    ]
    assert list(layers(full_map)) == [
        "city_boundary",
        "school_district",
        "school_district_jh",
        "places",
    ]


def test_every_located_place_is_drawn_once_and_city_wide_items_are_not(full_map, dataset) -> None:
    features = layers(full_map)["places"].data["features"]
    ids = [f["id"] for f in features]
    assert sorted(ids) == sorted(dataset.located.index)
    assert "transport.sesshu-kun" not in ids
    assert all(f["geometry"] is not None for f in features)
    # lines under points: every line comes before every point
    kinds = [f["geometry"]["type"] == "Point" for f in features]
    assert kinds == sorted(kinds)


def test_city_wide_items_are_listed_in_a_box(full_map, dataset) -> None:
    box = normalise(one(full_map, "CityWide").html)
    assert translator("ja")("city_wide") in box
    assert 'data-item="place:transport.sesshu-kun"' in box
    assert "雪舟くん（総社市新生活交通）" in box
    city_wide_measures = [m for m in dataset.plan.measures.values() if m.city_wide]
    shown = city_wide_measures[: MAX_CITY_WIDE_ROWS - 1]
    for measure in shown:
        assert f'data-item="measure:{measure.id}"' in box
    assert one(full_map, "CityWide").position == "topleft"


def test_city_wide_measures_follow_a_plan_filter_but_not_a_place_filter(dataset) -> None:
    selected = select(dataset.places, Filter(projects=("tsuchikau",)))
    items = city_wide_items(dataset, selected, Filter(projects=("tsuchikau",)), JA)
    assert [i.kind for i in items] == ["measure"] * 4
    assert {i.colours for i in items} == {("#CC79A7",)}
    by_category = Filter(categories=("school",))
    assert city_wide_items(dataset, select(dataset.places, by_category), by_category, JA) == []


def test_title_and_the_filter_line(dataset) -> None:
    flt = Filter(projects=("hagukumu",), categories=("school",))
    m = build_map(dataset, flt, ExportOptions(title="子育て <案>", generated=DAY))
    title = one(m, "MapTitle")
    assert title.title == "子育て <案>"
    assert (
        title.subtitle
        == describe_filter(flt, dataset.plan, translator("ja"))
        == "重点プロジェクト: はぐくむ / 分類: 学校"
    )
    document = render_html(m)
    assert "<title>子育て &lt;案&gt;</title>" in document
    assert "<h1>子育て &lt;案&gt;</h1>" in normalise(document)
    assert "<p>重点プロジェクト: はぐくむ / 分類: 学校</p>" in normalise(document)


def test_the_data_sources_and_the_as_of_dates_are_on_the_map(full_map, dataset) -> None:
    info = one(full_map, "Info").html
    drawn = [dataset.places, dataset.references["city_boundary"], dataset.school_districts]
    for credit in attribution_parts(drawn):
        assert credit.replace("&", "&amp;").replace("<", "&lt;") in info
    low, high = dataset.as_of_range()
    assert f"データの時点: {low}〜{high}" in info
    assert "作成: 2026-01-15" in info
    assert "該当: 168件（市全域 1件）" in info
    assert "「国土数値情報（行政区域データ）」（国土交通省）を加工して作成" in attribution_parts(
        drawn
    )


def test_as_of_counts_undated_places(dataset) -> None:
    text = as_of_text(dataset.places, EN)
    undated = int(dataset.places["as_of"].isna().sum())
    assert text.startswith("Data as of: 2014-02-06 to 2026-04-17")
    assert text.endswith(f"({undated} undated)")


def test_a_project_filter_draws_only_its_places_and_rail_lines_as_context(dataset) -> None:
    m = build_map(dataset, Filter(projects=("hagukumu",)), ExportOptions(generated=DAY))
    drawn = layers(m)
    expected = dataset.located[dataset.located["projects"].map(lambda ps: "hagukumu" in ps)]
    assert sorted(f["id"] for f in drawn["places"].data["features"]) == sorted(expected.index)
    rails = drawn["rail_context"].data["features"]
    assert len(rails) == 6
    assert {json.dumps(f["properties"]["style"]) for f in rails} == {
        json.dumps({"color": "#444444", "weight": 3, "opacity": 0.7})
    }
    legend = one(m, "Legend").html
    assert 'data-entry="project:hagukumu"' in legend
    assert 'data-entry="project:sasaeru"' not in legend
    assert 'data-entry="reference:rail_context"' in legend
    assert "鉄道路線" in legend


def test_school_districts_are_optional(dataset) -> None:
    m = build_map(dataset, Filter(), ExportOptions(generated=DAY))
    assert "school_district" not in layers(m)
    assert 'data-entry="reference:school_district"' not in one(m, "Legend").html


def test_reference_lines_are_simplified_but_keep_their_shape(full_map, dataset) -> None:
    districts = [
        *layers(full_map)["school_district"].data["features"],
        *layers(full_map)["school_district_jh"].data["features"],
    ]
    assert len(districts) == len(dataset.school_districts)
    raw = sum(len(json.dumps(g.__geo_interface__)) for g in dataset.school_districts.geometry)
    assert len(json.dumps([f["geometry"] for f in districts])) < raw / 2
    assert {f["properties"]["tip"] for f in districts} == set(dataset.school_districts["name_ja"])


# -- popups ------------------------------------------------------------------------------------------


def popup_rows(popup: str) -> dict[str, tuple[str, list[str]]]:
    """The popup's rows: field -> (label, the value's texts)."""
    rows = parse(popup).find_all(lambda n: n.tag == "tr")
    return {
        str(r.attrs["data-field"]): (r.children[0].text(), r.children[1].texts())
        for r in rows
        if isinstance(r.children[0], Node) and isinstance(r.children[1], Node)
    }


def test_a_popup_has_everything_the_app_shows(dataset) -> None:
    school = dataset.places.loc["school.es.soja"]
    popup = popup_html(dataset, "school.es.soja", JA)
    tree = parse(popup)
    (name,) = tree.find_all(lambda n: n.attrs.get("class") == "soja-popup-name")
    assert name.text() == school["name_ja"]
    rows = popup_rows(popup)
    assert rows["category"] == ("分類", ["学校"])
    plan = dataset.plan
    items = tree.find_all(
        lambda n: n.tag == "li" and bool(n.find_all(lambda x: "data-part" in x.attrs))
    )
    shown = [
        {x.attrs["data-part"]: x.text() for x in li.walk() if "data-part" in x.attrs}
        for li in items
    ]
    expected = []
    for measure_id in school["measures"]:
        measure = plan.measure(measure_id)
        policy = plan.policy(measure.policy)
        project = plan.project(plan.project_of_measure[measure_id])
        expected.append(
            {"measure": measure.name_ja, "project": project.name_ja, "policy": policy.name_ja}
        )
        assert f"background:{project.colour}" in popup
    assert shown == expected
    assert rows["address"] == ("住所", [school["address"]])
    assert school["source"]["publisher"] in rows["source"][1][0]
    assert rows["as_of"][1][0] == school["as_of"]
    label, position = rows["position"]
    assert (label, position[0]) == ("位置の精度", translator("ja")("pos_surveyed"))
    # the position note is shown too, as in the app
    assert position[1:] == [school["position_note"]]


def test_popups_in_english(dataset) -> None:
    rows = popup_rows(popup_html(dataset, "school.es.soja", EN))
    assert rows["category"] == ("Category", ["School"])
    assert rows["position"][1][0] == translator("en")("pos_surveyed")
    # the Japanese name is kept under the English one
    assert rows["other_name"] == ("Japanese name", [dataset.places.at["school.es.soja", "name_ja"]])
    assert 'lang="ja"' in popup_html(dataset, "school.es.soja", EN)


def test_source_links_are_plain_http_links_only(dataset) -> None:
    places = dataset.places.copy()
    places.at["school.es.soja", "source"] = {"publisher": "x", "reference": "javascript:alert(1)"}
    evil = dataclasses.replace(dataset, places=places)
    popup = popup_html(evil, "school.es.soja", JA)
    assert "href" not in popup
    assert "javascript:alert(1)" in popup  # shown, as text


# -- escaping ----------------------------------------------------------------------------------------


def test_data_strings_are_escaped_everywhere(evil_dataset) -> None:
    m = build_map(evil_dataset, Filter(), ExportOptions(generated=DAY))
    document = render_html(m)
    assert EVIL_NAME not in document
    assert "<img src=x" not in document
    assert "<!--" not in document
    popup = popup_html(evil_dataset, "city-office.soja-city-hall", JA)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in popup
    assert "&#34;&gt;&lt;img src=x onerror=alert(2)&gt;" in popup
    # ...and it reaches the page as a script-safe literal of that escaped text
    assert js_literal(popup) in document
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in one(m, "CityWide").html


def test_js_literal_cannot_end_the_script() -> None:
    text = js_literal({"a": "</script><script>alert(1)</script>", "b": "it's & \u2028"})
    for unsafe in "<>'&":
        assert unsafe not in text
    assert json.loads(text) == {"a": "</script><script>alert(1)</script>", "b": "it's & \u2028"}
    assert "総社" in js_literal("総社")  # UTF-8, not \\u escapes


# -- offline -----------------------------------------------------------------------------------------


def test_the_html_is_self_contained(full_html) -> None:
    assert not re.search(r"<script[^>]*\bsrc=", full_html)
    assert "<link" not in full_html
    for cdn in ("cdn.jsdelivr", "cdnjs", "code.jquery", "netdna", "bootstrap", "font-awesome"):
        assert cdn not in full_html
    assert "/*! leaflet@1.9.4 (BSD-2-Clause)" in full_html
    assert "L.Icon.Default.mergeOptions" in full_html
    assert full_html.startswith('<!DOCTYPE html>\n<html lang="ja">\n<head>\n<meta charset="utf-8">')


def test_no_tiles_are_requested_unless_a_basemap_is_chosen(dataset, full_html) -> None:
    m = build_map(dataset, Filter(), ExportOptions(basemap="gsi-pale", generated=DAY))
    basemaps = one(m, "Basemaps")
    assert basemaps.initial == "gsi-pale"
    assert basemaps.defs[0]["url"] == "https://cyberjapandata.gsi.go.jp/xyz/pale/{z}/{x}/{y}.png"
    assert "地理院タイル" in basemaps.defs[0]["options"]["attribution"]
    assert "背景地図: 地理院タイル（淡色地図）" in one(m, "Info").html
    # offered in the layer control, but nothing is loaded at start
    assert one(build_map(dataset), "Basemaps").initial is None
    assert "背景地図なし" in one(build_map(dataset), "Info").html


def test_print_mode_has_no_controls_popups_or_tile_switcher(dataset) -> None:
    m = build_map(dataset, Filter(), ExportOptions(print_mode=True, generated=DAY))
    assert m.options["zoom_control"] is False
    assert "Basemaps" not in children(m)
    assert layers(m)["places"].on_each_feature.js_code == "function (feature, layer) {}"
    printed = build_map(dataset, Filter(), ExportOptions(print_mode=True, basemap="osm"))
    assert one(printed, "Basemaps").control is False
    assert one(printed, "Basemaps").notice is False


@pytest.mark.parametrize(
    "snippet",
    [
        '<script src="https://cdn.example/x.js"></script>',
        '<link rel="stylesheet" href="x.css">',
        "<style>@import 'x.css';</style>",
        "<style>a { background: url(https://example.org/a.png) }</style>",
        "<style>a { background: url( '//example.org/a.png') }</style>",
        '<iframe src="about:blank"></iframe>',
    ],
)
def test_any_external_reference_is_refused(snippet: str) -> None:
    with pytest.raises(OfflineError, match="external resource"):
        check_offline_html(f"<html><head>{snippet}</head></html>")


def test_a_plugin_that_is_not_vendored_is_refused(dataset) -> None:
    m = build_map(dataset)
    folium.plugins.Fullscreen().add_to(m)
    with pytest.raises(OfflineError, match="not vendored"):
        render_html(m)


@pytest.mark.parametrize(
    ("add", "message"),
    [
        (lambda m: folium.Marker([34.67, 133.74], popup="x").add_to(m), "folium.Popup|Popup"),
        (lambda m: folium.Marker([34.67, 133.74], tooltip="x").add_to(m), "Tooltip"),
        (lambda m: folium.Marker([34.67, 133.74], icon=folium.Icon()).add_to(m), "Icon"),
        (lambda m: m.keep_in_front(next(iter(layers(m).values()))), "keep_in_front"),
        (
            lambda m: folium.GeoJson(
                {"type": "Feature", "properties": {"n": "x"}, "geometry": None},
                tooltip=folium.GeoJsonTooltip(["n"]),
            ).add_to(m),
            "GeoJsonTooltip",
        ),
    ],
)
def test_folium_features_that_need_jquery_or_skip_escaping_are_refused(
    dataset, add, message
) -> None:
    m = build_map(dataset)
    add(m)
    with pytest.raises(ExportError, match=message):
        render_html(m)


def test_a_tampered_vendored_file_is_refused(tmp_path: Path) -> None:
    root = tmp_path / "vendor"
    shutil.copytree(VENDOR_DIR, root)
    with (root / "leaflet/leaflet.js").open("a") as fh:
        fh.write("\nalert('tampered');\n")
    with pytest.raises(OfflineError, match=r"does not match VENDOR\.json"):
        Vendor(root).text("leaflet/leaflet.js")
    assert Vendor(root).text("leaflet/leaflet.css")


def test_the_vendored_files_match_their_manifest_and_the_npm_integrity_record() -> None:
    result = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "vendor_js.py"), "--check"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    versions = Vendor().versions()
    assert versions == {"leaflet": "1.9.4", "leaflet.markercluster": "1.5.3"}


def test_rendering_twice_gives_the_same_document(dataset) -> None:
    m = build_map(dataset)
    assert render_html(m) is render_html(m)


# -- the rest ----------------------------------------------------------------------------------------


def test_markers_on_the_same_spot_are_laid_side_by_side(full_map, dataset) -> None:
    points = dataset.located[dataset.located.geom_type == "Point"].geometry
    offsets = stack_offsets(points)
    assert offsets  # several schools share a town's representative point
    by_spot: dict[tuple[float, float], list[int]] = {}
    for pid, (dx, dy) in offsets.items():
        geom = points[pid]
        by_spot.setdefault((round(geom.x, 5), round(geom.y, 5)), []).append(dx)
        assert dy == 0
    for dxs in by_spot.values():
        assert sum(dxs) == 0
        assert len(set(dxs)) == len(dxs)
    features = {f["id"]: f for f in layers(full_map)["places"].data["features"]}
    for pid, offset in offsets.items():
        assert features[pid]["properties"]["offset"] == list(offset)


def test_view_from_the_app_store() -> None:
    store = {"center": [34.7, 133.7], "zoom": 13, "bounds": [[34.6, 133.6], [34.8, 133.8]]}
    assert View.from_store(store) == View(((34.6, 133.6), (34.8, 133.8)))
    for bad in (None, {}, {"bounds": "x"}, {"bounds": [[34.8, 133.6], [34.6, 133.8]]}):
        assert View.from_store(bad) is None
    assert View.from_store({"bounds": [["nan", 1], [2, 3]]}) is None


def test_view_from_the_command_line() -> None:
    assert View.parse("34.66, 133.72,34.69,133.77") == View(((34.66, 133.72), (34.69, 133.77)))
    for bad in ("34.66,133.72,34.69", "a,b,c,d", "34.69,133.72,34.66,133.77"):
        with pytest.raises(ExportError, match="south,west,north,east"):
            View.parse(bad)


def test_the_view_is_what_the_map_fits(dataset) -> None:
    view = View(((34.66, 133.72), (34.69, 133.77)))
    m = build_map(dataset, Filter(), ExportOptions(view=view))
    assert one(m, "FitView").bounds == [[34.66, 133.72], [34.69, 133.77]]
    default = one(build_map(dataset), "FitView").bounds
    west, south, east, north = dataset.boundary.bounds
    assert default[0][0] <= south
    assert default[0][1] <= west
    assert default[1][0] >= north
    assert default[1][1] >= east


def test_filters_from_names_and_ids(dataset) -> None:
    plan = dataset.plan
    flt = filter_from_names(
        plan, projects=["はぐくむ", "uruou"], categories=["学校", "nursery"], measures=[]
    )
    assert flt.projects == ("hagukumu", "uruou")
    assert flt.categories == ("school", "nursery")
    assert filter_from_names(plan).projects is None
    with pytest.raises(CatalogueError, match=r"project 'nope'.*category 'town'"):
        filter_from_names(plan, projects=["nope"], categories=["town"])
    with pytest.raises(CatalogueError, match="town '無い町'"):
        filter_from_names(plan, towns=["無い町"], known_towns={"中央一丁目"})


def test_unknown_ids_in_a_filter_are_an_error(dataset) -> None:
    with pytest.raises(CatalogueError, match="nope"):
        build_map(dataset, Filter(projects=("nope",)))
    with pytest.raises(ExportError, match="basemap"):
        ExportOptions(basemap="google")


def test_each_project_writes_one_map_per_project(dataset, tmp_path: Path) -> None:
    written = export_each_project(dataset, tmp_path / "maps", None, ExportOptions(generated=DAY))
    assert [p.name for p in written] == [
        "01-sasaeru.html",
        "02-hagukumu.html",
        "03-uruou.html",
        "04-tsuchikau.html",
    ]
    assert [p.name for p in written] == sorted(p.name for p in written)
    text = written[1].read_text(encoding="utf-8")
    assert "<title>総社市 重点プロジェクトマップ — はぐくむ（子育て王国 そうじゃ）</title>" in text
    assert [p for p, _ in each_project_filters(dataset, Filter(projects=("uruou",)))] == ["uruou"]


def test_export_html_writes_the_file_and_reports_a_bad_path(dataset, tmp_path: Path) -> None:
    path = export_html(dataset, tmp_path / "a" / "map.html", Filter(categories=("school",)))
    assert len(re.findall(r'"type": ?"Feature"', path.read_text(encoding="utf-8"))) >= 19
    (tmp_path / "file").write_text("x")
    with pytest.raises(ExportError, match="cannot write"):
        export_html(dataset, tmp_path / "file" / "map.html")


def test_an_empty_selection_still_makes_a_map(dataset) -> None:
    m = build_map(dataset, Filter(text="存在しない場所"))
    assert layers(m)["places"].data["features"] == []
    assert "条件に合う場所はありません" in one(m, "Info").html
    assert render_html(m)


def test_every_layer_is_small_enough(full_html) -> None:
    assert len(full_html.encode("utf-8")) < 3_000_000


def test_english_map(dataset) -> None:
    m = build_map(dataset, Filter(), ExportOptions(lang="en", generated=DAY))
    document = render_html(m)
    assert '<html lang="en">' in document
    assert "Soja City priority projects map" in document
    assert "Priority projects" in one(m, "Legend").html
    assert CATEGORIES["school"].label_en in one(m, "Legend").html
    assert "Matching: 168 places (+1 city-wide)" in one(m, "Info").html


# -- the app's export button (its pure part; the browser test clicks it) -----------------------------


def test_the_button_exports_the_current_filter_and_view(dataset) -> None:
    view = {"center": [34.68, 133.75], "zoom": 14, "bounds": [[34.67, 133.73], [34.69, 133.77]]}
    flt = Filter(projects=("hagukumu",)).to_dict()
    payload = export_download(dataset, flt, view, "ja", "html", today=DAY)
    assert payload["filename"] == "soja-map_hagukumu_20260115.html"
    assert payload["type"] == "text/html"
    assert payload["base64"] is False
    document = payload["content"]
    assert "重点プロジェクト: はぐくむ" in document
    assert "[[34.67, 133.73], [34.69, 133.77]]" in document
    assert export_filename(Filter(), "png", DAY) == "soja-map_20260115.png"


def test_the_button_reports_a_bad_filter(dataset) -> None:
    with pytest.raises(CatalogueError):
        export_download(dataset, {"projects": ["nope"]}, None, "ja")


# -- safe by default -----------------------------------------------------------------------------


def test_boxes_take_template_output_only() -> None:
    """A plain string (say, a name from the data) cannot be put into the page as HTML."""
    with pytest.raises(ExportError, match="Markup"):
        HtmlControl("Box", "<b>name</b>", position="topleft", css_class="soja-panel")  # type: ignore[arg-type]
    assert HtmlControl("Box", Markup("<b>x</b>"), position="topleft", css_class="c").html


def test_the_pages_js_and_css_are_the_static_files_inlined(full_html: str) -> None:
    assert static_text("export.js") in full_html
    assert static_text("export.css") in full_html
    assert "--soja-font:" in full_html


def test_a_name_that_looks_like_a_template_is_not_run(dataset: Dataset) -> None:
    places = dataset.places.copy()
    places.loc["school.es.soja", "name_ja"] = "{{ 6 * 7 }}{% if 1 %}yes{% endif %}"
    m = build_map(dataclasses.replace(dataset, places=places), Filter(categories=("school",)))
    document = render_html(m)
    assert "{{ 6 * 7 }}{% if 1 %}yes{% endif %}" in document


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_the_pages_js_is_valid_javascript() -> None:
    result = subprocess.run(
        ["node", "--check", str(STATIC_DIR / "export.js")],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
