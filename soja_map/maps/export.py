"""Static Folium maps of a filtered view, for reports: one offline HTML file (PNG/PDF via render.py).

The only module that imports folium. Colours, markers and the legend come from ``styling`` (the
Dash map uses the same functions), the selection from ``filters``. Every string that came from
data is HTML-escaped here, in Python, and reaches the page as a script-safe JSON literal.
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Literal

import folium
import geopandas as gpd
import shapely
from branca.element import Element, MacroElement
from folium.template import Template
from folium.utilities import JsCode
from shapely.geometry.base import BaseGeometry

from soja_map import __version__
from soja_map.config import BASEMAPS
from soja_map.data.dataset import Dataset
from soja_map.data.geo import geometry_to_lonlat, geometry_to_metric
from soja_map.data.io import atomic_write_text, round_coordinates
from soja_map.data.plan import Plan
from soja_map.data.schema import CATEGORIES, POINT
from soja_map.errors import CatalogueError, ExportError
from soja_map.i18n import LANGS, Lang, lookup, position_label, t
from soja_map.maps.offline import FONT_STACK, OfflineFigure, js_literal, walk
from soja_map.query.basemaps import TILE_SOURCES, TileSource, tile_sources
from soja_map.query.filters import Filter, measures_for_place, select
from soja_map.query.styling import (
    INK,
    MARKER_SIZE,
    REFERENCE_STYLES,
    colours_for,
    feature_style,
    icon_key,
    icon_table,
    legend_entries,
    legend_html,
    path_style,
)

# Words only the export needs (the shared ones are in i18n).
WORDS: dict[str, dict[Lang, str]] = {
    "generated": {"ja": "作成", "en": "Made"},
    "matching": {"ja": "該当", "en": "Matching"},
    "city_wide_short": {"ja": "市全域", "en": "city-wide"},
    "more": {"ja": "ほか {n} 件", "en": "and {n} more"},
    "nothing_selected": {
        "ja": "条件に合う場所はありません",
        "en": "No place matches the filter",
    },
    "tiles_failed": {
        "ja": "背景地図を読み込めません（オフライン環境）。背景地図なしで表示しています。",
        "en": "The background map cannot be loaded (offline). Showing the map without it.",
    },
    "places_layer": {"ja": "場所", "en": "Places"},
}

PLACE_DECIMALS = 6  # ~0.1 m: no source here is more precise
REFERENCE_DECIMALS = 5  # ~1 m, after simplifying reference lines by SIMPLIFY_M
SIMPLIFY_M = 5.0  # at 1:50,000 a printed 0.1 mm is 5 m
STACK_SPACING_PX = MARKER_SIZE - 2  # markers sharing a position are laid side by side
MAX_CITY_WIDE_ROWS = 12
_HTTP_URL = re.compile(r"^https?://[^\s\"'<>]+$")


def word(key: str, lang: Lang) -> str:
    return lookup(WORDS, key, lang)


def esc(value: object) -> str:
    """HTML-escape text that came from data (quotes too: it may end up in an attribute)."""
    return html.escape("" if value is None else str(value), quote=True)


# -- filters from the command line ----------------------------------------------------------------


def filter_from_names(
    plan: Plan,
    *,
    projects: Sequence[str] = (),
    policies: Sequence[str] = (),
    measures: Sequence[str] = (),
    categories: Sequence[str] = (),
    towns: Sequence[str] = (),
    text: str = "",
    known_towns: Iterable[str] | None = None,
) -> Filter:
    """A Filter from ids or exact names (Japanese or English), as staff type them; names every unknown one."""
    unknown: list[str] = []

    def resolve(
        kind: str, values: Sequence[str], names: Mapping[str, Sequence[str]]
    ) -> tuple[str, ...]:
        out = []
        for value in values:
            found = (
                value
                if value in names
                else next((ident for ident, labels in names.items() if value in labels), None)
            )
            if found is None:
                unknown.append(f"{kind} {value!r} (one of: {', '.join(names)})")
            else:
                out.append(found)
        return tuple(dict.fromkeys(out))

    if known_towns is not None:
        town_names = set(known_towns)
        unknown += [f"town {name!r}" for name in towns if name not in town_names]
    flt = Filter(
        projects=resolve("project", projects, {p.id: (p.name_ja, p.name_en) for p in plan.projects})
        or None,
        policies=resolve(
            "policy", policies, {k: (v.name_ja, v.name_en) for k, v in plan.policies.items()}
        ),
        measures=resolve(
            "measure", measures, {k: (v.name_ja, v.name_en) for k, v in plan.measures.items()}
        ),
        categories=resolve(
            "category",
            categories,
            {k: (v.label_ja, v.label_en) for k, v in CATEGORIES.items() if v.role == "place"},
        ),
        towns=tuple(towns),
        text=text,
    )
    if unknown:
        raise CatalogueError("unknown " + "; ".join(unknown))
    return flt


# -- options ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class View:
    """The part of the map to show: ``((south, west), (north, east))`` in degrees."""

    bounds: tuple[tuple[float, float], tuple[float, float]]

    @classmethod
    def from_store(cls, data: Mapping[str, Any] | None) -> View | None:
        """From the app's VIEW_STORE (``{"center", "zoom", "bounds": [[s, w], [n, e]]}``); None if unusable."""
        if not data or not isinstance(data.get("bounds"), list | tuple):
            return None
        try:
            (south, west), (north, east) = ((float(a), float(b)) for a, b in data["bounds"])
        except (TypeError, ValueError):
            return None
        if not all(math.isfinite(v) for v in (south, west, north, east)):
            return None
        if not (-90 <= south < north <= 90 and -180 <= west < east <= 180):
            return None
        return cls(((south, west), (north, east)))

    @classmethod
    def parse(cls, text: str) -> View:
        """From ``"south,west,north,east"`` in degrees (as typed on the command line)."""
        parts = [p.strip() for p in text.split(",")]
        view = cls.from_store({"bounds": [parts[:2], parts[2:]]}) if len(parts) == 4 else None
        if view is None:
            raise ExportError(
                f"bounds must be south,west,north,east in degrees, e.g. 34.66,133.72,34.69,133.77;"
                f" got {text!r}"
            )
        return view


