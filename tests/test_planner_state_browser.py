"""A planner's shared link in headless Chromium: the facility kind, radius, zones, what-if and
scenario it names are restored, survive the language switch, and a second scenario saved is
compared with the first by the numbers the pure function gives."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from soja_map.i18n import translator
from soja_map.web import ids
from soja_map.web.planner import ids as pid
from soja_map.web.planner import model as pm
from soja_map.web.planner import scenarios as ps
from soja_map.web.planner.link import Scenario
from soja_map.web.planner.views import source_options
from tests.test_app_browser import open_app, query, text_of, wait_query, wait_until

pytestmark = pytest.mark.browser

SOURCE = "category:nursery"
RADIUS = 650
POINT = (133.731, 34.6815)
FIRST = "駅北に1か所"


def label_of(dataset, lang: str, value: str) -> str:
    return next(
        o["label"] for o in source_options(dataset, translator(lang)) if o["value"] == value
    )


def the_link(removed: str) -> str:
    point = f"{POINT[0]},{POINT[1]}"
    return (
        f"?view=planner&facilities={SOURCE}&radius={RADIUS}&zones=elementary"
        f"&add={point}&remove={removed}&scenario={quote(FIRST)}~{point}~{removed}"
        f"&active={quote(FIRST)}"
    )


def sees_the_planner(dash_duo, dataset, lang: str, removed_name: str) -> None:
    """What the link names is on the screen (in ``lang``)."""
    label = label_of(dataset, lang, SOURCE)
    wait_until(lambda: label in text_of(dash_duo, f"#{pid.SOURCE}"), what=label)
    assert dash_duo.find_element(f"#{pid.RADIUS}").get_attribute("value") == str(RADIUS)
    assert dash_duo.find_element(f"#{pid.BY} input[value='elementary']").is_selected()
    dash_duo.wait_for_element(f"#{pid.TABLE}-elementary", timeout=30)
    dash_duo.wait_for_element(".cov-added-point", timeout=30)
    assert f"{POINT[0]:.6f}" in text_of(dash_duo, ".cov-added-point")
    assert removed_name in text_of(dash_duo, ".cov-removed-item")
    assert FIRST in text_of(dash_duo, f"#{pid.SCENARIO_ACTIVE}")


def test_a_planner_link_is_restored_kept_across_languages_and_compares_scenarios(
    dash_duo, settings, dataset
) -> None:
    model = pm.PanelModel(dataset)
    nurseries = model.facilities(SOURCE, None)
    removed, removed_name = nurseries.ids[0], nurseries.names[0]
    open_app(dash_duo, settings, dataset, the_link(removed))
    sees_the_planner(dash_duo, dataset, "ja", removed_name)

    dash_duo.find_element(f"#{ids.LANG_TOGGLE}").click()
    wait_query(dash_duo, "lang", "en")
    dash_duo.wait_for_text_to_equal(f"#{pid.TITLE}", translator("en")("planner_title"))
    sees_the_planner(dash_duo, dataset, "en", removed_name)
    q = query(dash_duo)
    assert (q["facilities"], q["zones"], q["radius"], q["active"]) == (
        SOURCE,
        "elementary",
        str(RADIUS),
        FIRST,
    )

    # a second scenario: no what-if at all, saved under a name; it is shown against the first
    dash_duo.find_element(f"#{pid.RESET}").click()
    wait_until(lambda: not dash_duo.find_elements(".cov-added-point"), what="the what-if reset")
    dash_duo.find_element(f"#{pid.SCENARIO_NAME}").send_keys("today")
    dash_duo.find_element(f"#{pid.SCENARIO_SAVE}").click()
    wait_until(lambda: "today" in text_of(dash_duo, f"#{pid.SCENARIO_ACTIVE}"), what="saved")
    assert FIRST in text_of(dash_duo, f"#{pid.SCENARIO_VS}")
    table = f"#{pid.COMPARISON}-table"
    dash_duo.wait_for_element(table, timeout=30)

    state = pm.PanelState(source=SOURCE, radius=float(RADIUS), by="elementary")
    first = Scenario(FIRST, (POINT,), (removed,))
    comparison, estimate = ps.comparison_of(model, state, Scenario("today"), first)
    expected = ps.comparison_rows(comparison, translator("en"), estimate)
    shown = dash_duo.driver.execute_script(
        "return [...document.querySelectorAll(arguments[0] + ' tbody tr')]"
        ".map(r => [...r.children].map(c => c.textContent));",
        table,
    )
    assert shown == expected
    assert expected[0][0] == "Whole city"
    # the link and this browser's storage hold both scenarios
    wait_until(lambda: query(dash_duo).get("active") == "today", what="active=today in the URL")
    assert query(dash_duo)["vs"] == FIRST
    kept = dash_duo.driver.execute_script(
        f"return JSON.parse(window.localStorage.getItem('{pid.SCENARIOS_LOCAL}'))"
    )
    assert [s["name"] for s in kept] == [FIRST, "today"]

    # showing the first scenario again brings its what-if back
    dash_duo.select_dcc_dropdown(f"#{pid.SCENARIO_ACTIVE}", FIRST)
    dash_duo.wait_for_element(".cov-added-point", timeout=30)
    assert removed_name in text_of(dash_duo, ".cov-removed-item")
    wait_until(lambda: query(dash_duo).get("add") == f"{POINT[0]},{POINT[1]}", what="add=")
    assert dash_duo.get_logs() == []
