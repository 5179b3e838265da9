"""The planner's callbacks: a few lines each over the pure functions of ``model`` and ``views``."""

from __future__ import annotations

import functools
import json
from typing import Any, Final

import dash
from dash import ALL, Input, Output, State
from dash.exceptions import PreventUpdate

from soja_map.data.dataset import Dataset
from soja_map.i18n import as_lang, translator
from soja_map.query.shelters import check_choice
from soja_map.web import ids as app_ids
from soja_map.web.callbacks.clientside import clientside
from soja_map.web.memo import bounded_memo, key_of
from soja_map.web.planner import access_view, ids
from soja_map.web.planner.chart import runtime_path, with_runtime
from soja_map.web.planner.link import MAX_SCENARIOS, after_event, scenario_named, scenarios_of
from soja_map.web.planner.model import PanelModel, next_whatif, state_from, sync_radius
from soja_map.web.planner.overlays import register_route
from soja_map.web.planner.scenarios import (
    comparison_view,
    download_name,
    scenario_options,
    status_view,
)
from soja_map.web.planner.views import (
    labels,
    removal_options,
    zone_collection,
    zones_to_send,
)

# the components the view depends on, by the name state_from() takes them
STATE: Final[dict[str, tuple[str, str]]] = {
    "source": (ids.SOURCE, "value"),
    "radius": (ids.RADIUS, "value"),
    "preset": (ids.PRESET, "value"),
    "by": (ids.BY, "value"),
    "layers": (ids.LAYERS, "value"),
    "whatif": (ids.WHATIF_STORE, "data"),
    "removed": (ids.REMOVE, "value"),
    "mode": (ids.MODE, "value"),
    "filter_data": (ids.FILTER, "data"),
    "lang": (app_ids.LANG_STORE, "data"),  # a State: a new language draws the panel anew
    "measure": (ids.MEASURE, "value"),
    "hazard": (ids.HAZARD, "value"),
}
LANGUAGE_OUTPUTS: Final = (
    Output(ids.TITLE, "children"),
    *(Output(i, "children") for i in ids.LABEL_IDS),
    Output(ids.SOURCE, "options"),
    Output(ids.SOURCE, "placeholder"),
    Output(ids.PRESET, "options"),
    Output(ids.BY, "options"),
    Output(ids.LAYERS, "options"),
    Output(ids.MODE, "options"),
    Output(ids.RESET, "children"),
    Output(ids.LEGEND, "children"),
    Output(ids.DOWNLOAD_LABEL, "children"),
)  # in the order of views.labels()
# what the shared link holds of the panel, by the name planner.link.link_of() takes it


def _inputs(props: dict[str, tuple[str, str]]) -> dict[str, Input | State]:
    """Inputs for the panel's own components, States for the app's (see ids.FILTER)."""
    return {
        name: (Input if prop[0].startswith(ids.PANEL_PREFIX) else State)(*prop)
        for name, prop in props.items()
    }


def _mirror(app: dash.Dash) -> None:
    """The app's filter and map clicks, copied into the panel when it is there (a callback whose
    output is not on the page does not run). The filter is copied when the panel appears too; a
    click only when one happens."""
    clientside(
        app,
        "mirror",
        Output(ids.FILTER, "data"),
        Input(app_ids.FILTER_STORE, "data"),
        namespace="sojaPlanner",
    )
    clientside(
        app,
        "mirror",
        Output(ids.MAP_CLICK, "data"),
        Input(app_ids.MAP, "clickData"),
        namespace="sojaPlanner",
        prevent_initial_call=True,
    )


SHOW_MEMO = 32  # panel states kept per worker (a town table and chart: about 300 kB each)
SHOW_KEY = 16_000  # a state with more what-if sites than this holds is drawn, not kept


def _shown(model: PanelModel, key: str) -> tuple[Any, ...]:
    """The panel's outputs for the state whose input values ``key`` holds (memo.key_of)."""
    state = state_from(**json.loads(key))
    return access_view.show(model, state, translator(state.lang))


