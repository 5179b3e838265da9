"""The card of one place: what the app's details panel and the exported map's popup both show.

``place_card(data, place_id)`` returns data only (ids, both languages of every name, the measures
the place serves with their policy and project, address, source, dates, position accuracy...).
Each face turns it into words with a Translator and into markup of its own (Dash components in
``web/components.py``, a Jinja2 template in ``maps/templates/popup.html``); the small helpers at the
end of this module are the words both faces share. ``tests/test_card_contract.py`` checks that the
two faces show the same fields with the same texts.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from soja_map.data.dataset import Dataset
from soja_map.data.facts import Facts, parse_facts
from soja_map.data.schema import CATEGORIES
from soja_map.i18n import Lang, Translator
from soja_map.query.card_facts import FactRow, fact_rows
from soja_map.query.filters import measures_for_place

_HTTP_URL = re.compile(r"^https?://[^\s\"'<>]+$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Names:
    """A name in both languages (the English one may be unknown)."""

    ja: str
    en: str | None = None

    def pick(self, tr: Translator) -> str:
        return tr.pick(self.ja, self.en)


@dataclass(frozen=True, slots=True)
class CardMeasure:
    """A measure the place serves, with its policy and priority project (plan order)."""

    measure: str
    policy: str
    project: str
    measure_name: Names
    policy_name: Names
    project_name: Names
    colour: str  # the project's colour


@dataclass(frozen=True, slots=True)
class CardSource:
    publisher: str = ""
    dataset: str = ""
    reference: str = ""
    via: str = ""  # the file the data was taken from, where it was passed on

    @property
    def reference_is_link(self) -> bool:
        """Only plain http(s) references become links (never ``javascript:`` and the like)."""
        return bool(_HTTP_URL.match(self.reference))


@dataclass(frozen=True, slots=True)
class PlaceCard:
    id: str
    names: Names
    category: str  # a schema.CATEGORIES key
    city_wide: bool  # no site of its own (null geometry or scope city_wide)
    projects: tuple[str, ...]
    measures: tuple[CardMeasure, ...]
    address: str | None
    town: str | None  # the 大字/町丁目: from the address, else the nearest town point
    description: str
    source: CardSource
    licence: str
    attribution: str | None
    as_of: str | None
    as_of_note: str | None
    position_accuracy: str  # surveyed, address_town or approximate
    position_note: str | None
    attributes: tuple[tuple[str, tuple[str, ...]], ...]  # other facts: key -> value(s) as text
    layer: str
    layer_complete: bool
    layer_note: Names | None  # why the layer is partial, in both languages
    # typed facts (data.facts): shelter role, child care, medical, a service's rules, link reasons
    facts: Facts | None = None
    fact_measures: tuple[tuple[str, Names], ...] = ()  # names of the measures the facts name
    outside_city: bool = False  # 市外: shown (e.g. a station near the border), not the plan's site


SHELTER_ONLY = "evacuation_shelter"  # the reference frame of sites with no other role


def card_frame(data: Dataset, place_id: str | None) -> Any:
    """The frame that holds ``place_id``'s row: the places, or the shelter-only sites (which have a
    card, but no measures); None when neither has it."""
    if not place_id:
        return None
    if place_id in data.places.index:
        return data.places
    sites = data.references.get(SHELTER_ONLY)
    return sites if sites is not None and place_id in sites.index else None


def has_card(data: Dataset, place_id: str | None) -> bool:
    return card_frame(data, place_id) is not None


def place_card(data: Dataset, place_id: str) -> PlaceCard:
    """The card of ``place_id`` (KeyError if the data set has no such place)."""
    frame = card_frame(data, place_id)
    if frame is None:
        raise KeyError(place_id)
    row = frame.loc[place_id]
    plan = data.plan
    links = measures_for_place(data.places, place_id, plan) if frame is data.places else []
    measures = tuple(
        CardMeasure(
            measure=link["measure"],
            policy=link["policy"],
            project=link["project"],
            measure_name=Names(link["measure_ja"], link["measure_en"]),
            policy_name=Names(link["policy_ja"], link["policy_en"]),
            project_name=Names(link["project_ja"], link["project_en"]),
            colour=plan.project(link["project"]).colour,
        )
        for link in links
    )
    source = row["source"] if isinstance(row["source"], Mapping) else {}
    layer = data.layers.get(str(row["layer"]), {})
    return PlaceCard(
        id=str(place_id),
        names=Names(str(row["name_ja"]), _text(row["name_en"])),
        category=str(row["category"]),
        city_wide=row.geometry is None or row["scope"] == "city_wide",
        projects=tuple(row["projects"]),
        measures=measures,
        address=_text(row["address"]),
        town=_text(row.get("town_area", row.get("town"))),
        description=str(row["description"] or ""),
        source=CardSource(**{k: str(source.get(k) or "") for k in CARD_SOURCE_FIELDS}),
        licence=str(row["licence"] or ""),
        attribution=_text(row["attribution"]),
        as_of=_text(row["as_of"]),
        as_of_note=_text(row["as_of_note"]),
        position_accuracy=str(row["position_accuracy"]),
        position_note=_text(row["position_note"]),
        attributes=tuple(
            (str(key), _values(value)) for key, value in (row["attributes"] or {}).items()
        ),
        layer=str(row["layer"]),
        layer_complete=bool(layer.get("complete", True)),
        layer_note=(
            Names(str(layer["note_ja"]), _text(layer.get("note_en")))
            if _text(layer.get("note_ja"))
            else None
        ),
        facts=(facts := parse_facts(_mapping(row.get("facts")))),
        fact_measures=_fact_measures(facts, plan),
        outside_city=row.get("in_city") is False or row.get("in_city") is np.False_,
    )


def _fact_measures(facts: Facts | None, plan: Any) -> tuple[tuple[str, Names], ...]:
    known = plan.measures
    reasons = (facts.links if facts else None) or ()
    ids = dict.fromkeys(m for r in reasons for m in r.measures)
    return tuple(
        (m, Names(known[m].name_ja, known[m].name_en) if m in known else Names(m)) for m in ids
    )


CARD_SOURCE_FIELDS = ("publisher", "dataset", "reference", "via")


def _mapping(value: Any) -> Mapping[str, Any] | None:
    return value if isinstance(value, Mapping) and value else None


def _text(value: Any) -> str | None:
    return str(value) if isinstance(value, str) and value else None


def _values(value: Any) -> tuple[str, ...]:
    """An attribute value as text: a list gives one text per item, anything else one text."""
    items = value if isinstance(value, list | tuple) else [value]
    return tuple(
        item if isinstance(item, str) else json.dumps(item, ensure_ascii=False) for item in items
    )


# -- the words both faces use ------------------------------------------------------------------


def title(card: PlaceCard, tr: Translator) -> str:
    """The place's name: English in English where known, else Japanese."""
    return card.names.pick(tr)


