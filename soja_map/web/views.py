"""Pure functions from the app's state to what it shows: the page and every callback call these.

Each takes the AppContext (data prepared once) and plain values, and returns Dash components or
props, so tests call them directly without a browser.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import dash_leaflet as dl
import geopandas as gpd
import numpy as np
from dash_extensions.javascript import Namespace
from markupsafe import escape
from shapely.geometry import Point
from shapely.geometry.base import BaseGeometry

from soja_map.data.geo import to_metric_xy
from soja_map.data.plan import Plan
from soja_map.data.readings import romaji_title
from soja_map.data.schema import CATEGORIES, LINES
from soja_map.i18n import Lang, Translator, translator
from soja_map.query.card import card_frame
from soja_map.query.filters import Counts, Filter, counts, search, select
from soja_map.query.nearby import nearest_by_category, nearest_shelters
from soja_map.query.styling import colours_for, line_colours, line_point_svg, marker_svg
from soja_map.web import components as c
from soja_map.web import ids
from soja_map.web import shelters as shelter_ui
from soja_map.web.context import AppContext
from soja_map.web.mapdata import bounds_of, reference_style
from soja_map.web.state import MAX_ZOOM, REFERENCE_KEYS

ns = Namespace("sojaMap", "geo")
PLACE_ZOOM = 16
TOWN_ZOOM = 15
FIT_PADDING = [30, 30]
SEARCH_LIMIT = 10
# why the browser gave no position, by the code assets/soja_map.js `locate` resolves with: the
# Geolocation API's codes 1-3, and 0 when the page is not https or the browser has no geolocation
LOCATE_ERRORS = ("insecure", "denied", "unavailable", "timeout")


# -- the filter -----------------------------------------------------------------------------------


def filter_from_controls(
    plan: Plan,
    projects: Iterable[str] | None,
    policies: Iterable[str] | None,
    measures: Iterable[str] | None,
    categories: Iterable[str] | None,
    previous: Mapping[str, Any] | None = None,
    text: str | None = None,
) -> Filter:
    """The Filter the controls describe. All four projects ticked means "no project filter" (None);
    towns, which have no control, are kept from ``previous``, and so is the text when the search
    box is not given (``text=None``)."""
    chosen = set(projects or ())
    project_ids = [p.id for p in plan.projects]
    kept = Filter.from_dict(dict(previous) if previous else None)
    return Filter(
        projects=None
        if chosen >= set(project_ids)
        else tuple(p for p in project_ids if p in chosen),
        policies=tuple(policies or ()),
        measures=tuple(measures or ()),
        categories=tuple(categories or ()),
        towns=kept.towns,
        text=kept.text if text is None else text.strip(),
    )


def project_values(plan: Plan, flt: Filter) -> list[str]:
    """The ticked project toggles for ``flt``."""
    return [p.id for p in plan.projects if flt.projects is None or p.id in flt.projects]


@dataclass(frozen=True)
class FilterView:
    """Everything that follows the filter in the panel and the legend."""

    summary: str
    project_options: list[dict[str, Any]]
    policy_options: list[dict[str, Any]]
    measure_options: list[dict[str, Any]]
    category_options: list[dict[str, Any]]
    measure_note: Any
    city_wide: Any
    legend: Any
    shown: Counts


def shown_places(ctx: AppContext, flt: Filter) -> gpd.GeoDataFrame:
    return select(ctx.data.places, flt)


def filter_view(
    ctx: AppContext, flt: Filter, references: Sequence[str], tr: Translator
) -> FilterView:
    """The counts, options, notes and legend for ``flt`` (filters.select / filters.counts)."""
    data, plan = ctx.data, ctx.data.plan
    selected = shown_places(ctx, flt)
    shown = counts(selected, plan)
    # a toggle's count is what that project would show with the other filters as they are
    per_project = counts(select(data.places, replace(flt, projects=None)), plan)
    located = selected[selected.geometry.notna()]
    all_categories = counts(select(data.places, replace(flt, categories=())), plan).by_category
    return FilterView(
        summary=c.summary_text(shown, ctx.total, tr),
        project_options=c.project_options(plan, per_project.by_project, tr),
        policy_options=c.policy_options(plan, flt.projects, flt.policies, tr),
        measure_options=c.measure_options(
            plan, flt.projects, flt.policies, flt.measures, ctx.measure_counts, tr
        ),
        category_options=c.category_options(
            [*all_categories, *flt.categories], all_categories, tr, data.partial_categories
        ),
        measure_note=c.measure_note(data, flt, ctx.measure_counts, tr),
        city_wide=c.city_wide_section(data, flt, selected, tr),
        legend=c.legend(
            plan,
            flt,
            shown,
            set(located["category"]),
            references,
            tr,
            line_colours(located, plan, flt.projects),
            data.partial_categories,
        ),
        shown=shown,
    )


def list_view(ctx: AppContext, flt: Filter, page: int, place: str | None, tr: Translator) -> Any:
    return c.place_list(shown_places(ctx, flt), ctx.data.plan, page, place, tr)


def list_page(page: int | None, delta: int, n_rows: int) -> int:
    """The list page after pressing previous (-1) or next (+1)."""
    return min(max((page or 0) + delta, 0), c.page_count(n_rows) - 1)


# -- the map --------------------------------------------------------------------------------------


def fit_viewport(
    bounds: list[list[float]] | None, *, max_zoom: int = PLACE_ZOOM
) -> dict[str, Any] | None:
    """A viewport that fits ``bounds`` (a single point zooms to ``max_zoom``, never to infinity)."""
    if bounds is None:
        return None
    return {
        "bounds": bounds,
        "transition": "flyToBounds",
        "options": {"padding": FIT_PADDING, "maxZoom": max_zoom, "duration": 0.4},
    }


def point_viewport(lat: float, lon: float, zoom: int) -> dict[str, Any]:
    return {
        "center": [lat, lon],
        "zoom": min(zoom, MAX_ZOOM),
        "transition": "flyTo",
        "options": {"duration": 0.4},
    }


def measure_viewport(ctx: AppContext, flt: Filter) -> dict[str, Any] | None:
    """Fit the map to the places of the chosen measures (None when they have no site)."""
    if not flt.measures:
        return None
    return fit_viewport(bounds_of(shown_places(ctx, flt)))


def place_geometry(ctx: AppContext, place: str | None) -> BaseGeometry | None:
    """The geometry of a known, located place; None for no place, an unknown id or a city-wide item."""
    frame = card_frame(ctx.data, place)  # a place, or a shelter-only site
    if frame is None:
        return None
    geom: BaseGeometry | None = frame.geometry[place]
    return geom


def place_viewport(ctx: AppContext, place: str | None) -> dict[str, Any] | None:
    """Zoom to a place (its extent for lines and areas); None for city-wide items."""
    geom = place_geometry(ctx, place)
    if geom is None:
        return None
    if isinstance(geom, Point):
        return point_viewport(geom.y, geom.x, PLACE_ZOOM)
    return fit_viewport(bounds_of(card_frame(ctx.data, place).loc[[place]]))


def place_point(ctx: AppContext, place: str | None) -> tuple[float, float] | None:
    """(lat, lon) of a place: the point itself, or the middle of a line (None if city-wide)."""
    geom = place_geometry(ctx, place)
    if geom is None:
        return None
    if isinstance(geom, Point):
        return float(geom.y), float(geom.x)
    point = (
        geom.interpolate(0.5, normalized=True)
        if "Line" in geom.geom_type
        else geom.representative_point()
    )
    return float(point.y), float(point.x)


def selection_children(ctx: AppContext, place: str | None) -> list[Any]:
    """A ring around the selected place (not for city-wide items)."""
    point = place_point(ctx, place)
    if point is None:
        return []
    return [
        dl.CircleMarker(
            center=list(point),
            radius=20,
            color="#000000",
            weight=3,
            fill=False,
            dashArray="5 4",
            interactive=False,
            className="soja-selection",
        )
    ]


def details_view(ctx: AppContext, flt: Filter, place: str | None, tr: Translator | Lang) -> Any:
    shown_ids = set(shown_places(ctx, flt).index) if place else set()
    return c.details(ctx.data, place, flt, shown_ids, translator(tr).lang)


CREDITED_PUBLISHERS = 3


def data_credit(ctx: AppContext, tr: Translator) -> str:
    """The map's data credit for Leaflet's attribution control (which takes HTML, so escaped): the
    publishers most of the drawn places and towns come from, then a pointer to the full credits."""
    frames = (ctx.data.places, ctx.data.towns)
    named: Counter[str] = Counter(
        part.strip()
        for frame in frames
        for source in frame["source"]
        if isinstance(source, Mapping)
        for part in str(source.get("publisher") or "").split(" / ")
        if part.strip()
    )
    top = [name for name, _ in named.most_common(CREDITED_PUBLISHERS)]
    return str(escape(tr("resident_data_credit", publishers=tr.join(top))))


def reference_children(ctx: AppContext, references: Iterable[str], tr: Translator) -> list[Any]:
    """One GeoJSON per checked overlay; data is fetched from its URL (cached by the browser)."""
    wanted = set(references)
    out = []
    for key in REFERENCE_KEYS:
        if key not in wanted or key not in ctx.reference_urls:
            continue
        interactive = key in {"towns", "elementary", "junior_high"}
        out.append(
            dl.GeoJSON(
                id=f"ref-{key}",
                url=ctx.reference_urls[key],
                style=ns("referenceStyle"),
                pointToLayer=ns("referencePoint"),
                onEachFeature=ns("bindLabel") if interactive else None,
                interactive=interactive,
                hideout={"style": reference_style(key), "key": key, "lang": tr.lang},
            )
        )
    return out


def jump_options(ctx: AppContext, tr: Translator) -> list[dict[str, Any]]:
    """Stations first, then towns: where the jump list can take the map."""
    located = ctx.data.located
    stations = located[located["category"] == "rail_station"]
    options: list[dict[str, Any]] = [
        {"label": f"{tr('jump_stations')}: {c.name_of(row, tr)}", "value": f"place:{pid}"}
        for pid, row in zip(stations.index, stations.itertuples(index=False), strict=True)
    ]
    options += town_options(ctx, tr, prefix=f"{tr('jump_towns')}: ")
    return options


def town_label(name: str, tr: Translator) -> str:
    """A town's name with its 小字 (井手 村後, never a bare 井手 three times); in English its
    reading first (Ide Murago (井手 村後)), since the data has no English town names."""
    return tr.pick(name, f"{romaji_title(name)} ({name})")


def town_options(ctx: AppContext, tr: Translator, *, prefix: str = "") -> list[dict[str, Any]]:
    towns = ctx.data.towns
    names = [town_label(str(row.name_ja or row.town), tr) for row in towns.itertuples(index=False)]
    return [
        {"label": f"{prefix}{name}", "value": f"town:{tid}"}
        for tid, name in sorted(zip(towns.index, names, strict=True), key=lambda x: x[1])
    ]


def town_point(ctx: AppContext, value: str | None) -> tuple[float, float, str] | None:
    """(lat, lon, name) of a ``town:<id>`` value."""
    if not value or not value.startswith("town:"):
        return None
    tid = value.removeprefix("town:")
    if tid not in ctx.data.towns.index:
        return None
    row = ctx.data.towns.loc[tid]
    return float(row.geometry.y), float(row.geometry.x), str(row["name_ja"] or row["town"])


def jump_viewport(ctx: AppContext, value: str | None) -> dict[str, Any] | None:
    if not value:
        return None
    if value.startswith("place:"):
        return place_viewport(ctx, value.removeprefix("place:"))
    town = town_point(ctx, value)
    return point_viewport(town[0], town[1], TOWN_ZOOM) if town else None


# -- search ---------------------------------------------------------------------------------------


def search_view(ctx: AppContext, query: str | None, tr: Translator) -> Any:
    text = query or ""
    return c.search_hits(ctx.data, search(ctx.data.places, text, limit=SEARCH_LIMIT), text, tr)


def best_hit(ctx: AppContext, query: str | None) -> str | None:
    hits = search(ctx.data.places, query or "", limit=1)
    return hits[0].id if hits else None


# -- nearby ---------------------------------------------------------------------------------------


def near_from_click(click: Mapping[str, Any] | None, tr: Translator) -> dict[str, Any] | None:
    """The nearby origin from the map's clickData ({"latlng": {"lat", "lng"}})."""
    latlng = (click or {}).get("latlng") or {}
    if "lat" not in latlng or "lng" not in latlng:
        return None
    return {
        "lat": float(latlng["lat"]),
        "lon": float(latlng["lng"]),
        "label": tr("origin_click"),
    }


