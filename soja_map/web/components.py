"""Pure builders of the app's pieces (options, legend, details, list, nearby, credits).

Every string that came from data is passed to Dash as a child or a prop, which React renders as
text: nothing here builds HTML from data. The only markup is the SVG of styling.py (constants),
shown through ``<img src="data:...">``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Container, Iterable, Mapping, Sequence
from typing import Any
from urllib.parse import quote

import geopandas as gpd
import numpy as np
import pandas as pd
from dash import html

from soja_map.data.dataset import Dataset
from soja_map.data.plan import Plan
from soja_map.data.schema import CATEGORIES, LINES
from soja_map.i18n import Lang, Translator, translator
from soja_map.query import card as card_words
from soja_map.query.card import CardMeasure, PlaceCard, place_card
from soja_map.query.card_facts import FactLine, FactRow
from soja_map.query.filters import (
    Counts,
    Filter,
    SearchHit,
    city_wide_measures,
    city_wide_places,
    outside_city,
)
from soja_map.query.styling import (
    NEUTRAL,
    LegendEntry,
    colours_for,
    legend_entries,
    marker_svg,
    swatch_html,
)
from soja_map.web import ids
from soja_map.web.mapdata import REFERENCE_STYLE_OF
from soja_map.web.markdown_html import markdown_components

LIST_PAGE_SIZE = 50


def attrs(values: Mapping[str, Any]) -> dict[str, Any]:
    """Attributes whose names Python keywords cannot spell (``aria-*``, ``data-*``), for ``**``."""
    return dict(values)


DROPDOWN_LABELS = (
    "select_all",
    "deselect_all",
    "selected_count",
    "search",
    "clear_search",
    "clear_selection",
    "no_options_found",
)


def dropdown_labels(tr: Translator) -> Any:  # dcc.Dropdown.Labels, a TypedDict of these keys
    """dcc.Dropdown's own words (Search, Select All...) from the catalogue, not Dash's English."""
    return {key: tr(f"resident_dropdown_{key}") for key in DROPDOWN_LABELS}


def svg_src(svg: str) -> str:
    """A data URL for trusted SVG markup (styling.py's constants)."""
    if "xmlns=" not in svg:  # an <img> only renders SVG that declares its namespace
        svg = svg.replace("<svg ", '<svg xmlns="http://www.w3.org/2000/svg" ', 1)
    return "data:image/svg+xml;charset=utf-8," + quote(svg)


def _field_of(row: Any, key: str) -> Any:
    return row.get(key) if isinstance(row, Mapping) else getattr(row, key, None)


def _text_of(row: Any, key: str) -> str | None:
    value = _field_of(row, key)
    return value if isinstance(value, str) and value else None


def name_of(row: Any, tr: Translator | Lang) -> str:
    """The place's name for ``tr`` (``row``: a row or a dict), by ``Translator.pick``."""
    return translator(tr).pick(_text_of(row, "name_ja"), _text_of(row, "name_en"))


def other_name(row: Any, tr: Translator | Lang) -> str | None:
    """The place's name in the other language, if known and different from the one shown."""
    shown = name_of(row, tr)
    ja, en = _text_of(row, "name_ja"), _text_of(row, "name_en")
    other = en if shown == ja else ja
    return other if other and other != shown else None


def category_label(category: str, tr: Translator | Lang) -> str:
    return translator(tr).pick(CATEGORIES[category].label_ja, CATEGORIES[category].label_en)


def project_name(plan: Plan, project_id: str, tr: Translator) -> str:
    project = plan.project(project_id)
    return tr.pick(project.name_ja, project.name_en)


def category_icon(
    category: str, colours: Sequence[str] = (NEUTRAL,), size: int = 20, lang: Lang = "ja"
) -> html.Img:
    """The category's marker as the map draws it in ``lang`` (or a line swatch for line
    categories), decorative."""
    if CATEGORIES[category].geometry_types == LINES:
        svg = swatch_html(LegendEntry("line", category, "", NEUTRAL, style={"color": colours[0]}))
    else:
        svg = marker_svg(category, tuple(colours), lang=lang)
    return html.Img(src=svg_src(svg), alt="", width=size, height=size, className="soja-icon")


def swatch(colour: str) -> html.Span:
    return html.Span(
        className="soja-swatch", style={"backgroundColor": colour}, **attrs({"aria-hidden": "true"})
    )


def plain_note(text: str) -> html.P:
    return html.P(text, className="soja-note", role="status")


def format_distance(metres: float, tr: Translator) -> str:
    """Metres to the nearest 10 m below 1 km, else km to one decimal ("350 m", "1.2 km")."""
    rounded = round(metres / 10) * 10
    if rounded < 1000:
        return tr("distance_m", n=tr.number(rounded))
    return tr("distance_km", n=tr.number(metres / 1000, 1))


# -- filter controls ------------------------------------------------------------------------------


def project_options(plan: Plan, counts: Mapping[str, int], tr: Translator) -> list[dict[str, Any]]:
    """The four project toggles: colour, name, theme and how many places each would show."""
    return [
        {
            "label": html.Span(
                [
                    swatch(p.colour),
                    html.Span(tr.pick(p.name_ja, p.name_en), className="soja-project-name"),
                    html.Span(tr.pick(p.theme_ja, p.theme_en), className="soja-project-theme"),
                    html.Span(f"({tr.number(counts.get(p.id, 0))})", className="soja-count"),
                ],
                className="soja-project-option",
                **attrs({"data-project": p.id}),
            ),
            "value": p.id,
        }
        for p in plan.projects
    ]


def policy_options(
    plan: Plan, projects: Iterable[str] | None, selected: Iterable[str], tr: Translator
) -> list[dict[str, Any]]:
    """Policies of the shown projects (and any already chosen), in plan order."""
    shown = set(plan.project_by_id) if projects is None else set(projects)
    keep = set(selected)
    return [
        {
            "label": tr(
                "policy_option",
                project=tr.pick(p.name_ja, p.name_en),
                policy=tr.pick(x.name_ja, x.name_en),
            ),
            "value": x.id,
        }
        for p in plan.projects
        for x in p.policies
        if p.id in shown or x.id in keep
    ]


def measure_options(
    plan: Plan,
    projects: Iterable[str] | None,
    policies: Iterable[str],
    selected: Iterable[str],
    measure_counts: Mapping[str, int],
    tr: Translator,
) -> list[dict[str, Any]]:
    """Measures of the shown projects and chosen policies (and any already chosen), with how many
    places serve each, or "city-wide"."""
    shown = set(plan.project_by_id) if projects is None else set(projects)
    chosen_policies = set(policies)
    keep = set(selected)
    out = []
    for p in plan.projects:
        for m in p.measures:
            visible = p.id in shown and (not chosen_policies or m.policy in chosen_policies)
            if not (visible or m.id in keep):
                continue
            n = measure_counts.get(m.id, 0)
            tail = [tr("measure_places", n=tr.number(n))] if n else []
            if m.city_wide:
                tail.append(tr("measure_city_wide"))
            label = tr(
                "measure_option",
                project=tr.pick(p.name_ja, p.name_en),
                measure=tr.pick(m.name_ja, m.name_en),
                tail="・".join(tail),
            )
            out.append({"label": label, "value": m.id})
    return out


def category_options(
    categories: Iterable[str],
    counts: Mapping[str, int],
    tr: Translator,
    partial: Container[str] = (),
) -> list[dict[str, Any]]:
    """One option per category with its count; a category known to be incomplete says so."""
    wanted = set(categories)
    return [
        {
            "label": tr(
                "dataui_count_partial" if c in partial else "dataui_count",
                label=category_label(c, tr),
                n=tr.number(counts.get(c, 0)),
            ),
            "value": c,
        }
        for c in CATEGORIES
        if c in wanted
    ]


def summary_text(shown: Counts, total: int, tr: Translator) -> str:
    return tr(
        "summary",
        shown=tr.number(shown.total),
        located=tr.number(shown.located),
        city=tr.number(shown.total - shown.located),
        total=tr.number(total),
    )


# -- legend ---------------------------------------------------------------------------------------


# The legend's sections, in order, with their heading; only the short one (the project colours)
# starts open, so the legend stays small over the map and the long ones open on demand.
LEGEND_SECTIONS = (
    ("project", "priority_projects"),
    ("category", "categories"),
    ("reference", "reference_layers"),
)
LEGEND_OPEN = frozenset({"project"})


def _legend_row(entry: LegendEntry) -> html.Li:
    return html.Li(
        [
            html.Img(src=svg_src(swatch_html(entry)), alt="", className="soja-legend-swatch"),
            html.Span(
                [
                    entry.label,
                    html.Span(f" {entry.count_text}", className="soja-count")
                    if entry.count_text is not None
                    else None,
                ],
                className="soja-legend-label",
            ),
        ],
        className="soja-legend-row",
        title=entry.label,  # the full label, when a narrow legend cuts it short
        **attrs({"data-entry": f"{entry.kind}:{entry.id}"}),
    )


def legend(
    plan: Plan,
    flt: Filter,
    shown: Counts,
    located_categories: Iterable[str],
    references: Iterable[str],
    tr: Translator,
    drawn_line_colours: Mapping[str, Sequence[str]] | None = None,
    partial: Container[str] = (),
) -> html.Div:
    """The legend of exactly what the map draws: shown projects, categories with counts (saying
    which are known to be incomplete), overlays (lines in the colour they are drawn in)."""
    refs = list(dict.fromkeys(REFERENCE_STYLE_OF[r] for r in references if r in REFERENCE_STYLE_OF))
    entries = legend_entries(
        plan,
        located_categories,
        tr,
        active_projects=flt.projects,
        counts=shown.by_category,
        references=refs,
        drawn_line_colours=drawn_line_colours,
        partial=partial,
    )
    rows: list[Any] = []
    for kind, heading in LEGEND_SECTIONS:
        group = [e for e in entries if e.kind == kind or (kind == "category" and e.kind == "line")]
        # every section is always there (hidden when empty), so a re-render after a filter change
        # keeps the sections a person opened or closed
        rows.append(
            html.Details(
                [
                    html.Summary(tr(heading), className="soja-legend-heading"),
                    html.Ul([_legend_row(e) for e in group]),
                ],
                id=f"{ids.LEGEND}-{kind}",
                open=kind in LEGEND_OPEN,
                hidden=not group,
                className="soja-legend-section",
            )
        )
    city = shown.total - shown.located
    if city:
        rows.append(html.P(f"{tr('city_wide')}: {tr.number(city)}", className="soja-legend-note"))
    return html.Div(rows, className="soja-legend-body")


# -- details --------------------------------------------------------------------------------------


def _source(card: PlaceCard, tr: Translator) -> list[Any]:
    """Publisher / dataset, how it reached us; the technical reference (an address, a repository
    and commit) folded into a disclosure, as the export's popup does."""
    parts: list[Any] = [card_words.source_line(card)]
    if card.source.via:
        parts += [html.Br(), html.Small(card.source.via)]
    reference = card.source.reference
    if reference:
        shown: Any = (
            html.A(reference, href=reference, target="_blank", rel="noopener noreferrer")
            if card.source.reference_is_link
            else reference
        )
        parts.append(
            html.Details(
                [html.Summary(tr("source_details")), html.Small(shown)],
                className="soja-source-details",
            )
        )
    return parts


def _with_note(text: str, note: str | None) -> list[Any]:
    return [text, html.Br(), html.Small(note)] if note else [text]


def _field(field: str, label: str, value: Any) -> list[Any]:
    return [
        html.Dt(label, **attrs({"data-field": field})),
        html.Dd(value, **attrs({"data-field": field})),
    ]


def _measure_item(m: CardMeasure, tr: Translator) -> html.Li:
    return html.Li(
        [
            html.Span(
                [
                    swatch(m.colour),
                    html.Span(m.project_name.pick(tr), **attrs({"data-part": "project"})),
                ],
                className="soja-chip",
            ),
            html.Span(
                m.policy_name.pick(tr), className="soja-policy", **attrs({"data-part": "policy"})
            ),
            html.Span(
                m.measure_name.pick(tr), className="soja-measure", **attrs({"data-part": "measure"})
            ),
            html.Button(
                tr("show_measure"),
                id={"type": ids.MEASURE_LINK, "measure": m.measure},
                className="soja-link-button",
                n_clicks=0,
            ),
        ],
        className="soja-measure-item",
    )


def _fact_line(line: FactLine) -> html.Li:
    text: Any = (
        html.A(line.text, href=line.url, target="_blank", rel="noopener noreferrer")
        if line.url
        else line.text
    )
    return html.Li(html.Small(text) if line.minor else text)


def fact_lines(row: FactRow) -> html.Ul:
    """One facts row of the card (query.card_facts) as a list; sources and dates small."""
    return html.Ul([_fact_line(x) for x in row.lines], className="soja-facts")


def card_fields(card: PlaceCard, tr: Translator) -> list[Any]:
    """The card's labelled fields (a ``<dl>``'s children), in the order the export's popup shows them."""
    fields: list[Any] = []
    other = card_words.other_name(card, tr)
    if other:
        other_lang, name = other
        fields += _field("other_name", tr(f"name_{other_lang}"), html.Span(name, lang=other_lang))
    if card.address:
        fields += _field("address", tr("address"), card.address)
    if card.town:
        fields += _field("town", tr("town"), card.town)
    if card.description:
        fields += _field("description", tr("description"), card.description)
    fields += _field("source", tr("source"), _source(card, tr))
    fields += _field("licence", tr("licence"), card.licence)
    if card.attribution:
        fields += _field("attribution", tr("attribution"), card.attribution)
    fields += _field(
        "as_of", tr("as_of"), _with_note(card_words.as_of_text(card, tr), card.as_of_note)
    )
    fields += _field(
        "position",
        tr("position"),
        _with_note(card_words.position_text(card, tr), card.position_note),
    )
    for row in card_words.facts(card, tr):
        fields += _field(row.field, row.label, fact_lines(row))
    if card.attributes:
        fields += _field(
            "attributes",
            tr("card_attributes"),
            html.Ul(
                [html.Li(card_words.attribute_text(k, v, tr)) for k, v in card.attributes],
                className="soja-attributes",
            ),
        )
    return fields


def _badges(card: PlaceCard, tr: Translator) -> list[Any]:
    """市全域 (no site of its own) and 市外 (outside the city) next to the category."""
    shown = [("city_wide_badge", card.city_wide), ("dataui_outside_city", card.outside_city)]
    return [html.Span(tr(key), className="soja-badge") for key, on in shown if on]


def _measures(card: PlaceCard, tr: Translator) -> list[Any]:
    """The measures the place serves (none for a shelter-only site: safety information only)."""
    if not card.measures:
        return []
    return [
        html.H3(tr("measures"), **attrs({"data-field": "measures"})),
        html.Ul(
            [_measure_item(m, tr) for m in card.measures],
            className="soja-measure-list",
            **attrs({"data-field": "measures"}),
        ),
    ]


def details(
    data: Dataset,
    place_id: str | None,
    flt: Filter,
    shown_ids: Container[str],
    lang: Lang | Translator,
) -> Any:
    """The card of one place (query.card's view model): names, category, the measures it serves
    (with policy and project), address, town, description, source, licence, dates, position
    accuracy and other facts. ``None`` when nothing is chosen."""
    if not card_words.has_card(data, place_id):
        return None
    assert place_id is not None
    tr = lang if isinstance(lang, Translator) else translator(lang)
    card = place_card(data, place_id)
    notes: list[Any] = []
    if place_id not in shown_ids and not card.city_wide:
        notes.append(html.P(tr("not_in_filter"), className="soja-note"))
    partial = card_words.layer_note(card, tr)
    if partial:
        notes.append(
            html.P(partial, className="soja-note", **attrs({"data-field": "layer_partial"}))
        )
    return html.Div(
        [
            html.Div(
                [
                    category_icon(
                        card.category,
                        colours_for(card.projects, data.plan),
                        size=26,
                        lang=tr.lang,
                    ),
                    html.H2(
                        card_words.title(card, tr),
                        id="details-title",
                        className="soja-details-title",
                        **attrs({"data-field": "name"}),
                    ),
                ],
                className="soja-details-head",
            ),
            html.P(
                [card_words.category_label(card, tr), *_badges(card, tr)],
                className="soja-details-category",
                **attrs({"data-field": "category"}),
            ),
            *_measures(card, tr),
            html.Dl(card_fields(card, tr), className="soja-fields"),
            *notes,
        ],
        className="soja-details-body",
        **attrs({"data-place": place_id}),
    )


# -- the accessible list --------------------------------------------------------------------------


def list_rows(selected: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The places of the list in reading order: Soja's own places, then those outside the city;
    each by category (schema order), then Japanese name."""
    rank = {c: i for i, c in enumerate(CATEGORIES)}
    ranks = np.fromiter((rank[c] for c in selected["category"]), dtype=int, count=len(selected))
    names = selected["name_ja"].to_numpy(dtype=str)
    # places outside the city (市外: stations across the border) after Soja's own
    outside = outside_city(selected).astype(int)
    return selected.iloc[np.lexsort((names, ranks, outside))]


def page_count(n: int, size: int = LIST_PAGE_SIZE) -> int:
    return max(1, math.ceil(n / size))


def place_list(
    selected: gpd.GeoDataFrame, plan: Plan, page: int, current: str | None, tr: Translator
) -> html.Div:
    """A table of the places in the current filter (a page of LIST_PAGE_SIZE rows); each name is a
    button that selects the place, so the whole map can be used from the keyboard."""
    rows = list_rows(selected)
    n = len(rows)
    pages = page_count(n)
    page = min(max(page, 0), pages - 1)
    chunk = rows.iloc[page * LIST_PAGE_SIZE : (page + 1) * LIST_PAGE_SIZE]
    body = []
    for pid, row in zip(chunk.index, chunk.itertuples(index=False), strict=True):
        city_wide = row.geometry is None
        town: Any = row.town_area or ""
        if city_wide:
            town = html.Span(tr("city_wide_badge"), className="soja-badge")
        body.append(
            html.Tr(
                [
                    html.Th(
                        html.Button(
                            name_of(row, tr),
                            id={"type": ids.PLACE_LINK, "place": str(pid), "src": "list"},
                            className="soja-row-button",
                            n_clicks=0,
                        ),
                        scope="row",
                    ),
                    html.Td(category_label(row.category, tr)),
                    html.Td(", ".join(project_name(plan, p, tr) for p in row.projects)),
                    html.Td(town),
                ],
                className="soja-row-current" if pid == current else None,
                **attrs({"aria-current": "true"} if pid == current else {}),
            )
        )
    first, last = (page * LIST_PAGE_SIZE + 1, page * LIST_PAGE_SIZE + len(chunk)) if n else (0, 0)
    table = html.Table(
        [
            html.Caption(tr("list_caption")),
            html.Thead(
                html.Tr(
                    [
                        html.Th(tr("col_name"), scope="col"),
                        html.Th(tr("col_category"), scope="col"),
                        html.Th(tr("col_projects"), scope="col"),
                        html.Th(tr("col_town"), scope="col"),
                    ]
                )
            ),
            html.Tbody(body),
        ],
        className="soja-table",
    )
    return html.Div(
        [
            table if n else html.P(tr("list_empty"), className="soja-note"),
            html.P(
                tr(
                    "page_of",
                    first=tr.number(first),
                    last=tr.number(last),
                    total=tr.number(n),
                ),
                className="soja-page-info",
                **attrs({"aria-live": "polite"}),
            ),
        ],
        **attrs({"data-rows": str(n), "data-page": str(page)}),
    )


# -- city-wide items and measures -----------------------------------------------------------------


def city_wide_section(
    data: Dataset, flt: Filter, selected: gpd.GeoDataFrame, tr: Translator
) -> Any:
    """City-wide services (no site: shown here, never as points) and city-wide measures in the filter."""
    plan = data.plan
    services = city_wide_places(selected)
    measures = [(c.project, c.measure) for c in city_wide_measures(plan, flt)]
    if services.empty and not measures:
        return None
    parts: list[Any] = [html.H2(tr("city_wide"), className="soja-section-title")]
    if not services.empty:
        parts.append(html.H3(tr("city_wide_items")))
        parts.append(
            html.Ul(
                [
                    html.Li(
                        html.Button(
                            name_of(row, tr),
                            id={"type": ids.PLACE_LINK, "place": str(pid), "src": "city"},
                            className="soja-link-button",
                            n_clicks=0,
                        )
                    )
                    for pid, row in zip(
                        services.index, services.itertuples(index=False), strict=True
                    )
                ]
            )
        )
    if measures:
        parts.append(html.H3(tr("city_wide_measures")))
        parts.append(
            html.Ul(
                [
                    html.Li(
                        [
                            html.Span([swatch(p.colour), tr.pick(m.name_ja, m.name_en)]),
                            html.Small(tr.pick(m.city_wide_note_ja, m.city_wide_note_en)),
                        ],
                        className="soja-city-measure",
                    )
                    for p, m in measures
                ]
            )
        )
    return parts


def measure_note(
    data: Dataset, flt: Filter, measure_counts: Mapping[str, int], tr: Translator
) -> Any:
    """What the chosen measures cover: how many places, or that the measure is city-wide."""
    if not flt.measures:
        return None
    plan = data.plan
    items = []
    for mid in flt.measures:
        m = plan.measure(mid)
        n = measure_counts.get(mid, 0)
        text = f"{tr.pick(m.name_ja, m.name_en)}: {tr('measure_places', n=tr.number(n))}"
        parts: list[Any] = [text]
        if m.city_wide:
            parts += [
                html.Br(),
                html.Small(
                    f"{tr('measure_city_wide')} — {tr.pick(m.city_wide_note_ja, m.city_wide_note_en)}"
                ),
            ]
        items.append(html.Li(parts))
    return [html.H3(tr("measure_chosen")), html.Ul(items)]


# -- search ---------------------------------------------------------------------------------------


def search_hits(data: Dataset, hits: Sequence[SearchHit], query: str, tr: Translator) -> Any:
    if not query.strip():
        return None
    if not hits:
        return html.P(tr("search_none"), className="soja-note", role="status")
    items = []
    for hit in hits:
        row = data.places.loc[hit.id]
        where = row["town_area"] or (tr("city_wide_badge") if row.geometry is None else "")
        items.append(
            html.Li(
                html.Button(
                    [
                        category_icon(
                            str(row["category"]),
                            colours_for(row["projects"], data.plan),
                            16,
                            lang=tr.lang,
                        ),
                        html.Span(name_of(row, tr), className="soja-hit-name"),
                        html.Small(f"{category_label(str(row['category']), tr)} {where}".strip()),
                    ],
                    id={"type": ids.PLACE_LINK, "place": hit.id, "src": "search"},
                    className="soja-hit",
                    n_clicks=0,
                )
            )
        )
    return html.Ul(items, className="soja-hits", role="list")


# -- nearby ---------------------------------------------------------------------------------------


def near_link(row: Any, tr: Translator, src: str) -> list[Any]:
    """A nearby result's name (a button opening its card) and its distance and walking minutes;
    ``src`` says which list it is in (the places' or the shelters')."""
    return [
        html.Button(
            name_of(row, tr),
            id={"type": ids.PLACE_LINK, "place": str(row["place_id"]), "src": src},
            className="soja-link-button",
            n_clicks=0,
        ),
        html.Small(
            tr(
                "nearby_row",
                distance=format_distance(float(row["distance_m"]), tr),
                walk=tr.number(int(row["walk_minutes"])),
                elderly=tr.number(int(row["walk_minutes_elderly"])),
            ),
            className="soja-near-distance",
        ),
    ]


def nearby_results(nearest: pd.DataFrame, origin_label: str, tr: Translator) -> Any:
    """The nearest place of each category, with distance and walking minutes (80 / 50 m per minute)."""
    if nearest.empty:
        return html.P(tr("nearby_none"), className="soja-note")
    items = []
    for category, row in nearest.iterrows():
        items.append(
            html.Li(
                [
                    category_icon(str(category), size=18, lang=tr.lang),
                    html.Span(category_label(str(category), tr), className="soja-near-category"),
                    *near_link(row, tr, "near"),
                ],
                className="soja-near-item",
                **attrs({"data-category": str(category)}),
            )
        )
    return [
        html.P([html.Strong(f"{tr('origin')}: "), origin_label], className="soja-near-origin"),
        html.Ul(items, className="soja-near-list"),
        html.P(tr("nearby_note"), className="soja-note"),
    ]


# -- credits --------------------------------------------------------------------------------------


def attribution_section(sources_text: str) -> str:
    """The "## Attribution" section of geodata/SOURCES.md (its text, without the heading)."""
    match = re.search(
        r"^## Attribution.*?$(.*?)(?=^## |\Z)", sources_text, re.MULTILINE | re.DOTALL
    )
    return match.group(1).strip() if match else ""


def credits(data: Dataset, tr: Translator) -> list[Any]:
    """Data sources and attribution (from geodata/SOURCES.md), the layers' caveats and tile credits."""
    text = data.sources_text()
    start, end = data.as_of_range()
    layers = [
        html.Li(
            [
                html.Strong(tr.pick(meta.get("title_ja"), meta.get("title_en")) or name),
                f" — {tr('complete' if meta.get('complete') else 'partial')}",
                html.Br() if meta.get("note_en") else None,
                html.Small(str(meta.get("note_en") or "")),
            ]
        )
        for name, meta in sorted(data.layers.items())
    ]
    return [
        html.H2(tr("credits"), id="credits-title"),
        html.P(f"{tr('data_as_of')}: {start} – {end}"),
        html.H3(tr("data_sources")),
        html.Pre(attribution_section(text).strip("`\n"), className="soja-attribution"),
        html.P(tr("tile_credit")),
        html.H3(tr("layers_notes")),
        html.Ul(layers, className="soja-layer-notes"),
        html.Details(
            [
                html.Summary(tr("sources_file")),
                html.Div(markdown_components(text), className="soja-sources"),
            ]
        ),
    ]
