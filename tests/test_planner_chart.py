"""The planner's second edition, pure: the chart says what the table says, capacity against demand
is the CLI's 2SFCA, and shelters by hazard are the shelter layer's sites."""

from __future__ import annotations

import base64
import json
import math

import pytest

from soja_map.analysis import access_report
from soja_map.analysis.request import CoverageRequest, facilities_for, run_access
from soja_map.i18n import translator
from soja_map.query import shelters
from soja_map.web.planner import access_view as av
from soja_map.web.planner import chart
from soja_map.web.planner import ids as pid
from soja_map.web.planner import model as pm
from soja_map.web.planner import views as pv

JA = translator("ja")
EN = translator("en")


@pytest.fixture(scope="module")
def model(dataset) -> pm.PanelModel:
    return pm.PanelModel(dataset)


def nurseries(**kw) -> pm.PanelState:
    return pm.state_from(source="category:nursery", radius=800, layers=["choropleth"], **kw)


def table_column(report, by: str, column: str, tr) -> dict[str, str]:
    columns, rows = pv.table_rows(report, by, tr)
    at = columns.index(column) + 1
    return {r[0]: r[at] for r in rows}


@pytest.mark.parametrize("by", ["town", "elementary"])
def test_the_chart_bars_are_the_table_shares_sorted(model, by):
    report = model.report(nurseries(by=by))
    fig = chart.coverage_figure(report, by, JA)
    bars = fig["data"][0]
    shown = table_column(report, by, "share", JA)
    # every bar carries its table cell's text, and its length formats to that text
    assert dict(zip(bars["y"], bars["text"], strict=True)) == {
        n: t for n, t in shown.items() if t != "-"
    }
    assert [pv.share(x, JA) for x in bars["x"]] == bars["text"]
    assert bars["x"] == sorted(bars["x"], reverse=True)
    city = fig["data"][1]
    assert city["x"] == [report.share, report.share]
    assert pv.share(report.share, JA) in city["name"]


def test_after_a_what_if_the_chart_shows_the_shares_after(model):
    state = nurseries(by="elementary", whatif={"add": [[133.70, 34.69]]})
    report = model.report(state)
    bars = chart.coverage_figure(report, "elementary", JA)["data"][0]
    after = table_column(report, "elementary", "share_after", JA)
    assert dict(zip(bars["y"], bars["text"], strict=True)) == after


def test_the_chart_speaks_the_ui_language(model):
    report = model.report(nurseries(by="elementary"))
    ja = chart.coverage_figure(report, "elementary", JA)["layout"]
    en = chart.coverage_figure(report, "elementary", EN)["layout"]
    assert ja["title"]["text"] == JA("planner_chart_title", by=JA("report_by_elementary"))
    assert en["xaxis"]["title"]["text"] == EN("planner_chart_axis_share")


def test_no_results_no_graph(model):
    # no dcc.Graph before there are results: plotly.js is never loaded for nothing
    assert chart.chart_view(None, "town", JA) is None
    state = pm.state_from(source=None, radius=800)
    assert av.show(model, state, JA)[-1] is None


@pytest.mark.parametrize("by", ["town", "elementary", "junior_high"])
def test_the_panels_2sfca_table_is_the_clis(model, dataset, by):
    cli = run_access(dataset, CoverageRequest(categories=("nursery",), radius_m=800.0))
    state = nurseries(by=by, measure="access")
    hideout, _, _, table, _, graph = av.show(model, state, JA)
    columns, rows = av.access_rows(av.access_result(model, state), by, JA)
    expected = access_report.zone_rows(cli, by)
    assert [r[0] for r in rows] == [r[0] for r in expected]
    for got, want in zip(rows, expected, strict=True):
        assert got[1:] == [av.cell_text(c, v, JA) for c, v in zip(columns, want[1:], strict=True)]
    # the choropleth's classes are those of the CLI's index
    index = {r[0]: r[2] for r in expected}
    assert hideout["classes"] == {n: av.access_class(v) for n, v in index.items()}
    assert table.children[0].id == f"{pid.ACCESS_TABLE}-{by}"
    # the chart's bars are the table's index column
    at = columns.index("access_per_1000") + 1
    bars = graph["figure"]["data"][0]
    assert dict(zip(bars["y"], bars["text"], strict=True)) == {
        r[0]: r[at] for r in rows if r[at] != "-"
    }


def test_the_2sfca_view_says_the_demand_is_total_population(model):
    summary = str(av.show(model, nurseries(measure="access"), EN)[2])
    assert EN("planner_access_demand") in summary
    assert "not children" in EN("planner_access_demand")


def test_utilisation_is_shown_only_where_the_data_states_it(model):
    result = av.access_result(model, nurseries(measure="access"))
    frame = result.facilities
    stated = frame[[math.isfinite(u) for u in frame["utilisation"]]]
    text = str(av.utilisation_view(result, JA))
    for name in frame["name"]:
        assert (f"'{name}'" in text) == (name in set(stated["name"]))


def test_facilities_without_capacity_get_a_message_not_numbers(model):
    state = pm.state_from(source="category:park", radius=800, measure="access")
    hideout, _, summary, table, _, graph = av.show(model, state, JA)
    assert JA("planner_access_none") in str(summary)
    assert table is None
    assert graph is None
    assert hideout["classes"] == {}