@dataclass(frozen=True)
class ExportOptions:
    """How to draw the exported map (what to draw is a ``Filter``)."""

    title: str | None = None  # default: the app title (per project with each_project)
    basemap: str = "none"  # one of config.BASEMAPS; tiles show only where the network allows
    lang: Lang = "ja"
    school_districts: bool = False
    rail_lines: bool = True  # railway lines as grey context when they are not selected places
    view: View | None = None  # default: the city and every selected place
    print_mode: bool = False  # for PNG/PDF: no controls, no animation, no background-map notice
    generated: date = field(default_factory=date.today)
    tile_mirror: str | None = (
        None  # e.g. a tile cache on the closed network (see offline.tile_sources)
    )

    def __post_init__(self) -> None:
        tile_sources(self.tile_mirror)  # raises on a bad URL
        if self.basemap not in BASEMAPS:
            raise ExportError(f"basemap must be one of {', '.join(BASEMAPS)}; got {self.basemap!r}")
        if self.lang not in LANGS:
            raise ExportError(f"lang must be one of {', '.join(LANGS)}; got {self.lang!r}")


# -- the pure parts: what goes on the map ----------------------------------------------------------


def popup_html(data: Dataset, place_id: str, lang: Lang = "ja") -> str:
    """The popup of one place, as in the app: every value escaped."""
    row = data.places.loc[place_id]
    plan = data.plan
    name = row["name_en"] if lang == "en" and row["name_en"] else row["name_ja"]
    parts = [
        f'<div class="soja-popup" lang="{lang}"><div class="soja-popup-name">{esc(name)}</div>'
    ]
    if lang == "en" and name != row["name_ja"]:
        parts.append(f'<div class="soja-popup-alt" lang="ja">{esc(row["name_ja"])}</div>')
    rows: list[tuple[str, str]] = [
        (t("category", lang), esc(getattr(CATEGORIES[row["category"]], f"label_{lang}")))
    ]
    measures = []
    for link in measures_for_place(data.places, place_id, plan):
        colour = plan.project(link["project"]).colour
        measures.append(
            f'<li><span class="soja-sw" style="background:{colour}"></span>'
            f"{esc(link[f'measure_{lang}'])}<br><small>{esc(link[f'project_{lang}'])} › "
            f"{esc(link[f'policy_{lang}'])}</small></li>"
        )
    if measures:
        rows.append((t("measures", lang), f"<ul>{''.join(measures)}</ul>"))
    if row["address"]:
        rows.append((t("address", lang), esc(row["address"])))
    if row["description"]:
        rows.append((t("description", lang), esc(row["description"])))
    rows.append((t("source", lang), _source_html(row["source"], row["licence"], lang)))
    as_of = esc(row["as_of"]) if row["as_of"] else esc(t("undated", lang))
    if row["as_of_note"]:
        as_of += f"<br><small>{esc(row['as_of_note'])}</small>"
    rows.append((t("as_of", lang), as_of))
    position = esc(position_label(row["position_accuracy"], lang))
    if row["position_note"] and row["position_accuracy"] != "address_town":
        position += f"<br><small>{esc(row['position_note'])}</small>"
    rows.append((t("position", lang), position))
    parts.append("<table>")
    parts += [f"<tr><th>{esc(label)}</th><td>{value}</td></tr>" for label, value in rows]
    parts.append("</table></div>")
    return "".join(parts)


def _source_html(source: Any, licence: Any, lang: Lang) -> str:
    source = source if isinstance(source, Mapping) else {}
    text = " ".join(esc(source.get(k)) for k in ("publisher", "dataset") if source.get(k))
    reference = str(source.get("reference") or "")
    if _HTTP_URL.match(reference):
        # a plain link: it fetches nothing until someone clicks it
        text += (
            f'<br><a href="{esc(reference)}" target="_blank" rel="noopener noreferrer">'
            f"{esc(reference)}</a>"
        )
    elif reference:
        text += f"<br>{esc(reference)}"
    if licence:
        text += f"<br><small>{esc(t('licence', lang))}: {esc(licence)}</small>"
    return text


def attribution_parts(frames: Iterable[gpd.GeoDataFrame]) -> list[str]:
    """The distinct credits (``attribution`` split at '; ') of everything drawn, first seen first."""
    seen: dict[str, None] = {}
    for frame in frames:
        for text in frame["attribution"].dropna():
            for part in str(text).split("; "):
                if part.strip():
                    seen.setdefault(part.strip(), None)
    return list(seen)


def as_of_text(selected: gpd.GeoDataFrame, lang: Lang) -> str:
    dates = sorted(str(d) for d in selected["as_of"].dropna())
    undated = int(selected["as_of"].isna().sum())
    if not dates:
        text = t("undated", lang)
    elif dates[0] == dates[-1]:
        text = dates[0]
    else:
        text = f"{dates[0]}〜{dates[-1]}" if lang == "ja" else f"{dates[0]} to {dates[-1]}"
    if dates and undated:
        text += (
            f"（{t('undated', lang)} {undated}{t('places', lang)}）"
            if lang == "ja"
            else f" ({undated} {t('undated', lang)})"
        )
    return f"{t('data_as_of', lang)}: {text}"


