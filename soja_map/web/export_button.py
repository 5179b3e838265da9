"""The "Export this view" buttons: the current filter and view as the staff export (HTML, PNG)."""

from __future__ import annotations

import base64
import tempfile
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any, Literal

from dash import Dash, Input, Output, State, ctx, dcc, html, no_update
from dash.development.base_component import Component

from soja_map.data.dataset import Dataset
from soja_map.errors import SojaMapError
from soja_map.i18n import Lang, as_lang, lookup
from soja_map.maps import queue as render_queue
from soja_map.maps.render import BrowserConfig, Page, Renderer
from soja_map.query.filters import Filter
from soja_map.web import ids

HTML_BUTTON = "export-html-button"
PNG_BUTTON = "export-png-button"
DOWNLOAD = "export-download"
STATUS = "export-status"

PNG_PAGE = Page(paper="A4", landscape=True, dpi=150)

WORDS: dict[str, dict[Lang, str]] = {
    "html": {"ja": "この表示を書き出す（HTML）", "en": "Export this view (HTML)"},
    "html_title": {
        "ja": "表示中の条件と範囲の地図を、オフラインでも開ける1つのHTMLファイルで保存します",
        "en": "Save the map of this filter and view as one HTML file that opens offline",
    },
    "png": {"ja": "画像（PNG）", "en": "Image (PNG)"},
    "png_title": {
        "ja": "同じ地図をA4横・150dpiの画像で保存します",
        "en": "Save the same map as an A4 landscape image at 150 dpi",
    },
    "done": {"ja": "{name} を書き出しました", "en": "Exported {name}"},
    "failed": {"ja": "書き出せませんでした: {error}", "en": "Export failed: {error}"},
}


def word(key: str, lang: Lang) -> str:
    return lookup(WORDS, key, lang)


def layout(lang: str) -> Component:
    """The buttons, a status line for screen readers, and the dcc.Download they fill."""
    lang_ = as_lang(lang)
    return html.Div(
        [
            html.Button(
                word("html", lang_),
                id=HTML_BUTTON,
                n_clicks=0,
                title=word("html_title", lang_),
                className="soja-export-button",
            ),
            html.Button(
                word("png", lang_),
                id=PNG_BUTTON,
                n_clicks=0,
                title=word("png_title", lang_),
                className="soja-export-button",
            ),
            dcc.Download(id=DOWNLOAD),
            html.Span(id=STATUS, role="status", className="soja-export-status"),
        ],
        className="soja-export",
    )


def export_filename(flt: Filter, kind: Literal["html", "png"], today: date) -> str:
    """``soja-map_<projects>_<yyyymmdd>.<kind>``: safe in any file system (ids are [a-z0-9.-])."""
    parts = ["soja-map"]
    if flt.projects:
        parts.append("-".join(flt.projects))
    parts.append(today.strftime("%Y%m%d"))
    return "_".join(parts) + f".{kind}"


def export_download(
    data: Dataset,
    filter_data: Mapping[str, Any] | None,
    view_data: Mapping[str, Any] | None,
    lang: Any,
    kind: Literal["html", "png"] = "html",
    *,
    basemap: str = "none",
    tile_mirror: str | None = None,
    renderer: Renderer | None = None,
    today: date | None = None,
) -> dict[str, Any]:
    """The dcc.Download data for the current view: the same map ``soja-map export`` writes."""
    # folium is imported only when someone exports: the app itself never loads it
    from soja_map.maps.export import ExportOptions, View, build_map, render_html  # noqa: PLC0415

    today = today or date.today()
    flt = Filter.from_dict(dict(filter_data) if filter_data else None).check(data.plan)
    options = ExportOptions(
        basemap=basemap,
        lang=as_lang(lang),
        view=View.from_store(view_data),
        print_mode=kind == "png",
        generated=today,
        tile_mirror=tile_mirror,
    )
    document = render_html(build_map(data, flt, options))
    filename = export_filename(flt, kind, today)
    if kind == "html":
        return {"content": document, "filename": filename, "type": "text/html", "base64": False}
    if renderer is None:
        raise SojaMapError("no browser to render the image with")
    with tempfile.TemporaryDirectory(prefix="soja-map-export-") as tmp:
        page_file = Path(tmp) / "map.html"
        page_file.write_text(document, encoding="utf-8")
        image = renderer.png(page_file, Path(tmp) / "map.png", PNG_PAGE).path.read_bytes()
    return {
        "content": base64.b64encode(image).decode("ascii"),
        "filename": filename,
        "type": "image/png",
        "base64": True,
    }


def register_callbacks(
    app: Dash,
    data: Dataset,
    *,
    basemap: str = "none",
    tile_mirror: str | None = None,
    browser: BrowserConfig | None = None,
) -> None:
    """Wire the buttons. ``basemap``: the background of exported maps (pass the app's own, e.g.
    ``settings.basemap``, or "none" when tiles are off); ``tile_mirror``: the URL prefix of a
    tile cache, if the app uses one. PNG export is offered only if Chromium is on the server."""
    browser = browser or BrowserConfig.from_env()
    png_available = browser.available()

    def download(kind: Literal["html", "png"], flt: Any, view: Any, lang: Any) -> tuple[Any, str]:
        lang_ = as_lang(lang)
        try:
            if kind == "png":
                # one Chromium at a time across every worker (each needs ~300 MB); busy beyond
                with render_queue.RENDER_QUEUE.turn(), Renderer(browser) as renderer:
                    result = export_download(
                        data,
                        flt,
                        view,
                        lang_,
                        "png",
                        basemap=basemap,
                        tile_mirror=tile_mirror,
                        renderer=renderer,
                    )
            else:
                result = export_download(
                    data, flt, view, lang_, "html", basemap=basemap, tile_mirror=tile_mirror
                )
        except SojaMapError as exc:
            return no_update, word("failed", lang_).format(error=exc)
        return result, word("done", lang_).format(name=result["filename"])

    @app.callback(
        Output(DOWNLOAD, "data"),
        Output(STATUS, "children"),
        Input(HTML_BUTTON, "n_clicks"),
        Input(PNG_BUTTON, "n_clicks"),
        State(ids.FILTER_STORE, "data"),
        State(ids.VIEW_STORE, "data"),
        State(ids.LANG_STORE, "data"),
        prevent_initial_call=True,
    )
    def _export(_html: int, _png: int, flt: Any, view: Any, lang: Any) -> tuple[Any, str]:
        return download("png" if ctx.triggered_id == PNG_BUTTON else "html", flt, view, lang)

    @app.callback(
        Output(HTML_BUTTON, "children"),
        Output(HTML_BUTTON, "title"),
        Output(PNG_BUTTON, "children"),
        Output(PNG_BUTTON, "title"),
        Output(PNG_BUTTON, "hidden"),
        Input(ids.LANG_STORE, "data"),
    )
    def _labels(lang: Any) -> tuple[str, str, str, str, bool]:
        return (*button_labels(as_lang(lang)), not png_available)


def button_labels(lang: Lang) -> tuple[str, str, str, str]:
    return (
        word("html", lang),
        word("html_title", lang),
        word("png", lang),
        word("png_title", lang),
    )
