"""Hand-computable layouts for the population, zones, coverage and network tests (EPSG:6673 metres).

The "square city" is 1 km x 1 km with its south-west corner at ORIGIN (on the grid of every cell size
used here). Split into 500 m cells it has four cells whose centres are 250 m from the edges:

    NW (250, 750) | NE (750, 750)
    --------------+--------------
    SW (250, 250) | SE (750, 250)

Two elementary districts (west x < 500, east x > 500), one junior-high district (the whole city), and a
town point at each cell centre, so each town's Voronoi area is exactly its cell.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import shapely

from soja_map.analysis.coverage import (
    CoverageContext,
    Facilities,
    build_context,
    facilities_from_frame,
)
from soja_map.analysis.population import PopulationGrid, population_from_frame
from soja_map.analysis.zones import Geography, build_geography

CRS = "EPSG:6673"
ORIGIN = (-55_000.0, -145_000.0)  # in Soja (about 133.73 E, 34.69 N); a multiple of 500 m
SIDE = 1000.0
CENTRES = {"SW": (250.0, 250.0), "SE": (750.0, 250.0), "NW": (250.0, 750.0), "NE": (750.0, 750.0)}
POPULATION = {"SW": 10.0, "SE": 20.0, "NW": 30.0, "NE": 40.0}


def at(x: float, y: float) -> tuple[float, float]:
    """Metric coordinates of (x, y) relative to the city's south-west corner."""
    return ORIGIN[0] + x, ORIGIN[1] + y


def box(x0: float, y0: float, x1: float, y1: float) -> shapely.Polygon:
    return shapely.box(*at(x0, y0), *at(x1, y1))


def city() -> gpd.GeoSeries:
    return gpd.GeoSeries([box(0, 0, SIDE, SIDE)], crs=CRS)


def elementary(pupils: tuple[float, float] = (30.0, 10.0)) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"name": ["West ES", "East ES"], "pupils": list(pupils)},
        geometry=[box(0, 0, 500, SIDE), box(500, 0, SIDE, SIDE)],
        index=["es.west", "es.east"],
        crs=CRS,
    )


def junior_high() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"name": ["City JHS"]}, geometry=[box(0, 0, SIDE, SIDE)], index=["jh.all"], crs=CRS
    )


def towns(**columns: list[object]) -> gpd.GeoDataFrame:
    names = list(CENTRES)
    return gpd.GeoDataFrame(
        {"name": names, **columns},
        geometry=[shapely.Point(*at(*CENTRES[n])) for n in names],
        index=[f"town.{n}" for n in names],
        crs=CRS,
    )


def geography(**town_columns: list[object]) -> Geography:
    return build_geography(city(), towns(**town_columns), elementary(), junior_high())


def cells_frame(population: dict[str, float] = POPULATION) -> gpd.GeoDataFrame:
    """The four 500 m cells as population polygons."""
    return gpd.GeoDataFrame(
        {"people": [population[n] for n in CENTRES]},
        geometry=[
            box(x - 250, y - 250, x + 250, y + 250) for x, y in (CENTRES[n] for n in CENTRES)
        ],
        crs=CRS,
    )


def grid(cell_size: float = 500.0) -> PopulationGrid:
    clip = city().iloc[0]
    return population_from_frame(
        cells_frame(), "people", cell_size=cell_size, clip=clip, source="test cells"
    )


def context(cell_size: float = 500.0, **kwargs: object) -> CoverageContext:
    return build_context(geography(), grid(cell_size), **kwargs)  # type: ignore[arg-type]


def facilities(**points: tuple[float, float]) -> Facilities:
    """Point facilities named by keyword, at coordinates relative to the corner."""
    return facilities_from_frame(
        gpd.GeoDataFrame(
            {"name_ja": list(points)},
            geometry=[shapely.Point(*at(*p)) for p in points.values()],
            index=list(points),
            crs=CRS,
        )
    )


def covered_by_town(result: object, town: str) -> float:
    return float(result.table("town").at[town, "covered"])  # type: ignore[attr-defined]


def as_array(values: object) -> np.ndarray:
    return np.asarray(values, dtype=float)
