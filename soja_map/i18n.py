"""User-visible words shared by the app and the export, in Japanese (default) and English."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

Lang = Literal["ja", "en"]
LANGS: tuple[Lang, ...] = ("ja", "en")

MESSAGES: dict[str, dict[Lang, str]] = {
    "app_title": {"ja": "総社市 重点プロジェクトマップ", "en": "Soja City priority projects map"},
    "legend": {"ja": "凡例", "en": "Legend"},
    "priority_projects": {"ja": "重点プロジェクト", "en": "Priority projects"},
    "policies": {"ja": "方針", "en": "Policies"},
    "measures": {"ja": "施策", "en": "Measures"},
    "categories": {"ja": "分類", "en": "Categories"},
    "reference_layers": {"ja": "参考レイヤー", "en": "Reference layers"},
    "city_wide": {
        "ja": "市全域の取り組み（地図上の位置なし）",
        "en": "City-wide (no single site on the map)",
    },
    "several_projects": {
        "ja": "複数のプロジェクトに関わる場所",
        "en": "Place serving several projects",
    },
    "address": {"ja": "住所", "en": "Address"},
    "category": {"ja": "分類", "en": "Category"},
    "description": {"ja": "説明", "en": "Description"},
    "source": {"ja": "出典", "en": "Source"},
    "licence": {"ja": "利用条件", "en": "Licence"},
    "as_of": {"ja": "時点", "en": "As of"},
    "undated": {"ja": "日付不明", "en": "undated"},
    "position": {"ja": "位置の精度", "en": "Position"},
    "data_as_of": {"ja": "データの時点", "en": "Data as of"},
    "filter": {"ja": "表示条件", "en": "Filter"},
    "data_sources": {"ja": "データ出典", "en": "Data sources"},
    "tiles": {"ja": "背景地図", "en": "Background map"},
    "no_tiles": {"ja": "背景地図なし", "en": "No background map"},
    "north": {"ja": "北", "en": "N"},
    "places": {"ja": "件", "en": "places"},
    "boundary": {"ja": "市域", "en": "City boundary"},
    "towns": {"ja": "大字・町丁目（代表点）", "en": "Towns (representative points)"},
    "school_districts": {"ja": "学区（参考）", "en": "School districts (indicative)"},
    "elementary_districts": {
        "ja": "小学校区（参考）",
        "en": "Elementary school districts (indicative)",
    },
    "junior_high_districts": {
        "ja": "中学校区（参考）",
        "en": "Junior-high school districts (indicative)",
    },
    "rail_lines": {"ja": "鉄道路線", "en": "Railway lines"},
    "rail_context": {"ja": "鉄道路線（参考）", "en": "Railway lines (context)"},
    "pos_surveyed": {
        "ja": "公的な地図データの位置",
        "en": "Position from a published map data set",
    },
    "pos_address_town": {
        "ja": "おおよその位置（住所の大字・町丁目の代表点。実際の場所と数百m〜1km程度ずれることがあります）",
        "en": "Approximate: the representative point of the address's town (may be several hundred metres to 1 km off)",
    },
    "pos_approximate": {"ja": "おおよその位置", "en": "Approximate position"},
}


def as_lang(value: object) -> Lang:
    """``value`` if it is a supported language, else Japanese (the default)."""
    return "en" if value == "en" else "ja"


def lookup(table: Mapping[str, Mapping[Lang, str]], key: str, lang: Lang = "ja") -> str:
    """``key`` from a module's own word table in ``lang``, falling back to Japanese."""
    entry = table[key]
    return entry.get(lang) or entry["ja"]


def t(key: str, lang: Lang = "ja") -> str:
    """The message ``key`` in ``lang`` (falls back to Japanese, then to the key itself)."""
    entry = MESSAGES.get(key)
    if entry is None:
        return key
    return entry.get(lang) or entry["ja"]


def position_label(accuracy: str, lang: Lang = "ja") -> str:
    return t(f"pos_{accuracy}", lang)
