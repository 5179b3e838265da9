#!/usr/bin/env python3
"""Bench: export every layer of geodata/ as one offline HTML map; GeoDataFrame.explore() as the peer.

Targets (issue 5): all layers in under 2 s and under 3 MB including the inlined libraries, and a
data part no larger than the peer's. The peer, in the same run, is ``GeoDataFrame.explore()`` of
the same places (it links Leaflet from CDNs, so its file is nearly all data); it needs matplotlib
and mapclassify (``pip install matplotlib mapclassify``) and is skipped without them.

"Data part" = what the element holding the places writes into the page (GeoJSON, marker icons,
popups; for the peer: its GeoJson layer and tooltip). Reference overlays (boundary, school
districts, railway context) are reported separately: the peer has none.

With ``--render``: PNG A4/A3 and the one-page PDF of the print layout, and the report PDF (map
page + list pages) for all places, for one project and with a coverage result (its table and map
pages): seconds, MB, pages and the font types Chromium embedded. Each is printed next to the
figure recorded before (PNG/PDF: main before issue 13's print layout; reports: the branch before
the coverage map and the TrueType font, commit 16e94a2), same machine, same command.

Usage: python bench/bench_export.py [--repeat 5] [--render]
"""

from __future__ import annotations

import argparse
import importlib.util
import re
import statistics
import sys
import time
from pathlib import Path

import folium

from soja_map.config import Settings
from soja_map.data.dataset import load_dataset
from soja_map.maps.api import ExportOptions, build_map, render_html
from soja_map.maps.offline import INLINE
from soja_map.maps.render import Page, Renderer, render_document
from soja_map.query.filters import Filter

REPO = Path(__file__).resolve().parents[1]
TARGET_SECONDS = 2.0
# `bench/bench_export.py --render` on main before issue 13 (print layout, labels, inset, report)
BEFORE = {
    "html": "0.097 s, 555 KB",
    "A4 landscape 150 dpi": "0.43 s",
    "A4 landscape 300 dpi": "0.61 s",
    "A3 landscape 300 dpi": "0.99 s",
    "pdf": "0.50 s",
}
TARGET_BYTES = 3_000_000
# `bench/bench_export.py --render` at 16e94a2 (report without coverage map; fonts as Type 3), run
# right before the figures of this branch on the same shared 2 cores (load average 5-6)
BEFORE_REPORT = {
    "all places": "2.80 s, 1.74 MB, 11 pages, 183 Type 3",
    "one project (はぐくむ)": "2.23 s, 1.17 MB, 6 pages, 132 Type 3",
    "all places + coverage": "4.95 s, 2.00 MB, 13 pages, 190 Type 3 (table, no map)",
}


def kb(n: int) -> str:
    return f"{n / 1024:,.1f} KB"


def script_bytes(element) -> int:
    """Bytes an element wrote into the rendered page's script (after the figure has rendered)."""
    figure = element.get_root()
    part = figure.script._children.get(element.get_name())
    return len(part.render().encode("utf-8")) if part is not None else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--render", action="store_true", help="also time PNG/PDF in Chromium")
    args = parser.parse_args()

    t0 = time.perf_counter()
    data = load_dataset(Settings(geodata_dir=REPO / "geodata"))
    t_load = time.perf_counter() - t0

    every_layer = ExportOptions(basemap="gsi-pale", school_districts=True, rail_lines=True)
    times, document, m = [], "", None
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        m = build_map(data, Filter(), every_layer)
        document = render_html(m)
        times.append(time.perf_counter() - t0)
    assert m is not None
    figure = m.get_root()
    total = len(document.encode("utf-8"))
    libraries = sum(
        len(child.render().encode("utf-8"))
        for name, child in figure.header._children.items()
        if name in INLINE or name == "leaflet_default_icon"
    )
    layers = {
        c.layer_name: script_bytes(c) for c in m._children.values() if isinstance(c, folium.GeoJson)
    }
    places = layers.pop("places")
    references = sum(layers.values())
    other = total - libraries - places - references

    print(
        f"soja-map export bench: {len(data.located)} places drawn, {len(data.city_wide)} city-wide"
    )
    print(f"  load + validate geodata {t_load:.2f} s (not in the export time)")
    print(
        f"  export, every layer (places, boundary, school districts, rail lines, legend, popups):"
        f" best {min(times):.3f} s, median {statistics.median(times):.3f} s of {len(times)}"
        f" (first {times[0]:.3f} s)"
    )
    print(f"  (before issue 13: {BEFORE['html']})")
    print(f"  HTML {kb(total)} = libraries {kb(libraries)} (Leaflet inlined)")
    print(f"       + places data {kb(places)} (GeoJSON, icons, popups)")
    for name, size in layers.items():
        print(f"       + {name} {kb(size)}")
    print(f"       + title, legend, panels, CSS, map script {kb(other)}")

    peer_data = None
    if not all(importlib.util.find_spec(m) for m in ("matplotlib", "mapclassify")):
        print("  peer: skipped (GeoDataFrame.explore() needs matplotlib and mapclassify)")
    else:
        located = data.located
        peer_times, peer_doc, peer = [], "", None
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            peer = located.explore()
            peer_doc = peer.get_root().render()
            peer_times.append(time.perf_counter() - t0)
        peer_total = len(peer_doc.encode("utf-8"))
        peer_data = sum(
            script_bytes(c) for c in peer._children.values() if isinstance(c, folium.GeoJson)
        )
        print(
            f"  peer GeoDataFrame.explore() of the same {len(located)} places: best "
            f"{min(peer_times):.3f} s, median {statistics.median(peer_times):.3f} s; HTML "
            f"{kb(peer_total)} (libraries from CDNs, so it does not open offline), data part "
            f"{kb(peer_data)}"
        )

    checks = [
        (f"export under {TARGET_SECONDS:.0f} s", min(times) < TARGET_SECONDS),
        (f"HTML under {TARGET_BYTES / 1e6:.0f} MB", total < TARGET_BYTES),
    ]
    if peer_data is not None:
        checks.append(("places data no larger than the peer's", places <= peer_data))
    for label, ok in checks:
        print(f"  target {label}: {'met' if ok else 'MISSED'}")

    if args.render:
        render_bench(data)
    return 0


