"""Places: those that take a GSI site (schools, community centres, child care listed with one),
those at their town point (child care without a site, child-support venues, medical), and the
older facility list."""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Any

from geodata_build.common import (
    ADDRESS_TOWN_NOTE,
    CHILDCARE_CREDIT,
    FACILITIES_CREDIT,
    FACTS_LICENCE,
    GEOLONIA,
    GSI_CREDIT,
    GSI_DATASET,
    GSI_LICENCE,
    KSJ_A27,
    KSJ_LICENCE,
    LISTS_CREDIT,
    PUPILS,
    WIKIPEDIA,
    Context,
    github_url,
    join_notes,
    make_id,
    nfkc,
    parse_as_of,
    place,
    point,
    public_address,
    read_csv,
    read_geojson,
    split_urls,
    town_point,
)
from geodata_build.gsi import (
    GSI_REF,
    GsiSite,
    check_merge_distance,
    claim_gsi,
    gsi_position_note,
    gsi_rows,
    gsi_source,
    shelter_facts,
    shelter_summary,
)
from soja_map.data.io import feature
from soja_map.data.towns import Town

# -- places that take a GSI site -------------------------------------------------------------------


def build_schools(ctx: Context, sites: dict[str, GsiSite]) -> list[dict[str, Any]]:
    by_place = {r["place"]: r for r in gsi_rows(ctx, "school")}
    measures, reasons = ctx.links("school")
    out = []
    for f in read_geojson(ctx.shared / "schools_public_approx_points.geojson"):
        p = f["properties"]
        match = ctx.towns.match(p["address"])
        if match.town is None or match.town.name != p["matched_oaza"]:
            raise SystemExit(f"school {p['school_name']}: address match {match} disagrees")
        stem = p["school_name"].removesuffix("小学校").removesuffix("中学校")
        en = ctx.cw["school_en"].get(stem)
        level = "es" if p["level"] == "elementary" else "jh"
        fid = make_id(f"school.{level}", p["school_name"], en)
        row = by_place.pop(fid, None)
        if row is None:
            raise SystemExit(f"school {fid} has no GSI site in the crosswalk")
        site = sites[row["gsi_id"]]
        claim_gsi(ctx, site.emergency_id, fid)
        moved = check_merge_distance(ctx, site, (match.town.lon, match.town.lat), fid)
        kind_en = "Elementary School" if level == "es" else "Junior High School"
        kind_ja = "小学校" if level == "es" else "中学校"
        props = place(
            id=fid,
            name_ja=p["school_name"],
            name_en=f"{en} {kind_en}" if en else None,
            category="school",
            measures=measures,
            address=p["address"],
            description=f"総社市立{kind_ja}。2019年度 {p['pupils_2019_total']}人。"
            + shelter_summary(ctx, site),
            source={
                "publisher": "国土交通省 / 岡山県 / 国土地理院",
                "dataset": f"国土数値情報 学校区 (A27/A32) の学校名・所在地、学校基本調査 2019、{GSI_DATASET}（位置）",
                "reference": f"data-cradle/seseki_viewer; 共通ID {' / '.join(site.ids)}; {GSI_REF}",
            },
            licence=f"{KSJ_LICENCE}。位置: {GSI_LICENCE}",
            as_of="2019",
            as_of_note="学校の一覧と児童・生徒数は2019年度。位置は2025年10月の避難場所データ",
            position_accuracy="surveyed",
            position_note=gsi_position_note(site),
            town=match.town.name,
            attribution=f"{KSJ_A27}; {PUPILS}; {GSI_CREDIT}",
            attributes={"level": p["level"], "pupils_2019_total": p["pupils_2019_total"]},
            facts={"shelter": shelter_facts(ctx, site), "links": reasons},
            internal_note=f"crosswalk: {row['evidence']}; {moved:.0f} m from the town point used before"
            + (
                f"; shelter record {site.shelter_id} is {site.shelter_gap_m():.0f} m away"
                if site.shelter_gap_m() > 50
                else ""
            ),
        )
        out.append(feature(props, site.geometry))
    if by_place:
        raise SystemExit(f"crosswalk names schools that do not exist: {sorted(by_place)}")
    return out


