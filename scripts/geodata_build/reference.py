"""Reference layers (city boundary, towns, school districts) and rail (lines and stations)."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import shapely
from shapely.geometry import mapping, shape

from geodata_build.common import (
    GEOLONIA,
    GEOLONIA_REF,
    KSJ_A27,
    KSJ_A32,
    KSJ_LICENCE,
    KSJ_N02,
    KSJ_N03,
    PUPILS,
    Context,
    geodesic_area_km2,
    make_id,
    place,
    read_csv,
    read_geojson,
)
from soja_map.data.io import feature
from soja_map.data.towns import Town, TownIndex

# -- reference layers -------------------------------------------------------------------------


def city_population(shared: Path) -> tuple[int, str]:
    """The 2020 census total the bundle's guidance names (read from its SOURCES.md)."""
    text = (shared / "SOURCES.md").read_text(encoding="utf-8")
    m = re.search(r"city total \(2020 census: ([\d,]+)\)", text)
    if m is None:
        raise SystemExit("SOURCES.md no longer states the 2020 census city total")
    return int(m.group(1).replace(",", "")), "2020-10-01"


def build_boundary(ctx: Context) -> list[dict[str, Any]]:
    f = read_geojson(ctx.shared / "soja_boundary.geojson")[0]
    geom = shape(f["geometry"])
    population, population_as_of = city_population(ctx.shared)
    props = place(
        id="boundary.soja",
        name_ja="総社市",
        name_en="Soja City",
        category="city_boundary",
        measures=[],
        address="岡山県総社市",
        description="総社市の行政区域（国土数値情報 行政区域 N03, 2020-01-01）。",
        source={
            "publisher": "国土交通省",
            "dataset": "国土数値情報 行政区域 (N03) 2020-01-01",
            "reference": "niiyz/JapanCityGeoJson@323bdf37 topojson/33/33208.topojson",
        },
        licence=KSJ_LICENCE,
        as_of="2020-01-01",
        position_accuracy="surveyed",
        position_note="国土数値情報（行政区域）の境界線（誤差 約2m）",
        attribution=KSJ_N03,
        attributes={
            "muni_code": "33208",
            "area_km2": round(geodesic_area_km2(geom), 2),
            # city total used to scale the default population estimate
            "population": population,
            "population_as_of": population_as_of,
            "population_statistic": "令和2年国勢調査（山陽新聞の記事を引用したサイトによる）",
        },
        internal_note="bundle: soja_boundary.geojson; population from SOURCES.md (okayamania.com quoting 山陽新聞)",
    )
    return [feature(props, f["geometry"])]


def load_towns(
    shared: Path, statistics: Mapping[str, str]
) -> tuple[list[dict[str, Any]], TownIndex]:
    """The town points, with the published population of the towns that have one.
    ``statistics``: the crosswalk's public name of each statistic the bundle's table cites."""
    unknown = sorted(
        {r["statistic"] for r in read_csv(shared / "soja_town_population.csv")} - set(statistics)
    )
    if unknown:
        raise SystemExit(f"population statistics with no public name in the crosswalk: {unknown}")
    population = {row["town"]: row for row in read_csv(shared / "soja_town_population.csv")}
    postal_of_point: dict[str, dict[str, str]] = {}
    for row in population.values():
        for t in row["matched_town_point"].split("|"):
            postal_of_point[t] = row
    feats: list[dict[str, Any]] = []
    towns: list[Town] = []
    for f in read_geojson(shared / "soja_towns_points.geojson"):
        p = f["properties"]
        if not p["is_soja_town"]:
            continue
        name, koaza = p["town"], p["koaza"]
        fid = make_id("town", f"{name}|{koaza}")
        attributes: dict[str, Any] = {"koaza": koaza}
        row = postal_of_point.get(name) if not koaza else None
        note = None
        if row is not None:
            attributes.update(town_population(name, row, statistics[row["statistic"]]))
            note = f"population statistic as cited by the bundle: {row['statistic']}"
        props = place(
            id=fid,
            name_ja=f"{name} {koaza}".strip(),
            name_en=None,
            category="town",
            measures=[],
            address=f"岡山県総社市{name}{koaza}",
            description="",
            source={
                "publisher": "Geolonia",
                "dataset": "japanese-addresses (大字・町丁目 代表点)",
                "reference": GEOLONIA_REF,
            },
            licence="CC BY 4.0",
            as_of="2022-10-04",
            as_of_note="Geolonia の総社市ファイルが最後に更新された日",
            position_accuracy="surveyed",
            position_note="大字・町丁目の代表点（境界ではありません）",
            town=name,
            attribution=GEOLONIA,
            attributes=attributes,
            internal_note=note,
        )
        feats.append(feature(props, f["geometry"]))
        lon, lat = f["geometry"]["coordinates"]
        towns.append(Town(name, koaza, lon, lat, fid))
    return feats, TownIndex(towns)


