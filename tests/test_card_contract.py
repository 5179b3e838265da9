"""Contract: the app and the exported map show the same place card and the same city-wide list.

The app's details card (web/components.details, Dash components) and the export's popup
(maps/templates/popup.html) both render query.card.place_card; the app's city-wide section and the
export's 市全域 box both follow query.filters.city_wide_measures. These tests read what each face
shows, as text, and compare them: for every place of the shipped geodata, in both languages.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from dash import html

from soja_map.data.dataset import Dataset
from soja_map.i18n import LANGS, Lang, translator
from soja_map.maps.api import ExportOptions, build_map
from soja_map.maps.panels import MAX_CITY_WIDE_ROWS, city_wide_items, popup_html
from soja_map.query.filters import Filter, city_wide_measures, select
from soja_map.web import components as c
from soja_map.web import ids
from tests.html_tree import Node, parse

SEPARATORS = {"›"}
# the app shows these without a label (the card's heading), the popup as its first rows
UNLABELLED_IN_APP = {"name", "category", "layer_partial"}

Field = tuple[str | None, Any]  # (label, what the value shows)


def props(component: Any) -> dict[str, Any]:
    return component.to_plotly_json()["props"] if hasattr(component, "to_plotly_json") else {}


def dash_walk(component: Any) -> list[Any]:
    if isinstance(component, list | tuple):
        return [x for item in component for x in dash_walk(item)]
    if component is None or isinstance(component, str | int | float):
        return []
    return [component, *dash_walk(getattr(component, "children", None))]


def dash_texts(component: Any) -> list[str]:
    """The text a person reads, in order; buttons are controls, not part of the card's data."""
    if isinstance(component, str):
        return [component.strip()] if component.strip() else []
    if isinstance(component, list | tuple):
        return [t for x in component for t in dash_texts(x)]
    if component is None or isinstance(component, html.Button):
        return []
    if isinstance(component, int | float):
        return [str(component)]
    return dash_texts(getattr(component, "children", None))


def _tokens(texts: list[str]) -> tuple[str, ...]:
    return tuple(t for t in texts if t not in SEPARATORS)


def app_card(data: Dataset, place_id: str, lang: str) -> dict[str, Field]:
    card = c.details(data, place_id, Filter(), {place_id}, translator(lang))
    fields: dict[str, Field] = {}
    for component in dash_walk(card):
        field = props(component).get("data-field")
        if not field:
            continue
        label, value = fields.get(field, (None, None))
        if isinstance(component, html.Dt | html.H3):
            label = " ".join(dash_texts(component))
        elif field == "measures":
            value = tuple(
                tuple(sorted((props(x)["data-part"], " ".join(dash_texts(x))) for x in parts))
                for li in dash_walk(component)
                if isinstance(li, html.Li)
                and (parts := [x for x in dash_walk(li) if "data-part" in props(x)])
            )
        else:
            value = _tokens(dash_texts(component))
        fields[field] = (label, value)
    return fields


def export_card(data: Dataset, place_id: str, lang: str) -> dict[str, Field]:
    root = parse(popup_html(data, place_id, translator(lang)))
    fields: dict[str, Field] = {}
    for node in root.walk():
        field = node.attrs.get("data-field")
        if not field:
            continue
        label, shown = None, node
        if node.tag == "tr":
            th, shown = [x for x in node.children if isinstance(x, Node)]
            label = th.text().strip()
        if field == "measures":
            value: Any = tuple(
                tuple(sorted((x.attrs["data-part"], x.text().strip()) for x in parts))
                for li in shown.find_all(lambda n: n.tag == "li")
                if (parts := li.find_all(lambda n: "data-part" in n.attrs))
            )
        else:
            value = _tokens(shown.texts())
        fields[str(field)] = (label, value)
    return fields


@pytest.mark.parametrize("lang", LANGS)
def test_the_app_card_and_the_export_popup_show_the_same_fields_and_texts(
    dataset: Dataset, lang: str
) -> None:
    for place_id in dataset.places.index:
        app, export = app_card(dataset, place_id, lang), export_card(dataset, place_id, lang)
        assert set(app) == set(export), place_id
        for field, (label, value) in app.items():
            assert value == export[field][1], (place_id, field)
            if field in UNLABELLED_IN_APP:
                assert label is None, (place_id, field)
            else:
                assert label == export[field][0], (place_id, field)