def build_community_centres(ctx: Context, sites: dict[str, GsiSite]) -> list[dict[str, Any]]:
    """公民館・分館, halls (集会所・会館) and welfare centres, at their GSI sites."""
    out = []
    for role in ("community_centre", "welfare_facility"):
        measures, reasons = ctx.links(role)
        for row in gsi_rows(ctx, role):
            site = sites[row["gsi_id"]]
            name = nfkc(site.name)
            fid = make_id(role.replace("_", "-"), name)
            claim_gsi(ctx, site.emergency_id, fid)
            town = ctx.town_of(site.address)
            props = place(
                id=fid,
                name_ja=name,
                name_en=None,
                category=role,
                measures=measures,
                address=site.address,
                description=shelter_summary(ctx, site),
                source=gsi_source(site),
                licence=GSI_LICENCE,
                as_of=ctx.cw["gsi"]["as_of"],
                as_of_note="国土地理院データの取得日（公開コピーの更新日）",
                position_accuracy="surveyed",
                position_note=gsi_position_note(site),
                town=town.name if town else None,
                attribution=GSI_CREDIT,
                facts={"shelter": shelter_facts(ctx, site), "links": reasons},
                internal_note=f"crosswalk: {row['evidence']}"
                + ("" if town else "; the published address names no 大字"),
            )
            out.append(feature(props, site.geometry))
    return out


# -- child care ------------------------------------------------------------------------------------


def childcare_description(
    kind_ja: str, capacity: int | None, enrolled: int | None, as_of: str
) -> str:
    text = f"{kind_ja}。"
    if capacity is not None:
        text += f"定員 {capacity}人"
        if enrolled is not None:
            text += f"・利用 {enrolled}人（{as_of} 時点）"
        text += "。"
    return text


def build_childcare(
    ctx: Context, sites: dict[str, GsiSite]
) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """The 40 listed facilities: GSI site where the row has one, else the town point."""
    gsi_of = {r["place"]: r for r in gsi_rows(ctx, "childcare")}
    lists = ctx.cw["childcare_lists"]
    out: list[dict[str, Any]] = []
    ids: dict[str, str] = {}
    for row in read_csv(ctx.shared / "soja_childcare_facilities.csv"):
        kind = ctx.cw["childcare_types"][row["facility_type"]]
        category = kind["category"]
        name = row["name"]
        fid = make_id(category.replace("_", "-"), name)
        ids[f"childcare:{name}"] = fid
        capacity = int(row["capacity"]) if row["capacity"] else None
        enrolled = int(row["enrolled"]) if row["enrolled"] else None
        lst = lists[row["list_source"]]
        childcare: dict[str, Any] = {
            "type": kind["type"],
            "capacity": capacity,
            "enrolled": enrolled,
            "enrolled_as_of": row["list_as_of"] if enrolled is not None else None,
            "list_name": lst["title"],
            "list_as_of": row["list_as_of"],
        }
        facts: dict[str, Any] = {"childcare": childcare}
        address = nfkc(row["address"])
        town = ctx.town_of(address)
        description = childcare_description(kind["label_ja"], capacity, enrolled, row["list_as_of"])
        gsi_row = gsi_of.pop(name, None)
        notes = [
            f"bundle: soja_childcare_facilities.csv; {row['caveat']}"
            if row["caveat"]
            else "bundle: soja_childcare_facilities.csv"
        ]
        attribution = CHILDCARE_CREDIT
        if gsi_row is not None:
            site = sites[gsi_row["gsi_id"]]
            if (site.lon, site.lat) != (float(row["gsi_lon"]), float(row["gsi_lat"])):
                raise SystemExit(
                    f"{name}: the list's GSI point is not GSI site {site.emergency_id}"
                )
            claim_gsi(ctx, site.emergency_id, fid)
            facts["shelter"] = shelter_facts(ctx, site)
            geometry = site.geometry
            accuracy, position_note = "surveyed", gsi_position_note(site)
            description += shelter_summary(ctx, site)
            attribution += f"; {GSI_CREDIT}"
            notes.append(f"crosswalk: {gsi_row['evidence']}")
        elif town is not None:
            geometry = town_point(town)
            accuracy, position_note = "address_town", ADDRESS_TOWN_NOTE.format(town=town.label)
            attribution += f"; {GEOLONIA}"
        else:
            raise SystemExit(f"child-care row {name}: no GSI site and no town for {address!r}")
        measures, reasons = ctx.links(category)
        facts["links"] = reasons
        props = place(
            id=fid,
            name_ja=name,
            name_en=None,
            category=category,
            measures=measures,
            address=address,
            description=description,
            source={
                "publisher": lst["publisher"],
                "dataset": lst["title"],
                "reference": github_url(row["via"]),
                "via": ctx.cw["kosodate_app"]["via_ja"],
                "kind": "secondary",
            },
            licence=ctx.cw["kosodate_app"]["licence_ja"],
            as_of=row["list_as_of"],
            position_accuracy=accuracy,
            position_note=position_note,
            town=town.name if town else None,
            attribution=attribution,
            facts=facts,
            internal_note="; ".join(notes),
        )
        out.append(feature(props, geometry))
    if gsi_of:
        raise SystemExit(f"crosswalk names child-care rows that do not exist: {sorted(gsi_of)}")
    return out, ids


