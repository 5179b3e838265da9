"""The app's layout: a static shell, and the page rendered from the URL's state (views.py fills it)."""

from __future__ import annotations

from typing import Any

import dash_leaflet as dl
from dash import dcc, html

from soja_map.i18n import Translator, as_lang, other_lang, translator
from soja_map.query.styling import REFERENCE_LABELS
from soja_map.web import deferred, export_button, ids, pwa, views
from soja_map.web import shelters as shelter_ui
from soja_map.web.components import attrs, dropdown_labels
from soja_map.web.context import AppContext
from soja_map.web.mapdata import REFERENCE_STYLE_OF
from soja_map.web.planner.layout import layout as planner_layout
from soja_map.web.planner.link import PlannerLink
from soja_map.web.planner.views import map_children as planner_map_children
from soja_map.web.state import (
    MAX_ZOOM,
    REFERENCE_KEYS,
    VIEWS,
    AppState,
    encode_search,
    parse_search,
)
from soja_map.web.static_html import as_static

ns = views.ns
MIN_ZOOM = 8
CLUSTER_RADIUS = 50


def shell(content: Any = None, rendered_for: str | None = None) -> html.Div:
    """What /_dash-layout sends: the URL and the page, either already rendered for the query
    string ``rendered_for`` (see first_layout) or empty, filled from the URL's state by a callback."""
    return html.Div(
        [
            dcc.Location(id=ids.URL, refresh=False),
            dcc.Store(id=ids.PAGE_FOR, data=rendered_for),
            dcc.Store(id=ids.PAGE_REQUEST, data={}),
            html.Div(content, id=ids.PAGE, className="soja-page"),
        ]
    )


def first_layout(ctx: AppContext, search: str | None) -> html.Div:
    """The layout with the page for ``search`` (the query string of the address the browser asks
    for the layout from) already in it, so the first screen needs no callback; ``None`` (unknown)
    gives the empty shell."""
    if search is None:
        return shell()
    return shell(page(ctx, state_of(ctx, search)), rendered_for=search.lstrip("?"))


def state_of(ctx: AppContext, search: str | None) -> AppState:
    return parse_search(
        search,
        ctx.data.plan,
        place_ids=ctx.data.places.index,
        lang=as_lang(ctx.settings.language),
    )


def _stores(ctx: AppContext, state: AppState, tr: Translator) -> list[Any]:
    # No store starts as None: dcc.Store reports a None `data` as changed when it mounts, which
    # would fire every callback that listens to it each time the page is rendered.
    near: dict[str, Any] = {}
    if state.near is not None:
        near = {"lat": state.near[0], "lon": state.near[1], "label": tr("origin_click")}
    return [
        dcc.Store(id=ids.FILTER_STORE, data=state.filter.to_dict()),
        dcc.Store(id=ids.VIEW_STORE, data=initial_view(ctx, state)),
        dcc.Store(id=ids.LANG_STORE, data=state.lang),
        dcc.Store(id=ids.SELECTED_STORE, data=state.place or ""),
        dcc.Store(id=ids.NEAR_STORE, data=near),
        dcc.Store(id=ids.GEO_STORE, data={}),
        dcc.Store(id=ids.PLACES_SRC, data=ctx.places_url),
        dcc.Store(
            id=ids.URL_TARGET, data=encode_search(state, lang=as_lang(ctx.settings.language))
        ),
        dcc.Store(id=ids.LIST_PAGE, data=0),
        dcc.Store(id=ids.LINK_PRESSED, data={}),
    ]


def header(ctx: AppContext, state: AppState, tr: Translator) -> html.Header:
    lang = state.lang
    export = export_button.layout(lang, ctx.can_render)
    return html.Header(
        [
            html.Button(
                tr("menu"),
                id=ids.PANEL_TOGGLE,
                className="soja-menu-button",
                n_clicks=0,
                **attrs({"aria-controls": "soja-side", "aria-expanded": "false"}),
            ),
            html.H1(tr("app_title"), className="soja-title"),
            # on a phone the secondary actions fold into this menu (soja_a11y.js opens it)
            html.Button(
                tr("resident_more"),
                id="soja-more",
                className="soja-tool soja-more-button",
                type="button",
                **attrs({"aria-controls": "soja-toolbar", "aria-expanded": "false"}),
            ),
            html.Div(
                [
                    html.Button(
                        tr("credits"), id=ids.CREDITS_OPEN, className="soja-tool", n_clicks=0
                    ),
                    html.Div(export, id=ids.EXPORT_SLOT, className="soja-export-slot"),
                ],
                id="soja-toolbar",
                className="soja-toolbar",
            ),
            html.Button(
                tr("other_language"),
                id=ids.LANG_TOGGLE,
                className="soja-tool soja-lang",
                lang=other_lang(lang),
                title=tr("other_language_label"),
                n_clicks=0,
            ),
        ],
        className="soja-header",
    )


