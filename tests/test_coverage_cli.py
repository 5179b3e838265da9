"""`soja-map coverage`: files and terminal tables with the pure function's numbers; friendly errors."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys

import geopandas as gpd
import pandas as pd
import pytest
import shapely
from click.testing import CliRunner
from openpyxl import load_workbook

from soja_map import cli
from soja_map.analysis.coverage import ContextCache, coverage, select_facilities, what_if
from soja_map.analysis.presets import PRESETS
from soja_map.query.filters import Filter
from tests import coverage_layouts as lay
from tests.conftest import GEODATA, REPO


@pytest.fixture
def run(dataset, monkeypatch, capsys):
    """Run the CLI in this process on the session's data set; returns (exit status, stdout, stderr)."""
    monkeypatch.setattr("soja_map.data.dataset.load_dataset", lambda settings: dataset)
    monkeypatch.delenv("SOJA_MAP_DEBUG", raising=False)

    def invoke(*args: str) -> tuple[int, str, str]:
        try:
            cli.main(["coverage", *args])
            status = 0
        except SystemExit as exc:
            status = int(exc.code or 0)
        out, err = capsys.readouterr()
        return status, out, err

    return invoke


@pytest.fixture(scope="module")
def context(dataset):
    return ContextCache(dataset).get()


def nurseries(dataset):
    return select_facilities(dataset.places, Filter(categories=("nursery",)))


def test_csv_by_town_has_the_pure_numbers(run, dataset, context, tmp_path):
    path = tmp_path / "nurseries.csv"
    status, out, _ = run(
        "--category", "nursery", "--radius", "800", "--by", "town", "-o", str(path)
    )
    assert status == 0
    assert "wrote" in out
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8-sig")
    assert "# 人口の扱い,推計値" in text
    assert "# 半径,800 m（一般的な徒歩圏 800 m）" in text
    table = pd.read_csv(io.StringIO(text), comment="#", index_col=0)
    expected = coverage(context, nurseries(dataset), 800).table("town")
    assert len(table) == 74
    assert table["カバー人口"].tolist() == expected["covered"].round(0).tolist()
    assert table["人口"].sum() == pytest.approx(69_030, abs=40)  # rounded per town


def test_xlsx_by_elementary_district(run, dataset, context, tmp_path):
    path = tmp_path / "stations.xlsx"
    status, _, _ = run("--category", "rail_station", "--by", "elementary", "-o", str(path))
    assert status == 0
    rows = list(load_workbook(path)["カバー率"].iter_rows(values_only=True))
    header = next(i for i, r in enumerate(rows) if r[0] == "小学校区")
    got = {r[0]: r[2] for r in rows[header + 1 :]}
    stations = select_facilities(dataset.places, Filter(categories=("rail_station",)))
    expected = coverage(context, stations, 800).table("elementary")["covered"].round(0)
    assert got == expected.to_dict()


def test_json_what_if_matches_the_pure_function(run, dataset, context, tmp_path):
    path = tmp_path / "w.json"
    removed = nurseries(dataset).ids[0]
    status, _, _ = run(
        "--category", "nursery", "--add", "133.70,34.66", "--remove", removed,
        "--by", "junior_high", "--format", "json", "-o", str(path),
    )  # fmt: skip
    assert status == 0
    doc = json.loads(path.read_text(encoding="utf-8"))
    expected = what_if(
        context, nurseries(dataset), 800, add_lonlat=[(133.70, 34.66)], remove=[removed]
    )
    assert doc["kind"] == "what_if"
    assert doc["what_if"]["change"] == pytest.approx(expected.change)
    assert [r["change"] for r in doc["rows"]] == pytest.approx(
        expected.table("junior_high")["change"].tolist()
    )
    assert doc["provenance"]["population"]["estimate"] is True
    assert doc["provenance"]["radius_preset"] == "walk"


def test_measure_and_project_select_facilities(run, dataset):
    measure = dataset.places.loc[nurseries(dataset).ids[0], "measures"][0]
    status, out, _ = run("--measure", measure, "--by", "city", "--format", "json")
    assert status == 0
    doc = json.loads(out)
    assert nurseries(dataset).ids[0] in [f["id"] for f in doc["facilities"]]
    project = dataset.places.loc[nurseries(dataset).ids[0], "projects"][0]
    status, out, _ = run("--project", project, "--by", "city", "--format", "csv")
    assert status == 0
    assert out.startswith("市,人口,")


def test_terminal_table_in_english(run):
    status, out, _ = run("--category", "nursery", "--by", "elementary", "--lang", "en")
    assert status == 0
    assert "Population kind: estimate (not a measured distribution)" in out
    assert "Population method: Estimate: the city total (69,030)" in out
    assert "Distance: straight-line distance" in out
    assert "総社小学校区" in out
    assert "City-wide covered" in out


def test_city_wide_items_are_named_when_left_out(run):
    status, _, err = run("--category", "demand_transport", "--by", "city")
    assert status == 0
    assert "transport.sesshu-kun" in err
    assert "no located facility" in err


