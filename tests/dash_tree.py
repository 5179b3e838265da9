"""Walking a Dash component tree in tests: every component, and every string a person reads."""

from __future__ import annotations

from typing import Any


def walk(component: Any) -> list[Any]:
    """``component`` and every component below it (through ``children``), depth first."""
    if isinstance(component, list | tuple):
        return [x for item in component for x in walk(item)]
    if component is None or isinstance(component, str | int | float):
        return []
    return [component, *walk(getattr(component, "children", None))]


def strings(component: Any) -> list[str]:
    """Every text node below ``component``, in order."""
    if isinstance(component, str):
        return [component]
    if isinstance(component, list | tuple):
        return [s for x in component for s in strings(x)]
    if component is None or isinstance(component, int | float):
        return []
    return strings(getattr(component, "children", None))
