"""Reading and writing the project's GeoJSON: strict decoding, deterministic output, atomic writes."""

from __future__ import annotations

import contextlib
import json
import math
import os
import re
import stat
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any, Final

import geopandas as gpd
import pyogrio
from pyproj import CRS

from soja_map.data.schema import GEOGRAPHIC_CRS
from soja_map.errors import CRSError, FolderMissingError, ReadLimitError

COORDINATE_DECIMALS = 7  # ~1 cm at Soja's latitude: more than any source is worth

# -- bounded reads: every file a user or the folder hands us is read with these limits ----------

MIB = 1024 * 1024
MAX_LAYER_BYTES = 64 * MIB  # a GeoJSON layer or plan.json (the largest shipped layer is < 1 MB)
MAX_TEXT_BYTES = 1 * MIB  # SOURCES.md and other run-time text
MAX_TABLE_BYTES = 32 * MIB  # a spreadsheet to import (CSV or XLSX, as stored)
MAX_XLSX_UNPACKED_BYTES = 256 * MIB  # an XLSX's parts once decompressed
MAX_JSON_DEPTH = 32  # a MultiPolygon feature in a FeatureCollection nests 8 deep
MAX_INT_DIGITS = 30  # far beyond any id, count or coordinate
MAX_CSV_FIELD = 131_072  # Python's csv default, stated in the message

_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")
_FILE_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def _kind(mode: int) -> str:
    return next((name for test, name in _FILE_KINDS if test(mode)), "not a regular file")


def read_bounded(path: Path, limit: int) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes; ReadLimitError otherwise.

    The file is opened without blocking (a FIFO never hangs the reader) and checked on the open
    descriptor (a symlink to /dev/zero is a character device, not a file), then read to at most
    ``limit + 1`` bytes, so a file that grows while read is still caught.
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except IsADirectoryError:
        raise ReadLimitError(
            "not-a-file", "a folder, not a regular file", expected="a regular file"
        ) from None
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        os.close(fd)
        raise ReadLimitError(
            "not-a-file", f"{_kind(mode)}, not a regular file", expected="a regular file"
        )
    with os.fdopen(fd, "rb") as fh:
        data = fh.read(limit + 1)
    if len(data) > limit:
        raise ReadLimitError(
            "too-large",
            f"the file is larger than the limit of {limit:,} bytes",
            expected=f"at most {limit:,} bytes",
        )
    return data


def read_text_bounded(path: Path, limit: int = MAX_TEXT_BYTES) -> str:
    """A bounded UTF-8 text file (ReadLimitError, UnicodeDecodeError)."""
    return decode_utf8(read_bounded(path, limit))


def json_depth(data: bytes) -> int:
    """The deepest nesting of arrays and objects in JSON text (strings skipped), vectorised."""
    import numpy as np  # noqa: PLC0415 - numpy is loaded with geopandas anyway

    bare = np.frombuffer(_STRING.sub(b'""', data), dtype=np.uint8)
    step = np.zeros(bare.shape, dtype=np.int32)
    step[(bare == ord("[")) | (bare == ord("{"))] = 1
    step[(bare == ord("]")) | (bare == ord("}"))] = -1
    return int(np.cumsum(step).max()) if step.size else 0


# The strictness rules for values (numbers and texts), one place for both readers: loads_bounded
# raises the first one broken, loads_located finds each and where it is.


def _not_finite(name: str) -> ReadLimitError:
    return ReadLimitError(
        "number-not-finite",
        f"{name} is not a JSON number (RFC 8259 has no NaN or Infinity)",
        value=name,
        expected="a finite number, or null",
    )


def _float_error(text: str) -> ReadLimitError | None:
    if math.isfinite(float(text)):
        return None
    return ReadLimitError(
        "number-out-of-range",
        "a number is too large to be represented",
        value=text if len(text) < 40 else text[:39] + "…",
        expected="a finite number (at most about 1.8e308)",
    )


def _int_error(text: str) -> ReadLimitError | None:
    if len(text.lstrip("-")) <= MAX_INT_DIGITS:
        return None
    return ReadLimitError(
        "number-too-long",
        f"an integer has {len(text.lstrip('-')):,} digits",
        value=text[:20] + "…",
        expected=f"at most {MAX_INT_DIGITS} digits",
    )


