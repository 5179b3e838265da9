"""The ``soja-map`` command: validate, import, serve, coverage, export. Errors become messages, not tracebacks."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from soja_map import __version__
from soja_map.config import BASEMAPS, SETTINGS_DOC, Settings
from soja_map.data.facts import SHELTER_LAYER_CHOICES
from soja_map.data.schema import PLACE_CATEGORIES
from soja_map.errors import ConfigError, SojaMapError, ValidationError

F = TypeVar("F", bound=Callable[..., Any])


class Context:
    """What every subcommand gets: the settings, and the data set loaded (and validated) on demand."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._dataset: Any = None

    def dataset(self) -> Any:
        from soja_map.data.dataset import load_dataset  # noqa: PLC0415 - keep `--help` fast

        if self._dataset is None:
            self._dataset = load_dataset(self.settings)
        return self._dataset


pass_ctx = click.make_pass_decorator(Context)


def _settings_epilog() -> str:
    lines = ["\b", "Settings (environment variables):"]
    lines += [
        f"  {doc.env:<22} {doc.help.replace('`', '')} (default {doc.default})"
        for doc in SETTINGS_DOC.values()
    ]
    return "\n".join(lines)


@click.group(epilog=_settings_epilog(), context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--geodata",
    "geodata_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder of GeoJSON layers and plan.json (default: ./geodata or SOJA_MAP_GEODATA).",
)
@click.option(
    "--plan", "plan_id", help="Plan id from plan.json (default: the catalogue's default plan)."
)
@click.version_option(__version__, prog_name="soja-map")
@click.pass_context
def cli(ctx: click.Context, geodata_dir: Path | None, plan_id: str | None) -> None:
    """soja-map: Soja City's priority projects and the places where they happen.

    \b
    Examples:
      soja-map validate                 check every file in geodata/
      soja-map import nurseries.csv --category nursery
      soja-map serve                    start the map on http://127.0.0.1:8050
    """
    settings = Settings.from_env(geodata_dir=geodata_dir, plan_id=plan_id)
    ctx.obj = Context(settings)


# -- validate ------------------------------------------------------------------------------------


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="json prints a machine-readable report.",
)
@pass_ctx
def validate(ctx: Context, paths: tuple[Path, ...], fmt: str) -> None:
    """Check GeoJSON layers (default: all of geodata/) and report EVERY problem at once.

    Exit status 0 when valid, 1 when any error is found.
    """
    from soja_map.data.check import validate_targets  # noqa: PLC0415 - keep `--help` fast

    missing = [p for p in list(paths) or [ctx.settings.geodata_dir] if not p.exists()]
    if missing:
        raise click.UsageError(f"no such file or folder: {', '.join(map(str, missing))}")
    report = validate_targets(ctx.settings, paths)
    click.echo(report.to_json() if fmt == "json" else report.text())
    sys.exit(0 if report.ok else 1)


# -- import --------------------------------------------------------------------------------------


