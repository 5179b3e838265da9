"""Coverage tables as files and text: CSV (UTF-8 with BOM for Excel), XLSX, JSON and gap GeoJSON.

This is an edge: it puts the core's numbers and provenance into words, from the message catalogue
through the ``Translator`` it is given. Every output starts with the same metadata rows (facilities,
radius and its source, distance method, population source/year/method), so a table never travels
without saying what its numbers are. A row is picked by its stable ``key``, never by its label.
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import numpy as np
import pandas as pd
import shapely

from soja_map import __version__
from soja_map.analysis.coverage import CoverageResult, WhatIf
from soja_map.analysis.provenance import (
    ESTIMATE,
    LAYER_POINTS,
    DistanceMethod,
    Note,
    PopulationModel,
    SourceRef,
)
from soja_map.data.facts import HAZARD_MESSAGE, Hazard
from soja_map.data.io import (
    append_safe_row,
    atomic_write_bytes,
    atomic_write_text,
    dumps_feature_collection,
    safe_cell,
)
from soja_map.data.schema import GEOGRAPHIC_CRS
from soja_map.errors import ConfigError
from soja_map.i18n import Translator
from soja_map.query.filters import describe_filter

if TYPE_CHECKING:
    from soja_map.data.plan import Plan
    from soja_map.query.filters import Filter

FORMATS: Final = ("csv", "xlsx", "json")

PEOPLE: Final = frozenset(
    {"population", "covered", "uncovered", "covered_before", "covered_after", "change"}
)
SHARES: Final = frozenset({"share", "share_before", "share_after"})
SHARE_PLACES: Final = 3  # 0.574 in files = 57.4 % on screen (tr.percent's one decimal)
GAP_COLUMNS: Final = ("rank", "population", "cells", "area_km2", "town", "max_distance_m")
MAX_NAMES: Final = 12  # facility names listed in the metadata

# the rows of the xlsx sheet's short header, and the rows the planner's method note shows
# every key a metadata row may have (each has a report_meta_<key> message)
META_KEYS: Final = (
    "scenario",
    "selection",
    "facility_count",
    "hypothetical_added",
    "excluded",
    "radius",
    "radius_source",
    "distance",
    "population_kind",
    "population_source",
    "population_year",
    "population_method",
    "population_total",
    "grid",
    "note",
    "covered_means",
    "added",
    "removed",
    "city_covered",
    "after",
)
HEADLINE_KEYS: Final = frozenset(
    {"scenario", "selection", "radius", "distance", "city_covered", "after"}
)
METHOD_KEYS: Final = frozenset(
    {
        "radius_source",
        "distance",
        "population_source",
        "population_year",
        "population_kind",
        "population_method",
        "note",
    }
)

Report = CoverageResult | WhatIf


@dataclass(frozen=True)
class Row:
    """One metadata row: a stable key, its label in the translator's language, and its value."""

    key: str
    label: str
    value: str


# -- words for the core's keys --------------------------------------------------------------------


def by_label(by: str, tr: Translator) -> str:
    """The heading of the zone column (town, elementary, junior_high, city)."""
    return tr(f"report_by_{by}")


def column_label(column: str, tr: Translator) -> str:
    return tr(f"report_col_{column}")


def gap_label(column: str, tr: Translator) -> str:
    return tr(f"report_gap_{column}")


def preset_label(name: str, tr: Translator) -> str:
    """A radius preset's label, e.g. 一般的な徒歩圏 800 m."""
    return tr(f"report_preset_{name}")


def metres(value: float, tr: Translator) -> str:
    """A distance as people read it: whole metres, or one decimal when it has one."""
    return tr.number(value, 0 if float(value).is_integer() else 1)


def signed(value: float, tr: Translator) -> str:
    return ("+" if value >= 0 else "") + tr.number(value)


def describe_selection(
    flt: Filter | None, plan: Plan | None, tr: Translator, hazards: Sequence[str] = ()
) -> str:
    """What was asked for, in words ("-" when unknown); shelters narrowed to the sites designated
    for some hazards say so ("避難場所・避難所（洪水に指定された場所のみ）")."""
    if flt is None or plan is None:
        return "-"
    text = describe_filter(flt, plan, tr)
    if hazards:
        names = tr.join(tr(HAZARD_MESSAGE[Hazard(h)]) for h in hazards)
        text = tr("report_hazards_only", selection=text, hazards=names)
    return text


