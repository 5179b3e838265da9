"""Coverage: who lives within a distance of a set of facilities, by town, school district and city.

The population is a grid of cells (``soja_map.analysis.population``); a cell is covered when the distance from
its centre to the nearest facility is at most the radius, so the people of a cell count wholly in or
wholly out. Distances are straight lines in EPSG:6673 (an estimate: real walks are longer) unless a road
network is given (``soja_map.analysis.network``). Facilities that are lines or areas count from every point of
their outline (densified every ``DENSIFY_M`` metres), and cells inside an area facility are at 0 m.

Everything here is pure: inputs in, a ``CoverageResult`` out. A ``CoverageContext`` holds what does not
change between queries (grid, zone of every cell, snapped cells) so that a what-if is a millisecond job.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Final

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from scipy import sparse
from scipy.sparse.csgraph import connected_components
from scipy.spatial import cKDTree

from soja_map.analysis.network import RoadNetwork
from soja_map.analysis.population import DEFAULT_CELL_M, PopulationGrid, default_population
from soja_map.analysis.presets import Preset, preset_matching
from soja_map.analysis.provenance import (
    NETWORK_KIND,
    STRAIGHT_LINE,
    DistanceMethod,
    Provenance,
)
from soja_map.analysis.zones import ZONE_KINDS, Geography, geography_from_dataset, to_metric_frame
from soja_map.data.geo import to_lonlat, to_metric_xy
from soja_map.data.schema import METRIC_CRS
from soja_map.errors import ConfigError
from soja_map.query.filters import Filter, select

if TYPE_CHECKING:
    from soja_map.data.dataset import Dataset

DENSIFY_M: Final = 10.0  # outline sampling of line/area facilities: distances are at most 5 m long
BY_CHOICES: Final = ZONE_KINDS  # town, elementary, junior_high, city


def check_radius(radius_m: float) -> float:
    radius = float(radius_m)
    if not np.isfinite(radius) or radius <= 0 or radius > 50_000:
        raise ConfigError(
            f"radius must be a distance in metres above 0 and up to 50000; got {radius_m!r}"
        )
    return radius


# -- facilities ----------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Facilities:
    """Facilities as distance sources: ids, names, metric geometries and the points distances start from.

    ``xy`` are sample points (the point itself; vertices of lines and area outlines every DENSIFY_M
    metres), ``owner`` the facility each sample belongs to. ``excluded`` lists selected items that have
    no geometry (city-wide services), which cannot be facilities for coverage.
    """

    ids: tuple[str, ...]
    names: tuple[str, ...]
    geometry: np.ndarray
    hypothetical: np.ndarray
    excluded: tuple[str, ...] = ()
    xy: np.ndarray = field(init=False, repr=False)
    owner: np.ndarray = field(init=False, repr=False)

    def __post_init__(self) -> None:
        geoms = np.asarray(self.geometry, dtype=object)
        kind = shapely.get_type_id(geoms)
        sources = geoms.copy()
        area = np.isin(kind, [shapely.GeometryType.POLYGON, shapely.GeometryType.MULTIPOLYGON])
        if area.any():
            sources[area] = shapely.boundary(geoms[area])
        extended = ~np.isin(kind, [shapely.GeometryType.POINT, shapely.GeometryType.MULTIPOINT])
        if extended.any():
            sources[extended] = shapely.segmentize(sources[extended], DENSIFY_M)
        xy, owner = shapely.get_coordinates(sources, return_index=True)
        object.__setattr__(self, "xy", np.asarray(xy, dtype=float).reshape(-1, 2))
        object.__setattr__(self, "owner", np.asarray(owner, dtype=np.int64))

    def __len__(self) -> int:
        return len(self.ids)

    @property
    def areas(self) -> np.ndarray:
        """Positions of area facilities (cells inside them are at 0 m)."""
        return np.flatnonzero(
            np.isin(
                shapely.get_type_id(self.geometry),
                [shapely.GeometryType.POLYGON, shapely.GeometryType.MULTIPOLYGON],
            )
        )

    def without(self, ids: Iterable[str]) -> Facilities:
        """These facilities minus ``ids``; ConfigError for an id that is not among them."""
        drop = list(dict.fromkeys(ids))
        unknown = [i for i in drop if i not in self.ids]
        if unknown:
            shown = ", ".join(self.ids[:8]) + (" ..." if len(self.ids) > 8 else "")
            raise ConfigError(
                f"cannot remove {', '.join(unknown)}: not among the {len(self.ids)} selected facilities ({shown or 'none'})"
            )
        keep = np.array([i not in drop for i in self.ids], dtype=bool)
        return Facilities(
            ids=tuple(np.asarray(self.ids, dtype=object)[keep]),
            names=tuple(np.asarray(self.names, dtype=object)[keep]),
            geometry=self.geometry[keep],
            hypothetical=self.hypothetical[keep],
            excluded=self.excluded,
        )

    def plus(
        self,
        x: Sequence[float] | np.ndarray,
        y: Sequence[float] | np.ndarray,
        *,
        prefix: str = "new",
    ) -> Facilities:
        """These facilities plus hypothetical points at metric (x, y), ids ``new-1``, ``new-2`` ..."""
        if len(x) == 0:
            return self
        start = sum(self.hypothetical) + 1
        ids = tuple(f"{prefix}-{start + i}" for i in range(len(x)))
        return Facilities(
            ids=self.ids + ids,
            names=self.names + ids,
            geometry=np.r_[self.geometry, shapely.points(np.asarray(x), np.asarray(y))],
            hypothetical=np.r_[self.hypothetical, np.ones(len(x), dtype=bool)],
            excluded=self.excluded,
        )

    def to_frame(self) -> gpd.GeoDataFrame:
        return gpd.GeoDataFrame(
            {"name": list(self.names), "hypothetical": self.hypothetical},
            geometry=list(self.geometry),
            index=pd.Index(self.ids, name="id"),
            crs=METRIC_CRS,
        )


def facilities_from_frame(frame: gpd.GeoDataFrame, *, name_column: str = "name_ja") -> Facilities:
    """Facilities from a GeoDataFrame of places (index = id; any CRS, CRSError if none).

    Rows without a geometry (city-wide services) are not facilities: they are listed in ``excluded``.
    """
    located = frame[frame.geometry.notna() & ~frame.geometry.is_empty]
    excluded = tuple(str(i) for i in frame.index.difference(located.index, sort=False))
    metric = to_metric_frame(located, name="the facilities") if len(located) else located
    names = (
        metric[name_column].astype(str).tolist()
        if name_column in metric.columns
        else [str(i) for i in metric.index]
    )
    return Facilities(
        ids=tuple(str(i) for i in metric.index),
        names=tuple(names),
        geometry=np.asarray(metric.geometry.values, dtype=object),
        hypothetical=np.zeros(len(metric), dtype=bool),
        excluded=excluded,
    )


def select_facilities(places: gpd.GeoDataFrame, flt: Filter) -> Facilities:
    """The places ``flt`` keeps (``soja_map.query.filters.select``) as facilities."""
    return facilities_from_frame(select(places, flt))


# -- distances -----------------------------------------------------------------------------------


BRUTE_FORCE_MAX: Final = 32  # up to this many sample points a numpy loop beats building a KD-tree
# densified outlines are long runs of close points: big leaves make their KD queries 2-3x faster
LEAF_POINTS: Final = 16
LEAF_OUTLINES: Final = 128


def straight_line_nearest(facilities: Facilities, xy: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Straight-line distance (m) from each point to the nearest facility, and that facility's position.

    With no facilities: inf and -1. Points inside an area facility are at 0 m.
    """
    n = len(xy)
    k = len(facilities.xy)
    if k == 0:
        return np.full(n, np.inf), np.full(n, -1, dtype=np.int64)
    if k <= BRUTE_FORCE_MAX:
        best = np.full(n, np.inf)
        sample = np.zeros(n, dtype=np.int64)
        for i, (fx, fy) in enumerate(facilities.xy):
            d2 = (xy[:, 0] - fx) ** 2 + (xy[:, 1] - fy) ** 2
            closer = d2 < best
            best[closer] = d2[closer]
            sample[closer] = i
        dist = np.sqrt(best)
    else:
        leaf = LEAF_POINTS if k == len(facilities) else LEAF_OUTLINES
        dist, sample = cKDTree(facilities.xy, leafsize=leaf).query(xy, workers=-1)
    owner = facilities.owner[sample]
    for a in facilities.areas:
        inside = shapely.contains_xy(facilities.geometry[a], xy[:, 0], xy[:, 1])
        dist[inside] = 0.0
        owner[inside] = a
    return np.asarray(dist, dtype=float), owner