@cli.command(name="import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--category",
    type=click.Choice(PLACE_CATEGORIES),
    help="Category of every row (unless the file has a category column).",
)
@click.option(
    "--measure",
    "measures",
    multiple=True,
    help="Measure id or exact name (repeatable; default: the category's usual measures).",
)
@click.option(
    "--into",
    "target",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Layer file to merge into (default: the category's layer in geodata/).",
)
@click.option("--source-publisher", help="Publisher of the data (if the file has no 出典 column).")
@click.option("--source-dataset", help="Name of the list or document (default: the file name).")
@click.option("--source-reference", help="URL or reference (default: the file name).")
@click.option("--licence", "--license", "licence", help="Licence or terms of the data.")
@click.option(
    "--as-of", help="Date the data describes, YYYY-MM-DD (if the file has no 時点 column)."
)
@click.option(
    "--replace", is_flag=True, help="Overwrite stored places whose id matches but content differs."
)
@click.option("--dry-run", is_flag=True, help="Check everything and report, but write nothing.")
@pass_ctx
def import_(
    ctx: Context,
    file: Path,
    category: str | None,
    measures: tuple[str, ...],
    target: Path | None,
    source_publisher: str | None,
    source_dataset: str | None,
    source_reference: str | None,
    licence: str | None,
    as_of: str | None,
    replace: bool,
    dry_run: bool,
) -> None:
    """Add places from a staff spreadsheet (CSV in UTF-8 or Shift_JIS, or .xlsx).

    \b
    Each row needs a name (名称) and either an address in 総社市 (住所) or lat/lon (緯度/経度).
    Addresses are matched offline to the 大字/町丁目 representative point (position_accuracy
    address_town); unmatched addresses are listed, never guessed. Nothing is written unless every
    row is valid; the write is atomic, and rows whose id is already stored with different content
    are reported as conflicts (use --replace to overwrite them).
    """
    from soja_map.data.importer import Defaults, import_into  # noqa: PLC0415

    defaults = Defaults(
        category=category,
        measures=measures,
        source_publisher=source_publisher,
        source_dataset=source_dataset,
        source_reference=source_reference,
        licence=licence,
        as_of=as_of,
    )
    result = import_into(
        ctx.dataset(), file, defaults=defaults, target=target, replace=replace, dry_run=dry_run
    )
    verb = "would write" if dry_run else ("wrote" if result.written else "no change to")
    click.echo(
        f"{file} ({result.encoding}): {len(result.added)} new, {len(result.replaced)} replaced, "
        f"{len(result.unchanged)} unchanged; {verb} {result.target}"
    )
    for fid, town in result.address_matches.items():
        click.echo(f"  {fid}: placed at the representative point of {town} (address_town)")


# -- serve ---------------------------------------------------------------------------------------


@cli.command()
@click.option("--host", help="Address to listen on (default 127.0.0.1).")
@click.option("--port", type=int, help="Port (default 8050).")
@click.option("--debug/--no-debug", default=None, help="Dash debug mode (reloader, dev tools).")
@click.option(
    "--tiles/--no-tiles", default=None, help="Background map tiles (off for offline use)."
)
@click.option("--basemap", type=click.Choice(BASEMAPS), help="Initial basemap.")
@pass_ctx
def serve(
    ctx: Context,
    host: str | None,
    port: int | None,
    debug: bool | None,
    tiles: bool | None,
    basemap: str | None,
) -> None:
    """Start the map app (Dash) on the bundled data: http://127.0.0.1:8050 by default."""
    from soja_map.web.app import create_app  # noqa: PLC0415
    from soja_map.web.security import DevRequestHandler, refusal  # noqa: PLC0415

    overrides = {"host": host, "port": port, "debug": debug, "tiles": tiles, "basemap": basemap}
    settings = ctx.settings.with_(**{k: v for k, v in overrides.items() if v is not None})
    try:
        data = ctx.dataset()
    except SojaMapError as exc:
        click.echo(refusal(settings.geodata_dir, exc), err=True)
        sys.exit(1)
    app = create_app(settings, data)
    click.echo(
        f"soja-map: serving {data.places.shape[0]} places on http://{settings.host}:{settings.port}"
    )
    app.run(
        host=settings.host,
        port=settings.port,
        debug=settings.debug,
        request_handler=DevRequestHandler,
    )


# -- output files --------------------------------------------------------------------------------


def _refuse_missing_folders(*paths: Path | None) -> None:
    """Stop before any work when an output's folder does not exist: soja-map creates no folder it
    was not asked to, and writes nothing when one output cannot be written.

    The rule and its message are data.io's (``require_folder``, which every write without
    ``create_folders`` applies too).
    """
    from soja_map.data.io import require_folder  # noqa: PLC0415

    for path in paths:
        if path is not None:
            require_folder(path)


# -- coverage ------------------------------------------------------------------------------------

COVERAGE_BY = ("town", "elementary", "junior_high", "city")


class _Steps:
    """Says what is being done, but only once work has taken more than a second (a rich spinner on
    stderr, when stderr is a terminal)."""

    def __init__(self, *, delay: float = 1.0) -> None:
        import threading  # noqa: PLC0415

        from rich.console import Console  # noqa: PLC0415
        from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn  # noqa: PLC0415

        console = Console(stderr=True)
        self._progress = Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            TimeElapsedColumn(),
            console=console,
            transient=True,
            disable=not console.is_terminal,
        )
        self._task = self._progress.add_task("soja-map coverage", total=None)
        self._lock = threading.Lock()
        self._started = False
        self._timer = threading.Timer(delay, self._start)
        self._timer.daemon = True

    def _start(self) -> None:
        with self._lock:
            if not self._started:
                self._progress.start()
                self._started = True

    def __enter__(self) -> _Steps:
        self._timer.start()
        return self

    def step(self, description: str) -> None:
        self._progress.update(self._task, description=description)

    def __exit__(self, *exc: object) -> None:
        self._timer.cancel()
        with self._lock:
            if self._started:
                self._progress.stop()
            self._started = True


