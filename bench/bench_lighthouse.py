"""The resident map on a mid-range phone: Lighthouse (mobile profile) against ``GeoDataFrame.explore()``.

    python bench/bench_lighthouse.py              # real data and 50,000 generated places, 3 runs each
    python bench/bench_lighthouse.py --runs 1 --no-big       # quicker
    python bench/bench_lighthouse.py --strict     # exit 1 if a target is missed

Lighthouse 12.2.3 comes from the npm registry and is installed by this script into
``bench/.lighthouse/`` (13.x needs Node 22); it drives Debian's Chromium (``CHROME_PATH``, default
/usr/bin/chromium). Its default profile is the one the issue names: a mid-range phone on slow 4G
with a 4x CPU slowdown, simulated from one real load. Each page is measured ``--runs`` times in the
same session and the medians are printed side by side:

* soja-map: ``create_app`` over the data, served on loopback by gunicorn (the production server, as
  the README deploys it) or, for generated data, by werkzeug in this process; tiles off.
* the peer: ``GeoDataFrame.explore()`` of the same located places saved to HTML and served by
  ``http.server``, its CDN files replaced by local copies (see bench_app.py: this favours the peer).
* the Dash floor: the least a Dash app with this stack costs, a bare ``Dash`` page with one
  dash-leaflet map of the same places as a clustered GeoJSON and a title, served like ours
  (werkzeug here, with soja-map's compression and trimmed scripts, web/perf.py). What the app
  spends above it is ours to cut; what the floor spends is Dash's, React's and Leaflet's.

Figures: performance score, Largest Contentful Paint, Total Blocking Time, Time to Interactive,
bytes transferred, DOM elements and the accessibility score; with --trace, our top long tasks and
the bytes by resource.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import dash_leaflet as dl
from _serve import gunicorn, in_process
from bench_app import offline_html, peer_frame, serving_dir
from dash import Dash, html

from soja_map.config import Settings
from soja_map.data.dataset import Dataset, load_dataset
from soja_map.web import perf
from soja_map.web.app import create_app
from soja_map.web.synthetic import synthetic_dataset

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
LIGHTHOUSE_VERSION = "12.2.3"
LIGHTHOUSE_DIR = HERE / ".lighthouse"
LIGHTHOUSE_CLI = LIGHTHOUSE_DIR / "node_modules" / "lighthouse" / "cli" / "index.js"
CHROME_FLAGS = (
    "--headless=new --no-sandbox --disable-gpu --disable-quic --no-first-run "
    "--disable-background-networking --disable-component-update --disable-sync "
    "--disable-dev-shm-usage"
)
# the targets for the real data (score, ms, ms, KiB) and for 50,000 places (LCP)
TARGETS = {"score": 90, "lcp_ms": 2500, "tbt_ms": 300, "kib": 600, "big_lcp_ms": 4000}


@dataclass
class Run:
    score: float
    lcp_ms: float
    tbt_ms: float
    tti_ms: float
    kib: float
    dom: float
    a11y: float
    long_tasks: list[tuple[str, float]] = field(default_factory=list)
    by_resource: list[tuple[str, float]] = field(default_factory=list)
    lcp_element: str = ""


def ensure_lighthouse() -> None:
    if LIGHTHOUSE_CLI.is_file():
        return
    LIGHTHOUSE_DIR.mkdir(exist_ok=True)
    print(f"installing lighthouse@{LIGHTHOUSE_VERSION} from the npm registry ...", flush=True)
    subprocess.run(
        [
            "npm",
            "install",
            "--prefix",
            str(LIGHTHOUSE_DIR),
            "--no-audit",
            "--no-fund",
            "--save-exact",
            f"lighthouse@{LIGHTHOUSE_VERSION}",
        ],
        check=True,
        stdout=subprocess.DEVNULL,
    )


def lighthouse(url: str, *, trace: bool = False) -> Run:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "report.json"
        env = {**os.environ, "CHROME_PATH": os.environ.get("CHROME_PATH", "/usr/bin/chromium")}
        subprocess.run(
            [
                "node",
                str(LIGHTHOUSE_CLI),
                url,
                "--quiet",
                "--output=json",
                f"--output-path={out}",
                "--only-categories=performance,accessibility",
                f"--chrome-flags={CHROME_FLAGS}",
                "--max-wait-for-load=120000",
            ],
            check=True,
            env=env,
            cwd=tmp,
        )
        report = json.loads(out.read_text(encoding="utf-8"))
    audits = report["audits"]

    def value(audit: str) -> float:
        return float(audits[audit].get("numericValue") or 0.0)

    run = Run(
        score=round(100 * (report["categories"]["performance"]["score"] or 0)),
        lcp_ms=value("largest-contentful-paint"),
        tbt_ms=value("total-blocking-time"),
        tti_ms=value("interactive"),
        kib=value("total-byte-weight") / 1024,
        dom=value("dom-size"),
        a11y=round(100 * (report["categories"]["accessibility"]["score"] or 0)),
    )
    if trace:
        tasks = audits.get("long-tasks", {}).get("details", {}).get("items", [])
        run.long_tasks = [(str(t.get("url", "")), float(t.get("duration", 0))) for t in tasks[:8]]
        items = audits.get("network-requests", {}).get("details", {}).get("items", [])
        sized = sorted(items, key=lambda i: -float(i.get("transferSize") or 0))
        run.lcp_element = lcp_element(audits)
        run.by_resource = [
            (str(i.get("url", "")), float(i.get("transferSize") or 0) / 1024) for i in sized[:12]
        ]
    return run


def lcp_element(audits: dict[str, Any]) -> str:
    """The HTML snippet of the element Lighthouse took as the Largest Contentful Paint."""
    try:
        item = audits["largest-contentful-paint-element"]["details"]["items"][0]["items"][0]
        return str(item["node"]["snippet"])[:160]
    except (KeyError, IndexError, TypeError):
        return ""


@contextlib.contextmanager
def serving_gunicorn(geodata: Path) -> Iterator[str]:
    """The app as the README deploys it: ``gunicorn --workers 2 --preload app:server``."""
    env = {"SOJA_MAP_GEODATA": str(geodata), "SOJA_MAP_TILES": "0"}
    with gunicorn(["--workers", "2", "--preload"], env) as (base, _proc, _deadline):
        yield base + "/"


@contextlib.contextmanager
def serving_in_process(data: Dataset) -> Iterator[str]:
    app = create_app(Settings(geodata_dir=data.geodata_dir, tiles=False), data)
    with in_process(app.server) as url:
        yield url


@contextlib.contextmanager
def serving_peer(data: Dataset) -> Iterator[str]:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        frame = peer_frame(data)
        page = frame.explore(column="category", tiles=None, tooltip=["name_ja", "category"])
        html = offline_html(page.get_root().render(), folder)
        (folder / "explore.html").write_text(html, encoding="utf-8")
        with serving_dir(folder) as url:
            yield url + "explore.html"


def floor_app(data: Dataset) -> Dash:
    """The Dash floor (see the module's docstring)."""
    located = peer_frame(data)
    points = json.loads(located[located.geom_type == "Point"][["geometry"]].to_json())
    west, south, east, north = located.total_bounds
    app = Dash(__name__, assets_ignore=".*", title="総社市 重点プロジェクトマップ")
    app.layout = html.Div(
        [
            html.H1("総社市 重点プロジェクトマップ", style={"fontSize": "18px", "margin": 0}),
            dl.Map(
                [dl.GeoJSON(data=points, cluster=True)],
                bounds=[[south, west], [north, east]],
                center=[(south + north) / 2, (west + east) / 2],
                style={"height": "90vh"},
            ),
        ]
    )
    perf.install(app)
    return app


@contextlib.contextmanager
def serving_floor(data: Dataset) -> Iterator[str]:
    with in_process(floor_app(data).server) as url:
        yield url


def median_of(runs: list[Run]) -> Run:
    def med(name: str) -> float:
        return float(statistics.median(getattr(r, name) for r in runs))

    best = min(runs, key=lambda r: abs(r.lcp_ms - med("lcp_ms")))
    return Run(
        score=med("score"),
        lcp_ms=med("lcp_ms"),
        tbt_ms=med("tbt_ms"),
        tti_ms=med("tti_ms"),
        kib=med("kib"),
        dom=med("dom"),
        a11y=med("a11y"),
        long_tasks=best.long_tasks,
        by_resource=best.by_resource,
        lcp_element=best.lcp_element,
    )


def measure(url: str, runs: int, *, trace: bool) -> Run:
    lighthouse(url)  # warm-up: server caches, gunicorn workers, disk cache of node modules
    return median_of([lighthouse(url, trace=trace) for _ in range(runs)])


ROWS = (
    ("performance score", "score", "", "{:.0f}"),
    ("Largest Contentful Paint", "lcp_ms", "s", "{:.2f}"),
    ("Total Blocking Time", "tbt_ms", "ms", "{:.0f}"),
    ("Time to Interactive", "tti_ms", "s", "{:.2f}"),
    ("bytes transferred", "kib", "KiB", "{:,.0f}"),
    ("DOM elements", "dom", "", "{:,.0f}"),
    ("accessibility score", "a11y", "", "{:.0f}"),
)


def report(title: str, ours: Run, peer: Run | None, runs: int, floor: Run | None = None) -> None:
    print(f"\n{title} (Lighthouse {LIGHTHOUSE_VERSION}, mobile, median of {runs})")
    print(f"  {'':28}{'soja-map':>12}{'explore()':>12}{'ours / peer':>13}{'Dash floor':>12}")
    for label, name, unit, fmt in ROWS:
        mine, theirs = getattr(ours, name), getattr(peer, name) if peer else None
        scale = 1000 if unit == "s" else 1
        ratio = f"{mine / theirs:11.2f} x" if theirs else f"{'-':>13}"
        t = fmt.format(theirs / scale) if theirs is not None else "-"
        f = fmt.format(getattr(floor, name) / scale) if floor is not None else "-"
        print(f"  {label:28}{fmt.format(mine / scale):>12}{t:>12}{ratio}{f:>12}  {unit}")
    if ours.long_tasks:
        print("  our longest main-thread tasks (ms): ")
        for url, ms in ours.long_tasks:
            print(f"    {ms:7.0f}  {url or '(no url)'}")
    if ours.lcp_element:
        print(f"  our LCP element: {ours.lcp_element}")
    if ours.by_resource:
        print("  our largest transfers (KiB):")
        for url, kib in ours.by_resource:
            print(f"    {kib:7.1f}  {url.split('?')[0]}")


def missed_targets(ours: Run) -> list[str]:
    missed = []
    if ours.score < TARGETS["score"]:
        missed.append(f"score {ours.score:.0f} < {TARGETS['score']}")
    if ours.lcp_ms > TARGETS["lcp_ms"]:
        missed.append(f"LCP {ours.lcp_ms:.0f} ms > {TARGETS['lcp_ms']}")
    if ours.tbt_ms > TARGETS["tbt_ms"]:
        missed.append(f"TBT {ours.tbt_ms:.0f} ms > {TARGETS['tbt_ms']}")
    if ours.kib > TARGETS["kib"]:
        missed.append(f"{ours.kib:.0f} KiB > {TARGETS['kib']}")
    return missed


def measure_peer(data: Dataset, args: argparse.Namespace) -> Run | None:
    if args.no_peer:
        return None
    with serving_peer(data) as url:
        try:
            return measure(url, args.runs, trace=False)
        except subprocess.CalledProcessError:
            # explore() of 50,000 places may never paint within Lighthouse's wait (NO_FCP)
            print(f"explore() of {len(data.places):,} places: Lighthouse failed (see above)")
            return None


def measure_floor(data: Dataset, args: argparse.Namespace) -> Run | None:
    if args.no_floor:
        return None
    with serving_floor(data) as url:
        return measure(url, args.runs, trace=False)


def bench_real(real: Dataset, args: argparse.Namespace, results: dict[str, Any]) -> list[str]:
    with serving_gunicorn(real.geodata_dir) as url:
        ours = measure(url, args.runs, trace=args.trace)
    peer = measure_peer(real, args)
    floor = measure_floor(real, args)
    report(f"real data: {len(real.places):,} places", ours, peer, args.runs, floor)
    results["real"] = {
        "ours": ours.__dict__,
        "peer": peer.__dict__ if peer else None,
        "dash_floor": floor.__dict__ if floor else None,
    }
    return missed_targets(ours)


def bench_big(real: Dataset, args: argparse.Namespace, results: dict[str, Any]) -> list[str]:
    big = synthetic_dataset(real, args.n, seed=1)
    with serving_in_process(big) as url:
        ours = measure(url, args.runs, trace=args.trace)
    peer = measure_peer(big, args)
    report(f"generated: {len(big.places):,} places", ours, peer, args.runs)
    results["big"] = {"ours": ours.__dict__, "peer": peer.__dict__ if peer else None}
    if ours.lcp_ms > TARGETS["big_lcp_ms"]:
        return [f"50k LCP {ours.lcp_ms:.0f} ms > {TARGETS['big_lcp_ms']}"]
    return []


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--n", type=int, default=50_000, help="generated places for the big set")
    parser.add_argument("--no-big", action="store_true", help="skip the generated data set")
    parser.add_argument("--no-real", action="store_true", help="skip the real data")
    parser.add_argument("--no-peer", action="store_true", help="skip explore()")
    parser.add_argument("--no-floor", action="store_true", help="skip the bare Dash page")
    parser.add_argument("--trace", action="store_true", help="print long tasks and bytes")
    parser.add_argument("--strict", action="store_true", help="exit 1 if a target is missed")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args(argv)
    if shutil.which("node") is None:
        print("node is needed (Lighthouse runs on Node.js)", file=sys.stderr)
        return 2
    ensure_lighthouse()
    print(f"machine load (1, 5, 15 min): {os.getloadavg()}; {os.cpu_count()} CPUs", flush=True)
    real = load_dataset(Settings(tiles=False))
    results: dict[str, Any] = {}
    missed = [] if args.no_real else bench_real(real, args, results)
    if not args.no_big:
        missed += bench_big(real, args, results)
    print(f"machine load (1, 5, 15 min): {os.getloadavg()}")
    print("\ntargets: " + ("all met" if not missed else "MISSED: " + "; ".join(missed)))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2), encoding="utf-8")
    return 1 if (missed and args.strict) else 0


if __name__ == "__main__":
    raise SystemExit(main())