def test_gaps_geojson(run, tmp_path):
    path = tmp_path / "gaps.geojson"
    status, _, _ = run(
        "--category", "nursery", "--by", "city", "--gaps", str(path), "--format", "csv"
    )
    assert status == 0
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert doc["features"]
    assert doc["features"][0]["properties"]["rank"] == 1
    assert any(
        line[:2] == ["population_method", "人口の作成方法"] for line in doc["metadata"]["lines"]
    )


def test_population_layer_from_a_file(run, dataset, tmp_path):
    # a 2 km mesh over the city with 10 people per cell, in lon/lat
    minx, miny, maxx, maxy = (
        gpd.GeoSeries([dataset.boundary], crs="EPSG:4326").to_crs(lay.CRS).total_bounds
    )
    cells = [
        shapely.box(x, y, x + 2000, y + 2000)
        for x in range(int(minx) // 2000 * 2000, int(maxx) + 2000, 2000)
        for y in range(int(miny) // 2000 * 2000, int(maxy) + 2000, 2000)
    ]
    mesh = gpd.GeoDataFrame({"JINKO": [10] * len(cells)}, geometry=cells, crs=lay.CRS)
    path = tmp_path / "mesh.gpkg"
    mesh.to_crs("EPSG:4326").to_file(path)
    status, out, _ = run(
        "--category", "nursery", "--by", "city", "--format", "json",
        "--population", str(path), "--population-column", "JINKO", "--population-year", "2020",
    )  # fmt: skip
    assert status == 0
    doc = json.loads(out)
    population = doc["provenance"]["population"]
    assert (population["layer"], population["column"]) == ("mesh.gpkg", "JINKO")
    assert population["year"] == "2020"
    assert population["estimate"] is False
    meta = {key: value for key, _, value in doc["metadata"]}
    assert meta["population_source"] == "mesh.gpkg（列 JINKO）"
    assert meta["population_year"] == "2020"
    city_area_share = 211.87e6 / (2000 * 2000)  # people kept = 10 per whole cell inside the city
    assert doc["city"]["population"] == pytest.approx(10 * city_area_share, rel=0.01)


def test_network_file(run, tmp_path):
    road = gpd.GeoDataFrame(
        geometry=[shapely.LineString([(133.70, 34.66), (133.76, 34.68)])], crs="EPSG:4326"
    )
    path = tmp_path / "roads.geojson"
    road.to_file(path, driver="GeoJSON")
    status, out, _ = run(
        "--category", "nursery", "--by", "city", "--format", "json", "--network", str(path)
    )
    assert status == 0
    doc = json.loads(out)
    distance = doc["provenance"]["distance"]
    assert (distance["kind"], distance["network_source"]) == ("network", "roads.geojson")
    meta = {key: value for key, _, value in doc["metadata"]}
    assert meta["distance"].startswith("道路網距離（roads.geojson; ノード ")


@pytest.mark.parametrize(
    ("args", "status", "message"),
    [
        (("--category", "nursey"), 1, "error: unknown category 'nursey' (one of: "),
        (("--category", "nursery", "--remove", "nope"), 1, "cannot remove nope"),
        (("--category", "nursery", "--preset", "far"), 1, "unknown radius preset 'far'"),
        (("--category", "nursery", "--radius", "-5"), 1, "radius must be"),
        (("--category", "nursery", "--add", "34.66,133.70"), 2, "outside Soja"),
        (("--category", "nursery", "--add", "133.7"), 2, "expected LON,LAT"),
        (("--category", "park", "--preset", "park_block", "--radius", "800"), 2, "give one"),
        ((), 2, "choose facilities"),
        (("--category", "nursery", "--format", "xlsx"), 2, "xlsx needs a file"),
        (
            ("--category", "nursery", "--population", str(GEODATA / "towns.geojson")),
            2,
            "--population-column",
        ),
    ],
)
def test_errors_are_messages_not_tracebacks(run, args, status, message):
    code, out, err = run(*args)
    assert code == status
    assert message in out + err
    assert "Traceback" not in out + err


def test_population_file_without_crs(run, tmp_path):
    path = tmp_path / "nocrs.shp"
    with pytest.warns(UserWarning, match="crs"):
        lay.cells_frame().set_crs(None, allow_override=True).to_file(path)
    code, _, err = run(
        "--category", "nursery", "--population", str(path), "--population-column", "people"
    )
    assert code == 1
    assert "no coordinate reference system" in err


def test_help_lists_every_preset():
    text = " ".join(CliRunner().invoke(cli.cli, ["coverage", "--help"]).output.split())
    for name, p in PRESETS.items():
        assert f"{name} ({p.radius_m:g}" in text


def test_as_a_user_runs_it():
    env = {**os.environ, "SOJA_MAP_GEODATA": str(GEODATA)}
    env.pop("SOJA_MAP_DEBUG", None)
    done = subprocess.run(
        [sys.executable, "-m", "soja_map", "coverage", "--category", "nursery", "--by", "city"],
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "総社市" in done.stdout
    assert "推計" in done.stdout
    assert done.stderr == ""