def _filter_pane(
    ctx: AppContext, state: AppState, fv: views.FilterView, tr: Translator, shelter_count: str
) -> html.Section:
    flt = state.filter
    return html.Section(
        [
            html.Div(
                [
                    html.Label(tr("search"), htmlFor=ids.SEARCH, className="soja-label"),
                    dcc.Input(
                        id=ids.SEARCH,
                        type="search",
                        placeholder=tr("search_placeholder"),
                        debounce=0.3,
                        autoComplete="off",
                        className="soja-search",
                        value=flt.text,
                    ),
                    html.Div(id=ids.SEARCH_HITS, **attrs({"aria-live": "polite"})),
                    dcc.Dropdown(
                        labels=dropdown_labels(tr),
                        id=ids.JUMP,
                        options=views.jump_options(ctx, tr),
                        placeholder=tr("jump"),
                        clearable=True,
                        className="soja-jump",
                    ),
                ],
                className="soja-block",
                role="search",
            ),
            html.P(fv.summary, id=ids.SUMMARY, className="soja-summary", role="status"),
            html.Fieldset(
                [
                    html.Legend(tr("priority_projects")),
                    dcc.Checklist(
                        id=ids.PROJECTS,
                        options=fv.project_options,
                        value=views.project_values(ctx.data.plan, flt),
                        className="soja-projects",
                    ),
                    shelter_ui.plan_status(ctx, tr),
                ],
                className="soja-block",
            ),
            html.Div(
                [
                    html.Label(tr("policies"), htmlFor=ids.POLICIES, className="soja-label"),
                    dcc.Dropdown(
                        labels=dropdown_labels(tr),
                        id=ids.POLICIES,
                        options=fv.policy_options,
                        value=list(flt.policies),
                        multi=True,
                        placeholder=tr("policies_placeholder"),
                    ),
                    html.Label(tr("measures"), htmlFor=ids.MEASURES, className="soja-label"),
                    dcc.Dropdown(
                        labels=dropdown_labels(tr),
                        id=ids.MEASURES,
                        options=fv.measure_options,
                        value=list(flt.measures),
                        multi=True,
                        placeholder=tr("measures_placeholder"),
                    ),
                    html.Label(tr("categories"), htmlFor=ids.CATEGORIES, className="soja-label"),
                    dcc.Dropdown(
                        labels=dropdown_labels(tr),
                        id=ids.CATEGORIES,
                        options=fv.category_options,
                        value=list(flt.categories),
                        multi=True,
                        placeholder=tr("categories_placeholder"),
                    ),
                    html.Button(tr("reset"), id=ids.RESET, className="soja-tool", n_clicks=0),
                ],
                className="soja-block",
            ),
            html.Div(fv.measure_note, id=ids.MEASURE_NOTE, className="soja-block"),
            html.Div(fv.city_wide, id=ids.CITY_WIDE, className="soja-block soja-city-wide"),
            html.Fieldset(
                [
                    html.Legend(tr("reference_layers")),
                    dcc.Checklist(
                        id=ids.REFERENCES,
                        options=[
                            {"label": tr(REFERENCE_LABELS[REFERENCE_STYLE_OF[k]]), "value": k}
                            for k in REFERENCE_KEYS
                        ],
                        value=list(state.references),
                        className="soja-references",
                    ),
                ],
                className="soja-block",
            ),
            shelter_ui.shelter_controls(ctx, tr, state.shelters, shelter_count),
            shelter_ui.hazard_controls(ctx, tr),
        ],
        className="soja-pane soja-pane-filter",
        **attrs({"aria-label": tr("view_filter")}),
    )


def _credits(ctx: AppContext, tr: Translator) -> list[Any]:
    """The dialog's title; the rest comes in when it first opens (web/deferred.py)."""
    title, *rest = views.credits_view(ctx, tr)
    return [title, html.Div(id=ids.CREDITS_BODY), deferred.holding(ids.CREDITS_BODY, rest)]


def _list_pane(ctx: AppContext, state: AppState, tr: Translator) -> html.Section:
    rows = views.list_view(ctx, state.filter, 0, state.place, tr)
    shown = state.view == "list"  # otherwise drawn when the tab is chosen (web/deferred.py)
    return html.Section(
        [
            html.Div(rows if shown else None, id=ids.PLACE_LIST, className="soja-list"),
            deferred.holding(ids.PLACE_LIST, None if shown else rows),
            html.Div(
                [
                    html.Button(tr("prev"), id=ids.LIST_PREV, className="soja-tool", n_clicks=0),
                    html.Button(tr("next"), id=ids.LIST_NEXT, className="soja-tool", n_clicks=0),
                ],
                className="soja-pager",
            ),
        ],
        className="soja-pane soja-pane-list",
        **attrs({"aria-label": tr("view_list")}),
    )


