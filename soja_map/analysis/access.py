"""Capacity against demand: the two-step floating catchment area (2SFCA) accessibility index.

Step 1, for every facility j: ``ratio_j = capacity_j / (people within radius of j)``.
Step 2, for every cell i: ``index_i = sum of ratio_j over the facilities within radius of i``,
reported as places per 1,000 residents of the demand population. Towns and districts get the
population-weighted mean of their cells' index (so the city's value is total capacity reached
over total demand, as 2SFCA conserves supply when every facility has demand in reach).

The demand population is whatever population grid the context holds: the bundled estimate is the
*total* population, not children, and ``AccessResult.demand_model`` says so on every output (an
age-specific grid plugs in as ``coverage --population`` does). Distances are straight lines from
cell centres (EPSG:6673 metres), the same rule as coverage; a cell counts wholly in or out.

Utilisation (enrolled / capacity) is given per facility where the data states both numbers.
Everything here is pure: numbers and stable keys in, numbers out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.spatial import cKDTree

from soja_map.analysis.coverage import CoverageContext, Facilities, check_radius
from soja_map.analysis.provenance import PopulationModel
from soja_map.analysis.zones import ZONE_KINDS

PER: Final = 1000.0  # the index is places per this many residents
ZONE_COLUMNS: Final = ("population", "access_per_1000", "reached_share")
FACILITY_COLUMNS: Final = (
    "name",
    "capacity",
    "enrolled",
    "utilisation",
    "demand_in_reach",
    "places_per_1000",
)


@dataclass(frozen=True, eq=False)
class AccessResult:
    """The 2SFCA result: per facility, per cell, per zone kind; plus what it was computed on."""

    radius_m: float
    facilities: pd.DataFrame  # index = facility id, FACILITY_COLUMNS
    cell_index: np.ndarray  # places per 1,000 demand, per population cell
    tables: dict[str, pd.DataFrame]  # zone kind -> ZONE_COLUMNS, rows in the zones' order
    demand_model: PopulationModel
    no_capacity: tuple[str, ...]  # selected facilities without a stated capacity (not counted)

    def table(self, by: str) -> pd.DataFrame:
        return self.tables[by]

    @property
    def city_index(self) -> float:
        return float(self.tables["city"]["access_per_1000"].iloc[0])


def reach_matrix(cell_xy: np.ndarray, facilities: Facilities, radius_m: float) -> sparse.csr_matrix:
    """Facility x cell matrix, 1 where a cell centre is within ``radius_m`` of the facility (of any
    point of its outline, for lines and areas)."""
    n_fac, n_cells = len(facilities), len(cell_xy)
    if n_fac == 0 or n_cells == 0:
        return sparse.csr_matrix((n_fac, n_cells))
    hits = cKDTree(cell_xy).query_ball_point(facilities.xy, r=radius_m)
    rows = np.concatenate(
        [np.full(len(h), o, dtype=np.int64) for h, o in zip(hits, facilities.owner, strict=True)]
    )
    cols = np.concatenate([np.asarray(h, dtype=np.int64) for h in hits])
    matrix = sparse.csr_matrix(
        (np.ones(len(rows)), (rows, cols)), shape=(n_fac, n_cells), dtype=float
    )
    matrix.data[:] = 1.0  # samples of one outline reaching one cell count once
    return matrix


def _zone_table(
    cell_zone: np.ndarray, names: pd.Index, people: np.ndarray, index: np.ndarray
) -> pd.DataFrame:
    n = len(names)
    pop = np.bincount(cell_zone, weights=people, minlength=n)
    weighted = np.bincount(cell_zone, weights=people * index, minlength=n)
    reached = np.bincount(cell_zone, weights=people * (index > 0), minlength=n)
    with np.errstate(invalid="ignore", divide="ignore"):
        return pd.DataFrame(
            {
                "population": pop,
                "access_per_1000": np.where(pop > 0, weighted / pop, np.nan),
                "reached_share": np.where(pop > 0, reached / pop, np.nan),
            },
            index=names,
        )


def two_step_fca(
    context: CoverageContext,
    facilities: Facilities,
    capacity: Sequence[float | None],
    radius_m: float,
    *,
    enrolled: Sequence[float | None] | None = None,
) -> AccessResult:
    """The 2SFCA index of ``facilities`` (with their ``capacity``, aligned) within ``radius_m``.

    Facilities whose capacity is unknown (None/NaN) are left out of the supply and listed in
    ``no_capacity``; a facility with nobody in reach has an undefined ratio and adds nothing.
    """
    radius = check_radius(radius_m)
    cap = np.array([np.nan if c is None else float(c) for c in capacity], dtype=float)
    if len(cap) != len(facilities):
        raise ValueError("capacity must have one value per facility")
    known = np.isfinite(cap)
    people = context.grid.population
    reach = reach_matrix(context.grid.xy, facilities, radius)
    demand = np.asarray(reach @ people, dtype=float).ravel()
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = np.where(known & (demand > 0), cap / demand, np.nan)
    cell_index = np.asarray(reach.T @ np.nan_to_num(ratio), dtype=float).ravel() * PER
    tables = {
        kind: _zone_table(
            context.zones[kind].cell_zone, context.zone_names(kind), people, cell_index
        )
        for kind in ZONE_KINDS
    }
    taken = np.array([np.nan if e is None else float(e) for e in (enrolled or [None] * len(cap))])
    with np.errstate(invalid="ignore", divide="ignore"):
        utilisation = np.where(known & (cap > 0), taken / cap, np.nan)
    frame = pd.DataFrame(
        {
            "name": list(facilities.names),
            "capacity": cap,
            "enrolled": taken,
            "utilisation": utilisation,
            "demand_in_reach": demand,
            "places_per_1000": ratio * PER,
        },
        index=pd.Index(facilities.ids, name="id"),
    )
    return AccessResult(
        radius_m=radius,
        facilities=frame,
        cell_index=cell_index,
        tables=tables,
        demand_model=context.grid.model,
        no_capacity=tuple(str(i) for i, k in zip(facilities.ids, known, strict=True) if not k),
    )
