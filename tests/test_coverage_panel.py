"""The coverage panel: its pure view functions, and in headless Chromium the table and the map show
what the pure functions return.

The browser tests mount the panel in a tiny app of its own (a dl.Map with id ids.MAP holding the
dl.LayerGroup ids.COVERAGE_LAYER, the filter and language stores), as the real app will mount it.
No network: no tile layer; dash-leaflet's scripts are served locally.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import dash_leaflet as dl
import pytest
from dash import Dash, dcc, html
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from soja_map.analysis import coverage as cov
from soja_map.analysis import report as report_io
from soja_map.i18n import translator
from soja_map.query.filters import Filter
from soja_map.query.styling import GAP_COLOUR, project_colours
from soja_map.web import ids
from soja_map.web.planner import callbacks as planner_callbacks
from soja_map.web.planner import ids as pid
from soja_map.web.planner import layout as planner_layout
from soja_map.web.planner import model as pm
from soja_map.web.planner import views as planner_views
from soja_map.web.planner import views as pv

JA = translator("ja")
EN = translator("en")

NURSERY_LABEL = "分類: 保育所・地域型保育"


ASSETS = str(Path(planner_layout.__file__).parent.parent / "assets")  # planner.css and planner.js


def tiny_app(dataset, lang: str = "ja") -> Dash:
    app = Dash(__name__, assets_folder=ASSETS)
    app.layout = html.Div(
        [
            dcc.Store(id=ids.FILTER_STORE, data=Filter().to_dict()),
            dcc.Store(id=ids.LANG_STORE, data=lang),
            dl.Map(
                id=ids.MAP,
                center=[34.675, 133.745],
                zoom=13,
                children=[dl.LayerGroup(planner_views.map_children(), id=ids.COVERAGE_LAYER)],
                style={"height": "420px", "width": "800px"},
            ),
            html.Div(planner_layout.layout(dataset, lang), id=ids.COVERAGE_PANEL),
        ]
    )
    planner_callbacks.register_callbacks(app, dataset)
    return app


def table_texts(dash_duo) -> list[list[str]]:
    rows = dash_duo.find_elements(f"#{pid.TABLE} tbody tr")
    return [[c.text for c in row.find_elements(By.CSS_SELECTOR, "th, td")] for row in rows]


def set_radius(dash_duo, metres: int) -> None:
    box = dash_duo.find_element(f"#{pid.RADIUS}")
    box.send_keys(Keys.CONTROL, "a")
    box.send_keys(str(metres), Keys.ENTER)


@pytest.mark.browser
def test_category_and_radius_show_the_pure_numbers(dash_duo, dataset):
    dash_duo.start_server(tiny_app(dataset))
    dash_duo.wait_for_element(f"#{pid.SOURCE}")
    dash_duo.select_dcc_dropdown(f"#{pid.SOURCE}", NURSERY_LABEL)
    set_radius(dash_duo, 500)
    dash_duo.wait_for_text_to_equal(
        f"#{pid.PRESET} .dash-dropdown-value", "高齢者徒歩圏 500 m", timeout=10
    )

    model = pm.PanelModel(dataset)
    state = pm.PanelState(source="category:nursery", radius=500.0, by="town")
    report = model.report(state)
    _, expected_rows = pv.table_rows(report, "town", JA)
    numbers = pm.city_numbers(report)
    city = f"{pv.people(numbers['covered'], JA)} / {pv.people(numbers['population'], JA)}"
    dash_duo.wait_for_contains_text("#cov-city-covered", city, timeout=10)
    assert pv.share(numbers["share"], JA) in dash_duo.find_element("#cov-city-covered").text
    dash_duo.wait_for_element(f"#{pid.TABLE}-town")
    assert table_texts(dash_duo) == expected_rows

    # the map: one outline per town, one catchment per nursery, the gaps drawn
    paths = dash_duo.driver.find_elements(By.CSS_SELECTOR, "path.cov-zone")
    assert len(paths) == 74
    assert len(dash_duo.driver.find_elements(By.CSS_SELECTOR, "path.cov-catchment")) == 16
    gaps = dash_duo.driver.find_elements(By.CSS_SELECTOR, "path.cov-gap")
    assert len(gaps) == min(len(report.gaps), pm.MAX_GAPS_DRAWN)
    # the method and population are stated
    assert "推計人口" in dash_duo.find_element(f"#{pid.NOTE}").text

    # by elementary-school district
    dash_duo.find_element(f"#{pid.BY} input[value='elementary']").click()
    dash_duo.wait_for_element(f"#{pid.TABLE}-elementary")
    _, district_rows = pv.table_rows(report, "elementary", JA)
    assert table_texts(dash_duo) == district_rows
    assert len(dash_duo.driver.find_elements(By.CSS_SELECTOR, "path.cov-zone")) == 15
    assert dash_duo.get_logs() == []


@pytest.mark.browser
def test_what_if_click_adds_a_facility(dash_duo, dataset):
    dash_duo.start_server(tiny_app(dataset))
    dash_duo.wait_for_element(f"#{pid.SOURCE}")
    dash_duo.select_dcc_dropdown(f"#{pid.SOURCE}", NURSERY_LABEL)
    dash_duo.wait_for_element(f"#{pid.TABLE}-town")
    dash_duo.find_element(f"#{pid.MODE} input[value='add']").click()
    map_box = dash_duo.find_element(f"#{ids.MAP}")
    ActionChains(dash_duo.driver).move_to_element(map_box).move_by_offset(
        -250, 120
    ).click().perform()
    dash_duo.wait_for_element("#cov-whatif-change", timeout=10)
    added = dash_duo.find_element(".cov-added-point").text
    lon, lat = (float(v) for v in re.findall(r"\d+\.\d+", added))
    assert 133.6 < lon < 133.8
    assert 34.6 < lat < 34.75

    model = pm.PanelModel(dataset)
    state = pm.PanelState(source="category:nursery", radius=800.0, added=[(lon, lat)])
    report = model.report(state)
    change = pv.change(report.change, JA)
    assert change in dash_duo.find_element("#cov-whatif-change").text
    _, expected_rows = pv.shown_rows(report, "town", JA)  # the zones the what-if changes
    assert table_texts(dash_duo) == expected_rows
    # the catchments are fetched by the map from their URL (web/planner/overlays.py)
    dash_duo.wait_for_element("path.cov-hypothetical", timeout=10)
    assert len(dash_duo.driver.find_elements(By.CSS_SELECTOR, "path.cov-hypothetical")) == 1

    # removing a nursery from the list, then resetting
    dash_duo.select_dcc_dropdown(f"#{pid.REMOVE}", index=0)
    removed = model.facilities("category:nursery", None).ids[0]
    state = pm.PanelState(
        source="category:nursery", radius=800.0, added=[(lon, lat)], removed=[removed]
    )
    report = model.report(state)
    dash_duo.wait_for_contains_text("#cov-whatif-change", pv.change(report.change, JA), timeout=10)
    dash_duo.find_element(f"#{pid.RESET}").click()
    dash_duo.wait_for_no_elements("#cov-whatif-change", timeout=10)
    assert dash_duo.get_logs() == []


@pytest.mark.browser
def test_english_labels(dash_duo, dataset):
    dash_duo.start_server(tiny_app(dataset, "en"))
    dash_duo.wait_for_text_to_equal(f"#{pid.TITLE}", "Coverage: who lives within reach")
    assert dash_duo.find_element("#cov-label-radius").text == "Radius"
    assert dash_duo.get_logs() == []


@pytest.mark.browser
def test_through_the_real_app(dash_duo, dataset, settings):
    app_module = pytest.importorskip("soja_map.web.app")
    app = app_module.create_app(settings, dataset)
    dash_duo.start_server(app)
    dash_duo.driver.get(dash_duo.server_url + "/?view=planner")
    dash_duo.wait_for_element(f"#{pid.SOURCE}", timeout=15)
    dash_duo.select_dcc_dropdown(f"#{pid.SOURCE}", NURSERY_LABEL)
    dash_duo.wait_for_element(f"#{pid.TABLE}-town", timeout=15)
    report = pm.PanelModel(dataset).report(pm.PanelState(source="category:nursery", radius=800.0))
    assert table_texts(dash_duo) == pv.table_rows(report, "town", JA)[1]
    numbers = pm.city_numbers(report)
    assert pv.people(numbers["covered"], JA) in dash_duo.find_element("#cov-city-covered").text
    dash_duo.wait_for_element("path.cov-zone")
    assert len(dash_duo.driver.find_elements(By.CSS_SELECTOR, "path.cov-zone")) == 74
    assert dash_duo.get_logs() == []


# -- the pure functions behind the callbacks -----------------------------------------------------


@pytest.fixture(scope="module")
def model(dataset):
    return pm.PanelModel(dataset)


def test_preset_and_radius_stay_in_step():
    assert pm.sync_radius(pid.PRESET, "bus_stop", 800) == ("bus_stop", 300.0)
    assert pm.sync_radius(pid.RADIUS, "walk", 500) == ("elderly", 500)
    assert pm.sync_radius(pid.RADIUS, "park_neighbourhood", 500) == ("park_neighbourhood", 500)
    assert pm.sync_radius(pid.RADIUS, "walk", 640) == ("custom", 640)


def test_map_clicks_in_either_form():
    assert pm.click_lonlat({"latlng": {"lat": 34.6, "lng": 133.7}}) == (133.7, 34.6)
    assert pm.click_lonlat({"latlng": [34.6, 133.7]}) == (133.7, 34.6)
    assert pm.click_lonlat(None) is None


def test_what_if_state_follows_clicks_and_resets(model):
    nurseries = model.facilities("category:nursery", None)
    click = {"latlng": {"lat": 34.67, "lng": 133.74}}
    assert pm.next_whatif(pid.MAP_CLICK, click, "add", [], [], nurseries) == ([[133.74, 34.67]], [])
    assert pm.next_whatif(pid.MAP_CLICK, click, "off", [], [], nurseries) == ([], [])
    lon, lat = cov.lonlat_of(nurseries)[0]
    on_it = {"latlng": {"lat": lat, "lng": lon}}
    first = nurseries.ids[0]
    assert pm.next_whatif(pid.MAP_CLICK, on_it, "remove", [], [], nurseries) == ([], [first])
    assert pm.next_whatif(pid.MAP_CLICK, on_it, "remove", [], [first], nurseries) == ([], [])
    assert pm.next_whatif(pid.RESET, None, "add", [[1, 2]], [first], nurseries) == ([], [])


def test_sources_are_the_filter_then_categories_projects_measures(dataset):
    options = pv.source_options(dataset, JA)
    assert options[0]["value"] == pm.FILTER_SOURCE
    assert {"label": NURSERY_LABEL, "value": "category:nursery"} in options
    kinds = [o["value"].split(":")[0] for o in options[1:]]
    assert kinds == sorted(kinds, key=["category", "project", "measure"].index)
    assert pm.filter_for("filter", {"categories": ["park"]}) == Filter(categories=("park",))
    assert pm.filter_for("measure:m1", None) == Filter(measures=("m1",))
    assert pm.filter_for(None, None) is None


def test_share_classes():
    assert [pm.share_class(v) for v in (0.0, 0.19, 0.2, 0.5, 0.99, 1.0)] == [0, 0, 1, 2, 4, 4]
    assert pm.share_class(float("nan")) == -1


def test_zone_geometry_is_sent_once_a_kind_is_chosen_and_once_per_zone_kind():
    # the first screen (no facility kind) carries no planner geometry: it would double the page
    assert pv.zones_to_send("town", None, "") is None
    assert pv.zones_to_send("elementary", "category:nursery", "") == "elementary"
    assert pv.zones_to_send("elementary", "category:nursery", "elementary") is None
    assert pv.zones_to_send("junior_high", "category:nursery", "elementary") == "junior_high"
    assert pv.zones_to_send("<script>", "category:nursery", "") == "town"


def test_map_layers_draw_zones_gaps_and_catchments(model):
    state = pm.PanelState(source="category:nursery", radius=800.0, by="elementary")
    report = model.report(state)
    layers = pv.map_layers(model, report, "elementary", state.layers, JA)
    assert len(pv.zone_collection(model, "elementary")["features"]) == 15
    classes = pv.zone_hideout(report, "elementary")["classes"]
    table = report.table("elementary")
    assert classes == {str(n): pm.share_class(v) for n, v in table["share"].items()}
    assert pv.zone_hideout(report, "elementary", show=False)["classes"] == {}
    gaps = [c for c in layers if c.style.get("className") == "cov-gap"]
    assert len(gaps[0].data["features"]) == min(len(report.gaps), pm.MAX_GAPS_DRAWN)
    catch = [c for c in layers if c.style.get("className") == "cov-catchment"]
    assert len(catch[0].data["features"]) == 16
    assert pv.map_layers(model, report, "elementary", [], JA) == []


@pytest.mark.parametrize("radius", [99_999.0, -5.0, 0.0, None])
def test_an_invalid_radius_is_a_radius_error(model, radius):
    hideout, layers, summary, table, _ = pv.view(
        model, pm.PanelState(source="category:nursery", radius=radius), JA
    )
    assert hideout["classes"] == {}
    assert layers == []
    assert table is None
    assert summary[0].children == "半径は 10〜50,000 m の数で入力してください"
    assert "cov-radius-error" in summary[0].className
    # with nothing chosen yet, the panel still asks for a choice
    assert not pm.PanelState(source=None, radius=radius).radius_problem


def test_download_payload(model):
    report = model.report(pm.PanelState(source="category:nursery", radius=800.0))
    payload = pv.download(report, "town", "csv", JA)
    assert payload["filename"] == "soja-coverage-town.csv"
    assert payload["base64"] is True
    assert pv.download(None, "town", "csv", JA) is None


def text_of(component) -> str:
    """All the text inside a Dash component tree."""
    if isinstance(component, str | int | float):
        return str(component)
    if isinstance(component, list | tuple):
        return "".join(text_of(c) for c in component)
    return text_of(getattr(component, "children", None) or "")


def test_summary_states_the_city_numbers_in_either_language(model):
    report = model.report(pm.PanelState(source="category:nursery", radius=800.0))
    city = report.covered_population, report.population, report.share
    assert city[1] == pytest.approx(69_030)  # the 2020 census total the estimate shares out
    covered, total = f"{round(city[0]):,}", f"{round(city[1]):,}"
    share = f"{round(city[2] * 100, 1):.1f}%"
    ja = text_of(pv.summary_view(report, JA, model.data))
    assert f"市全体: {covered} / {total} 人（{share}） — 800 m（一般的な徒歩圏 800 m）" in ja
    en = text_of(pv.summary_view(report, EN, model.data))
    assert (
        f"City-wide: {covered} of {total} people ({share}) — 800 m (general walking area 800 m)"
        in en
    )
    assert "分類: 保育所" in ja  # what was asked for, described from the plan


def test_what_if_summary_and_table(model, dataset):
    # the first nursery whose removal leaves someone uncovered (others overlap)
    for removed in model.facilities("category:nursery", None).ids:
        state = pm.PanelState(source="category:nursery", radius=800.0, removed=[removed])
        report = model.report(state)
        if report.change < 0:
            break
    text = text_of(pv.summary_view(report, EN, model.data))
    assert f"What-if: {pv.people(report.after.covered_population, EN)}" in text
    assert pv.change(report.change, EN).startswith("-")
    name = dict(zip(report.before.facilities.ids, report.before.facilities.names, strict=True))
    assert f"removed (what-if): {name[removed]}" in text
    columns, rows = pv.table_rows(report, "town", EN)
    assert columns == list(pv.WHATIF_COLUMNS)
    assert len(rows) == 74


def test_method_note_shows_the_method_rows_by_key(model):
    report = model.report(pm.PanelState(source="category:nursery", radius=800.0))
    for tr in (JA, EN):
        note = text_of(pv.note_view(report, tr))
        rows = report_io.metadata_rows(report, tr)
        shown = [r for r in rows if r.key in report_io.METHOD_KEYS]
        assert {r.key for r in shown} == report_io.METHOD_KEYS
        for r in shown:
            assert r.label in note
            assert r.value in note
        radius = next(r for r in rows if r.key == "radius")
        assert radius.value not in note  # only the method rows, not the whole metadata
    assert "推計人口" in text_of(pv.note_view(report, JA))


def test_gap_tooltips_are_escaped(model):
    report = model.report(pm.PanelState(source="category:nursery", radius=800.0))
    result = report_io.result_of(report)
    hostile = result.gaps.copy()
    hostile["town"] = "<img src=x onerror=alert(1)>"
    layers = pv.gap_layers(cov.CoverageResult(**{**result.__dict__, "gaps": hostile}), EN)
    tip = layers[0].data["features"][0]["properties"]["tooltip"]
    assert "<img" not in tip
    assert "&lt;img" in tip
    assert tip.startswith("Gap #1: ")


def test_labels_come_in_both_languages(dataset):
    ja, en = pv.labels(dataset, JA), pv.labels(dataset, EN)
    assert len(ja) == len(en) == 1 + len(pid.LABEL_IDS) + 9
    assert ja[0] == "徒歩圏カバー率（人口）"
    assert en[0] == "Coverage: who lives within reach"
    assert [o["label"] for o in en[1 + len(pid.LABEL_IDS) + 2]][:2] == [
        "general walking area 800 m",
        "walking area for older people 500 m",
    ]


def test_gap_and_accent_colours_are_no_project_colour(dataset):
    projects = {c.upper() for c in project_colours(dataset.plan).values()}
    assert GAP_COLOUR.upper() not in projects
    assert GAP_COLOUR in [c for c, _, _ in pv.legend_entries(JA)]


def test_towns_are_drawn_and_labelled_as_estimates(model):
    report = model.report(pm.PanelState(source="category:nursery", radius=800.0))
    towns = pv.zone_collection(model, "town")["features"]
    assert all(f["properties"]["estimate"] for f in towns)
    assert all("cov-zone-estimate" in f["properties"]["className"] for f in towns)
    districts = pv.zone_collection(model, "elementary")["features"]
    assert not any(f["properties"]["estimate"] for f in districts)
    assert "推計範囲" in text_of(pv.table_view(report, "town", JA))


def test_estimated_people_are_rounded_to_tens_and_distances_defined_alike(model):
    report = model.report(pm.PanelState(source="category:nursery", radius=800.0))
    columns, rows = pv.table_rows(report, "elementary", JA)
    assert columns == ["population", "covered", "share", "mean_distance_m"]
    for row in rows:
        for cell in row[1:3]:
            assert cell == "-" or int(cell.replace(",", "")) % 10 == 0
    assert "10人単位" in text_of(pv.table_view(report, "elementary", JA))


def test_remove_mode_draws_a_target_per_facility_above_the_markers(model):
    state = pm.PanelState(source="category:nursery", radius=800.0, mode="remove")
    report = model.report(state)
    (pane,) = pv.target_layers(model, report, "remove")
    assert pane.style["zIndex"] > 600  # Leaflet's marker pane
    assert [t.id["id"] for t in pane.children] == list(report.facilities.ids)
    assert all(t.bubblingMouseEvents is False for t in pane.children)
    (catcher,) = pv.target_layers(model, report, "add")[0].children
    assert catcher.className == "cov-add-catcher"
    assert pv.target_layers(model, report, "off") == []


def test_a_target_click_toggles_that_facility():
    target = {"type": pid.TARGET, "id": "nursery.x"}
    assert pm.next_whatif(target, None, "remove", [], [], None) == ([], ["nursery.x"])
    assert pm.next_whatif(target, None, "remove", [], ["nursery.x"], None) == ([], [])


def test_a_what_if_changes_only_the_hideout_and_it_is_small(model):
    """The zone geometry is sent once per zone kind; a what-if sends the classes (STYLE.md's
    hideout model): the update is a small fraction of the geometry."""
    state = pm.PanelState(source="category:nursery", radius=800.0, added=[(133.74, 34.67)])
    hideout, *_ = pv.view(model, state, JA)
    geometry = json.dumps(pv.zone_collection(model, "town"))
    assert len(json.dumps(hideout)) * 20 < len(geometry)
    assert set(hideout["classes"]) == {
        f["properties"]["name"] for f in json.loads(geometry)["features"]
    }
