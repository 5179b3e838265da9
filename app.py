"""The map for WSGI servers: ``gunicorn --workers 4 --preload --bind 0.0.0.0:8050 app:server``.

``python app.py`` runs Dash's own server on http://127.0.0.1:8050 (settings from SOJA_MAP_*
variables, see ``soja-map --help``). Data that fails validation stops the start with the report.
"""

from __future__ import annotations

import sys

from soja_map.config import Settings
from soja_map.data.dataset import load_dataset
from soja_map.errors import SojaMapError
from soja_map.web.app import create_app
from soja_map.web.security import DevRequestHandler, refusal

settings = Settings.from_env()
try:
    dataset = load_dataset(settings)
except SojaMapError as exc:
    sys.exit(refusal(settings.geodata_dir, exc))
app = create_app(settings, dataset)
server = app.server

if __name__ == "__main__":
    app.run(
        host=settings.host,
        port=settings.port,
        debug=settings.debug,
        request_handler=DevRequestHandler,
    )
