"""The report's coverage map: the zones of a coverage result coloured by share covered (the
planner's classes and colours, ``query.share_classes``), its gaps and its facilities, laid out
for print like the main map page (title, legend, north arrow, scale, credits beside the map).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import folium
import geopandas as gpd
import shapely

from soja_map.analysis.zones import geography_from_dataset
from soja_map.data.dataset import Dataset
from soja_map.data.geo import geometry_to_lonlat
from soja_map.i18n import Translator, translator
from soja_map.maps.build import _new_map, map_title, page_css, print_texts
from soja_map.maps.coverage_page import CoverageSummary
from soja_map.maps.elements import (
    BIND_TIP,
    CIRCLE_POINT,
    AttributionPrefix,
    FitView,
    HtmlControl,
    MapTitle,
    PrintLayout,
    ReadySignal,
    ReferenceLayer,
    ScaleBar,
    check_tree,
)
from soja_map.maps.layers import (
    REFERENCE_DECIMALS,
    SIMPLIFY_M,
    default_bounds,
    geometry_json,
    reference_geojson,
)
from soja_map.maps.offline import OfflineFigure
from soja_map.maps.options import ExportOptions
from soja_map.maps.panels import info_html, north_arrow_svg
from soja_map.maps.templating import render, static_text
from soja_map.query.share_classes import class_bounds, share_colour
from soja_map.query.styling import (
    GAP_COLOUR,
    HYPOTHETICAL_COLOUR,
    INK,
    NO_PEOPLE_COLOUR,
    REFERENCE_STYLES,
    SHARE_COLOURS,
)

ZONE_OPACITY = 0.8
# Outlined, not filled: where most people are uncovered the gaps span most of the city, and a
# fill would hide the share colours the page is about.
GAP_STYLE = {"color": GAP_COLOUR, "weight": 1.6, "fill": False}
FACILITY_COLOUR = INK
FACILITY_STYLE = {"radius": 4.5, "color": "#FFFFFF", "weight": 1.5, "fillOpacity": 1.0}


@dataclass(frozen=True)
class LegendRow:
    key: str
    label: str
    colour: str
    shape: str = "box"  # box, dot, dash
    opacity: float = 1.0
    stroke: str = "#666666"
    stroke_width: float = 1.0
    column_break: bool = False


def _feature(fid: str, geom: Any, style: dict[str, Any], tip: str) -> dict[str, Any]:
    return {
        "type": "Feature",
        "id": fid,
        "properties": {"style": style, "tip": tip},
        "geometry": geometry_json(geom, REFERENCE_DECIMALS),
    }


def zone_features(data: Dataset, coverage: CoverageSummary, tr: Translator) -> list[dict[str, Any]]:
    """Each zone of the result's kind, filled with its share's class colour (grey: no people)."""
    names, polygons = geography_from_dataset(data).layer(coverage.by)
    shares = dict(zip(coverage.names, coverage.shares, strict=True))
    dashed = coverage.by == "town"  # town areas are estimates around their points
    features = []
    for name, polygon in zip(names, polygons, strict=True):
        share = shares.get(str(name))
        style = {
            "color": "#555555",
            "weight": 0.8,
            "fillColor": share_colour(share),
            "fillOpacity": ZONE_OPACITY,
            **({"dashArray": "4 3"} if dashed else {}),
        }
        tip = str(name) if share is None else f"{name} {tr.percent(share)}"
        simple = polygon.simplify(SIMPLIFY_M, preserve_topology=True)
        features.append(_feature(str(name), geometry_to_lonlat(simple), style, tip))
    return features


def gap_feature(coverage: CoverageSummary) -> dict[str, Any]:
    """The gaps as one outline: the file splits them by town, and the town lines would read as
    more boundaries."""
    merged = shapely.union_all([shapely.geometry.shape(g) for g in coverage.gaps])
    return _feature("gaps", merged, GAP_STYLE, "")


def facility_frame(data: Dataset, coverage: CoverageSummary) -> gpd.GeoDataFrame:
    """The result's real facilities that are places of the bundle, with a geometry."""
    ids = [fid for fid, hypothetical in coverage.facilities if not hypothetical]
    places = data.places
    found = places.loc[places.index.intersection(ids)]
    return found[found.geometry.notna()]


def facility_features(
    data: Dataset, coverage: CoverageSummary, tr: Translator
) -> list[dict[str, Any]]:
    features = []
    for pid, row in facility_frame(data, coverage).iterrows():
        point = row.geometry if row.geometry.geom_type == "Point" else row.geometry.centroid
        style = {**FACILITY_STYLE, "fillColor": FACILITY_COLOUR}
        features.append(_feature(str(pid), point, style, tr.pick(row["name_ja"], row["name_en"])))
    for i, (lon, lat) in enumerate(coverage.added, start=1):
        style = {**FACILITY_STYLE, "fillColor": HYPOTHETICAL_COLOUR}
        tip = tr("planner_hypothetical_id", id=i)
        features.append(_feature(f"added-{i}", shapely.Point(lon, lat), style, tip))
    return features