def register_callbacks(app: dash.Dash, data: Dataset) -> PanelModel:
    """Wire the panel; the model (population grid, zones) is built once, on first use or by
    ``model.warm()`` (the app registers it to run before gunicorn forks)."""
    model = PanelModel(data)
    runtime = str(app.get_relative_path(runtime_path()))  # type: ignore[no-untyped-call]
    register_route(app, model)
    _mirror(app)
    show_of = bounded_memo(functools.partial(_shown, model), SHOW_MEMO, max_key_chars=SHOW_KEY)

    @app.callback(
        output=[
            Output(ids.ZONES, "hideout"),
            Output(ids.OVERLAYS, "children"),
            Output(ids.SUMMARY, "children"),
            Output(ids.TABLE, "children"),
            Output(ids.NOTE, "children"),
            Output(ids.CHART_DATA, "data"),
        ],
        inputs=_inputs(STATE),
    )
    def _show(**values: Any) -> tuple[Any, ...]:
        *outputs, chart_data = show_of(key_of(values))
        return (*outputs, with_runtime(chart_data, runtime))

    @app.callback(
        Output(ids.ZONES, "data"),
        Output(ids.ZONES_KIND, "data"),
        Input(ids.BY, "value"),
        Input(ids.SOURCE, "value"),
        State(ids.ZONES_KIND, "data"),
    )
    def _zones(by: Any, source: Any, loaded: Any) -> tuple[dict[str, Any], str]:
        kind = zones_to_send(by, source, loaded)
        if kind is None:
            raise PreventUpdate
        return zone_collection(model, kind), kind

    @app.callback(
        Output(ids.PRESET, "value"),
        Output(ids.RADIUS, "value"),
        Input(ids.PRESET, "value"),
        Input(ids.RADIUS, "value"),
        prevent_initial_call=True,
    )
    def _sync(preset: str | None, radius: float | None) -> tuple[str, float | None]:
        return sync_radius(dash.ctx.triggered_id, preset, radius)

    @app.callback(
        output=[Output(ids.WHATIF_STORE, "data"), Output(ids.REMOVE, "value")],
        inputs={
            "click": Input(ids.MAP_CLICK, "data"),
            "targets": Input({"type": ids.TARGET, "id": ALL}, "n_clicks"),
            "_reset": Input(ids.RESET, "n_clicks"),
            "source": Input(ids.SOURCE, "value"),
            "mode": State(ids.MODE, "value"),
            "store": State(ids.WHATIF_STORE, "data"),
            "removed": State(ids.REMOVE, "value"),
            "flt": State(app_ids.FILTER_STORE, "data"),
            "hazard": State(ids.HAZARD, "value"),
        },
        prevent_initial_call=True,
    )
    def _whatif(
        click: Any,
        targets: Any,
        _reset: Any,
        source: Any,
        mode: Any,
        store: Any,
        removed: Any,
        flt: Any,
        hazard: Any = None,
    ) -> Any:
        if isinstance(dash.ctx.triggered_id, dict) and not dash.ctx.triggered[0]["value"]:
            raise PreventUpdate  # a target drawn anew, not clicked
        facilities = model.facilities(source, flt, check_choice(hazard))
        added = (store or {}).get("add")
        adds, removes = next_whatif(dash.ctx.triggered_id, click, mode, added, removed, facilities)
        return {"add": adds}, removes

    @app.callback(
        Output(ids.REMOVE, "options"),
        Input(ids.SOURCE, "value"),
        Input(ids.FILTER, "data"),
        Input(ids.HAZARD, "value"),
    )
    def _removable(source: Any, flt: Any, hazard: Any = None) -> list[dict[str, str]]:
        return removal_options(model.facilities(source, flt, check_choice(hazard)))

    labels_in = bounded_memo(lambda lang: labels(data, translator(lang)), 2)

    @app.callback(*LANGUAGE_OUTPUTS, Input(app_ids.LANG_STORE, "data"))
    def _language(lang: Any) -> tuple[Any, ...]:
        return labels_in(as_lang(lang))  # type: ignore[no-any-return]

    @app.callback(
        Output(ids.DOWNLOAD, "data"),
        inputs={
            "_clicks": [Input(i, "n_clicks") for i in ids.DOWNLOAD_FORMATS],
            "scenarios": State(ids.SCENARIOS, "data"),
            "active": State(ids.SCENARIO_ACTIVE, "value"),
            **{name: State(*prop) for name, prop in STATE.items()},
        },
        prevent_initial_call=True,
    )
    def _download(_clicks: Any, scenarios: Any, active: Any, **values: Any) -> Any:
        state, fmt = state_from(**values), ids.DOWNLOAD_FORMATS[str(dash.ctx.triggered_id)]
        tr, name = translator(state.lang), download_name(scenarios_of(scenarios), active, state)
        return access_view.download(model, state, fmt, tr, scenario=name)

    register_scenario_callbacks(app, model)
    _register_second_edition(app, data)
    return model