def other_name(card: PlaceCard, tr: Translator) -> tuple[Lang, str] | None:
    """The name in the other language and that language (its label is ``name_<lang>``), if known
    and different from the title."""
    shown = title(card, tr)
    if shown != card.names.ja:
        return "ja", card.names.ja
    if card.names.en and card.names.en != shown:
        return "en", card.names.en
    return None


def category_label(card: PlaceCard, tr: Translator) -> str:
    category = CATEGORIES[card.category]
    return tr.pick(category.label_ja, category.label_en)


def source_line(card: PlaceCard) -> str:
    """Publisher and data set, as one line."""
    return " / ".join(v for v in (card.source.publisher, card.source.dataset) if v)


def as_of_text(card: PlaceCard, tr: Translator) -> str:
    return card.as_of or tr("undated")


def position_text(card: PlaceCard, tr: Translator) -> str:
    if card.city_wide:
        return tr("city_wide")
    return tr(f"pos_{card.position_accuracy}")


def attribute_text(key: str, values: tuple[str, ...], tr: Translator) -> str:
    return tr("card_attribute", key=key, value=tr.join(values))


def layer_note(card: PlaceCard, tr: Translator) -> str | None:
    """ "This layer is incomplete" (and why), for places of a partial layer."""
    if card.layer_complete:
        return None
    note = card.layer_note.pick(tr) if card.layer_note else None
    return f"{tr('layer_partial')} {note}" if note else tr("layer_partial")


def facts(card: PlaceCard, tr: Translator) -> list[FactRow]:
    """The card's facts rows (shelter role, child care, medical, rules, why it serves its measures)."""
    names = dict(card.fact_measures)
    return fact_rows(card.facts, lambda m: names[m].pick(tr) if m in names else m, tr)
