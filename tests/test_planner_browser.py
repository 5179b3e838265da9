"""The planner as a person uses it, in headless Chromium: a colour key one can see, facilities
removed by clicking them, points added on top of a marker, a radius error for a bad radius."""

from __future__ import annotations

import re

import dash_leaflet as dl
import pytest
from dash import Dash, dcc, html
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from soja_map.analysis import coverage as cov
from soja_map.query.filters import Filter
from soja_map.web import ids
from soja_map.web.planner import callbacks as planner_callbacks
from soja_map.web.planner import ids as pid
from soja_map.web.planner import layout as planner_layout
from soja_map.web.planner import model as pm
from soja_map.web.planner import views as planner_views
from soja_map.web.planner import views as pv
from tests.test_coverage_panel import ASSETS, JA, NURSERY_LABEL

pytestmark = pytest.mark.browser


def app_with_a_marker(dataset) -> tuple[Dash, tuple[float, float]]:
    """The panel in a tiny app whose map also holds a place marker (as the resident map does) on
    the first nursery, so that a click there would reach the marker if nothing stood above it."""
    first = pm.PanelModel(dataset).facilities("category:nursery", None)
    lon, lat = cov.lonlat_of(first)[0]
    app = Dash(__name__, assets_folder=ASSETS)
    app.layout = html.Div(
        [
            dcc.Store(id=ids.FILTER_STORE, data=Filter().to_dict()),
            dcc.Store(id=ids.LANG_STORE, data="ja"),
            dl.Map(
                id=ids.MAP,
                center=[lat, lon],
                zoom=15,
                children=[
                    dl.Marker(position=[lat, lon], id="a-place", children=dl.Popup("card")),
                    dl.LayerGroup(planner_views.map_children(), id=ids.COVERAGE_LAYER),
                ],
                style={"height": "420px", "width": "800px"},
            ),
            html.Div(planner_layout.layout(dataset, "ja"), id=ids.COVERAGE_PANEL),
        ]
    )
    planner_callbacks.register_callbacks(app, dataset)
    return app, (lon, lat)


def choose_nurseries(dash_duo) -> None:
    dash_duo.wait_for_element(f"#{pid.SOURCE}")
    dash_duo.select_dcc_dropdown(f"#{pid.SOURCE}", NURSERY_LABEL)
    dash_duo.wait_for_element(f"#{pid.TABLE}-town", timeout=15)


def test_the_legend_has_visible_swatches_with_the_pure_words(dash_duo, dataset):
    app, _ = app_with_a_marker(dataset)
    dash_duo.start_server(app)
    choose_nurseries(dash_duo)
    items = dash_duo.find_elements(".cov-legend-list li")
    entries = pv.legend_entries(JA)
    assert [i.text for i in items] == [text for _, text, _ in entries]
    for item in items:
        swatch = item.find_element(By.CSS_SELECTOR, ".cov-swatch")
        size = swatch.size
        assert size["width"] > 0
        assert size["height"] > 0
    colours = [
        s.value_of_css_property("background-color")
        for s in dash_duo.find_elements(".cov-legend-list .cov-swatch")
    ]
    assert len(set(colours)) == len(entries)
    assert dash_duo.get_logs() == []


def test_remove_a_facility_by_clicking_it(dash_duo, dataset):
    app, _ = app_with_a_marker(dataset)
    dash_duo.start_server(app)
    choose_nurseries(dash_duo)
    dash_duo.find_element(f"#{pid.MODE} input[value='remove']").click()
    dash_duo.wait_for_element("path.cov-target", timeout=10)
    model = pm.PanelModel(dataset)
    first = model.facilities("category:nursery", None)
    # the first target is the first nursery, the one under the marker at the map's centre
    dash_duo.find_elements("path.cov-target")[0].click()
    dash_duo.wait_for_element("#cov-whatif-change", timeout=10)
    report = model.report(
        pm.PanelState(source="category:nursery", radius=800.0, removed=[first.ids[0]])
    )
    assert pv.change(report.change, JA) in dash_duo.find_element("#cov-whatif-change").text
    assert first.names[0] in dash_duo.find_element(".cov-removed-item").text
    assert dash_duo.find_elements(".leaflet-popup") == []  # the marker's card did not open
    assert dash_duo.get_logs() == []


def test_add_a_facility_by_clicking_on_top_of_a_marker(dash_duo, dataset):
    app, (lon, lat) = app_with_a_marker(dataset)
    dash_duo.start_server(app)
    choose_nurseries(dash_duo)
    dash_duo.find_element(f"#{pid.MODE} input[value='add']").click()
    dash_duo.wait_for_element("path.cov-add-catcher", timeout=10)
    marker = dash_duo.find_element(".leaflet-marker-icon")
    ActionChains(dash_duo.driver).move_to_element(marker).click().perform()
    dash_duo.wait_for_element(".cov-added-point", timeout=10)
    text = dash_duo.find_element(".cov-added-point").text
    got_lon, got_lat = (float(v) for v in re.findall(r"\d+\.\d+", text))
    # the icon stands on its point: a click on its middle is a few pixels (metres at zoom 15) north
    assert abs(got_lon - lon) < 0.0005
    assert 0 <= got_lat - lat < 0.0015
    assert dash_duo.find_elements(".leaflet-popup") == []
    assert dash_duo.get_logs() == []


@pytest.mark.parametrize("typed", ["-5", "100000"])
def test_an_invalid_radius_shows_a_radius_error(dash_duo, dataset, typed):
    app, _ = app_with_a_marker(dataset)
    dash_duo.start_server(app)
    choose_nurseries(dash_duo)
    box = dash_duo.find_element(f"#{pid.RADIUS}")
    box.send_keys(Keys.CONTROL, "a")
    box.send_keys(typed, Keys.ENTER)
    dash_duo.wait_for_element(".cov-radius-error", timeout=10)
    assert dash_duo.find_element(".cov-radius-error").text == pv.radius_error(JA).children
    assert "選んでください" not in dash_duo.find_element(f"#{pid.SUMMARY}").text
    assert dash_duo.get_logs() == []
