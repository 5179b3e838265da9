"""The ``soja-map`` command: validate, import, serve, coverage, export. Errors become messages, not tracebacks."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from soja_map import __version__
from soja_map.config import BASEMAPS, SETTINGS_DOC, Settings
from soja_map.errors import SojaMapError, ValidationError
from soja_map.schema import PLACE_CATEGORIES

F = TypeVar("F", bound=Callable[..., Any])


class Context:
    """What every subcommand gets: the settings, and the data set loaded (and validated) on demand."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._dataset: Any = None

    def dataset(self) -> Any:
        from soja_map.dataset import load_dataset  # noqa: PLC0415 - keep `--help` fast

        if self._dataset is None:
            self._dataset = load_dataset(self.settings)
        return self._dataset


pass_ctx = click.make_pass_decorator(Context)


def _settings_epilog() -> str:
    lines = ["\b", "Settings (environment variables):"]
    lines += [f"  {doc.env:<20} {doc.help}" for doc in SETTINGS_DOC.values()]
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
    from soja_map.dataset import boundary_geometry, study_area  # noqa: PLC0415
    from soja_map.plan import CATALOGUE_FILE, load_catalogue  # noqa: PLC0415
    from soja_map.validate import validate_paths  # noqa: PLC0415

    settings = ctx.settings
    targets = list(paths) or [settings.geodata_dir]
    missing = [p for p in targets if not p.exists()]
    if missing:
        raise click.UsageError(f"no such file or folder: {', '.join(map(str, missing))}")
    catalogue = None
    catalogue_path = settings.geodata_dir / CATALOGUE_FILE
    if catalogue_path.is_file() and not any(
        p.is_dir() and (p / CATALOGUE_FILE).is_file() for p in targets
    ):
        catalogue = load_catalogue(catalogue_path)
    boundary = boundary_geometry(settings.geodata_dir)
    report = validate_paths(
        targets,
        catalogue=catalogue,
        plan_id=settings.plan_id,
        study_area=study_area(boundary) if boundary is not None else None,
    )
    click.echo(report.to_json() if fmt == "json" else report.text())
    sys.exit(0 if report.ok else 1)


# -- import --------------------------------------------------------------------------------------


@cli.command(name="import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--category", type=click.Choice(PLACE_CATEGORIES),
              help="Category of every row (unless the file has a category column).")
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
    from soja_map.importer import Defaults, import_table  # noqa: PLC0415
    from soja_map.validate import Validator  # noqa: PLC0415

    data = ctx.dataset()
    defaults = Defaults(
        category=category,
        measures=measures,
        source_publisher=source_publisher,
        source_dataset=source_dataset,
        source_reference=source_reference,
        licence=licence,
        as_of=as_of,
    )
    result = import_table(
        file,
        geodata_dir=ctx.settings.geodata_dir,
        existing=data.report.layers,
        plan=data.plan,
        towns=data.town_index(),
        validator=Validator(data.plan, data.study_area),
        defaults=defaults,
        target=target,
        replace=replace,
        dry_run=dry_run,
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

    overrides = {"host": host, "port": port, "debug": debug, "tiles": tiles, "basemap": basemap}
    settings = ctx.settings.with_(**{k: v for k, v in overrides.items() if v is not None})
    app = create_app(settings, ctx.dataset())
    click.echo(
        f"soja-map: serving {ctx.dataset().places.shape[0]} places on http://{settings.host}:{settings.port}"
    )
    app.run(host=settings.host, port=settings.port, debug=settings.debug)


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
        if os.environ.get("SOJA_MAP_DEBUG", "") in {"1", "true"}:
            raise
        click.echo(
            f"error: unexpected {type(exc).__name__}: {exc}\n(set SOJA_MAP_DEBUG=1 for details, "
            "and please report it)",
            err=True,
        )
        sys.exit(1)
