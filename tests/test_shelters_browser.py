"""Shelters, facts on the card, 周辺 and the hazard overlays as a person uses them (headless
Chromium, no network). Each journey checks what is seen and that the console stayed clean."""

from __future__ import annotations

import pytest
from flask import Response

from soja_map.query import shelters as rule
from soja_map.query.basemaps import mirrored
from soja_map.query.filters import Filter
from soja_map.query.nearby import nearest_by_category, nearest_shelters
from soja_map.web import ids
from soja_map.web.app import create_app
from tests.test_app_browser import (
    _png,
    choose_view,
    expected,
    open_app,
    text_of,
    wait_counts,
    wait_query,
    wait_until,
)

pytestmark = pytest.mark.browser


def _place(dataset, name_ja: str) -> str:
    return str(dataset.places.index[dataset.places["name_ja"] == name_ja][0])


def shelter_marks(dash_duo) -> list[str]:
    return dash_duo.driver.execute_script(
        "return Array.from(document.querySelectorAll('path.soja-shelter'))"
        ".map(p => p.getAttribute('class'));"
    )


def test_the_shelter_layer_shows_only_the_sites_for_floods(dash_duo, settings, dataset) -> None:
    open_app(dash_duo, settings, dataset)
    wait_counts(dash_duo, *expected(dataset, Filter()))
    assert shelter_marks(dash_duo) == []  # off by default
    dash_duo.find_element(f"#{ids.SHELTER_SHOW} input").click()
    every = rule.site_ids(dataset, "all")
    wait_until(lambda: len(shelter_marks(dash_duo)) == len(every), what="every site drawn")
    flood = rule.site_ids(dataset, "flood")
    dash_duo.select_dcc_dropdown(f"#{ids.SHELTER_CHOICE}", f"洪水（{len(flood)}）")
    assert 0 < len(flood) < len(every)
    wait_until(lambda: len(shelter_marks(dash_duo)) == len(flood), what="the flood sites only")
    dash_duo.wait_for_text_to_equal(f"#{ids.SHELTER_COUNT}", f"洪水: {len(flood)} か所を表示")
    # sites that are also schools, nurseries... are rings around their own marker (one place)
    on_places = [p for p in flood if p in dataset.places.index]
    rings = [c for c in shelter_marks(dash_duo) if "soja-shelter-ring" in c]
    assert len(rings) == len(on_places)
    # the layer is safety information, not a plan measure: the plan's counts do not change
    wait_counts(dash_duo, *expected(dataset, Filter()))
    assert dash_duo.get_logs() == []


def test_a_shared_link_opens_the_flood_sites_and_the_language_switch_keeps_them(
    dash_duo, settings, dataset
) -> None:
    open_app(dash_duo, settings, dataset, search="?shelters=flood")
    flood = rule.site_ids(dataset, "flood")
    wait_until(lambda: len(shelter_marks(dash_duo)) == len(flood), what="the flood sites")
    dash_duo.wait_for_text_to_equal(f"#{ids.SHELTER_COUNT}", f"洪水: {len(flood)} か所を表示")
    dash_duo.find_element(f"#{ids.LANG_TOGGLE}").click()
    dash_duo.wait_for_text_to_equal(f"#{ids.SHELTER_COUNT}", f"Flood: {len(flood)} sites shown")
    assert len(shelter_marks(dash_duo)) == len(flood)
    wait_query(dash_duo, "shelters", "flood")
    # turning the layer off takes it out of the address
    dash_duo.find_element(f"#{ids.SHELTER_SHOW} input").click()
    wait_until(lambda: shelter_marks(dash_duo) == [], what="the layer off")
    wait_query(dash_duo, "shelters", None)
    assert dash_duo.get_logs() == []


def test_a_child_care_card_shows_capacity_enrolment_and_the_lists_date(
    dash_duo, settings, dataset
) -> None:
    place = _place(dataset, "中央保育所")
    care = dataset.places.at[place, "facts"]["childcare"]
    open_app(dash_duo, settings, dataset, f"?place={place}")
    dash_duo.wait_for_text_to_equal("#details-title", "中央保育所")
    card = text_of(dash_duo, f"#{ids.DETAILS}")
    figure = f"定員 {care['capacity']}・利用 {care['enrolled']}（{care['enrolled_as_of']} 時点）"
    assert figure in card
    assert "認可保育所" in card
    # the same nursery is a designated site: one place, one card, with its shelter role
    assert "指定緊急避難場所（崖崩れ・土石流・地滑り、地震）" in card
    assert "指定避難所" in card
    assert dataset.places.at[place, "facts"]["links"][0]["reason_ja"] in card
    assert dash_duo.get_logs() == []


