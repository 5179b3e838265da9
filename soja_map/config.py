"""Settings: one frozen value built from defaults and SOJA_MAP_* variables, passed down explicitly.

Each setting is declared once, below, with its variable, meaning and default; the README's
configuration table and ``soja-map --help`` are generated from these declarations
(``scripts/settings_doc.py``).
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pydantic
from pydantic import Field, field_validator
from pydantic.config import JsonDict
from pydantic_settings import (
    BaseSettings,
    EnvSettingsSource,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

from soja_map.errors import ConfigError

PACKAGE_DIR = Path(__file__).resolve().parent
REPO_DIR = PACKAGE_DIR.parent

DEFAULT_CHROMIUM = Path("/usr/bin/chromium")  # Debian's chromium / chromium-driver packages
DEFAULT_CHROMEDRIVER = Path("/usr/bin/chromedriver")
BASEMAPS = ("gsi-pale", "gsi-std", "gsi-photo", "osm", "none")
LANGUAGES = ("ja", "en")
ENV_PREFIX = "SOJA_MAP_"


def default_geodata_dir() -> Path:
    """The bundled ``geodata/``: the one in the working directory, else the one beside the package."""
    here = Path.cwd() / "geodata"
    if (here / "plan.json").is_file():
        return here
    return REPO_DIR / "geodata"


# The variables ``Settings.from_env(env)`` reads instead of os.environ, for the duration of one call.
_ENVIRON: ContextVar[Mapping[str, str] | None] = ContextVar("soja_map_environ", default=None)


class _MappingEnvSource(EnvSettingsSource):
    """pydantic-settings' environment source, reading the mapping given to ``from_env`` if any."""

    def _load_env_vars(self) -> Mapping[str, str | None]:
        env = _ENVIRON.get()
        if env is None:
            return super()._load_env_vars()
        # as pydantic-settings reads os.environ: names case-insensitive, empty values unset
        return {k.lower(): v for k, v in env.items() if v != ""}


def _setting(default: Any, env: str, help: str, *, shown: str | None = None, **kw: Any) -> Any:
    """One setting: its variable (SOJA_MAP_<env>), what it means, and the default as documented."""
    extra: JsonDict = {"env": ENV_PREFIX + env, "shown_default": shown}
    if callable(default):
        return Field(
            default_factory=default,
            validation_alias=ENV_PREFIX + env,
            description=help,
            json_schema_extra=extra,
            **kw,
        )
    return Field(
        default,
        validation_alias=ENV_PREFIX + env,
        description=help,
        json_schema_extra=extra,
        **kw,
    )


