"""What to export and how: the filter from names as staff type them, the view, the drawing options.

No folium here: the web app and the CLI build these before any map code is loaded.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from soja_map.config import BASEMAPS
from soja_map.errors import ExportError
from soja_map.i18n import LANGS, Lang
from soja_map.maps.render import BrowserConfig, Page
from soja_map.query.basemaps import tile_sources


@dataclass(frozen=True)
class View:
    """The part of the map to show: ``((south, west), (north, east))`` in degrees."""

    bounds: tuple[tuple[float, float], tuple[float, float]]

    @classmethod
    def from_store(cls, data: Mapping[str, Any] | None) -> View | None:
        """From the app's VIEW_STORE (``{"center", "zoom", "bounds": [[s, w], [n, e]]}``); None if unusable."""
        if not data or not isinstance(data.get("bounds"), list | tuple):
            return None
        try:
            (south, west), (north, east) = ((float(a), float(b)) for a, b in data["bounds"])
        except (TypeError, ValueError):
            return None
        if not all(math.isfinite(v) for v in (south, west, north, east)):
            return None
        if not (-90 <= south < north <= 90 and -180 <= west < east <= 180):
            return None
        return cls(((south, west), (north, east)))

    @classmethod
    def parse(cls, text: str) -> View:
        """From ``"south,west,north,east"`` in degrees (as typed on the command line)."""
        parts = [p.strip() for p in text.split(",")]
        view = cls.from_store({"bounds": [parts[:2], parts[2:]]}) if len(parts) == 4 else None
        if view is None:
            raise ExportError(
                f"bounds must be south,west,north,east in degrees, e.g. 34.66,133.72,34.69,133.77;"
                f" got {text!r}"
            )
        return view


@dataclass(frozen=True)
class ExportOptions:
    """How to draw the exported map (what to draw is a ``Filter``)."""

    title: str | None = None  # default: the app title (per project with each_project)
    basemap: str = "none"  # one of config.BASEMAPS; tiles show only where the network allows
    lang: Lang = "ja"
    school_districts: bool = False
    rail_lines: bool = True  # railway lines as grey context when they are not selected places
    view: View | None = None  # default: the city and every selected place
    print_mode: bool = False  # for PNG/PDF: no controls, no animation, no background-map notice
    generated: date = field(default_factory=date.today)
    tile_mirror: str | None = None  # e.g. a tile cache on the closed network (query.basemaps)

    def __post_init__(self) -> None:
        tile_sources(self.tile_mirror)  # raises on a bad URL
        if self.basemap not in BASEMAPS:
            raise ExportError(f"basemap must be one of {', '.join(BASEMAPS)}; got {self.basemap!r}")
        if self.lang not in LANGS:
            raise ExportError(f"lang must be one of {', '.join(LANGS)}; got {self.lang!r}")


# -- a whole export job (the CLI's `soja-map export`) ------------------------------------------


class ExportUsageError(ExportError):
    """The job's options do not fit together (the CLI reports these as usage errors)."""


@dataclass(frozen=True)
class ExportJob:
    """Where to write the map: an HTML file, a PNG, a PDF (folders with ``each_project``)."""

    html: Path | None = None
    png: Path | None = None
    pdf: Path | None = None
    each_project: bool = False  # one map per priority project; the paths name folders
    page: Page = field(default_factory=Page)  # paper and dpi of the PNG/PDF
    browser: BrowserConfig | None = None  # for PNG/PDF (default: from the environment)

    def __post_init__(self) -> None:
        if self.html is None and self.png is None and self.pdf is None:
            raise ExportUsageError("say where to write the map: -o map.html (and/or --png, --pdf)")
        if self.each_project:
            for folder in (self.html, self.png, self.pdf):
                if folder is not None and folder.exists() and not folder.is_dir():
                    raise ExportUsageError(f"{folder} is a file: with --each-project give folders")

    @property
    def renders(self) -> bool:
        return self.png is not None or self.pdf is not None


@dataclass(frozen=True)
class ExportReport:
    """What a job wrote, and what the person should know about it."""

    written: tuple[Path, ...]
    warnings: tuple[str, ...]
