"""One Chromium at a time per machine, whatever the number of server workers: a render queue.

Each headless Chromium needs ~300 MB and a CPU core for seconds; eight parallel PNG exports once
started eight and held a health check for 11 s. Renders therefore take turns on an exclusive file
lock (``flock``: released by the kernel when a process dies, so a killed worker never blocks the
queue). At most ``depth`` renders wait, each for at most ``wait_s`` seconds; beyond that the answer
is BusyError at once, so no worker hangs on the queue.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from soja_map.errors import BusyError

DEFAULT_WAIT_S: Final = 20.0  # with a 30 s render, under gunicorn's 120 s worker timeout
DEFAULT_DEPTH: Final = 2  # renders that may wait behind the running one
_POLL_S: Final = 0.05


def default_lock_dir() -> Path:
    return Path(tempfile.gettempdir())


@dataclass(frozen=True)
class RenderQueue:
    """Turns for the renderer, across processes (see the module docstring)."""

    lock_dir: Path
    name: str = f"soja-map-render-{os.getuid() if hasattr(os, 'getuid') else 0}"
    wait_s: float = DEFAULT_WAIT_S
    depth: int = DEFAULT_DEPTH

    def _path(self, suffix: str) -> Path:
        return self.lock_dir / f"{self.name}.{suffix}.lock"

    @contextlib.contextmanager
    def turn(self) -> Iterator[None]:
        """Hold the renderer for the block; BusyError when the queue is full or the wait too long."""
        with self._waiting_place():
            running = _open_lock(self._path("running"))
            try:
                if not _lock(running, time.monotonic() + self.wait_s):
                    raise BusyError(
                        f"the map renderer is busy (waited {self.wait_s:g} s): try again shortly"
                    )
                yield
            finally:
                os.close(running)  # releases the lock

    @contextlib.contextmanager
    def _waiting_place(self) -> Iterator[None]:
        """One of ``depth + 1`` places (the running render and those waiting), or BusyError now."""
        for i in range(self.depth + 1):
            fd = _open_lock(self._path(f"place{i}"))
            if _lock(fd, None):
                try:
                    yield
                finally:
                    os.close(fd)
                return
            os.close(fd)
        raise BusyError(
            f"the map renderer is busy ({self.depth} render(s) already waiting): try again shortly"
        )


def _open_lock(path: Path) -> int:
    return os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o600)


def _lock(fd: int, deadline: float | None) -> bool:
    """Take the exclusive lock on ``fd``: at once (deadline None) or by polling until the deadline."""
    try:
        import fcntl  # noqa: PLC0415 - POSIX only
    except ImportError:  # pragma: no cover - Windows: no cross-process queue
        return True
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if deadline is None or time.monotonic() >= deadline:
                return False
            time.sleep(_POLL_S)
        else:
            return True


RENDER_QUEUE: Final = RenderQueue(default_lock_dir())
