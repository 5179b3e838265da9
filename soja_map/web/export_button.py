"""The "Export this view" buttons: the current filter, view and layers as the staff export (HTML,
PNG, the report PDF) and the filtered places as data (GeoPackage, GeoJSON, CSV, XLSX).

Images and reports are made through ``maps.api.render_job``: one render at a time, "busy" at once
beyond that (never a hung worker), a clear message when Chromium is missing. While a file is being
made the status line says so (Dash's ``running``), so it never shows the previous file's name.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import date
from typing import Any, Literal

from dash import Dash, Input, Output, State, ctx, dcc, html, no_update
from dash.development.base_component import Component

from soja_map.data.dataset import Dataset
from soja_map.errors import SojaMapError
from soja_map.i18n import Translator, translator
from soja_map.maps.api import (
    BrowserConfig,
    ExportOptions,
    Page,
    RenderBusyError,
    Renderer,
    View,
    export_document,
    places_download,
    render_job,
    render_png,
    render_report,
)
from soja_map.query.filters import Filter
from soja_map.web import ids
from soja_map.web.shelters import shown_choice

HTML_BUTTON = "export-html-button"
PNG_BUTTON = "export-png-button"
REPORT_BUTTON = "export-report-button"
DATA_BUTTON = "export-data-button"
DATA_FORMAT = "export-data-format"
DOWNLOAD = "export-download"
STATUS = "export-status"

Kind = Literal["html", "png", "pdf", "gpkg", "geojson", "csv", "xlsx"]
DATA_KINDS: tuple[str, ...] = ("xlsx", "csv", "gpkg", "geojson")
RENDERED: tuple[str, ...] = ("png", "pdf")
MIME: dict[str, str] = {
    "html": "text/html",
    "png": "image/png",
    "pdf": "application/pdf",
    "gpkg": "application/geopackage+sqlite3",
    "geojson": "application/geo+json",
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
DATA_LABELS: dict[str, str] = {
    "xlsx": "Excel (.xlsx)",
    "csv": "CSV (.csv)",
    "gpkg": "GeoPackage (.gpkg)",
    "geojson": "GeoJSON (.geojson)",
}

PNG_PAGE = Page(paper="A4", landscape=True, dpi=150)
REPORT_PAGE = Page(paper="A4", landscape=False, dpi=150)


def _button(label: str, ident: str, title: str, hidden: bool = False) -> html.Button:
    return html.Button(
        label, id=ident, n_clicks=0, title=title, className="soja-export-button", hidden=hidden
    )


def layout(lang: str, can_render: bool = True) -> Component:
    """The buttons, a status line for screen readers, and the dcc.Download they fill. PNG and
    report are hidden when the server cannot render (``can_render``: BrowserConfig.available)."""
    labels = button_labels(translator(lang))
    return html.Div(
        [
            _button(labels[0], HTML_BUTTON, labels[1]),
            _button(labels[2], PNG_BUTTON, labels[3], hidden=not can_render),
            _button(labels[4], REPORT_BUTTON, labels[5], hidden=not can_render),
            dcc.Dropdown(
                id=DATA_FORMAT,
                options=[{"label": DATA_LABELS[k], "value": k} for k in DATA_KINDS],
                value="xlsx",
                clearable=False,
                searchable=False,
                className="soja-export-format",
                style={"minWidth": "9em"},
            ),
            _button(labels[6], DATA_BUTTON, labels[7]),
            dcc.Download(id=DOWNLOAD),
            html.Span(id=STATUS, role="status", className="soja-export-status"),
        ],
        className="soja-export",
    )


def export_filename(flt: Filter, kind: str, today: date) -> str:
    """``soja-map_<projects>_<yyyymmdd>.<kind>``: safe in any file system (ids are [a-z0-9.-])."""
    parts = ["soja-map"]
    if flt.projects:
        parts.append("-".join(flt.projects))
    parts.append(today.strftime("%Y%m%d"))
    return "_".join(parts) + f".{kind}"


def layer_options(options: ExportOptions, references: Sequence[str] | None) -> ExportOptions:
    """``options`` with the layers of the app's reference checklist (web.state.REFERENCE_KEYS)
    that are on; None (not known) keeps the export's defaults."""
    if references is None:
        return options
    on = set(references)
    return replace(
        options,
        school_districts=bool(on & {"elementary", "junior_high"}),
        rail_lines="rail" in on,
        towns="towns" in on,
    )


def _bytes_payload(content: bytes, filename: str, kind: str) -> dict[str, Any]:
    return {
        "content": base64.b64encode(content).decode("ascii"),
        "filename": filename,
        "type": MIME[kind],
        "base64": True,
    }


