"""Radius presets from planning handbooks, as data: an id, a radius, the id of its source, its categories.

The words (a preset's label, the sentence citing its source) are in the message catalogue under
``report_preset_<id>`` and ``report_radius_source_<id>``; ``RADIUS_SOURCES`` says what each source id is.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final

from soja_map.errors import ConfigError


@dataclass(frozen=True)
class RadiusSource:
    """A planning document a radius comes from."""

    id: str
    publisher: str
    title: str
    date: str  # as published, e.g. "2014-08"


RADIUS_SOURCES: Final[dict[str, RadiusSource]] = {
    s.id: s
    for s in (
        RadiusSource(
            "mlit_urban_structure_handbook",
            "国土交通省 都市局 都市計画課",
            "都市構造の評価に関するハンドブック",
            "2014-08",
        ),
        RadiusSource(
            "urban_parks_catchment_standard",
            "国土交通省",
            "都市公園法施行令（旧配置基準）・都市公園法運用指針",
            "",
        ),
    )
}
HANDBOOK: Final = "mlit_urban_structure_handbook"
PARKS: Final = "urban_parks_catchment_standard"


@dataclass(frozen=True)
class Preset:
    """A named radius with the planning source it comes from."""

    name: str  # the stable id
    radius_m: float
    source: str  # an id of RADIUS_SOURCES
    categories: tuple[str, ...] = ()  # categories this radius is usually applied to


WALK_CATEGORIES: Final = (
    "rail_station",
    "medical_facility",
    "welfare_facility",
    "shop",
    "nursery",
    "kodomo_en",
    "kindergarten",
    "child_support_centre",
    "after_school_club",
    "school",
    "community_centre",
    "city_office",
    "tourism_site",
    "heritage_site",
    "industrial_site",
)

PRESETS: Final[dict[str, Preset]] = {
    p.name: p
    for p in (
        Preset("walk", 800.0, HANDBOOK, WALK_CATEGORIES),
        Preset("elderly", 500.0, HANDBOOK),
        Preset("bus_stop", 300.0, HANDBOOK, ("bus_stop", "bus_route")),
        Preset("elderly_welfare", 1000.0, HANDBOOK),
        Preset("shelter", 1000.0, HANDBOOK, ("evacuation_shelter",)),
        Preset("park_block", 250.0, PARKS, ("park",)),
        Preset("park_neighbourhood", 500.0, PARKS),
        Preset("park_district", 1000.0, PARKS),
    )
}
DEFAULT_PRESET: Final = "walk"


def preset(name: str) -> Preset:
    """The preset called ``name``; ConfigError naming the choices otherwise."""
    try:
        return PRESETS[name]
    except KeyError:
        raise ConfigError(
            f"unknown radius preset {name!r}; choose one of {', '.join(PRESETS)}"
        ) from None


def preset_for(categories: Iterable[str]) -> Preset:
    """The usual preset for a selection: the one listing its first category, else 800 m walking."""
    for category in categories:
        for p in PRESETS.values():
            if category in p.categories:
                return p
    return PRESETS[DEFAULT_PRESET]


def preset_matching(radius_m: float, name: str | None = None) -> Preset | None:
    """The named preset if its radius is ``radius_m``, else the first preset with that radius."""
    if name is not None and name in PRESETS and PRESETS[name].radius_m == radius_m:
        return PRESETS[name]
    return next((p for p in PRESETS.values() if p.radius_m == radius_m), None)
