"""Choosing a place (marker, line, list, search, nearby) and its details card."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from dash import ALL, Dash, Input, Output, State, no_update
from dash import ctx as dash_ctx

from soja_map.i18n import as_lang
from soja_map.query.card import has_card
from soja_map.query.filters import Filter
from soja_map.web import ids, views
from soja_map.web.callbacks.clientside import clientside
from soja_map.web.context import AppContext


@dataclass(frozen=True)
class Selection:
    """The outcome of a click: the place now chosen (None: none) and where to move the map."""

    changed: bool
    place: str | None = None
    viewport: dict[str, Any] | None = None


UNCHANGED = Selection(changed=False)


def selection_for(
    ctx: AppContext,
    trigger: Any,
    value: Any,
    *,
    clicked: Mapping[str, Any] | None = None,
    query: str | None = None,
) -> Selection:
    """What a click or key press chooses.

    Map clicks (``trigger`` is a layer id, ``clicked`` the feature) choose without moving the map;
    a name in the list, search results or nearby list (a PLACE_LINK id) and Enter in the search box
    choose and zoom to the place; the close button clears the choice. Clusters choose nothing.
    """
    if trigger in (ids.POINTS_LAYER, ids.SHAPES_LAYER):
        props = (clicked or {}).get("properties") or {}
        place = props.get("id")
        if props.get("cluster") or place not in ctx.data.places.index:
            return UNCHANGED
        return Selection(True, str(place))
    if trigger == ids.DETAILS_CLOSE:
        return Selection(True, None) if value else UNCHANGED
    if trigger == ids.SEARCH:
        place = views.best_hit(ctx, query)
        return Selection(True, place, views.place_viewport(ctx, place)) if place else UNCHANGED
    if isinstance(trigger, Mapping) and trigger.get("type") == ids.PLACE_LINK and value:
        place = str(trigger.get("place"))
        if has_card(ctx.data, place):  # a place or a shelter-only site
            return Selection(True, place, views.place_viewport(ctx, place))
    return UNCHANGED


def pressed_link(pressed: Any) -> tuple[dict[str, Any] | None, int]:
    """The PLACE_LINK id and press count that LINK_PRESSED holds ({"place", "src", "n"}); (None, 0)
    for anything else."""
    if not isinstance(pressed, Mapping) or not isinstance(pressed.get("place"), str):
        return None, 0
    n = pressed.get("n")
    link = {"type": ids.PLACE_LINK, "place": pressed["place"], "src": str(pressed.get("src"))}
    return link, n if isinstance(n, int) and not isinstance(n, bool) else 0


def register(app: Dash, ctx: AppContext) -> None:
    # A name pressed in the list, the search results or the nearby list reaches the server through
    # LINK_PRESSED: the browser fills it only on a press (assets/soja_map.js, linkPressed). Listening
    # to every PLACE_LINK here instead would cost a round trip each time a list is drawn, since Dash
    # calls a pattern-matching callback when matching components appear.
    clientside(
        app,
        "linkPressed",
        Output(ids.LINK_PRESSED, "data"),
        Input({"type": ids.PLACE_LINK, "place": ALL, "src": ALL}, "n_clicks"),
        prevent_initial_call=True,
    )

    @app.callback(
        Output(ids.SELECTED_STORE, "data"),
        Output(ids.MAP, "viewport", allow_duplicate=True),
        Input(ids.POINTS_LAYER, "n_clicks"),
        Input(ids.SHAPES_LAYER, "n_clicks"),
        Input(ids.LINK_PRESSED, "data"),
        Input(ids.DETAILS_CLOSE, "n_clicks"),
        Input(ids.SEARCH, "n_submit"),
        State(ids.POINTS_LAYER, "clickData"),
        State(ids.SHAPES_LAYER, "clickData"),
        State(ids.SEARCH, "value"),
        prevent_initial_call=True,
    )
    def choose(*args: Any) -> Any:
        trigger = dash_ctx.triggered_id
        clicked = args[5] if trigger == ids.POINTS_LAYER else args[6]
        value = dash_ctx.triggered[0]["value"] if dash_ctx.triggered else None
        if trigger == ids.LINK_PRESSED:
            trigger, value = pressed_link(args[2])
        chosen = selection_for(ctx, trigger, value, clicked=clicked, query=args[7])
        return (chosen.place, chosen.viewport or no_update) if chosen.changed else (no_update,) * 2

    @app.callback(
        Output(ids.DETAILS_BODY, "children"),
        Output(ids.DETAILS, "hidden"),
        Output(ids.SELECTION_LAYER, "children"),
        Input(ids.SELECTED_STORE, "data"),
        Input(ids.FILTER_STORE, "data"),
        State(ids.LANG_STORE, "data"),
        prevent_initial_call=True,
    )
    def show_details(place: str | None, filter_data: dict[str, Any], lang: str) -> Any:
        card = views.details_view(ctx, Filter.from_dict(filter_data), place, as_lang(lang))
        return card, card is None, views.selection_children(ctx, place)
