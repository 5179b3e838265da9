"""The planner's other questions: capacity against demand (2SFCA) and shelters by hazard.

Capacity against demand is ``analysis.request.access_of``, the rule the CLI's ``soja-map access``
runs, on the panel's cached grid; the table's numbers are ``analysis.access_report.zone_rows``
(the CLI's rounding), so the app and the CLI show the same values. The demand population is the
estimate of the *total* population, not children, and the panel says so next to the numbers.

Shelters are the sites of the app's shelter layer (``query.shelters``) for the chosen hazard, with
a pointer to the map's hazard overlays (the flood zones are there, online).
"""

from __future__ import annotations

from typing import Any, Final

import numpy as np
from dash import dcc, html
from dash.dcc.express import send_bytes

from soja_map.analysis import access_report
from soja_map.analysis.access import AccessResult
from soja_map.analysis.report import by_label, metres
from soja_map.analysis.request import access_of
from soja_map.data.dataset import Dataset
from soja_map.errors import SojaMapError
from soja_map.i18n import Translator
from soja_map.query.styling import NO_PEOPLE_COLOUR, SHARE_COLOURS
from soja_map.web import shelters as web_shelters
from soja_map.web.planner import ids, views
from soja_map.web.planner.chart import chart_view, figure, graph, sorted_bars
from soja_map.web.planner.model import (
    MEASURE_CHOICES,
    SHELTER_SOURCE,
    PanelModel,
    PanelState,
    filter_for,
)
from soja_map.web.planner.views import radius_error, zone_hideout

# choropleth classes of places per 1,000 residents (the colours are the share classes')
ACCESS_BREAKS: Final = (5.0, 15.0, 30.0, 60.0)
INDEX_DIGITS: Final = access_report.INDEX_DECIMALS
UTILISATION_COLUMNS: Final = {
    "capacity": "planner_access_col_capacity",
    "enrolled": "planner_access_col_enrolled",
    "utilisation": "planner_access_col_utilisation",
}
MEASURE_LABELS: Final = {
    "coverage": "planner_measure_coverage",
    "access": "planner_measure_access",
}  # one per model.MEASURE_CHOICES


def access_class(value: float | None) -> int:
    """0..4 for the choropleth classes (-1 when the zone has no people)."""
    if value is None or not np.isfinite(value):
        return -1
    return int(np.searchsorted(np.asarray(ACCESS_BREAKS), value, side="right"))


def access_result(model: PanelModel, state: PanelState) -> AccessResult | None:
    """The 2SFCA result for the panel's facilities and radius (None until both are chosen)."""
    flt = filter_for(state.source, state.filter_data)
    if flt is None or state.radius is None or not state.radius > 0:
        return None
    return access_of(model.data, model.cache.get(), flt, float(state.radius))


def has_capacity(result: AccessResult) -> bool:
    return bool(np.isfinite(result.facilities["capacity"].to_numpy(dtype=float)).any())


# -- numbers as the panel shows them ---------------------------------------------------------------


def cell_text(column: str, value: Any, tr: Translator) -> str:
    if value is None:
        return "-"
    if column in {"access_per_1000", "places_per_1000"}:
        return tr.number(float(value), INDEX_DIGITS)
    if column in {"reached_share", "utilisation"}:
        return tr.percent(float(value))
    return tr.number(float(value))


def access_rows(result: AccessResult, by: str, tr: Translator) -> tuple[list[str], list[list[str]]]:
    """Header keys and formatted rows (zone name first) of the CLI's rounded values."""
    columns = list(access_report.ZONE_COLUMNS)
    rows = [
        [str(row[0]), *(cell_text(c, v, tr) for c, v in zip(columns, row[1:], strict=True))]
        for row in access_report.zone_rows(result, by)
    ]
    return columns, rows


def access_table(result: AccessResult, by: str, tr: Translator) -> Any:
    columns, rows = access_rows(result, by, tr)
    head = html.Tr(
        [html.Th(by_label(by, tr), scope="col")]
        + [html.Th(access_report.access_label(c, tr), scope="col") for c in columns]
    )
    body = [
        html.Tr([html.Th(r[0], scope="row"), *(html.Td(v) for v in r[1:])], className="cov-row")
        for r in rows
    ]
    return html.Table(
        [html.Thead(head), html.Tbody(body)],
        className="cov-table",
        id=f"{ids.ACCESS_TABLE}-{by}",
    )