@dataclass(frozen=True)
class CityWideItem:
    """A row of the 市全域 box: a place without a site, or a city-wide measure of the plan."""

    kind: Literal["place", "measure"]
    id: str
    label: str
    colours: tuple[str, ...]


def city_wide_items(
    data: Dataset, selected: gpd.GeoDataFrame, flt: Filter, lang: Lang = "ja"
) -> list[CityWideItem]:
    """City-wide places in the selection, then the plan's city-wide measures the filter covers.

    Measures are listed only when the filter is about the plan (projects, policies, measures):
    a category, town or text filter is about places, and no city-wide measure has one.
    """
    plan = data.plan
    items = [
        CityWideItem(
            "place",
            str(pid),
            row["name_en"] if lang == "en" and row["name_en"] else row["name_ja"],
            colours_for(row["projects"], plan, flt.projects),
        )
        for pid, row in selected[selected.geometry.isna()].iterrows()
    ]
    if flt.categories or flt.towns or flt.text:
        return items
    for project in plan.projects:
        if flt.projects is not None and project.id not in flt.projects:
            continue
        for measure in project.measures:
            if not measure.city_wide:
                continue
            if flt.policies and measure.policy not in flt.policies:
                continue
            if flt.measures and measure.id not in flt.measures:
                continue
            items.append(
                CityWideItem(
                    "measure", measure.id, getattr(measure, f"name_{lang}"), (project.colour,)
                )
            )
    return items


def city_wide_html(items: Sequence[CityWideItem], lang: Lang) -> str:
    rows = []
    for item in items[:MAX_CITY_WIDE_ROWS]:
        swatches = "".join(
            f'<span class="soja-sw" style="background:{c}"></span>' for c in item.colours
        )
        rows.append(
            f'<li data-item="{item.kind}:{esc(item.id)}">{swatches}<span>{esc(item.label)}</span></li>'
        )
    if len(items) > MAX_CITY_WIDE_ROWS:
        rows.append(f"<li>{esc(word('more', lang).format(n=len(items) - MAX_CITY_WIDE_ROWS))}</li>")
    return (
        f'<div class="soja-panel-title">{esc(t("city_wide", lang))}</div><ul>{"".join(rows)}</ul>'
    )


def _geometry_json(geom: BaseGeometry, decimals: int) -> dict[str, Any]:
    mapping = shapely.geometry.mapping(geom)
    return {
        "type": mapping["type"],
        "coordinates": round_coordinates(mapping["coordinates"], decimals),
    }


def stack_offsets(points: gpd.GeoSeries) -> dict[str, tuple[int, int]]:
    """Screen offsets (px) for markers that share a position (many sit on one town's point)."""
    groups: dict[tuple[float, float], list[str]] = {}
    for pid, geom in points.items():
        groups.setdefault((round(geom.x, 5), round(geom.y, 5)), []).append(str(pid))
    offsets: dict[str, tuple[int, int]] = {}
    for ids in groups.values():
        if len(ids) > 1:
            for i, pid in enumerate(ids):
                offsets[pid] = (round((i - (len(ids) - 1) / 2) * STACK_SPACING_PX), 0)
    return offsets


@dataclass(frozen=True)
class PlaceLayerData:
    """What the places layer carries: GeoJSON with per-feature style keys, icons and popups."""

    geojson: dict[str, Any]
    icons: dict[str, str]  # icon key -> SVG (styling.icon_table)
    popups: dict[str, tuple[str, str]]  # place id -> (popup HTML, tooltip HTML), both escaped


def place_layer_data(
    data: Dataset, located: gpd.GeoDataFrame, flt: Filter, lang: Lang
) -> PlaceLayerData:
    """Per-feature style from styling.feature_style/path_style: the same keys the Dash map uses."""
    plan = data.plan
    points = located[located.geom_type == POINT]
    offsets = stack_offsets(points.geometry)
    features = []
    popups = {}
    keys = []
    # lines and areas first: Leaflet draws later features on top
    order = sorted(range(len(located)), key=lambda i: located.geom_type.iloc[i] == POINT)
    for i in order:
        pid = str(located.index[i])
        row = located.iloc[i]
        properties: dict[str, Any] = {}
        if row.geometry.geom_type == POINT:
            style = feature_style(row["category"], row["projects"], plan, flt.projects)
            key = style.get("icon") or icon_key(row["category"], tuple(style["colours"]))
            properties["icon"] = key
            keys.append(key)
            if pid in offsets:
                properties["offset"] = list(offsets[pid])
        else:
            colours = colours_for(row["projects"], plan, flt.projects)
            properties["style"] = path_style(row["category"], colours)
        features.append(
            {
                "type": "Feature",
                "id": pid,
                "properties": properties,
                "geometry": _geometry_json(row.geometry, PLACE_DECIMALS),
            }
        )
        name = row["name_en"] if lang == "en" and row["name_en"] else row["name_ja"]
        popups[pid] = (popup_html(data, pid, lang), esc(name))
    return PlaceLayerData(
        geojson={"type": "FeatureCollection", "features": features},
        icons=icon_table(keys),
        popups=popups,
    )


def reference_geojson(
    frame: gpd.GeoDataFrame, style: Mapping[str, Any], lang: Lang, *, simplify_m: float = SIMPLIFY_M
) -> dict[str, Any]:
    """Reference features, simplified in metres (EPSG:6673), styled, with an escaped name."""
    features = []
    for pid, row in frame.iterrows():
        if row.geometry is None or row.geometry.is_empty:
            continue
        geom = row.geometry
        if simplify_m and geom.geom_type != POINT:
            geom = geometry_to_lonlat(
                geometry_to_metric(geom).simplify(simplify_m, preserve_topology=True)
            )
        name = row["name_en"] if lang == "en" and row["name_en"] else row["name_ja"]
        features.append(
            {
                "type": "Feature",
                "id": str(pid),
                "properties": {"style": dict(style), "tip": esc(name)},
                "geometry": _geometry_json(geom, REFERENCE_DECIMALS),
            }
        )
    return {"type": "FeatureCollection", "features": features}


