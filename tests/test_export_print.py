"""The printed map and the report, as a reader sees them (headless Chromium): the map fills its
frame, nothing covers it, labels do not overlap; the report has the map page and the list."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from soja_map.errors import ExportError
from soja_map.maps.api import ExportOptions, build_map, render_html
from soja_map.maps.coverage_page import read_coverage
from soja_map.maps.files import project_options
from soja_map.maps.inset import crowded_inset, short_name
from soja_map.maps.layers import default_bounds
from soja_map.maps.options import View
from soja_map.maps.render import BrowserConfig, Page, Renderer, Viewport
from soja_map.maps.report import report_document, write_report
from soja_map.query.filters import Filter, select

PRINT = ExportOptions(print_mode=True)

# Everything drawn around the map: it must lie outside the map's frame.
_LAYOUT = """
var frame = document.querySelector('.folium-map').getBoundingClientRect();
function r(el) { var b = el.getBoundingClientRect();
  return {l: b.left, t: b.top, r: b.right, b: b.bottom, cls: el.className}; }
var overlays = ['.soja-title', '.soja-legend', '.soja-city-wide', '.soja-info', '.soja-north',
                '.leaflet-control-scale', '.leaflet-control-attribution', '.soja-inset',
                '.soja-notice'];
var found = [];
overlays.forEach(function (s) { document.querySelectorAll(s).forEach(function (el) {
  if (el.offsetParent !== null) found.push(r(el)); }); });
var main = document.querySelector('.folium-map');
var labels = Array.prototype.map.call(main.querySelectorAll('.soja-label'), r);
var inset = document.querySelector('.soja-inset-map');
var insetLabels = inset ? Array.prototype.map.call(inset.querySelectorAll('.soja-label'), r) : [];
return {page: [window.innerWidth, window.innerHeight],
        frame: {l: frame.left, t: frame.top, r: frame.right, b: frame.bottom},
        overlays: found, labels: labels, insetLabels: insetLabels,
        counts: document.documentElement.getAttribute('data-labels'),
        note: (document.querySelector('.soja-label-note') || {}).textContent || ''};