def test_nearby_from_ekimae_lists_shelters_per_hazard_and_no_school_at_0_m(
    dash_duo, settings, dataset
) -> None:
    open_app(dash_duo, settings, dataset, "?view=nearby")
    wait_counts(dash_duo, *expected(dataset, Filter()))
    town = dataset.towns[dataset.towns["town"] == "駅前一丁目"].iloc[0]
    lon, lat = town.geometry.x, town.geometry.y
    dash_duo.select_dcc_dropdown(f"#{ids.NEAR_TOWN}", "駅前一丁目")
    dash_duo.wait_for_contains_text(f"#{ids.NEAR_RESULTS}", "近くの避難場所・避難所")
    school = nearest_by_category(dataset.places, lon, lat).loc["school"]
    assert school["distance_m"] > 50  # schools stand on their own sites, not the town point
    row = next(
        i
        for i in dash_duo.find_elements(f"#{ids.NEAR_RESULTS} .soja-near-item")
        if i.get_attribute("data-category") == "school"
    )
    assert school["name_ja"] in row.text
    assert "直線 0 m" not in row.text
    safety = nearest_shelters(rule.sites(dataset), lon, lat)
    items = dash_duo.find_elements(f"#{ids.NEAR_RESULTS} .soja-near-shelter")
    assert [i.get_attribute("data-shelter") for i in items] == list(safety.index)
    flood = next(i for i in items if i.get_attribute("data-shelter") == "flood")
    assert "洪水" in flood.text
    assert safety.loc["flood", "name_ja"] in flood.text
    assert f"徒歩 {safety.loc['flood', 'walk_minutes']} 分" in flood.text
    # the site's name opens its card, which lists its shelter role
    flood.find_element("css selector", "button").click()
    dash_duo.wait_for_text_to_equal("#details-title", safety.loc["flood", "name_ja"])
    assert "洪水" in text_of(dash_duo, f"#{ids.DETAILS}")
    assert dash_duo.get_logs() == []


def test_the_hazard_overlay_toggles_without_console_errors_when_unreachable(
    dash_duo, settings, dataset
) -> None:
    tile = _png()
    # background tiles from a local stub; the hazard portal at a closed local port (unreachable)
    app = create_app(
        settings.with_(tiles=True, tile_mirror="http://127.0.0.1:9"),
        dataset,
        basemaps=tuple(mirrored("/_stub_tiles").values()),
    )

    @app.server.route("/_stub_tiles/<key>/<int:z>/<int:x>/<int:y>.png")
    def stub_tile(key: str, z: int, x: int, y: int) -> Response:
        return Response(tile, mimetype="image/png")

    dash_duo.start_server(app)
    dash_duo.wait_for_element(f"#{ids.SUMMARY}", timeout=20)
    choose_view(dash_duo, "filter")
    note = text_of(dash_duo, ".soja-hazard-note")
    assert "法定の水害ハザードマップではありません" in note
    assert "ハザードマップポータルサイト" in text_of(dash_duo, ".soja-hazard-credit")
    boxes = dash_duo.find_elements(f"#{ids.HAZARD_OVERLAYS} input")
    assert boxes
    assert not any(b.is_selected() for b in boxes)  # off by default
    boxes[0].click()
    dash_duo.wait_for_contains_text(f"#{ids.HAZARD_NOTICE}", "読み込めません")
    assert not dash_duo.find_elements(".soja-hazard-tiles")
    boxes[0].click()
    dash_duo.wait_for_text_to_equal(f"#{ids.HAZARD_NOTICE}", "")
    assert dash_duo.get_logs() == []


def test_places_that_share_a_town_point_open_apart_and_each_has_its_card(
    dash_duo, settings, dataset
) -> None:
    """Many places are known only by their 大字/町丁目 (address_town) and so share its point; at
    the closest zoom their cluster spreads out on a click, and each marker opens its own card."""
    located = dataset.located
    points = located[located.geometry.geom_type == "Point"]
    key = points.geometry.apply(lambda g: (round(g.y, 6), round(g.x, 6)))
    (lat, lon), group = max(points.groupby(key), key=lambda kv: len(kv[1]))
    names = sorted(group["name_ja"])
    assert len(names) >= 4
    open_app(dash_duo, settings, dataset, search=f"?lat={lat}&lon={lon}&z=18")
    cluster = dash_duo.wait_for_element(f'.soja-cluster[title="{len(names)} 件"]')
    assert not dash_duo.find_elements(".leaflet-marker-icon:not(.soja-cluster)")

    def markers() -> list[str]:
        return sorted(
            m.get_attribute("title")
            for m in dash_duo.find_elements(".leaflet-marker-icon:not(.soja-cluster)")
        )

    cluster.click()
    wait_until(lambda: markers() == names, what="the stacked places spread out")
    dash_duo.find_element(f'.leaflet-marker-icon[title="{names[0]}"]').click()
    wait_until(lambda: names[0] in text_of(dash_duo, f"#{ids.DETAILS}"), what="its card")
    assert dash_duo.get_logs() == []
