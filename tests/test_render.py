"""PNG and PDF rendering: exact pixel sizes (pure arithmetic), then real renders in headless Chromium."""

from __future__ import annotations

import base64
import re
import struct
import threading
import zlib
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from soja_map.data.dataset import Dataset
from soja_map.errors import ExportError
from soja_map.maps.api import ExportOptions, build_map, render_html
from soja_map.maps.render import (
    BrowserConfig,
    Page,
    Rendered,
    Renderer,
    Viewport,
    png_size,
    render_document,
    tiles_warning,
    viewport_for,
)
from soja_map.query.filters import Filter

PAGES = [
    Page(paper, landscape, dpi)
    for paper in ("A4", "A3")
    for landscape in (True, False)
    for dpi in (150, 300)
]


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.describe().replace(" ", "-"))
def test_the_viewport_gives_exactly_the_paper_pixels(page: Page) -> None:
    width, height = page.pixels
    viewport = page.viewport()
    assert viewport.width * viewport.scale == pytest.approx(width, abs=1e-9)
    assert abs(viewport.height * viewport.scale - height) < 0.25
    # the extent is the paper's at 96 CSS px per inch, whatever the dpi (within 0.5 %)
    inches = page.inches
    assert viewport.width == pytest.approx(inches[0] * 96, rel=0.005)
    assert viewport.height == pytest.approx(inches[1] * 96, rel=0.005)


def test_paper_sizes() -> None:
    assert Page("A4", landscape=True, dpi=150).pixels == (1754, 1240)
    assert Page("A4", landscape=False, dpi=300).pixels == (2480, 3508)
    assert Page("A3", landscape=True, dpi=300).pixels == (4961, 3508)
    assert Page("A4", landscape=True).pdf_viewport() == Viewport(1122, 793, 1.0)


def test_bad_pages_are_refused() -> None:
    with pytest.raises(ExportError, match="paper"):
        Page("B5")  # type: ignore[arg-type]
    with pytest.raises(ExportError, match="dpi"):
        Page("A4", dpi=600)
    with pytest.raises(ExportError, match="no browser viewport"):
        viewport_for(7, 3, 150, span=0)


def test_png_size_reads_the_header() -> None:
    header = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\x0dIHDR" + (1754).to_bytes(4, "big")
    assert png_size(header + (1240).to_bytes(4, "big")) == (1754, 1240)
    with pytest.raises(ExportError):
        png_size(b"GIF89a")


def test_browser_from_the_environment(tmp_path: Path) -> None:
    assert BrowserConfig.from_env({}).chromium == Path("/usr/bin/chromium")
    config = BrowserConfig.from_env({"SOJA_MAP_CHROMIUM": "/opt/chrome"})
    assert config.chromium == Path("/opt/chrome")
    assert BrowserConfig.from_env({}, chromium=tmp_path / "c").chromium == tmp_path / "c"
    missing = BrowserConfig(chromium=tmp_path / "nothing")
    assert not missing.available()
    assert "SOJA_MAP_CHROMIUM" in (missing.problem() or "")
    with pytest.raises(ExportError, match="not found"):
        Renderer(missing).start()


def test_tiles_warning() -> None:
    ok = Rendered(Path("a.png"), "png", (1, 1), "ok", None, 0.1)
    failed = Rendered(Path("a.png"), "png", (1, 1), "ok", "failed", 0.1)
    assert tiles_warning([ok]) is None
    assert "background map" in (tiles_warning([ok, failed]) or "")


# -- in Chromium ---------------------------------------------------------------------------------

PIXEL_STATS = """
const [b64, box, done] = arguments;
const img = new Image();
img.onload = () => {
    const c = document.createElement('canvas');
    c.width = img.width; c.height = img.height;
    const g = c.getContext('2d');
    g.drawImage(img, 0, 0);
    const all = g.getImageData(0, 0, img.width, img.height).data;
    const colours = new Set();
    for (let i = 0; i < all.length; i += 4) colours.add((all[i] << 16) | (all[i + 1] << 8) | all[i + 2]);
    const part = g.getImageData(box[0], box[1], box[2], box[3]).data;
    let dark = 0;
    for (let i = 0; i < part.length; i += 4) if (part[i] + part[i + 1] + part[i + 2] < 600) dark++;
    done({colours: colours.size, legendDark: dark / (part.length / 4)});
};
img.onerror = () => done(null);
img.src = 'data:image/png;base64,' + b64;
"""


