"""The filtered places as data for GIS and spreadsheet users: GeoPackage, GeoJSON, CSV, XLSX.

The columns are the list pages' (``placelist.PLACE_COLUMNS``). GeoPackage and GeoJSON keep the
stable column names (fields QGIS and scripts can rely on in either language); CSV and XLSX carry the
catalogue's headings. CSV is UTF-8 with a BOM so that Japanese Excel opens it. Every write is
atomic (a temporary file, then a rename).
"""

from __future__ import annotations

import csv
import io
import os
import tempfile
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd

from soja_map.data.io import append_safe_row, atomic_write_bytes, safe_cell
from soja_map.errors import ExportError
from soja_map.i18n import Translator
from soja_map.maps.options import data_format
from soja_map.maps.placelist import PLACE_COLUMNS, column_headings

LAYER_NAME = "places"


def _rows(table: gpd.GeoDataFrame) -> list[list[Any]]:
    frame = pd.DataFrame(table[list(PLACE_COLUMNS)])
    return [[None if pd.isna(v) else v for v in row] for row in frame.itertuples(index=False)]


def to_csv(table: gpd.GeoDataFrame, tr: Translator) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(column_headings(tr))
    writer.writerows([safe_cell(v) for v in row] for row in _rows(table))
    return buffer.getvalue().encode("utf-8-sig")


def to_xlsx(table: gpd.GeoDataFrame, tr: Translator) -> bytes:
    from openpyxl import Workbook  # noqa: PLC0415 - only when writing xlsx
    from openpyxl.styles import Font  # noqa: PLC0415

    book = Workbook()
    sheet = book.active
    sheet.title = tr("export_sheet_places")
    sheet.append(column_headings(tr))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in _rows(table):
        append_safe_row(sheet, row)
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def to_geojson(table: gpd.GeoDataFrame) -> bytes:
    frame = table[[*PLACE_COLUMNS, "geometry"]].to_crs("EPSG:4326")
    text: str = frame.to_json(ensure_ascii=False, drop_id=True)
    return text.encode("utf-8")


def _write_gpkg(table: gpd.GeoDataFrame, path: Path) -> None:
    frame = table[[*PLACE_COLUMNS, "geometry"]].reset_index(drop=True)
    fd, name = tempfile.mkstemp(prefix=".soja-", suffix=".gpkg", dir=path.parent)
    os.close(fd)
    tmp = Path(name)
    tmp.unlink()  # GDAL creates the file itself
    try:
        frame.to_file(tmp, layer=LAYER_NAME, driver="GPKG", engine="pyogrio")
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)


def write_places(table: gpd.GeoDataFrame, path: Path, tr: Translator) -> Path:
    """Write ``placelist.place_table(...)`` to ``path`` in the format its suffix names."""
    path = Path(path)
    fmt = data_format(path)
    try:
        if fmt == "gpkg":
            _write_gpkg(table, path)
        elif fmt == "geojson":
            atomic_write_bytes(path, to_geojson(table))
        elif fmt == "csv":
            atomic_write_bytes(path, to_csv(table, tr))
        else:
            atomic_write_bytes(path, to_xlsx(table, tr))
    except OSError as exc:
        raise ExportError(f"cannot write {path}: {exc.strerror or exc}") from None
    return path


def places_bytes(table: gpd.GeoDataFrame, fmt: str, tr: Translator) -> bytes:
    """The file's content (for a download); GeoPackage goes through a temporary file."""
    if fmt == "csv":
        return to_csv(table, tr)
    if fmt == "xlsx":
        return to_xlsx(table, tr)
    if fmt == "geojson":
        return to_geojson(table)
    with tempfile.TemporaryDirectory(prefix="soja-map-data-") as tmp:
        out = Path(tmp) / "places.gpkg"
        _write_gpkg(table, out)
        return out.read_bytes()