@dataclass(frozen=True, eq=False)
class ZoneIndex:
    """Which cells make up each zone of one kind, sorted once so per-query sums and minima are cheap."""

    names: pd.Index
    cell_zone: np.ndarray
    population: np.ndarray  # people per zone
    _populated_order: np.ndarray = field(repr=False)  # populated cells, sorted by zone
    _starts: np.ndarray = field(repr=False)  # where each zone's run begins in that order
    _zones: np.ndarray = field(repr=False)  # the zone of each run

    @classmethod
    def build(cls, names: pd.Index, cell_zone: np.ndarray, population: np.ndarray) -> ZoneIndex:
        populated = np.flatnonzero(population > 0)
        order = populated[np.argsort(cell_zone[populated], kind="stable")]
        zones_sorted = cell_zone[order]
        starts = np.flatnonzero(np.r_[True, zones_sorted[1:] != zones_sorted[:-1]])
        return cls(
            names=names,
            cell_zone=cell_zone,
            population=np.bincount(cell_zone, weights=population, minlength=len(names)),
            _populated_order=order,
            _starts=starts if len(order) else np.empty(0, dtype=np.int64),
            _zones=zones_sorted[starts] if len(order) else np.empty(0, dtype=np.int64),
        )

    def nearest(self, distance: np.ndarray) -> np.ndarray:
        """The smallest distance among each zone's populated cells (inf if it has none)."""
        out = np.full(len(self.names), np.inf)
        if len(self._starts):
            out[self._zones] = np.minimum.reduceat(distance[self._populated_order], self._starts)
        return out


