"""`soja-map export` as staff run it: files written, friendly errors, no tracebacks."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from soja_map.maps.render import png_size
from tests.conftest import GEODATA, REPO


def export(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SOJA_MAP_GEODATA": str(GEODATA), "SOJA_MAP_TILES": "0"}
    env.pop("SOJA_MAP_DEBUG", None)
    env["PYTHONPATH"] = str(REPO)
    return subprocess.run(
        [sys.executable, "-m", "soja_map", "export", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=120,
        check=False,
    )


def test_export_writes_one_offline_html_file(tmp_path: Path) -> None:
    result = export(
        "-o",
        "map.html",
        "--project",
        "はぐくむ",
        "--category",
        "school",
        "--title",
        "学校",
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("wrote map.html (")
    document = (tmp_path / "map.html").read_text(encoding="utf-8")
    assert "<title>学校</title>" in document
    assert "重点プロジェクト: はぐくむ / 分類: 学校" in document
    assert "<script src" not in document


def test_each_project_writes_four_maps_into_a_folder(tmp_path: Path) -> None:
    result = export("--each-project", "-o", "maps", "--lang", "en", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in (tmp_path / "maps").iterdir()) == [
        "01-sasaeru.html",
        "02-hagukumu.html",
        "03-uruou.html",
        "04-tsuchikau.html",
    ]
    assert "Nurture" in (tmp_path / "maps" / "02-hagukumu.html").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-o", "m.html", "--project", "nope"], "unknown project 'nope'"),
        (["-o", "m.html", "--town", "無い町"], "unknown town '無い町'"),
        (["-o", "m.html", "--bounds", "34.6,133.7,34.7"], "bounds must be south,west,north,east"),
        (
            ["-o", "m.html", "--png", "m.png", "--chromium", "/no/chromium"],
            "Chromium was not found",
        ),
    ],
)
def test_mistakes_are_one_line_errors_and_nothing_is_written(
    tmp_path: Path, args: list[str], message: str
) -> None:
    result = export(*args, cwd=tmp_path)
    assert result.returncode == 1
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_usage_errors(tmp_path: Path) -> None:
    result = export("--project", "sasaeru", cwd=tmp_path)
    assert result.returncode == 2
    assert "-o map.html" in result.stderr
    (tmp_path / "file").write_text("x")
    result = export("--each-project", "-o", "file", cwd=tmp_path)
    assert result.returncode == 2
    assert "give folders" in result.stderr
    result = export("-o", "m.html", "--dpi", "600", cwd=tmp_path)
    assert result.returncode == 2


@pytest.mark.browser
def test_png_and_pdf_for_a_report(tmp_path: Path) -> None:
    result = export(
        "--png",
        "map.png",
        "--pdf",
        "map.pdf",
        "--landscape",
        "--paper",
        "A4",
        "--dpi",
        "150",
        "--basemap",
        "none",
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert "wrote map.png (1754x1240 px, A4 landscape 150 dpi)" in result.stdout
    assert png_size((tmp_path / "map.png").read_bytes()) == (1754, 1240)
    assert (tmp_path / "map.pdf").read_bytes().startswith(b"%PDF-")
    assert not (tmp_path / "map.html").exists()
