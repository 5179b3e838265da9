"""``build_map``: the exported map of a filter as a folium.Map in an OfflineFigure.

Colours, markers and the legend come from ``query.styling`` (the Dash map uses the same
functions), the selection and the city-wide rule from ``query.filters``, the popup from
``query.card``; words come from the catalogue, HTML from ``templates/``.
"""

from __future__ import annotations

from dataclasses import dataclass

import folium
import geopandas as gpd
from branca.element import Element
from markupsafe import Markup

from soja_map.data.dataset import Dataset
from soja_map.i18n import Translator, translator
from soja_map.maps.elements import (
    BIND_TIP,
    CIRCLE_POINT,
    AttributionPrefix,
    Basemaps,
    CompactPanels,
    FitView,
    HtmlControl,
    MapTitle,
    PlacesLayer,
    PrintLabels,
    PrintLayout,
    ReadySignal,
    ReferenceLayer,
    ScaleBar,
    check_tree,
)
from soja_map.maps.inset import crowded_inset, short_name
from soja_map.maps.layers import SIMPLIFY_M, default_bounds, place_layer_data, reference_geojson
from soja_map.maps.offline import FONT_STACK, OfflineFigure
from soja_map.maps.options import ExportOptions
from soja_map.maps.panels import (
    city_wide_html,
    city_wide_items,
    info_html,
    legend_html,
    north_arrow_svg,
)
from soja_map.maps.placelist import place_groups, place_numbers
from soja_map.maps.shelters import add_shelter_layers
from soja_map.maps.templating import static_text
from soja_map.query.basemaps import tile_sources
from soja_map.query.filters import Filter, describe_filter, select
from soja_map.query.plan_status import plan_status_text
from soja_map.query.styling import INK, REFERENCE_STYLES, legend_entries


def page_css() -> str:
    return f":root {{ --soja-font: {FONT_STACK}; --soja-ink: {INK}; }}\n" + static_text(
        "export.css"
    )


def map_title(options: ExportOptions) -> str:
    return options.title if options.title else translator(options.lang)("app_title")


@dataclass
class _Reference:
    key: str  # a styling.REFERENCE_STYLES key
    label: str  # catalogue key of the layer-control label
    frame: gpd.GeoDataFrame
    simplify_m: float = SIMPLIFY_M


def _wanted_references(
    data: Dataset, located: gpd.GeoDataFrame, options: ExportOptions
) -> list[_Reference]:
    wanted = []
    boundary = data.references.get("city_boundary")
    if boundary is not None and len(boundary):
        wanted.append(_Reference("city_boundary", "boundary", boundary))
    if options.school_districts and len(data.school_districts):
        districts = data.school_districts
        level = districts["attributes"].map(lambda a: a.get("level"))
        for key, label, which in (
            ("school_district", "elementary_districts", "elementary"),
            ("school_district_jh", "junior_high_districts", "junior_high"),
        ):
            if (level == which).any():
                wanted.append(_Reference(key, label, districts[level == which]))
    if options.towns and len(data.towns):
        wanted.append(_Reference("town", "towns", data.towns, simplify_m=0))
    if options.rail_lines:
        places = data.places
        rails = places[(places["category"] == "rail_line") & ~places.index.isin(located.index)]
        if len(rails):
            wanted.append(_Reference("rail_context", "rail_context", rails, simplify_m=2.0))
    return wanted


def add_reference_layers(
    m: folium.Map, data: Dataset, located: gpd.GeoDataFrame, options: ExportOptions
) -> tuple[list[tuple[str, Element]], list[str], list[gpd.GeoDataFrame]]:
    """The overlays under the places: the city boundary, the school districts (if asked for) and
    the railway lines that are not selected places (grey context).

    Returns the layer-control entries, the legend's reference keys and the frames drawn.
    """
    tr = translator(options.lang)
    wanted = _wanted_references(data, located, options)
    overlays: list[tuple[str, Element]] = []
    for ref in wanted:
        collection = reference_geojson(
            ref.frame, REFERENCE_STYLES[ref.key], tr, simplify_m=ref.simplify_m
        )
        if ref.key == "city_boundary":  # lets clicks through to what lies inside it
            layer = ReferenceLayer(collection, name=ref.key, interactive=False)
        elif ref.key == "town":
            layer = ReferenceLayer(
                collection, name=ref.key, on_each_feature=BIND_TIP, point_to_layer=CIRCLE_POINT
            )
        else:
            layer = ReferenceLayer(collection, name=ref.key, on_each_feature=BIND_TIP)
        layer.add_to(m)
        overlays.append((tr(ref.label), layer))
    return overlays, [ref.key for ref in wanted], [ref.frame for ref in wanted]