def register_scenario_callbacks(app: dash.Dash, model: PanelModel) -> None:
    """Named what-ifs: the list (the link's, then this browser's), showing one, comparing two."""

    @app.callback(
        output={
            "scenarios": Output(ids.SCENARIOS, "data"),
            "local": Output(ids.SCENARIOS_LOCAL, "data"),
            "active_options": Output(ids.SCENARIO_ACTIVE, "options"),
            "vs_options": Output(ids.SCENARIO_VS, "options"),
            "active": Output(ids.SCENARIO_ACTIVE, "value"),
            "vs": Output(ids.SCENARIO_VS, "value"),
            "status": Output(ids.SCENARIO_STATUS, "children"),
        },
        inputs={
            "_save": Input(ids.SCENARIO_SAVE, "n_clicks"),
            "_delete": Input(ids.SCENARIO_DELETE, "n_clicks"),
            "_read": Input(ids.SCENARIOS_LOCAL, "modified_timestamp"),
            "scenarios": State(ids.SCENARIOS, "data"),
            "local": State(ids.SCENARIOS_LOCAL, "data"),
            "name": State(ids.SCENARIO_NAME, "value"),
            "whatif": State(ids.WHATIF_STORE, "data"),
            "removed": State(ids.REMOVE, "value"),
            "active": State(ids.SCENARIO_ACTIVE, "value"),
            "vs": State(ids.SCENARIO_VS, "value"),
            "lang": State(app_ids.LANG_STORE, "data"),
        },
    )
    def _scenario_list(_save: Any, _delete: Any, _read: Any, **values: Any) -> dict[str, Any]:
        lang = values.pop("lang")
        result, write = after_event(dash.ctx.triggered_id, **values)
        if not write and result.to_store() == values["scenarios"] and result.problem is None:
            raise PreventUpdate  # nothing new in the browser's copy
        options = scenario_options(result.scenarios)
        return {
            "scenarios": result.to_store(),
            "local": result.to_store() if write else dash.no_update,
            "active_options": options,
            "vs_options": options,
            "active": result.active,
            "vs": result.vs,
            "status": status_view(result, translator(lang), MAX_SCENARIOS),
        }

    @app.callback(
        Output(ids.WHATIF_STORE, "data", allow_duplicate=True),
        Output(ids.REMOVE, "value", allow_duplicate=True),
        Input(ids.SCENARIO_ACTIVE, "value"),
        State(ids.SCENARIOS, "data"),
        prevent_initial_call=True,
    )
    def _show_scenario(active: Any, scenarios: Any) -> Any:
        scenario = scenario_named(scenarios_of(scenarios), active)
        if scenario is None:
            raise PreventUpdate
        return {"add": [list(p) for p in scenario.added]}, list(scenario.removed)

    @app.callback(
        Output(ids.COMPARISON, "children"),
        inputs={
            "names": [Input(ids.SCENARIO_ACTIVE, "value"), Input(ids.SCENARIO_VS, "value")],
            "scenarios": Input(ids.SCENARIOS, "data"),
            **_inputs({n: STATE[n] for n in ("source", "radius", "preset", "by", "filter_data")}),
            "lang": State(app_ids.LANG_STORE, "data"),
        },
    )
    def _compare(names: Any, scenarios: Any, **values: Any) -> Any:
        state, pair = state_from(**values), (names[0], names[1])
        return comparison_view(model, state, scenarios_of(scenarios), pair, translator(state.lang))


def _register_second_edition(app: dash.Dash, data: Dataset) -> None:
    """The measure and hazard choices' words, the hazard choice shown for shelters only, and the
    chart drawn in the browser from its store."""
    clientside(
        app,
        "chart",
        Output(ids.CHART, "children"),
        Input(ids.CHART_DATA, "data"),
        namespace="sojaPlanner",
    )

    @app.callback(
        Output(ids.HAZARD_BOX, "hidden"),
        Output(ids.HAZARD, "options"),
        Output(ids.HAZARD_POINTER, "children"),
        Output(ids.MEASURE, "options"),
        *(Output(i, "children") for i in ids.EXTRA_LABELS),
        Input(ids.SOURCE, "value"),
        State(app_ids.LANG_STORE, "data"),
    )
    def _second(source: Any, lang: Any) -> tuple[Any, ...]:
        tr = translator(lang)
        extra = (tr(key) for key in ids.EXTRA_LABELS.values())
        return (*access_view.hazard_view(source, data, tr), access_view.measure_options(tr), *extra)