def near_from_geolocation(geo: Mapping[str, Any] | None, tr: Translator) -> dict[str, Any] | None:
    if not geo or "lat" not in geo:
        return None
    return {
        "lat": float(geo["lat"]),
        "lon": float(geo["lon"]),
        "label": tr("origin_location"),
    }


def near_from_town(ctx: AppContext, value: str | None) -> dict[str, Any] | None:
    town = town_point(ctx, value)
    return {"lat": town[0], "lon": town[1], "label": town[2]} if town else None


def geolocation_error(geo: Mapping[str, Any] | None, tr: Translator) -> Any:
    """Why the browser gave no position (GEO_STORE ``{"error": code}``), in words; None if it did."""
    if not geo or "error" not in geo:
        return None
    code = geo["error"]
    known = isinstance(code, int) and 0 <= code < len(LOCATE_ERRORS)
    reason = LOCATE_ERRORS[code] if known else "unavailable"
    return tr("locate_failed", reason=tr(f"locate_error_{reason}"))


NEAR_END_SIZE = 22  # a little smaller than the map's markers (26): the same place, pointed at
NEAR_END_Z = 1000  # above the clusters and single markers of the place layer
NEAR_SAME_SITE_M = 30.0  # ends this close share a site (a station and the shops in it)


def end_offsets(
    x: np.ndarray,
    y: np.ndarray,
    fixed: Sequence[bool] = (),
    *,
    same_site_m: float = NEAR_SAME_SITE_M,
) -> list[tuple[int, int]]:
    """Screen offsets (px) of the nearby ends' markers, from their positions in metres: ends at
    one site are laid out in a small grid centred on it (two side by side, up to four in a 2 x 2
    square...), so each stays in sight and each line still ends at its marker's edge or centre.
    ``fixed`` ends (the small dots on lines, drawn over the rest) stay where they are."""
    groups: list[list[int]] = []
    for i in range(len(x)):
        if i < len(fixed) and fixed[i]:
            continue
        for group in groups:
            j = group[0]
            if math.hypot(x[i] - x[j], y[i] - y[j]) <= same_site_m:
                group.append(i)
                break
        else:
            groups.append([i])
    out = [(0, 0)] * len(x)
    for group in groups:
        cols = math.ceil(math.sqrt(len(group)))
        rows = math.ceil(len(group) / cols)
        for k, i in enumerate(group):
            col, row = k % cols, k // cols
            out[i] = (
                round((col - (cols - 1) / 2) * NEAR_END_SIZE),
                round((row - (rows - 1) / 2) * NEAR_END_SIZE),
            )
    return out


