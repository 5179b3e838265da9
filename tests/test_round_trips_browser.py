"""What a resident's clicks cost the server, in headless Chromium: drawing a list or the search
results sends no "which place is chosen" callback (details.py, LINK_PRESSED); pressing a name sends
exactly one, and its card opens."""

from __future__ import annotations

import json
from typing import Any

import pytest
from selenium.webdriver.common.keys import Keys

from soja_map.config import Settings
from soja_map.data.dataset import Dataset
from soja_map.web import ids
from tests.test_app_browser import choose_view, open_app, wait_until

pytestmark = pytest.mark.browser

# installed before the page's scripts: the output of every callback the page sends to the server
RECORD_JS = """
window.sojaCalls = [];
const sojaFetch = window.fetch;
window.fetch = function (input, init) {
    const url = typeof input === 'string' ? input : input.url;
    if (url.includes('_dash-update-component') && init && typeof init.body === 'string') {
        try { window.sojaCalls.push(JSON.parse(init.body).output); } catch (e) {}
    }
    return sojaFetch.apply(this, arguments);
};
"""


def calls(dash_duo: Any) -> list[str]:
    """The outputs of the callbacks sent since the last call (and forget them)."""
    sent: list[str] = dash_duo.driver.execute_script(
        "const c = window.sojaCalls; window.sojaCalls = []; return c;"
    )
    return sent


def quiet(dash_duo: Any, seconds: float = 0.8) -> list[str]:
    """The callbacks sent until the page has sent none for ``seconds``."""
    sent: list[str] = []

    def settled() -> bool:
        new = dash_duo.driver.execute_script("return window.sojaCalls.length")
        dash_duo.driver.execute_script(f"return new Promise(r => setTimeout(r, {seconds * 1000}))")
        if dash_duo.driver.execute_script("return window.sojaCalls.length") != new:
            return False
        sent.extend(calls(dash_duo))
        return True

    wait_until(settled, what="the page to stop sending callbacks")
    return sent


def choosing(outputs: list[str]) -> list[str]:
    return [o for o in outputs if f"{ids.SELECTED_STORE}.data" in o]


def test_drawing_lists_costs_no_choice_and_a_press_costs_one(
    dash_duo: Any, settings: Settings, dataset: Dataset
) -> None:
    dash_duo.driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": RECORD_JS})
    open_app(dash_duo, settings, dataset, "?view=list")
    dash_duo.wait_for_element(".soja-row-button")
    quiet(dash_duo)
    # a new page of the list and new search results: names drawn, none chosen
    dash_duo.find_element(f"#{ids.LIST_NEXT}").click()
    drawn = quiet(dash_duo)
    choose_view(dash_duo, "filter")
    dash_duo.find_element(f"#{ids.SEARCH}").send_keys("総社")
    dash_duo.wait_for_element(f"#{ids.SEARCH_HITS} button")
    drawn += quiet(dash_duo)
    assert any(f"{ids.PLACE_LIST}.children" in o for o in drawn), drawn
    assert any(f"{ids.SEARCH_HITS}.children" in o for o in drawn), drawn
    assert choosing(drawn) == [], drawn
    # a press on a name in the list: one round trip, and the card shows that name
    choose_view(dash_duo, "list")
    row = dash_duo.find_element(".soja-row-button")
    name = row.text
    row.send_keys(Keys.ENTER)
    dash_duo.wait_for_text_to_equal("#details-title", name)
    pressed = quiet(dash_duo)
    assert len(choosing(pressed)) == 1, pressed
    # the same name pressed again (after closing the card) chooses it again
    dash_duo.find_element(f"#{ids.DETAILS_CLOSE}").click()
    wait_until(lambda: not dash_duo.find_element(f"#{ids.DETAILS}").is_displayed())
    quiet(dash_duo)
    dash_duo.find_element(".soja-row-button").send_keys(Keys.ENTER)
    dash_duo.wait_for_text_to_equal("#details-title", name)
    assert len(choosing(quiet(dash_duo))) == 1
    # a search hit pressed opens its own card
    choose_view(dash_duo, "filter")
    hit = dash_duo.find_element(f"#{ids.SEARCH_HITS} button")
    hit_name = hit.text
    hit.click()
    wait_until(
        lambda: dash_duo.find_element("#details-title").text in hit_name,
        what="the search hit's card",
    )
    assert json.dumps(dash_duo.get_logs()) == "[]"
