"""The coverage panel: choose facilities and a radius, see who is covered, where the gaps are, and what-if.

``layout(data, lang)`` is mounted by the app in ``ids.COVERAGE_PANEL``; ``register_callbacks(app, data)``
wires it to the map (``ids.MAP`` clicks, ``ids.COVERAGE_LAYER`` drawing), the current filter
(``ids.FILTER_STORE``) and the language (``ids.LANG_STORE``). Callbacks are a few lines over the pure
functions below, which the tests call directly.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from html import escape
from typing import Any, Final

import dash
import dash_leaflet as dl
import geopandas as gpd
import numpy as np
import shapely
from dash import Input, Output, State, dcc, html
from dash.dcc.express import send_bytes

from soja_map.analysis import coverage as cov
from soja_map.analysis import report as report_io
from soja_map.analysis.population import Text
from soja_map.data.dataset import Dataset
from soja_map.data.schema import CATEGORIES, GEOGRAPHIC_CRS, PLACE_CATEGORIES
from soja_map.errors import SojaMapError
from soja_map.i18n import Lang, as_lang
from soja_map.query.filters import Filter
from soja_map.query.styling import (
    CATCHMENT_COLOUR,
    GAP_COLOUR,
    HYPOTHETICAL_COLOUR,
    NO_PEOPLE_COLOUR,
    SHARE_COLOURS,
)
from soja_map.web import ids

# -- component ids (all "cov-") ------------------------------------------------------------------
ROOT = "cov-root"
TITLE = "cov-title"
SOURCE = "cov-source"
PRESET = "cov-preset"
RADIUS = "cov-radius"
BY = "cov-by"
LAYERS = "cov-layers"
MODE = "cov-mode"
REMOVE = "cov-remove"
RESET = "cov-reset"
WHATIF_STORE = "cov-whatif-store"
SUMMARY = "cov-summary"
LEGEND = "cov-legend"
TABLE = "cov-table"
NOTE = "cov-note"
DOWNLOAD = "cov-download"
DL_CSV, DL_XLSX, DL_JSON = "cov-dl-csv", "cov-dl-xlsx", "cov-dl-json"
LABEL_IDS: Final = (
    "cov-label-source",
    "cov-label-radius",
    "cov-label-by",
    "cov-label-layers",
    "cov-label-whatif",
    "cov-label-remove",
)

FILTER_SOURCE: Final = "filter"
CUSTOM: Final = "custom"
CLICK_REMOVE_M: Final = 300.0  # a click in remove mode picks a facility within this distance
MAX_GAPS_DRAWN: Final = 60

# Choropleth classes of share covered (their colours are in soja_map.query.styling).
SHARE_BREAKS: Final = (0.2, 0.4, 0.6, 0.8)

WORDS: Final[dict[str, Text]] = {
    "title": Text("徒歩圏カバー率（人口）", "Coverage: who lives within reach"),
    "cov-label-source": Text("施設", "Facilities"),
    "cov-label-radius": Text("半径", "Radius"),
    "cov-label-by": Text("集計単位", "Report by"),
    "cov-label-layers": Text("地図に表示", "Show on the map"),
    "cov-label-whatif": Text("仮定（地図をクリック）", "What-if (click the map)"),
    "cov-label-remove": Text("仮に廃止する施設", "Facilities to remove"),
    "reset": Text("仮定を元に戻す", "Reset what-if"),
    "choose": Text(
        "施設の分類・施策・プロジェクトを選んでください", "Choose a category, measure or project"
    ),
    "filter": Text("現在の表示条件の場所", "Places in the current filter"),
    "category": Text("分類", "Category"),
    "project": Text("重点プロジェクト", "Project"),
    "measure": Text("施策", "Measure"),
    "custom": Text("任意の半径", "Custom radius"),
    "town": Text("町域", "Towns"),
    "elementary": Text("小学校区", "Elementary-school districts"),
    "junior_high": Text("中学校区", "Junior-high-school districts"),
    "choropleth": Text("カバー率（塗り分け）", "Share covered (choropleth)"),
    "catchments": Text("施設の圏域", "Catchments"),
    "gaps": Text("空白地域", "Gaps"),
    "off": Text("なし", "Off"),
    "add": Text("クリックで施設を追加", "Click adds a facility"),
    "remove": Text("クリックで施設を廃止", "Click removes a facility"),
    "no_people": Text("人口なし", "No people"),
    "download": Text("表をダウンロード", "Download the table"),
    "covered_of": Text("市全体", "City-wide"),
    "gap": Text("空白地域", "Gap"),
    "people": Text("人", "people"),
    "excluded": Text(
        "位置のない市全域の取り組みは対象外です",
        "city-wide items have no location and are left out",
    ),
    "none_located": Text(
        "位置のある施設がありません（全員がカバー外）",
        "no located facility in this selection (nobody is covered)",
    ),
    "hypothetical": Text("仮の施設", "hypothetical facility"),
    "removed": Text("廃止（仮定）", "removed (what-if)"),
}


def word(key: str, lang: Lang) -> str:
    return WORDS[key].get(lang)


# -- choosing facilities -------------------------------------------------------------------------


def source_options(data: Dataset, lang: Lang) -> list[dict[str, str]]:
    """Dropdown options: the current filter, then categories, projects and measures with located places."""
    located = data.located
    options = [{"label": word("filter", lang), "value": FILTER_SOURCE}]
    present = set(located["category"])
    options += [
        {
            "label": f"{word('category', lang)}: {getattr(CATEGORIES[c], f'label_{lang}')}",
            "value": f"category:{c}",
        }
        for c in PLACE_CATEGORIES
        if c in present
    ]
    with_projects = {p for ps in located["projects"] for p in ps}
    options += [
        {
            "label": f"{word('project', lang)}: {getattr(p, f'name_{lang}')}",
            "value": f"project:{p.id}",
        }
        for p in data.plan.projects
        if p.id in with_projects
    ]
    with_measures = {m for ms in located["measures"] for m in ms}
    options += [
        {
            "label": f"{word('measure', lang)}: {getattr(m, f'name_{lang}')}",
            "value": f"measure:{m.id}",
        }
        for p in data.plan.projects
        for m in p.measures
        if m.id in with_measures
    ]
    return options


def filter_for(source: str | None, filter_data: dict[str, Any] | None) -> Filter | None:
    """The Filter a source value stands for (None when nothing is chosen)."""
    if not source:
        return None
    if source == FILTER_SOURCE:
        return Filter.from_dict(filter_data)
    kind, _, value = source.partition(":")
    if kind == "category":
        return Filter(categories=(value,))
    if kind == "project":
        return Filter(projects=(value,))
    if kind == "measure":
        return Filter(measures=(value,))
    return None


def selection_text(data: Dataset, flt: Filter) -> Text:
    return Text(flt.describe(data.plan, "ja"), flt.describe(data.plan, "en"))


def preset_options(lang: Lang) -> list[dict[str, str]]:
    return [{"label": p.label.get(lang), "value": name} for name, p in cov.PRESETS.items()] + [
        {"label": word("custom", lang), "value": CUSTOM}
    ]


def sync_radius(
    trigger: str | None, preset_name: str | None, radius: float | None
) -> tuple[str, float | None]:
    """Keep the preset and the radius box in step: a preset sets the radius; a typed radius selects
    the preset with that radius, else "custom"."""
    if trigger == PRESET and preset_name in cov.PRESETS:
        return str(preset_name), cov.PRESETS[str(preset_name)].radius_m
    if radius is None:
        return preset_name or CUSTOM, radius
    match = cov.preset_matching(float(radius), preset_name)
    return (match.name if match else CUSTOM), radius


# -- what-if state -------------------------------------------------------------------------------


def click_lonlat(click: dict[str, Any] | None) -> tuple[float, float] | None:
    """(lon, lat) from a dash-leaflet clickData (``latlng`` as {lat, lng} or [lat, lng])."""
    if not click or "latlng" not in click:
        return None
    ll = click["latlng"]
    if isinstance(ll, dict):
        return float(ll["lng"]), float(ll["lat"])
    return float(ll[1]), float(ll[0])


def next_whatif(
    trigger: str | None,
    click: dict[str, Any] | None,
    mode: str | None,
    added: Sequence[Sequence[float]] | None,
    removed: Sequence[str] | None,
    facilities: cov.Facilities | None,
) -> tuple[list[list[float]], list[str]]:
    """The what-if after an event: a map click adds a point (add mode) or toggles the removal of the
    nearest facility (remove mode); reset, or choosing other facilities, clears it."""
    adds = [list(map(float, p)) for p in added or []]
    removes = list(removed or [])
    if trigger != ids.MAP:
        return [], []
    point = click_lonlat(click)
    if point is None:
        return adds, removes
    if mode == "add":
        adds.append([round(point[0], 6), round(point[1], 6)])
    elif mode == "remove" and facilities is not None:
        hit = cov.nearest_facility_id(facilities, *point, max_m=CLICK_REMOVE_M)
        if hit is not None:
            removes = [r for r in removes if r != hit] if hit in removes else [*removes, hit]
    return adds, removes


# -- computing -----------------------------------------------------------------------------------


@dataclass
class PanelState:
    """Everything the panel's view depends on (from the components and stores)."""

    source: str | None
    radius: float | None
    preset: str | None = None
    by: str = "town"
    layers: Sequence[str] = ("choropleth", "catchments", "gaps")
    added: Sequence[Sequence[float]] = ()
    removed: Sequence[str] = ()
    filter_data: dict[str, Any] | None = None
    lang: Lang = "ja"


