"""Callbacks, one module per feature; each callback is a few lines over a pure function."""

from __future__ import annotations

from dash import Dash

from soja_map.web.callbacks import details as details
from soja_map.web.callbacks import filter as filter
from soja_map.web.callbacks import nearby as nearby
from soja_map.web.callbacks import page as page
from soja_map.web.callbacks import search as search
from soja_map.web.callbacks import shelters as shelters
from soja_map.web.callbacks import view as view
from soja_map.web.context import AppContext


def register_all(app: Dash, ctx: AppContext) -> None:
    for feature in (page, filter, details, search, nearby, view, shelters):
        feature.register(app, ctx)
