"""Shared fixtures: the real data set, a scratch copy of geodata/, and headless Chromium for dash_duo."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from selenium.webdriver.chrome.options import Options

from soja_map.config import Settings
from soja_map.data.dataset import Dataset, load_dataset

REPO = Path(__file__).resolve().parents[1]
GEODATA = REPO / "geodata"
SHARED = REPO.parent / "shared" / "data"
CHROMIUM = os.environ.get("DASH_TEST_CHROMEPATH", "/usr/bin/chromium")
os.environ.setdefault("DASH_TEST_CHROMEPATH", CHROMIUM)


def pytest_setup_options():  # dash[testing] hook: how dash_duo starts Chromium
    options = Options()
    options.binary_location = CHROMIUM
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        # this machine's network is closed: no background calls to Google, no QUIC
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-quic",
        "--no-first-run",
        "--window-size=1280,900",
        "--lang=ja",
        # hermetic: Chromium's own background calls (time sync, sign-in, translate...) stay off,
        # and every host but the local test server fails to resolve inside the browser
        "--no-default-browser-check",
        "--disable-default-apps",
        "--allow-browser-signin=false",
        "--disable-features=NetworkTimeServiceQuerying,OptimizationHints,MediaRouter,Translate,AutofillServerCommunication",
        "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1",
    ):
        options.add_argument(arg)
    return options


def pytest_configure(config):
    # dash_duo needs --headless on the command line or this default
    if hasattr(config.option, "headless"):
        config.option.headless = True


@pytest.fixture(scope="session")
def settings() -> Settings:
    return Settings(geodata_dir=GEODATA, tiles=False)


@pytest.fixture(scope="session")
def dataset(settings: Settings) -> Dataset:
    return load_dataset(settings)


@pytest.fixture
def geodata_copy(tmp_path: Path) -> Path:
    """A writable copy of geodata/ (tests that import or corrupt data use this)."""
    target = tmp_path / "geodata"
    shutil.copytree(GEODATA, target)
    return target


@pytest.fixture(scope="session")
def small_dataset(dataset: Dataset) -> Dataset:
    """The real plan and reference layers with 400 generated places (two of them named like markup,
    some with half-width kana) instead of the real ones, for browser tests of the app."""
    from soja_map.web.synthetic import synthetic_dataset  # noqa: PLC0415

    return synthetic_dataset(
        dataset,
        400,
        seed=7,
        names=["<img src=x onerror=alert(1)>", "<b>太字</b> & ｿｳｼﾞｬ", "ソウジャ公園"],
    )
