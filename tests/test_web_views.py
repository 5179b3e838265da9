"""The pure functions behind the app's callbacks (views.py and callbacks/*.py), without a browser."""

from __future__ import annotations

import dataclasses
from typing import Any

import dash_leaflet as dl
import numpy as np
import pytest
from dash import html, no_update

from soja_map.config import Settings
from soja_map.data.dataset import Dataset
from soja_map.i18n import translator
from soja_map.query import shelters as rule
from soja_map.query.filters import Filter, select
from soja_map.web import ids, shelters, views
from soja_map.web.callbacks.details import UNCHANGED, pressed_link, selection_for
from soja_map.web.callbacks.filter import controls_for
from soja_map.web.callbacks.nearby import UNCHANGED as NEAR_UNCHANGED
from soja_map.web.callbacks.nearby import near_for
from soja_map.web.callbacks.page import state_of, switched_language
from soja_map.web.callbacks.view import basemap_key, credits_hidden
from soja_map.web.context import AppContext, build_context

JA, EN = translator("ja"), translator("en")

ALL = ["sasaeru", "hagukumu", "uruou", "tsuchikau"]


@pytest.fixture(scope="module")
def ctx(settings: Settings, dataset: Dataset) -> AppContext:
    return build_context(settings, dataset, url_for=lambda path: "/" + path)


def texts(component: Any) -> list[str]:
    """Every string in a component tree, in order (what a person can read)."""
    if component is None:
        return []
    if isinstance(component, str | int | float):
        return [str(component)]
    if isinstance(component, list | tuple):
        return [t for c in component for t in texts(c)]
    out = texts(getattr(component, "children", None))
    if isinstance(getattr(component, "options", None), list):
        out += [str(o["label"]) for o in component.options if isinstance(o.get("label"), str)]
    return out


def text(component: Any) -> str:
    return " ".join(texts(component))


# -- the filter -----------------------------------------------------------------------------------


def test_ticking_every_project_means_no_project_filter(dataset: Dataset) -> None:
    plan = dataset.plan
    assert views.filter_from_controls(plan, ALL, [], [], []) == Filter()
    assert views.filter_from_controls(plan, ["uruou", "sasaeru"], None, None, None) == Filter(
        projects=("sasaeru", "uruou")
    )
    assert views.filter_from_controls(plan, [], [], [], []).projects == ()
    kept = Filter(towns=("中央一丁目",), text="駅").to_dict()
    again = views.filter_from_controls(plan, ALL, [], ["uruou.business-attraction"], [], kept)
    assert again == Filter(
        measures=("uruou.business-attraction",), towns=("中央一丁目",), text="駅"
    )
    assert views.project_values(plan, Filter(projects=("uruou",))) == ["uruou"]
    assert views.project_values(plan, Filter()) == ALL


def test_the_panel_counts_follow_the_filter(ctx: AppContext, dataset: Dataset) -> None:
    flt = Filter(projects=("sasaeru", "uruou", "tsuchikau"))
    fv = views.filter_view(ctx, flt, ["boundary"], JA)
    shown = select(dataset.places, flt)
    located = int(shown.geometry.notna().sum())
    assert (
        fv.summary
        == f"{len(shown)} 件を表示中（地図上 {located}・市全域 {len(shown) - located}）／全 169 件"
    )
    # a toggle's count is what it would show with the other filters as they are: はぐくむ keeps 77
    counts = {o["value"]: text(o["label"]) for o in fv.project_options}
    assert counts["hagukumu"].endswith("(77)")
    # places outside the city (stations and lines across the border) are not the plan's sites
    sasaeru = dataset.places[dataset.places["projects"].map(lambda ps: "sasaeru" in ps)]
    inside = int((sasaeru["in_city"] != False).sum())  # noqa: E712 - a column of booleans
    assert inside < len(sasaeru)
    assert counts["sasaeru"].endswith(f"({inside})")
    legend = text(fv.legend)
    assert "はぐくむ" not in legend  # the legend shows only what is drawn
    assert "保育所・地域型保育" not in legend
    assert "市域" in legend
    categories = {o["value"]: o["label"] for o in fv.category_options}
    assert categories["school"] == "学校 (19)"
    # a category known to be incomplete says so where its count is shown
    assert categories["medical_facility"].endswith("・一部のみ)")


