"""The planner: choose facilities and a radius, see who is covered, where the gaps are, and what-if.

``ids`` (component ids), ``model`` (state, coverage, cache; no dash), ``views`` (pure functions from
the model and a Translator to components), ``layout`` and ``callbacks`` (a few lines each). The app
calls ``layout.layout(data, lang)`` inside ``soja_map.web.ids.COVERAGE_PANEL`` and
``register_callbacks(app, data)``, and puts ``map_children()`` in ``soja_map.web.ids.COVERAGE_LAYER``.
"""

# The parts are imported from their modules (``planner.layout.layout``, ``planner.views.map_children``,
# ``planner.callbacks.register_callbacks``): this package imports nothing, so that reading a light
# submodule (ids, link: the app's URL state uses them) never pulls in the callbacks.
