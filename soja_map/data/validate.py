"""Validation: read every file, collect EVERY problem (file, feature, field, value), report once."""

from __future__ import annotations

import datetime as dt
import difflib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import numpy as np
import pydantic
import shapely
from pydantic_core import ErrorDetails
from shapely.geometry.base import BaseGeometry

from soja_map.data.io import (
    MAX_LAYER_BYTES,
    MAX_TEXT_BYTES,
    JsonPath,
    describe_decode_error,
    loads_bounded,
    loads_located,
    read_bounded,
    read_text_bounded,
)
from soja_map.data.plan import CATALOGUE_FILE, Catalogue, Plan, parse_catalogue
from soja_map.data.schema import (
    CATEGORIES,
    DATE_FORMATS,
    FIELDS,
    OPTIONAL_SOURCE_FIELDS,
    SOURCE_FIELDS,
    PlaceProperties,
    PositionAccuracy,
    Role,
    Scope,
    partial_date,
)
from soja_map.errors import Problem, ReadLimitError

SOURCES_FILE = "SOURCES.md"
GEOMETRY_TYPES = ("Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon")
# Japan sits at roughly 122-154 E, 20-46 N: numbers in those ranges on the wrong axis are swapped.
_JP_LON = (122.0, 154.0)
_JP_LAT = (20.0, 46.0)


@dataclass
class ParsedLayer:
    """A file that parsed as a FeatureCollection, with its features' properties and geometries."""

    path: Path
    name: str
    metadata: dict[str, Any]
    properties: list[dict[str, Any]] = field(default_factory=list)
    geometries: list[BaseGeometry | None] = field(default_factory=list)


@dataclass
class Report:
    layers: list[ParsedLayer]
    problems: list[Problem]
    catalogue: Catalogue | None = None

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def feature_count(self) -> int:
        return sum(len(layer.properties) for layer in self.layers)

    def text(self) -> str:
        lines = [
            ("warning: " if p.severity == "warning" else "") + p.format() for p in self.problems
        ]
        files = len({p.file for p in self.errors})
        summary = (
            f"{len(self.layers)} file(s), {self.feature_count} feature(s): "
            + (f"{len(self.errors)} error(s) in {files} file(s)" if self.errors else "valid")
            + (f", {len(self.warnings)} warning(s)" if self.warnings else "")
        )
        return "\n".join([*lines, summary])

    def to_json(self) -> str:
        return json.dumps(
            {
                "ok": self.ok,
                "files": [str(layer.path) for layer in self.layers],
                "features": self.feature_count,
                "errors": len(self.errors),
                "warnings": len(self.warnings),
                "problems": [p.to_dict() for p in self.problems],
            },
            ensure_ascii=False,
            indent=2,
        )


