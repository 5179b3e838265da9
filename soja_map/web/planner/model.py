"""The planner's state and model: what the controls say, and the coverage they ask for. No dash here.

``PanelState`` is everything the view depends on; ``PanelModel`` holds the data and the coverage
context cache (population grid, zones) built once per app and queried on every change.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

import shapely

from soja_map.analysis import coverage as cov
from soja_map.analysis import report as report_io
from soja_map.analysis.presets import PRESETS, preset_matching
from soja_map.data.dataset import Dataset
from soja_map.data.schema import GEOGRAPHIC_CRS
from soja_map.errors import ConfigError, RequestError, SojaMapError
from soja_map.i18n import Lang, as_lang
from soja_map.query.filters import Filter
from soja_map.query.share_classes import (  # noqa: F401 - re-exported: the one class rule
    SHARE_BREAKS,
    share_class,
)
from soja_map.query.shelters import check_choice, sites
from soja_map.query.shelters import select as select_sites
from soja_map.web.planner import ids

FILTER_SOURCE: Final = "filter"
CUSTOM: Final = "custom"
CLICK_REMOVE_M: Final = 300.0  # a click in remove mode picks a facility within this distance
MAX_GAPS_DRAWN: Final = 60
# What-if points a person may add: enough for any plan of new sites, small enough that one request
# stays cheap (60,000 points once took 27 s and 1.6 GB). Said in the panel; more is a 400.
MAX_WHATIF_POINTS: Final = 20
MAX_REMOVED: Final = 500  # more than there are facilities of any kind
RADIUS_MIN_M: Final = 10  # the radius box's range (the core accepts up to 50 km too)
RADIUS_MAX_M: Final = 50_000
BY_CHOICES: Final = ("town", "elementary", "junior_high")
LAYER_CHOICES: Final = ("choropleth", "catchments", "gaps")
MODE_CHOICES: Final = ("off", "add", "remove")
MEASURE_CHOICES: Final = ("coverage", "access")  # who is within reach; places per 1,000 (2SFCA)
SHELTER_SOURCE: Final = "category:evacuation_shelter"  # sites by hazard (query.shelters' rule)

# Choropleth classes of share covered (their colours are in soja_map.query.styling).

Report = report_io.Report


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


def sync_radius(
    trigger: str | None, preset_name: str | None, radius: float | None
) -> tuple[str, float | None]:
    """Keep the preset and the radius box in step: a preset sets the radius; a typed radius selects
    the preset with that radius, else "custom"."""
    if trigger == ids.PRESET and preset_name in PRESETS:
        return str(preset_name), PRESETS[str(preset_name)].radius_m
    if radius is None:
        return preset_name or CUSTOM, radius
    match = preset_matching(float(radius), preset_name)
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


def toggled(items: list[str], item: str) -> list[str]:
    return [i for i in items if i != item] if item in items else [*items, item]


def next_whatif(
    trigger: str | Mapping[str, Any] | None,
    click: dict[str, Any] | None,
    mode: str | None,
    added: Sequence[Sequence[float]] | None,
    removed: Sequence[str] | None,
    facilities: cov.Facilities | None,
) -> tuple[list[list[float]], list[str]]:
    """The what-if after an event: a map click adds a point (add mode; in that mode a catcher above
    the markers turns clicks on them into map clicks), a click on a facility's target (remove mode)
    or a map click near one toggles its removal; reset, or choosing other facilities, clears it."""
    adds = [list(map(float, p)) for p in added or []]
    removes = list(removed or [])
    if isinstance(trigger, Mapping) and trigger.get("type") == ids.TARGET:
        return adds, toggled(removes, str(trigger.get("id")))  # a facility clicked in remove mode
    if trigger != ids.MAP_CLICK:  # the map's click, as mirrored into the panel
        return [], []
    point = click_lonlat(click)
    if point is None:
        return adds, removes
    if mode == "add" and len(adds) < MAX_WHATIF_POINTS:
        adds.append([round(point[0], 6), round(point[1], 6)])
    elif mode == "remove" and facilities is not None:
        hit = cov.nearest_facility_id(facilities, *point, max_m=CLICK_REMOVE_M)
        if hit is not None:
            removes = toggled(removes, hit)
    return adds, removes


def whatif_points(whatif: Any) -> tuple[tuple[float, float], ...]:
    """The what-if store's points, checked: at most MAX_WHATIF_POINTS [lon, lat] pairs of finite
    degrees (the store comes from the browser, so anything else is a malformed request)."""
    points = _bounded("what-if points", (whatif or {}).get("add") or [], MAX_WHATIF_POINTS)
    out = []
    for p in points:
        if not isinstance(p, list | tuple) or len(p) != 2:
            raise RequestError(f"a what-if point is not [lon, lat]: {str(p)[:40]}")
        lon, lat = float(p[0]), float(p[1])
        if not (-180 <= lon <= 180 and -90 <= lat <= 90):
            raise RequestError(f"a what-if point is not lon/lat degrees: {lon}, {lat}")
        out.append((lon, lat))
    return tuple(out)


def _bounded(what: str, items: Any, limit: int) -> tuple[Any, ...]:
    if not isinstance(items, list | tuple):
        raise RequestError(f"{what}: not a list")
    if len(items) > limit:
        raise RequestError(f"{what}: {len(items)} given, at most {limit} allowed")
    return tuple(items)


# -- computing -----------------------------------------------------------------------------------


@dataclass
class PanelState:
    """Everything the panel's view depends on (from the components and stores)."""

    source: str | None
    radius: float | None
    preset: str | None = None
    by: str = "town"
    layers: Sequence[str] = LAYER_CHOICES
    added: Sequence[Sequence[float]] = ()
    removed: Sequence[str] = ()
    filter_data: dict[str, Any] | None = None
    lang: Lang = "ja"
    mode: str = "off"
    measure: str = "coverage"
    hazard: str = "all"  # shelters only: query.shelters choice (all, shelter, a hazard id)

    @property
    def radius_problem(self) -> bool:
        """Facilities are chosen but the radius is missing or out of range (the number box sends
        None for a value outside its min/max)."""
        if not self.source:
            return False
        if self.radius is None:
            return True
        try:
            cov.check_radius(self.radius)
        except ConfigError:
            return True
        return False


