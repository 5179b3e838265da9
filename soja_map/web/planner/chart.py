"""The bar chart beside the map: a value per zone, sorted, with the city's value as a line.

The figure is a plain dict (Plotly's JSON), built from the same rows as the panel's table: the bar
of a zone carries the very text its table cell shows, so the two cannot disagree (tests compare
them). The ``dcc.Graph`` is only created once there are results, so plotly.js (loaded lazily by
dcc.Graph) is never part of the first screen. No plotly import here: nothing to pay at start-up.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape
from typing import Any, Final

import numpy as np

from soja_map.analysis import report as report_io
from soja_map.i18n import Translator
from soja_map.query.styling import CATCHMENT_COLOUR, SHARE_COLOURS
from soja_map.web.planner import ids
from soja_map.web.planner.model import Report
from soja_map.web.planner.views import table_rows

BAR_PX: Final = 18  # height per bar (horizontal bars: zone names stay readable)
MARGIN_PX: Final = 90
MIN_HEIGHT_PX: Final = 220
FONT: Final = "system-ui, sans-serif"  # the browser's font: no web font to fetch
CONFIG: Final[Any] = {"displayModeBar": False, "responsive": True}


@dataclass(frozen=True)
class Bars:
    """What the chart draws: zones in display order with their values and the table's texts."""

    names: tuple[str, ...]
    values: tuple[float, ...]
    texts: tuple[str, ...]
    city: float
    city_text: str


def sorted_bars(
    names: Sequence[str],
    values: Sequence[float],
    texts: Sequence[str],
    city: float,
    city_text: str,
) -> Bars:
    """Zones with a value (zones without people have none), highest first, ties by name."""
    keep = [i for i, v in enumerate(values) if v is not None and np.isfinite(v)]
    order = sorted(keep, key=lambda i: (-float(values[i]), str(names[i])))
    return Bars(
        names=tuple(str(names[i]) for i in order),
        values=tuple(float(values[i]) for i in order),
        texts=tuple(texts[i] for i in order),
        city=float(city),
        city_text=city_text,
    )


def coverage_bars(report: Report, by: str, tr: Translator) -> Bars:
    """The share covered per zone (after the what-if, if any) as the table shows it."""
    columns, rows = table_rows(report, by, tr)
    column = "share_after" if "share_after" in columns else "share"
    at = columns.index(column) + 1  # the zone name is the first cell
    shares = report.table(by)[column].to_numpy(dtype=float)
    city = float(report_io.result_of(report).share)
    return sorted_bars(
        [r[0] for r in rows], list(shares), [r[at] for r in rows], city, tr.percent(city)
    )


def figure(bars: Bars, title: str, axis: str, tr: Translator, *, percent: bool) -> dict[str, Any]:
    """Horizontal bars, highest at the top, and the city's value as a vertical line. Plotly reads
    its texts as a little HTML, so the zone names (data) are escaped."""
    n = len(bars.names)
    names = [escape(name) for name in bars.names]
    city_name = tr("planner_chart_city", value=bars.city_text)
    return {
        "data": [
            {
                "type": "bar",
                "orientation": "h",
                "y": names,
                "x": list(bars.values),
                "text": list(bars.texts),
                "textposition": "none",
                "hovertemplate": "%{y}: %{text}<extra></extra>",
                "marker": {"color": SHARE_COLOURS[-2]},
                "name": axis,
                "showlegend": False,
            },
            {
                "type": "scatter",
                "mode": "lines",
                "x": [bars.city, bars.city],
                "y": [names[0], names[-1]] if n else [],
                "line": {"color": CATCHMENT_COLOUR, "width": 2, "dash": "dash"},
                "name": city_name,
                "hovertemplate": f"{city_name}<extra></extra>",
                "showlegend": True,
            },
        ],
        "layout": {
            "title": {"text": title, "font": {"size": 14}},
            "height": max(MIN_HEIGHT_PX, BAR_PX * n + MARGIN_PX),
            "margin": {"l": 10, "r": 10, "t": 40, "b": 40},
            "font": {"family": FONT, "size": 11},
            "xaxis": {
                "title": {"text": axis},
                "tickformat": ".0%" if percent else ",.0f",
                "rangemode": "tozero",
                "fixedrange": True,
            },
            "yaxis": {"autorange": "reversed", "automargin": True, "fixedrange": True},
            "legend": {"orientation": "h", "y": -0.08 if n > 8 else -0.3},
            "bargap": 0.2,
            "plot_bgcolor": "#ffffff",
            "paper_bgcolor": "#ffffff",
        },
    }


def coverage_figure(report: Report, by: str, tr: Translator) -> dict[str, Any]:
    title = tr("planner_chart_title", by=report_io.by_label(by, tr))
    bars = coverage_bars(report, by, tr)
    return figure(bars, title, tr("planner_chart_axis_share"), tr, percent=True)


def graph(fig: dict[str, Any] | None) -> dict[str, Any] | None:
    """What the chart's store holds for a figure: the dcc.Graph's props (drawn in the browser by
    ``dash_clientside.sojaPlanner.chart``), or None: no Graph, no plotly.js."""
    if fig is None:
        return None
    return {"id": ids.CHART_GRAPH, "figure": fig, "config": CONFIG, "className": "cov-chart-graph"}


def chart_view(report: Report | None, by: str, tr: Translator) -> dict[str, Any] | None:
    """The chart's store data for a coverage report (None before results)."""
    return graph(None if report is None else coverage_figure(report, by, tr))


def with_runtime(data: dict[str, Any] | None, runtime_url: str) -> dict[str, Any] | None:
    """The store data with the URL of the Babel runtime dcc.Graph's lazy loader needs, and the
    container the chart waits to be shown in (planner.js)."""
    return None if data is None else {**data, "runtime": runtime_url, "container": ids.CHART}


def runtime_path() -> str:
    """Dash's Babel polyfill below the app's prefix (the page leaves it out: ``web.perf``)."""
    from dash import _dash_renderer  # noqa: PLC0415 - Dash's own list of its scripts

    name = next(
        str(path)
        for d in _dash_renderer._js_dist_dependencies
        for path in d["relative_package_path"]["prod"]
        if "polyfill" in str(path)
    )
    return f"/_dash-component-suites/dash/{name}"
