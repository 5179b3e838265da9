"""The boxes on the map and the place popup, as HTML from the templates: the popup (query.card),
the legend, the 市全域 box, the info line, the title and the north arrow."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

import geopandas as gpd
from markupsafe import Markup

from soja_map import __version__
from soja_map.data.dataset import Dataset
from soja_map.i18n import Translator
from soja_map.maps.options import ExportOptions
from soja_map.maps.templating import render, trusted
from soja_map.query import card as card_words
from soja_map.query.basemaps import TILE_SOURCES
from soja_map.query.card import place_card
from soja_map.query.filters import Filter, city_wide_measures, city_wide_places
from soja_map.query.styling import INK, LegendEntry, colours_for, swatch_html

MAX_CITY_WIDE_ROWS = 12
LEGEND_SECTIONS = (
    ("project", "priority_projects"),
    ("category", "categories"),
    ("reference", "reference_layers"),
)


def popup_html(data: Dataset, place_id: str, tr: Translator) -> Markup:
    """The popup of one place: the same card as the app's details panel."""
    return render("popup.html", card=place_card(data, place_id), tr=tr, w=card_words)


def title_html(title: str, subtitle: str) -> Markup:
    return render("title.html", title=title, subtitle=subtitle)


def north_arrow_svg(tr: Translator) -> Markup:
    return render("north_arrow.html", tr=tr, ink=INK)


def legend_html(entries: Sequence[LegendEntry], tr: Translator) -> Markup:
    """The legend (every label escaped; the swatches are styling's constant SVG)."""
    sections = []
    for kind, heading in LEGEND_SECTIONS:
        group = [e for e in entries if e.kind == kind or (kind == "category" and e.kind == "line")]
        if group:
            sections.append((tr(heading), group))
    return render(
        "legend.html",
        title=tr("legend"),
        sections=sections,
        swatch=lambda entry: trusted(swatch_html(entry)),
    )


# -- city-wide items -------------------------------------------------------------------------------


@dataclass(frozen=True)
class CityWideItem:
    """A row of the 市全域 box: a place without a site, or a city-wide measure of the plan."""

    kind: Literal["place", "measure"]
    id: str
    label: str
    colours: tuple[str, ...]


def city_wide_items(
    data: Dataset, selected: gpd.GeoDataFrame, flt: Filter, tr: Translator
) -> list[CityWideItem]:
    """City-wide places in the selection, then the plan's city-wide measures the filter shows
    (``filters.city_wide_measures``: the rule the app's list follows too)."""
    plan = data.plan
    items = [
        CityWideItem(
            "place",
            str(pid),
            tr.pick(row["name_ja"], row["name_en"]),
            colours_for(row["projects"], plan, flt.projects),
        )
        for pid, row in city_wide_places(selected).iterrows()
    ]
    items += [
        CityWideItem(
            "measure",
            c.measure.id,
            tr.pick(c.measure.name_ja, c.measure.name_en),
            (c.project.colour,),
        )
        for c in city_wide_measures(plan, flt)
    ]
    return items


def city_wide_html(items: Sequence[CityWideItem], tr: Translator) -> Markup:
    return render(
        "city_wide.html",
        tr=tr,
        items=items[:MAX_CITY_WIDE_ROWS],
        more=max(0, len(items) - MAX_CITY_WIDE_ROWS),
    )


# -- the info box ----------------------------------------------------------------------------------


def attribution_parts(frames: Iterable[gpd.GeoDataFrame]) -> list[str]:
    """The distinct credits (``attribution`` split at '; ') of everything drawn, first seen first."""
    seen: dict[str, None] = {}
    for frame in frames:
        for text in frame["attribution"].dropna():
            for part in str(text).split("; "):
                if part.strip():
                    seen.setdefault(part.strip(), None)
    return list(seen)


def as_of_text(selected: gpd.GeoDataFrame, tr: Translator) -> str:
    """The dates of the selected places' data: one date, or the first to the last (and how many are undated)."""
    dates = sorted(str(d) for d in selected["as_of"].dropna())
    undated = int(selected["as_of"].isna().sum())
    if not dates:
        text = tr("undated")
    elif dates[0] == dates[-1]:
        text = dates[0]
    else:
        text = tr("export_date_range", first=dates[0], last=dates[-1])
    if dates and undated:
        text += tr("export_undated_count", n=tr.number(undated))
    return f"{tr('data_as_of')}: {text}"


def tiles_text(basemap: str, tr: Translator) -> str:
    """Which background map the page shows (the page's JS updates it when that changes)."""
    if basemap == "none":
        return tr("no_tiles")
    source = TILE_SOURCES[basemap]
    return f"{tr('tiles')}: {source.name(tr)}"


def count_text(selected: gpd.GeoDataFrame, located: gpd.GeoDataFrame, tr: Translator) -> str:
    if not len(selected):
        return tr("export_nothing_selected")
    text = tr("export_matching", n=tr.number(len(located)))
    wide = len(selected) - len(located)
    if wide:
        text += tr("export_matching_city_wide", n=tr.number(wide))
    return text


def info_html(
    selected: gpd.GeoDataFrame,
    located: gpd.GeoDataFrame,
    drawn: Sequence[gpd.GeoDataFrame],
    options: ExportOptions,
    tr: Translator,
) -> Markup:
    """As-of dates, counts, the credits of everything drawn, and when and how the map was made."""
    return render(
        "info.html",
        tr=tr,
        count=count_text(selected, located, tr),
        as_of=as_of_text(selected, tr),
        tiles=tiles_text(options.basemap, tr),
        credits=attribution_parts(drawn),
        made=tr("export_generated", date=options.generated.isoformat(), version=__version__),
    )
