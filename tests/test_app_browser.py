"""The resident map as a person uses it: headless Chromium through dash_duo, no network, tiles off.

One journey per test; each asserts what a person sees (markers, counts, texts, the URL) and that the
browser console stayed clean.
"""

from __future__ import annotations

import json
import struct
import time
import zlib
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import Response
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.keys import Keys

from soja_map.config import Settings
from soja_map.data.dataset import Dataset
from soja_map.query.basemaps import mirrored
from soja_map.query.filters import Filter, mask, select
from soja_map.query.nearby import nearest_by_category
from soja_map.web import ids
from soja_map.web.app import create_app
from soja_map.web.mapdata import style_key

pytestmark = pytest.mark.browser

# What the marker pane shows: single places, clusters (with their exact size) and drawn lines
COUNT_JS = """
const pane = document.querySelector('.leaflet-marker-pane');
if (!pane || window.__sojaShown === undefined) { return null; }
let clustered = 0;
const clusters = pane.querySelectorAll('.soja-cluster');
clusters.forEach(e => { clustered += parseInt(e.dataset.count || '0'); });
const singles = pane.querySelectorAll('.soja-pt').length;
return {singles: singles, clusters: clusters.length, total: singles + clustered,
        shapes: document.querySelectorAll('path.soja-shape').length};
"""
ANIMATING_JS = "return !!document.querySelector('.leaflet-zoom-anim, .leaflet-pan-anim')"


def wait_until(check: Callable[[], Any], timeout: float = 15.0, what: str = "") -> Any:
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        try:
            last = check()
        except Exception as exc:  # the page may be re-rendering (stale elements)
            last = exc
        else:
            if last:
                return last
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what or check}: last={last!r}")


def counts(dash_duo) -> dict[str, int] | None:
    return dash_duo.driver.execute_script(COUNT_JS)


def wait_counts(dash_duo, total: int, shapes: int | None = None) -> dict[str, int]:
    seen: list[Any] = []

    def ok() -> dict[str, int] | None:
        c = counts(dash_duo)
        seen.append(c)
        good = c and c["total"] == total and (shapes is None or c["shapes"] == shapes)
        return c if good else None

    try:
        return wait_until(ok, what=f"{total} places and {shapes} lines on the map")
    except AssertionError as exc:
        raise AssertionError(f"{exc}; last counts {seen[-1:]}") from None


def expected(data: Dataset, flt: Filter) -> tuple[int, int]:
    """(points, lines and areas) the map should draw for ``flt``."""
    shown = select(data.places, flt)
    located = shown[shown.geometry.notna()]
    points = int((located.geom_type == "Point").sum())
    return points, len(located) - points


def settle(dash_duo) -> None:
    wait_until(lambda: not dash_duo.driver.execute_script(ANIMATING_JS), what="the map to stop")
    time.sleep(0.3)


def text_of(dash_duo, selector: str) -> str:
    return dash_duo.find_element(selector).text


def legend_text(dash_duo) -> str:
    """Everything the legend says, in its open and its folded sections alike."""
    text: str = dash_duo.driver.execute_script(
        "return document.getElementById(arguments[0]).textContent", ids.LEGEND
    )
    return text


def query(dash_duo) -> dict[str, str]:
    url = dash_duo.driver.execute_script("return window.location.href")
    return {k: v[-1] for k, v in parse_qs(urlsplit(url).query).items()}


def wait_query(dash_duo, key: str, value: str | None) -> None:
    """Wait for the address bar (rewritten by a callback after each change) to say key=value
    (``None``: key absent)."""
    wait_until(lambda: query(dash_duo).get(key) == value, what=f"{key}={value} in the URL")


def map_view(dash_duo) -> dict[str, Any]:
    return dash_duo.driver.execute_script(
        "const m = document.querySelector('.leaflet-container');"
        "return {width: m.clientWidth, height: m.clientHeight};"
    )


def choose_view(dash_duo, view: str) -> None:
    """Press one of the view tabs (a radio group styled as tabs): the label is what people click."""
    dash_duo.find_element(f'#{ids.VIEW_TABS} label:has(input[value="{view}"])').click()