@dataclass(frozen=True, eq=False)
class CoverageContext:
    """What stays the same between coverage queries: geography, population grid, zone of every cell,
    town points and, with a network, where cells and towns snap to it."""

    geography: Geography
    grid: PopulationGrid
    network: RoadNetwork | None = None
    cell_zone: dict[str, np.ndarray] = field(init=False, repr=False)
    zones: dict[str, ZoneIndex] = field(init=False, repr=False)
    town_xy: np.ndarray = field(init=False, repr=False)
    _snapped: tuple[np.ndarray, np.ndarray] | None = field(init=False, repr=False)

    def __post_init__(self) -> None:
        cell_zone = self.geography.assign(self.grid.x, self.grid.y)
        object.__setattr__(self, "cell_zone", cell_zone)
        object.__setattr__(
            self,
            "zones",
            {
                kind: ZoneIndex.build(
                    self.geography.layer(kind)[0], cell_zone[kind], self.grid.population
                )
                for kind in ZONE_KINDS
            },
        )
        towns = self.geography.towns.geometry
        object.__setattr__(self, "town_xy", np.column_stack([towns.x, towns.y]))
        snapped = None
        if self.network is not None:
            targets = np.vstack([self.grid.xy, self.town_xy])
            snapped = self.network.snap(targets)
        object.__setattr__(self, "_snapped", snapped)

    @property
    def method(self) -> DistanceMethod:
        """Straight lines, or the network (snapped to its nearest node, plus the straight snap)."""
        if self.network is None:
            return STRAIGHT_LINE
        net = self.network
        return DistanceMethod(
            kind=NETWORK_KIND,
            network_source=net.source,
            network_nodes=int(net.n_nodes),
            network_length_m=float(net.length_m),
        )

    def nearest(self, facilities: Facilities) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Distance to the nearest facility and its position, for every cell; and for every town point."""
        n = len(self.grid)
        if self.network is None or self._snapped is None:
            targets = np.vstack([self.grid.xy, self.town_xy])
            dist, owner = straight_line_nearest(facilities, targets)
        else:
            node_dist, node_owner = self.network.node_distances(facilities.xy, facilities.owner)
            node, snap = self._snapped
            dist, owner = node_dist[node] + snap, node_owner[node]
            targets = np.vstack([self.grid.xy, self.town_xy])
            for a in facilities.areas:
                inside = shapely.contains_xy(facilities.geometry[a], targets[:, 0], targets[:, 1])
                dist[inside] = 0.0
                owner[inside] = a
        return dist[:n], owner[:n], dist[n:]

    def zone_names(self, kind: str) -> pd.Index:
        return self.zones[kind].names


def build_context(
    geography: Geography, grid: PopulationGrid, network: RoadNetwork | None = None
) -> CoverageContext:
    return CoverageContext(geography=geography, grid=grid, network=network)


class ContextCache:
    """Contexts built once per (population source, cell size, network) and reused for every query.

    The app keeps one in ``create_app``'s closure; the CLI builds one per run.
    """

    def __init__(self, data: Dataset) -> None:
        self.data = data
        self._geography: Geography | None = None
        self._contexts: dict[tuple[str, float, str], CoverageContext] = {}

    @property
    def geography(self) -> Geography:
        if self._geography is None:
            self._geography = geography_from_dataset(self.data)
        return self._geography

    def get(
        self,
        *,
        cell_size: float = DEFAULT_CELL_M,
        population: PopulationGrid | None = None,
        network: RoadNetwork | None = None,
    ) -> CoverageContext:
        key = (
            population.model.key if population is not None else "estimate:bundled",
            float(population.cell_size if population is not None else cell_size),
            f"{network.source}:{id(network)}" if network is not None else "",
        )
        if key not in self._contexts:
            grid = population or default_population(
                self.data, cell_size=cell_size, geography=self.geography
            )
            self._contexts[key] = build_context(self.geography, grid, network)
        return self._contexts[key]


# -- results -------------------------------------------------------------------------------------

TABLE_COLUMNS: Final = (
    "population",
    "covered",
    "uncovered",
    "share",
    "nearest_m",
    "mean_distance_m",
)
WHATIF_COLUMNS: Final = (
    "population",
    "covered_before",
    "covered_after",
    "change",
    "share_before",
    "share_after",
    "nearest_before_m",
    "nearest_after_m",
)


def zone_table(
    zones: ZoneIndex,
    population: np.ndarray,
    covered: np.ndarray,
    distance: np.ndarray,
    point_distance: np.ndarray | None = None,
) -> pd.DataFrame:
    """Population, covered, share and distances per zone (rows in ``zones.names`` order).

    ``nearest_m`` is ``point_distance`` when given (towns: from their representative point), else the
    distance of the zone's nearest populated cell; ``mean_distance_m`` is weighted by population over
    the cells a facility can be reached from.
    """
    n = len(zones.names)
    cell_zone = zones.cell_zone
    pop = zones.population
    cov = np.bincount(cell_zone, weights=population * covered, minlength=n)
    finite = np.isfinite(distance)
    weight = np.where(finite, population, 0.0)
    w_sum = np.bincount(cell_zone, weights=weight, minlength=n)
    d_sum = np.bincount(cell_zone, weights=np.where(finite, distance, 0.0) * weight, minlength=n)
    nearest = (
        zones.nearest(distance) if point_distance is None else np.asarray(point_distance, float)
    )
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(pop > 0, cov / pop, np.nan)
        mean = np.where(w_sum > 0, d_sum / w_sum, np.nan)
    return pd.DataFrame(
        {
            "population": pop,
            "covered": cov,
            "uncovered": pop - cov,
            "share": share,
            "nearest_m": np.where(np.isfinite(nearest), nearest, np.nan),
            "mean_distance_m": mean,
        },
        index=zones.names,
    )


class ZoneTables(Mapping[str, pd.DataFrame]):
    """The per-zone tables of one result, each built on first use (most views need one or two)."""

    def __init__(
        self,
        zones: dict[str, ZoneIndex],
        population: np.ndarray,
        covered: np.ndarray,
        distance: np.ndarray,
        town_distance: np.ndarray,
    ) -> None:
        self._args = (population, covered, distance)
        self._zones = zones
        self._town_distance = town_distance
        self._built: dict[str, pd.DataFrame] = {}

    def __getitem__(self, kind: str) -> pd.DataFrame:
        if kind not in self._built:
            point = self._town_distance if kind == "town" else None
            self._built[kind] = zone_table(self._zones[kind], *self._args, point)
        return self._built[kind]

    def __iter__(self) -> Iterator[str]:
        return iter(self._zones)

    def __len__(self) -> int:
        return len(self._zones)


@dataclass(frozen=True, eq=False)
class CoverageResult:
    """Coverage of one set of facilities at one radius.

    Per cell (aligned to ``grid``): ``distance_m`` (inf where no facility is reachable), ``nearest``
    (facility position, -1 if none), ``covered``. ``tables``: one DataFrame per zone kind (town,
    elementary, junior_high, city) indexed by name. ``gaps``: uncovered populated areas, largest first.
    """

    radius_m: float
    facilities: Facilities
    grid: PopulationGrid
    distance_m: np.ndarray
    nearest: np.ndarray
    covered: np.ndarray
    town_distance_m: np.ndarray
    tables: Mapping[str, pd.DataFrame]
    gaps: gpd.GeoDataFrame
    method: DistanceMethod
    preset: Preset | None = None
    selection: Filter | None = None  # what was asked for (the edges describe it)
    hazards: tuple[str, ...] = ()  # shelters: only the sites designated for these hazards

    @property
    def population(self) -> float:
        return float(self.grid.population.sum())

    @property
    def covered_population(self) -> float:
        return float(self.grid.population[self.covered].sum())

    @property
    def share(self) -> float:
        total = self.population
        return self.covered_population / total if total > 0 else float("nan")

    @property
    def facility_ids(self) -> tuple[str, ...]:
        return self.facilities.ids

    def table(self, by: str) -> pd.DataFrame:
        if by not in self.tables:
            raise ConfigError(f"zones must be one of {', '.join(BY_CHOICES)}; got {by!r}")
        return self.tables[by]

    def cell_distance(self) -> pd.Series:
        """Distance to the nearest facility per cell, indexed by (col, row)."""
        return pd.Series(
            self.distance_m,
            index=pd.MultiIndex.from_arrays([self.grid.col, self.grid.row], names=["col", "row"]),
            name="nearest_m",
        )

    @property
    def provenance(self) -> Provenance:
        """What the numbers depend on, with stable keys (the edges put it into words)."""
        return Provenance(
            radius_m=self.radius_m,
            radius_preset=None if self.preset is None else self.preset.name,
            radius_source=None if self.preset is None else self.preset.source,
            distance=self.method,
            population=self.grid.model,
        )

    @property
    def located_names(self) -> tuple[str, ...]:
        """Names of the real (not hypothetical) facilities."""
        fac = self.facilities
        return tuple(n for n, h in zip(fac.names, fac.hypothetical, strict=True) if not h)

    @property
    def added_count(self) -> int:
        return int(self.facilities.hypothetical.sum())


def coverage(
    ctx: CoverageContext,
    facilities: Facilities,
    radius_m: float,
    *,
    gaps: bool = True,
    split_gaps_by_town: bool = True,
    preset: Preset | None = None,
    selection: Filter | None = None,
    hazards: Sequence[str] = (),
) -> CoverageResult:
    """Who lives within ``radius_m`` of ``facilities``: per cell, per zone and city-wide, with gaps.
    ``selection`` and ``hazards`` only describe what was asked for (the outputs say it)."""
    radius = check_radius(radius_m)
    dist, nearest, town_dist = ctx.nearest(facilities)
    covered = dist <= radius
    pop = ctx.grid.population
    tables = ZoneTables(ctx.zones, pop, covered, dist, town_dist)
    gap_frame = (
        gap_polygons(
            ctx.grid,
            ~covered & (pop > 0),
            dist,
            ctx.cell_zone["town"],
            ctx.zone_names("town"),
            split_by_town=split_gaps_by_town,
        )
        if gaps
        else empty_gaps()
    )
    return CoverageResult(
        radius_m=radius,
        facilities=facilities,
        grid=ctx.grid,
        distance_m=dist,
        nearest=nearest,
        covered=covered,
        town_distance_m=town_dist,
        tables=tables,
        gaps=gap_frame,
        method=ctx.method,
        preset=preset if preset is not None else preset_matching(radius),
        selection=selection,
        hazards=tuple(hazards),
    )


GAP_COLUMNS: Final = ("rank", "population", "cells", "area_km2", "town", "max_distance_m")


def empty_gaps() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {c: [] for c in GAP_COLUMNS}, geometry=[], crs=METRIC_CRS, index=pd.Index([], name="gap")
    )


def gap_polygons(
    grid: PopulationGrid,
    mask: np.ndarray,
    distance: np.ndarray,
    cell_town: np.ndarray,
    town_names: pd.Index,
    *,
    split_by_town: bool = True,
) -> gpd.GeoDataFrame:
    """Cells in ``mask`` merged into polygons (edge-sharing neighbours join; with ``split_by_town``
    only within one town), ranked by population: columns rank, population, cells, area_km2, town
    (where most of its people live), max_distance_m."""
    idx = np.flatnonzero(mask)
    if len(idx) == 0:
        return empty_gaps()
    col, row = grid.col[idx], grid.row[idx]
    keys = (row << 32) + (col & 0xFFFFFFFF)
    order = np.argsort(keys)
    sorted_keys = keys[order]
    src: list[np.ndarray] = []
    dst: list[np.ndarray] = []
    for dc, dr in ((1, 0), (0, 1)):
        nkeys = ((row + dr) << 32) + ((col + dc) & 0xFFFFFFFF)
        pos = np.searchsorted(sorted_keys, nkeys)
        pos = np.minimum(pos, len(sorted_keys) - 1)
        hit = sorted_keys[pos] == nkeys
        a, b = np.flatnonzero(hit), order[pos[hit]]
        if split_by_town:
            same = cell_town[idx[a]] == cell_town[idx[b]]
            a, b = a[same], b[same]
        src.append(a)
        dst.append(b)
    s, d = np.concatenate(src), np.concatenate(dst)
    graph = sparse.coo_matrix((np.ones(len(s)), (s, d)), shape=(len(idx), len(idx)))
    _, label = connected_components(graph, directed=False)
    pop = grid.population[idx]
    n = int(label.max()) + 1
    comp_pop = np.bincount(label, weights=pop, minlength=n)
    comp_cells = np.bincount(label, minlength=n)
    comp_max = np.full(n, -np.inf)
    np.maximum.at(comp_max, label, distance[idx])
    # the town holding most of each gap's people
    town = cell_town[idx]
    pair = label.astype(np.int64) * len(town_names) + town
    pair_pop = np.bincount(pair, weights=pop, minlength=n * len(town_names)).reshape(n, -1)
    main_town = np.asarray(town_names)[pair_pop.argmax(axis=1)]
    rank_order = np.lexsort((np.arange(n), -comp_pop))
    boxes = grid.boxes(idx)
    by_label = np.argsort(label, kind="stable")
    bounds = np.searchsorted(label[by_label], np.arange(n + 1))
    geoms = [
        shapely.coverage_union_all(boxes[by_label[bounds[c] : bounds[c + 1]]]) for c in rank_order
    ]
    return gpd.GeoDataFrame(
        {
            "rank": np.arange(1, n + 1),
            "population": comp_pop[rank_order],
            "cells": comp_cells[rank_order],
            "area_km2": comp_cells[rank_order] * grid.cell_size**2 / 1e6,
            "town": main_town[rank_order],
            "max_distance_m": np.where(np.isfinite(comp_max), comp_max, np.nan)[rank_order],
        },
        geometry=geoms,
        crs=METRIC_CRS,
        index=pd.Index([f"gap-{i}" for i in range(1, n + 1)], name="gap"),
    )


def catchments(result: CoverageResult, *, network: bool = False) -> gpd.GeoDataFrame:
    """The area each facility covers (EPSG:6673): a buffer of the radius for straight-line distance,
    the covered cells nearest to it for network distance."""
    fac = result.facilities
    if not network:
        geoms = shapely.buffer(fac.geometry, result.radius_m, quad_segs=16)
    else:
        boxes = result.grid.boxes()
        geoms = np.array(
            [
                shapely.coverage_union_all(boxes[result.covered & (result.nearest == i)])
                for i in range(len(fac))
            ],
            dtype=object,
        )
    return gpd.GeoDataFrame(
        {"name": list(fac.names), "hypothetical": fac.hypothetical},
        geometry=list(geoms),
        index=pd.Index(fac.ids, name="id"),
        crs=METRIC_CRS,
    )


# -- what-if -------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class WhatIf:
    """Coverage before and after adding hypothetical facilities and/or removing existing ones."""

    before: CoverageResult
    after: CoverageResult
    added_lonlat: tuple[tuple[float, float], ...]
    removed: tuple[str, ...]

    def table(self, by: str) -> pd.DataFrame:
        """population, covered_before, covered_after, change, share_before, share_after per zone."""
        b, a = self.before.table(by), self.after.table(by)
        frame = pd.DataFrame(
            {
                "population": b["population"],
                "covered_before": b["covered"],
                "covered_after": a["covered"],
                "change": a["covered"] - b["covered"],
                "share_before": b["share"],
                "share_after": a["share"],
                "nearest_before_m": b["nearest_m"],
                "nearest_after_m": a["nearest_m"],
            },
            index=b.index,
        )
        return frame[list(WHATIF_COLUMNS)]

    @property
    def change(self) -> float:
        return self.after.covered_population - self.before.covered_population

    def removed_names(self) -> dict[str, str]:
        """Id -> name of each removed facility."""
        fac = self.before.facilities
        names = dict(zip(fac.ids, fac.names, strict=True))
        return {i: names.get(i, i) for i in self.removed}


def what_if(
    ctx: CoverageContext,
    facilities: Facilities,
    radius_m: float,
    *,
    add_lonlat: Sequence[tuple[float, float]] = (),
    remove: Sequence[str] = (),
    gaps: bool = True,
    preset: Preset | None = None,
    selection: Filter | None = None,
    hazards: Sequence[str] = (),
) -> WhatIf:
    """Coverage with ``facilities`` and with the change: points added at (lon, lat), ids removed."""
    changed = facilities.without(remove)
    if add_lonlat:
        lon, lat = np.asarray(add_lonlat, dtype=float).reshape(-1, 2).T
        x, y = to_metric_xy(lon, lat)
        changed = changed.plus(x, y)
    common: dict[str, Any] = {"preset": preset, "selection": selection, "hazards": hazards}
    before = coverage(ctx, facilities, radius_m, gaps=False, **common)
    after = coverage(ctx, changed, radius_m, gaps=gaps, **common)
    return WhatIf(
        before=before,
        after=after,
        added_lonlat=tuple((float(a), float(b)) for a, b in add_lonlat),
        removed=tuple(dict.fromkeys(remove)),
    )


def nearest_facility_id(
    facilities: Facilities, lon: float, lat: float, *, max_m: float = 300.0
) -> str | None:
    """The id of the facility nearest to (lon, lat) if it is within ``max_m`` metres (for map clicks)."""
    if len(facilities.xy) == 0:
        return None
    x, y = to_metric_xy(lon, lat)
    dist, owner = straight_line_nearest(facilities, np.array([[float(x), float(y)]]))
    return facilities.ids[int(owner[0])] if dist[0] <= max_m else None


def lonlat_of(facilities: Facilities) -> list[tuple[float, float]]:
    """A representative (lon, lat) per facility (for maps and listings)."""
    pts = shapely.point_on_surface(facilities.geometry)
    lon, lat = to_lonlat(shapely.get_x(pts), shapely.get_y(pts))
    return list(zip(lon.tolist(), lat.tolist(), strict=True))
