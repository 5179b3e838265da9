"""The resident map as an installable web app that opens again with no network.

Routes (below the app's path prefix, so the worker's scope is the app):

* ``sw.js``: the service worker (``static/sw.js``), preceded by ``self.SOJA`` = its cache
  version, the prefix and the place data's URL. The version is a hash of the data's and reference
  layers' content hashes and of the app's and Dash's versions: new data means a new cache, and the
  old one is deleted when the new worker activates.
* ``manifest.webmanifest``: name, colours and icons (``static/icon*.{svg,png}``, ``_soja/icon*``).

The page links the manifest (``head_html``), registers the worker (``assets/soja_boot.js``) and
carries a hidden notice with the data's date, shown when the worker served a kept copy.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from dash import Dash, html
from dash import __version__ as dash_version
from flask import Response, abort

from soja_map import __version__
from soja_map.i18n import Translator, as_lang, translator
from soja_map.web import ids
from soja_map.web.context import AppContext

STATIC_DIR = Path(__file__).resolve().parent / "static"
WORKER_ROUTE = "sw.js"
MANIFEST_ROUTE = "manifest.webmanifest"
ICONS = {"icon.svg": "image/svg+xml", "icon-192.png": "image/png", "icon-512.png": "image/png"}
THEME_COLOUR = "#0072b2"  # soja_map.css --soja-accent
BACKGROUND_COLOUR = "#f7f7f5"  # --soja-bg


def cache_version(ctx: AppContext) -> str:
    """What the worker's cache is keyed by: the data's content hashes and the code's versions."""
    parts = [
        ctx.mapdata.places.etag,
        *sorted(p.etag for p in ctx.mapdata.references.values()),
        __version__,
        dash_version,
        (STATIC_DIR / "sw.js").read_text(encoding="utf-8"),
    ]
    return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()[:16]


def worker_script(ctx: AppContext, prefix: str) -> str:
    config = {"version": cache_version(ctx), "prefix": prefix, "places": ctx.places_url}
    body = (STATIC_DIR / "sw.js").read_text(encoding="utf-8")
    return f"self.SOJA = {json.dumps(config)};\n{body}"


def manifest(tr: Translator, prefix: str) -> dict[str, Any]:
    """The web app manifest (https://www.w3.org/TR/appmanifest/) in the app's default language."""
    return {
        "name": tr("app_title"),
        "short_name": tr("pwa_short_name"),
        "description": tr("pwa_description"),
        "lang": tr.lang,
        "start_url": prefix,
        "scope": prefix,
        "display": "standalone",
        "theme_color": THEME_COLOUR,
        "background_color": BACKGROUND_COLOUR,
        "icons": [
            {"src": f"{prefix}_soja/icon.svg", "sizes": "any", "type": "image/svg+xml"},
            {"src": f"{prefix}_soja/icon-192.png", "sizes": "192x192", "type": "image/png"},
            {"src": f"{prefix}_soja/icon-512.png", "sizes": "512x512", "type": "image/png"},
        ],
    }


def head_html(prefix: str) -> str:
    """The <head> lines of the page: the manifest, the theme colour and the home-screen icon."""
    return (
        f'<link rel="manifest" href="{prefix}{MANIFEST_ROUTE}">\n'
        f'<meta name="theme-color" content="{THEME_COLOUR}">\n'
        f'<link rel="apple-touch-icon" href="{prefix}_soja/icon-192.png">'
    )


def favicon_html(prefix: str) -> str:
    return f'<link rel="icon" type="image/svg+xml" href="{prefix}_soja/icon.svg">'


def cached_notice(ctx: AppContext, tr: Translator) -> html.P:
    """The notice shown over the map when the page is the worker's kept copy: the worker marks
    that page's <html data-soja-cached>, and the stylesheet (assets/soja_boot.css) shows the notice
    only under that mark, so it needs no callback."""
    _start, end = ctx.data.as_of_range()
    return html.P(
        tr("pwa_cached_copy", date=end or tr("pwa_undated")),
        id=ids.CACHED_NOTICE,
        className="soja-cached-notice",
        role="status",
    )


def register(app: Dash, ctx: AppContext) -> None:
    """The worker, manifest and icon routes."""
    routes = app.config.routes_pathname_prefix
    prefix = app.config.requests_pathname_prefix
    tr = translator(as_lang(ctx.settings.language))
    script = worker_script(ctx, prefix)
    manifest_json = json.dumps(manifest(tr, prefix), ensure_ascii=False)
    icons = {name: (STATIC_DIR / name).read_bytes() for name in ICONS}

    def worker() -> Response:
        return Response(script, mimetype="text/javascript")

    def manifest_route() -> Response:
        return Response(manifest_json, mimetype="application/manifest+json")

    def icon(name: str) -> Response:
        if name not in ICONS:
            abort(404)
        return Response(icons[name], mimetype=ICONS[name])

    server = app.server
    server.add_url_rule(f"{routes}{WORKER_ROUTE}", "soja_worker", worker)
    server.add_url_rule(f"{routes}{MANIFEST_ROUTE}", "soja_manifest", manifest_route)
    server.add_url_rule(f"{routes}_soja/<name>", "soja_icon", icon)