def distance_text(method: DistanceMethod, tr: Translator) -> str:
    if not method.is_network:
        return tr("report_distance_straight_line")
    return tr(
        "report_distance_network",
        source=method.network_source,
        nodes=tr.number(method.network_nodes),
        km=tr.number(method.network_length_m / 1000, 1),
    )


def population_title(model: PopulationModel, tr: Translator) -> str:
    """One short line for titles and captions: what kind of population this is."""
    if model.method == ESTIMATE:
        return tr("report_population_title_estimate", total=tr.number(model.input_total))
    return tr("report_population_title_layer", layer=model.layer, column=model.column)


def _source_entry(ref: SourceRef) -> str:
    text = " ".join(part for part in (ref.publisher, ref.dataset) if part) or "-"
    return f"{text} ({ref.as_of})" if ref.as_of else text


def _role_label(model: PopulationModel, role: str, tr: Translator) -> str:
    if role != "town_figures":
        return tr(f"report_role_{role}")
    groups = [g.name for g in model.groups]
    return tr(
        "report_role_town_figures_count",
        towns=tr.number(len(model.known_towns)),
        groups=tr("report_role_groups", names=tr.join(groups)) if groups else "",
    )


def _roles(model: PopulationModel) -> list[str]:
    return list(dict.fromkeys(s.role for s in model.sources))


def population_source_text(model: PopulationModel, tr: Translator) -> str:
    if model.method != ESTIMATE:
        return tr("report_population_source_layer", layer=model.layer, column=model.column)
    return "; ".join(
        f"{_role_label(model, role, tr)}: "
        + ("; ".join(_source_entry(s) for s in model.source(role)) or "-")
        for role in _roles(model)
    )


def population_year_text(model: PopulationModel, tr: Translator) -> str:
    if model.method != ESTIMATE:
        return model.year or tr("report_year_unknown")
    parts = []
    for role in _roles(model):
        dates = sorted({s.as_of for s in model.source(role) if s.as_of})
        if dates:
            parts.append(
                tr("report_year_of", dates=", ".join(dates), what=tr(f"report_role_{role}"))
            )
    return "; ".join(parts) or tr("report_year_unknown")


def population_method_text(model: PopulationModel, tr: Translator) -> str:
    cell = metres(model.cell_size_m, tr)
    if model.method == LAYER_POINTS:
        return tr("report_method_points", cell=cell)
    if model.method != ESTIMATE:
        clipped = tr("report_method_areal_clipped") if model.clipped else ""
        return tr("report_method_areal", cell=cell) + clipped
    groups = "".join(
        tr(
            "report_method_group",
            name=g.name,
            count=tr.number(len(g.members)),
            people=tr.number(g.population),
        )
        for g in model.groups
    )
    return tr(
        "report_method_estimate",
        total=tr.number(model.input_total),
        districts=tr.number(model.districts),
        known=tr.number(len(model.known_towns)),
        groups=groups,
        cell=cell,
    )


def note_text(item: Note, tr: Translator) -> str:
    values = {
        k: (tr.number(v, 2 if k == "km2" else 0) if isinstance(v, float) else v)
        for k, v in item.values
    }
    return tr(f"report_note_{item.code}", **values)


def population_rows(model: PopulationModel, tr: Translator) -> list[tuple[str, str]]:
    """(key, value) rows saying where the population comes from."""
    kind = "report_population_kind_estimate" if model.estimate else "report_population_kind_user"
    return [
        ("population_source", population_source_text(model, tr)),
        ("population_year", population_year_text(model, tr)),
        ("population_kind", tr(kind)),
        ("population_method", population_method_text(model, tr)),
        ("population_total", tr.number(model.total)),
        ("grid", f"{metres(model.cell_size_m, tr)} m ({model.crs})"),
        *(("note", note_text(n, tr)) for n in model.notes),
    ]


