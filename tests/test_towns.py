"""Offline address matching to 大字/町丁目 representative points."""

from __future__ import annotations

import pytest

from soja_map.data.dataset import Dataset
from soja_map.data.towns import TownIndex, kanji_number, normalise


@pytest.fixture(scope="module")
def index(dataset: Dataset) -> TownIndex:
    return dataset.town_index()


@pytest.mark.parametrize(
    ("address", "town"),
    [
        ("〒719-1192 岡山県総社市中央一丁目1番1号", "中央一丁目"),
        ("総社市中央６－８－１０９", "中央六丁目"),  # full-width digits and dash
        ("総社市中央6丁目8-109", "中央六丁目"),
        ("総社市総社2-18-1", "総社二丁目"),  # 2-18-1 means 二丁目18-1
        ("総社市総社1234", "総社"),  # the 大字 総社 without 丁目
        ("総社市 大字 井尻野 1968", "井尻野"),
        ("岡山県総社市清音軽部1135", "清音軽部"),  # longest name wins over shorter prefixes
        ("総社市駅前1－10－1", "駅前一丁目"),
        ("総社市黒尾・奥坂", "黒尾"),
        ("総社市井手出張123", "井手 出張"),  # a 小字 point
    ],
)
def test_matches(index: TownIndex, address: str, town: str) -> None:
    match = index.match(address)
    assert match.town is not None, match.reason
    assert match.town.label == town


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("倉敷市中庄1", "not in 総社市"),
        ("総社市中央", "does not say which"),
        ("総社市中央7丁目1", "not a known 町丁目"),
        ("総社市どこか1", "no 大字/町丁目"),
        ("", "no address"),
        (None, "no address"),
    ],
)
def test_unmatched_addresses_say_why(index: TownIndex, address: str | None, reason: str) -> None:
    match = index.match(address)
    assert match.town is None
    assert reason in match.reason


def test_helpers() -> None:
    assert kanji_number("六") == 6
    assert kanji_number("十二") == 12
    assert kanji_number("12") == 12
    assert normalise("〒719-1131 岡山県総社市中央１ー２") == "中央1-2"