def _nearby_pane(
    ctx: AppContext, state: AppState, near: views.NearbyView, tr: Translator
) -> html.Section:
    return html.Section(
        [
            html.P(tr("nearby_help"), className="soja-help"),
            html.Div(
                [
                    html.Button(
                        tr("locate"), id=ids.NEAR_LOCATE, className="soja-tool", n_clicks=0
                    ),
                    html.Button(tr("clear"), id=ids.NEAR_CLEAR, className="soja-tool", n_clicks=0),
                ],
                className="soja-row",
            ),
            dcc.Dropdown(
                labels=dropdown_labels(tr),
                id=ids.NEAR_TOWN,
                options=views.town_options(ctx, tr),
                placeholder=tr("near_town"),
                clearable=True,
            ),
            html.Div(near.results, id=ids.NEAR_RESULTS, **attrs({"aria-live": "polite"})),
        ],
        className="soja-pane soja-pane-nearby",
        **attrs({"aria-label": tr("view_nearby")}),
    )


def _planner_pane(ctx: AppContext, state: AppState, tr: Translator) -> html.Section:
    panel = planner_layout(ctx.data, state.lang, state.planner, state.filter.to_dict())
    # a resident's first screen does not draw the planner (its components and the callbacks they
    # start at load); it is drawn when the tab is chosen, or at once when the link holds its state
    shown = state.view == "planner" or state.planner != PlannerLink()
    return html.Section(
        [
            html.P(tr("planner_intro"), className="soja-help"),
            html.Div(panel if shown else None, id=ids.COVERAGE_PANEL),
            deferred.holding(ids.COVERAGE_PANEL, None if shown else panel),
        ],
        className="soja-pane soja-pane-planner",
        **attrs({"aria-label": tr("view_planner")}),
    )


def _base_layers(ctx: AppContext, state: AppState, tr: Translator) -> list[Any]:
    if not ctx.settings.tiles:
        return []
    chosen = state.basemap or ctx.settings.basemap
    layers = [
        dl.BaseLayer(
            dl.TileLayer(
                url=b.url,
                attribution=b.attribution,
                maxNativeZoom=b.max_native_zoom,
                maxZoom=MAX_ZOOM,
            ),
            name=b.name(tr),
            checked=b.key == chosen,
        )
        for b in ctx.basemaps
    ]
    layers.append(dl.BaseLayer(dl.LayerGroup(), name=tr("basemap_none"), checked=chosen == "none"))
    return [dl.LayersControl(layers, id=ids.BASE_LAYERS, position="topright", collapsed=True)]


def city_centre(ctx: AppContext) -> list[float]:
    (south, west), (north, east) = ctx.mapdata.city_bounds
    return [round((south + north) / 2, 5), round((west + east) / 2, 5)]


def initial_view(ctx: AppContext, state: AppState) -> dict[str, Any]:
    """Where the map opens: the link's view, else its place, else the whole city (bounds, no
    zoom: the map fits them to the screen). Also the first value of VIEW_STORE."""
    if state.has_view:
        return {"center": [state.lat, state.lon], "zoom": state.zoom, "bounds": None}
    focus = views.place_point(ctx, state.place)
    if focus is not None:
        return {"center": list(focus), "zoom": views.PLACE_ZOOM, "bounds": None}
    return {"center": city_centre(ctx), "zoom": None, "bounds": ctx.mapdata.city_bounds}


