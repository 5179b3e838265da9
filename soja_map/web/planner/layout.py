"""The planner panel's components (mounted by the app in ``soja_map.web.ids.COVERAGE_PANEL``)."""

from __future__ import annotations

from typing import Any, Final

from dash import dcc, html

from soja_map.analysis.presets import DEFAULT_PRESET, PRESETS
from soja_map.data.dataset import Dataset
from soja_map.i18n import translator
from soja_map.web.planner import ids
from soja_map.web.planner.access_view import extra_controls
from soja_map.web.planner.model import LAYER_CHOICES, RADIUS_MAX_M, RADIUS_MIN_M
from soja_map.web.planner.views import labels

_ARIA_LIVE: Final[dict[str, Any]] = {"aria-live": "polite"}  # screen readers announce new totals


def _radius(label: str, presets: list[dict[str, str]]) -> html.Div:
    return html.Div(
        [
            html.Label(label, id="cov-label-radius", htmlFor=ids.RADIUS),
            dcc.Dropdown(id=ids.PRESET, options=presets, value=DEFAULT_PRESET, clearable=False),
            dcc.Input(
                id=ids.RADIUS,
                type="number",
                value=PRESETS[DEFAULT_PRESET].radius_m,
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


def layout(data: Dataset, lang: str) -> Any:
    """The panel (its container is ids.COVERAGE_PANEL, provided by the app)."""
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
            dcc.Dropdown(id=ids.SOURCE, options=sources, value=None, placeholder=placeholder),
            *extra_controls(data, translator(lang)),
            _radius(label["cov-label-radius"], presets),
            html.Fieldset(
                [
                    html.Legend(label["cov-label-by"], id="cov-label-by"),
                    dcc.RadioItems(id=ids.BY, options=by_options, value="town", inline=True),
                ]
            ),
            html.Fieldset(
                [
                    html.Legend(label["cov-label-layers"], id="cov-label-layers"),
                    dcc.Checklist(
                        id=ids.LAYERS,
                        options=layer_options,
                        value=list(LAYER_CHOICES),
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
                    dcc.Dropdown(id=ids.REMOVE, options=[], value=[], multi=True),
                    html.Button(reset, id=ids.RESET, n_clicks=0, type="button"),
                ]
            ),
            dcc.Store(id=ids.WHATIF_STORE, data={"add": []}),
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