class _Sink:
    """Collects problems for one file, remembering the current feature."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.problems: list[Problem] = []
        self.index: int | None = None
        self.fid: str | None = None

    def fork(self) -> _Sink:
        """An empty sink for the same file and feature."""
        other = _Sink(self.file)
        other.index, other.fid = self.index, self.fid
        return other

    def add(
        self,
        code: str,
        message: str,
        *,
        field: str | None = None,
        value: Any = None,
        expected: str | None = None,
        severity: str = "error",
    ) -> None:
        self.problems.append(
            Problem(
                file=self.file,
                code=code,
                message=message,
                feature_index=self.index,
                feature_id=self.fid,
                field=field,
                value=value,
                expected=expected,
                severity=severity,
            )
        )


VALUE_CODES: Final = frozenset(
    {"number-not-finite", "number-out-of-range", "number-too-long", "text-surrogate"}
)  # the strict reader's rules for single values (data.io), which a report can locate


def _refusal(doc: Any, path: JsonPath, error: ReadLimitError, file: str) -> Problem:
    """The problem of a refused value, naming its feature (index and id) and field: a property's
    name (attributes.capacity), geometry.coordinates, or the path from the top outside features."""
    if len(path) >= 2 and path[0] == "features" and isinstance(path[1], int):
        index, rest = path[1], path[2:]
        feat = doc["features"][index] if isinstance(doc, dict) else None
        props = feat.get("properties") if isinstance(feat, dict) else None
        fid = props.get("id") if isinstance(props, dict) else None
        if rest[:1] == ("properties",) and len(rest) > 1:
            rest = rest[1:]
        elif rest[:1] == ("geometry",):
            rest = rest[:2]
        return error.problem(
            file,
            feature_index=index,
            feature_id=fid if isinstance(fid, str) else None,
            field=_dotted(rest) or None,
        )
    return error.problem(file, field=_dotted(path) or None)


def _dotted(path: JsonPath) -> str:
    return ".".join(f"[{p}]" if isinstance(p, int) else p for p in path).replace(".[", "[")


def _same_place(problem: Problem, where: set[tuple[int | None, str | None]]) -> bool:
    """Whether ``problem`` is about a field (or a part of it) whose value was refused."""
    mine = problem.field
    for index, refused in where:
        if problem.feature_index != index or refused is None or mine is None:
            continue
        shorter, longer = sorted((mine, refused), key=len)
        if longer == shorter or longer.startswith((shorter + ".", shorter + "[")):
            return True
    return False


class Validator:
    """Checks files against the place schema, the plan catalogue and Soja's extent."""

    def __init__(
        self, plan: Plan | None, study_area: BaseGeometry | None, *, today: dt.date | None = None
    ) -> None:
        self.plan = plan
        self.study_area = study_area
        if study_area is not None:
            shapely.prepare(study_area)
        self.today = today or dt.date.today()

    # -- files -------------------------------------------------------------------------

    def check_bytes(self, data: bytes, file: str) -> tuple[ParsedLayer | None, list[Problem]]:
        sink = _Sink(file)
        try:
            doc = loads_bounded(data)
        except UnicodeDecodeError as exc:
            sink.add("not-utf8", describe_decode_error(data, exc))
            return None, sink.problems
        except ReadLimitError as exc:
            if exc.code not in VALUE_CODES:
                sink.problems.append(exc.problem(file))
                return None, sink.problems
            try:
                return self._check_refused_values(data, file, sink)
            except json.JSONDecodeError as bad:  # a refused value and broken JSON after it
                sink.problems.append(exc.problem(file))
                sink.add("not-json", f"not JSON: {bad.msg} at line {bad.lineno} column {bad.colno}")
                return None, sink.problems
        except json.JSONDecodeError as exc:
            sink.add("not-json", f"not JSON: {exc.msg} at line {exc.lineno} column {exc.colno}")
            return None, sink.problems
        return self.check_document(doc, file, sink)

    def _check_refused_values(
        self, data: bytes, file: str, sink: _Sink
    ) -> tuple[ParsedLayer | None, list[Problem]]:
        """A file holding values the strict reader refuses (NaN, 1e400, a 5,000-digit number, a
        lone surrogate): each is reported with its feature and field, and the rest of the file is
        still checked, with those values taken as absent (their field's other checks are moot)."""
        doc, refused = loads_located(data)
        located = [_refusal(doc, path, error, file) for path, error in refused]
        layer, problems = self.check_document(doc, file, sink)
        where = {(p.feature_index, p.field) for p in located}
        rest = [p for p in problems if not _same_place(p, where)]
        return layer, [*located, *rest]

    def check_document(
        self, doc: Any, file: str, sink: _Sink | None = None
    ) -> tuple[ParsedLayer | None, list[Problem]]:
        sink = sink or _Sink(file)
        if not isinstance(doc, dict):
            sink.add(
                "not-geojson",
                "not GeoJSON: the top level is not an object",
                value=type(doc).__name__,
                expected="a FeatureCollection object",
            )
            return None, sink.problems
        if "type" not in doc:
            sink.add(
                "type-missing",
                "not GeoJSON: the top-level 'type' member is missing",
                field="type",
                expected="'FeatureCollection'",
            )
            return None, sink.problems
        if doc["type"] != "FeatureCollection":
            sink.add(
                "type-wrong",
                "the top-level 'type' is not FeatureCollection",
                field="type",
                value=doc["type"],
                expected="'FeatureCollection'",
            )
            return None, sink.problems
        if "crs" in doc:
            sink.add(
                "crs-member",
                "GeoJSON (RFC 7946) has no 'crs' member: coordinates must be lon/lat in "
                "EPSG:4326; reproject the data and drop 'crs'",
                field="crs",
                value=_crs_name(doc["crs"]),
                expected="no 'crs' member",
            )
        features = doc.get("features")
        if not isinstance(features, list):
            sink.add(
                "features-missing",
                "the FeatureCollection has no 'features' array",
                field="features",
                value=None if features is None else type(features).__name__,
                expected="an array of Features",
            )
            return None, sink.problems
        meta = doc.get("metadata")
        metadata: dict[str, Any] = meta if isinstance(meta, dict) else {}
        path = Path(file)
        layer = ParsedLayer(path=path, name=path.stem, metadata=metadata)
        for index, feat in enumerate(features):
            sink.index, sink.fid = index, None
            props, geom = self._check_feature(feat, sink)
            layer.properties.append(props)
            layer.geometries.append(geom)
        sink.index, sink.fid = None, None
        self._check_extent(layer, sink)
        return layer, sink.problems

    # -- features ----------------------------------------------------------------------

    def _check_feature(self, feat: Any, sink: _Sink) -> tuple[dict[str, Any], BaseGeometry | None]:
        if not isinstance(feat, dict):
            sink.add(
                "feature-not-object",
                "a feature is not an object",
                value=type(feat).__name__,
                expected="a GeoJSON Feature",
            )
            return {}, None
        if feat.get("type") != "Feature":
            sink.add(
                "feature-type",
                "the feature's 'type' is not 'Feature'",
                field="type",
                value=feat.get("type"),
                expected="'Feature'",
            )
        props = feat.get("properties")
        if not isinstance(props, dict):
            sink.add(
                "properties-missing",
                "the feature has no 'properties' object",
                field="properties",
                value=None if props is None else type(props).__name__,
                expected="an object",
            )
            props = {}
        fid = props.get("id")
        sink.fid = fid if isinstance(fid, str) else None
        if "id" in feat and feat["id"] != fid:
            sink.add(
                "id-mismatch",
                "the Feature's 'id' differs from properties.id",
                field="id",
                value=feat["id"],
                expected=repr(fid),
            )
        self._check_properties(props, sink)
        geom = self._check_geometry(feat, props, sink)
        return props, geom

    def _check_properties(self, props: dict[str, Any], sink: _Sink) -> None:
        """The schema (PlaceProperties), then the rules that need the plan, the date or the role."""
        try:
            PlaceProperties.model_validate(props)
        except pydantic.ValidationError as exc:
            order = {name: i for i, name in enumerate(props)}
            found: list[tuple[tuple[int, int], Problem]] = []
            for error in exc.errors(include_url=False):
                for problem in _schema_problems(error, sink):
                    found.append((_rank(problem, order), problem))
            # the order validate has always used: missing fields, then each field as it appears
            sink.problems.extend(p for _, p in sorted(found, key=lambda item: item[0]))
        self._check_measures(props, sink)
        self._check_date(props, sink)

    def _check_measures(self, props: dict[str, Any], sink: _Sink) -> None:
        measures = props.get("measures")
        if not isinstance(measures, list):
            return
        cat_id = props.get("category")
        category = CATEGORIES.get(cat_id) if isinstance(cat_id, str) else None
        if category is not None and category.role is Role.PLACE and not measures:
            sink.add(
                "measure-missing",
                "a place must serve at least one measure",
                field="measures",
                value=measures,
                expected="one or more measure ids from plan.json",
            )
        seen: set[str] = set()
        for m in measures:
            if not isinstance(m, str):
                continue  # reported by the schema
            if m in seen:
                sink.add(
                    "measure-duplicate", "a measure is listed twice", field="measures", value=m
                )
            seen.add(m)
            if self.plan is not None and m not in self.plan.measures:
                sink.add(
                    "measure-unknown",
                    f"unknown measure id{_did_you_mean(m, self.plan.measures)}",
                    field="measures",
                    value=m,
                    expected=f"a measure id of plan {self.plan.id!r}",
                )

    def _check_date(self, props: dict[str, Any], sink: _Sink) -> None:
        as_of = props.get("as_of")
        if "as_of" in props and as_of is None and not props.get("as_of_note"):
            sink.add(
                "date-missing",
                "as_of is null and as_of_note does not say why",
                field="as_of",
                expected="a date, or null with an as_of_note such as 'the source is undated'",
            )
        if not isinstance(as_of, str):
            return
        try:
            date = partial_date(as_of)
        except ValueError:
            return  # reported by the schema
        if date > self.today:
            sink.add(
                "date-future",
                "the date is in the future",
                field="as_of",
                value=as_of,
                expected=f"a date on or before {self.today.isoformat()}",
            )

    def _check_geometry(
        self, feat: dict[str, Any], props: dict[str, Any], sink: _Sink
    ) -> BaseGeometry | None:
        if "geometry" not in feat:
            sink.add(
                "geometry-missing",
                "the feature has no 'geometry' member",
                field="geometry",
                expected="a geometry, or null for a city-wide item",
            )
            return None
        geo = feat["geometry"]
        if not _geometry_expected(geo, props.get("scope") == Scope.CITY_WIDE, sink):
            return None
        geom = _build_geometry(geo, sink)
        if geom is None:
            return None
        gtype = geo["type"]
        if gtype != "Point" and not geom.is_valid:
            sink.add(
                "geometry-invalid",
                f"the geometry is invalid: {shapely.is_valid_reason(geom)}",
                field="geometry",
                value=gtype,
                expected="a valid geometry (try shapely.make_valid)",
            )
        cat_id = props.get("category")
        category = CATEGORIES.get(cat_id) if isinstance(cat_id, str) else None
        if category is not None and gtype not in category.geometry_types:
            sink.add(
                "geometry-type",
                f"a {gtype} is not allowed for category '{category.id}'",
                field="geometry.type",
                value=gtype,
                expected=", ".join(category.geometry_types),
            )
        return geom

    def _check_extent(self, layer: ParsedLayer, sink: _Sink) -> None:
        if self.study_area is None:
            return
        idx = [i for i, g in enumerate(layer.geometries) if g is not None]
        if not idx:
            return
        geoms = np.array([layer.geometries[i] for i in idx], dtype=object)
        inside = shapely.intersects(self.study_area, geoms)
        for pos in np.flatnonzero(~inside):
            i = idx[pos]
            g = layer.geometries[i]
            assert g is not None
            props = layer.properties[i]
            sink.index, sink.fid = i, props.get("id") if isinstance(props.get("id"), str) else None
            c = g.representative_point()
            sink.add(
                "outside-soja",
                "the place lies outside Soja and its 3 km surroundings",
                field="geometry",
                value=[round(c.x, 6), round(c.y, 6)],
                expected="a position within 3 km of the Soja city boundary",
            )
        sink.index, sink.fid = None, None


