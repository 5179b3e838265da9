"""The list of the filtered places, as the report's list pages and the data files show it.

One order and one numbering for everything an export shows: places grouped by priority project
and measure in the plan's order, then by category (schema order) and Japanese name. A place that
serves several measures is listed under each; its number (``no``, on markers only) is the
one its marker carries on the printed map, given at its first appearance. No folium here.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import geopandas as gpd
import pandas as pd

from soja_map.data.plan import Measure, Plan, Project
from soja_map.data.schema import CATEGORIES
from soja_map.i18n import Translator
from soja_map.query.filters import Filter

# The columns of the list pages and of the data files (GeoPackage, GeoJSON, CSV, XLSX), in order;
# their headings are the catalogue's ``export_col_<column>``.
PLACE_COLUMNS: tuple[str, ...] = (
    "no",
    "id",
    "name",
    "category",
    "projects",
    "measures",
    "address",
    "town",
    "position_accuracy",
    "source",
    "as_of",
    "lon",
    "lat",
)
# What a list page prints of each row (the rest is in the data files).
LIST_PAGE_COLUMNS: tuple[str, ...] = (
    "no",
    "name",
    "category",
    "address",
    "position_accuracy",
    "source",
)


@dataclass(frozen=True)
class PlaceGroup:
    """The places of one measure (``measure`` None: places matched by none of the plan's measures)."""

    project: Project | None
    measure: Measure | None
    place_ids: tuple[str, ...]


def _reading_order(frame: gpd.GeoDataFrame) -> list[str]:
    rank = {c: i for i, c in enumerate(CATEGORIES)}
    keyed = sorted(
        zip(frame.index, frame["category"], frame["name_ja"], strict=True),
        key=lambda r: (rank.get(r[1], len(rank)), str(r[2]), str(r[0])),
    )
    return [str(r[0]) for r in keyed]


def _wanted_measures(plan: Plan, flt: Filter) -> Iterator[tuple[Project, Measure]]:
    for project in plan.projects:
        if flt.projects is not None and project.id not in flt.projects:
            continue
        for measure in project.measures:
            if flt.policies and measure.policy not in flt.policies:
                continue
            if flt.measures and measure.id not in flt.measures:
                continue
            yield project, measure


def place_groups(selected: gpd.GeoDataFrame, plan: Plan, flt: Filter) -> list[PlaceGroup]:
    """The selected places under each measure of the filter, in the plan's order; places under none
    of them (e.g. a text search across projects) come last in one group."""
    groups: list[PlaceGroup] = []
    listed: set[str] = set()
    measures = selected["measures"]
    for project, measure in _wanted_measures(plan, flt):
        members = selected[[measure.id in m for m in measures]]
        if len(members):
            ids = tuple(_reading_order(members))
            groups.append(PlaceGroup(project, measure, ids))
            listed.update(ids)
    rest = selected[~selected.index.isin(listed)]
    if len(rest):
        groups.append(PlaceGroup(None, None, tuple(_reading_order(rest))))
    return groups


def place_numbers(selected: gpd.GeoDataFrame, groups: list[PlaceGroup]) -> dict[str, int]:
    """1, 2, 3 ... for the places drawn as markers (points), in list order: the printed map's
    marker numbers (lines and areas carry none)."""
    located = set(selected.index[selected.geometry.notna() & (selected.geom_type == "Point")])
    numbers: dict[str, int] = {}
    for group in groups:
        for pid in group.place_ids:
            if pid in located and pid not in numbers:
                numbers[pid] = len(numbers) + 1
    return numbers


def _source(source: object) -> str:
    if not isinstance(source, dict):
        return ""
    return " / ".join(str(source[k]) for k in ("publisher", "dataset") if source.get(k))


def place_table(
    selected: gpd.GeoDataFrame, plan: Plan, flt: Filter, tr: Translator
) -> gpd.GeoDataFrame:
    """One row per selected place in list order, with PLACE_COLUMNS (values in ``tr``'s words) and
    the geometry (EPSG:4326; None for city-wide places)."""
    groups = place_groups(selected, plan, flt)
    numbers = place_numbers(selected, groups)
    order = list(dict.fromkeys(pid for g in groups for pid in g.place_ids))
    rows = selected.loc[order]
    points = rows.geometry.representative_point()
    located = rows.geometry.notna()
    table = pd.DataFrame(
        {
            "no": [numbers.get(str(pid)) for pid in rows.index],
            "id": [str(pid) for pid in rows.index],
            "name": [tr.pick(r.name_ja, r.name_en or r.name_ja) for r in rows.itertuples()],
            "category": [
                tr.pick(CATEGORIES[c].label_ja, CATEGORIES[c].label_en) for c in rows["category"]
            ],
            "projects": [
                tr.join([_pick_project(plan, p, tr) for p in ps]) for ps in rows["projects"]
            ],
            "measures": [
                tr.join([_pick_measure(plan, m, tr) for m in ms]) for ms in rows["measures"]
            ],
            "address": [a or "" for a in rows["address"]],
            "town": [t or "" for t in rows["town_area"]],
            "position_accuracy": [
                tr(f"export_pos_{p}") if ok else tr("city_wide_badge")
                for p, ok in zip(rows["position_accuracy"], located, strict=True)
            ],
            "source": [_source(s) for s in rows["source"]],
            "as_of": [a or "" for a in rows["as_of"]],
            "lon": [round(p.x, 6) if ok else None for p, ok in zip(points, located, strict=True)],
            "lat": [round(p.y, 6) if ok else None for p, ok in zip(points, located, strict=True)],
        },
        index=rows.index,
    )
    table["no"] = table["no"].astype("Int64")
    return gpd.GeoDataFrame(
        table, geometry=rows.geometry.to_numpy(), crs=selected.crs or "EPSG:4326"
    )


def _pick_project(plan: Plan, project_id: str, tr: Translator) -> str:
    project = plan.project(project_id)
    return tr.pick(project.name_ja, project.name_en)


def _pick_measure(plan: Plan, measure_id: str, tr: Translator) -> str:
    measure = plan.measures.get(measure_id)
    return tr.pick(measure.name_ja, measure.name_en) if measure else measure_id


def column_headings(tr: Translator, columns: tuple[str, ...] = PLACE_COLUMNS) -> list[str]:
    return [tr(f"export_col_{c}") for c in columns]