@pytest.fixture(scope="module")
def renderer():
    with Renderer(offline=True) as r:
        yield r


@pytest.fixture(scope="module")
def print_html(dataset: Dataset, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("render") / "map.html"
    document = render_html(build_map(dataset, Filter(), ExportOptions(print_mode=True)))
    path.write_text(document, encoding="utf-8")
    return path


@pytest.mark.browser
def test_png_has_the_requested_pixels_and_shows_the_map(renderer, print_html, tmp_path) -> None:
    page = Page("A4", landscape=True, dpi=150)
    result = renderer.png(print_html, tmp_path / "map.png", page)
    data = result.path.read_bytes()
    assert png_size(data) == (1754, 1240) == result.size
    assert result.ready == "ok"
    assert renderer.console_errors() == []
    # where the legend was drawn, in image pixels
    legend = renderer.driver.execute_script(
        "const r = document.querySelector('.soja-legend').getBoundingClientRect();"
        "return [r.left, r.top, r.width, r.height];"
    )
    scale = page.viewport().scale
    box = [round(v * scale) for v in legend]
    assert box[0] > 1754 / 2  # the legend sits on the right
    renderer.driver.get("about:blank")
    renderer.driver.set_script_timeout(30)
    stats = renderer.driver.execute_async_script(
        PIXEL_STATS, base64.b64encode(data).decode("ascii"), box
    )
    assert stats is not None
    assert stats["colours"] > 500  # markers in four project colours, anti-aliased text and lines
    assert stats["legendDark"] > 0.05  # the legend's text and swatches are there


@pytest.mark.browser
def test_japanese_text_is_drawn_with_a_japanese_font(renderer, print_html) -> None:
    renderer.load(print_html, Page("A4").viewport())
    driver = renderer.driver
    driver.execute_cdp_cmd("DOM.enable", {})
    driver.execute_cdp_cmd("CSS.enable", {})
    root = driver.execute_cdp_cmd("DOM.getDocument", {"depth": -1})["root"]["nodeId"]
    for selector in (".soja-title h1", ".soja-legend-row span", ".soja-info-sources"):
        node = driver.execute_cdp_cmd("DOM.querySelector", {"nodeId": root, "selector": selector})
        fonts = driver.execute_cdp_cmd("CSS.getPlatformFontsForNode", {"nodeId": node["nodeId"]})
        families = {f["familyName"]: f["glyphCount"] for f in fonts["fonts"]}
        assert any("CJK" in name or "JP" in name for name in families), (selector, families)
    assert driver.execute_script("return document.fonts.status") == "loaded"
    driver.execute_cdp_cmd("CSS.disable", {})
    driver.execute_cdp_cmd("DOM.disable", {})
    # CSS.enable re-reads the page's style sheets, which Chromium reports as an "unsafe attempt
    # to load" its own file: URL; that is the test's doing, not the page's
    leftover = [e for e in renderer.console_errors() if e.get("source") != "security"]
    assert leftover == []


@pytest.mark.browser
def test_300_dpi_portrait_is_exact_and_shows_the_same_extent(
    renderer, print_html, tmp_path
) -> None:
    low = renderer.png(print_html, tmp_path / "150.png", Page("A4", landscape=False, dpi=150))
    bounds_150 = renderer.driver.execute_script(_MAP_BOUNDS)
    high = renderer.png(print_html, tmp_path / "300.png", Page("A4", landscape=False, dpi=300))
    bounds_300 = renderer.driver.execute_script(_MAP_BOUNDS)
    assert low.size == (1240, 1754)
    assert png_size(high.path.read_bytes()) == (2480, 3508)
    assert bounds_300 == pytest.approx(bounds_150, abs=0.002)


_MAP_BOUNDS = """
for (const key of Object.keys(window)) {
    const v = window[key];
    if (v && v instanceof L.Map) {
        const b = v.getBounds();
        return [b.getSouth(), b.getWest(), b.getNorth(), b.getEast()];
    }
}
return null;
"""


@pytest.mark.browser
def test_pdf_is_one_full_bleed_page_of_the_paper(renderer, print_html, tmp_path) -> None:
    result = renderer.pdf(print_html, tmp_path / "map.pdf", Page("A4", landscape=True))
    data = result.path.read_bytes()
    assert data.startswith(b"%PDF-")
    assert len(re.findall(rb"/Type\s*/Page\b", data)) == 1
    box = re.search(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", data)
    assert box is not None
    assert float(box.group(1)) == pytest.approx(841.92, abs=0.1)
    assert float(box.group(2)) == pytest.approx(595.92, abs=0.1)


@pytest.mark.browser
def test_render_document_from_a_string(renderer, dataset, tmp_path) -> None:
    document = render_html(
        build_map(dataset, Filter(projects=("uruou",)), ExportOptions(print_mode=True))
    )
    results = render_document(
        document, png=tmp_path / "u.png", pdf=tmp_path / "u.pdf", page=Page("A4"), renderer=renderer
    )
    assert [r.kind for r in results] == ["png", "pdf"]
    assert png_size((tmp_path / "u.png").read_bytes()) == (1240, 1754)
    assert renderer.alerts() == []


# -- with a tile server on the loopback (what an online office, or a tile cache, gives) ----------

TILE_RGB = (200, 230, 201)


def solid_png(rgb: tuple[int, int, int], size: int = 256) -> bytes:
    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    rows = b"".join(b"\x00" + bytes(rgb) * size for _ in range(size))
    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


@pytest.fixture(scope="module")
def tile_server() -> Iterator[tuple[str, list[str]]]:
    tile = solid_png(TILE_RGB)
    served: list[str] = []

    class Tiles(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            served.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.send_header("Content-Length", str(len(tile)))
            self.end_headers()
            self.wfile.write(tile)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Tiles)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", served
    server.shutdown()
    server.server_close()


@pytest.mark.browser
def test_background_tiles_appear_where_the_network_allows(
    renderer, dataset, tile_server, tmp_path
) -> None:
    mirror, served = tile_server
    options = ExportOptions(print_mode=True, basemap="gsi-pale", tile_mirror=mirror)
    html = tmp_path / "tiles.html"
    html.write_text(render_html(build_map(dataset, Filter(), options)), encoding="utf-8")
    result = renderer.png(html, tmp_path / "tiles.png", Page("A4", landscape=True))
    assert result.tiles == "ok"
    assert result.ready in {"ok", "tiles"}  # "ok": the tiles had loaded before it looked
    assert renderer.console_errors() == []
    assert served
    assert all(path.startswith("/gsi-pale/") for path in served)
    credit = renderer.driver.execute_script(
        "return document.querySelector('.leaflet-control-attribution').textContent"
    )
    assert "地理院タイル" in credit
    renderer.driver.get("about:blank")
    share = renderer.driver.execute_async_script(
        """
        const [b64, rgb, done] = arguments;
        const img = new Image();
        img.onload = () => {
            const c = document.createElement('canvas');
            c.width = img.width; c.height = img.height;
            const g = c.getContext('2d');
            g.drawImage(img, 0, 0);
            const d = g.getImageData(0, 0, img.width, img.height).data;
            let n = 0;
            for (let i = 0; i < d.length; i += 4)
                if (d[i] === rgb[0] && d[i + 1] === rgb[1] && d[i + 2] === rgb[2]) n++;
            done(n / (d.length / 4));
        };
        img.src = 'data:image/png;base64,' + b64;
        """,
        base64.b64encode(result.path.read_bytes()).decode("ascii"),
        list(TILE_RGB),
    )
    assert share > 0.3  # the background fills the map between the panels