def default_bounds(data: Dataset, located: gpd.GeoDataFrame) -> tuple[tuple[float, float], ...]:
    """The city, widened to every selected point (stations just outside it, say)."""
    points = located[located.geom_type == POINT]
    west, south, east, north = data.extent(points if len(points) else located)
    return ((south, west), (north, east))


# -- folium elements -------------------------------------------------------------------------------


class _MapElement(MacroElement):
    """A MacroElement that draws onto its parent map (its script knows the map's variable)."""

    def map_name(self) -> str:
        parent = self._parent
        while parent is not None and not isinstance(parent, folium.Map):
            parent = parent._parent
        if parent is None:
            raise ExportError(f"{self._name} must be added to a folium.Map")
        return parent.get_name()


class HtmlControl(_MapElement):
    """A Leaflet control showing trusted HTML (built here from escaped text and constants)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function (map) {
            var control = L.control({position: {{ this.position|tojson }}});
            control.onAdd = function () {
                var div = L.DomUtil.create('div', {{ this.css_class|tojson }});
                div.innerHTML = {{ this.html_literal }};
                L.DomEvent.disableClickPropagation(div);
                L.DomEvent.disableScrollPropagation(div);
                return div;
            };
            control.addTo(map);
        })({{ this.map_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, name: str, html_: str, *, position: str, css_class: str) -> None:
        super().__init__()  # type: ignore[no-untyped-call]  # branca's MacroElement
        if position not in {"topleft", "topright", "bottomleft", "bottomright"}:
            raise ExportError(f"unknown control position {position!r}")
        self._name = name
        self.html = html_
        self.html_literal = js_literal(html_)
        self.position = position
        self.css_class = css_class


class MapTitle(MacroElement):
    """The title and the filter line, centred over the top of the map."""

    _template = Template(
        """
        {% macro html(this, kwargs) %}
        <div class="soja-title"><h1>{{ this.title|e }}</h1>
        {%- if this.subtitle %}<p>{{ this.subtitle|e }}</p>{% endif %}</div>
        {% endmacro %}
        """
    )

    def __init__(self, title: str, subtitle: str = "") -> None:
        super().__init__()  # type: ignore[no-untyped-call]  # branca's MacroElement
        self._name = "MapTitle"
        self.title = title
        self.subtitle = subtitle


class ScaleBar(_MapElement):
    _template = Template(
        """
        {% macro script(this, kwargs) %}
        L.control.scale({position: 'bottomleft', metric: true, imperial: false, maxWidth: 160})
            .addTo({{ this.map_name() }});
        {% endmacro %}
        """
    )

    def __init__(self) -> None:
        super().__init__()  # type: ignore[no-untyped-call]  # branca's MacroElement
        self._name = "ScaleBar"


class AttributionPrefix(_MapElement):
    # the default prefix carries a flag icon; in a printed report a plain credit reads better
    _template = Template(
        """
        {% macro script(this, kwargs) %}
        {{ this.map_name() }}.attributionControl.setPrefix(
            '<a href="https://leafletjs.com">Leaflet</a>');
        {% endmacro %}
        """
    )

    def __init__(self) -> None:
        super().__init__()  # type: ignore[no-untyped-call]  # branca's MacroElement
        self._name = "AttributionPrefix"


def north_arrow_svg(lang: Lang) -> str:
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" width="30" height="44" viewBox="0 0 30 44" '
        f'role="img" aria-label="{esc(t("north", lang))}">'
        f'<text x="15" y="12" text-anchor="middle" font-size="12" font-weight="700" fill="{INK}">N</text>'
        f'<polygon points="15,15 24,41 15,34 6,41" fill="#FFFFFF" stroke="{INK}" stroke-width="1.5"/>'
        f'<polygon points="15,15 15,34 6,41" fill="{INK}"/></svg>'
    )


class Basemaps(_MapElement):
    """Background tiles that fail quietly offline, and (interactive maps) the layer switcher.

    A tile set is added only after ONE probe tile has loaded: offline that is one failed
    request (one console line no page can suppress) instead of one per visible tile, and the
    map falls back to "no background" with a notice. ``initial=None`` makes no request at all.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function (map, defs, initialKey, overlays, texts, showControl, showNotice) {
            var root = document.documentElement;
            var none = L.layerGroup(), bases = {}, real = {}, stand = {}, verified = {};
            var notice = null;
            bases[texts.none] = none;
            function label(text) {
                document.querySelectorAll('.soja-info-tiles').forEach(function (el) {
                    el.textContent = text;
                });
            }
            none.on('add', function () { label(texts.noneText); });
            function warn() {
                root.setAttribute('data-tiles', 'failed');
                if (!showNotice || notice) return;
                notice = L.control({position: 'bottomright'});
                notice.onAdd = function () {
                    var div = L.DomUtil.create('div', 'soja-notice');
                    div.textContent = texts.failed;
                    return div;
                };
                notice.addTo(map);
            }
            function probeUrl(layer) {
                var z = Math.max(0, Math.min(Math.round(map.getZoom()), layer.options.maxNativeZoom));
                var c = map.project(map.getCenter(), z).divideBy(256).floor();
                return L.Util.template(layer._url, {s: 'a', x: c.x, y: c.y, z: z, r: ''});
            }
            defs.forEach(function (d) {
                real[d.key] = L.tileLayer(d.url, d.options);
                var group = stand[d.key] = L.layerGroup();
                bases[d.name] = group;
                group.on('add', function () {
                    if (verified[d.key]) { real[d.key].addTo(map); label(d.text); return; }
                    window.__sojaTileProbe = 'pending';
                    var img = new Image(), settled = false;
                    function fail() {
                        if (settled) return; settled = true;
                        window.__sojaTileProbe = 'failed';
                        if (map.hasLayer(group)) { map.removeLayer(group); none.addTo(map); }
                        warn();
                    }
                    img.onload = function () {
                        if (settled) return; settled = true;
                        verified[d.key] = true; window.__sojaTileProbe = 'ok';
                        root.setAttribute('data-tiles', 'ok');
                        if (map.hasLayer(group)) { real[d.key].addTo(map); label(d.text); }
                    };
                    img.onerror = fail;
                    // a closed network may drop packets rather than refuse them
                    setTimeout(fail, {{ this.probe_timeout_ms }});
                    img.src = probeUrl(real[d.key]);
                });
                group.on('remove', function () {
                    if (map.hasLayer(real[d.key])) map.removeLayer(real[d.key]);
                });
            });
            if (showControl) {
                var over = {};
                overlays.forEach(function (o) { over[o[0]] = o[1]; });
                L.control.layers(bases, over, {position: 'topleft', collapsed: true}).addTo(map);
            }
            (initialKey ? stand[initialKey] : none).addTo(map);
        })({{ this.map_name() }}, {{ this.defs_literal }}, {{ this.initial|tojson }},
           [{% for label, layer in this.overlays %}[{{ label|tojavascript }}, {{ layer.get_name() }}],{% endfor %}],
           {{ this.texts_literal }}, {{ this.control|tojson }}, {{ this.notice|tojson }});
        {% endmacro %}
        """
    )

    def __init__(
        self,
        initial: str | None,
        lang: Lang,
        *,
        offer: Sequence[str] = tuple(TILE_SOURCES),
        sources: Mapping[str, TileSource] = TILE_SOURCES,
        overlays: Sequence[tuple[str, Element]] = (),
        control: bool = True,
        notice: bool = True,
        probe_timeout_ms: int = 5000,
    ) -> None:
        super().__init__()  # type: ignore[no-untyped-call]  # branca's MacroElement
        self._name = "Basemaps"
        keys = list(dict.fromkeys([*([initial] if initial else []), *offer]))
        self.defs = [
            {
                "key": key,
                "name": esc(sources[key].name(lang)),  # the layer control takes HTML
                "text": tiles_text(key, lang),
                "url": sources[key].url,
                "options": sources[key].leaflet_options(),
            }
            for key in keys
        ]
        self.defs_literal = js_literal(self.defs)
        self.initial = initial
        # the layer control inserts labels as HTML
        self.overlays = [(esc(label), layer) for label, layer in overlays]
        self.texts_literal = js_literal(
            {
                "none": esc(t("no_tiles", lang)),
                "noneText": tiles_text("none", lang),
                "failed": word("tiles_failed", lang),
            }
        )
        self.control = control
        self.notice = notice
        self.probe_timeout_ms = int(probe_timeout_ms)


class FitView(_MapElement):
    """Fit the bounds into the part of the map the title and panels leave free (at load).

    The top corners' panels go below the title. Each may be kept free as a strip down its side
    or as a band across the top: the layout that gives the largest map wins (side strips on
    landscape paper, a top band on portrait, typically).
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function (map, bounds) {
            var container = map.getContainer(), box = container.getBoundingClientRect();
            var title = document.querySelector('.soja-title');
            var titleBottom = title ? Math.max(0, title.getBoundingClientRect().bottom - box.top) : 0;
            container.querySelectorAll('.leaflet-top').forEach(function (el) {
                el.style.top = titleBottom + 'px';
            });
            function corner(selector) {
                var el = container.querySelector(selector);
                if (!el || !el.children.length) return {w: 0, h: 0, bottom: 0};
                var r = el.getBoundingClientRect();
                return {w: r.width, h: r.height, bottom: r.bottom - box.top};
            }
            var tl = corner('.leaflet-top.leaflet-left'), tr = corner('.leaflet-top.leaflet-right');
            var bottom = Math.max(corner('.leaflet-bottom.leaflet-left').h,
                                  corner('.leaflet-bottom.leaflet-right').h);
            bottom = Math.min(bottom, box.height * 0.4);
            var best = null;
            [true, false].forEach(function (leftSide) {
                [true, false].forEach(function (rightSide) {
                    var left = leftSide ? tl.w : 0, right = rightSide ? tr.w : 0;
                    var top = Math.max(titleBottom, leftSide ? 0 : tl.bottom, rightSide ? 0 : tr.bottom);
                    var tlPad = L.point(left + 6, top + 6), brPad = L.point(right + 6, bottom + 6);
                    var room = map.getSize().subtract(tlPad.add(brPad));
                    if (room.x <= 0 || room.y <= 0) return;  // no room left: Leaflet would say max zoom
                    var zoom = map.getBoundsZoom(bounds, false, tlPad.add(brPad));
                    if (!best || zoom > best.zoom) best = {zoom: zoom, tl: tlPad, br: brPad};
                });
            });
            map.fitBounds(bounds, {paddingTopLeft: best.tl, paddingBottomRight: best.br,
                                   maxZoom: 16, animate: false});
        })({{ this.map_name() }}, {{ this.bounds|tojson }});
        {% endmacro %}
        """
    )

    def __init__(self, bounds: Sequence[Sequence[float]]) -> None:
        super().__init__()  # type: ignore[no-untyped-call]  # branca's MacroElement
        self._name = "FitView"
        self.bounds = [[float(v) for v in corner] for corner in bounds]


class ReadySignal(_MapElement):
    """Sets ``<html data-map-ready>`` once fonts, the map and any tiles have settled (renderers wait)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        window.addEventListener('load', function () {
            var map = {{ this.map_name() }}, root = document.documentElement, done = false;
            function finish(why) {
                if (done) return; done = true;
                requestAnimationFrame(function () { requestAnimationFrame(function () {
                    root.setAttribute('data-map-ready', why);
                }); });
            }
            function check() {
                if (window.__sojaTileProbe === 'pending') { setTimeout(check, 50); return; }
                var busy = [];
                map.eachLayer(function (l) {
                    if (l instanceof L.GridLayer && l.isLoading()) busy.push(l);
                });
                if (!busy.length) { finish('ok'); return; }
                var n = busy.length;
                busy.forEach(function (l) {
                    l.once('load', function () { if (--n === 0) finish('tiles'); });
                });
            }
            (document.fonts ? document.fonts.ready : Promise.resolve()).then(function () {
                map.whenReady(check);
            });
            setTimeout(function () { finish('timeout'); }, {{ this.timeout_ms }});
        });
        {% endmacro %}
        """
    )

    def __init__(self, timeout_ms: int = 15000) -> None:
        super().__init__()  # type: ignore[no-untyped-call]  # branca's MacroElement
        self._name = "ReadySignal"
        self.timeout_ms = int(timeout_ms)


def _places_point_to_layer(icons: Mapping[str, str]) -> JsCode:
    half = MARKER_SIZE // 2
    return JsCode(
        "(function (icons) { var cache = {};"
        " return function (feature, latlng) {"
        " var p = feature.properties, o = p.offset || [0, 0], key = p.icon + '|' + o;"
        " if (!cache[key]) cache[key] = L.divIcon({html: icons[p.icon], className: 'soja-pin',"
        f" iconSize: [{MARKER_SIZE}, {MARKER_SIZE}], iconAnchor: [{half} - o[0], {half} - o[1]],"
        f" popupAnchor: [0, -{half}], tooltipAnchor: [{half}, 0]}});"
        " return L.marker(latlng, {icon: cache[key], keyboard: true, riseOnHover: true}); }; })"
        f"({js_literal(dict(icons))})"
    )


def _bind_popups(popups: Mapping[str, tuple[str, str]], *, print_mode: bool) -> JsCode:
    if print_mode:  # nobody can click a printed map
        return JsCode("function (feature, layer) {}")
    return JsCode(
        "(function (texts) { var top = null; return function (feature, layer) {"
        " var p = texts[feature.id]; if (!p) return;"
        " if (top === null) { var title = document.querySelector('.soja-title');"
        " top = title ? title.getBoundingClientRect().bottom + 10 : 10; }"
        " layer.bindPopup(p[0], {maxWidth: 360, className: 'soja-popup-box',"
        " autoPanPaddingTopLeft: [10, top]});"
        " layer.bindTooltip(p[1], {direction: 'top', sticky: !feature.properties.icon}); }; })"
        f"({js_literal({k: list(v) for k, v in popups.items()})})"
    )


class PlacesLayer(folium.GeoJson):
    """The places: a folium GeoJson whose markers are styling's SVG icons, with escaped popups.

    ``icons`` and ``popups`` are sent once, as script-safe literals, beside the GeoJSON.
    """

    def __init__(self, places: PlaceLayerData, *, print_mode: bool = False) -> None:
        super().__init__(
            places.geojson,
            name="places",
            point_to_layer=_places_point_to_layer(places.icons),
            on_each_feature=_bind_popups(places.popups, print_mode=print_mode),
        )
        self.icons = places.icons
        self.popups = places.popups


_BIND_TIP = JsCode(
    "function (feature, layer) { if (feature.properties.tip)"
    " layer.bindTooltip(feature.properties.tip, {sticky: true}); }"
)


# -- guards ----------------------------------------------------------------------------------------

_REFUSED: tuple[tuple[type, str], ...] = (
    (folium.Popup, "folium.Popup needs jQuery and does not escape its text"),
    (folium.Tooltip, "folium.Tooltip puts its text raw into a JavaScript template"),
    (folium.Icon, "folium.Icon needs awesome-markers and web fonts"),
    (folium.GeoJsonTooltip, "GeoJsonTooltip inserts property values as raw HTML"),
    (folium.GeoJsonPopup, "GeoJsonPopup inserts property values as raw HTML"),
)


def check_tree(root: Element) -> None:
    """Refuse folium features that would need the network or put unescaped data into the page."""
    for element in walk(root):
        for cls, why in _REFUSED:
            if isinstance(element, cls):
                raise ExportError(f"cannot export a map with {type(element).__name__}: {why}")
        if isinstance(element, folium.Map) and element.objects_to_stay_in_front:
            raise ExportError("cannot export a map using keep_in_front: it needs jQuery")
        if isinstance(element, folium.GeoJson) and not element.embed:
            raise ExportError(
                "cannot export a GeoJson layer with embed=False: it loads over the network"
            )


# -- the map ---------------------------------------------------------------------------------------


def map_title(data: Dataset, options: ExportOptions) -> str:
    return options.title if options.title else t("app_title", options.lang)


@dataclass
class _Reference:
    key: str  # a styling.REFERENCE_STYLES key
    label: str  # i18n key of the layer-control label
    frame: gpd.GeoDataFrame
    simplify_m: float = SIMPLIFY_M


def add_reference_layers(
    m: folium.Map, data: Dataset, located: gpd.GeoDataFrame, options: ExportOptions
) -> tuple[list[tuple[str, Element]], list[str], list[gpd.GeoDataFrame]]:
    """The overlays under the places: the city boundary, the school districts (if asked for) and
    the railway lines that are not selected places (grey context).

    Returns the layer-control entries, the legend's reference keys and the frames drawn.
    """
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
    if options.rail_lines:
        places = data.places
        rails = places[(places["category"] == "rail_line") & ~places.index.isin(located.index)]
        if len(rails):
            wanted.append(_Reference("rail_context", "rail_context", rails, simplify_m=2.0))
    overlays: list[tuple[str, Element]] = []
    for ref in wanted:
        collection = reference_geojson(
            ref.frame, REFERENCE_STYLES[ref.key], options.lang, simplify_m=ref.simplify_m
        )
        if ref.key == "city_boundary":  # lets clicks through to what lies inside it
            layer = folium.GeoJson(collection, name=ref.key, interactive=False)
        else:
            layer = folium.GeoJson(collection, name=ref.key, on_each_feature=_BIND_TIP)
        layer.add_to(m)
        overlays.append((t(ref.label, options.lang), layer))
    return overlays, [ref.key for ref in wanted], [ref.frame for ref in wanted]


def build_map(
    data: Dataset, flt: Filter | None = None, options: ExportOptions | None = None
) -> folium.Map:
    """The exported map of ``flt`` (default: everything) as a folium.Map in an OfflineFigure."""
    flt = (flt or Filter()).check(data.plan)
    options = options or ExportOptions()
    lang = options.lang
    plan = data.plan
    selected = select(data.places, flt)
    located = selected[selected.geometry.notna()]
    title = map_title(data, options)

    figure = OfflineFigure(title, lang=lang, css=EXPORT_CSS, check=check_tree)
    interactive = not options.print_mode
    bounds = options.view.bounds if options.view else default_bounds(data, located)
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
    figure.add_child(m)

    overlays, references, drawn = add_reference_layers(m, data, located, options)
    drawn.insert(0, selected)
    places_layer = PlacesLayer(
        place_layer_data(data, located, flt, lang), print_mode=options.print_mode
    )
    places_layer.add_to(m)
    overlays.insert(0, (word("places_layer", lang), places_layer))

    initial = None if options.basemap == "none" else options.basemap
    if initial or interactive:
        m.add_child(
            Basemaps(
                initial,
                lang,
                sources=tile_sources(options.tile_mirror),
                overlays=overlays,
                control=interactive,
                notice=interactive,
            )
        )

    m.add_child(MapTitle(title, flt.describe(plan, lang)))
    m.add_child(
        HtmlControl(
            "NorthArrow", north_arrow_svg(lang), position="topright", css_class="soja-north"
        )
    )
    by_category = located["category"].value_counts().to_dict()
    entries = legend_entries(
        plan,
        by_category,
        lang,
        active_projects=flt.projects,
        counts={str(k): int(v) for k, v in by_category.items()},
        references=references,
    )
    m.add_child(
        HtmlControl(
            "Legend", legend_html(entries, lang), position="topright", css_class="soja-panel"
        )
    )
    items = city_wide_items(data, selected, flt, lang)
    if items:
        m.add_child(
            HtmlControl(
                "CityWide",
                city_wide_html(items, lang),
                position="topleft",
                css_class="soja-panel soja-city-wide",
            )
        )
    m.add_child(ScaleBar())
    m.add_child(
        HtmlControl(
            "Info",
            info_html(data, selected, located, drawn, options),
            position="bottomleft",
            css_class="soja-panel soja-info",
        )
    )
    m.add_child(AttributionPrefix())
    m.add_child(FitView(bounds))
    m.add_child(ReadySignal())
    return m


def tiles_text(basemap: str, lang: Lang) -> str:
    """Which background map the page shows (Basemaps updates it when that changes)."""
    if basemap == "none":
        return t("no_tiles", lang)
    return f"{t('tiles', lang)}: {TILE_SOURCES[basemap].name(lang)}"


def info_html(
    data: Dataset,
    selected: gpd.GeoDataFrame,
    located: gpd.GeoDataFrame,
    drawn: Sequence[gpd.GeoDataFrame],
    options: ExportOptions,
) -> str:
    """As-of dates, counts, the credits of everything drawn, and when and how the map was made."""
    lang = options.lang
    shown = len(located)
    wide = len(selected) - shown
    count = (
        f"{word('matching', lang)}: {shown}{t('places', lang)}"
        if lang == "ja"
        else (f"{word('matching', lang)}: {shown} {t('places', lang)}")
    )
    if wide:
        count += (
            f"（{word('city_wide_short', lang)} {wide}{t('places', lang)}）"
            if lang == "ja"
            else f" (+{wide} {word('city_wide_short', lang)})"
        )
    if not len(selected):
        count = word("nothing_selected", lang)
    credits = attribution_parts(drawn)
    tiles = tiles_text(options.basemap, lang)
    return (
        f'<div class="soja-info-line">{esc(count)} / {esc(as_of_text(selected, lang))} / '
        f'<span class="soja-info-tiles">{esc(tiles)}</span></div>'
        f'<div class="soja-info-sources"><b>{esc(t("data_sources", lang))}:</b> '
        f"{' / '.join(esc(c) for c in credits)}</div>"
        f'<div class="soja-info-made">{esc(word("generated", lang))}: '
        f"{options.generated.isoformat()} soja-map {esc(__version__)}</div>"
    )


def render_html(m: folium.Map) -> str:
    """The map's complete, self-contained HTML document (rendering is done once and cached)."""
    root = m.get_root()
    if not isinstance(root, OfflineFigure):
        raise ExportError("the map is not in an OfflineFigure: build it with build_map()")
    return root.render()


