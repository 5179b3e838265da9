#!/usr/bin/env python3
"""Build geodata/ (the project's layers, in the project's schema) from the open-data bundle.

Usage:  python scripts/build_geodata.py [--shared ../shared/data] [--out geodata]

Every coordinate comes from a file in the bundle: a published geometry (GSI shelter sites, KSJ
layers), a coordinate a cited source states, or the 大字/町丁目 representative point of the place's
address. Nothing is typed in. Which bundle rows are the same place, which category a source's type
is, English names and the public texts of layers live in ``scripts/geodata_crosswalk.json``.
Places whose position cannot be found are listed in geodata/unlocated.csv for staff.

Steps, in the order ``build_layers`` runs them (one module each under ``scripts/geodata_build/``):
``common`` (public source and licence texts, helpers, the build context, ``place``);
``reference`` (boundary, towns, school districts, rail lines and stations); ``gsi`` (the GSI shelter
sites, their shelter facts, and the sites with no other role); ``places`` (schools, community
centres, child care, child-support venues, medical, the older facility list); ``services``
(雪舟くん with its rules, the hazard tile layers). This file writes every layer.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from geodata_build.common import CROSSWALK, Context  # noqa: E402
from geodata_build.gsi import build_shelter_sites, check_every_site_used, load_gsi_sites  # noqa: E402
from geodata_build.places import (  # noqa: E402
    build_child_support_venues,
    build_childcare,
    build_community_centres,
    build_facilities,
    build_medical,
    build_schools,
)
from geodata_build.reference import (  # noqa: E402
    build_boundary,
    build_rail_lines,
    build_school_districts,
    build_stations,
    load_towns,
)
from geodata_build.services import build_hazard_layers, build_sesshu_kun  # noqa: E402

from soja_map.data.io import atomic_write_text, write_feature_collection  # noqa: E402
from soja_map.data.plan import load_catalogue  # noqa: E402

# -- writing ---------------------------------------------------------------------------------------


def write_unlocated(path: Path, rows: Iterable[dict[str, str]]) -> None:
    rows = list(rows)
    fields = list(rows[0]) if rows else ["name_ja"]
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    atomic_write_text(path, buf.getvalue())


def layer_metadata(ctx: Context, name: str, feats: list[dict[str, Any]]) -> dict[str, Any]:
    meta = {"layer": name, **ctx.cw["layers"][name]}
    present = {f["properties"]["category"] for f in feats}
    completeness = {c: v for c, v in ctx.cw["categories"].items() if c in present}
    if completeness:
        meta["categories"] = completeness
    return meta


def build_layers(ctx: Context) -> tuple[dict[str, list[dict[str, Any]]], list[dict[str, str]]]:
    sites = load_gsi_sites(ctx)
    childcare, childcare_ids = build_childcare(ctx, sites)
    venues, venue_ids = build_child_support_venues(ctx)
    community = build_community_centres(ctx, sites)
    gsi_ids = {f"gsi:{gid}": pid for gid, pid in ctx.used_gsi.items()}
    facility_layers, unlocated = build_facilities(
        ctx, sites, {**childcare_ids, **venue_ids, **gsi_ids}
    )
    schools = build_schools(ctx, sites)
    shelters = build_shelter_sites(ctx, sites)
    check_every_site_used(ctx, sites)
    layers: dict[str, list[dict[str, Any]]] = {
        "boundary": build_boundary(ctx),
        "towns": [],  # filled by main (built with the town index)
        "school_districts": build_school_districts(ctx),
        "rail_lines": build_rail_lines(ctx),
        "rail_stations": build_stations(ctx),
        "transport_services": build_sesshu_kun(ctx),
        "schools": schools,
        "child_rearing": [*childcare, *venues, *facility_layers.pop("child_rearing", [])],
        "community": [*facility_layers.pop("community", []), *community],
        "medical": build_medical(ctx),
        "shelters": shelters,
        **facility_layers,
    }
    return layers, unlocated


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared" / "data")
    parser.add_argument("--out", type=Path, default=REPO / "geodata")
    args = parser.parse_args(argv)
    shared: Path = args.shared
    out: Path = args.out
    if not (shared / "SOURCES.md").is_file():
        print(
            f"error: {shared} does not look like the data bundle (no SOURCES.md)", file=sys.stderr
        )
        return 1
    plan = load_catalogue(REPO / "geodata" / "plan.json").plan()
    cw = json.loads(CROSSWALK.read_text(encoding="utf-8"))
    town_feats, towns = load_towns(shared, cw["population_statistics"])
    ctx = Context(shared=shared, cw=cw, plan=plan, towns=towns)
    layers, unlocated = build_layers(ctx)
    layers["towns"] = town_feats
    out.mkdir(parents=True, exist_ok=True)
    if out.resolve() != (REPO / "geodata").resolve():
        atomic_write_text(
            out / "plan.json", (REPO / "geodata" / "plan.json").read_text(encoding="utf-8")
        )
    for name, feats in layers.items():
        write_feature_collection(out / f"{name}.geojson", feats, layer_metadata(ctx, name, feats))
    atomic_write_text(
        out / "hazard_layers.json",
        json.dumps(build_hazard_layers(ctx), ensure_ascii=False, indent=2) + "\n",
    )
    write_unlocated(out / "unlocated.csv", unlocated)
    counts = {name: len(f) for name, f in layers.items()}
    print(json.dumps({"layers": counts, "unlocated": len(unlocated)}, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