def _parse_lonlat(text: str) -> tuple[float, float]:
    try:
        lon_text, lat_text = text.split(",")
        return float(lon_text), float(lat_text)
    except ValueError:
        raise click.BadParameter(
            f"expected LON,LAT in degrees, e.g. 133.7465,34.6728; got {text!r}", param_hint="--add"
        ) from None


@cli.command()
@click.option(
    "--category",
    "categories",
    multiple=True,
    help="Category of facility, e.g. nursery (repeatable).",
)
@click.option("--measure", "measures", multiple=True, help="Measure id or exact name (repeatable).")
@click.option("--project", "projects", multiple=True, help="Priority project id (repeatable).")
@click.option("--radius", type=float, help="Radius in metres (any value; default: the preset's).")
@click.option(
    "--preset",
    help="Named radius from the planning handbooks: walk (800 m), elderly (500), bus_stop (300), "
    "elderly_welfare (1000), shelter (1000), park_block (250), park_neighbourhood (500), "
    "park_district (1000). Default: the usual one for the category, else walk.",
)
@click.option(
    "--by",
    type=click.Choice(COVERAGE_BY),
    default="town",
    show_default=True,
    help="Rows of the table: towns, elementary or junior-high school districts, or the whole city.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["csv", "xlsx", "json"]),
    help="File format (default: from the -o file name, else csv).",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the table to this file (default: a table on the terminal).",
)
@click.option(
    "--gaps",
    "gaps_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write the gap polygons (uncovered populated areas) as GeoJSON.",
)
@click.option(
    "--add",
    "adds",
    multiple=True,
    metavar="LON,LAT",
    help="What-if: add a hypothetical facility at these coordinates (repeatable).",
)
@click.option(
    "--remove",
    "removes",
    multiple=True,
    metavar="ID",
    help="What-if: remove the selected facility with this id (repeatable).",
)
@click.option(
    "--population",
    "population_path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Population layer to use instead of the bundled estimate: polygons with a population "
    "column (census small areas, mesh) or points with counts; it must have a CRS. It is cut to the "
    "city boundary (polygons keep the share of their area inside; every output says how many "
    "people were left out).",
)
@click.option("--population-column", help="Column of --population holding the number of people.")
@click.option("--population-year", help="Year of --population, printed on every output.")
@click.option(
    "--network",
    "network_path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Road network for walking distance: an OSM extract (.osm/.pbf) or a file of road lines.",
)
@click.option(
    "--cell-size",
    type=float,
    default=100.0,
    show_default=True,
    help="Population grid cell size in metres.",
)
@click.option(
    "--hazard",
    "hazards",
    multiple=True,
    help="Shelters: only the sites designated for this hazard, e.g. flood or 洪水 (repeatable; "
    "implies the shelter sites and the 1 km preset).",
)
@click.option("--lang", type=click.Choice(["ja", "en"]), help="Language of labels (default ja).")
@pass_ctx
def coverage(
    ctx: Context,
    categories: tuple[str, ...],
    measures: tuple[str, ...],
    projects: tuple[str, ...],
    radius: float | None,
    preset: str | None,
    by: str,
    fmt: str | None,
    output: Path | None,
    gaps_path: Path | None,
    adds: tuple[str, ...],
    removes: tuple[str, ...],
    population_path: Path | None,
    population_column: str | None,
    population_year: str | None,
    network_path: Path | None,
    cell_size: float,
    hazards: tuple[str, ...],
    lang: str | None,
) -> None:
    """Who lives within a radius of a set of facilities: by town, school district or city.

    \b
    Examples:
      soja-map coverage --category nursery --radius 800
      soja-map coverage --category rail_station --by elementary -o stations.xlsx
      soja-map coverage --category nursery --add 133.70,34.66 --remove nursery.62fd1c79
      soja-map coverage --category park --preset park_block --population census.gpkg --population-column JINKO
      soja-map coverage --category 避難場所 --hazard 洪水 --by elementary

    The default population is an estimate built from the bundle (the 2020 census city total shared
    by school-district pupils and town points); distances are straight lines unless --network is given.
    Every output states the population source, year and method, the radius source and the distance method.
    """
    from soja_map.analysis.coverage import WhatIf  # noqa: PLC0415 - keep `--help` fast
    from soja_map.analysis.presets import preset as named_preset  # noqa: PLC0415
    from soja_map.analysis.request import (  # noqa: PLC0415
        CoverageRequest,
        OutsideStudyAreaError,
        PopulationFile,
        run_coverage,
    )
    from soja_map.i18n import translator  # noqa: PLC0415

    if not (categories or measures or projects or hazards):
        raise click.UsageError("choose facilities with --category, --measure or --project")
    if population_path is not None and not population_column:
        raise click.UsageError("--population needs --population-column (the column of people)")
    if output is None and fmt == "xlsx":
        raise click.UsageError("xlsx needs a file: add -o FILE.xlsx")
    _refuse_missing_folders(output, gaps_path)
    chosen = named_preset(preset) if preset else None
    if chosen is not None and radius is not None and radius != chosen.radius_m:
        raise click.UsageError(
            f"--preset {chosen.name} is {chosen.radius_m:g} m but --radius is {radius:g} m: give one"
        )
    request = CoverageRequest(
        categories=categories,
        measures=measures,
        projects=projects,
        radius_m=radius,
        preset=chosen,
        added=tuple(_parse_lonlat(a) for a in adds),
        removed=removes,
        population=PopulationFile(population_path, population_column or "", population_year or "")
        if population_path is not None
        else None,
        network_path=network_path,
        cell_size_m=cell_size,
        hazards=hazards,
    )
    with _Steps() as steps:
        steps.step("loading the data")
        data = ctx.dataset()
        try:
            result = run_coverage(data, request, steps.step)
        except OutsideStudyAreaError as exc:
            raise click.BadParameter(str(exc), param_hint="--add") from None
    _notes_on_facilities(
        result.before.facilities if isinstance(result, WhatIf) else result.facilities
    )
    tr = translator(lang or ctx.settings.language)
    _write_coverage(result, by, fmt, output, gaps_path, tr, data.plan)


