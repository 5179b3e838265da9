"""`soja-map validate` as a function: check the files a user names against the configured data set."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from soja_map.config import Settings
from soja_map.data.dataset import boundary_geometry, study_area, validate_geodata
from soja_map.data.io import read_json_file
from soja_map.data.plan import CATALOGUE_FILE, Catalogue, parse_catalogue
from soja_map.data.validate import Report, validate_paths


def validate_targets(settings: Settings, paths: Sequence[Path] = ()) -> Report:
    """Validate ``paths`` (default: the whole geodata folder) and report every problem.

    Files checked on their own are checked against the geodata folder's plan catalogue and city
    boundary, unless a folder among them brings its own plan.json.
    """
    if not paths:
        return validate_geodata(settings.geodata_dir, settings.plan_id)[0]
    targets = list(paths)
    catalogue = None
    catalogue_path = settings.geodata_dir / CATALOGUE_FILE
    brings_own = any(p.is_dir() and (p / CATALOGUE_FILE).is_file() for p in targets)
    if catalogue_path.is_file() and not brings_own:
        catalogue = _catalogue(catalogue_path)
    boundary = boundary_geometry(settings.geodata_dir)
    return validate_paths(
        targets,
        catalogue=catalogue,
        plan_id=settings.plan_id,
        study_area=study_area(boundary) if boundary is not None else None,
    )


def _catalogue(path: Path) -> Catalogue | None:
    """The geodata folder's catalogue for checking other files; its own problems are reported
    when the folder itself is validated."""
    try:
        return parse_catalogue(read_json_file(path), file=str(path))[0]
    except (OSError, ValueError, RecursionError):
        return None