def test_the_card_shows_what_a_resident_needs(dataset: Dataset) -> None:
    """The fields are really there (so the comparison above compares something)."""
    school = export_card(dataset, "school.es.soja", "ja")
    assert {"name", "category", "measures", "address", "town", "source", "licence"} <= set(school)
    assert {"attribution", "as_of", "position", "attributes"} <= set(school)
    # an address_town position keeps its note (the app always showed it; the popup now does too)
    note = dataset.places.at["school.es.soja", "position_note"]
    assert school["position"][1][-1] == note
    assert len(school["measures"][1]) == len(dataset.places.at["school.es.soja", "measures"])
    transport = app_card(dataset, "transport.sesshu-kun", "en")
    assert transport["position"][1][0] == translator("en")("city_wide")
    assert "layer_partial" in transport


# -- the city-wide list ----------------------------------------------------------------------------

FILTERS = {
    "all": Filter(),
    "project": Filter(projects=("sasaeru",)),
    "two projects": Filter(projects=("sasaeru", "tsuchikau")),
    "policy": Filter(policies=("sasaeru.policy.public-transport",)),
    "measure": Filter(measures=("sasaeru.new-life-transport", "tsuchikau.training")),
    "category": Filter(categories=("school",)),
    "town": Filter(towns=("三輪",)),
    "town and project": Filter(projects=("hagukumu",), towns=("三輪",)),
    "text": Filter(text="駅"),
    "no project": Filter(projects=()),
}


def app_city_wide(data: Dataset, flt: Filter, lang: Lang) -> tuple[list[str], list[str]]:
    """The app's city-wide section: (place ids, measure names)."""
    section = c.city_wide_section(data, flt, select(data.places, flt), translator(lang))
    parts = dash_walk(section)
    places = [
        b.id["place"]
        for b in parts
        if isinstance(b, html.Button) and isinstance(b.id, dict) and b.id["type"] == ids.PLACE_LINK
    ]
    measures = [
        dash_texts(li)[0]
        for li in parts
        if isinstance(li, html.Li) and getattr(li, "className", None) == "soja-city-measure"
    ]
    return places, measures


def export_city_wide(data: Dataset, flt: Filter, lang: Lang) -> tuple[list[str], list[str]]:
    items = city_wide_items(data, select(data.places, flt), flt, translator(lang))
    return (
        [i.id for i in items if i.kind == "place"],
        [i.label for i in items if i.kind == "measure"],
    )


@pytest.mark.parametrize("name", list(FILTERS))
def test_the_app_and_the_export_list_the_same_city_wide_items(dataset: Dataset, name: str) -> None:
    flt = FILTERS[name]
    for lang in LANGS:
        assert app_city_wide(dataset, flt, lang) == export_city_wide(dataset, flt, lang), lang
    # ...and the export's box shows them (up to its row limit) in that order
    places, measures = export_city_wide(dataset, flt, "ja")
    m = build_map(dataset, flt, ExportOptions())
    boxes = [x for x in m._children.values() if x._name == "CityWide"]
    if not places and not measures:
        assert boxes == []
        return
    shown = [
        str(li.attrs["data-item"]).split(":", 1)[1]
        for li in parse(boxes[0].html).find_all(lambda n: "data-item" in n.attrs)
    ]
    expected = places + [x.measure.id for x in city_wide_measures(dataset.plan, flt)]
    assert shown == expected[:MAX_CITY_WIDE_ROWS]


def test_a_town_filter_keeps_the_city_wide_measures(dataset: Dataset) -> None:
    """City-wide measures apply everywhere: choosing a town does not hide them (issue #8)."""
    everywhere = export_city_wide(dataset, Filter(), "ja")[1]
    in_town = Filter(towns=("三輪",))
    assert len(everywhere) == 9
    assert app_city_wide(dataset, in_town, "ja")[1] == everywhere
    assert export_city_wide(dataset, in_town, "ja")[1] == everywhere
    assert export_city_wide(dataset, Filter(categories=("school",)), "ja") == ([], [])


# -- the facts (data.facts) on both faces -----------------------------------------------------------


def _place(dataset: Dataset, name_ja: str) -> str:
    return str(dataset.places.index[dataset.places["name_ja"] == name_ja][0])


@pytest.mark.parametrize("face", [app_card, export_card])
def test_a_child_care_card_shows_capacity_and_enrolment_with_the_lists_date(
    dataset: Dataset, face: Any
) -> None:
    place = _place(dataset, "中央保育所")
    care = dataset.places.at[place, "facts"]["childcare"]
    card = face(dataset, place, "ja")
    expected = f"定員 {care['capacity']}・利用 {care['enrolled']}（{care['enrolled_as_of']} 時点）"
    assert expected in card["childcare"][1]
    assert card["childcare"][0] == "保育・子育て"
    # the same nursery is a designated site: its shelter role is on the same card, with hazards
    assert "指定緊急避難場所（崖崩れ・土石流・地滑り、地震）" in card["shelter"][1]
    assert "指定避難所" in card["shelter"][1]
    reason = dataset.places.at[place, "facts"]["links"][0]["reason_en"]
    assert reason in face(dataset, place, "en")["links"][1]