def test_choosing_a_category_keeps_the_other_categories_on_offer(ctx: AppContext) -> None:
    fv = views.filter_view(ctx, Filter(categories=("school",)), [], EN)
    offered = [o["value"] for o in fv.category_options]
    assert "rail_station" in offered
    assert fv.summary == "Showing 19 of 169 places (19 on the map, 0 city-wide)"


def test_policies_and_measures_cascade_from_the_projects(ctx: AppContext) -> None:
    def options(flt: Filter) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        fv = views.filter_view(ctx, flt, [], JA)
        return fv.policy_options, fv.measure_options

    policies, measures = options(Filter(projects=("uruou",)))
    assert {o["value"] for o in policies} == {
        "uruou.policy.new-industry",
        "uruou.policy.local-business",
        "uruou.policy.tourism",
    }
    assert {o["value"] for o in measures} == {
        "uruou.production-distribution",
        "uruou.tourism-proposals",
        "uruou.business-attraction",
    }
    _, narrowed = options(Filter(projects=("uruou",), policies=("uruou.policy.tourism",)))
    assert [o["value"] for o in narrowed] == ["uruou.tourism-proposals"]
    # a measure already chosen stays on offer (and so stays readable) when its project is unticked
    _, kept = options(Filter(projects=("uruou",), measures=("sasaeru.disability",)))
    assert "sasaeru.disability" in {o["value"] for o in kept}
    labels = {o["value"]: o["label"] for o in kept}
    assert labels["uruou.business-attraction"] == "うるおう › 優良企業の誘致（3 か所）"
    assert labels["sasaeru.disability"].endswith("市全域）")


def test_the_list_pages(ctx: AppContext) -> None:
    assert views.list_page(0, -1, 70) == 0
    assert views.list_page(0, 1, 70) == 1
    assert views.list_page(1, 1, 70) == 1
    assert views.list_page(None, 1, 0) == 0


# -- the map --------------------------------------------------------------------------------------


def test_a_measure_fits_its_places_and_a_city_wide_one_does_not_move(
    ctx: AppContext, dataset: Dataset
) -> None:
    viewport = views.measure_viewport(ctx, Filter(measures=("uruou.business-attraction",)))
    assert viewport is not None
    (south, west), (north, east) = viewport["bounds"]
    for geom in select(dataset.places, Filter(measures=("uruou.business-attraction",))).geometry:
        assert south <= geom.y <= north
        assert west <= geom.x <= east
    assert viewport["options"]["maxZoom"] == views.PLACE_ZOOM  # one place never zooms to infinity
    assert views.measure_viewport(ctx, Filter(measures=("uruou.production-distribution",))) is None
    assert views.measure_viewport(ctx, Filter()) is None


def test_zooming_to_a_place(ctx: AppContext, dataset: Dataset) -> None:
    station = views.place_viewport(ctx, "station.soja")
    assert station is not None
    assert station["zoom"] == views.PLACE_ZOOM
    assert station["center"] == [
        dataset.places.geometry["station.soja"].y,
        dataset.places.geometry["station.soja"].x,
    ]
    line = views.place_viewport(ctx, "line.kibi-line")
    assert line is not None
    assert "bounds" in line
    assert views.place_viewport(ctx, "transport.sesshu-kun") is None
    assert views.place_viewport(ctx, "nope") is None
    ring = views.selection_children(ctx, "line.kibi-line")
    assert len(ring) == 1
    assert isinstance(ring[0], dl.CircleMarker)
    assert views.selection_children(ctx, "transport.sesshu-kun") == []


def test_the_jump_list_offers_stations_then_towns(ctx: AppContext, dataset: Dataset) -> None:
    options = views.jump_options(ctx, JA)
    values = [o["value"] for o in options]
    assert values[:15] == [
        f"place:{p}" for p in dataset.located.query("category == 'rail_station'").index
    ]
    assert len(values) == 15 + len(dataset.towns)
    assert "駅: 総社駅" in {o["label"] for o in options}
    town = next(o for o in options if o["label"] == "大字・町丁目: 中央一丁目")
    viewport = views.jump_viewport(ctx, town["value"])
    assert viewport is not None
    assert viewport["zoom"] == views.TOWN_ZOOM
    assert views.jump_viewport(ctx, "town:nope") is None
    assert views.jump_viewport(ctx, None) is None


