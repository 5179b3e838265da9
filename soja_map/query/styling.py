"""THE single source of colours, marker shapes, line styles and legend entries, for Dash and Folium alike."""

from __future__ import annotations

import zlib
from collections.abc import Container, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from html import escape
from typing import Any

from soja_map.data.plan import Plan
from soja_map.data.schema import CATEGORIES, LINES, POINT
from soja_map.i18n import Lang, Translator, translator

# Okabe & Ito (2008) colour-blind-safe palette; the project colours in plan.json are taken from it.
NEUTRAL = "#6E6E6E"
INK = "#1A1A1A"
HALO = "#FFFFFF"
MARKER_SIZE = 26
SHELTER_COLOUR = (
    "#00796B"  # the shelter layer (避難場所・避難所): safety information, not a project
)

# Shape per group of categories, glyph per category: both shape and glyph tell categories apart,
# colour tells projects apart, so nothing depends on colour alone.
SHAPES: dict[str, str] = {
    "circle": '<circle cx="12" cy="12" r="10.5"/>',
    "square": '<rect x="2" y="2" width="20" height="20" rx="3"/>',
    "diamond": '<polygon points="12,0.8 23.2,12 12,23.2 0.8,12"/>',
    "triangle": '<polygon points="12,1 23.4,22 0.6,22"/>',
    "pentagon": '<polygon points="12,0.8 23.3,9 19,22.6 5,22.6 0.7,9"/>',
    "hexagon": '<polygon points="6.2,1.5 17.8,1.5 23.5,12 17.8,22.5 6.2,22.5 0.5,12"/>',
    "octagon": '<polygon points="7.2,1 16.8,1 23,7.2 23,16.8 16.8,23 7.2,23 1,16.8 1,7.2"/>',
}
GROUP_SHAPE: dict[str, str] = {
    "transport": "square",
    "tourism": "pentagon",
    "child": "circle",
    "education": "hexagon",
    "welfare": "diamond",
    "community": "octagon",
    "industry": "triangle",
    "other": "circle",
}
GLYPHS: dict[str, str] = {
    "rail_station": "駅",
    "bus_stop": "バ",
    "demand_transport": "乗",
    "tourism_site": "観",
    "heritage_site": "文",
    "park": "緑",
    "nursery": "保",
    "unlicensed_childcare": "外",
    "kodomo_en": "こ",
    "kindergarten": "幼",
    "child_support_centre": "支",
    "after_school_club": "児",
    "school": "学",
    "welfare_facility": "福",
    "medical_facility": "医",
    "community_centre": "公",
    "city_office": "市",
    "evacuation_shelter": "避",
    "shop": "商",
    "industrial_site": "工",
}
# The English map draws Latin letters (one or two, distinct together with the shape), so a reader
# who cannot read kanji still tells the categories apart and finds them in the legend.
GLYPHS_EN: dict[str, str] = {
    "rail_station": "St",
    "bus_stop": "B",
    "demand_transport": "DR",
    "tourism_site": "T",
    "heritage_site": "H",
    "park": "P",
    "nursery": "N",
    "unlicensed_childcare": "UC",
    "kodomo_en": "KE",
    "kindergarten": "K",
    "child_support_centre": "CS",
    "after_school_club": "AS",
    "school": "Sc",
    "welfare_facility": "W",
    "medical_facility": "M",
    "community_centre": "CC",
    "city_office": "CO",
    "evacuation_shelter": "E",
    "shop": "Sh",
    "industrial_site": "I",
}
GLYPHS_BY_LANG: dict[Lang, dict[str, str]] = {"ja": GLYPHS, "en": GLYPHS_EN}
LINE_DASH: dict[str, str | None] = {"rail_line": None, "bus_route": "8 6"}

# Reference overlays (Leaflet path options), drawn under the places.
REFERENCE_STYLES: dict[str, dict[str, Any]] = {
    # dash-dot, as maps draw administrative boundaries, so it never reads as a railway line
    "city_boundary": {
        "color": "#333333",
        "weight": 2.5,
        "dashArray": "10 5 2 5",
        "fill": False,
        "opacity": 0.9,
    },
    "school_district": {
        "color": "#7A5195",
        "weight": 1.2,
        "dashArray": "6 4",
        "fill": False,
        "opacity": 0.8,
    },
    # junior-high districts are drawn over the elementary ones: heavier and solid, so both read
    "school_district_jh": {"color": "#7A5195", "weight": 2.4, "fill": False, "opacity": 0.8},
    "town": {
        "color": "#555555",
        "weight": 1,
        "fillColor": "#FFFFFF",
        "fillOpacity": 1,
        "radius": 3,
    },
    "rail_context": {"color": "#444444", "weight": 3, "opacity": 0.7},
}
# The one label of each reference overlay (a message key): the app's layer control, its legend and
# the export's layer control and legend all read it here.
REFERENCE_LABELS: dict[str, str] = {
    "city_boundary": "boundary",
    "school_district": "elementary_districts",
    "school_district_jh": "junior_high_districts",
    "town": "towns",
    "rail_context": "rail_context",
}
# Coverage maps (planner panel): share covered, sequential ColorBrewer YlGnBu (colour-blind safe),
# and Okabe-Ito accents for catchments, hypothetical facilities and gaps.
SHARE_COLOURS = ("#ffffcc", "#a1dab4", "#41b6c4", "#2c7fb8", "#253494")
NO_PEOPLE_COLOUR = "#d9d9d9"
CATCHMENT_COLOUR = "#0072B2"  # Okabe-Ito blue
HYPOTHETICAL_COLOUR = "#D55E00"  # Okabe-Ito vermilion
GAP_COLOUR = "#B2182B"  # ColorBrewer RdBu dark red: no project colour (つちかう is #CC79A7)
CLUSTER_STYLE = {"background": "#FFFFFF", "border": "#333333", "text": INK}


