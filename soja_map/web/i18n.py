"""Words that only the web app shows, in Japanese (default) and English; shared words live in soja_map.i18n."""

from __future__ import annotations

from typing import Any

from soja_map.i18n import MESSAGES as CORE_MESSAGES
from soja_map.i18n import Lang

UI_MESSAGES: dict[str, dict[Lang, str]] = {
    "menu": {"ja": "表示条件", "en": "Filters"},
    "close": {"ja": "閉じる", "en": "Close"},
    "view_filter": {"ja": "絞り込み", "en": "Filter"},
    "view_list": {"ja": "一覧", "en": "List"},
    "view_nearby": {"ja": "周辺", "en": "Nearby"},
    "view_planner": {"ja": "計画担当者", "en": "Planners"},
    "views": {"ja": "表示の切り替え", "en": "Views"},
    "other_language": {"ja": "English", "en": "日本語"},
    "other_language_label": {"ja": "Switch to English", "en": "日本語に切り替える"},
    "credits": {"ja": "出典・クレジット", "en": "Sources & credits"},
    "attribution": {"ja": "クレジット表記", "en": "Attribution"},
    "policies_placeholder": {"ja": "方針を選ぶ（すべて）", "en": "Any policy"},
    "measures_placeholder": {"ja": "施策を選ぶ（すべて）", "en": "Any measure"},
    "categories_placeholder": {"ja": "分類を選ぶ（すべて）", "en": "Any category"},
    "reset": {"ja": "条件をリセット", "en": "Reset filters"},
    "summary": {
        "ja": "{shown} 件を表示中（地図上 {located}・市全域 {city}）／全 {total} 件",
        "en": "Showing {shown} of {total} places ({located} on the map, {city} city-wide)",
    },
    "search": {"ja": "場所をさがす", "en": "Find a place"},
    "search_placeholder": {"ja": "名前で検索（例: 総社駅）", "en": "Search by name (e.g. 総社駅)"},
    "search_none": {"ja": "見つかりません", "en": "Nothing found"},
    "jump": {"ja": "町域・駅へ移動", "en": "Go to a town or station"},
    "jump_stations": {"ja": "駅", "en": "Stations"},
    "jump_towns": {"ja": "大字・町丁目", "en": "Towns"},
    "name_en": {"ja": "英語名", "en": "English name"},
    "name_ja": {"ja": "日本語名", "en": "Japanese name"},
    "town": {"ja": "町域", "en": "Town"},
    "show_measure": {"ja": "この施策の場所を地図に表示", "en": "Show this measure's places"},
    "not_in_filter": {
        "ja": "現在の表示条件では地図に表示されていません。",
        "en": "Not shown on the map with the current filters.",
    },
    "data_note": {"ja": "データについて", "en": "About the data"},
    "layer_partial": {
        "ja": "この分類のデータは一部のみです。",
        "en": "This layer is incomplete.",
    },
    "list_caption": {"ja": "表示中の場所の一覧", "en": "Places shown"},
    "col_name": {"ja": "名称", "en": "Name"},
    "col_category": {"ja": "分類", "en": "Category"},
    "col_projects": {"ja": "重点プロジェクト", "en": "Priority projects"},
    "col_town": {"ja": "町域", "en": "Town"},
    "prev": {"ja": "前へ", "en": "Previous"},
    "next": {"ja": "次へ", "en": "Next"},
    "page_of": {"ja": "{first}–{last} 件目／{total} 件", "en": "{first}–{last} of {total}"},
    "list_empty": {"ja": "表示条件に合う場所はありません。", "en": "No place matches the filters."},
    "city_wide_badge": {"ja": "市全域", "en": "City-wide"},
    "nearby_help": {
        "ja": "地図をクリックするか、現在地か町域を選ぶと、表示中の分類ごとに最寄りの場所を表示します。",
        "en": "Click the map, use your location or pick a town to see the nearest place of each category shown.",
    },
    "locate": {"ja": "現在地", "en": "My location"},
    "near_town": {"ja": "町域から選ぶ", "en": "Pick a town"},
    "clear": {"ja": "クリア", "en": "Clear"},
    "origin_click": {"ja": "地図上の地点", "en": "Point on the map"},
    "origin_location": {"ja": "現在地", "en": "Your location"},
    "origin": {"ja": "起点", "en": "From"},
    "nearby_row": {
        "ja": "直線 {distance}・徒歩 {walk} 分（高齢の方 {elderly} 分）",
        "en": "{distance} in a straight line, {walk} min walk ({elderly} min for older people)",
    },
    "nearby_note": {
        "ja": "直線距離からの目安（徒歩 分速80 m、高齢の方 分速50 m）。実際の道のりはこれより長くなります。",
        "en": "Estimates from straight-line distance (walking 80 m/min, older people 50 m/min); real routes are longer.",
    },
    "nearby_none": {"ja": "表示中の場所がありません。", "en": "No place is shown."},
    "locate_failed": {
        "ja": "現在地を取得できませんでした（{reason}）。",
        "en": "Could not get your location ({reason}).",
    },
    "planner_intro": {
        "ja": "徒歩圏のカバー率や空白地域を確認できます。",
        "en": "Check walking-distance coverage and gaps.",
    },
    "planner_missing": {
        "ja": "カバー率パネルは準備中です。",
        "en": "The coverage panel is not available yet.",
    },
    "measure_places": {"ja": "{n} か所", "en": "{n} places"},
    "measure_city_wide": {"ja": "市全域", "en": "city-wide"},
    "measure_chosen": {"ja": "選んだ施策", "en": "Chosen measures"},
    "city_wide_items": {"ja": "市全域のサービス", "en": "City-wide services"},
    "city_wide_measures": {"ja": "市全域の施策", "en": "City-wide measures"},
    "basemap_gsi-pale": {"ja": "地理院 淡色地図", "en": "GSI pale map"},
    "basemap_gsi-std": {"ja": "地理院 標準地図", "en": "GSI standard map"},
    "basemap_gsi-photo": {"ja": "地理院 写真", "en": "GSI aerial photos"},
    "basemap_osm": {"ja": "OpenStreetMap", "en": "OpenStreetMap"},
    "basemap_none": {"ja": "背景地図なし", "en": "No background map"},
    "ref_boundary": {"ja": "市域", "en": "City boundary"},
    "ref_rail": {"ja": "鉄道路線（参考）", "en": "Railway lines (context)"},
    "ref_towns": {"ja": "大字・町丁目（代表点）", "en": "Towns (points)"},
    "ref_elementary": {"ja": "小学校区（参考）", "en": "Elementary school districts"},
    "ref_junior_high": {"ja": "中学校区（参考）", "en": "Junior-high school districts"},
    "cluster_unit": {"ja": "件", "en": "places"},
    "map_label": {
        "ja": "総社市の地図。場所は一覧タブからも選べます。",
        "en": "Map of Soja. Places can also be chosen in the List tab.",
    },
    "tile_credit": {
        "ja": "背景地図: 地理院タイル（国土地理院）、© OpenStreetMap contributors (ODbL)",
        "en": "Background maps: GSI tiles (Geospatial Information Authority of Japan), © OpenStreetMap contributors (ODbL)",
    },
    "layers_notes": {"ja": "レイヤーの注意事項", "en": "Notes on the layers"},
    "sources_file": {"ja": "geodata/SOURCES.md の全文", "en": "geodata/SOURCES.md in full"},
    "complete": {"ja": "全件", "en": "complete"},
    "partial": {"ja": "一部のみ", "en": "partial"},
    "skip_to_list": {"ja": "一覧へ移動", "en": "Skip to the list"},
}


def tr(key: str, lang: Lang = "ja", **values: Any) -> str:
    """The UI message ``key`` (or a shared one from soja_map.i18n) in ``lang``, formatted with ``values``."""
    entry = UI_MESSAGES.get(key) or CORE_MESSAGES.get(key)
    if entry is None:
        return key
    text = entry.get(lang) or entry["ja"]
    return text.format(**values) if values else text


def other_lang(lang: str) -> Lang:
    return "en" if lang == "ja" else "ja"
