"""The resident map's defects of issue 11, each as a person meets it (headless Chromium, no network)."""

from __future__ import annotations

import re
import time
from urllib.parse import unquote

import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.keys import Keys

from soja_map.query.filters import Filter, select
from soja_map.query.nearby import nearest_by_category
from soja_map.web import ids
from soja_map.web.app import create_app
from tests.test_app_browser import (
    expected,
    open_app,
    query,
    settle,
    text_of,
    wait_counts,
    wait_query,
    wait_until,
)

pytestmark = pytest.mark.browser


def test_a_q_link_shows_its_text_in_the_box_reset_clears_it_and_the_url_follows_the_box(
    dash_duo, settings, dataset
) -> None:
    open_app(dash_duo, settings, dataset, "?q=鬼ノ城")
    shown = len(select(dataset.places, Filter(text="鬼ノ城")))
    dash_duo.wait_for_contains_text(f"#{ids.SUMMARY}", f"{shown} 件を表示中")
    box = dash_duo.find_element(f"#{ids.SEARCH}")
    assert box.get_attribute("value") == "鬼ノ城"
    dash_duo.find_element(f"#{ids.RESET}").click()
    wait_until(lambda: box.get_attribute("value") == "", what="the box to clear")
    wait_counts(dash_duo, *expected(dataset, Filter()))
    wait_query(dash_duo, "q", None)
    total = len(dataset.places)
    dash_duo.wait_for_contains_text(f"#{ids.SUMMARY}", f"{total} 件を表示中")
    # typing puts the text in the URL, so the link shares it
    dash_duo.find_element(f"#{ids.SEARCH}").send_keys("作山")
    wait_query(dash_duo, "q", "作山")
    wait_counts(dash_duo, *expected(dataset, Filter(text="作山")))
    assert dash_duo.get_logs() == []


@pytest.mark.parametrize(
    ("typed", "first"),
    [("ｿｳｼﾞｬｴｷ", "総社駅"), ("きのじょう", "鬼ノ城"), ("sesshukun", "雪舟くん")],
)
def test_search_by_reading_finds_the_place_and_the_map_agrees(
    dash_duo, settings, dataset, typed: str, first: str
) -> None:
    open_app(dash_duo, settings, dataset)
    wait_counts(dash_duo, *expected(dataset, Filter()))
    dash_duo.find_element(f"#{ids.SEARCH}").send_keys(typed)
    dash_duo.wait_for_contains_text(f"#{ids.SEARCH_HITS}", first)
    # the browser's filter (search_key) and Python's agree on what the reading selects
    wait_counts(dash_duo, *expected(dataset, Filter(text=typed)))
    assert "見つかりません" not in text_of(dash_duo, f"#{ids.SEARCH_HITS}")
    wait_query(dash_duo, "q", typed)
    dash_duo.find_element(f"#{ids.SEARCH}").send_keys(Keys.ENTER)
    dash_duo.wait_for_contains_text("#details-title", first)
    assert dash_duo.get_logs() == []


def test_dropdowns_speak_the_pages_language_and_each_town_is_listed_once(
    dash_duo, settings, dataset
) -> None:
    open_app(dash_duo, settings, dataset)
    wait_counts(dash_duo, *expected(dataset, Filter()))
    dash_duo.find_element(f"#{ids.CATEGORIES}").click()
    dash_duo.wait_for_contains_text(".dash-dropdown-content", "すべて選択")
    menu = text_of(dash_duo, ".dash-dropdown-content")
    assert "Select All" not in menu
    assert "Deselect All" not in menu
    search_box = dash_duo.find_element(".dash-dropdown-content input")
    assert search_box.get_attribute("placeholder") == "検索"
    search_box.send_keys(Keys.ESCAPE)
    # 井手 and its two 小字 are three places, each listed under its own name
    assert jump_options(dash_duo, "井手") == [
        "大字・町丁目: 井手",
        "大字・町丁目: 井手 出張",
        "大字・町丁目: 井手 村後",
    ]
    assert dash_duo.get_logs() == []


