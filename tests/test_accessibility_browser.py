"""Accessibility as a tested property: axe-core (pinned in tests/js/package.json, installed from the
npm registry by `npm ci --prefix tests/js`, injected from node_modules: no CDN) on every tab, in both
languages, at desktop and phone widths, with a place card open and with the credits dialog open.

Serious and critical violations fail, and so do the moderate rules whose cause is the app's own
markup (STRICT: heading levels in panels and cards); the other moderate and minor ones are printed
for the closing note.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from soja_map.web import ids
from soja_map.web.state import VIEWS
from tests.test_app_browser import settle, wait_until

pytestmark = pytest.mark.browser

AXE = Path(__file__).parent / "js" / "node_modules" / "axe-core" / "axe.min.js"
WIDTHS = {"desktop": (1280, 900), "phone": (390, 844)}
BLOCKING = {"serious", "critical"}
# Rules that fail at any impact: their cause is the app's own markup, so there is no excuse
STRICT = {"heading-order"}
# The one remaining exception, and why it stays: Dash 4's dcc.Checklist and dcc.RadioItems
# render each option as <label role="option" aria-selected> around its own <input>, so axe
# finds a focusable control inside an interactive role (nested-interactive; also the minor
# aria-allowed-role on the same labels). The markup is written by Dash's React components,
# not by the app, and rewriting it from our JS would fight React's rendering and leave a
# listbox without options (a worse, serious violation). Listed by rule and selector, so the
# same rule anywhere else still fails. To be fixed upstream or by replacing the components;
# reported in the closing note of issue 11.
KNOWN = (("nested-interactive", r"\.dash-options-list-option|\.dash-radioitems|\.dash-checklist"),)
RUN_AXE = """
const done = arguments[arguments.length - 1];
axe.run(document, {resultTypes: ['violations']}).then(r => done(r.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ') + ' :: ' + (n.failureSummary || '').slice(0, 200))
})))).catch(e => done([{id: 'axe-error', impact: 'critical', help: String(e), nodes: []}]));
"""


@pytest.fixture(scope="module")
def axe_source() -> str:
    if not AXE.is_file():
        pytest.skip(f"axe-core is not installed ({AXE} missing): run `npm ci --prefix tests/js`")
    return AXE.read_text(encoding="utf-8")


def run_axe(dash_duo, axe_source: str) -> list[dict[str, Any]]:
    driver = dash_duo.driver
    if not driver.execute_script("return !!window.axe"):
        driver.execute_script(axe_source)
    driver.set_script_timeout(60)
    violations: list[dict[str, Any]] = driver.execute_async_script(RUN_AXE)
    return violations


def known(rule: str, node: str) -> bool:
    """A violation in Dash's own component markup, which the app cannot change (see KNOWN)."""
    return any(rule == r and re.search(pattern, node) for r, pattern in KNOWN)


def check(dash_duo, axe_source: str, where: str, report: dict[str, Any]) -> list[Any]:
    """Record every violation; return the serious/critical ones that are not KNOWN."""
    violations = run_axe(dash_duo, axe_source)
    report[where] = sorted({(v["id"], v["impact"]) for v in violations})
    return [
        (where, v["id"], node)
        for v in violations
        if v["impact"] in BLOCKING or v["id"] in STRICT
        for node in v["nodes"]
        if not known(v["id"], node)
    ]


def open_page(dash_duo, search: str, size: tuple[int, int]) -> None:
    dash_duo.driver.set_window_size(*size)
    dash_duo.driver.get(dash_duo.server_url + "/" + search)
    dash_duo.wait_for_element(f"#{ids.SUMMARY}", timeout=20)
    wait_until(
        lambda: dash_duo.driver.execute_script("return window.__sojaShown !== undefined"),
        what="the places to be drawn",
    )
    settle(dash_duo)


@pytest.mark.parametrize("width", list(WIDTHS))
@pytest.mark.parametrize("lang", ["ja", "en"])
def test_axe_finds_no_serious_violation_on_any_tab_card_or_dialog(
    dash_duo, settings, dataset, axe_source: str, lang: str, width: str
) -> None:
    from soja_map.web.app import create_app  # noqa: PLC0415

    dash_duo.start_server(create_app(settings, dataset))
    size = WIDTHS[width]
    report: dict[str, Any] = {}
    blocking: list[Any] = []
    for view in VIEWS:
        open_page(dash_duo, f"?view={view}&lang={lang}", size)
        if width == "phone":  # the controls are folded into a panel: open it
            dash_duo.find_element(f"#{ids.PANEL_TOGGLE}").click()
            settle(dash_duo)
        blocking += check(dash_duo, axe_source, f"{lang}/{width}/{view}", report)
    # the nearby view with its results (nearest places and shelters) drawn
    open_page(dash_duo, f"?view=nearby&near=34.6728,133.7465&lang={lang}", size)
    dash_duo.wait_for_element(".soja-near-shelter-block")
    if width == "phone":
        dash_duo.find_element(f"#{ids.PANEL_TOGGLE}").click()
        settle(dash_duo)
    blocking += check(dash_duo, axe_source, f"{lang}/{width}/nearby-results", report)
    open_page(dash_duo, f"?place=station.soja&lang={lang}", size)
    dash_duo.wait_for_element("#details-title")
    blocking += check(dash_duo, axe_source, f"{lang}/{width}/card", report)
    open_page(dash_duo, f"?lang={lang}", size)
    if width == "phone":  # the credits sit in the header's "more" menu
        dash_duo.find_element("#soja-more").click()
    dash_duo.find_element(f"#{ids.CREDITS_OPEN}").click()
    wait_until(lambda: dash_duo.find_element(f"#{ids.CREDITS}").is_displayed())
    blocking += check(dash_duo, axe_source, f"{lang}/{width}/credits", report)
    print(json.dumps(report, ensure_ascii=False))  # every rule hit, for the closing note
    assert blocking == [], json.dumps(blocking, ensure_ascii=False, indent=1)