def font_types(pdf: bytes) -> str:
    """The PDF's fonts by type, e.g. "2 CID TrueType" or "190 Type 3"."""
    kinds = {
        "Type 3": len(re.findall(rb"/Subtype\s*/Type3\b", pdf)),
        "CID TrueType": len(re.findall(rb"/Subtype\s*/CIDFontType2\b", pdf)),
        "CID CFF": len(re.findall(rb"/Subtype\s*/CIDFontType0\b", pdf)),
        "TrueType": len(re.findall(rb"/Subtype\s*/TrueType\b", pdf)),
    }
    return ", ".join(f"{n} {kind}" for kind, n in kinds.items() if n) or "no fonts"


def coverage_summary(data, tmp: Path):
    """`soja-map coverage --category nursery --radius 800 --format json` read back for the report."""
    from soja_map.analysis import report as report_io
    from soja_map.analysis.request import CoverageRequest, run_coverage
    from soja_map.i18n import translator

    try:
        from soja_map.maps.coverage_page import read_coverage
    except ImportError:  # before the report took coverage
        return None
    result = run_coverage(data, CoverageRequest(categories=("nursery",), radius_m=800))
    path = tmp / "soja-bench-coverage.json"
    path.write_text(
        report_io.to_json(result, "town", translator("ja"), plan=data.plan), encoding="utf-8"
    )
    return read_coverage(path)


def report_bench(data, renderer, out: Path) -> None:
    from soja_map.maps.report import write_report

    coverage = coverage_summary(data, out)
    runs = [
        ("all places", Filter(), None),
        ("one project (はぐくむ)", Filter(("hagukumu",)), None),
        ("all places + coverage", Filter(), coverage),
    ]
    for label, flt, summary in runs:
        if summary is None and "coverage" in label:
            continue
        path = out / "soja-bench-report.pdf"
        t1 = time.perf_counter()
        extra = {"coverage": summary} if summary is not None else {}
        write_report(data, flt, ExportOptions(), path, Page("A4", False, 150), renderer, **extra)
        seconds = time.perf_counter() - t1
        pdf = path.read_bytes()
        pages = len(re.findall(rb"/Type\s*/Page\b", pdf))
        print(
            f"  report PDF A4, {label}: {seconds:.2f} s, {len(pdf) / 1e6:.2f} MB, {pages} pages,"
            f" fonts {font_types(pdf)} (before: {BEFORE_REPORT.get(label, 'not measured')})"
        )


def render_bench(data) -> None:
    """PNG/PDF of the print layout and the report PDF, in one Chromium."""

    t0 = time.perf_counter()
    printable = render_html(
        build_map(data, Filter(), ExportOptions(school_districts=True, print_mode=True))
    )
    print(f"  print layout HTML (labels, inset): {time.perf_counter() - t0:.3f} s")
    out = Path("/tmp") if Path("/tmp").is_dir() else REPO
    t0 = time.perf_counter()
    with Renderer(offline=True) as renderer:
        t_start = time.perf_counter() - t0
        for page in (
            Page("A4", True, 150),
            Page("A4", True, 300),
            Page("A3", True, 300),
            Page("A4", False, 150),
            Page("A3", False, 150),
        ):
            t1 = time.perf_counter()
            render_document(printable, png=out / "soja-bench.png", page=page, renderer=renderer)
            before = BEFORE.get(page.describe(), "not measured")
            print(f"  PNG {page.describe()}: {time.perf_counter() - t1:.2f} s (before: {before})")
        t1 = time.perf_counter()
        render_document(
            printable, pdf=out / "soja-bench.pdf", page=Page("A4", True), renderer=renderer
        )
        print(
            f"  PDF A4 landscape (one page): {time.perf_counter() - t1:.2f} s"
            f" (before: {BEFORE['pdf']})"
        )
        report_bench(data, renderer, out)
    print(f"  Chromium start {t_start:.2f} s")


if __name__ == "__main__":
    sys.exit(main())