def open_app(dash_duo, settings: Settings, data: Dataset, search: str = "", **kwargs: Any):
    app = create_app(settings, data, **kwargs)
    dash_duo.start_server(app)
    if search:
        dash_duo.driver.get(dash_duo.server_url + "/" + search)
    dash_duo.wait_for_element(f"#{ids.SUMMARY}", timeout=20)
    return app


def test_the_map_opens_with_every_place_and_no_console_error(dash_duo, settings, dataset) -> None:
    open_app(dash_duo, settings, dataset)
    points, lines = expected(dataset, Filter())
    shown = wait_counts(dash_duo, points, lines)
    assert shown["clusters"] > 0  # dense places are clustered at the city's zoom
    assert (
        text_of(dash_duo, f"#{ids.SUMMARY}") == "169 件を表示中（地図上 168・市全域 1）／全 169 件"
    )
    # the city-wide service is listed as such, never drawn as a point
    assert "雪舟くん（総社市新生活交通）" in text_of(dash_duo, f"#{ids.CITY_WIDE}")
    assert not dash_duo.find_elements('.leaflet-marker-icon[title^="雪舟くん"]')
    # the legend names every category drawn, with its count, and the overlays shown
    legend = legend_text(dash_duo)
    for label in ("ささえる", "はぐくむ", "鉄道駅 (15)", "学校 (19)", "鉄道路線 (6)", "市域"):
        assert label in legend
    assert dash_duo.find_elements("path.soja-ref-boundary")
    # every request stayed on this machine, and the first render's JSON is small
    sizes = dash_duo.driver.execute_script(
        "return performance.getEntriesByType('resource').filter(e => /_dash-layout|_dash-update|_soja/"
        ".test(e.name)).map(e => [e.name, e.decodedBodySize]);"
    )
    hosts = dash_duo.driver.execute_script(
        "return [...new Set(performance.getEntriesByType('resource').map(e => new URL(e.name).host))]"
    )
    assert hosts == [urlsplit(dash_duo.server_url).netloc]
    assert sum(size for _, size in sizes) < 500_000, sizes
    assert dash_duo.get_logs() == []


def test_turning_a_project_off_and_on_redraws_the_map_and_the_counts(
    dash_duo, settings, dataset
) -> None:
    open_app(dash_duo, settings, dataset)
    everything = expected(dataset, Filter())
    wait_counts(dash_duo, *everything)
    hagukumu = dash_duo.find_element(f'#{ids.PROJECTS} input[value="hagukumu"]')
    hagukumu.click()
    without = Filter(projects=("sasaeru", "uruou", "tsuchikau"))
    points, lines = expected(dataset, without)
    wait_counts(dash_duo, points, lines)
    assert points < everything[0]
    shown = len(select(dataset.places, without))
    located = int(select(dataset.places, without).geometry.notna().sum())
    dash_duo.wait_for_text_to_equal(
        f"#{ids.SUMMARY}",
        f"{shown} 件を表示中（地図上 {located}・市全域 {shown - located}）／全 169 件",
    )
    # nothing drawn in the project's colour, and the legend follows
    assert not dash_duo.find_elements(".leaflet-marker-pane .soja-proj-hagukumu")
    legend = legend_text(dash_duo)
    assert "はぐくむ" not in legend
    assert "保育所・地域型保育" not in legend  # nurseries only serve はぐくむ
    # clusters are rebuilt from the places shown (dash-leaflet #274): still exact after zooming
    dash_duo.find_element(".leaflet-control-zoom-in").click()
    settle(dash_duo)
    dash_duo.find_element(".leaflet-control-zoom-out").click()
    settle(dash_duo)
    wait_counts(dash_duo, points, lines)
    wait_query(dash_duo, "projects", "sasaeru,uruou,tsuchikau")
    dash_duo.find_element(f'#{ids.PROJECTS} input[value="hagukumu"]').click()
    wait_counts(dash_duo, *everything)
    dash_duo.wait_for_contains_text(f"#{ids.SUMMARY}", "169 件を表示中")
    wait_query(dash_duo, "projects", None)
    assert dash_duo.get_logs() == []


