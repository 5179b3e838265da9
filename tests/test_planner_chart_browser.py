"""The planner's chart and capacity against demand as a person sees them, in headless Chromium: the
bars are the table's numbers, the 2SFCA index is the CLI's, and plotly.js is not part of the first
screen (it loads when the chart is drawn, from this server, under the app's CSP)."""

from __future__ import annotations

import time

import pytest
from selenium.webdriver.common.by import By

from soja_map.analysis import access_report
from soja_map.analysis.request import CoverageRequest, run_access
from soja_map.web.planner import access_view as av
from soja_map.web.planner import ids as pid
from tests.test_app_browser import choose_view, open_app, wait_until
from tests.test_coverage_panel import JA, NURSERY_LABEL, tiny_app

pytestmark = pytest.mark.browser

PLOTLY_REQUESTS = """
return performance.getEntriesByType('resource').map(e => e.name)
  .filter(n => n.includes('plotly') || n.includes('async-graph'));
"""
BARS = """
const plot = document.querySelector('#cov-chart-graph .js-plotly-plot');
if (!plot || !plot.data || !document.querySelector('#cov-chart-graph g.trace.bars')) return null;
return {y: plot.data[0].y, text: plot.data[0].text, x: plot.data[0].x};
"""


def rows_of(dash_duo, table: str) -> list[list[str]]:
    rows = dash_duo.find_elements(f"#{table} tbody tr")
    return [[c.text for c in row.find_elements(By.CSS_SELECTOR, "th, td")] for row in rows]


def drawn_bars(dash_duo) -> dict[str, list]:
    return wait_until(lambda: dash_duo.driver.execute_script(BARS), 20, "the chart's bars")


def test_the_chart_has_the_tables_numbers_and_the_2sfca_index_is_the_clis(dash_duo, dataset):
    dash_duo.start_server(tiny_app(dataset))
    dash_duo.wait_for_element(f"#{pid.SOURCE}")
    dash_duo.select_dcc_dropdown(f"#{pid.SOURCE}", NURSERY_LABEL)
    dash_duo.wait_for_element(f"#{pid.TABLE}-town", timeout=20)
    bars = drawn_bars(dash_duo)
    shares = {
        r[0]: r[3] for r in rows_of(dash_duo, f"{pid.TABLE}-town")
    }  # name, people, covered, share
    assert dict(zip(bars["y"], bars["text"], strict=True)) == {
        n: s for n, s in shares.items() if s != "-"
    }
    assert bars["x"] == sorted(bars["x"], reverse=True)

    dash_duo.find_element(f"#{pid.MEASURE} input[value='access']").click()
    dash_duo.wait_for_element(f"#{pid.ACCESS_TABLE}-town", timeout=20)
    cli = run_access(dataset, CoverageRequest(categories=("nursery",), radius_m=800.0))
    expected = [
        [
            str(r[0]),
            *(
                av.cell_text(c, v, JA)
                for c, v in zip(access_report.ZONE_COLUMNS, r[1:], strict=True)
            ),
        ]
        for r in access_report.zone_rows(cli, "town")
    ]
    assert rows_of(dash_duo, f"{pid.ACCESS_TABLE}-town") == expected
    assert JA("planner_access_demand") in dash_duo.find_element(f"#{pid.SUMMARY}").text
    index = {r[0]: r[2] for r in expected}
    bars = wait_until(
        lambda: (
            (b := dash_duo.driver.execute_script(BARS)) and b["text"][0] != bars["text"][0] and b
        ),
        20,
        "the index chart",
    )
    assert dict(zip(bars["y"], bars["text"], strict=True)) == {
        n: v for n, v in index.items() if v != "-"
    }
    assert dash_duo.get_logs() == []


def test_plotly_loads_only_when_the_planner_draws_a_chart(dash_duo, settings, dataset):
    open_app(dash_duo, settings, dataset)
    wait_until(lambda: dash_duo.driver.execute_script("return document.readyState") == "complete")
    assert dash_duo.driver.execute_script(PLOTLY_REQUESTS) == []
    choose_view(dash_duo, "planner")
    dash_duo.wait_for_element(f"#{pid.SOURCE}")
    assert dash_duo.driver.execute_script(PLOTLY_REQUESTS) == []
    dash_duo.select_dcc_dropdown(f"#{pid.SOURCE}", NURSERY_LABEL)
    drawn_bars(dash_duo)
    loaded = dash_duo.driver.execute_script(PLOTLY_REQUESTS)
    assert any("plotly" in n for n in loaded)
    assert all(n.startswith(dash_duo.server_url) for n in loaded)  # served locally
    assert dash_duo.get_logs() == []  # no CSP report, no error


def test_shelters_offer_a_hazard_choice_and_point_to_the_overlays(dash_duo, dataset):
    dash_duo.start_server(tiny_app(dataset))
    dash_duo.wait_for_element(f"#{pid.SOURCE}")
    assert not dash_duo.find_element(f"#{pid.HAZARD_BOX}").is_displayed()
    label = JA("planner_source_category", name=JA("planner_source_shelters"))
    dash_duo.select_dcc_dropdown(f"#{pid.SOURCE}", label)
    wait_until(lambda: dash_duo.find_element(f"#{pid.HAZARD_BOX}").is_displayed(), 10, "hazards")
    assert JA("dataui_hazard_legend") in dash_duo.find_element(f"#{pid.HAZARD_POINTER}").text
    dash_duo.wait_for_element(f"#{pid.TABLE}-town", timeout=20)
    before = dash_duo.find_element(f"#{pid.CITY_COVERED}").text
    dash_duo.select_dcc_dropdown(f"#{pid.HAZARD}", index=2)  # all, 指定避難所, then flood
    wait_until(
        lambda: dash_duo.find_element(f"#{pid.CITY_COVERED}").text != before, 20, "flood sites"
    )
    assert dash_duo.get_logs() == []


def test_a_chart_computed_while_hidden_is_drawn_when_shown(dash_duo, dataset):
    # a chart whose container is not displayed (the planner's pane on another view) waits: no
    # Graph and no plotly.js until it shows
    dash_duo.start_server(tiny_app(dataset))
    dash_duo.wait_for_element(f"#{pid.SOURCE}")
    dash_duo.driver.execute_script(f"document.getElementById('{pid.CHART}').style.display='none'")
    dash_duo.select_dcc_dropdown(f"#{pid.SOURCE}", NURSERY_LABEL)
    dash_duo.wait_for_element(f"#{pid.TABLE}-town", timeout=20)
    time.sleep(1.0)
    assert dash_duo.find_elements(f"#{pid.CHART_GRAPH}") == []
    assert dash_duo.driver.execute_script(PLOTLY_REQUESTS) == []
    dash_duo.driver.execute_script(f"document.getElementById('{pid.CHART}').style.display=''")
    assert drawn_bars(dash_duo)["y"]
    assert dash_duo.get_logs() == []
