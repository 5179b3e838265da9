"""The facts rows of a place card: child care, medical care, shelter role, a service's rules and
why the place serves its measures (``data.facts``), as labelled lines both faces show.

``fact_rows(facts, measure_names, tr)`` returns ``FactRow``s (a ``data-field``, a label and lines of
plain text; a line may carry a link). The app (``web/components.details``) renders them as
``<dt>/<dd>`` pairs, the export's popup (``maps/templates/popup.html``) as table rows; the card
contract test compares the two.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from soja_map.data.facts import (
    CHILDCARE_STATUS_UNKNOWN_MESSAGE,
    CHILDCARE_TYPE_MESSAGE,
    HAZARD_MESSAGE,
    MEDICAL_KIND_MESSAGE,
    SHELTER_MESSAGE,
    ChildcareFacts,
    Facts,
    FactSource,
    LinkReason,
    MedicalFacts,
    ServiceRule,
    ShelterFacts,
)
from soja_map.i18n import Translator

FACT_FIELDS = ("shelter", "childcare", "medical", "service_rules", "links")


@dataclass(frozen=True, slots=True)
class FactLine:
    text: str
    minor: bool = False  # a source or a date: shown small
    url: str | None = None  # an http(s) link the line's text stands for


@dataclass(frozen=True, slots=True)
class FactRow:
    field: str  # data-field: one of FACT_FIELDS
    label: str
    lines: tuple[FactLine, ...]


def fact_rows(
    facts: Facts | None, measure_name: Callable[[str], str], tr: Translator
) -> list[FactRow]:
    """The rows for ``facts`` in FACT_FIELDS order (none when the place has no facts).
    ``measure_name`` turns a measure id into its name in ``tr``'s language."""
    if facts is None:
        return []
    rows: list[FactRow] = []
    if facts.shelter:
        rows.append(FactRow("shelter", tr("dataui_card_shelter"), shelter_lines(facts.shelter, tr)))
    if facts.childcare:
        rows.append(
            FactRow("childcare", tr("dataui_card_childcare"), childcare_lines(facts.childcare, tr))
        )
    if facts.medical:
        rows.append(FactRow("medical", tr("dataui_card_medical"), medical_lines(facts.medical, tr)))
    if facts.service_rules:
        rows.append(
            FactRow("service_rules", tr("dataui_card_rules"), rule_lines(facts.service_rules, tr))
        )
    if facts.links:
        rows.append(
            FactRow("links", tr("dataui_card_links"), link_lines(facts.links, measure_name, tr))
        )
    return rows


def hazard_names(shelter: ShelterFacts, tr: Translator) -> str:
    return tr.join(tr(HAZARD_MESSAGE[h]) for h in shelter.emergency_site_hazards)


def shelter_lines(shelter: ShelterFacts, tr: Translator) -> tuple[FactLine, ...]:
    lines: list[FactLine] = []
    if shelter.emergency_site:
        lines.append(
            FactLine(
                tr(
                    "dataui_card_emergency_site",
                    role=tr(SHELTER_MESSAGE["emergency_site"]),
                    hazards=hazard_names(shelter, tr),
                )
            )
        )
    if shelter.evacuation_shelter:
        lines.append(FactLine(tr(SHELTER_MESSAGE["evacuation_shelter"])))
    lines.append(FactLine(tr("dataui_card_shelter_as_of", date=shelter.as_of), minor=True))
    return tuple(lines)


def capacity_text(childcare: ChildcareFacts, tr: Translator) -> str | None:
    """ "定員 120・利用 127（2026-01-23 時点）" (or the parts the list states)."""
    if childcare.capacity is not None and childcare.enrolled is not None:
        return tr(
            "dataui_card_capacity_enrolled",
            capacity=tr.number(childcare.capacity),
            enrolled=tr.number(childcare.enrolled),
            date=childcare.enrolled_as_of,
        )
    if childcare.capacity is not None:
        return tr("dataui_card_capacity", capacity=tr.number(childcare.capacity))
    return None


def childcare_lines(childcare: ChildcareFacts, tr: Translator) -> tuple[FactLine, ...]:
    kind = tr(CHILDCARE_TYPE_MESSAGE[childcare.type])
    if childcare.status == "status_unknown":
        kind = f"{kind}（{tr(CHILDCARE_STATUS_UNKNOWN_MESSAGE)}）"
    lines = [FactLine(kind)]
    capacity = capacity_text(childcare, tr)
    if capacity:
        lines.append(FactLine(capacity))
    if childcare.hours:
        lines.append(FactLine(tr("dataui_card_hours", hours=childcare.hours)))
    if childcare.list_name:
        date = childcare.list_as_of or tr("undated")
        lines.append(
            FactLine(tr("dataui_card_list", name=childcare.list_name, date=date), minor=True)
        )
    return tuple(lines)


def medical_lines(medical: MedicalFacts, tr: Translator) -> tuple[FactLine, ...]:
    lines = [FactLine(tr(MEDICAL_KIND_MESSAGE[medical.kind]))]
    if medical.departments:
        lines.append(FactLine(tr("dataui_card_departments", value=tr.join(medical.departments))))
    if medical.closed_days:
        lines.append(FactLine(tr("dataui_card_closed_days", value=medical.closed_days)))
    return tuple(lines)


def source_line(source: FactSource, tr: Translator) -> FactLine:
    text = tr("dataui_card_rule_source", publisher=source.publisher, title=source.title)
    if source.kind == "secondary":
        text = f"{text}（{tr('dataui_card_secondary')}）"
    url = source.url if source.url and source.url.startswith(("https://", "http://")) else None
    return FactLine(text, minor=True, url=url)


def rule_lines(rules: tuple[ServiceRule, ...], tr: Translator) -> tuple[FactLine, ...]:
    lines: list[FactLine] = []
    for rule in rules:
        lines.append(
            FactLine(tr("card_attribute", key=tr(f"dataui_rule_{rule.id}"), value=rule.text_ja))
        )
        lines += [source_line(s, tr) for s in rule.sources]
    return tuple(lines)


def link_lines(
    links: tuple[LinkReason, ...], measure_name: Callable[[str], str], tr: Translator
) -> tuple[FactLine, ...]:
    lines: list[FactLine] = []
    for link in links:
        lines.append(FactLine(tr.join(measure_name(m) for m in link.measures)))
        lines.append(FactLine(tr.pick(link.reason_ja, link.reason_en), minor=True))
    return tuple(lines)