def test_in_english_the_jump_list_reads_town_names_in_romaji(dash_duo, settings, dataset) -> None:
    open_app(dash_duo, settings, dataset, "?lang=en")
    wait_counts(dash_duo, *expected(dataset, Filter()))
    assert jump_options(dash_duo, "Miwa") == ["Towns: Miwa (三輪)"]
    assert "Stations: Soja Station" in jump_options(dash_duo, "Soja")
    assert dash_duo.get_logs() == []


def jump_options(dash_duo, typed: str) -> list[str]:
    """The jump list's options after typing ``typed`` into its search box."""
    dash_duo.find_element(f"#{ids.JUMP}").click()
    box = dash_duo.wait_for_element(".dash-dropdown-content input")
    box.send_keys(Keys.CONTROL, "a")
    box.send_keys(typed)
    time.sleep(0.5)
    options = [
        e.text for e in dash_duo.find_elements(".dash-dropdown-content .dash-options-list-option")
    ]
    box.send_keys(Keys.ESCAPE)
    return [o for o in options if o]


RECORD_CONSOLE = """
window.__consoleLines = [];
const original = console.log;
console.log = function () {
    window.__consoleLines.push(Array.from(arguments).map(String).join(' '));
    return original.apply(console, arguments);
};
"""


def test_moving_the_map_leaves_the_console_quiet(dash_duo, settings, dataset) -> None:
    """dash-leaflet's debug lines ("ISSUE CENTER/ZOOM CHANGE") are not printed on each move."""
    app = create_app(settings, dataset)
    dash_duo.start_server(app)
    dash_duo.driver.execute_cdp_cmd(
        "Page.addScriptToEvaluateOnNewDocument", {"source": RECORD_CONSOLE}
    )
    dash_duo.driver.get(dash_duo.server_url + "/")
    dash_duo.wait_for_element(f"#{ids.SUMMARY}", timeout=20)
    wait_counts(dash_duo, *expected(dataset, Filter()))
    # moves the app asks for: a jump to a station, then to a measure's places
    jump_options(dash_duo, "総社駅")
    dash_duo.select_dcc_dropdown(f"#{ids.JUMP}", index=0)
    wait_until(lambda: query(dash_duo).get("z") == "16", what="the map to move")
    dash_duo.select_dcc_dropdown(f"#{ids.MEASURES}", index=0)
    wait_until(lambda: query(dash_duo).get("measures"), what="a measure chosen")
    time.sleep(1)
    lines = dash_duo.driver.execute_script("return window.__consoleLines")
    assert lines is not None
    assert [line for line in lines if "ISSUE" in line or "BREAK" in line] == []
    assert dash_duo.get_logs() == []


def test_towns_and_school_districts_are_labelled_and_the_map_credits_its_data(
    dash_duo, settings, dataset
) -> None:
    town = dataset.towns[dataset.towns["name_ja"] == "中央六丁目"].iloc[0].geometry
    open_app(
        dash_duo,
        settings,
        dataset,
        f"?layers=boundary,towns,elementary&lat={town.y:.5f}&lon={town.x:.5f}&z=15",
    )
    labels = wait_until(
        lambda: [
            e.text
            for e in dash_duo.find_elements(".soja-ref-label-towns")
            if e.is_displayed() and e.text
        ],
        what="town labels",
    )
    assert "中央六丁目" in labels
    districts = wait_until(
        lambda: [
            e.text
            for e in dash_duo.find_elements(".soja-ref-label-elementary")
            if e.is_displayed() and e.text
        ],
        what="school district labels",
    )
    assert all(d.endswith("小学校区") for d in districts)
    # zoomed out to the city, the town labels step back (they would pile up)
    dash_duo.driver.get(dash_duo.server_url + "/?layers=boundary,towns")
    dash_duo.wait_for_element(f"#{ids.SUMMARY}", timeout=20)
    wait_until(lambda: dash_duo.find_elements(".soja-ref-label-towns"), what="town labels")
    assert not [e for e in dash_duo.find_elements(".soja-ref-label-towns") if e.is_displayed()]
    credit = text_of(dash_duo, ".leaflet-control-attribution")
    assert "データ:" in credit
    assert "出典・クレジット" in credit
    assert dash_duo.get_logs() == []