def shape_of(category: str) -> str:
    return GROUP_SHAPE.get(CATEGORIES[category].group, "circle")


def project_colours(plan: Plan) -> dict[str, str]:
    return {p.id: p.colour for p in plan.projects}


def colours_for(
    projects: Sequence[str], plan: Plan, active: Iterable[str] | None = None
) -> tuple[str, ...]:
    """The project colours a place is drawn with: its projects that are shown, in plan order."""
    shown = set(active) if active is not None else None
    ordered = [p.id for p in plan.projects if p.id in projects and (shown is None or p.id in shown)]
    return tuple(plan.project(p).colour for p in ordered) or (NEUTRAL,)


def icon_key(category: str, colours: Sequence[str]) -> str:
    return "|".join([category, *colours])


def glyph_of(category: str, lang: Lang = "ja") -> str:
    """The category's symbol on the map and in the legend: a kanji or kana in Japanese, letters in English."""
    return GLYPHS_BY_LANG[lang].get(category, "")


@cache
def marker_svg(
    category: str, colours: tuple[str, ...], size: int = MARKER_SIZE, lang: Lang = "ja"
) -> str:
    """An SVG marker: the category's shape, split into vertical bands of the project colours, and
    its glyph in ``lang``."""
    shape = SHAPES[shape_of(category)]
    text = glyph_of(category, lang)
    glyph = escape(text)
    font_size = 12 if len(text) < 2 else 10  # two letters fit inside the narrowest shape
    # a deterministic id (not hash(), which changes per process) keeps exports and app workers identical
    clip = f"c{zlib.crc32('|'.join((category, *colours)).encode()):08x}"
    n = len(colours)
    bands = "".join(
        f'<rect x="{24 * i / n:.3f}" y="0" width="{24 / n + 0.05:.3f}" height="24" fill="{c}"/>'
        for i, c in enumerate(colours)
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{size}" height="{size}" viewBox="-1 -1 26 26" '
        f'aria-hidden="true"><defs><clipPath id="{clip}">{shape}</clipPath></defs>'
        f'<g clip-path="url(#{clip})">{bands}</g>'
        f'<g fill="none" stroke="{INK}" stroke-width="1.4">{shape}</g>'
        f'<text x="12" y="{16.5 if font_size == 12 else 15.6}" text-anchor="middle" '
        f'font-size="{font_size}" font-weight="700" '
        f'font-family="\'Noto Sans CJK JP\',\'Noto Sans JP\',sans-serif" fill="{INK}" stroke="{HALO}" '
        f'stroke-width="2.6" paint-order="stroke">{glyph}</text></svg>'
    )


def line_point_svg(colour: str, size: int = 12) -> str:
    """A point on a line place (the nearest point of a railway line, say): a dot in its colour."""
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{size}" height="{size}" viewBox="0 0 12 12" '
        f'aria-hidden="true"><circle cx="6" cy="6" r="4.6" fill="{colour}" stroke="{INK}" '
        f'stroke-width="1.8"/></svg>'
    )


def path_style(category: str, colours: Sequence[str]) -> dict[str, Any]:
    """Leaflet path options for a line or area place."""
    colour = colours[0] if colours else NEUTRAL
    if category in ("rail_line", "bus_route"):
        return {
            "color": colour,
            "weight": 5,
            "opacity": 0.9,
            "dashArray": LINE_DASH.get(category),
            "lineCap": "butt",
        }
    return {"color": colour, "weight": 2, "opacity": 0.9, "fillColor": colour, "fillOpacity": 0.25}


def feature_style(
    category: str, projects: Sequence[str], plan: Plan, active: Iterable[str] | None = None
) -> dict[str, Any]:
    """Per-feature style properties: what the map code (JS or Folium) reads to draw one place."""
    colours = colours_for(projects, plan, active)
    kinds = CATEGORIES[category].geometry_types
    if kinds == (POINT,) or POINT in kinds:
        return {"icon": icon_key(category, colours), "colour": colours[0], "colours": list(colours)}
    return {"colour": colours[0], "colours": list(colours), "path": path_style(category, colours)}


