"""The planner's gaps and catchments, fetched by the map from a URL rather than sent through Dash.

A what-if re-draws the gaps and catchments. Sent as component props (about 100 kB of GeoJSON) they
cost seconds in the browser: Dash's renderer walks every changed prop. As ``dl.GeoJSON(url=...)``
the callback sends a short URL, and dash-leaflet fetches and draws the layer itself. The URL holds
the whole state (the same values the callback takes, checked by ``state_from``), so any worker can
answer it; the worker that just answered the callback has the report in its memo.
"""

from __future__ import annotations

import json
from typing import Any, Final
from urllib.parse import urlencode

import dash_leaflet as dl
from dash import Dash
from flask import Response, abort, request

from soja_map.analysis import coverage as cov
from soja_map.analysis import report as report_io
from soja_map.errors import SojaMapError
from soja_map.i18n import translator
from soja_map.web.planner.model import PanelModel, PanelState, Report, state_from
from soja_map.web.planner.views import (
    GAP_STYLE,
    catchment_collections,
    catchment_style,
    gap_collection,
)

ROUTE: Final = "_soja/planner/overlay/<layer>.json"
LAYERS: Final = ("gaps", "catchments", "hypothetical")
MAX_QUERY: Final = 16_000  # characters of the state in the URL (a filter and 20 points fit)
MALFORMED: Final = (SojaMapError, ValueError, TypeError, KeyError, IndexError, AttributeError)


def state_query(state: PanelState) -> str:
    """The state as the URL carries it (the arguments of ``state_from``)."""
    values = {
        "source": state.source,
        "radius": state.radius,
        "preset": state.preset,
        "by": state.by,
        "whatif": {"add": [list(p) for p in state.added]},
        "removed": list(state.removed),
        "filter_data": state.filter_data,
        "lang": state.lang,
        "hazard": state.hazard,
    }
    return urlencode({"s": json.dumps(values, separators=(",", ":"), ensure_ascii=False)})


def layer_url(model: PanelModel, layer: str, state: PanelState) -> str:
    return f"{model.overlay_base}{layer}.json?{state_query(state)}"


def fetched_layers(model: PanelModel, report: Report | None, state: PanelState) -> list[Any]:
    """The overlays' GeoJSON layers, each with the URL of its data (gaps, catchments)."""
    if report is None:
        return []
    result = report_io.result_of(report)
    out: list[Any] = []
    if "gaps" in state.layers and len(result.gaps):
        out.append(dl.GeoJSON(url=layer_url(model, "gaps", state), style=GAP_STYLE))
    if "catchments" in state.layers and len(result.facilities):
        hypothetical = bool(result.facilities.hypothetical.any())
        real = bool((~result.facilities.hypothetical).any())
        for kind, name, present in (
            (False, "catchments", real),
            (True, "hypothetical", hypothetical),
        ):
            if present:
                out.append(
                    dl.GeoJSON(url=layer_url(model, name, state), style=catchment_style(kind))
                )
    if isinstance(report, cov.WhatIf):
        from soja_map.web.planner.views import whatif_markers  # noqa: PLC0415

        out += whatif_markers(report, translator(state.lang))
    return out


def collection(model: PanelModel, layer: str, values: dict[str, Any]) -> dict[str, Any]:
    """The GeoJSON of one overlay for the state's values (RequestError etc. when malformed)."""
    state = state_from(**values)
    report = model.report(state)
    empty: dict[str, Any] = {"type": "FeatureCollection", "features": []}
    if report is None:
        return empty
    tr = translator(state.lang)
    result = report_io.result_of(report)
    if layer == "gaps":
        return gap_collection(result, tr)
    frames = catchment_collections(cov.catchments(result, network=result.method.is_network), tr)
    return frames.get(layer == "hypothetical", empty)


def register_route(app: Dash, model: PanelModel) -> None:
    """Serve the overlays below the app's prefix and tell the model where they are."""
    prefix = app.config.routes_pathname_prefix
    model.overlay_base = str(app.get_relative_path("/" + ROUTE.split("<")[0]))  # type: ignore[no-untyped-call]

    def overlay(layer: str) -> Response:
        text = request.args.get("s", "")
        if layer not in LAYERS or not text or len(text) > MAX_QUERY:
            abort(400)
        try:
            values = json.loads(text)
            if not isinstance(values, dict):
                abort(400)
            data = collection(model, layer, values)
        except MALFORMED:
            abort(400)
        response = Response(
            json.dumps(data, ensure_ascii=False, separators=(",", ":")),
            mimetype="application/geo+json",
        )
        response.headers["Cache-Control"] = "private, max-age=600"  # the URL is the whole state
        response.headers["X-Content-Type-Options"] = "nosniff"
        return response

    app.server.add_url_rule(f"{prefix}{ROUTE}", "soja_planner_overlay", overlay)
