"""Dash html components written out as HTML, for content that needs no Dash component per element.

Every Dash component costs the browser: the renderer wraps each in its own React component that
follows the app's store, so a legend of a hundred elements takes longer to draw on a phone than
the whole map. Content that no callback reads from (the legend: its sections open and close
natively) is built as components as before (one builder, tested as components) and sent as one
``dash_extensions.Purify`` (DOMPurify over HTML whose text this module escaped), and the page's
first paint (web/first_paint.py) writes the header the same way.
"""

from __future__ import annotations

import re
from typing import Any

from dash.development.base_component import Component
from dash_extensions import Purify
from markupsafe import Markup, escape

HTML_NAMESPACE = "dash_html_components"
# html component props written as attributes (others, e.g. n_clicks, are Dash's own)
ATTRIBUTES = {
    "id": "id",
    "className": "class",
    "title": "title",
    "lang": "lang",
    "role": "role",
    "type": "type",
    "htmlFor": "for",
    "href": "href",
    "tabIndex": "tabindex",
}
ATTRIBUTES.update({k: k for k in ("src", "alt", "width", "height", "target", "rel", "scope")})
ATTRIBUTES.update({"colSpan": "colspan", "rowSpan": "rowspan", "dateTime": "datetime"})
BOOLEAN_ATTRIBUTES = {"hidden": "hidden", "disabled": "disabled", "open": "open"}
# Purify's DOMPurify settings: links may open in a new tab (target is not kept by default)
PURIFY_CONFIG = {"ADD_ATTR": ["target"]}
VOID_ELEMENTS = frozenset({"img", "br", "hr", "wbr", "input", "col"})
_CAMEL = re.compile(r"(?<!^)(?=[A-Z])")


def _style(style: dict[str, Any]) -> str:
    return "; ".join(f"{_CAMEL.sub('-', k).lower()}: {v}" for k, v in style.items())


def _attributes(component: Component) -> Markup:
    return _attributes_of(component.to_plotly_json()["props"])  # type: ignore[no-untyped-call]


def _attributes_of(props: dict[str, Any]) -> Markup:
    out: list[Markup] = []
    for name, value in props.items():
        if value is None or name == "children":
            continue
        if name in BOOLEAN_ATTRIBUTES:
            if value:
                out.append(Markup(" {}").format(BOOLEAN_ATTRIBUTES[name]))
        elif name in ATTRIBUTES:
            out.append(Markup(' {}="{}"').format(ATTRIBUTES[name], value))
        elif name == "style" and isinstance(value, dict):
            out.append(Markup(' style="{}"').format(_style(value)))
        elif name.startswith(("aria-", "data-")):
            out.append(Markup(' {}="{}"').format(name, value))
    return Markup("").join(out)


def _placeholder(component: Component) -> Markup:
    """An empty box where a component that is not html will be drawn (a dropdown), with its class
    and style so that it takes its place; nothing for one with neither (a store, a download)."""
    props = component.to_plotly_json()["props"]  # type: ignore[no-untyped-call]
    if not props.get("className") and not props.get("style"):
        return Markup("")
    kept = {k: props[k] for k in ("className", "style") if props.get(k)}
    return Markup('<div{} aria-hidden="true"></div>').format(_attributes_of(kept))


def _element(component: Component) -> Markup:
    if component._namespace != HTML_NAMESPACE:
        return _placeholder(component)
    tag = component._type.lower()
    if tag in VOID_ELEMENTS:
        return Markup("<{tag}{attrs}>").format(tag=tag, attrs=_attributes(component))
    return Markup("<{tag}{attrs}>{children}</{tag}>").format(
        tag=tag,
        attrs=_attributes(component),
        children=static_html(getattr(component, "children", None)),
    )


def static_html(node: Any) -> Markup:
    """``node`` (Dash components, text, lists) as HTML, text escaped. Only html components are
    written; any other component (a dropdown, a download) is drawn by its own script once the app
    runs, so it is an empty box of its class and style here, or nothing (_placeholder)."""
    if node is None or isinstance(node, bool):
        return Markup("")
    if isinstance(node, Component):
        return _element(node)
    if isinstance(node, list | tuple):
        return Markup("").join(static_html(child) for child in node)
    return escape(str(node))


def as_static(content: Any, *, class_name: str | None = None) -> Purify:
    """``content`` (html components) as one component that draws it as plain HTML."""
    return Purify(html=str(static_html(content)), className=class_name, config=PURIFY_CONFIG)
