"""Serving the resident map fast on a phone: compressed responses, cache headers that let the browser
keep what cannot change, only the scripts the page uses, and no inline script of our own.

``install(app)`` is called once by ``create_app``; it works the same behind gunicorn and under a
sub-path (every route and URL goes through the app's pathname prefixes).

* Compression (Flask-Compress): brotli, else gzip, for HTML, JS, CSS, JSON and the place payload.
* Cache headers: Dash's fingerprinted bundles (``name.v4_4_1m123.js``), assets whose URL carries
  their modification time (``?m=``) and our own versioned URLs are ``immutable`` for a year; every
  other GET answer (the page, ``_dash-layout``, ``_dash-dependencies``) is ``no-cache`` with an
  ETag, so a repeat visit costs a 304.
* Scripts: Dash always lists the DataTable bundle and a Babel polyfill for old browsers; the app uses
  no DataTable and supports browsers that need no polyfill, so both are left out of the page.
* Dash's ``new DashRenderer()`` is an inline ``<script>``; it is served as a file instead, so the
  page runs under a Content-Security-Policy of ``script-src 'self'``.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import brotli  # type: ignore[import-untyped]
from dash import Dash
from dash import __version__ as dash_version
from dash.fingerprint import check_fingerprint
from flask import Response, request
from flask_compress import Compress
from markupsafe import escape

from soja_map.web.mapdata import Payload

IMMUTABLE = "public, max-age=31536000, immutable"
# the first layouts kept per worker, by the page's query string (each about 230 kB of JSON; the
# layout depends only on it, the settings and the data, all fixed for the worker's life)
LAYOUT_CACHE_SIZE = 32
# compressed bodies kept per worker: the fingerprinted bundles and data files (which never change
# under their URL) and the cached first layouts; everything else is compressed per response
COMPRESSED_CACHE_SIZE = 128
NO_KEY = "\x00not-cached"
HEALTH_PATH = "_soja/health"  # its answer changes (web.security serves it, no-store)
REVALIDATE = "no-cache"
# substrings of script URLs the page never needs
DROPPED_SCRIPTS = ("/dash/deps/polyfill@", "/dash/dash_table/")
COMPRESSED_TYPES = (
    "text/html",
    "text/css",
    "text/javascript",
    "application/javascript",
    "application/json",
    "application/geo+json",
    "application/manifest+json",
    "image/svg+xml",
)
RENDERER_ROUTE = "_soja/renderer.js"
BROTLI_QUALITY = 6  # for the data, compressed once: 50,000 places take about a second
_SCRIPT_TAG = re.compile(r'<script src="([^"]*)"></script>\n?')


def brotli_bodies(payloads: Iterable[Payload]) -> dict[str, bytes]:
    """Each content-hashed payload brotli-encoded once (by ETag): about a quarter smaller than its
    gzip for the place data, compressed when the app starts rather than on every request."""
    return {p.etag: brotli.compress(p.body, quality=BROTLI_QUALITY) for p in payloads}


def drop_scripts(scripts: str, dropped: tuple[str, ...] = DROPPED_SCRIPTS) -> str:
    """The ``{%scripts%}`` HTML without the ``<script src>`` tags whose URL contains one of ``dropped``."""

    def keep(match: re.Match[str]) -> str:
        return "" if any(part in match.group(1) for part in dropped) else match.group(0)

    return _SCRIPT_TAG.sub(keep, scripts)


def cache_control(path: str, query: str) -> str:
    """The Cache-Control of a GET answer for ``path`` (below the prefix) and its query string."""
    fingerprinted = "_dash-component-suites/" in path and check_fingerprint(path)[1]  # type: ignore[no-untyped-call]
    versioned = "m=" in query or "v=" in query or path.startswith("_soja/")
    return IMMUTABLE if fingerprinted or versioned else REVALIDATE


def page_search(app: Dash) -> str | None:
    """The query string of the page that asks for ``_dash-layout`` (its Referer, which browsers
    send in full to the same origin unless a Referrer-Policy forbids it); ``None`` if unknown."""
    referrer = request.referrer
    if not referrer:
        return None
    parts = urlsplit(referrer)
    if parts.path != app.config.requests_pathname_prefix:
        return None
    return parts.query


def _relative(app: Dash, path: str) -> str:
    prefix = app.config.routes_pathname_prefix
    return path[len(prefix) :] if path.startswith(prefix) else path.lstrip("/")


def _add_cache_headers(app: Dash) -> None:
    def headers(response: Response) -> Response:
        if request.method not in ("GET", "HEAD") or response.status_code != 200:
            return response
        if response.is_streamed and response.mimetype in COMPRESSED_TYPES:
            # assets come as a file stream, which Flask-Compress would only brotli-encode
            response.direct_passthrough = False
            response.make_sequence()
        path = _relative(app, request.path)
        query = request.query_string.decode("latin-1")
        if "no-store" in response.headers.get("Cache-Control", ""):  # the health check says so
            return response
        response.headers["Cache-Control"] = cache_control(path, query)
        if path == "_dash-layout":  # the page in it is the one of the Referer's query
            response.vary.add("Referer")
        if response.headers["Cache-Control"] == REVALIDATE and not response.is_streamed:
            # Flask-Compress (which runs after this) adds the encoding to the tag
            response.add_etag()
            response.make_conditional(request)
        return response

    # after_request functions run last-registered first: this one before Flask-Compress
    app.server.after_request(headers)


def _serve_renderer(app: Dash) -> None:
    def renderer() -> Response:
        return Response(app.renderer, mimetype="text/javascript")

    app.server.add_url_rule(
        f"{app.config.routes_pathname_prefix}{RENDERER_ROUTE}", "soja_renderer", renderer
    )


_HTML_LANG = re.compile(r'<html lang="[^"]*"')


@dataclass(frozen=True)
class Entry:
    """What a page shows before the app runs: its language, title and entry point's HTML."""

    lang: str
    title: str
    html: str


