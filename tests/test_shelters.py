"""The shelter layer's one rule (query.shelters) and "where do I go in a flood?" (query.nearby).

The expected sets are read from the GeoJSON files themselves (every feature's ``facts.shelter``),
not from the code under test.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest
from pyproj import Geod

from soja_map.config import Settings
from soja_map.data.dataset import Dataset
from soja_map.data.facts import Hazard
from soja_map.query import shelters
from soja_map.query.nearby import nearest_shelters


def designated(settings: Settings) -> dict[str, dict]:
    """id -> facts.shelter for every feature of every geodata layer that has one."""
    out: dict[str, dict] = {}
    for path in Path(settings.geodata_dir).glob("*.geojson"):
        for feature in json.loads(path.read_text(encoding="utf-8")).get("features", []):
            props = feature.get("properties") or {}
            shelter = (props.get("facts") or {}).get("shelter")
            if shelter and feature.get("geometry"):
                out[props["id"]] = shelter
    return out


def test_every_designated_site_is_in_the_layer_once(dataset: Dataset, settings: Settings) -> None:
    expected = designated(settings)
    frame = shelters.sites(dataset)
    assert sorted(frame.index) == sorted(expected)
    assert frame.index.is_unique
    # a school with a shelter role is the school itself (one place), not a second site
    assert set(frame.index[~frame["shelter_only"]]) <= set(dataset.places.index)
    assert set(frame.index[frame["shelter_only"]]).isdisjoint(dataset.places.index)
    assert (frame["category"][~frame["shelter_only"]] != "evacuation_shelter").all()


@pytest.mark.parametrize("hazard", list(Hazard))
def test_a_hazard_choice_shows_exactly_the_sites_designated_for_it(
    dataset: Dataset, settings: Settings, hazard: Hazard
) -> None:
    expected = {
        pid
        for pid, s in designated(settings).items()
        if s["emergency_site"] and hazard.value in s["emergency_site_hazards"]
    }
    assert set(shelters.site_ids(dataset, hazard.value)) == expected


def test_the_shelter_choice_and_all(dataset: Dataset, settings: Settings) -> None:
    sites = designated(settings)
    assert set(shelters.site_ids(dataset, "shelter")) == {
        pid for pid, s in sites.items() if s["evacuation_shelter"]
    }
    assert set(shelters.site_ids(dataset, "all")) == set(sites)
    # an unknown choice (a hand-edited URL) shows everything rather than failing
    assert shelters.site_ids(dataset, "<script>") == shelters.site_ids(dataset, "all")


def test_only_hazards_with_sites_are_offered(dataset: Dataset, settings: Settings) -> None:
    sites = designated(settings)
    used = {h for s in sites.values() for h in s["emergency_site_hazards"]}
    offered = shelters.offered(shelters.sites(dataset))
    assert offered[:2] == ["all", "shelter"]
    assert set(offered[2:]) == used
    assert "flood" in offered  # Soja designates sites for floods
    counts = shelters.counts(shelters.sites(dataset))
    assert counts["flood"] == sum("flood" in s["emergency_site_hazards"] for s in sites.values())


EKIMAE = "駅前一丁目"


def _town_point(dataset: Dataset, name: str) -> tuple[float, float]:
    point = dataset.towns[dataset.towns["name_ja"] == name].geometry.iloc[0]
    return float(point.x), float(point.y)


def test_the_nearest_site_for_each_hazard_is_the_nearest(dataset: Dataset) -> None:
    lon, lat = _town_point(dataset, EKIMAE)
    frame = shelters.sites(dataset)
    nearest = nearest_shelters(frame, lon, lat)
    assert list(nearest.index) == [
        c for c in shelters.offered(frame) if c != "all"
    ]  # 指定避難所 first, then hazards in order, each with at least one site
    geod = Geod(ellps="GRS80")
    for choice, row in nearest.iterrows():
        chosen = shelters.select(frame, str(choice))
        metres = {
            pid: geod.inv(lon, lat, g.x, g.y)[2]
            for pid, g in zip(chosen.index, chosen.geometry, strict=True)
        }
        best = min(metres, key=metres.__getitem__)
        assert row["place_id"] == best, choice
        assert row["distance_m"] == pytest.approx(metres[best], rel=0.01, abs=2)
        # minutes at 80 m/min, rounded up
        assert row["walk_minutes"] * 80 >= row["distance_m"] > (row["walk_minutes"] - 1) * 80
    # the site for floods is not simply the nearest site: it is designated for floods
    flood = nearest.loc["flood", "place_id"]
    assert "flood" in [h.value for h in frame.loc[flood, "hazards"]]


def test_no_site_gives_no_rows(dataset: Dataset) -> None:
    empty = shelters.sites(dataset).iloc[0:0]
    assert nearest_shelters(empty, 133.7, 34.67).empty


def test_data_without_facts_has_no_sites(dataset: Dataset) -> None:
    bare = dataclasses.replace(
        dataset, places=dataset.places.drop(columns=["facts"]), references={}
    )
    assert shelters.sites(bare).empty
    assert shelters.counts(shelters.sites(bare))["flood"] == 0
