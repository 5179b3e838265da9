"""A resident who opened the map once opens it again with no network (the service worker's copy).

Headless Chromium (dash_duo's driver) against the app on a local server that the test stops: the
reload then reaches no server at all, as on a flood night with the mobile network down.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator

import pytest
from werkzeug.serving import make_server

from soja_map.config import Settings
from soja_map.data.dataset import Dataset
from soja_map.query.filters import Filter
from soja_map.web import ids
from soja_map.web.app import create_app
from tests.test_app_browser import choose_view, expected, legend_text, wait_counts, wait_until

pytestmark = pytest.mark.browser

# every same-origin GET the page loaded (bar the callbacks' POSTs) is in the worker's cache
ALL_KEPT_JS = """
const done = arguments[arguments.length - 1];
const wanted = performance.getEntriesByType('resource').map(e => e.name)
    .filter(u => new URL(u).origin === location.origin && !u.includes('_dash-update-component'));
caches.keys().then(names => Promise.all(names.map(n => caches.open(n))))
  .then(stores => Promise.all(wanted.concat([location.origin + '/']).map(
      u => Promise.all(stores.map(s => s.match(u))).then(found => found.some(Boolean) ? null : u))))
  .then(missing => done({controlled: !!navigator.serviceWorker.controller,
                         missing: missing.filter(Boolean)}))
  .catch(e => done({error: String(e)}));
"""


@contextlib.contextmanager
def serving(app_server: object) -> Iterator[tuple[str, threading.Event]]:
    server = make_server("127.0.0.1", 0, app_server, threaded=True)  # type: ignore[arg-type]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/", threading.Event()
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def kept(dash_duo) -> dict[str, object] | None:
    state = dash_duo.driver.execute_async_script(ALL_KEPT_JS)
    return state if state.get("controlled") and not state.get("missing") else None


def test_the_map_opens_again_with_no_network_and_says_it_is_a_cached_copy(
    dash_duo, settings: Settings, dataset: Dataset
) -> None:
    app = create_app(settings, dataset)
    points, lines = expected(dataset, Filter())
    driver = dash_duo.driver
    driver.set_script_timeout(10)
    with serving(app.server) as (url, _):
        driver.get(url)
        dash_duo.wait_for_element(f"#{ids.SUMMARY}", timeout=20)
        wait_counts(dash_duo, points, lines)
        # online, the notice stays hidden
        assert not dash_duo.find_element(f"#{ids.CACHED_NOTICE}").is_displayed()
        # the credits' content is drawn when the dialog first opens (web/deferred.py)
        assert not dash_duo.find_elements(f"#{ids.CREDITS_BODY} *")
        dash_duo.find_element(f"#{ids.CREDITS_OPEN}").click()
        credits = dash_duo.find_element(f"#{ids.CREDITS}")
        wait_until(lambda: "Geolonia 住所データ" in credits.text, what="the credits")
        assert dash_duo.find_elements(f"#{ids.CREDITS_BODY} .soja-sources table")
        dash_duo.find_element(f"#{ids.CREDITS_CLOSE}").click()
        assert not dash_duo.find_elements(f"#{ids.PLACE_LIST} tbody tr")  # drawn when chosen
        assert dash_duo.get_logs() == []
        wait_until(lambda: kept(dash_duo), timeout=30, what="the worker to keep the page")
    # the server is gone: nothing answers on that port any more
    driver.refresh()
    dash_duo.wait_for_element(f"#{ids.SUMMARY}", timeout=20)
    wait_counts(dash_duo, points, lines)
    notice = dash_duo.find_element(f"#{ids.CACHED_NOTICE}")
    wait_until(notice.is_displayed, what="the cached-copy notice")
    _start, end = dataset.as_of_range()
    assert (
        notice.text == f"通信できないため、保存済みのコピーを表示しています（データ: {end} 時点）。"
    )
    legend = legend_text(dash_duo)
    for label in ("ささえる", "はぐくむ", "鉄道駅 (15)", "学校 (19)"):
        assert label in legend
    assert dash_duo.find_elements("path.soja-ref-boundary")
    assert dash_duo.find_element(f"#{ids.SUMMARY}").text.startswith(
        f"{len(dataset.places)} 件を表示中"
    )
    # what the first screen does not show is in the copy too: the list
    choose_view(dash_duo, "list")
    wait_until(
        lambda: len(dash_duo.find_elements(f"#{ids.PLACE_LIST} tbody tr")) == 50,
        what="the list's first page",
    )
    # the worker answers what the page asks the server (callbacks: "nothing to update"); only a
    # request that reached for the network may fail, and none does
    logs = dash_duo.get_logs()
    assert [e for e in logs if "net::ERR_" not in e["message"]] == [], logs


# what a hardened deployment may send: no inline script, no eval, nothing from elsewhere; and no
# Referer at all (the first layout then comes without the page, which a callback renders)
STRICT_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data:; connect-src 'self'; worker-src 'self'; manifest-src 'self'; "
        "object-src 'none'; base-uri 'self'; frame-ancestors 'none'"
    ),
    "Referrer-Policy": "no-referrer",
}


def test_the_map_runs_under_a_strict_content_security_policy_and_no_referrer(
    dash_duo, settings: Settings, dataset: Dataset
) -> None:
    app = create_app(settings, dataset)

    @app.server.after_request
    def harden(response):  # type: ignore[no-untyped-def]
        response.headers.update(STRICT_HEADERS)
        return response

    points, lines = expected(dataset, Filter())
    with serving(app.server) as (url, _):
        dash_duo.driver.get(url + "?view=list&lang=en")
        dash_duo.wait_for_element(f"#{ids.SUMMARY}", timeout=20)
        wait_counts(dash_duo, points, lines)
        assert dash_duo.find_element(f"#{ids.SHELL}").get_attribute("lang") == "en"
        wait_until(
            lambda: len(dash_duo.find_elements(f"#{ids.PLACE_LIST} tbody tr")) == 50,
            what="the list (the address asked for it)",
        )
        wait_until(lambda: kept(dash_duo), timeout=30, what="the worker to keep the page")
        assert dash_duo.get_logs() == []  # a CSP violation is a console error