def test_reference_overlays_come_from_their_urls(ctx: AppContext) -> None:
    layers = views.reference_children(ctx, ["junior_high", "boundary", "sky"], JA)
    assert [layer.id for layer in layers] == ["ref-boundary", "ref-junior_high"]
    assert layers[0].url == ctx.reference_urls["boundary"]
    assert layers[0].interactive is False
    assert layers[1].interactive is True
    assert layers[1].hideout["style"]["weight"] > layers[0].hideout["style"]["weight"] / 2


# -- search and selection -------------------------------------------------------------------------


def test_search_hits_are_buttons_that_choose_a_place(ctx: AppContext) -> None:
    hits = views.search_view(ctx, "ｺｳﾓﾘ", JA)
    assert isinstance(hits, html.Ul)
    button = hits.children[0].children
    assert button.id == {
        "type": ids.PLACE_LINK,
        "place": "heritage-site.komorizuka-kofun",
        "src": "search",
    }
    assert "こうもり塚古墳" in text(button)
    assert text(views.search_view(ctx, "存在しない場所", JA)) == "見つかりません"
    assert views.search_view(ctx, "  ", JA) is None
    assert views.best_hit(ctx, "総社駅") == "station.soja"
    assert views.best_hit(ctx, "") is None


def test_what_a_click_chooses(ctx: AppContext) -> None:
    marker = {"properties": {"id": "station.soja", "cluster": False}}
    assert selection_for(ctx, ids.POINTS_LAYER, 1, clicked=marker).place == "station.soja"
    assert selection_for(ctx, ids.POINTS_LAYER, 1, clicked=marker).viewport is None  # no jump
    cluster = {"properties": {"cluster": True, "point_count": 4}}
    assert selection_for(ctx, ids.POINTS_LAYER, 2, clicked=cluster) is UNCHANGED
    link = {"type": ids.PLACE_LINK, "place": "station.soja", "src": "list"}
    chosen = selection_for(ctx, link, 1)
    assert chosen.place == "station.soja"
    assert chosen.viewport is not None
    assert chosen.viewport["zoom"] == views.PLACE_ZOOM
    assert selection_for(ctx, link, 0) is UNCHANGED  # a new list row, not a press
    assert selection_for(ctx, {**link, "place": "gone"}, 1) is UNCHANGED
    assert selection_for(ctx, ids.SEARCH, 1, query="総社駅").place == "station.soja"
    assert selection_for(ctx, ids.SEARCH, 1, query="zzzz") is UNCHANGED
    closed = selection_for(ctx, ids.DETAILS_CLOSE, 1)
    assert closed.changed
    assert closed.place is None
    city_wide = selection_for(ctx, {**link, "place": "transport.sesshu-kun"}, 1)
    assert city_wide.place == "transport.sesshu-kun"
    assert city_wide.viewport is None


def test_a_pressed_name_reaches_the_choice_as_its_link() -> None:
    link = {"type": ids.PLACE_LINK, "place": "station.soja", "src": "list"}
    assert pressed_link({"place": "station.soja", "src": "list", "n": 2}) == (link, 2)
    # what the browser did not send as a press chooses nothing
    for junk in (None, {}, [], "station.soja", {"place": ["station.soja"]}, {"src": "list"}):
        assert pressed_link(junk) == (None, 0)
    assert pressed_link({"place": "station.soja", "src": "list", "n": True})[1] == 0
    assert pressed_link({"place": "station.soja", "src": "list", "n": "1"})[1] == 0


def test_reset_and_show_this_measure_set_the_controls(ctx: AppContext) -> None:
    assert controls_for(ctx, ids.RESET, ["uruou"]) == (ALL, [], [], [], "")
    link = {"type": ids.MEASURE_LINK, "measure": "hagukumu.family-community"}
    assert controls_for(ctx, link, ["uruou"]) == (
        ["hagukumu", "uruou"],
        [],
        ["hagukumu.family-community"],
        [],
        no_update,
    )
    assert controls_for(ctx, link, ALL) == (ALL, [], ["hagukumu.family-community"], [], no_update)
    assert controls_for(ctx, {**link, "measure": "nope"}, ALL) is None
    assert controls_for(ctx, "something-else", ALL) is None


# -- details --------------------------------------------------------------------------------------


