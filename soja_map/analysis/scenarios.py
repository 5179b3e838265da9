"""Two coverage scenarios side by side: covered people and share per zone and city-wide, and the
difference (B minus A). Numbers only; the edges put them into words.

Each side is a coverage or a what-if; a what-if is compared by its result after the change, so
"A" and "B" are two plans of the same facilities at the same radius.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import pandas as pd

from soja_map.analysis.coverage import CoverageResult, WhatIf

Report = CoverageResult | WhatIf

COLUMNS: Final = ("population", "covered_a", "share_a", "covered_b", "share_b", "difference")
PEOPLE: Final = frozenset({"population", "covered_a", "covered_b", "difference"})  # not shares


def outcome(report: Report) -> CoverageResult:
    """The coverage a scenario ends with (after the change, for a what-if)."""
    return report.after if isinstance(report, WhatIf) else report


@dataclass(frozen=True)
class Comparison:
    """``table``: COLUMNS per zone of ``by`` (indexed by zone name); ``city``: the same numbers for
    the whole city. ``difference`` is covered people of B minus those of A."""

    by: str
    table: pd.DataFrame
    city: dict[str, float]

    @property
    def share_difference(self) -> float:
        return self.city["share_b"] - self.city["share_a"]


def _share(covered: float, population: float) -> float:
    return covered / population if population > 0 else float("nan")


def compare(a: Report, b: Report, by: str) -> Comparison:
    """Scenario B against scenario A, per zone of ``by`` and city-wide (zones in A's order)."""
    first, second = outcome(a).table(by), outcome(b).table(by)
    second = second.reindex(first.index)
    table = pd.DataFrame(
        {
            "population": first["population"].astype(float),
            "covered_a": first["covered"].astype(float),
            "share_a": first["share"].astype(float),
            "covered_b": second["covered"].astype(float),
            "share_b": second["share"].astype(float),
        },
        index=first.index,
    )
    table["difference"] = table["covered_b"] - table["covered_a"]
    population = outcome(a).population
    covered_a, covered_b = outcome(a).covered_population, outcome(b).covered_population
    city = {
        "population": float(population),
        "covered_a": float(covered_a),
        "share_a": _share(covered_a, population),
        "covered_b": float(covered_b),
        "share_b": _share(covered_b, population),
        "difference": float(covered_b - covered_a),
    }
    return Comparison(by=by, table=table[list(COLUMNS)], city=city)
