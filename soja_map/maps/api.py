"""The one door to the static maps: what the web app and the CLI may use (an import-linter
contract keeps ``soja_map.web`` to this module).

Importing it loads neither folium nor selenium: the options, paper and browser settings are plain
data, and the functions that draw (folium) or render (Chromium, selenium) import them when called.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from soja_map.data.dataset import Dataset
from soja_map.maps.options import (
    ExportJob,
    ExportOptions,
    ExportReport,
    ExportUsageError,
    View,
)
from soja_map.maps.render import BrowserConfig, Page, Rendered, Renderer, png_size
from soja_map.query.filters import Filter
from soja_map.query.names import filter_from_names  # the one resolver (coverage, access, export)

if TYPE_CHECKING:
    from collections.abc import Callable

    import folium

__all__ = [
    "BrowserConfig",
    "ExportJob",
    "ExportOptions",
    "ExportReport",
    "ExportUsageError",
    "Page",
    "Rendered",
    "Renderer",
    "View",
    "build_map",
    "export_document",
    "export_each_project",
    "export_html",
    "filter_from_names",
    "png_size",
    "render_html",
    "render_png",
    "run_export",
]

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
    """One map per priority project into ``folder`` (``<number>-<id>.html``)."""
    from soja_map.maps.files import export_each_project as export

    return export(data, folder, flt, options)


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