def build_child_support_venues(ctx: Context) -> tuple[list[dict[str, Any]], dict[str, str]]:
    out: list[dict[str, Any]] = []
    ids: dict[str, str] = {}
    for row in read_csv(ctx.shared / "soja_child_support_venues.csv"):
        kind = ctx.cw["venue_kinds"][row["kind"]]
        category = kind["category"]
        name = row["name"]
        fid = make_id(category.replace("_", "-"), name)
        ids[f"venue:{name}"] = fid
        address = nfkc(row["address"])
        town = ctx.town_of(address)
        if town is None:
            raise SystemExit(f"venue {name}: no town for {address!r}")
        measures, reasons = ctx.links(category)
        props = place(
            id=fid,
            name_ja=name,
            name_en=None,
            category=category,
            measures=measures,
            address=address,
            description=f"{kind['label_ja']}。{row['hours']}。",
            source={
                "publisher": ctx.publisher([row["url"]]),
                "dataset": "子育て支援の施設の案内",
                "reference": row["url"],
                "via": ctx.cw["kosodate_app"]["via_ja"],
                "kind": "secondary",
            },
            licence=ctx.cw["kosodate_app"]["licence_ja"],
            as_of="2026",
            position_accuracy="address_town",
            position_note=ADDRESS_TOWN_NOTE.format(town=town.label),
            town=town.name,
            attribution=f"{LISTS_CREDIT}; {GEOLONIA}",
            facts={
                "childcare": {"type": kind["type"], "hours": row["hours"], "list_as_of": "2026"},
                "links": reasons,
            },
            internal_note=f"bundle: soja_child_support_venues.csv; via {github_url(row['via'])}",
        )
        out.append(feature(props, town_point(town)))
    return out, ids


# -- medical -------------------------------------------------------------------------------------


