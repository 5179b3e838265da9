"""One coverage question, as asked by the CLI (and anything else): what, how far, whose population.

``run_coverage(data, request)`` resolves the facilities, the radius (given, a preset's, or the one that
fits the categories), the population (bundled estimate or a file), the network, and returns the
``CoverageResult`` or ``WhatIf``. Progress is reported through ``step(description)``; errors are
``SojaMapError`` subclasses naming the value (the caller adds its option names).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import shapely

from soja_map.analysis import coverage as cov
from soja_map.analysis.presets import Preset, preset_for, preset_matching
from soja_map.data.geo import geometry_to_metric
from soja_map.errors import ConfigError
from soja_map.query.filters import Filter

if TYPE_CHECKING:
    from soja_map.data.dataset import Dataset

DEFAULT_RADIUS_M = 800.0


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

    def selection(self, data: Dataset) -> Filter:
        plan = data.plan
        return Filter(
            projects=self.projects or None,
            measures=tuple(plan.resolve_measure(m) for m in self.measures),
            categories=self.categories,
        ).check(plan)

    def chosen_preset(self) -> Preset | None:
        if self.preset is not None:
            return self.preset
        if self.radius_m is not None:
            return preset_matching(self.radius_m)
        return preset_for(self.categories)

    def radius(self) -> float:
        if self.radius_m is not None:
            return self.radius_m
        chosen = self.chosen_preset()
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
    facilities = cov.select_facilities(data.places, flt)
    radius_m = request.radius()
    chosen = request.chosen_preset()
    if request.added or request.removed:
        return cov.what_if(
            context,
            facilities,
            radius_m,
            add_lonlat=list(request.added),
            remove=request.removed,
            preset=chosen,
            selection=flt,
        )
    return cov.coverage(context, facilities, radius_m, preset=chosen, selection=flt)
