"""The place contract: the properties every feature carries (a pydantic model, also published as
JSON Schema), the categories and their geometry types."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated, Any, Final, Literal, get_args

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    WithJsonSchema,
)
from pydantic.fields import FieldInfo
from pydantic_core import PydanticCustomError

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


ID_MAX_LENGTH: Final = 128
ID_PATTERN: Final = r"^[A-Za-z0-9][A-Za-z0-9._:-]*$"
DATE_FORMATS: Final = "YYYY, YYYY-MM or YYYY-MM-DD (e.g. 2025-10-01)"
_DATE_RE: Final = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def _not_blank(value: str) -> str:
    if not value.strip():
        raise PydanticCustomError("field_empty", "the text is blank")
    return value


def _known_category(value: str) -> str:
    if value not in CATEGORIES:
        raise PydanticCustomError("category_unknown", "unknown category")
    return value


def partial_date(text: str) -> dt.date:
    """The first day a YYYY, YYYY-MM or YYYY-MM-DD date stands for; ValueError with the reason."""
    match = _DATE_RE.match(text)
    if not match:
        raise ValueError("not an ISO date")
    year, month, day = (int(g) if g else 1 for g in match.groups())
    try:
        return dt.date(year, month, day)
    except ValueError as exc:
        raise ValueError(f"not a real date ({exc})") from None


def _iso_date(text: str) -> str:
    try:
        partial_date(text)
    except ValueError as exc:
        raise PydanticCustomError("date_invalid", str(exc)) from None
    return text


def _flat_json(value: Any) -> Any:
    scalar = (str, int, float, bool)
    if value is None or isinstance(value, scalar):
        return value
    if isinstance(value, list) and all(v is None or isinstance(v, scalar) for v in value):
        return value
    raise PydanticCustomError(
        "attribute_invalid",
        "attribute values must be text, numbers, booleans, null or lists of those",
    )


_SCALAR_SCHEMA: dict[str, Any] = {"type": ["string", "number", "boolean", "null"]}
Text = Annotated[
    str, AfterValidator(_not_blank), WithJsonSchema({"type": "string", "pattern": r"\S"})
]
PlaceId = Annotated[str, StringConstraints(max_length=ID_MAX_LENGTH, pattern=ID_PATTERN)]
CategoryId = Annotated[
    str,
    AfterValidator(_known_category),
    WithJsonSchema({"type": "string", "enum": list(CATEGORIES)}),
]
IsoDate = Annotated[
    str,
    AfterValidator(_not_blank),
    AfterValidator(_iso_date),
    WithJsonSchema({"type": "string", "pattern": _DATE_RE.pattern}),
]
FlatValue = Annotated[
    Any,
    AfterValidator(_flat_json),
    WithJsonSchema({"anyOf": [_SCALAR_SCHEMA, {"type": "array", "items": _SCALAR_SCHEMA}]}),
]


class Source(BaseModel):
    """Where the data comes from: every place names its publisher, data set and a reference."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    publisher: Text = Field(description="who published the data (e.g. 総社市)")
    dataset: Text = Field(description="the list, document or data set")
    reference: Text = Field(description="URL or other reference to it")
    via: Any = Field(None, description="where it was taken from, when not from the publisher")
    kind: Literal["secondary"] | None = Field(
        None, description='"secondary" when the source is a blog, mirror or news report'
    )


class PlaceProperties(BaseModel):
    """The properties every feature in geodata/ carries: the place contract.

    ``validate`` checks each feature against this model and reports every problem at once; rules that
    need the plan, today's date, the category's role or the geometry live in ``validate.py``.
    """

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        title="soja-map place properties",
    )

    id: PlaceId = Field(
        description=f"stable unique id: letters, digits and . _ : - (max {ID_MAX_LENGTH})"
    )
    name_ja: Text = Field(description="name in Japanese")
    name_en: Text | None = Field(None, description="name in English, where known")
    category: CategoryId = Field(description="one of the fixed categories")
    measures: list[str] = Field(description="measure ids from the plan catalogue (>= 1 for places)")
    address: Text | None = Field(description="address as published, or null")
    description: str = Field(description="short description (may be empty)")
    source: Source = Field(description="{publisher, dataset, reference} of the data")
    licence: Text = Field(description="licence or terms of the source")
    as_of: IsoDate | None = Field(
        description=f"date the data describes: {DATE_FORMATS.split(' (')[0]}; null only with as_of_note"
    )
    as_of_note: Text | None = Field(
        None, description="why as_of is null or approximate (e.g. the source is undated)"
    )
    position_accuracy: PositionAccuracy = Field(description="surveyed, address_town or approximate")
    position_note: Text | None = Field(None, description="how the position was found")
    scope: Scope = Field(Scope.SITE, description="site (default) or city_wide (geometry null)")
    town: Text | None = Field(None, description="the 大字/町丁目 the place is in, where known")
    attribution: Text | None = Field(None, description="attribution text the source asks for")
    attributes: dict[str, FlatValue] = Field(
        default_factory=dict, description="other facts from the source (flat JSON values)"
    )
    # Typed facts (shelter role, child-care capacity, ...): the models live in soja_map.data.facts.
    facts: dict[str, Any] | None = Field(
        None, description="typed facts about the place (see soja_map.data.facts)"
    )
    internal_note: Text | None = Field(
        None, description="working notes for staff; never shown to the public"
    )


@dataclass(frozen=True, slots=True)
class FieldSpec:
    name: str
    required: bool
    nullable: bool
    help: str


def _field_spec(name: str, info: FieldInfo) -> FieldSpec:
    nullable = type(None) in get_args(info.annotation) or info.annotation is Any
    return FieldSpec(name, info.is_required(), nullable, info.description or "")


FIELDS: Final[dict[str, FieldSpec]] = {
    name: _field_spec(name, info) for name, info in PlaceProperties.model_fields.items()
}
REQUIRED_FIELDS: Final = tuple(f.name for f in FIELDS.values() if f.required)
SOURCE_FIELDS: Final = tuple(n for n, f in Source.model_fields.items() if f.is_required())
OPTIONAL_SOURCE_FIELDS: Final = tuple(
    n for n, f in Source.model_fields.items() if not f.is_required()
)


def place_properties_schema() -> dict[str, Any]:
    """The JSON Schema of a place's properties (published as docs/place-properties.schema.json)."""
    return PlaceProperties.model_json_schema(mode="validation")


# Soja lies around 133.6-133.8 E, 34.6-34.8 N; these bounds catch swapped axes and projected metres.
LON_RANGE: Final = (-180.0, 180.0)
LAT_RANGE: Final = (-90.0, 90.0)
STUDY_AREA_BUFFER_M: Final = 3000.0
METRIC_CRS: Final = "EPSG:6673"  # JGD2011 / Japan Plane Rectangular CS V (Okayama)
GEOGRAPHIC_CRS: Final = "EPSG:4326"


def category(category_id: str) -> Category:
    return CATEGORIES[category_id]


def valid_id(text: str) -> bool:
    return len(text) <= ID_MAX_LENGTH and re.fullmatch(ID_PATTERN, text) is not None