# -- metadata rows --------------------------------------------------------------------------------


def result_of(report: Report) -> CoverageResult:
    """The coverage to report gaps and facilities from (after the change, for a what-if)."""
    return report.after if isinstance(report, WhatIf) else report


def table_of(report: Report, by: str) -> pd.DataFrame:
    """The raw table (unrounded numbers, English column keys) for ``by``."""
    return report.table(by)


def _facility_count(result: CoverageResult, tr: Translator) -> str:
    names = result.located_names
    if not names:
        return tr.number(0)
    more = tr("report_and_more") if len(names) > MAX_NAMES else ""
    return tr(
        "report_facility_list",
        count=tr.number(len(names)),
        names=tr.join(names[:MAX_NAMES]),
        more=more,
    )


def radius_text(result: CoverageResult, tr: Translator) -> str:
    radius = metres(result.radius_m, tr)
    if result.preset is None:
        return tr("report_radius", radius=radius)
    return tr("report_radius_preset", radius=radius, preset=preset_label(result.preset.name, tr))


def _facility_rows(result: CoverageResult, tr: Translator) -> Iterable[tuple[str, str]]:
    yield "facility_count", _facility_count(result, tr)
    if result.added_count:
        yield "hypothetical_added", tr.number(result.added_count)
    if result.facilities.excluded:
        yield "excluded", ", ".join(result.facilities.excluded)


def result_rows(result: CoverageResult, tr: Translator, selection: str) -> list[tuple[str, str]]:
    """(key, value) rows of one coverage: what, how far, how measured, whose population."""
    rows = [("selection", selection), *_facility_rows(result, tr)]
    rows.append(("radius", radius_text(result, tr)))
    if result.preset is not None:
        handbook = tr(f"report_source_{result.preset.source}")
        rows.append(
            ("radius_source", tr(f"report_radius_source_{result.preset.name}", handbook=handbook))
        )
    rows.append(("distance", distance_text(result.method, tr)))
    rows += population_rows(result.grid.model, tr)
    covered = tr(
        "report_covered_means",
        cell=metres(result.grid.model.cell_size_m, tr),
        radius=metres(result.radius_m, tr),
    )
    rows.append(("covered_means", covered))
    return rows


def _what_if_rows(report: WhatIf) -> list[tuple[str, str]]:
    rows = []
    if report.added_lonlat:
        points = ", ".join(f"{lon:.6f},{lat:.6f}" for lon, lat in report.added_lonlat)
        rows.append(("added", points))
    if report.removed:
        names = report.removed_names()
        rows.append(("removed", ", ".join(f"{names[i]} ({i})" for i in report.removed)))
    return rows


def _summary_rows(report: Report, tr: Translator) -> list[tuple[str, str]]:
    city = report.before if isinstance(report, WhatIf) else report
    rows = [
        (
            "city_covered",
            tr(
                "report_city_covered_value",
                covered=tr.number(city.covered_population),
                population=tr.number(city.population),
                share=tr.percent(city.share),
            ),
        )
    ]
    if isinstance(report, WhatIf):
        after = report.after
        value = tr(
            "report_after_value",
            covered=tr.number(after.covered_population),
            share=tr.percent(after.share),
            change=signed(report.change, tr),
        )
        rows.append(("after", value))
    return rows


def metadata_rows(
    report: Report, tr: Translator, *, plan: Plan | None = None, scenario: str | None = None
) -> list[Row]:
    """Every metadata row, in order: the title, the scenario's name (a planner's named what-if),
    the coverage, the what-if, the city totals."""
    city = report.before if isinstance(report, WhatIf) else report
    selection = describe_selection(city.selection, plan, tr, city.hazards)
    pairs = [("scenario", scenario)] if scenario else []
    pairs += result_rows(city, tr, selection)
    if isinstance(report, WhatIf):
        pairs += _what_if_rows(report)
    pairs += _summary_rows(report, tr)
    title = Row("title", "", f"{tr('report_title')} — soja-map {__version__}")
    return [title, *(Row(k, tr(f"report_meta_{k}"), v) for k, v in pairs)]