def test_an_imported_staff_list_shows_its_columns_and_its_named_source_in_the_card(
    dash_duo, geodata_copy, tmp_path
) -> None:
    from soja_map.config import Settings  # noqa: PLC0415
    from soja_map.data.dataset import load_dataset  # noqa: PLC0415
    from soja_map.data.importer import Defaults  # noqa: PLC0415
    from tests.test_importer import run_import  # noqa: PLC0415

    csv = tmp_path / "hoikusho_list_2025.csv"
    csv.write_text(
        "名称,住所,時点,ライセンス,電話,定員\n"
        "みどり保育園,岡山県総社市中央六丁目8-1,2025-04-01,CC BY 4.0,0866-00-0000,90\n",
        encoding="utf-8",
    )
    defaults = Defaults(
        category="nursery",
        source_publisher="総社市 こども夢づくり課",
        source_dataset="保育施設一覧",
    )
    result = run_import(csv, geodata_copy, defaults=defaults)
    (place,) = result.added
    settings = Settings(geodata_dir=geodata_copy, tiles=False)
    open_app(dash_duo, settings, load_dataset(settings), f"?place={place}")
    dash_duo.wait_for_text_to_equal("#details-title", "みどり保育園")
    card = text_of(dash_duo, f"#{ids.DETAILS}")
    assert "電話: 0866-00-0000" in card
    assert "定員: 90" in card
    assert "総社市 こども夢づくり課 / 保育施設一覧" in card
    # the file name is kept only as the staff's reference, never as the data set's name
    assert "/ hoikusho_list_2025.csv" not in card
    assert dash_duo.get_logs() == []


ACTIVE_JS = "const a = document.activeElement; return a ? (a.id || a.tagName) : null;"


def active(dash_duo) -> str | None:
    return dash_duo.driver.execute_script(ACTIVE_JS)


def test_keyboard_focus_follows_the_card_and_the_credits_dialog(
    dash_duo, settings, dataset
) -> None:
    open_app(dash_duo, settings, dataset, "?view=list")
    row = dash_duo.wait_for_element(".soja-row-button")
    row_id = row.get_attribute("id")
    name = row.text
    row.send_keys(Keys.ENTER)
    dash_duo.wait_for_text_to_equal("#details-title", name)
    wait_until(lambda: active(dash_duo) == "details-title", what="focus on the card's title")
    ActionChains(dash_duo.driver).send_keys(Keys.ESCAPE).perform()
    wait_until(lambda: not dash_duo.find_element(f"#{ids.DETAILS}").is_displayed())
    wait_until(lambda: active(dash_duo) == row_id, what="focus back on the row")
    # the credits dialog takes focus, keeps Tab inside and gives focus back
    dash_duo.find_element(f"#{ids.CREDITS_OPEN}").click()
    wait_until(lambda: active(dash_duo) == ids.CREDITS_CLOSE, what="focus in the dialog")
    for _ in range(40):
        ActionChains(dash_duo.driver).send_keys(Keys.TAB).perform()
        inside = dash_duo.driver.execute_script(
            "return document.getElementById(arguments[0]).contains(document.activeElement)",
            ids.CREDITS,
        )
        assert inside
    ActionChains(dash_duo.driver).send_keys(Keys.ESCAPE).perform()
    wait_until(lambda: active(dash_duo) == ids.CREDITS_OPEN, what="focus back on the button")
    assert dash_duo.get_logs() == []


FITS_JS = """
const el = document.querySelector(arguments[0]);
const r = el.getBoundingClientRect();
return {overflow: el.scrollWidth - el.clientWidth, left: r.left, right: r.right,
        width: window.innerWidth, shown: r.width > 0 && r.height > 0};
"""


