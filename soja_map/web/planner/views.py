"""Pure functions from the planner's model and a Translator to Dash components (what the tests call).

Words come from the message catalogue (``planner_*``, and ``report_*`` for what the report files say
too); numbers and percentages are formatted by ``tr.number`` / ``tr.percent``. Tooltips of the map
layers are HTML, so every text in them is escaped.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from html import escape
from typing import Any, Final

import dash_leaflet as dl
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from dash import html
from dash.dcc.express import send_bytes
from dash_extensions.javascript import Namespace

from soja_map.analysis import coverage as cov
from soja_map.analysis import report as report_io
from soja_map.analysis.presets import PRESETS
from soja_map.data.dataset import Dataset
from soja_map.data.schema import CATEGORIES, GEOGRAPHIC_CRS, PLACE_CATEGORIES
from soja_map.errors import SojaMapError
from soja_map.i18n import Translator
from soja_map.query.share_classes import SHARE_BREAKS, share_class
from soja_map.query.styling import (
    CATCHMENT_COLOUR,
    GAP_COLOUR,
    HYPOTHETICAL_COLOUR,
    NO_PEOPLE_COLOUR,
    SHARE_COLOURS,
)
from soja_map.web.planner import ids
from soja_map.web.planner.model import (
    BY_CHOICES,
    CUSTOM,
    FILTER_SOURCE,
    LAYER_CHOICES,
    MAX_GAPS_DRAWN,
    MAX_WHATIF_POINTS,
    MODE_CHOICES,
    RADIUS_MAX_M,
    RADIUS_MIN_M,
    PanelModel,
    PanelState,
    Report,
    city_numbers,
    removal_choices,
)

planner_ns = Namespace("sojaPlanner", "geo")  # functions of assets/planner.js

# distances: the population-weighted mean over the zone's cells, the same rule for towns and
# districts (the nearest-cell and town-point distances answer different questions per zone kind)
TABLE_COLUMNS: Final = ("population", "covered", "share", "mean_distance_m")
ESTIMATE_STEP: Final = -1  # estimated people are rounded to tens (round(x, -1)) and marked
WHATIF_COLUMNS: Final = ("population", "covered_before", "covered_after", "change", "share_after")


# -- numbers ---------------------------------------------------------------------------------------


def _finite(value: float | None) -> bool:
    return value is not None and bool(np.isfinite(value))


def people(value: float | None, tr: Translator) -> str:
    return tr.number(value) if value is not None and _finite(value) else "-"


def share(value: float | None, tr: Translator) -> str:
    return tr.percent(value) if value is not None and _finite(value) else "-"


def metres(value: float | None, tr: Translator) -> str:
    return f"{tr.number(value)} m" if value is not None and _finite(value) else "-"


def change(value: float | None, tr: Translator) -> str:
    return report_io.signed(value, tr) if value is not None and _finite(value) else "-"


FORMATS: Final[dict[str, Callable[[float | None, Translator], str]]] = {
    "population": people,
    "covered": people,
    "uncovered": people,
    "share": share,
    "nearest_m": metres,
    "mean_distance_m": metres,
    "covered_before": people,
    "covered_after": people,
    "change": change,
    "share_before": share,
    "share_after": share,
    "nearest_before_m": metres,
    "nearest_after_m": metres,
}


# -- controls ------------------------------------------------------------------------------------


def fetched_layers(model: PanelModel, report: Report | None, state: PanelState) -> list[Any]:
    from soja_map.web.planner.overlays import fetched_layers as fetched  # noqa: PLC0415

    return fetched(model, report, state)


def shelter_options(data: Dataset, tr: Translator) -> list[dict[str, str]]:
    from soja_map.web.planner.access_view import shelter_option  # noqa: PLC0415 - it imports views

    return shelter_option(data, tr)


def source_options(data: Dataset, tr: Translator) -> list[dict[str, str]]:
    """Dropdown options: the current filter, then categories, projects and measures with located places."""
    located = data.located
    options = [{"label": tr("planner_source_filter"), "value": FILTER_SOURCE}]
    present = set(located["category"])
    options += [
        {
            "label": tr(
                "planner_source_category",
                name=tr.pick(CATEGORIES[c].label_ja, CATEGORIES[c].label_en),
            ),
            "value": f"category:{c}",
        }
        for c in PLACE_CATEGORIES
        if c in present
    ]
    options += shelter_options(data, tr)
    with_projects = {p for ps in located["projects"] for p in ps}
    options += [
        {
            "label": tr("planner_source_project", name=tr.pick(p.name_ja, p.name_en)),
            "value": f"project:{p.id}",
        }
        for p in data.plan.projects
        if p.id in with_projects
    ]
    with_measures = {m for ms in located["measures"] for m in ms}
    options += [
        {
            "label": tr("planner_source_measure", name=tr.pick(m.name_ja, m.name_en)),
            "value": f"measure:{m.id}",
        }
        for p in data.plan.projects
        for m in p.measures
        if m.id in with_measures
    ]
    return options


def preset_options(tr: Translator) -> list[dict[str, str]]:
    return [{"label": report_io.preset_label(name, tr), "value": name} for name in PRESETS] + [
        {"label": tr("planner_custom"), "value": CUSTOM}
    ]


def radio_options(prefix: str, choices: Sequence[str], tr: Translator) -> list[dict[str, str]]:
    return [{"label": tr(f"{prefix}{c}"), "value": c} for c in choices]


def removal_options(facilities: cov.Facilities | None) -> list[dict[str, str]]:
    return [{"label": f"{n} ({i})", "value": i} for i, n in removal_choices(facilities)]


def legend_entries(tr: Translator) -> list[tuple[str, str, str]]:
    """(fill colour, words, swatch class) of the colour key: the share classes, no people, gaps,
    and the dashed outline of towns drawn as estimated areas."""
    bounds = (0.0, *SHARE_BREAKS, 1.0)
    entries = [
        (colour, f"{tr.percent(bounds[i], 0)}–{tr.percent(bounds[i + 1], 0)}", "cov-swatch")
        for i, colour in enumerate(SHARE_COLOURS)
    ]
    entries += [
        (NO_PEOPLE_COLOUR, tr("planner_no_people"), "cov-swatch"),
        (GAP_COLOUR, tr("planner_layer_gaps"), "cov-swatch"),
        ("#FFFFFF", tr("planner_town_estimate"), "cov-swatch cov-swatch-estimate"),
    ]
    return entries


def legend_view(tr: Translator) -> Any:
    items = [
        html.Li([html.Span(className=cls, style={"background": colour}), html.Span(text)])
        for colour, text, cls in legend_entries(tr)
    ]
    return html.Ul(items, className="cov-legend-list")


def labels(data: Dataset, tr: Translator) -> tuple[Any, ...]:
    """Every language-dependent text of the panel, in the order of the language callback's outputs."""
    return (
        tr("planner_title"),
        *(tr(key, max=MAX_WHATIF_POINTS) for key in ids.LABELS.values()),
        source_options(data, tr),
        tr("planner_choose"),
        preset_options(tr),
        radio_options("planner_by_", BY_CHOICES, tr),
        radio_options("planner_layer_", LAYER_CHOICES, tr),
        radio_options("planner_mode_", MODE_CHOICES, tr),
        tr("planner_reset"),
        legend_view(tr),
        tr("planner_download"),
    )