"""


def _overlap(a: dict[str, Any], b: dict[str, Any]) -> bool:
    return (
        a["l"] < b["r"] - 0.5
        and b["l"] < a["r"] - 0.5
        and a["t"] < b["b"] - 0.5
        and b["t"] < a["b"] - 0.5
    )


@pytest.fixture(scope="module")
def renderer():
    with Renderer(offline=True) as r:
        yield r


def _layout(dataset, renderer: Renderer, tmp_path: Path, page: Page, options=PRINT, flt=None):
    html = tmp_path / "map.html"
    html.write_text(render_html(build_map(dataset, flt, options)), encoding="utf-8")
    renderer.load(html, page.viewport())
    return renderer.driver.execute_script(_LAYOUT)


@pytest.mark.browser
@pytest.mark.parametrize("page", [Page("A4", landscape=True), Page("A4"), Page("A3", True)])
def test_the_map_fills_the_page_and_nothing_covers_it(
    dataset, renderer: Renderer, tmp_path: Path, page: Page
) -> None:
    got = _layout(dataset, renderer, tmp_path, page)
    width, height = got["page"]
    frame = got["frame"]
    share = (frame["r"] - frame["l"]) * (frame["b"] - frame["t"]) / (width * height)
    assert share >= 0.70, f"the map frame is {share:.0%} of the page"
    assert {"soja-title", "soja-panel"} <= {c for o in got["overlays"] for c in o["cls"].split()}
    for box in got["overlays"]:
        assert not _overlap(box, frame), f"{box['cls']} covers the map"
        assert box["r"] <= width + 0.5, f"{box['cls']} is off the page"
        assert box["b"] <= height + 0.5, f"{box['cls']} is off the page"
    assert renderer.console_errors() == []


@pytest.mark.browser
def test_labels_do_not_overlap_and_the_unlabelled_are_counted(
    dataset, renderer: Renderer, tmp_path: Path
) -> None:
    got = _layout(dataset, renderer, tmp_path, Page("A4", landscape=True))
    for group in (got["labels"], got["insetLabels"]):
        assert group
        for i, a in enumerate(group):
            for b in group[i + 1 :]:
                assert not _overlap(a, b), (a, b)
    named, numbered, dropped = (int(x) for x in got["counts"].split(","))
    markers = select(dataset.places, Filter())
    markers = markers[markers.geometry.notna() & (markers.geom_type == "Point")]
    assert named + numbered + dropped == len(markers)
    assert named > numbered
    if numbered or dropped:
        assert str(numbered) in got["note"]
        assert str(dropped) in got["note"]


def test_the_inset_is_where_places_crowd(dataset) -> None:
    located = select(dataset.places, Filter())
    located = located[located.geometry.notna()]
    view = default_bounds(dataset, located)
    inset = crowded_inset(located, view)
    assert inset is not None
    (s, w), (n, e) = inset.bounds
    (vs, vw), (vn, ve) = view
    assert vs < s < n < vn
    assert vw < w < e < ve
    # far denser than the map as a whole
    assert inset.places / ((n - s) * (e - w)) > 5 * len(located) / ((vn - vs) * (ve - vw))
    # a small part of the city has no crowd to enlarge
    assert crowded_inset(located, ((34.60, 133.58), (34.62, 133.60))) is None


def test_short_names() -> None:
    assert short_name("総社市立総社小学校") == "総社小学校"
    assert short_name("総社市") == "総社市"
    assert short_name("あいうえおかきくけこさしす") == "あいうえおかきくけ…"


def test_the_report_lists_exactly_the_filtered_places(dataset) -> None:
    flt = Filter(projects=("hagukumu",))
    document = report_document(dataset, flt, ExportOptions(), b"\x89PNG")
    rows = re.findall(r'<tr data-place="([^"]+)">', document)
    assert set(rows) == set(select(dataset.places, flt).index)
    assert "<h1>掲載施設の一覧" in document
    assert document.count('class="soja-report-group"') >= 2


@pytest.mark.browser
def test_the_report_pdf_has_the_map_page_and_list_pages(
    dataset, renderer: Renderer, tmp_path: Path
) -> None:
    out = tmp_path / "report.pdf"
    result = write_report(dataset, Filter(), ExportOptions(), out, Page(), renderer)
    pdf = out.read_bytes()
    assert pdf.startswith(b"%PDF-")
    pages = len(re.findall(rb"/Type\s*/Page\b", pdf))
    assert pages >= 3  # the map, then the list of every place
    assert b"/Subtype /Image" in pdf  # the map page
    assert result.ready == "ok"
    assert renderer.console_errors() == []


@pytest.mark.browser
def test_a_view_from_the_url_is_the_view_printed(
    dataset, renderer: Renderer, tmp_path: Path
) -> None:
    view = View(((34.655, 133.715), (34.695, 133.785)))
    html = tmp_path / "map.html"
    html.write_text(render_html(build_map(dataset, None, replace(PRINT, view=view))), "utf-8")
    renderer.load(html, Page("A4", landscape=True).viewport())
    (south, west), (north, east) = view.bounds
    b = renderer.driver.execute_script(
        "var m; for (var k in window) { if (k.indexOf('map_') === 0 && window[k] instanceof L.Map"
        " && !window[k].sojaInsetOf) m = window[k]; }"
        "var b = m.getBounds(); return [b.getSouth(), b.getWest(), b.getNorth(), b.getEast()];"
    )
    # the printed map shows the whole view, and not much more (the frame's shape differs)
    assert b[0] <= south
    assert b[1] <= west
    assert b[2] >= north
    assert b[3] >= east
    assert (b[2] - b[0]) * (b[3] - b[1]) < 2.5 * (north - south) * (east - west)


# What a person sees of the map: sample points over it and ask what is on top at each.
_VISIBLE = """
var box = document.querySelector('.folium-map').getBoundingClientRect(), seen = 0, n = 0;
for (var i = 0; i < 30; i++) { for (var j = 0; j < 30; j++) {
  var x = box.left + (i + 0.5) * box.width / 30, y = box.top + (j + 0.5) * box.height / 30;
  var el = document.elementFromPoint(x, y); n++;
  if (el && !el.closest('.leaflet-control, .soja-title, .soja-notice')) seen++;
} }
var h1 = document.querySelector('.soja-title h1');
var words = h1.textContent.split(/\\s+/).filter(Boolean), lines = {}, text = h1.firstChild;
var broken = [], at = 0;
words.forEach(function (w) {
  var start = h1.textContent.indexOf(w, at), range = document.createRange();
  range.setStart(text, start); range.setEnd(text, start + w.length); at = start + w.length;
  var tops = {};
  Array.prototype.forEach.call(range.getClientRects(), function (r) { tops[Math.round(r.top)] = 1; });
  if (Object.keys(tops).length > 1) broken.push(w);
});
return {visible: seen / n, broken: broken, compact: !!document.querySelector('.soja-compact'),
        panelsInDrawer: document.querySelectorAll('.soja-compact-drawer .soja-panel').length};
