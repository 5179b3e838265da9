"""A writer killed in the middle of a write: the layer is the old one or the new one, never a mix;
the temporary file it leaves is removed by the next write and never read as a layer."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from soja_map.data.io import atomic_write_text
from soja_map.data.validate import expand_paths
from tests.conftest import REPO

WRITER = """
import sys
from pathlib import Path
from soja_map.data.io import atomic_write_bytes
target, n = Path(sys.argv[1]), int(sys.argv[2])
payload = (b'{"type": "FeatureCollection", "features": [], "pad": "' + b"x" * 8_000_000 + b'"}\\n')
print("ready", flush=True)
while True:
    atomic_write_bytes(target, payload)
"""


def test_kill_during_write_in_a_loop(tmp_path: Path) -> None:
    folder = tmp_path / "geodata"
    folder.mkdir()
    target = folder / "layer.geojson"
    old = '{"type": "FeatureCollection", "features": []}\n'
    target.write_text(old, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    left_behind = 0
    for i in range(12):
        proc = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(target), str(i)],
            stdout=subprocess.PIPE,
            env=env,
        )
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == b"ready"
        time.sleep(0.05 + 0.037 * i)  # somewhere in a write (each takes tens of ms)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        proc.stdout.close()
        # readers see a whole file, never a torn one
        doc = json.loads(target.read_text(encoding="utf-8"))
        assert doc["type"] == "FeatureCollection"
        leftovers = list(folder.glob(".layer.geojson.*.tmp"))
        left_behind += bool(leftovers)
        # nothing that is not a layer is picked up as one
        assert expand_paths([folder]) == [target]
        # the next write cleans up after the dead writer
        atomic_write_text(target, old)
        assert list(folder.glob("*.tmp")) == []
        assert sorted(p.name for p in folder.iterdir()) == ["layer.geojson"]
    assert left_behind > 0, "no kill landed in a write: the test proved nothing"


def test_the_folder_must_exist(tmp_path: Path) -> None:
    missing = tmp_path / "no" / "such"
    with pytest.raises(FileNotFoundError, match="does not exist"):
        atomic_write_text(missing / "x.csv", "a", create_folders=False)
    assert not (tmp_path / "no").exists()


def test_the_next_write_of_any_layer_removes_every_leftover(tmp_path: Path) -> None:
    folder = tmp_path / "geodata"
    folder.mkdir()
    layer, other = folder / "layer.geojson", folder / "other.geojson"
    for path in (layer, other):
        path.write_text('{"type": "FeatureCollection", "features": []}\n', encoding="utf-8")
    # what killed writers of both layers left (names as tempfile makes them), and a file of the
    # user's own that only looks similar
    left = [folder / ".layer.geojson.k3j2ab_9.tmp", folder / ".other.geojson.zz01xy7q.tmp"]
    for path in left:
        path.write_bytes(b"x" * 1000)
    mine = folder / ".notes.tmp"
    mine.write_text("keep me", encoding="utf-8")
    assert expand_paths([folder]) == [layer, other]  # never read as layers
    atomic_write_text(other, '{"type": "FeatureCollection", "features": []}\n')
    assert not any(p.exists() for p in left)
    assert mine.read_text(encoding="utf-8") == "keep me"
