"""What a resident reads is written for residents: no working notes, file names or English prose in
the Japanese text of any place, any site of the safety layer or any layer's notes (both languages).
Technical provenance (source.reference, internal_note) is exempt: it is shown only in a details
disclosure, never as the public text."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pandas as pd
import pytest

from soja_map.data.dataset import Dataset
from tests.conftest import GEODATA

# working notes, file names and markup that must not reach the public, in any language
WORKING_NOTE = re.compile(
    r"TODO|FIXME|not verified|unverified|replace|unlocated|`|"
    r"\.(?:csv|geojson|json|md|py)\b|\.\./|shared/data",
    re.IGNORECASE,
)
# two or more lowercase English words in a row: English prose in a Japanese field
# (names such as "CC BY 4.0", "TEL", "JR", "N02" are capitals or digits and pass)
ENGLISH_PROSE = re.compile(r"\b[a-z]{2,}(?:[\s,;:]+[a-z]{2,})+\b")

JA_FIELDS = (
    "name_ja",
    "description",
    "address",
    "licence",
    "as_of_note",
    "position_note",
    "attribution",
)
JA_SOURCE_FIELDS = ("publisher", "dataset", "via")


def _facts_texts(facts: Any) -> Iterator[tuple[str, str, str]]:
    """(field, text, language) of every public string in a place's facts."""
    if not isinstance(facts, dict):
        return
    for i, link in enumerate(facts.get("links") or ()):
        yield f"facts.links.{i}.reason_ja", link["reason_ja"], "ja"
        yield f"facts.links.{i}.reason_en", link["reason_en"], "en"
    for rule in facts.get("service_rules") or ():
        yield f"facts.service_rules.{rule['id']}", rule["text_ja"], "ja"
        for source in rule["sources"]:
            yield "facts.service_rules.source.title", source["title"], "ja"
            yield "facts.service_rules.source.publisher", source["publisher"], "ja"
    care = facts.get("childcare") or {}
    for key in ("list_name", "hours"):
        if care.get(key):
            yield f"facts.childcare.{key}", care[key], "ja"
    medical = facts.get("medical") or {}
    for key in ("closed_days",):
        if medical.get(key):
            yield f"facts.medical.{key}", medical[key], "ja"
    for department in medical.get("departments") or ():
        yield "facts.medical.departments", department, "ja"
    shelter = facts.get("shelter") or {}
    if shelter:
        yield "facts.shelter.name_in_source", shelter["name_in_source"], "ja"


def public_strings(row: pd.Series) -> Iterator[tuple[str, str, str]]:
    """(field, text, language) of every string a resident can read about a place."""
    for name in JA_FIELDS:
        value = row.get(name)
        if isinstance(value, str):
            yield name, value, "ja"
    if isinstance(row.get("name_en"), str):
        yield "name_en", row["name_en"], "en"
    source = row.get("source") or {}
    for key in JA_SOURCE_FIELDS:
        if isinstance(source.get(key), str):
            yield f"source.{key}", source[key], "ja"
    yield from _facts_texts(row.get("facts"))


def problems_in(field: str, text: str, lang: str) -> list[str]:
    found = [m.group(0) for m in WORKING_NOTE.finditer(text)]
    if lang == "ja":
        found += [m.group(0) for m in ENGLISH_PROSE.finditer(text)]
    return [f"{field}: {hit!r} in {text[:80]!r}" for hit in found]


def all_rows(dataset: Dataset) -> pd.DataFrame:
    return pd.concat([dataset.places, dataset.references["evacuation_shelter"]])


def test_every_public_string_of_every_place_is_for_the_public(dataset: Dataset) -> None:
    problems = [
        f"{pid} {p}"
        for pid, row in all_rows(dataset).iterrows()
        for field, text, lang in public_strings(row)
        for p in problems_in(field, text, lang)
    ]
    assert problems == []


def test_layer_notes_are_for_the_public(dataset: Dataset) -> None:
    problems = []
    for name, meta in dataset.layers.items():
        texts = [(k, meta.get(k), k[-2:]) for k in ("title_ja", "title_en", "note_ja", "note_en")]
        for category, record in (meta.get("categories") or {}).items():
            texts += [
                (f"{category}.note_ja", record["note_ja"], "ja"),
                (f"{category}.note_en", record["note_en"], "en"),
            ]
        for field, text, lang in texts:
            if isinstance(text, str):
                problems += [f"{name} {p}" for p in problems_in(field, text, lang)]
    hazard = json.loads((GEODATA / "hazard_layers.json").read_text(encoding="utf-8"))
    for key in ("credit_ja", "note_ja", "note_en"):
        problems += problems_in(key, hazard[key], key[-2:])
    assert problems == []


def test_population_sources_read_by_planners_are_for_the_public(dataset: Dataset) -> None:
    """Every coverage output names its population figures (analysis.population.bundled_sources
    reads them from the towns' and the boundary's population_statistic)."""
    frames = [dataset.towns, dataset.references["city_boundary"]]
    statistics = {
        str(attrs["population_statistic"])
        for frame in frames
        for attrs in frame["attributes"]
        if isinstance(attrs, dict) and attrs.get("population_statistic")
    }
    assert len(statistics) >= 3  # the city total, the census small areas, the resident register
    problems = [p for text in sorted(statistics) for p in problems_in("statistic", text, "ja")]
    assert problems == []


def test_sources_that_are_not_the_publishers_own_say_so(dataset: Dataset) -> None:
    places = dataset.places
    for pid in ("medical.7441f6e0", "nursery.c0b915d9", "line.kibi-line"):
        assert places.loc[pid, "source"]["kind"] == "secondary", pid
    assert "kind" not in places.loc["school.es.soja", "source"]


@pytest.mark.parametrize(
    ("field", "text"),
    [
        ("licence", "unclear: licence not verified"),
        ("position_note", "replace with KSJ N02 RailroadSection when online"),
        ("description", "see unlocated.csv for the rest"),
        ("description", "```markdown fence```"),
        ("description", "same as above"),
        ("name_ja", "blog quoting ja.wikipedia"),
    ],
)
def test_the_scan_catches_working_notes(field: str, text: str) -> None:
    assert problems_in(field, text, "ja")


def test_the_scan_passes_plain_public_text() -> None:
    for text in (
        "市役所所在地 〒719-1192 岡山県総社市中央一丁目1番1号。TEL 0866-92-8200（代表）。",
        "Geolonia 住所データ (CC BY 4.0) — 原典: 国土交通省 位置参照情報",
        "国土数値情報 鉄道 (N02) 2020年版 駅",
    ):
        assert problems_in("description", text, "ja") == []
