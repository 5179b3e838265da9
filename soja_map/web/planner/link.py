"""The planner's part of a shared link, and its what-if scenarios. No dash here.

``PlannerLink`` is what the URL carries for the planner (facility kind, radius and preset, zone
kind, layers, the what-if being edited, the saved scenarios and which two are shown); ``link_pairs``
writes it and ``parse_link`` reads it back, forgiving like the rest of the URL: an unknown value is
dropped, never an error, and every count is bounded. The scenario list operations (save, delete,
merge with the browser's copy) are pure functions the callbacks call.
"""

from __future__ import annotations

import math
from collections.abc import Container, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Final

from soja_map.analysis.presets import DEFAULT_PRESET, PRESETS, preset_matching
from soja_map.data.plan import Plan
from soja_map.data.schema import PLACE_CATEGORIES
from soja_map.web.planner import ids
from soja_map.web.planner.model import (
    BY_CHOICES,
    CUSTOM,
    FILTER_SOURCE,
    LAYER_CHOICES,
    MAX_REMOVED,
    MAX_WHATIF_POINTS,
    RADIUS_MAX_M,
    RADIUS_MIN_M,
)

MAX_SCENARIOS: Final = 4  # kept side by side in the browser and the link: enough to compare plans
MAX_NAME: Final = 40  # characters of a scenario's name
MAX_READ: Final = 4 * MAX_SCENARIOS  # scenarios looked at (odd and repeated ones are dropped)
LONLAT_DIGITS: Final = 6  # the what-if's own rounding (next_whatif): the link loses nothing
DEFAULT_RADIUS: Final = PRESETS[DEFAULT_PRESET].radius_m
FIELD_SEP: Final = "~"  # name~lon,lat,lon,lat~id,id (unreserved in a URL, rare in a name)

# URL parameter names of the planner (documented in the README with soja_map.web.state.PARAMS)
PARAMS: Final = (
    "facilities",
    "preset",
    "radius",
    "zones",
    "planner_layers",
    "add",
    "remove",
    "scenario",
    "active",
    "vs",
)

Point = tuple[float, float]


@dataclass(frozen=True)
class Scenario:
    """A named what-if: points added ([lon, lat]) and facility ids removed."""

    name: str
    added: tuple[Point, ...] = ()
    removed: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """The form the scenario stores hold (JSON)."""
        return {
            "name": self.name,
            "add": [list(p) for p in self.added],
            "remove": list(self.removed),
        }


@dataclass(frozen=True)
class PlannerLink:
    """The planner's settings a link restores; the defaults are the panel's first screen."""

    source: str | None = None
    preset: str = DEFAULT_PRESET
    radius: float = DEFAULT_RADIUS
    by: str = "town"
    layers: tuple[str, ...] = LAYER_CHOICES
    added: tuple[Point, ...] = ()
    removed: tuple[str, ...] = ()
    scenarios: tuple[Scenario, ...] = ()
    active: str | None = None  # the scenario being shown (and the downloads' scenario name)
    vs: str | None = None  # the scenario compared with the active one

    def with_(self, **changes: Any) -> PlannerLink:
        return replace(self, **changes)

    def scenario(self, name: str | None) -> Scenario | None:
        return scenario_named(self.scenarios, name)


def scenario_named(scenarios: Sequence[Scenario], name: str | None) -> Scenario | None:
    return next((s for s in scenarios if s.name == name), None) if name else None


# -- forgiving readers (for the URL and for what the browser sends) -------------------------------


def _number(raw: Any) -> float | None:
    try:
        value = float(raw)
    except (TypeError, ValueError):
        return None
    return value if math.isfinite(value) else None


def points_of(raw: Any) -> tuple[Point, ...]:
    """At most MAX_WHATIF_POINTS (lon, lat) pairs of degrees from ``[[lon, lat], ...]`` or a flat
    ``lon,lat,lon,lat`` text; anything else is dropped."""
    if isinstance(raw, str):
        flat = [_number(x) for x in raw.split(",", 4 * MAX_WHATIF_POINTS) if x]  # bounded
        pairs: list[Any] = [flat[i : i + 2] for i in range(0, len(flat) - 1, 2)]
    else:
        pairs = list(raw) if isinstance(raw, list | tuple) else []
    out: list[Point] = []
    for pair in pairs:
        if not isinstance(pair, list | tuple) or len(pair) != 2:
            continue
        lon, lat = _number(pair[0]), _number(pair[1])
        if lon is None or lat is None or not (-180 <= lon <= 180 and -90 <= lat <= 90):
            continue
        point = (round(lon, LONLAT_DIGITS), round(lat, LONLAT_DIGITS))
        if point not in out:
            out.append(point)
    return tuple(out[:MAX_WHATIF_POINTS])


def ids_of(raw: Any, known: Container[str] | None) -> tuple[str, ...]:
    """Facility ids from a list or a comma list: known ones (any when ``known`` is None), once,
    at most MAX_REMOVED."""
    if isinstance(raw, str):
        raw = raw.split(",", 2 * MAX_REMOVED)
    items = raw[: 2 * MAX_REMOVED] if isinstance(raw, list | tuple) else []
    kept = (str(x) for x in items if isinstance(x, str) and x)
    return tuple(dict.fromkeys(x for x in kept if known is None or x in known))[:MAX_REMOVED]


