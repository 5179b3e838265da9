"""The shelter layer (避難場所・避難所, filterable by hazard), the nearest sites for each hazard, and
the optional hazard overlays: controls, map children and the views the callbacks call.

Which sites: ``query.shelters`` (the same rule as the export). A site that is also a school, a
nursery... is that place: the layer draws a ring around its marker (the place's card lists the
role); a site with no other role is a small filled circle. Both open the site's card when clicked.
"""

from __future__ import annotations

import time
import urllib.request
from collections.abc import Callable, Sequence
from typing import Any

import dash_leaflet as dl
import geopandas as gpd
import pandas as pd
from dash import dcc, html
from markupsafe import Markup, escape

from soja_map.data.dataset import Dataset
from soja_map.i18n import Translator
from soja_map.query import shelters
from soja_map.query.hazards import HazardOverlays, load_hazard_overlays
from soja_map.query.plan_status import plan_status_text
from soja_map.query.styling import SHELTER_COLOUR
from soja_map.web import ids
from soja_map.web.components import attrs, near_link
from soja_map.web.context import AppContext

SHOW = "on"
RING_RADIUS = 15  # around a place's own marker (it is one place, the ring marks its role)
SITE_RADIUS = 7  # a site with no other role
HAZARD_OPACITY = 0.6
PROBE_TIMEOUT_S = 2.0
PROBE_TTL_S = 300.0
SOJA_TILE = (12, 3620, 1620)  # z/x/y of a tile over central Soja, to test that a layer answers

_sites: dict[int, tuple[Dataset, gpd.GeoDataFrame, dict[str, int], list[str]]] = {}
_probes: dict[str, tuple[float, bool]] = {}


def _prepared(data: Dataset) -> tuple[Dataset, gpd.GeoDataFrame, dict[str, int], list[str]]:
    """The sites, their counts per choice and the choices offered, computed once per data set."""
    hit = _sites.get(id(data))
    if hit is None or hit[0] is not data:
        frame = shelters.sites(data)
        hit = (data, frame, shelters.counts(frame), shelters.offered(frame))
        _sites[id(data)] = hit
    return hit


def sites_of(data: Dataset) -> gpd.GeoDataFrame:
    """``query.shelters.sites(data)``, computed once per data set."""
    return _prepared(data)[1]


# -- the shelter layer ----------------------------------------------------------------------------


def choice_options(data: Dataset, tr: Translator) -> list[dict[str, Any]]:
    """all / 指定避難所 / each hazard a site is designated for, with how many sites each shows."""
    _, _, n, offered = _prepared(data)
    return [
        {
            "label": tr("dataui_shelters_option", name=tr(shelters.CHOICE_MESSAGE[c]), n=n[c]),
            "value": c,
        }
        for c in offered
    ]


def shown_choice(show: Sequence[str] | None, choice: str | None) -> str | None:
    """The shelter layer as the URL and the export keep it: ``None`` when it is off, else the
    chosen sites (query.shelters.CHOICES)."""
    if SHOW not in (show or ()):
        return None
    return shelters.check_choice(choice)


def shelter_controls(
    ctx: AppContext, tr: Translator, shown: str | None = None, count: str = ""
) -> html.Fieldset:
    """Show the layer, choose a hazard; says the layer is safety information, not a plan measure.
    ``shown``: the layer as a shared link restores it (``AppState.shelters``); ``count``: the
    count line for it (shelter_layer)."""
    return html.Fieldset(
        [
            html.Legend(tr("dataui_shelters_legend")),
            dcc.Checklist(
                id=ids.SHELTER_SHOW,
                options=[{"label": tr("dataui_shelters_show"), "value": SHOW}],
                value=[SHOW] if shown else [],
                className="soja-shelter-show",
            ),
            html.Label(
                tr("dataui_shelters_for"), htmlFor=ids.SHELTER_CHOICE, className="soja-label"
            ),
            dcc.Dropdown(
                id=ids.SHELTER_CHOICE,
                options=choice_options(ctx.data, tr),
                value=shown or shelters.DEFAULT_CHOICE,
                clearable=False,
                searchable=False,
            ),
            html.P(count, id=ids.SHELTER_COUNT, className="soja-summary", role="status"),
            html.P(tr("dataui_shelters_note"), className="soja-note"),
        ],
        className="soja-block soja-shelters",
    )


