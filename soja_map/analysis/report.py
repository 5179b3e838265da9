"""Coverage tables as files and text: CSV (UTF-8 with BOM for Excel), XLSX, JSON and gap GeoJSON.

Every output starts with the same metadata lines (facilities, radius and its source, distance method,
population source/year/method), so a table never travels without saying what its numbers are.
"""

from __future__ import annotations

import csv
import io
import json
import math
from pathlib import Path
from typing import Any, Final

import numpy as np
import pandas as pd
import shapely

from soja_map import __version__
from soja_map.analysis.coverage import CoverageResult, WhatIf
from soja_map.analysis.population import Text
from soja_map.data.io import atomic_write_bytes, atomic_write_text, dumps_feature_collection
from soja_map.data.schema import GEOGRAPHIC_CRS
from soja_map.errors import ConfigError
from soja_map.i18n import Lang

FORMATS: Final = ("csv", "xlsx", "json")

TITLE: Final = Text("施設の徒歩圏人口カバー率", "Population covered by facilities")
BY_LABEL: Final[dict[str, Text]] = {
    "town": Text("町域", "Town"),
    "elementary": Text("小学校区", "Elementary-school district"),
    "junior_high": Text("中学校区", "Junior-high-school district"),
    "city": Text("市", "City"),
}
COLUMN_LABEL: Final[dict[str, Text]] = {
    "population": Text("人口", "Population"),
    "covered": Text("カバー人口", "Covered"),
    "uncovered": Text("カバー外人口", "Not covered"),
    "share": Text("カバー率", "Share covered"),
    "nearest_m": Text("最寄り施設まで(m)", "Nearest facility (m)"),
    "mean_distance_m": Text("平均距離(m)", "Mean distance (m)"),
    "covered_before": Text("カバー人口(現状)", "Covered (now)"),
    "covered_after": Text("カバー人口(変更後)", "Covered (what-if)"),
    "change": Text("増減", "Change"),
    "share_before": Text("カバー率(現状)", "Share (now)"),
    "share_after": Text("カバー率(変更後)", "Share (what-if)"),
    "nearest_before_m": Text("最寄り(現状,m)", "Nearest now (m)"),
    "nearest_after_m": Text("最寄り(変更後,m)", "Nearest what-if (m)"),
}
PEOPLE: Final = frozenset(
    {"population", "covered", "uncovered", "covered_before", "covered_after", "change"}
)
SHARES: Final = frozenset({"share", "share_before", "share_after"})
GAP_LABEL: Final[dict[str, Text]] = {
    "rank": Text("順位", "Rank"),
    "population": Text("人口", "Population"),
    "cells": Text("メッシュ数", "Cells"),
    "area_km2": Text("面積(km²)", "Area (km²)"),
    "town": Text("主な町域", "Main town"),
    "max_distance_m": Text("最遠距離(m)", "Farthest (m)"),
}


Report = CoverageResult | WhatIf


def table_of(report: Report, by: str) -> pd.DataFrame:
    """The raw table (unrounded numbers, English column keys) for ``by``."""
    return report.table(by)


def result_of(report: Report) -> CoverageResult:
    """The coverage to report gaps and facilities from (after the change, for a what-if)."""
    return report.after if isinstance(report, WhatIf) else report


def metadata_lines(report: Report, lang: Lang = "ja") -> list[tuple[str, str]]:
    head = [("", f"{TITLE.get(lang)} — soja-map {__version__}")]
    result = result_of(report)
    ja = lang == "ja"
    city = report.before if isinstance(report, WhatIf) else report
    summary = (
        f"{city.covered_population:,.0f} / {city.population:,.0f}（{city.share:.1%}）"
        if ja
        else f"{city.covered_population:,.0f} of {city.population:,.0f} ({city.share:.1%})"
    )
    tail = [("市全体のカバー人口" if ja else "City-wide covered", summary)]
    if isinstance(report, WhatIf):
        after = (
            f"{result.covered_population:,.0f}（{result.share:.1%}、{report.change:+,.0f}人）"
            if ja
            else f"{result.covered_population:,.0f} ({result.share:.1%}, {report.change:+,.0f})"
        )
        tail.append(("変更後" if ja else "After the what-if", after))
    return head + report.metadata(lang) + tail


