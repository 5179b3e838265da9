"""The render queue: parallel PNG renders, from any number of worker processes, never run two
Chromiums at once; beyond the queue the answer is "busy" at once, and a wait is bounded."""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from soja_map.errors import BusyError
from soja_map.i18n import translator
from soja_map.maps.queue import RenderQueue
from tests.conftest import REPO

# a stand-in for one render in a worker process: take a turn, note when it ran, hold it a while
WORKER = """
import json, sys, time
from pathlib import Path
from soja_map.errors import BusyError
from soja_map.maps.queue import RenderQueue
queue = RenderQueue(Path(sys.argv[1]), wait_s=float(sys.argv[2]), depth=int(sys.argv[3]))
try:
    with queue.turn():
        start = time.time()
        time.sleep(0.4)
        print(json.dumps({"start": start, "end": time.time()}))
except BusyError as exc:
    print(json.dumps({"busy": str(exc)}))
"""


def run_parallel(lock_dir: Path, n: int, wait_s: float, depth: int) -> list[dict[str, object]]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, str(lock_dir), str(wait_s), str(depth)],
            stdout=subprocess.PIPE,
            text=True,
            env=env,
        )
        for _ in range(n)
    ]
    results = []
    for p in procs:
        out, _ = p.communicate(timeout=120)
        results.append(json.loads(out))
    return results


def test_parallel_renders_never_overlap(tmp_path: Path) -> None:
    results = run_parallel(tmp_path, 5, wait_s=60, depth=4)
    runs = sorted((r["start"], r["end"]) for r in results if "start" in r)
    assert len(runs) == 5  # all waited their turn
    for (_, end), (start, _) in itertools.pairwise(runs):
        assert start >= end, "two renders ran at once"


def test_beyond_the_queue_the_answer_is_busy_at_once(tmp_path: Path) -> None:
    results = run_parallel(tmp_path, 6, wait_s=60, depth=1)
    ran = [r for r in results if "start" in r]
    busy = [r for r in results if "busy" in r]
    assert busy, "six renders with room for two never said busy"
    assert all("busy" in str(r["busy"]) for r in busy)
    runs = sorted((r["start"], r["end"]) for r in ran)
    for (_, end), (start, _) in itertools.pairwise(runs):
        assert start >= end


def test_a_wait_is_bounded(tmp_path: Path) -> None:
    holder = RenderQueue(tmp_path, wait_s=0.1, depth=2)
    other = RenderQueue(tmp_path, wait_s=0.5, depth=2)
    with holder.turn():
        started = time.monotonic()
        with pytest.raises(BusyError, match=r"waited 0\.5 s"), other.turn():
            pass
        assert time.monotonic() - started < 5
    with other.turn():  # free again once the holder is done
        pass


def test_the_app_export_takes_its_turn(
    settings, dataset, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from soja_map.maps import api  # noqa: PLC0415
    from soja_map.web import export_button  # noqa: PLC0415
    from soja_map.web.app import create_app  # noqa: PLC0415
    from tests.test_security_web import callback_body  # noqa: PLC0415

    queue = RenderQueue(tmp_path, wait_s=0.2, depth=0)
    monkeypatch.setattr(api, "RENDER_QUEUE", queue)
    app = create_app(settings, dataset)
    body = callback_body(app, f"{export_button.STATUS}.children", {export_button.PNG_BUTTON: 1})
    body["changedPropIds"] = [f"{export_button.PNG_BUTTON}.n_clicks"]
    with queue.turn():  # another worker is rendering: this export must not start a Chromium
        started = time.monotonic()
        response = app.server.test_client().post("/_dash-update-component", json=body)
        assert time.monotonic() - started < 10
    assert response.status_code == 200
    status = response.json["response"][export_button.STATUS]["children"]
    assert status == translator(settings.language)("export_busy")
