"""Hostile and careless files in the data folder: each is one case, reported by `soja-map validate`
with the file named, exit 1, no traceback, the other files still reported, nothing changed.

Every case here once got through: a crash with "unexpected ..." and no file named, a hang, a
memory blow-up, or "valid" followed by an app that would not start.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from soja_map import cli
from soja_map.data import validate as validate_module
from soja_map.data.dataset import REQUIRED_FILES
from tests.conftest import REPO

LAYER = "child_rearing.geojson"


def snapshot(folder: Path) -> dict[str, str]:
    """Every entry of the folder: regular files by content hash, anything else by its kind."""
    out = {}
    for p in sorted(folder.iterdir()):
        if p.is_symlink():
            out[p.name] = "link:" + str(p.readlink())
        elif p.is_file():
            out[p.name] = hashlib.sha256(p.read_bytes()).hexdigest()
        else:
            out[p.name] = "other"
    return out


def validate(capsys: pytest.CaptureFixture[str], geodata: Path, *paths: str) -> tuple[int, str]:
    with pytest.raises(SystemExit) as info:
        cli.main(["--geodata", str(geodata), "validate", *paths])
    out = capsys.readouterr()
    text = out.out + out.err
    assert "Traceback" not in text
    assert "unexpected" not in text
    return int(info.value.code or 0), text


def edit_first_feature(geodata: Path, raw_json_fragment: str, name: str = LAYER) -> Path:
    """Put ``raw_json_fragment`` (JSON text, e.g. an escape) in the first feature's name_ja."""
    path = geodata / name
    text = path.read_text(encoding="utf-8")
    doc = json.loads(text)
    old = json.dumps(doc["features"][0]["properties"]["name_ja"], ensure_ascii=False)
    assert text.count(old) >= 1
    path.write_text(text.replace(old, raw_json_fragment, 1), encoding="utf-8")
    return path


def problem_lines(text: str, file: Path) -> list[str]:
    return [line for line in text.splitlines() if line.startswith(str(file))]


def assert_reported(text: str, file: Path, code: str, *words: str) -> None:
    lines = problem_lines(text, file)
    assert any(f"[{code}]" in line for line in lines), text
    for word in words:
        assert any(word in line for line in lines), (word, text)


# -- values that are valid JSON text but no valid data ---------------------------------------------


@pytest.mark.parametrize(
    ("fragment", "code", "words"),
    [
        ('"\\ud800 保育園"', "text-surrogate", ("lone surrogate",)),
        ("NaN", "number-not-finite", ("NaN",)),
        ("Infinity", "number-not-finite", ("Infinity",)),
        ("1e400", "number-out-of-range", ("too large",)),
        ("1" + "0" * 5000, "number-too-long", ("5,001 digits",)),
        ("[" * 100_000 + "]" * 100_000, "json-too-deep", ("deep", "at most 32")),
    ],
    ids=["lone-surrogate", "nan", "infinity", "1e400", "5000-digit-integer", "nested-100000"],
)
def test_bad_values_are_reported_with_the_file_and_the_others_still_checked(
    capsys: pytest.CaptureFixture[str],
    geodata_copy: Path,
    fragment: str,
    code: str,
    words: tuple[str, ...],
) -> None:
    bad = edit_first_feature(geodata_copy, fragment)
    # a second, ordinary problem in another file: it must still be reported
    other = edit_first_feature(geodata_copy, "42", name="heritage.geojson")
    before = snapshot(geodata_copy)
    status, text = validate(capsys, geodata_copy)
    assert status == 1
    assert_reported(text, bad, code, *words)
    assert problem_lines(text, other), "the other file was not reported"
    assert snapshot(geodata_copy) == before


def test_nan_in_attributes_is_refused(
    capsys: pytest.CaptureFixture[str], geodata_copy: Path
) -> None:
    path = geodata_copy / LAYER
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('"attributes":{', '"attributes":{"capacity":NaN,', 1), "utf-8")
    status, out = validate(capsys, geodata_copy)
    assert status == 1
    assert_reported(out, path, "number-not-finite", "NaN")


# -- things that are not files -------------------------------------------------------------------


def test_symlink_to_dev_zero_is_not_read(
    capsys: pytest.CaptureFixture[str], geodata_copy: Path
) -> None:
    link = geodata_copy / "x.geojson"
    link.symlink_to("/dev/zero")
    status, text = validate(capsys, geodata_copy)
    assert status == 1
    assert_reported(text, link, "not-a-file", "character device")


def test_fifo_does_not_hang(geodata_copy: Path) -> None:
    fifo = geodata_copy / "pipe.geojson"
    os.mkfifo(fifo)
    # in a child process with a timeout: the old reader waited for a writer for ever
    env = {**os.environ, "SOJA_MAP_GEODATA": str(geodata_copy)}
    done = subprocess.run(
        [sys.executable, "-m", "soja_map", "validate"],
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO,
        timeout=120,
        check=False,
    )
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert_reported(done.stdout, fifo, "not-a-file", "named pipe")


def test_folder_named_like_a_layer(capsys: pytest.CaptureFixture[str], geodata_copy: Path) -> None:
    folder = geodata_copy / "d.geojson"
    folder.mkdir()
    status, text = validate(capsys, geodata_copy)
    assert status == 1
    assert_reported(text, folder, "not-a-file", "a folder")
    status, text = validate(capsys, geodata_copy, str(folder))
    assert status == 1
    assert_reported(text, folder, "not-a-file", "a folder")