def build_medical(ctx: Context) -> list[dict[str, Any]]:
    med = ctx.cw["medical"]
    pediatric = set(med["pediatric_departments"])
    out = []
    for row in read_csv(ctx.shared / "soja_medical_facilities.csv"):
        name = row["name"]
        address = nfkc(row["address"])
        town = ctx.town_of(address)
        if town is None:
            raise SystemExit(f"medical row {name}: no town for {address!r}")
        departments = row["departments"].split("|")
        if set(departments) <= pediatric:  # a children's clinic serves families, not older people
            link = med["pediatric_only_links"]
            measures, reasons = ctx.links("", [link])
        else:
            measures, reasons = ctx.links("medical_facility")
        description = f"{row['facility_type']}。診療科: {'・'.join(departments)}。"
        if row["closed"]:
            description += f"休診: {row['closed']}。"
        description += f"TEL {row['tel']}。"
        props = place(
            id=make_id("medical", name),
            name_ja=name,
            name_en=None,
            category="medical_facility",
            measures=measures,
            address=address,
            description=description,
            source={
                "publisher": med["source"]["publisher"],
                "dataset": med["source"]["dataset"],
                "reference": github_url(row["via"]),
                "kind": "secondary",
            },
            licence=ctx.cw["kosodate_app"]["licence_ja"],
            as_of=med["source"]["as_of"],
            position_accuracy="address_town",
            position_note=ADDRESS_TOWN_NOTE.format(town=town.label),
            town=town.name,
            attribution=f"{LISTS_CREDIT}; {GEOLONIA}",
            facts={
                "medical": {
                    "kind": med["kinds"][row["facility_type"]],
                    "departments": departments,
                    "closed_days": row["closed"] or None,
                    "tel": row["tel"] or None,
                },
                "links": reasons,
            },
            internal_note="bundle: soja_medical_facilities.csv",
        )
        out.append(feature(props, town_point(town)))
    return out


# -- the older facility list (soja_facilities_addresses.csv) ----------------------------------------


def facility_position(
    ctx: Context,
    row: dict[str, str],
    landmark: dict[str, Any] | None,
    town: Town | None,
    site: GsiSite | None,
) -> tuple[dict[str, Any], str, str, list[str], str] | None:
    """(geometry, accuracy, public note, extra source URLs, attribution) or None if unlocated."""
    if site is not None:
        return site.geometry, "surveyed", gsi_position_note(site), [], GSI_CREDIT
    if row["lat"] and row["lon"]:
        note = (
            "ウィキペディアの記事に記載された座標（転載サイト経由）。測量した位置ではありません。"
        )
        return point(float(row["lon"]), float(row["lat"])), "approximate", note, [], WIKIPEDIA
    if landmark is not None and not landmark["properties"]["coord_method"].startswith(
        "APPROXIMATE"
    ):
        lp = landmark["properties"]
        extra = [
            lp["address_source"] if lp["coord_source"].startswith("same as") else lp["coord_source"]
        ]
        note = "第三者がウィキペディアの記事から書き写した座標。測量した位置ではありません。"
        return landmark["geometry"], "approximate", note, extra, WIKIPEDIA
    if town is not None:
        return (
            town_point(town),
            "address_town",
            ADDRESS_TOWN_NOTE.format(town=town.label),
            [],
            GEOLONIA,
        )
    return None