def icon_table(keys: Iterable[str], lang: Lang = "ja") -> dict[str, str]:
    """icon key -> SVG in ``lang``, for the icons a map needs (sent once, not per feature)."""
    out = {}
    for key in sorted(set(keys)):
        category, *colours = key.split("|")
        out[key] = marker_svg(category, tuple(colours), lang=lang)
    return out


@dataclass(frozen=True)
class LegendEntry:
    kind: str  # "project", "category", "line", "reference", "note"
    id: str
    label: str
    colour: str | None = None
    svg: str | None = None
    style: dict[str, Any] | None = None
    count: int | None = None
    count_text: str | None = None  # "(44)" or "(44・一部のみ)": the count as every legend shows it


def line_colours(
    places: Any, plan: Plan, active: Iterable[str] | None = None
) -> dict[str, tuple[str, ...]]:
    """category -> the distinct colours its line places are drawn in (first colour of each place,
    as path_style draws it), for the legend."""
    shown = list(active) if active is not None else None
    out: dict[str, dict[str, None]] = {}
    for category, projects in zip(places["category"], places["projects"], strict=True):
        if CATEGORIES[category].geometry_types == LINES:
            colour = colours_for(projects, plan, shown)[0]
            out.setdefault(category, {})[colour] = None
    return {k: tuple(v) for k, v in out.items()}


def legend_entries(
    plan: Plan,
    categories: Iterable[str],
    tr: Translator | Lang = "ja",
    *,
    active_projects: Iterable[str] | None = None,
    counts: dict[str, int] | None = None,
    references: Iterable[str] = (),
    drawn_line_colours: Mapping[str, Sequence[str]] | None = None,
    partial: Container[str] = (),
) -> list[LegendEntry]:
    """What the legend shows for a map drawing ``categories`` (in schema order).

    ``drawn_line_colours`` (``line_colours``): the colours a line category is drawn in, so its
    swatch shows that colour (one colour) rather than the neutral grey (several, or unknown).
    ``partial``: categories known to be incomplete (``Dataset.partial_categories``); their count
    says so. Labels are plain text: renderers must escape them (``maps.panels.legend_html`` does).
    """
    tr = translator(tr)
    shown = set(active_projects) if active_projects is not None else None
    entries = [
        LegendEntry(
            "project",
            p.id,
            tr(
                "legend_project",
                name=tr.pick(p.name_ja, p.name_en),
                theme=tr.pick(p.theme_ja, p.theme_en),
            ),
            colour=p.colour,
        )
        for p in plan.projects
        if shown is None or p.id in shown
    ]
    wanted = set(categories)
    for cat in CATEGORIES:
        if cat not in wanted or cat in REFERENCE_STYLES:
            continue
        label = tr.pick(CATEGORIES[cat].label_ja, CATEGORIES[cat].label_en)
        count = counts.get(cat) if counts else None
        count_text = (
            None
            if count is None
            else tr(
                "legend_count_partial" if cat in partial else "legend_count", n=tr.number(count)
            )
        )
        if CATEGORIES[cat].geometry_types == LINES:
            drawn = tuple((drawn_line_colours or {}).get(cat, ()))
            colour = drawn[0] if len(drawn) == 1 else NEUTRAL
            entries.append(
                LegendEntry(
                    "line",
                    cat,
                    label,
                    colour,
                    style=path_style(cat, (colour,)),
                    count=count,
                    count_text=count_text,
                )
            )
        else:
            entries.append(
                LegendEntry(
                    "category",
                    cat,
                    label,
                    NEUTRAL,
                    svg=marker_svg(cat, (NEUTRAL,), lang=tr.lang),
                    count=count,
                    count_text=count_text,
                )
            )
    entries.extend(
        LegendEntry("reference", ref, tr(REFERENCE_LABELS[ref]), style=REFERENCE_STYLES[ref])
        for ref in references
        if ref in REFERENCE_STYLES
    )
    return entries


def swatch_html(entry: LegendEntry) -> str:
    """A small inline-SVG swatch for a legend entry (trusted markup: built from constants only)."""
    if entry.svg:
        return entry.svg.replace(
            f'width="{MARKER_SIZE}" height="{MARKER_SIZE}"', 'width="18" height="18"'
        )
    style = entry.style or {}
    colour = entry.colour or style.get("color", NEUTRAL)
    if entry.kind == "project":
        return f'<svg width="18" height="18" aria-hidden="true"><rect x="1" y="1" width="16" height="16" rx="3" fill="{colour}" stroke="{INK}"/></svg>'
    dash = style.get("dashArray")
    dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
    if entry.id == "town":
        return f'<svg width="18" height="18" aria-hidden="true"><circle cx="9" cy="9" r="3.5" fill="#FFFFFF" stroke="{style.get("color", NEUTRAL)}"/></svg>'
    return (
        f'<svg width="26" height="18" aria-hidden="true"><line x1="1" y1="9" x2="25" y2="9" '
        f'stroke="{style.get("color", colour)}" stroke-width="{min(float(style.get("weight", 3)), 5)}"{dash_attr}/></svg>'
    )
