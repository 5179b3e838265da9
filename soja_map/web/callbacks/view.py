"""The map's view, the shareable URL, the phone panel, the document language and the credits."""

from __future__ import annotations

from typing import Any

from dash import Dash, Input, Output, State
from dash import ctx as dash_ctx

from soja_map.config import BASEMAPS
from soja_map.i18n import LANGS, as_lang, translator
from soja_map.web import ids
from soja_map.web.callbacks.clientside import clientside
from soja_map.web.context import AppContext
from soja_map.web.planner.ids import LINK as PLANNER_LINK
from soja_map.web.planner.link import PlannerLink, link_of
from soja_map.web.shelters import shown_choice
from soja_map.web.state import current_state, encode_search


def basemap_key(name: str | None) -> str | None:
    """The basemap key of a LayersControl base layer name (in either language)."""
    for key in BASEMAPS:
        if any(name == translator(lang)(f"basemap_{key}") for lang in LANGS):
            return key
    return None


def planner_link(ctx: AppContext, values: Any) -> PlannerLink:
    """The planner's part of the link from its components' values (in the order of PLANNER_LINK)."""
    named = dict(zip(PLANNER_LINK, values, strict=True))
    return link_of(**named, plan=ctx.data.plan, known=ctx.data.places.index)


def credits_hidden(trigger: Any) -> bool:
    return bool(trigger != ids.CREDITS_OPEN)


def register(app: Dash, ctx: AppContext) -> None:
    default_lang = as_lang(ctx.settings.language)

    clientside(
        app,
        "viewStore",
        Output(ids.VIEW_STORE, "data"),
        Input(ids.MAP, "zoom"),
        Input(ids.MAP, "center"),
        Input(ids.MAP, "bounds"),
        prevent_initial_call=True,
    )

    base_input = [Input(ids.BASE_LAYERS, "baseLayer")] if ctx.settings.tiles else []

    @app.callback(
        Output(ids.URL_TARGET, "data"),
        Input(ids.FILTER_STORE, "data"),
        Input(ids.SELECTED_STORE, "data"),
        Input(ids.VIEW_STORE, "data"),
        Input(ids.NEAR_STORE, "data"),
        Input(ids.REFERENCES, "value"),
        Input(ids.VIEW_TABS, "value"),
        Input(ids.SHELTER_SHOW, "value"),
        Input(ids.SHELTER_CHOICE, "value"),
        *base_input,
        # the planner's panel is drawn only once its tab is opened (web/deferred.py); until then
        # its values are None, which planner_link reads as the default settings
        *(Input(*prop, allow_optional=True) for prop in PLANNER_LINK.values()),
        State(ids.LANG_STORE, "data"),
        prevent_initial_call=True,
    )
    def url_target(*args: Any) -> str:
        flt, place, view, near, refs, tab, show, choice = args[:8]
        basemap = basemap_key(args[8]) if ctx.settings.tiles else None
        planner = planner_link(ctx, args[8 + len(base_input) : -1])
        state = current_state(
            filter_data=flt,
            place=place,
            view_store=view,
            near=near if near and "lat" in near else None,
            references=refs,
            basemap=basemap,
            view=tab,
            lang=args[-1],
            shelters=shown_choice(show, choice),
            planner=planner,
        )
        return encode_search(state, lang=default_lang)

    # history.replaceState: the address bar follows the state without a history entry per pan
    clientside(
        app,
        "replaceUrl",
        Input(ids.URL_TARGET, "data"),
        prevent_initial_call=True,
    )
    # <html lang> and the tab's title follow the page when it is rendered again (the language
    # switch); the page the browser loads has them already (web/first_paint.py)
    clientside(
        app,
        "setDocumentLanguage",
        Input(ids.PAGE, "children"),
        State(ids.LANG_STORE, "data"),
        prevent_initial_call=True,
    )
    clientside(
        app,
        "foldOnPhones",
        Output(ids.LEGEND_BOX, "open"),
        Input(ids.PAGE, "children"),
    )
    clientside(
        app,
        "keepLegendSections",
        Input(ids.LEGEND, "children"),
        prevent_initial_call=True,
    )
    clientside(
        app,
        "shellClass",
        Output(ids.SHELL, "className"),
        Output(ids.PANEL_TOGGLE, "aria-expanded"),
        Input(ids.PANEL_TOGGLE, "n_clicks"),
        Input(ids.SELECTED_STORE, "data"),
        Input(ids.VIEW_TABS, "value"),
        State(ids.SHELL, "className"),
        prevent_initial_call=True,
    )

    @app.callback(
        Output(ids.CREDITS, "hidden"),
        Input(ids.CREDITS_OPEN, "n_clicks"),
        Input(ids.CREDITS_CLOSE, "n_clicks"),
        prevent_initial_call=True,
    )
    def toggle_credits(_open: int, _close: int) -> bool:
        return credits_hidden(dash_ctx.triggered_id)