@pytest.mark.parametrize("hazard", ["flood", "earthquake"])
def test_shelters_by_hazard_are_the_shelter_layers_sites_and_the_clis(model, dataset, hazard):
    state = pm.state_from(source=pm.SHELTER_SOURCE, radius=1000, hazard=hazard)
    report = model.report(state)
    layer = set(shelters.site_ids(dataset, hazard))
    assert set(report.facilities.ids) == layer
    request = CoverageRequest(categories=("evacuation_shelter",), hazards=(hazard,))
    cli = facilities_for(dataset, request, request.selection(dataset))
    assert set(cli.ids) == layer
    everything = model.report(pm.state_from(source=pm.SHELTER_SOURCE, radius=1000))
    assert len(everything.facilities) > len(report.facilities)


def test_the_hazard_choice_shows_for_shelters_only_with_a_pointer_to_the_overlays(dataset):
    hidden, options, pointer = av.hazard_view("category:nursery", dataset, JA)
    assert hidden
    hidden, options, pointer = av.hazard_view(pm.SHELTER_SOURCE, dataset, JA)
    assert not hidden
    assert "flood" in [o["value"] for o in options]
    assert JA("dataui_hazard_legend") in pointer
    values = [o["value"] for o in pv.source_options(dataset, JA)]
    assert pm.SHELTER_SOURCE in values


def test_an_unknown_hazard_or_measure_falls_back():
    state = pm.state_from(source=pm.SHELTER_SOURCE, radius=1000, hazard="<b>", measure="x")
    assert state.hazard == "all"
    assert state.measure == "coverage"


# -- the overlays the map fetches (web/planner/overlays.py) ----------------------------------------


@pytest.fixture(scope="module")
def served(dataset):
    """The panel's callbacks and overlay route in a bare Dash app, and its test client."""
    from dash import Dash, html  # noqa: PLC0415

    from soja_map.web.planner import callbacks as planner_callbacks  # noqa: PLC0415

    app = Dash(__name__)
    app.layout = html.Div()
    panel = planner_callbacks.register_callbacks(app, dataset)
    return panel, app.server.test_client()


def test_a_what_if_sends_urls_and_the_url_answers_the_inline_geojson(served):
    panel, client = served
    state = nurseries(by="town", whatif={"add": [[133.70, 34.69]]})
    state.layers = ("choropleth", "catchments", "gaps")
    _, overlays, *_ = pv.view(panel, state, JA)
    urls = [o.url for o in overlays if getattr(o, "url", None)]
    assert len(urls) == 3  # gaps, catchments, the hypothetical one
    assert all(not getattr(o, "data", None) for o in overlays if getattr(o, "url", None))
    report = panel.report(state)
    gaps = client.get(urls[0])
    assert gaps.status_code == 200
    assert gaps.headers["Content-Type"].startswith("application/geo+json")
    assert gaps.get_json() == json.loads(json.dumps(pv.gap_collection(report.after, JA)))
    panel.forget()  # another worker would compute it from the URL alone
    assert client.get(urls[2]).get_json()["features"][0]["properties"]["tooltip"]


@pytest.mark.parametrize(
    "query",
    [
        "",
        "?s=[1]",
        "?s={",
        '?s={"whatif":{"add":[[1]]}}',
        '?s={"radius":"x"}',
        "?s=" + "x" * 20_000,
    ],
)
def test_a_malformed_overlay_request_is_a_400(served, query):
    _, client = served
    assert client.get(f"/_soja/planner/overlay/gaps.json{query}").status_code == 400


def test_an_unknown_overlay_is_a_400(served):
    _, client = served
    assert client.get('/_soja/planner/overlay/zones.json?s={"source":null}').status_code == 400


def test_the_what_if_table_lists_the_zones_it_changes(model):
    report = model.report(nurseries(by="town", whatif={"add": [[133.70, 34.69]]}))
    _, rows = pv.shown_rows(report, "town", JA)
    changed = report.table("town")["change"]
    assert [r[0] for r in rows] == [str(n) for n, c in changed.items() if c != 0]
    assert 0 < len(rows) < len(pv.table_rows(report, "town", JA)[1])


def test_zone_names_are_escaped_for_plotly():
    bars = chart.sorted_bars(["<b>x</b>", "a&b"], [0.5, 0.2], ["50.0%", "20.0%"], 0.3, "30.0%")
    fig = chart.figure(bars, "t", "share", JA, percent=True)
    assert fig["data"][0]["y"] == ["&lt;b&gt;x&lt;/b&gt;", "a&amp;b"]
    assert "<b>" not in str(fig)


def test_the_download_in_2sfca_mode_is_the_clis_file(model, dataset):
    state = nurseries(by="elementary", measure="access")
    payload = av.download(model, state, "csv", JA)
    cli = run_access(dataset, CoverageRequest(categories=("nursery",), radius_m=800.0))
    assert payload["filename"] == "soja-access-elementary.csv"
    content = base64.b64decode(payload["content"]).decode("utf-8")
    assert content == access_report.to_csv(cli, "elementary", JA)
    coverage = av.download(model, nurseries(by="elementary"), "csv", JA)
    assert coverage["filename"] == "soja-coverage-elementary.csv"
