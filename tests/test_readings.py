"""Readings for search: the city's own names read right, checked against the data's English names."""

from __future__ import annotations

import re
import unicodedata

import pytest

from soja_map.data import readings
from soja_map.data.dataset import Dataset
from soja_map.query.filters import normalise_text, search

# words of an English name that translate rather than spell the Japanese (Soja *Station*)
GENERIC = re.compile(
    r"\b(station|elementary|junior|high|school|district|kofun|temple|shrine|gorge|fortress|"
    r"visitor|center|branch|office|city|hall|line|main|shinkansen)\b.*$",
    re.IGNORECASE,
)


def spelled(name_en: str) -> str:
    """The romaji part of an English name: 'Bitchu-Kureha Station' -> 'bitchukureha'."""
    text = unicodedata.normalize("NFKD", name_en.split("(", maxsplit=1)[0])
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return re.sub(r"[^a-z]", "", GENERIC.sub("", text).lower())


def named_places(dataset: Dataset) -> list[tuple[str, str]]:
    places = dataset.places
    out = []
    for ja, en in zip(places["name_ja"], places["name_en"], strict=True):
        if isinstance(en, str) and en and not en.startswith("Site of") and "-no-" not in en:
            out.append((ja, en))
    return out


def test_the_citys_own_names_are_read_right() -> None:
    assert readings.hiragana("総社") == "そうじゃ"
    assert readings.plain_romaji("総社") == "soja"
    assert readings.romaji_title("総社") == "Soja"
    assert readings.hiragana("総社駅") == "そうじゃえき"
    assert readings.hiragana("鬼ノ城") == "きのじょう"
    assert readings.hiragana("雪舟くん") == "せっしゅうくん"
    assert readings.hiragana("備中国分寺") == "びっちゅうこくぶんじ"


def test_readings_agree_with_the_english_names_the_data_gives(dataset: Dataset) -> None:
    pairs = named_places(dataset)
    assert len(pairs) >= 36  # a few dozen real names
    wrong = [
        (ja, en, readings.plain_romaji(ja))
        for ja, en in pairs
        if not re.sub(r"[^a-z]", "", readings.plain_romaji(ja.split("(")[0])).startswith(
            spelled(en)
        )
    ]
    assert wrong == []


@pytest.mark.parametrize(
    ("typed", "finds"),
    [
        ("そうじゃえき", "総社駅"),
        ("ソウジャエキ", "総社駅"),
        ("ｿｳｼﾞｬｴｷ", "総社駅"),
        ("soja eki", "総社駅"),
        ("きのじょう", "鬼ノ城 (史跡 鬼城山)"),
        ("こくぶんじ", "備中国分寺"),
        ("せっしゅうくん", "雪舟くん（総社市新生活交通）"),
        ("kiyone", "清音駅"),
    ],
)
def test_search_by_reading_finds_the_place(dataset: Dataset, typed: str, finds: str) -> None:
    hits = [dataset.places.at[h.id, "name_ja"] for h in search(dataset.places, typed)]
    assert finds in hits


@pytest.mark.parametrize(
    ("word", "category"),
    [("ほいくえん", "nursery"), ("えき", "rail_station"), ("がっこう", "school")],
)
def test_a_category_word_finds_every_place_of_its_category(
    dataset: Dataset, word: str, category: str
) -> None:
    places = dataset.places
    hits = {h.id for h in search(places, word, limit=len(places))}
    of_category = set(places.index[places["category"] == category])
    assert of_category
    assert of_category <= hits


def test_the_search_key_holds_normalised_readings(dataset: Dataset) -> None:
    key = dataset.places.loc["station.soja", "search_key"]
    assert normalise_text("そうじゃえき") in key
    assert "sojaeki" in key