def nearby_end(
    ctx: AppContext,
    flt: Filter,
    category: str,
    row: Any,
    tr: Translator,
    offset: tuple[int, int] = (0, 0),
) -> Any:
    """The place a nearby line points to, drawn where the line ends: its own marker (category
    and the colours of its projects shown, in the page's language), even when the place layer
    has it inside a cluster; ``offset`` (px, ``end_offsets``) moves it aside of the others at
    its site. Pressing it opens the place's card, like its name in the list."""
    place = str(row["place_id"])
    colours = colours_for(ctx.data.places.loc[place, "projects"], ctx.data.plan, flt.projects)
    name = c.name_of(row, tr)
    position = [float(row["lat"]), float(row["lon"])]
    link = {"type": ids.PLACE_LINK, "place": place, "src": "nearmap"}
    if CATEGORIES[category].geometry_types == LINES:  # the nearest point of a railway or route
        # a small dot: drawn over the other ends, so one lying on a marker still shows
        svg, size, z = line_point_svg(colours[0], 12), 12, NEAR_END_Z * 2
    else:
        svg, size, z = (
            marker_svg(category, colours, NEAR_END_SIZE, tr.lang),
            NEAR_END_SIZE,
            NEAR_END_Z,
        )
    return dl.Marker(
        position=position,
        icon={
            "iconUrl": c.svg_src(svg),
            "iconSize": [size, size],
            "iconAnchor": [size // 2 - offset[0], size // 2 - offset[1]],
            "className": f"soja-near-end soja-near-end-{category}",
        },
        title=name,
        alt=name,
        keyboard=True,
        zIndexOffset=z,
        id=link,
        n_clicks=0,
    )


@dataclass(frozen=True)
class NearbyView:
    results: Any
    layer: list[Any]
    viewport: dict[str, Any] | None


def nearby_view(
    ctx: AppContext, flt: Filter, near: Mapping[str, Any] | None, tr: Translator
) -> NearbyView:
    """The nearest place of each category shown, as a list and as lines on the map."""
    if not near:
        return NearbyView(None, [], None)
    if "error" in near:
        return NearbyView(c.plain_note(str(near["error"])), [], None)
    lat, lon = float(near["lat"]), float(near["lon"])
    nearest = nearest_by_category(shown_places(ctx, flt), lon, lat, metric=ctx.metric)
    label = str(near.get("label") or tr("origin_click"))
    layer: list[Any] = []
    ends: list[Any] = []
    offsets = end_offsets(
        *to_metric_xy(nearest["lon"].to_numpy(), nearest["lat"].to_numpy()),
        [CATEGORIES[str(cat)].geometry_types == LINES for cat in nearest.index],
    )
    for (category, row), offset in zip(nearest.iterrows(), offsets, strict=True):
        ends.append(nearby_end(ctx, flt, str(category), row, tr, offset))
        layer.append(
            dl.Polyline(
                positions=[[lat, lon], [float(row["lat"]), float(row["lon"])]],
                color="#1A1A1A",
                weight=2,
                dashArray="6 6",
                className=f"soja-near-line soja-near-{category}",
                children=dl.Tooltip(
                    f"{c.name_of(row, tr)}: {c.format_distance(float(row['distance_m']), tr)}"
                ),
            )
        )
    layer.append(
        dl.CircleMarker(
            center=[lat, lon],
            radius=8,
            color="#1A1A1A",
            weight=3,
            fillColor="#FFFFFF",
            fillOpacity=1,
            className="soja-near-origin",
            children=dl.Tooltip(label),
        )
    )
    layer.extend(ends)  # after the lines, so each line ends under its place's marker
    lats = [lat, *nearest["lat"].tolist()]
    lons = [lon, *nearest["lon"].tolist()]
    bounds = [[min(lats), min(lons)], [max(lats), max(lons)]]
    found = c.nearby_results(nearest, label, tr)
    safety = nearest_shelters(shelter_ui.sites_of(ctx.data), lon, lat)
    return NearbyView(
        results=[
            *(found if isinstance(found, list) else [found]),
            shelter_ui.nearby_shelters(safety, tr),
        ],
        layer=layer,
        viewport=fit_viewport(bounds, max_zoom=PLACE_ZOOM),
    )


# -- view and URL ---------------------------------------------------------------------------------


def credits_view(ctx: AppContext, tr: Translator) -> list[Any]:
    return c.credits(ctx.data, tr)
