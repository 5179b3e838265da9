"""Hardening at the edges (issue 14): the servers' one Server header with no versions, over a real
socket; every file a command writes goes only into a folder that exists; and ``soja-map serve``
refuses invalid data as ``python app.py`` does."""

from __future__ import annotations

import http.client
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from dash import Dash

from soja_map import cli
from soja_map.data.dataset import Dataset
from soja_map.web.security import HEALTH_PATH, SERVER_NAME
from tests.conftest import REPO

BIN = Path(sys.executable).parent
START_SECONDS = 60


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def wait_until_serving(process: subprocess.Popen[bytes], port: int, log: Path) -> None:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the server stopped: {log.read_text(encoding='utf-8')}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    pytest.fail(f"nothing listened on port {port} within {START_SECONDS} s")


def headers_of(port: int, path: str) -> list[tuple[str, str]]:
    """Every header line of one response, as sent (repeated names kept)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", f"/{path}")
        response = connection.getresponse()
        response.read()
        return response.getheaders()
    finally:
        connection.close()


@pytest.fixture
def started(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[int]:
    """A server started as a user starts it (``request.param``: the command), on a free port."""
    port = free_port()
    command = [part.format(bin=BIN, port=port) for part in request.param]
    env = {
        **os.environ,
        "SOJA_MAP_TILES": "0",
        "SOJA_MAP_WORKERS": "1",
        "SOJA_MAP_PORT": str(port),
    }
    env.pop("SOJA_MAP_DEBUG", None)
    log = tmp_path / "server.log"
    with (
        log.open("wb") as errors,
        subprocess.Popen(
            command, cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=errors
        ) as process,
    ):
        try:
            wait_until_serving(process, port, log)
            yield port
        finally:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()


SERVE = ["{bin}/soja-map", "serve", "--port", "{port}"]
APP_PY = [sys.executable, "app.py"]
GUNICORN = [
    "{bin}/gunicorn",
    "-c",
    "soja_map/web/gunicorn_conf.py",
    "--bind",
    "127.0.0.1:{port}",
    "app:server",
]
PATHS = ["", HEALTH_PATH, "no/such/file.js"]


@pytest.mark.parametrize("started", [SERVE, APP_PY], ids=["serve", "app.py"], indirect=True)
def test_the_development_server_names_the_app_once_and_no_versions(started: int) -> None:
    for path in PATHS:
        headers = headers_of(started, path)
        assert [v for k, v in headers if k.lower() == "server"] == [SERVER_NAME], path
        assert len([v for k, v in headers if k.lower() == "date"]) == 1, path
        text = "\n".join(f"{k}: {v}" for k, v in headers)
        assert "Werkzeug" not in text
        assert "Python" not in text


@pytest.mark.parametrize("started", [GUNICORN], ids=["gunicorn"], indirect=True)
def test_gunicorn_sends_one_server_header_with_no_version(started: int) -> None:
    for path in PATHS:
        headers = headers_of(started, path)
        assert [v for k, v in headers if k.lower() == "server"] == ["gunicorn"], path
        text = "\n".join(f"{k}: {v}" for k, v in headers)
        assert "Werkzeug" not in text
        assert "Python" not in text


# -- outputs go only into folders that exist -----------------------------------------------------


Run = Callable[..., tuple[int, str]]


@pytest.fixture
def soja_map(
    dataset: Dataset, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Run:
    """Run the CLI in this process on the session's data set: (exit status, stdout + stderr)."""
    monkeypatch.setattr("soja_map.data.dataset.load_dataset", lambda settings: dataset)
    monkeypatch.delenv("SOJA_MAP_DEBUG", raising=False)
    monkeypatch.setenv("SOJA_MAP_TILES", "0")

    def invoke(*args: str) -> tuple[int, str]:
        try:
            cli.main(list(args))
            status = 0
        except SystemExit as exc:
            status = exc.code if isinstance(exc.code, int) else 1
        out, err = capsys.readouterr()
        return status, out + err

    return invoke


