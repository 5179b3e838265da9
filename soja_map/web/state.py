"""The shareable state of the map (filters, selected place, view, language) and its URL query string."""

from __future__ import annotations

import math
from collections.abc import Container, Mapping
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import parse_qs, quote, urlencode

from soja_map.config import BASEMAPS
from soja_map.data.plan import Plan
from soja_map.data.schema import PLACE_CATEGORIES
from soja_map.i18n import Lang, as_lang
from soja_map.query.filters import Filter
from soja_map.query.shelters import CHOICES as SHELTER_CHOICES
from soja_map.web.planner.link import PARAMS as PLANNER_PARAMS
from soja_map.web.planner.link import PlannerLink, link_pairs, parse_link

REFERENCE_KEYS = ("boundary", "rail", "towns", "elementary", "junior_high")
DEFAULT_REFERENCES = ("boundary", "rail")
VIEWS = ("filter", "list", "nearby", "planner")
MAX_ZOOM = 18
COORD_DIGITS = 5  # ~1 m: enough for a shared link, short enough to read

# URL parameter names, documented in the README
PARAMS = (
    "projects",
    "policies",
    "measures",
    "categories",
    "towns",
    "q",
    "place",
    "lat",
    "lon",
    "z",
    "near",
    "layers",
    "base",
    "shelters",
    "view",
    "lang",
    *PLANNER_PARAMS,
)


@dataclass(frozen=True)
class AppState:
    """Everything a shared link restores. ``None`` means "the default" (e.g. fit the city)."""

    filter: Filter = field(default_factory=Filter)
    place: str | None = None
    lat: float | None = None
    lon: float | None = None
    zoom: int | None = None
    near: tuple[float, float] | None = None  # (lat, lon) origin of the nearby search
    references: tuple[str, ...] = DEFAULT_REFERENCES
    basemap: str | None = None  # None: the setting's basemap
    shelters: str | None = None  # the shelter layer: None (off) or a query.shelters choice
    view: str = "filter"
    lang: Lang = "ja"
    planner: PlannerLink = field(default_factory=PlannerLink)  # the planner's settings and what-ifs

    @property
    def has_view(self) -> bool:
        return self.lat is not None and self.lon is not None and self.zoom is not None

    def with_(self, **changes: Any) -> AppState:
        return replace(self, **changes)