class Settings(BaseSettings):
    """Everything configurable about soja-map: defaults, then SOJA_MAP_* variables, then arguments.

    Build with ``Settings.from_env()`` (or ``Settings(...)`` with values); change with ``.with_()``.
    A value soja-map cannot use raises ConfigError naming the variable.
    """

    model_config = SettingsConfigDict(
        frozen=True,
        populate_by_name=True,
        env_ignore_empty=True,  # SOJA_MAP_PORT= (empty) means "not set"
        extra="forbid",
    )

    geodata_dir: Path = _setting(
        default_geodata_dir,
        "GEODATA",
        "folder of GeoJSON layers and `plan.json` (also `soja-map --geodata DIR`)",
        shown="./geodata",
    )
    host: str = _setting("127.0.0.1", "HOST", "address the app listens on")
    port: int = _setting(8050, "PORT", "port the app listens on", ge=1, le=65535)
    debug: bool = _setting(False, "DEBUG", "`1` for Dash debug mode, and tracebacks from the CLI")
    tiles: bool = _setting(True, "TILES", "`0` turns background map tiles off (offline use)")
    basemap: str = _setting("gsi-pale", "BASEMAP", f"initial basemap: {', '.join(BASEMAPS)}")
    language: str = _setting("ja", "LANGUAGE", "initial UI language: ja or en")
    plan_id: str | None = _setting(
        None,
        "PLAN",
        "plan id in `plan.json` (also `soja-map --plan ID`)",
        shown="the catalogue's default",
    )
    tile_mirror: str | None = _setting(
        None,
        "TILE_MIRROR",
        "URL of a tile cache serving `<URL>/<basemap>/{z}/{x}/{y}.png`, for closed networks",
    )
    chromium: Path = _setting(DEFAULT_CHROMIUM, "CHROMIUM", "Chromium for PNG/PDF export")
    chromedriver: Path = _setting(DEFAULT_CHROMEDRIVER, "CHROMEDRIVER", "its driver")

    def __init__(self, **values: Any) -> None:
        try:
            super().__init__(**values)
        except pydantic.ValidationError as exc:
            raise ConfigError(_describe(exc)) from None

    @field_validator("basemap")
    @classmethod
    def _known_basemap(cls, value: str) -> str:
        return _one_of("basemap", value, BASEMAPS)

    @field_validator("language")
    @classmethod
    def _known_language(cls, value: str) -> str:
        return _one_of("language", value, LANGUAGES)

    @field_validator("host", "basemap", "language", "plan_id", "tile_mirror", mode="before")
    @classmethod
    def _strip(cls, value: Any) -> Any:
        return value.strip() if isinstance(value, str) else value

    @field_validator("geodata_dir", "chromium", "chromedriver", mode="after")
    @classmethod
    def _expand_user(cls, value: Path) -> Path:
        return value.expanduser()

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # arguments win over variables; no .env files or secrets directories: one place to look
        return init_settings, _MappingEnvSource(settings_cls)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
        """Defaults, then ``SOJA_MAP_*`` variables from ``env`` (default ``os.environ``), then
        the overrides that are not None."""
        with _reading(os.environ if env is None else env):
            return cls(**{k: v for k, v in overrides.items() if v is not None})

    def with_(self, **changes: Any) -> Settings:
        """A copy with some values changed (validated like any other)."""
        with _reading({}):
            return type(self)(**{**self.model_dump(), **changes})


@contextmanager
def _reading(env: Mapping[str, str]) -> Iterator[None]:
    token = _ENVIRON.set(env)
    try:
        yield
    finally:
        _ENVIRON.reset(token)


def _one_of(name: str, value: str, choices: tuple[str, ...]) -> str:
    if value not in choices:
        raise ValueError(f"{name} must be one of {', '.join(choices)}; got {value!r}")
    return value


_REQUIREMENTS = {
    "bool_parsing": "must be 1 or 0 (or true/false)",
    "bool_type": "must be 1 or 0 (or true/false)",
    "int_parsing": "must be a whole number",
    "int_type": "must be a whole number",
    "int_from_float": "must be a whole number",
    "greater_than_equal": "must be between 1 and 65535",
    "less_than_equal": "must be between 1 and 65535",
}


def _describe(exc: pydantic.ValidationError) -> str:
    """pydantic's errors in the words soja-map has always used: the variable, the rule, the value."""
    messages = []
    for error in exc.errors():
        where = str(error["loc"][0]) if error["loc"] else "settings"
        env = SETTINGS_DOC[where].env if where in SETTINGS_DOC else where
        if error["type"] == "value_error":  # our own validators say it whole
            messages.append(str(error["ctx"]["error"]))
        elif error["type"] in _REQUIREMENTS:
            messages.append(f"{env} {_REQUIREMENTS[error['type']]}; got {error['input']!r}")
        elif error["type"] == "extra_forbidden":
            messages.append(f"unknown setting {where!r}")
        else:
            messages.append(f"{env}: {error['msg']}; got {error['input']!r}")
    return "; ".join(messages)


@dataclass(frozen=True, slots=True)
class SettingDoc:
    """How one setting is read from the environment, what it means, and its default in words."""

    env: str
    help: str
    default: str


def _shown_default(name: str) -> str:
    info = Settings.model_fields[name]
    extra = info.json_schema_extra
    assert isinstance(extra, dict)
    if extra.get("shown_default"):
        return str(extra["shown_default"])
    if info.default is None:
        return "none"
    if isinstance(info.default, bool):
        return "1" if info.default else "0"
    return str(info.default)


def _doc(name: str) -> SettingDoc:
    info = Settings.model_fields[name]
    extra = info.json_schema_extra
    assert isinstance(extra, dict)
    return SettingDoc(
        env=str(extra["env"]), help=info.description or "", default=_shown_default(name)
    )


SETTINGS_DOC: dict[str, SettingDoc] = {name: _doc(name) for name in Settings.model_fields}
