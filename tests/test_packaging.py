"""A non-editable install carries what the app reads at run time: assets, catalogues, vendor files."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

from tests.conftest import REPO

# (in the repository, in the wheel): every file the package reads through its own path
PACKAGE_FILES = [
    *sorted((REPO / "soja_map" / "web" / "assets").glob("*")),
    *sorted((REPO / "soja_map" / "i18n" / "locale").glob("*/LC_MESSAGES/*.po")),
    *sorted(p for p in (REPO / "soja_map" / "maps" / "vendor").rglob("*") if p.is_file()),
    REPO / "soja_map" / "py.typed",
]


PIP_WHEEL = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q"]


def test_the_wheel_holds_the_package_data(tmp_path: Path) -> None:
    source = tmp_path / "src"
    source.mkdir()
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy(REPO / name, source / name)
    shutil.copytree(
        REPO / "soja_map", source / "soja_map", ignore=shutil.ignore_patterns("__pycache__")
    )
    result = subprocess.run(
        [*PIP_WHEEL, "-w", str(tmp_path / "dist"), str(source)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    (wheel,) = (tmp_path / "dist").glob("soja_map-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert len(PACKAGE_FILES) > 10
    missing = [
        str(p.relative_to(REPO))
        for p in PACKAGE_FILES
        if p.relative_to(REPO).as_posix() not in names
    ]
    assert missing == []
    assert "soja_map/web/app.py" in names
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    assert "soja-map = soja_map.cli:main" in zipfile.ZipFile(wheel).read(entry_points).decode()


def test_every_web_module_imports_first_without_a_cycle() -> None:
    """Each web module can be the first one a process imports (a test file, gunicorn, a script):
    an import cycle shows only in some orders, so every module is tried first in a fresh process."""
    web = REPO / "soja_map" / "web"
    modules = sorted(
        "soja_map." + ".".join(p.relative_to(REPO / "soja_map").with_suffix("").parts)
        for p in web.rglob("*.py")
    )
    modules = [m.removesuffix(".__init__") for m in modules]
    code = (
        "import subprocess, sys\n"
        "from concurrent.futures import ThreadPoolExecutor\n"
        "def first(m):\n"
        "    r = subprocess.run([sys.executable, '-c', 'import ' + m], capture_output=True, text=True)\n"
        "    return None if r.returncode == 0 else (m, r.stderr.strip().splitlines()[-1])\n"
        "with ThreadPoolExecutor(2) as pool:\n"
        "    print([x for x in pool.map(first, sys.argv[1:]) if x])\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, *modules],
        capture_output=True,
        text=True,
        check=True,
        timeout=600,
        cwd=REPO,
    )
    assert result.stdout.strip() == "[]"