def _did_you_mean(word: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1)
    return f"; did you mean '{close[0]}'?" if close else ""


_ENUM_LABELS = {
    "position_accuracy": ("position accuracy", PositionAccuracy),
    "scope": ("scope", Scope),
}
_ID_ERRORS = {"string_pattern_mismatch", "string_too_long"}


def _schema_problems(error: ErrorDetails, sink: _Sink) -> list[Problem]:
    """One pydantic error in the project's words: the same codes and messages as ever."""
    sink = sink.fork()
    loc, kind, value = error["loc"], error["type"], error["input"]
    name = str(loc[0])
    if name == "source" and len(loc) > 1:
        _source_problem(str(loc[1]), kind, value, sink)
    elif name == "measures" and len(loc) > 1:
        sink.add(
            "field-type",
            "measure ids must be strings",
            field="measures",
            value=value,
            expected="a measure id",
        )
    elif name == "attributes" and len(loc) > 1:
        sink.add("attributes-invalid", error["msg"], field=f"attributes.{loc[1]}", value=value)
    elif kind == "extra_forbidden":
        sink.add(
            "field-unknown",
            f"unknown field '{name}'{_did_you_mean(name, FIELDS)} (put other facts under 'attributes')",
            field=name,
            value=value,
            expected=f"one of {', '.join(FIELDS)}",
        )
    elif kind == "missing":
        sink.add(
            "field-missing",
            f"required field '{name}' is missing",
            field=name,
            expected=FIELDS[name].help,
        )
    elif value is None:
        sink.add("field-null", f"'{name}' must not be null", field=name, expected=FIELDS[name].help)
    else:
        _value_problem(name, kind, str(error["msg"]), value, sink)
    return sink.problems


