"""create_app(settings, dataset): the resident map as a Dash app (nothing here imports folium)."""

from __future__ import annotations

from pathlib import Path

from dash import Dash
from flask import Response, abort, has_request_context, request

from soja_map.config import Settings
from soja_map.data.dataset import Dataset
from soja_map.i18n import as_lang, translator
from soja_map.maps.api import BrowserConfig
from soja_map.query.basemaps import TileSource, tile_sources
from soja_map.web import deferred, export_button, first_paint, perf, pwa
from soja_map.web.callbacks import register_all
from soja_map.web.context import AppContext, build_context
from soja_map.web.layout import first_layout
from soja_map.web.mapdata import Payload
from soja_map.web.planner.callbacks import register_callbacks as register_planner
from soja_map.web.security import add_warmer, harden

ASSETS_DIR = Path(__file__).resolve().parent / "assets"

INDEX = """<!DOCTYPE html>
<html lang="{lang}">
    <head>
        {{%metas%}}
        <title>{{%title%}}</title>
        {{%favicon%}}
        {{%css%}}
    </head>
    <body>
        {{%app_entry%}}
        <footer>
            {{%config%}}
            {{%scripts%}}
            {{%renderer%}}
        </footer>
    </body>
</html>"""


def relative_path(app: Dash, path: str) -> str:
    """``path`` under the app's requests prefix (the app may be served below a sub-path)."""
    return str(app.get_relative_path("/" + path))  # type: ignore[no-untyped-call]


def _serve(payload: Payload, brotli_body: bytes | None = None) -> Response:
    if brotli_body is not None and request.accept_encodings["br"]:
        response = Response(brotli_body, mimetype="application/geo+json")
        response.headers["Content-Encoding"] = "br"
    elif "gzip" in (request.headers.get("Accept-Encoding") or ""):
        response = Response(payload.gzipped, mimetype="application/geo+json")
        response.headers["Content-Encoding"] = "gzip"
    else:
        response = Response(payload.body, mimetype="application/geo+json")
    response.headers["Vary"] = "Accept-Encoding"
    # the URL carries the content hash, so the browser may keep it as long as it likes
    response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def _add_data_routes(app: Dash, ctx: AppContext) -> None:
    prefix = app.config.routes_pathname_prefix
    mapdata = ctx.mapdata
    packed = perf.brotli_bodies([mapdata.places, *mapdata.references.values()])

    def places(etag: str) -> Response:
        if etag != mapdata.places.etag:
            abort(404)
        return _serve(mapdata.places, packed.get(mapdata.places.etag))

    def reference(key: str, etag: str) -> Response:
        payload = mapdata.references.get(key)
        if payload is None or etag != payload.etag:
            abort(404)
        return _serve(payload, packed.get(payload.etag))

    app.server.add_url_rule(f"{prefix}_soja/places.<etag>.json", "soja_places", places)
    app.server.add_url_rule(
        f"{prefix}_soja/reference/<key>.<etag>.json", "soja_reference", reference
    )


def create_app(
    settings: Settings,
    data: Dataset,
    *,
    basemaps: tuple[TileSource, ...] | None = None,
    assets_folder: Path = ASSETS_DIR,
) -> Dash:
    """The Dash app over ``data``. ``basemaps`` replaces the tile sources (e.g. a local tile cache
    or a test stub); the attribution of each stays with it."""
    lang = as_lang(settings.language)
    tr = translator(lang)
    app = Dash(
        __name__,
        assets_folder=str(assets_folder),
        title=tr("app_title"),
        update_title="",  # the tab keeps its title while callbacks run
        # the page is rendered from the URL by a callback, so its components are not in the
        # initial layout (tests/test_web_app.py checks every callback id against the page instead
        # of app.validation_layout, which Dash 4 would ship inside the index page)
        suppress_callback_exceptions=True,
        meta_tags=[
            {"name": "viewport", "content": "width=device-width, initial-scale=1"},
            {"name": "description", "content": tr("app_title")},
        ],
    )
    app.index_string = INDEX.format(lang=lang)
    if basemaps is None and settings.tile_mirror:
        basemaps = tuple(tile_sources(settings.tile_mirror).values())
    browser = BrowserConfig.from_settings(settings)
    ctx = build_context(
        settings,
        data,
        url_for=lambda path: relative_path(app, path),
        basemaps=basemaps,
        can_render=browser.available(),
    )
    app.layout = lambda: first_layout(ctx, perf.page_search(app) if has_request_context() else None)
    _add_data_routes(app, ctx)
    prefix = app.config.requests_pathname_prefix
    perf.install(
        app,
        head=pwa.head_html(prefix),
        favicon=pwa.favicon_html(prefix),
        entry=first_paint.entry_for(ctx, lambda: request.query_string.decode("latin-1")),
    )
    pwa.register(app, ctx)
    deferred.register(app)
    register_all(app, ctx)
    planner = register_planner(app, data)
    export_button.register_callbacks(
        app,
        data,
        basemap=settings.basemap if settings.tiles else "none",
        tile_mirror=settings.tile_mirror,
        browser=browser,
    )
    harden(
        app,
        tile_urls=[b.url for b in ctx.basemaps],
        health=lambda: {"places": len(data.places)},
    )
    add_warmer(app, planner.warm)
    return app
