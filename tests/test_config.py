"""Settings come from defaults, SOJA_MAP_* variables and overrides, and bad values are named."""

from __future__ import annotations

from pathlib import Path

import pytest

from soja_map.config import SETTINGS_DOC, Settings
from soja_map.errors import ConfigError


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
    ],
)
def test_bad_values_are_named(env: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        Settings.from_env(env)


def test_every_setting_is_documented() -> None:
    assert set(SETTINGS_DOC) == set(Settings.__dataclass_fields__)
