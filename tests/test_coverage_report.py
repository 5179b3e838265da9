"""Coverage files: every format carries the metadata; tables read back to the pure function's numbers."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from soja_map.analysis import report as report_io
from soja_map.analysis.coverage import (
    BY_CHOICES,
    ContextCache,
    coverage,
    select_facilities,
    what_if,
)
from soja_map.analysis.presets import PRESETS, RADIUS_SOURCES
from soja_map.analysis.provenance import NOTE_CODES, SOURCE_ROLES
from soja_map.data.geo import to_lonlat
from soja_map.errors import ConfigError
from soja_map.i18n import translator
from soja_map.query.filters import Filter, describe_filter
from tests import coverage_layouts as lay

JA = translator("ja")
EN = translator("en")
NURSERIES = Filter(categories=("nursery",))  # what was asked for, described from the plan


@pytest.fixture(scope="module")
def result():
    ctx = lay.context()
    return coverage(ctx, lay.facilities(f=lay.CENTRES["SW"]), 600, selection=NURSERIES)


@pytest.fixture(scope="module")
def plan(dataset):
    return dataset.plan


@pytest.fixture(scope="module")
def change():
    ctx = lay.context()
    lon, lat = to_lonlat(*lay.at(750, 750))
    return what_if(
        ctx, lay.facilities(f=lay.CENTRES["SW"]), 400, add_lonlat=[(float(lon), float(lat))]
    )


def test_csv_has_a_bom_metadata_lines_and_the_table(result, plan):
    text = report_io.to_csv(result, "town", JA, plan=plan)
    assert text.startswith("\ufeff町域,人口,カバー人口")  # the header is row 1 in Excel
    comments = [line for line in text.lstrip("\ufeff").splitlines() if line.startswith("#")]
    assert comments[0].startswith("#,施設の徒歩圏人口カバー率")
    joined = "\n".join(comments)
    for needle in (
        f"# 対象,{describe_filter(NURSERIES, plan, translator('ja'))}",
        "# 半径,600 m",
        "# 距離,直線距離",
        "人口データ",
        "人口の年次",
        "人口の作成方法",
    ):
        assert needle in joined
    table = pd.read_csv(io.StringIO(text.lstrip("\ufeff")), comment="#", index_col=0)
    assert table.index.name == "町域"
    assert table["カバー人口"].to_dict() == {"SW": 10, "SE": 20, "NW": 30, "NE": 0}
    assert table["カバー率"].to_dict() == {"SW": 1.0, "SE": 1.0, "NW": 1.0, "NE": 0.0}


def test_csv_in_english(result, plan):
    text = report_io.to_csv(result, "elementary", EN, plan=plan)
    assert f"# Facilities,{describe_filter(NURSERIES, plan, translator('en'))}" in text
    table = pd.read_csv(io.StringIO(text.lstrip("\ufeff")), comment="#", index_col=0)
    assert table.index.name == "Elementary-school district"
    assert table["Covered"].to_dict() == {"West ES": 40, "East ES": 20}


def test_json_keeps_english_keys_and_structured_metadata(result, plan):
    doc = json.loads(report_io.to_json(result, "town", EN, plan=plan))
    assert doc["kind"] == "coverage"
    assert doc["radius_m"] == 600
    assert doc["selection"] == {
        "filter": NURSERIES.to_dict(),
        "hazards": [],
        "text": describe_filter(NURSERIES, plan, translator("en")),
    }
    prov = doc["provenance"]
    assert prov["radius_m"] == 600
    assert prov["radius_preset"] is None
    assert prov["distance"]["kind"] == "straight_line"
    assert prov["population"]["estimate"] is False
    assert prov["population"]["method"] == "layer_areal"
    assert (prov["population"]["layer"], prov["population"]["column"]) == ("test cells", "people")
    meta = {key: value for key, _, value in doc["metadata"]}
    assert meta["population_source"] == "test cells (column people)"
    assert meta["distance"].startswith("straight-line")
    assert [r["name"] for r in doc["rows"]] == ["SW", "SE", "NW", "NE"]
    assert [r["covered"] for r in doc["rows"]] == [10, 20, 30, 0]
    assert doc["city"] == {
        "population": 100,
        "covered": 60,
        "uncovered": 40,
        "share": 0.6,
        "nearest_m": 0,
        "mean_distance_m": pytest.approx((20 * 500 + 30 * 500 + 40 * 707.1067811865476) / 100),
    }
    assert doc["gaps"][0]["population"] == 40
    assert doc["facilities"] == [{"id": "f", "name": "f", "hypothetical": False}]


def test_json_of_a_what_if(change):
    doc = json.loads(report_io.to_json(change, "town", JA))
    assert doc["kind"] == "what_if"
    assert doc["what_if"]["change"] == 40
    assert [r["change"] for r in doc["rows"]] == [0, 0, 0, 40]
    assert doc["facilities"][-1]["hypothetical"] is True
    meta = {key: value for key, _, value in doc["metadata"]}
    assert meta["after"] == "50（50.0%、+40人）"
    assert meta["city_covered"] == "10 / 100（10.0%）"


def test_xlsx_has_the_table_the_metadata_and_the_gaps(result, plan):
    book = load_workbook(io.BytesIO(report_io.to_xlsx(result, "town", JA, plan=plan)))
    assert book.sheetnames == ["カバー率", "説明", "空白地域"]
    sheet = book["カバー率"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0].startswith("施設の徒歩圏人口カバー率")
    assert any(r[0] and str(r[0]).startswith("人口:") for r in rows[:8])
    headline = [r[0] for r in rows[1:5]]  # the short header: what, how far, how measured, how many
    assert headline == [
        f"対象: {describe_filter(NURSERIES, plan, translator('ja'))}",
        "半径: 600 m",
        "距離: 直線距離（EPSG:6673）による推計。実際の道のりはこれより長くなります",
        "市全体のカバー人口: 60 / 100（60.0%）",
    ]
    header = next(i for i, r in enumerate(rows) if r[0] == "町域")
    assert rows[header][:3] == ("町域", "人口", "カバー人口")
    data = {r[0]: r[2] for r in rows[header + 1 :]}
    assert data == {"SW": 10, "SE": 20, "NW": 30, "NE": 0}
    about = {r[0]: r[1] for r in book["説明"].iter_rows(values_only=True)}
    assert "人口の作成方法" in about
    assert about["半径"] == "600 m"
    gaps = list(book["空白地域"].iter_rows(values_only=True))
    assert gaps[1][:2] == (1, 40)


def test_gaps_geojson_is_lonlat_with_metadata(result):
    doc = json.loads(report_io.gaps_geojson(result, EN))
    assert doc["type"] == "FeatureCollection"
    assert doc["metadata"]["title"] == "Population covered by facilities"
    assert doc["metadata"]["provenance"]["distance"]["kind"] == "straight_line"
    assert ["radius", "Radius", "600 m"] in doc["metadata"]["lines"]
    feature = doc["features"][0]
    assert feature["properties"]["population"] == 40
    lon, lat = feature["geometry"]["coordinates"][0][0]
    assert 133 < lon < 134
    assert 34 < lat < 35


def test_format_comes_from_the_option_then_the_file_name():
    assert report_io.format_for(Path("a.xlsx"), None) == "xlsx"
    assert report_io.format_for(Path("a.json"), "csv") == "csv"
    assert report_io.format_for(Path("a.txt"), None) == "csv"
    assert report_io.format_for(None, None) == "csv"
    with pytest.raises(ConfigError):
        report_io.format_for(None, "pdf")


def test_write_report_is_atomic_and_complete(tmp_path, result):
    for fmt in report_io.FORMATS:
        path = tmp_path / f"t.{fmt}"
        report_io.write_report(path, result, "city", fmt, JA)
        assert path.stat().st_size > 0
        assert not list(tmp_path.glob(".t.*"))  # no temporary files left behind
    assert (tmp_path / "t.csv").read_bytes().startswith(b"\xef\xbb\xbf")


def test_display_rounds_for_people(result):
    frame = report_io.display_frame(result.table("elementary"), "elementary", EN)
    assert list(frame.columns) == [
        "Population",
        "Covered",
        "Not covered",
        "Share covered",
        "Nearest facility (m)",
        "Mean distance (m)",
    ]
    assert frame.at["East ES", "Mean distance (m)"] == round(
        (20 * 500 + 40 * 707.1067811865476) / 60
    )


def test_every_metadata_row_has_a_stable_key_and_words_in_both_languages(change):
    ja = report_io.metadata_rows(change, JA)
    en = report_io.metadata_rows(change, EN)
    assert [r.key for r in ja] == [r.key for r in en]
    keys = [r.key for r in ja]
    assert keys[:3] == ["title", "selection", "facility_count"]
    expected = {"radius", "distance", "population_method", "added", "city_covered", "after"}
    assert expected <= set(keys)
    assert all(r.label for r in ja[1:])
    assert all(r.label for r in en[1:])
    assert set(keys) >= report_io.HEADLINE_KEYS - {"scenario"}  # a planner's named what-if only
    named = [r.key for r in report_io.metadata_rows(change, JA, scenario="A")]
    assert named[:3] == ["title", "scenario", "selection"]
    assert set(named) >= report_io.HEADLINE_KEYS


def test_the_radius_source_of_a_preset():
    walk = coverage(lay.context(), lay.facilities(f=lay.CENTRES["SW"]), 800)
    rows = {r.key: r.value for r in report_io.metadata_rows(walk, EN)}
    assert rows["radius"] == "800 m (general walking area 800 m)"
    assert rows["radius_source"].startswith("MLIT City Bureau")
    assert rows["covered_means"] == "the centre of the 500 m cell is within 800 m of a facility"


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_every_key_the_core_returns_has_words(lang, change):
    """Words are chosen by key: every id the core can return has its message in both languages."""
    tr = translator(lang)
    columns = [*change.before.table("town").columns, *change.table("town").columns]
    keys = [
        *(f"report_col_{c}" for c in columns),
        *(f"report_by_{b}" for b in BY_CHOICES),
        *(f"report_gap_{c}" for c in report_io.GAP_COLUMNS),
        *(f"report_preset_{p}" for p in PRESETS),
        *(f"report_radius_source_{p}" for p in PRESETS),
        *(f"report_source_{s}" for s in RADIUS_SOURCES),
        *(f"report_role_{r}" for r in SOURCE_ROLES),
        *(f"report_note_{c}" for c in NOTE_CODES),
    ]
    assert [k for k in keys if not tr.has(k)] == []


def test_csv_rows_keep_their_cells_in_excel(dataset):
    """Excel splits unquoted commas: the header is row 1, every metadata row is two cells even
    when its value holds commas (69,030), and shares use the app's rounding (0.1 %)."""
    ctx = ContextCache(dataset).get()
    nurseries = select_facilities(dataset.places, NURSERIES)
    real = coverage(ctx, nurseries, 800, selection=NURSERIES)
    text = report_io.to_csv(real, "town", JA, plan=dataset.plan).lstrip("\ufeff")
    rows = list(csv.reader(io.StringIO(text)))
    width = len(rows[0])
    assert rows[0][:2] == ["町域", "人口"]
    blank = rows.index([])
    assert all(len(r) == width for r in rows[1:blank])
    meta = rows[blank + 1 :]
    assert all(len(r) == 2 for r in meta)
    assert any("69,030" in r[1] for r in meta)
    share = report_io.column_label("share", JA)
    for row in rows[1:blank]:
        value = row[rows[0].index(share)]
        assert value == "" or len(value.partition(".")[2]) <= 3


def test_xlsx_has_number_formats_and_widths(result, plan):
    book = load_workbook(io.BytesIO(report_io.to_xlsx(result, "town", JA, plan=plan)))
    sheet = book.worksheets[0]
    header_row = next(r for r in sheet.iter_rows() if r[0].value == "町域")
    formats = {
        c.value: sheet.cell(row=c.row + 1, column=c.column).number_format for c in header_row
    }
    assert formats["人口"] == "#,##0"
    assert formats["カバー率"] == "0.0%"
    assert formats["平均距離(m)"] == "#,##0"
    for cell in header_row:
        assert sheet.column_dimensions[cell.column_letter].width >= 10