def fits(dash_duo, selector: str) -> dict[str, float]:
    return dash_duo.driver.execute_script(FITS_JS, selector)


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_on_a_phone_the_header_fits_and_secondary_actions_are_in_a_menu(
    dash_duo, settings, dataset, lang: str
) -> None:
    dash_duo.driver.set_window_size(390, 844)
    open_app(dash_duo, settings, dataset, f"?lang={lang}")
    wait_counts(dash_duo, *expected(dataset, Filter()))
    header, title = fits(dash_duo, ".soja-header"), fits(dash_duo, ".soja-title")
    assert header["overflow"] <= 0, header  # no sideways scrolling
    assert title["overflow"] <= 0, title  # the title is not cut off
    assert not dash_duo.find_element(f"#{ids.CREDITS_OPEN}").is_displayed()
    more = dash_duo.find_element("#soja-more")
    assert more.get_attribute("aria-expanded") == "false"
    more.click()
    wait_until(lambda: dash_duo.find_element(f"#{ids.CREDITS_OPEN}").is_displayed())
    assert more.get_attribute("aria-expanded") == "true"
    for button in dash_duo.find_elements("#soja-toolbar button"):
        box = dash_duo.driver.execute_script(
            "const r = arguments[0].getBoundingClientRect(); return [r.left, r.right];", button
        )
        assert box[0] >= 0, (button.text, box)  # nothing cut off
        assert box[1] <= 390, (button.text, box)
    dash_duo.find_element(f"#{ids.CREDITS_OPEN}").click()
    wait_until(lambda: dash_duo.find_element(f"#{ids.CREDITS}").is_displayed())
    assert more.get_attribute("aria-expanded") == "false"
    assert dash_duo.get_logs() == []


def test_the_legend_draws_lines_in_their_colour_and_the_boundary_unlike_a_railway(
    dash_duo, settings, dataset
) -> None:
    open_app(dash_duo, settings, dataset, "?layers=boundary,rail")
    wait_counts(dash_duo, *expected(dataset, Filter()))
    drawn = {
        e.get_attribute("stroke").lower() for e in dash_duo.find_elements("path.soja-cat-rail_line")
    }
    assert len(drawn) == 1  # every railway line serves the same project
    swatch = dash_duo.find_element(f'#{ids.LEGEND} [data-entry="line:rail_line"] img')
    svg = unquote(swatch.get_attribute("src")).lower()
    assert drawn.pop() in svg
    boundary = wait_until(lambda: dash_duo.find_elements("path.soja-ref-boundary"))[0]
    rail = wait_until(lambda: dash_duo.find_elements("path.soja-ref-rail"))[0]
    assert boundary.get_attribute("stroke-dasharray")
    assert not rail.get_attribute("stroke-dasharray")
    assert dash_duo.get_logs() == []


RINGS_JS = """
return Array.from(document.querySelectorAll('.leaflet-marker-pane .soja-cluster')).map(e => ({
    count: parseInt(e.dataset.count || '0'), projects: e.dataset.projects || '',
    arcs: e.querySelectorAll('.soja-cluster-ring circle').length}));
"""


def test_clusters_show_the_projects_inside_them(dash_duo, settings, dataset) -> None:
    open_app(dash_duo, settings, dataset)
    wait_counts(dash_duo, *expected(dataset, Filter()))
    clusters = wait_until(lambda: dash_duo.driver.execute_script(RINGS_JS), what="clusters")
    for cluster in clusters:
        per_project = dict(p.split(":") for p in cluster["projects"].split(","))
        assert per_project, cluster
        # every place serves at least one project, and a ring arc is drawn per project inside
        assert sum(int(v) for v in per_project.values()) >= cluster["count"]
        assert cluster["arcs"] == len(per_project)
        assert set(per_project) <= {p.id for p in dataset.plan.projects}
    # with a project turned off, no ring shows its colour
    dash_duo.find_element(f'#{ids.PROJECTS} input[value="hagukumu"]').click()
    wait_counts(dash_duo, *expected(dataset, Filter(projects=("sasaeru", "uruou", "tsuchikau"))))
    for cluster in dash_duo.driver.execute_script(RINGS_JS):
        assert "hagukumu" not in cluster["projects"]
    assert dash_duo.get_logs() == []


# -- the legend on a desktop: small, folded by section, hiding no place -------------------------------