def _text_error(text: str) -> ReadLimitError | None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return ReadLimitError(
            "text-surrogate",
            "a text holds a lone surrogate escape (half of a UTF-16 pair), which is no character",
            value=text.encode("utf-8", "backslashreplace").decode("utf-8")[:60],
            expected="valid Unicode text",
        )
    return None


def _number_constant(name: str) -> Any:
    raise _not_finite(name)


def _parse_float(text: str) -> float:
    error = _float_error(text)
    if error is not None:
        raise error
    return float(text)


def _parse_int(text: str) -> int:
    error = _int_error(text)
    if error is not None:
        raise error
    return int(text)


def _check_depth(data: bytes, max_depth: int) -> None:
    depth = json_depth(data)
    if depth > max_depth:
        raise ReadLimitError(
            "json-too-deep",
            f"arrays and objects are nested {depth:,} deep",
            expected=f"at most {max_depth} levels",
        )


def loads_bounded(data: bytes, *, max_depth: int = MAX_JSON_DEPTH) -> Any:
    """Strict JSON from UTF-8 bytes: depth and number limits, no NaN/Infinity, no lone surrogates.

    Raises ReadLimitError for a limit or a rule, UnicodeDecodeError for bytes that are not UTF-8,
    and json.JSONDecodeError for text that is not JSON.
    """
    text = decode_utf8(data)
    _check_depth(data, max_depth)
    doc = json.loads(
        text, parse_constant=_number_constant, parse_float=_parse_float, parse_int=_parse_int
    )
    if _SURROGATE_ESCAPE.search(data):
        _refuse_lone_surrogates(doc)
    return doc


JsonPath = tuple[str | int, ...]


class _Refused:
    """A value the strict rules refuse, held in its place by loads_located's parse."""

    __slots__ = ("error",)

    def __init__(self, error: ReadLimitError) -> None:
        self.error = error


def _lenient_float(text: str) -> Any:
    error = _float_error(text)
    return float(text) if error is None else _Refused(error)


def _lenient_int(text: str) -> Any:
    error = _int_error(text)
    return int(text) if error is None else _Refused(error)


def loads_located(
    data: bytes, *, max_depth: int = MAX_JSON_DEPTH
) -> tuple[Any, list[tuple[JsonPath, ReadLimitError]]]:
    """The JSON document with every value loads_bounded would refuse (NaN, Infinity, a number too
    large or too long, a text with a lone surrogate) replaced by None, and each refusal with where
    it was: the keys and indexes from the top (("features", 3, "properties", "name_ja")). A key
    holding a lone surrogate is kept in its escaped form.

    For reports that name the feature and the field; file-level limits (depth, UTF-8, JSON syntax)
    raise as in loads_bounded.
    """
    text = decode_utf8(data)
    _check_depth(data, max_depth)
    doc = json.loads(
        text,
        parse_constant=lambda name: _Refused(_not_finite(name)),
        parse_float=_lenient_float,
        parse_int=_lenient_int,
    )
    found: list[tuple[JsonPath, ReadLimitError]] = []
    return _settle(doc, (), found), found


def _settle(node: Any, path: JsonPath, found: list[tuple[JsonPath, ReadLimitError]]) -> Any:
    """``node`` with refused values replaced by None, noting each (depth is bounded before)."""
    if isinstance(node, _Refused):
        found.append((path, node.error))
        return None
    if isinstance(node, str):
        error = _text_error(node)
        if error is not None:
            found.append((path, error))
            return None
        return node
    if isinstance(node, list):
        return [_settle(item, (*path, i), found) for i, item in enumerate(node)]
    if isinstance(node, dict):
        settled: dict[str, Any] = {}
        for raw, value in node.items():
            key, error = raw, _text_error(raw)
            if error is not None:
                key = raw.encode("utf-8", "backslashreplace").decode("utf-8")
                found.append(((*path, key), error))
            settled[key] = _settle(value, (*path, key), found)
        return settled
    return node


def _strings(doc: Any) -> Iterator[str]:
    stack = [doc]
    while stack:
        node = stack.pop()
        if isinstance(node, str):
            yield node
        elif isinstance(node, dict):
            stack.extend(node.keys())
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)


def _refuse_lone_surrogates(doc: Any) -> None:
    """A \\ud800 escape without its pair is valid JSON but no text: refuse it here, not at render."""
    for text in _strings(doc):
        error = _text_error(text)
        if error is not None:
            raise error


