"""Settings come from defaults, SOJA_MAP_* variables and overrides, and bad values are named."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from soja_map.config import SETTINGS_DOC, Settings
from soja_map.errors import ConfigError
from tests.conftest import REPO


def test_defaults() -> None:
    s = Settings.from_env({})
    assert (s.host, s.port, s.debug, s.tiles, s.basemap, s.language) == (
        "127.0.0.1",
        8050,
        False,
        True,
        "gsi-pale",
        "ja",
    )


def test_environment_and_overrides() -> None:
    env = {
        "SOJA_MAP_PORT": "9000",
        "SOJA_MAP_TILES": "off",
        "SOJA_MAP_GEODATA": "/tmp/g",
        "SOJA_MAP_LANGUAGE": "en",
    }
    s = Settings.from_env(env, port=9100)
    assert s.port == 9100
    assert s.tiles is False
    assert s.geodata_dir == Path("/tmp/g")
    assert s.language == "en"


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"SOJA_MAP_PORT": "eighty"}, "SOJA_MAP_PORT must be a whole number"),
        ({"SOJA_MAP_TILES": "maybe"}, "SOJA_MAP_TILES must be 1 or 0"),
        ({"SOJA_MAP_BASEMAP": "google"}, "basemap must be one of"),
        ({"SOJA_MAP_LANGUAGE": "fr"}, "language must be one of"),
        ({"SOJA_MAP_PORT": "70000"}, "SOJA_MAP_PORT must be between 1 and 65535"),
    ],
)
def test_bad_values_are_named(env: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        Settings.from_env(env)


def test_every_setting_is_documented() -> None:
    assert set(SETTINGS_DOC) == set(Settings.model_fields)
    assert all(doc.env.startswith("SOJA_MAP_") and doc.help for doc in SETTINGS_DOC.values())


def test_settings_are_frozen_and_with_validates() -> None:
    s = Settings.from_env({})
    with pytest.raises(ValueError, match="frozen"):
        s.port = 1  # type: ignore[misc]
    assert s.with_(port=9200).port == 9200
    assert s.port == 8050
    with pytest.raises(ConfigError, match="basemap must be one of"):
        s.with_(basemap="google")


def test_an_explicit_environment_replaces_os_environ(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOJA_MAP_PORT", "7000")
    assert Settings.from_env().port == 7000
    assert Settings.from_env({}).port == 8050
    assert Settings.from_env({"SOJA_MAP_PORT": ""}).port == 8050  # empty means unset


def test_readme_configuration_table_is_generated_from_the_code() -> None:
    result = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "settings_doc.py"), "--check"],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    for doc in SETTINGS_DOC.values():
        assert f"| `{doc.env}` | {doc.help} |" in readme