# -- results -------------------------------------------------------------------------------------


def is_estimate(report: Report) -> bool:
    return bool(report_io.result_of(report).grid.model.estimate)


def table_rows(report: Report, by: str, tr: Translator) -> tuple[list[str], list[list[str]]]:
    """Header keys and formatted rows (zone name first) as the panel shows them; with the
    estimated population, people are rounded to tens (they are not counts)."""
    table = report.table(by)
    columns = WHATIF_COLUMNS if isinstance(report, cov.WhatIf) else TABLE_COLUMNS
    values = {c: table[c].to_numpy(dtype=float) for c in columns}
    if is_estimate(report):
        for c in columns:
            if c in report_io.PEOPLE:
                values[c] = np.round(values[c], ESTIMATE_STEP)
    rows = [
        [str(name), *(FORMATS[c](float(values[c][i]), tr) for c in columns)]
        for i, name in enumerate(table.index)
    ]
    return list(columns), rows


def shown_rows(report: Report, by: str, tr: Translator) -> tuple[list[str], list[list[str]]]:
    """The rows the panel's table shows: every zone, or in a what-if the zones whose coverage it
    changes (every zone is in the download; the chart shows them all). A what-if re-draws only
    these: the full table re-sent on every click cost seconds in the browser."""
    columns, rows = table_rows(report, by, tr)
    if not isinstance(report, cov.WhatIf):
        return columns, rows
    change = report.table(by)["change"].to_numpy(dtype=float)
    return columns, [r for r, c in zip(rows, change, strict=True) if np.isfinite(c) and c != 0]