def _value_problem(name: str, kind: str, msg: str, value: Any, sink: _Sink) -> None:
    expected = FIELDS[name].help
    blank = isinstance(value, str) and not value.strip()
    if blank and kind in {"field_empty", "category_unknown", "enum", *_ID_ERRORS}:
        sink.add("field-empty", f"'{name}' is empty", field=name, value=value, expected=expected)
    if kind == "field_empty" or (name == "id" and value == ""):
        return
    if name == "id" and kind in _ID_ERRORS:
        sink.add(
            "id-invalid",
            "the id has characters or a length that is not allowed",
            field="id",
            value=value,
            expected=expected,
        )
    elif kind == "category_unknown":
        sink.add(
            "category-unknown",
            f"unknown category{_did_you_mean(value, CATEGORIES)}",
            field="category",
            value=value,
            expected=f"one of {', '.join(CATEGORIES)}",
        )
    elif kind == "enum" and isinstance(value, str) and name in _ENUM_LABELS:
        label, enum = _ENUM_LABELS[name]
        sink.add(
            "enum-invalid",
            f"unknown {label}",
            field=name,
            value=value,
            expected=", ".join(enum),
        )
    elif kind == "date_invalid":
        sink.add("date-invalid", msg, field=name, value=value, expected=DATE_FORMATS)
    else:
        sink.add(
            "field-type",
            f"'{name}' has the wrong type ({type(value).__name__})",
            field=name,
            value=value,
            expected=expected,
        )