def display_frame(table: pd.DataFrame, by: str, lang: Lang = "ja") -> pd.DataFrame:
    """Rounded for people to read: whole people, shares as 0.0-1.0 to 4 places, whole metres."""
    out = pd.DataFrame(index=table.index)
    for column in table.columns:
        values = table[column].astype(float)
        if column in SHARES:
            out[column] = values.round(4)
        else:
            out[column] = values.round(0)
    out.index = pd.Index([str(i) for i in table.index], name=BY_LABEL[by].get(lang))
    out.columns = [COLUMN_LABEL[c].get(lang) if c in COLUMN_LABEL else c for c in table.columns]
    return out


def _cell(value: Any) -> Any:
    """A JSON/Excel-safe scalar (NaN and inf become None; numpy numbers become Python ones)."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float):
        if not math.isfinite(value):
            return None
        return int(value) if value.is_integer() else value
    return value


def to_csv(report: Report, by: str, lang: Lang = "ja") -> str:
    """CSV text with a BOM (so Excel in Japan opens it as UTF-8): metadata first, as lines starting
    with ``#`` (``pandas.read_csv(..., comment="#")`` skips them), then the table."""
    buffer = io.StringIO()
    for label, value in metadata_lines(report, lang):
        text = f"{label}: {value}" if label else value
        buffer.write("# " + " ".join(text.splitlines()) + "\n")
    writer = csv.writer(buffer, lineterminator="\n")
    frame = display_frame(table_of(report, by), by, lang)
    writer.writerow([frame.index.name, *frame.columns])
    for name, row in frame.iterrows():
        writer.writerow([name, *("" if _cell(v) is None else _cell(v) for v in row)])
    return "\ufeff" + buffer.getvalue()


def to_json(report: Report, by: str, lang: Lang = "ja") -> str:
    """JSON: metadata (structured and as lines), the table with English keys, city totals and gaps."""
    result = result_of(report)
    table = table_of(report, by)
    rows = [
        {"name": str(name), **{k: _cell(v) for k, v in row.items()}}
        for name, row in table.iterrows()
    ]
    preset = result.preset
    doc = {
        "soja_map_version": __version__,
        "kind": "what_if" if isinstance(report, WhatIf) else "coverage",
        "by": by,
        "radius_m": result.radius_m,
        "preset": None
        if preset is None
        else {
            "name": preset.name,
            "radius_m": preset.radius_m,
            "label": preset.label._asdict(),
            "source": preset.source._asdict(),
        },
        "selection": result.selection._asdict(),
        "distance_method": result.method._asdict(),
        "population": result.grid.model.to_dict(),
        "facilities": [
            {"id": i, "name": n, "hypothetical": bool(h)}
            for i, n, h in zip(
                result.facilities.ids,
                result.facilities.names,
                result.facilities.hypothetical,
                strict=True,
            )
        ],
        "excluded_city_wide": list(result.facilities.excluded),
        "metadata": [[label, value] for label, value in metadata_lines(report, lang)],
        "columns": {c: COLUMN_LABEL[c]._asdict() for c in table.columns if c in COLUMN_LABEL},
        "rows": rows,
        "city": {k: _cell(v) for k, v in table_of(report, "city").iloc[0].items()},
        "gaps": [
            {k: _cell(v) for k, v in row.items() if k != "geometry"}
            for _, row in result.gaps.iterrows()
        ],
    }
    if isinstance(report, WhatIf):
        doc["what_if"] = {
            "added_lonlat": [list(p) for p in report.added_lonlat],
            "removed": list(report.removed),
            "change": _cell(report.change),
        }
    return json.dumps(doc, ensure_ascii=False, indent=1, allow_nan=False) + "\n"