@dataclass
class PanelModel:
    """The panel's data: built once per app, queried on every change (grid and zones are cached)."""

    data: Dataset
    cache: cov.ContextCache = field(init=False)
    _zones: dict[str, dict[str, Any]] = field(default_factory=dict, init=False)

    def __post_init__(self) -> None:
        self.cache = cov.ContextCache(self.data)

    def facilities(
        self, source: str | None, filter_data: dict[str, Any] | None
    ) -> cov.Facilities | None:
        """The facilities a source value selects (None when nothing is chosen)."""
        flt = filter_for(source, filter_data)
        return None if flt is None else cov.select_facilities(self.data.places, flt)

    def report(self, state: PanelState) -> report_io.Report | None:
        """Coverage (or a what-if) for the state; None until facilities and a radius are chosen."""
        flt = filter_for(state.source, state.filter_data)
        if flt is None or state.radius is None or not state.radius > 0:
            return None
        facilities = cov.select_facilities(self.data.places, flt)
        ctx = self.cache.get()
        preset = cov.preset_matching(float(state.radius), state.preset)
        common: dict[str, Any] = {"preset": preset, "selection": selection_text(self.data, flt)}
        if state.added or state.removed:
            removable = [r for r in state.removed if r in facilities.ids]
            return cov.what_if(
                ctx,
                facilities,
                float(state.radius),
                add_lonlat=[(float(p[0]), float(p[1])) for p in state.added],
                remove=removable,
                **common,
            )
        return cov.coverage(ctx, facilities, float(state.radius), **common)

    def zone_features(self, kind: str) -> dict[str, Any]:
        """Zone polygons of ``kind`` in lon/lat (simplified to 5 m), computed once."""
        if kind not in self._zones:
            names, geoms = self.cache.geography.layer(kind)
            simple = geoms.simplify(5.0).to_crs(GEOGRAPHIC_CRS)
            self._zones[kind] = {
                "names": [str(n) for n in names],
                "geometry": [shapely.geometry.mapping(g) for g in simple],
            }
        return self._zones[kind]


