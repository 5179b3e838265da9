"""Population surface: people on a regular grid in EPSG:6673, from the bundled estimate or a user's layer.

Every surface carries a ``PopulationModel`` (``soja_map.analysis.provenance``) saying where the numbers
come from (sources read from the layers, year, method id, whether it is an estimate, the numbers the
method used); coverage results carry it on, and every output states it in words of its own.

Grid cells are squares aligned to multiples of the cell size in EPSG:6673. A surface keeps the cells whose
centre lies in the study extent (the city), plus any cell that had to take in a small polygon or a point.
Population polygons are spread evenly over the cells whose centre falls inside them (the cells are equal
squares, so this is areal weighting at the grid's resolution); a polygon too small to hold a cell centre
gives its people to the cell containing its interior point, and points give theirs to the cell they are
in. The surface therefore sums exactly to the input total.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry

from soja_map.analysis.provenance import (
    ESTIMATE,
    LAYER_AREAL,
    LAYER_POINTS,
    GroupFigure,
    Note,
    PopulationModel,
    SourceRef,
    first_text,
    note,
)
from soja_map.analysis.zones import Geography, geography_from_dataset, to_metric_frame
from soja_map.data.schema import METRIC_CRS
from soja_map.errors import ConfigError, CRSError, Problem, ValidationError

if TYPE_CHECKING:
    from soja_map.data.dataset import Dataset

DEFAULT_CELL_M: Final = 100.0
MIN_CELL_M: Final = 10.0
MAX_CELL_M: Final = 1000.0


@dataclass(frozen=True, eq=False)
class PopulationGrid:
    """People per grid cell. ``col``/``row`` are absolute indices: cell (c, r) spans
    x in [c*size, (c+1)*size) and y in [r*size, (r+1)*size) metres in EPSG:6673."""

    cell_size: float
    col: np.ndarray
    row: np.ndarray
    population: np.ndarray
    model: PopulationModel
    x: np.ndarray = field(init=False, repr=False)
    y: np.ndarray = field(init=False, repr=False)
    _boxes: list[np.ndarray] = field(init=False, repr=False, default_factory=list)

    def __post_init__(self) -> None:
        object.__setattr__(self, "x", (self.col + 0.5) * self.cell_size)
        object.__setattr__(self, "y", (self.row + 0.5) * self.cell_size)

    def __len__(self) -> int:
        return len(self.population)

    @property
    def total(self) -> float:
        return float(self.population.sum())

    @property
    def xy(self) -> np.ndarray:
        return np.column_stack([self.x, self.y])

    def boxes(self, which: np.ndarray | None = None) -> np.ndarray:
        """Cell squares (shapely polygons in EPSG:6673), all or ``which`` (index or mask)."""
        if not self._boxes:  # built once: gap polygons and catchments reuse them on every query
            s = self.cell_size
            col, row = self.col, self.row
            self._boxes.append(shapely.box(col * s, row * s, (col + 1) * s, (row + 1) * s))
        return self._boxes[0] if which is None else self._boxes[0][which]

    def to_frame(self) -> gpd.GeoDataFrame:
        """The surface as cell polygons with a ``population`` column (EPSG:6673)."""
        return gpd.GeoDataFrame(
            {"col": self.col, "row": self.row, "population": self.population},
            geometry=self.boxes(),
            crs=METRIC_CRS,
        )


# -- grid building -------------------------------------------------------------------------------


def check_cell_size(cell_size: float) -> float:
    size = float(cell_size)
    if not MIN_CELL_M <= size <= MAX_CELL_M:
        raise ConfigError(
            f"cell size must be between {MIN_CELL_M:g} and {MAX_CELL_M:g} metres; got {cell_size!r}"
        )
    return size


def cells_in(extent: BaseGeometry, cell_size: float) -> tuple[np.ndarray, np.ndarray]:
    """Column and row of every grid cell whose centre lies in ``extent`` (metres)."""
    if extent.is_empty:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    minx, miny, maxx, maxy = extent.bounds
    cols = np.arange(np.floor(minx / cell_size), np.ceil(maxx / cell_size), dtype=np.int64)
    rows = np.arange(np.floor(miny / cell_size), np.ceil(maxy / cell_size), dtype=np.int64)
    grid_cols, grid_rows = np.meshgrid(cols, rows)
    cc, rr = grid_cols.ravel(), grid_rows.ravel()
    shapely.prepare(extent)
    inside = shapely.contains_xy(extent, (cc + 0.5) * cell_size, (rr + 0.5) * cell_size)
    return cc[inside], rr[inside]


class _Cells:
    """A growing set of grid cells with their population (cells may be added for stray points)."""

    def __init__(self, col: np.ndarray, row: np.ndarray, cell_size: float) -> None:
        self.cell_size = cell_size
        self.col = col.astype(np.int64)
        self.row = row.astype(np.int64)
        self.population = np.zeros(len(col), dtype=float)

    def _keys(self, col: np.ndarray, row: np.ndarray) -> np.ndarray:
        return (row.astype(np.int64) << 32) + (col.astype(np.int64) & 0xFFFFFFFF)

    def add_points(self, x: np.ndarray, y: np.ndarray, values: np.ndarray) -> None:
        """Add ``values`` to the cells containing (x, y), creating cells where needed."""
        if len(x) == 0:
            return
        col = np.floor(np.asarray(x) / self.cell_size).astype(np.int64)
        row = np.floor(np.asarray(y) / self.cell_size).astype(np.int64)
        keys = self._keys(col, row)
        known = self._keys(self.col, self.row)
        new_keys, first = np.unique(keys[~np.isin(keys, known)], return_index=True)
        if len(new_keys):
            new_col = col[~np.isin(keys, known)][first]
            new_row = row[~np.isin(keys, known)][first]
            self.col = np.r_[self.col, new_col]
            self.row = np.r_[self.row, new_row]
            self.population = np.r_[self.population, np.zeros(len(new_keys))]
            known = self._keys(self.col, self.row)
        order = np.argsort(known)
        where = order[np.searchsorted(known[order], keys)]
        np.add.at(self.population, where, values)

    def spread_polygons(self, polygons: np.ndarray, values: np.ndarray) -> None:
        """Spread each polygon's value evenly over the cells whose centre it contains."""
        if len(polygons) == 0:
            return
        cs = self.cell_size
        centres = shapely.points((self.col + 0.5) * cs, (self.row + 0.5) * cs)
        pt, poly = shapely.STRtree(polygons).query(centres, predicate="intersects")
        # a centre on an edge shared by two polygons belongs to the first only
        order = np.lexsort((poly, pt))
        pt, poly = pt[order], poly[order]
        first = np.r_[True, pt[1:] != pt[:-1]] if len(pt) else np.array([], dtype=bool)
        pt, poly = pt[first], poly[first]
        count = np.bincount(poly, minlength=len(polygons))
        weights = values[poly] / count[poly]
        self.population += np.bincount(pt, weights=weights, minlength=len(self.population))
        stray = (count == 0) & (values != 0)
        if stray.any():
            rep = shapely.point_on_surface(polygons[stray])
            self.add_points(shapely.get_x(rep), shapely.get_y(rep), values[stray])

    def grid(self, model: PopulationModel) -> PopulationGrid:
        order = np.lexsort((self.col, self.row))
        return PopulationGrid(
            cell_size=self.cell_size,
            col=self.col[order],
            row=self.row[order],
            population=self.population[order],
            model=model,
        )