def to_xlsx(report: Report, by: str, lang: Lang = "ja") -> bytes:
    """An Excel workbook: the table under a short header, the full metadata, and the gaps."""
    from openpyxl import Workbook  # noqa: PLC0415 - only when writing xlsx
    from openpyxl.styles import Font  # noqa: PLC0415

    ja = lang == "ja"
    book = Workbook()
    sheet = book.active
    sheet.title = "カバー率" if ja else "coverage"
    lines = metadata_lines(report, lang)
    pop_model = result_of(report).grid.model
    header = [
        lines[0][1],
        *(f"{label}: {value}" for label, value in lines[1:] if label in _HEADLINE[lang]),
        f"{'人口' if ja else 'Population'}: {pop_model.label(lang)}",
        "全項目は「説明」シートを参照" if ja else "Full details: see the 'about' sheet",
    ]
    for text in header:
        sheet.append([text])
    sheet["A1"].font = Font(bold=True)
    sheet.append([])
    frame = display_frame(table_of(report, by), by, lang)
    sheet.append([frame.index.name, *frame.columns])
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    first_data = sheet.max_row + 1
    for name, row in frame.iterrows():
        sheet.append([name, *(_cell(v) for v in row)])
    for j, key in enumerate(table_of(report, by).columns, start=2):
        if key in SHARES:
            for r in range(first_data, sheet.max_row + 1):
                sheet.cell(row=r, column=j).number_format = "0.0%"
    sheet.column_dimensions["A"].width = 22
    about = book.create_sheet("説明" if ja else "about")
    for label, value in lines:
        about.append([label, value])
    about.column_dimensions["A"].width = 28
    about.column_dimensions["B"].width = 120
    gaps = book.create_sheet("空白地域" if ja else "gaps")
    gap_frame = result_of(report).gaps
    gaps.append([GAP_LABEL[c].get(lang) for c in GAP_LABEL])
    for _, row in gap_frame.iterrows():
        gaps.append([_cell(row[c]) for c in GAP_LABEL])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


_HEADLINE: Final[dict[str, frozenset[str]]] = {
    "ja": frozenset({"対象", "半径", "距離", "市全体のカバー人口", "変更後"}),
    "en": frozenset({"Facilities", "Radius", "Distance", "City-wide covered", "After the what-if"}),
}


def gaps_geojson(report: Report, lang: Lang = "ja") -> str:
    """The gap polygons (EPSG:4326) as a FeatureCollection whose metadata holds the same lines."""
    gaps = result_of(report).gaps.to_crs(GEOGRAPHIC_CRS)
    features = []
    for gap_id, row in gaps.iterrows():
        props = {"id": str(gap_id), **{c: _cell(row[c]) for c in GAP_LABEL}}
        features.append(
            {
                "type": "Feature",
                "id": str(gap_id),
                "geometry": shapely.geometry.mapping(row.geometry),
                "properties": props,
            }
        )
    meta = {"title": TITLE.get(lang), "lines": [[k, v] for k, v in metadata_lines(report, lang)]}
    return dumps_feature_collection(features, meta)


def render(report: Report, by: str, fmt: str, lang: Lang = "ja") -> bytes:
    """The file content for ``fmt`` (csv, xlsx, json)."""
    if fmt == "csv":
        return to_csv(report, by, lang).encode("utf-8")
    if fmt == "json":
        return to_json(report, by, lang).encode("utf-8")
    if fmt == "xlsx":
        return to_xlsx(report, by, lang)
    raise ConfigError(f"format must be one of {', '.join(FORMATS)}; got {fmt!r}")


def format_for(path: Path | None, fmt: str | None) -> str:
    """The explicit format, else the one the file name says, else csv."""
    if fmt:
        if fmt not in FORMATS:
            raise ConfigError(f"format must be one of {', '.join(FORMATS)}; got {fmt!r}")
        return fmt
    suffix = path.suffix.lower().lstrip(".") if path is not None else ""
    return suffix if suffix in FORMATS else "csv"


def write_report(path: Path, report: Report, by: str, fmt: str, lang: Lang = "ja") -> None:
    """Write the table file atomically (text formats via soja_map.data.io.atomic_write_text)."""
    if fmt == "csv":
        atomic_write_text(path, to_csv(report, by, lang))
    elif fmt == "json":
        atomic_write_text(path, to_json(report, by, lang))
    else:
        atomic_write_bytes(path, render(report, by, fmt, lang))


def write_gaps(path: Path, report: Report, lang: Lang = "ja") -> None:
    atomic_write_text(path, gaps_geojson(report, lang))
