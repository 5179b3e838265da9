"""The web app's defences, in one place: request limits, security headers, a health endpoint and
4xx answers to malformed callback input (``harden(app, ...)``, called once by ``create_app``); the
development server's one ``Server`` header (``DevRequestHandler``); and the refusal to start on
data that is not valid (``refusal``), said alike by ``soja-map serve``, ``python app.py`` and gunicorn.

The Content-Security-Policy allows what the app really loads and nothing else:

- scripts: this origin's files, plus the hashes of Dash's own inline scripts (``app.csp_hashes()``:
  the renderer start-up and any clientside callback); no other inline script, no ``eval``;
- styles: this origin and inline styles (React components and dcc's dropdowns set them);
- images: this origin, ``data:``/``blob:`` (Leaflet's icons, exports) and the tile servers' origins;
- fetch/XHR, web workers (a service worker), manifests and fonts: this origin only;
- no plugins (``object-src 'none'``), no framing by other sites (``frame-ancestors 'none'``).
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, Final
from urllib.parse import urlsplit

from dash import Dash
from flask import Flask, Response, request
from werkzeug.exceptions import HTTPException, InternalServerError
from werkzeug.serving import WSGIRequestHandler

from soja_map.errors import RequestError, SojaMapError, ValidationError

MAX_REQUEST_BYTES: Final = 1024 * 1024  # a callback body is a few kB; the largest seen is ~40 kB
HEALTH_PATH: Final = "_soja/health"
SERVER_NAME: Final = "soja-map"  # the Server header: no product versions, no Python version

# exceptions a callback raises when its input has the wrong shape or type (not our bugs' only
# cause, but on the callback route they are answered 400 and logged, never a bare 500)
MALFORMED: Final = (RequestError, ValueError, TypeError, KeyError, IndexError, AttributeError)
CALLBACK_ROUTE: Final = "_dash-update-component"

log = logging.getLogger(__name__)


def tile_origins(urls: Iterable[str]) -> list[str]:
    """The origins tile URL templates load from (``{s}.tile.example`` -> ``*.tile.example``)."""
    origins: set[str] = set()
    for url in urls:
        parts = urlsplit(url)
        if parts.scheme in {"http", "https"} and parts.netloc:
            host = parts.netloc.replace("{s}", "*")
            origins.add(f"{parts.scheme}://{host}")
    return sorted(origins)


def content_security_policy(script_hashes: Iterable[str], image_origins: Iterable[str]) -> str:
    directives = {
        "default-src": ["'self'"],
        "script-src": ["'self'", *script_hashes],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:", *image_origins],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "worker-src": ["'self'"],
        "manifest-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
    return "; ".join(f"{name} {' '.join(values)}" for name, values in directives.items())


def security_headers(csp: str) -> dict[str, str]:
    return {
        "Content-Security-Policy": csp,
        "X-Frame-Options": "DENY",
        "X-Content-Type-Options": "nosniff",
        # tile servers (OpenStreetMap's policy) want to know the site, never the page and its query
        "Referrer-Policy": "strict-origin-when-cross-origin",
        "Cross-Origin-Opener-Policy": "same-origin",
        "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
    }


def harden(
    app: Dash,
    *,
    tile_urls: Iterable[str],
    health: Callable[[], dict[str, Any]],
    max_request_bytes: int = MAX_REQUEST_BYTES,
) -> None:
    """Limits, headers, health endpoint and 4xx for malformed callback input on ``app``."""
    server: Flask = app.server
    server.config["MAX_CONTENT_LENGTH"] = max_request_bytes
    images = tile_origins(tile_urls)
    policy: dict[str, str] = {}

    def headers() -> dict[str, str]:
        # the hashes are taken on the first response, once every callback is registered
        if not policy:
            policy.update(security_headers(content_security_policy(app.csp_hashes(), images)))
        return policy

    @server.after_request
    def _secure(response: Response) -> Response:
        for name, value in headers().items():
            response.headers.setdefault(name, value)
        # for servers that take the app's word for it. gunicorn drops it and sends its own
        # "Server: gunicorn", with no version (its hop-by-hop list has Server and Date);
        # Werkzeug's always sends its own too ("Werkzeug/x Python/y"), so soja-map's entry
        # points run it with DevRequestHandler, which sends this name once
        response.headers["Server"] = SERVER_NAME
        return response

    prefix = app.config.routes_pathname_prefix
    server.add_url_rule(f"{prefix}{HEALTH_PATH}", "soja_health", lambda: _health(health))
    server.register_error_handler(Exception, _answer_error)


class DevRequestHandler(WSGIRequestHandler):
    """Werkzeug's development server naming the app alone, in one ``Server`` header.

    ``http.server`` sends ``Server: <version_string()>`` and ``Date`` with every response, before
    the app's headers, so the app's own ``Server`` (set for other servers) and ``Date`` (set by
    conditional responses) would be second ones: they are dropped here. Give it to
    ``app.run(request_handler=...)``.
    """

    _SINGLE: Final = frozenset({"server", "date"})
    _sent: frozenset[str] = frozenset()  # which of _SINGLE this response has sent

    def version_string(self) -> str:
        return SERVER_NAME

    def send_response(self, code: int, message: str | None = None) -> None:
        self._sent = frozenset()
        super().send_response(code, message)

    def send_header(self, keyword: str, value: str) -> None:
        name = keyword.lower()
        if name in self._SINGLE:
            if name in self._sent:
                return
            self._sent |= {name}
        super().send_header(keyword, value)


def refusal(geodata_dir: Path, exc: SojaMapError) -> str:
    """Why the app does not start: one line saying so, then the report ``validate`` gives."""
    if isinstance(exc, ValidationError):
        return f"soja-map: refusing to start: the data in {geodata_dir} is not valid.\n{exc}"
    return f"soja-map: refusing to start: {exc}"


WARM_KEY: Final = "soja_map.warm"


def add_warmer(app: Dash, warmer: Callable[[], object]) -> None:
    """Register work to do before the fork (caches a worker would otherwise build on first use)."""
    app.server.extensions.setdefault(WARM_KEY, []).append(warmer)


def warm(server: Flask) -> float:
    """Build the registered caches and run Dash's first-request set-up; the seconds it took.

    Called in gunicorn's master with ``preload_app`` (gunicorn_conf.when_ready), so that every
    worker starts with them (shared copy-on-write) instead of building its own.
    """
    started = time.perf_counter()
    for warmer in server.extensions.get(WARM_KEY, []):
        warmer()
    client = server.test_client()
    for path in ("", "_dash-layout", "_dash-dependencies"):
        client.get(f"{server.config.get('APPLICATION_ROOT', '/').rstrip('/')}/{path}")
    return time.perf_counter() - started


def _health(health: Callable[[], dict[str, Any]]) -> Response:
    body = {"status": "ok", **health()}
    response = Response(json.dumps(body), mimetype="application/json")
    response.headers["Cache-Control"] = "no-store"
    return response


def _answer_error(exc: Exception) -> Any:
    """HTTP errors as they are; malformed callback input as 400; anything else a logged 500."""
    if isinstance(exc, HTTPException):
        return exc
    if isinstance(exc, MALFORMED) and request.path.endswith(CALLBACK_ROUTE):
        log.warning("malformed callback input: %s: %s", type(exc).__name__, exc)
        return _json_error(400, "malformed callback input")
    log.error("unhandled error on %s", request.path, exc_info=exc)
    return InternalServerError()


def _json_error(status: int, message: str) -> Response:
    return Response(json.dumps({"error": message}), status=status, mimetype="application/json")