def _source_problem(key: str, kind: str, value: Any, sink: _Sink) -> None:
    if kind == "extra_forbidden":
        sink.add(
            "source-invalid",
            f"unknown key source.{key}",
            field=f"source.{key}",
            value=value,
            expected=f"keys {', '.join(SOURCE_FIELDS + OPTIONAL_SOURCE_FIELDS)}",
        )
        return
    sink.add(
        "source-invalid",
        f"source.{key} is missing or empty",
        field=f"source.{key}",
        value=None if kind == "missing" else value,
        expected="non-empty text",
    )


_GENERIC = {"field-unknown", "field-null", "field-type", "field-empty"}


def _rank(problem: Problem, order: dict[str, int]) -> tuple[int, int]:
    if problem.code == "field-missing":
        return (0, list(FIELDS).index(problem.field or ""))
    if problem.code in _GENERIC and problem.field in order:
        return (1, order[problem.field])
    return (2, list(FIELDS).index((problem.field or "").split(".")[0]))


def _geometry_expected(geo: Any, city_wide: bool, sink: _Sink) -> bool:
    """Whether to go on checking the geometry: null only for city-wide items, and vice versa."""
    if geo is None:
        if not city_wide:
            sink.add(
                "geometry-null",
                "the geometry is null but the place is not city-wide",
                field="geometry",
                expected="a geometry; only scope 'city_wide' items have a null geometry",
            )
        return False
    if city_wide:
        sink.add(
            "geometry-city-wide",
            "a city-wide item must not have a geometry (no made-up points)",
            field="geometry",
            value=geo.get("type") if isinstance(geo, dict) else geo,
            expected="null",
        )
    return True


