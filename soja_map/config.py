"""Settings: one frozen value built from defaults and SOJA_MAP_* variables, passed down explicitly."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from soja_map.errors import ConfigError

PACKAGE_DIR = Path(__file__).resolve().parent
REPO_DIR = PACKAGE_DIR.parent

DEFAULT_CHROMIUM = Path("/usr/bin/chromium")  # Debian's chromium / chromium-driver packages
DEFAULT_CHROMEDRIVER = Path("/usr/bin/chromedriver")
BASEMAPS = ("gsi-pale", "gsi-std", "gsi-photo", "osm", "none")
LANGUAGES = ("ja", "en")


def default_geodata_dir() -> Path:
    """The bundled ``geodata/``: the one in the working directory, else the one beside the package."""
    here = Path.cwd() / "geodata"
    if (here / "plan.json").is_file():
        return here
    return REPO_DIR / "geodata"


@dataclass(frozen=True, slots=True)
class SettingDoc:
    """How one setting is read from the environment and what it means."""

    env: str
    help: str


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything configurable about soja-map. Build with ``Settings.from_env()``."""

    geodata_dir: Path = field(default_factory=default_geodata_dir)
    host: str = "127.0.0.1"
    port: int = 8050
    debug: bool = False
    tiles: bool = True
    basemap: str = "gsi-pale"
    language: str = "ja"
    plan_id: str | None = None
    tile_mirror: str | None = None
    chromium: Path = DEFAULT_CHROMIUM
    chromedriver: Path = DEFAULT_CHROMEDRIVER

    def __post_init__(self) -> None:
        if self.basemap not in BASEMAPS:
            raise ConfigError(f"basemap must be one of {', '.join(BASEMAPS)}; got {self.basemap!r}")
        if self.language not in LANGUAGES:
            raise ConfigError(
                f"language must be one of {', '.join(LANGUAGES)}; got {self.language!r}"
            )
        if not 0 < self.port < 65536:
            raise ConfigError(f"port must be between 1 and 65535; got {self.port!r}")

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
        """Defaults, then ``SOJA_MAP_*`` variables from ``env`` (default ``os.environ``), then overrides."""
        env = os.environ if env is None else env
        values: dict[str, Any] = {}
        for f in fields(cls):
            raw = env.get(SETTINGS_DOC[f.name].env)
            if raw is None or raw == "":
                continue
            values[f.name] = _parse(f.name, raw)
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)

    def with_(self, **changes: Any) -> Settings:
        return replace(self, **changes)


SETTINGS_DOC: dict[str, SettingDoc] = {
    "geodata_dir": SettingDoc(
        "SOJA_MAP_GEODATA", "folder of GeoJSON layers and plan.json (default: ./geodata)"
    ),
    "host": SettingDoc("SOJA_MAP_HOST", "address the app listens on (default 127.0.0.1)"),
    "port": SettingDoc("SOJA_MAP_PORT", "port the app listens on (default 8050)"),
    "debug": SettingDoc("SOJA_MAP_DEBUG", "1 to run Dash in debug mode (default 0)"),
    "tiles": SettingDoc(
        "SOJA_MAP_TILES", "0 to turn background map tiles off, e.g. offline (default 1)"
    ),
    "basemap": SettingDoc(
        "SOJA_MAP_BASEMAP", f"initial basemap: {', '.join(BASEMAPS)} (default gsi-pale)"
    ),
    "language": SettingDoc("SOJA_MAP_LANGUAGE", "initial UI language: ja or en (default ja)"),
    "plan_id": SettingDoc(
        "SOJA_MAP_PLAN", "plan id in plan.json to use (default: the catalogue's default)"
    ),
    "tile_mirror": SettingDoc(
        "SOJA_MAP_TILE_MIRROR",
        "URL of a tile cache serving <URL>/<basemap>/{z}/{x}/{y}.png, for closed networks",
    ),
    "chromium": SettingDoc(
        "SOJA_MAP_CHROMIUM", "Chromium for PNG/PDF export (default /usr/bin/chromium)"
    ),
    "chromedriver": SettingDoc(
        "SOJA_MAP_CHROMEDRIVER", "its driver (default /usr/bin/chromedriver)"
    ),
}

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def _parse(name: str, raw: str) -> Any:
    env_name = SETTINGS_DOC[name].env
    if name in {"debug", "tiles"}:
        low = raw.strip().lower()
        if low in _TRUE:
            return True
        if low in _FALSE:
            return False
        raise ConfigError(f"{env_name} must be 1 or 0 (or true/false); got {raw!r}")
    if name == "port":
        try:
            return int(raw)
        except ValueError:
            raise ConfigError(f"{env_name} must be a whole number; got {raw!r}") from None
    if name in {"geodata_dir", "chromium", "chromedriver"}:
        return Path(raw).expanduser()
    return raw.strip()
