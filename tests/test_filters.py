"""The one filter used by the map, the coverage tables and the export."""

from __future__ import annotations

import pytest

from soja_map.data.dataset import Dataset
from soja_map.errors import CatalogueError
from soja_map.i18n import translator
from soja_map.query.filters import (
    Filter,
    counts,
    describe_filter,
    mask,
    measures_for_place,
    normalise_text,
    search,
    select,
)


def ids(frame) -> set[str]:  # type: ignore[no-untyped-def]
    return set(frame.index)


def test_default_filter_keeps_everything(dataset: Dataset) -> None:
    assert mask(dataset.places, Filter()).all()


def test_projects_keep_places_serving_any_chosen_project(dataset: Dataset) -> None:
    uruou = select(dataset.places, Filter(projects=("uruou",)))
    assert set(uruou["category"]) == {"heritage_site", "tourism_site", "park", "industrial_site"}
    none = select(dataset.places, Filter(projects=()))
    assert none.empty
    both = select(dataset.places, Filter(projects=("uruou", "tsuchikau")))
    assert len(both) == len(uruou) + 33  # the three city offices and 30 community centres


def test_measure_and_policy(dataset: Dataset) -> None:
    business = select(dataset.places, Filter(measures=("uruou.business-attraction",)))
    assert set(business["category"]) == {"industrial_site"}
    assert len(business) == 3
    hometown = select(dataset.places, Filter(policies=("hagukumu.policy.hometown",)))
    assert ids(business).isdisjoint(ids(hometown))
    assert "heritage-site.tsukuriyama-kofun" in ids(hometown)


def test_category_town_and_text(dataset: Dataset) -> None:
    assert len(select(dataset.places, Filter(categories=("rail_station",)))) == 15
    kamibayashi = select(dataset.places, Filter(towns=("上林",)))
    assert {"備中国分寺", "こうもり塚古墳", "備中国分尼寺跡", "吉備路文化館"} <= set(
        kamibayashi["name_ja"]
    )
    # the station at Soja has no address: its town comes from the nearest town point
    assert dataset.places.at["station.soja", "town_area"] is not None
    found = select(dataset.places, Filter(text="ｺｳﾓﾘ"))
    assert list(found["name_ja"]) == ["こうもり塚古墳"]


def test_city_wide_items_can_be_excluded(dataset: Dataset) -> None:
    transport = Filter(measures=("sasaeru.new-life-transport",))
    assert "transport.sesshu-kun" in ids(select(dataset.places, transport))
    only_located = Filter(measures=("sasaeru.new-life-transport",), include_city_wide=False)
    assert "transport.sesshu-kun" not in ids(select(dataset.places, only_located))


def test_counts_follow_the_filter(dataset: Dataset) -> None:
    c = counts(select(dataset.places, Filter(projects=("tsuchikau",))), dataset.plan)
    assert c.by_project == {"sasaeru": 3, "hagukumu": 0, "uruou": 0, "tsuchikau": 33}
    assert c.by_category == {"city_office": 3, "community_centre": 30}
    assert c.total == c.located == 33


def test_search_is_width_and_kana_insensitive_and_ranked(dataset: Dataset) -> None:
    assert normalise_text("ｿｳｼﾞｬ　駅") == normalise_text("そうじゃ駅")
    hits = search(dataset.places, "総社駅")
    assert hits[0].id == "station.soja"
    assert hits[0].score == 0
    assert search(dataset.places, "  ") == []
    # the English name first; places whose name reads kokubunji (…国分寺前) after it
    assert search(dataset.places, "KOKUBUNJI")[0].id == "heritage-site.bitchu-kokubunji-temple"


def test_place_to_plan(dataset: Dataset) -> None:
    rows = measures_for_place(dataset.places, "city-office.soja-city-hall", dataset.plan)
    assert [(r["project"], r["policy"], r["measure"]) for r in rows] == [
        ("sasaeru", "sasaeru.policy.multicultural", "sasaeru.foreign-residents"),
        ("tsuchikau", "tsuchikau.policy.staff", "tsuchikau.hr-evaluation"),
        ("tsuchikau", "tsuchikau.policy.staff", "tsuchikau.training"),
    ]


def test_round_trip_and_description(dataset: Dataset) -> None:
    flt = Filter(
        projects=("hagukumu",),
        measures=("hagukumu.family-community",),
        towns=("秦",),
        text="クラブ",
    )
    assert Filter.from_dict(flt.to_dict()) == flt
    assert Filter.from_dict(None) == Filter()
    assert describe_filter(flt, dataset.plan, translator("ja")) == (
        "重点プロジェクト: はぐくむ / 施策: 子どもと家族のための地域づくりの推進 / 町域: 秦 / 検索: クラブ"
    )
    assert describe_filter(Filter(), dataset.plan, translator("en")) == "All places"
    with pytest.raises(CatalogueError, match="nope"):
        Filter(projects=("nope",)).check(dataset.plan)
