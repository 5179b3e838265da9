"""Named what-if scenarios: the comparison's numbers (analysis.scenarios.compare), the list's rules
(save, replace, at most four, delete, the link's first then the browser's), the comparison table
as the panel formats it, and the scenario's name in the downloaded tables."""

from __future__ import annotations

import csv
import io
import json

import numpy as np
import pytest

from soja_map.analysis import report as report_io
from soja_map.analysis.scenarios import COLUMNS, compare
from soja_map.i18n import translator
from soja_map.web.planner import ids as pid
from soja_map.web.planner import model as pm
from soja_map.web.planner import scenarios as ps
from soja_map.web.planner import views as pv
from soja_map.web.planner.link import (
    MAX_SCENARIOS,
    Scenario,
    after_event,
    deleted,
    merged,
    saved,
)

JA = translator("ja")
EN = translator("en")
SOURCE = "category:nursery"


@pytest.fixture(scope="module")
def model(dataset):
    return pm.PanelModel(dataset)


@pytest.fixture(scope="module")
def nurseries(model):
    return model.facilities(SOURCE, None)


@pytest.fixture(scope="module")
def base_state():
    return pm.PanelState(source=SOURCE, radius=800.0, by="town")


# -- the numbers ---------------------------------------------------------------------------------


def test_comparing_with_a_removal_gives_the_what_ifs_change(model, nurseries, base_state):
    a = Scenario("today")
    b = Scenario("fewer", removed=tuple(nurseries.ids[:8]))
    comparison, estimate = ps.comparison_of(model, base_state, a, b)
    what_if = model.report(ps.with_scenario(base_state, b))
    assert estimate
    assert comparison.city["difference"] == pytest.approx(what_if.change)
    assert comparison.city["covered_a"] == pytest.approx(what_if.before.covered_population)
    assert comparison.city["share_b"] == pytest.approx(what_if.after.share)
    assert comparison.share_difference == pytest.approx(what_if.after.share - what_if.before.share)
    table = what_if.table("town")
    assert list(comparison.table.index) == list(table.index)
    assert list(comparison.table.columns) == list(COLUMNS)
    np.testing.assert_allclose(comparison.table["difference"], table["change"])
    np.testing.assert_allclose(comparison.table["share_b"], table["share_after"], equal_nan=True)
    assert comparison.city["difference"] < 0  # a removal covers fewer people


def test_the_comparison_is_b_minus_a_and_zero_for_the_same_plan(model, nurseries, base_state):
    a = Scenario("more", added=((133.7, 34.7),))
    b = Scenario("less", removed=(nurseries.ids[0],))
    forward, _ = ps.comparison_of(model, base_state, a, b)
    backward, _ = ps.comparison_of(model, base_state, b, a)
    assert forward.city["difference"] == pytest.approx(-backward.city["difference"])
    np.testing.assert_allclose(forward.table["difference"], -backward.table["difference"])
    same, _ = ps.comparison_of(model, base_state, a, Scenario("copy", added=a.added))
    assert same.city["difference"] == 0
    assert (same.table["difference"] == 0).all()


def test_compare_works_per_zone_kind(model, nurseries):
    state = pm.PanelState(source=SOURCE, radius=500.0, by="elementary")
    first = model.report(state)
    second = model.report(ps.with_scenario(state, Scenario("x", removed=(nurseries.ids[1],))))
    comparison = compare(first, second, "elementary")
    assert list(comparison.table.index) == list(first.table("elementary").index)
    assert comparison.table["covered_a"].sum() == pytest.approx(first.covered_population)


def test_no_comparison_until_two_scenarios_and_a_radius(model, base_state):
    a = Scenario("a")
    assert ps.comparison_of(model, base_state, a, None) is None
    assert ps.comparison_of(model, pm.PanelState(source=SOURCE, radius=None), a, a) is None
    assert ps.comparison_of(model, pm.PanelState(source=None, radius=800.0), a, a) is None
    view = ps.comparison_view(model, base_state, (a,), ("a", None), JA)
    assert view.children == JA("planner_compare_choose")


def test_the_comparison_table_is_what_the_panel_formats(model, nurseries, base_state):
    a, b = Scenario("A"), Scenario("B", removed=tuple(nurseries.ids[:8]))
    comparison, estimate = ps.comparison_of(model, base_state, a, b)
    rows = ps.comparison_rows(comparison, EN, estimate)
    city = rows[0]
    assert city[0] == EN("planner_compare_city")
    assert city[1] == pv.people(round(comparison.city["population"], -1), EN)
    assert city[2] == pv.people(round(comparison.city["covered_a"], -1), EN)
    assert city[3] == pv.share(comparison.city["share_a"], EN)
    assert city[6] == pv.change(round(comparison.city["difference"], -1), EN)
    assert city[6].startswith("-")
    assert [r[0] for r in rows[1:]] == [str(n) for n in comparison.table.index]
    view = ps.comparison_view(model, base_state, (a, b), ("A", "B"), EN)
    assert view.id == f"{pid.COMPARISON}-table"
    header = [th.children for th in view.children[1].children.children]
    assert header == ps.comparison_header("town", "A", "B", EN)
    body = view.children[2].children
    assert [c.children for c in body[0].children] == city


# -- the list ------------------------------------------------------------------------------------