def table_view(report: Report | None, by: str, tr: Translator) -> Any:
    if report is None:
        return html.P(tr("planner_choose"), className="cov-empty")
    columns, rows = shown_rows(report, by, tr)
    head = html.Tr(
        [html.Th(report_io.by_label(by, tr), scope="col")]
        + [html.Th(report_io.column_label(c, tr), scope="col") for c in columns]
    )
    body = [
        html.Tr([html.Th(r[0], scope="row"), *(html.Td(v) for v in r[1:])], className="cov-row")
        for r in rows
    ]
    table: Any = html.Table(
        [html.Thead(head), html.Tbody(body)], className="cov-table", id=f"{ids.TABLE}-{by}"
    )
    if isinstance(report, cov.WhatIf):
        total = len(report.table(by))
        line = tr("planner_whatif_rows", n=tr.number(len(rows)), total=tr.number(total))
        table = html.Div([html.P(line, className="cov-whatif-rows"), table])
    if not is_estimate(report):
        return table
    notes = [tr("planner_estimate_rounded")]
    if by == "town":
        notes.append(tr("planner_town_estimate"))
    return html.Div(
        [html.P(" ".join(notes), className="cov-estimate-note"), table], className="cov-tables"
    )


def city_line(report: Report, tr: Translator) -> str:
    numbers = city_numbers(report)
    return tr(
        "planner_city_covered",
        covered=people(numbers["covered"], tr),
        population=people(numbers["population"], tr),
        share=share(numbers["share"], tr),
    )


def _whatif_view(report: cov.WhatIf, tr: Translator) -> list[Any]:
    numbers = city_numbers(report)
    line = tr(
        "planner_whatif_change",
        covered=people(numbers["covered_after"], tr),
        share=share(numbers["share_after"], tr),
        change=change(report.change, tr),
    )
    names = report.removed_names()
    items = [
        html.Li(
            tr("planner_hypothetical_at", lon=f"{lon:.6f}", lat=f"{lat:.6f}"),
            className="cov-added-point",
        )
        for lon, lat in report.added_lonlat
    ] + [
        html.Li(tr("planner_removed", name=names[r]), className="cov-removed-item")
        for r in report.removed
    ]
    return [html.P(html.Strong(line, id=ids.WHATIF_CHANGE)), html.Ul(items, id=ids.WHATIF_LIST)]


def _warnings(result: cov.CoverageResult, tr: Translator) -> list[Any]:
    out = []
    if result.facilities.excluded:
        text = tr("planner_excluded", ids=", ".join(result.facilities.excluded))
        out.append(html.P(text, className="cov-warning"))
    if len(result.facilities) == 0:
        out.append(html.P(tr("planner_none_located"), className="cov-warning"))
    return out


def summary_view(report: Report | None, tr: Translator, data: Dataset | None = None) -> list[Any]:
    if report is None:
        return [html.P(tr("planner_choose"))]
    result = report_io.result_of(report)
    plan = data.plan if data is not None else None
    radius = report_io.radius_text(result, tr)
    children: list[Any] = [
        html.P(report_io.describe_selection(result.selection, plan, tr), className="cov-selection"),
        html.P(
            [html.Strong(city_line(report, tr), id=ids.CITY_COVERED), html.Span(f" — {radius}")]
        ),
    ]
    if isinstance(report, cov.WhatIf):
        children += _whatif_view(report, tr)
    return children + _warnings(result, tr)