def test_choosing_a_measure_shows_and_fits_its_places(dash_duo, settings, dataset) -> None:
    open_app(dash_duo, settings, dataset)
    wait_counts(dash_duo, *expected(dataset, Filter()))
    zoom_before = dash_duo.driver.execute_script(
        "return document.querySelector('.leaflet-container') && 0"
    )
    del zoom_before
    dash_duo.select_dcc_dropdown(f"#{ids.MEASURES}", "うるおう › 優良企業の誘致（3 か所）")
    dash_duo.find_element(f"#{ids.MEASURES}").send_keys(Keys.ESCAPE)
    wait_counts(dash_duo, 3, 0)
    assert len(dash_duo.find_elements(".leaflet-marker-pane .soja-cat-industrial_site")) == 3
    dash_duo.wait_for_contains_text(f"#{ids.MEASURE_NOTE}", "優良企業の誘致: 3 か所")
    # the map flew to the three industrial parks: zoomed in beyond the city view
    wait_until(lambda: int(query(dash_duo).get("z", 0)) >= 13, what="the map to fit the measure")
    wait_query(dash_duo, "measures", "uruou.business-attraction")
    assert dash_duo.get_logs() == []


def test_a_city_wide_measure_is_listed_not_drawn(dash_duo, settings, dataset) -> None:
    open_app(dash_duo, settings, dataset, "?measures=uruou.production-distribution")
    wait_counts(dash_duo, 0, 0)
    note = text_of(dash_duo, f"#{ids.MEASURE_NOTE}")
    assert "生産・加工・流通体制の連携・強化: 0 か所" in note
    assert "市全域" in note
    assert "生産・加工・流通体制の連携・強化" in text_of(dash_duo, f"#{ids.CITY_WIDE}")
    assert dash_duo.get_logs() == []


def test_clicking_a_place_shows_its_details_and_its_measures(dash_duo, settings, dataset) -> None:
    row = dataset.places.loc["nursery.8bb82b67"]  # あのね保育園: alone on its town point
    open_app(
        dash_duo,
        settings,
        dataset,
        f"?lat={row.geometry.y:.5f}&lon={row.geometry.x:.5f}&z=17",
    )
    marker = dash_duo.wait_for_element('.leaflet-marker-icon[title="あのね保育園"]')
    marker.click()
    dash_duo.wait_for_text_to_equal("#details-title", "あのね保育園")
    card = text_of(dash_duo, f"#{ids.DETAILS}")
    for seen in (
        "保育所・地域型保育",
        "はぐくむ",
        "地域ぐるみの子育て支援",  # the policy
        "子どもと家族のための地域づくりの推進",  # a measure
        "岡山県総社市駅南一丁目12-5",
        "2026-01-23",
        "総社市 / 令和7年度保育施設入所可能状況一覧",
        "おおよその位置",  # an address_town position says it is approximate
    ):
        assert seen in card, seen
    link = dash_duo.find_element(".soja-fields a")
    assert link.get_attribute("href").startswith("https://github.com/ben-wander0708/kosodate-map/")
    wait_query(dash_duo, "place", "nursery.8bb82b67")
    # place -> plan -> places: show every place of one of its measures
    dash_duo.find_element(f'#{ids.DETAILS} button[id*="hagukumu.family-community"]').click()
    family = Filter(measures=("hagukumu.family-community",))
    wait_counts(dash_duo, *expected(dataset, family))
    wait_query(dash_duo, "measures", "hagukumu.family-community")
    dash_duo.find_element(f"#{ids.DETAILS_CLOSE}").click()
    wait_until(lambda: not dash_duo.find_element(f"#{ids.DETAILS}").is_displayed())
    wait_query(dash_duo, "place", None)
    assert dash_duo.get_logs() == []


def test_the_address_follows_the_map_as_it_is_zoomed_and_moved(dash_duo, settings, dataset) -> None:
    """The view goes to the address bar (lat, lon, z) from the browser's own copy of it
    (sojaMap.viewStore), so a link shared after zooming opens the same view."""
    open_app(dash_duo, settings, dataset, "?lat=34.67000&lon=133.74000&z=13")
    dash_duo.wait_for_element(".leaflet-marker-icon")
    dash_duo.find_element(".leaflet-control-zoom-in").click()
    wait_query(dash_duo, "z", "14")
    link = query(dash_duo)
    assert float(link["lat"]) == pytest.approx(34.67, abs=1e-4)
    assert float(link["lon"]) == pytest.approx(133.74, abs=1e-4)
    dash_duo.find_element(".leaflet-control-zoom-out").click()
    wait_query(dash_duo, "z", "13")
    assert dash_duo.get_logs() == []