def test_a_file_over_the_size_limit(
    capsys: pytest.CaptureFixture[str], geodata_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(validate_module, "MAX_LAYER_BYTES", 10_000)
    status, text = validate(capsys, geodata_copy)
    assert status == 1
    big = geodata_copy / "school_districts.geojson"  # ~470 kB
    assert_reported(text, big, "too-large", "10,000 bytes")


# -- the run-time text and the required files ----------------------------------------------------


def test_sources_md_that_is_not_utf8(
    capsys: pytest.CaptureFixture[str], geodata_copy: Path
) -> None:
    sources = geodata_copy / "SOURCES.md"
    sources.write_bytes(sources.read_text(encoding="utf-8").encode("cp932", errors="replace"))
    status, text = validate(capsys, geodata_copy)
    assert status == 1
    assert_reported(text, sources, "not-utf8", "Shift_JIS")


@pytest.mark.parametrize("name", REQUIRED_FILES)
def test_a_missing_required_file_is_an_error(
    capsys: pytest.CaptureFixture[str], geodata_copy: Path, name: str
) -> None:
    (geodata_copy / name).unlink()
    status, text = validate(capsys, geodata_copy)
    assert status == 1
    assert_reported(text, geodata_copy / name, "file-missing")


def test_without_the_boundary_a_place_in_tokyo_is_not_valid(
    capsys: pytest.CaptureFixture[str], geodata_copy: Path
) -> None:
    path = geodata_copy / LAYER
    doc = json.loads(path.read_text(encoding="utf-8"))
    lon, lat = doc["features"][0]["geometry"]["coordinates"]
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace(f"[{lon},{lat}]", "[139.767,35.681]", 1), encoding="utf-8")
    status, out = validate(capsys, geodata_copy)
    assert status == 1
    assert_reported(out, path, "outside-soja")
    (geodata_copy / "boundary.geojson").unlink()
    status, out = validate(capsys, geodata_copy)
    assert status == 1  # no longer a silent skip of the extent check
    assert_reported(out, geodata_copy / "boundary.geojson", "file-missing")


def test_the_app_refuses_to_start_with_the_report_validate_gives(
    capsys: pytest.CaptureFixture[str], geodata_copy: Path
) -> None:
    bad = edit_first_feature(geodata_copy, '"\\udfff"')
    _, validated = validate(capsys, geodata_copy)
    env = {**os.environ, "SOJA_MAP_GEODATA": str(geodata_copy), "PYTHONPATH": str(REPO)}
    started = subprocess.run(
        [sys.executable, "-c", "import app"],
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO,
        timeout=120,
        check=False,
    )
    assert started.returncode == 1
    assert "Traceback" not in started.stderr
    assert "refusing to start" in started.stderr
    lines = problem_lines(validated, bad)
    assert lines
    for line in lines:
        assert line in started.stderr


def test_each_refused_value_is_located_and_the_rest_of_its_file_still_checked(
    capsys: pytest.CaptureFixture[str], geodata_copy: Path
) -> None:
    path = geodata_copy / LAYER
    doc = json.loads(path.read_text(encoding="utf-8"))
    features = doc["features"]
    ids = [f["properties"]["id"] for f in features[:4]]
    features[0]["properties"]["name_ja"] = "@SURROGATE@"
    features[1]["geometry"]["coordinates"][0] = "@HUGE@"
    features[2]["geometry"]["coordinates"][1] = "@NAN@"
    features[3]["properties"]["name_ja"] = 42  # an ordinary problem, in the same file
    text = json.dumps(doc, ensure_ascii=False)
    for mark, raw in (("SURROGATE", '"\\ud800 保育園"'), ("HUGE", "1e400"), ("NAN", "NaN")):
        text = text.replace(f'"@{mark}@"', raw)
    path.write_text(text, encoding="utf-8")
    status, out = validate(capsys, geodata_copy)
    assert status == 1
    lines = problem_lines(out, path)
    where = [
        (0, "name_ja", "text-surrogate"),
        (1, "geometry.coordinates", "number-out-of-range"),
        (2, "geometry.coordinates", "number-not-finite"),
    ]
    for index, field, code in where:
        mine = [line for line in lines if f"feature {index} (id={ids[index]})" in line]
        # one problem each: the refused value, not also "missing" or "invalid" for the same field
        assert len(mine) == 1, (index, lines)
        assert f"field '{field}'" in mine[0], mine
        assert f"[{code}]" in mine[0], mine
    assert any(f"feature 3 (id={ids[3]})" in line and "name_ja" in line for line in lines), lines
    # the file is counted with the others, and the JSON report names the same places
    assert f"{len(list(geodata_copy.glob('*.geojson')))} file(s)" in out
    status, out = validate(capsys, geodata_copy, "--format", "json")
    assert status == 1
    located = {
        (p["feature_index"], p["feature_id"], p["field"], p["code"])
        for p in json.loads(out)["problems"]
        if p["file"] == str(path)
    }
    for index, field, code in where:
        assert (index, ids[index], field, code) in located, located
