"""Issue 14, end to end: a place named like a formula reaches no spreadsheet as a live formula,
from the CLI (`soja-map --geodata DIR coverage ... -o x.csv|x.xlsx`) or the planner's download.

The path a user takes: six nurseries of a copy of geodata/child_rearing.geojson get names beginning
with = + - @ tab and CR (as a hand edit or an `import` of a list would write them; `load_dataset`,
the app's and the CLI's loader, accepts them: names are text). The what-if removes one of them,
so its name begins the value of the 仮に廃止 row (CSV metadata row, XLSX 説明 sheet). The planner's
scenario name (typed, or read from a shared link) begins the シナリオ row of a download.

Timing: the folder is read once per module by the loader the CLI calls (the CLI is pointed at the
folder with --geodata, and the stand-in checks it), and the CLI's population grid is built once."""

from __future__ import annotations

import base64
import csv
import io
import json
import shutil
import zipfile
from pathlib import Path
from typing import Any

import pytest
from dash import Dash
from openpyxl import load_workbook

import soja_map.analysis.coverage as cov
from soja_map import cli
from soja_map.config import Settings
from soja_map.data.dataset import Dataset, load_dataset
from soja_map.web.app import create_app
from soja_map.web.planner import ids
from tests.conftest import GEODATA
from tests.test_hostile_cells import TRIGGERS, xlsx_cells
from tests.test_security_web import callback_body

CR_NAME = "\r=1+1"
NAMES = [
    '=HYPERLINK("http://example.invalid/","町")',
    "+1+1",
    "-2+3",
    "@SUM(A1)",
    "\t=1+1",
    CR_NAME,
]
SCENARIO = '=HYPERLINK("http://x.invalid/","町")'  # within the 40 characters a scenario name keeps
# The CSV writes each metadata value on one line (" ".join(value.splitlines())), so a leading CR
# becomes a leading space: " =1+1 (id)" must be neutralised too (it once was not).


def cases(fmt: str, *, with_fmt: bool = False) -> list[Any]:
    """A case per name."""
    return [pytest.param(*((fmt, n) if with_fmt else (n,))) for n in NAMES]


def is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def check_csv(raw: bytes, name: str) -> None:
    text = raw.decode("utf-8-sig")
    cells = [c for row in csv.reader(io.StringIO(text, newline="")) for c in row]
    live = [c for c in cells if c.lstrip(" ").startswith(TRIGGERS) and not is_number(c)]
    assert not live, live  # Excel would run these
    one_line = " ".join(name.splitlines())  # how a metadata value is written (a CR: a space)
    assert any(c.startswith("'" + one_line) for c in cells)  # the name is there, as text
    assert sum(map(is_number, cells)) > 100  # the table's numbers stay numbers
    assert not [c for c in cells if c.startswith("'") and is_number(c[1:])]  # negatives too


def check_xlsx(raw: bytes, name: str) -> None:
    with zipfile.ZipFile(io.BytesIO(raw)) as archive:
        for part in archive.namelist():
            if part.startswith("xl/worksheets/"):
                xml = archive.read(part)
                assert b"<f>" not in xml, part  # no formula element at all
                assert b"<f " not in xml, part
    cells = xlsx_cells(load_workbook(io.BytesIO(raw)))  # no formula on any sheet
    texts = [c.value for c in cells if isinstance(c.value, str)]
    for cell in cells:
        if isinstance(cell.value, str) and cell.value.lstrip(" ").startswith(TRIGGERS):
            # marked as text as Excel marks a typed apostrophe: editing keeps it text
            assert cell.quotePrefix, (cell.parent.title, cell.coordinate, cell.value)
    numbers = sum(isinstance(c.value, int | float) for c in cells)
    assert any(name in t for t in texts)  # the name is there, as text
    assert numbers > 100  # numbers are stored as numbers


CHECKS = {"csv": check_csv, "xlsx": check_xlsx}


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str], str]:
    """A copy of geodata/ whose first six nurseries have hostile names: (folder, name -> id, the
    id of a seventh, plain nursery)."""
    folder = tmp_path_factory.mktemp("hostile") / "geodata"
    shutil.copytree(GEODATA, folder)
    layer = folder / "child_rearing.geojson"
    doc = json.loads(layer.read_text(encoding="utf-8"))
    nurseries = [
        f for f in doc["features"] if f["properties"]["category"] == "nursery" and f["geometry"]
    ]
    for feature, name in zip(nurseries, NAMES, strict=False):
        feature["properties"]["name_ja"] = name
    layer.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return folder, {n: f["id"] for n, f in zip(NAMES, nurseries, strict=False)}, nurseries[6]["id"]