def metadata_lines(
    report: Report, tr: Translator, *, plan: Plan | None = None, scenario: str | None = None
) -> list[tuple[str, str]]:
    """(label, value) pairs for people (the title first, with an empty label)."""
    return [(r.label, r.value) for r in metadata_rows(report, tr, plan=plan, scenario=scenario)]


# -- tables ---------------------------------------------------------------------------------------


def display_frame(table: pd.DataFrame, by: str, tr: Translator) -> pd.DataFrame:
    """Rounded for people to read, by the one rule every face uses: whole people, shares as
    0.0-1.0 to SHARE_PLACES (the app's percentage to 0.1), whole metres."""
    out = pd.DataFrame(index=table.index)
    for column in table.columns:
        values = table[column].astype(float)
        out[column] = values.round(SHARE_PLACES) if column in SHARES else values.round(0)
    out.index = pd.Index([str(i) for i in table.index], name=by_label(by, tr))
    out.columns = [column_label(c, tr) for c in table.columns]
    return out


def cell_value(value: Any) -> Any:
    """A JSON/Excel-safe scalar (NaN and inf become None; numpy numbers become Python ones)."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float):
        if not math.isfinite(value):
            return None
        return int(value) if value.is_integer() else value
    return value


def csv_table_rows(report: Report, by: str, tr: Translator) -> list[list[Any]]:
    """The table as CSV rows: the header (row 1 in Excel), then a row per zone."""
    frame = display_frame(table_of(report, by), by, tr)
    rows: list[list[Any]] = [[frame.index.name, *frame.columns]]
    for name, row in frame.iterrows():
        rows.append([name, *("" if cell_value(v) is None else cell_value(v) for v in row)])
    return rows


def csv_metadata_rows(
    report: Report, tr: Translator, *, plan: Plan | None = None, scenario: str | None = None
) -> list[list[str]]:
    """The metadata as two-cell rows after the table: ``# label`` and the value. The csv writer
    quotes values holding commas (69,030), so Excel keeps each in one cell; pandas skips them with
    ``comment="#"``."""
    return [
        [f"# {label}" if label else "#", " ".join(value.splitlines())]
        for label, value in metadata_lines(report, tr, plan=plan, scenario=scenario)
    ]


def to_csv(
    report: Report,
    by: str,
    tr: Translator,
    *,
    plan: Plan | None = None,
    scenario: str | None = None,
) -> str:
    """CSV text with a BOM (so Excel in Japan opens it as UTF-8): the table from row 1, an empty
    row, then the metadata rows (``csv_metadata_rows``)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerows([safe_cell(c) for c in row] for row in csv_table_rows(report, by, tr))
    writer.writerow([])
    writer.writerows(
        [safe_cell(c) for c in row]
        for row in csv_metadata_rows(report, tr, plan=plan, scenario=scenario)
    )
    return "\ufeff" + buffer.getvalue()


def _facilities_doc(result: CoverageResult) -> list[dict[str, Any]]:
    fac = result.facilities
    return [
        {"id": i, "name": n, "hypothetical": bool(h)}
        for i, n, h in zip(fac.ids, fac.names, fac.hypothetical, strict=True)
    ]


GAP_DECIMALS: Final = 6  # ~0.1 m, far finer than the 100 m cells the gaps are made of


def _lonlat_geometry(geom: Any) -> dict[str, Any] | None:
    """A gap's polygon in EPSG:4326 as GeoJSON (the report's coverage map draws it)."""
    if geom is None or geom.is_empty:
        return None
    mapped: dict[str, Any] = shapely.geometry.mapping(
        shapely.set_precision(geom, 10.0**-GAP_DECIMALS)
    )
    as_lists: dict[str, Any] = json.loads(json.dumps(mapped))  # tuples -> lists, as in the file
    return as_lists


