"""The page from the URL's state (first load, back/forward) and the language switch."""

from __future__ import annotations

from typing import Any

from dash import Dash, Input, Output, State, no_update

from soja_map.i18n import as_lang, other_lang
from soja_map.web import ids
from soja_map.web.callbacks.clientside import clientside
from soja_map.web.context import AppContext
from soja_map.web.layout import page, state_of
from soja_map.web.state import encode_search


def switched_language(
    ctx: AppContext, current: str | None, loaded: str | None, lang: str | None
) -> str:
    """The query string of the current state in the other language (``current`` is the URL the
    state was last written to; before any change it is the URL the page was loaded from)."""
    state = state_of(ctx, current if current is not None else loaded)
    return encode_search(
        state.with_(lang=other_lang(as_lang(lang))), lang=as_lang(ctx.settings.language)
    )


def register(app: Dash, ctx: AppContext) -> None:
    # the first layout already holds the page for the URL it was asked from (layout.first_layout):
    # the page is rendered here only when the URL asks for another one (back/forward, language)
    clientside(
        app,
        "pageWanted",
        Output(ids.PAGE_REQUEST, "data"),
        Input(ids.URL, "search"),
        State(ids.PAGE_FOR, "data"),
        namespace="sojaPage",
    )

    @app.callback(
        Output(ids.PAGE, "children"),
        Output(ids.PAGE_FOR, "data"),
        Input(ids.PAGE_REQUEST, "data"),
        prevent_initial_call=True,
    )
    def render_page(wanted: dict[str, Any]) -> Any:
        search = (wanted or {}).get("search") or ""
        return page(ctx, state_of(ctx, search)), search.lstrip("?")

    @app.callback(
        Output(ids.URL, "href"),
        Output(ids.URL, "search"),
        Input(ids.LANG_TOGGLE, "n_clicks"),
        State(ids.URL_TARGET, "data"),
        State(ids.URL, "search"),
        State(ids.URL, "pathname"),
        State(ids.LANG_STORE, "data"),
        prevent_initial_call=True,
    )
    def toggle_language(
        clicks: int, current: str | None, loaded: str | None, path: str | None, lang: str
    ) -> Any:
        # also called when the page (and the button) is rendered: only a press switches
        if not clicks:
            return no_update, no_update
        search = switched_language(ctx, current, loaded, lang)
        # dcc.Location pushes `href` when it is given (its own copy may predate replaceState)
        return f"{path or '/'}{search}", search