def _new_map(bounds: tuple[tuple[float, float], ...], interactive: bool) -> folium.Map:
    centre = [(bounds[0][0] + bounds[1][0]) / 2, (bounds[0][1] + bounds[1][1]) / 2]
    m = folium.Map(
        location=centre,
        zoom_start=12,
        tiles=None,
        zoom_control=interactive,
        prefer_canvas=False,
        zoom_snap=0.25,
        zoom_delta=0.5,
        fade_animation=interactive,
        zoom_animation=interactive,
        marker_zoom_animation=interactive,
    )
    # With no tile layer at load Leaflet has no zoom limits; folium's max_zoom goes only to tiles.
    m.options["max_zoom"] = 19
    m.options["min_zoom"] = 5
    return m


def _add_panels(
    m: folium.Map,
    data: Dataset,
    flt: Filter,
    selected: gpd.GeoDataFrame,
    located: gpd.GeoDataFrame,
    references: list[str],
    tr: Translator,
) -> None:
    """The north arrow, the legend and the 市全域 box."""
    m.add_child(
        HtmlControl("NorthArrow", north_arrow_svg(tr), position="topright", css_class="soja-north")
    )
    by_category = located["category"].value_counts().to_dict()
    entries = legend_entries(
        data.plan,
        by_category,
        tr.lang,
        active_projects=flt.projects,
        counts={str(k): int(v) for k, v in by_category.items()},
        references=references,
        partial=data.partial_categories,
    )
    m.add_child(
        HtmlControl("Legend", legend_html(entries, tr), position="topright", css_class="soja-panel")
    )
    items = city_wide_items(data, selected, flt, tr)
    if items:
        m.add_child(
            HtmlControl(
                "CityWide",
                city_wide_html(items, tr),
                position="topleft",
                css_class="soja-panel soja-city-wide",
            )
        )


def print_labels(
    data: Dataset, selected: gpd.GeoDataFrame, flt: Filter, tr: Translator
) -> dict[str, tuple[int, str]]:
    """Each located place's number in the list (placelist) and its short name, for print labels."""
    numbers = place_numbers(selected, place_groups(selected, data.plan, flt))
    return {
        pid: (n, short_name(tr.pick(selected.at[pid, "name_ja"], selected.at[pid, "name_en"])))
        for pid, n in numbers.items()
    }


def print_texts(tr: Translator) -> dict[str, str]:
    return {
        "inset": tr("export_inset"),
        "labels": tr("export_labels_note", numbered="{numbered}", dropped="{dropped}"),
        "more": tr("export_more", n="{n}"),
        "ink": INK,
    }


def build_map(
    data: Dataset, flt: Filter | None = None, options: ExportOptions | None = None
) -> folium.Map:
    """The exported map of ``flt`` (default: everything) as a folium.Map in an OfflineFigure."""
    flt = (flt or Filter()).check(data.plan)
    options = options or ExportOptions()
    tr = translator(options.lang)
    selected = select(data.places, flt)
    located = selected[selected.geometry.notna()]
    title = map_title(options)
    interactive = not options.print_mode
    bounds = options.view.bounds if options.view else default_bounds(data, located)

    figure = OfflineFigure(
        title, lang=tr.lang, css=page_css(), js=static_text("export.js"), check=check_tree
    )
    m = _new_map(bounds, interactive)
    figure.add_child(m)

    overlays, references, drawn = add_reference_layers(m, data, located, options)
    drawn.insert(0, selected)
    places_layer = PlacesLayer(
        place_layer_data(data, located, flt, tr),
        print_mode=options.print_mode,
        labels=print_labels(data, selected, flt, tr) if options.print_mode else None,
    )
    places_layer.add_to(m)
    overlays.insert(0, (tr("export_places_layer"), places_layer))
    overlays += add_shelter_layers(m, data, options.shelters, interactive, tr)

    initial = None if options.basemap == "none" else options.basemap
    if initial or interactive:
        m.add_child(
            Basemaps(
                initial,
                tr,
                sources=tile_sources(options.tile_mirror),
                overlays=overlays,
                control=interactive,
                notice=interactive,
            )
        )
    m.add_child(MapTitle(title, describe_filter(flt, data.plan, tr)))
    _add_panels(m, data, flt, selected, located, references, tr)
    m.add_child(ScaleBar())
    m.add_child(
        HtmlControl(
            "Info",
            info_html(selected, located, drawn, options, tr),
            position="bottomleft",
            css_class="soja-panel soja-info",
        )
    )
    plan_note = plan_status_text(data.plan, tr)
    if plan_note:
        m.add_child(
            HtmlControl(
                "PlanStatus",
                Markup("{}").format(plan_note),
                position="bottomleft",
                css_class="soja-panel soja-plan-status",
            )
        )
    m.add_child(AttributionPrefix())
    if options.print_mode:
        inset = crowded_inset(located, bounds)
        m.add_child(PrintLayout(inset.bounds if inset else None, print_texts(tr)))
    else:
        m.add_child(
            CompactPanels({"open": tr("export_compact_open"), "close": tr("export_compact_close")})
        )
    m.add_child(FitView(bounds))
    if options.print_mode:
        m.add_child(PrintLabels(print_texts(tr)))
    m.add_child(ReadySignal())
    figure.add_child(places_layer.data_block())
    return m
