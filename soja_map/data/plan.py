"""The plan catalogue: priority projects -> policies -> measures, as versioned bilingual data."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from functools import cached_property
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from soja_map.data.schema import CATEGORIES
from soja_map.errors import CatalogueError, Problem

ID_PATTERN = r"^[a-z0-9][a-z0-9.\-]*$"
COLOUR_PATTERN = r"^#[0-9A-Fa-f]{6}$"
CATALOGUE_FILE = "plan.json"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PlanSource(_Model):
    publisher: str = Field(min_length=1)
    document: str = Field(min_length=1)
    reference: str = Field(min_length=1)


class Policy(_Model):
    id: str = Field(pattern=ID_PATTERN)
    name_ja: str = Field(min_length=1)
    name_en: str = Field(min_length=1)
    description_ja: str = Field(min_length=1)
    description_en: str = Field(min_length=1)


class Measure(_Model):
    id: str = Field(pattern=ID_PATTERN)
    policy: str
    policy_assignment: Literal["plan", "editorial"] = "plan"
    name_ja: str = Field(min_length=1)
    name_en: str = Field(min_length=1)
    city_wide: bool = False
    city_wide_note_ja: str | None = None
    city_wide_note_en: str | None = None


class Project(_Model):
    id: str = Field(pattern=ID_PATTERN)
    number: int = Field(ge=1)
    name_ja: str = Field(min_length=1)
    name_en: str = Field(min_length=1)
    theme_ja: str = Field(min_length=1)
    theme_en: str = Field(min_length=1)
    tagline_ja: str = ""
    tagline_en: str = ""
    colour: str = Field(pattern=COLOUR_PATTERN)
    policies: tuple[Policy, ...] = Field(min_length=1)
    measures: tuple[Measure, ...] = ()

    @model_validator(mode="after")
    def _measures_name_own_policies(self) -> Project:
        policy_ids = {p.id for p in self.policies}
        for m in self.measures:
            if m.policy not in policy_ids:
                raise ValueError(
                    f"measure {m.id!r} names policy {m.policy!r}, which is not a policy of "
                    f"project {self.id!r} (expected one of {sorted(policy_ids)})"
                )
        return self


class CategoryLink(_Model):
    """The measures a category of place serves by default, and why (used by build and import);
    the reason is stored on every place so that the public sees why it is linked."""

    category: str
    measures: tuple[str, ...] = Field(min_length=1)
    why_ja: str = ""
    why_en: str = ""


class PlanPeriod(_Model):
    """A plan's period in Japanese fiscal years (April to March)."""

    from_fy: int = Field(ge=1900)
    to_fy: int = Field(ge=1900)

    @model_validator(mode="after")
    def _ordered(self) -> PlanPeriod:
        if self.to_fy < self.from_fy:
            raise ValueError(f"the period ends ({self.to_fy}) before it starts ({self.from_fy})")
        return self


class SuccessorPlan(_Model):
    """The plan that followed this one, known by its title, vision and period only until its
    contents are published as data (then it becomes a Plan of its own)."""

    title_ja: str = Field(min_length=1)
    title_en: str = Field(min_length=1)
    vision_ja: str = ""
    period: PlanPeriod
    status: Literal["in_effect", "draft"] = "in_effect"
    contents_note_ja: str = ""
    contents_note_en: str = ""
    source: PlanSource


class Plan(_Model):
    """One version of the plan (e.g. the 2nd comprehensive plan's priority projects)."""

    id: str = Field(pattern=ID_PATTERN)
    title_ja: str = Field(min_length=1)
    title_en: str = Field(min_length=1)
    slogan_ja: str = ""
    status: Literal["current", "superseded", "draft"] = "current"
    period: PlanPeriod | None = None
    successor: SuccessorPlan | None = None
    source: PlanSource
    notes_en: tuple[str, ...] = ()
    internal_note: str | None = None  # technical provenance; never shown
    projects: tuple[Project, ...] = Field(min_length=1)
    category_links: tuple[CategoryLink, ...] = ()

    @model_validator(mode="after")
    def _ids_unique(self) -> Plan:
        seen: set[str] = set()
        for ident in self._all_ids():
            if ident in seen:
                raise ValueError(f"id {ident!r} is used twice in plan {self.id!r}")
            seen.add(ident)
        measure_ids = {m.id for p in self.projects for m in p.measures}
        for link in self.category_links:
            if link.category not in CATEGORIES:
                raise ValueError(f"category_links names unknown category {link.category!r}")
            for mid in link.measures:
                if mid not in measure_ids:
                    raise ValueError(
                        f"category_links for {link.category!r} names unknown measure {mid!r}"
                    )
        return self

    def _all_ids(self) -> Iterator[str]:
        for p in self.projects:
            yield p.id
            yield from (x.id for x in p.policies)
            yield from (x.id for x in p.measures)

    # Lookups (cached: a Plan is frozen) -------------------------------------------------

    @cached_property
    def measures(self) -> dict[str, Measure]:
        return {m.id: m for p in self.projects for m in p.measures}

    @cached_property
    def policies(self) -> dict[str, Policy]:
        return {x.id: x for p in self.projects for x in p.policies}

    @cached_property
    def project_by_id(self) -> dict[str, Project]:
        return {p.id: p for p in self.projects}

    @cached_property
    def project_of_measure(self) -> dict[str, str]:
        return {m.id: p.id for p in self.projects for m in p.measures}

    @cached_property
    def project_of_policy(self) -> dict[str, str]:
        return {x.id: p.id for p in self.projects for x in p.policies}

    @cached_property
    def default_measures(self) -> dict[str, tuple[str, ...]]:
        """Category id -> the measures its places serve unless told otherwise."""
        return {link.category: link.measures for link in self.category_links}

    def project(self, project_id: str) -> Project:
        try:
            return self.project_by_id[project_id]
        except KeyError:
            raise CatalogueError(
                f"unknown priority project {project_id!r}; expected one of {sorted(self.project_by_id)}"
            ) from None

    def measure(self, measure_id: str) -> Measure:
        try:
            return self.measures[measure_id]
        except KeyError:
            raise CatalogueError(f"unknown measure {measure_id!r} in plan {self.id!r}") from None

    def policy(self, policy_id: str) -> Policy:
        try:
            return self.policies[policy_id]
        except KeyError:
            raise CatalogueError(f"unknown policy {policy_id!r} in plan {self.id!r}") from None

    def projects_for(self, measure_ids: Iterable[str]) -> list[str]:
        """Project ids served by these measures, in plan order."""
        wanted = {self.project_of_measure[m] for m in measure_ids if m in self.project_of_measure}
        return [p.id for p in self.projects if p.id in wanted]

    def policies_for(self, measure_ids: Iterable[str]) -> list[str]:
        wanted = {self.measures[m].policy for m in measure_ids if m in self.measures}
        return [x.id for p in self.projects for x in p.policies if x.id in wanted]

    def measures_of(self, *, project: str | None = None, policy: str | None = None) -> list[str]:
        """Measure ids under a project and/or a policy, in plan order."""
        return [
            m.id
            for p in self.projects
            if project is None or p.id == project
            for m in p.measures
            if policy is None or m.policy == policy
        ]

    def resolve_measure(self, text: str) -> str:
        """A measure id from an id or its exact Japanese or English name."""
        if text in self.measures:
            return text
        for m in self.measures.values():
            if text in (m.name_ja, m.name_en):
                return m.id
        raise CatalogueError(
            f"unknown measure {text!r}; use an id such as {next(iter(self.measures))!r}"
        )


