"""Exported map HTML to PNG (exact pixel size for the paper and dpi) and PDF, with headless Chromium.

Layout rule: one CSS pixel is 1/96 inch on paper. The browser viewport is the paper size in CSS
pixels whatever the dpi, and the dpi only sets the device scale factor, so 150 and 300 dpi show
the same extent (only sharper) and the scale bar is true on paper. Chromium is driven through
selenium and the DevTools protocol; it is started once per ``Renderer`` and reused.
"""

from __future__ import annotations

import base64
import math
import os
import struct
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any, Literal

from soja_map.config import DEFAULT_CHROMEDRIVER, DEFAULT_CHROMIUM, SETTINGS_DOC, Settings
from soja_map.data.io import atomic_write_bytes
from soja_map.errors import ExportError

CHROMIUM_ENV = SETTINGS_DOC["chromium"].env
CHROMEDRIVER_ENV = SETTINGS_DOC["chromedriver"].env

PAPERS_MM: dict[str, tuple[float, float]] = {"A4": (210.0, 297.0), "A3": (297.0, 420.0)}
DPIS = (150, 300)
CSS_DPI = 96
MM_PER_INCH = 25.4

# Makes alert/confirm/prompt record their text instead of blocking the page (and the render).
_ALERT_TRAP = (
    "window.__sojaAlerts = [];"
    "window.alert = window.confirm = window.prompt = function (x) {"
    " window.__sojaAlerts.push(String(x)); };"
)


# -- paper and pixels ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Viewport:
    """An integer CSS viewport and the device scale factor that makes it the wanted pixel size."""

    width: int
    height: int
    scale: float


def viewport_for(px_w: int, px_h: int, dpi: int, *, span: int = 40) -> Viewport:
    """The viewport closest to ``px * 96 / dpi`` whose width times the scale is exactly ``px_w`` and
    whose height times the scale is within 0.25 px of ``px_h``.

    Chromium truncates a fractional screenshot clip (1-3 px short); an integer viewport with a
    chosen scale factor and no clip comes out exact.
    """
    ideal = round(px_w * CSS_DPI / dpi)
    for step in range(span + 1):
        for css_w in (ideal - step, ideal + step):
            if css_w <= 0:
                continue
            scale = px_w / css_w
            css_h = round(px_h / scale)
            if css_h > 0 and abs(css_h * scale - px_h) < 0.25:
                return Viewport(css_w, css_h, scale)
    raise ExportError(f"no browser viewport gives exactly {px_w}x{px_h} px at {dpi} dpi")


@dataclass(frozen=True, slots=True)
class Page:
    """A sheet of paper at a resolution: A4 or A3, portrait or landscape, 150 or 300 dpi."""

    paper: Literal["A4", "A3"] = "A4"
    landscape: bool = False
    dpi: int = 150

    def __post_init__(self) -> None:
        if self.paper not in PAPERS_MM:
            raise ExportError(f"paper must be one of {', '.join(PAPERS_MM)}; got {self.paper!r}")
        if self.dpi not in DPIS:
            raise ExportError(f"dpi must be one of {', '.join(map(str, DPIS))}; got {self.dpi!r}")

    @property
    def inches(self) -> tuple[float, float]:
        w, h = (mm / MM_PER_INCH for mm in PAPERS_MM[self.paper])
        return (h, w) if self.landscape else (w, h)

    @property
    def pixels(self) -> tuple[int, int]:
        w, h = self.inches
        return round(w * self.dpi), round(h * self.dpi)

    def viewport(self) -> Viewport:
        return viewport_for(*self.pixels, self.dpi)

    def pdf_viewport(self) -> Viewport:
        # floor: a viewport a fraction larger than the sheet spills the map onto a second page
        w, h = self.inches
        return Viewport(math.floor(w * CSS_DPI), math.floor(h * CSS_DPI), 1.0)

    def describe(self, *, dpi: bool = True) -> str:
        text = f"{self.paper} {'landscape' if self.landscape else 'portrait'}"
        return f"{text} {self.dpi} dpi" if dpi else text


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height from a PNG's IHDR chunk."""
    if data[:8] != b"\x89PNG\r\n\x1a\n" or len(data) < 24:
        raise ExportError("the browser did not return a PNG image")
    width, height = struct.unpack(">II", data[16:24])
    return int(width), int(height)


# -- the browser -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BrowserConfig:
    """Where Chromium and its driver are: ``SOJA_MAP_CHROMIUM`` / ``SOJA_MAP_CHROMEDRIVER`` or Debian's."""

    chromium: Path = DEFAULT_CHROMIUM
    chromedriver: Path = DEFAULT_CHROMEDRIVER

    @classmethod
    def from_settings(cls, settings: Settings, *, chromium: Path | None = None) -> BrowserConfig:
        return cls(chromium=chromium or settings.chromium, chromedriver=settings.chromedriver)

    @classmethod
    def from_env(
        cls, env: Mapping[str, str] | None = None, *, chromium: Path | None = None
    ) -> BrowserConfig:
        """From SOJA_MAP_CHROMIUM / SOJA_MAP_CHROMEDRIVER (via Settings), or Debian's paths."""
        return cls.from_settings(Settings.from_env(env), chromium=chromium)

    def problem(self) -> str | None:
        """Why this browser cannot be used, or None."""
        for label, path, env in (
            ("Chromium", self.chromium, CHROMIUM_ENV),
            ("chromedriver", self.chromedriver, CHROMEDRIVER_ENV),
        ):
            if not (path.is_file() and os.access(path, os.X_OK)):
                return (
                    f"{label} was not found at {path}: install it (Debian: apt install chromium "
                    f"chromium-driver) or set {env} / --chromium"
                )
        return None

    def available(self) -> bool:
        return self.problem() is None