"""


@pytest.mark.browser
@pytest.mark.parametrize("project", [None, "tsuchikau"])
def test_on_a_phone_the_map_stays_visible_and_the_title_keeps_its_words(
    dataset, renderer: Renderer, tmp_path: Path, project: str | None
) -> None:
    options = ExportOptions()
    flt = None
    if project:
        options, flt = project_options(dataset, project, options), Filter(projects=(project,))
    html = tmp_path / "map.html"
    html.write_text(render_html(build_map(dataset, flt, options)), encoding="utf-8")
    renderer.load(html, Viewport(390, 844, 1.0))
    got = renderer.driver.execute_script(_VISIBLE)
    assert got["compact"]
    assert got["panelsInDrawer"] >= 2
    assert got["visible"] >= 0.70, got
    assert got["broken"] == []
    # a desktop window keeps the panels open
    renderer.load(html, Viewport(1280, 800, 1.0))
    assert renderer.driver.execute_script(_VISIBLE)["compact"] is False
    assert renderer.console_errors() == []


def test_a_view_from_a_link_has_bounds_around_its_centre() -> None:
    view = View.from_store({"center": [34.675, 133.75], "zoom": 14, "bounds": None})
    assert view is not None
    (s, w), (n, e) = view.bounds
    assert s < 34.675 < n
    assert w < 133.75 < e
    # at zoom 14 a 1100 px wide window spans 1100 * 360 / (256 * 2**14) degrees of longitude
    assert e - w == pytest.approx(1100 * 360 / (256 * 2**14))
    assert View.from_store({"center": [34.675, 133.75], "zoom": None, "bounds": None}) is None


def test_render_jobs_run_one_at_a_time_and_say_busy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from soja_map.maps import api  # noqa: PLC0415 - its queue is module state

    with pytest.raises(ExportError, match="Chromium was not found"):
        api.render_job(lambda r: r, browser=BrowserConfig(chromium=tmp_path / "none"))
    queue = api.RenderQueue(tmp_path, wait_s=0.2, depth=0)
    monkeypatch.setattr(api, "RENDER_QUEUE", queue)
    with queue.turn(), pytest.raises(api.RenderBusyError):  # another render holds the turn
        api.render_job(lambda r: r, browser=BrowserConfig())


def test_a_coverage_result_goes_into_the_report(dataset, tmp_path: Path) -> None:
    doc = {
        "kind": "coverage",
        "metadata": [["title", "", "徒歩圏人口カバー率"], ["radius_m", "半径", "800 m"]],
        "columns": {"population": "人口", "share": "カバー率"},
        "rows": [{"name": "<b>三輪</b>", "population": 1712, "share": 0.246}],
    }
    path = tmp_path / "cov.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    summary = read_coverage(path)
    assert summary.rows == (("<b>三輪</b>", "1,712", "24.6%"),)
    document = report_document(dataset, Filter(), ExportOptions(), b"\x89PNG", summary)
    assert "<h1>カバー率（徒歩圏）</h1>" in document
    assert "<td>&lt;b&gt;三輪&lt;/b&gt;</td>" in document  # escaped
    assert "<th>半径</th><td>800 m</td>" in document


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{", "not a JSON file"),
        (
            '{"kind": "x", "rows": 3}',
            "field 'kind'.*field 'metadata'.*field 'columns'.*field 'rows'",
        ),
    ],
)
def test_a_bad_coverage_file_is_named_with_every_problem(
    tmp_path: Path, text: str, message: str
) -> None:
    path = tmp_path / "cov.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ExportError, match=rf"cov\.json: .*{message}"):
        read_coverage(path)
