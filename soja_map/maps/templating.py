"""HTML from Jinja2 templates with autoescape, and the page's own JS and CSS files.

Every piece of HTML the export writes comes from ``templates/`` through :func:`render`, where
every value is escaped unless it is :class:`~markupsafe.Markup` (template output, or the trusted
SVG markup of ``query.styling``). Elements that put HTML into the page take ``Markup`` only, so a
string from data cannot reach the page unescaped by mistake.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from soja_map.errors import ExportError

STATIC_DIR = Path(__file__).resolve().parent / "static"


@cache
def environment() -> Environment:
    return Environment(
        loader=PackageLoader("soja_map.maps", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render(name: str, **context: Any) -> Markup:
    """The template ``name`` filled with ``context`` (escaped), as markup; no trailing newline."""
    text = environment().get_template(name).render(**context)
    return Markup(text.strip("\n"))  # noqa: S704 - the output of an autoescaping template


def trusted(markup: str) -> Markup:
    """Markup built from constants only (styling.py's SVG), never from data."""
    return Markup(markup)  # noqa: S704 - constants, see the callers


def require_markup(value: object, what: str) -> Markup:
    if not isinstance(value, Markup):
        raise ExportError(f"{what} takes template output (Markup), not {type(value).__name__}")
    return value


@cache
def static_text(name: str) -> str:
    """A file of ``static/`` (the page's JS and CSS), read once."""
    return (STATIC_DIR / name).read_text(encoding="utf-8")
