"""Named what-if scenarios in the panel: the two compared side by side, as pure functions from the
model and a Translator to components (the callbacks call these; the numbers are
``soja_map.analysis.scenarios.compare``'s)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import numpy as np
from dash import html

from soja_map.analysis import report as report_io
from soja_map.analysis.scenarios import COLUMNS, PEOPLE, Comparison, compare
from soja_map.errors import SojaMapError
from soja_map.i18n import Translator
from soja_map.web.planner import ids
from soja_map.web.planner.link import Scenario, ScenarioList, scenario_named
from soja_map.web.planner.model import PanelModel, PanelState
from soja_map.web.planner.views import ESTIMATE_STEP, change, is_estimate, people, share


def scenario_options(scenarios: Sequence[Scenario]) -> list[dict[str, str]]:
    """Dropdown options: a scenario's name is its label and its value (the dropdown escapes it)."""
    return [{"label": s.name, "value": s.name} for s in scenarios]


def with_scenario(state: PanelState, scenario: Scenario) -> PanelState:
    """The panel's state with the scenario's what-if in place of the one being edited."""
    return replace(state, added=scenario.added, removed=scenario.removed)


def download_name(
    scenarios: Sequence[Scenario], active: str | None, state: PanelState
) -> str | None:
    """The scenario a download is of: the active one, while the what-if is still the one it saved."""
    scenario = scenario_named(scenarios, active)
    if scenario is None:
        return None
    same = tuple(map(tuple, state.added)) == scenario.added
    return scenario.name if same and tuple(state.removed) == scenario.removed else None


def comparison_of(
    model: PanelModel, state: PanelState, a: Scenario | None, b: Scenario | None
) -> tuple[Comparison, bool] | None:
    """A against B for the panel's facilities, radius and zones, and whether the population is an
    estimate (None until both are chosen)."""
    if a is None or b is None or state.radius_problem:
        return None
    first = model.report(with_scenario(state, a))
    second = model.report(with_scenario(state, b))
    if first is None or second is None:
        return None
    return compare(first, second, state.by), is_estimate(first)


def _row(label: str, values: dict[str, float], tr: Translator, estimate: bool) -> list[str]:
    if estimate:
        values = {
            c: float(np.round(v, ESTIMATE_STEP)) if c in PEOPLE else v for c, v in values.items()
        }
    return [
        label,
        people(values["population"], tr),
        people(values["covered_a"], tr),
        share(values["share_a"], tr),
        people(values["covered_b"], tr),
        share(values["share_b"], tr),
        change(values["difference"], tr),
    ]


def comparison_rows(comparison: Comparison, tr: Translator, estimate: bool) -> list[list[str]]:
    """Formatted rows, the whole city first, then a row per zone (name first); with the estimated
    population people are rounded to tens, as in the panel's table."""
    city = _row(tr("planner_compare_city"), dict(comparison.city), tr, estimate)
    zones = [
        _row(str(name), {c: float(row[c]) for c in COLUMNS}, tr, estimate)
        for name, row in comparison.table.iterrows()
    ]
    return [city, *zones]


def comparison_header(by: str, a: str, b: str, tr: Translator) -> list[str]:
    return [
        report_io.by_label(by, tr),
        report_io.column_label("population", tr),
        tr("planner_compare_covered", name=a),
        tr("planner_compare_share", name=a),
        tr("planner_compare_covered", name=b),
        tr("planner_compare_share", name=b),
        tr("planner_compare_difference", a=a, b=b),
    ]


def comparison_view(
    model: PanelModel,
    state: PanelState,
    scenarios: Sequence[Scenario],
    names: tuple[str | None, str | None],
    tr: Translator,
) -> Any:
    """The comparison table of the scenarios named (active, compared), or what to do first."""
    a, b = (scenario_named(scenarios, n) for n in names)
    try:
        compared = comparison_of(model, state, a, b)
    except SojaMapError as exc:
        return html.P(str(exc), className="cov-error", role="alert")
    if compared is None or a is None or b is None:
        return html.P(tr("planner_compare_choose"), className="cov-empty")
    comparison, estimate = compared
    rows = comparison_rows(comparison, tr, estimate)
    head = html.Tr(
        [html.Th(t, scope="col") for t in comparison_header(state.by, a.name, b.name, tr)]
    )
    body = [
        html.Tr(
            [html.Th(r[0], scope="row"), *(html.Td(v) for v in r[1:])],
            className="cov-compare-city" if i == 0 else "cov-row",
        )
        for i, r in enumerate(rows)
    ]
    caption = html.Caption(tr("planner_compare_caption", a=a.name, b=b.name))
    return html.Table(
        [caption, html.Thead(head), html.Tbody(body)],
        className="cov-table cov-compare",
        id=f"{ids.COMPARISON}-table",
    )


def status_view(result: ScenarioList, tr: Translator, limit: int) -> Any:
    """The message of a refused save (empty otherwise)."""
    if result.problem is None:
        return ""
    return html.P(tr(result.problem, max=limit), className="cov-warning", role="alert")