def test_a_clinic_card_shows_kind_departments_and_closed_days(dataset: Dataset) -> None:
    medical = dataset.places[dataset.places["category"] == "medical_facility"]
    place = str(medical.index[0])
    facts = medical.at[place, "facts"]["medical"]
    label, lines = export_card(dataset, place, "ja")["medical"]
    assert label == "医療"
    assert lines[0] == translator("ja")(f"medical_kind_{facts['kind']}")
    assert f"診療科: {'、'.join(facts['departments'])}" in lines
    assert f"休診: {facts['closed_days']}" in lines


def test_sesshu_kun_states_its_rules_with_their_sources(dataset: Dataset) -> None:
    rules = dataset.places.at["transport.sesshu-kun", "facts"]["service_rules"]
    _, lines = app_card(dataset, "transport.sesshu-kun", "ja")["service_rules"]
    for rule in rules:
        assert any(rule["text_ja"] in line for line in lines), rule["id"]
    for source in (s for rule in rules for s in rule["sources"]):
        assert any(source["publisher"] in line for line in lines)
    # secondary sources (blogs) are labelled as such
    assert any("二次資料" in line and "ブログ" in line for line in lines)
    popup = popup_html(dataset, "transport.sesshu-kun", translator("ja"))
    official = next(s["url"] for r in rules for s in r["sources"] if s["kind"] == "official")
    assert f'href="{official}"' in popup.replace("&amp;", "&")


@pytest.mark.parametrize("lang", LANGS)
def test_a_partial_layers_note_is_in_the_cards_language(dataset: Dataset, lang: Lang) -> None:
    place = _place(dataset, "中央保育所")
    layer = dataset.layers[str(dataset.places.at[place, "layer"])]
    _, note = export_card(dataset, place, lang)["layer_partial"]
    assert layer[f"note_{lang}"] in " ".join(note)


@pytest.mark.parametrize("lang", LANGS)
def test_shelter_only_sites_have_the_same_card_on_both_faces(dataset: Dataset, lang: str) -> None:
    """A site with no other role (a park, a hall) has a card too: its shelter role, no measures."""
    sites = dataset.references["evacuation_shelter"]
    assert len(sites)
    for place_id in sites.index:
        app, export = app_card(dataset, place_id, lang), export_card(dataset, place_id, lang)
        assert set(app) == set(export), place_id
        assert {k: v[1] for k, v in app.items()} == {k: v[1] for k, v in export.items()}
        assert "shelter" in app
        assert "measures" not in export


@pytest.mark.parametrize("face", [app_card, export_card])
def test_a_station_outside_the_city_is_marked_on_its_card(dataset: Dataset, face: Any) -> None:
    outside = dataset.places.index[dataset.places["in_city"] == False]  # noqa: E712
    assert len(outside)
    label = "市外"
    for place_id in outside:
        assert label in face(dataset, place_id, "ja")["category"][1]
    inside = dataset.places.index[dataset.places["in_city"] == True][0]  # noqa: E712
    assert label not in face(dataset, inside, "ja")["category"][1]


def test_the_list_puts_places_outside_the_city_last(dataset: Dataset) -> None:
    rows = c.list_rows(dataset.places)
    flags = [v is False or v is np.False_ for v in rows["in_city"]]
    assert any(flags)
    assert flags == sorted(flags)  # all of Soja's own places, then those outside


@pytest.mark.parametrize("lang", LANGS)
def test_the_technical_reference_is_folded_on_both_faces(dataset: Dataset, lang: Lang) -> None:
    """Publisher and dataset are read first; a repository address or file stays in a disclosure."""
    pid = _place(dataset, "ひかり保育園")
    reference = dataset.places.loc[pid, "source"]["reference"]
    assert "github.com" in reference
    tr = translator(lang)
    card = c.details(dataset, pid, Filter(), {pid}, tr)
    folded = [d for d in dash_walk(card) if isinstance(d, html.Details)]
    assert len(folded) == 1
    assert dash_texts(folded[0])[0] == tr("source_details")
    assert reference in dash_texts(folded[0])
    source_row = [x for x in dash_walk(card) if props(x).get("data-field") == "source"][-1]
    assert reference not in dash_texts(
        [x for x in source_row.children if not isinstance(x, html.Details)]
    )
    popup = parse(popup_html(dataset, pid, tr))
    details = popup.find_all(lambda n: n.tag == "details")
    assert len(details) == 1
    assert tr("source_details") in details[0].text()
    assert reference in details[0].text()
