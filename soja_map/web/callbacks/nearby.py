"""Near a point: the map click, the browser's location or a town, and the nearest place of each category."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from dash import Dash, Input, Output, State, no_update
from dash import ctx as dash_ctx

from soja_map.i18n import Translator, translator
from soja_map.query.filters import Filter
from soja_map.web import ids, views
from soja_map.web.callbacks.clientside import clientside
from soja_map.web.context import AppContext

UNCHANGED = object()


def near_for(
    ctx: AppContext,
    trigger: Any,
    *,
    click: Mapping[str, Any] | None = None,
    town: str | None = None,
    geo: Mapping[str, Any] | None = None,
    view: str | None = None,
    tr: Translator,
) -> Any:
    """The new nearby origin ({"lat", "lon", "label"} or {"error"}), None to clear, or UNCHANGED.

    A map click sets the origin only while the nearby view is open (otherwise clicks browse).
    """
    if trigger == ids.MAP:
        return views.near_from_click(click, tr) if view == "nearby" else UNCHANGED
    if trigger == ids.NEAR_TOWN:
        return views.near_from_town(ctx, town)
    if trigger == ids.GEO_STORE:
        error = views.geolocation_error(geo, tr)
        return {"error": error} if error else views.near_from_geolocation(geo, tr)
    if trigger == ids.NEAR_CLEAR:
        return None
    return UNCHANGED


def register(app: Dash, ctx: AppContext) -> None:
    # the browser asks for the position only when the button is pressed (a Promise in the JS)
    clientside(
        app,
        "locate",
        Output(ids.GEO_STORE, "data"),
        Input(ids.NEAR_LOCATE, "n_clicks"),
        prevent_initial_call=True,
    )

    @app.callback(
        Output(ids.NEAR_STORE, "data"),
        Input(ids.MAP, "clickData"),
        Input(ids.NEAR_TOWN, "value"),
        Input(ids.GEO_STORE, "data"),
        Input(ids.NEAR_CLEAR, "n_clicks"),
        State(ids.VIEW_TABS, "value"),
        State(ids.LANG_STORE, "data"),
        prevent_initial_call=True,
    )
    def set_origin(click: Any, town: Any, geo: Any, _clear: int, view: str, lang: str) -> Any:
        near = near_for(
            ctx,
            dash_ctx.triggered_id,
            click=click,
            town=town,
            geo=geo,
            view=view,
            tr=translator(lang),
        )
        return no_update if near is UNCHANGED else near

    @app.callback(
        Output(ids.NEAR_RESULTS, "children"),
        Output(ids.NEARBY_LAYER, "children"),
        Output(ids.MAP, "viewport", allow_duplicate=True),
        Input(ids.NEAR_STORE, "data"),
        Input(ids.FILTER_STORE, "data"),
        State(ids.LANG_STORE, "data"),
        prevent_initial_call=True,
    )
    def show_nearby(near: Any, filter_data: dict[str, Any], lang: str) -> Any:
        nv = views.nearby_view(ctx, Filter.from_dict(filter_data), near, translator(lang))
        moved = dash_ctx.triggered_id == ids.NEAR_STORE and nv.viewport is not None
        return nv.results, nv.layer, nv.viewport if moved else no_update
