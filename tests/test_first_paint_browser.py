"""What a resident sees while the map loads, in headless Chromium: the header at once, then the app in
its place (web/first_paint.py); and with scripts turned off, a message saying the map needs them."""

from __future__ import annotations

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service

from soja_map.config import Settings
from soja_map.data.dataset import Dataset
from soja_map.query.filters import Filter
from soja_map.web import ids
from soja_map.web.app import create_app
from tests.test_app_browser import expected, wait_counts
from tests.test_offline_browser import serving

pytestmark = pytest.mark.browser

# the page's LCP candidates, noted as they are painted (the first paint's title is removed when
# the app replaces it, and a removed element no longer says what it was)
OBSERVE_JS = """
window.sojaPaints = [];
new PerformanceObserver(list => {
    for (const e of list.getEntries()) {
        window.sojaPaints.push({at: e.startTime, tag: e.element ? e.element.tagName : null,
                                inFirstPaint: !!(e.element && e.element.closest('.soja-first-paint'))});
    }
}).observe({type: 'largest-contentful-paint', buffered: true});
"""
FCP_JS = "return performance.getEntriesByName('first-contentful-paint')[0].startTime;"


def test_the_header_shows_first_and_the_app_takes_its_place(
    dash_duo, settings: Settings, dataset: Dataset
) -> None:
    app = create_app(settings, dataset)
    points, lines = expected(dataset, Filter())
    dash_duo.driver.set_window_size(390, 844)  # a phone, where the header is the largest text
    dash_duo.driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": OBSERVE_JS})
    dash_duo.start_server(app)
    dash_duo.wait_for_element(f"#{ids.SUMMARY}", timeout=20)
    wait_counts(dash_duo, points, lines)
    driver = dash_duo.driver
    # the app replaced the first paint: one header, one of each id, nothing inert left
    assert driver.find_elements("css selector", ".soja-first-paint") == []
    assert len(driver.find_elements("css selector", "h1.soja-title")) == 1
    assert len(driver.find_elements("css selector", f"#{ids.LANG_TOGGLE}")) == 1
    assert driver.find_elements("css selector", "[inert]") == []
    # the largest paint is the title, drawn with the first paint (before any script ran), and
    # the app's own title, the same size, did not count as a larger one
    paints = driver.execute_script("return window.sojaPaints;")
    assert paints, paints
    largest = paints[-1]
    assert largest["tag"] == "H1", paints
    assert largest["inFirstPaint"], paints
    assert largest["at"] == pytest.approx(driver.execute_script(FCP_JS), abs=1)
    assert dash_duo.get_logs() == []


def test_with_scripts_off_the_page_says_the_map_needs_them(
    settings: Settings, dataset: Dataset
) -> None:
    options = webdriver.ChromeOptions()
    options.binary_location = str(settings.chromium)
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=390,844"):
        options.add_argument(flag)
    options.add_experimental_option(
        "prefs", {"profile.managed_default_content_settings.javascript": 2}
    )
    driver = webdriver.Chrome(service=Service(str(settings.chromedriver)), options=options)
    try:
        with serving(create_app(settings, dataset).server) as (url, _):
            driver.get(url + "?lang=en")
            body = driver.find_element("tag name", "body").text
        assert "Soja City priority projects map" in body
        assert "This map needs JavaScript" in body
        assert "Loading the map…" in body
    finally:
        driver.quit()
