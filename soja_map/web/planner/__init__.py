"""The planner: choose facilities and a radius, see who is covered, where the gaps are, and what-if.

``ids`` (component ids), ``model`` (state, coverage, cache; no dash), ``views`` (pure functions from
the model and a Translator to components), ``layout`` and ``callbacks`` (a few lines each). The app
calls ``layout(data, lang)`` inside ``soja_map.web.ids.COVERAGE_PANEL`` and
``register_callbacks(app, data)``, and puts ``map_children()`` in ``soja_map.web.ids.COVERAGE_LAYER``.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from soja_map.web.planner.callbacks import register_callbacks
    from soja_map.web.planner.layout import layout
    from soja_map.web.planner.views import map_children

__all__ = ["layout", "map_children", "register_callbacks"]

# where each public name lives; loaded on first use, so that importing a light submodule (ids,
# link: the app's URL state reads them) does not pull in the callbacks and the whole web package
_HOME = {
    "register_callbacks": "soja_map.web.planner.callbacks",
    "layout": "soja_map.web.planner.layout",
    "map_children": "soja_map.web.planner.views",
}


def __getattr__(name: str) -> Any:
    if name in _HOME:
        return getattr(importlib.import_module(_HOME[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