OVERLAP_JS = """
const box = document.getElementById(arguments[0]).getBoundingClientRect();
const map = document.querySelector('.leaflet-container').getBoundingClientRect();
const hidden = Array.from(document.querySelectorAll('.leaflet-marker-pane .leaflet-marker-icon'))
    .map(e => [e.getAttribute('title') || '', e.getBoundingClientRect()])
    .filter(([, r]) => r.right > box.left && r.left < box.right && r.bottom > box.top && r.top < box.bottom)
    .map(([t]) => t);
return {share: (box.width * box.height) / (map.width * map.height), hidden: hidden,
        markers: document.querySelectorAll('.leaflet-marker-pane .leaflet-marker-icon').length};
"""


def is_open(dash_duo, element_id: str) -> bool:
    return bool(
        dash_duo.driver.execute_script(
            "return document.getElementById(arguments[0]).open", element_id
        )
    )


def test_on_a_desktop_the_legend_is_small_hides_no_place_and_opens_by_section(
    dash_duo, settings, dataset
) -> None:
    open_app(dash_duo, settings, dataset)
    dash_duo.driver.set_window_size(1280, 800)
    dash_duo.driver.get(dash_duo.server_url + "/")
    wait_counts(dash_duo, *expected(dataset, Filter()))
    settle(dash_duo)
    seen = dash_duo.driver.execute_script(OVERLAP_JS, ids.LEGEND_BOX)
    assert is_open(dash_duo, ids.LEGEND_BOX)  # the legend is there, open...
    assert seen["share"] < 0.12, seen  # ...but covers little of the map
    assert seen["markers"], seen
    assert seen["hidden"] == [], seen  # and no place is under it at the first view
    # the project colours are open; the long sections open on demand, by mouse or keyboard
    assert is_open(dash_duo, f"{ids.LEGEND}-project")
    assert dash_duo.find_element(f'#{ids.LEGEND} [data-entry="project:sasaeru"]').is_displayed()
    station = dash_duo.find_element(f'#{ids.LEGEND} [data-entry="category:rail_station"]')
    assert not is_open(dash_duo, f"{ids.LEGEND}-category")
    assert not station.is_displayed()
    dash_duo.find_element(f"#{ids.LEGEND}-category > summary").click()
    wait_until(station.is_displayed, what="the categories to open")
    assert "鉄道駅 (15)" in station.text
    summary = dash_duo.find_element(f"#{ids.LEGEND}-reference > summary")
    dash_duo.driver.execute_script("arguments[0].focus()", summary)
    assert dash_duo.driver.switch_to.active_element == summary
    ActionChains(dash_duo.driver).send_keys(Keys.ENTER).perform()
    wait_until(lambda: is_open(dash_duo, f"{ids.LEGEND}-reference"), what="Enter to open it")
    assert dash_duo.find_element(
        f'#{ids.LEGEND} [data-entry="reference:city_boundary"]'
    ).is_displayed()
    ActionChains(dash_duo.driver).send_keys(Keys.SPACE).perform()
    wait_until(lambda: not is_open(dash_duo, f"{ids.LEGEND}-reference"), what="Space to close it")
    dash_duo.find_element(f"#{ids.LEGEND}-project > summary").click()
    wait_until(lambda: not is_open(dash_duo, f"{ids.LEGEND}-project"), what="projects to fold")
    # a new filter redraws the legend's entries but keeps the sections as the person left them
    dash_duo.find_element(f'#{ids.PROJECTS} input[value="hagukumu"]').click()
    wait_counts(dash_duo, *expected(dataset, Filter(projects=("sasaeru", "uruou", "tsuchikau"))))
    assert is_open(dash_duo, f"{ids.LEGEND}-category")
    assert not is_open(dash_duo, f"{ids.LEGEND}-reference")
    assert not is_open(dash_duo, f"{ids.LEGEND}-project")
    assert dash_duo.get_logs() == []


# -- English map symbols --------------------------------------------------------------------------------

GLYPHS_JS = """
return Array.from(document.querySelectorAll('.leaflet-marker-pane img.soja-pt, #' + arguments[0] + ' img'))
    .map(e => decodeURIComponent(e.getAttribute('src')).match(/<text[^>]*>([^<]*)<\\/text>/))
    .filter(m => m).map(m => m[1]);
"""


