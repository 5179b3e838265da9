"""Atomic writes and deterministic GeoJSON output."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from soja_map.data import io as sio
from soja_map.errors import CRSError


def test_atomic_write_replaces_the_file(tmp_path: Path) -> None:
    target = tmp_path / "layer.geojson"
    target.write_text("old", encoding="utf-8")
    sio.atomic_write_text(target, "new ✓ 総社")
    assert target.read_text(encoding="utf-8") == "new ✓ 総社"
    assert [p.name for p in tmp_path.iterdir()] == ["layer.geojson"]


def test_failure_midway_leaves_the_old_file_and_no_temp(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "layer.geojson"
    target.write_text('{"old": true}', encoding="utf-8")

    real_fsync = os.fsync

    def broken_fsync(fd: int) -> None:  # the data is half on its way to disk when this fails
        real_fsync(fd)
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", broken_fsync)
    with pytest.raises(OSError, match="No space left"):
        sio.atomic_write_text(target, "x" * 1_000_000)
    assert target.read_text(encoding="utf-8") == '{"old": true}'
    assert [p.name for p in tmp_path.iterdir()] == ["layer.geojson"]


def test_process_killed_midway_leaves_the_old_file_intact(tmp_path: Path) -> None:
    """A real crash: the writer is SIGKILLed after writing half its data, before the rename."""
    target = tmp_path / "layer.geojson"
    old = sio.dumps_feature_collection([])
    target.write_text(old, encoding="utf-8")
    script = textwrap.dedent(
        f"""
        import os, time
        from pathlib import Path
        from soja_map.data import io as sio
        os.fsync = lambda fd: time.sleep(60)  # hang between writing and renaming
        sio.atomic_write_text(Path({str(target)!r}), "y" * 5_000_000)
        """
    )
    proc = subprocess.Popen([sys.executable, "-c", script])
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and proc.poll() is None:
            temps = [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
            if temps and temps[0].stat().st_size > 0:
                break
            time.sleep(0.05)
        else:
            pytest.fail("the writer never started")
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    assert target.read_text(encoding="utf-8") == old
    assert json.loads(target.read_text(encoding="utf-8"))["features"] == []


def test_output_is_deterministic_one_feature_per_line() -> None:
    feats = [
        sio.feature(
            {"id": "a.1", "name_ja": "総社"},
            {"type": "Point", "coordinates": [133.123456789, 34.1]},
        ),
        sio.feature({"id": "a.2", "name_ja": "清音"}, None),
    ]
    text = sio.dumps_feature_collection(feats, {"layer": "x"})
    assert text == sio.dumps_feature_collection(feats, {"layer": "x"})
    lines = text.splitlines()
    assert len(lines) == 4
    assert "総社" in lines[1]  # not \\u escaped
    doc = json.loads(text)
    assert doc["features"][0]["geometry"]["coordinates"] == [133.1234568, 34.1]
    assert doc["features"][1]["geometry"] is None
    assert doc["metadata"] == {"layer": "x"}


def test_decode_error_explains_shift_jis() -> None:
    data = "総社市".encode("cp932")
    with pytest.raises(UnicodeDecodeError) as info:
        sio.decode_utf8(data)
    assert "Shift_JIS" in sio.describe_decode_error(data, info.value)


def test_read_vector_without_crs_is_a_clear_error(tmp_path: Path) -> None:
    # GDAL assumes WGS84 for GeoJSON, so use a format that can lack a CRS: a CSV with WKT
    path = tmp_path / "nocrs.csv"
    path.write_text('WKT,pop\n"POINT (1 2)",5\n', encoding="utf-8")
    with pytest.raises(CRSError, match="no coordinate reference system"):
        sio.read_vector(path)


def test_the_located_reader_finds_every_refused_value_and_where_it_is() -> None:
    data = (
        b'{"a": [1, NaN, {"b": 1e400}], "\\udc00k": "x", "c": "\\ud800",'
        b' "d": 1' + b"0" * 40 + b', "e": [-Infinity], "ok": 2.5}'
    )
    with pytest.raises(sio.ReadLimitError):
        sio.loads_bounded(data)  # the strict reader stops at the first
    doc, refused = sio.loads_located(data)
    where = {path: error.code for path, error in refused}
    assert where == {
        ("a", 1): "number-not-finite",
        ("a", 2, "b"): "number-out-of-range",
        ("\\udc00k",): "text-surrogate",
        ("c",): "text-surrogate",
        ("d",): "number-too-long",
        ("e", 0): "number-not-finite",
    }
    assert doc == {
        "a": [1, None, {"b": None}],
        "\\udc00k": "x",
        "c": None,
        "d": None,
        "e": [None],
        "ok": 2.5,
    }
    json.dumps(doc).encode("utf-8")  # what is left is plain, encodable JSON
    # file-level limits are still raised
    with pytest.raises(sio.ReadLimitError, match="nested"):
        sio.loads_located(b"[" * 40 + b"]" * 40)