# -- the bundled estimate ------------------------------------------------------------------------


@dataclass(frozen=True)
class Allocation:
    """The estimate before gridding: people per piece (town x district) and what happened on the way."""

    piece_population: np.ndarray
    district_share: np.ndarray  # the pupil-proportional share of each elementary district
    district_total: np.ndarray  # what each district finally holds
    known_towns: tuple[str, ...]  # towns that kept their own published figure
    groups: tuple[GroupFigure, ...]
    notes: tuple[Note, ...]

    def town_population(self, geo: Geography) -> pd.Series:
        pop = np.bincount(
            geo.pieces["town"].to_numpy(), weights=self.piece_population, minlength=len(geo.towns)
        )
        return pd.Series(pop, index=pd.Index(geo.towns["name"], name="town"), name="population")


def _number(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if np.isfinite(number) else None


def _column(frame: pd.DataFrame, name: str) -> list[Any]:
    return list(frame[name]) if name in frame else [None] * len(frame)


def district_shares(geo: Geography, total: float) -> np.ndarray:
    """``total`` shared among the elementary districts in proportion to their pupils."""
    es = geo.elementary
    pupils = [_number(p) for p in _column(es, "pupils")]
    bad = [n for n, p in zip(es["name"], pupils, strict=True) if p is None or p < 0]
    if bad or sum(p or 0 for p in pupils) <= 0:
        raise ValidationError(
            [
                Problem(
                    "elementary-school districts",
                    "pupils-missing",
                    f"district {name!r} has no pupil count",
                    field="pupils",
                )
                for name in bad or ["(all)"]
            ]
        )
    counts = np.asarray(pupils, dtype=float)
    return total * counts / float(np.sum(counts))


@dataclass
class _Work:
    """The allocation under way: the pieces of the geography, the towns' figures and what is placed."""

    geo: Geography
    share: np.ndarray
    piece_pop: np.ndarray = field(init=False)
    fixed: np.ndarray = field(init=False)  # people per district already placed by known figures
    notes: list[Note] = field(default_factory=list)

    def __post_init__(self) -> None:
        geo = self.geo
        self.p_town = geo.pieces["town"].to_numpy()
        self.p_dist = geo.pieces["elementary"].to_numpy()
        self.area = geo.pieces["area"].to_numpy()
        self.t_dist = geo.towns["elementary"].to_numpy()
        self.home = self.p_dist == self.t_dist[self.p_town]  # a town's area inside its own district
        self.names = geo.towns["name"].to_numpy()
        self.own = [_number(v) for v in _column(geo.towns, "population")]
        self.group = [g if isinstance(g, str) and g else None for g in _column(geo.towns, "group")]
        self.group_pop = [_number(v) for v in _column(geo.towns, "group_population")]
        self.home_area = np.bincount(
            self.p_town[self.home], weights=self.area[self.home], minlength=len(self.names)
        )
        self.n_districts = len(geo.elementary)
        self.piece_pop = np.zeros(len(geo.pieces))
        self.fixed = np.zeros(self.n_districts)

    def district_name(self, d: int) -> str:
        return str(self.geo.elementary["name"].iloc[d])

    def spread(self, sel: np.ndarray, people: float) -> None:
        """Add ``people`` to the pieces ``sel`` in proportion to their area."""
        self.piece_pop[sel] += people * self.area[sel] / self.area[sel].sum()


def place_known_towns(work: _Work) -> list[str]:
    """Towns with their own figure keep it, spread over their home area; returns their names."""
    known: list[str] = []
    for t, figure in enumerate(work.own):
        if figure is None or work.group[t] is not None:
            continue
        if work.home_area[t] <= 0:
            work.notes.append(note("town_no_area", town=str(work.names[t])))
            work.own[t] = None
            continue
        sel = work.home & (work.p_town == t)
        work.piece_pop[sel] += figure * work.area[sel] / work.home_area[t]
        work.fixed[work.t_dist[t]] += figure
        known.append(str(work.names[t]))
    return known


def place_groups(work: _Work) -> list[GroupFigure]:
    """A figure published for a group of points is spread over the group's home areas by area."""
    groups: list[GroupFigure] = []
    for g in sorted({g for g in work.group if g is not None}):
        members = [t for t in range(len(work.names)) if work.group[t] == g]
        figure = next((work.group_pop[t] for t in members if work.group_pop[t] is not None), None)
        sel = work.home & np.isin(work.p_town, members)
        if figure is None or work.area[sel].sum() <= 0:
            continue
        placed = figure * work.area[sel] / work.area[sel].sum()
        work.piece_pop[sel] += placed
        work.fixed += np.bincount(work.p_dist[sel], weights=placed, minlength=work.n_districts)
        groups.append(GroupFigure(g, figure, tuple(str(work.names[t]) for t in members)))
    return groups


@dataclass(frozen=True)
class _FreeTowns:
    """Towns without a figure, grouped into units (大字/町丁目) per district: each unit takes one share."""

    free: np.ndarray  # per town
    unit_key: np.ndarray  # per town
    units: dict[int, list[str]]  # per district
    count: np.ndarray  # units per district


def free_towns(work: _Work, groups: list[GroupFigure]) -> _FreeTowns:
    # the unit of the equal share is the 大字/町丁目 (column ``unit``): 小字 points such as 井手 出張
    # share their 大字's portion instead of taking one each
    in_group = {t for g in groups for t in g.members}
    towns = work.geo.towns
    unit_col = towns["unit"] if "unit" in towns else towns["name"]
    free = np.array(
        [
            work.own[t] is None and str(work.names[t]) not in in_group and work.home_area[t] > 0
            for t in range(len(work.names))
        ]
    )
    unit_key = np.array([f"{unit_col.iloc[t]}\x00{work.t_dist[t]}" for t in range(len(work.names))])
    units = {d: sorted(set(unit_key[free & (work.t_dist == d)])) for d in range(work.n_districts)}
    count = np.array([len(units[d]) for d in range(work.n_districts)])
    return _FreeTowns(free, unit_key, units, count)


def balance_targets(
    share: np.ndarray, fixed: np.ndarray, open_: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """What each district finally holds, and which districts stay open to take a share.

    A district is closed when it cannot take a share (no town without a figure, yet towns) or when its
    known figures exceed its share; a closed district holds exactly its known figures and the
    difference goes to the open ones in proportion to their pupil share, until nothing changes.
    """
    target = share.copy()
    while True:
        closed = ~open_ | (target < fixed)
        if not closed.any() or not (~closed).any():
            return target, open_
        excess = float((target[closed] - fixed[closed]).sum())
        new = np.where(closed, fixed, target)
        weights = share * ~closed
        new[~closed] += excess * weights[~closed] / weights[~closed].sum()
        if np.array_equal(closed, ~open_) and np.allclose(new, target):
            return target, open_
        target, open_ = new, ~closed


def share_rest(work: _Work, towns: _FreeTowns, rest: np.ndarray, open_: np.ndarray) -> None:
    """The rest of each open district's share: equally among its free units, or over the whole
    district by area when it holds no town point."""
    has_towns = np.bincount(work.t_dist, minlength=work.n_districts) > 0
    for d in range(work.n_districts):
        if rest[d] <= 0 and open_[d]:
            continue
        if towns.count[d] > 0:
            per_unit = rest[d] / towns.count[d]
            for key in towns.units[d]:
                members = np.flatnonzero(towns.free & (towns.unit_key == key))
                work.spread(work.home & np.isin(work.p_town, members), per_unit)
        elif not has_towns[d]:
            work.spread(work.p_dist == d, rest[d])
            work.notes.append(note("district_no_towns", district=work.district_name(d)))


def allocate_estimate(geo: Geography, total: float) -> Allocation:
    """Share ``total`` among the pieces of ``geo`` (see ``estimate_population`` for the method)."""
    work = _Work(geo, district_shares(geo, total))
    known = place_known_towns(work)
    groups = place_groups(work)
    towns = free_towns(work, groups)
    has_towns = np.bincount(work.t_dist, minlength=work.n_districts) > 0
    # a district can take the rest of its share if it has towns without a figure, or no towns at all
    target, open_ = balance_targets(work.share, work.fixed, (towns.count > 0) | ~has_towns)
    work.notes += [
        note("district_holds_known", district=work.district_name(int(d)))
        for d in np.flatnonzero(~open_)
    ]
    share_rest(work, towns, np.where(open_, target - work.fixed, 0.0), open_)
    if (~open_).all():
        work.notes.append(note("known_exceed_total"))
    return Allocation(
        piece_population=work.piece_pop,
        district_share=work.share,
        district_total=np.bincount(work.p_dist, weights=work.piece_pop, minlength=work.n_districts),
        known_towns=tuple(known),
        groups=tuple(groups),
        notes=tuple(work.notes),
    )


def estimate_population(
    geo: Geography,
    total: float,
    *,
    cell_size: float = DEFAULT_CELL_M,
    sources: tuple[SourceRef, ...] = (),
    year: str = "",
    key: str = "estimate",
) -> PopulationGrid:
    """The bundled population estimate on a grid.

    ``total`` people are shared among the elementary-school districts in proportion to their pupils
    (column ``pupils``); within a district, among the Voronoi areas of its town points. A town with its
    own figure (column ``population``) keeps it; a figure published for a group of points (columns
    ``group`` and ``group_population``, e.g. 中央 for 中央1-6丁目) is spread over the group's areas in
    proportion to area. Known figures are subtracted from their district's share and the rest is divided
    equally among the district's other towns. Each area's people are spread evenly over it.
    """
    size = check_cell_size(cell_size)
    alloc = allocate_estimate(geo, float(total))
    cells = _Cells(*cells_in(geo.boundary, size), size)
    cells.spread_polygons(geo.pieces.geometry.values, alloc.piece_population)
    notes = list(alloc.notes)
    if geo.joined_area_m2 > 0:
        notes.append(note("joined_area", km2=geo.joined_area_m2 / 1e6))
    model = PopulationModel(
        key=key,
        method=ESTIMATE,
        estimate=True,
        total=float(cells.population.sum()),
        cell_size_m=size,
        sources=sources,
        year=year,
        input_total=float(total),
        districts=len(geo.elementary),
        known_towns=alloc.known_towns,
        groups=alloc.groups,
        notes=tuple(notes),
    )
    return cells.grid(model)


def bundled_total(data: Dataset) -> tuple[float, str, str]:
    """The city total from boundary.geojson: (people, statistic, as-of date)."""
    frame = data.references.get("city_boundary")
    attrs = dict(frame["attributes"].iloc[0] or {}) if frame is not None and len(frame) else {}
    total = _number(attrs.get("population"))
    if total is None or total <= 0:
        raise ValidationError(
            [
                Problem(
                    "boundary.geojson",
                    "population-missing",
                    "the city boundary has no attributes.population (the city total the estimate shares out)",
                    field="attributes.population",
                )
            ]
        )
    return (
        total,
        str(attrs.get("population_statistic") or ""),
        str(attrs.get("population_as_of") or ""),
    )


def _layer_sources(frame: pd.DataFrame, role: str) -> list[SourceRef]:
    """The distinct ``source`` (publisher, dataset) of a layer's features, with their latest date."""
    found: dict[tuple[str, str], str] = {}
    for src, as_of in zip(_column(frame, "source"), _column(frame, "as_of"), strict=True):
        ref = src if isinstance(src, dict) else {}
        pair = (first_text(ref, "publisher"), first_text(ref, "dataset"))
        if any(pair):
            found[pair] = max(found.get(pair, ""), str(as_of or ""))
    return [SourceRef(role, p, d, a) for (p, d), a in sorted(found.items())]


def bundled_sources(data: Dataset, geo: Geography) -> tuple[SourceRef, ...]:
    """What the bundled estimate is made of, read from the layers: the city total (the boundary's
    population statistic), the published town figures, the town points and the school districts."""
    _, statistic, as_of = bundled_total(data)
    towns = geo.towns
    known = towns[towns["population"].notna() | towns["group_population"].notna()]
    figures = sorted(
        {
            (str(s), str(d or ""))
            for s, d in zip(known["population_statistic"], known["population_as_of"], strict=True)
            if isinstance(s, str)
        }
    )
    return (
        SourceRef("city_total", dataset=statistic, as_of=as_of),
        *(SourceRef("town_figures", dataset=s, as_of=d) for s, d in figures),
        *_layer_sources(data.towns, "town_points"),
        *_layer_sources(data.school_districts, "school_districts"),
    )


def default_population(
    data: Dataset, *, cell_size: float = DEFAULT_CELL_M, geography: Geography | None = None
) -> PopulationGrid:
    """The best population the bundle holds: the labelled estimate (see ``estimate_population``)."""
    geo = geography or geography_from_dataset(data)
    total, _, as_of = bundled_total(data)
    return estimate_population(
        geo,
        total,
        cell_size=cell_size,
        sources=bundled_sources(data, geo),
        year=as_of[:4],
        key="estimate:bundled",
    )


# -- user-supplied layers ------------------------------------------------------------------------


def population_from_frame(
    frame: gpd.GeoDataFrame,
    column: str,
    *,
    cell_size: float = DEFAULT_CELL_M,
    clip: BaseGeometry | None = None,
    source: str = "",
    year: str = "",
    key: str | None = None,
) -> PopulationGrid:
    """A surface from polygons with a population column (census small areas, mesh) or points with counts.

    ``frame`` may be in any CRS (CRSError if it has none). With ``clip`` (a polygon in EPSG:6673, usually
    the city), polygons are cut to it and keep the share of their people that matches the share of their
    area inside; points outside are left out; and the grid covers ``clip``. The model says how many
    people were left out.
    """
    size = check_cell_size(cell_size)
    name = source or "population layer"
    metric = to_metric_frame(frame, name=name)
    _check_population_column(metric, column, name=name)
    values = pd.to_numeric(metric[column], errors="coerce").to_numpy(dtype=float)
    geoms = metric.geometry.values
    pointlike = _check_geometry_kinds(set(metric.geom_type.dropna()), name=name)
    if clip is not None and not shapely.intersects(clip, shapely.union_all(geoms)):
        raise CRSError(
            f"{name}: the layer does not overlap the city; is its CRS ({frame.crs}) right?"
        )
    if pointlike:
        cells, method = _point_cells(geoms, values, size, clip), LAYER_POINTS
    else:
        cells, method = _area_cells(geoms, values, size, clip), LAYER_AREAL
    input_total = float(values.sum())
    kept_total = float(cells.population.sum())
    notes: list[Note] = []
    if clip is not None and abs(input_total - kept_total) > 1e-6 * max(1.0, input_total):
        notes.append(note("left_out", outside=input_total - kept_total, input=input_total))
    model = PopulationModel(
        key=key or f"{name}:{column}",
        method=method,
        estimate=False,
        total=kept_total,
        cell_size_m=size,
        sources=(SourceRef("layer", dataset=name, as_of=year),),
        year=year,
        layer=name,
        column=column,
        clipped=clip is not None,
        input_total=input_total,
        notes=tuple(notes),
    )
    return cells.grid(model)


def _check_geometry_kinds(kinds: set[str], *, name: str) -> bool:
    """True for points, False for polygons; ValidationError for anything else or a mix."""
    polygonal = kinds <= {"Polygon", "MultiPolygon"}
    pointlike = kinds == {"Point"}
    if not kinds or not (polygonal or pointlike):
        raise ValidationError(
            [
                Problem(
                    name,
                    "geometry-type",
                    "a population layer must be all polygons (areas with a population) or all single points (counts)",
                    value=sorted(kinds),
                )
            ]
        )
    return pointlike


def _point_cells(
    points: np.ndarray, values: np.ndarray, size: float, clip: BaseGeometry | None
) -> _Cells:
    """Each point's count in the cell containing it (points outside ``clip`` left out)."""
    if clip is not None:
        shapely.prepare(clip)
        inside = shapely.contains_xy(clip, shapely.get_x(points), shapely.get_y(points))
        points, values = points[inside], values[inside]
        cells = _Cells(*cells_in(clip, size), size)
    else:
        cells = _Cells(np.empty(0, np.int64), np.empty(0, np.int64), size)
    cells.add_points(shapely.get_x(points), shapely.get_y(points), values)
    return cells


def _area_cells(
    polygons: np.ndarray, values: np.ndarray, size: float, clip: BaseGeometry | None
) -> _Cells:
    """Each polygon spread over the cells whose centre it holds; cut to ``clip``, a polygon keeps the
    share of its people that matches the share of its area inside."""
    if clip is not None:
        full = shapely.area(polygons)
        polygons = shapely.intersection(polygons, clip)
        kept = shapely.area(polygons)
        values = np.where(
            full > 0,
            values * np.divide(kept, full, out=np.zeros_like(kept), where=full > 0),
            values,
        )
        extent = clip
    else:
        extent = shapely.union_all(polygons)
    cells = _Cells(*cells_in(extent, size), size)
    cells.spread_polygons(np.asarray(polygons), values)
    return cells


def _check_population_column(frame: pd.DataFrame, column: str, *, name: str) -> None:
    if column not in frame.columns:
        candidates = [c for c in frame.columns if c != frame.geometry.name]
        raise ValidationError(
            [
                Problem(
                    name,
                    "column-missing",
                    f"there is no population column {column!r}",
                    field=column,
                    expected=f"one of {', '.join(map(str, candidates)) or '(no columns)'}",
                )
            ]
        )
    raw = frame[column]
    values = pd.to_numeric(raw, errors="coerce")
    problems = [
        Problem(
            name,
            "population-invalid",
            "population must be a number >= 0",
            feature_index=int(i),
            field=column,
            value=raw.iloc[i],
        )
        for i in np.flatnonzero(~(values.fillna(-1).to_numpy() >= 0))
    ]
    problems += [
        Problem(name, "geometry-missing", "feature has no geometry", feature_index=int(i))
        for i in np.flatnonzero(
            frame.geometry.isna().to_numpy() | frame.geometry.is_empty.to_numpy()
        )
    ]
    if problems:
        raise ValidationError(problems)


def read_population(
    path: Path,
    column: str,
    *,
    cell_size: float = DEFAULT_CELL_M,
    clip: BaseGeometry | None = None,
    year: str = "",
    layer: str | None = None,
) -> PopulationGrid:
    """A surface from a vector file (GeoPackage, Shapefile, GeoJSON...); its CRS is checked on reading."""
    from soja_map.data.io import read_vector  # noqa: PLC0415 - pyogrio only when a file is read

    frame = read_vector(Path(path), layer=layer)
    return population_from_frame(
        frame,
        column,
        cell_size=cell_size,
        clip=clip,
        source=Path(path).name,
        year=year,
        key=f"file:{Path(path).resolve()}:{layer or ''}:{column}",
    )