def share_class(share: float) -> int:
    """0..4 for the choropleth classes (-1 when the zone has no people)."""
    if share is None or not np.isfinite(share):
        return -1
    return int(np.searchsorted(np.asarray(SHARE_BREAKS), share, side="right"))


def fmt_people(value: float) -> str:
    return "-" if value is None or not np.isfinite(value) else f"{value:,.0f}"


def fmt_share(value: float) -> str:
    return "-" if value is None or not np.isfinite(value) else f"{value:.1%}"


def fmt_metres(value: float) -> str:
    return "-" if value is None or not np.isfinite(value) else f"{value:,.0f} m"


def fmt_change(value: float) -> str:
    return "-" if value is None or not np.isfinite(value) else f"{value:+,.0f}"


FORMATTERS: Final = {
    "population": fmt_people,
    "covered": fmt_people,
    "uncovered": fmt_people,
    "share": fmt_share,
    "nearest_m": fmt_metres,
    "mean_distance_m": fmt_metres,
    "covered_before": fmt_people,
    "covered_after": fmt_people,
    "change": fmt_change,
    "share_before": fmt_share,
    "share_after": fmt_share,
    "nearest_before_m": fmt_metres,
    "nearest_after_m": fmt_metres,
}
TABLE_COLUMNS: Final = ("population", "covered", "share", "nearest_m")
WHATIF_COLUMNS: Final = ("population", "covered_before", "covered_after", "change", "share_after")


