"""The one door to the static maps: what the web app and the CLI may use (an import-linter
contract keeps ``soja_map.web`` to this module).

Importing it loads neither folium nor selenium: the options, paper and browser settings are plain
data, and the functions that draw (folium) or render (Chromium, selenium) import them when called.
"""

from __future__ import annotations

import contextlib
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from soja_map.data.dataset import Dataset
from soja_map.errors import BusyError, ExportError
from soja_map.maps.options import (
    ExportJob,
    ExportOptions,
    ExportReport,
    ExportUsageError,
    View,
)
from soja_map.maps.queue import RENDER_QUEUE, RenderQueue
from soja_map.maps.render import BrowserConfig, Page, Rendered, Renderer, png_size
from soja_map.query.filters import Filter
from soja_map.query.names import filter_from_names  # the one resolver (coverage, access, export)

if TYPE_CHECKING:
    from collections.abc import Callable

    import folium
    import geopandas as gpd

__all__ = [
    "RENDER_QUEUE",
    "BrowserConfig",
    "ExportJob",
    "ExportOptions",
    "ExportReport",
    "ExportUsageError",
    "Page",
    "RenderBusyError",
    "RenderQueue",
    "Rendered",
    "Renderer",
    "View",
    "build_map",
    "export_document",
    "export_each_project",
    "export_html",
    "export_places",
    "filter_from_names",
    "place_table",
    "places_download",
    "png_size",
    "render_html",
    "render_job",
    "render_png",
    "render_report",
    "run_export",
]

T = TypeVar("T")

# folium is imported inside the functions below: the web app loads this module at start and
# never draws a static map until someone presses "export".
# ruff: noqa: PLC0415


def build_map(
    data: Dataset, flt: Filter | None = None, options: ExportOptions | None = None
) -> folium.Map:
    """The exported map of ``flt`` (default: everything) as a folium.Map (see maps/build.py)."""
    from soja_map.maps.build import build_map as build

    return build(data, flt, options)


def render_html(m: folium.Map) -> str:
    """A map of ``build_map`` as one self-contained HTML document."""
    from soja_map.maps.files import render_html as render

    return render(m)


def export_document(
    data: Dataset, flt: Filter | None = None, options: ExportOptions | None = None
) -> str:
    """The HTML document of the map of ``flt``: ``render_html(build_map(...))``."""
    return render_html(build_map(data, flt, options))


def export_html(
    data: Dataset, path: Path, flt: Filter | None = None, options: ExportOptions | None = None
) -> Path:
    """Write the map of ``flt`` to ``path`` (atomically) and return the path."""
    from soja_map.maps.files import export_html as export

    return export(data, path, flt, options)


def export_each_project(
    data: Dataset, folder: Path, flt: Filter | None = None, options: ExportOptions | None = None
) -> list[Path]:
    """One map per priority project into ``folder`` (``<position>-<id>.html``, sorting in plan order)."""
    from soja_map.maps.files import export_each_project as export

    return export(data, folder, flt, options)


def place_table(data: Dataset, flt: Filter | None = None, lang: str = "ja") -> gpd.GeoDataFrame:
    """The filtered places as the list pages and data files show them (placelist.PLACE_COLUMNS)."""
    from soja_map.i18n import translator
    from soja_map.maps.placelist import place_table as table
    from soja_map.query.filters import select

    flt = (flt or Filter()).check(data.plan)
    return table(select(data.places, flt), data.plan, flt, translator(lang))


def export_places(data: Dataset, path: Path, flt: Filter | None = None, lang: str = "ja") -> Path:
    """Write the filtered places to ``path``: .gpkg, .geojson, .csv (UTF-8 with BOM) or .xlsx."""
    from soja_map.i18n import translator
    from soja_map.maps.datafiles import write_places

    return write_places(place_table(data, flt, lang), path, translator(lang))


def places_download(data: Dataset, flt: Filter | None, lang: str, fmt: str) -> tuple[bytes, str]:
    """The filtered places as a file's bytes in ``fmt`` (gpkg, geojson, csv, xlsx) and its suffix."""
    from soja_map.i18n import translator
    from soja_map.maps.datafiles import places_bytes

    return places_bytes(place_table(data, flt, lang), fmt, translator(lang)), fmt


def render_png(document: str, page: Page, renderer: Renderer) -> bytes:
    """An HTML document as a PNG image of ``page`` (Chromium through ``renderer``)."""
    with tempfile.TemporaryDirectory(prefix="soja-map-export-") as tmp:
        page_file = Path(tmp) / "map.html"
        page_file.write_text(document, encoding="utf-8")
        return renderer.png(page_file, Path(tmp) / "map.png", page).path.read_bytes()


def run_export(
    data: Dataset,
    flt: Filter,
    options: ExportOptions,
    job: ExportJob,
    *,
    say: Callable[[str], None] = print,
) -> ExportReport:
    """The whole ``soja-map export`` job: HTML / each project / PNG / PDF as ``job`` asks;
    ``say`` gets one line per file written."""
    from soja_map.maps.job import run_export as run

    return run(data, flt, options, job, say=say)


# -- rendering as a job (the web app's PNG and report buttons) --------------------------------


class RenderBusyError(ExportError):
    """Another render is running (or the queue is full): the answer is "busy, try again"."""


def render_job(
    work: Callable[[Renderer], T],
    *,
    browser: BrowserConfig | None = None,
    progress: Callable[[str], None] | None = None,
) -> T:
    """Run ``work`` with a started Chromium, one render at a time, and return its result.

    Raises ``ExportError`` with a clear message when Chromium is missing, and ``RenderBusyError``
    when the render queue is full (after a bounded wait, never a hung worker). ``progress`` gets
    stable step keys: "waiting", "starting", "rendering", "done".

    Renders take turns on ``RENDER_QUEUE`` (maps/queue.py): one Chromium at a time per machine
    whatever the number of server workers; a few may wait a bounded time, beyond that: busy.
    """
    browser = browser or BrowserConfig.from_env()
    problem = browser.problem()
    if problem:
        raise ExportError(problem)
    say = progress or (lambda _step: None)
    say("waiting")
    with contextlib.ExitStack() as stack:
        try:
            stack.enter_context(RENDER_QUEUE.turn())
        except BusyError as exc:
            raise RenderBusyError(str(exc)) from None
        say("starting")
        renderer = stack.enter_context(Renderer(browser))
        say("rendering")
        result = work(renderer)
    say("done")
    return result


def render_report(
    data: Dataset, flt: Filter, options: ExportOptions, page: Page, renderer: Renderer
) -> bytes:
    """The report PDF (map page, list pages) of ``flt`` as bytes."""
    from soja_map.maps.report import write_report

    with tempfile.TemporaryDirectory(prefix="soja-map-report-") as tmp:
        out = Path(tmp) / "report.pdf"
        write_report(data, flt, options, out, page, renderer)
        return out.read_bytes()
