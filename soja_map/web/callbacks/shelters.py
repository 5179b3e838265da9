"""The shelter layer (show, choose a hazard, click a site) and the hazard overlays."""

from __future__ import annotations

from typing import Any

from dash import ALL, Dash, Input, Output, State, no_update
from dash import ctx as dash_ctx

from soja_map.i18n import translator
from soja_map.web import ids, shelters
from soja_map.web.context import AppContext


def register(app: Dash, ctx: AppContext) -> None:
    @app.callback(
        Output(ids.SHELTER_LAYER, "children"),
        Output(ids.SHELTER_COUNT, "children"),
        Input(ids.SHELTER_SHOW, "value"),
        Input(ids.SHELTER_CHOICE, "value"),
        State(ids.LANG_STORE, "data"),
        prevent_initial_call=True,  # the page opens with them drawn (shelters.shown_layer)
    )
    def show_shelters(show: list[str], choice: str, lang: str) -> Any:
        return shelters.shelter_layer(ctx.data, show, choice, translator(lang))

    @app.callback(
        Output(ids.SELECTED_STORE, "data", allow_duplicate=True),
        Input({"type": ids.SHELTER_MARK, "place": ALL}, "n_clicks"),
        prevent_initial_call=True,
    )
    def choose_site(_clicks: list[int]) -> Any:
        value = dash_ctx.triggered[0]["value"] if dash_ctx.triggered else None
        place = shelters.clicked_site(ctx.data, dash_ctx.triggered_id, value)
        return place or no_update

    @app.callback(
        Output(ids.HAZARD_GROUP, "children"),
        Output(ids.HAZARD_NOTICE, "children"),
        Input(ids.HAZARD_OVERLAYS, "value"),
        State(ids.LANG_STORE, "data"),
        prevent_initial_call=True,
    )
    def show_hazards(chosen: list[str], lang: str) -> Any:
        return shelters.hazard_view(ctx, chosen, translator(lang))
