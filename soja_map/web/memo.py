"""Bounded memos for the views residents ask for again and again with the same inputs.

The panel (counts, options, legend), a page of the place list, the search hits and the planner's
coverage view are pure functions of the data (fixed while the app runs) and of their inputs, and
most people ask for the same few states: the map as it opens, one project ticked, Japanese or
English, nurseries within 800 m. A worker answers a state it has drawn before from memory instead
of filtering and drawing it again (the panel: 22 ms to 2; the planner's table and chart: 66 ms to
4), which matters most at the busiest moment of a busy day: everyone opening the map after the
same announcement.

What is kept is the result's JSON form (plain dicts, lists and strings, as Dash sends it), not
the component objects: Dash then writes it out with the C JSON encoder instead of walking a few
hundred components again (the list page: 9 ms to under 1), and it holds fewer objects.

Each memo is an LRU of fixed size per app: new inputs cost what they did without it and push out
the oldest entry, so variety (hostile or not) cannot grow memory; inputs whose text is long are
not kept at all.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Hashable
from typing import Any

from dash._utils import to_json

MAX_KEY_CHARS = 400  # longer inputs (a pasted paragraph in the search box) are drawn, not kept


def key_of(values: Any) -> str:
    """A callback's JSON input values (dicts and lists included) as one hashable key."""
    return json.dumps(values, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def as_sent(value: Any) -> Any:
    """``value`` (components, or tuples and lists of them) as the plain JSON Dash would send."""
    return json.loads(to_json(value))  # type: ignore[no-untyped-call]  # dash is untyped


def bounded_memo(
    function: Callable[..., Any], size: int, *, max_key_chars: int = MAX_KEY_CHARS
) -> Callable[..., Any]:
    """``function`` with its last ``size`` results kept (as sent), keyed by its hashable arguments
    (not kept when their repr is longer than ``max_key_chars``). A tuple result stays a tuple (a
    callback's several outputs)."""

    def sent(*args: Hashable) -> Any:
        result = function(*args)
        plain = as_sent(result)
        return tuple(plain) if isinstance(result, tuple) else plain

    kept = functools.lru_cache(maxsize=size)(sent)

    @functools.wraps(function)
    def call(*args: Hashable) -> Any:
        if len(repr(args)) > max_key_chars:
            return function(*args)
        return kept(*args)

    call.cache_info = kept.cache_info  # type: ignore[attr-defined]
    return call
