"""The shareable state and its URL: every link round-trips, and odd links still open the map."""

from __future__ import annotations

import pytest

from soja_map.data.dataset import Dataset
from soja_map.query.filters import Filter
from soja_map.web.state import (
    DEFAULT_REFERENCES,
    AppState,
    current_state,
    encode_search,
    parse_search,
    view_of,
)

STATES = [
    AppState(),
    AppState(filter=Filter(projects=())),
    AppState(filter=Filter(projects=("hagukumu", "uruou"), categories=("school",))),
    AppState(
        filter=Filter(
            policies=("hagukumu.policy.hometown",),
            measures=("uruou.business-attraction", "sasaeru.disability"),
            towns=("中央一丁目",),
            text="総社 駅&?=#",
        ),
        place="station.soja",
        lat=34.67,
        lon=133.74561,
        zoom=15,
        near=(34.68, 133.7),
        references=("towns", "elementary"),
        basemap="osm",
        view="nearby",
        lang="en",
    ),
    AppState(references=(), view="planner", basemap="none"),
    AppState(shelters="flood", view="nearby"),
    AppState(shelters="all"),
]


@pytest.mark.parametrize("state", STATES)
def test_every_state_round_trips_through_its_url(dataset: Dataset, state: AppState) -> None:
    search = encode_search(state)
    again = parse_search(search, dataset.plan, place_ids=dataset.places.index)
    assert again == state
    assert encode_search(again) == search


def test_the_default_state_is_the_bare_url(dataset: Dataset) -> None:
    assert encode_search(AppState()) == ""
    assert parse_search("", dataset.plan) == AppState()
    assert parse_search(None, dataset.plan) == AppState()


def test_urls_are_readable_and_japanese_is_percent_encoded(dataset: Dataset) -> None:
    state = AppState(
        filter=Filter(projects=("sasaeru",), text="総社"), lat=34.6, lon=133.7, zoom=12
    )
    assert (
        encode_search(state)
        == "?projects=sasaeru&q=%E7%B7%8F%E7%A4%BE&lat=34.60000&lon=133.70000&z=12"
    )


def test_odd_links_still_open_the_map(dataset: Dataset) -> None:
    plan = dataset.plan
    state = parse_search(
        "?projects=sasaeru,nope&measures=x.y,uruou.business-attraction&categories=dragon"
        "&place=no-such-place&lat=north&lon=133.7&z=12&near=1,2,3&layers=towns,clouds"
        "&base=moon&view=everything&lang=fr",
        plan,
        place_ids=dataset.places.index,
    )
    assert state.filter == Filter(projects=("sasaeru",), measures=("uruou.business-attraction",))
    assert state.place is None
    assert not state.has_view  # one of lat/lon/z is bad: no view at all
    assert state.near is None
    assert state.references == ("towns",)
    assert state.basemap is None
    assert state.view == "filter"
    assert state.lang == "ja"


def test_projects_listing_all_four_means_no_project_filter(dataset: Dataset) -> None:
    everything = ",".join(p.id for p in dataset.plan.projects)
    assert parse_search(f"?projects={everything}", dataset.plan).filter.projects is None
    assert parse_search("?projects=", dataset.plan).filter.projects == ()


def test_zoom_and_coordinates_are_bounded(dataset: Dataset) -> None:
    assert not parse_search("?lat=34.6&lon=133.7&z=40", dataset.plan).has_view
    assert not parse_search("?lat=134&lon=133.7&z=12", dataset.plan).has_view
    assert parse_search("?lat=34.6&lon=133.7&z=12.4", dataset.plan).zoom == 12


def test_the_language_of_the_link_wins_over_the_default(dataset: Dataset) -> None:
    assert parse_search("", dataset.plan, lang="en").lang == "en"
    assert parse_search("?lang=ja", dataset.plan, lang="en").lang == "ja"
    assert encode_search(AppState(lang="en"), lang="en") == ""
    assert encode_search(AppState(lang="ja"), lang="en") == "?lang=ja"


def test_current_state_reads_the_stores() -> None:
    state = current_state(
        filter_data=Filter(projects=("uruou",)).to_dict(),
        place="station.soja",
        view_store={"center": [34.7, 133.7], "zoom": 13.0, "bounds": None},
        near={"lat": 34.68, "lon": 133.71, "label": "x"},
        references=["rail", "boundary"],
        basemap="gsi-std",
        view="list",
        lang="en",
    )
    assert state == AppState(
        filter=Filter(projects=("uruou",)),
        place="station.soja",
        lat=34.7,
        lon=133.7,
        zoom=13,
        near=(34.68, 133.71),
        references=DEFAULT_REFERENCES,
        basemap="gsi-std",
        view="list",
        lang="en",
    )
    empty = current_state(
        filter_data=None,
        place="",
        view_store={"center": [34.7, 133.7], "zoom": None, "bounds": [[1, 2], [3, 4]]},
        near=None,
        references=None,
        basemap="not-a-basemap",
        view=None,
        lang=None,
    )
    assert empty == AppState(references=())


def test_view_of_a_store() -> None:
    assert view_of(None) == (None, None, None)
    assert view_of({"center": [34.5, 133.5], "zoom": 11.6}) == (34.5, 133.5, 12)


def test_the_shelter_layer_is_in_the_link_and_odd_choices_are_dropped(dataset: Dataset) -> None:
    assert encode_search(AppState(shelters="shelter")) == "?shelters=shelter"
    assert parse_search("?shelters=flood", dataset.plan).shelters == "flood"
    assert parse_search("?shelters=<script>", dataset.plan).shelters is None
    assert parse_search("?shelters=", dataset.plan).shelters is None
