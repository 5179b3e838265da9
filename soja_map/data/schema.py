"""The place contract: the properties every feature carries, the categories and their geometry types."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Final

# RFC 7946 geometry type names
POINT = "Point"
LINES = ("LineString", "MultiLineString")
AREAS = ("Polygon", "MultiPolygon")


class Role(StrEnum):
    PLACE = "place"  # where a measure happens: must name at least one measure
    REFERENCE = "reference"  # context drawn under the places (boundary, towns, districts)
    # safety information that is not a plan measure (a designated evacuation site with no other
    # role): shown and searchable, never linked to a measure, never counted as a plan site
    SAFETY = "safety"


class PositionAccuracy(StrEnum):
    SURVEYED = "surveyed"  # geometry as published in a mapped data set (KSJ, N03, ...)
    ADDRESS_TOWN = (
        "address_town"  # the representative point of the 大字/町丁目 named in the address
    )
    APPROXIMATE = (
        "approximate"  # any other approximate position; position_note says how it was found
    )


class Scope(StrEnum):
    SITE = "site"
    CITY_WIDE = "city_wide"  # a service or programme for the whole city: geometry is null


@dataclass(frozen=True, slots=True)
class Category:
    id: str
    label_ja: str
    label_en: str
    geometry_types: tuple[str, ...]
    role: Role = Role.PLACE
    group: str = "other"


_C = Category
CATEGORIES: Final[dict[str, Category]] = {
    c.id: c
    for c in (
        _C("rail_station", "鉄道駅", "Railway station", (POINT,), group="transport"),
        _C("rail_line", "鉄道路線", "Railway line", LINES, group="transport"),
        _C("bus_stop", "バス停", "Bus stop", (POINT,), group="transport"),
        _C("bus_route", "バス路線", "Bus route", LINES, group="transport"),
        _C(
            "demand_transport",
            "デマンド型乗合交通",
            "Demand-responsive transport",
            AREAS,
            group="transport",
        ),
        _C("tourism_site", "観光施設・観光地", "Tourism site", (POINT, *AREAS), group="tourism"),
        _C("heritage_site", "文化財・史跡", "Heritage site", (POINT, *AREAS), group="tourism"),
        _C("park", "公園", "Park", (POINT, *AREAS), group="tourism"),
        _C("nursery", "保育所・地域型保育", "Nursery", (POINT,), group="child"),
        _C(
            "unlicensed_childcare",
            "認可外保育施設・企業主導型保育",
            "Unlicensed or company-led childcare",
            (POINT,),
            group="child",
        ),
        _C("kodomo_en", "認定こども園", "Certified child centre", (POINT,), group="child"),
        _C("kindergarten", "幼稚園", "Kindergarten", (POINT,), group="child"),
        _C(
            "child_support_centre",
            "子育て支援拠点",
            "Child-rearing support centre",
            (POINT,),
            group="child",
        ),
        _C("after_school_club", "放課後児童クラブ", "After-school club", (POINT,), group="child"),
        _C("school", "学校", "School", (POINT, *AREAS), group="education"),
        _C("welfare_facility", "福祉施設", "Welfare facility", (POINT,), group="welfare"),
        _C("medical_facility", "医療機関", "Medical facility", (POINT,), group="welfare"),
        _C(
            "community_centre",
            "公民館・コミュニティ施設",
            "Community centre",
            (POINT,),
            group="community",
        ),
        _C("city_office", "市役所・出張所", "City office", (POINT,), group="community"),
        _C(
            "evacuation_shelter",
            "避難場所・避難所",
            "Evacuation site or shelter",
            (POINT, *AREAS),
            Role.SAFETY,
            "safety",
        ),
        _C("shop", "商業施設", "Shop or market", (POINT,), group="industry"),
        _C(
            "industrial_site",
            "工業団地・産業拠点",
            "Industrial site",
            (POINT, *AREAS),
            group="industry",
        ),
        _C("city_boundary", "市域", "City boundary", AREAS, Role.REFERENCE, "reference"),
        _C("town", "大字・町丁目", "Town (ōaza / chōme)", (POINT,), Role.REFERENCE, "reference"),
        _C("school_district", "学区", "School district", AREAS, Role.REFERENCE, "reference"),
    )
}

PLACE_CATEGORIES: Final = tuple(c for c, v in CATEGORIES.items() if v.role is Role.PLACE)
REFERENCE_CATEGORIES: Final = tuple(c for c, v in CATEGORIES.items() if v.role is Role.REFERENCE)
SAFETY_CATEGORIES: Final = tuple(c for c, v in CATEGORIES.items() if v.role is Role.SAFETY)


@dataclass(frozen=True, slots=True)
class FieldSpec:
    name: str
    types: tuple[type, ...]
    required: bool
    nullable: bool
    help: str


_F = FieldSpec
FIELDS: Final[dict[str, FieldSpec]] = {
    f.name: f
    for f in (
        _F("id", (str,), True, False, "stable unique id: letters, digits and . _ : - (max 128)"),
        _F("name_ja", (str,), True, False, "name in Japanese"),
        _F("name_en", (str,), False, True, "name in English, where known"),
        _F("category", (str,), True, False, "one of the fixed categories"),
        _F(
            "measures",
            (list,),
            True,
            False,
            "measure ids from the plan catalogue (>= 1 for places)",
        ),
        _F("address", (str,), True, True, "address as published, or null"),
        _F("description", (str,), True, False, "short description (may be empty)"),
        _F("source", (dict,), True, False, "{publisher, dataset, reference} of the data"),
        _F("licence", (str,), True, False, "licence or terms of the source"),
        _F(
            "as_of",
            (str,),
            True,
            True,
            "date the data describes: YYYY, YYYY-MM or YYYY-MM-DD; null only with as_of_note",
        ),
        _F(
            "as_of_note",
            (str,),
            False,
            True,
            "why as_of is null or approximate (e.g. the source is undated)",
        ),
        _F("position_accuracy", (str,), True, False, "surveyed, address_town or approximate"),
        _F("position_note", (str,), False, True, "how the position was found"),
        _F("scope", (str,), False, False, "site (default) or city_wide (geometry null)"),
        _F("town", (str,), False, True, "the 大字/町丁目 the place is in, where known"),
        _F("attribution", (str,), False, True, "attribution text the source asks for"),
        _F("attributes", (dict,), False, False, "other facts from the source (flat JSON values)"),
        _F(
            "facts",
            (dict,),
            False,
            True,
            "typed facts (shelter, childcare, medical...): data/facts.py",
        ),
        _F("internal_note", (str,), False, True, "technical note for staff; never shown publicly"),
    )
}
REQUIRED_FIELDS: Final = tuple(f.name for f in FIELDS.values() if f.required)
SOURCE_FIELDS: Final = ("publisher", "dataset", "reference")
OPTIONAL_SOURCE_FIELDS: Final = ("via", "kind")  # kind: "secondary" for blogs, mirrors, news

ID_MAX_LENGTH: Final = 128
ID_CHARS: Final = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._:-")

# Soja lies around 133.6-133.8 E, 34.6-34.8 N; these bounds catch swapped axes and projected metres.
LON_RANGE: Final = (-180.0, 180.0)
LAT_RANGE: Final = (-90.0, 90.0)
STUDY_AREA_BUFFER_M: Final = 3000.0
METRIC_CRS: Final = "EPSG:6673"  # JGD2011 / Japan Plane Rectangular CS V (Okayama)
GEOGRAPHIC_CRS: Final = "EPSG:4326"


def category(category_id: str) -> Category:
    return CATEGORIES[category_id]


def valid_id(text: str) -> bool:
    return 0 < len(text) <= ID_MAX_LENGTH and text[0].isalnum() and set(text) <= ID_CHARS