def table_rows(report: report_io.Report, by: str) -> tuple[list[str], list[list[str]]]:
    """Header keys and formatted rows (zone name first) as the panel shows them."""
    table = report.table(by)
    columns = WHATIF_COLUMNS if isinstance(report, cov.WhatIf) else TABLE_COLUMNS
    values = {c: table[c].to_numpy(dtype=float) for c in columns}
    rows = [
        [str(name), *(FORMATTERS[c](float(values[c][i])) for c in columns)]
        for i, name in enumerate(table.index)
    ]
    return list(columns), rows


def table_view(report: report_io.Report | None, by: str, lang: Lang) -> Any:
    if report is None:
        return html.P(word("choose", lang), className="cov-empty")
    columns, rows = table_rows(report, by)
    head = html.Tr(
        [html.Th(report_io.BY_LABEL[by].get(lang), scope="col")]
        + [html.Th(report_io.COLUMN_LABEL[c].get(lang), scope="col") for c in columns]
    )
    body = [
        html.Tr([html.Th(r[0], scope="row"), *(html.Td(v) for v in r[1:])], className="cov-row")
        for r in rows
    ]
    return html.Table(
        [html.Thead(head), html.Tbody(body)], className="cov-table", id=f"{TABLE}-{by}"
    )


def city_numbers(report: report_io.Report) -> dict[str, float]:
    after = report_io.result_of(report)
    before = report.before if isinstance(report, cov.WhatIf) else report
    return {
        "population": before.population,
        "covered": before.covered_population,
        "share": before.share,
        "covered_after": after.covered_population,
        "share_after": after.share,
    }


def summary_view(report: report_io.Report | None, lang: Lang) -> list[Any]:
    if report is None:
        return [html.P(word("choose", lang))]
    ja = lang == "ja"
    result = report_io.result_of(report)
    numbers = city_numbers(report)
    line = (
        f"{word('covered_of', lang)}: {fmt_people(numbers['covered'])} / "
        f"{fmt_people(numbers['population'])} {word('people', lang)}（{fmt_share(numbers['share'])}）"
        if ja
        else f"{word('covered_of', lang)}: {fmt_people(numbers['covered'])} of "
        f"{fmt_people(numbers['population'])} {word('people', lang)} ({fmt_share(numbers['share'])})"
    )
    radius = f"{result.radius_m:g} m" + (
        f"（{result.preset.label.get(lang)}）"
        if ja and result.preset
        else f" ({result.preset.label.get(lang)})"
        if result.preset
        else ""
    )
    children: list[Any] = [
        html.P(result.selection.get(lang), className="cov-selection"),
        html.P([html.Strong(line, id="cov-city-covered"), html.Span(f" — {radius}")]),
    ]
    if isinstance(report, cov.WhatIf):
        change = (
            f"{'変更後' if ja else 'What-if'}: {fmt_people(numbers['covered_after'])}"
            f"（{fmt_share(numbers['share_after'])}, {fmt_change(report.change)}）"
            if ja
            else f"What-if: {fmt_people(numbers['covered_after'])} "
            f"({fmt_share(numbers['share_after'])}, {fmt_change(report.change)})"
        )
        children.append(html.P(html.Strong(change, id="cov-whatif-change")))
        names = dict(zip(report.before.facilities.ids, report.before.facilities.names, strict=True))
        children.append(
            html.Ul(
                [
                    html.Li(
                        f"{word('hypothetical', lang)}: {lon:.6f}, {lat:.6f}",
                        className="cov-added-point",
                    )
                    for lon, lat in report.added_lonlat
                ]
                + [
                    html.Li(
                        f"{word('removed', lang)}: {names.get(r, r)}", className="cov-removed-item"
                    )
                    for r in report.removed
                ],
                id="cov-whatif-list",
            )
        )
    if result.facilities.excluded:
        children.append(
            html.P(
                f"{word('excluded', lang)}: {', '.join(result.facilities.excluded)}",
                className="cov-warning",
            )
        )
    if len(result.facilities) == 0:
        children.append(html.P(word("none_located", lang), className="cov-warning"))
    return children