def state_from(
    source: str | None = None,
    radius: float | None = None,
    preset: str | None = None,
    by: str | None = None,
    layers: Sequence[str] | None = None,
    whatif: dict[str, Any] | None = None,
    removed: Sequence[str] | None = None,
    filter_data: dict[str, Any] | None = None,
    lang: Any = None,
    mode: str | None = None,
    measure: str | None = None,
    hazard: str | None = None,
) -> PanelState:
    """The state from the components' values (as the callbacks receive them)."""
    return PanelState(
        mode=mode if mode in MODE_CHOICES else "off",
        source=source,
        radius=None if radius is None else float(radius),
        preset=preset,
        by=by or "town",
        layers=tuple(layers or ()),
        added=whatif_points(whatif),
        removed=_bounded("removed", removed or (), MAX_REMOVED),
        filter_data=filter_data,
        lang=as_lang(lang),
        measure=measure if measure in MEASURE_CHOICES else "coverage",
        hazard=check_choice(hazard),
    )


def report_key(state: PanelState) -> str:
    """What the report depends on (not the zone kind, layers, mode, language or measure)."""
    added = [[float(v) for v in p] for p in state.added]
    parts = (state.source, state.radius, state.preset, state.filter_data, added)
    return repr((*parts, list(state.removed), state.hazard))


@dataclass
class PanelModel:
    """The panel's data: built once per app, queried on every change (grid and zones are cached)."""

    data: Dataset
    cache: cov.ContextCache = field(init=False)
    _zones: dict[str, dict[str, Any]] = field(default_factory=dict, init=False)
    _last: tuple[str, Report | None] | None = field(default=None, init=False)
    _sites: Any = field(default=None, init=False)
    # where the map fetches the gaps and catchments (web.planner.overlays); "" sends them inline
    overlay_base: str = field(default="", init=False)

    def __post_init__(self) -> None:
        self.cache = cov.ContextCache(self.data)

    def warm(self) -> None:
        """Build the coverage context and the zone polygons now (before gunicorn forks)."""
        self.cache.get()
        for kind in BY_CHOICES:
            self.zone_features(kind)

    def facilities(
        self, source: str | None, filter_data: dict[str, Any] | None, hazard: str | None = None
    ) -> cov.Facilities | None:
        """The facilities a source value selects (None when nothing is chosen); shelters are the
        sites the app's shelter layer shows for ``hazard`` (query.shelters)."""
        flt = filter_for(source, filter_data)
        if flt is None:
            return None
        if source == SHELTER_SOURCE:
            return cov.facilities_from_frame(select_sites(self.shelter_sites(), hazard))
        return cov.select_facilities(self.data.places, flt)

    def shelter_sites(self) -> Any:
        """Every shelter site (query.shelters.sites), computed once."""
        if self._sites is None:
            self._sites = sites(self.data)
        return self._sites

    def report(self, state: PanelState) -> Report | None:
        """Coverage (or a what-if) for the state; None until facilities and a radius are chosen.
        The last one is kept: the view, the chart and the overlays' URLs ask for the same."""
        key = report_key(state)
        if self._last is not None and self._last[0] == key:
            return self._last[1]
        report = self.compute(state)
        self._last = (key, report)
        return report

    def forget(self) -> None:
        """Drop the kept report (benches time the computing)."""
        self._last = None

    def compute(self, state: PanelState) -> Report | None:
        """``report`` without keeping it."""
        flt = filter_for(state.source, state.filter_data)
        if flt is None or state.radius is None or not state.radius > 0:
            return None
        facilities = self.facilities(state.source, state.filter_data, state.hazard)
        assert facilities is not None  # flt is not None
        ctx = self.cache.get()
        preset = preset_matching(float(state.radius), state.preset)
        common: dict[str, Any] = {"preset": preset, "selection": flt}
        report: Report
        if state.added or state.removed:
            removable = [r for r in state.removed if r in facilities.ids]
            report = cov.what_if(
                ctx,
                facilities,
                float(state.radius),
                add_lonlat=[(float(p[0]), float(p[1])) for p in state.added],
                remove=removable,
                **common,
            )
        else:
            report = cov.coverage(ctx, facilities, float(state.radius), **common)
        return report

    def report_or_none(self, state: PanelState) -> Report | None:
        """``report`` when the state can have one, else None (its errors are the view's to show)."""
        if state.radius_problem:
            return None
        try:
            return self.report(state)
        except SojaMapError:
            return None

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


def city_numbers(report: Report) -> dict[str, float]:
    """City-wide people and shares (before and after a what-if)."""
    after = report_io.result_of(report)
    before = report.before if isinstance(report, cov.WhatIf) else report
    return {
        "population": before.population,
        "covered": before.covered_population,
        "share": before.share,
        "covered_after": after.covered_population,
        "share_after": after.share,
    }


def removal_choices(facilities: cov.Facilities | None) -> list[tuple[str, str]]:
    """(id, name) of the facilities that can be removed."""
    if facilities is None:
        return []
    return list(zip(facilities.ids, facilities.names, strict=True))