def _notes_on_facilities(facilities: Any) -> None:
    if facilities.excluded:
        click.echo(
            f"note: {len(facilities.excluded)} selected item(s) have no location (city-wide) and "
            f"are not facilities for coverage: {', '.join(facilities.excluded)}",
            err=True,
        )
    if len(facilities) == 0:
        click.echo("note: no located facility matches the selection; nobody is covered", err=True)


def _write_coverage(
    result: Any,
    by: str,
    fmt: str | None,
    output: Path | None,
    gaps_path: Path | None,
    tr: Any,
    plan: Any,
) -> None:
    from soja_map.analysis import report as report_io  # noqa: PLC0415

    if gaps_path is not None:
        report_io.write_gaps(gaps_path, result, tr, plan=plan)
        click.echo(f"wrote {gaps_path} ({len(report_io.result_of(result).gaps)} gap polygons)")
    if output is not None:
        chosen_format = report_io.format_for(output, fmt)
        report_io.write_report(output, result, by, chosen_format, tr, plan=plan)
        click.echo(f"wrote {output} ({chosen_format}, by {by}, {len(result.table(by))} rows)")
    elif fmt in {"csv", "json"}:
        text = report_io.render(result, by, fmt, tr, plan=plan).decode("utf-8")
        click.echo(text.removeprefix("\ufeff"), nl=False)
    else:
        _print_coverage_table(result, by, tr, plan)