def _build_geometry(geo: Any, sink: _Sink) -> BaseGeometry | None:
    """The shapely geometry of a GeoJSON geometry in lon/lat degrees, or None with the problem."""
    found = _coordinates(geo, sink)
    if found is None or not _degrees(*found, sink):
        return None
    xs, ys = found
    gtype, coords = geo["type"], geo["coordinates"]
    try:
        geom = shapely.geometry.shape(geo) if gtype != "Point" else shapely.Point(xs[0], ys[0])
    except (ValueError, TypeError, shapely.errors.GEOSException) as exc:
        sink.add(
            "geometry-malformed",
            f"the geometry cannot be built ({exc})",
            field="geometry",
            value=_preview(coords),
        )
        return None
    if geom.is_empty:
        _empty_geometry(sink, gtype)
        return None
    return geom


def _coordinates(geo: Any, sink: _Sink) -> tuple[np.ndarray, np.ndarray] | None:
    """The x and y of every position, when the geometry is well-formed, non-empty and finite."""
    if not isinstance(geo, dict) or geo.get("type") not in GEOMETRY_TYPES:
        gtype = geo.get("type") if isinstance(geo, dict) else type(geo).__name__
        sink.add(
            "geometry-malformed",
            "not a GeoJSON geometry",
            field="geometry.type",
            value=gtype,
            expected=", ".join(GEOMETRY_TYPES),
        )
        return None
    gtype = geo["type"]
    coords = geo.get("coordinates")
    if not _coords_ok(coords, gtype):
        sink.add(
            "geometry-malformed",
            f"the coordinates are not a valid {gtype}",
            field="geometry.coordinates",
            value=_preview(coords),
            expected=f"nested arrays of [lon, lat] numbers for a {gtype}",
        )
        return None
    assert coords is not None  # _coords_ok checked the shape
    if gtype == "Point":
        xs = np.asarray([coords[0]], dtype=np.float64)
        ys = np.asarray([coords[1]], dtype=np.float64)
    else:
        arr = np.asarray(_flatten(coords), dtype=float).reshape(-1, 2)
        xs, ys = arr[:, 0], arr[:, 1]
    if xs.size == 0:
        _empty_geometry(sink, gtype)
        return None
    if not (np.isfinite(xs).all() and np.isfinite(ys).all()):
        sink.add(
            "geometry-malformed",
            "the coordinates contain NaN or infinity",
            field="geometry.coordinates",
            value=_preview(coords),
        )
        return None
    return xs, ys


def _degrees(xs: np.ndarray, ys: np.ndarray, sink: _Sink) -> bool:
    """Whether the coordinates are lon/lat degrees: not swapped, not projected metres."""
    if _in(xs, _JP_LAT) and _in(ys, _JP_LON):
        sink.add(
            "coords-swapped",
            "latitude and longitude are swapped",
            field="geometry.coordinates",
            value=[float(xs[0]), float(ys[0])],
            expected=f"[lon, lat], i.e. [{float(ys[0])}, {float(xs[0])}]",
        )
        return False
    if (np.abs(xs) > 180).any() or (np.abs(ys) > 90).any():
        sink.add(
            "coords-projected",
            "the coordinates are not degrees: they look like projected metres "
            "(e.g. JGD2011 plane rectangular EPSG:6673); reproject to lon/lat EPSG:4326",
            field="geometry.coordinates",
            value=[float(xs[0]), float(ys[0])],
            expected="[lon, lat] in degrees, about [133.7, 34.7] in Soja",
        )
        return False
    return True


def _empty_geometry(sink: _Sink, gtype: str) -> None:
    sink.add(
        "geometry-empty",
        "the geometry is empty",
        field="geometry",
        value=gtype,
        expected="a geometry with coordinates",
    )


def _in(values: np.ndarray, bounds: tuple[float, float]) -> bool:
    return bool(((values >= bounds[0]) & (values <= bounds[1])).all())


