#!/usr/bin/env python3
"""Count the shipped places: by category and project, by position accuracy, and shelter roles.

Usage:  python scripts/geodata_counts.py [--geodata geodata]

"Located places with measures inside Soja" are point places with at least one measure whose point
lies within the city boundary (lines and stations across the border are not the plan's sites).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from soja_map.config import Settings  # noqa: E402
from soja_map.data.dataset import load_dataset  # noqa: E402
from soja_map.data.schema import CATEGORIES  # noqa: E402


def counts(geodata: Path) -> dict[str, object]:
    data = load_dataset(Settings(geodata_dir=geodata, tiles=False))
    places = data.places
    located = places[places.geometry.notna() & (places.geom_type == "Point")]
    assert data.boundary is not None
    inside = located[located.geometry.within(data.boundary)]
    with_measures = inside[inside["measures"].map(len) > 0]
    safety = data.references.get("evacuation_shelter")
    all_rows = [places, *([safety] if safety is not None else [])]
    shelter_roles = sum(
        int(sum(1 for f in frame["facts"] if isinstance(f, dict) and f.get("shelter")))
        for frame in all_rows
    )
    merged = int(sum(1 for f in places["facts"] if isinstance(f, dict) and f.get("shelter")))
    by_project = Counter(p for ps in with_measures["projects"] for p in ps)
    childcare = {k for k, c in CATEGORIES.items() if c.group == "child"}
    return {
        "places": len(places),
        "located_places_with_measures_inside_soja": len(with_measures),
        "by_category_inside_soja": dict(with_measures["category"].value_counts().sort_index()),
        "by_project_inside_soja": dict(sorted(by_project.items())),
        "position_accuracy_inside_soja": dict(with_measures["position_accuracy"].value_counts()),
        "position_accuracy_all_places": dict(places["position_accuracy"].value_counts()),
        "child_care_places": int(with_measures["category"].isin(childcare).sum()),
        "community_centres": int((with_measures["category"] == "community_centre").sum()),
        "sites_with_shelter_role": shelter_roles,
        "shelter_role_on_a_place": merged,
        "shelter_only_sites": 0 if safety is None else len(safety),
        "outside_city_places": int((~located.geometry.within(data.boundary)).sum()),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--geodata", type=Path, default=REPO / "geodata")
    args = parser.parse_args()
    print(json.dumps(counts(args.geodata), ensure_ascii=False, indent=2, default=int))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