def note_view(report: Report | None, tr: Translator) -> list[Any]:
    """The method rows every view shows (population source, year, method; distance; radius source)."""
    if report is None:
        return []
    rows = [r for r in report_io.metadata_rows(report, tr) if r.key in report_io.METHOD_KEYS]
    model = report_io.result_of(report).grid.model
    return [
        html.P(report_io.population_title(model, tr), className="cov-population-label"),
        html.Details(
            [
                html.Summary(tr("planner_method_sources")),
                html.Dl([item for r in rows for item in (html.Dt(r.label), html.Dd(r.value))]),
            ]
        ),
    ]


# -- map layers ------------------------------------------------------------------------------------


def _collection(features: list[dict[str, Any]]) -> dict[str, Any]:
    return {"type": "FeatureCollection", "features": features}


def _zone_feature(name: str, geom: Any, row: pd.Series, tr: Translator) -> dict[str, Any]:
    value = float(row["share"])
    numbers = f"{people(row['covered'], tr)} / {people(row['population'], tr)} ({share(value, tr)})"
    return {
        "type": "Feature",
        "geometry": geom,
        "properties": {
            "name": name,
            "share": value if np.isfinite(value) else None,
            "tooltip": f"<b>{escape(name)}</b><br>{escape(numbers)}",
        },
    }


def zone_collection(model: PanelModel, by: str) -> dict[str, Any]:
    """The zones of ``by`` as GeoJSON: the geometry sent once per zone kind. Names are escaped in the
    tooltip; towns (Voronoi areas around their points) are marked as estimates."""
    zones = model.zone_features(by)
    estimate = by == "town"
    class_name = "cov-zone" + (" cov-zone-estimate" if estimate else "")
    return _collection(
        [
            {
                "type": "Feature",
                "geometry": geom,
                "properties": {
                    "name": name,
                    "tooltip": escape(name),
                    "estimate": estimate,
                    "className": class_name,
                },
            }
            for name, geom in zip(zones["names"], zones["geometry"], strict=True)
        ]
    )


def zone_hideout(report: Report | None, by: str, show: bool = True) -> dict[str, Any]:
    """What a what-if changes on the choropleth: the share class of every zone (-1: no people),
    after the what-if if any; no classes draws nothing."""
    base: dict[str, Any] = {
        "colours": list(SHARE_COLOURS),
        "noPeople": NO_PEOPLE_COLOUR,
        "outline": "#555555",
        "by": by,
        "classes": {},
    }
    if report is None or not show:
        return base
    table = report.table(by)
    column = "share_after" if "share_after" in table else "share"
    shares = table[column].to_numpy(dtype=float)
    base["classes"] = {
        str(name): share_class(float(v)) for name, v in zip(table.index, shares, strict=True)
    }
    return base


def map_children() -> list[Any]:
    """The planner's layers inside the app's COVERAGE_LAYER: the choropleth (data per zone kind,
    style from its hideout) and a group for the overlays."""
    return [
        dl.GeoJSON(
            id=ids.ZONES,
            data=_collection([]),
            style=planner_ns("zoneStyle"),
            hideout=zone_hideout(None, "town"),
        ),
        dl.LayerGroup(id=ids.OVERLAYS),
    ]


def zones_to_send(by: Any, source: Any, loaded: Any) -> str | None:
    """The zone kind whose geometry the map needs now, or ``None`` when it has it or needs none:
    nothing before a facility kind is chosen (the first screen carries no planner geometry),
    then once per zone kind."""
    if not source:
        return None
    kind = by if by in BY_CHOICES else "town"
    return None if kind == loaded else kind


# what a what-if re-sends is kept light: outlines simplified in metres (the grid is 100 m), then
# coordinates to 1e-5 degrees (about 1 m)
GAP_SIMPLIFY_M: Final = 10.0
CATCHMENT_SIMPLIFY_M: Final = 5.0
LONLAT_GRID: Final = 1e-5


