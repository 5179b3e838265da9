"""Contract: the exported (Folium) map draws each place with exactly what styling.py gives the Dash map.

Both maps take their colours, marker SVGs, line styles and legend from soja_map.query.styling; these
tests check that the export adds nothing of its own: per feature, per icon and per legend row.
"""

from __future__ import annotations

import json
import re

import folium
import pytest

from soja_map.config import BASEMAPS, Settings
from soja_map.data.dataset import Dataset
from soja_map.data.schema import CATEGORIES, PLACE_CATEGORIES, POINT
from soja_map.i18n import translator
from soja_map.maps.api import ExportOptions, build_map, render_html
from soja_map.maps.elements import PlacesLayer
from soja_map.maps.offline import js_literal
from soja_map.maps.panels import legend_html
from soja_map.query.basemaps import TILE_SOURCES
from soja_map.query.filters import Filter, select
from soja_map.query.styling import (
    GLYPHS_BY_LANG,
    NEUTRAL,
    REFERENCE_STYLES,
    LegendEntry,
    colours_for,
    feature_style,
    icon_table,
    legend_entries,
    marker_svg,
    path_style,
    swatch_html,
)
from soja_map.web.components import svg_src
from soja_map.web.context import build_context
from soja_map.web.mapdata import prepare, style_key, style_tables
from soja_map.web.views import filter_view
from tests.dash_tree import strings, walk

FILTERS = {
    "all": Filter(),
    "hagukumu": Filter(projects=("hagukumu",)),
    "two projects": Filter(projects=("sasaeru", "uruou")),
    "schools": Filter(categories=("school",)),
}


def places_layer(m: folium.Map) -> PlacesLayer:
    return next(c for c in m._children.values() if getattr(c, "layer_name", None) == "places")


def control(m: folium.Map, name: str):
    return next(c for c in m._children.values() if c._name == name)


@pytest.fixture(scope="module", params=list(FILTERS))
def case(request, dataset: Dataset) -> tuple[Filter, folium.Map, str]:
    flt = FILTERS[request.param]
    m = build_map(dataset, flt, ExportOptions())
    return flt, m, render_html(m)


def test_every_marker_is_the_styling_svg_for_its_category_and_projects(case, dataset) -> None:
    flt, m, document = case
    layer = places_layer(m)
    icons = layer.icons
    seen = 0
    for feature in layer.data["features"]:
        if feature["geometry"]["type"] != POINT:
            continue
        row = dataset.places.loc[feature["id"]]
        expected = feature_style(row["category"], row["projects"], dataset.plan, flt.projects)
        assert feature["properties"]["icon"] == expected["icon"]
        colours = colours_for(row["projects"], dataset.plan, flt.projects)
        assert icons[expected["icon"]] == marker_svg(row["category"], colours)
        seen += 1
    assert seen
    assert icons == icon_table(icons)
    # and this is what the page carries, byte for byte
    assert js_literal(icons) in document


def test_every_line_has_the_styling_path_style(case, dataset) -> None:
    flt, m, _ = case
    for feature in places_layer(m).data["features"]:
        if feature["geometry"]["type"] == POINT:
            continue
        row = dataset.places.loc[feature["id"]]
        colours = colours_for(row["projects"], dataset.plan, flt.projects)
        assert feature["properties"]["style"] == path_style(row["category"], colours)
        assert (
            feature["properties"]["style"]
            == feature_style(row["category"], row["projects"], dataset.plan, flt.projects)["path"]
        )


def test_the_legend_is_the_styling_legend(case, dataset) -> None:
    flt, m, document = case
    located = select(dataset.places, flt)
    located = located[located.geometry.notna()]
    counts = located["category"].value_counts().to_dict()
    references = ["city_boundary"]
    if any(layer == "rail_context" for layer in _layer_names(m)):
        references.append("rail_context")
    expected = legend_html(
        legend_entries(
            dataset.plan,
            counts,
            "ja",
            active_projects=flt.projects,
            counts={str(k): int(v) for k, v in counts.items()},
            references=references,
            partial=dataset.partial_categories,
        ),
        translator("ja"),
    )
    legend = control(m, "Legend")
    assert legend.html == expected
    assert js_literal(expected) in document
    for project in dataset.plan.projects:
        shown = flt.projects is None or project.id in flt.projects
        assert (f'fill="{project.colour}"' in legend.html) == shown


def _layer_names(m: folium.Map) -> list[str]:
    return [c.layer_name for c in m._children.values() if isinstance(c, folium.GeoJson)]


def test_reference_overlays_use_the_reference_styles(dataset) -> None:
    m = build_map(dataset, Filter(projects=("hagukumu",)), ExportOptions(school_districts=True))
    layers = {c.layer_name: c for c in m._children.values() if isinstance(c, folium.GeoJson)}
    for name in ("city_boundary", "school_district", "school_district_jh", "rail_context"):
        styles = {json.dumps(f["properties"]["style"]) for f in layers[name].data["features"]}
        assert styles == {json.dumps(REFERENCE_STYLES[name])}


