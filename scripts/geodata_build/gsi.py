"""The GSI shelter sites (指定緊急避難場所 joined to their 指定避難所 records), their shelter facts,
and the sites that have no other role (the safety layer)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from geodata_build.common import (
    GSI_CREDIT,
    GSI_DATASET,
    GSI_LICENCE,
    GSI_POSITION_NOTE,
    GSI_REF,
    Context,
    distance_m,
    join_notes,
    nfkc,
    place,
    point,
    read_geojson,
)
from soja_map.data.io import feature

# -- GSI shelter sites --------------------------------------------------------------------------


@dataclass(frozen=True)
class GsiSite:
    """One public site: its emergency-site record and, where designated, its shelter record."""

    emergency_id: str
    shelter_id: str | None
    name: str  # as published in the emergency-site list
    address: str
    lon: float
    lat: float
    hazards: tuple[str, ...]
    shelter_lon_lat: tuple[float, float] | None

    @property
    def ids(self) -> list[str]:
        return [self.emergency_id, *([self.shelter_id] if self.shelter_id else [])]

    @property
    def geometry(self) -> dict[str, Any]:
        return point(self.lon, self.lat)

    def shelter_gap_m(self) -> float:
        if self.shelter_lon_lat is None:
            return 0.0
        return distance_m((self.lon, self.lat), self.shelter_lon_lat)


def _site_key(props: dict[str, Any]) -> tuple[str, str]:
    """A record's site: the 共通ID's site number ('E33208000NN') and the name without spaces.
    The two lists number a site's records differently (201, 202... and 111, 112...), so the name
    tells which record of a multi-record site is which."""
    return props["共通ID"][:11], nfkc(props["施設・場所名"]).replace(" ", "")


def load_gsi_sites(ctx: Context) -> dict[str, GsiSite]:
    """The 指定緊急避難場所 in Soja, each joined to its 指定避難所 record (same site and name)."""
    columns = ctx.cw["gsi"]["hazard_columns"]
    emergency = [
        f["properties"]
        for f in read_geojson(ctx.shared / "gsi_emergency_sites_studyarea.geojson")
        if f["properties"]["in_soja_polygon"]
    ]
    shelters = {
        _site_key(f["properties"]): f["properties"]
        for f in read_geojson(ctx.shared / "gsi_evacuation_shelters_studyarea.geojson")
        if f["properties"]["in_soja_polygon"]
    }
    sites: dict[str, GsiSite] = {}
    for p in emergency:
        s = shelters.pop(_site_key(p), None)
        sites[p["共通ID"]] = GsiSite(
            emergency_id=p["共通ID"],
            shelter_id=s["共通ID"] if s else None,
            name=p["施設・場所名"],
            address=p["住所"],
            lon=p["lon"],
            lat=p["lat"],
            hazards=tuple(h for col, h in columns.items() if p.get(col) == "1"),
            shelter_lon_lat=(s["lon"], s["lat"]) if s else None,
        )
    if shelters:
        raise SystemExit(f"shelter records with no emergency-site record: {sorted(shelters)}")
    return sites


def shelter_facts(ctx: Context, site: GsiSite) -> dict[str, Any]:
    return {
        "gsi_ids": site.ids,
        "name_in_source": nfkc(site.name),
        "emergency_site": True,
        "emergency_site_hazards": list(site.hazards),
        "evacuation_shelter": site.shelter_id is not None,
        "as_of": ctx.cw["gsi"]["as_of"],
    }


def shelter_summary(ctx: Context, site: GsiSite) -> str:
    """The site's designations in plain Japanese, for the description."""
    names = ctx.cw["gsi"]["hazard_ja"]
    text = "指定緊急避難場所（" + "、".join(names[h] for h in site.hazards) + "）"
    if site.shelter_id:
        text += "・指定避難所"
    return text + "。"


def gsi_position_note(site: GsiSite) -> str:
    note = GSI_POSITION_NOTE.format(name=nfkc(site.name))
    gap = site.shelter_gap_m()
    if gap > 50:
        note += f"指定避難所としての地点は約{round(gap, -1):.0f}m離れています。"
    return note


def gsi_source(site: GsiSite, extra_dataset: str = "") -> dict[str, str]:
    return {
        "publisher": "国土地理院",
        "dataset": GSI_DATASET + extra_dataset,
        "reference": f"共通ID {' / '.join(site.ids)}; {GSI_REF}",
        "via": "jp-shelter-api（国土地理院データの公開コピー）",
    }


def gsi_rows(ctx: Context, role: str) -> list[dict[str, Any]]:
    return [r for r in ctx.cw["gsi"]["sites"] if r["role"] == role]


def claim_gsi(ctx: Context, gsi_id: str, place_id: str) -> None:
    if gsi_id in ctx.used_gsi:
        raise SystemExit(f"GSI site {gsi_id} is used by {ctx.used_gsi[gsi_id]} and {place_id}")
    ctx.used_gsi[gsi_id] = place_id


def check_merge_distance(
    ctx: Context, site: GsiSite, other: tuple[float, float], what: str
) -> float:
    """Distance from the GSI site to where the other source put the place; too far = a wrong match."""
    d = distance_m((site.lon, site.lat), other)
    if d > ctx.cw["gsi"]["max_merge_distance_m"]:
        raise SystemExit(f"{what}: GSI site {site.emergency_id} is {d:.0f} m from its match")
    return d


# -- sites with no other role ---------------------------------------------------------------------


def build_shelter_sites(ctx: Context, sites: dict[str, GsiSite]) -> list[dict[str, Any]]:
    """Sites that are only evacuation sites: a safety layer, never linked to a plan measure."""
    out = []
    for row in gsi_rows(ctx, "shelter_only"):
        site = sites[row["gsi_id"]]
        fid = f"shelter.{site.emergency_id}"
        claim_gsi(ctx, site.emergency_id, fid)
        town = ctx.town_of(site.address)
        facts: dict[str, Any] = {"shelter": shelter_facts(ctx, site)}
        description = shelter_summary(ctx, site)
        if row.get("status_unknown") == "kindergarten":
            facts["childcare"] = {"type": "kindergarten", "status": "status_unknown"}
            description += "2026年の幼稚園の一覧には載っていません（幼稚園としての状況は不明）。"
        props = place(
            id=fid,
            name_ja=nfkc(site.name),
            name_en=None,
            category="evacuation_shelter",
            measures=[],
            address=site.address,
            description=description,
            source=gsi_source(site),
            licence=GSI_LICENCE,
            as_of=ctx.cw["gsi"]["as_of"],
            as_of_note="国土地理院データの取得日（公開コピーの更新日）",
            position_accuracy="surveyed",
            position_note=gsi_position_note(site),
            town=town.name if town else None,
            attribution=GSI_CREDIT,
            facts=facts,
            internal_note=join_notes("crosswalk: no other role in the bundle", row.get("evidence")),
        )
        out.append(feature(props, site.geometry))
    return out


def check_every_site_used(ctx: Context, sites: dict[str, GsiSite]) -> None:
    listed = [r["gsi_id"] for r in ctx.cw["gsi"]["sites"]]
    if sorted(listed) != sorted(sites) or len(set(listed)) != len(listed):
        raise SystemExit("the crosswalk must list every GSI site in Soja exactly once")
    missing = set(sites) - set(ctx.used_gsi)
    if missing:
        raise SystemExit(f"GSI sites not built: {sorted(missing)}")
