#!/usr/bin/env python3
"""Build geodata/ (the project's layers, in the project's schema) from the open-data bundle.

Usage:  python scripts/build_geodata.py [--shared ../shared/data] [--out geodata]

Every coordinate comes from a file in the bundle: a published geometry (GSI shelter sites, KSJ
layers), a coordinate a cited source states, or the 大字/町丁目 representative point of the place's
address. Nothing is typed in. Which bundle rows are the same place, which category a source's type
is, English names and the public texts of layers live in ``scripts/geodata_crosswalk.json``.
Places whose position cannot be found are listed in geodata/unlocated.csv for staff.

Steps (one function each, in the order ``main`` runs them): load the crosswalk, the plan and the
towns; the reference layers (boundary, towns, school districts); rail; the GSI shelter sites; the
places that take a GSI site (schools, child care, community centres); the places at their town
point (child care without a site, medical); the older facility list; the sites with no other
role; 雪舟くん; the hazard tile layers; then every file is written.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import json
import re
import sys
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import shapely
from pyproj import Geod
from shapely.geometry import mapping, shape

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from soja_map.data.facts import Facts  # noqa: E402
from soja_map.data.io import atomic_write_text, feature, write_feature_collection  # noqa: E402
from soja_map.data.plan import Plan, load_catalogue  # noqa: E402
from soja_map.data.towns import Town, TownIndex  # noqa: E402

GEOD = Geod(ellps="GRS80")
CROSSWALK = Path(__file__).with_name("geodata_crosswalk.json")

# -- attribution and licence texts (from ../shared/data/SOURCES.md) ------------------------------
KSJ_LICENCE = (
    "国土数値情報ダウンロードサイトコンテンツ利用規約 (2020-04-01): 出典明示・加工明示で利用可"
)
KSJ_N03 = "「国土数値情報（行政区域データ）」（国土交通省）を加工して作成"
KSJ_N02 = "「国土数値情報（鉄道データ）」（国土交通省）を加工して作成"
KSJ_A27 = (
    "「国土数値情報（小学校区データ）」（国土交通省）を加工して作成。この地図の作成にあたっては、国土地理院長の承認を得て、"
    "同院発行の数値地図25000（地図画像）を使用した。（承認番号 平25情使、第590号）"
)
KSJ_A32 = "「国土数値情報（中学校区データ）」（国土交通省）を加工して作成"
GEOLONIA = (
    "Geolonia 住所データ (CC BY 4.0) — 原典: 国土交通省 位置参照情報 / 日本郵便 郵便番号データ"
)
GEOLONIA_REF = "geolonia/japanese-addresses@c3999f70 api/ja/岡山県/総社市.json"
PUPILS = "児童・生徒数: 岡山県「学校基本調査」(2019) — data CRADLE seseki_viewer 経由"
WIKIPEDIA = "座標: ウィキペディア日本語版の記事情報（ミラー経由） — CC BY-SA"
GSI_CREDIT = "「指定緊急避難場所・指定避難所データ」(国土地理院)を加工して作成"
GSI_LICENCE = "国土地理院コンテンツ利用規約: 出典明示・加工明示で利用可"
GSI_DATASET = "指定緊急避難場所・指定避難所データ"
GSI_REF = "motohasystem/jp-shelter-api@6affdeab docs/api/v0/{emergency,evacuation}/332089.json"
CHILDCARE_CREDIT = (
    "保育・幼稚園: 総社市「令和7年度保育施設入所可能状況一覧」(2026-01-23)、"
    "岡山県「認可外保育施設届出一覧表」(2025-10-01)、総社市教育委員会"
)
LISTS_CREDIT = "医療機関・子育て支援: 公開されている施設一覧 (2026) — 所在地は大字/町丁目の代表点"
FACILITIES_CREDIT = (
    "施設所在地: 総社市ホームページ、岡山県、各観光サイト・報道ほか（行ごとの source 参照）"
)
FACTS_LICENCE = "公開ページの事実情報（利用条件の記載なし）"

ADDRESS_TOWN_NOTE = (
    "{town}の代表点（Geolonia 住所データ）。住所から大字・町丁目までしか特定できないため、"
    "実際の場所とは数百m〜1km程度ずれることがあります。"
)
GSI_POSITION_NOTE = (
    "国土地理院「指定緊急避難場所・指定避難所データ」にある「{name}」の地点（市が指定した場所）。"
)
UNDATED = "出典に日付の記載がありません"


# -- small helpers -----------------------------------------------------------------------------


def make_id(prefix: str, key: str, english: str | None = None) -> str:
    if english:
        slug = re.sub(r"[^a-z0-9]+", "-", english.lower().replace("'", "")).strip("-")
        return f"{prefix}.{slug}"
    return f"{prefix}.{hashlib.sha1(key.encode(), usedforsecurity=False).hexdigest()[:8]}"


def read_geojson(path: Path) -> list[dict[str, Any]]:
    return json.loads(path.read_text(encoding="utf-8"))["features"]


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def nfkc(text: str) -> str:
    """Full-width digits, hyphens and spaces as ordinary ones (names and addresses as shown)."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text)).strip()


