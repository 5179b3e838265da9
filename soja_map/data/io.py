"""Reading and writing the project's GeoJSON: strict decoding, deterministic output, atomic writes."""

from __future__ import annotations

import json
import math
import os
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import geopandas as gpd
import pyogrio
from pyproj import CRS

from soja_map.data.schema import GEOGRAPHIC_CRS
from soja_map.errors import CRSError

COORDINATE_DECIMALS = 7  # ~1 cm at Soja's latitude: more than any source is worth


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


def atomic_write_text(path: Path, text: str) -> None:
    """Write UTF-8 ``text`` to ``path`` atomically (see ``atomic_write_bytes``)."""
    atomic_write_bytes(path, text.encode("utf-8"))


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that readers see the old file or the new one, never a mix.

    The data goes to a temporary file in the same folder, is flushed to disk, then renamed over
    the target (``os.replace`` is atomic on POSIX and Windows). Any failure leaves the old file.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
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


def read_json_file(path: Path) -> Any:
    return json.loads(decode_utf8(Path(path).read_bytes()))


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
