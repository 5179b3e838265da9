"""Which plan the map shows: the priority projects are the 2nd comprehensive plan's, and the 3rd
plan is in effect with its contents to come (``plan.json``: ``status`` and ``successor``)."""

from __future__ import annotations

from soja_map.data.plan import Plan
from soja_map.i18n import Translator


def plan_status_text(plan: Plan, tr: Translator) -> str | None:
    """The note for a plan that has been followed by another (None for the plan in effect)."""
    successor = plan.successor
    if successor is None:
        return None
    note = tr.pick(successor.contents_note_ja or None, successor.contents_note_en or None)
    if note:
        return note
    period = plan.period
    return tr(
        "dataui_plan_status",
        plan=tr.pick(plan.title_ja, plan.title_en),
        period=f"{period.from_fy}-{period.to_fy}" if period else "",
        successor=tr.pick(successor.title_ja, successor.title_en),
        successor_period=f"{successor.period.from_fy}-{successor.period.to_fy}",
    )
