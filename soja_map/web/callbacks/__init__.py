"""Callbacks, one module per feature; each callback is a few lines over a pure function.

The feature modules are imported by ``register_all``, not here: pages, views and the planner
import the light helper ``clientside`` from this package, and an eager import of every feature
would make each of them depend on all the others (an import cycle through web.layout/web.state).
"""

from __future__ import annotations

import importlib

from dash import Dash

from soja_map.web.context import AppContext

FEATURES = ("page", "filter", "details", "search", "nearby", "view", "shelters")


def register_all(app: Dash, ctx: AppContext) -> None:
    for name in FEATURES:
        importlib.import_module(f"soja_map.web.callbacks.{name}").register(app, ctx)
