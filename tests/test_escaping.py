"""Every string that comes from data is shown as text, in the exported map and in the app's card.

Each data field of one place (and the names of its measures, policies and projects in the plan)
gets its own hostile string: markup, a ``</script>`` that would end the page's script, and a
Jinja2 expression that would run if the text were parsed as a template. The test reads the
exported page as a browser would (the popup from the page's JSON data block, the boxes from the
template output) and the app's card as Dash renders it (string children are React text), and
finds each string, unchanged, as text.
"""

from __future__ import annotations

import dataclasses
import json
import re
from typing import Any

import geopandas as gpd
import pytest
from dash import html

from soja_map.data.dataset import Dataset
from soja_map.data.plan import Plan
from soja_map.i18n import LANGS, Lang, translator
from soja_map.maps.api import ExportOptions, build_map, render_html
from soja_map.maps.elements import PLACES_BLOCK
from soja_map.query.filters import Filter
from soja_map.web import components as c
from tests.dash_tree import strings, walk
from tests.html_tree import Node, parse

PLACE = "school.es.soja"  # a point: it has a marker, a popup and a tooltip in the export


def hostile(field: str) -> str:
    return (
        f"<img src=x onerror=alert('F_{field}')>"
        f"</script><script>alert('S_{field}')</script><!--"
        f"{{{{ '{field}'|upper }}}}{{% if 1 %}}J_{field}{{% endif %}}"
    )


PLACE_FIELDS = (
    "name_ja",
    "name_en",
    "address",
    "description",
    "licence",
    "as_of",
    "as_of_note",
    "position_note",
    "attribution",
)
SOURCE_FIELDS = ("publisher", "dataset", "reference", "via")


def hostile_plan(plan: Plan, measures: tuple[str, ...]) -> Plan:
    raw = plan.model_dump()
    for project in raw["projects"]:
        for key in ("name_ja", "name_en", "theme_ja", "theme_en"):
            project[key] = hostile(f"project_{key}")
        for policy in project["policies"]:
            for key in ("name_ja", "name_en"):
                policy[key] = hostile(f"policy_{key}")
        for measure in project["measures"]:
            kind = "measure" if measure["id"] in measures else "city_wide_measure"
            if measure["id"] in measures or measure["city_wide"]:
                for key in ("name_ja", "name_en"):
                    measure[key] = hostile(f"{kind}_{key}")
    return Plan.model_validate(raw)


@pytest.fixture(scope="module")
def evil(dataset: Dataset) -> Dataset:
    places = dataset.places.copy()
    for field in PLACE_FIELDS:
        places.at[PLACE, field] = hostile(field)
    places.at[PLACE, "source"] = {k: hostile(f"source_{k}") for k in SOURCE_FIELDS}
    places.at[PLACE, "town"] = hostile("town")
    places.at[PLACE, "town_area"] = hostile("town")
    places.at[PLACE, "attributes"] = {
        hostile("attribute_key"): hostile("attribute_value"),
        "list": [hostile("attribute_item"), 3],
    }
    layer = str(places.at[PLACE, "layer"])
    layers = {**dataset.layers, layer: {**dataset.layers[layer], "complete": False}}
    layers[layer]["note_en"] = layers[layer]["note_ja"] = hostile("layer_note")
    measures = tuple(places.at[PLACE, "measures"])
    return dataclasses.replace(
        dataset,
        places=gpd.GeoDataFrame(places, crs=dataset.places.crs),
        plan=hostile_plan(dataset.plan, measures),
        layers=layers,
    )


def expected(lang: Lang) -> list[str]:
    """Every hostile string the card shows in ``lang`` (the plan's names in that language)."""
    card = [*PLACE_FIELDS, "town", "attribute_key", "attribute_value", "attribute_item"]
    card += [f"source_{k}" for k in SOURCE_FIELDS] + ["layer_note"]
    card += [f"{kind}_name_{lang}" for kind in ("measure", "policy", "project")]
    return [hostile(f) for f in card]


def assert_text(shown: str, lang: Lang, where: str) -> None:
    missing = [h for h in expected(lang) if h not in shown]
    assert not missing, f"{where}: not shown as text: {missing}"


# -- the exported map --------------------------------------------------------------------------


def data_block(document: str) -> dict[str, Any]:
    match = re.search(
        rf'<script type="application/json" id="{PLACES_BLOCK}">(.*?)</script>', document, re.S
    )
    assert match, "the places' data block is missing"
    return dict(json.loads(match.group(1)))


def no_markup(tree: Node, where: str) -> None:
    bad = tree.find_all(
        lambda n: n.tag in {"img", "script", "iframe"} or any(a.startswith("on") for a in n.attrs)
    )
    assert bad == [], f"{where}: markup from data became elements: {[n.tag for n in bad]}"


@pytest.mark.parametrize("lang", LANGS)
def test_the_export_shows_every_data_field_as_text(evil: Dataset, lang: Lang) -> None:
    measures = tuple(evil.places.at[PLACE, "measures"])
    flt = Filter(measures=measures, towns=(hostile("town"),))
    m = build_map(evil, flt, ExportOptions(lang=lang, title=hostile("title")))
    document = render_html(m)
    assert parse(document).find_all(lambda n: n.tag == "title")[0].text() == hostile("title")
    for field in [*expected(lang), hostile("title")]:
        assert field not in document  # only ever as escaped text or an escaped JSON string
    assert "</script><script>alert(" not in document
    popup, tooltip = data_block(document)["popups"][PLACE]
    tree = parse(popup)
    no_markup(tree, "popup")
    assert_text(tree.text(), lang, "popup")
    # the tooltip is set with textContent by the page's JS: it is the plain name
    assert tooltip == hostile("name_en" if lang == "en" else "name_ja")

    boxes = {x._name: x for x in m._children.values()}
    title = parse(boxes["MapTitle"].markup)
    no_markup(title, "title")
    for field in ("title", f"measure_name_{lang}", "town"):
        assert hostile(field) in title.text()
    legend = parse(boxes["Legend"].html)
    no_markup(legend, "legend")
    assert hostile(f"project_name_{lang}") in legend.text()
    info = parse(boxes["Info"].html)
    no_markup(info, "info")
    assert hostile("attribution") in info.text()
    assert hostile("as_of") in info.text()
    # the 市全域 box (a town filter keeps the city-wide measures)
    m = build_map(evil, Filter(towns=(hostile("town"),)), ExportOptions(lang=lang))
    box = parse(next(x for x in m._children.values() if x._name == "CityWide").html)
    no_markup(box, "city-wide box")
    assert hostile(f"city_wide_measure_name_{lang}") in box.text()


# -- the app's card ----------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_the_app_card_shows_every_data_field_as_text(evil: Dataset, lang: Lang) -> None:
    card = c.details(evil, PLACE, Filter(), {PLACE}, translator(lang))
    # only plain html components: their string children are React text nodes, and none of them
    # takes markup (no dcc.Markdown, no iframe srcDoc, no dangerously_allow_html)
    for component in walk(card):
        assert type(component).__module__.startswith("dash.html"), type(component)
        assert not isinstance(component, html.Iframe | html.Script | html.ObjectEl | html.Embed)
    assert_text("\n".join(strings(card)), lang, "app card")
    links = [x.href for x in walk(card) if isinstance(x, html.A)]
    assert links == []  # the hostile reference is not an http(s) URL: shown, never linked
