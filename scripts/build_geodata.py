#!/usr/bin/env python3
"""Build geodata/ (the project's layers, in the project's schema) from the open-data bundle.

Usage:  python scripts/build_geodata.py [--shared ../shared/data] [--out geodata]

Every coordinate comes from a file in the bundle: a published geometry, a coordinate a cited
source states, or the 大字/町丁目 representative point of the place's address. Nothing is typed in.
Places whose position cannot be found that way are listed in geodata/unlocated.csv for staff to
complete with `soja-map import`, never placed on a guess.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import json
import re
import sys
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import shapely
from pyproj import Geod
from shapely.geometry import mapping, shape

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from soja_map.data.io import atomic_write_text, feature, write_feature_collection  # noqa: E402
from soja_map.data.plan import load_catalogue  # noqa: E402
from soja_map.data.towns import Town, TownIndex  # noqa: E402

GEOD = Geod(ellps="GRS80")

# -- attribution texts (from ../shared/data/SOURCES.md) -------------------------------------------
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

ADDRESS_TOWN_NOTE = (
    "{town}の代表点（Geolonia 住所データ）。住所から大字・町丁目までしか特定できないため、"
    "実際の場所とは数百m〜1km程度ずれることがあります。"
)

# English names we are sure of; everything else keeps name_en = null.
STATION_EN = {
    "総社": "Soja",
    "東総社": "Higashi-Soja",
    "服部": "Hattori",
    "清音": "Kiyone",
    "豪渓": "Gokei",
    "日羽": "Hiwa",
    "美袋": "Minagi",
    "備中広瀬": "Bitchu-Hirose",
    "足守": "Ashimori",
    "備中高松": "Bitchu-Takamatsu",
    "川辺宿": "Kawabe-juku",
    "備中呉妹": "Bitchu-Kureha",
    "倉敷": "Kurashiki",
    "中庄": "Nakasho",
    "倉敷市": "Kurashikishi",
}
LINE_EN = {
    "伯備線": "Hakubi Line",
    "吉備線": "Kibi Line",
    "井原線": "Ibara Line",
    "山陽線": "San'yo Line",
    "山陽新幹線": "San'yo Shinkansen",
    "水島本線": "Mizushima Main Line",
}
OPERATOR_EN = {
    "西日本旅客鉄道": "JR West",
    "井原鉄道": "Ibara Railway",
    "水島臨海鉄道": "Mizushima Rinkai Railway",
}
SCHOOL_EN = {
    "阿曽": "Aso",
    "維新": "Ishin",
    "山手": "Yamate",
    "昭和": "Showa",
    "常盤": "Tokiwa",
    "新本": "Shinpon",
    "神在": "Kamiari",
    "秦": "Hada",
    "清音": "Kiyone",
    "総社": "Soja",
    "総社西": "Soja Nishi",
    "総社中央": "Soja Chuo",
    "総社東": "Soja Higashi",
    "総社北": "Soja Kita",
    "池田": "Ikeda",
}
PLACE_EN = {
    "総社市役所": "Soja City Hall",
    "山手出張所": "Yamate Branch Office",
    "清音出張所": "Kiyone Branch Office",
    "備中国分寺": "Bitchu Kokubunji Temple",
    "作山古墳": "Tsukuriyama Kofun",
    "こうもり塚古墳": "Komorizuka Kofun",
    "備中国分尼寺跡": "Site of Bitchu Kokubun-niji Nunnery",
    "鬼ノ城 (史跡 鬼城山)": "Kinojo Fortress (Kinojosan historic site)",
    "宝福寺 (井山宝福寺)": "Hofukuji Temple",
    "備中国総社宮": "Bitchu-no-kuni Sojagu Shrine",
    "豪渓": "Gokei Gorge",
    "鬼城山ビジターセンター": "Kinojosan Visitor Center",
}

# CSV kind -> category
KIND_CATEGORY = {
    "city_office": "city_office",
    "nursery": "nursery",
    "kodomo_en": "kodomo_en",
    "kindergarten": "kindergarten",
    "child_support_center": "child_support_centre",
    "after_school_club": "after_school_club",
    "community_center": "community_centre",
    "welfare_center": "welfare_facility",
    "heritage": "heritage_site",
    "tourism": "tourism_site",
    "industrial_park": "industrial_site",
}
# Rows whose category or measures go beyond their kind's defaults, and why.
CATEGORY_OVERRIDE = {"砂川公園 (キャンプ場)": "park"}  # the source calls it a park with a campsite
EXTRA_MEASURES = {
    # designated Place of Scenic Beauty (国指定名勝): nature heritage as well as tourism
    "豪渓": ["hagukumu.heritage-conservation", "hagukumu.heritage-contact"],
    # museums of local history and archaeology are places to meet heritage
    "吉備路文化館": ["hagukumu.heritage-contact"],
    "総社市埋蔵文化財学習の館": ["hagukumu.heritage-contact"],
    "鬼城山ビジターセンター": ["hagukumu.heritage-contact"],
    # a park with a campsite that the source describes as a visitor facility
    "砂川公園 (キャンプ場)": ["uruou.tourism-proposals"],
}

LAYER_META: dict[str, dict[str, Any]] = {
    "boundary": {"title_ja": "総社市の市域", "title_en": "Soja city boundary", "complete": True},
    "towns": {
        "title_ja": "大字・町丁目（代表点）",
        "title_en": "Towns (ōaza / chōme representative points)",
        "complete": True,
        "note_en": "Points only: 町丁・字 boundary polygons are not in the bundle. Population is known for 8 of 62 postal 町域.",
    },
    "school_districts": {
        "title_ja": "小学校区・中学校区",
        "title_en": "School districts",
        "complete": True,
        "note_en": "Elementary districts from KSJ A27 (2010), junior-high from A32 (2016): indicative only (学区は参考資料).",
    },
    "rail_lines": {
        "title_ja": "鉄道路線",
        "title_en": "Railway lines",
        "complete": True,
        "note_en": "Licence of the line geometry is unclear (鉄道駅LOD); replace with KSJ N02 RailroadSection when online.",
    },
    "rail_stations": {
        "title_ja": "鉄道駅",
        "title_en": "Railway stations",
        "complete": True,
        "note_en": "Stations in Soja and within 3 km of it (KSJ N02, 2020 edition).",
    },
    "transport_services": {
        "title_ja": "新生活交通（雪舟くん）",
        "title_en": "Demand-responsive transport (Sesshu-kun)",
        "complete": False,
        "note_en": "City-wide service: zone boundaries are published only as an image, so no zone polygons. Bus routes and stops are not included (historical sources only, no positions).",
    },
    "schools": {
        "title_ja": "市立小学校・中学校",
        "title_en": "Public elementary and junior-high schools",
        "complete": True,
        "note_en": "Positions are 大字/町丁目 representative points of each school's address, not the school sites.",
    },
    "heritage": {
        "title_ja": "文化財・史跡",
        "title_en": "Heritage sites",
        "complete": False,
        "note_en": "A partial list from cited public pages; an official cultural-property data set was not available.",
    },
    "tourism": {
        "title_ja": "観光施設",
        "title_en": "Tourism sites",
        "complete": False,
        "note_en": "A partial list from cited public pages.",
    },
    "child_rearing": {
        "title_ja": "子育て施設",
        "title_en": "Child-rearing facilities",
        "complete": False,
        "note_en": "Partial: the city's list of ~30 nurseries and certified child centres was not available; name-only facilities are in unlocated.csv.",
    },
    "community": {
        "title_ja": "市役所・公民館・福祉施設",
        "title_en": "City offices, community and welfare facilities",
        "complete": False,
        "note_en": "Partial: no community centre or welfare facility has a published address in the bundle; see unlocated.csv.",
    },
    "industry": {
        "title_ja": "工業団地",
        "title_en": "Industrial parks",
        "complete": False,
        "note_en": "Area-only positions from a low-reliability source (a blog quoting Wikipedia).",
    },
}

CSV_LAYER = {
    "city_office": "community",
    "community_centre": "community",
    "welfare_facility": "community",
    "nursery": "child_rearing",
    "kodomo_en": "child_rearing",
    "kindergarten": "child_rearing",
    "child_support_centre": "child_rearing",
    "after_school_club": "child_rearing",
    "heritage_site": "heritage",
    "tourism_site": "tourism",
    "park": "tourism",
    "industrial_site": "industry",
}


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


PUBLISHERS = (
    ("city.soja.okayama.jp", "総社市"),
    ("pref.okayama.jp", "岡山県"),
    ("pref-okayama-jp", "岡山県"),
    ("okayama-kanko.jp", "岡山県観光連盟"),
    ("kct.jp", "KCT（倉敷ケーブルテレビ）"),
    ("chiroro-test.net", "KCT（倉敷ケーブルテレビ）"),
    ("kiji.is", "山陽新聞"),
    ("kotobank.jp", "コトバンク"),
    ("bunka.go.jp", "文化庁"),
    ("wikipedia", "ウィキペディア"),
    ("seisyun.net", "ウィキペディア（ミラー）"),
    ("chikapedia", "ウィキペディア（ミラー）"),
    ("iwiki", "ウィキペディア（ミラー）"),
    ("wikippe", "ウィキペディア（ミラー）"),
    ("clevelandohioweatherforecast", "ウィキペディア（ミラー）"),
)


def publishers(urls: Iterable[str]) -> str:
    """Who published the pages a row cites, from their host names (else the host itself)."""
    out: list[str] = []
    for url in urls:
        host = re.sub(r"^https?://", "", url).split("/")[0]
        name = next((n for key, n in PUBLISHERS if key in url), None)
        if name is None and ("github" in url or "GitHub" in url):
            name = "GitHub 上の公開ファイル"
        out.append(name or host)
    return " / ".join(dict.fromkeys(out))


def first_url(text: str) -> str:
    return text.split(";", maxsplit=1)[0].strip()


def parse_as_of(text: str) -> tuple[str | None, str | None]:
    """(ISO date or None, note) from a free-text date as the bundle gives it."""
    t = text.strip()
    if not t:
        return None, "the source is undated"
    if re.search(r"undated|before|probably", t) and not re.match(r"^\d{4}", t):
        return None, f"the source is undated ({t})"
    m = (
        re.search(r"(\d{4}-\d{2}-\d{2})", t)
        or re.search(r"(\d{4}-\d{2})(?!\d)", t)
        or re.search(r"\b(\d{4})\b", t)
    )
    reiwa = re.search(r"令和(\d+)年度", t)
    if m:
        iso = m.group(1)
        return iso, None if t == iso else f"source says: {t}"
    if reiwa:
        return str(2018 + int(reiwa.group(1))), f"source says: {t} (fiscal year)"
    return None, f"the source is undated ({t})"


def geodesic_area_km2(geom: Any) -> float:
    return abs(GEOD.geometry_area_perimeter(geom)[0]) / 1e6


# -- builders ---------------------------------------------------------------------------------------


def build_boundary(shared: Path) -> list[dict[str, Any]]:
    f = read_geojson(shared / "soja_boundary.geojson")[0]
    geom = shape(f["geometry"])
    props = {
        "id": "boundary.soja",
        "name_ja": "総社市",
        "name_en": "Soja City",
        "category": "city_boundary",
        "measures": [],
        "address": "岡山県総社市",
        "description": "総社市の行政区域（国土数値情報 行政区域 N03, 2020-01-01）。",
        "source": {
            "publisher": "国土交通省",
            "dataset": "国土数値情報 行政区域 (N03) 2020-01-01",
            "reference": "niiyz/JapanCityGeoJson@323bdf37 topojson/33/33208.topojson",
            "via": "../shared/data/soja_boundary.geojson",
        },
        "licence": KSJ_LICENCE,
        "as_of": "2020-01-01",
        "position_accuracy": "surveyed",
        "position_note": "TopoJSON quantisation error about 2 m",
        "attribution": KSJ_N03,
        "attributes": {
            "muni_code": "33208",
            "area_km2": round(geodesic_area_km2(geom), 2),
            # city total used to scale the default population estimate (SOURCES.md, file 10)
            "population": 69030,
            "population_as_of": "2020-10-01",
            "population_statistic": "令和2年国勢調査 (okayamania.com quoting 山陽新聞)",
        },
    }
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
            one_to_one = row["matched_town_point"] == name
            attributes.update(
                {
                    "population" if one_to_one else "postal_area_population": int(
                        row["population"]
                    ),
                    "population_as_of": row["as_of"],
                    "population_statistic": row["statistic"],
                    "population_source": row["source_url"],
                    "postal_area": row["town"],
                }
            )
            if row["households"]:
                attributes["households"] = int(row["households"])
            if not one_to_one:
                attributes["population_note"] = row["mapping_note"]
        label = f"{name} {koaza}".strip()
        props = {
            "id": fid,
            "name_ja": label,
            "name_en": None,
            "category": "town",
            "measures": [],
            "address": f"岡山県総社市{name}{koaza}",
            "description": "",
            "source": {
                "publisher": "Geolonia",
                "dataset": "japanese-addresses (大字・町丁目 代表点)",
                "reference": GEOLONIA_REF,
                "via": "../shared/data/soja_towns_points.geojson",
            },
            "licence": "CC BY 4.0",
            "as_of": "2022-10-04",
            "as_of_note": "date the Geolonia file for 総社市 last changed",
            "position_accuracy": "surveyed",
            "position_note": "大字・町丁目の代表点（境界ではありません） / representative point, not a boundary",
            "town": name,
            "attribution": GEOLONIA,
            "attributes": attributes,
        }
        feats.append(feature(props, f["geometry"]))
        lon, lat = f["geometry"]["coordinates"]
        towns.append(Town(name, koaza, lon, lat, fid))
    return feats, TownIndex(towns)


def build_stations(shared: Path, defaults: dict[str, tuple[str, ...]]) -> list[dict[str, Any]]:
    platforms = read_geojson(shared / "rail_station_platforms_lines.geojson")
    points = read_geojson(shared / "rail_stations.geojson")
    in_soja = {p["properties"]["station_name"]: p["properties"]["in_soja"] for p in points}
    by_station: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for f in platforms:
        by_station[f["properties"]["station_name"]].append(f)
    out = []
    for name in sorted(by_station, key=lambda n: (not in_soja.get(n, False), n)):
        parts = by_station[name]
        geom = shapely.union_all([shape(p["geometry"]) for p in parts]).centroid
        lines = sorted({p["properties"]["line_name"] for p in parts})
        operators = sorted({p["properties"]["operator"] for p in parts})
        en = STATION_EN.get(name)
        props = {
            "id": make_id("station", name, en),
            "name_ja": f"{name}駅",
            "name_en": f"{en} Station" if en else None,
            "category": "rail_station",
            "measures": list(defaults["rail_station"]),
            "address": None,
            "description": f"{'・'.join(operators)} {'・'.join(lines)}"
            + ("" if in_soja.get(name) else "（総社市外）"),
            "source": {
                "publisher": "国土交通省",
                "dataset": "国土数値情報 鉄道 (N02) 2020年版 駅",
                "reference": "xtzi9859/xtzi9859.github.io@2e00bad5 N02-20_Station.geojson",
                "via": "../shared/data/rail_station_platforms_lines.geojson",
            },
            "licence": KSJ_LICENCE,
            "as_of": "2020",
            "as_of_note": "N02 2020 edition",
            "position_accuracy": "surveyed",
            "position_note": "centroid of the station's N02 platform polylines (all lines merged)",
            "attribution": KSJ_N02,
            "attributes": {
                "lines": lines,
                "lines_en": [LINE_EN.get(x, x) for x in lines],
                "operators": operators,
                "operators_en": [OPERATOR_EN.get(x, x) for x in operators],
                "in_soja": bool(in_soja.get(name, False)),
            },
        }
        out.append(feature(props, mapping(geom)))
    return out


def build_rail_lines(shared: Path, defaults: dict[str, tuple[str, ...]]) -> list[dict[str, Any]]:
    out = []
    for f in read_geojson(shared / "rail_lines.geojson"):
        p = f["properties"]
        en = LINE_EN.get(p["line_name"])
        props = {
            "id": make_id("line", p["line_name"], en),
            "name_ja": p["line_name"],
            "name_en": en,
            "category": "rail_line",
            "measures": list(defaults["rail_line"]),
            "address": None,
            "description": f"{p['operator']} {p['line_name']}（総社市と周辺3kmの区間）",
            "source": {
                "publisher": "上田洋平 (鉄道駅LOD) / 原典 国土交通省 国土数値情報 鉄道 (N02)",
                "dataset": "鉄道駅LOD 路線形状",
                "reference": f"zaiyingzhao/Jinshin_Visualization@bd11aa6b; {p['jrslod_uri']}",
                "via": "../shared/data/rail_lines.geojson",
            },
            "licence": "unclear: 鉄道駅LOD licence not verified; underlying KSJ N02 requires attribution",
            "as_of": "2023-02-23",
            "as_of_note": "date of the copy used; the underlying N02 edition is unknown (≤ 2023)",
            "position_accuracy": "surveyed",
            "position_note": "N02 line geometry (5 decimals) clipped to Soja + 3 km",
            "attribution": f"鉄道路線形状: 鉄道駅LOD (uedayou.net/jrslod) 由来 — 原典: {KSJ_N02}",
            "attributes": {
                "operator": p["operator"],
                "operator_en": OPERATOR_EN.get(p["operator"]),
            },
        }
        out.append(feature(props, f["geometry"]))
    return out


def build_school_districts(shared: Path) -> list[dict[str, Any]]:
    out = []
    for level, fname, as_of, dataset, attribution in (
        (
            "elementary",
            "school_districts_elementary.geojson",
            "2010",
            "国土数値情報 小学校区 (A27) 平成22年度 (推定)",
            KSJ_A27,
        ),
        (
            "junior_high",
            "school_districts_junior_high.geojson",
            "2016",
            "国土数値情報 中学校区 (A32) 平成28年度",
            KSJ_A32,
        ),
    ):
        for f in read_geojson(shared / fname):
            p = f["properties"]
            school = p["school_name"]
            stem = school.removesuffix("小学校").removesuffix("中学校")
            en = SCHOOL_EN.get(stem)
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
            props = {
                "id": make_id(f"district.{'es' if level == 'elementary' else 'jh'}", school, en),
                "name_ja": f"{school}区",
                "name_en": f"{en} {kind_en} School district" if en else None,
                "category": "school_district",
                "measures": [],
                "address": None,
                "description": f"{school}の通学区域（参考）。2019年度 児童・生徒数 {p['pupils_2019_total']}人。",
                "source": {
                    "publisher": "国土交通省 / 岡山県",
                    "dataset": f"{dataset}; 学校基本調査 2019",
                    "reference": "data-cradle/seseki_viewer (district topojson and 2019 pupil tables)",
                    "via": f"../shared/data/{fname}",
                },
                "licence": f"{KSJ_LICENCE}; pupil statistics: reuse terms unverified",
                "as_of": as_of,
                "as_of_note": "district polygons; pupil counts are from 2019",
                "position_accuracy": "surveyed",
                "position_note": "indicative district lines (学区は参考資料); check against the city's current 通学区域",
                "attribution": f"{attribution}; {PUPILS}",
                "attributes": attributes,
            }
            out.append(feature(props, f["geometry"]))
    return out


def town_point(town: Town) -> dict[str, Any]:
    return {"type": "Point", "coordinates": [town.lon, town.lat]}


def build_schools(
    shared: Path, towns: TownIndex, defaults: dict[str, tuple[str, ...]]
) -> list[dict[str, Any]]:
    out = []
    for f in read_geojson(shared / "schools_public_approx_points.geojson"):
        p = f["properties"]
        match = towns.match(p["address"])
        if match.town is None or match.town.name != p["matched_oaza"]:
            raise SystemExit(
                f"school {p['school_name']}: address match {match} disagrees with the bundle"
            )
        stem = p["school_name"].removesuffix("小学校").removesuffix("中学校")
        en = SCHOOL_EN.get(stem)
        kind_en = "Elementary School" if p["level"] == "elementary" else "Junior High School"
        props = {
            "id": make_id(
                f"school.{'es' if p['level'] == 'elementary' else 'jh'}", p["school_name"], en
            ),
            "name_ja": p["school_name"],
            "name_en": f"{en} {kind_en}" if en else None,
            "category": "school",
            "measures": list(defaults["school"]),
            "address": p["address"],
            "description": f"総社市立{'小学校' if p['level'] == 'elementary' else '中学校'}。2019年度 {p['pupils_2019_total']}人。",
            "source": {
                "publisher": "国土交通省 / 岡山県",
                "dataset": "国土数値情報 学校区 (A27/A32) の学校名・所在地; 学校基本調査 2019",
                "reference": "data-cradle/seseki_viewer; position: " + GEOLONIA_REF,
                "via": "../shared/data/schools_public_approx_points.geojson",
            },
            "licence": f"{KSJ_LICENCE}; position CC BY 4.0 (Geolonia)",
            "as_of": "2019",
            "as_of_note": "school list and pupils from 2019",
            "position_accuracy": "address_town",
            "position_note": ADDRESS_TOWN_NOTE.format(town=match.town.label),
            "town": match.town.name,
            "attribution": f"{KSJ_A27}; {PUPILS}; {GEOLONIA}",
            "attributes": {"level": p["level"], "pupils_2019_total": p["pupils_2019_total"]},
        }
        out.append(feature(props, town_point(match.town)))
    return out


def build_sesshu_kun(shared: Path, defaults: dict[str, tuple[str, ...]]) -> list[dict[str, Any]]:
    zones = read_csv(shared / "sesshu_kun_zones.csv")
    route = next(r for r in read_csv(shared / "soja_bus_routes.csv") if "雪舟くん" in r["operator"])
    props = {
        "id": "transport.sesshu-kun",
        "name_ja": "雪舟くん（総社市新生活交通）",
        "name_en": "Sesshu-kun (Soja demand-responsive shared taxi)",
        "category": "demand_transport",
        "measures": list(defaults["demand_transport"]),
        "address": None,
        "description": (
            "市内を東部・西部・池田・昭和の4区域と市街地の共通エリアに分けて運行するドア・ツー・ドアの乗合交通。"
            "同じ区域内、または区域と共通エリアの間を移動できる。平日のみ8時〜16時台の1時間ごと、1人1乗車300円、"
            "利用には登録（無料）が必要。土日祝・年末年始・お盆は運休。"
        ),
        "source": {
            "publisher": "総社市",
            "dataset": "新生活交通「雪舟くん」利用案内",
            "reference": first_url(zones[0]["source_url"]),
            "via": "../shared/data/sesshu_kun_zones.csv; ../shared/data/soja_bus_routes.csv",
        },
        "licence": "facts from the city's web page (no licence stated)",
        "as_of": None,
        "as_of_note": "the city page is undated (2020s)",
        "position_accuracy": "approximate",
        "position_note": "市全域のサービス: 区域の境界は画像でのみ公開されているため、区域の形は収録していません",
        "scope": "city_wide",
        "attribution": "新生活交通「雪舟くん」: 総社市ホームページ（利用案内）",
        "attributes": {
            "zones": [z["zone"] for z in zones],
            "fare_yen": 300,
            "service_hours": "平日 8時〜16時台（1時間ごと）",
            "registration": "要登録（無料）",
            "operator_note": route["notes"],
        },
    }
    return [feature(props, None)]


def build_facilities(
    shared: Path, towns: TownIndex, defaults: dict[str, tuple[str, ...]]
) -> tuple[dict[str, list[dict[str, Any]]], list[dict[str, str]]]:
    landmarks = {
        f["properties"]["name"]: f for f in read_geojson(shared / "heritage_landmarks.geojson")
    }
    layers: dict[str, list[dict[str, Any]]] = defaultdict(list)
    unlocated: list[dict[str, str]] = []
    for row in read_csv(shared / "soja_facilities_addresses.csv"):
        name = row["name"]
        category = CATEGORY_OVERRIDE.get(name, KIND_CATEGORY[row["kind"]])
        measures = list(dict.fromkeys([*defaults[category], *EXTRA_MEASURES.get(name, [])]))
        as_of, as_of_note = parse_as_of(row["as_of"])
        address = row["address"] or None
        town = towns.by_name(row["oaza"]) if row["oaza"] else None
        if town is None and address:
            town = towns.match(address).town
        base_name = name.split(" (")[0]
        landmark = landmarks.get(base_name) or landmarks.get(name)
        sources = [u.strip() for u in row["source_url"].split(";") if u.strip()]
        position_note: str
        attribution = (
            "施設所在地: 総社市ホームページ、岡山県、各観光サイト・報道ほか（行ごとの source 参照）"
        )
        if row["lat"] and row["lon"]:
            geometry = {"type": "Point", "coordinates": [float(row["lon"]), float(row["lat"])]}
            accuracy = "approximate"
            position_note = f"coordinate stated by {row['coord_source']}; not surveyed"
            attribution += "; " + WIKIPEDIA
        elif landmark is not None and not landmark["properties"]["coord_method"].startswith(
            "APPROXIMATE"
        ):
            lp = landmark["properties"]
            geometry = landmark["geometry"]
            accuracy = "approximate"
            position_note = f"{lp['coord_method']}; {lp['coord_accuracy']}"
            coord_source = lp["coord_source"]
            sources.append(
                lp["address_source"] if coord_source.startswith("same as") else coord_source
            )
            attribution += "; " + WIKIPEDIA
        elif town is not None:
            geometry = town_point(town)
            accuracy = "address_town"
            position_note = ADDRESS_TOWN_NOTE.format(town=town.label)
            attribution += "; " + GEOLONIA
        else:
            unlocated.append(
                {
                    "name_ja": name,
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
            )
            continue
        en = PLACE_EN.get(name)
        props = {
            "id": make_id(category.replace("_", "-"), name, en),
            "name_ja": name,
            "name_en": en,
            "category": category,
            "measures": measures,
            "address": address,
            "description": row["source_says"],
            "source": {
                "publisher": publishers(sources),
                "dataset": "soja_facilities_addresses.csv",
                "reference": " ; ".join(dict.fromkeys(sources)),
                "via": "../shared/data/soja_facilities_addresses.csv",
            },
            "licence": "facts from public web pages (no licence stated)",
            "as_of": as_of,
            "as_of_note": as_of_note,
            "position_accuracy": accuracy,
            "position_note": position_note,
            "town": town.name if town else None,
            "attribution": attribution,
            "attributes": {
                k: v
                for k, v in {
                    "kind": row["kind"],
                    "subkind": row["subkind"] or None,
                    "reliability": row["reliability"],
                    "notes": row["notes"] or None,
                }.items()
                if v is not None
            },
        }
        if as_of_note is None:
            del props["as_of_note"]
        layers[CSV_LAYER[category]].append(feature(props, geometry))
    # heritage sites known only from heritage_landmarks.geojson
    in_csv = {r["name"].split(" (")[0] for r in read_csv(shared / "soja_facilities_addresses.csv")}
    for name, f in landmarks.items():
        if name not in in_csv and f["properties"].get("in_soja"):
            raise SystemExit(f"heritage landmark {name} is not handled")
    return layers, unlocated


def write_unlocated(path: Path, rows: Iterable[dict[str, str]]) -> None:
    rows = list(rows)
    fields = list(rows[0]) if rows else ["name_ja"]
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    atomic_write_text(path, buf.getvalue())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
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
    defaults = plan.default_measures

    town_feats, towns = load_towns(shared)
    facility_layers, unlocated = build_facilities(shared, towns, defaults)
    layers: dict[str, list[dict[str, Any]]] = {
        "boundary": build_boundary(shared),
        "towns": town_feats,
        "school_districts": build_school_districts(shared),
        "rail_lines": build_rail_lines(shared, defaults),
        "rail_stations": build_stations(shared, defaults),
        "transport_services": build_sesshu_kun(shared, defaults),
        "schools": build_schools(shared, towns, defaults),
        **facility_layers,
    }
    out.mkdir(parents=True, exist_ok=True)
    if out.resolve() != (REPO / "geodata").resolve():
        atomic_write_text(
            out / "plan.json", (REPO / "geodata" / "plan.json").read_text(encoding="utf-8")
        )
    for name, feats in layers.items():
        meta = {"layer": name, **LAYER_META[name]}
        write_feature_collection(out / f"{name}.geojson", feats, meta)
    write_unlocated(out / "unlocated.csv", unlocated)
    counts = {name: len(f) for name, f in layers.items()}
    print(json.dumps({"layers": counts, "unlocated": len(unlocated)}, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