def first_url(text: str) -> str:
    return text.split(";", maxsplit=1)[0].strip()


def split_urls(text: str) -> list[str]:
    return [u.strip() for u in text.split(";") if u.strip()]


def host(url: str) -> str:
    return re.sub(r"^https?://", "", url).split("/")[0]


def distance_m(a: tuple[float, float], b: tuple[float, float]) -> float:
    return float(GEOD.inv(a[0], a[1], b[0], b[1])[2])


def point(lon: float, lat: float) -> dict[str, Any]:
    return {"type": "Point", "coordinates": [lon, lat]}


def town_point(town: Town) -> dict[str, Any]:
    return point(town.lon, town.lat)


def geodesic_area_km2(geom: Any) -> float:
    return abs(GEOD.geometry_area_perimeter(geom)[0]) / 1e6


def parse_as_of(text: str) -> tuple[str | None, str | None]:
    """(ISO date or None, technical note) from a free-text date as the bundle gives it."""
    t = text.strip()
    if not t:
        return None, None
    if re.search(r"undated|before|probably", t) and not re.match(r"^\d{4}", t):
        return None, t
    m = (
        re.search(r"(\d{4}-\d{2}-\d{2})", t)
        or re.search(r"(\d{4}-\d{2})(?!\d)", t)
        or re.search(r"\b(\d{4})\b", t)
    )
    if m:
        return m.group(1), None if t == m.group(1) else t
    reiwa = re.search(r"令和(\d+)年度", t)
    if reiwa:
        return str(2018 + int(reiwa.group(1))), t
    return None, t


def public_address(text: str) -> tuple[str | None, str | None]:
    """(the address as shown, a technical note): working notes in ASCII brackets move out."""
    notes = re.findall(r"\s*\(([ -~]+)\)", text)
    shown = re.sub(r"\s*\([ -~]+\)", "", text).strip()
    return shown or None, "; ".join(notes) or None


def join_notes(*notes: str | None) -> str | None:
    text = "; ".join(n for n in notes if n)
    return text or None