def test_search_finds_a_place_in_any_kana_or_width_and_zooms_to_it(
    dash_duo, settings, dataset
) -> None:
    open_app(dash_duo, settings, dataset)
    wait_counts(dash_duo, *expected(dataset, Filter()))
    box = dash_duo.find_element(f"#{ids.SEARCH}")
    box.send_keys("ｺｳﾓﾘ")  # half-width katakana for こうもり塚古墳
    dash_duo.wait_for_contains_text(f"#{ids.SEARCH_HITS}", "こうもり塚古墳")
    box.send_keys(Keys.CONTROL, "a")
    box.send_keys("総社駅")
    dash_duo.wait_for_contains_text(f"#{ids.SEARCH_HITS}", "総社駅")
    first = dash_duo.find_elements(f"#{ids.SEARCH_HITS} .soja-hit-name")[0]
    assert first.text == "総社駅"
    box.send_keys(Keys.ENTER)
    dash_duo.wait_for_text_to_equal("#details-title", "総社駅")
    station = dataset.places.loc["station.soja"].geometry
    wait_until(lambda: query(dash_duo).get("z") == "16", what="the map to zoom to the station")
    settle(dash_duo)
    q = query(dash_duo)
    assert abs(float(q["lat"]) - station.y) < 0.002
    assert abs(float(q["lon"]) - station.x) < 0.002
    assert dash_duo.find_elements(".soja-selection")
    assert dash_duo.get_logs() == []


def test_a_shared_link_restores_filters_place_view_and_language(
    dash_duo, settings, dataset
) -> None:
    search = (
        "?projects=hagukumu,uruou&categories=heritage_site,tourism_site"
        "&place=heritage-site.bitchu-kokubunji-temple&lat=34.68000&lon=133.72000&z=11"
        "&view=list&lang=en"
    )
    open_app(dash_duo, settings, dataset, search)
    flt = Filter(projects=("hagukumu", "uruou"), categories=("heritage_site", "tourism_site"))
    wait_counts(dash_duo, *expected(dataset, flt))
    ticked = [
        e.get_attribute("value")
        for e in dash_duo.find_elements(f"#{ids.PROJECTS} input")
        if e.is_selected()
    ]
    assert ticked == ["hagukumu", "uruou"]
    dash_duo.wait_for_text_to_equal("#details-title", "Bitchu Kokubunji Temple")
    assert "Priority projects" in legend_text(dash_duo)
    # the list view is open and mirrors the map
    table = dash_duo.find_element(f"#{ids.PLACE_LIST}")
    assert table.is_displayed()
    rows = dash_duo.find_elements(f"#{ids.PLACE_LIST} tbody tr")
    assert len(rows) == len(select(dataset.places, flt))
    q = query(dash_duo)
    assert (q["lat"], q["lon"], q["z"]) == ("34.68000", "133.72000", "11")
    assert q["lang"] == "en"
    wait_until(
        lambda: dash_duo.driver.execute_script("return document.documentElement.lang") == "en"
    )
    assert dash_duo.get_logs() == []


def test_the_language_toggle_switches_every_label(dash_duo, settings, dataset) -> None:
    open_app(dash_duo, settings, dataset)
    wait_counts(dash_duo, *expected(dataset, Filter()))
    assert text_of(dash_duo, ".soja-title") == "総社市 重点プロジェクトマップ"
    dash_duo.find_element(f"#{ids.LANG_TOGGLE}").click()
    dash_duo.wait_for_text_to_equal(".soja-title", "Soja City priority projects map")
    dash_duo.wait_for_text_to_equal(
        f"#{ids.SUMMARY}", "Showing 169 of 169 places (168 on the map, 1 city-wide)"
    )
    assert "Support" in text_of(dash_duo, f"#{ids.PROJECTS}")
    assert "Railway station (15)" in legend_text(dash_duo)
    wait_until(lambda: dash_duo.find_elements('.soja-cluster[title$=" places"]'))
    wait_until(lambda: dash_duo.driver.title == "Soja City priority projects map")
    wait_query(dash_duo, "lang", "en")
    wait_counts(dash_duo, *expected(dataset, Filter()))
    dash_duo.find_element(f"#{ids.LANG_TOGGLE}").click()
    dash_duo.wait_for_text_to_equal(".soja-title", "総社市 重点プロジェクトマップ")
    wait_query(dash_duo, "lang", None)
    assert dash_duo.get_logs() == []


