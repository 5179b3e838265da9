"""Component ids of the planner panel (all "cov-"); the app's own ids are in ``soja_map.web.ids``."""

from __future__ import annotations

from typing import Final

PANEL_PREFIX: Final = "cov-"  # every id of the planner (its panel, its layers on the map) starts so
ROOT: Final = "cov-root"
TITLE: Final = "cov-title"
SOURCE: Final = "cov-source"
PRESET: Final = "cov-preset"
RADIUS: Final = "cov-radius"
BY: Final = "cov-by"
LAYERS: Final = "cov-layers"
MODE: Final = "cov-mode"
REMOVE: Final = "cov-remove"
RESET: Final = "cov-reset"
WHATIF_STORE: Final = "cov-whatif-store"
# The panel is drawn only when its tab is opened (web/deferred.py), so no callback of the panel
# listens to a component outside it: the app's filter and map clicks are mirrored into these
FILTER: Final = "cov-filter"
MAP_CLICK: Final = "cov-map-click"
SUMMARY: Final = "cov-summary"
LEGEND: Final = "cov-legend"
TABLE: Final = "cov-table"
NOTE: Final = "cov-note"
DOWNLOAD: Final = "cov-download"
DOWNLOAD_LABEL: Final = "cov-dl-label"
DL_CSV: Final = "cov-dl-csv"
DL_XLSX: Final = "cov-dl-xlsx"
DL_JSON: Final = "cov-dl-json"
DOWNLOAD_FORMATS: Final = {DL_CSV: "csv", DL_XLSX: "xlsx", DL_JSON: "json"}
CITY_COVERED: Final = "cov-city-covered"
WHATIF_CHANGE: Final = "cov-whatif-change"
WHATIF_LIST: Final = "cov-whatif-list"
ZONES: Final = "cov-zones"  # the choropleth: geometry once per zone kind, classes in its hideout
ZONES_KIND: Final = "cov-zones-kind"  # dcc.Store: the zone kind whose geometry ZONES holds ("")
OVERLAYS: Final = "cov-overlays"  # gaps, catchments, what-if markers and targets
TARGET: Final = "cov-target"  # pattern-matching type of the clickable facility targets
TARGET_PANE: Final = "cov-targets"  # a map pane above the place markers (clicks reach it first)

# label id -> message key of its words
LABELS: Final = {
    "cov-label-source": "planner_label_source",
    "cov-label-radius": "planner_label_radius",
    "cov-label-by": "planner_label_by",
    "cov-label-layers": "planner_label_layers",
    "cov-label-whatif": "planner_label_whatif",
    "cov-label-remove": "planner_label_remove",
    "cov-label-whatif-limit": "planner_whatif_limit",
}
LABEL_IDS: Final = tuple(LABELS)

# -- scenarios: named what-ifs kept in the browser and the link, two compared side by side --------
SCENARIOS: Final = "cov-scenarios"  # dcc.Store: the saved scenarios (from the link, then kept)
SCENARIOS_LOCAL: Final = "cov-scenarios-local"  # dcc.Store(storage_type="local"): this browser's
SCENARIO_NAME: Final = "cov-scenario-name"
SCENARIO_SAVE: Final = "cov-scenario-save"
SCENARIO_DELETE: Final = "cov-scenario-delete"
SCENARIO_ACTIVE: Final = "cov-scenario-active"  # the scenario shown (its what-if is loaded)
SCENARIO_VS: Final = "cov-scenario-vs"  # the scenario compared with the active one
SCENARIO_STATUS: Final = "cov-scenario-status"
COMPARISON: Final = "cov-comparison"

# -- second edition: chart, capacity against demand (2SFCA), shelters by hazard ------------------
CHART: Final = (
    "cov-chart"  # a Div: the dcc.Graph is put in it once there are results (plotly lazily)
)
CHART_GRAPH: Final = "cov-chart-graph"
CHART_DATA: Final = "cov-chart-data"  # dcc.Store: the Graph's props, drawn by planner.js
MEASURE: Final = "cov-measure"  # coverage | access (model.MEASURE_CHOICES)
HAZARD_BOX: Final = "cov-hazard-box"  # shown when the facilities are the shelter sites
HAZARD: Final = "cov-hazard"  # query.shelters choice: all, shelter, a hazard id
HAZARD_POINTER: Final = "cov-hazard-pointer"
ACCESS_TABLE: Final = "cov-access-table"  # prefix of the 2SFCA table's id (cov-access-table-<by>)
UTILISATION: Final = "cov-utilisation"
EXTRA_LABELS: Final = {
    "cov-label-measure": "planner_label_measure",
    "cov-label-hazard": "planner_label_hazard",
}

# the planner's part of the shared link: link field -> the component property holding it
LINK: Final[dict[str, tuple[str, str]]] = {
    "source": (SOURCE, "value"),
    "preset": (PRESET, "value"),
    "radius": (RADIUS, "value"),
    "by": (BY, "value"),
    "layers": (LAYERS, "value"),
    "whatif": (WHATIF_STORE, "data"),
    "removed": (REMOVE, "value"),
    "scenarios": (SCENARIOS, "data"),
    "active": (SCENARIO_ACTIVE, "value"),
    "vs": (SCENARIO_VS, "value"),
}
