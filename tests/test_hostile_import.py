"""Hostile and careless imports: each case is refused with the reason, exit 1, no traceback, and the
data folder byte-identical afterwards (no file replaced, created or left behind)."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import openpyxl
import pytest

from soja_map import cli
from soja_map.data import importer
from soja_map.errors import ConflictError
from tests.test_hostile_files import snapshot
from tests.test_importer import HEADER, ROWS, run_import

OPTIONS = ("--source-publisher", "総社市", "--licence", "CC BY 4.0", "--as-of", "2025-04-01")


def soja_map(capsys: pytest.CaptureFixture[str], geodata: Path, *args: str) -> tuple[int, str]:
    with pytest.raises(SystemExit) as info:
        cli.main(["--geodata", str(geodata), *args])
    out = capsys.readouterr()
    text = out.out + out.err
    assert "Traceback" not in text
    assert "unexpected" not in text
    return int(info.value.code or 0), text


def nursery_csv(tmp_path: Path, body: str = ROWS, header: str = HEADER) -> Path:
    path = tmp_path / "one.csv"
    path.write_text(header + body, encoding="utf-8")
    return path


@pytest.mark.parametrize("target", ["plan.json", "SOURCES.md", "unlocated.csv", "towns.geojson"])
def test_import_never_writes_the_catalogue_docs_csvs_or_reference_layers(
    capsys: pytest.CaptureFixture[str], geodata_copy: Path, tmp_path: Path, target: str
) -> None:
    before = snapshot(geodata_copy)
    status, text = soja_map(
        capsys,
        geodata_copy,
        "import",
        str(nursery_csv(tmp_path)),
        "--category",
        "nursery",
        "--into",
        str(geodata_copy / target),
        *OPTIONS,
    )
    assert status == 1
    assert "[target-not-place-layer]" in text
    assert "import writes only into a place layer" in text
    assert snapshot(geodata_copy) == before


def test_into_a_file_outside_the_data_folder_is_refused(
    capsys: pytest.CaptureFixture[str], geodata_copy: Path, tmp_path: Path
) -> None:
    status, text = soja_map(
        capsys,
        geodata_copy,
        "import",
        str(nursery_csv(tmp_path)),
        "--category",
        "nursery",
        "--into",
        str(tmp_path / "child_rearing.geojson"),
        *OPTIONS,
    )
    assert status == 1
    assert "[target-not-place-layer]" in text
    assert not (tmp_path / "child_rearing.geojson").exists()


def test_a_row_whose_category_disagrees_with_the_command(
    capsys: pytest.CaptureFixture[str], geodata_copy: Path, tmp_path: Path
) -> None:
    before = snapshot(geodata_copy)
    csv = nursery_csv(
        tmp_path,
        "町の名前,総社市中央六丁目8-1,2025-04-01,総社市,CC BY 4.0,,town\n",
        HEADER.replace("電話\n", "電話,分類\n"),
    )
    status, text = soja_map(
        capsys, geodata_copy, "import", str(csv), "--category", "nursery", *OPTIONS
    )
    assert status == 1
    assert re.search(
        r"row 2: field 'category': .*--category nursery.*'town'.*\[category-disagrees\]", text
    )
    assert not (geodata_copy / "town.geojson").exists()
    assert snapshot(geodata_copy) == before


def test_a_row_of_a_reference_category_is_not_a_place(
    capsys: pytest.CaptureFixture[str], geodata_copy: Path, tmp_path: Path
) -> None:
    before = snapshot(geodata_copy)
    csv = nursery_csv(
        tmp_path,
        "町の名前,総社市中央六丁目8-1,2025-04-01,総社市,CC BY 4.0,,town\n",
        HEADER.replace("電話\n", "電話,分類\n"),
    )
    status, text = soja_map(capsys, geodata_copy, "import", str(csv), *OPTIONS)
    assert status == 1
    assert "[category-not-place]" in text
    assert snapshot(geodata_copy) == before


def test_rows_of_another_layer_are_refused_with_into(geodata_copy: Path, tmp_path: Path) -> None:
    before = snapshot(geodata_copy)
    with pytest.raises(Exception) as info:  # noqa: PT011 - ValidationError, checked below
        run_import(nursery_csv(tmp_path), geodata_copy, target=geodata_copy / "schools.geojson")
    assert [p.code for p in info.value.problems] == ["category-layer", "category-layer"]  # type: ignore[attr-defined]
    assert snapshot(geodata_copy) == before


def test_a_csv_cell_over_the_field_limit(
    capsys: pytest.CaptureFixture[str], geodata_copy: Path, tmp_path: Path
) -> None:
    before = snapshot(geodata_copy)
    csv = nursery_csv(tmp_path, "長い," + "x" * 140_000 + ",2025-04-01,総社市,CC BY 4.0,\n")
    status, text = soja_map(
        capsys, geodata_copy, "import", str(csv), "--category", "nursery", *OPTIONS
    )
    assert status == 1
    assert "[csv-invalid]" in text
    assert "131,072 characters" in text
    assert str(csv) in text
    assert snapshot(geodata_copy) == before


def test_an_xlsx_that_unpacks_beyond_the_limit(
    capsys: pytest.CaptureFixture[str],
    geodata_copy: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # a real workbook with a large, very compressible part: a small zip, a big unpacked size
    path = tmp_path / "bomb.xlsx"
    book = openpyxl.Workbook()
    book.active.append(["名称", "説明"])
    book.save(path)
    with zipfile.ZipFile(path, "a", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/media/padding.bin", b"\0" * 3_000_000)
    packed = path.stat().st_size
    unpacked = sum(i.file_size for i in zipfile.ZipFile(path).infolist())
    assert packed < 100_000 < 2_000_000 < unpacked
    monkeypatch.setattr(importer, "MAX_XLSX_UNPACKED_BYTES", 1_000_000)
    before = snapshot(geodata_copy)
    status, text = soja_map(
        capsys, geodata_copy, "import", str(path), "--category", "nursery", *OPTIONS
    )
    assert status == 1
    assert "[too-large]" in text
    assert "at most 1,000,000 bytes unpacked" in text
    assert snapshot(geodata_copy) == before


@pytest.mark.parametrize("kind", ["dev-zero", "fifo"])
def test_an_import_file_that_is_no_regular_file(
    capsys: pytest.CaptureFixture[str], geodata_copy: Path, tmp_path: Path, kind: str
) -> None:
    import os  # noqa: PLC0415

    path = tmp_path / "x.csv"
    if kind == "fifo":
        os.mkfifo(path)
    else:
        path.symlink_to("/dev/zero")
    status, text = soja_map(
        capsys, geodata_copy, "import", str(path), "--category", "nursery", *OPTIONS
    )
    assert status == 1
    assert "[not-a-file]" in text


def test_generated_ids_are_128_bit(geodata_copy: Path, tmp_path: Path) -> None:
    result = run_import(nursery_csv(tmp_path), geodata_copy)
    for fid in result.added:
        assert re.fullmatch(r"nursery\.[0-9a-f]{32}", fid), fid


def test_a_collision_is_reported_and_never_replaced(
    geodata_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # force what 128 bits make impractical: two different places given the same id
    monkeypatch.setattr(importer, "_row_id", lambda *args: "nursery.same")
    first_row, second_row = ROWS.splitlines(keepends=True)
    run_import(nursery_csv(tmp_path, first_row), geodata_copy)
    target = geodata_copy / "child_rearing.geojson"
    before = target.read_bytes()
    second = tmp_path / "two.csv"
    second.write_text(HEADER + second_row, encoding="utf-8")
    with pytest.raises(ConflictError) as info:
        run_import(second, geodata_copy, replace=True)
    (problem,) = info.value.problems
    assert problem.code == "id-collision"
    assert "never replaced" in problem.message
    assert target.read_bytes() == before


def test_coverage_output_into_a_missing_folder_creates_nothing(
    capsys: pytest.CaptureFixture[str], geodata_copy: Path, tmp_path: Path
) -> None:
    out = tmp_path / "no" / "such" / "dir" / "x.csv"
    status, text = soja_map(
        capsys, geodata_copy, "coverage", "--category", "nursery", "--radius", "800", "-o", str(out)
    )
    assert status == 1
    assert "does not exist" in text
    assert not (tmp_path / "no").exists()