def to_json(
    report: Report,
    by: str,
    tr: Translator,
    *,
    plan: Plan | None = None,
    scenario: str | None = None,
) -> str:
    """JSON: the provenance with stable keys, the metadata as lines for people, the table with
    English keys, city totals and gaps."""
    result = result_of(report)
    table = table_of(report, by)
    city = report.before if isinstance(report, WhatIf) else report
    doc: dict[str, Any] = {
        "soja_map_version": __version__,
        "kind": "what_if" if isinstance(report, WhatIf) else "coverage",
        "scenario": scenario or None,
        "by": by,
        "radius_m": result.radius_m,
        "provenance": result.provenance.to_dict(),
        "selection": {
            "filter": None if city.selection is None else city.selection.to_dict(),
            "hazards": list(city.hazards),
            "text": describe_selection(city.selection, plan, tr, city.hazards),
        },
        "facilities": _facilities_doc(result),
        "excluded_city_wide": list(result.facilities.excluded),
        "metadata": [
            [r.key, r.label, r.value]
            for r in metadata_rows(report, tr, plan=plan, scenario=scenario)
        ],
        "columns": {c: column_label(c, tr) for c in table.columns},
        "rows": [
            {"name": str(name), **{k: cell_value(v) for k, v in row.items()}}
            for name, row in table.iterrows()
        ],
        "city": {k: cell_value(v) for k, v in table_of(report, "city").iloc[0].items()},
        "gaps": [
            {
                **{k: cell_value(v) for k, v in row.items() if k != "geometry"},
                "geometry": _lonlat_geometry(row.geometry),
            }
            for _, row in result.gaps.to_crs(GEOGRAPHIC_CRS).iterrows()
        ],
    }
    if isinstance(report, WhatIf):
        doc["what_if"] = {
            "added_lonlat": [list(p) for p in report.added_lonlat],
            "removed": list(report.removed),
            "change": cell_value(report.change),
        }
    return json.dumps(doc, ensure_ascii=False, indent=1, allow_nan=False) + "\n"


def _xlsx_table(sheet: Any, report: Report, by: str, tr: Translator) -> None:
    from openpyxl.styles import Font  # noqa: PLC0415 - only when writing xlsx

    frame = display_frame(table_of(report, by), by, tr)
    append_safe_row(sheet, [frame.index.name, *frame.columns])
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    first_data = sheet.max_row + 1
    for name, row in frame.iterrows():
        append_safe_row(sheet, [name, *(cell_value(v) for v in row)])
    xlsx_formats(sheet, list(table_of(report, by).columns), first_data)


XLSX_PEOPLE_FORMAT: Final = "#,##0"
XLSX_SHARE_FORMAT: Final = "0.0%"
XLSX_METRES_FORMAT: Final = "#,##0"


def xlsx_number_format(key: str) -> str:
    """The Excel number format of a table column, by its stable key."""
    if key in SHARES:
        return XLSX_SHARE_FORMAT
    if key.endswith("_m"):
        return XLSX_METRES_FORMAT
    return XLSX_PEOPLE_FORMAT


def xlsx_formats(sheet: Any, keys: list[str], first_data: int) -> None:
    """Number formats per column (people and metres with thousands separators, shares as 0.0%)
    and widths that fit the header and the longest name (East Asian characters count double)."""
    from openpyxl.utils import get_column_letter  # noqa: PLC0415 - only when writing xlsx

    last = sheet.max_row
    for j, key in enumerate(keys, start=2):
        number_format = xlsx_number_format(key)
        for r in range(first_data, last + 1):
            sheet.cell(row=r, column=j).number_format = number_format
    for j in range(1, len(keys) + 2):
        texts = [sheet.cell(row=r, column=j).value for r in range(first_data - 1, last + 1)]
        widest = max((_display_width(str(t)) for t in texts if t is not None), default=8)
        sheet.column_dimensions[get_column_letter(j)].width = min(max(widest + 2, 10), 40)


