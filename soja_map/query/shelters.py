"""Which evacuation sites to show: the one rule the app's shelter layer and the export's share.

The shelter layer is reference (safety) information, not a plan measure. Its sites are every place
with a shelter role (a school, a nursery, a community centre... shown as itself, with the role as
facts) and the shelter-only sites (``references["evacuation_shelter"]``), from
``data.facts.shelter_sites``. A *choice* narrows them: ``all`` (every site), ``shelter`` (指定避難所)
or a hazard id (指定緊急避難場所 designated for that hazard, e.g. ``flood``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import geopandas as gpd

from soja_map.data.dataset import Dataset
from soja_map.data.facts import (
    HAZARD_MESSAGE,
    SHELTER_LAYER_CHOICES,
    SHELTER_MESSAGE,
    Hazard,
    shelter_sites,
)
from soja_map.i18n import Translator

CHOICES: tuple[str, ...] = SHELTER_LAYER_CHOICES
ALL, SHELTER = CHOICES[:2]  # every site; 指定避難所
DEFAULT_CHOICE = ALL

# the message key naming each choice (tr(CHOICE_MESSAGE[choice]))
CHOICE_MESSAGE: dict[str, str] = {
    ALL: "dataui_shelters_all",
    SHELTER: SHELTER_MESSAGE["evacuation_shelter"],
    **{h.value: HAZARD_MESSAGE[h] for h in Hazard},
}


def sites(data: Dataset) -> gpd.GeoDataFrame:
    """Every site with a shelter role, located, in EPSG:4326, in id order: places first (they
    are the ones with another role), then shelter-only sites. Columns as ``shelter_sites`` plus
    ``shelter_only`` (True for a site with no other role)."""
    only = data.references.get("evacuation_shelter")
    frames = [f for f in (data.places, only) if f is not None and "facts" in f.columns]
    frame = shelter_sites(*frames)  # data without facts (e.g. generated for a bench) has none
    if frame is None:
        return gpd.GeoDataFrame({"shelter_only": []}, geometry=[], crs="EPSG:4326")
    frame = gpd.GeoDataFrame(frame, geometry="geometry", crs=data.places.crs)
    frame = frame[frame.geometry.notna()].copy()
    frame["shelter_only"] = ~frame.index.isin(data.places.index)
    return frame.sort_values(["shelter_only", "name_ja"], kind="stable")


def check_choice(choice: Any) -> str:
    """A known choice (anything else, e.g. from a hand-edited URL, falls back to ``all``)."""
    return choice if isinstance(choice, str) and choice in CHOICES else DEFAULT_CHOICE


def select(frame: gpd.GeoDataFrame, choice: str | None) -> gpd.GeoDataFrame:
    """The sites for ``choice``: all, 指定避難所 only, or those designated for one hazard."""
    choice = check_choice(choice)
    if choice == ALL or frame.empty:
        return frame
    if choice == SHELTER:
        return frame[frame["evacuation_shelter"].astype(bool)]
    return frame[frame[f"hazard_{choice}"].astype(bool)]


def counts(frame: gpd.GeoDataFrame) -> dict[str, int]:
    """How many sites each choice shows (hazards with no site in Soja count 0)."""
    return {choice: len(select(frame, choice)) for choice in CHOICES}


def offered(frame: gpd.GeoDataFrame) -> list[str]:
    """The choices worth offering: all, 指定避難所, and the hazards at least one site is designated for."""
    n = counts(frame)
    return [c for c in CHOICES if c in (ALL, SHELTER) or n[c] > 0]


def site_ids(data: Dataset, choice: str | None) -> list[str]:
    """The ids of the sites shown for ``choice``, in layer order (what both faces draw)."""
    return [str(x) for x in select(sites(data), choice).index]


def points(frame: gpd.GeoDataFrame) -> list[Mapping[str, Any]]:
    """One record per site: id, names, lon/lat, shelter_only, evacuation_shelter and hazards."""
    return [
        {
            "id": str(place_id),
            "name_ja": str(row["name_ja"]),
            "name_en": row["name_en"] if isinstance(row["name_en"], str) else None,
            "lon": float(row.geometry.x),
            "lat": float(row.geometry.y),
            "shelter_only": bool(row["shelter_only"]),
            "evacuation_shelter": bool(row["evacuation_shelter"]),
            "hazards": tuple(h.value for h in row["hazards"]),
        }
        for place_id, row in frame.iterrows()
    ]


def role_text(site: Mapping[str, Any], tr: Translator) -> str:
    """What a site is designated as: "指定緊急避難場所（洪水・地震）・指定避難所"."""
    parts = []
    if site["hazards"]:
        hazards = tr.join(tr(CHOICE_MESSAGE[h]) for h in site["hazards"])
        parts.append(
            tr("dataui_card_emergency_site", role=tr("hazard_emergency_site"), hazards=hazards)
        )
    if site["evacuation_shelter"]:
        parts.append(tr("hazard_evacuation_shelter"))
    return tr.join(parts)


def site_tip(site: Mapping[str, Any], tr: Translator) -> str:
    """A site's tooltip on both maps: its name and what it is designated as (plain text)."""
    return f"{tr.pick(site['name_ja'], site['name_en'])}: {role_text(site, tr)}"