def shelter_marker(site: dict[str, Any], tr: Translator) -> dl.CircleMarker:
    only = site["shelter_only"]
    style: dict[str, Any] = (
        {
            "radius": SITE_RADIUS,
            "color": "#FFFFFF",
            "weight": 2,
            "fillColor": SHELTER_COLOUR,
            "fillOpacity": 1,
        }
        if only
        else {"radius": RING_RADIUS, "color": SHELTER_COLOUR, "weight": 3, "fill": False}
    )
    return dl.CircleMarker(
        center=[site["lat"], site["lon"]],
        id={"type": ids.SHELTER_MARK, "place": site["id"]},
        n_clicks=0,
        bubblingMouseEvents=False,
        className="soja-shelter " + ("soja-shelter-site" if only else "soja-shelter-ring"),
        children=dl.Tooltip(shelters.site_tip(site, tr)),
        **style,
    )


def shelter_layer(
    data: Dataset, show: Sequence[str] | None, choice: str | None, tr: Translator
) -> tuple[list[Any], str]:
    """The layer's markers and the count line, for the checkbox and the chosen hazard."""
    if SHOW not in (show or ()):
        return [], ""
    chosen = shelters.select(sites_of(data), choice)
    markers = [shelter_marker(dict(site), tr) for site in shelters.points(chosen)]
    name = tr(shelters.CHOICE_MESSAGE[shelters.check_choice(choice)])
    return markers, tr("dataui_shelters_count", n=tr.number(len(markers)), name=name)


def clicked_site(data: Dataset, trigger: Any, value: Any) -> str | None:
    """The site a click on the layer chose (None: not a click on a site)."""
    if isinstance(trigger, dict) and trigger.get("type") == ids.SHELTER_MARK and value:
        place = str(trigger.get("place"))
        return place if place in sites_of(data).index else None
    return None


# -- nearby: where do I go? -----------------------------------------------------------------------


def nearby_shelters(nearest: pd.DataFrame, tr: Translator) -> Any:
    """The nearest 指定避難所 and the nearest site designated for each hazard, with distance and
    walking minutes (query.nearby.nearest_shelters)."""
    if nearest.empty:
        return None
    items = [
        html.Li(
            [
                html.Span(tr(shelters.CHOICE_MESSAGE[str(key)]), className="soja-near-category"),
                *near_link(row, tr, "shelter"),
            ],
            className="soja-near-shelter",
            **attrs({"data-shelter": str(key)}),
        )
        for key, row in nearest.iterrows()
    ]
    return html.Div(
        [
            # a section of the panel, like 市全域 in the filter view: an h2 under the page's h1
            html.H2(tr("dataui_near_shelters"), className="soja-section-title"),
            html.Ul(items, className="soja-near-list soja-near-shelters"),
            html.P(tr("dataui_near_shelters_note"), className="soja-note"),
        ],
        className="soja-near-shelter-block",
    )


# -- hazard overlays --------------------------------------------------------------------------------


def overlays_of(ctx: AppContext) -> HazardOverlays | None:
    return load_hazard_overlays(ctx.settings.geodata_dir, ctx.settings.tile_mirror)