def test_the_details_of_an_address_town_place(ctx: AppContext) -> None:
    card = views.details_view(ctx, Filter(), "nursery.c0b915d9", "ja")
    readable = text(card)
    for seen in (
        "さくら保育園",
        "保育所・地域型保育",
        "はぐくむ",
        "地域ぐるみの子育て支援",
        "子どもと家族のための地域づくりの推進",
        "ワーク・ライフ・バランスの推進",
        "岡山県総社市中央6丁目8-109",
        "2026-01-23",
        "おおよその位置（住所の大字・町丁目の代表点",
        "この分類のデータは一部のみです。",
    ):
        assert seen in readable, seen
    assert "現在の表示条件では地図に表示されていません。" not in readable
    hidden = text(views.details_view(ctx, Filter(projects=("uruou",)), "nursery.c0b915d9", "ja"))
    assert "現在の表示条件では地図に表示されていません。" in hidden
    assert views.details_view(ctx, Filter(), None, "ja") is None
    assert views.details_view(ctx, Filter(), "nope", "ja") is None


def test_a_city_wide_item_says_so_and_english_uses_english_names(ctx: AppContext) -> None:
    card = text(views.details_view(ctx, Filter(), "transport.sesshu-kun", "en"))
    assert "Sesshu-kun (Soja demand-responsive shared taxi)" in card
    assert "雪舟くん（総社市新生活交通）" in card  # the other name, where known
    assert "City-wide (no single site on the map)" in card
    assert "Better Soja 'new life transport' (local transport services)" in card


# -- nearby ---------------------------------------------------------------------------------------


def test_where_the_nearby_search_starts(ctx: AppContext) -> None:
    click = {"latlng": {"lat": 34.7, "lng": 133.7}}
    assert near_for(ctx, ids.MAP, click=click, view="nearby", tr=JA) == {
        "lat": 34.7,
        "lon": 133.7,
        "label": "地図上の地点",
    }
    assert near_for(ctx, ids.MAP, click=click, view="filter", tr=JA) is NEAR_UNCHANGED
    town = views.town_options(ctx, JA)[0]["value"]
    near = near_for(ctx, ids.NEAR_TOWN, town=town, tr=JA)
    assert near is not None
    assert near["label"] == views.town_point(ctx, town)[2]  # type: ignore[index]
    assert near_for(ctx, ids.GEO_STORE, geo={"lat": 34.6, "lon": 133.7, "accuracy": 10}, tr=EN) == {
        "lat": 34.6,
        "lon": 133.7,
        "label": "Your location",
    }
    # the browser sends a code (assets/soja_map.js `locate`); the words come from the catalogue
    denied = near_for(ctx, ids.GEO_STORE, geo={"error": 1}, tr=JA)
    assert denied == {
        "error": "現在地を取得できませんでした（位置情報の利用が許可されていません）。"
    }
    insecure = near_for(ctx, ids.GEO_STORE, geo={"error": 0}, tr=EN)
    assert insecure == {"error": "Could not get your location (only on pages opened over https)."}
    odd = near_for(ctx, ids.GEO_STORE, geo={"error": "<b>?</b>"}, tr=EN)
    assert odd == {"error": "Could not get your location (the position is unavailable)."}
    assert near_for(ctx, ids.NEAR_CLEAR, tr=JA) is None
    assert near_for(ctx, "other", tr=JA) is NEAR_UNCHANGED


def test_the_nearby_view_lists_and_draws_the_nearest_places(ctx: AppContext) -> None:
    near = {"lat": 34.6728, "lon": 133.7465, "label": "中央一丁目"}
    nv = views.nearby_view(ctx, Filter(), near, JA)
    readable = text(nv.results)
    assert "中央一丁目" in readable
    assert "直線" in readable
    assert "徒歩" in readable
    lines = [c for c in nv.layer if isinstance(c, dl.Polyline)]
    assert len(lines) == len(set(ctx.data.located["category"]))
    assert all(line.positions[0] == [34.6728, 133.7465] for line in lines)
    assert nv.viewport is not None
    assert views.nearby_view(ctx, Filter(), None, JA).results is None
    error = views.nearby_view(ctx, Filter(), {"error": "no"}, JA)
    assert text(error.results) == "no"
    assert error.layer == []
    nothing = views.nearby_view(ctx, Filter(projects=()), near, JA)
    assert text(nothing.results).startswith("表示中の場所がありません。")
    # the nearest evacuation sites do not depend on the plan's filter (safety information)
    assert "近くの避難場所・避難所" in text(nothing.results)
    assert "近くの避難場所・避難所" in readable


