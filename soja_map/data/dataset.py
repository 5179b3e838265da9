"""The validated data set: places, reference layers and the plan, loaded once from ``geodata/``."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry

from soja_map.config import Settings
from soja_map.data.facts import category_completeness
from soja_map.data.geo import geometry_to_lonlat, geometry_to_metric, to_metric_xy
from soja_map.data.io import read_json_file, read_text_bounded
from soja_map.data.plan import CATALOGUE_FILE, Catalogue, Plan
from soja_map.data.readings import search_text
from soja_map.data.schema import (
    CATEGORIES,
    FIELDS,
    GEOGRAPHIC_CRS,
    STUDY_AREA_BUFFER_M,
    Role,
)
from soja_map.data.towns import Town, TownIndex
from soja_map.data.validate import SOURCES_FILE, ParsedLayer, Report, validate_paths
from soja_map.errors import Problem, ValidationError

BOUNDARY_FILE = "boundary.geojson"
TOWNS_FILE = "towns.geojson"
# The files the app cannot do without: a missing one is an error, never a silent skip (without the
# boundary nothing would be checked against Soja's extent; without the towns, addresses and the
# coverage zones are gone). SOURCES.md is shown on every page, so it is checked with the data.
REQUIRED_FILES = (CATALOGUE_FILE, BOUNDARY_FILE, TOWNS_FILE, SOURCES_FILE)

PLACE_COLUMNS = [c for c in FIELDS if c not in {"id"}]


def boundary_geometry(geodata_dir: Path) -> BaseGeometry | None:
    """The city boundary (union of city_boundary features in boundary.geojson), or None."""
    path = Path(geodata_dir) / BOUNDARY_FILE
    try:
        doc = read_json_file(path)
        geoms = [
            shapely.geometry.shape(f["geometry"])
            for f in doc["features"]
            if f.get("properties", {}).get("category") == "city_boundary" and f.get("geometry")
        ]
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
    return shapely.union_all(geoms) if geoms else None


def study_area(boundary: BaseGeometry, buffer_m: float = STUDY_AREA_BUFFER_M) -> BaseGeometry:
    """The boundary buffered by ``buffer_m`` metres (in EPSG:6673), back in lon/lat."""
    return geometry_to_lonlat(geometry_to_metric(boundary).buffer(buffer_m, quad_segs=16))


@dataclass(frozen=True)
class Dataset:
    """Everything the app, the export and the analysis read; built by ``load_dataset``."""

    catalogue: Catalogue
    plan: Plan
    places: gpd.GeoDataFrame  # role=place features, index = id; city-wide items have no geometry
    references: dict[str, gpd.GeoDataFrame]  # category -> reference features
    layers: dict[str, dict[str, Any]]  # file stem -> the layer's metadata
    boundary: BaseGeometry | None
    study_area: BaseGeometry | None
    geodata_dir: Path
    report: Report | None = field(default=None, repr=False, compare=False)
    sources: str | None = field(default=None, repr=False, compare=False)  # SOURCES.md, validated

    @cached_property
    def partial_categories(self) -> frozenset[str]:
        """The categories known to be incomplete (their layer says so), for every place a count of
        them is shown: filter options, the app's legend and the export's legend."""
        found = category_completeness(self.layers)
        return frozenset(k for k, v in found.items() if not v.complete)

    @property
    def towns(self) -> gpd.GeoDataFrame:
        found = self.references.get("town")
        return _empty_frame() if found is None else found

    @property
    def school_districts(self) -> gpd.GeoDataFrame:
        found = self.references.get("school_district")
        return _empty_frame() if found is None else found

    @property
    def located(self) -> gpd.GeoDataFrame:
        """Places with a geometry (not the city-wide items)."""
        return self.places[self.places.geometry.notna()]

    @property
    def city_wide(self) -> gpd.GeoDataFrame:
        return self.places[self.places.geometry.isna()]

    def town_index(self) -> TownIndex:
        return town_index_from_frame(self.towns)

    def sources_text(self) -> str:
        """geodata/SOURCES.md as read (and validated) at load; "" when it cannot be read."""
        if self.sources is not None:
            return self.sources
        return _read_sources(self.geodata_dir)

    def extent(self, *frames: gpd.GeoDataFrame) -> tuple[float, float, float, float]:
        """(west, south, east, north) of the city boundary widened to the given frames' geometries
        (e.g. stations just outside the city); the towns' extent when there is neither; the world
        as a last resort, so a map always has somewhere to look."""
        boxes = [tuple(f.total_bounds) for f in frames if len(f) and f.geometry.notna().any()]
        if self.boundary is not None:
            boxes.append(tuple(self.boundary.bounds))
        if not boxes and len(self.towns):
            boxes.append(tuple(self.towns.total_bounds))
        if not boxes:
            return (-180.0, -85.0, 180.0, 85.0)
        return (
            min(b[0] for b in boxes),
            min(b[1] for b in boxes),
            max(b[2] for b in boxes),
            max(b[3] for b in boxes),
        )

    def as_of_range(self) -> tuple[str, str]:
        dates = sorted(d for d in self.places["as_of"].dropna())
        return (dates[0], dates[-1]) if dates else ("", "")


def town_index_from_frame(towns: gpd.GeoDataFrame) -> TownIndex:
    return TownIndex(
        Town(
            name=row.town or row.name_ja,
            koaza=(row.attributes or {}).get("koaza", "") or "",
            lon=row.geometry.x,
            lat=row.geometry.y,
            town_id=str(idx),
        )
        for idx, row in towns.iterrows()
    )


def _empty_frame() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {c: [] for c in ["id", *PLACE_COLUMNS]}, geometry=[], crs=GEOGRAPHIC_CRS
    ).set_index("id")


def frame_from_layers(layers: Sequence[ParsedLayer], plan: Plan) -> gpd.GeoDataFrame:
    """One GeoDataFrame of every feature of valid layers, with projects/policies derived from measures."""
    rows: list[dict[str, Any]] = []
    geoms: list[BaseGeometry | None] = []
    for layer in layers:
        for props, geom in zip(layer.properties, layer.geometries, strict=True):
            row = {c: props.get(c) for c in FIELDS}
            row["scope"] = row["scope"] or "site"
            row["measures"] = tuple(props.get("measures") or ())
            row["attributes"] = props.get("attributes") or {}
            row["layer"] = layer.name
            rows.append(row)
            geoms.append(geom)
    # object dtype keeps None as None (pandas' string dtype would turn it into NaN)
    frame = pd.DataFrame(rows, columns=[*FIELDS, "layer"], dtype=object)
    frame["projects"] = [tuple(plan.projects_for(m)) for m in frame["measures"]]
    frame["policies"] = [tuple(plan.policies_for(m)) for m in frame["measures"]]
    gdf = gpd.GeoDataFrame(
        frame, geometry=gpd.GeoSeries(geoms, crs=GEOGRAPHIC_CRS), crs=GEOGRAPHIC_CRS
    )
    return gdf.set_index("id", drop=False).rename_axis(None)


def _category_labels(category: str) -> tuple[str, ...]:
    spec = CATEGORIES.get(category)
    return (spec.label_ja, spec.label_en) if spec else ()


def add_derived_columns(
    places: gpd.GeoDataFrame, towns: gpd.GeoDataFrame, boundary: BaseGeometry | None
) -> gpd.GeoDataFrame:
    """``town_area``: the place's 大字/町丁目 from its address, else the nearest town point's (points in
    Soja only); ``search_key``: the normalised text search matches against."""
    from soja_map.query.filters import normalise_text  # noqa: PLC0415 - filters imports nothing from here

    town_area = places["town"].astype(object).copy()
    missing = town_area.isna() & places.geometry.notna() & (places.geom_type == "Point")
    if boundary is not None:
        missing &= places.geometry.within(boundary)
    if missing.any() and len(towns):
        tx, ty = to_metric_xy(
            shapely.get_x(towns.geometry.values), shapely.get_y(towns.geometry.values)
        )
        px, py = to_metric_xy(
            shapely.get_x(places.geometry[missing].values),
            shapely.get_y(places.geometry[missing].values),
        )
        nearest = np.argmin(
            (px[:, None] - tx[None, :]) ** 2 + (py[:, None] - ty[None, :]) ** 2, axis=1
        )
        town_area[missing] = towns["town"].to_numpy()[nearest]
    places["town_area"] = town_area
    # inside the city or just across the border (e.g. 8 stations), derived here rather than stored
    places["in_city"] = (
        places.geometry.intersects(boundary) | places.geometry.isna()
        if boundary is not None
        else True
    )
    places["search_key"] = [
        normalise_text(
            " ".join(
                [
                    *(str(v) for v in (r.name_ja, r.name_en, r.address, r.town) if v),
                    *_category_labels(str(r.category)),
                    search_text((r.name_ja, r.town), str(r.category)),
                ]
            )
        )
        for r in places.itertuples()
    ]
    return places


def _read_sources(geodata_dir: Path) -> str:
    try:
        return read_text_bounded(geodata_dir / SOURCES_FILE)
    except (OSError, ValueError):
        return ""


def _reference_problems(
    geodata_dir: Path, report: Report, boundary: BaseGeometry | None
) -> list[Problem]:
    """The required reference layers parsed, but hold none of the features they exist for."""
    parsed = {layer.path.name: layer for layer in report.layers}
    wanted = ((BOUNDARY_FILE, "city_boundary"), (TOWNS_FILE, "town"))
    problems = []
    for name, category in wanted:
        layer = parsed.get(name)
        if layer is None:
            continue  # missing or unreadable: already reported
        found = any(p.get("category") == category for p in layer.properties)
        if name == BOUNDARY_FILE:
            found = found and boundary is not None
        if not found:
            problems.append(
                Problem(
                    file=str(geodata_dir / name),
                    code="reference-empty",
                    message=f"the layer has no '{category}' feature",
                    field="category",
                    expected=f"at least one feature of category '{category}'",
                )
            )
    return problems


def validate_geodata(
    geodata_dir: Path, plan_id: str | None = None, *, extra_paths: Sequence[Path] = ()
) -> tuple[Report, BaseGeometry | None]:
    """The report of a whole data folder, the one `soja-map validate` prints and the app refuses to
    start with; and the city boundary (None when it is missing or unreadable, an error then)."""
    geodata_dir = Path(geodata_dir)
    boundary = boundary_geometry(geodata_dir)
    area = study_area(boundary) if boundary is not None else None
    report = validate_paths(
        [geodata_dir, *extra_paths],
        catalogue=None,
        plan_id=plan_id,
        study_area=area,
        required=REQUIRED_FILES,
    )
    report.problems.extend(_reference_problems(geodata_dir, report, boundary))
    return report, boundary


def load_dataset(settings: Settings, *, extra_paths: Sequence[Path] = ()) -> Dataset:
    """Validate every file in the geodata folder and build the data set; raise with every problem."""
    geodata_dir = Path(settings.geodata_dir)
    if not (geodata_dir / CATALOGUE_FILE).is_file():
        raise ValidationError(
            [
                Problem(
                    file=str(geodata_dir / CATALOGUE_FILE),
                    code="catalogue-missing",
                    message="the plan catalogue is missing: is SOJA_MAP_GEODATA / --geodata the right folder?",
                )
            ]
        )
    report, boundary = validate_geodata(geodata_dir, settings.plan_id, extra_paths=extra_paths)
    area = study_area(boundary) if boundary is not None else None
    if not report.ok or report.catalogue is None:
        raise ValidationError(report.errors)
    catalogue = report.catalogue
    plan = catalogue.plan(settings.plan_id)
    everything = frame_from_layers(report.layers, plan)
    roles = everything["category"].map(lambda c: CATEGORIES[c].role)
    places = add_derived_columns(
        everything[roles == Role.PLACE].copy(),
        everything[everything["category"] == "town"],
        boundary,
    )
    references = {
        cat: everything[(everything["category"] == cat)]
        for cat in everything.loc[roles != Role.PLACE, "category"].unique()  # reference and safety
    }
    layers = {layer.name: layer.metadata for layer in report.layers}
    return Dataset(
        catalogue=catalogue,
        plan=plan,
        places=places,
        references=references,
        layers=layers,
        boundary=boundary,
        study_area=area,
        geodata_dir=geodata_dir,
        report=report,
        sources=_read_sources(geodata_dir),
    )