@dataclass
class Context:
    """What every step reads: the bundle folder, the crosswalk, the plan and the town points."""

    shared: Path
    cw: dict[str, Any]
    plan: Plan
    towns: TownIndex
    used_gsi: dict[str, str] = field(default_factory=dict)  # GSI id -> place id

    def publisher(self, urls: Iterable[str]) -> str:
        """Who published the pages a row cites, from their host names (else the host itself)."""
        out: list[str] = []
        for url in urls:
            name = next((n for key, n in self.cw["publishers"] if key in url), None)
            if name is None and "github" in url.lower():
                name = "GitHub 上の公開ファイル"
            out.append(name or host(url))
        return " / ".join(dict.fromkeys(out))

    def is_official(self, url: str) -> bool:
        return any(h in url for h in self.cw["official_hosts"])

    def town_of(self, address: str | None) -> Town | None:
        return self.towns.match(address).town if address else None

    def links(
        self, category: str, extra: Iterable[dict[str, Any]] = ()
    ) -> tuple[list[str], list[dict[str, Any]]]:
        """A place's measures and the stated reason of each link (the category's, then the place's)."""
        reasons: list[dict[str, Any]] = []
        link = next((x for x in self.plan.category_links if x.category == category), None)
        if link is not None:
            reasons.append(
                {
                    "measures": list(link.measures),
                    "reason_ja": link.why_ja,
                    "reason_en": link.why_en,
                    "basis": "category",
                }
            )
        for x in extra:
            reasons.append(
                {
                    "measures": list(x["measures"]),
                    "reason_ja": x["reason_ja"],
                    "reason_en": x["reason_en"],
                    "basis": "place",
                }
            )
        measures = list(dict.fromkeys(m for r in reasons for m in r["measures"]))
        return measures, reasons


def place(
    *,
    id: str,
    name_ja: str,
    name_en: str | None,
    category: str,
    measures: list[str],
    address: str | None,
    description: str,
    source: dict[str, str],
    licence: str,
    as_of: str | None,
    position_accuracy: str,
    position_note: str | None,
    attribution: str,
    as_of_note: str | None = None,
    scope: str | None = None,
    town: str | None = None,
    attributes: dict[str, Any] | None = None,
    facts: dict[str, Any] | None = None,
    internal_note: str | None = None,
) -> dict[str, Any]:
    """Place properties in the schema's field order; optional fields only when they have a value."""
    props: dict[str, Any] = {
        "id": id,
        "name_ja": name_ja,
        "name_en": name_en,
        "category": category,
        "measures": measures,
        "address": address,
        "description": description,
        "source": source,
        "licence": licence,
        "as_of": as_of,
    }
    if as_of_note is not None or as_of is None:
        props["as_of_note"] = as_of_note or UNDATED
    props["position_accuracy"] = position_accuracy
    props["position_note"] = position_note
    if scope is not None:
        props["scope"] = scope
    props["town"] = town
    props["attribution"] = attribution
    props["attributes"] = attributes or {}
    if facts:
        Facts.model_validate(facts)  # fail the build on a fact the schema would reject
        props["facts"] = facts
    if internal_note:
        props["internal_note"] = internal_note
    return props


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


def load_towns(shared: Path) -> tuple[list[dict[str, Any]], TownIndex]:
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
        if row is not None:
            attributes.update(town_population(name, row))
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
        )
        feats.append(feature(props, f["geometry"]))
        lon, lat = f["geometry"]["coordinates"]
        towns.append(Town(name, koaza, lon, lat, fid))
    return feats, TownIndex(towns)


