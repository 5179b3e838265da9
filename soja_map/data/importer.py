"""Turn a staff spreadsheet (CSV in UTF-8 / UTF-8-BOM / Shift_JIS, or xlsx) into validated places."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from soja_map.data.dataset import Dataset
from soja_map.data.io import (
    MAX_CSV_FIELD,
    MAX_TABLE_BYTES,
    MAX_XLSX_UNPACKED_BYTES,
    dumps_feature_collection,
    feature,
    read_bounded,
)
from soja_map.data.plan import Plan
from soja_map.data.schema import CATEGORIES, Role
from soja_map.data.towns import TownIndex
from soja_map.data.validate import ParsedLayer, Validator, duplicate_id_problems
from soja_map.errors import (
    ConflictError,
    Problem,
    ReadLimitError,
    ValidationError,
    raise_if_problems,
)

ENCODINGS = (("utf-8-sig", "UTF-8"), ("cp932", "Shift_JIS (CP932)"))
ID_HEX_DIGITS = 32  # 128 bits: a collision among generated ids is not a practical risk

# Spreadsheet header (normalised: NFKC, lower case, no spaces) -> place field.
HEADER_ALIASES: dict[str, str] = {
    **dict.fromkeys(("id", "識別子", "コード"), "id"),
    **dict.fromkeys(("name_ja", "name", "名称", "施設名", "名前", "施設名称"), "name_ja"),
    **dict.fromkeys(("name_en", "英語名", "英語名称", "英名"), "name_en"),
    **dict.fromkeys(("category", "分類", "種別", "カテゴリ"), "category"),
    **dict.fromkeys(("measures", "measure", "施策", "施策id"), "measures"),
    **dict.fromkeys(("address", "住所", "所在地"), "address"),
    **dict.fromkeys(("lat", "latitude", "緯度"), "lat"),
    **dict.fromkeys(("lon", "lng", "long", "longitude", "経度"), "lon"),
    **dict.fromkeys(("description", "説明", "概要", "備考"), "description"),
    **dict.fromkeys(("as_of", "時点", "基準日", "更新日", "年月日"), "as_of"),
    **dict.fromkeys(("as_of_note", "時点の注記"), "as_of_note"),
    **dict.fromkeys(
        ("source_publisher", "publisher", "出典", "提供者", "出典元"), "source_publisher"
    ),
    **dict.fromkeys(("source_dataset", "dataset", "データセット", "資料名"), "source_dataset"),
    **dict.fromkeys(
        ("source_reference", "reference", "url", "出典url", "参照"), "source_reference"
    ),
    **dict.fromkeys(("licence", "license", "ライセンス", "利用条件"), "licence"),
}
LAYER_FOR_CATEGORY: dict[str, str] = {
    "rail_station": "rail_stations",
    "rail_line": "rail_lines",
    "bus_stop": "bus",
    "bus_route": "bus",
    "demand_transport": "transport_services",
    "tourism_site": "tourism",
    "park": "tourism",
    "heritage_site": "heritage",
    "nursery": "child_rearing",
    "unlicensed_childcare": "child_rearing",
    "kodomo_en": "child_rearing",
    "kindergarten": "child_rearing",
    "child_support_centre": "child_rearing",
    "after_school_club": "child_rearing",
    "school": "schools",
    "welfare_facility": "community",
    "medical_facility": "medical",
    "community_centre": "community",
    "city_office": "community",
    "evacuation_shelter": "shelters",
    "shop": "industry",
    "industrial_site": "industry",
}


PLACE_CATEGORY_IDS = tuple(c for c, cat in CATEGORIES.items() if cat.role is Role.PLACE)
# The only files import writes: the place layers, each in the data folder (never plan.json, docs,
# CSVs or reference layers).
PLACE_LAYERS = frozenset(LAYER_FOR_CATEGORY.get(c, c) for c in PLACE_CATEGORY_IDS)


@dataclass(frozen=True)
class Defaults:
    """Values for columns a spreadsheet does not have (from command-line options)."""

    category: str | None = None
    measures: tuple[str, ...] = ()
    source_publisher: str | None = None
    source_dataset: str | None = None
    source_reference: str | None = None
    licence: str | None = None
    as_of: str | None = None


@dataclass
class Table:
    rows: list[dict[str, str]]  # field name (or original header for extras) -> cell text
    encoding: str
    extra_columns: list[str] = field(default_factory=list)


@dataclass
class ImportResult:
    target: Path
    added: list[str]
    replaced: list[str]
    unchanged: list[str]
    encoding: str
    address_matches: dict[str, str]  # place id -> town used for its position
    written: bool


def _norm_header(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).lower()


def read_table(path: Path) -> tuple[Table | None, list[Problem]]:
    """Read CSV (UTF-8, UTF-8 with BOM, Shift_JIS/CP932) or xlsx into rows keyed by place field."""
    file = str(path)
    try:
        data = read_bounded(Path(path), MAX_TABLE_BYTES)
    except ReadLimitError as exc:
        return None, [exc.problem(file)]
    except OSError as exc:
        return None, [
            Problem(file=file, code="unreadable", message=f"cannot read the file ({exc.strerror})")
        ]
    grid, encoding, problem = _read_grid(path, data, file)
    if grid is None:
        return None, [problem] if problem else []
    grid = [row for row in grid if any(cell.strip() for cell in row)]
    if not grid:
        return None, [Problem(file=file, code="empty", message="the file has no header row")]
    fields, extras, problems = _header_fields(grid[0], file)
    rows = []
    for n, cells in enumerate(grid[1:], start=2):
        if len(cells) > len(fields):
            problems.append(
                Problem(
                    file=file,
                    code="row-too-long",
                    row=n,
                    value=len(cells),
                    message="the row has more cells than the header",
                    expected=f"{len(fields)} cells",
                )
            )
        rows.append({f: (cells[i].strip() if i < len(cells) else "") for i, f in enumerate(fields)})
    return Table(rows=rows, encoding=encoding, extra_columns=[e for e in extras if e]), problems


def _read_grid(
    path: Path, data: bytes, file: str
) -> tuple[list[list[str]] | None, str, Problem | None]:
    """The cells of the first sheet (xlsx) or of the CSV text, and the encoding found."""
    if path.suffix.lower() in {".xlsx", ".xlsm"}:
        unpacked = _xlsx_unpacked_size(data)
        if unpacked > MAX_XLSX_UNPACKED_BYTES:
            return (
                None,
                "",
                Problem(
                    file=file,
                    code="too-large",
                    message=f"the workbook unpacks to {unpacked:,} bytes",
                    expected=f"at most {MAX_XLSX_UNPACKED_BYTES:,} bytes unpacked",
                ),
            )
        grid, encoding = _read_xlsx(data, file)
        if grid is None:
            return (
                None,
                "",
                Problem(file=file, code="not-xlsx", message="not a readable Excel workbook"),
            )
        return grid, encoding, None
    for codec, label in ENCODINGS:
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        return _csv_grid(text, file, label)
    return (
        None,
        "",
        Problem(
            file=file,
            code="not-text",
            message="the file is neither UTF-8 nor Shift_JIS text; save it from Excel as "
            "'CSV UTF-8' or 'CSV (comma delimited)'",
        ),
    )


def _csv_grid(
    text: str, file: str, label: str
) -> tuple[list[list[str]] | None, str, Problem | None]:
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        return list(reader), label, None
    except csv.Error as exc:
        return (
            None,
            label,
            Problem(
                file=file,
                code="csv-invalid",
                row=reader.line_num or None,
                message=f"the CSV cannot be read ({exc}); a cell may hold at most "
                f"{MAX_CSV_FIELD:,} characters",
                expected="CSV text with cells of at most " + f"{MAX_CSV_FIELD:,} characters",
            ),
        )


def _xlsx_unpacked_size(data: bytes) -> int:
    """The declared size of a workbook's parts once decompressed (the reader stops there)."""
    import zipfile  # noqa: PLC0415

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            return sum(info.file_size for info in zf.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return 0  # not a zip: openpyxl reports it as not a workbook


def _header_fields(header_row: list[str], file: str) -> tuple[list[str], list[str], list[Problem]]:
    """Each column's place field (or its own header, for extra columns), the extras, and repeats."""
    fields: list[str] = []
    extras: list[str] = []
    problems: list[Problem] = []
    for h in (h.strip() for h in header_row):
        key = HEADER_ALIASES.get(_norm_header(h))
        if key is None:
            extras.append(h)
            key = h
        if key in fields:
            problems.append(
                Problem(
                    file=file,
                    code="header-duplicate",
                    field=h,
                    value=h,
                    row=1,
                    message=f"two columns mean '{key}'",
                    expected="one column per field",
                )
            )
        fields.append(key)
    return fields, extras, problems


def _read_xlsx(data: bytes, file: str) -> tuple[list[list[str]] | None, str]:
    import openpyxl  # noqa: PLC0415 - only needed for Excel input

    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:
        return None, ""
    sheet = wb.worksheets[0]
    grid = []
    for row in sheet.iter_rows(values_only=True):
        grid.append([_cell_text(v) for v in row])
    wb.close()
    return grid, "xlsx"


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def normalise_date(text: str) -> str:
    """Accept what Excel writes (2025/10/01, 2025年10月1日) and return ISO; else the text unchanged."""
    t = unicodedata.normalize("NFKC", text).strip()
    m = re.match(r"^(\d{4})[/.年-](\d{1,2})(?:[/.月-](\d{1,2})日?)?月?$", t)
    if m:
        y, mo, d = m.groups()
        return f"{y}-{int(mo):02d}" + (f"-{int(d):02d}" if d else "")
    return t


def _split_measures(text: str) -> list[str]:
    return [m.strip() for m in re.split(r"[;、,|]", text) if m.strip()]


@dataclass
class _Row:
    """One spreadsheet row being converted, and the problems found in it so far."""

    cells: dict[str, str]
    n: int
    file: str
    problems: list[Problem] = field(default_factory=list)

    def get(self, name: str) -> str:
        return self.cells.get(name, "")

    def problem(
        self, code: str, message: str, fld: str, value: Any = None, expected: str | None = None
    ) -> None:
        self.problems.append(
            Problem(
                file=self.file,
                code=code,
                message=message,
                row=self.n,
                field=fld,
                value=value,
                expected=expected,
            )
        )


@dataclass
class _Position:
    geometry: dict[str, Any] | None = None
    accuracy: str = "surveyed"
    note: str | None = None
    town: str | None = None  # the 大字/町丁目 the place is in
    matched: str | None = None  # the town whose representative point the place was put at


def row_to_feature(
    row: dict[str, str],
    n: int,
    *,
    file: str,
    defaults: Defaults,
    plan: Plan,
    towns: TownIndex,
    extra_columns: Sequence[str],
) -> tuple[dict[str, Any] | None, list[Problem], str | None]:
    """One spreadsheet row -> a Feature (not yet schema-validated), its problems and the matched town."""
    r = _Row(row, n, file)
    category = _category(r, defaults)
    measures = _measures(r, category, defaults, plan)
    position = _position(r, towns)
    source, licence, as_of = _provenance(r, defaults)
    address = r.get("address") or None
    fid = r.get("id") or _row_id(
        category or "place", r.get("name_ja"), address, r.get("lat"), r.get("lon")
    )
    props: dict[str, Any] = {
        "id": fid,
        "name_ja": r.get("name_ja"),
        "name_en": r.get("name_en") or None,
        "category": category or "",
        "measures": measures,
        "address": address,
        "description": r.get("description"),
        "source": source,
        "licence": licence,
        "as_of": as_of or None,
        "position_accuracy": position.accuracy,
        "position_note": position.note,
        "town": position.town,
        "attributes": {c: row[c] for c in extra_columns if row.get(c)},
    }
    if r.get("as_of_note"):
        props["as_of_note"] = r.get("as_of_note")
    if not as_of:
        props["as_of_note"] = None
    return feature(props, position.geometry), r.problems, position.matched


def _category(r: _Row, defaults: Defaults) -> str | None:
    own = r.get("category")
    category = own or defaults.category
    if own and defaults.category and own != defaults.category:
        r.problem(
            "category-disagrees",
            f"the row's category differs from --category {defaults.category}",
            "category",
            own,
            f"'{defaults.category}', or no --category",
        )
    elif category in CATEGORIES and CATEGORIES[category].role is not Role.PLACE:
        r.problem(
            "category-not-place",
            "import adds places; this category is a reference layer",
            "category",
            category,
            ", ".join(PLACE_CATEGORY_IDS),
        )
    if not category:
        r.problem(
            "field-missing",
            "no category: add a category column or pass --category",
            "category",
            expected=", ".join(CATEGORIES),
        )
    elif category not in CATEGORIES:
        r.problem(
            "category-unknown", "unknown category", "category", category, ", ".join(CATEGORIES)
        )
    return category


def _measures(r: _Row, category: str | None, defaults: Defaults, plan: Plan) -> list[str]:
    """The row's measures (ids or exact names), else the defaults, else the category's usual ones."""
    measures: list[str] = []
    raw_measures = _split_measures(r.get("measures")) or list(defaults.measures)
    for m in raw_measures:
        try:
            measures.append(plan.resolve_measure(m))
        except ValueError:
            r.problem(
                "measure-unknown",
                "unknown measure (use an id or the exact name from the plan)",
                "measures",
                m,
            )
    if not raw_measures and category in CATEGORIES:
        measures = list(plan.default_measures.get(category, ()))
        if not measures and CATEGORIES[category].role is Role.PLACE:
            r.problem(
                "measure-missing",
                f"category '{category}' has no default measure: pass --measure",
                "measures",
            )
    return measures


def _position(r: _Row, towns: TownIndex) -> _Position:
    """From lat/lon columns if given, else the representative point of the address's town."""
    address = r.get("address")
    if r.get("lat") or r.get("lon"):
        position = _coordinates(r)
        if address:
            town = towns.match(address).town
            position.town = town.name if town else None
        return position
    if not address:
        r.problem(
            "position-missing",
            "the row has neither an address nor lat/lon",
            "address",
            expected="an address in 総社市, or lat and lon columns",
        )
        return _Position()
    match = towns.match(address)
    if match.town is None:
        r.problem(
            "address-unmatched",
            f"the address matches no 大字/町丁目 of 総社市 ({match.reason}); not guessed",
            "address",
            address,
            "an address in 総社市, or lat/lon columns",
        )
        return _Position()
    t = match.town
    return _Position(
        geometry={"type": "Point", "coordinates": [t.lon, t.lat]},
        accuracy="address_town",
        note=f"{t.label}の代表点（住所から大字・町丁目まで一致）: the site may be up to ~1 km away",
        town=t.name,
        matched=t.label,
    )


def _coordinates(r: _Row) -> _Position:
    lat_text, lon_text = r.get("lat"), r.get("lon")
    try:
        lat = float(unicodedata.normalize("NFKC", lat_text))
        lon = float(unicodedata.normalize("NFKC", lon_text))
    except ValueError:
        fld = "lat" if not _is_number(lat_text) else "lon"
        r.problem(
            "coordinate-invalid",
            "a coordinate is not a number (both lat and lon are needed)",
            fld,
            lat_text if fld == "lat" else lon_text,
            "decimal degrees, e.g. lat 34.67 and lon 133.74",
        )
        return _Position()
    return _Position(
        geometry={"type": "Point", "coordinates": [lon, lat]},
        accuracy="approximate",
        note="coordinates supplied in the spreadsheet",
    )


def _provenance(r: _Row, defaults: Defaults) -> tuple[dict[str, str], str, str]:
    """source, licence and as_of from the row's columns, else the command-line defaults."""
    name = Path(r.file).name
    source = {
        "publisher": r.get("source_publisher") or defaults.source_publisher or "",
        "dataset": r.get("source_dataset") or defaults.source_dataset or name,
        "reference": r.get("source_reference") or defaults.source_reference or name,
    }
    if not source["publisher"]:
        r.problem(
            "field-missing",
            "no source publisher: add a 出典 column or pass --source-publisher",
            "source.publisher",
        )
    licence = r.get("licence") or defaults.licence or ""
    if not licence:
        r.problem(
            "field-missing", "no licence: add a ライセンス column or pass --licence", "licence"
        )
    as_of = normalise_date(r.get("as_of") or defaults.as_of or "")
    if not as_of:
        r.problem(
            "field-missing",
            "no as-of date: add a 時点 column or pass --as-of",
            "as_of",
            expected="YYYY-MM-DD",
        )
    return source, licence, as_of


def _is_number(text: str) -> bool:
    try:
        float(unicodedata.normalize("NFKC", text))
    except ValueError:
        return False
    return True


def _row_id(category: str, name: str, address: str | None, lat: str, lon: str) -> str:
    key = "|".join([name, address or "", lat, lon])
    return (
        f"{category.replace('_', '-')}.{hashlib.sha256(key.encode()).hexdigest()[:ID_HEX_DIGITS]}"
    )


@dataclass
class _Converted:
    """The rows that became features, the spreadsheet row of each, and the towns matched."""

    features: list[dict[str, Any]] = field(default_factory=list)
    rows: list[int] = field(default_factory=list)
    matches: dict[str, str] = field(default_factory=dict)  # place id -> town label
    problems: list[Problem] = field(default_factory=list)
    generated: set[str] = field(default_factory=set)  # ids made from the row, not given in it


@dataclass
class _Merge:
    features: list[dict[str, Any]]
    added: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    conflicts: list[Problem] = field(default_factory=list)


def import_table(
    path: Path,
    *,
    geodata_dir: Path,
    existing: Sequence[ParsedLayer],
    plan: Plan,
    towns: TownIndex,
    validator: Validator,
    defaults: Defaults,
    target: Path | None = None,
    replace: bool = False,
    dry_run: bool = False,
) -> ImportResult:
    """Read, convert, validate and merge a spreadsheet into a layer file; all or nothing.

    Raises ValidationError (or ConflictError) with every problem found; nothing is written then.
    """
    file = str(path)
    table, problems = read_table(path)
    raise_if_problems(problems)
    assert table is not None
    converted = _convert(table, file, defaults=defaults, plan=plan, towns=towns)
    problems.extend(converted.problems)
    # The same rules as `soja-map validate`, reported against spreadsheet rows.
    problems.extend(_validator_problems(validator, converted, problems, file))
    raise_if_problems(problems)

    target = Path(target) if target is not None else _default_target(converted, geodata_dir, file)
    raise_if_problems(_target_problems(target, geodata_dir, converted, file))
    current = next((layer for layer in existing if layer.path.resolve() == target.resolve()), None)
    merge = _merge(current, converted, file, target=target, replace=replace)
    raise_if_problems(merge.conflicts, error=ConflictError)

    # Validate the merged file as it would be written, and ids across every other layer.
    metadata = current.metadata if current else _new_layer_metadata(target)
    text = dumps_feature_collection(merge.features, metadata)
    layer, found = validator.check_document(json.loads(text), str(target))
    others = [x for x in existing if x.path.resolve() != target.resolve()]
    found = [*found, *duplicate_id_problems([*others, layer] if layer else others)]
    raise_if_problems(found)
    written = not dry_run and bool(merge.added or merge.replaced)
    if written:
        from soja_map.data.io import atomic_write_text  # noqa: PLC0415 - keeps the write visibly last

        atomic_write_text(target, text)
    return ImportResult(
        target=target,
        added=merge.added,
        replaced=merge.replaced,
        unchanged=merge.unchanged,
        encoding=table.encoding,
        address_matches=converted.matches,
        written=written,
    )


def _convert(
    table: Table, file: str, *, defaults: Defaults, plan: Plan, towns: TownIndex
) -> _Converted:
    converted = _Converted()
    for n, row in enumerate(table.rows, start=2):
        feat, found, matched = row_to_feature(
            row,
            n,
            file=file,
            defaults=defaults,
            plan=plan,
            towns=towns,
            extra_columns=table.extra_columns,
        )
        converted.problems.extend(found)
        if feat is not None:
            converted.features.append(feat)
            converted.rows.append(n)
            if not row.get("id"):
                converted.generated.add(feat["id"])
            if matched:
                converted.matches[feat["id"]] = matched
    return converted


def _validator_problems(
    validator: Validator, converted: _Converted, known: Sequence[Problem], file: str
) -> list[Problem]:
    """The validator's problems with the converted rows, less those already said in row terms."""
    doc = {"type": "FeatureCollection", "features": converted.features}
    _, found = validator.check_document(doc, file)
    reported = {(p.row, p.field) for p in known}
    unplaced = {p.row for p in known if p.code in _POSITION_CODES}
    out: list[Problem] = []
    for p in found:
        row_number = converted.rows[p.feature_index] if p.feature_index is not None else None
        if (row_number, p.field) in reported:
            continue  # already explained in spreadsheet terms
        if (p.field or "").startswith("geometry") and row_number in unplaced:
            continue  # the row's missing or unmatched position is already reported
        out.append(
            Problem(
                file=p.file,
                code=p.code,
                message=p.message,
                row=row_number,
                feature_id=p.feature_id,
                field=p.field,
                value=p.value,
                expected=p.expected,
                severity=p.severity,
            )
        )
    return out


_POSITION_CODES = frozenset({"address-unmatched", "position-missing", "coordinate-invalid"})


def _default_target(converted: _Converted, geodata_dir: Path, file: str) -> Path:
    """The layer of the rows' category; an error when the rows belong to several layers."""
    categories = {f["properties"]["category"] for f in converted.features}
    layer_names = {LAYER_FOR_CATEGORY.get(c, c) for c in categories}
    if len(layer_names) != 1:
        raise ValidationError(
            [
                Problem(
                    file=file,
                    code="target-ambiguous",
                    message=f"rows of several layers ({', '.join(sorted(layer_names))}): "
                    "pass --into FILE or import them separately",
                )
            ]
        )
    return geodata_dir / f"{layer_names.pop()}.geojson"


def _target_problems(
    target: Path, geodata_dir: Path, converted: _Converted, file: str
) -> list[Problem]:
    """Import writes only a place layer of the data folder, and only rows of that layer."""
    real = target.resolve()
    allowed = ", ".join(sorted(f"{name}.geojson" for name in PLACE_LAYERS))
    if (
        real.parent != Path(geodata_dir).resolve()
        or real.suffix != ".geojson"
        or real.stem not in PLACE_LAYERS
        or (real.exists() and not real.is_file())
    ):
        return [
            Problem(
                file=str(target),
                code="target-not-place-layer",
                message="import writes only into a place layer of the data folder",
                value=str(target),
                expected=f"one of {allowed} in {geodata_dir}",
            )
        ]
    problems = []
    for feat, n in zip(converted.features, converted.rows, strict=True):
        category = feat["properties"]["category"]
        layer = LAYER_FOR_CATEGORY.get(category, category)
        if layer != real.stem:
            problems.append(
                Problem(
                    file=file,
                    code="category-layer",
                    row=n,
                    field="category",
                    value=category,
                    message=f"a '{category}' belongs in {layer}.geojson, not {real.name}",
                    expected=f"a category of {real.name}, or no --into",
                )
            )
    return problems


def _new_layer_metadata(target: Path) -> dict[str, Any]:
    return {
        "layer": target.stem,
        "title_ja": target.stem,
        "title_en": target.stem,
        "complete": False,
    }


def _merge(
    current: ParsedLayer | None, converted: _Converted, file: str, *, target: Path, replace: bool
) -> _Merge:
    """The layer's features with the new rows merged in: new ids added, same content unchanged,
    different content a conflict (or replaced with ``replace``)."""
    old_features = (
        [_as_feature(p, g) for p, g in zip(current.properties, current.geometries, strict=True)]
        if current
        else []
    )
    by_id = {f["properties"]["id"]: i for i, f in enumerate(old_features)}
    merge = _Merge(features=list(old_features))
    seen_new: set[str] = set()
    for feat, n in zip(converted.features, converted.rows, strict=True):
        fid = feat["properties"]["id"]
        if fid in seen_new:
            merge.conflicts.append(
                Problem(
                    file=file,
                    code="id-duplicate",
                    row=n,
                    field="id",
                    value=fid,
                    message="the same id is on two rows of the spreadsheet",
                )
            )
            continue
        seen_new.add(fid)
        if fid not in by_id:
            merge.features.append(feat)
            merge.added.append(fid)
            continue
        old = merge.features[by_id[fid]]
        if _same(old, feat):
            merge.unchanged.append(fid)
        elif fid in converted.generated and _identity(old) != _identity(feat):
            merge.conflicts.append(_collision(old, feat, n, file, target))
        elif replace:
            merge.features[by_id[fid]] = feat
            merge.replaced.append(fid)
        else:
            merge.conflicts.append(_conflict(old, feat, n, file, target))
    return merge


def _identity(feat: dict[str, Any]) -> tuple[Any, ...]:
    """What a generated id is made of: a different place under the same id is a collision."""
    props = feat["properties"]
    return (props.get("name_ja"), props.get("address"), props.get("category"))


def _collision(
    old: dict[str, Any], new: dict[str, Any], n: int, file: str, target: Path
) -> Problem:
    return Problem(
        file=file,
        code="id-collision",
        row=n,
        field="id",
        value=new["properties"]["id"],
        message=f"the id made for this row is already used in {target.name} by a different place "
        f"({old['properties'].get('name_ja')}); it is never replaced",
        expected="an id column giving this row its own id",
    )


def _conflict(old: dict[str, Any], new: dict[str, Any], n: int, file: str, target: Path) -> Problem:
    diff = sorted(
        k
        for k in set(old["properties"]) | set(new["properties"])
        if old["properties"].get(k) != new["properties"].get(k)
    )
    if old.get("geometry") != new.get("geometry"):
        diff.append("geometry")
    return Problem(
        file=file,
        code="id-conflict",
        row=n,
        field="id",
        value=new["properties"]["id"],
        message=f"{target.name} already has a different place with this id "
        f"(differs in {', '.join(diff)}); pass --replace to overwrite it",
        expected="a new id, the same content, or --replace",
    )


def import_into(
    data: Dataset,
    path: Path,
    *,
    defaults: Defaults,
    target: Path | None = None,
    replace: bool = False,
    dry_run: bool = False,
) -> ImportResult:
    """`soja-map import` as a function: import a spreadsheet into a loaded data set's folder."""
    return import_table(
        path,
        geodata_dir=data.geodata_dir,
        existing=data.report.layers if data.report else [],
        plan=data.plan,
        towns=data.town_index(),
        validator=Validator(data.plan, data.study_area),
        defaults=defaults,
        target=target,
        replace=replace,
        dry_run=dry_run,
    )


def _as_feature(props: dict[str, Any], geom: Any) -> dict[str, Any]:
    return feature(props, None if geom is None else json.loads(json.dumps(geom.__geo_interface__)))


def _same(a: dict[str, Any], b: dict[str, Any]) -> bool:
    return bool(a["properties"] == b["properties"] and a.get("geometry") == b.get("geometry"))