def _print_coverage_table(result: Any, by: str, tr: Any, plan: Any) -> None:
    from rich.console import Console  # noqa: PLC0415
    from rich.table import Table  # noqa: PLC0415

    from soja_map.analysis import report as report_io  # noqa: PLC0415

    console = Console()
    if not console.is_terminal:  # piped or redirected: don't cut names to 80 columns
        console = Console(width=200)
    lines = report_io.metadata_lines(result, tr, plan=plan)
    raw = result.table(by)
    frame = report_io.display_frame(raw, by, tr)
    table = Table(title=lines[0][1], title_justify="left")
    table.add_column(str(frame.index.name), no_wrap=True)
    for column in frame.columns:
        table.add_column(str(column), justify="right")
    shares = [c in report_io.SHARES for c in raw.columns]
    for name, row in frame.iterrows():
        cells = [
            "-"
            if report_io.cell_value(v) is None
            else (tr.percent(v) if is_share else tr.number(v))
            for v, is_share in zip(row, shares, strict=True)
        ]
        table.add_row(str(name), *cells)
    for label, value in lines[1:]:
        console.print(f"[bold]{label}[/bold]: {value}", highlight=False, markup=True)
    console.print(table)


# -- access (2SFCA) -------------------------------------------------------------------------------


@cli.command()
@click.option("--category", "categories", multiple=True, help="Category id or name (repeatable).")
@click.option("--measure", "measures", multiple=True, help="Measure id or name (repeatable).")
@click.option(
    "--project", "projects", multiple=True, help="Priority project id or name (repeatable)."
)
@click.option(
    "--licensed",
    is_flag=True,
    help="Only licensed child care (認可保育所, 地域型保育, 認定こども園).",
)
@click.option(
    "--radius", type=float, help="Catchment radius in metres (default: the category's preset)."
)
@click.option("--by", type=click.Choice(COVERAGE_BY), default="elementary", show_default=True)
@click.option(
    "--population",
    "population_path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Demand population layer (e.g. children aged 0-5) instead of the total-population estimate.",
)
@click.option("--population-column", help="Column of --population holding the number of people.")
@click.option("--population-year", help="Year of --population, printed on every output.")
@click.option(
    "--format", "fmt", type=click.Choice(["csv", "json"]), help="Print or write this format."
)
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write to this file."
)
@click.option("--lang", type=click.Choice(["ja", "en"]), help="Language of labels (default ja).")
@pass_ctx
def access(
    ctx: Context,
    categories: tuple[str, ...],
    measures: tuple[str, ...],
    projects: tuple[str, ...],
    licensed: bool,
    radius: float | None,
    by: str,
    population_path: Path | None,
    population_column: str | None,
    population_year: str | None,
    fmt: str | None,
    output: Path | None,
    lang: str | None,
) -> None:
    """Capacity against demand: places per 1,000 residents within reach (two-step floating catchment).

    \b
    Examples:
      soja-map access --category 保育所 --category kodomo_en --licensed --by elementary
      soja-map access --category nursery --population kids.gpkg --population-column age0_5 -o a.csv

    The default demand is the estimate of the TOTAL population, not children; every output says so.
    """
    from soja_map.analysis.request import CoverageRequest, PopulationFile, run_access  # noqa: PLC0415
    from soja_map.i18n import translator  # noqa: PLC0415

    if not (categories or measures or projects):
        raise click.UsageError("choose facilities with --category, --measure or --project")
    if population_path is not None and not population_column:
        raise click.UsageError("--population needs --population-column (the column of people)")
    _refuse_missing_folders(output)
    request = CoverageRequest(
        categories=categories,
        measures=measures,
        projects=projects,
        radius_m=radius,
        population=PopulationFile(population_path, population_column or "", population_year or "")
        if population_path is not None
        else None,
    )
    data = ctx.dataset()
    result = run_access(data, request, licensed_only=licensed)
    _write_access(result, by, fmt, output, translator(lang or ctx.settings.language))


