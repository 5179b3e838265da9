"""The 2SFCA result in words and files (an edge, like ``report``): terminal rows, CSV, JSON.

Every output says what the demand population is (the bundled estimate is the *total* population,
not children), the radius and the distance rule, and which facilities had no stated capacity.
CSV: UTF-8 with a BOM; the header is row 1 and the method rows follow the table after an empty
row, as quoted two-cell rows, so that Excel neither splits them nor moves the header.
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Sequence
from typing import Any, Final

from soja_map import __version__
from soja_map.analysis.access import FACILITY_COLUMNS, ZONE_COLUMNS, AccessResult
from soja_map.analysis.report import by_label, cell_value, metres, population_rows
from soja_map.data.io import safe_cell
from soja_map.i18n import Translator

# every key a metadata row may have (each has an access_meta_<key> message)
META_KEYS: Final = (
    "title",
    "method",
    "demand",
    "radius",
    "distance",
    "city_index",
    "population_source",
    "population_year",
    "population_kind",
    "population_method",
    "population_total",
    "grid",
    "note",
    "no_capacity",
)
__all__ = [
    "META_KEYS",
    "ZONE_COLUMNS",
    "access_label",
    "by_label",
    "metadata",
    "to_csv",
    "to_json",
    "zone_rows",
]
INDEX_DECIMALS: Final = 1  # places per 1,000: one decimal everywhere (screen, CSV, JSON)
SHARE_DECIMALS: Final = 3  # 0.0-1.0 shares in files: three places = a percentage to 0.1


def access_label(column: str, tr: Translator) -> str:
    return tr(f"access_col_{column}")


def rounded(column: str, value: float) -> Any:
    """One rounding rule for every output: people whole, the index to 0.1, shares to 0.001."""
    if not math.isfinite(float(value)):
        return None
    if column in {"access_per_1000", "places_per_1000"}:
        return cell_value(round(float(value), INDEX_DECIMALS))
    if column in {"reached_share", "utilisation"}:
        return cell_value(round(float(value), SHARE_DECIMALS))
    return cell_value(round(float(value)))


def metadata(result: AccessResult, tr: Translator) -> list[tuple[str, str]]:
    """(key, value) rows: what the index is, on what demand, radius, and the facilities left out."""
    model = result.demand_model
    rows = [
        ("title", f"{tr('access_title')} — soja-map {__version__}"),
        ("method", tr("access_method")),
        ("demand", tr("access_demand_total" if model.estimate else "access_demand_layer")),
        ("radius", f"{metres(result.radius_m, tr)} m"),
        ("distance", tr("report_distance_straight_line")),
        ("city_index", tr.number(result.city_index, INDEX_DECIMALS)),
        *population_rows(model, tr),
    ]
    if result.no_capacity:
        rows.append(("no_capacity", ", ".join(result.no_capacity)))
    return rows


def zone_rows(result: AccessResult, by: str) -> list[list[Any]]:
    table = result.table(by)
    return [[str(n), *(rounded(c, row[c]) for c in ZONE_COLUMNS)] for n, row in table.iterrows()]


def display_row(row: Sequence[Any], tr: Translator) -> list[str]:
    """A zone row (zone_rows) as people read it on a terminal: grouped numbers, shares in %,
    "-" for none (files keep the plain values)."""
    out = [str(row[0])]
    for column, value in zip(ZONE_COLUMNS, row[1:], strict=True):
        if value is None:
            out.append("-")
        elif column in {"reached_share", "utilisation"}:
            out.append(tr.percent(float(value)))
        elif column in {"access_per_1000", "places_per_1000"}:
            out.append(tr.number(float(value), INDEX_DECIMALS))
        else:
            out.append(tr.number(float(value)))
    return out


def to_csv(result: AccessResult, by: str, tr: Translator) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n", quoting=csv.QUOTE_NONNUMERIC)
    writer.writerow([by_label(by, tr), *(access_label(c, tr) for c in ZONE_COLUMNS)])
    for row in zone_rows(result, by):
        writer.writerow([safe_cell("" if v is None else v) for v in row])
    writer.writerow([])
    for key, value in metadata(result, tr):
        writer.writerow([tr(f"access_meta_{key}"), safe_cell(" ".join(value.splitlines()))])
    return "\ufeff" + buffer.getvalue()


def to_json(result: AccessResult, by: str, tr: Translator) -> str:
    doc = {
        "soja_map_version": __version__,
        "kind": "access_2sfca",
        "by": by,
        "radius_m": result.radius_m,
        "demand_is_estimate_of_total_population": result.demand_model.estimate,
        "metadata": [[k, tr(f"access_meta_{k}"), v] for k, v in metadata(result, tr)],
        "rows": [dict(zip(("name", *ZONE_COLUMNS), r, strict=True)) for r in zone_rows(result, by)],
        "facilities": [
            {
                "id": str(i),
                **{c: row[c] if c == "name" else rounded(c, row[c]) for c in FACILITY_COLUMNS},
            }
            for i, row in result.facilities.iterrows()
        ],
        "no_capacity": list(result.no_capacity),
    }
    return json.dumps(doc, ensure_ascii=False, indent=1, allow_nan=False) + "\n"