def export_html(
    data: Dataset, path: Path, flt: Filter | None = None, options: ExportOptions | None = None
) -> Path:
    """Write the map of ``flt`` to ``path`` (atomically) and return the path."""
    document = render_html(build_map(data, flt, options))
    try:
        atomic_write_text(Path(path), document)
    except OSError as exc:
        raise ExportError(f"cannot write {path}: {exc.strerror or exc}") from None
    return Path(path)


def project_filename(plan: Plan, project_id: str, suffix: str = ".html") -> str:
    project = plan.project(project_id)
    return f"{project.number}-{project.id}{suffix}"


def each_project_filters(data: Dataset, flt: Filter | None = None) -> list[tuple[str, Filter]]:
    """One filter per priority project (those of ``flt.projects``, else all), in plan order."""
    flt = flt or Filter()
    wanted = flt.projects
    return [
        (p.id, Filter(**{**flt.__dict__, "projects": (p.id,)}))
        for p in data.plan.projects
        if wanted is None or p.id in wanted
    ]


def project_options(data: Dataset, project_id: str, options: ExportOptions) -> ExportOptions:
    """The options with the title naming the project."""
    project = data.plan.project(project_id)
    lang = options.lang
    base = map_title(data, options)
    name = (
        f"{project.name_ja}（{project.theme_ja}）"
        if lang == "ja"
        else f"{project.name_en} ({project.theme_en})"
    )
    return ExportOptions(**{**options.__dict__, "title": f"{base} — {name}"})


