"""Writing maps: one HTML document, or one per priority project."""

from __future__ import annotations

from pathlib import Path

import folium

from soja_map.data.dataset import Dataset
from soja_map.data.io import atomic_write_text
from soja_map.data.plan import Plan
from soja_map.errors import ExportError
from soja_map.i18n import translator
from soja_map.maps.build import build_map, map_title
from soja_map.maps.offline import OfflineFigure
from soja_map.maps.options import ExportOptions
from soja_map.query.filters import Filter


def render_html(m: folium.Map) -> str:
    """The map's complete, self-contained HTML document (rendering is done once and cached)."""
    root = m.get_root()
    if not isinstance(root, OfflineFigure):
        raise ExportError("the map is not in an OfflineFigure: build it with build_map()")
    return root.render()


def write_html(path: Path, document: str) -> Path:
    try:
        atomic_write_text(Path(path), document)
    except OSError as exc:
        raise ExportError(f"cannot write {path}: {exc.strerror or exc}") from None
    return Path(path)


def export_html(
    data: Dataset, path: Path, flt: Filter | None = None, options: ExportOptions | None = None
) -> Path:
    """Write the map of ``flt`` to ``path`` (atomically) and return the path."""
    return write_html(path, render_html(build_map(data, flt, options)))


def project_filename(plan: Plan, project_id: str, suffix: str = ".html") -> str:
    """``<position>-<id><suffix>``, the position in the plan's order zero-padded, so that a file
    list sorted by name is in the plan's order (the projects' own numbers are not)."""
    position = [p.id for p in plan.projects].index(project_id) + 1
    width = max(2, len(str(len(plan.projects))))
    return f"{position:0{width}d}-{project_id}{suffix}"


def each_project_filters(data: Dataset, flt: Filter | None = None) -> list[tuple[str, Filter]]:
    """One filter per priority project (those of ``flt.projects``, else all), in plan order."""
    flt = flt or Filter()
    wanted = flt.projects
    return [
        (p.id, Filter(**{**flt.__dict__, "projects": (p.id,)}))
        for p in data.plan.projects
        if wanted is None or p.id in wanted
    ]


def project_options(data: Dataset, project_id: str, options: ExportOptions) -> ExportOptions:
    """The options with the title naming the project."""
    project = data.plan.project(project_id)
    tr = translator(options.lang)
    title = tr(
        "export_project_title",
        title=map_title(options),
        name=tr.pick(project.name_ja, project.name_en),
        theme=tr.pick(project.theme_ja, project.theme_en),
    )
    return ExportOptions(**{**options.__dict__, "title": title})


def export_each_project(
    data: Dataset, folder: Path, flt: Filter | None = None, options: ExportOptions | None = None
) -> list[Path]:
    """One map per priority project into ``folder`` (``<position>-<id>.html``, sorting in plan order)."""
    options = options or ExportOptions()
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise ExportError(f"{folder} is a file; with --each-project -o names a folder")
    return [
        export_html(
            data,
            folder / project_filename(data.plan, project_id),
            project_filter,
            project_options(data, project_id, options),
        )
        for project_id, project_filter in each_project_filters(data, flt)
    ]