def _write_access(result: Any, by: str, fmt: str | None, output: Path | None, tr: Any) -> None:
    from soja_map.analysis import access_report  # noqa: PLC0415
    from soja_map.data.io import atomic_write_text  # noqa: PLC0415

    chosen = fmt or (output.suffix.lstrip(".").lower() if output is not None else None)
    if chosen in {"csv", "json"}:
        text = (
            access_report.to_json(result, by, tr)
            if chosen == "json"
            else access_report.to_csv(result, by, tr)
        )
        if output is None:
            click.echo(text.removeprefix("\ufeff"), nl=False)
        else:
            atomic_write_text(output, text, create_folders=False)
            click.echo(f"wrote {output} ({chosen}, by {by}, {len(result.table(by))} rows)")
        return
    if output is not None:
        raise click.UsageError("-o needs a .csv or .json file (or --format)")
    from rich.console import Console  # noqa: PLC0415
    from rich.table import Table  # noqa: PLC0415

    console = Console() if Console().is_terminal else Console(width=200)
    meta = access_report.metadata(result, tr)
    table = Table(title=meta[0][1], title_justify="left")
    table.add_column(access_report.by_label(by, tr), no_wrap=True)
    for column in access_report.ZONE_COLUMNS:
        table.add_column(access_report.access_label(column, tr), justify="right")
    for row in access_report.zone_rows(result, by):
        table.add_row(*access_report.display_row(row, tr))
    for key, value in meta[1:]:
        console.print(
            f"[bold]{tr(f'access_meta_{key}')}[/bold]: {value}", highlight=False, markup=True
        )
    console.print(table)


# -- export --------------------------------------------------------------------------------------


