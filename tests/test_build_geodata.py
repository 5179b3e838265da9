"""The build's crosswalk and its checks: every GSI site is matched once, with evidence, and a wrong
or doubled match stops the build instead of shipping a place in the wrong spot."""

from __future__ import annotations

import copy
import json
import sys
from collections import Counter
from typing import Any

import pytest

from tests.conftest import REPO, SHARED

sys.path.insert(0, str(REPO / "scripts"))

from geodata_build import common, gsi, places
from geodata_build.reference import load_towns

from soja_map.data.plan import load_catalogue

CROSSWALK = REPO / "scripts" / "geodata_crosswalk.json"
needs_shared = pytest.mark.skipif(
    not SHARED.is_dir(), reason="../shared/data is not beside the checkout"
)


def crosswalk() -> dict[str, Any]:
    return json.loads(CROSSWALK.read_text(encoding="utf-8"))


def context(cw: dict[str, Any]) -> common.Context:
    _, towns = load_towns(SHARED, cw["population_statistics"])
    plan = load_catalogue(REPO / "geodata" / "plan.json").plan()
    return common.Context(shared=SHARED, cw=cw, plan=plan, towns=towns)


def test_every_gsi_site_has_one_row_with_a_role_and_its_evidence() -> None:
    rows = crosswalk()["gsi"]["sites"]
    assert len(rows) == 88
    assert len({r["gsi_id"] for r in rows}) == 88
    roles = Counter(r["role"] for r in rows)
    assert roles == {
        "community_centre": 30,
        "shelter_only": 20,
        "school": 19,
        "childcare": 17,
        "facility": 1,
        "welfare_facility": 1,
    }
    for row in rows:
        if row["role"] != "shelter_only":
            assert row["evidence"], row
        if row["role"] in {"school", "childcare", "facility"}:
            assert row["place"], row


@pytest.mark.shared
@needs_shared
def test_the_crosswalk_builds_every_site_once() -> None:
    ctx = context(crosswalk())
    sites = gsi.load_gsi_sites(ctx)
    assert len(sites) == 88
    assert sum(1 for s in sites.values() if s.shelter_id) == 80
    places.build_schools(ctx, sites)
    places.build_community_centres(ctx, sites)
    places.build_childcare(ctx, sites)
    gsi.build_shelter_sites(ctx, sites)
    # 砂川公園 is built with the older facility list; claim it as the build does
    gsi.claim_gsi(ctx, "E3320800027201", "park.a1f8dbd0")
    gsi.check_every_site_used(ctx, sites)


@pytest.mark.shared
@needs_shared
def test_a_match_to_a_far_site_stops_the_build() -> None:
    cw = copy.deepcopy(crosswalk())
    school = next(r for r in cw["gsi"]["sites"] if r.get("place") == "school.es.ikeda")
    far = next(r for r in cw["gsi"]["sites"] if r["gsi_name"] == "清音小学校")
    school["gsi_id"], far["gsi_id"] = far["gsi_id"], school["gsi_id"]  # swap two schools' sites
    ctx = context(cw)
    with pytest.raises(SystemExit, match="m from its match"):
        places.build_schools(ctx, gsi.load_gsi_sites(ctx))


@pytest.mark.shared
@needs_shared
def test_a_site_claimed_twice_stops_the_build() -> None:
    ctx = context(crosswalk())
    sites = gsi.load_gsi_sites(ctx)
    places.build_community_centres(ctx, sites)
    with pytest.raises(SystemExit, match="is used by"):
        places.build_community_centres(ctx, sites)


def test_references_and_addresses_are_made_public_safely() -> None:
    via = "github.com/owner/repo data/a.json @ 7794c392e71776862ecc7b1930e2d5b20eb730d5"
    assert common.github_url(via) == (
        "https://github.com/owner/repo/blob/7794c392e71776862ecc7b1930e2d5b20eb730d5/data/a.json"
    )
    with pytest.raises(SystemExit):
        common.github_url("somewhere else")
    assert common.public_address("総社市赤浜 (area only)") == ("総社市赤浜", "area only")
    assert common.public_address("岡山県総社市槙谷 (及び 加賀郡吉備中央町岨谷)") == (
        "岡山県総社市槙谷 (及び 加賀郡吉備中央町岨谷)",
        None,
    )
    assert common.nfkc("中央公民館常盤第２分館") == "中央公民館常盤第2分館"
    assert common.parse_as_of("page updated 2026-02-24") == (
        "2026-02-24",
        "page updated 2026-02-24",
    )
    assert common.parse_as_of("令和5年度") == ("2023", "令和5年度")


def test_the_crosswalk_is_the_only_table_of_names() -> None:
    source = "\n".join(
        p.read_text(encoding="utf-8") for p in (REPO / "scripts" / "geodata_build").glob("*.py")
    )
    # names, English names and per-place reasons live in the data file, not in the code
    for name in ("Hakubi Line", "Soja City Hall", "常盤幼稚園", "豪渓"):
        assert name not in source, name
    assert "Hakubi Line" in CROSSWALK.read_text(encoding="utf-8")