def note_view(report: report_io.Report | None, lang: Lang) -> list[Any]:
    """The method lines every view shows (population source, year, method; distance; radius source)."""
    if report is None:
        return []
    lines = report.metadata(lang)
    keep = {
        "半径の出典",
        "距離",
        "人口データ",
        "人口の年次",
        "人口の扱い",
        "人口の作成方法",
        "注記",
    }
    keep |= {"Radius source", "Distance", "Population", "Population year", "Population kind"}
    keep |= {"Population method", "Note"}
    result = report_io.result_of(report)
    return [
        html.P(result.grid.model.label(lang), className="cov-population-label"),
        html.Details(
            [
                html.Summary("方法と出典" if lang == "ja" else "Method and sources"),
                html.Dl(
                    [
                        item
                        for label, value in lines
                        if label in keep
                        for item in (html.Dt(label), html.Dd(value))
                    ]
                ),
            ]
        ),
    ]


def legend_view(lang: Lang) -> Any:
    bounds = (0.0, *SHARE_BREAKS, 1.0)
    items = [
        html.Li(
            [
                html.Span(className="cov-swatch", style={"background": SHARE_COLOURS[i]}),
                f"{bounds[i]:.0%}–{bounds[i + 1]:.0%}",
            ]
        )
        for i in range(len(SHARE_COLOURS))
    ]
    items.append(
        html.Li(
            [
                html.Span(className="cov-swatch", style={"background": NO_PEOPLE_COLOUR}),
                word("no_people", lang),
            ]
        )
    )
    items.append(
        html.Li(
            [
                html.Span(className="cov-swatch", style={"background": GAP_COLOUR}),
                word("gaps", lang),
            ]
        )
    )
    return html.Ul(items, className="cov-legend-list")


def _collection(features: list[dict[str, Any]]) -> dict[str, Any]:
    return {"type": "FeatureCollection", "features": features}


def map_layers(
    model: PanelModel, report: report_io.Report | None, by: str, layers: Sequence[str], lang: Lang
) -> list[Any]:
    """The children of ids.COVERAGE_LAYER: choropleth by class, catchments, gaps, what-if markers.

    Every path carries a class name (cov-zone, cov-catchment, cov-gap) so that it can be found and styled.
    """
    if report is None:
        return []
    result = report_io.result_of(report)
    out: list[Any] = []
    if "choropleth" in layers:
        table = report.table(by)
        share = table["share_after" if "share_after" in table else "share"].to_numpy(dtype=float)
        covered = table["covered_after" if "covered_after" in table else "covered"].to_numpy(
            dtype=float
        )
        zones = model.zone_features(by)
        classes: dict[int, list[dict[str, Any]]] = {}
        for i, (name, geom) in enumerate(zip(zones["names"], zones["geometry"], strict=True)):
            cls = share_class(share[i])
            tip = (
                f"<b>{escape(name)}</b><br>{fmt_people(covered[i])} / "
                f"{fmt_people(float(table['population'].iloc[i]))} ({fmt_share(share[i])})"
            )
            classes.setdefault(cls, []).append(
                {
                    "type": "Feature",
                    "geometry": geom,
                    "properties": {
                        "name": name,
                        "share": None if not np.isfinite(share[i]) else float(share[i]),
                        "tooltip": tip,
                    },
                }
            )
        for cls, features in sorted(classes.items()):
            colour = NO_PEOPLE_COLOUR if cls < 0 else SHARE_COLOURS[cls]
            out.append(
                dl.GeoJSON(
                    data=_collection(features),
                    style={
                        "color": "#555555",
                        "weight": 0.8,
                        "fillColor": colour,
                        "fillOpacity": 0.55,
                        "className": f"cov-zone cov-class-{cls}",
                    },
                )
            )
    if "gaps" in layers and len(result.gaps):
        gaps = result.gaps.head(MAX_GAPS_DRAWN).copy()
        gaps["geometry"] = gaps.geometry.simplify(1.0)
        gaps = gaps.to_crs(GEOGRAPHIC_CRS)
        features = [
            {
                "type": "Feature",
                "geometry": shapely.geometry.mapping(row.geometry),
                "properties": {
                    "rank": int(row["rank"]),
                    "population": float(row["population"]),
                    "tooltip": f"{escape(word('gap', lang))} #{int(row['rank'])}: "
                    f"{fmt_people(float(row['population']))} {escape(word('people', lang))}"
                    f" ({escape(str(row['town']))})",
                },
            }
            for _, row in gaps.iterrows()
        ]
        out.append(
            dl.GeoJSON(
                data=_collection(features),
                style={
                    "color": GAP_COLOUR,
                    "weight": 1.5,
                    "fillColor": GAP_COLOUR,
                    "fillOpacity": 0.35,
                    "className": "cov-gap",
                },
            )
        )
    if "catchments" in layers and len(result.facilities):
        frame = cov.catchments(
            result, network=report_io.result_of(report).method != cov.STRAIGHT_LINE
        )
        out += _catchment_layers(frame, lang)
    if isinstance(report, cov.WhatIf):
        before = report.before.facilities
        gone = before.without([f for f in before.ids if f not in report.removed])
        for (lon, lat), name in zip(cov.lonlat_of(gone), gone.names, strict=True):
            out.append(
                dl.CircleMarker(
                    center=[lat, lon],
                    radius=9,
                    color="#000000",
                    dashArray="3 3",
                    fill=False,
                    className="cov-removed",
                    children=dl.Tooltip(f"{word('removed', lang)}: {name}"),
                )
            )
        for lon, lat in report.added_lonlat:
            out.append(
                dl.CircleMarker(
                    center=[lat, lon],
                    radius=7,
                    color=HYPOTHETICAL_COLOUR,
                    fillColor=HYPOTHETICAL_COLOUR,
                    fillOpacity=0.9,
                    className="cov-added",
                    children=dl.Tooltip(word("hypothetical", lang)),
                )
            )
    return out