def town_population(name: str, row: dict[str, str]) -> dict[str, Any]:
    one_to_one = row["matched_town_point"] == name
    out: dict[str, Any] = {
        "population" if one_to_one else "postal_area_population": int(row["population"]),
        "population_as_of": row["as_of"],
        "population_statistic": row["statistic"],
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
                "reference": row["via"],
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
                "reference": f"{row['url']} ; {row['via']}",
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
            internal_note="bundle: soja_child_support_venues.csv",
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
                "reference": row["via"],
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


def build_facilities(
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


# -- 雪舟くん -----------------------------------------------------------------------------------


def sesshu_kun_rules(ctx: Context, facts_rows: list[dict[str, str]]) -> list[dict[str, Any]]:
    cfg = ctx.cw["sesshu_kun"]
    rules = []
    for row in facts_rows:
        rule_id = cfg["rule_ids"].get(row["fact"])
        if rule_id is None:
            continue
        as_of, _ = parse_as_of(row["as_of"])
        sources = []
        for url in split_urls(row["source_url"]):
            official = any(h in url for h in cfg["official_hosts"])
            sources.append(
                {
                    "publisher": ctx.publisher([url]),
                    "title": next(t for h, t in cfg["source_titles"].items() if h in url),
                    "url": url,
                    "kind": "official" if official else "secondary",
                    "as_of": as_of,
                }
            )
        rules.append({"id": rule_id, "text_ja": row["value_as_read"], "sources": sources})
    return rules


def build_sesshu_kun(ctx: Context) -> list[dict[str, Any]]:
    zones = read_csv(ctx.shared / "sesshu_kun_zones.csv")
    facts_rows = read_csv(ctx.shared / "sesshu_kun_facts.csv")
    value = {r["fact"]: r["value_as_read"] for r in facts_rows}
    fare = re.search(r"(\d+)円", value["fare_adult"])
    measures, reasons = ctx.links("demand_transport")
    props = place(
        id="transport.sesshu-kun",
        name_ja="雪舟くん（総社市新生活交通）",
        name_en="Sesshu-kun (Soja demand-responsive shared taxi)",
        category="demand_transport",
        measures=measures,
        address=None,
        description=f"{value['service_name']}。{value['zones']}で運行。{value['zone_rule']}。",
        source={
            "publisher": "総社市",
            "dataset": "新生活交通「雪舟くん」利用案内",
            "reference": first_url(zones[0]["source_url"]),
        },
        licence=FACTS_LICENCE,
        as_of=None,
        as_of_note="市のページに日付の記載がありません（2020年代）",
        position_accuracy="approximate",
        position_note="市全域のサービス: 区域の境界は画像でのみ公開されているため、区域の形は収録していません",
        scope="city_wide",
        attribution="新生活交通「雪舟くん」: 総社市ホームページ（利用案内）、議員の視察報告ほか（規則ごとの出典参照）",
        attributes={
            "zones": [z["zone"] for z in zones],
            "fare_yen": int(fare.group(1)) if fare else None,
            "service_hours": value["operating_hours"],
            "registration": value["registration"],
        },
        facts={"service_rules": sesshu_kun_rules(ctx, facts_rows), "links": reasons},
        internal_note="bundle: sesshu_kun_zones.csv, sesshu_kun_facts.csv; zone membership by 大字 and the common-area stop list were not found",
    )
    return [feature(props, None)]


# -- hazard tiles ----------------------------------------------------------------------------------


def build_hazard_layers(ctx: Context) -> dict[str, Any]:
    """The portal's XYZ tile layers (those enabled in the source config), for optional overlays."""
    doc = json.loads((ctx.shared / "hazard_tiles.json").read_text(encoding="utf-8"))
    cfg = ctx.cw["hazard_layers"]
    layers = []
    for tile in doc["tiles"]:
        if tile.get("commented_out_in_source"):
            continue
        layer_id = tile["url"].split("/raster/")[1].split("/")[0]
        layers.append(
            {
                "id": layer_id,
                "name_ja": tile["name"],
                "name_en": cfg["name_en"][tile["name"]],
                "url": tile["url"],
                "default_on": False,
            }
        )
    return {
        "credit_ja": cfg["credit_ja"],
        "credit_url": cfg["credit_url"],
        "note_ja": cfg["note_ja"],
        "note_en": cfg["note_en"],
        "online_only": True,
        "statutory_hazard_map": False,
        "layers": layers,
        "internal_note": "Copied from sankichi92/shikuchoson-hazardmap-template hazardmap-config.jsonc "
        "@03da2f19 via ../shared/data/hazard_tiles.json; zoom ranges and legends not verified online; "
        "layers commented out in that config are left out.",
    }


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
    town_feats, towns = load_towns(shared)
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