def utilisation_view(result: AccessResult, tr: Translator) -> Any:
    """Enrolled / capacity of the facilities whose data states both."""
    frame = result.facilities
    stated = frame[np.isfinite(frame["utilisation"].to_numpy(dtype=float))]
    title = html.H3(tr("planner_access_utilisation"), className="cov-subtitle")
    if not len(stated):
        return html.Div([title, html.P(tr("planner_access_no_utilisation"))], id=ids.UTILISATION)
    columns = tuple(UTILISATION_COLUMNS)
    head = html.Tr(
        [html.Th(tr("planner_access_col_name"), scope="col")]
        + [html.Th(tr(UTILISATION_COLUMNS[c]), scope="col") for c in columns]
    )
    body = [
        html.Tr(
            [
                html.Th(str(row["name"]), scope="row"),
                *(html.Td(cell_text(c, access_report.rounded(c, row[c]), tr)) for c in columns),
            ]
        )
        for _, row in stated.iterrows()
    ]
    table = html.Table([html.Thead(head), html.Tbody(body)], className="cov-table")
    return html.Div([title, table], id=ids.UTILISATION)


def access_legend(tr: Translator) -> Any:
    bounds = ("0", *(tr.number(b) for b in ACCESS_BREAKS))
    texts = [f"{bounds[i]}–{bounds[i + 1]}" for i in range(len(ACCESS_BREAKS))]
    texts.append(f"{bounds[-1]}–")
    items = [
        html.Li([html.Span(className="cov-swatch", style={"background": colour}), html.Span(text)])
        for colour, text in zip(SHARE_COLOURS, texts, strict=True)
    ]
    items.append(
        html.Li(
            [
                html.Span(className="cov-swatch", style={"background": NO_PEOPLE_COLOUR}),
                html.Span(tr("planner_no_people")),
            ]
        )
    )
    return html.Div(
        [html.P(tr("planner_access_legend")), html.Ul(items, className="cov-legend-list")],
        className="cov-access-legend",
    )


def access_summary(result: AccessResult, tr: Translator) -> list[Any]:
    city = access_report.rounded("access_per_1000", result.city_index)
    line = tr(
        "planner_access_city",
        value=cell_text("access_per_1000", city, tr),
        radius=metres(result.radius_m, tr),
    )
    out: list[Any] = [
        html.P(tr("access_title"), className="cov-selection"),
        html.P(html.Strong(line, id=ids.CITY_COVERED)),
        html.P(tr("planner_access_demand"), className="cov-warning cov-access-demand"),
    ]
    if result.no_capacity:
        names = ", ".join(str(result.facilities.loc[i, "name"]) for i in result.no_capacity)
        out.append(html.P(tr("planner_access_no_capacity", names=names), className="cov-note"))
    return [*out, access_legend(tr)]


def access_hideout(result: AccessResult | None, by: str, show: bool = True) -> dict[str, Any]:
    """The choropleth's classes of places per 1,000 (the same layer and colours as coverage)."""
    base = zone_hideout(None, by)
    if result is None or not show:
        return base
    table = result.table(by)
    values = table["access_per_1000"].to_numpy(dtype=float)
    base["classes"] = {
        str(name): access_class(float(v)) for name, v in zip(table.index, values, strict=True)
    }
    return base


def access_figure(result: AccessResult, by: str, tr: Translator) -> dict[str, Any]:
    columns, rows = access_rows(result, by, tr)
    at = columns.index("access_per_1000") + 1
    values = [r[2] for r in access_report.zone_rows(result, by)]  # the CLI's rounded index
    city = access_report.rounded("access_per_1000", result.city_index)
    bars = sorted_bars(
        [r[0] for r in rows],
        [np.nan if v is None else float(v) for v in values],
        [r[at] for r in rows],
        float(city if city is not None else np.nan),
        cell_text("access_per_1000", city, tr),
    )
    title = tr("planner_chart_access_title", by=by_label(by, tr))
    return figure(bars, title, access_report.access_label("access_per_1000", tr), tr, percent=False)


def note(result: AccessResult, tr: Translator) -> list[Any]:
    rows = access_report.metadata(result, tr)[1:]
    return [
        html.Details(
            [
                html.Summary(tr("planner_method_sources")),
                html.Dl(
                    [
                        item
                        for key, value in rows
                        for item in (html.Dt(tr(f"access_meta_{key}")), html.Dd(value))
                    ]
                ),
            ]
        )
    ]