@dataclass(frozen=True, slots=True)
class Rendered:
    """One written image or PDF."""

    path: Path
    kind: Literal["png", "pdf"]
    size: tuple[int, int]  # pixels for PNG, CSS pixels of the sheet for PDF
    ready: str  # "ok", "tiles" (background tiles loaded) or "timeout"
    tiles: str | None  # "ok", "failed" or None (no background map asked for)
    seconds: float


class Renderer:
    """One headless Chromium, reused for every render until ``close()`` (a context manager).

    ``offline=True`` makes every host name fail to resolve (files and data: URIs still load),
    as on a closed network.
    """

    def __init__(
        self,
        browser: BrowserConfig | None = None,
        *,
        offline: bool = False,
        timeout: float = 30.0,
        console_log: bool = True,
        network_log: bool = False,
    ) -> None:
        self.browser = browser or BrowserConfig.from_env()
        self.offline = offline
        self.timeout = timeout
        self.console_log = console_log
        self.network_log = network_log
        self._driver: Any = None

    def __enter__(self) -> Renderer:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    @property
    def driver(self) -> Any:
        if self._driver is None:
            self.start()
        return self._driver

    def start(self) -> None:
        if self._driver is not None:
            return
        problem = self.browser.problem()
        if problem:
            raise ExportError(problem)
        # selenium is imported here: `soja-map export` without --png never needs it
        from selenium import webdriver  # noqa: PLC0415
        from selenium.common.exceptions import WebDriverException  # noqa: PLC0415
        from selenium.webdriver.chrome.service import Service  # noqa: PLC0415

        options: Any = webdriver.ChromeOptions()  # selenium 4.2 is only partly typed
        options.binary_location = str(self.browser.chromium)
        for arg in (
            "--headless=new",
            # Chromium's sandbox cannot start as root or in most containers; it renders only
            # the files we wrote, with data escaped.
            "--no-sandbox",
            "--disable-dev-shm-usage",
            "--disable-gpu",
            "--hide-scrollbars",
            "--force-color-profile=srgb",
            "--font-render-hinting=none",
            "--disable-extensions",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--lang=ja",
        ):
            options.add_argument(arg)
        if self.offline:
            options.add_argument("--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1")
        prefs = {}
        if self.console_log:
            prefs["browser"] = "ALL"
        if self.network_log:
            prefs["performance"] = "ALL"
        if prefs:
            options.set_capability("goog:loggingPrefs", prefs)
        try:
            driver = webdriver.Chrome(
                service=Service(str(self.browser.chromedriver)), options=options
            )
        except WebDriverException as exc:
            first = (exc.msg or str(exc)).strip().splitlines()[0] if (exc.msg or str(exc)) else ""
            raise ExportError(f"cannot start Chromium ({self.browser.chromium}): {first}") from None
        driver.set_page_load_timeout(self.timeout)
        driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": _ALERT_TRAP})
        self._driver = driver

    def close(self) -> None:
        if self._driver is not None:
            try:
                self._driver.quit()
            finally:
                self._driver = None

    # -- loading -----------------------------------------------------------------------------------

    def load(self, html: Path, viewport: Viewport) -> tuple[str, str | None]:
        """Open ``html`` at ``viewport`` and wait for the map's ready signal: (ready, tiles)."""
        driver = self.driver
        driver.execute_cdp_cmd(
            "Emulation.setDeviceMetricsOverride",
            {
                "width": viewport.width,
                "height": viewport.height,
                "deviceScaleFactor": viewport.scale,
                "mobile": False,
            },
        )
        driver.get(Path(html).resolve().as_uri())
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            state = driver.execute_script(
                "var r = document.documentElement;"
                "return [r.getAttribute('data-map-ready'), r.getAttribute('data-tiles')];"
            )
            if state and state[0]:
                return str(state[0]), (str(state[1]) if state[1] else None)
            time.sleep(0.02)
        raise ExportError(f"the map in {html} did not finish drawing within {self.timeout:.0f} s")

    def console_errors(self) -> list[dict[str, Any]]:
        """SEVERE browser-console entries since the last call (needs ``console_log``)."""
        return [e for e in self.driver.get_log("browser") if e.get("level") == "SEVERE"]

    def alerts(self) -> list[str]:
        return list(self.driver.execute_script("return window.__sojaAlerts || []"))

    # -- output ------------------------------------------------------------------------------------

    def png(self, html: Path, out: Path, page: Page) -> Rendered:
        """Screenshot ``html`` to ``out`` at exactly ``page.pixels``."""
        start = time.perf_counter()
        ready, tiles = self.load(html, page.viewport())
        shot = self.driver.execute_cdp_cmd(
            "Page.captureScreenshot", {"format": "png", "captureBeyondViewport": False}
        )
        data = base64.b64decode(shot["data"])
        size = png_size(data)
        if size != page.pixels:
            raise ExportError(
                f"the browser made a {size[0]}x{size[1]} px image, not {page.pixels[0]}x"
                f"{page.pixels[1]} ({page.describe()})"
            )
        _write_bytes(out, data)
        return Rendered(Path(out), "png", size, ready, tiles, time.perf_counter() - start)

    def pdf(self, html: Path, out: Path, page: Page) -> Rendered:
        """Print ``html`` to a one-page, full-bleed PDF of the page's paper size."""
        return self._print(html, out, page, {"pageRanges": "1"})

    def _print(self, html: Path, out: Path, page: Page, options: dict[str, Any]) -> Rendered:
        """``Page.printToPDF`` of ``html`` on the page's paper (no margins unless ``options``
        give them), written to ``out``."""
        start = time.perf_counter()
        viewport = page.pdf_viewport()
        ready, tiles = self.load(html, viewport)
        width, height = page.inches
        settings = {
            "paperWidth": width,
            "paperHeight": height,
            "landscape": False,  # the width and height are already oriented
            "marginTop": 0,
            "marginBottom": 0,
            "marginLeft": 0,
            "marginRight": 0,
            "printBackground": True,
            "preferCSSPageSize": False,
            **options,
        }
        result = self.driver.execute_cdp_cmd("Page.printToPDF", settings)
        _write_bytes(out, base64.b64decode(result["data"]))
        elapsed = time.perf_counter() - start
        return Rendered(Path(out), "pdf", (viewport.width, viewport.height), ready, tiles, elapsed)

    # -- the report (maps/report.py) -------------------------------------------------------------

    def capture(self, html: Path, viewport: Viewport) -> tuple[bytes, str, str | None]:
        """A screenshot of ``html`` at ``viewport``: (PNG bytes, ready, tiles)."""
        ready, tiles = self.load(html, viewport)
        shot = self.driver.execute_cdp_cmd(
            "Page.captureScreenshot", {"format": "png", "captureBeyondViewport": False}
        )
        return base64.b64decode(shot["data"]), ready, tiles

    def print_pages(
        self, html: Path, out: Path, page: Page, margins: Margins, footer: str
    ) -> Rendered:
        """Print ``html`` to a PDF of as many pages as it needs, with ``footer`` on each page."""
        options = {
            "marginTop": margins.top,
            "marginBottom": margins.bottom,
            "marginLeft": margins.side,
            "marginRight": margins.side,
            "displayHeaderFooter": True,
            "headerTemplate": "<span></span>",
            "footerTemplate": footer,
        }
        return self._print(html, out, page, options)