def _crs_name(crs: Any) -> Any:
    if isinstance(crs, dict):
        props = crs.get("properties")
        if isinstance(props, dict) and "name" in props:
            return props["name"]
    return crs


def _preview(coords: Any) -> Any:
    text = json.dumps(coords)
    return text if len(text) < 60 else text[:59] + "…"


_DEPTH = {
    "Point": 0,
    "MultiPoint": 1,
    "LineString": 1,
    "MultiLineString": 2,
    "Polygon": 2,
    "MultiPolygon": 3,
}


def _coords_ok(coords: Any, gtype: str) -> bool:
    depth = _DEPTH[gtype]

    def position(p: Any) -> bool:
        return (
            isinstance(p, list)
            and len(p) in (2, 3)
            and all(isinstance(v, int | float) and not isinstance(v, bool) for v in p)
        )

    def walk(node: Any, d: int) -> bool:
        if d == 0:
            return position(node)
        return isinstance(node, list) and all(walk(n, d - 1) for n in node)

    return walk(coords, depth)


def _flatten(coords: Any) -> list[float]:
    out: list[float] = []
    stack = [coords]
    while stack:
        node = stack.pop()
        if node and isinstance(node[0], int | float):
            out.extend((float(node[0]), float(node[1])))
        else:
            stack.extend(reversed(node))
    return out


# -- whole data sets ------------------------------------------------------------------------


def expand_paths(paths: Iterable[Path]) -> list[Path]:
    """Files to check: each file as given; each folder's *.geojson, plan.json and SOURCES.md
    (sorted). Anything named like a layer is checked, even a folder or a pipe (and reported)."""
    out: list[Path] = []
    for given in paths:
        p = Path(given)
        if p.is_dir() and p.suffix != ".geojson":
            out.extend(
                sorted(
                    x
                    for x in p.iterdir()
                    if x.suffix == ".geojson" or x.name in {CATALOGUE_FILE, SOURCES_FILE}
                )
            )
        else:
            out.append(p)
    return out


def missing_required(folder: Path, required: Iterable[str]) -> list[Problem]:
    """An error for each file the folder must hold and does not (nothing is silently skipped)."""
    return [
        Problem(
            file=str(folder / name),
            code="file-missing",
            message="a required file of the data folder is missing",
            expected=f"{name} in {folder}",
        )
        for name in required
        if not (folder / name).exists() and not (folder / name).is_symlink()
    ]


def duplicate_id_problems(layers: Sequence[ParsedLayer]) -> list[Problem]:
    """One problem for every repeat of an id, within a file or across files."""
    first: dict[str, tuple[str, int]] = {}
    problems: list[Problem] = []
    for layer in layers:
        for i, props in enumerate(layer.properties):
            fid = props.get("id")
            if not isinstance(fid, str) or not fid:
                continue
            if fid in first:
                f0, i0 = first[fid]
                where = "earlier in this file" if f0 == str(layer.path) else f"in {f0}"
                problems.append(
                    Problem(
                        file=str(layer.path),
                        code="id-duplicate",
                        message=f"the id is already used by feature {i0} {where}",
                        feature_index=i,
                        feature_id=fid,
                        field="id",
                        value=fid,
                        expected="an id used by no other feature",
                    )
                )
            else:
                first[fid] = (str(layer.path), i)
    return problems


def unplaced_measure_problems(
    plan: Plan, layers: Sequence[ParsedLayer], file: str
) -> list[Problem]:
    """Warn about measures that no place serves and that the catalogue does not call city-wide."""
    served = {
        m
        for layer in layers
        for props in layer.properties
        for m in props.get("measures") or []
        if isinstance(m, str)
    }
    return [
        Problem(
            file=file,
            code="measure-unplaced",
            field="measures",
            value=m.id,
            severity="warning",
            message=f"measure {m.name_ja} is served by no place and is not marked city_wide in the catalogue",
        )
        for m in plan.measures.values()
        if m.id not in served and not m.city_wide
    ]