def name_of(raw: Any) -> str:
    """A scenario name: one line of text, trimmed, at most MAX_NAME characters ("" if none)."""
    if not isinstance(raw, str):
        return ""
    return " ".join(raw.split())[:MAX_NAME].strip()


def scenario_of(raw: Any, known: Container[str] | None = None) -> Scenario | None:
    """A scenario from a store's dict (``{"name", "add", "remove"}``), or None when it has no name."""
    if not isinstance(raw, Mapping):
        return None
    name = name_of(raw.get("name"))
    if not name:
        return None
    return Scenario(name, points_of(raw.get("add")), ids_of(raw.get("remove"), known))


def scenarios_of(raw: Any, known: Container[str] | None = None) -> tuple[Scenario, ...]:
    """The scenarios of a store (a list of dicts): named ones, first of each name, at most
    MAX_SCENARIOS."""
    items = raw[:MAX_READ] if isinstance(raw, list | tuple) else []
    out: list[Scenario] = []
    for item in items:
        scenario = scenario_of(item, known)
        if scenario is not None and scenario_named(out, scenario.name) is None:
            out.append(scenario)
    return tuple(out[:MAX_SCENARIOS])


def source_ok(source: Any, plan: Plan | None) -> bool:
    """Whether ``source`` is a facility kind the panel offers (by its form when no plan is given)."""
    if not isinstance(source, str) or not source:
        return False
    if source == FILTER_SOURCE:
        return True
    kind, _, value = source.partition(":")
    if kind == "category":
        return value in PLACE_CATEGORIES
    if kind == "project":
        return plan is None or value in plan.project_by_id
    if kind == "measure":
        return plan is None or value in plan.measures
    return False


def radius_of(raw: Any) -> float | None:
    value = _number(raw)
    return value if value is not None and RADIUS_MIN_M <= value <= RADIUS_MAX_M else None


def preset_and_radius(preset: Any, radius: Any) -> tuple[str, float]:
    """The preset and radius to show: a known preset gives its radius unless one is given; a radius
    alone selects the preset with that radius, else "custom"; nothing gives the default."""
    value = radius_of(radius)
    if preset in PRESETS:
        return str(preset), PRESETS[str(preset)].radius_m if value is None else value
    if value is None:
        return DEFAULT_PRESET, DEFAULT_RADIUS
    match = preset_matching(value, None)
    return (match.name if match else CUSTOM), value


def _choice(raw: Any, names: Sequence[str]) -> str | None:
    return raw if isinstance(raw, str) and raw in names else None


def link_of(
    *,
    source: Any = None,
    preset: Any = None,
    radius: Any = None,
    by: Any = None,
    layers: Any = None,
    whatif: Any = None,
    removed: Any = None,
    scenarios: Any = None,
    active: Any = None,
    vs: Any = None,
    plan: Plan | None = None,
    known: Container[str] | None = None,
) -> PlannerLink:
    """The link of the panel's values (as the callbacks receive them), checked and bounded."""
    kept = scenarios_of(scenarios, known)
    names = [s.name for s in kept]
    shown_preset, shown_radius = preset_and_radius(preset, radius)
    chosen_layers = layers if isinstance(layers, list | tuple) else LAYER_CHOICES
    return PlannerLink(
        source=source if source_ok(source, plan) else None,
        preset=shown_preset,
        radius=shown_radius,
        by=by if by in BY_CHOICES else "town",
        layers=tuple(k for k in LAYER_CHOICES if k in chosen_layers),
        added=points_of((whatif or {}).get("add") if isinstance(whatif, Mapping) else whatif),
        removed=ids_of(removed, known),
        scenarios=kept,
        active=_choice(active, names),
        vs=_choice(vs, names),
    )


# -- the URL ---------------------------------------------------------------------------------------


def _number_text(value: float) -> str:
    text = f"{value:.{LONLAT_DIGITS}f}".rstrip("0").rstrip(".")
    return text if text not in {"", "-0"} else "0"


def _points_text(points: Sequence[Point]) -> str:
    return ",".join(_number_text(v) for p in points for v in p)


def scenario_text(scenario: Scenario) -> str:
    """``name~lon,lat,lon,lat~id,id`` (the name may hold the separator: it is read from the right)."""
    return FIELD_SEP.join((scenario.name, _points_text(scenario.added), ",".join(scenario.removed)))


def scenario_from_text(text: str, known: Container[str] | None) -> dict[str, Any]:
    name, _, rest = text.rpartition(FIELD_SEP)
    name, _, points = name.rpartition(FIELD_SEP)
    return {"name": name, "add": points_of(points), "remove": ids_of(rest, known)}


