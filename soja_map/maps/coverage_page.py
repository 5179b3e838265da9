"""The report's coverage pages: a coverage result saved by ``soja-map coverage --format json``.

The file is read, bounded and checked (every problem named at once) before anything is written;
its labels and values are shown as they were written (in the language of that run), escaped.
What the coverage map page draws is kept too: each zone's share, the facilities (by id, and the
what-if's added points) and the gaps' polygons (files from before gaps carried geometry: none).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from soja_map.errors import ExportError
from soja_map.i18n import Translator

MAX_BYTES = 20_000_000
KINDS = ("coverage", "what_if")
ZONE_KINDS = ("town", "elementary", "junior_high", "city")
SUBTITLE_KEYS = ("selection", "radius")
SHARE_KEYS = ("share_after", "share")  # a what-if's map shows the shares after the change


@dataclass(frozen=True)
class CoverageSummary:
    """What the report prints of a coverage result: its metadata and its table."""

    kind: str
    metadata: tuple[tuple[str, str], ...]  # (label, value)
    columns: tuple[tuple[str, str], ...]  # (key, label)
    rows: tuple[tuple[str, ...], ...]  # the zone's name, then a cell per column
    by: str = "town"
    shares: tuple[float | None, ...] = ()  # per row, for the map's classes
    facilities: tuple[tuple[str, bool], ...] = ()  # (id, hypothetical)
    added: tuple[tuple[float, float], ...] = ()  # a what-if's new sites (lon, lat)
    gaps: tuple[dict[str, Any], ...] = ()  # GeoJSON polygons in EPSG:4326
    title: str = ""
    subtitle: str = ""  # what was asked for and how far, as the file says it
    metadata_keys: tuple[str, ...] = ()  # the stable key of each metadata row

    def in_language(self, tr: Translator) -> CoverageSummary:
        """The labels (column headings, metadata names) in ``tr``'s language where the
        catalogue knows their key (analysis/report.py's report_col_* / report_meta_*); the
        values stay as the file wrote them."""
        keys = self.metadata_keys or ("",) * len(self.metadata)
        return replace(
            self,
            columns=tuple(
                (k, tr.get(f"report_col_{k}", label) or label) for k, label in self.columns
            ),
            metadata=tuple(
                (tr.get(f"report_meta_{key}", label) or label if key and label else label, value)
                for key, (label, value) in zip(keys, self.metadata, strict=True)
            ),
        )

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(row[0] for row in self.rows)


def _cell(key: str, value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float) and "share" in key:
        return f"{value:.1%}" if math.isfinite(value) else ""
    if isinstance(value, float):
        return f"{value:,.0f}" if math.isfinite(value) else ""
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def _problems(doc: Any) -> list[str]:
    if not isinstance(doc, dict):
        return ["expected a JSON object"]
    problems = []
    if doc.get("kind") not in KINDS:
        problems.append(
            f"field 'kind': expected one of {', '.join(KINDS)} (got {doc.get('kind')!r})"
        )
    metadata = doc.get("metadata")
    if not isinstance(metadata, list) or not all(
        isinstance(m, list) and len(m) == 3 and all(isinstance(x, str) for x in m) for m in metadata
    ):
        problems.append("field 'metadata': expected a list of [key, label, value] texts")
    columns = doc.get("columns")
    if not isinstance(columns, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in columns.items()
    ):
        problems.append("field 'columns': expected an object of column key -> label")
    rows = doc.get("rows")
    if not isinstance(rows, list) or not all(isinstance(r, dict) and "name" in r for r in rows):
        problems.append("field 'rows': expected a list of objects with a 'name'")
    return problems + _map_problems(doc)


def _map_problems(doc: dict[str, Any]) -> list[str]:
    problems = []
    if doc.get("by", "town") not in ZONE_KINDS:
        problems.append(f"field 'by': expected one of {', '.join(ZONE_KINDS)}")
    facilities = doc.get("facilities", [])
    if not isinstance(facilities, list) or not all(
        isinstance(f, dict) and isinstance(f.get("id"), str) for f in facilities
    ):
        problems.append("field 'facilities': expected a list of objects with an 'id'")
    gaps = doc.get("gaps", [])
    if not isinstance(gaps, list) or not all(
        isinstance(g, dict) and _is_polygon(g.get("geometry")) for g in gaps
    ):
        problems.append(
            "field 'gaps': expected a list of objects with a polygon 'geometry' or none"
        )
    added = _added(doc)
    if not isinstance(added, list) or not all(_is_lonlat(p) for p in added):
        problems.append("field 'what_if.added_lonlat': expected a list of [lon, lat]")
    return problems


def _added(doc: dict[str, Any]) -> Any:
    what_if = doc.get("what_if")
    return what_if.get("added_lonlat", []) if isinstance(what_if, dict) else []


def _is_lonlat(point: Any) -> bool:
    return (
        isinstance(point, list)
        and len(point) == 2
        and all(isinstance(v, int | float) and math.isfinite(v) for v in point)
        and -180 <= point[0] <= 180
        and -90 <= point[1] <= 90
    )


def _is_polygon(geometry: Any) -> bool:
    if geometry is None:
        return True
    if not isinstance(geometry, dict):
        return False
    kind, coords = geometry.get("type"), geometry.get("coordinates")
    polygons = [coords] if kind == "Polygon" else coords if kind == "MultiPolygon" else None
    return isinstance(polygons, list) and all(
        isinstance(poly, list)
        and all(isinstance(ring, list) and all(_is_lonlat(p) for p in ring) for ring in poly)
        for poly in polygons
    )


def _share(row: dict[str, Any]) -> float | None:
    for key in SHARE_KEYS:
        value = row.get(key)
        if isinstance(value, int | float) and not isinstance(value, bool):
            return float(value) if math.isfinite(value) else None
    return None


def read_coverage(path: Path) -> CoverageSummary:
    """A coverage result from ``soja-map coverage --format json -o FILE``."""
    path = Path(path)
    try:
        if path.stat().st_size > MAX_BYTES:
            raise ExportError(f"{path}: larger than {MAX_BYTES // 1_000_000} MB")
        doc = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ExportError(f"{path}: cannot read it: {exc.strerror or exc}") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ExportError(
            f"{path}: not a JSON file from `soja-map coverage --format json` ({exc})"
        ) from None
    problems = _problems(doc)
    if problems:
        raise ExportError(
            f"{path}: not a coverage result from `soja-map coverage --format json`: "
            + "; ".join(problems)
        )
    columns = tuple((str(k), str(v)) for k, v in doc["columns"].items())
    metadata = {key: value for key, _label, value in doc["metadata"]}
    return CoverageSummary(
        kind=str(doc["kind"]),
        metadata=tuple((label, value) for _key, label, value in doc["metadata"]),
        columns=columns,
        rows=tuple(
            (str(row["name"]), *(_cell(k, row.get(k)) for k, _ in columns)) for row in doc["rows"]
        ),
        by=str(doc.get("by", "town")),
        shares=tuple(_share(row) for row in doc["rows"]),
        facilities=tuple((f["id"], bool(f.get("hypothetical"))) for f in doc.get("facilities", [])),
        added=tuple((float(p[0]), float(p[1])) for p in _added(doc)),
        gaps=tuple(g["geometry"] for g in doc.get("gaps", []) if g.get("geometry")),
        title=metadata.get("title", ""),
        subtitle=" / ".join(metadata[k] for k in SUBTITLE_KEYS if metadata.get(k)),
        metadata_keys=tuple(key for key, _label, _value in doc["metadata"]),
    )