def test_saving_adds_replaces_and_stops_at_four():
    one = saved((), Scenario("A", ((133.7, 34.6),)), None, None)
    assert one.names() == ["A"]
    assert (one.active, one.vs, one.problem) == ("A", None, None)
    two = saved(one.scenarios, Scenario("B"), "A", None)
    assert two.names() == ["A", "B"]
    assert (two.active, two.vs) == ("B", "A")  # the new one is shown against the one before
    again = saved(two.scenarios, Scenario("A"), "B", "A")
    assert again.names() == ["A", "B"]
    assert again.scenarios[0] == Scenario("A")  # replaced in place
    assert (again.active, again.vs) == ("A", "B")
    full = tuple(Scenario(n) for n in "ABCD")
    refused = saved(full, Scenario("E"), "A", "B")
    assert refused.problem == "planner_scenario_full"
    assert refused.scenarios == full
    assert len(full) == MAX_SCENARIOS
    assert saved(full, Scenario("C", removed=("x",)), None, None).problem is None
    assert saved((), Scenario(""), None, None).problem == "planner_scenario_unnamed"


def test_deleting_the_shown_scenario_keeps_the_comparison_if_it_remains():
    kept = (Scenario("A"), Scenario("B"), Scenario("C"))
    after = deleted(kept, "A", "B")
    assert after.names() == ["B", "C"]
    assert (after.active, after.vs) == (None, "B")
    assert deleted(kept, "B", "B").vs is None


def test_the_links_scenarios_come_first_then_this_browsers():
    link = (Scenario("shared", ((133.7, 34.6),)),)
    browser = (Scenario("mine"), Scenario("shared"), Scenario("x"), Scenario("y"), Scenario("z"))
    assert [s.name for s in merged(link, browser)] == ["shared", "mine", "x", "y"]
    assert merged(link, browser)[0] == link[0]  # the shared one wins over the browser's copy


def test_after_an_event_the_browser_copy_is_written_only_on_save_or_delete():
    store = [{"name": "A", "add": [[133.7, 34.6]], "remove": []}]
    local = [{"name": "B", "add": [], "remove": ["nursery.x"]}, {"bad": 1}]
    common = {"name": " 新案 ", "whatif": {"add": [[133.71, 34.61]]}, "removed": ["nursery.y"]}
    read, write = after_event(None, scenarios=store, local=local, active="A", vs="nope", **common)
    assert (read.names(), read.active, read.vs, write) == (["A", "B"], "A", None, False)
    save, write = after_event(
        pid.SCENARIO_SAVE, scenarios=store, local=local, active="A", vs=None, **common
    )
    assert write
    assert save.scenarios[-1] == Scenario("新案", ((133.71, 34.61),), ("nursery.y",))
    assert (save.active, save.vs) == ("新案", "A")
    assert save.to_store()[-1] == {
        "name": "新案",
        "add": [[133.71, 34.61]],
        "remove": ["nursery.y"],
    }
    gone, write = after_event(
        pid.SCENARIO_DELETE, scenarios=store, local=local, active="A", vs=None, **common
    )
    assert (gone.names(), write) == ([], True)


# -- downloads -----------------------------------------------------------------------------------


def test_a_download_names_its_scenario_only_while_it_is_unchanged(nurseries):
    scenarios = (Scenario("駅前案", ((133.7, 34.6),), (nurseries.ids[0],)),)
    same = pm.PanelState(
        source=SOURCE, radius=800.0, added=((133.7, 34.6),), removed=(nurseries.ids[0],)
    )
    assert ps.download_name(scenarios, "駅前案", same) == "駅前案"
    moved = pm.PanelState(source=SOURCE, radius=800.0, added=((133.71, 34.6),))
    assert ps.download_name(scenarios, "駅前案", moved) is None
    assert ps.download_name(scenarios, None, same) is None


def test_the_exported_tables_carry_the_scenario_name(model, dataset, nurseries, base_state):
    name = '=駅前案,"A"'  # a formula-looking name stays text
    report = model.report(ps.with_scenario(base_state, Scenario(name, (), (nurseries.ids[0],))))
    rows = report_io.metadata_rows(report, JA, plan=dataset.plan, scenario=name)
    assert (rows[1].key, rows[1].label, rows[1].value) == ("scenario", "シナリオ", name)
    assert "scenario" not in [r.key for r in report_io.metadata_rows(report, JA)]
    text = report_io.render(report, "town", "csv", EN, scenario=name).decode("utf-8-sig")
    cells = list(csv.reader(io.StringIO(text)))
    assert ["# Scenario", "'" + name] in cells or ["# Scenario", name] in cells
    doc = json.loads(report_io.render(report, "town", "json", EN, scenario=name))
    assert doc["scenario"] == name
    assert ["scenario", "Scenario", name] in doc["metadata"]
    assert json.loads(report_io.render(report, "town", "json", EN))["scenario"] is None
    from openpyxl import load_workbook  # noqa: PLC0415

    book = load_workbook(io.BytesIO(report_io.render(report, "town", "xlsx", JA, scenario=name)))
    header = [c.value for c in book.worksheets[0]["A"][:4]]
    assert f"シナリオ: {name}" in header
    about = [(r[0].value, r[1].value) for r in book.worksheets[1].iter_rows()]
    assert ("シナリオ", name) in about
    payload = pv.download(report, "town", "json", EN, dataset, scenario=name)
    assert json.loads(__import__("base64").b64decode(payload["content"]))["scenario"] == name