def test_in_english_markers_and_legend_read_latin_letters_and_switch_with_the_language(
    dash_duo, settings, dataset
) -> None:
    open_app(dash_duo, settings, dataset, "?lang=en")
    wait_counts(dash_duo, *expected(dataset, Filter()))
    en = wait_until(
        lambda: dash_duo.driver.execute_script(GLYPHS_JS, ids.LEGEND), what="markers with a symbol"
    )
    assert "St" in en
    assert all(re.fullmatch(r"[A-Z][A-Za-z]?", g) for g in en), en
    dash_duo.find_element(f"#{ids.LANG_TOGGLE}").click()
    dash_duo.wait_for_text_to_equal(f"#{ids.LANG_TOGGLE}", "English")
    ja = wait_until(
        lambda: "駅" in (g := dash_duo.driver.execute_script(GLYPHS_JS, ids.LEGEND)) and g,
        what="the Japanese symbols",
    )
    assert not [g for g in ja if re.fullmatch(r"[A-Za-z]+", g)], ja
    assert dash_duo.get_logs() == []


# -- 周辺: each line ends at a marker of its place ------------------------------------------------------

LINE_ENDS_JS = """
return Array.from(document.querySelectorAll('path.soja-near-line')).map(path => {
    const category = (path.getAttribute('class').match(/soja-near-(?!line\\b)(\\w+)/) || [])[1];
    const end = path.getPointAtLength(path.getTotalLength()).matrixTransform(path.getScreenCTM());
    const marker = document.querySelector('.leaflet-marker-pane .soja-near-end-' + category);
    if (!marker) { return {category: category, marker: null}; }
    const r = marker.getBoundingClientRect();
    let seen = 0;  // how much of the marker is on top (a 7 x 7 grid of points over it)
    for (let i = 0; i < 7; i++) {
        for (let j = 0; j < 7; j++) {
            const top = document.elementFromPoint(r.left + (i + 0.5) * r.width / 7, r.top + (j + 0.5) * r.height / 7);
            if (top && top.closest('.soja-near-end') === marker) { seen++; }
        }
    }
    const dx = Math.max(r.left - end.x, 0, end.x - r.right), dy = Math.max(r.top - end.y, 0, end.y - r.bottom);
    return {category: category, marker: marker.getAttribute('title'), seen: seen / 49, off: Math.hypot(dx, dy)};
});
"""


def test_each_nearby_line_ends_at_a_visible_marker_of_its_place_which_opens_its_card(
    dash_duo, settings, dataset
) -> None:
    open_app(dash_duo, settings, dataset, "?view=nearby")
    wait_counts(dash_duo, *expected(dataset, Filter()))
    dash_duo.select_dcc_dropdown(f"#{ids.NEAR_TOWN}", "中央一丁目")
    dash_duo.wait_for_contains_text(f"#{ids.NEAR_RESULTS}", "中央一丁目")
    town = dataset.towns[dataset.towns["town"] == "中央一丁目"].iloc[0]
    nearest = nearest_by_category(dataset.places, town.geometry.x, town.geometry.y)
    wait_until(lambda: len(dash_duo.find_elements("path.soja-near-line")) == len(nearest))
    settle(dash_duo)
    # places this close to the centre are clustered at this zoom: the lines used to end on nothing
    assert dash_duo.find_elements(".leaflet-marker-pane .soja-cluster")
    ends = dash_duo.driver.execute_script(LINE_ENDS_JS)
    assert [e["category"] for e in ends] == list(nearest.index)
    for end in ends:  # each line ends on a marker of that very place, in sight
        assert end["marker"] == nearest.loc[end["category"], "name_ja"], end
        assert end["off"] < 1.5, end  # its centre, or its edge when places share a site
        # never under a cluster; places at one site side by side; other ends nearby may overlap
        # it at the zoom that fits them all (as here, in the town centre), never hide it
        assert end["seen"] >= 0.2, end
    # the marker is the place: pressing it opens its card
    station = nearest.loc["rail_station"]
    dash_duo.find_element(".soja-near-end-rail_station").click()
    dash_duo.wait_for_text_to_equal("#details-title", station["name_ja"])
    assert dash_duo.get_logs() == []
