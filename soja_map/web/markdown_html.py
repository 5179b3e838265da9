"""Markdown (geodata/SOURCES.md) as plain Dash html components, parsed on the server.

``dcc.Markdown`` would make every visitor download its renderer and highlight.js (466 KiB) for a
file shown in the credits dialog; markdown-it-py (CommonMark + tables) parses it here instead.
Text stays text (Dash escapes it); links keep only what markdown-it-py's link validation allows
(no ``javascript:``) and open in a new tab.
"""

from __future__ import annotations

from typing import Any

from dash import html
from markdown_it import MarkdownIt
from markdown_it.tree import SyntaxTreeNode

_PARSER = MarkdownIt("commonmark").enable("table")
_BLOCKS: dict[str, Any] = {
    "paragraph": html.P,
    "bullet_list": html.Ul,
    "ordered_list": html.Ol,
    "list_item": html.Li,
    "blockquote": html.Blockquote,
    "table": html.Table,
    "thead": html.Thead,
    "tbody": html.Tbody,
    "tr": html.Tr,
    "th": html.Th,
    "td": html.Td,
    "strong": html.Strong,
    "em": html.Em,
}
_HEADINGS: dict[str, Any] = {
    "h1": html.H3,  # the dialog's own title is an h2
    "h2": html.H4,
    "h3": html.H5,
    "h4": html.H6,
    "h5": html.H6,
    "h6": html.H6,
}


def _children(node: SyntaxTreeNode) -> list[Any]:
    out: list[Any] = []
    for child in node.children:
        out.extend(_convert(child))
    return out


def _convert(node: SyntaxTreeNode) -> list[Any]:  # noqa: PLR0911 (one case per node type)
    kind = node.type
    if kind in ("text", "html_inline", "html_block"):
        return [node.content]  # raw HTML in the file is shown as text
    if kind in ("softbreak", "hardbreak"):
        return ["\n" if kind == "softbreak" else html.Br()]
    if kind == "code_inline":
        return [html.Code(node.content)]
    if kind in ("fence", "code_block"):
        return [html.Pre(html.Code(node.content))]
    if kind == "link":
        href = str(node.attrs.get("href", ""))
        return [html.A(_children(node), href=href, target="_blank", rel="noopener noreferrer")]
    if kind == "heading":
        return [_HEADINGS.get(node.tag, html.H6)(_children(node))]
    if kind == "hr":
        return [html.Hr()]
    if kind in _BLOCKS:
        return [_BLOCKS[kind](_children(node))]
    return _children(node)  # root, inline, image (its alt text), anything unforeseen


def markdown_components(text: str) -> list[Any]:
    """``text`` (Markdown) as a list of html components."""
    return _convert(SyntaxTreeNode(_PARSER.parse(text)))
