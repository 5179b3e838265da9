"""The planner panel's components (mounted by the app in ``soja_map.web.ids.COVERAGE_PANEL``)."""

from __future__ import annotations

from typing import Any, Final

from dash import dcc, html

from soja_map.analysis import coverage as cov
from soja_map.data.dataset import Dataset
from soja_map.i18n import Translator, translator
from soja_map.web.planner import ids
from soja_map.web.planner.access_view import extra_controls
from soja_map.web.planner.link import MAX_NAME, MAX_SCENARIOS, PlannerLink
from soja_map.web.planner.model import RADIUS_MAX_M, RADIUS_MIN_M, filter_for
from soja_map.web.planner.scenarios import scenario_options
from soja_map.web.planner.views import labels, removal_options

_ARIA_LIVE: Final[dict[str, Any]] = {"aria-live": "polite"}  # screen readers announce new totals


def _radius(label: str, presets: list[dict[str, str]], link: PlannerLink) -> html.Div:
    return html.Div(
        [
            html.Label(label, id="cov-label-radius", htmlFor=ids.RADIUS),
            dcc.Dropdown(id=ids.PRESET, options=presets, value=link.preset, clearable=False),
            dcc.Input(
                id=ids.RADIUS,
                type="number",
                value=link.radius,
                min=RADIUS_MIN_M,
                max=RADIUS_MAX_M,
                step=10,
                debounce=True,
                inputMode="numeric",
            ),
            html.Span("m", className="cov-unit"),
        ],
        className="cov-radius",
    )


def _downloads(text: str) -> html.Div:
    return html.Div(
        [
            html.Span(text, id=ids.DOWNLOAD_LABEL),
            html.Button("CSV", id=ids.DL_CSV, n_clicks=0, type="button"),
            html.Button("Excel", id=ids.DL_XLSX, n_clicks=0, type="button"),
            html.Button("JSON", id=ids.DL_JSON, n_clicks=0, type="button"),
            dcc.Download(id=ids.DOWNLOAD),
        ],
        className="cov-downloads",
    )


def _scenarios(link: PlannerLink, tr: Translator) -> html.Fieldset:
    """Named what-ifs: save the current one, show one, compare it with another (the list is kept
    in this browser's storage and in the link)."""
    options = scenario_options(link.scenarios)
    return html.Fieldset(
        [
            html.Legend(tr("planner_label_scenarios"), id="cov-label-scenarios"),
            html.P(
                tr("planner_scenario_limit", max=MAX_SCENARIOS),
                id="cov-label-scenario-limit",
                className="cov-hint",
            ),
            html.Label(tr("planner_scenario_name"), htmlFor=ids.SCENARIO_NAME),
            dcc.Input(id=ids.SCENARIO_NAME, type="text", value="", maxLength=MAX_NAME),
            html.Button(
                tr("planner_scenario_save"), id=ids.SCENARIO_SAVE, n_clicks=0, type="button"
            ),
            html.Div(id=ids.SCENARIO_STATUS, role="status", **_ARIA_LIVE),
            html.Label(tr("planner_scenario_active"), htmlFor=ids.SCENARIO_ACTIVE),
            dcc.Dropdown(id=ids.SCENARIO_ACTIVE, options=options, value=link.active),
            html.Button(
                tr("planner_scenario_delete"), id=ids.SCENARIO_DELETE, n_clicks=0, type="button"
            ),
            html.Label(tr("planner_scenario_vs"), htmlFor=ids.SCENARIO_VS),
            dcc.Dropdown(id=ids.SCENARIO_VS, options=options, value=link.vs),
            html.Div(id=ids.COMPARISON, className="cov-table-wrap", **_ARIA_LIVE),
            dcc.Store(id=ids.SCENARIOS, data=[s.to_dict() for s in link.scenarios]),
            dcc.Store(id=ids.SCENARIOS_LOCAL, storage_type="local", data=[]),
        ],
        className="cov-scenarios",
    )


def _removal(data: Dataset, link: PlannerLink, filter_data: dict[str, Any] | None) -> Any:
    """The removal list with its options already there, so that a link's removals are shown."""
    flt = filter_for(link.source, filter_data)
    facilities = None if flt is None else cov.select_facilities(data.places, flt)
    return dcc.Dropdown(
        id=ids.REMOVE, options=removal_options(facilities), value=list(link.removed), multi=True
    )


def layout(
    data: Dataset,
    lang: str,
    link: PlannerLink | None = None,
    filter_data: dict[str, Any] | None = None,
) -> Any:
    """The panel (its container is ids.COVERAGE_PANEL, provided by the app), showing ``link``
    (a shared link's settings, what-if and scenarios; the first screen's by default)."""
    link = link or PlannerLink()
    texts = labels(data, translator(lang))
    title, *label_texts = texts[: 1 + len(ids.LABEL_IDS)]
    (
        sources,
        placeholder,
        presets,
        by_options,
        layer_options,
        mode_options,
        reset,
        legend,
        dl_text,
    ) = texts[1 + len(ids.LABEL_IDS) :]
    label = dict(zip(ids.LABEL_IDS, label_texts, strict=True))
    return html.Section(
        id=ids.ROOT,
        className="cov-panel",
        children=[
            html.H2(title, id=ids.TITLE),
            html.Label(label["cov-label-source"], id="cov-label-source", htmlFor=ids.SOURCE),
            dcc.Dropdown(
                id=ids.SOURCE, options=sources, value=link.source, placeholder=placeholder
            ),
            *extra_controls(data, translator(lang)),
            _radius(label["cov-label-radius"], presets, link),
            html.Fieldset(
                [
                    html.Legend(label["cov-label-by"], id="cov-label-by"),
                    dcc.RadioItems(id=ids.BY, options=by_options, value=link.by, inline=True),
                ]
            ),
            html.Fieldset(
                [
                    html.Legend(label["cov-label-layers"], id="cov-label-layers"),
                    dcc.Checklist(
                        id=ids.LAYERS,
                        options=layer_options,
                        value=list(link.layers),
                        inline=True,
                    ),
                ]
            ),
            html.Fieldset(
                [
                    html.Legend(label["cov-label-whatif"], id="cov-label-whatif"),
                    dcc.RadioItems(id=ids.MODE, options=mode_options, value="off", inline=True),
                    html.P(
                        label["cov-label-whatif-limit"],
                        id="cov-label-whatif-limit",
                        className="cov-hint",
                    ),
                    html.Label(
                        label["cov-label-remove"], id="cov-label-remove", htmlFor=ids.REMOVE
                    ),
                    _removal(data, link, filter_data),
                    html.Button(reset, id=ids.RESET, n_clicks=0, type="button"),
                ]
            ),
            _scenarios(link, translator(lang)),
            dcc.Store(id=ids.WHATIF_STORE, data={"add": [list(p) for p in link.added]}),
            dcc.Store(id=ids.FILTER, data=filter_data or {}),  # the app's filter (callbacks.py)
            dcc.Store(id=ids.MAP_CLICK, data={}),  # the map's last click (callbacks.py)
            dcc.Store(id=ids.ZONES_KIND, data=""),
            html.Div(id=ids.SUMMARY, role="status", **_ARIA_LIVE),
            html.Div(id=ids.CHART, className="cov-chart"),  # a dcc.Graph once there are results
            dcc.Store(id=ids.CHART_DATA, data=None),
            html.Div(legend, id=ids.LEGEND),
            html.Div(id=ids.TABLE, className="cov-table-wrap"),
            _downloads(dl_text),
            html.Div(id=ids.NOTE, className="cov-note"),
        ],
    )