def _light(frame: gpd.GeoDataFrame, tolerance_m: float) -> gpd.GeoDataFrame:
    out = frame.copy()
    out["geometry"] = out.geometry.simplify(tolerance_m)
    out = out.to_crs(GEOGRAPHIC_CRS)
    out["geometry"] = shapely.set_precision(out.geometry.values, LONLAT_GRID)
    return out


GAP_STYLE: Final = {
    "color": GAP_COLOUR,
    "weight": 1.5,
    "fillColor": GAP_COLOUR,
    "fillOpacity": 0.35,
    "className": "cov-gap",
}


def gap_collection(result: cov.CoverageResult, tr: Translator) -> dict[str, Any]:
    """The largest gaps as GeoJSON (tooltips escaped)."""
    if not len(result.gaps):
        return _collection([])
    gaps = result.gaps.head(MAX_GAPS_DRAWN).copy()
    gaps = _light(gaps, GAP_SIMPLIFY_M)
    features = [
        {
            "type": "Feature",
            "geometry": shapely.geometry.mapping(row.geometry),
            "properties": {
                "rank": int(row["rank"]),
                "population": float(row["population"]),
                "tooltip": escape(
                    tr(
                        "planner_gap_tooltip",
                        rank=int(row["rank"]),
                        people=people(float(row["population"]), tr),
                        town=str(row["town"]),
                    )
                ),
            },
        }
        for _, row in gaps.iterrows()
    ]
    return _collection(features)


def gap_layers(result: cov.CoverageResult, tr: Translator) -> list[Any]:
    if not len(result.gaps):
        return []
    return [dl.GeoJSON(data=gap_collection(result, tr), style=GAP_STYLE)]


def catchment_style(hypothetical: bool) -> dict[str, Any]:
    return {
        "color": HYPOTHETICAL_COLOUR if hypothetical else CATCHMENT_COLOUR,
        "weight": 2,
        "dashArray": "6 4",
        "fill": False,
        "className": "cov-catchment" + (" cov-hypothetical" if hypothetical else ""),
    }


def catchment_collections(frame: gpd.GeoDataFrame, tr: Translator) -> dict[bool, dict[str, Any]]:
    """The catchments as GeoJSON, existing (False) and hypothetical (True) apart; none when empty."""
    lonlat = _light(frame, CATCHMENT_SIMPLIFY_M)
    out = {}
    for hypothetical in (False, True):
        part = lonlat[lonlat["hypothetical"] == hypothetical]
        if not len(part):
            continue
        out[hypothetical] = _collection(
            [
                {
                    "type": "Feature",
                    "geometry": shapely.geometry.mapping(row.geometry),
                    "properties": {
                        "tooltip": escape(
                            tr("planner_hypothetical_id", id=fid)
                            if hypothetical
                            else str(row["name"])
                        )
                    },
                }
                for fid, row in part.iterrows()
            ]
        )
    return out


def catchment_layers(frame: gpd.GeoDataFrame, tr: Translator) -> list[Any]:
    return [
        dl.GeoJSON(data=data, style=catchment_style(hypothetical))
        for hypothetical, data in catchment_collections(frame, tr).items()
    ]


def whatif_markers(report: cov.WhatIf, tr: Translator) -> list[Any]:
    """Dashed rings on removed facilities, filled dots on added ones."""
    before = report.before.facilities
    gone = before.without([f for f in before.ids if f not in report.removed])
    out: list[Any] = [
        dl.CircleMarker(
            center=[lat, lon],
            radius=9,
            color="#000000",
            dashArray="3 3",
            fill=False,
            className="cov-removed",
            children=dl.Tooltip(tr("planner_removed", name=name)),
        )
        for (lon, lat), name in zip(cov.lonlat_of(gone), gone.names, strict=True)
    ]
    out += [
        dl.CircleMarker(
            center=[lat, lon],
            radius=7,
            color=HYPOTHETICAL_COLOUR,
            fillColor=HYPOTHETICAL_COLOUR,
            fillOpacity=0.9,
            className="cov-added",
            children=dl.Tooltip(tr("planner_hypothetical")),
        )
        for lon, lat in report.added_lonlat
    ]
    return out


TARGET_PANE_Z: Final = 620  # above Leaflet's marker pane (600), under its tooltips (650)


