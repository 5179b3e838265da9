"""The coverage panel: its pure view functions, and in headless Chromium the table and the map show
what the pure functions return.

The browser tests mount the panel in a tiny app of its own (a dl.Map with id ids.MAP holding the
dl.LayerGroup ids.COVERAGE_LAYER, the filter and language stores), as the real app will mount it.
No network: no tile layer; dash-leaflet's scripts are served locally.
"""

from __future__ import annotations

import re

import dash_leaflet as dl
import pytest
from dash import Dash, dcc, html
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from soja_map.query.filters import Filter
from soja_map.web import ids
from soja_map.web.planner import panel

NURSERY_LABEL = "分類: 保育所・地域型保育"


def tiny_app(dataset, lang: str = "ja") -> Dash:
    app = Dash(__name__)
    app.layout = html.Div(
        [
            dcc.Store(id=ids.FILTER_STORE, data=Filter().to_dict()),
            dcc.Store(id=ids.LANG_STORE, data=lang),
            dl.Map(
                id=ids.MAP,
                center=[34.675, 133.745],
                zoom=13,
                children=[dl.LayerGroup(id=ids.COVERAGE_LAYER)],
                style={"height": "420px", "width": "800px"},
            ),
            html.Div(panel.layout(dataset, lang), id=ids.COVERAGE_PANEL),
        ]
    )
    panel.register_callbacks(app, dataset)
    return app


def table_texts(dash_duo) -> list[list[str]]:
    rows = dash_duo.find_elements(f"#{panel.TABLE} tbody tr")
    return [[c.text for c in row.find_elements(By.CSS_SELECTOR, "th, td")] for row in rows]


def set_radius(dash_duo, metres: int) -> None:
    box = dash_duo.find_element(f"#{panel.RADIUS}")
    box.send_keys(Keys.CONTROL, "a")
    box.send_keys(str(metres), Keys.ENTER)


@pytest.mark.browser
def test_category_and_radius_show_the_pure_numbers(dash_duo, dataset):
    dash_duo.start_server(tiny_app(dataset))
    dash_duo.wait_for_element(f"#{panel.SOURCE}")
    dash_duo.select_dcc_dropdown(f"#{panel.SOURCE}", NURSERY_LABEL)
    set_radius(dash_duo, 500)
    dash_duo.wait_for_text_to_equal(
        f"#{panel.PRESET} .dash-dropdown-value", "高齢者徒歩圏 500 m", timeout=10
    )

    model = panel.PanelModel(dataset)
    state = panel.PanelState(source="category:nursery", radius=500.0, by="town")
    report = model.report(state)
    _, expected_rows = panel.table_rows(report, "town")
    numbers = panel.city_numbers(report)
    city = f"{panel.fmt_people(numbers['covered'])} / {panel.fmt_people(numbers['population'])}"
    dash_duo.wait_for_contains_text("#cov-city-covered", city, timeout=10)
    assert panel.fmt_share(numbers["share"]) in dash_duo.find_element("#cov-city-covered").text
    dash_duo.wait_for_element(f"#{panel.TABLE}-town")
    assert table_texts(dash_duo) == expected_rows

    # the map: one outline per town, one catchment per nursery, the gaps drawn
    paths = dash_duo.driver.find_elements(By.CSS_SELECTOR, "path.cov-zone")
    assert len(paths) == 74
    assert len(dash_duo.driver.find_elements(By.CSS_SELECTOR, "path.cov-catchment")) == 16
    gaps = dash_duo.driver.find_elements(By.CSS_SELECTOR, "path.cov-gap")
    assert len(gaps) == min(len(report.gaps), panel.MAX_GAPS_DRAWN)
    # the method and population are stated
    assert "推計人口" in dash_duo.find_element(f"#{panel.NOTE}").text

    # by elementary-school district
    dash_duo.find_element(f"#{panel.BY} input[value='elementary']").click()
    dash_duo.wait_for_element(f"#{panel.TABLE}-elementary")
    _, district_rows = panel.table_rows(report, "elementary")
    assert table_texts(dash_duo) == district_rows
    assert len(dash_duo.driver.find_elements(By.CSS_SELECTOR, "path.cov-zone")) == 15
    assert dash_duo.get_logs() == []