@cli.command()
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    help="HTML file to write (a folder with --each-project).",
)
@click.option(
    "--project", "projects", multiple=True, help="Priority project id or name (repeatable)."
)
@click.option("--policy", "policies", multiple=True, help="Policy id or name (repeatable).")
@click.option("--measure", "measures", multiple=True, help="Measure id or name (repeatable).")
@click.option("--category", "categories", multiple=True, help="Category id or label (repeatable).")
@click.option("--town", "towns", multiple=True, help="大字/町丁目 name (repeatable).")
@click.option("--text", default="", help="Only places whose name or address contains this.")
@click.option(
    "--title", help="Map title (default: the app's title; the project is added per project)."
)
@click.option(
    "--basemap",
    type=click.Choice(BASEMAPS),
    help="Background map; it appears only where the network allows (default: SOJA_MAP_BASEMAP, or none with SOJA_MAP_TILES=0).",
)
@click.option("--lang", type=click.Choice(["ja", "en"]), help="Language of the map (default ja).")
@click.option("--school-districts", is_flag=True, help="Draw the (indicative) school districts.")
@click.option(
    "--shelters",
    type=click.Choice(SHELTER_LAYER_CHOICES),
    help="Show the 避難場所・避難所 layer: all sites, the evacuation shelters (shelter), or the sites "
    "designated for one hazard (flood, landslide, earthquake, fire, inland_flood...).",
)
@click.option(
    "--no-rail-lines", is_flag=True, help="Leave out the railway lines drawn for context."
)
@click.option(
    "--each-project",
    is_flag=True,
    help="One map per priority project; -o, --png and --pdf then name folders.",
)
@click.option(
    "--png", type=click.Path(path_type=Path), help="Also render a PNG image (headless Chromium)."
)
@click.option("--pdf", type=click.Path(path_type=Path), help="Also render a one-page PDF.")
@click.option(
    "--report",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write a multi-page PDF report: the map page, then the list of places by project and measure.",
)
@click.option(
    "--coverage",
    "coverage_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Add a coverage result to the report: its table and its map after the list (a file from `soja-map coverage --format json -o FILE`).",
)
@click.option(
    "--data",
    "data_files",
    multiple=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the filtered places as data: .gpkg, .geojson, .csv (UTF-8 with BOM) or .xlsx (repeatable).",
)
@click.option("--paper", type=click.Choice(["A4", "A3"]), default="A4", show_default=True)
@click.option("--landscape/--portrait", default=False, help="Paper orientation (default portrait).")
@click.option("--dpi", type=click.Choice(["150", "300"]), default="150", show_default=True)
@click.option(
    "--bounds",
    metavar="S,W,N,E",
    help="Show this area (degrees: south,west,north,east), e.g. 34.66,133.72,34.69,133.77 for the centre.",
)
@click.option(
    "--tile-mirror",
    metavar="URL",
    help="Take background tiles from a mirror or cache serving URL/<basemap>/{z}/{x}/{y}.png.",
)
@click.option(
    "--chromium",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Chromium binary (default: SOJA_MAP_CHROMIUM or /usr/bin/chromium).",
)
@pass_ctx
def export(
    ctx: Context,
    output: Path | None,
    projects: tuple[str, ...],
    policies: tuple[str, ...],
    measures: tuple[str, ...],
    categories: tuple[str, ...],
    towns: tuple[str, ...],
    text: str,
    title: str | None,
    basemap: str | None,
    lang: str | None,
    school_districts: bool,
    shelters: str | None,
    no_rail_lines: bool,
    each_project: bool,
    png: Path | None,
    pdf: Path | None,
    report: Path | None,
    coverage_file: Path | None,
    data_files: tuple[Path, ...],
    paper: str,
    landscape: bool,
    dpi: str,
    bounds: str | None,
    tile_mirror: str | None,
    chromium: Path | None,
) -> None:
    """Write a static map for reports: one HTML file that works offline, and PNG/PDF on request.

    \b
    Examples:
      soja-map export -o map.html
      soja-map export --project はぐくむ --title "子育て施設" -o hagukumu.html --png hagukumu.png
      soja-map export --each-project -o maps/ --png maps/ --paper A3 --landscape --dpi 300
      soja-map export --project はぐくむ --report hagukumu.pdf --data hagukumu.gpkg --data hagukumu.xlsx
    """
    from soja_map.maps import api  # noqa: PLC0415 - keep `--help` fast

    try:
        job = api.ExportJob(
            html=output,
            png=png,
            pdf=pdf,
            report=report,
            data=data_files,
            coverage=coverage_file,
            each_project=each_project,
            page=api.Page(paper="A3" if paper == "A3" else "A4", landscape=landscape, dpi=int(dpi)),
            browser=api.BrowserConfig.from_settings(ctx.settings, chromium=chromium),
        )
    except api.ExportUsageError as exc:
        raise click.UsageError(str(exc)) from None
    # with --each-project, -o, --png and --pdf name folders: a missing one is made, its parent not
    _refuse_missing_folders(output, png, pdf, report, *data_files)
    settings = ctx.settings
    data = ctx.dataset()
    flt = api.filter_from_names(
        data.plan,
        projects=projects,
        policies=policies,
        measures=measures,
        categories=categories,
        towns=towns,
        text=text,
        known_towns=set(data.places["town_area"].dropna()) | set(data.towns["town"].dropna()),
    )
    options = api.ExportOptions(
        title=title,
        basemap=basemap or (settings.basemap if settings.tiles else "none"),
        lang="en" if (lang or settings.language) == "en" else "ja",
        school_districts=school_districts,
        shelters=shelters,
        rail_lines=not no_rail_lines,
        view=api.View.parse(bounds) if bounds else None,
        tile_mirror=tile_mirror or settings.tile_mirror,
    )
    outcome = api.run_export(data, flt, options, job, say=click.echo)
    for warning in outcome.warnings:
        click.echo(f"warning: {warning}", err=True)


# -- entry point ---------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> None:
    """Run the CLI; SojaMapErrors print as messages with exit status 1, never as tracebacks."""
    try:
        cli.main(args=argv, prog_name="soja-map", standalone_mode=False)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.Abort:
        click.echo("aborted", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except ValidationError as exc:
        click.echo(exc.report(), err=True)
        click.echo(f"error: {exc.summary()}; nothing was written", err=True)
        sys.exit(1)
    except SojaMapError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as exc:
        if _debug():
            raise
        click.echo(
            f"error: unexpected {type(exc).__name__}: {exc}\n(set SOJA_MAP_DEBUG=1 for details, "
            "and please report it)",
            err=True,
        )
        sys.exit(1)


def _debug() -> bool:
    """SOJA_MAP_DEBUG, read the one way settings are read (a bad value means no)."""
    try:
        return Settings.from_env().debug
    except ConfigError:
        return False
