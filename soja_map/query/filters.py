"""Selection of places by project, policy, measure, category, town and text: one filter for map, tables and export."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from soja_map.data.plan import Measure, Plan, Project
from soja_map.data.readings import hiragana, plain_romaji, romaji
from soja_map.data.schema import CATEGORIES
from soja_map.errors import CatalogueError
from soja_map.i18n import Translator


@dataclass(frozen=True)
class Filter:
    """What to show. Empty tuples mean "no restriction" except ``projects`` (None = all projects)."""

    projects: tuple[str, ...] | None = None
    policies: tuple[str, ...] = ()
    measures: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    towns: tuple[str, ...] = ()
    text: str = ""
    include_city_wide: bool = True

    def check(self, plan: Plan) -> Filter:
        """Raise CatalogueError naming every unknown id; return self for chaining."""
        bad = [p for p in self.projects or () if p not in plan.project_by_id]
        bad += [p for p in self.policies if p not in plan.policies]
        bad += [m for m in self.measures if m not in plan.measures]
        bad += [c for c in self.categories if c not in CATEGORIES]
        if bad:
            raise CatalogueError(f"unknown project/policy/measure/category: {', '.join(bad)}")
        return self

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe form (for dcc.Store, URLs and export metadata)."""
        return {
            "projects": None if self.projects is None else list(self.projects),
            "policies": list(self.policies),
            "measures": list(self.measures),
            "categories": list(self.categories),
            "towns": list(self.towns),
            "text": self.text,
            "include_city_wide": self.include_city_wide,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> Filter:
        if not data:
            return cls()
        projects = data.get("projects")
        return cls(
            projects=None if projects is None else tuple(projects),
            policies=tuple(data.get("policies") or ()),
            measures=tuple(data.get("measures") or ()),
            categories=tuple(data.get("categories") or ()),
            towns=tuple(data.get("towns") or ()),
            text=str(data.get("text") or ""),
            include_city_wide=bool(data.get("include_city_wide", True)),
        )

    def is_default(self) -> bool:
        return self == Filter()


def describe_filter(flt: Filter, plan: Plan, tr: Translator) -> str:
    """One line saying what ``flt`` shows (map titles, exports, screen readers), in ``tr``'s words."""
    parts: list[str] = []
    if flt.projects is not None:
        names = [tr.pick(plan.project(p).name_ja, plan.project(p).name_en) for p in flt.projects]
        parts.append(tr("filter_projects", names=tr.join(names) or "-"))
    if flt.policies:
        names = [tr.pick(plan.policy(p).name_ja, plan.policy(p).name_en) for p in flt.policies]
        parts.append(tr("filter_policies", names=tr.join(names)))
    if flt.measures:
        names = [tr.pick(plan.measure(m).name_ja, plan.measure(m).name_en) for m in flt.measures]
        parts.append(tr("filter_measures", names=tr.join(names)))
    if flt.categories:
        names = [tr.pick(CATEGORIES[c].label_ja, CATEGORIES[c].label_en) for c in flt.categories]
        parts.append(tr("filter_categories", names=tr.join(names)))
    if flt.towns:
        parts.append(tr("filter_towns", names=tr.join(flt.towns)))
    if flt.text:
        parts.append(tr("filter_text", text=flt.text))
    return " / ".join(parts) if parts else tr("filter_all")


# -- the city-wide rule -----------------------------------------------------------------------------


@dataclass(frozen=True)
class CityWideMeasure:
    """A measure of the plan that applies to the whole city (no site of its own)."""

    project: Project
    measure: Measure


def city_wide_measures(plan: Plan, flt: Filter) -> list[CityWideMeasure]:
    """The plan's city-wide measures that ``flt`` shows, in plan order: the one rule for app and export.

    A city-wide measure applies everywhere, so a town or text filter keeps it; the plan part of the
    filter (projects, policies, measures) chooses among them. A category filter asks for kinds of
    site, which a city-wide measure is not; ``include_city_wide=False`` leaves them all out.
    """
    if flt.categories or not flt.include_city_wide:
        return []
    return [
        CityWideMeasure(project, measure)
        for project in plan.projects
        if flt.projects is None or project.id in flt.projects
        for measure in project.measures
        if measure.city_wide
        and (not flt.policies or measure.policy in flt.policies)
        and (not flt.measures or measure.id in flt.measures)
    ]


def city_wide_places(selected: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The selected places that have no site on the map (listed beside it, never drawn)."""
    return selected[selected.geometry.isna()]


_KATA_TO_HIRA = {code: code - 0x60 for code in range(0x30A1, 0x30F7)}
_DROP = re.compile(r"[\s・･\-‐ー―()（）「」『』\[\]【】.,、。]")


def normalise_text(text: str | None) -> str:
    """Fold width (NFKC), case and kana (katakana -> hiragana) and drop spaces and punctuation."""
    if not isinstance(text, str) or not text:
        return ""
    folded = unicodedata.normalize("NFKC", text).lower().translate(_KATA_TO_HIRA)
    return _DROP.sub("", folded)


def _any_in(values: pd.Series, wanted: set[str]) -> np.ndarray:
    return np.fromiter(
        (bool(wanted.intersection(v)) for v in values), dtype=bool, count=len(values)
    )


def mask(places: gpd.GeoDataFrame, flt: Filter) -> np.ndarray:
    """Boolean array: which rows of ``places`` the filter keeps."""
    keep = np.ones(len(places), dtype=bool)
    if flt.projects is not None:
        keep &= _any_in(places["projects"], set(flt.projects))
    if flt.policies:
        keep &= _any_in(places["policies"], set(flt.policies))
    if flt.measures:
        keep &= _any_in(places["measures"], set(flt.measures))
    if flt.categories:
        keep &= places["category"].isin(flt.categories).to_numpy()
    if flt.towns:
        column = places["town_area"] if "town_area" in places else places["town"]
        keep &= column.isin(flt.towns).to_numpy()
    if flt.text:
        needle = normalise_text(flt.text)
        haystack = search_keys(places)
        keep &= np.fromiter((needle in h for h in haystack), dtype=bool, count=len(places))
    if not flt.include_city_wide:
        keep &= places.geometry.notna().to_numpy()
    return keep


def select(places: gpd.GeoDataFrame, flt: Filter) -> gpd.GeoDataFrame:
    return places[mask(places, flt)]


def search_keys(places: pd.DataFrame) -> list[str]:
    """The normalised text each place is found by (names, address, town, category labels)."""
    if "search_key" in places:
        return list(places["search_key"])
    return [
        normalise_text(" ".join(str(v) for v in (r.name_ja, r.name_en, r.address, r.town) if v))
        for r in places.itertuples()
    ]


def _names_of(name_ja: Any, name_en: Any) -> list[str]:
    """A place's names as search compares them: written (ja, en) and read (hiragana, romaji)."""
    ja = name_ja if isinstance(name_ja, str) else ""
    # the name without its note in brackets (鬼ノ城 (史跡 鬼城山) -> 鬼ノ城) is read on its own
    short = re.split(r"[(（]", unicodedata.normalize("NFKC", ja))[0]
    read = [f(n) for n in dict.fromkeys((ja, short)) if n for f in (hiragana, plain_romaji, romaji)]
    return [normalise_text(n) for n in (ja, name_en, *read)]


@dataclass(frozen=True)
class SearchHit:
    id: str
    score: (
        int  # 0 = exact name, 1 = name starts with, 2 = name contains, 3 = address/other contains
    )


def search(places: gpd.GeoDataFrame, query: str, *, limit: int = 20) -> list[SearchHit]:
    """Places whose name (ja/en) or address matches ``query``, best first; width/kana insensitive."""
    needle = normalise_text(query)
    if not needle:
        return []
    hits: list[SearchHit] = []
    for row, key in zip(places.itertuples(), search_keys(places), strict=True):
        names = _names_of(row.name_ja, row.name_en)
        if needle in names:
            score = 0
        elif any(n.startswith(needle) for n in names if n):
            score = 1
        elif any(needle in n for n in names if n):
            score = 2
        elif needle in key:
            score = 3
        else:
            continue
        hits.append(SearchHit(str(row.Index), score))
    hits.sort(key=lambda h: (h.score, len(places.at[h.id, "name_ja"]), h.id))
    return hits[:limit]


@dataclass(frozen=True)
class Counts:
    by_project: dict[str, int] = field(default_factory=dict)
    by_category: dict[str, int] = field(default_factory=dict)
    total: int = 0
    located: int = 0


def outside_city(places: pd.DataFrame) -> np.ndarray:
    """True for places known to lie outside Soja (``in_city`` False; unknown counts as inside)."""
    if "in_city" not in places.columns:
        return np.zeros(len(places), dtype=bool)
    return places["in_city"].map(lambda v: v is False or v is np.False_).to_numpy(dtype=bool)


def counts(selected: gpd.GeoDataFrame, plan: Plan) -> Counts:
    """How many places per project (a place may count under several; places outside the city
    do not count as the plan's sites) and per category."""
    # places outside the city (市外) are shown but are not the plan's sites
    inside = selected[~outside_city(selected)]
    by_project: Counter[str] = Counter(p for ps in inside["projects"] for p in ps)
    by_category: Counter[str] = Counter(selected["category"])
    return Counts(
        by_project={p.id: by_project.get(p.id, 0) for p in plan.projects},
        by_category=dict(sorted(by_category.items(), key=lambda kv: list(CATEGORIES).index(kv[0]))),
        total=len(selected),
        located=int(selected.geometry.notna().sum()),
    )


def measures_for_place(places: gpd.GeoDataFrame, place_id: str, plan: Plan) -> list[dict[str, str]]:
    """Place -> plan: every measure a place serves, with its policy and project (plan order)."""
    served = set(places.at[place_id, "measures"])
    out = []
    for project in plan.projects:
        for m in project.measures:
            if m.id in served:
                policy = plan.policies[m.policy]
                out.append(
                    {
                        "measure": m.id,
                        "measure_ja": m.name_ja,
                        "measure_en": m.name_en,
                        "policy": policy.id,
                        "policy_ja": policy.name_ja,
                        "policy_en": policy.name_en,
                        "project": project.id,
                        "project_ja": project.name_ja,
                        "project_en": project.name_en,
                    }
                )
    return out
