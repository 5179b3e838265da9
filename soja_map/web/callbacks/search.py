"""Search by name (width and kana insensitive, filters.search) and the jump list of towns and stations."""

from __future__ import annotations

from typing import Any

from dash import Dash, Input, Output, State, no_update

from soja_map.i18n import translator
from soja_map.web import ids, views
from soja_map.web.context import AppContext


def register(app: Dash, ctx: AppContext) -> None:
    @app.callback(
        Output(ids.SEARCH_HITS, "children"),
        Input(ids.SEARCH, "value"),
        State(ids.LANG_STORE, "data"),
        prevent_initial_call=True,
    )
    def show_hits(query: str | None, lang: str) -> Any:
        return views.search_view(ctx, query, translator(lang))

    @app.callback(
        Output(ids.MAP, "viewport", allow_duplicate=True),
        Input(ids.JUMP, "value"),
        prevent_initial_call=True,
    )
    def jump(value: str | None) -> Any:
        return views.jump_viewport(ctx, value) or no_update