def _map(
    ctx: AppContext,
    state: AppState,
    near: views.NearbyView,
    tr: Translator,
    shelter_sites: list[Any],
) -> dl.Map:
    start = initial_view(ctx, state)
    # dash-leaflet compares its view with `center` on load, so the centre is always given;
    # without a zoom, the bounds decide
    view: dict[str, Any] = (
        {"center": start["center"], "zoom": start["zoom"]}
        if start["zoom"] is not None
        else {
            "center": start["center"],
            "bounds": start["bounds"],
            "boundsOptions": {"padding": [10, 10]},
        }
    )
    plan = ctx.data.plan
    return dl.Map(
        [
            *_base_layers(ctx, state, tr),
            dl.Pane(
                dl.LayerGroup(
                    views.reference_children(ctx, state.references, tr), id=ids.REFERENCE_GROUP
                ),
                name="soja-reference",
                style={"zIndex": 350},
            ),
            *shelter_ui.map_panes(shelter_sites),
            dl.GeoJSON(
                id=ids.SHAPES_LAYER,
                style=ns("placeStyle"),
                onEachFeature=ns("bindName"),
                hideout=ctx.mapdata.shapes_hideout(plan, tr),
            ),
            dl.Pane(
                dl.LayerGroup(views.selection_children(ctx, state.place), id=ids.SELECTION_LAYER),
                name="soja-selection",
                style={"zIndex": 590},
            ),
            dl.GeoJSON(
                id=ids.POINTS_LAYER,
                cluster=True,
                zoomToBoundsOnClick=True,
                spiderfyOnMaxZoom=True,
                superClusterOptions={
                    "radius": CLUSTER_RADIUS,
                    "maxZoom": MAX_ZOOM,
                    "minZoom": MIN_ZOOM,
                },
                pointToLayer=ns("placeMarker"),
                clusterToLayer=ns("clusterMarker"),
                onEachFeature=ns("bindName"),
                style=ns("legStyle"),
                # credit: the data's credit, set as the attribution control's prefix (soja_map.js)
                hideout={
                    **ctx.mapdata.points_hideout(plan, tr),
                    "credit": views.data_credit(ctx, tr),
                },
            ),
            dl.LayerGroup(near.layer, id=ids.NEARBY_LAYER),
            dl.LayerGroup(planner_map_children(), id=ids.COVERAGE_LAYER),
            dl.ScaleControl(position="bottomleft", imperial=False),
        ],
        id=ids.MAP,
        maxZoom=MAX_ZOOM,
        minZoom=MIN_ZOOM,
        className="soja-map",
        **view,
    )


def page(ctx: AppContext, state: AppState) -> html.Div:
    """The whole app for ``state``: what a shared link opens (and a language switch re-renders)."""
    lang = state.lang
    tr = translator(lang)
    fv = views.filter_view(ctx, state.filter, state.references, tr)
    near = views.nearby_view(
        ctx,
        state.filter,
        {"lat": state.near[0], "lon": state.near[1], "label": tr("origin_click")}
        if state.near
        else None,
        tr,
    )
    details = views.details_view(ctx, state.filter, state.place, tr)
    shelter_sites, shelter_count = shelter_ui.shown_layer(ctx.data, state.shelters, tr)
    view = state.view if state.view in VIEWS else "filter"
    return html.Div(
        [
            *_stores(ctx, state, tr),
            header(ctx, state, tr),
            html.Div(
                [
                    html.Aside(
                        [
                            html.Div(
                                dcc.RadioItems(
                                    id=ids.VIEW_TABS,
                                    options=[{"label": tr(f"view_{v}"), "value": v} for v in VIEWS],
                                    value=view,
                                    className="soja-tabs",
                                    inline=True,
                                ),
                                **attrs({"data-a11y-label": tr("resident_views_label")}),
                            ),
                            _filter_pane(ctx, state, fv, tr, shelter_count),
                            _list_pane(ctx, state, tr),
                            _nearby_pane(ctx, state, near, tr),
                            _planner_pane(ctx, state, tr),
                        ],
                        id="soja-side",
                        className="soja-side",
                        **attrs({"aria-label": tr("menu")}),
                    ),
                    html.Main(
                        [
                            _map(ctx, state, near, tr, shelter_sites),
                            pwa.cached_notice(ctx, tr),
                            html.Details(
                                [
                                    html.Summary(tr("legend")),
                                    html.Div(as_static(fv.legend), id=ids.LEGEND),
                                ],
                                id=ids.LEGEND_BOX,
                                open=True,
                                className="soja-legend",
                            ),
                            html.Section(
                                [
                                    html.Button(
                                        "×",
                                        id=ids.DETAILS_CLOSE,
                                        className="soja-close",
                                        title=tr("close"),
                                        n_clicks=0,
                                        **attrs({"aria-label": tr("close")}),
                                    ),
                                    html.Div(details, id=ids.DETAILS_BODY),
                                ],
                                id=ids.DETAILS,
                                className="soja-details",
                                hidden=details is None,
                                **attrs(
                                    {"aria-labelledby": "details-title", "aria-live": "polite"}
                                ),
                            ),
                        ],
                        className="soja-main",
                        **attrs({"aria-label": tr("map_label")}),
                    ),
                ],
                className="soja-body",
            ),
            html.Div(
                [
                    html.Div(
                        [
                            html.Button(
                                "×",
                                id=ids.CREDITS_CLOSE,
                                className="soja-close",
                                title=tr("close"),
                                n_clicks=0,
                                **attrs({"aria-label": tr("close")}),
                            ),
                            *_credits(ctx, tr),
                        ],
                        className="soja-dialog-box",
                    )
                ],
                id=ids.CREDITS,
                className="soja-dialog",
                hidden=True,
                role="dialog",
                **attrs({"aria-modal": "true", "aria-labelledby": "credits-title"}),
            ),
        ],
        id=ids.SHELL,
        className=f"soja-app view-{view}",
        lang=lang,
    )
