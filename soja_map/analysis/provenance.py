"""Where a coverage number comes from, as data: sources, dates, methods and parameters with stable keys.

Nothing here is a sentence. Every value is an id (``"straight_line"``, ``"estimate_pupils_towns"``), a
number, a date or a name taken from the data (a publisher, a dataset, a file name); the edges (the
planner panel, the report writers, the CLI) turn these records into words from the message catalogue.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any, Final

from soja_map.data.schema import METRIC_CRS

# how a population surface was made (values of PopulationModel.method)
ESTIMATE: Final = "estimate_pupils_towns"  # city total shared by pupils per district, then by town
LAYER_POINTS: Final = "layer_points"  # each point's count put in the cell containing it
LAYER_AREAL: Final = "layer_areal"  # each polygon spread over the cells whose centre it holds
POPULATION_METHODS: Final = (ESTIMATE, LAYER_POINTS, LAYER_AREAL)

# how distances are measured (values of DistanceMethod.kind)
STRAIGHT_LINE_KIND: Final = "straight_line"
NETWORK_KIND: Final = "network"

# which input a source stands for (values of SourceRef.role)
SOURCE_ROLES: Final = (
    "city_total",
    "town_figures",
    "town_points",
    "school_districts",
    "layer",
)

# what a Note may say (values of Note.code)
NOTE_CODES: Final = (
    "town_no_area",
    "district_holds_known",
    "district_no_towns",
    "known_exceed_total",
    "joined_area",
    "left_out",
)


@dataclass(frozen=True)
class SourceRef:
    """One input of a result, as its layer's ``source`` field names it."""

    role: str  # one of SOURCE_ROLES
    publisher: str = ""
    dataset: str = ""
    as_of: str = ""  # a date or year as published ("2020-10-01", "2019"); "" when not stated


@dataclass(frozen=True)
class Note:
    """Something that happened on the way, with the values that say what: a code and its fields.

    Codes: ``town_no_area`` (town), ``district_holds_known`` (district), ``district_no_towns``
    (district), ``known_exceed_total``, ``joined_area`` (km2), ``left_out`` (outside, input).
    """

    code: str
    values: tuple[tuple[str, str | float], ...] = ()

    @property
    def fields(self) -> dict[str, str | float]:
        return dict(self.values)


def note(code: str, **values: str | float) -> Note:
    return Note(code, tuple(values.items()))


@dataclass(frozen=True)
class GroupFigure:
    """A figure published for a group of town points together (中央 for 中央1-6丁目)."""

    name: str
    population: float
    members: tuple[str, ...]


@dataclass(frozen=True)
class PopulationModel:
    """Where a population surface comes from: method, sources, dates and the numbers the method used."""

    key: str  # identifies the input, for caching (e.g. "estimate:bundled" or a file path + column)
    method: str  # one of POPULATION_METHODS
    estimate: bool
    total: float  # people on the grid
    cell_size_m: float
    sources: tuple[SourceRef, ...] = ()
    year: str = ""  # the year of the people counted, as given; "" when not stated
    crs: str = METRIC_CRS
    layer: str = ""  # a user's layer: its name (file name)
    column: str = ""  # ... and the column of people
    clipped: bool = False  # a user's layer was cut to the city
    input_total: float = 0.0  # the estimate's city total; a layer's total before clipping
    districts: int = 0  # the estimate: elementary-school districts shared among
    known_towns: tuple[str, ...] = ()  # the estimate: towns that kept their published figure
    groups: tuple[GroupFigure, ...] = ()  # the estimate: figures published for groups of points
    notes: tuple[Note, ...] = ()

    def source(self, role: str) -> tuple[SourceRef, ...]:
        return tuple(s for s in self.sources if s.role == role)

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe, with the same stable keys as the fields."""
        doc = asdict(self)
        doc["notes"] = [{"code": n.code, **n.fields} for n in self.notes]
        return doc


@dataclass(frozen=True)
class DistanceMethod:
    """How distances were measured: straight lines in a metric CRS, or along a road network."""

    kind: str = STRAIGHT_LINE_KIND
    crs: str = METRIC_CRS
    network_source: str = ""  # the network's file name
    network_nodes: int = 0
    network_length_m: float = 0.0

    @property
    def is_network(self) -> bool:
        return self.kind == NETWORK_KIND


STRAIGHT_LINE: Final = DistanceMethod()


@dataclass(frozen=True)
class Provenance:
    """Everything a coverage number depends on, with stable keys (see ``to_dict``).

    ``radius_preset`` and ``radius_source`` are ids of ``soja_map.analysis.presets`` (None for a
    radius no preset has); ``covered_rule`` says what "covered" means (the centre of a cell of
    ``population.cell_size_m`` metres within ``radius_m`` of a facility).
    """

    radius_m: float
    radius_preset: str | None
    radius_source: str | None
    distance: DistanceMethod
    population: PopulationModel
    covered_rule: str = "cell_centre_within_radius"
    zones: tuple[str, ...] = field(default=("town", "elementary", "junior_high", "city"))

    @property
    def distance_method(self) -> str:
        return self.distance.kind

    @property
    def population_method(self) -> str:
        return self.population.method

    @property
    def population_year(self) -> str:
        return self.population.year

    @property
    def population_sources(self) -> tuple[SourceRef, ...]:
        return self.population.sources

    def to_dict(self) -> dict[str, Any]:
        return {
            "radius_m": self.radius_m,
            "radius_preset": self.radius_preset,
            "radius_source": self.radius_source,
            "distance": asdict(self.distance),
            "population": self.population.to_dict(),
            "covered_rule": self.covered_rule,
            "zones": list(self.zones),
        }


def first_text(mapping: Mapping[str, Any] | None, key: str) -> str:
    """``mapping[key]`` as text, "" when missing (a layer's ``source`` fields are optional)."""
    value = (mapping or {}).get(key)
    return str(value) if value not in (None, "") else ""