@dataclass(frozen=True, slots=True)
class Margins:
    """A report page's margins in inches (the footer sits in the bottom one)."""

    top: float = 0.4
    bottom: float = 0.5
    side: float = 0.4

    def content(self, page: Page) -> tuple[float, float]:
        width, height = page.inches
        return width - 2 * self.side, height - self.top - self.bottom

    def content_viewport(self, page: Page) -> Viewport:
        """The CSS viewport of a page's content box, at the page's dpi."""
        width, height = self.content(page)
        return Viewport(
            math.floor(width * CSS_DPI), math.floor(height * CSS_DPI), page.dpi / CSS_DPI
        )


def _write_bytes(path: Path, data: bytes) -> None:
    try:
        atomic_write_bytes(path, data)
    except OSError as exc:
        raise ExportError(f"cannot write {path}: {exc.strerror or exc}") from None


def render_document(
    document: str,
    *,
    png: Path | None = None,
    pdf: Path | None = None,
    page: Page | None = None,
    renderer: Renderer | None = None,
) -> list[Rendered]:
    """Render an HTML document (a string) to PNG and/or PDF; starts a browser unless given one."""
    page = page or Page()
    with tempfile.TemporaryDirectory(prefix="soja-map-render-") as tmp:
        html = Path(tmp) / "map.html"
        html.write_text(document, encoding="utf-8")
        own = renderer is None
        active = renderer or Renderer()
        try:
            results: list[Rendered] = []
            if png is not None:
                results.append(active.png(html, png, page))
            if pdf is not None:
                results.append(active.pdf(html, pdf, page))
            return results
        finally:
            if own:
                active.close()


def tiles_warning(results: Sequence[Rendered]) -> str | None:
    """A message if an image was made without the background map it asked for."""
    if any(r.tiles == "failed" for r in results):
        return "the background map could not be loaded (no network?): the image has none"
    if any(r.ready == "timeout" for r in results):
        return "the background map was still loading after 15 s: the image may lack some tiles"
    return None