class MeasureLink(_Model):
    from_measure: str = Field(alias="from")
    to: tuple[str, ...]
    relation: Literal["same", "split", "merged", "related"] = "related"


class PlanMapping(_Model):
    """How the measures of one plan version correspond to those of another."""

    from_plan: str
    to_plan: str
    note: str = ""
    measures: tuple[MeasureLink, ...] = ()


def _check_measure_ids_unique(plans: Iterable[Plan]) -> None:
    owner: dict[str, str] = {}
    for plan in plans:
        for mid in plan.measures:
            if mid in owner:
                raise ValueError(
                    f"measure id {mid!r} is used by plans {owner[mid]!r} and {plan.id!r}"
                )
            owner[mid] = plan.id


def _check_mapping(mp: PlanMapping, plans: Mapping[str, Plan]) -> None:
    for end in (mp.from_plan, mp.to_plan):
        if end not in plans:
            raise ValueError(f"mapping names unknown plan {end!r}")
    for link in mp.measures:
        if link.from_measure not in plans[mp.from_plan].measures:
            raise ValueError(
                f"mapping names unknown measure {link.from_measure!r} of {mp.from_plan!r}"
            )
        for target in link.to:
            if target not in plans[mp.to_plan].measures:
                raise ValueError(f"mapping names unknown measure {target!r} of {mp.to_plan!r}")


class Catalogue(_Model):
    catalogue_format: Literal[1]
    default_plan: str
    plans: tuple[Plan, ...] = Field(min_length=1)
    mappings: tuple[PlanMapping, ...] = ()

    @model_validator(mode="after")
    def _references_resolve(self) -> Catalogue:
        plans = {p.id: p for p in self.plans}
        if len(plans) != len(self.plans):
            raise ValueError("two plans share an id")
        if self.default_plan not in plans:
            raise ValueError(f"default_plan {self.default_plan!r} is not one of {sorted(plans)}")
        _check_measure_ids_unique(self.plans)
        for mp in self.mappings:
            _check_mapping(mp, plans)
        return self

    def plan(self, plan_id: str | None = None) -> Plan:
        wanted = plan_id or self.default_plan
        for p in self.plans:
            if p.id == wanted:
                return p
        raise CatalogueError(
            f"unknown plan {wanted!r}; the catalogue has {[p.id for p in self.plans]}"
        )

    def translate(self, measure_ids: Iterable[str], *, to_plan: str) -> list[str]:
        """Map measure ids of any plan onto ``to_plan`` through the catalogue's mappings."""
        target = self.plan(to_plan)
        out: list[str] = []
        for mid in measure_ids:
            if mid in target.measures:
                out.append(mid)
                continue
            for mp in self.mappings:
                if mp.to_plan != to_plan:
                    continue
                for link in mp.measures:
                    if link.from_measure == mid:
                        out.extend(t for t in link.to if t not in out)
        return list(dict.fromkeys(out))


def parse_catalogue(
    data: object, *, file: str = CATALOGUE_FILE
) -> tuple[Catalogue | None, list[Problem]]:
    """Validate catalogue data, returning it or every problem found."""
    try:
        return Catalogue.model_validate(data), []
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            loc = ".".join(str(x) for x in err["loc"])
            problems.append(
                Problem(
                    file=file,
                    code="catalogue-invalid",
                    message=err["msg"],
                    field=loc or None,
                    value=err.get("input")
                    if not isinstance(err.get("input"), dict | list)
                    else None,
                )
            )
        return None, problems


def load_catalogue(path: Path) -> Catalogue:
    """Read and validate ``plan.json``; raise CatalogueError with every problem."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CatalogueError(f"{path}: the plan catalogue is missing") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise CatalogueError(f"{path}: not a readable JSON file ({exc})") from None
    catalogue, problems = parse_catalogue(data, file=str(path))
    if catalogue is None:
        raise CatalogueError("\n".join(p.format() for p in problems))
    return catalogue
