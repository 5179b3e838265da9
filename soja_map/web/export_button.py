"""The "Export this view" buttons: the current filter and view as the staff export (HTML, PNG)."""

from __future__ import annotations

import base64
from collections.abc import Mapping
from datetime import date
from typing import Any, Literal

from dash import Dash, Input, Output, State, ctx, dcc, html, no_update
from dash.development.base_component import Component

from soja_map.data.dataset import Dataset
from soja_map.errors import SojaMapError
from soja_map.i18n import Translator, translator
from soja_map.maps.api import (
    RENDER_QUEUE,
    BrowserConfig,
    ExportOptions,
    Page,
    Renderer,
    View,
    export_document,
    render_png,
)
from soja_map.query.filters import Filter
from soja_map.web import ids

HTML_BUTTON = "export-html-button"
PNG_BUTTON = "export-png-button"
DOWNLOAD = "export-download"
STATUS = "export-status"

PNG_PAGE = Page(paper="A4", landscape=True, dpi=150)


def layout(lang: str) -> Component:
    """The buttons, a status line for screen readers, and the dcc.Download they fill."""
    html_label, html_title, png_label, png_title = button_labels(translator(lang))
    return html.Div(
        [
            html.Button(
                html_label,
                id=HTML_BUTTON,
                n_clicks=0,
                title=html_title,
                className="soja-export-button",
            ),
            html.Button(
                png_label,
                id=PNG_BUTTON,
                n_clicks=0,
                title=png_title,
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
    today = today or date.today()
    flt = Filter.from_dict(dict(filter_data) if filter_data else None).check(data.plan)
    options = ExportOptions(
        basemap=basemap,
        lang=translator(lang).lang,
        view=View.from_store(view_data),
        print_mode=kind == "png",
        generated=today,
        tile_mirror=tile_mirror,
    )
    # folium is loaded only now, when someone exports: the app itself never draws a static map
    document = export_document(data, flt, options)
    filename = export_filename(flt, kind, today)
    if kind == "html":
        return {"content": document, "filename": filename, "type": "text/html", "base64": False}
    if renderer is None:
        raise SojaMapError("no browser to render the image with")
    image = render_png(document, PNG_PAGE, renderer)
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
        tr = translator(lang)
        try:
            if kind == "png":
                # one Chromium at a time across every worker (each needs ~300 MB); busy beyond
                with RENDER_QUEUE.turn(), Renderer(browser) as renderer:
                    result = export_download(
                        data,
                        flt,
                        view,
                        tr.lang,
                        "png",
                        basemap=basemap,
                        tile_mirror=tile_mirror,
                        renderer=renderer,
                    )
            else:
                result = export_download(
                    data, flt, view, tr.lang, "html", basemap=basemap, tile_mirror=tile_mirror
                )
        except SojaMapError as exc:
            return no_update, tr("export_failed", error=exc)
        return result, tr("export_done", name=result["filename"])

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
        return (*button_labels(translator(lang)), not png_available)


def button_labels(tr: Translator) -> tuple[str, str, str, str]:
    return (
        tr("export_button_html"),
        tr("export_button_html_title"),
        tr("export_button_png"),
        tr("export_button_png_title"),
    )
