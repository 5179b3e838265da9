"""The Content-Security-Policy in a real browser: the app works under it with no console error
(so nothing it needs is blocked), and an injected inline script is refused."""

from __future__ import annotations

import urllib.request

import pytest

from soja_map.config import Settings
from soja_map.data.dataset import Dataset
from soja_map.web import ids
from soja_map.web.app import create_app
from soja_map.web.planner import ids as planner_ids
from soja_map.web.planner.model import MAX_WHATIF_POINTS

pytestmark = pytest.mark.browser


def start(dash_duo, settings: Settings, data: Dataset, search: str = "") -> None:
    dash_duo.start_server(create_app(settings, data))
    if search:
        dash_duo.driver.get(dash_duo.server_url + "/" + search)
    dash_duo.wait_for_element(f"#{ids.SUMMARY}", timeout=30)


def test_the_app_runs_under_its_csp_without_console_errors(dash_duo, settings, dataset) -> None:
    start(dash_duo, settings, dataset, "?view=planner")
    with urllib.request.urlopen(dash_duo.server_url + "/") as response:
        csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self' 'sha256-" in csp
    dash_duo.wait_for_element(f"#{planner_ids.SUMMARY}", timeout=30)
    hint = dash_duo.wait_for_element("#cov-label-whatif-limit", timeout=30)
    assert str(MAX_WHATIF_POINTS) in hint.text
    dash_duo.driver.get(dash_duo.server_url + "/?view=list")
    dash_duo.wait_for_element(f"#{ids.SUMMARY}", timeout=30)
    assert dash_duo.get_logs() == []


def test_an_injected_inline_script_is_refused(dash_duo, settings, dataset) -> None:
    start(dash_duo, settings, dataset)
    dash_duo.driver.execute_script(
        "const s = document.createElement('script');"
        "s.textContent = 'window.__injected = true;';"
        "document.body.appendChild(s);"
    )
    assert dash_duo.driver.execute_script("return window.__injected === true") is False
    logs = dash_duo.get_logs()
    assert any("Content Security Policy" in entry["message"] for entry in logs), logs
