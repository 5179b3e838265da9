"""Search by name (width and kana insensitive, filters.search) and the jump list of towns and stations."""

from __future__ import annotations

import functools
from typing import Any

from dash import Dash, Input, Output, State, no_update

from soja_map.i18n import as_lang, translator
from soja_map.web import ids, views
from soja_map.web.context import AppContext
from soja_map.web.memo import bounded_memo

SEARCH_MEMO = 128  # queries kept per worker (about 55 kB each)


def search_hits(ctx: AppContext, query: str | None, lang: str) -> Any:
    return views.search_view(ctx, query, translator(lang))


def register(app: Dash, ctx: AppContext) -> None:
    hits_of = bounded_memo(functools.partial(search_hits, ctx), SEARCH_MEMO)

    @app.callback(
        Output(ids.SEARCH_HITS, "children"),
        Input(ids.SEARCH, "value"),
        State(ids.LANG_STORE, "data"),
        prevent_initial_call=True,
    )
    def show_hits(query: str | None, lang: str) -> Any:
        return hits_of(query, as_lang(lang))

    @app.callback(
        Output(ids.MAP, "viewport", allow_duplicate=True),
        Input(ids.JUMP, "value"),
        prevent_initial_call=True,
    )
    def jump(value: str | None) -> Any:
        return views.jump_viewport(ctx, value) or no_update
