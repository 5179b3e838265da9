"""The report PDF: the printed map on page 1, then the filtered places by project and measure.

The map page is the print layout (maps/build.py, ``print_mode``) captured at the page's content
size and dpi; the list pages are HTML from ``templates/report.html`` printed by Chromium with a
footer on every page (title, the data's as-of range, the date made, page n / total). Chromium
embeds the fonts the pages use (Noto CJK for Japanese).
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
from soja_map.maps.build import build_map, map_title
from soja_map.maps.coverage_page import CoverageSummary
from soja_map.maps.files import render_html
from soja_map.maps.offline import FONT_STACK
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
from soja_map.maps.templating import render, static_text
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


def report_document(
    data: Dataset,
    flt: Filter,
    options: ExportOptions,
    map_png: bytes,
    coverage: CoverageSummary | None = None,
) -> str:
    """The report's HTML: the map image as page 1, then the list pages (and the coverage)."""
    tr = translator(options.lang)
    selected = select(data.places, flt)
    table = place_table(selected, data.plan, flt, tr)
    groups = report_groups(place_groups(selected, data.plan, flt), table, data, tr)
    css = f":root {{ --soja-font: {FONT_STACK}; }}\n" + static_text("report.css")
    return str(
        render(
            "report.html",
            tr=tr,
            title=map_title(options),
            css=css,
            map_src="data:image/png;base64," + base64.b64encode(map_png).decode("ascii"),
            filter_line=describe_filter(flt, data.plan, tr),
            count=tr("export_report_count", n=tr.number(len(selected))),
            headings=column_headings(tr, LIST_PAGE_COLUMNS),
            groups=groups,
            coverage=coverage,
        )
    ).replace("<html ", '<html data-map-ready="ok" ', 1)


def footer_html(data: Dataset, flt: Filter, options: ExportOptions) -> str:
    tr = translator(options.lang)
    return str(
        render(
            "report_footer.html",
            font=FONT_STACK,
            title=map_title(options),
            as_of=as_of_text(select(data.places, flt), tr),
            made=tr("export_generated", date=options.generated.isoformat(), version=__version__),
            page_label=tr("export_report_page"),
        )
    )


def map_page_png(
    data: Dataset, flt: Filter, options: ExportOptions, page: Page, renderer: Renderer
) -> tuple[bytes, str, str | None]:
    """The printed map at the report page's content size and dpi: (PNG, ready, tiles)."""
    document = render_html(build_map(data, flt, replace(options, print_mode=True)))
    with tempfile.TemporaryDirectory(prefix="soja-map-report-") as tmp:
        html = Path(tmp) / "map.html"
        html.write_text(document, encoding="utf-8")
        return renderer.capture(html, MARGINS.content_viewport(page))


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
    document = report_document(data, flt, options, image, coverage)
    with tempfile.TemporaryDirectory(prefix="soja-map-report-") as tmp:
        html = Path(tmp) / "report.html"
        html.write_text(document, encoding="utf-8")
        result = renderer.print_pages(html, path, page, MARGINS, footer_html(data, flt, options))
    return replace(result, ready=ready, tiles=tiles)
