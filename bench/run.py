#!/usr/bin/env python3
"""Run every bench, one after another, and say which targets were met.

    python bench/run.py            # all four (about 10 minutes on 2 cores)
    python bench/run.py --quick    # smaller generated sets (about 3 minutes)

Each bench prints its own figures and compares with its named peer in the same run:
  bench_validate.py  load + validate geodata/ and 100,000 generated features (peer: pyogrio read)
  bench_app.py       first render and project toggle in headless Chromium (peer: GeoDataFrame.explore())
  bench_coverage.py  city-wide coverage for every category and preset radius (peer: geopandas buffer/overlay)
  bench_export.py    Folium export of every layer, size and time (peer: GeoDataFrame.explore())
The app and export peers need the `bench` extra (matplotlib, mapclassify): pip install -e '.[bench]'.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent

BENCHES: dict[str, tuple[list[str], list[str]]] = {
    # name: (full arguments, --quick arguments)
    "bench_validate.py": ([], ["--features", "20000", "--repeat", "1"]),
    "bench_app.py": (["--strict"], ["--n", "5000", "--runs", "2", "--toggles", "4"]),
    "bench_coverage.py": ([], ["--quick", "--repeat", "2"]),
    "bench_export.py": (["--render"], []),
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick", action="store_true", help="smaller runs (targets are for the full ones)"
    )
    parser.add_argument("only", nargs="*", help="run only these benches (file names)")
    args = parser.parse_args()
    results: list[tuple[str, int, float]] = []
    for name, (full, quick) in BENCHES.items():
        if args.only and name not in args.only:
            continue
        print(f"\n######## {name} ########", flush=True)
        started = time.perf_counter()
        code = subprocess.call([sys.executable, str(HERE / name), *(quick if args.quick else full)])
        results.append((name, code, time.perf_counter() - started))
    print("\n######## summary ########")
    for name, code, seconds in results:
        print(
            f"{name:<20} {'targets met' if code == 0 else 'TARGET MISSED or error'} ({seconds:.0f} s)"
        )
    return 0 if all(code == 0 for _, code, _ in results) else 1


if __name__ == "__main__":
    raise SystemExit(main())