@pytest.mark.browser
def test_what_if_click_adds_a_facility(dash_duo, dataset):
    dash_duo.start_server(tiny_app(dataset))
    dash_duo.wait_for_element(f"#{panel.SOURCE}")
    dash_duo.select_dcc_dropdown(f"#{panel.SOURCE}", NURSERY_LABEL)
    dash_duo.wait_for_element(f"#{panel.TABLE}-town")
    dash_duo.find_element(f"#{panel.MODE} input[value='add']").click()
    map_box = dash_duo.find_element(f"#{ids.MAP}")
    ActionChains(dash_duo.driver).move_to_element(map_box).move_by_offset(
        -250, 120
    ).click().perform()
    dash_duo.wait_for_element("#cov-whatif-change", timeout=10)
    added = dash_duo.find_element(".cov-added-point").text
    lon, lat = (float(v) for v in re.findall(r"\d+\.\d+", added))
    assert 133.6 < lon < 133.8
    assert 34.6 < lat < 34.75

    model = panel.PanelModel(dataset)
    state = panel.PanelState(source="category:nursery", radius=800.0, added=[(lon, lat)])
    report = model.report(state)
    change = panel.fmt_change(report.change)
    assert change in dash_duo.find_element("#cov-whatif-change").text
    _, expected_rows = panel.table_rows(report, "town")
    assert table_texts(dash_duo) == expected_rows
    assert len(dash_duo.driver.find_elements(By.CSS_SELECTOR, "path.cov-hypothetical")) == 1

    # removing a nursery from the list, then resetting
    dash_duo.select_dcc_dropdown(f"#{panel.REMOVE}", index=0)
    removed = model.facilities("category:nursery", None).ids[0]
    state = panel.PanelState(
        source="category:nursery", radius=800.0, added=[(lon, lat)], removed=[removed]
    )
    report = model.report(state)
    dash_duo.wait_for_contains_text(
        "#cov-whatif-change", panel.fmt_change(report.change), timeout=10
    )
    dash_duo.find_element(f"#{panel.RESET}").click()
    dash_duo.wait_for_no_elements("#cov-whatif-change", timeout=10)
    assert dash_duo.get_logs() == []


@pytest.mark.browser
def test_english_labels(dash_duo, dataset):
    dash_duo.start_server(tiny_app(dataset, "en"))
    dash_duo.wait_for_text_to_equal(f"#{panel.TITLE}", "Coverage: who lives within reach")
    assert dash_duo.find_element("#cov-label-radius").text == "Radius"
    assert dash_duo.get_logs() == []


@pytest.mark.browser
def test_through_the_real_app(dash_duo, dataset, settings):
    app_module = pytest.importorskip("soja_map.web.app")
    app = app_module.create_app(settings, dataset)
    dash_duo.start_server(app)
    dash_duo.driver.get(dash_duo.server_url + "/?view=planner")
    dash_duo.wait_for_element(f"#{panel.SOURCE}", timeout=15)
    dash_duo.select_dcc_dropdown(f"#{panel.SOURCE}", NURSERY_LABEL)
    dash_duo.wait_for_element(f"#{panel.TABLE}-town", timeout=15)
    report = panel.PanelModel(dataset).report(
        panel.PanelState(source="category:nursery", radius=800.0)
    )
    assert table_texts(dash_duo) == panel.table_rows(report, "town")[1]
    numbers = panel.city_numbers(report)
    assert panel.fmt_people(numbers["covered"]) in dash_duo.find_element("#cov-city-covered").text
    dash_duo.wait_for_element("path.cov-zone")
    assert len(dash_duo.driver.find_elements(By.CSS_SELECTOR, "path.cov-zone")) == 74
    assert dash_duo.get_logs() == []


# -- the pure functions behind the callbacks -----------------------------------------------------


@pytest.fixture(scope="module")
def model(dataset):
    return panel.PanelModel(dataset)