def hazard_controls(ctx: AppContext, tr: Translator) -> Any:
    """The overlays' checkboxes (all off), the note that they are not the statutory hazard map,
    the portal's credit and the place for the offline notice."""
    overlays = overlays_of(ctx)
    if overlays is None or not overlays.layers:
        return None
    credit: Any = (
        html.A(
            overlays.credit_ja, href=overlays.credit_url, target="_blank", rel="noopener noreferrer"
        )
        if overlays.credit_url
        else overlays.credit_ja
    )
    return html.Fieldset(
        [
            html.Legend(tr("dataui_hazard_legend")),
            dcc.Checklist(
                id=ids.HAZARD_OVERLAYS,
                options=[{"label": x.name(tr), "value": x.id} for x in overlays.layers],
                value=[],
                className="soja-hazard-overlays",
            ),
            html.P(overlays.note(tr), className="soja-note soja-hazard-note"),
            html.P(credit, className="soja-note soja-hazard-credit"),
            html.P(id=ids.HAZARD_NOTICE, className="soja-note", role="status"),
        ],
        className="soja-block soja-hazards",
    )


def reachable(url: str) -> bool:
    """Whether one tile of ``url`` (over Soja) answers, remembered for a few minutes: the server
    asks, so that an offline browser is never sent tile requests that fail in its console."""
    z, x, y = SOJA_TILE
    probe = url.replace("{z}", str(z)).replace("{x}", str(x)).replace("{y}", str(y))
    now = time.monotonic()
    cached = _probes.get(probe)
    if cached and now - cached[0] < PROBE_TTL_S:
        return cached[1]
    try:
        with urllib.request.urlopen(probe, timeout=PROBE_TIMEOUT_S) as response:  # noqa: S310 - http(s) only (query.hazards)
            ok = bool(200 <= int(response.status) < 400)
    except (OSError, ValueError):
        ok = False
    _probes[probe] = (now, ok)
    return ok


def hazard_view(
    ctx: AppContext,
    chosen: Sequence[str] | None,
    tr: Translator,
    probe: Callable[[str], bool] = reachable,
) -> tuple[list[Any], str]:
    """The tile layers of the chosen overlays, or none and a short notice when they cannot be
    shown (tiles off for offline use, or the portal does not answer)."""
    overlays = overlays_of(ctx)
    layers = [x for x in (overlays.layer(i) for i in chosen or ()) if x] if overlays else []
    if not layers or overlays is None:
        return [], ""
    if not ctx.settings.tiles or not probe(layers[0].url):
        return [], tr("dataui_hazard_offline")
    credit = escape(overlays.credit_ja)
    if overlays.credit_url:
        credit = Markup('<a href="{}" target="_blank" rel="noopener">{}</a>').format(
            overlays.credit_url, overlays.credit_ja
        )
    return [
        dl.TileLayer(
            url=x.url,
            attribution=str(credit),
            opacity=HAZARD_OPACITY,
            maxNativeZoom=17,
            className="soja-hazard-tiles",
            id=f"hazard-{x.id}",
        )
        for x in layers
    ], ""


def shown_layer(data: Dataset, shown: str | None, tr: Translator) -> tuple[list[Any], str]:
    """The layer and count line a page opens with (``AppState.shelters``; None: not shown), as the
    controls' callback would draw them, so the first screen needs no callback."""
    return shelter_layer(data, [SHOW] if shown else [], shown or shelters.DEFAULT_CHOICE, tr)


def map_panes(sites: Sequence[Any] = ()) -> list[Any]:
    """The map's groups for the hazard tiles (under the places) and the shelter layer, with the
    ``sites`` the page opens with."""
    return [
        dl.Pane(dl.LayerGroup(id=ids.HAZARD_GROUP), name="soja-hazard", style={"zIndex": 300}),
        dl.Pane(
            dl.LayerGroup(list(sites), id=ids.SHELTER_LAYER),
            name="soja-shelter",
            style={"zIndex": 450},
        ),
    ]


# -- which plan ------------------------------------------------------------------------------------


def plan_status(ctx: AppContext, tr: Translator) -> Any:
    """The note that the projects shown are the 2nd plan's and the 3rd plan is in effect."""
    text = plan_status_text(ctx.data.plan, tr)
    return html.P(text, className="soja-note soja-plan-status") if text else None
