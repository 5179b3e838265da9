"""Typed facts a place may carry beside its plan links: its shelter role, child care, medical care,
the rules of a service, and why it serves its measures.

A feature's optional ``facts`` property is an object of this shape (``Facts``). Ids (hazards,
child-care types, medical kinds, rule ids) are stable keys: the UI translates them through the
message catalogue (``hazard_<id>``, ``childcare_type_<id>``, ``medical_kind_<id>``); the texts
stored here are the source's own words, in Japanese, for the public.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

DATE_PATTERN = r"^\d{4}(-\d{2}(-\d{2})?)?$"
GSI_ID_PATTERN = r"^E\d{13}$"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Hazard(StrEnum):
    """The hazards a 指定緊急避難場所 is designated for (GSI data's eight flags)."""

    FLOOD = "flood"  # 洪水
    LANDSLIDE = "landslide"  # 崖崩れ、土石流及び地滑り
    STORM_SURGE = "storm_surge"  # 高潮
    EARTHQUAKE = "earthquake"  # 地震
    TSUNAMI = "tsunami"  # 津波
    FIRE = "fire"  # 大規模な火事
    INLAND_FLOOD = "inland_flood"  # 内水氾濫
    VOLCANO = "volcano"  # 火山現象


# the shelter layer's choices (query.shelters): every site, the 指定避難所, or the 指定緊急避難場所
# designated for one hazard; here so the CLI can offer them without loading geopandas
SHELTER_LAYER_CHOICES: tuple[str, ...] = ("all", "shelter", *(h.value for h in Hazard))


class ChildcareType(StrEnum):
    LICENSED_NURSERY = "licensed_nursery"  # 認可保育所
    SMALL_SCALE = "small_scale"  # 小規模保育 (地域型保育)
    WORKPLACE = "workplace"  # 事業所内保育 (地域型保育)
    CERTIFIED_CENTRE = "certified_centre"  # 認定こども園
    KINDERGARTEN = "kindergarten"  # 幼稚園
    UNLICENSED = "unlicensed"  # 認可外保育施設
    COMPANY_LED = "company_led"  # 企業主導型保育
    SUPPORT_HUB = "support_hub"  # 地域子育て支援拠点 (つどいの広場など)
    FAMILY_SUPPORT = "family_support"  # ファミリー・サポート・センター
    AFTER_SCHOOL_CLUB = "after_school_club"  # 放課後児童クラブ


LICENSED_CHILDCARE: frozenset[ChildcareType] = frozenset(
    {
        ChildcareType.LICENSED_NURSERY,
        ChildcareType.SMALL_SCALE,
        ChildcareType.WORKPLACE,
        ChildcareType.CERTIFIED_CENTRE,
    }
)


class MedicalKind(StrEnum):
    HOSPITAL = "hospital"  # 病院
    CLINIC = "clinic"  # 診療所・クリニック


# Message keys (soja_map/i18n catalogue) for the stable ids, written out so that the catalogue's
# "unused key" check can see them: the UI shows tr(HAZARD_MESSAGE[h]) etc.
HAZARD_MESSAGE: dict[Hazard, str] = {
    Hazard.FLOOD: "hazard_flood",
    Hazard.LANDSLIDE: "hazard_landslide",
    Hazard.STORM_SURGE: "hazard_storm_surge",
    Hazard.EARTHQUAKE: "hazard_earthquake",
    Hazard.TSUNAMI: "hazard_tsunami",
    Hazard.FIRE: "hazard_fire",
    Hazard.INLAND_FLOOD: "hazard_inland_flood",
    Hazard.VOLCANO: "hazard_volcano",
}
SHELTER_MESSAGE = {
    "emergency_site": "hazard_emergency_site",
    "evacuation_shelter": "hazard_evacuation_shelter",
}
CHILDCARE_TYPE_MESSAGE: dict[ChildcareType, str] = {
    ChildcareType.LICENSED_NURSERY: "childcare_type_licensed_nursery",
    ChildcareType.SMALL_SCALE: "childcare_type_small_scale",
    ChildcareType.WORKPLACE: "childcare_type_workplace",
    ChildcareType.CERTIFIED_CENTRE: "childcare_type_certified_centre",
    ChildcareType.KINDERGARTEN: "childcare_type_kindergarten",
    ChildcareType.UNLICENSED: "childcare_type_unlicensed",
    ChildcareType.COMPANY_LED: "childcare_type_company_led",
    ChildcareType.SUPPORT_HUB: "childcare_type_support_hub",
    ChildcareType.FAMILY_SUPPORT: "childcare_type_family_support",
    ChildcareType.AFTER_SCHOOL_CLUB: "childcare_type_after_school_club",
}
CHILDCARE_STATUS_UNKNOWN_MESSAGE = "childcare_type_status_unknown"
MEDICAL_KIND_MESSAGE: dict[MedicalKind, str] = {
    MedicalKind.HOSPITAL: "medical_kind_hospital",
    MedicalKind.CLINIC: "medical_kind_clinic",
}


class ServiceRuleId(StrEnum):
    FARE = "fare"
    FARE_REDUCED = "fare_reduced"
    DAYS = "days"
    HOURS = "hours"
    REGISTRATION = "registration"
    BOOKING = "booking"
    ZONES = "zones"
    ZONE_RULE = "zone_rule"


class FactSource(_Model):
    """Where one fact was read: publisher and page; ``kind`` says whether it is the publisher's
    own page or a secondary source (a blog, a mirror, the news) quoting it."""

    publisher: str = Field(min_length=1)
    title: str = Field(min_length=1)
    url: str | None = None
    kind: Literal["official", "secondary"] = "official"
    as_of: str | None = Field(default=None, pattern=DATE_PATTERN)


class ShelterFacts(_Model):
    """The site's designation as a 指定緊急避難場所 (for which hazards) and/or a 指定避難所."""

    gsi_ids: tuple[str, ...] = Field(min_length=1)
    name_in_source: str = Field(min_length=1)
    emergency_site: bool
    emergency_site_hazards: tuple[Hazard, ...] = ()
    evacuation_shelter: bool
    as_of: str = Field(pattern=DATE_PATTERN)

    @model_validator(mode="after")
    def _hazards_only_for_emergency_sites(self) -> ShelterFacts:
        if self.emergency_site_hazards and not self.emergency_site:
            raise ValueError("hazards are designated for emergency sites only")
        if not (self.emergency_site or self.evacuation_shelter):
            raise ValueError("a shelter role needs an emergency-site or shelter designation")
        for gsi_id in self.gsi_ids:
            if not re.match(GSI_ID_PATTERN, gsi_id):
                raise ValueError(f"not a GSI 共通ID: {gsi_id!r}")
        return self


class ChildcareFacts(_Model):
    type: ChildcareType
    capacity: int | None = Field(default=None, ge=0)  # 定員
    enrolled: int | None = Field(default=None, ge=0)  # 利用 (may exceed capacity: it is real)
    enrolled_as_of: str | None = Field(default=None, pattern=DATE_PATTERN)
    list_name: str | None = None  # the public list the facts come from
    list_as_of: str | None = Field(default=None, pattern=DATE_PATTERN)
    hours: str | None = None
    status: Literal["listed", "status_unknown"] = "listed"

    @model_validator(mode="after")
    def _enrolled_has_a_date(self) -> ChildcareFacts:
        if self.enrolled is not None and self.enrolled_as_of is None:
            raise ValueError("an enrolment figure needs the date of the list it comes from")
        return self

    @property
    def licensed(self) -> bool:
        return self.type in LICENSED_CHILDCARE


class MedicalFacts(_Model):
    kind: MedicalKind
    departments: tuple[str, ...] = ()
    closed_days: str | None = None
    tel: str | None = None


class ServiceRule(_Model):
    """One rule of a service (雪舟くん), in the source's words, with its source."""

    id: ServiceRuleId
    text_ja: str = Field(min_length=1)
    sources: tuple[FactSource, ...] = Field(min_length=1)


class LinkReason(_Model):
    """Why a place serves these measures, in plain words shown to the public."""

    measures: tuple[str, ...] = Field(min_length=1)
    reason_ja: str = Field(min_length=1)
    reason_en: str = Field(min_length=1)
    basis: Literal["category", "place"] = "category"


class Facts(_Model):
    shelter: ShelterFacts | None = None
    childcare: ChildcareFacts | None = None
    medical: MedicalFacts | None = None
    service_rules: tuple[ServiceRule, ...] | None = None
    links: tuple[LinkReason, ...] | None = None


def parse_facts(data: Mapping[str, Any] | None) -> Facts | None:
    """The typed facts of a feature's ``facts`` property (None when it has none)."""
    return None if data is None else Facts.model_validate(data)


def facts_problems(data: Any) -> list[str]:
    """Every problem with a ``facts`` value, as 'location: message' strings (empty when valid)."""
    if data is None:
        return []
    try:
        Facts.model_validate(data)
    except ValidationError as exc:
        return [f"{'.'.join(str(x) for x in e['loc'])}: {e['msg']}" for e in exc.errors()]
    return []


def hazards_of(facts: Mapping[str, Any] | None) -> tuple[Hazard, ...]:
    """The hazards a place is a designated emergency site for (none if it is not a shelter)."""
    parsed = parse_facts(facts)
    if parsed is None or parsed.shelter is None:
        return ()
    return parsed.shelter.emergency_site_hazards


def is_shelter(facts: Mapping[str, Any] | None) -> bool:
    return bool(facts) and isinstance(facts, Mapping) and facts.get("shelter") is not None


def linked_measures(reasons: Iterable[LinkReason]) -> list[str]:
    return list(dict.fromkeys(m for r in reasons for m in r.measures))


def shelter_sites(*frames: Any) -> Any:
    """Every site with a shelter role, from any frames of places (e.g. ``data.places`` and
    ``data.references["evacuation_shelter"]``), with ``hazards`` (a tuple of Hazard values),
    ``evacuation_shelter`` (bool) and one boolean column per hazard (``hazard_flood``...), so that
    a layer, a hazard filter, "the nearest site for floods" and shelter coverage read one frame."""
    import pandas as pd  # noqa: PLC0415 - the data layer's frames are pandas already

    parts = [f[f["facts"].map(is_shelter)] for f in frames if f is not None and len(f)]
    if not parts:
        return None
    sites = pd.concat(parts)
    sites = sites[~sites.index.duplicated()]
    shelter = sites["facts"].map(lambda f: f["shelter"])
    sites["hazards"] = shelter.map(
        lambda s: tuple(Hazard(h) for h in s.get("emergency_site_hazards") or ())
    )
    sites["evacuation_shelter"] = shelter.map(lambda s: bool(s.get("evacuation_shelter")))
    for hazard in Hazard:
        sites[f"hazard_{hazard.value}"] = sites["hazards"].map(lambda hs, h=hazard: h in hs)
    return sites


class Completeness(_Model):
    """Whether a category's places are all there (complete) or a known part (with a public note)."""

    complete: bool
    note_ja: str = Field(min_length=1)
    note_en: str = Field(min_length=1)


def category_completeness(layers: Mapping[str, Mapping[str, Any]]) -> dict[str, Completeness]:
    """Category id -> its completeness record, from the layers' metadata (``Dataset.layers``), so
    that a count can say "partial" where it is shown (filter, legend, export legend)."""
    out: dict[str, Completeness] = {}
    for meta in layers.values():
        for category, record in (meta.get("categories") or {}).items():
            out[category] = Completeness.model_validate(record)
    return out