def _display_width(text: str) -> int:
    import unicodedata  # noqa: PLC0415

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def to_xlsx(
    report: Report,
    by: str,
    tr: Translator,
    *,
    plan: Plan | None = None,
    scenario: str | None = None,
) -> bytes:
    """An Excel workbook: the table under a short header, the full metadata, and the gaps."""
    from openpyxl import Workbook  # noqa: PLC0415 - only when writing xlsx
    from openpyxl.styles import Font  # noqa: PLC0415

    book = Workbook()
    sheet = book.active
    sheet.title = tr("report_sheet_coverage")
    rows = metadata_rows(report, tr, plan=plan, scenario=scenario)
    model = result_of(report).grid.model
    header = [
        rows[0].value,
        *(f"{r.label}: {r.value}" for r in rows[1:] if r.key in HEADLINE_KEYS),
        tr("report_xlsx_population", title=population_title(model, tr)),
        tr("report_xlsx_details"),
    ]
    for text in header:
        append_safe_row(sheet, [text])
    sheet["A1"].font = Font(bold=True)
    sheet.append([])
    _xlsx_table(sheet, report, by, tr)
    about = book.create_sheet(tr("report_sheet_about"))
    for r in rows:
        append_safe_row(about, [r.label, r.value])
    about.column_dimensions["A"].width = 28
    about.column_dimensions["B"].width = 120
    gaps = book.create_sheet(tr("report_sheet_gaps"))
    append_safe_row(gaps, [gap_label(c, tr) for c in GAP_COLUMNS])
    for _, row in result_of(report).gaps.iterrows():
        append_safe_row(gaps, [cell_value(row[c]) for c in GAP_COLUMNS])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def gaps_geojson(report: Report, tr: Translator, *, plan: Plan | None = None) -> str:
    """The gap polygons (EPSG:4326) as a FeatureCollection whose metadata holds the same rows."""
    gaps = result_of(report).gaps.to_crs(GEOGRAPHIC_CRS)
    features = [
        {
            "type": "Feature",
            "id": str(gap_id),
            "geometry": shapely.geometry.mapping(row.geometry),
            "properties": {"id": str(gap_id), **{c: cell_value(row[c]) for c in GAP_COLUMNS}},
        }
        for gap_id, row in gaps.iterrows()
    ]
    meta = {
        "title": tr("report_title"),
        "provenance": result_of(report).provenance.to_dict(),
        "lines": [[r.key, r.label, r.value] for r in metadata_rows(report, tr, plan=plan)],
    }
    return dumps_feature_collection(features, meta)


# -- files ----------------------------------------------------------------------------------------


def render(
    report: Report,
    by: str,
    fmt: str,
    tr: Translator,
    *,
    plan: Plan | None = None,
    scenario: str | None = None,
) -> bytes:
    """The file content for ``fmt`` (csv, xlsx, json); ``scenario`` names the planner's what-if."""
    if fmt == "csv":
        return to_csv(report, by, tr, plan=plan, scenario=scenario).encode("utf-8")
    if fmt == "json":
        return to_json(report, by, tr, plan=plan, scenario=scenario).encode("utf-8")
    if fmt == "xlsx":
        return to_xlsx(report, by, tr, plan=plan, scenario=scenario)
    raise ConfigError(f"format must be one of {', '.join(FORMATS)}; got {fmt!r}")


def format_for(path: Path | None, fmt: str | None) -> str:
    """The explicit format, else the one the file name says, else csv."""
    if fmt:
        if fmt not in FORMATS:
            raise ConfigError(f"format must be one of {', '.join(FORMATS)}; got {fmt!r}")
        return fmt
    suffix = path.suffix.lower().lstrip(".") if path is not None else ""
    return suffix if suffix in FORMATS else "csv"


def write_report(
    path: Path, report: Report, by: str, fmt: str, tr: Translator, *, plan: Plan | None = None
) -> None:
    """Write the table file atomically (text formats via soja_map.data.io.atomic_write_text)."""
    if fmt in {"csv", "json"}:
        text = (
            to_csv(report, by, tr, plan=plan)
            if fmt == "csv"
            else to_json(report, by, tr, plan=plan)
        )
        atomic_write_text(path, text, create_folders=False)
    else:
        atomic_write_bytes(path, render(report, by, fmt, tr, plan=plan), create_folders=False)


def write_gaps(path: Path, report: Report, tr: Translator, *, plan: Plan | None = None) -> None:
    atomic_write_text(path, gaps_geojson(report, tr, plan=plan), create_folders=False)