def _catchment_layers(frame: gpd.GeoDataFrame, lang: Lang) -> list[Any]:
    lonlat = frame.to_crs(GEOGRAPHIC_CRS)
    out = []
    for hypothetical, colour in ((False, CATCHMENT_COLOUR), (True, HYPOTHETICAL_COLOUR)):
        part = lonlat[lonlat["hypothetical"] == hypothetical]
        if not len(part):
            continue
        features = [
            {
                "type": "Feature",
                "geometry": shapely.geometry.mapping(row.geometry),
                "properties": {
                    "tooltip": escape(
                        f"{word('hypothetical', lang)} {fid}" if hypothetical else str(row["name"])
                    )
                },
            }
            for fid, row in part.iterrows()
        ]
        out.append(
            dl.GeoJSON(
                data=_collection(features),
                style={
                    "color": colour,
                    "weight": 2,
                    "dashArray": "6 4",
                    "fill": False,
                    "className": "cov-catchment" + (" cov-hypothetical" if hypothetical else ""),
                },
            )
        )
    return out


def download(
    report: report_io.Report | None, by: str, fmt: str, lang: Lang
) -> dict[str, Any] | None:
    """A dcc.Download payload of the table (csv with BOM, xlsx, json), or None."""
    if report is None:
        return None
    content = report_io.render(report, by, fmt, lang)
    payload: dict[str, Any] = send_bytes(content, f"soja-coverage-{by}.{fmt}")  # type: ignore[no-untyped-call]
    return payload


def removal_options(facilities: cov.Facilities | None) -> list[dict[str, str]]:
    if facilities is None:
        return []
    return [
        {"label": f"{n} ({i})", "value": i}
        for i, n in zip(facilities.ids, facilities.names, strict=True)
    ]


def view(model: PanelModel, state: PanelState) -> tuple[list[Any], list[Any], Any, list[Any]]:
    """(map layer children, summary, table, method note) for a state; errors become a message."""
    try:
        report = model.report(state)
    except SojaMapError as exc:
        return [], [html.P(str(exc), className="cov-error", role="alert")], None, []
    return (
        map_layers(model, report, state.by, state.layers, state.lang),
        summary_view(report, state.lang),
        table_view(report, state.by, state.lang),
        note_view(report, state.lang),
    )


