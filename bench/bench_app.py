"""How fast the resident map draws, against geopandas' ``explore()``, in headless Chromium on loopback.

    python bench/bench_app.py            # real geodata and 50,000 generated places, ~2-3 minutes
    python bench/bench_app.py --n 5000 --runs 2 --toggles 4    # quicker
    python bench/bench_app.py --strict   # exit 1 if a target is missed

For each data set it measures, in the same Chromium:

* first render: navigation start -> the map's marker and overlay panes stop changing with every
  place of the first view drawn (and, as a second figure, the first marker appearing);
* toggle: a click on the はぐくむ project toggle -> the last change of the map's panes, with the
  map showing exactly the places the filter keeps (median of ``--toggles`` clicks, off and on);
* payload: the JSON the page loads (Dash layout, callback graph and responses, the place and
  reference GeoJSON), decoded bytes and bytes on the wire.

The peer is what a user would otherwise reach for: ``GeoDataFrame.explore()`` of the same places
(one layer, coloured by category; for the toggle, one layer per project with folium's
LayerControl), saved to HTML and served by ``http.server`` on loopback. explore() loads Leaflet and
friends from CDNs; here Leaflet comes from ``soja_map/vendor`` (1.9.4 instead of 1.9.3) and the
others (Bootstrap, Font Awesome, awesome-markers, jQuery UI) are empty local files, with jQuery a
one-line stub for the legend's ``$(...).draggable()``: the peer pays nothing for those, which
favours it. Both run with tiles off and every host but 127.0.0.1 unresolvable.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import functools
import http.server
import json
import logging
import re
import shutil
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import folium
import geopandas as gpd
from selenium import webdriver
from selenium.webdriver.chrome.options import Options

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _serve import in_process

from soja_map.config import PACKAGE_DIR, Settings
from soja_map.data.dataset import Dataset, load_dataset
from soja_map.query.filters import Filter, select
from soja_map.web import ids
from soja_map.web.app import create_app
from soja_map.web.synthetic import synthetic_dataset

CHROMIUM = "/usr/bin/chromium"
TARGETS = {
    "real_first_ms": 1500,
    "real_payload_bytes": 500_000,
    "big_first_ms": 4000,
    "big_toggle_ms": 300,
}
TOGGLED = "hagukumu"

# Installed before any page script: times of marker / overlay pane changes and of the last click
PROBE = """
window.__perf = {first: null, last: null, click: null};
document.addEventListener('click', function () { window.__perf.click = performance.now(); }, true);
new MutationObserver(function (mutations) {
  var now = performance.now();
  for (var i = 0; i < mutations.length; i++) {
    var t = mutations[i].target;
    if (t.nodeType !== 1) { continue; }
    if (t.closest('.leaflet-marker-pane, .leaflet-overlay-pane') || t.matches('.leaflet-marker-pane, .leaflet-overlay-pane')) {
      if (window.__perf.first === null && document.querySelector(
          '.leaflet-marker-pane .leaflet-marker-icon, .leaflet-overlay-pane path.leaflet-interactive')) {
        window.__perf.first = now;
      }
      window.__perf.last = now;
      return;
    }
  }
}).observe(document, {childList: true, subtree: true});
"""
# places drawn by soja-map: singles + the exact size of every cluster + lines
OURS_COUNT = """
const pane = document.querySelector('.leaflet-marker-pane');
if (!pane || window.__sojaShown === undefined) { return -1; }
let n = pane.querySelectorAll('.soja-pt').length;
pane.querySelectorAll('.soja-cluster').forEach(e => { n += parseInt(e.dataset.count || '0'); });
return n + document.querySelectorAll('path.soja-shape').length;
"""
# places drawn by explore(): one SVG path per place
PEER_COUNT = (
    "return document.querySelectorAll('.leaflet-overlay-pane path.leaflet-interactive').length"
)
PAYLOAD = """
return performance.getEntriesByType('resource')
  .filter(e => /_dash-layout|_dash-dependencies|_dash-update-component|\\/_soja\\//.test(e.name))
  .map(e => [e.name.replace(location.origin, ''), e.decodedBodySize, e.transferSize]);
"""
DOCUMENT = """
const nav = performance.getEntriesByType('navigation')[0];
return [[location.pathname, nav.decodedBodySize, nav.transferSize]];
"""
JQUERY_STUB = (
    "window.jQuery=window.$=function(a){if(typeof a==='function'){document.addEventListener("
    "'DOMContentLoaded',a);}return {draggable:function(){return this;},css:function(){return this;}};};"
)


@dataclasses.dataclass
class Figures:
    first_ms: list[float]
    first_marker_ms: list[float]
    toggle_ms: list[float]
    payload: list[list[Any]]

    @property
    def first(self) -> float:
        return statistics.median(self.first_ms)

    @property
    def toggle(self) -> float | None:
        return statistics.median(self.toggle_ms) if self.toggle_ms else None

    @property
    def payload_bytes(self) -> int:
        return sum(int(p[1]) for p in self.payload)

    @property
    def wire_bytes(self) -> int:
        return sum(int(p[2]) for p in self.payload)


def chromium() -> webdriver.Chrome:
    options = Options()
    options.binary_location = CHROMIUM
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--window-size=1280,900",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-features=NetworkTimeServiceQuerying,OptimizationHints,MediaRouter,Translate",
        "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1",
    ):
        options.add_argument(arg)
    driver = webdriver.Chrome(options=options)
    driver.set_script_timeout(120)
    driver.set_page_load_timeout(300)
    driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": PROBE})
    return driver


@contextlib.contextmanager
def serving_app(data: Dataset) -> Iterator[str]:
    app = create_app(Settings(geodata_dir=data.geodata_dir, tiles=False), data)
    with in_process(app.server) as url:
        yield url


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: Any) -> None:
        pass


@contextlib.contextmanager
def serving_dir(folder: Path) -> Iterator[str]:
    handler = functools.partial(_Quiet, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/"
    finally:
        server.shutdown()


def wait_for(check: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.02)
    raise TimeoutError(what)


def settled(driver: webdriver.Chrome, quiet: float = 0.6) -> float:
    """The time of the panes' last change, once they have not changed for ``quiet`` seconds."""
    while True:
        last = driver.execute_script("return window.__perf.last")
        time.sleep(quiet)
        if driver.execute_script("return window.__perf.last") == last:
            return float(last)


def measure(
    driver: webdriver.Chrome,
    url: str,
    *,
    count_js: str,
    expected: int,
    runs: int,
    payload_js: str,
    toggle_selector: str | None,
    expected_after_toggle: int,
    toggles: int,
) -> Figures:
    first, first_marker = [], []
    payload: list[list[Any]] = []
    for run in range(runs):
        driver.get(url)
        wait_for(lambda: driver.execute_script(count_js) == expected, 300, f"{expected} places")
        first.append(settled(driver))
        first_marker.append(float(driver.execute_script("return window.__perf.first")))
        if run == 0:  # the first visit: nothing cached yet
            payload = driver.execute_script(payload_js)
    toggle_ms = []
    if toggle_selector:
        for i in range(toggles):
            want = expected_after_toggle if i % 2 == 0 else expected
            driver.find_element("css selector", toggle_selector).click()
            wait_for(lambda w=want: driver.execute_script(count_js) == w, 120, f"{want} places")
            last = settled(driver)
            toggle_ms.append(last - float(driver.execute_script("return window.__perf.click")))
    return Figures(first, first_marker, toggle_ms, payload)


# -- soja-map ---------------------------------------------------------------------------------------


def located_count(data: Dataset, flt: Filter) -> int:
    return int(select(data.places, flt).geometry.notna().sum())


def bench_ours(driver: webdriver.Chrome, data: Dataset, runs: int, toggles: int) -> Figures:
    without = Filter(projects=tuple(p.id for p in data.plan.projects if p.id != TOGGLED))
    with serving_app(data) as url:
        return measure(
            driver,
            url,
            count_js=OURS_COUNT,
            expected=located_count(data, Filter()),
            runs=runs,
            payload_js=PAYLOAD,
            toggle_selector=f'#{ids.PROJECTS} input[value="{TOGGLED}"]',
            expected_after_toggle=located_count(data, without),
            toggles=toggles,
        )


# -- the peer: GeoDataFrame.explore() ------------------------------------------------------------


def offline_html(html: str, folder: Path) -> str:
    """explore()'s HTML with every CDN URL replaced by a file served from ``folder``."""
    vendor = PACKAGE_DIR / "maps" / "vendor" / "leaflet"
    shutil.copy(vendor / "leaflet.js", folder / "leaflet.js")
    shutil.copy(vendor / "leaflet.css", folder / "leaflet.css")
    (folder / "empty.js").write_text("", encoding="utf-8")
    (folder / "empty.css").write_text("", encoding="utf-8")
    (folder / "jquery.js").write_text(JQUERY_STUB, encoding="utf-8")

    def local(match: re.Match[str]) -> str:
        attr, url = match.group(1), match.group(2)
        name = url.rsplit("/", 1)[-1]
        if name in {"leaflet.js", "leaflet.css"}:
            target = name
        elif re.fullmatch(r"jquery-[\d.]+(\.min)?\.js", name):
            target = "jquery.js"
        else:
            target = "empty.css" if name.endswith(".css") else "empty.js"
        return f'{attr}="{target}"'

    rewritten = re.sub(r'(src|href)="(https?://[^"]+)"', local, html)
    if re.search(r'(src|href)="https?://', rewritten):
        raise RuntimeError("explore() HTML still loads from the network")
    return rewritten


def peer_frame(data: Dataset) -> gpd.GeoDataFrame:
    located = data.places[data.places.geometry.notna()]
    frame = located[["name_ja", "category", "geometry"]].copy()
    frame["projects"] = [", ".join(p) for p in located["projects"]]
    return frame.reset_index(drop=True)


def bench_peer(
    driver: webdriver.Chrome, data: Dataset, runs: int, toggles: int, folder: Path
) -> tuple[Figures, Figures]:
    frame = peer_frame(data)
    plain = frame.explore(column="category", tiles=None, tooltip=["name_ja", "category"])
    (folder / "explore.html").write_text(offline_html(plain.get_root().render(), folder), "utf-8")
    # the toggle needs one layer per project, as a user would build it
    layered: folium.Map | None = None
    per_project = {}
    for project in data.plan.projects:
        part = frame[
            [project.id in p for p in data.places.loc[data.places.geometry.notna(), "projects"]]
        ]
        per_project[project.id] = len(part)
        layered = part.explore(
            m=layered, tiles=None, color=project.colour, name=project.name_ja, tooltip=["name_ja"]
        )
    assert layered is not None
    folium.LayerControl(collapsed=False).add_to(layered)
    (folder / "layers.html").write_text(offline_html(layered.get_root().render(), folder), "utf-8")
    total_layered = sum(per_project.values())
    toggled_label = data.plan.project(TOGGLED).name_ja
    with serving_dir(folder) as url:
        first = measure(
            driver,
            url + "explore.html",
            count_js=PEER_COUNT,
            expected=len(frame),
            runs=runs,
            payload_js=DOCUMENT,
            toggle_selector=None,
            expected_after_toggle=0,
            toggles=0,
        )
        driver.get(url + "layers.html")
        wait_for(lambda: driver.execute_script(PEER_COUNT) == total_layered, 300, "layers")
        labels = driver.find_elements("css selector", ".leaflet-control-layers-overlays label")
        index = next(i for i, label in enumerate(labels) if label.text.strip() == toggled_label)
        toggle = measure(
            driver,
            url + "layers.html",
            count_js=PEER_COUNT,
            expected=total_layered,
            runs=1,
            payload_js=DOCUMENT,
            toggle_selector=f".leaflet-control-layers-overlays label:nth-of-type({index + 1}) input",
            expected_after_toggle=total_layered - per_project[TOGGLED],
            toggles=toggles,
        )
    return first, toggle


# -- report -----------------------------------------------------------------------------------------


def _ms(values: list[float]) -> str:
    return f"{statistics.median(values):7.0f}" if values else "      -"


def report(
    name: str, n: int, ours: Figures, peer: Figures | None, peer_toggle: Figures | None
) -> None:
    print(f"\n{name}: {n:,} places drawn")
    print(f"  {'':34}{'soja-map':>10}{'explore()':>12}{'peer / ours':>13}")

    def row(label: str, mine: float | None, theirs: float | None, unit: str) -> None:
        ratio = f"{theirs / mine:10.1f} x" if mine and theirs else "           -"
        m = f"{mine:10.0f}" if mine is not None else f"{'-':>10}"
        t = f"{theirs:12.0f}" if theirs is not None else f"{'-':>12}"
        print(f"  {label:34}{m}{t}{ratio}  {unit}")

    row("first render (median)", ours.first, peer.first if peer else None, "ms")
    row(
        "first marker (median)",
        statistics.median(ours.first_marker_ms),
        statistics.median(peer.first_marker_ms) if peer else None,
        "ms",
    )
    row(
        "project toggle -> redrawn (median)",
        ours.toggle,
        peer_toggle.toggle if peer_toggle else None,
        "ms",
    )
    row(
        "JSON / HTML loaded, decoded",
        ours.payload_bytes / 1000,
        peer.payload_bytes / 1000 if peer else None,
        "kB",
    )
    row("... on the wire", ours.wire_bytes / 1000, peer.wire_bytes / 1000 if peer else None, "kB")
    print(
        f"  first render runs (ms): ours {[round(x) for x in ours.first_ms]}"
        + (f", explore() {[round(x) for x in peer.first_ms]}" if peer else "")
    )
    print(
        f"  toggle runs (ms): ours {[round(x) for x in ours.toggle_ms]}"
        + (f", explore() {[round(x) for x in peer_toggle.toggle_ms]}" if peer_toggle else "")
    )
    print(
        "  payload: "
        + ", ".join(f"{p[0].split('?')[0]} {p[1] / 1000:.0f} kB" for p in ours.payload)
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=50_000, help="generated places (default 50000)")
    parser.add_argument("--runs", type=int, default=3, help="page loads per measurement")
    parser.add_argument("--toggles", type=int, default=6, help="project toggle clicks")
    parser.add_argument("--no-peer", action="store_true", help="skip explore()")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args(argv)

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # one line per request otherwise
    real = load_dataset(Settings(tiles=False))
    big = synthetic_dataset(real, args.n, seed=1)
    results: dict[str, Any] = {}
    driver = chromium()
    try:
        for key, data in (("real", real), ("big", big)):
            ours = bench_ours(driver, data, args.runs, args.toggles)
            peer = peer_toggle = None
            if not args.no_peer:
                with tempfile.TemporaryDirectory() as folder:
                    peer, peer_toggle = bench_peer(
                        driver, data, args.runs, args.toggles, Path(folder)
                    )
            n = located_count(data, Filter())
            report(
                "real geodata" if key == "real" else "generated places", n, ours, peer, peer_toggle
            )
            results[key] = {
                "places": n,
                "ours": dataclasses.asdict(ours),
                "explore": dataclasses.asdict(peer) if peer else None,
                "explore_layers": dataclasses.asdict(peer_toggle) if peer_toggle else None,
            }
            results[key]["summary"] = {
                "first_ms": ours.first,
                "toggle_ms": ours.toggle,
                "payload_bytes": ours.payload_bytes,
                "explore_first_ms": peer.first if peer else None,
                "explore_toggle_ms": peer_toggle.toggle if peer_toggle else None,
            }
    finally:
        driver.quit()

    real_s, big_s = results["real"]["summary"], results["big"]["summary"]
    checks = [
        ("real data first render < 1.5 s", real_s["first_ms"] < TARGETS["real_first_ms"]),
        (
            "real data JSON payload < 500 kB",
            real_s["payload_bytes"] < TARGETS["real_payload_bytes"],
        ),
        (f"{args.n:,} places first render < 4 s", big_s["first_ms"] < TARGETS["big_first_ms"]),
        (
            f"{args.n:,} places toggle < 300 ms",
            (big_s["toggle_ms"] or 1e9) < TARGETS["big_toggle_ms"],
        ),
    ]
    if big_s["explore_first_ms"]:
        checks.append(
            (
                f"{args.n:,} places: faster than explore()",
                big_s["first_ms"] < big_s["explore_first_ms"],
            )
        )
    print("\ntargets")
    for label, ok in checks:
        print(f"  {'PASS' if ok else 'MISS'}  {label}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=1), encoding="utf-8")
    return 1 if args.strict and not all(ok for _, ok in checks) else 0


if __name__ == "__main__":
    sys.exit(main())
