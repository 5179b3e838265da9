"""Serving the app for the benches, on 127.0.0.1 only: gunicorn as the README deploys it, or werkzeug
in the bench's own process (for generated data that no file holds)."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from werkzeug.serving import make_server

REPO = Path(__file__).resolve().parents[1]
START_TIMEOUT_S = 120


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def gunicorn(
    args: Sequence[str], env: Mapping[str, str] | None = None
) -> Iterator[tuple[str, subprocess.Popen[bytes], float]]:
    """``gunicorn ARGS --bind 127.0.0.1:PORT app:server`` from the repository (this tree's code).
    Yields the base URL (no trailing slash), the master process and the start deadline."""
    port = free_port()
    exe = Path(sys.executable).with_name("gunicorn")
    proc = subprocess.Popen(
        [str(exe), *args, "--bind", f"127.0.0.1:{port}", "app:server"],
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO), **(env or {})},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 1):
                break
            if proc.poll() is not None:
                raise RuntimeError("gunicorn did not start")
            time.sleep(0.2)
        yield f"http://127.0.0.1:{port}", proc, deadline
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)


@contextlib.contextmanager
def in_process(wsgi_app: Any) -> Iterator[str]:
    """``wsgi_app`` served by werkzeug in a thread of this process; yields its URL."""
    server = make_server("127.0.0.1", 0, wsgi_app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/"
    finally:
        server.shutdown()