# -- page, language, basemap, credits -------------------------------------------------------------


def test_the_language_switch_keeps_the_state(ctx: AppContext) -> None:
    current = "?projects=uruou&place=station.soja&lat=34.70000&lon=133.70000&z=13"
    assert switched_language(ctx, current, "", "ja") == current + "&lang=en"
    assert switched_language(ctx, current + "&lang=en", "", "en") == current
    # before any change the URL the page was loaded from is the state
    assert switched_language(ctx, None, "?view=list", "ja") == "?view=list&lang=en"
    assert state_of(ctx, "?lang=en").lang == "en"


def test_basemap_names_and_credits() -> None:
    assert basemap_key("地理院タイル（淡色地図）") == "gsi-pale"
    assert basemap_key("GSI tiles (aerial photo)") == "gsi-photo"
    assert basemap_key("OpenStreetMap") == "osm"
    assert basemap_key("背景地図なし") == "none"
    assert basemap_key(None) is None
    assert credits_hidden(ids.CREDITS_OPEN) is False
    assert credits_hidden(ids.CREDITS_CLOSE) is True


# -- shelters and hazard overlays (web/shelters.py) -------------------------------------------------


def test_the_shelter_layer_draws_the_chosen_sites(ctx: AppContext) -> None:
    assert shelters.shelter_layer(ctx.data, [], "flood", JA) == ([], "")
    markers, count = shelters.shelter_layer(ctx.data, ["on"], "flood", JA)
    flood = rule.site_ids(ctx.data, "flood")
    assert [m.id["place"] for m in markers] == flood
    assert count == f"洪水: {len(flood)} か所を表示"
    # a site that is a school is a ring around the school's own marker, not a second marker
    school = next(m for m in markers if m.id["place"] in ctx.data.places.index)
    assert "soja-shelter-ring" in school.className
    assert school.fill is False
    options = shelters.choice_options(ctx.data, EN)
    assert options[0]["value"] == "all"
    assert options[1]["value"] == "shelter"
    assert any(o["value"] == "flood" and o["label"] == f"Flood ({len(flood)})" for o in options)


def test_hazard_overlays_fail_quietly_when_unreachable(ctx: AppContext) -> None:
    overlays = shelters.overlays_of(ctx)
    assert overlays is not None
    assert overlays.layers
    first = overlays.layers[0].id
    assert shelters.hazard_view(ctx, [], JA) == ([], "")
    online = dataclasses.replace(ctx, settings=ctx.settings.with_(tiles=True))
    layers, notice = shelters.hazard_view(online, [first], JA, probe=lambda url: False)
    assert layers == []
    assert notice == JA("dataui_hazard_offline")
    layers, notice = shelters.hazard_view(online, [first], JA, probe=lambda url: True)
    assert [x.url for x in layers] == [overlays.layers[0].url]
    assert notice == ""
    assert "ハザードマップポータルサイト" in layers[0].attribution
    # tiles off (offline use): a notice, and nothing asked of the network
    offline = dataclasses.replace(ctx, settings=ctx.settings.with_(tiles=False))
    asked: list[str] = []
    assert shelters.hazard_view(offline, [first], JA, probe=asked.append) == (
        [],
        JA("dataui_hazard_offline"),
    )
    assert asked == []


def test_nearby_ends_at_one_site_are_laid_side_by_side_and_others_stay_put() -> None:
    x = np.array([0.0, 5.0, 1000.0, 2.0, 3.0, 4.0])
    y = np.array([0.0, 0.0, 0.0, 1.0, 2.0, 0.0])
    fixed = [False, False, False, False, False, True]  # a dot on a railway line
    offsets = views.end_offsets(x, y, fixed)
    step = views.NEAR_END_SIZE
    # four at one site: a 2 x 2 square centred on it, each touching the site with a corner
    assert sorted(offsets[i] for i in (0, 1, 3, 4)) == sorted(
        (sx * step // 2, sy * step // 2) for sx in (-1, 1) for sy in (-1, 1)
    )
    assert offsets[2] == (0, 0)  # alone at its site
    assert offsets[5] == (0, 0)  # fixed
    assert views.end_offsets(np.array([0.0, 10.0]), np.array([0.0, 0.0])) == [
        (-step // 2, 0),
        (step // 2, 0),
    ]
