"""The report's coverage pages: a coverage result saved by ``soja-map coverage --format json``.

The file is read, bounded and checked (every problem named at once) before anything is written;
its labels and values are shown as they were written (in the language of that run), escaped.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from soja_map.errors import ExportError

MAX_BYTES = 20_000_000
KINDS = ("coverage", "what_if")


@dataclass(frozen=True)
class CoverageSummary:
    """What the report prints of a coverage result: its metadata and its table."""

    kind: str
    metadata: tuple[tuple[str, str], ...]  # (label, value)
    columns: tuple[tuple[str, str], ...]  # (key, label)
    rows: tuple[tuple[str, ...], ...]  # the zone's name, then a cell per column


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
    return problems


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
    return CoverageSummary(
        kind=str(doc["kind"]),
        metadata=tuple((label, value) for _key, label, value in doc["metadata"]),
        columns=columns,
        rows=tuple(
            (str(row["name"]), *(_cell(k, row.get(k)) for k, _ in columns)) for row in doc["rows"]
        ),
    )
