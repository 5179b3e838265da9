"""The planner: choose facilities and a radius, see who is covered, where the gaps are, and what-if.

``ids`` (component ids), ``model`` (state, coverage, cache; no dash), ``views`` (pure functions from
the model and a Translator to components), ``layout`` and ``callbacks`` (a few lines each). The app
calls ``layout(data, lang)`` inside ``soja_map.web.ids.COVERAGE_PANEL`` and
``register_callbacks(app, data)``, and puts ``map_children()`` in ``soja_map.web.ids.COVERAGE_LAYER``.
"""

from soja_map.web.planner.callbacks import register_callbacks
from soja_map.web.planner.layout import layout
from soja_map.web.planner.views import map_children

__all__ = ["layout", "map_children", "register_callbacks"]