def test_preset_and_radius_stay_in_step():
    assert panel.sync_radius(panel.PRESET, "bus_stop", 800) == ("bus_stop", 300.0)
    assert panel.sync_radius(panel.RADIUS, "walk", 500) == ("elderly", 500)
    assert panel.sync_radius(panel.RADIUS, "park_neighbourhood", 500) == ("park_neighbourhood", 500)
    assert panel.sync_radius(panel.RADIUS, "walk", 640) == ("custom", 640)


def test_map_clicks_in_either_form():
    assert panel.click_lonlat({"latlng": {"lat": 34.6, "lng": 133.7}}) == (133.7, 34.6)
    assert panel.click_lonlat({"latlng": [34.6, 133.7]}) == (133.7, 34.6)
    assert panel.click_lonlat(None) is None


def test_what_if_state_follows_clicks_and_resets(model):
    nurseries = model.facilities("category:nursery", None)
    click = {"latlng": {"lat": 34.67, "lng": 133.74}}
    assert panel.next_whatif(ids.MAP, click, "add", [], [], nurseries) == ([[133.74, 34.67]], [])
    assert panel.next_whatif(ids.MAP, click, "off", [], [], nurseries) == ([], [])
    lon, lat = panel.cov.lonlat_of(nurseries)[0]
    on_it = {"latlng": {"lat": lat, "lng": lon}}
    first = nurseries.ids[0]
    assert panel.next_whatif(ids.MAP, on_it, "remove", [], [], nurseries) == ([], [first])
    assert panel.next_whatif(ids.MAP, on_it, "remove", [], [first], nurseries) == ([], [])
    assert panel.next_whatif(panel.RESET, None, "add", [[1, 2]], [first], nurseries) == ([], [])


def test_sources_are_the_filter_then_categories_projects_measures(dataset):
    options = panel.source_options(dataset, "ja")
    assert options[0]["value"] == panel.FILTER_SOURCE
    assert {"label": NURSERY_LABEL, "value": "category:nursery"} in options
    kinds = [o["value"].split(":")[0] for o in options[1:]]
    assert kinds == sorted(kinds, key=["category", "project", "measure"].index)
    assert panel.filter_for("filter", {"categories": ["park"]}) == Filter(categories=("park",))
    assert panel.filter_for("measure:m1", None) == Filter(measures=("m1",))
    assert panel.filter_for(None, None) is None


def test_share_classes():
    assert [panel.share_class(v) for v in (0.0, 0.19, 0.2, 0.5, 0.99, 1.0)] == [0, 0, 1, 2, 4, 4]
    assert panel.share_class(float("nan")) == -1


def test_map_layers_draw_zones_gaps_and_catchments(model):
    state = panel.PanelState(source="category:nursery", radius=800.0, by="elementary")
    report = model.report(state)
    layers = panel.map_layers(model, report, "elementary", state.layers, "ja")
    zones = [c for c in layers if "cov-zone" in c.style.get("className", "")]
    assert sum(len(c.data["features"]) for c in zones) == 15
    gaps = [c for c in layers if c.style.get("className") == "cov-gap"]
    assert len(gaps[0].data["features"]) == min(len(report.gaps), panel.MAX_GAPS_DRAWN)
    catch = [c for c in layers if c.style.get("className") == "cov-catchment"]
    assert len(catch[0].data["features"]) == 16
    assert panel.map_layers(model, report, "elementary", [], "ja") == []


def test_errors_show_as_a_message(model):
    layers, summary, table, _ = panel.view(
        model, panel.PanelState(source="category:nursery", radius=99_999.0)
    )
    assert layers == []
    assert table is None
    assert "radius must be" in summary[0].children


def test_download_payload(model):
    report = model.report(panel.PanelState(source="category:nursery", radius=800.0))
    payload = panel.download(report, "town", "csv", "ja")
    assert payload["filename"] == "soja-coverage-town.csv"
    assert payload["base64"] is True
    assert panel.download(None, "town", "csv", "ja") is None
