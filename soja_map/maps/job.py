"""The whole export job of ``soja-map export``: HTML, one map per project, PNG and PDF."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import geopandas as gpd

from soja_map.data.dataset import Dataset
from soja_map.errors import ExportError
from soja_map.i18n import Translator, translator
from soja_map.maps.build import build_map
from soja_map.maps.coverage_page import read_coverage
from soja_map.maps.datafiles import write_places
from soja_map.maps.files import (
    each_project_filters,
    project_filename,
    project_options,
    render_html,
    write_html,
)
from soja_map.maps.options import ExportJob, ExportOptions, ExportReport
from soja_map.maps.placelist import place_table
from soja_map.maps.render import (
    BrowserConfig,
    Page,
    Rendered,
    Renderer,
    render_document,
    tiles_warning,
)
from soja_map.maps.report import write_report
from soja_map.query.filters import Filter, select

Say = Callable[[str], None]


@dataclass(frozen=True)
class _Target:
    """One map to make and where its HTML, PNG and PDF go (by suffix)."""

    flt: Filter
    options: ExportOptions
    paths: dict[str, Path]


def _targets(
    data: Dataset, flt: Filter, options: ExportOptions, job: ExportJob
) -> Iterator[_Target]:
    outputs = {".html": job.html, ".png": job.png, ".pdf": job.pdf}
    if not job.each_project:
        yield _Target(flt, options, {k: v for k, v in outputs.items() if v is not None})
        return
    for project_id, project_filter in each_project_filters(data, flt):
        paths = {
            suffix: folder / project_filename(data.plan, project_id, suffix)
            for suffix, folder in outputs.items()
            if folder is not None
        }
        yield _Target(project_filter, project_options(data, project_id, options), paths)


def tr_of(options: ExportOptions) -> Translator:
    return translator(options.lang)


def place_table_for(data: Dataset, flt: Filter, options: ExportOptions) -> gpd.GeoDataFrame:
    return place_table(select(data.places, flt), data.plan, flt, tr_of(options))


def _renderer(job: ExportJob) -> Renderer | None:
    """A browser for PNG/PDF, checked before anything is written."""
    if not job.renders:
        return None
    browser = job.browser or BrowserConfig.from_env()
    problem = browser.problem()
    if problem:
        raise ExportError(problem)
    return Renderer(browser)


def _size_text(kind: str, size: tuple[int, int], page: Page) -> str:
    if kind == "png":
        return f"{size[0]}x{size[1]} px, {page.describe()}"
    return page.describe(dpi=False)


def _print(data: Dataset, target: _Target, page: Page, renderer: Renderer, say: Say) -> list[str]:
    """PNG/PDF of one map (drawn for print: no controls); returns any warning."""
    printable = render_html(build_map(data, target.flt, replace(target.options, print_mode=True)))
    results = render_document(
        printable,
        png=target.paths.get(".png"),
        pdf=target.paths.get(".pdf"),
        page=page,
        renderer=renderer,
    )
    for result in results:
        say(f"wrote {result.path} ({_size_text(result.kind, result.size, page)})")
    warning = tiles_warning(results)
    return [warning] if warning else []


def _report_text(result: Rendered, page: Page) -> str:
    size = result.path.stat().st_size
    return f"{page.describe(dpi=False)}, {size / 1e6:.1f} MB"


def run_export(
    data: Dataset, flt: Filter, options: ExportOptions, job: ExportJob, *, say: Say = print
) -> ExportReport:
    """Make every map of ``job`` and write it; ``say`` gets one line per file written."""
    flt = flt.check(data.plan)
    coverage = read_coverage(job.coverage) if job.coverage is not None else None
    targets = list(_targets(data, flt, options, job))
    renderer = _renderer(job)
    written: list[Path] = []
    warnings: set[str] = set()
    for path in job.data:
        written.append(write_places(place_table_for(data, flt, options), path, tr_of(options)))
        say(f"wrote {path} ({written[-1].stat().st_size // 1024} KB)")
    try:
        for target in targets:
            if ".html" in target.paths:
                document = render_html(build_map(data, target.flt, target.options))
                written.append(write_html(target.paths[".html"], document))
                say(f"wrote {target.paths['.html']} ({len(document.encode()) // 1024} KB)")
            if renderer is not None and (".png" in target.paths or ".pdf" in target.paths):
                warnings.update(_print(data, target, job.page, renderer, say))
                written += [target.paths[k] for k in (".png", ".pdf") if k in target.paths]
        if renderer is not None and job.report is not None:
            result = write_report(
                data, flt, options, job.report, job.page, renderer, coverage=coverage
            )
            written.append(result.path)
            say(f"wrote {result.path} ({_report_text(result, job.page)})")
            warnings.update(filter(None, [tiles_warning([result])]))
    finally:
        if renderer is not None:
            renderer.close()
    return ExportReport(tuple(written), tuple(sorted(warnings)))