def legend_rows(coverage: CoverageSummary, tr: Translator) -> list[LegendRow]:
    rows = [
        LegendRow(
            f"share-{i}", f"{tr.percent(lo, 0)}–{tr.percent(hi, 0)}", colour, "box", ZONE_OPACITY
        )
        for i, (lo, hi, colour) in enumerate(class_bounds())
    ]
    if any(share is None for share in coverage.shares):
        rows.append(LegendRow("no-people", tr("planner_no_people"), NO_PEOPLE_COLOUR))
    if coverage.gaps:
        rows.append(
            LegendRow("gaps", tr("planner_layer_gaps"), "#FFFFFF", "box", 1.0, GAP_COLOUR, 2.0)
        )
    rows.append(LegendRow("facilities", tr("export_coverage_facilities"), FACILITY_COLOUR, "dot"))
    if coverage.added:
        rows.append(
            LegendRow("hypothetical", tr("planner_hypothetical"), HYPOTHETICAL_COLOUR, "dot")
        )
    if coverage.by == "town":
        rows.append(LegendRow("town-estimate", tr("planner_town_estimate"), "#555555", "dash"))
    # the classes in the legend's first column, what else the map draws in the second
    rows[len(SHARE_COLOURS)] = replace(rows[len(SHARE_COLOURS)], column_break=True)
    return rows


def _credits_frames(data: Dataset, coverage: CoverageSummary) -> list[gpd.GeoDataFrame]:
    frames = [facility_frame(data, coverage)]
    boundary = data.references.get("city_boundary")
    if boundary is not None:
        frames.append(boundary)
    if coverage.by == "town":
        frames.append(data.towns)
    elif coverage.by in {"elementary", "junior_high"}:
        frames.append(data.school_districts)
    return [f for f in frames if "attribution" in f.columns]


def build_coverage_map(
    data: Dataset, coverage: CoverageSummary, options: ExportOptions
) -> folium.Map:
    """The coverage map page as a folium.Map in an OfflineFigure (print layout)."""
    tr = translator(options.lang)
    facilities = facility_frame(data, coverage)
    bounds = default_bounds(data, facilities)
    figure = OfflineFigure(
        map_title(options),
        lang=tr.lang,
        css=page_css(),
        js=static_text("export.js"),
        check=check_tree,
    )
    m = _new_map(bounds, interactive=False)
    figure.add_child(m)
    zones = {"type": "FeatureCollection", "features": zone_features(data, coverage, tr)}
    ReferenceLayer(zones, name="coverage_zones", on_each_feature=BIND_TIP).add_to(m)
    if coverage.gaps:
        gaps = {"type": "FeatureCollection", "features": [gap_feature(coverage)]}
        ReferenceLayer(gaps, name="coverage_gaps", interactive=False).add_to(m)
    boundary = data.references.get("city_boundary")
    if boundary is not None and len(boundary):
        outline = reference_geojson(boundary, REFERENCE_STYLES["city_boundary"], tr)
        ReferenceLayer(outline, name="city_boundary", interactive=False).add_to(m)
    points = {"type": "FeatureCollection", "features": facility_features(data, coverage, tr)}
    ReferenceLayer(
        points, name="coverage_facilities", on_each_feature=BIND_TIP, point_to_layer=CIRCLE_POINT
    ).add_to(m)

    m.add_child(MapTitle(tr("export_report_coverage_map"), coverage.subtitle))
    m.add_child(
        HtmlControl("NorthArrow", north_arrow_svg(tr), position="topright", css_class="soja-north")
    )
    legend = render(
        "coverage_legend.html",
        title=tr("legend"),
        heading=tr("planner_layer_choropleth"),
        rows=legend_rows(coverage, tr),
    )
    m.add_child(HtmlControl("Legend", legend, position="topright", css_class="soja-panel"))
    m.add_child(ScaleBar())
    no_tiles = replace(options, basemap="none")  # the zones' colours are the background
    info = info_html(facilities, facilities, _credits_frames(data, coverage), no_tiles, tr)
    m.add_child(HtmlControl("Info", info, position="bottomleft", css_class="soja-panel soja-info"))
    m.add_child(AttributionPrefix())
    m.add_child(PrintLayout(None, print_texts(tr)))
    m.add_child(FitView(bounds))
    m.add_child(ReadySignal())
    return m
