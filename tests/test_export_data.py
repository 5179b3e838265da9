"""The filtered places as data files (GeoPackage, GeoJSON, CSV, XLSX) and the list's order."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pyogrio
import pytest
from openpyxl import load_workbook

from soja_map.data.io import safe_cell
from soja_map.errors import ExportError
from soja_map.i18n import translator
from soja_map.maps.api import ExportJob, export_places, place_table, places_download
from soja_map.maps.datafiles import to_csv, to_xlsx
from soja_map.maps.placelist import PLACE_COLUMNS, column_headings, place_groups
from soja_map.query.filters import Filter, select
from tests.test_export_cli import export

HAGUKUMU = Filter(projects=("hagukumu",))


def test_the_table_has_one_row_per_filtered_place(dataset) -> None:
    table = place_table(dataset, HAGUKUMU)
    expected = set(select(dataset.places, HAGUKUMU).index)
    assert set(table["id"]) == expected
    assert len(table) == len(expected)
    assert list(table.columns) == [*PLACE_COLUMNS, "geometry"]
    markers = table.geometry.notna() & (table.geom_type == "Point")
    # the places drawn as markers are numbered 1..n in list order; lines and city-wide ones not
    assert list(table.loc[markers, "no"]) == list(range(1, int(markers.sum()) + 1))
    assert table.loc[~markers, "no"].isna().all()


def test_groups_follow_the_plan_and_list_each_place_under_its_measures(dataset) -> None:
    selected = select(dataset.places, Filter())
    groups = place_groups(selected, dataset.plan, Filter())
    plan_order = [m.id for p in dataset.plan.projects for m in p.measures]
    measure_ids = [g.measure.id for g in groups if g.measure is not None]
    assert measure_ids == [m for m in plan_order if m in measure_ids]
    for group in groups:
        if group.measure is not None:
            for pid in group.place_ids:
                assert group.measure.id in selected.loc[pid, "measures"]
    assert {pid for g in groups for pid in g.place_ids} == set(selected.index)


def test_geopackage_opens_with_pyogrio_with_rows_and_crs(dataset, tmp_path: Path) -> None:
    path = export_places(dataset, tmp_path / "places.gpkg", HAGUKUMU)
    info = pyogrio.read_info(path, layer="places")
    expected = select(dataset.places, HAGUKUMU)
    assert info["features"] == len(expected)
    assert info["crs"] == "EPSG:4326"
    frame = pyogrio.read_dataframe(path, layer="places")
    assert set(frame["id"]) == set(expected.index)
    assert frame.geometry.notna().sum() == expected.geometry.notna().sum()
    assert [c for c in frame.columns if c != "geometry"] == list(PLACE_COLUMNS)


def test_geojson_csv_and_xlsx_have_the_same_rows(dataset, tmp_path: Path) -> None:
    table = place_table(dataset, HAGUKUMU, "en")
    geojson = json.loads(export_places(dataset, tmp_path / "p.geojson", HAGUKUMU, "en").read_text())
    assert [f["properties"]["id"] for f in geojson["features"]] == list(table["id"])
    raw = export_places(dataset, tmp_path / "p.csv", HAGUKUMU, "en").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # the BOM Japanese Excel needs
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0] == column_headings(translator("en"))
    assert [r[1] for r in rows[1:]] == list(table["id"])
    book = load_workbook(export_places(dataset, tmp_path / "p.xlsx", HAGUKUMU, "en"))
    sheet = book.active
    assert [c.value for c in sheet[1]] == column_headings(translator("en"))
    assert [sheet.cell(row=i, column=2).value for i in range(2, sheet.max_row + 1)] == list(
        table["id"]
    )


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"])
def test_cells_that_look_like_formulas_are_neutralised(dataset, text: str) -> None:
    assert safe_cell(text) == "'" + text
    table = place_table(dataset, HAGUKUMU).head(1).copy()
    table["address"] = text
    tr = translator("ja")
    column = list(PLACE_COLUMNS).index("address") + 1
    rows = list(csv.reader(io.StringIO(to_csv(table, tr).decode("utf-8-sig"), newline="")))
    assert rows[1][column - 1] == "'" + text
    # XLSX: the text as written, stored as text and marked as Excel marks a typed apostrophe
    cell = load_workbook(io.BytesIO(to_xlsx(table, tr))).active.cell(row=2, column=column)
    assert cell.value == text
    assert cell.data_type == "s"
    assert cell.quotePrefix


def test_a_download_carries_the_file(dataset) -> None:
    content, fmt = places_download(dataset, HAGUKUMU, "ja", "gpkg")
    assert fmt == "gpkg"
    assert content.startswith(b"SQLite format 3\x00")


def test_unknown_data_suffix_is_a_usage_error() -> None:
    with pytest.raises(ExportError, match=r"places\.shp: a data file must end in one of"):
        ExportJob(data=(Path("places.shp"),))


def test_cli_writes_data_files(tmp_path: Path) -> None:
    result = export(
        "--project", "はぐくむ", "--data", "p.gpkg", "--data", "p.csv", "--data", "p.xlsx",
        cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    for name in ("p.gpkg", "p.csv", "p.xlsx"):
        assert f"wrote {name} (" in result.stdout
        assert (tmp_path / name).stat().st_size > 0
    bad = export("--data", "p.shp", cwd=tmp_path)
    assert bad.returncode != 0
    assert "a data file must end in one of" in bad.stderr
    assert "Traceback" not in bad.stderr