def decode_utf8(data: bytes) -> str:
    """Decode bytes as UTF-8 (a leading BOM is tolerated); raise UnicodeDecodeError otherwise."""
    text = data.decode("utf-8")
    return text.removeprefix("\ufeff")


def describe_decode_error(data: bytes, exc: UnicodeDecodeError) -> str:
    """A friendly explanation of bytes that are not UTF-8, guessing Shift_JIS where it fits."""
    bad = data[exc.start : exc.start + 4]
    hint = ""
    try:
        data.decode("cp932")
        hint = "; it decodes as Shift_JIS (CP932): save it as UTF-8"
    except UnicodeDecodeError:
        pass
    return f"not valid UTF-8 text: byte {exc.start} is {bad.hex(' ')}{hint}"


def atomic_write_text(path: Path, text: str, *, create_folders: bool = True) -> None:
    """Write UTF-8 ``text`` to ``path`` atomically (see ``atomic_write_bytes``)."""
    atomic_write_bytes(path, text.encode("utf-8"), create_folders=create_folders)


def atomic_write_bytes(path: Path, data: bytes, *, create_folders: bool = True) -> None:
    """Write ``data`` to ``path`` so that readers see the old file or the new one, never a mix.

    The data goes to a temporary file in the same folder, is flushed to disk, then renamed over
    the target (``os.replace`` is atomic on POSIX and Windows). Any failure leaves the old file.
    Writers of one folder take turns (a lock on the folder), so any temporary file of ours found
    there (for this target or another) is a dead writer's and is removed first. With
    ``create_folders=False`` the folder must exist (``require_folder``).
    """
    path = Path(path)
    if create_folders:
        path.parent.mkdir(parents=True, exist_ok=True)
    require_folder(path)
    with _folder_lock(path.parent):
        remove_stale_temporaries(path)
        fd, tmp_name = tempfile.mkstemp(prefix=_tmp_prefix(path), suffix=".tmp", dir=path.parent)
        tmp = Path(tmp_name)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            tmp.chmod(path.stat().st_mode & 0o777 if path.exists() else 0o644)
            tmp.replace(path)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise


def require_folder(path: Path) -> None:
    """FolderMissingError unless ``path``'s folder exists: soja-map makes no folder it was not
    asked to (a mistyped output path is an error, not a new tree of folders)."""
    folder = Path(path).parent
    if not folder.is_dir():
        raise FolderMissingError(
            f"{path}: the folder {folder} does not exist; create it first (nothing was written)"
        )


def _tmp_prefix(path: Path) -> str:
    return f".{path.name}."


# what tempfile.mkstemp(prefix=_tmp_prefix(target), suffix=".tmp") names: ".<target>.<8 chars>.tmp"
_OUR_TEMPORARY: Final = re.compile(r"\..+\.[a-z0-9_]{8}\.tmp")


def remove_stale_temporaries(path: Path) -> list[Path]:
    """Remove the temporary files interrupted writes left in ``path``'s folder, whatever file they
    were writing (call under the folder's lock: no live writer then has one)."""
    stale = [
        p
        for p in path.parent.glob(".*.tmp")
        if _OUR_TEMPORARY.fullmatch(p.name) and p.is_file() and not p.is_symlink()
    ]
    for p in stale:
        p.unlink(missing_ok=True)
    return stale


@contextlib.contextmanager
def _folder_lock(folder: Path) -> Iterator[None]:
    """An exclusive advisory lock on ``folder`` (POSIX flock on the folder itself; no lock file)."""
    try:
        import fcntl  # noqa: PLC0415 - POSIX only
    except ImportError:  # pragma: no cover - Windows: writes are still atomic, just not serialised
        yield
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def round_coordinates(coords: Any, ndigits: int = COORDINATE_DECIMALS) -> Any:
    """Round nested GeoJSON coordinate arrays."""
    if isinstance(coords, int | float):
        return round(float(coords), ndigits)
    return [round_coordinates(c, ndigits) for c in coords]


def feature(properties: Mapping[str, Any], geometry: Mapping[str, Any] | None) -> dict[str, Any]:
    geom = None
    if geometry is not None:
        geom = {"type": geometry["type"], "coordinates": round_coordinates(geometry["coordinates"])}
    return {
        "type": "Feature",
        "id": properties["id"],
        "geometry": geom,
        "properties": dict(properties),
    }