def test_on_a_phone_the_controls_fold_into_a_panel_and_the_list_works_by_keyboard(
    dash_duo, settings, dataset
) -> None:
    # a 390 x 844 phone screen (a desktop window cannot be made that narrow)
    dash_duo.driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": 390, "height": 844, "deviceScaleFactor": 1, "mobile": True},
    )
    open_app(dash_duo, settings, dataset)
    wait_counts(dash_duo, *expected(dataset, Filter()))
    width = dash_duo.driver.execute_script("return document.documentElement.clientWidth")
    assert width == 390
    assert dash_duo.driver.execute_script(
        "return document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )
    side = dash_duo.find_element(".soja-side")
    assert not side.is_displayed()  # the map has the screen
    assert map_view(dash_duo)["width"] == width
    menu = dash_duo.find_element(f"#{ids.PANEL_TOGGLE}")
    assert menu.is_displayed()
    menu.click()
    wait_until(side.is_displayed, what="the panel to open")
    top = "return document.querySelector('.soja-side').getBoundingClientRect().top"
    wait_until(
        lambda: (
            dash_duo.driver.execute_script(top)
            == (time.sleep(0.1), dash_duo.driver.execute_script(top))[1]
        ),
        what="the panel to finish sliding in",
    )
    assert menu.get_attribute("aria-expanded") == "true"
    choose_view(dash_duo, "list")
    buttons = wait_until(
        lambda: [b for b in dash_duo.find_elements(".soja-row-button") if b.is_displayed()]
    )
    buttons[0].send_keys(Keys.ARROW_DOWN)  # arrow keys move along the list
    focused = dash_duo.driver.switch_to.active_element
    assert focused.text == buttons[1].text
    name = focused.text
    focused.send_keys(Keys.ENTER)
    dash_duo.wait_for_text_to_equal("#details-title", name)
    wait_until(
        lambda: not side.is_displayed(), what="the panel to close"
    )  # the map shows the place
    details = dash_duo.find_element(f"#{ids.DETAILS}")
    assert details.is_displayed()
    assert details.size["width"] <= width
    assert dash_duo.get_logs() == []


def test_near_a_town_shows_the_nearest_place_of_each_category(dash_duo, settings, dataset) -> None:
    open_app(dash_duo, settings, dataset, "?view=nearby")
    wait_counts(dash_duo, *expected(dataset, Filter()))
    town = dataset.towns[dataset.towns["town"] == "中央一丁目"].iloc[0]
    dash_duo.select_dcc_dropdown(f"#{ids.NEAR_TOWN}", "中央一丁目")
    nearest = nearest_by_category(dataset.places, town.geometry.x, town.geometry.y)
    dash_duo.wait_for_contains_text(f"#{ids.NEAR_RESULTS}", "中央一丁目")
    items = dash_duo.find_elements(f"#{ids.NEAR_RESULTS} .soja-near-item")
    assert [i.get_attribute("data-category") for i in items] == list(nearest.index)
    station = nearest.loc["rail_station"]
    row = next(i for i in items if i.get_attribute("data-category") == "rail_station")
    assert station["name_ja"] in row.text
    assert f"徒歩 {station['walk_minutes']} 分" in row.text
    assert f"高齢の方 {station['walk_minutes_elderly']} 分" in row.text
    wait_until(lambda: len(dash_duo.find_elements("path.soja-near-line")) == len(nearest))
    # a click on the map (in the nearby view) moves the origin there
    ActionChains(dash_duo.driver).move_to_element(
        dash_duo.find_element(".leaflet-container")
    ).move_by_offset(-250, -200).click().perform()
    dash_duo.wait_for_contains_text(f"#{ids.NEAR_RESULTS}", "地図上の地点")
    wait_until(lambda: "near" in query(dash_duo), what="the origin in the URL")
    assert dash_duo.get_logs() == []


GEO_STUB = """
(function () {
  var pos = {coords: {latitude: 34.6728, longitude: 133.7465, accuracy: 20}, timestamp: Date.now()};
  var fake = {getCurrentPosition: function (ok) { setTimeout(function () { ok(pos); }, 20); },
              watchPosition: function () { return 1; }, clearWatch: function () {}};
  Object.defineProperty(navigator, 'geolocation', {configurable: true, get: function () { return fake; }});
})();
"""


def test_my_location_finds_what_is_near_without_a_permission_prompt_at_load(
    dash_duo, settings, dataset
) -> None:
    open_app(dash_duo, settings, dataset, "?view=nearby")
    # a stand-in for the browser's location service (Chromium's own would need the network)
    dash_duo.driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": GEO_STUB})
    dash_duo.driver.refresh()
    dash_duo.wait_for_element(f"#{ids.NEAR_LOCATE}").click()
    dash_duo.wait_for_contains_text(f"#{ids.NEAR_RESULTS}", "現在地")
    nearest = nearest_by_category(dataset.places, 133.7465, 34.6728)
    assert nearest.loc["city_office", "name_ja"] in text_of(dash_duo, f"#{ids.NEAR_RESULTS}")
    assert dash_duo.get_logs() == []


def test_the_filter_in_the_browser_matches_filters_mask_and_data_shows_as_text(
    dash_duo, settings, small_dataset
) -> None:
    app = open_app(dash_duo, settings, small_dataset)
    del app
    data = small_dataset
    wait_counts(dash_duo, *expected(data, Filter()))
    plan = data.plan
    filters = [
        Filter(),
        Filter(projects=()),
        Filter(projects=("uruou",)),
        Filter(projects=("sasaeru", "tsuchikau"), categories=("school", "city_office")),
        Filter(policies=("hagukumu.policy.child-rearing", "uruou.policy.tourism")),
        Filter(measures=("uruou.tourism-proposals",), projects=("hagukumu", "uruou")),
        Filter(towns=("中央一丁目", "井手")),
        Filter(text="ｿｳｼﾞｬ"),
        Filter(text="そうじゃ"),
        Filter(text="test school"),
        Filter(text="<b>"),
        Filter(text="・・"),
        Filter(include_city_wide=False, measures=("sasaeru.new-life-transport",)),
    ]
    features = [
        {
            "properties": {
                "projects": list(row.projects),
                "policies": list(row.policies),
                "measures": list(row.measures),
                "category": row.category,
                "town_area": row.town_area,
                "search_key": row.search_key,
            },
            "located": row.geometry is not None,
        }
        for row in data.places.itertuples()
    ]
    in_browser = dash_duo.driver.execute_script(
        """
        const [features, filters] = arguments;
        return filters.map(f => features.map(x => window.sojaMap.filter.matches(x.properties, x.located, f)));
        """,
        features,
        [f.to_dict() for f in filters],
    )
    for flt, got in zip(filters, in_browser, strict=True):
        assert got == mask(data.places, flt).tolist(), flt
    # the icon of a place follows the projects shown, as mapdata.style_key says
    sample = data.places[data.places.geometry.notna()].head(60)
    actives = [None, ["sasaeru"], ["hagukumu", "uruou"], ["tsuchikau", "sasaeru"]]
    style = {
        "order": [p.id for p in plan.projects],
        "colours": {p.id: p.colour for p in plan.projects},
        "neutral": "#6E6E6E",
    }
    keys = dash_duo.driver.execute_script(
        "const [rows, actives, style] = arguments;"
        "return actives.map(a => rows.map(r => window.sojaMap.filter.styleKey(r, a, style)));",
        [{"category": r.category, "projects": list(r.projects)} for r in sample.itertuples()],
        actives,
        style,
    )
    for active, got in zip(actives, keys, strict=True):
        assert got == [style_key(r.category, r.projects, plan, active) for r in sample.itertuples()]
    # names that look like markup are shown as their characters, and nothing runs
    box = dash_duo.find_element(f"#{ids.SEARCH}")
    box.send_keys("<img")
    hostile = "<img src=x onerror=alert(1)>"
    dash_duo.wait_for_contains_text(f"#{ids.SEARCH_HITS}", hostile)
    next(h for h in dash_duo.find_elements(".soja-hit") if hostile in h.text).click()
    dash_duo.wait_for_text_to_equal("#details-title", hostile)
    settle(dash_duo)
    assert dash_duo.find_elements(f'.leaflet-marker-icon[title="{hostile}"]')
    assert not dash_duo.find_elements('img[src="x"]')
    # the text filter of a shared link works in the list too
    dash_duo.driver.get(dash_duo.server_url + "/?q=%3Cb%3E&view=list")
    dash_duo.wait_for_contains_text(f"#{ids.PLACE_LIST}", "<b>太字</b> & ｿｳｼﾞｬ")
    names = [b.text for b in dash_duo.find_elements(".soja-row-button")]
    assert names == ["<b>太字</b> & ｿｳｼﾞｬ"]
    wait_counts(dash_duo, 1, 0)
    assert not dash_duo.find_elements(".soja-app b")
    assert dash_duo.get_logs() == []


def _png(rgb: tuple[int, int, int] = (225, 230, 225)) -> bytes:
    raw = b"".join(b"\x00" + bytes(rgb) * 256 for _ in range(256))

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body))
            + kind
            + body
            + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", 256, 256, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def test_basemaps_switch_and_credit_their_source(dash_duo, settings, dataset) -> None:
    tile = _png()
    app = create_app(
        settings.with_(tiles=True),
        dataset,
        basemaps=tuple(mirrored("/_stub_tiles").values()),
    )

    @app.server.route("/_stub_tiles/<key>/<int:z>/<int:x>/<int:y>.png")
    def stub_tile(key: str, z: int, x: int, y: int) -> Response:
        return Response(tile, mimetype="image/png")

    dash_duo.start_server(app)
    wait_counts(dash_duo, *expected(dataset, Filter()))
    attribution = ".leaflet-control-attribution"
    dash_duo.wait_for_contains_text(attribution, "地理院タイル")  # 淡色地図 by default
    assert dash_duo.find_elements(".leaflet-tile-loaded")
    ActionChains(dash_duo.driver).move_to_element(
        dash_duo.find_element(".leaflet-control-layers")
    ).perform()
    osm = wait_until(
        lambda: next(
            label
            for label in dash_duo.find_elements(".leaflet-control-layers-base label")
            if label.text.strip() == "OpenStreetMap" and label.is_displayed()
        )
    )
    osm.click()
    dash_duo.wait_for_contains_text(attribution, "OpenStreetMap")
    assert "地理院タイル" not in text_of(dash_duo, attribution)
    wait_until(lambda: query(dash_duo).get("base") == "osm", what="the basemap in the URL")
    # the credits name the data sources from geodata/SOURCES.md and the tiles
    dash_duo.find_element(f"#{ids.CREDITS_OPEN}").click()
    credits = dash_duo.wait_for_element(f"#{ids.CREDITS}")
    wait_until(credits.is_displayed)
    for source in ("国土数値情報", "Geolonia 住所データ", "地理院タイル", "OpenStreetMap"):
        assert source in credits.text
    ActionChains(dash_duo.driver).send_keys(Keys.ESCAPE).perform()  # Escape closes it
    wait_until(lambda: not credits.is_displayed())
    assert dash_duo.get_logs() == []


def test_the_reference_layers_load_on_demand(dash_duo, settings, dataset) -> None:
    open_app(dash_duo, settings, dataset)
    wait_counts(dash_duo, *expected(dataset, Filter()))
    assert not dash_duo.find_elements("path.soja-ref-elementary")
    dash_duo.find_element(f'#{ids.REFERENCES} input[value="elementary"]').click()
    wait_until(lambda: len(dash_duo.find_elements("path.soja-ref-elementary")) == 15)
    wait_until(lambda: "小学校区（参考）" in legend_text(dash_duo), what="the districts' legend")
    dash_duo.find_element(f'#{ids.REFERENCES} input[value="boundary"]').click()
    wait_until(lambda: not dash_duo.find_elements("path.soja-ref-boundary"))
    assert "市域" not in legend_text(dash_duo).split("参考レイヤー")[-1]
    wait_query(dash_duo, "layers", "rail,elementary")
    loaded = dash_duo.driver.execute_script(
        "return performance.getEntriesByType('resource').map(e => e.name)"
        ".filter(n => n.includes('/_soja/reference/'))"
    )
    assert any("elementary" in n for n in loaded)
    assert json.dumps(loaded)  # (for the failure message)
    assert dash_duo.get_logs() == []