# -- layout and callbacks ------------------------------------------------------------------------


def _radio(options: Sequence[str], lang: Lang) -> list[dict[str, str]]:
    return [{"label": word(o, lang), "value": o} for o in options]


def labels(data: Dataset, lang: Lang) -> tuple[Any, ...]:
    """Every language-dependent text of the panel, in the order of the language callback's outputs."""
    return (
        word("title", lang),
        *(word(i, lang) for i in LABEL_IDS),
        source_options(data, lang),
        word("choose", lang),
        preset_options(lang),
        _radio(("town", "elementary", "junior_high"), lang),
        _radio(("choropleth", "catchments", "gaps"), lang),
        _radio(("off", "add", "remove"), lang),
        word("reset", lang),
        legend_view(lang),
        word("download", lang),
    )


def layout(data: Dataset, lang: str) -> Any:
    """The panel (its container is ids.COVERAGE_PANEL, provided by the app)."""
    language = as_lang(lang)
    texts = labels(data, language)
    title, *label_texts = texts[: 1 + len(LABEL_IDS)]
    (
        sources,
        placeholder,
        presets,
        by_options,
        layer_options,
        mode_options,
        reset,
        legend,
        dl_text,
    ) = texts[1 + len(LABEL_IDS) :]
    label = dict(zip(LABEL_IDS, label_texts, strict=True))
    return html.Section(
        id=ROOT,
        className="cov-panel",
        children=[
            html.H2(title, id=TITLE),
            html.Label(label["cov-label-source"], id="cov-label-source", htmlFor=SOURCE),
            dcc.Dropdown(id=SOURCE, options=sources, value=None, placeholder=placeholder),
            html.Div(
                [
                    html.Label(label["cov-label-radius"], id="cov-label-radius", htmlFor=RADIUS),
                    dcc.Dropdown(
                        id=PRESET, options=presets, value=cov.DEFAULT_PRESET, clearable=False
                    ),
                    dcc.Input(
                        id=RADIUS,
                        type="number",
                        value=cov.PRESETS[cov.DEFAULT_PRESET].radius_m,
                        min=10,
                        max=50000,
                        step=10,
                        debounce=True,
                        inputMode="numeric",
                    ),
                    html.Span(" m"),
                ],
                className="cov-radius",
            ),
            html.Fieldset(
                [
                    html.Legend(label["cov-label-by"], id="cov-label-by"),
                    dcc.RadioItems(id=BY, options=by_options, value="town", inline=True),
                ]
            ),
            html.Fieldset(
                [
                    html.Legend(label["cov-label-layers"], id="cov-label-layers"),
                    dcc.Checklist(
                        id=LAYERS,
                        options=layer_options,
                        value=["choropleth", "catchments", "gaps"],
                        inline=True,
                    ),
                ]
            ),
            html.Fieldset(
                [
                    html.Legend(label["cov-label-whatif"], id="cov-label-whatif"),
                    dcc.RadioItems(id=MODE, options=mode_options, value="off", inline=True),
                    html.Label(label["cov-label-remove"], id="cov-label-remove", htmlFor=REMOVE),
                    dcc.Dropdown(id=REMOVE, options=[], value=[], multi=True),
                    html.Button(reset, id=RESET, n_clicks=0, type="button"),
                ]
            ),
            dcc.Store(id=WHATIF_STORE, data={"add": []}),
            html.Div(id=SUMMARY, role="status", **_ARIA_LIVE),
            html.Div(legend, id=LEGEND),
            html.Div(id=TABLE, className="cov-table-wrap"),
            html.Div(
                [
                    html.Span(dl_text, id="cov-dl-label"),
                    html.Button("CSV", id=DL_CSV, n_clicks=0, type="button"),
                    html.Button("Excel", id=DL_XLSX, n_clicks=0, type="button"),
                    html.Button("JSON", id=DL_JSON, n_clicks=0, type="button"),
                    dcc.Download(id=DOWNLOAD),
                ],
                className="cov-downloads",
            ),
            html.Div(id=NOTE, className="cov-note"),
        ],
    )


_ARIA_LIVE: Final[dict[str, Any]] = {"aria-live": "polite"}  # screen readers announce new totals

