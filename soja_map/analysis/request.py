"""One coverage question, as asked by the CLI (and anything else): what, how far, whose population.

``run_coverage(data, request)`` resolves the facilities, the radius (given, a preset's, or the one that
fits the categories), the population (bundled estimate or a file), the network, and returns the
``CoverageResult`` or ``WhatIf``. Progress is reported through ``step(description)``; errors are
``SojaMapError`` subclasses naming the value (the caller adds its option names).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

import geopandas as gpd
import pandas as pd
import shapely

from soja_map.analysis import coverage as cov
from soja_map.analysis.access import AccessResult, two_step_fca
from soja_map.analysis.presets import Preset, preset_for, preset_matching
from soja_map.data.facts import LICENSED_CHILDCARE, shelter_sites
from soja_map.data.geo import geometry_to_metric
from soja_map.data.schema import Role
from soja_map.errors import CatalogueError, ConfigError
from soja_map.query.filters import Filter, select
from soja_map.query.names import (
    category_names,
    measure_names,
    project_names,
    resolve,
    resolve_hazards,
)

if TYPE_CHECKING:
    from soja_map.data.dataset import Dataset

DEFAULT_RADIUS_M = 800.0
SHELTER_CATEGORY = "evacuation_shelter"
FACILITY_ROLES = (Role.PLACE, Role.SAFETY)


class OutsideStudyAreaError(ConfigError):
    """A hypothetical facility lies outside Soja and its surroundings."""


@dataclass(frozen=True)
class PopulationFile:
    path: Path
    column: str
    year: str = ""


@dataclass(frozen=True)
class CoverageRequest:
    """What a planner asks: facilities by category/measure/project, a radius or preset, what-ifs."""

    categories: tuple[str, ...] = ()
    measures: tuple[str, ...] = ()  # ids or exact names
    projects: tuple[str, ...] = ()
    radius_m: float | None = None
    preset: Preset | None = None
    added: tuple[tuple[float, float], ...] = ()  # (lon, lat) of hypothetical facilities
    removed: tuple[str, ...] = ()  # place ids taken out
    population: PopulationFile | None = None
    network_path: Path | None = None
    cell_size_m: float = 100.0

    hazards: tuple[str, ...] = ()  # shelters: only sites designated for any of these (ids or names)

    def selection(self, data: Dataset) -> Filter:
        """The Filter of the request's names (ids, Japanese or English names: ``query.names``);
        the shelter category (a safety layer) is kept in it and answered by ``facilities_for``."""
        problems: list[str] = []
        plan = data.plan
        flt = Filter(
            projects=resolve("project", self.projects, project_names(plan), problems) or None,
            measures=resolve("measure", self.measures, measure_names(plan), problems),
            categories=resolve(
                "category", self.categories, category_names(roles=FACILITY_ROLES), problems
            ),
        )
        if problems:
            raise CatalogueError("unknown " + "; ".join(problems))
        return flt

    def wants_shelters(self, flt: Filter) -> bool:
        return SHELTER_CATEGORY in flt.categories or bool(self.hazards)

    def chosen_preset(self, categories: Sequence[str] | None = None) -> Preset | None:
        """The preset asked for, or matching the radius, or the usual one for the (resolved)
        ``categories``; shelters by hazard take the shelter preset (1 km)."""
        if self.preset is not None:
            return self.preset
        if self.radius_m is not None:
            return preset_matching(self.radius_m)
        usual = self.categories if categories is None else categories
        return preset_for((SHELTER_CATEGORY,) if self.hazards else usual)

    def radius(self, categories: Sequence[str] | None = None) -> float:
        if self.radius_m is not None:
            return self.radius_m
        chosen = self.chosen_preset(categories)
        return chosen.radius_m if chosen else DEFAULT_RADIUS_M


def outside_study_area(data: Dataset, points: Sequence[tuple[float, float]]) -> list[str]:
    """The (lon, lat) points outside Soja + 3 km, as "lon,lat" texts."""
    if data.study_area is None:
        return []
    return [f"{x},{y}" for x, y in points if not shapely.contains_xy(data.study_area, x, y)]


def coverage_context(
    data: Dataset, request: CoverageRequest, step: Callable[[str], None]
) -> cov.CoverageContext:
    """The population grid, zones and network the question runs on."""
    from soja_map.analysis.population import read_population  # noqa: PLC0415 - pyogrio only here

    population = None
    if request.population is not None:
        source = request.population
        step(f"reading {source.path.name}")
        clip = geometry_to_metric(data.boundary) if data.boundary is not None else None
        population = read_population(
            source.path, source.column, cell_size=request.cell_size_m, clip=clip, year=source.year
        )
    network = None
    if request.network_path is not None:
        from soja_map.analysis.network import read_network  # noqa: PLC0415

        step(f"building the road network from {request.network_path.name}")
        network = read_network(request.network_path)
    step("building the population grid")
    cache = cov.ContextCache(data)
    return cache.get(cell_size=request.cell_size_m, population=population, network=network)


def run_coverage(
    data: Dataset,
    request: CoverageRequest,
    step: Callable[[str], None] = lambda _description: None,
) -> cov.CoverageResult | cov.WhatIf:
    """The coverage (or the what-if, when facilities are added or removed) ``request`` asks for."""
    flt = request.selection(data)
    outside = outside_study_area(data, request.added)
    if outside:
        raise OutsideStudyAreaError(
            f"{', '.join(outside)} is outside Soja and its 3 km surroundings "
            "(LON,LAT order: longitude first)"
        )
    context = coverage_context(data, request, step)
    step("computing coverage")
    facilities = facilities_for(data, request, flt)
    radius_m = request.radius(flt.categories)
    chosen = request.chosen_preset(flt.categories)
    hazards = resolve_hazards(request.hazards)
    if hazards and SHELTER_CATEGORY not in flt.categories:
        # `--hazard flood` alone asks for the shelter sites: say so, not "every place"
        flt = replace(flt, categories=(*flt.categories, SHELTER_CATEGORY))
    if request.added or request.removed:
        return cov.what_if(
            context,
            facilities,
            radius_m,
            add_lonlat=list(request.added),
            remove=request.removed,
            preset=chosen,
            selection=flt,
            hazards=hazards,
        )
    return cov.coverage(
        context, facilities, radius_m, preset=chosen, selection=flt, hazards=hazards
    )


def shelter_frame(data: Dataset, hazards: Sequence[str] = ()) -> gpd.GeoDataFrame:
    """Every shelter site (facts on a place, or the safety layer), one row per site; with
    ``hazards``, only the emergency sites designated for any of them."""
    sites = shelter_sites(data.places, *data.references.values())
    if sites is None:
        return data.places.iloc[0:0]
    wanted = resolve_hazards(hazards)
    if wanted:
        keep = sites[[f"hazard_{h}" for h in wanted]].any(axis=1)
        sites = sites[keep]
    return sites


def facilities_for(data: Dataset, request: CoverageRequest, flt: Filter) -> cov.Facilities:
    """The facilities a request selects: places through the filter, shelter sites by hazard."""
    if not request.wants_shelters(flt):
        return cov.select_facilities(data.places, flt)
    others = tuple(c for c in flt.categories if c != SHELTER_CATEGORY)
    frames = [shelter_frame(data, request.hazards)]
    if others or flt.projects or flt.measures:
        frames.append(select(data.places, replace(flt, categories=others)))
    merged = pd.concat(frames)
    return cov.facilities_from_frame(merged[~merged.index.duplicated()])


def _childcare(facts: object) -> dict[str, object]:
    return (facts.get("childcare") or {}) if isinstance(facts, dict) else {}


def childcare_frame(data: Dataset, flt: Filter, *, licensed_only: bool = False) -> gpd.GeoDataFrame:
    """The places ``flt`` selects; with ``licensed_only``, only licensed child care (認可保育所,
    小規模・事業所内保育, 認定こども園: ``data.facts.LICENSED_CHILDCARE``)."""
    frame = select(data.places, flt)
    if licensed_only:
        licensed = {t.value for t in LICENSED_CHILDCARE}
        frame = frame[frame["facts"].map(lambda f: _childcare(f).get("type") in licensed)]
    return frame


def _number(value: object) -> float | None:
    return float(value) if isinstance(value, int | float) else None


def run_access(
    data: Dataset,
    request: CoverageRequest,
    step: Callable[[str], None] = lambda _description: None,
    *,
    licensed_only: bool = False,
) -> AccessResult:
    """The 2SFCA places-per-1,000 index of the selected facilities' stated capacities (child care:
    ``facts.childcare.capacity``), against the request's population (by default the estimate of the
    total population, which every output says)."""
    flt = request.selection(data)
    context = coverage_context(data, request, step)
    step("computing capacity against demand")
    return access_of(
        data, context, flt, request.radius(flt.categories), licensed_only=licensed_only
    )


def access_of(
    data: Dataset,
    context: cov.CoverageContext,
    flt: Filter,
    radius_m: float,
    *,
    licensed_only: bool = False,
) -> AccessResult:
    """The 2SFCA index of the places ``flt`` selects, with their stated capacities and enrolment
    (``facts.childcare``), on ``context``: the one rule of the CLI and the app's planner."""
    frame = childcare_frame(data, flt, licensed_only=licensed_only)
    facilities = cov.facilities_from_frame(frame)
    facts = frame.loc[list(facilities.ids), "facts"].map(_childcare)
    return two_step_fca(
        context,
        facilities,
        [_number(f.get("capacity")) for f in facts],
        radius_m,
        enrolled=[_number(f.get("enrolled")) for f in facts],
    )
