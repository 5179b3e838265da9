"""The planner's what-if round trip in the browser on the real data, next to its compute time.

Run: python bench/bench_planner.py [--clicks N]

Serves the real app (``create_app``, tiles off), opens ``?view=planner`` in headless Chromium,
chooses the nurseries, switches to add mode and clicks the map N times. For every click it times
the round trip from the click event to the what-if line showing the new point (request, compute,
response, render; on the browser's clock, and also with Selenium's click) and sums the bytes of
the ``_dash-update-component`` responses it caused. Printed beside it, the pure compute of the same
what-if (``PanelModel.compute``: what_if on the cached grid) and of the whole view (``views.view``).
Target: round trip under 1 s (issue 12; it was 4.6-5.3 s when every update re-sent the zone
geometry, 6.7 s wall clock when it re-sent the gaps, catchments and the whole table).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time

from bench_app import chromium, serving_app, wait_for
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from soja_map.config import Settings
from soja_map.data.dataset import load_dataset
from soja_map.i18n import translator
from soja_map.web.planner import ids as pid
from soja_map.web.planner import model as pm
from soja_map.web.planner import views as pv

# the browser's own clock: from the click event on the map to the what-if line showing the point
# (Selenium's command overhead, a few hundred ms on a loaded machine, is not the person's wait)
WATCH = """
window.__wi = {click: null, n: 0, shown: {}};
document.querySelector('#map').addEventListener('click', function () {
  window.__wi.click = performance.now();
}, true);
new MutationObserver(function () {
  var n = document.querySelectorAll('.cov-added-point').length;
  if (n !== window.__wi.n) { window.__wi.n = n; window.__wi.shown[n] = performance.now(); }
}).observe(document.body, {childList: true, subtree: true});
"""
IN_BROWSER = "return window.__wi.shown[arguments[0]] - window.__wi.click;"
UPDATES = """
return performance.getEntriesByType('resource')
  .filter(e => e.name.includes('_dash-update-component') && e.startTime >= arguments[0])
  .map(e => e.decodedBodySize);
"""


def compute_ms(data, added: list[tuple[float, float]], repeat: int = 7) -> tuple[float, float]:
    model = pm.PanelModel(data)
    state = pm.PanelState(source="category:nursery", radius=800.0, added=added)
    model.report(state)  # builds the grid once, as the app does on first use
    best_report = best_view = float("inf")
    tr = translator("ja")
    for _ in range(repeat):
        t0 = time.perf_counter()
        model.compute(state)
        t1 = time.perf_counter()
        model.forget()
        pv.view(model, state, tr)
        t2 = time.perf_counter()
        best_report, best_view = min(best_report, t1 - t0), min(best_view, t2 - t1)
    return best_report * 1000, best_view * 1000


def choose_nurseries(driver) -> None:
    box = driver.find_element(By.CSS_SELECTOR, f"#{pid.SOURCE}")
    box.click()
    active = driver.switch_to.active_element
    active.send_keys("保育所・地域型保育")
    time.sleep(0.3)
    active.send_keys(Keys.ENTER)
    wait_for(
        lambda: driver.find_elements(By.CSS_SELECTOR, f"#{pid.TABLE}-town"), 60, "the town table"
    )


def round_trips(
    url: str, clicks: int
) -> tuple[list[float], list[float], list[int], list[tuple[float, float]]]:
    driver = chromium()
    try:
        driver.get(url + "?view=planner")
        wait_for(lambda: driver.find_elements(By.CSS_SELECTOR, f"#{pid.SOURCE}"), 120, "the panel")
        choose_nurseries(driver)
        driver.find_element(By.CSS_SELECTOR, f"#{pid.MODE} input[value='add']").click()
        wait_for(
            lambda: driver.find_elements(By.CSS_SELECTOR, "path.cov-add-catcher"), 30, "add mode"
        )
        time.sleep(0.5)
        the_map = driver.find_element(By.CSS_SELECTOR, "#map")
        driver.execute_script(WATCH)
        times: list[float] = []
        browser: list[float] = []
        sizes: list[int] = []
        for i in range(clicks):
            start = driver.execute_script("return performance.now();")
            t0 = time.perf_counter()
            ActionChains(driver).move_to_element(the_map).move_by_offset(
                150 + 30 * i, 20 * i - 40
            ).click().perform()
            wait_for(
                lambda n=i + 1: len(driver.find_elements(By.CSS_SELECTOR, ".cov-added-point")) == n,
                30,
                f"what-if {i + 1}",
            )
            times.append((time.perf_counter() - t0) * 1000)
            browser.append(float(driver.execute_script(IN_BROWSER, i + 1)))
            time.sleep(0.3)
            sizes.append(sum(int(s) for s in driver.execute_script(UPDATES, start)))
        points = [
            tuple(float(v) for v in e.text.split(":")[-1].split(","))
            for e in driver.find_elements(By.CSS_SELECTOR, ".cov-added-point")
        ]
        return times, browser, sizes, points  # type: ignore[return-value]
    finally:
        driver.quit()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clicks", type=int, default=5)
    args = parser.parse_args(argv)
    data = load_dataset(Settings())
    with serving_app(data) as url:
        times, browser, sizes, points = round_trips(url, args.clicks)
    what_if_ms, view_ms = compute_ms(data, [points[0]])
    median = statistics.median(browser)
    print(f"what-if round trip in the browser (real data, nurseries, 800 m, {len(times)} clicks)")
    print(
        f"  round trip   median {median:7.0f} ms   max {max(browser):7.0f} ms  (click event to render)"
    )
    wall = statistics.median(times)
    print(
        f"  with driver  median {wall:7.0f} ms   max {max(times):7.0f} ms  (Selenium's click included)"
    )
    print(f"  responses    median {statistics.median(sizes) / 1024:7.1f} KB per what-if")
    print(f"  compute      what_if {what_if_ms:6.1f} ms   whole view {view_ms:6.1f} ms")
    ok = median < 1000
    print(f"check: round trip under 1 s: {'ok' if ok else 'FAILED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