def dumps_feature_collection(
    features: Iterable[Mapping[str, Any]], metadata: Mapping[str, Any] | None = None
) -> str:
    """Deterministic GeoJSON text: one feature per line, so version control shows real diffs."""
    head: dict[str, Any] = {"type": "FeatureCollection"}
    if metadata:
        head["metadata"] = dict(metadata)
    lines = [
        json.dumps(f, ensure_ascii=False, separators=(",", ":"), allow_nan=False) for f in features
    ]
    head_text = json.dumps(head, ensure_ascii=False, indent=None, allow_nan=False)[:-1]
    body = ",\n".join(lines)
    return (
        f'{head_text}, "features": [\n{body}\n]}}\n'
        if lines
        else f'{head_text}, "features": []}}\n'
    )


def write_feature_collection(
    path: Path, features: Iterable[Mapping[str, Any]], metadata: Mapping[str, Any] | None = None
) -> None:
    atomic_write_text(path, dumps_feature_collection(features, metadata))


def read_json_file(path: Path, limit: int = MAX_LAYER_BYTES) -> Any:
    """A bounded, strict JSON file (see ``read_bounded`` and ``loads_bounded``)."""
    return loads_bounded(read_bounded(Path(path), limit))


def is_geographic_wgs84(crs: CRS | None) -> bool:
    if crs is None:
        return False
    return bool(
        crs.equals(CRS.from_user_input(GEOGRAPHIC_CRS), ignore_axis_order=True)
    ) or crs.to_epsg() in {
        4326,
        6668,
        4612,
    }


def read_vector(path: Path, *, layer: str | None = None) -> gpd.GeoDataFrame:
    """Read any vector file GDAL knows (GeoPackage, Shapefile, GeoJSON, ...) with its CRS checked.

    Used for data users bring (population layers, road networks). Raises CRSError when the file
    has no CRS, so that metres are never mistaken for degrees.
    """
    try:
        frame = pyogrio.read_dataframe(path, layer=layer)
    except pyogrio.errors.DataSourceError as exc:
        raise CRSError(f"{path}: cannot read as a vector data set ({exc})") from None
    if frame.crs is None:
        raise CRSError(
            f"{path}: the file has no coordinate reference system; "
            "set one (e.g. EPSG:4326 for lon/lat or EPSG:6673 for JGD2011 plane rectangular V)"
        )
    return frame


def ensure_crs(frame: gpd.GeoDataFrame, *, name: str = "data") -> gpd.GeoDataFrame:
    """Raise a clear CRSError if a GeoDataFrame has no CRS."""
    if frame.crs is None:
        raise CRSError(f"{name} has no CRS; call .set_crs() with the CRS its coordinates are in")
    return frame


def finite(x: float) -> bool:
    return math.isfinite(x)


# -- spreadsheet cells --------------------------------------------------------------------------

FORMULA_TRIGGERS: Final = ("=", "+", "-", "@", "\t", "\r")


def looks_like_formula(value: Any) -> bool:
    """Text a spreadsheet could take for a formula: it begins with = + - @ tab or CR (the OWASP
    CSV-injection rule), also after leading spaces (a CR turned into a space by a one-line cell).
    Numbers are never formulas. The one rule for every CSV and XLSX soja-map writes."""
    return isinstance(value, str) and value.lstrip(" \u3000").startswith(FORMULA_TRIGGERS)


def safe_cell(value: Any) -> Any:
    """A CSV cell that no spreadsheet runs: formula-like text (``looks_like_formula``) gets a
    leading apostrophe; numbers and other values stay as they are. (XLSX cells keep their text and
    are marked as text instead: ``append_safe_row``.)"""
    return "'" + value if looks_like_formula(value) else value


def append_safe_row(sheet: Any, values: Iterable[Any]) -> None:
    """Append a row to an openpyxl worksheet with no formula in it: every string is stored as text
    (openpyxl would make one beginning with '=' a formula), and formula-like text is marked as
    Excel marks a typed apostrophe (``quotePrefix``), so it reads as written and stays text when
    edited. Numbers stay numbers. The XLSX side of ``safe_cell``."""
    sheet.append(list(values))
    for cell in sheet[sheet.max_row]:
        if cell.data_type == "f":
            cell.data_type = "s"
        if looks_like_formula(cell.value):
            cell.quotePrefix = True
