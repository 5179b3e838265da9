"""Content that the first screen does not show, drawn in the browser only when it is opened.

A phone spends most of the first load rendering components (React), not downloading them, and
most of the page's components are in the credits dialog and the list and planner tabs, which are
hidden until asked for (the planner's also start its callbacks at load). Their content still comes with the page (so it works with no network), but in a
``dcc.Store``; a clientside callback (``dash_clientside.sojaDefer.fill`` in assets/soja_boot.js)
moves it into its container the first time the dialog opens or the tab is chosen. Once filled,
the server's callbacks keep it up to date as before.
"""

from __future__ import annotations

import json
from typing import Any

from dash import Dash, Input, Output, State, dcc

from soja_map.web import ids
from soja_map.web.callbacks.clientside import clientside

# container id -> (the input that opens it, the clientside function that fills it when it does)
OPENED_BY: dict[str, tuple[Input, str]] = {
    ids.CREDITS_BODY: (Input(ids.CREDITS_OPEN, "n_clicks"), "whenClicked"),
    ids.PLACE_LIST: (Input(ids.VIEW_TABS, "value"), "whenList"),
    ids.COVERAGE_PANEL: (Input(ids.VIEW_TABS, "value"), "whenPlanner"),
}


def store_id(container: str) -> str:
    return f"{container}-deferred"


def as_data(content: Any) -> Any:
    """Components as the plain JSON Dash sends for them (a store's data may hold no component)."""
    return json.loads(json.dumps(content, default=lambda component: component.to_plotly_json()))


def holding(container: str, content: Any) -> dcc.Store:
    """The store that holds ``content`` for ``container`` until it is opened."""
    return dcc.Store(id=store_id(container), data=as_data(content))


def register(app: Dash) -> None:
    for container, (opener, function) in OPENED_BY.items():
        clientside(
            app,
            function,
            Output(container, "children", allow_duplicate=True),
            opener,
            State(store_id(container), "data"),
            State(container, "children"),
            namespace="sojaDefer",
            prevent_initial_call=True,
        )