def _ids(raw: str, known: Container[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(x for x in raw.split(",") if x and x in known))


def _float(raw: str | None, low: float, high: float) -> float | None:
    try:
        value = float(raw) if raw is not None else math.nan
    except ValueError:
        return None
    return value if math.isfinite(value) and low <= value <= high else None


def _latlon(raw: str | None) -> tuple[float, float] | None:
    if not raw or "," not in raw:
        return None
    lat_text, lon_text = raw.split(",", 1)
    lat, lon = _float(lat_text, -90, 90), _float(lon_text, -180, 180)
    return None if lat is None or lon is None else (lat, lon)


def parse_search(
    search: str | None,
    plan: Plan,
    *,
    place_ids: Container[str] = (),
    lang: Lang = "ja",
) -> AppState:
    """The state in a query string such as ``?projects=sasaeru&place=station.soja&lang=en``.

    Forgiving: unknown ids, bad numbers and unknown values are dropped, never an error, so an old
    or hand-edited link still opens the map. ``lang`` is the language when the link names none.
    """
    every = parse_qs((search or "").lstrip("?"), keep_blank_values=True)
    query = {k: v[-1] for k, v in every.items()}
    projects: tuple[str, ...] | None = None
    if "projects" in query:
        projects = _ids(query["projects"], plan.project_by_id)
        if set(projects) == set(plan.project_by_id):
            projects = None
    flt = Filter(
        projects=projects,
        policies=_ids(query.get("policies", ""), plan.policies),
        measures=_ids(query.get("measures", ""), plan.measures),
        categories=_ids(query.get("categories", ""), PLACE_CATEGORIES),
        towns=tuple(dict.fromkeys(x for x in query.get("towns", "").split(",") if x)),
        text=query.get("q", "").strip(),
    )
    lat = _float(query.get("lat"), -90, 90)
    lon = _float(query.get("lon"), -180, 180)
    zoom = _float(query.get("z"), 0, MAX_ZOOM)
    has_view = lat is not None and lon is not None and zoom is not None
    place = query.get("place") or None
    references: tuple[str, ...] = DEFAULT_REFERENCES
    if "layers" in query:
        references = tuple(k for k in REFERENCE_KEYS if k in query["layers"].split(","))
    return AppState(
        filter=flt,
        place=place if place in place_ids else None,
        lat=lat if has_view else None,
        lon=lon if has_view else None,
        zoom=round(zoom) if has_view and zoom is not None else None,
        near=_latlon(query.get("near")),
        references=references,
        basemap=query["base"] if query.get("base") in BASEMAPS else None,
        shelters=query["shelters"] if query.get("shelters") in SHELTER_CHOICES else None,
        view=query["view"] if query.get("view") in VIEWS else "filter",
        lang=as_lang(query["lang"]) if "lang" in query else lang,
        planner=parse_link(every, plan, place_ids),
    )


def _filter_pairs(flt: Filter) -> list[tuple[str, str]]:
    pairs: list[tuple[str, str]] = []
    if flt.projects is not None:
        pairs.append(("projects", ",".join(flt.projects)))
    for name, values in (
        ("policies", flt.policies),
        ("measures", flt.measures),
        ("categories", flt.categories),
        ("towns", flt.towns),
    ):
        if values:
            pairs.append((name, ",".join(values)))
    if flt.text:
        pairs.append(("q", flt.text))
    return pairs


def encode_search(state: AppState, *, lang: Lang = "ja") -> str:
    """The query string of ``state`` (``""`` for the default state), the inverse of ``parse_search``."""
    pairs = _filter_pairs(state.filter)
    if state.place:
        pairs.append(("place", state.place))
    if state.has_view:
        pairs += [
            ("lat", f"{state.lat:.{COORD_DIGITS}f}"),
            ("lon", f"{state.lon:.{COORD_DIGITS}f}"),
            ("z", str(state.zoom)),
        ]
    if state.near is not None:
        pairs.append(("near", f"{state.near[0]:.{COORD_DIGITS}f},{state.near[1]:.{COORD_DIGITS}f}"))
    if tuple(state.references) != DEFAULT_REFERENCES:
        pairs.append(("layers", ",".join(state.references)))
    if state.basemap:
        pairs.append(("base", state.basemap))
    if state.shelters:
        pairs.append(("shelters", state.shelters))
    if state.view != "filter":
        pairs.append(("view", state.view))
    pairs += link_pairs(state.planner)
    if state.lang != lang:
        pairs.append(("lang", state.lang))
    return "?" + urlencode(pairs, safe=",", quote_via=quote) if pairs else ""


def view_of(view_store: Mapping[str, Any] | None) -> tuple[float | None, float | None, int | None]:
    """(lat, lon, zoom) from a VIEW_STORE value, or Nones."""
    if not view_store or not view_store.get("center") or view_store.get("zoom") is None:
        return None, None, None
    lat, lon = view_store["center"]
    return float(lat), float(lon), round(float(view_store["zoom"]))


def current_state(
    *,
    filter_data: Mapping[str, Any] | None,
    place: str | None,
    view_store: Mapping[str, Any] | None,
    near: Mapping[str, Any] | None,
    references: list[str] | None,
    basemap: str | None,
    view: str | None,
    lang: str | None,
    shelters: str | None = None,
    planner: PlannerLink | None = None,
) -> AppState:
    """The state from the app's stores and controls (what the URL is rewritten to)."""
    lat, lon, zoom = view_of(view_store)
    return AppState(
        filter=Filter.from_dict(dict(filter_data) if filter_data else None),
        place=place or None,
        lat=lat,
        lon=lon,
        zoom=zoom,
        near=(float(near["lat"]), float(near["lon"])) if near else None,
        references=tuple(k for k in REFERENCE_KEYS if k in (references or ())),
        basemap=basemap if basemap in BASEMAPS else None,
        shelters=shelters if shelters in SHELTER_CHOICES else None,
        view=view if view in VIEWS else "filter",
        lang=as_lang(lang),
        planner=planner or PlannerLink(),
    )
