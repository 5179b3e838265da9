#!/usr/bin/env python3
"""Bench: load + validate all of geodata/, and a generated 100,000-feature file.

Each measurement runs in a fresh Python process so that peak memory (VmHWM) is its own.
Targets (issue 2): all of geodata/ < 0.5 s; 100,000 features < 10 s and < 1 GiB.
Reference peer in the same run: pyogrio.read_dataframe of the same file (reading only, no checks).

Usage: python bench/bench_validate.py [--features 100000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

CHILD = r"""
import json, resource, sys, time
from pathlib import Path
mode, path, repeat = sys.argv[1], Path(sys.argv[2]), int(sys.argv[3])
from soja_map.config import Settings
from soja_map.data.dataset import boundary_geometry, load_dataset, study_area
from soja_map.data.plan import load_catalogue
from soja_map.data.validate import validate_paths
import pyogrio
def hwm_kib():  # VmHWM is per address space, so (unlike ru_maxrss) it does not inherit the parent's peak
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
base = hwm_kib()
times = []
for _ in range(repeat):
    t = time.perf_counter()
    if mode == "geodata":
        data = load_dataset(Settings(geodata_dir=path))
        n = len(data.places) + sum(len(f) for f in data.references.values())
    elif mode == "big":
        geodata = Path(sys.argv[4])
        catalogue = load_catalogue(geodata / "plan.json")
        report = validate_paths([path], catalogue=catalogue, study_area=study_area(boundary_geometry(geodata)))
        assert report.ok, report.text()[-2000:]
        n = report.feature_count
    else:
        frame = pyogrio.read_dataframe(path)
        n = len(frame)
    times.append(time.perf_counter() - t)
peak = hwm_kib()
print(json.dumps({"n": n, "best_s": min(times), "peak_mib": peak / 1024, "delta_mib": (peak - base) / 1024}))
"""


def generate(path: Path, n: int, geodata: Path) -> None:
    """n valid nursery points spread over Soja (deterministic), written the way soja-map writes layers."""
    import numpy as np
    import shapely

    from soja_map.data.dataset import boundary_geometry
    from soja_map.data.io import dumps_feature_collection, feature

    boundary = boundary_geometry(geodata)
    assert boundary is not None
    rng = np.random.default_rng(20261123)
    minx, miny, maxx, maxy = boundary.bounds
    xs: list[float] = []
    ys: list[float] = []
    shapely.prepare(boundary)
    while len(xs) < n:
        cx = rng.uniform(minx, maxx, n)
        cy = rng.uniform(miny, maxy, n)
        inside = shapely.contains_xy(boundary, cx, cy)
        xs.extend(cx[inside])
        ys.extend(cy[inside])
    feats = (
        feature(
            {
                "id": f"bench.{i:06d}",
                "name_ja": f"ベンチ施設{i}",
                "name_en": None,
                "category": "nursery",
                "measures": ["hagukumu.family-community"],
                "address": None,
                "description": "generated for the benchmark",
                "source": {
                    "publisher": "bench",
                    "dataset": "generated",
                    "reference": "bench/bench_validate.py",
                },
                "licence": "CC0",
                "as_of": "2026-01-01",
                "position_accuracy": "approximate",
            },
            {"type": "Point", "coordinates": [xs[i], ys[i]]},
        )
        for i in range(n)
    )
    path.write_text(dumps_feature_collection(feats), encoding="utf-8")


def measure(mode: str, path: Path, repeat: int, geodata: Path) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, "-c", CHILD, mode, str(path), str(repeat), str(geodata)],
        capture_output=True,
        text=True,
        check=True,
        cwd=REPO,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--features", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    geodata = REPO / "geodata"
    print("== bench_validate: load + validate ==")
    small = measure("geodata", geodata, args.repeat, geodata)
    ok_small = small["best_s"] < 0.5
    print(
        f"geodata/ ({small['n']:.0f} features): {small['best_s']:.3f} s (target < 0.5 s: "
        f"{'OK' if ok_small else 'MISSED'}), peak RSS {small['peak_mib']:.0f} MiB"
    )
    with tempfile.TemporaryDirectory() as tmp:
        big = Path(tmp) / "generated.geojson"
        generate(big, args.features, geodata)
        size_mib = big.stat().st_size / 2**20
        ours = measure("big", big, 1, geodata)
        peer = measure("pyogrio", big, 1, geodata)
    ok_time = ours["best_s"] < 10
    ok_mem = ours["peak_mib"] < 1024
    print(
        f"generated {ours['n']:.0f} features ({size_mib:.1f} MiB): {ours['best_s']:.2f} s "
        f"(target < 10 s: {'OK' if ok_time else 'MISSED'}), peak RSS {ours['peak_mib']:.0f} MiB "
        f"(+{ours['delta_mib']:.0f} MiB over imports; target < 1024 MiB: {'OK' if ok_mem else 'MISSED'})"
    )
    print(
        f"peer pyogrio.read_dataframe (reads only, checks nothing): {peer['best_s']:.2f} s, "
        f"peak RSS {peer['peak_mib']:.0f} MiB; soja-map validation costs {ours['best_s'] / peer['best_s']:.1f}x "
        "a plain read"
    )
    return 0 if (ok_small and ok_time and ok_mem) else 1


if __name__ == "__main__":
    raise SystemExit(main())