def export_download(
    data: Dataset,
    filter_data: Mapping[str, Any] | None,
    view_data: Mapping[str, Any] | None,
    lang: Any,
    kind: Kind = "html",
    *,
    references: Sequence[str] | None = None,
    shelters: str | None = None,
    basemap: str = "none",
    tile_mirror: str | None = None,
    renderer: Renderer | None = None,
    today: date | None = None,
) -> dict[str, Any]:
    """The dcc.Download data for the current view: the same files ``soja-map export`` writes."""
    today = today or date.today()
    flt = Filter.from_dict(dict(filter_data) if filter_data else None).check(data.plan)
    tr = translator(lang)
    filename = export_filename(flt, kind, today)
    if kind in DATA_KINDS:
        content, _ = places_download(data, flt, tr.lang, kind)
        return _bytes_payload(content, filename, kind)
    options = ExportOptions(
        basemap=basemap,
        lang=tr.lang,
        view=View.from_store(view_data),
        print_mode=kind == "png",
        generated=today,
        tile_mirror=tile_mirror,
        shelters=shelters,
    )
    options = layer_options(options, references)
    if kind == "html":
        # folium is loaded only now, when someone exports: the app itself never draws a static map
        document = export_document(data, flt, options)
        return {"content": document, "filename": filename, "type": "text/html", "base64": False}
    if renderer is None:
        raise SojaMapError("no browser to render the image with")
    if kind == "png":
        image = render_png(export_document(data, flt, options), PNG_PAGE, renderer)
        return _bytes_payload(image, filename, "png")
    return _bytes_payload(render_report(data, flt, options, REPORT_PAGE, renderer), filename, "pdf")


_BUTTON_KINDS: dict[str, Kind] = {PNG_BUTTON: "png", REPORT_BUTTON: "pdf"}
_DATA_KIND: dict[str, Kind] = {"xlsx": "xlsx", "csv": "csv", "gpkg": "gpkg", "geojson": "geojson"}


def _kind_of(trigger: Any, data_format: Any) -> Kind:
    if trigger == DATA_BUTTON:
        return _DATA_KIND.get(str(data_format), "xlsx")
    return _BUTTON_KINDS.get(str(trigger), "html")


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
    tile cache, if the app uses one. (The layout offers PNG and report only if ``browser`` is
    available.)"""
    browser = browser or BrowserConfig.from_env()

    def download(kind: Kind, states: Mapping[str, Any]) -> tuple[Any, str]:
        tr = translator(states["lang"])

        def make(renderer: Renderer | None = None) -> dict[str, Any]:
            return export_download(
                data,
                states["flt"],
                states["view"],
                tr.lang,
                kind,
                references=states["references"],
                shelters=shown_choice(states["shelter_show"], states["shelter_choice"]),
                basemap=basemap,
                tile_mirror=tile_mirror,
                renderer=renderer,
            )

        try:
            result = render_job(make, browser=browser) if kind in RENDERED else make()
        except RenderBusyError:
            return no_update, tr("export_busy")
        except SojaMapError as exc:
            return no_update, tr("export_failed", error=exc)
        return result, tr("export_done", name=result["filename"])

    @app.callback(
        Output(DOWNLOAD, "data"),
        Output(STATUS, "children"),
        inputs={
            "_clicks": [
                Input(HTML_BUTTON, "n_clicks"),
                Input(PNG_BUTTON, "n_clicks"),
                Input(REPORT_BUTTON, "n_clicks"),
                Input(DATA_BUTTON, "n_clicks"),
            ],
            "states": {
                "flt": State(ids.FILTER_STORE, "data"),
                "view": State(ids.VIEW_STORE, "data"),
                "lang": State(ids.LANG_STORE, "data"),
                "references": State(ids.REFERENCES, "value"),
                "shelter_show": State(ids.SHELTER_SHOW, "value"),
                "shelter_choice": State(ids.SHELTER_CHOICE, "value"),
                "data_format": State(DATA_FORMAT, "value"),
            },
        },
        # while a file is made the status line shows a spinner instead of the last file's name
        running=[
            (
                Output(STATUS, "className"),
                "soja-export-status soja-export-working",
                "soja-export-status",
            ),
            *[
                (Output(b, "disabled"), True, False)
                for b in (HTML_BUTTON, PNG_BUTTON, REPORT_BUTTON, DATA_BUTTON)
            ],
        ],
        prevent_initial_call=True,
    )
    def _export(_clicks: list[int], states: dict[str, Any]) -> tuple[Any, str]:
        return download(_kind_of(ctx.triggered_id, states["data_format"]), states)


def button_labels(tr: Translator) -> tuple[str, ...]:
    return (
        tr("export_button_html"),
        tr("export_button_html_title"),
        tr("export_button_png"),
        tr("export_button_png_title"),
        tr("export_button_report"),
        tr("export_button_report_title"),
        tr("export_button_data"),
        tr("export_button_data_title"),
    )