def view(model: PanelModel, state: PanelState, tr: Translator) -> tuple[Any, ...]:
    """(choropleth hideout, overlays, summary, table, note, chart) of capacity against demand."""
    empty = zone_hideout(None, state.by)
    if state.radius_problem:
        return empty, [], [radius_error(tr)], None, [], None
    try:
        result = access_result(model, state)
    except SojaMapError as exc:
        return empty, [], [html.P(str(exc), className="cov-error", role="alert")], None, [], None
    if result is None:
        return empty, [], [html.P(tr("planner_choose"))], None, [], None
    if not has_capacity(result):
        return (
            empty,
            [],
            [html.P(tr("planner_access_none"), className="cov-warning")],
            None,
            [],
            None,
        )
    table = html.Div([access_table(result, state.by, tr), utilisation_view(result, tr)])
    return (
        access_hideout(result, state.by, "choropleth" in state.layers),
        [],
        access_summary(result, tr),
        table,
        note(result, tr),
        graph(access_figure(result, state.by, tr)),
    )


def show(model: PanelModel, state: PanelState, tr: Translator) -> tuple[Any, ...]:
    """The panel's outputs for a state: coverage (views.view) and its chart, or capacity against
    demand."""
    if state.measure == "access":
        return view(model, state, tr)
    return (*views.view(model, state, tr), chart_view(model.report_or_none(state), state.by, tr))


def download(
    model: PanelModel, state: PanelState, fmt: str, tr: Translator, scenario: str | None = None
) -> dict[str, Any] | None:
    """The download of what the panel shows: the coverage report (with the scenario's name), or
    the 2SFCA table as the CLI writes it (CSV, or JSON; Excel opens the CSV)."""
    if state.measure != "access":
        return views.download(model.report(state), state.by, fmt, tr, model.data, scenario=scenario)
    result = access_result(model, state)
    if result is None or not has_capacity(result):
        return None
    if fmt == "json":
        text, name = access_report.to_json(result, state.by, tr), f"soja-access-{state.by}.json"
    else:
        text, name = access_report.to_csv(result, state.by, tr), f"soja-access-{state.by}.csv"
    payload: dict[str, Any] = send_bytes(text.encode("utf-8"), name)  # type: ignore[no-untyped-call]
    return payload


def measure_options(tr: Translator) -> list[dict[str, str]]:
    return [{"label": tr(MEASURE_LABELS[c]), "value": c} for c in MEASURE_CHOICES]


# -- shelters by hazard ----------------------------------------------------------------------------


def shelter_option(data: Dataset, tr: Translator) -> list[dict[str, str]]:
    """The source option of the shelter sites (none when the data has no site)."""
    if web_shelters.sites_of(data).empty:
        return []
    return [
        {
            "label": tr("planner_source_category", name=tr("planner_source_shelters")),
            "value": SHELTER_SOURCE,
        }
    ]


def hazard_view(
    source: Any, data: Dataset, tr: Translator
) -> tuple[bool, list[dict[str, Any]], str]:
    """(hidden, hazard options, pointer to the hazard overlays) for the chosen facilities."""
    options = web_shelters.choice_options(data, tr)
    pointer = tr("planner_hazard_pointer", legend=tr("dataui_hazard_legend"))
    return source != SHELTER_SOURCE, options, pointer


def extra_controls(data: Dataset, tr: Translator) -> list[Any]:
    """The measure choice and the (hidden until shelters are chosen) hazard choice."""
    hidden, options, pointer = hazard_view(None, data, tr)
    return [
        html.Fieldset(
            [
                html.Legend(tr("planner_label_measure"), id="cov-label-measure"),
                dcc.RadioItems(
                    id=ids.MEASURE, options=measure_options(tr), value="coverage", inline=True
                ),
            ]
        ),
        html.Div(
            [
                html.Label(tr("planner_label_hazard"), id="cov-label-hazard", htmlFor=ids.HAZARD),
                dcc.Dropdown(id=ids.HAZARD, options=options, value="all", clearable=False),
                html.P(pointer, id=ids.HAZARD_POINTER, className="cov-hint"),
            ],
            id=ids.HAZARD_BOX,
            hidden=hidden,
            className="cov-hazard",
        ),
    ]