def target_layers(model: PanelModel, report: Report | None, mode: str) -> list[Any]:
    """What-if targets in a pane above the place markers, so that a click reaches the planner and
    not a marker, a cluster or a card: in add mode one transparent catcher over the whole map (its
    clicks bubble to the map's clickData); in remove mode a ring per facility, clicked by id."""
    if report is None or mode not in {"add", "remove"}:
        return []
    if mode == "add":
        west, south, east, north = model.data.extent()
        children: list[Any] = [
            dl.Rectangle(
                bounds=[[south - 0.05, west - 0.05], [north + 0.05, east + 0.05]],
                stroke=False,
                fillOpacity=0,
                className="cov-add-catcher",
            )
        ]
    else:
        before = report.before if isinstance(report, cov.WhatIf) else report
        facilities = before.facilities
        children = [
            dl.CircleMarker(
                id={"type": ids.TARGET, "id": fid},
                center=[lat, lon],
                radius=14,
                color="#000000",
                weight=2,
                fillColor="#FFFFFF",
                fillOpacity=0.25,
                bubblingMouseEvents=False,
                className="cov-target",
                children=dl.Tooltip(name),
            )
            for fid, name, (lon, lat) in zip(
                facilities.ids, facilities.names, cov.lonlat_of(facilities), strict=True
            )
        ]
    return [dl.Pane(name=ids.TARGET_PANE, style={"zIndex": TARGET_PANE_Z}, children=children)]


def map_layers(
    model: PanelModel, report: Report | None, by: str, layers: Sequence[str], tr: Translator
) -> list[Any]:
    """The children of ids.OVERLAYS: gaps, catchments, what-if markers (the choropleth is the
    ids.ZONES layer's hideout). Every path carries a class name (cov-catchment, cov-gap...)."""
    if report is None:
        return []
    result = report_io.result_of(report)
    out: list[Any] = []
    if "gaps" in layers:
        out += gap_layers(result, tr)
    if "catchments" in layers and len(result.facilities):
        out += catchment_layers(cov.catchments(result, network=result.method.is_network), tr)
    if isinstance(report, cov.WhatIf):
        out += whatif_markers(report, tr)
    return out


# -- the whole view --------------------------------------------------------------------------------


def download(
    report: Report | None,
    by: str,
    fmt: str,
    tr: Translator,
    data: Dataset | None = None,
    scenario: str | None = None,
) -> dict[str, Any] | None:
    """A dcc.Download payload of the table (csv with BOM, xlsx, json), or None; ``scenario`` (the
    name of the planner's what-if) goes into the file's metadata."""
    if report is None:
        return None
    plan = data.plan if data is not None else None
    content = report_io.render(report, by, fmt, tr, plan=plan, scenario=scenario)
    payload: dict[str, Any] = send_bytes(content, f"soja-coverage-{by}.{fmt}")  # type: ignore[no-untyped-call]
    return payload


def radius_error(tr: Translator) -> Any:
    text = tr("planner_radius_error", low=tr.number(RADIUS_MIN_M), high=tr.number(RADIUS_MAX_M))
    return html.P(text, className="cov-error cov-radius-error", role="alert")


def view(
    model: PanelModel, state: PanelState, tr: Translator
) -> tuple[dict[str, Any], list[Any], list[Any], Any, list[Any]]:
    """(choropleth hideout, overlay children, summary, table, method note) for a state; errors
    become a message."""
    empty = zone_hideout(None, state.by)
    if state.radius_problem:
        return empty, [], [radius_error(tr)], None, []
    try:
        report = model.report(state)
    except SojaMapError as exc:
        return empty, [], [html.P(str(exc), className="cov-error", role="alert")], None, []
    drawn = (
        fetched_layers(model, report, state)
        if model.overlay_base
        else map_layers(model, report, state.by, state.layers, tr)
    )
    return (
        zone_hideout(report, state.by, "choropleth" in state.layers),
        drawn + target_layers(model, report, state.mode),
        summary_view(report, tr, model.data),
        table_view(report, state.by, tr),
        note_view(report, tr),
    )
