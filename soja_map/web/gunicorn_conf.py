"""gunicorn settings for production: ``gunicorn -c soja_map/web/gunicorn_conf.py app:server``.

Values come from environment variables where a deployment may differ (SOJA_MAP_BIND,
SOJA_MAP_WORKERS); the rest is what the app needs:

- ``preload_app``: the data set, map payloads and the planner's population grid and zones are
  built once in the master (``when_ready`` warms them) and shared by the forked workers
  (copy-on-write), instead of once per worker on its first request;
- ``timeout`` above the render queue's wait plus one render (see soja_map.maps.queue), so a PNG
  export is answered or refused as busy, never killed as a hung worker;
- request line and header limits; the body limit is the app's MAX_CONTENT_LENGTH;
- one JSON object per request in the access log (time, method, path, status, bytes, duration,
  worker pid), for log collectors.
"""

from __future__ import annotations

import datetime as dt
import gc
import json
import os
import traceback
from typing import Any

from gunicorn.glogging import Logger  # type: ignore[import-untyped]

bind = os.environ.get("SOJA_MAP_BIND", "127.0.0.1:8050")
workers = int(os.environ.get("SOJA_MAP_WORKERS", "4"))
preload_app = True
timeout = 120
graceful_timeout = 30
keepalive = 5
limit_request_line = 8190
limit_request_fields = 100
limit_request_field_size = 8190
accesslog = "-"
errorlog = "-"


class JsonAccessLogger(Logger):  # type: ignore[misc]  # gunicorn is untyped
    """gunicorn's logger with one JSON object per request in the access log (values escaped)."""

    def access(self, resp: Any, req: Any, environ: dict[str, Any], request_time: Any) -> None:
        if not self.access_log_enabled:
            return
        atoms = self.atoms(resp, req, environ, request_time)
        record = {
            "time": dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds"),
            "remote": atoms["h"],
            "method": atoms["m"],
            "path": atoms["U"],
            "query": atoms["q"],
            "status": int(atoms["s"]) if str(atoms["s"]).isdigit() else atoms["s"],
            "bytes": atoms["B"],
            "duration_ms": round(atoms["D"] / 1000, 1),
            "referer": atoms["f"],
            "agent": atoms["a"],
            "pid": os.getpid(),
        }
        try:
            self.access_log.info(json.dumps(record, ensure_ascii=False))
        except Exception:
            self.error(traceback.format_exc())


logger_class = JsonAccessLogger


def when_ready(server: Any) -> None:
    """With preload_app the app is loaded in the master: warm its caches before the fork."""
    from soja_map.web.security import warm  # noqa: PLC0415

    seconds = warm(server.app.wsgi())
    # objects made so far live as long as the app: keep the collector from touching (and so
    # copying) their pages in every worker
    gc.collect()
    gc.freeze()
    server.log.info("soja-map: caches built before the fork in %.1f s", seconds)
