"""Population surface: people on a regular grid in EPSG:6673, from the bundled estimate or a user's layer.

Every surface carries a ``PopulationModel`` saying where the numbers come from (source, year, method,
whether it is an estimate); coverage results carry it on, and every output prints it.

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
from typing import TYPE_CHECKING, Any, Final, NamedTuple

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry

from soja_map.analysis.zones import Geography, geography_from_dataset, to_metric_frame
from soja_map.data.schema import METRIC_CRS
from soja_map.errors import ConfigError, CRSError, Problem, ValidationError
from soja_map.i18n import Lang

if TYPE_CHECKING:
    from soja_map.data.dataset import Dataset

DEFAULT_CELL_M: Final = 100.0
MIN_CELL_M: Final = 10.0
MAX_CELL_M: Final = 1000.0


class Text(NamedTuple):
    """A user-visible sentence in Japanese and English."""

    ja: str
    en: str

    def get(self, lang: Lang) -> str:
        return self.en if lang == "en" else self.ja


@dataclass(frozen=True)
class PopulationModel:
    """Where a population surface comes from: printed on every coverage output."""

    key: str  # identifies the input, for caching (e.g. "estimate:bundled" or a file path + column)
    title: Text  # one short line for titles and captions
    source: Text
    year: str
    method: Text
    estimate: bool
    total: float
    cell_size_m: float
    crs: str = METRIC_CRS
    notes: tuple[Text, ...] = ()

    def label(self, lang: Lang = "ja") -> str:
        """One short line for titles: what kind of population this is."""
        return self.title.get(lang)

    def lines(self, lang: Lang = "ja") -> list[tuple[str, str]]:
        """(label, value) pairs for output headers."""
        ja = lang == "ja"
        rows = [
            ("人口データ" if ja else "Population", self.source.get(lang)),
            ("人口の年次" if ja else "Population year", self.year),
            ("人口の扱い" if ja else "Population kind", _kind(self.estimate, lang)),
            ("人口の作成方法" if ja else "Population method", self.method.get(lang)),
            ("人口の合計" if ja else "Population total", f"{self.total:,.0f}"),
            ("メッシュ" if ja else "Grid", f"{self.cell_size_m:g} m ({self.crs})"),
        ]
        rows += [("注記" if ja else "Note", n.get(lang)) for n in self.notes]
        return rows

    def to_dict(self) -> dict[str, Any]:
        return {
            "title": {"ja": self.title.ja, "en": self.title.en},
            "source": {"ja": self.source.ja, "en": self.source.en},
            "year": self.year,
            "estimate": self.estimate,
            "method": {"ja": self.method.ja, "en": self.method.en},
            "total": self.total,
            "cell_size_m": self.cell_size_m,
            "crs": self.crs,
            "notes": [{"ja": n.ja, "en": n.en} for n in self.notes],
        }


def _kind(estimate: bool, lang: Lang) -> str:
    if lang == "ja":
        return "推計値（実測の人口分布ではありません）" if estimate else "利用者が指定したデータ"
    return "estimate (not a measured distribution)" if estimate else "data supplied by the user"


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
    groups: tuple[tuple[str, float, tuple[str, ...]], ...]  # (group name, figure, member towns)
    notes: tuple[Text, ...]

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


def allocate_estimate(geo: Geography, total: float) -> Allocation:
    """Share ``total`` among the pieces of ``geo`` (see ``estimate_population`` for the method)."""
    es = geo.elementary
    pupils = [_number(p) for p in (es["pupils"] if "pupils" in es else [None] * len(es))]
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
    share = total * np.asarray(pupils, dtype=float) / float(np.sum(np.asarray(pupils, float)))

    pieces = geo.pieces
    p_town = pieces["town"].to_numpy()
    p_dist = pieces["elementary"].to_numpy()
    area = pieces["area"].to_numpy()
    t_dist = geo.towns["elementary"].to_numpy()
    home = p_dist == t_dist[p_town]  # the part of a town's area inside its own district
    names = geo.towns["name"].to_numpy()
    own = [_number(v) for v in geo.towns.get("population", pd.Series([None] * len(names)))]
    group_col = geo.towns.get("group", pd.Series([None] * len(names)))
    group = [g if isinstance(g, str) and g else None for g in group_col]
    group_pop = [_number(v) for v in geo.towns.get("group_population", [None] * len(names))]
    home_area = np.bincount(p_town[home], weights=area[home], minlength=len(names))

    piece_pop = np.zeros(len(pieces))
    fixed = np.zeros(len(es))
    known: list[str] = []
    notes: list[Text] = []
    for t in range(len(names)):
        if own[t] is None or group[t] is not None:
            continue
        if home_area[t] <= 0:
            notes.append(
                Text(
                    f"{names[t]} は面積がないため人口を使えません",
                    f"{names[t]} has no area; its figure is not used",
                )
            )
            own[t] = None
            continue
        sel = home & (p_town == t)
        piece_pop[sel] += own[t] * area[sel] / home_area[t]
        fixed[t_dist[t]] += own[t]
        known.append(str(names[t]))
    groups: list[tuple[str, float, tuple[str, ...]]] = []
    for g in sorted({g for g in group if g is not None}):
        members = [t for t in range(len(names)) if group[t] == g]
        figure = next((group_pop[t] for t in members if group_pop[t] is not None), None)
        sel = home & np.isin(p_town, members)
        if figure is None or area[sel].sum() <= 0:
            continue
        piece_pop[sel] += figure * area[sel] / area[sel].sum()
        fixed += np.bincount(
            p_dist[sel], weights=figure * area[sel] / area[sel].sum(), minlength=len(es)
        )
        groups.append((g, figure, tuple(str(names[t]) for t in members)))
    in_group = {t for _, _, members in groups for t in members}

    # the unit of the equal share is the 大字/町丁目 (column ``unit``): 小字 points such as 井手 出張
    # share their 大字's portion instead of taking one each
    unit_col = geo.towns["unit"] if "unit" in geo.towns else geo.towns["name"]
    free = np.array(
        [
            own[t] is None and str(names[t]) not in in_group and home_area[t] > 0
            for t in range(len(names))
        ]
    )
    unit_key = np.array([f"{unit_col.iloc[t]}\x00{t_dist[t]}" for t in range(len(names))])
    units = {d: sorted(set(unit_key[free & (t_dist == d)])) for d in range(len(es))}
    n_free = np.array([len(units[d]) for d in range(len(es))])
    has_towns = np.bincount(t_dist, minlength=len(es)) > 0
    # a district can take the rest of its share if it has towns without a figure, or no towns at all
    open_ = (n_free > 0) | ~has_towns
    target = share.copy()
    while True:
        closed = ~open_ | (target < fixed)
        if not closed.any() or not (~closed).any():
            break
        excess = float((target[closed] - fixed[closed]).sum())
        new = np.where(closed, fixed, target)
        weights = share * ~closed
        new[~closed] += excess * weights[~closed] / weights[~closed].sum()
        if np.array_equal(closed, ~open_) and np.allclose(new, target):
            break
        target, open_ = new, ~closed
    if (~open_).any():
        for held in np.flatnonzero(~open_):
            notes.append(
                Text(
                    f"{es['name'].iloc[held]}: 判明している町域人口が児童数比の配分を上回る（または人口不明の町域がない）ため、判明値の合計とし、差は他の校区に児童数比で配分",
                    f"{es['name'].iloc[held]}: the known town figures exceed its pupil-proportional share (or no town is left without a figure), so it holds exactly the known figures and the difference goes to the other districts in proportion to their pupils",
                )
            )
    rest = np.where(open_, target - fixed, 0.0)
    for d in range(len(es)):
        if rest[d] <= 0 and open_[d]:
            continue
        if n_free[d] > 0:
            per_unit = rest[d] / n_free[d]
            for key in units[d]:
                sel = home & np.isin(p_town, np.flatnonzero(free & (unit_key == key)))
                piece_pop[sel] += per_unit * area[sel] / area[sel].sum()
        elif not has_towns[d]:
            sel = p_dist == d
            piece_pop[sel] += rest[d] * area[sel] / area[sel].sum()
            notes.append(
                Text(
                    f"{es['name'].iloc[d]} には町域代表点がないため、校区全体に面積比で配分",
                    f"{es['name'].iloc[d]} holds no town point; its share is spread over the whole district by area",
                )
            )
    if (~open_).all():
        notes.append(
            Text(
                "判明している町域人口の合計が市の総人口と合わないため、合計は判明値の合計です",
                "the known town figures cannot be reconciled with the city total; the surface sums to the known figures",
            )
        )
    district_total = np.bincount(p_dist, weights=piece_pop, minlength=len(es))
    return Allocation(
        piece_population=piece_pop,
        district_share=share,
        district_total=district_total,
        known_towns=tuple(known),
        groups=tuple(groups),
        notes=tuple(notes),
    )


def estimate_population(
    geo: Geography,
    total: float,
    *,
    cell_size: float = DEFAULT_CELL_M,
    source: Text | None = None,
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
    n_known = len(alloc.known_towns)
    group_text_ja = "".join(
        f"{g}（{len(m)}地点の合計 {v:,.0f}人）は各地点の領域に面積比で按分し、"
        for g, v, m in alloc.groups
    )
    group_text_en = "".join(
        f"{g} ({v:,.0f} for its {len(m)} points together) is spread over their areas by area; "
        for g, v, m in alloc.groups
    )
    method = Text(
        f"推計: 市の総人口 {total:,.0f}人を小学校区（{len(geo.elementary)}区）に児童数の比で配分し、"
        f"各校区内では大字・町丁目代表点のボロノイ領域（校区と市域で切り取り）に配分。"
        f"人口が判明している{n_known}町域はその値を用い、{group_text_ja}"
        f"これらを校区の配分から差し引いた残りを、人口不明の町域に等分。"
        f"各領域の人口は面積に比例して {size:g} m メッシュに配分。",
        f"Estimate: the city total ({total:,.0f}) is shared among the {len(geo.elementary)} "
        f"elementary-school districts in proportion to their pupils; within a district, among the "
        f"Voronoi areas of its town representative points (cut to the district and the city). "
        f"{n_known} towns with a published figure keep it; {group_text_en}"
        f"these are subtracted from the district's share and the rest is divided equally among the "
        f"district's other towns. Each area's people are spread evenly over it on the {size:g} m grid.",
    )
    notes = list(alloc.notes)
    if geo.joined_area_m2 > 0:
        notes.append(
            Text(
                f"学区ポリゴンが覆っていない市域 {geo.joined_area_m2 / 1e6:.2f} km² は最寄りの学区に含めました",
                f"{geo.joined_area_m2 / 1e6:.2f} km² of the city outside every district polygon was joined to the nearest district",
            )
        )
    model = PopulationModel(
        key=key,
        title=Text(
            f"推計人口（市の総人口 {total:,.0f}人を学区の児童数と町域代表点で配分）",
            f"Estimated population (city total {total:,.0f} shared by pupils per school district and town points)",
        ),
        source=source or Text("推計", "estimate"),
        year=year,
        method=method,
        estimate=True,
        total=float(cells.population.sum()),
        cell_size_m=size,
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


def default_population(
    data: Dataset, *, cell_size: float = DEFAULT_CELL_M, geography: Geography | None = None
) -> PopulationGrid:
    """The best population the bundle holds: the labelled estimate (see ``estimate_population``)."""
    geo = geography or geography_from_dataset(data)
    total, statistic, as_of = bundled_total(data)
    towns = geo.towns
    known = towns[towns["population"].notna() | towns["group_population"].notna()]
    n_own = int(towns["population"].notna().sum())
    group_names = sorted({g for g in towns["group"] if isinstance(g, str) and g})
    stats = sorted(
        {
            f"{s} ({d})"
            for s, d in zip(known["population_statistic"], known["population_as_of"], strict=True)
            if isinstance(s, str)
        }
    )
    dates = sorted({str(d)[:7] for d in known["population_as_of"] if isinstance(d, str)})
    source = Text(
        f"市の総人口: {statistic or '不明'}; 児童数: 岡山県 学校基本調査 (2019); "
        f"町域人口（{n_own}町域{'と' + '・'.join(group_names) if group_names else ''}）: {'; '.join(stats) or 'なし'}; "
        "大字・町丁目代表点: Geolonia 住所データ; 学区: 国土数値情報 A27/A32",
        f"city total: {statistic or 'unknown'}; pupils: Okayama Prefecture school census (2019); "
        f"town figures ({n_own} towns{' and ' + ', '.join(group_names) if group_names else ''}): {'; '.join(stats) or 'none'}; "
        "town points: Geolonia japanese-addresses; districts: MLIT KSJ A27/A32",
    )
    year = (
        f"{as_of[:4] or '?'} (city total); 2019 (pupils); {', '.join(dates) or '-'} (town figures)"
    )
    return estimate_population(
        geo, total, cell_size=cell_size, source=source, year=year, key="estimate:bundled"
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
    kinds = set(metric.geom_type.dropna())
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
    if clip is not None and not shapely.intersects(clip, shapely.union_all(geoms)):
        raise CRSError(
            f"{name}: the layer does not overlap the city; is its CRS ({frame.crs}) right?"
        )
    input_total = float(values.sum())
    if pointlike:
        pts, vals = geoms, values
        if clip is not None:
            shapely.prepare(clip)
            inside = shapely.contains_xy(clip, shapely.get_x(pts), shapely.get_y(pts))
            pts, vals = pts[inside], vals[inside]
            cells = _Cells(*cells_in(clip, size), size)
        else:
            cells = _Cells(np.empty(0, np.int64), np.empty(0, np.int64), size)
        cells.add_points(shapely.get_x(pts), shapely.get_y(pts), vals)
        method = Text(
            f"各地点の人数をその地点を含む {size:g} m メッシュに計上",
            f"each point's count is put in the {size:g} m cell that contains it",
        )
    else:
        vals = values
        polys = geoms
        if clip is not None:
            full = shapely.area(polys)
            polys = shapely.intersection(polys, clip)
            kept = shapely.area(polys)
            vals = np.where(
                full > 0,
                values * np.divide(kept, full, out=np.zeros_like(kept), where=full > 0),
                values,
            )
            extent = clip
        else:
            extent = shapely.union_all(polys)
        cells = _Cells(*cells_in(extent, size), size)
        cells.spread_polygons(np.asarray(polys), vals)
        method = Text(
            f"各ポリゴンの人口を、中心がポリゴン内にある {size:g} m メッシュに均等に配分（面積按分）"
            + ("。市域外にかかるポリゴンは市域内の面積の割合だけ計上" if clip is not None else ""),
            f"each polygon's population is spread evenly over the {size:g} m cells whose centre lies in it (areal weighting)"
            + (
                "; polygons cut by the city boundary keep the share of their area inside"
                if clip is not None
                else ""
            ),
        )
    kept_total = float(cells.population.sum())
    notes: list[Text] = []
    if clip is not None and abs(input_total - kept_total) > 1e-6 * max(1.0, input_total):
        notes.append(
            Text(
                f"入力の合計 {input_total:,.0f}人のうち {input_total - kept_total:,.0f}人は市域外のため除外",
                f"{input_total - kept_total:,.0f} of the input's {input_total:,.0f} people lie outside the city and were left out",
            )
        )
    model = PopulationModel(
        key=key or f"{name}:{column}",
        title=Text(
            f"人口データ: {name}（列 {column}）", f"Population data: {name} (column {column})"
        ),
        source=Text(f"{name}（列 {column}）", f"{name} (column {column})"),
        year=year or "不明 / not stated",
        method=method,
        estimate=False,
        total=kept_total,
        cell_size_m=size,
        notes=tuple(notes),
    )
    return cells.grid(model)


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