def test_every_category_and_project_colour_can_be_drawn(dataset) -> None:
    """A marker for every point category in every project colour comes from styling, unchanged."""
    for category in PLACE_CATEGORIES:
        for project in dataset.plan.projects:
            style = feature_style(category, (project.id,), dataset.plan)
            if "icon" in style:
                assert icon_table([style["icon"]])[style["icon"]] == marker_svg(
                    category, (project.colour,)
                )
                assert f'fill="{project.colour}"' in marker_svg(category, (project.colour,))


# -- against the Dash map's own tables (soja_map.web.mapdata, soja_map.web.basemaps) -------------------


def test_the_dash_map_and_the_export_draw_each_place_alike(case, dataset) -> None:
    """The app keys each place to an icon or path style (mapdata.style_key, drawn from its
    style tables); the export must give the same SVG or path options for the same filter."""
    flt, m, _ = case
    app_icons, app_paths = style_tables(dataset.places, dataset.plan)
    layer = places_layer(m)
    for feature in layer.data["features"]:
        row = dataset.places.loc[feature["id"]]
        key = style_key(row["category"], row["projects"], dataset.plan, flt.projects)
        if feature["geometry"]["type"] == POINT:
            assert feature["properties"]["icon"] == key
            assert layer.icons[key] == app_icons[key]
        else:
            ours = {k: v for k, v in feature["properties"]["style"].items() if v is not None}
            assert ours == app_paths[key]


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_both_maps_and_both_legends_draw_the_same_symbols_in_each_language(
    dataset: Dataset, lang: str
) -> None:
    """The glyph of a category is chosen in one place (styling.GLYPHS_BY_LANG): the app's point
    layer, the export's markers, and both legends' swatches carry the same SVG for a language,
    and in English no marker or swatch carries a kanji or kana."""
    tr = translator(lang)
    flt = Filter()
    app_icons = prepare(dataset).points_hideout(dataset.plan, tr)["icons"]
    m = build_map(dataset, flt, ExportOptions(lang=lang))
    export_icons = places_layer(m).icons
    assert export_icons
    for key, svg in export_icons.items():
        assert app_icons[key] == svg, key
        category = key.split("|")[0]
        assert f">{GLYPHS_BY_LANG[tr.lang][category]}</text>" in svg, key
    ctx = build_context(
        Settings(geodata_dir=dataset.geodata_dir, tiles=False), dataset, url_for=lambda p: "/" + p
    )
    app_swatches = {getattr(c, "src", None) for c in walk(filter_view(ctx, flt, [], tr).legend)}
    export_legend = control(m, "Legend").html
    for category in set(dataset.located["category"]) - {"rail_line", "bus_route"}:
        swatch = swatch_html(
            LegendEntry("category", category, "", svg=marker_svg(category, (NEUTRAL,), lang=lang))
        )
        assert f">{GLYPHS_BY_LANG[tr.lang][category]}</text>" in swatch
        assert svg_src(swatch) in app_swatches, category
        assert swatch in export_legend, category
    if lang == "en":
        cjk = re.compile(r">[^<]*[\u3040-\u30ff\u4e00-\u9fff][^<]*</text>")
        assert not any(cjk.search(svg) for svg in app_icons.values())
        assert not cjk.search(export_legend)


def test_the_dash_map_and_the_export_offer_the_same_background_maps(
    settings, dataset: Dataset
) -> None:
    # one table (soja_map.query.basemaps) serves both; this guards against either growing its own
    assert set(TILE_SOURCES) == set(BASEMAPS) - {"none"}
    assert build_context(settings, dataset, url_for=str).basemaps == tuple(TILE_SOURCES.values())


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_a_partial_category_says_so_in_both_legends_alike(dataset, lang) -> None:
    """Completeness is shown where the count is: the app's legend and the export's say the same."""
    partial = dataset.partial_categories
    assert {"medical_facility"} <= partial  # clinics are a selection (SOURCES.md section 16)
    tr = translator(lang)
    flt = Filter()
    ctx = build_context(
        Settings(geodata_dir=dataset.geodata_dir, tiles=False), dataset, url_for=lambda p: "/" + p
    )
    app_legend = "".join(strings(filter_view(ctx, flt, ["city_boundary"], tr).legend))
    export_legend = control(build_map(dataset, flt, ExportOptions(lang=lang)), "Legend").html
    located = dataset.located
    for category in partial & set(located["category"]):
        n = int((located["category"] == category).sum())
        words = tr("legend_count_partial", n=tr.number(n))
        assert words in app_legend, category
        assert words in export_legend, category
    # every complete category (not the first of a set: its order changes with the hash seed, and
    # another category may share its count), read with its own label
    for complete in sorted(set(located["category"]) - partial):
        n = int((located["category"] == complete).sum())
        label = tr.pick(CATEGORIES[complete].label_ja, CATEGORIES[complete].label_en)
        assert f"{label} {tr('legend_count', n=tr.number(n))}" in app_legend, complete
        assert f"{label} {tr('legend_count_partial', n=tr.number(n))}" not in app_legend
