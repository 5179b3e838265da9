"""The soja-map command as a user runs it: exit status, messages, no tracebacks."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import GEODATA, REPO


def run(*args: str, geodata: Path = GEODATA, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SOJA_MAP_GEODATA": str(geodata)}
    env.pop("SOJA_MAP_DEBUG", None)
    return subprocess.run(
        [sys.executable, "-m", "soja_map", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=120,
        check=False,
    )


def test_validate_shipped_data_is_clean() -> None:
    result = run("validate")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip().endswith("valid")


def test_validate_reports_every_problem_and_exits_1(tmp_path: Path) -> None:
    bad = tmp_path / "bad.geojson"
    bad.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "crs": {"type": "name", "properties": {"name": "EPSG:6673"}},
                "features": [
                    {
                        "type": "Feature",
                        "geometry": {"type": "Point", "coordinates": [-48123.4, -144817.2]},
                        "properties": {"id": "x.1", "category": "nursey"},
                    }
                ],
            }
        ),
        encoding="utf-8",
    )
    not_json = tmp_path / "broken.geojson"
    not_json.write_bytes(b"{")
    sjis = tmp_path / "sjis.geojson"
    sjis.write_bytes('{"type":"FeatureCollection","features":[],"name":"総社"}'.encode("cp932"))
    result = run("validate", str(bad), str(not_json), str(sjis))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr + result.stdout
    out = result.stdout
    assert (
        "bad.geojson: feature 0 (id=x.1): field 'category': unknown category; did you mean 'nursery'?"
        in out
    )
    assert "[crs-member]" in out
    assert "[coords-projected]" in out
    assert "field 'licence': required field 'licence' is missing" in out
    assert "broken.geojson: not JSON" in out
    assert "sjis.geojson: not valid UTF-8" in out
    assert "Shift_JIS" in out
    assert "error(s) in 3 file(s)" in out


def test_validate_json_format(tmp_path: Path) -> None:
    bad = tmp_path / "bad.geojson"
    bad.write_text('{"type": "Feature"}', encoding="utf-8")
    result = run("validate", "--format", "json", str(bad))
    assert result.returncode == 1
    report = json.loads(result.stdout)
    assert report["ok"] is False
    assert report["problems"][0]["code"] == "type-wrong"


def test_missing_path_is_a_usage_error() -> None:
    result = run("validate", "no/such/file.geojson")
    assert result.returncode == 2
    assert "no such file" in result.stderr
    assert "Traceback" not in result.stderr


def test_commands_refuse_invalid_data_with_the_same_report(
    geodata_copy: Path, tmp_path: Path
) -> None:
    layer = geodata_copy / "industry.geojson"
    layer.write_text(
        layer.read_text(encoding="utf-8").replace('"as_of":"2022-03"', '"as_of":"2022-13"', 1),
        encoding="utf-8",
    )
    csv = tmp_path / "x.csv"
    csv.write_text("名称,住所\nx,総社市門田1\n", encoding="utf-8")
    result = run("import", str(csv), "--category", "park", geodata=geodata_copy)
    assert result.returncode == 1
    assert "industry.geojson: feature 0" in result.stderr
    assert "[date-invalid]" in result.stderr
    assert "Traceback" not in result.stderr


def test_import_shift_jis_through_the_cli(geodata_copy: Path, tmp_path: Path) -> None:
    csv = tmp_path / "公園.csv"
    csv.write_bytes("名称,住所,時点\r\n新しい公園,総社市井尻野1,2025-10-01\r\n".encode("cp932"))
    result = run(
        "import",
        str(csv),
        "--category",
        "park",
        "--source-publisher",
        "総社市",
        "--licence",
        "CC BY 4.0",
        geodata=geodata_copy,
    )
    assert result.returncode == 0, result.stderr
    assert "Shift_JIS" in result.stdout
    assert "1 new" in result.stdout
    assert "井尻野 (address_town)" in result.stdout
    again = run("validate", geodata=geodata_copy)
    assert again.returncode == 0, again.stdout


def test_import_problems_exit_1_and_name_the_row(geodata_copy: Path, tmp_path: Path) -> None:
    csv = tmp_path / "bad.csv"
    csv.write_text("名称,住所,時点\nどこか,大阪市北区1,2025-10-01\n", encoding="utf-8")
    before = (geodata_copy / "tourism.geojson").read_bytes()
    result = run(
        "import",
        str(csv),
        "--category",
        "park",
        "--source-publisher",
        "x",
        "--licence",
        "y",
        geodata=geodata_copy,
    )
    assert result.returncode == 1
    assert "bad.csv: row 2: field 'address'" in result.stderr
    assert "'大阪市北区1'" in result.stderr
    assert "nothing was written" in result.stderr
    assert (geodata_copy / "tourism.geojson").read_bytes() == before


def test_help_lists_the_settings() -> None:
    result = run("--help")
    assert result.returncode == 0
    for word in ("validate", "import", "serve", "SOJA_MAP_GEODATA", "SOJA_MAP_TILES"):
        assert word in result.stdout


def test_help_shows_each_setting_with_its_default() -> None:
    result = run("--help")
    assert "SOJA_MAP_PORT" in result.stdout
    assert "(default 8050)" in result.stdout


@pytest.mark.parametrize(
    ("value", "debug"), [("1", True), ("on", True), ("0", False), ("x", False)]
)
def test_debug_is_read_once_the_settings_way(
    value: str, debug: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    from soja_map.cli import _debug  # noqa: PLC0415

    monkeypatch.setenv("SOJA_MAP_DEBUG", value)
    assert _debug() is debug
