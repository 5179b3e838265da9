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
from soja_map.query.shelters import CHOICES as SHELTER_CHOICES


@dataclass(frozen=True)
class View:
    """The part of the map to show: ``((south, west), (north, east))`` in degrees."""

    bounds: tuple[tuple[float, float], tuple[float, float]]

    @classmethod
    def from_store(cls, data: Mapping[str, Any] | None) -> View | None:
        """From the app's VIEW_STORE (``{"center", "zoom", "bounds": [[s, w], [n, e]]}``; a view
        opened from a link has a centre and zoom but no bounds yet); None if unusable."""
        if data and data.get("bounds") is None and data.get("center") and data.get("zoom"):
            return cls._from_centre_store(data)
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
    def _from_centre_store(cls, data: Mapping[str, Any]) -> View | None:
        try:
            lat, lon = (float(v) for v in data["center"])
            return cls.from_centre(lat, lon, float(data["zoom"]))
        except (TypeError, ValueError):
            return None

    @classmethod
    def from_centre(
        cls, lat: float, lon: float, zoom: float, size: tuple[int, int] = (1100, 700)
    ) -> View | None:
        """The view of a map of ``size`` CSS pixels at ``zoom`` (Web Mercator, 256 px tiles)
        centred on ``lat, lon``: what a link's ``lat``/``lon``/``z`` shows on a desktop screen."""
        if not all(math.isfinite(v) for v in (lat, lon, zoom)) or not -85 < lat < 85:
            return None
        world = 256 * 2**zoom
        x = (lon + 180) / 360 * world
        y = 1 - math.log(math.tan(math.radians(lat)) + 1 / math.cos(math.radians(lat))) / math.pi
        y = y / 2 * world

        def lat_at(py: float) -> float:
            return math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * py / world))))

        half_w, half_h = size[0] / 2, size[1] / 2
        west, east = ((x + d) / world * 360 - 180 for d in (-half_w, half_w))
        return cls.from_store({"bounds": [[lat_at(y + half_h), west], [lat_at(y - half_h), east]]})

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
    towns: bool = False  # the 大字/町丁目 representative points
    view: View | None = None  # default: the city and every selected place
    print_mode: bool = False  # for PNG/PDF: no controls, no animation, no background-map notice
    generated: date = field(default_factory=date.today)
    tile_mirror: str | None = None  # e.g. a tile cache on the closed network (query.basemaps)
    # the shelter layer shown at first: None, or a query.shelters choice (all, shelter, a hazard)
    shelters: str | None = None

    def __post_init__(self) -> None:
        tile_sources(self.tile_mirror)  # raises on a bad URL
        if self.basemap not in BASEMAPS:
            raise ExportError(f"basemap must be one of {', '.join(BASEMAPS)}; got {self.basemap!r}")
        if self.lang not in LANGS:
            raise ExportError(f"lang must be one of {', '.join(LANGS)}; got {self.lang!r}")
        if self.shelters is not None and self.shelters not in SHELTER_CHOICES:
            raise ExportError(
                f"shelters must be one of {', '.join(SHELTER_CHOICES)}; got {self.shelters!r}"
            )


# -- a whole export job (the CLI's `soja-map export`) ------------------------------------------


# The place data files by suffix (maps/datafiles.py writes them).
DATA_FORMATS: dict[str, str] = {
    ".gpkg": "gpkg",
    ".geojson": "geojson",
    ".json": "geojson",
    ".csv": "csv",
    ".xlsx": "xlsx",
}


def data_format(path: Path) -> str:
    """The data format a file name asks for, by suffix."""
    fmt = DATA_FORMATS.get(Path(path).suffix.lower())
    if fmt is None:
        raise ExportUsageError(f"{path}: a data file must end in one of {', '.join(DATA_FORMATS)}")
    return fmt


class ExportUsageError(ExportError):
    """The job's options do not fit together (the CLI reports these as usage errors)."""


@dataclass(frozen=True)
class ExportJob:
    """Where to write the map: an HTML file, a PNG, a PDF (folders with ``each_project``)."""

    html: Path | None = None
    png: Path | None = None
    pdf: Path | None = None
    report: Path | None = None  # the multi-page report PDF: map page, list pages, coverage
    data: tuple[Path, ...] = ()  # the filtered places as .gpkg / .geojson / .csv / .xlsx
    coverage: Path | None = None  # a `soja-map coverage --format json` result for the report
    each_project: bool = False  # one map per priority project; the paths name folders
    page: Page = field(default_factory=Page)  # paper and dpi of the PNG/PDF
    browser: BrowserConfig | None = None  # for PNG/PDF (default: from the environment)

    def __post_init__(self) -> None:
        if not self.data and all(p is None for p in (self.html, self.png, self.pdf, self.report)):
            raise ExportUsageError(
                "say where to write the map: -o map.html (and/or --png, --pdf, --report, --data)"
            )
        for path in self.data:
            data_format(path)
        if self.coverage is not None and self.report is None:
            raise ExportUsageError("--coverage goes into the report: add --report FILE.pdf")
        if self.each_project and (self.data or self.report):
            raise ExportUsageError(
                "--each-project makes maps only: write --report and --data apart"
            )
        if self.each_project:
            for folder in (self.html, self.png, self.pdf):
                if folder is not None and folder.exists() and not folder.is_dir():
                    raise ExportUsageError(f"{folder} is a file: with --each-project give folders")

    @property
    def renders(self) -> bool:
        return self.png is not None or self.pdf is not None or self.report is not None


@dataclass(frozen=True)
class ExportReport:
    """What a job wrote, and what the person should know about it."""

    written: tuple[Path, ...]
    warnings: tuple[str, ...]
