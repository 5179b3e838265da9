"""The classes of "share covered" on coverage maps: the planner's choropleth and the report's map.

The colours are ``styling.SHARE_COLOURS`` (one per class); a zone with no people is
``styling.NO_PEOPLE_COLOUR``. A contract test holds the planner (web/planner/model.py) to the
same breaks.
"""

from __future__ import annotations

import math
from typing import Final

from soja_map.query.styling import NO_PEOPLE_COLOUR, SHARE_COLOURS

SHARE_BREAKS: Final = (0.2, 0.4, 0.6, 0.8)


def share_class(share: float | None) -> int:
    """0..4 for the classes (a share on a break goes to the class above it); -1 for no people."""
    if share is None or not math.isfinite(share):
        return -1
    return sum(share >= b for b in SHARE_BREAKS)


def share_colour(share: float | None) -> str:
    klass = share_class(share)
    return NO_PEOPLE_COLOUR if klass < 0 else SHARE_COLOURS[klass]


def class_bounds() -> list[tuple[float, float, str]]:
    """(from, to, colour) of each class, lowest first."""
    edges = (0.0, *SHARE_BREAKS, 1.0)
    return [(edges[i], edges[i + 1], c) for i, c in enumerate(SHARE_COLOURS)]