def validate_paths(
    paths: Iterable[Path],
    *,
    catalogue: Catalogue | None,
    plan_id: str | None = None,
    study_area: BaseGeometry | None,
    today: dt.date | None = None,
    required: Iterable[str] = (),
) -> Report:
    """Validate files and folders; a plan.json among them is validated and used for the checks.

    Every folder given must hold the ``required`` files. A file that cannot be read or parsed is
    reported, with its name, and the other files are still checked.
    """
    paths = list(paths)
    files = expand_paths(paths)
    problems: list[Problem] = []
    names = tuple(required)
    for folder in (Path(p) for p in paths):
        if folder.is_dir() and folder.suffix != ".geojson":
            problems.extend(missing_required(folder, names))
    shipped = _catalogue_among(files, problems)
    if shipped is not None:
        catalogue = shipped
    plan = None
    if catalogue is not None:
        try:
            plan = catalogue.plan(plan_id)
        except ValueError as exc:
            problems.append(
                Problem(file=CATALOGUE_FILE, code="catalogue-invalid", message=str(exc))
            )
    validator = Validator(plan, study_area, today=today)
    layers: list[ParsedLayer] = []
    for path in files:
        if path.name == CATALOGUE_FILE:
            continue
        layer, found = _check_any(validator, path)
        problems.extend(found)
        if layer is not None:
            layers.append(layer)
    problems.extend(duplicate_id_problems(layers))
    if plan is not None and any(p.name == CATALOGUE_FILE for p in files):
        problems.extend(unplaced_measure_problems(plan, layers, CATALOGUE_FILE))
    return Report(layers=layers, problems=problems, catalogue=catalogue)


def _catalogue_among(files: Sequence[Path], problems: list[Problem]) -> Catalogue | None:
    """The (last) valid plan.json among the files, adding the problems of each."""
    catalogue = None
    for path in files:
        if path.name != CATALOGUE_FILE:
            continue
        try:
            doc = loads_bounded(read_bounded(path, MAX_LAYER_BYTES))
        except ReadLimitError as exc:
            problems.append(exc.problem(str(path)))
            continue
        except (OSError, UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
            problems.append(
                Problem(file=str(path), code="catalogue-invalid", message=f"unreadable: {exc}")
            )
            continue
        parsed, found = parse_catalogue(doc, file=str(path))
        problems.extend(found)
        if parsed is not None:
            catalogue = parsed
    return catalogue


def _check_any(validator: Validator, path: Path) -> tuple[ParsedLayer | None, list[Problem]]:
    """One file's layer and problems; a failure nobody foresaw is still this file's problem."""
    try:
        if path.name == SOURCES_FILE:
            return None, check_text_file(path)
        return _check_file(validator, path)
    except Exception as exc:
        return None, [
            Problem(
                file=str(path),
                code="unreadable",
                message=f"the file could not be checked ({type(exc).__name__}: {exc})"[:300],
            )
        ]


def check_text_file(path: Path, limit: int = MAX_TEXT_BYTES) -> list[Problem]:
    """A run-time text file (SOURCES.md): a regular file, within the limit, UTF-8 text."""
    try:
        read_text_bounded(path, limit)
    except ReadLimitError as exc:
        return [exc.problem(str(path))]
    except UnicodeDecodeError as exc:
        data = read_bounded(path, limit)
        return [Problem(file=str(path), code="not-utf8", message=describe_decode_error(data, exc))]
    except OSError as exc:
        return [_unreadable(path, exc)]
    return []


def _unreadable(path: Path, exc: OSError) -> Problem:
    return Problem(
        file=str(path), code="unreadable", message=f"cannot read the file ({exc.strerror})"
    )


def _check_file(validator: Validator, path: Path) -> tuple[ParsedLayer | None, list[Problem]]:
    try:
        data = read_bounded(path, MAX_LAYER_BYTES)
    except ReadLimitError as exc:
        return None, [exc.problem(str(path))]
    except OSError as exc:
        return None, [_unreadable(path, exc)]
    return validator.check_bytes(data, str(path))