# (command, the option naming the output); "{out}" is a file or folder in a missing folder
OUTPUTS = [
    ("coverage --category nursery -o {out}.csv", "coverage -o"),
    ("coverage --category nursery -o {out}.xlsx", "coverage -o xlsx"),
    ("coverage --category nursery --gaps {out}.geojson", "coverage --gaps"),
    ("coverage --category nursery --gaps {out}.geojson -o {here}.csv", "coverage --gaps with -o"),
    ("coverage --category nursery --gaps {here}.geojson -o {out}.csv", "coverage -o with --gaps"),
    ("access --category nursery -o {out}.csv", "access -o"),
    ("access --category nursery --format json -o {out}.json", "access -o json"),
    ("export -o {out}.html", "export -o"),
    ("export --png {out}.png", "export --png"),
    ("export --pdf {out}.pdf", "export --pdf"),
    ("export --report {out}.pdf", "export --report"),
    ("export --data {out}.gpkg", "export --data gpkg"),
    ("export --data {here}.csv --data {out}.xlsx", "export --data twice"),
    ("export -o {here}.html --png {out}.png", "export -o with --png"),
    ("export --each-project -o {out}", "export --each-project -o"),
    ("export --each-project --png {out}", "export --each-project --png"),
]


@pytest.mark.parametrize(("command", "option"), OUTPUTS, ids=[o for _, o in OUTPUTS])
def test_an_output_into_a_missing_folder_is_refused_and_nothing_is_made(
    soja_map: Run, tmp_path: Path, command: str, option: str
) -> None:
    missing = tmp_path / "gone" / "deeper"
    args = command.format(out=missing / "x", here=tmp_path / "x").split()
    status, text = soja_map(*args)
    assert status == 1, option
    assert f"the folder {missing} does not exist; create it first (nothing was written)" in text
    assert "Traceback" not in text
    assert "unexpected" not in text
    assert list(tmp_path.iterdir()) == [], "a folder or file was made"


def test_import_into_a_missing_folder_is_refused_and_makes_nothing(
    soja_map: Run, tmp_path: Path
) -> None:
    rows = tmp_path / "rows.csv"
    rows.write_text(
        "名称,住所,出典,ライセンス,時点\nx保育園,総社市中央1丁目1,総社市,CC BY 4.0,2024-04-01\n",
        encoding="utf-8",
    )
    target = tmp_path / "gone" / "child_rearing.geojson"
    status, text = soja_map("import", str(rows), "--category", "nursery", "--into", str(target))
    assert status == 1
    assert str(target) in text
    assert "Traceback" not in text
    assert sorted(p.name for p in tmp_path.iterdir()) == ["rows.csv"]


# -- serve refuses invalid data the way app.py does ----------------------------------------------


def break_a_name(geodata: Path) -> None:
    layer = geodata / "schools.geojson"
    doc = json.loads(layer.read_text(encoding="utf-8"))
    doc["features"][0]["properties"]["name_ja"] = 42
    layer.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")


def test_serve_refuses_invalid_data_with_the_report_as_app_py_does(
    geodata_copy: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    break_a_name(geodata_copy)
    served: list[object] = []
    monkeypatch.setattr(Dash, "run", lambda *args, **kwargs: served.append(args))
    monkeypatch.delenv("SOJA_MAP_DEBUG", raising=False)
    with pytest.raises(SystemExit) as stopped:
        cli.main(["--geodata", str(geodata_copy), "serve", "--port", str(free_port())])
    out, err = capsys.readouterr()
    assert stopped.value.code == 1
    assert served == []
    assert "serving" not in out
    lines = err.splitlines()
    assert lines[0] == f"soja-map: refusing to start: the data in {geodata_copy} is not valid."
    assert any(
        line.startswith(f"{geodata_copy / 'schools.geojson'}: feature 0")
        and "name_ja" in line
        and "(got 42)" in line
        for line in lines
    )
    assert "Traceback" not in err
    assert "nothing was written" not in err  # serve writes nothing: that is not the news

    from_app = subprocess.run(
        [sys.executable, "app.py"],
        cwd=REPO,
        env={**os.environ, "SOJA_MAP_GEODATA": str(geodata_copy), "SOJA_MAP_TILES": "0"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert from_app.returncode == 1
    assert from_app.stderr == err
