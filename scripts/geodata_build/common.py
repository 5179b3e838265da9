"""Shared by every step: the public texts of sources and licences, small helpers, the build
context (bundle folder, crosswalk, plan, town points) and ``place``, which writes a place's
properties in the schema's field order."""

from __future__ import annotations

import csv
import hashlib
import json
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pyproj import Geod

from soja_map.data.facts import Facts
from soja_map.data.plan import Plan
from soja_map.data.towns import Town, TownIndex

REPO = Path(__file__).resolve().parents[2]
CROSSWALK = Path(__file__).resolve().parents[1] / "geodata_crosswalk.json"
GEOD = Geod(ellps="GRS80")

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


def github_url(via: str) -> str:
    """'github.com/OWNER/REPO PATH @ COMMIT' (as the bundle writes it) as a permanent link."""
    m = re.match(r"^github\.com/([^/\s]+/[^/\s]+) (\S+) @ ([0-9a-f]{7,40})$", via.strip())
    if m is None:
        raise SystemExit(f"not a 'github.com/OWNER/REPO PATH @ COMMIT' reference: {via!r}")
    repo, path, commit = m.groups()
    return f"https://github.com/{repo}/blob/{commit}/{path}"


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