def export_each_project(
    data: Dataset, folder: Path, flt: Filter | None = None, options: ExportOptions | None = None
) -> list[Path]:
    """One map per priority project into ``folder`` (``<number>-<id>.html``)."""
    options = options or ExportOptions()
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise ExportError(f"{folder} is a file; with --each-project -o names a folder")
    written = []
    for project_id, project_filter in each_project_filters(data, flt):
        written.append(
            export_html(
                data,
                folder / project_filename(data.plan, project_id),
                project_filter,
                project_options(data, project_id, options),
            )
        )
    return written


EXPORT_CSS = f"""
html, body {{ width: 100%; height: 100%; margin: 0; padding: 0; }}
.leaflet-container, .soja-title, .soja-panel, .soja-notice, .soja-popup {{
  font-family: {FONT_STACK}; }}
.leaflet-container {{ background: #FFFFFF; font-size: 12px; }}
/* over the map (Leaflet's panes stack at 400), under its controls (1000); popups pan below it */
.soja-title {{ position: absolute; z-index: 690; top: 8px; left: 50%; transform: translateX(-50%);
  max-width: 60%; background: #FFFFFF; padding: 5px 16px; border-radius: 4px;
  box-shadow: 0 1px 4px rgba(0,0,0,.3); text-align: center; pointer-events: none; color: {INK}; }}
.soja-title h1 {{ font-size: 20px; line-height: 1.3; margin: 0; font-weight: 700; }}
.soja-title p {{ font-size: 12px; line-height: 1.35; margin: 2px 0 0; color: #333333; }}
.soja-panel {{ background: #FFFFFF; padding: 6px 9px; border-radius: 4px;
  box-shadow: 0 1px 4px rgba(0,0,0,.3); font-size: 12px; line-height: 1.35; color: {INK};
  max-width: 260px; }}
.soja-panel ul {{ margin: 0; padding: 0; list-style: none; }}
.soja-panel li {{ margin: 2px 0; }}
.soja-panel-title, .soja-legend-title {{ font-weight: 700; font-size: 13px; margin-bottom: 3px; }}
.soja-legend-heading {{ font-weight: 700; margin: 5px 0 2px; color: #333333; }}
.soja-legend-row {{ display: flex; align-items: center; gap: 6px; min-height: 20px; }}
.soja-legend-row svg {{ flex: none; }}
.soja-legend-count {{ color: #555555; }}
.soja-sw {{ display: inline-block; width: 11px; height: 11px; margin-right: 3px;
  border: 1px solid {INK}; border-radius: 2px; vertical-align: -1px; }}
.soja-info {{ max-width: min(640px, 58vw); font-size: 10px; line-height: 1.4; }}
.soja-info-line {{ font-size: 11px; font-weight: 700; }}
.soja-info-made {{ color: #555555; }}
.soja-north {{ background: rgba(255,255,255,.85); border-radius: 4px; padding: 2px; line-height: 0; }}
.soja-notice {{ background: #FFF3CD; border: 1px solid #D39E00; padding: 4px 8px; font-size: 12px;
  max-width: 320px; }}
.soja-pin {{ background: none; border: none; }}
.soja-pin svg {{ display: block; }}
.soja-popup {{ font-size: 12px; line-height: 1.4; }}
.soja-popup-name {{ font-size: 14px; font-weight: 700; margin-bottom: 2px; }}
.soja-popup-alt {{ color: #555555; margin-bottom: 2px; }}
.soja-popup table {{ border-collapse: collapse; }}
.soja-popup th, .soja-popup td {{ text-align: left; vertical-align: top; padding: 2px 6px 2px 0; }}
.soja-popup th {{ white-space: nowrap; color: #444444; font-weight: 700; }}
.soja-popup ul {{ margin: 0; padding: 0; list-style: none; }}
.soja-popup small {{ color: #555555; }}
.soja-popup a {{ word-break: break-all; }}
.leaflet-control-scale-line {{ font-size: 11px; }}
@media print {{ @page {{ margin: 0; }} }}
"""