def town_population(name: str, row: dict[str, str], statistic: str) -> dict[str, Any]:
    one_to_one = row["matched_town_point"] == name
    out: dict[str, Any] = {
        "population" if one_to_one else "postal_area_population": int(row["population"]),
        "population_as_of": row["as_of"],
        "population_statistic": statistic,
        "population_source": row["source_url"],
        "postal_area": row["town"],
    }
    if row["households"]:
        out["households"] = int(row["households"])
    if not one_to_one:
        out["population_note"] = row["mapping_note"]
    return out


def build_school_districts(ctx: Context) -> list[dict[str, Any]]:
    out = []
    levels = (
        (
            "elementary",
            "school_districts_elementary.geojson",
            "2010",
            "国土数値情報 小学校区 (A27) 平成22年度",
            KSJ_A27,
        ),
        (
            "junior_high",
            "school_districts_junior_high.geojson",
            "2016",
            "国土数値情報 中学校区 (A32) 平成28年度",
            KSJ_A32,
        ),
    )
    for level, fname, as_of, dataset, attribution in levels:
        for f in read_geojson(ctx.shared / fname):
            p = f["properties"]
            school = p["school_name"]
            en = ctx.cw["school_en"].get(school.removesuffix("小学校").removesuffix("中学校"))
            kind_en = "Elementary" if level == "elementary" else "Junior High"
            attributes = {
                "level": level,
                "school_name": school,
                "school_address": p["school_address"],
                "pupils_2019_total": p["pupils_2019_total"],
                "classes_2019": p["classes_2019"],
            }
            if "pupils_2019_grade1" in p:
                attributes["pupils_2019_grade1"] = p["pupils_2019_grade1"]
            if p.get("kindergarten_children_by_district") is not None:
                attributes["kindergarten_children"] = p["kindergarten_children_by_district"]
            props = place(
                id=make_id(f"district.{'es' if level == 'elementary' else 'jh'}", school, en),
                name_ja=f"{school}区",
                name_en=f"{en} {kind_en} School district" if en else None,
                category="school_district",
                measures=[],
                address=None,
                description=f"{school}の通学区域（参考）。2019年度 児童・生徒数 {p['pupils_2019_total']}人。",
                source={
                    "publisher": "国土交通省 / 岡山県",
                    "dataset": f"{dataset}、学校基本調査 2019",
                    "reference": "data-cradle/seseki_viewer (district topojson and 2019 pupil tables)",
                    "via": "data CRADLE「岡山県統計View」",
                },
                licence=f"{KSJ_LICENCE}。児童・生徒数: 岡山県「学校基本調査」",
                as_of=as_of,
                as_of_note="区域線の年。児童・生徒数は2019年度",
                position_accuracy="surveyed",
                position_note="参考の区域線です（学区は参考資料）。現在の通学区域は市にご確認ください。",
                attribution=f"{attribution}; {PUPILS}",
                attributes=attributes,
                internal_note=f"bundle: {fname}; A27 edition inferred (2010); pupil statistics' reuse terms unverified",
            )
            out.append(feature(props, f["geometry"]))
    return out


# -- rail ----------------------------------------------------------------------------------------