def build_facilities(  # noqa: C901 - one pass over the facility list, one branch per kind of row
    ctx: Context, sites: dict[str, GsiSite], superseding: dict[str, str]
) -> tuple[dict[str, list[dict[str, Any]]], list[dict[str, str]]]:
    cw = ctx.cw
    landmarks = {
        f["properties"]["name"]: f for f in read_geojson(ctx.shared / "heritage_landmarks.geojson")
    }
    superseded = {r["name"]: r for r in cw["facility_superseded"]}
    site_of = {r["place"]: r for r in gsi_rows(ctx, "facility")}
    extra_links: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for x in cw["facility_extra_links"]:
        extra_links[x["name"]].append(x)
    layers: dict[str, list[dict[str, Any]]] = defaultdict(list)
    unlocated: list[dict[str, str]] = []
    rows = read_csv(ctx.shared / "soja_facilities_addresses.csv")
    for row in rows:
        name = row["name"]
        if name in superseded:
            if superseded[name]["by"] not in superseding:
                raise SystemExit(
                    f"{name} is superseded by {superseded[name]['by']}, which was not built"
                )
            continue
        override = cw["facility_category_override"].get(name)
        category = override["category"] if override else cw["facility_kind_category"][row["kind"]]
        measures, reasons = ctx.links(category, extra_links.pop(name, []))
        as_of, as_of_raw = parse_as_of(row["as_of"])
        address, address_note = public_address(row["address"])
        town = ctx.towns.by_name(row["oaza"]) if row["oaza"] else None
        if town is None and address:
            town = ctx.town_of(address)
        gsi_row = site_of.pop(name, None)
        site = sites[gsi_row["gsi_id"]] if gsi_row else None
        landmark = landmarks.get(name.split(" (")[0]) or landmarks.get(name)
        found = facility_position(ctx, row, landmark, town, site)
        if found is None:
            unlocated.append(unlocated_row(row, category, measures, as_of))
            continue
        geometry, accuracy, position_note, extra_urls, position_credit = found
        sources = [*split_urls(row["source_url"]), *extra_urls]
        en = cw["place_en"].get(name)
        fid = make_id(category.replace("_", "-"), name, en)
        facts: dict[str, Any] = {"links": reasons}
        if category in cw["facility_childcare_type"]:
            capacity = re.search(r"定員(\d+)人", row["source_says"])
            facts["childcare"] = {
                "type": cw["facility_childcare_type"][category],
                "capacity": int(capacity.group(1)) if capacity else None,
            }
        description = cw["facility_description_ja"].get(name, row["source_says"])
        notes = [f"bundle: soja_facilities_addresses.csv; reliability: {row['reliability']}"]
        if site is not None:
            claim_gsi(ctx, site.emergency_id, fid)
            d = check_merge_distance(ctx, site, (town.lon, town.lat), fid) if town else 0.0
            facts["shelter"] = shelter_facts(ctx, site)
            description += shelter_summary(ctx, site)
            notes.append(f"crosswalk: {gsi_row['evidence']}; {d:.0f} m from the town point")
        if description != row["source_says"]:
            notes.append(f"source says: {row['source_says']}")
        if row["lat"] and row["lon"]:
            notes.append(f"coordinate: {row['coord_source']}")
        props = place(
            id=fid,
            name_ja=name,
            name_en=en,
            category=category,
            measures=measures,
            address=address,
            description=description,
            source=facility_source(ctx, sources),
            licence=FACTS_LICENCE + (f"。位置: {GSI_LICENCE}" if site else ""),
            as_of=as_of,
            position_accuracy=accuracy,
            position_note=position_note,
            town=town.name if town else None,
            attribution=f"{FACILITIES_CREDIT}; {position_credit}",
            attributes={
                "kind": row["kind"],
                **({"subkind": row["subkind"]} if row["subkind"] else {}),
            },
            facts=facts,
            internal_note=join_notes(
                *notes,
                f"address: {address_note}" if address_note else None,
                f"as of: {as_of_raw}" if as_of_raw else None,
                row["notes"] or None,
            ),
        )
        layers[cw["facility_layer"][category]].append(feature(props, geometry))
    if extra_links or site_of:
        raise SystemExit(
            f"crosswalk names facilities that do not exist: {sorted(extra_links) + sorted(site_of)}"
        )
    in_csv = {r["name"].split(" (")[0] for r in rows}
    for lname, f in landmarks.items():
        if lname not in in_csv and f["properties"].get("in_soja"):
            raise SystemExit(f"heritage landmark {lname} is not handled")
    return layers, unlocated


def facility_source(ctx: Context, urls: list[str]) -> dict[str, str]:
    source = {
        "publisher": ctx.publisher(urls),
        "dataset": "各施設の公開ページ（所在地と概要）",
        "reference": " ; ".join(dict.fromkeys(urls)),
    }
    if not any(ctx.is_official(u) for u in urls):
        source["kind"] = "secondary"
    return source


def unlocated_row(
    row: dict[str, str], category: str, measures: list[str], as_of: str | None
) -> dict[str, str]:
    return {
        "name_ja": row["name"],
        "category": category,
        "measures": ";".join(measures),
        "address": "",
        "lat": "",
        "lon": "",
        "description": row["source_says"],
        "source_publisher": "",
        "source_dataset": "soja_facilities_addresses.csv",
        "source_reference": row["source_url"],
        "licence": "",
        "as_of": as_of or "",
        "why_unlocated": "no address or coordinate in the bundle",
    }
