"""The report PDF: the printed map on page 1, then the filtered places by project and measure,
then (with a coverage result) its table and its map.

The map pages are print layouts (maps/build.py with ``print_mode``, maps/coverage_map.py)
captured at the page's content size and dpi; the other pages are HTML from
``templates/report.html`` printed by Chromium with a footer on every page (title, the data's
as-of range, the date made, page n / total). The pages and the footer carry their own TrueType
cut of Noto Sans CJK JP (maps/fonts.py), which Chromium embeds as CID TrueType, not Type 3.
"""

from __future__ import annotations

import base64
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd

from soja_map import __version__
from soja_map.data.dataset import Dataset
from soja_map.i18n import Translator, translator
from soja_map.maps import fonts
from soja_map.maps.build import build_map, map_title
from soja_map.maps.coverage_page import CoverageSummary
from soja_map.maps.files import render_html
from soja_map.maps.options import ExportOptions
from soja_map.maps.panels import as_of_text
from soja_map.maps.placelist import (
    LIST_PAGE_COLUMNS,
    PlaceGroup,
    column_headings,
    place_groups,
    place_table,
)
from soja_map.maps.render import Margins, Page, Rendered, Renderer
from soja_map.maps.templating import render, static_text, trusted
from soja_map.query.filters import Filter, describe_filter, select

MARGINS = Margins()


@dataclass(frozen=True)
class ReportRow:
    id: str
    cells: tuple[str, ...]


@dataclass(frozen=True)
class ReportGroup:
    measure_id: str
    heading: str
    subheading: str
    colour: str | None
    rows: tuple[ReportRow, ...]


def _cell(value: Any) -> str:
    return "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)


def report_groups(
    groups: list[PlaceGroup], table: gpd.GeoDataFrame, data: Dataset, tr: Translator
) -> list[ReportGroup]:
    """The list pages' sections: one per measure, its places as LIST_PAGE_COLUMNS."""
    plan = data.plan
    out = []
    for group in groups:
        rows = tuple(
            ReportRow(pid, tuple(_cell(table.at[pid, c]) for c in LIST_PAGE_COLUMNS))
            for pid in group.place_ids
        )
        if group.measure is None or group.project is None:
            out.append(ReportGroup("", tr("export_report_other"), "", None, rows))
            continue
        policy = plan.policies[group.measure.policy]
        out.append(
            ReportGroup(
                group.measure.id,
                tr.pick(group.measure.name_ja, group.measure.name_en),
                f"{tr.pick(group.project.name_ja, group.project.name_en)} › "
                f"{tr.pick(policy.name_ja, policy.name_en)}",
                group.project.colour,
                rows,
            )
        )
    return out


def _png_src(png: bytes | None) -> str | None:
    return None if png is None else "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def _css(font_css: str) -> str:
    stack = fonts.font_stack(bool(font_css))
    # constants, the package's style sheet and base64 font data: no text from data
    return trusted(font_css + f":root {{ --soja-font: {stack}; }}\n" + static_text("report.css"))


def report_document(
    data: Dataset,
    flt: Filter,
    options: ExportOptions,
    map_png: bytes,
    coverage: CoverageSummary | None = None,
    coverage_png: bytes | None = None,
    font_css: str = "",
) -> str:
    """The report's HTML: the map image as page 1, then the list pages, then the coverage table
    and its map (``font_css``: maps/fonts.py's @font-face rules, see ``write_report``)."""
    tr = translator(options.lang)
    selected = select(data.places, flt)
    table = place_table(selected, data.plan, flt, tr)
    groups = report_groups(place_groups(selected, data.plan, flt), table, data, tr)
    return str(
        render(
            "report.html",
            tr=tr,
            title=map_title(options),
            css=_css(font_css),
            map_src=_png_src(map_png),
            filter_line=describe_filter(flt, data.plan, tr),
            count=tr("export_report_count", n=tr.number(len(selected))),
            headings=column_headings(tr, LIST_PAGE_COLUMNS),
            groups=groups,
            coverage=coverage.in_language(tr) if coverage is not None else None,
            coverage_src=_png_src(coverage_png) if coverage is not None else None,
        )
    ).replace("<html ", '<html data-map-ready="ok" ', 1)


def footer_html(data: Dataset, flt: Filter, options: ExportOptions, font_css: str = "") -> str:
    tr = translator(options.lang)
    return str(
        render(
            "report_footer.html",
            font=fonts.font_stack(bool(font_css)),
            font_css=trusted(font_css),  # constants and base64 font data
            title=map_title(options),
            as_of=as_of_text(select(data.places, flt), tr),
            made=tr("export_generated", date=options.generated.isoformat(), version=__version__),
            page_label=tr("export_report_page"),
        )
    )


def _capture(document: str, page: Page, renderer: Renderer) -> tuple[bytes, str, str | None]:
    with tempfile.TemporaryDirectory(prefix="soja-map-report-") as tmp:
        html = Path(tmp) / "map.html"
        html.write_text(document, encoding="utf-8")
        return renderer.capture(html, MARGINS.content_viewport(page))


def map_page_png(
    data: Dataset, flt: Filter, options: ExportOptions, page: Page, renderer: Renderer
) -> tuple[bytes, str, str | None]:
    """The printed map at the report page's content size and dpi: (PNG, ready, tiles)."""
    return _capture(
        render_html(build_map(data, flt, replace(options, print_mode=True))), page, renderer
    )


def coverage_page_png(
    data: Dataset,
    coverage: CoverageSummary,
    options: ExportOptions,
    page: Page,
    renderer: Renderer,
) -> bytes:
    """The coverage map (maps/coverage_map.py) at the report page's content size and dpi."""
    from soja_map.maps.coverage_map import build_coverage_map  # noqa: PLC0415 - only with one

    return _capture(render_html(build_coverage_map(data, coverage, options)), page, renderer)[0]


def report_font_css(*documents: str) -> str:
    """maps/fonts.py's @font-face rules for every character of ``documents`` (the pages and
    the footer), or "" when the font cannot be made here."""
    return fonts.font_face_css(documents)


def write_report(
    data: Dataset,
    flt: Filter,
    options: ExportOptions,
    path: Path,
    page: Page,
    renderer: Renderer,
    coverage: CoverageSummary | None = None,
) -> Rendered:
    """Write the report PDF to ``path``; its ``ready``/``tiles`` are the map page's."""
    flt = flt.check(data.plan)
    image, ready, tiles = map_page_png(data, flt, options, page, renderer)
    coverage_png = (
        coverage_page_png(data, coverage, options, page, renderer) if coverage is not None else None
    )
    # the words first (images left out), then the font cut to exactly their characters
    font_css = report_font_css(
        report_document(data, flt, options, b"", coverage, b""), footer_html(data, flt, options)
    )
    document = report_document(data, flt, options, image, coverage, coverage_png, font_css)
    footer = footer_html(data, flt, options, font_css)
    with tempfile.TemporaryDirectory(prefix="soja-map-report-") as tmp:
        html = Path(tmp) / "report.html"
        html.write_text(document, encoding="utf-8")
        result = renderer.print_pages(html, path, page, MARGINS, footer)
    return replace(result, ready=ready, tiles=tiles)