def _index_with(
    app: Dash, head: str, favicon: str | None, entry: Callable[[], Entry] | None
) -> None:
    """Filter the page's scripts, load the renderer from a file, add ``head`` to the <head> and
    replace Dash's 15 KiB favicon.ico with ``favicon`` (a <link>) when given. ``entry()`` gives
    the page's language, title and entry point (what shows before the app has run)."""
    original = app.interpolate_index
    renderer_url = f"{app.config.requests_pathname_prefix}{RENDERER_ROUTE}?v={dash_version}"

    def interpolate_index(**kwargs: Any) -> str:
        kwargs["scripts"] = drop_scripts(kwargs.get("scripts", ""))
        kwargs["renderer"] = f'<script id="_dash-renderer" src="{renderer_url}"></script>'
        kwargs["metas"] = f"{kwargs.get('metas', '')}\n{head}"
        if favicon is not None:
            kwargs["favicon"] = favicon
        if entry is None:
            return str(original(**kwargs))  # type: ignore[no-untyped-call]
        first = entry()
        kwargs["app_entry"] = first.html
        kwargs["title"] = escape(first.title)
        page = str(original(**kwargs))  # type: ignore[no-untyped-call]
        return _HTML_LANG.sub(f'<html lang="{escape(first.lang)}"', page, count=1)

    app.interpolate_index = interpolate_index  # type: ignore[method-assign,assignment]


def install(
    app: Dash,
    *,
    head: str = "",
    favicon: str | None = None,
    entry: Callable[[], Entry] | None = None,
) -> None:
    """Compression, cache headers, the trimmed script list and the external renderer for ``app``;
    ``head`` is extra HTML for the page's <head> (the manifest link), ``favicon`` its icon link,
    ``entry`` the page's first paint (web/first_paint.py)."""
    server = app.server
    server.config.setdefault("COMPRESS_ALGORITHM", ["br", "gzip"])
    server.config.setdefault("COMPRESS_MIMETYPES", list(COMPRESSED_TYPES))
    server.config.setdefault("COMPRESS_CACHE_BACKEND", CompressedCache)
    server.config.setdefault("COMPRESS_CACHE_KEY", _compress_key(app))
    Compress(server)
    _add_cache_headers(app)
    _serve_renderer(app)
    _index_with(app, head, favicon, entry)
    _cache_layout(app)


def _cache_layout(app: Dash, size: int = LAYOUT_CACHE_SIZE) -> None:
    """Serve ``_dash-layout`` from a small per-worker LRU keyed by the page's query string: the
    first screen of a busy day is a few links (the bare map, a project, English), and building one
    takes ~170 ms of Python against ~1 ms to send it again. Bounded, so odd queries only evict."""
    server = app.server
    endpoint = next(
        (r.endpoint for r in server.url_map.iter_rules() if r.rule.endswith("/_dash-layout")),
        None,
    )
    if endpoint is None:
        return
    view = server.view_functions[endpoint]
    cache: OrderedDict[str | None, bytes] = OrderedDict()
    lock = threading.Lock()

    def cached_layout(*args: Any, **kwargs: Any) -> Response:
        key = page_search(app)
        with lock:
            body = cache.get(key)
            if body is not None:
                cache.move_to_end(key)
        if body is None:
            response: Response = server.make_response(view(*args, **kwargs))
            if response.status_code != 200:
                return response
            body = response.get_data()
            with lock:
                cache[key] = body
                while len(cache) > size:
                    cache.popitem(last=False)
        return Response(body, mimetype="application/json")

    server.view_functions[endpoint] = cached_layout


class CompressedCache:
    """Flask-Compress's cache backend: a bounded LRU of compressed bodies. Keys ending in NO_KEY
    (POSTs, pages that may change) are never kept, so only :func:`_compress_key`'s choices are."""

    def __init__(self, size: int = COMPRESSED_CACHE_SIZE) -> None:
        self._items: OrderedDict[str, bytes] = OrderedDict()
        self._size = size
        self._lock = threading.Lock()

    def get(self, key: str) -> bytes | None:
        if key.endswith(NO_KEY):
            return None
        with self._lock:
            body = self._items.get(key)
            if body is not None:
                self._items.move_to_end(key)
            return body

    def set(self, key: str, value: bytes) -> None:
        if key.endswith(NO_KEY):
            return
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self._size:
                self._items.popitem(last=False)


def _compress_key(app: Dash) -> Any:
    """What a compressed body may be reused for: a GET of a file that never changes under its
    URL, or a first layout (by its page's query string); anything else gets NO_KEY."""

    def key(req: Any) -> str:
        path = _relative(app, req.path)
        if req.method != "GET" or path == HEALTH_PATH:
            return NO_KEY
        if path == "_dash-layout":
            search = page_search(app)
            return NO_KEY if search is None else f"_dash-layout?{search}"
        if cache_control(path, req.query_string.decode("latin-1")) == IMMUTABLE:
            return str(req.full_path)
        return NO_KEY

    return key