@pytest.fixture(scope="module")
def hostile_dataset(hostile: tuple[Path, dict[str, str], str]) -> Dataset:
    data = load_dataset(Settings(geodata_dir=hostile[0], tiles=False))
    assert set(data.places.loc[list(hostile[1].values()), "name_ja"]) == set(NAMES)
    return data


@pytest.fixture(scope="module")
def contexts(hostile_dataset: Dataset) -> cov.ContextCache:
    return cov.ContextCache(hostile_dataset)


@pytest.fixture
def run_cli(hostile, hostile_dataset, contexts, monkeypatch, tmp_path):
    """`soja-map --geodata <the copy> coverage --category nursery --radius 800 --remove ID -o F`,
    in this process; returns the bytes written."""

    def loader(settings: Settings) -> Dataset:
        assert Path(settings.geodata_dir) == hostile[0]  # the CLI reads the hostile folder
        return hostile_dataset

    monkeypatch.setattr("soja_map.data.dataset.load_dataset", loader)
    monkeypatch.setattr(cov, "ContextCache", lambda data: contexts)
    monkeypatch.delenv("SOJA_MAP_DEBUG", raising=False)

    def invoke(removed: str, fmt: str) -> bytes:
        out = tmp_path / f"out.{fmt}"
        args = ["--category", "nursery", "--radius", "800", "--remove", removed, "-o", str(out)]
        status = 0
        try:
            cli.main(["--geodata", str(hostile[0]), "coverage", *args])
        except SystemExit as exc:
            status = int(exc.code or 0)
        assert status == 0
        return out.read_bytes()

    return invoke


@pytest.mark.parametrize("name", cases("csv"))
def test_cli_csv_has_no_live_formula(run_cli, hostile, name: str) -> None:
    check_csv(run_cli(hostile[1][name], "csv"), name)


@pytest.mark.parametrize("name", cases("xlsx"))
def test_cli_xlsx_has_no_formula(run_cli, hostile, name: str) -> None:
    check_xlsx(run_cli(hostile[1][name], "xlsx"), name)


@pytest.fixture(scope="module")
def app(hostile, hostile_dataset: Dataset) -> Dash:
    return create_app(Settings(geodata_dir=hostile[0], tiles=False), hostile_dataset)


def download(app: Dash, fmt: str, removed: str, scenarios: Any = None, active: Any = None) -> bytes:
    """What the planner's download button of ``fmt`` sends: the file's bytes."""
    button = next(b for b, f in ids.DOWNLOAD_FORMATS.items() if f == fmt)
    values = {
        ids.SOURCE: "category:nursery",
        ids.RADIUS: 800,
        ids.REMOVE: [removed],
        ids.SCENARIOS: scenarios,
        ids.SCENARIO_ACTIVE: active,
        button: 1,
    }
    body = callback_body(app, f"{ids.DOWNLOAD}.data", values)
    body["changedPropIds"] = [f"{button}.n_clicks"]
    response = app.server.test_client().post("/_dash-update-component", json=body)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    payload = response.get_json()["response"][ids.DOWNLOAD]["data"]
    assert payload["filename"].endswith("." + fmt)
    return base64.b64decode(payload["content"])


@pytest.mark.parametrize(
    ("fmt", "name"), cases("csv", with_fmt=True) + cases("xlsx", with_fmt=True)
)
def test_app_download_has_no_live_formula(app: Dash, hostile, fmt: str, name: str) -> None:
    CHECKS[fmt](download(app, fmt, hostile[1][name]), name)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_app_download_of_a_scenario_named_like_a_formula(app: Dash, hostile, fmt: str) -> None:
    plain = hostile[2]
    scenarios = [{"name": SCENARIO, "add": [], "remove": [plain]}]
    CHECKS[fmt](download(app, fmt, plain, scenarios, SCENARIO), SCENARIO)