def build_stations(ctx: Context) -> list[dict[str, Any]]:
    platforms = read_geojson(ctx.shared / "rail_station_platforms_lines.geojson")
    points = read_geojson(ctx.shared / "rail_stations.geojson")
    in_soja = {p["properties"]["station_name"]: p["properties"]["in_soja"] for p in points}
    by_station: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for f in platforms:
        by_station[f["properties"]["station_name"]].append(f)
    measures, reasons = ctx.links("rail_station")
    out = []
    for name in sorted(by_station, key=lambda n: (not in_soja.get(n, False), n)):
        parts = by_station[name]
        geom = shapely.union_all([shape(p["geometry"]) for p in parts]).centroid
        lines = sorted({p["properties"]["line_name"] for p in parts})
        operators = sorted({p["properties"]["operator"] for p in parts})
        en = ctx.cw["station_en"].get(name)
        props = place(
            id=make_id("station", name, en),
            name_ja=f"{name}駅",
            name_en=f"{en} Station" if en else None,
            category="rail_station",
            measures=measures,
            address=None,
            description=f"{'・'.join(operators)} {'・'.join(lines)}",
            source={
                "publisher": "国土交通省",
                "dataset": "国土数値情報 鉄道 (N02) 2020年版 駅",
                "reference": "xtzi9859/xtzi9859.github.io@2e00bad5 N02-20_Station.geojson",
            },
            licence=KSJ_LICENCE,
            as_of="2020",
            as_of_note="国土数値情報（鉄道）2020年版",
            position_accuracy="surveyed",
            position_note="国土数値情報（鉄道）の駅のホームの線の中心",
            attribution=KSJ_N02,
            attributes={
                "lines": lines,
                "lines_en": [ctx.cw["line_en"].get(x, x) for x in lines],
                "operators": operators,
                "operators_en": [ctx.cw["operator_en"].get(x, x) for x in operators],
            },
            facts={"links": reasons},
            internal_note="bundle: rail_station_platforms_lines.geojson (platform polylines merged per station); "
            "inside or outside the city is derived from the boundary at load time",
        )
        out.append(feature(props, mapping(geom)))
    return out


def build_rail_lines(ctx: Context) -> list[dict[str, Any]]:
    measures, reasons = ctx.links("rail_line")
    out = []
    for f in read_geojson(ctx.shared / "rail_lines.geojson"):
        p = f["properties"]
        en = ctx.cw["line_en"].get(p["line_name"])
        props = place(
            id=make_id("line", p["line_name"], en),
            name_ja=p["line_name"],
            name_en=en,
            category="rail_line",
            measures=measures,
            address=None,
            description=f"{p['operator']} {p['line_name']}（総社市と周辺3kmの区間）",
            source={
                "publisher": "上田洋平 (鉄道駅LOD) / 原典 国土交通省 国土数値情報 鉄道 (N02)",
                "dataset": "鉄道駅LOD 路線形状",
                "reference": f"zaiyingzhao/Jinshin_Visualization@bd11aa6b; {p['jrslod_uri']}",
                "via": "鉄道駅LOD を使った公開の可視化データ",
                "kind": "secondary",
            },
            licence=f"原典: {KSJ_LICENCE}",
            as_of="2023-02-23",
            as_of_note="使ったコピーの日付（原典の国土数値情報の版は不明、2023年以前）",
            position_accuracy="surveyed",
            position_note="国土数値情報（鉄道）に基づく路線の形（総社市と周辺3kmの区間）",
            attribution=f"鉄道路線形状: 鉄道駅LOD (uedayou.net/jrslod) 由来 — 原典: {KSJ_N02}",
            attributes={
                "operator": p["operator"],
                "operator_en": ctx.cw["operator_en"].get(p["operator"]),
            },
            facts={"links": reasons},
            internal_note="bundle: rail_lines.geojson; licence of 鉄道駅LOD not verified; "
            "replace with KSJ N02 RailroadSection when online",
        )
        out.append(feature(props, f["geometry"]))
    return out
