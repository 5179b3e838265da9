"""The project / policy / measure / category filter: controls -> FILTER_STORE -> map, counts, legend, list."""

from __future__ import annotations

import functools
from typing import Any

from dash import (
    ALL,
    Dash,
    Input,
    Output,
    State,
    no_update,
)
from dash import (
    ctx as dash_ctx,
)

from soja_map.i18n import as_lang, translator
from soja_map.query.filters import Filter
from soja_map.web import ids, views
from soja_map.web.callbacks.clientside import clientside
from soja_map.web.context import AppContext
from soja_map.web.memo import bounded_memo
from soja_map.web.static_html import as_static


def controls_for(
    ctx: AppContext, trigger: Any, projects: list[str] | None
) -> tuple[list[str], list[str], list[str], list[str], Any] | None:
    """New (projects, policies, measures, categories, search text) after "reset" or "show this
    measure" (which leaves the search box as it is)."""
    plan = ctx.data.plan
    everything = [p.id for p in plan.projects]
    if trigger == ids.RESET:
        return everything, [], [], [], ""
    if isinstance(trigger, dict) and trigger.get("type") == ids.MEASURE_LINK:
        measure = str(trigger["measure"])
        if measure not in plan.measures:
            return None
        project = plan.project_of_measure[measure]
        ticked = list(projects or [])
        if project not in ticked:
            ticked = [p for p in everything if p in {*ticked, project}]
        return ticked, [], [measure], [], no_update
    return None


PANEL_MEMO = 128  # filter states kept per worker (about 115 kB each)
LIST_MEMO = 64  # list pages kept per worker (about 200 kB each)


def panel(ctx: AppContext, flt: Filter, references: tuple[str, ...], lang: str) -> tuple[Any, ...]:
    """The panel's outputs for a filter: summary, the four option lists, notes and legend."""
    fv = views.filter_view(ctx, flt, references, translator(lang))
    return (
        fv.summary,
        fv.project_options,
        fv.policy_options,
        fv.measure_options,
        fv.category_options,
        fv.measure_note,
        fv.city_wide,
        as_static(fv.legend),
    )


def place_list(ctx: AppContext, flt: Filter, page: int, place: str | None, lang: str) -> Any:
    return views.list_view(ctx, flt, page, place, translator(lang))


def register(app: Dash, ctx: AppContext) -> None:
    plan = ctx.data.plan
    panel_of = bounded_memo(functools.partial(panel, ctx), PANEL_MEMO)
    list_of = bounded_memo(functools.partial(place_list, ctx), LIST_MEMO)

    @app.callback(
        Output(ids.FILTER_STORE, "data"),
        Input(ids.PROJECTS, "value"),
        Input(ids.POLICIES, "value"),
        Input(ids.MEASURES, "value"),
        Input(ids.CATEGORIES, "value"),
        Input(ids.SEARCH, "value"),
        State(ids.FILTER_STORE, "data"),
        prevent_initial_call=True,
    )
    def set_filter(
        projects: list[str],
        policies: list[str],
        measures: list[str],
        categories: list[str],
        text: str | None,
        previous: dict[str, Any] | None,
    ) -> Any:
        new = views.filter_from_controls(
            plan, projects, policies, measures, categories, previous, text or ""
        )
        return no_update if new == Filter.from_dict(previous) else new.to_dict()

    # the map draws the filtered places; the filter runs in the browser (assets/soja_map.js, the
    # same predicate as filters.mask) and the result replaces GeoJSON.data, so the cluster index
    # is rebuilt from exactly the places shown (dash-leaflet issue #274)
    clientside(
        app,
        "filterPlaces",
        Output(ids.POINTS_LAYER, "data"),
        Output(ids.SHAPES_LAYER, "data"),
        Output(ids.POINTS_LAYER, "superClusterOptions"),
        Input(ids.FILTER_STORE, "data"),
        State(ids.PLACES_SRC, "data"),
        State(ids.POINTS_LAYER, "superClusterOptions"),
    )

    @app.callback(
        Output(ids.SUMMARY, "children"),
        Output(ids.PROJECTS, "options"),
        Output(ids.POLICIES, "options"),
        Output(ids.MEASURES, "options"),
        Output(ids.CATEGORIES, "options"),
        Output(ids.MEASURE_NOTE, "children"),
        Output(ids.CITY_WIDE, "children"),
        Output(ids.LEGEND, "children"),
        Input(ids.FILTER_STORE, "data"),
        Input(ids.REFERENCES, "value"),
        State(ids.LANG_STORE, "data"),
        prevent_initial_call=True,
    )
    def update_panel(filter_data: dict[str, Any], references: list[str], lang: str) -> Any:
        return panel_of(Filter.from_dict(filter_data), tuple(references or ()), as_lang(lang))

    @app.callback(
        Output(ids.MAP, "viewport", allow_duplicate=True),
        Input(ids.MEASURES, "value"),
        State(ids.PROJECTS, "value"),
        State(ids.POLICIES, "value"),
        State(ids.CATEGORIES, "value"),
        prevent_initial_call=True,
    )
    def fit_to_measures(
        measures: list[str], projects: list[str], policies: list[str], categories: list[str]
    ) -> Any:
        flt = views.filter_from_controls(plan, projects, policies, measures, categories)
        return views.measure_viewport(ctx, flt) or no_update

    @app.callback(
        Output(ids.PROJECTS, "value"),
        Output(ids.POLICIES, "value"),
        Output(ids.MEASURES, "value"),
        Output(ids.CATEGORIES, "value"),
        Output(ids.SEARCH, "value"),
        Input(ids.RESET, "n_clicks"),
        Input({"type": ids.MEASURE_LINK, "measure": ALL}, "n_clicks"),
        State(ids.PROJECTS, "value"),
        prevent_initial_call=True,
    )
    def set_controls(_reset: int, _clicks: list[int], projects: list[str]) -> Any:
        if not dash_ctx.triggered or not dash_ctx.triggered[0]["value"]:
            return (no_update,) * 5
        return controls_for(ctx, dash_ctx.triggered_id, projects) or (no_update,) * 5

    @app.callback(
        Output(ids.REFERENCE_GROUP, "children"),
        Input(ids.REFERENCES, "value"),
        State(ids.LANG_STORE, "data"),
        prevent_initial_call=True,
    )
    def show_references(references: list[str], lang: str) -> Any:
        return views.reference_children(ctx, references or [], translator(lang))

    @app.callback(
        Output(ids.LIST_PAGE, "data"),
        Input(ids.LIST_PREV, "n_clicks"),
        Input(ids.LIST_NEXT, "n_clicks"),
        Input(ids.FILTER_STORE, "data"),
        State(ids.LIST_PAGE, "data"),
        prevent_initial_call=True,
    )
    def turn_page(_prev: int, _next: int, filter_data: dict[str, Any], page: int) -> int:
        delta = {ids.LIST_PREV: -1, ids.LIST_NEXT: 1}.get(str(dash_ctx.triggered_id))
        if delta is None:
            return 0
        n_rows = len(views.shown_places(ctx, Filter.from_dict(filter_data)))
        return views.list_page(page, delta, n_rows)

    @app.callback(
        Output(ids.PLACE_LIST, "children"),
        Input(ids.FILTER_STORE, "data"),
        Input(ids.LIST_PAGE, "data"),
        Input(ids.SELECTED_STORE, "data"),
        State(ids.LANG_STORE, "data"),
        prevent_initial_call=True,
    )
    def update_list(filter_data: dict[str, Any], page: int, place: str | None, lang: str) -> Any:
        return list_of(Filter.from_dict(filter_data), page or 0, place, as_lang(lang))
