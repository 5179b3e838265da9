"""What a phone shows before the scripts have run (web/first_paint.py), and content sent as one piece
of HTML instead of a component per element (web/static_html.py)."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

import pytest
from dash import Dash, html

from soja_map.config import Settings
from soja_map.data.dataset import Dataset
from soja_map.i18n import translator
from soja_map.query.filters import Filter
from soja_map.web import ids
from soja_map.web.app import create_app
from soja_map.web.context import build_context
from soja_map.web.static_html import as_static, static_html
from soja_map.web.views import filter_view


@pytest.fixture(scope="module")
def app(settings: Settings, dataset: Dataset) -> Dash:
    return create_app(settings, dataset)


class Elements(HTMLParser):
    """The start tags of a page, with their attributes, and its text."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parsed(markup: str) -> Elements:
    elements = Elements()
    elements.feed(markup)
    return elements


def walk(node: Any) -> list[Any]:
    """``node`` and every component under it, in document order."""
    if isinstance(node, list | tuple):
        return [x for child in node for x in walk(child)]
    if not hasattr(node, "to_plotly_json"):
        return []
    return [node, *walk(getattr(node, "children", None))]


def entry_point(page: str) -> str:
    start = page.index('<div id="react-entry-point">')
    return page[start : page.index("<footer>", start)]


@pytest.mark.parametrize(
    ("query", "lang", "title", "loading"),
    [
        ("", "ja", "総社市 重点プロジェクトマップ", "地図を読み込んでいます…"),
        ("?lang=en", "en", "Soja City priority projects map", "Loading the map…"),
    ],
)
def test_the_page_shows_the_header_in_the_links_language_before_the_app_runs(
    app: Dash, query: str, lang: str, title: str, loading: str
) -> None:
    page = app.server.test_client().get("/" + query).get_data(as_text=True)
    assert page.startswith(f'<!DOCTYPE html>\n<html lang="{lang}">')
    assert f"<title>{title}</title>" in page
    entry = parsed(entry_point(page))
    text = " ".join(entry.text)
    assert title in text
    assert loading in text
    tags = {attrs.get("id") or tag: attrs for tag, attrs in entry.tags}
    # the app's own header (the same buttons the app draws), inert until the app replaces it
    shell = next(a for t, a in entry.tags if "soja-first-paint" in (a.get("class") or ""))
    assert "inert" in shell
    assert shell["aria-busy"] == "true"
    assert {ids.PANEL_TOGGLE, ids.LANG_TOGGLE, ids.CREDITS_OPEN} <= set(tags)
    assert tags[ids.LANG_TOGGLE]["lang"] == ("en" if lang == "ja" else "ja")
    # the map's place says it is loading, for screen readers too
    status = [a for t, a in entry.tags if a.get("role") == "status"]
    assert any("soja-loading" in (a.get("class") or "") for a in status)
    assert "JavaScript" in entry_point(page).split("<noscript>")[1]


def test_a_hostile_address_does_not_reach_the_first_paint(app: Dash) -> None:
    hostile = "<img src=x onerror=alert(1)>"
    page = app.server.test_client().get("/", query_string={"q": hostile, "lang": '"><b>'})
    text = page.get_data(as_text=True)
    assert "onerror" not in text
    assert "<b>" not in text
    assert '<html lang="ja">' in text  # an unknown language is the default


def test_the_first_paint_under_a_sub_path(settings: Settings, dataset: Dataset) -> None:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DASH_URL_BASE_PATHNAME", "/soja/")
        sub = create_app(settings, dataset)
    page = sub.server.test_client().get("/soja/?lang=en").get_data(as_text=True)
    assert '<html lang="en">' in page
    assert "Loading the map…" in entry_point(page)


def test_static_html_escapes_text_and_attributes() -> None:
    tree = html.Div(
        [
            html.P('<script>alert("x")</script> & more', title='"><img src=x>'),
            html.Img(src="data:image/svg+xml,%3Csvg%3E", alt=""),
            html.Details(html.Summary("s"), open=True, hidden=False, id="d"),
            html.Span(style={"backgroundColor": "#fff"}, **{"aria-hidden": "true"}),  # type: ignore[arg-type]
            html.Button("b", n_clicks=3, disabled=True),
            None,
            7,
        ],
        className="c",
        **{"data-entry": "category:x"},  # type: ignore[arg-type]
    )
    out = str(static_html(tree))
    assert "<script>" not in out
    assert "&lt;script&gt;" in out
    assert "&amp; more" in out
    assert 'title="&#34;&gt;&lt;img src=x&gt;"' in out
    assert '<img alt="" src="data:image/svg+xml,%3Csvg%3E">' in out
    assert "</img>" not in out
    assert '<details id="d" open><summary>s</summary></details>' in out  # hidden=False: absent
    assert 'style="background-color: #fff"' in out
    assert 'aria-hidden="true"' in out
    assert "<button disabled>b</button>" in out  # n_clicks is Dash's, not an attribute
    assert out.startswith('<div class="c" data-entry="category:x">')
    assert out.endswith("7</div>")


def test_components_other_than_html_are_left_to_the_app() -> None:
    from dash import dcc  # noqa: PLC0415

    out = str(static_html(html.Div([dcc.Dropdown(id="x", options=["a"]), html.Span("kept")])))
    assert out == "<div><span>kept</span></div>"
    # one with a class or style keeps its place as an empty box
    box = dcc.Dropdown(id="y", options=["a"], className="f", style={"minWidth": "9em"})
    assert (
        str(static_html(box)) == '<div class="f" style="min-width: 9em" aria-hidden="true"></div>'
    )
    assert str(static_html(dcc.Store(id="s", data={"x": 1}))) == ""


def test_the_legend_is_one_component_with_the_same_content(
    settings: Settings, dataset: Dataset
) -> None:
    ctx = build_context(settings, dataset, url_for=lambda p: "/" + p)
    tr = translator("en")
    legend = filter_view(ctx, Filter(), ["boundary"], tr).legend
    sent = as_static(legend)
    assert sent._type == "Purify"
    assert sent.config == {"ADD_ATTR": ["target"]}
    markup: Any = sent.html
    elements = parsed(markup)
    rows = [a for t, a in elements.tags if t == "li"]
    tree_rows = [getattr(li, "data-entry") for li in walk(legend) if isinstance(li, html.Li)]
    assert [r["data-entry"] for r in rows] == tree_rows
    assert len(rows) > 10
    sections = [a["id"] for t, a in elements.tags if t == "details"]
    assert sections == [f"{ids.LEGEND}-{k}" for k in ("project", "category", "reference")]
    assert all(a["src"].startswith("data:image/svg+xml") for t, a in elements.tags if t == "img")
