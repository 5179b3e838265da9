"""Names as people type them -> ids: ONE resolver for every command and face (coverage, access, export).

A value matches an id exactly, or a Japanese or English name after folding width, case, kana and
punctuation (``normalise_text``), or one part of a name listed with 「・」 (保育所 for
保育所・地域型保育, 学校 for 学校). A value matching several ids, or none, is reported with the
choices, every problem at once.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Final

from soja_map.data.plan import Plan
from soja_map.data.schema import CATEGORIES, Role
from soja_map.errors import CatalogueError
from soja_map.query.filters import Filter, normalise_text

_PARTS: Final = re.compile(r"[・/／]")


def _keys(labels: Iterable[str]) -> set[str]:
    """The normalised forms a label answers to: the whole label and each of its listed parts."""
    out: set[str] = set()
    for label in labels:
        out.add(normalise_text(label))
        out.update(normalise_text(part) for part in _PARTS.split(label) if part.strip())
    out.discard("")
    return out


def resolve(
    kind: str, values: Sequence[str], names: Mapping[str, Sequence[str]], problems: list[str]
) -> tuple[str, ...]:
    """Ids of ``values``; each unknown or ambiguous one is added to ``problems``."""
    keys = {ident: _keys(labels) for ident, labels in names.items()}
    out = []
    for value in values:
        if value in names:
            out.append(value)
            continue
        exact = [i for i, labels in names.items() if value in labels]
        wanted = normalise_text(value)
        found = exact or [i for i, k in keys.items() if wanted and wanted in k]
        if len(found) == 1:
            out.append(found[0])
        elif found:
            problems.append(f"{kind} {value!r} is ambiguous (one of: {', '.join(found)})")
        else:
            problems.append(f"{kind} {value!r} (one of: {', '.join(names)})")
    return tuple(dict.fromkeys(out))


def project_names(plan: Plan) -> dict[str, tuple[str, str]]:
    return {p.id: (p.name_ja, p.name_en) for p in plan.projects}


def policy_names(plan: Plan) -> dict[str, tuple[str, str]]:
    return {k: (v.name_ja, v.name_en) for k, v in plan.policies.items()}


def measure_names(plan: Plan) -> dict[str, tuple[str, str]]:
    return {k: (v.name_ja, v.name_en) for k, v in plan.measures.items()}


def category_names(*, roles: Iterable[Role] = (Role.PLACE,)) -> dict[str, tuple[str, str]]:
    wanted = set(roles)
    return {k: (v.label_ja, v.label_en) for k, v in CATEGORIES.items() if v.role in wanted}


def filter_from_names(
    plan: Plan,
    *,
    projects: Sequence[str] = (),
    policies: Sequence[str] = (),
    measures: Sequence[str] = (),
    categories: Sequence[str] = (),
    towns: Sequence[str] = (),
    text: str = "",
    known_towns: Iterable[str] | None = None,
) -> Filter:
    """A Filter from ids or names (Japanese or English), as staff type them; CatalogueError naming
    every unknown one."""
    problems: list[str] = []
    if known_towns is not None:
        town_names = set(known_towns)
        problems += [f"town {name!r}" for name in towns if name not in town_names]
    flt = Filter(
        projects=resolve("project", projects, project_names(plan), problems) or None,
        policies=resolve("policy", policies, policy_names(plan), problems),
        measures=resolve("measure", measures, measure_names(plan), problems),
        categories=resolve("category", categories, category_names(), problems),
        towns=tuple(towns),
        text=text,
    )
    if problems:
        raise CatalogueError("unknown " + "; ".join(problems))
    return flt


def hazard_names() -> dict[str, tuple[str, str]]:
    """Hazard id -> (Japanese, English) words from the catalogue (洪水 / Flood ...)."""
    from soja_map.data.facts import HAZARD_MESSAGE  # noqa: PLC0415 - pydantic models only here
    from soja_map.i18n import translator  # noqa: PLC0415

    ja, en = translator("ja"), translator("en")
    return {h.value: (ja(key), en(key)) for h, key in HAZARD_MESSAGE.items()}


def resolve_hazards(values: Sequence[str]) -> tuple[str, ...]:
    """Hazard ids from ids or names (flood, 洪水, Flood); CatalogueError naming every unknown one."""
    problems: list[str] = []
    out = resolve("hazard", values, hazard_names(), problems)
    if problems:
        raise CatalogueError("unknown " + "; ".join(problems))
    return out
