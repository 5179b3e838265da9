"""Importing staff spreadsheets: encodings, address matching, validation, merge and atomicity."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest

from soja_map.config import Settings
from soja_map.data.dataset import Dataset, load_dataset
from soja_map.data.importer import Defaults, ImportResult, import_table, normalise_date, read_table
from soja_map.data.validate import Validator
from soja_map.errors import ConflictError, ValidationError

HEADER = "名称,住所,時点,出典,ライセンス,電話\n"
ROWS = (
    "テスト保育園,岡山県総社市中央六丁目8-1,2025/04/01,総社市,CC BY 4.0,0866-00-0000\n"
    "ﾃｽﾄ第二保育園,総社市総社2-18-1,2025-04-01,総社市,CC BY 4.0,\n"
)


def run_import(path: Path, geodata: Path, **kwargs: object) -> ImportResult:
    data = load_dataset(Settings(geodata_dir=geodata))
    return import_table(
        path,
        geodata_dir=geodata,
        existing=data.report.layers if data.report else [],
        plan=data.plan,
        towns=data.town_index(),
        validator=Validator(data.plan, data.study_area),
        defaults=kwargs.pop("defaults", Defaults(category="nursery")),  # type: ignore[arg-type]
        **kwargs,  # type: ignore[arg-type]
    )


def town_point(dataset: Dataset, name: str) -> list[float]:
    towns = dataset.towns
    geom = towns[towns["town"] == name].geometry.iloc[0]
    return [round(geom.x, 7), round(geom.y, 7)]


@pytest.mark.parametrize(
    ("encoding", "label"),
    [("utf-8", "UTF-8"), ("utf-8-sig", "UTF-8"), ("cp932", "Shift_JIS (CP932)")],
)
def test_three_encodings_give_the_same_places(
    encoding: str, label: str, geodata_copy: Path, tmp_path: Path, dataset: Dataset
) -> None:
    csv = tmp_path / "nurseries.csv"
    csv.write_bytes((HEADER + ROWS).replace("\n", "\r\n").encode(encoding))
    result = run_import(csv, geodata_copy)
    assert result.encoding == label
    assert len(result.added) == 2
    assert result.target == geodata_copy / "child_rearing.geojson"
    doc = json.loads(result.target.read_text(encoding="utf-8"))
    new = {f["properties"]["name_ja"]: f for f in doc["features"] if f["id"] in result.added}
    first = new["テスト保育園"]
    assert first["properties"]["position_accuracy"] == "address_town"
    assert first["properties"]["town"] == "中央六丁目"
    assert first["geometry"]["coordinates"] == town_point(dataset, "中央六丁目")
    assert first["properties"]["as_of"] == "2025-04-01"  # 2025/04/01 as Excel writes it
    assert first["properties"]["attributes"] == {"電話": "0866-00-0000"}
    assert first["properties"]["measures"] == [
        "hagukumu.family-community",
        "hagukumu.work-life-balance",
    ]
    assert new["ﾃｽﾄ第二保育園"]["properties"]["town"] == "総社二丁目"
    assert result.address_matches[first["id"]] == "中央六丁目"
    # and the stored file still validates with everything else
    load_dataset(Settings(geodata_dir=geodata_copy))


def test_xlsx_with_coordinates(geodata_copy: Path, tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["施設名", "緯度", "経度", "時点", "出典", "ライセンス"])
    ws.append(["座標つき公園", 34.6713, 133.7452, "2025-06-30", "総社市", "CC BY 4.0"])
    path = tmp_path / "parks.xlsx"
    wb.save(path)
    result = run_import(path, geodata_copy, defaults=Defaults(category="park"))
    assert result.encoding == "xlsx"
    doc = json.loads(result.target.read_text(encoding="utf-8"))
    (feat,) = [f for f in doc["features"] if f["id"] in result.added]
    assert feat["geometry"]["coordinates"] == [133.7452, 34.6713]
    assert feat["properties"]["position_accuracy"] == "approximate"
    assert feat["properties"]["measures"] == ["hagukumu.heritage-contact"]


def test_every_unmatched_address_is_listed_and_nothing_is_written(
    geodata_copy: Path, tmp_path: Path
) -> None:
    target = geodata_copy / "child_rearing.geojson"
    before = target.read_bytes()
    csv = tmp_path / "bad.csv"
    csv.write_text(
        HEADER
        + "良い行,総社市門田1,2025-04-01,総社市,CC BY 4.0,\n"
        + "市外,倉敷市中庄1,2025-04-01,総社市,CC BY 4.0,\n"
        + "丁目なし,総社市中央,2025-04-01,総社市,CC BY 4.0,\n"
        + "日付が変,総社市門田2,2025-13-45,総社市,CC BY 4.0,\n"
        + "住所なし,,2025-04-01,総社市,CC BY 4.0,\n",
        encoding="utf-8",
    )
    with pytest.raises(ValidationError) as info:
        run_import(csv, geodata_copy)
    problems = info.value.problems
    assert [(p.row, p.code, p.field) for p in problems] == [
        (3, "address-unmatched", "address"),
        (4, "address-unmatched", "address"),
        (6, "position-missing", "address"),
        (5, "date-invalid", "as_of"),
    ]
    assert problems[0].value == "倉敷市中庄1"
    assert "not in 総社市" in problems[0].message
    assert "丁目" in problems[1].message
    assert "row 3" in problems[0].format()
    assert target.read_bytes() == before


def test_reimport_is_unchanged_conflict_is_reported_replace_overwrites(
    geodata_copy: Path, tmp_path: Path
) -> None:
    csv = tmp_path / "n.csv"
    csv.write_text(HEADER + ROWS, encoding="utf-8")
    first = run_import(csv, geodata_copy)
    again = run_import(csv, geodata_copy)
    assert again.added == []
    assert sorted(again.unchanged) == sorted(first.added)
    assert not again.written

    fid = first.added[0]
    changed = tmp_path / "changed.csv"
    changed.write_text(
        "id,"
        + HEADER.replace("電話", "説明")
        + f"{fid},テスト保育園,総社市中央六丁目8-1,2025-04-01,総社市,CC BY 4.0,定員変更\n",
        encoding="utf-8",
    )
    target = geodata_copy / "child_rearing.geojson"
    before = target.read_bytes()
    with pytest.raises(ConflictError) as info:
        run_import(changed, geodata_copy)
    (conflict,) = info.value.problems
    assert conflict.code == "id-conflict"
    assert conflict.value == fid
    assert "description" in conflict.message
    assert target.read_bytes() == before

    replaced = run_import(changed, geodata_copy, replace=True)
    assert replaced.replaced == [fid]
    doc = json.loads(target.read_text(encoding="utf-8"))
    assert (
        next(f for f in doc["features"] if f["id"] == fid)["properties"]["description"]
        == "定員変更"
    )


def test_id_used_by_another_layer_is_a_duplicate(geodata_copy: Path, tmp_path: Path) -> None:
    csv = tmp_path / "dup.csv"
    csv.write_text(
        "id," + HEADER + "station.soja,駅の名前を借りる,総社市門田1,2025-04-01,総社市,CC BY 4.0,\n",
        encoding="utf-8",
    )
    with pytest.raises(ValidationError) as info:
        run_import(csv, geodata_copy)
    assert [p.code for p in info.value.problems] == ["id-duplicate"]


def test_dry_run_writes_nothing(geodata_copy: Path, tmp_path: Path) -> None:
    csv = tmp_path / "n.csv"
    csv.write_text(HEADER + ROWS, encoding="utf-8")
    before = (geodata_copy / "child_rearing.geojson").read_bytes()
    result = run_import(csv, geodata_copy, dry_run=True)
    assert len(result.added) == 2
    assert not result.written
    assert (geodata_copy / "child_rearing.geojson").read_bytes() == before


def test_missing_defaults_are_named(geodata_copy: Path, tmp_path: Path) -> None:
    csv = tmp_path / "bare.csv"
    csv.write_text("名称,住所\n何か,総社市門田1\n", encoding="utf-8")
    with pytest.raises(ValidationError) as info:
        run_import(csv, geodata_copy, defaults=Defaults())
    fields = sorted(p.field or "" for p in info.value.problems)
    assert fields == ["as_of", "category", "licence", "source.publisher"]


def test_not_text_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "binary.csv"
    path.write_bytes(bytes(range(128, 256)) * 4)
    table, problems = read_table(path)
    assert table is None
    assert problems[0].code == "not-text"


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("2025/4/1", "2025-04-01"),
        ("2025年4月1日", "2025-04-01"),
        ("２０２５－０４", "2025-04"),
        ("R7", "R7"),
    ],
)
def test_normalise_date(text: str, iso: str) -> None:
    assert normalise_date(text) == iso