STATE_INPUTS: Final = (
    Input(SOURCE, "value"),
    Input(RADIUS, "value"),
    Input(PRESET, "value"),
    Input(BY, "value"),
    Input(LAYERS, "value"),
    Input(WHATIF_STORE, "data"),
    Input(REMOVE, "value"),
    Input(ids.FILTER_STORE, "data"),
    Input(ids.LANG_STORE, "data"),
)


def state_from(
    source: str | None,
    radius: float | None,
    preset: str | None,
    by: str | None,
    layers: Sequence[str] | None,
    whatif: dict[str, Any] | None,
    removed: Sequence[str] | None,
    filter_data: dict[str, Any] | None,
    lang: Any,
) -> PanelState:
    return PanelState(
        source=source,
        radius=None if radius is None else float(radius),
        preset=preset,
        by=by or "town",
        layers=tuple(layers or ()),
        added=tuple(tuple(p) for p in (whatif or {}).get("add", [])),
        removed=tuple(removed or ()),
        filter_data=filter_data,
        lang=as_lang(lang),
    )


def register_callbacks(app: dash.Dash, data: Dataset) -> None:
    """Wire the panel; the model (population grid, zones) is built once, on first use."""
    model = PanelModel(data)

    @app.callback(
        Output(ids.COVERAGE_LAYER, "children"),
        Output(SUMMARY, "children"),
        Output(TABLE, "children"),
        Output(NOTE, "children"),
        *STATE_INPUTS,
    )
    def _show(*values: Any) -> tuple[Any, ...]:
        return view(model, state_from(*values))

    @app.callback(
        Output(PRESET, "value"),
        Output(RADIUS, "value"),
        Input(PRESET, "value"),
        Input(RADIUS, "value"),
        prevent_initial_call=True,
    )
    def _sync(preset: str | None, radius: float | None) -> tuple[str, float | None]:
        return sync_radius(dash.ctx.triggered_id, preset, radius)

    @app.callback(
        Output(WHATIF_STORE, "data"),
        Output(REMOVE, "value"),
        Input(ids.MAP, "clickData"),
        Input(RESET, "n_clicks"),
        Input(SOURCE, "value"),
        State(MODE, "value"),
        State(WHATIF_STORE, "data"),
        State(REMOVE, "value"),
        State(ids.FILTER_STORE, "data"),
        prevent_initial_call=True,
    )
    def _whatif(
        click: Any, _reset: Any, source: Any, mode: Any, store: Any, removed: Any, flt: Any
    ) -> tuple[Any, Any]:
        facilities = model.facilities(source, flt)
        adds, removes = next_whatif(
            dash.ctx.triggered_id, click, mode, (store or {}).get("add"), removed, facilities
        )
        return {"add": adds}, removes

    @app.callback(
        Output(REMOVE, "options"),
        Input(SOURCE, "value"),
        Input(ids.FILTER_STORE, "data"),
    )
    def _removable(source: Any, flt: Any) -> list[dict[str, str]]:
        return removal_options(model.facilities(source, flt))

    @app.callback(
        Output(TITLE, "children"),
        *(Output(i, "children") for i in LABEL_IDS),
        Output(SOURCE, "options"),
        Output(SOURCE, "placeholder"),
        Output(PRESET, "options"),
        Output(BY, "options"),
        Output(LAYERS, "options"),
        Output(MODE, "options"),
        Output(RESET, "children"),
        Output(LEGEND, "children"),
        Output("cov-dl-label", "children"),
        Input(ids.LANG_STORE, "data"),
    )
    def _language(lang: Any) -> tuple[Any, ...]:
        return labels(data, as_lang(lang))

    @app.callback(
        Output(DOWNLOAD, "data"),
        Input(DL_CSV, "n_clicks"),
        Input(DL_XLSX, "n_clicks"),
        Input(DL_JSON, "n_clicks"),
        *(State(i.component_id, i.component_property) for i in STATE_INPUTS),
        prevent_initial_call=True,
    )
    def _download(_c: Any, _x: Any, _j: Any, *values: Any) -> Any:
        state = state_from(*values)
        fmt = {DL_CSV: "csv", DL_XLSX: "xlsx", DL_JSON: "json"}[str(dash.ctx.triggered_id)]
        return download(model.report(state), state.by, fmt, state.lang)


__all__ = ["layout", "register_callbacks"]