def link_pairs(link: PlannerLink) -> list[tuple[str, str]]:
    """The URL parameters of ``link`` (none for the default)."""
    pairs: list[tuple[str, str]] = []
    if link.source:
        pairs.append(("facilities", link.source))
    if link.preset != DEFAULT_PRESET:
        pairs.append(("preset", link.preset))
    if link.radius != PRESETS.get(link.preset, PRESETS[DEFAULT_PRESET]).radius_m:
        pairs.append(("radius", _number_text(link.radius)))
    if link.by != "town":
        pairs.append(("zones", link.by))
    if tuple(link.layers) != LAYER_CHOICES:
        pairs.append(("planner_layers", ",".join(link.layers)))
    if link.added:
        pairs.append(("add", _points_text(link.added)))
    if link.removed:
        pairs.append(("remove", ",".join(link.removed)))
    pairs += [("scenario", scenario_text(s)) for s in link.scenarios]
    if link.active:
        pairs.append(("active", link.active))
    if link.vs:
        pairs.append(("vs", link.vs))
    return pairs


def parse_link(
    query: Mapping[str, Sequence[str]], plan: Plan | None, known: Container[str] | None
) -> PlannerLink:
    """The link in a parsed query string (``parse_qs``: every value of every parameter), the
    inverse of ``link_pairs``. ``known`` are the facility ids a removal may name (None: any)."""

    def last(name: str) -> str | None:
        values = query.get(name)
        return values[-1] if values else None

    layers = last("planner_layers")
    return link_of(
        source=last("facilities"),
        preset=last("preset"),
        radius=last("radius"),
        by=last("zones"),
        layers=None if layers is None else layers.split(","),
        whatif=last("add") or "",
        removed=last("remove") or "",
        scenarios=[scenario_from_text(t, known) for t in query.get("scenario", ())[:MAX_READ]],
        active=last("active"),
        vs=last("vs"),
        plan=plan,
        known=known,
    )


# -- the scenario list -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ScenarioList:
    """The saved scenarios and the two shown, after an event; ``problem`` is a message key."""

    scenarios: tuple[Scenario, ...] = ()
    active: str | None = None
    vs: str | None = None
    problem: str | None = None

    def names(self) -> list[str]:
        return [s.name for s in self.scenarios]

    def to_store(self) -> list[dict[str, Any]]:
        return [s.to_dict() for s in self.scenarios]


def merged(shown: Sequence[Scenario], kept: Sequence[Scenario]) -> tuple[Scenario, ...]:
    """The link's scenarios first (what was shared), then the browser's others, at most MAX_SCENARIOS."""
    out = list(shown)
    out += [s for s in kept if scenario_named(out, s.name) is None]
    return tuple(out[:MAX_SCENARIOS])


def saved(
    scenarios: Sequence[Scenario], scenario: Scenario, active: str | None, vs: str | None
) -> ScenarioList:
    """Keep ``scenario`` (replacing one of the same name) and show it; a new name when
    MAX_SCENARIOS are kept is refused (``planner_scenario_full``)."""
    if not scenario.name:
        return ScenarioList(tuple(scenarios), active, vs, "planner_scenario_unnamed")
    if scenario_named(scenarios, scenario.name) is not None:
        kept = tuple(scenario if s.name == scenario.name else s for s in scenarios)
    elif len(scenarios) >= MAX_SCENARIOS:
        return ScenarioList(tuple(scenarios), active, vs, "planner_scenario_full")
    else:
        kept = (*scenarios, scenario)
    # the one saved becomes the active scenario; the one it was compared with stays, or the one
    # active before becomes its comparison
    other = vs if vs and vs != scenario.name else active if active != scenario.name else None
    return ScenarioList(kept, scenario.name, other)


def deleted(scenarios: Sequence[Scenario], name: str | None, vs: str | None) -> ScenarioList:
    """Forget the scenario ``name`` (the active one); the comparison stays if it still exists."""
    kept = tuple(s for s in scenarios if s.name != name)
    return ScenarioList(kept, None, vs if scenario_named(kept, vs) else None)


def after_event(
    trigger: Any,
    *,
    scenarios: Any,
    local: Any,
    name: Any,
    whatif: Any,
    removed: Any,
    active: Any,
    vs: Any,
) -> tuple[ScenarioList, bool]:
    """The scenario list after a press of save or delete, or after the browser's copy is read
    (any other trigger): the link's first, then the browser's. The flag says whether the
    browser's copy is to be written (only on save or delete, so a page that opens before the
    copy is read never overwrites it)."""
    shown, kept = scenarios_of(scenarios), scenarios_of(local)
    active_name = active if scenario_named(shown, active) else None
    vs_name = vs if scenario_named(shown, vs) else None
    if trigger == ids.SCENARIO_SAVE:
        add = (whatif or {}).get("add") if isinstance(whatif, Mapping) else None
        scenario = Scenario(name_of(name), points_of(add), ids_of(removed, None))
        result = saved(shown, scenario, active_name, vs_name)
        return result, result.problem is None
    if trigger == ids.SCENARIO_DELETE:
        return deleted(shown, active_name, vs_name), True
    return ScenarioList(merged(shown, kept), active_name, vs_name), False
