"""The shareable state and its URL: every link round-trips, and odd links still open the map."""

from __future__ import annotations

from pathlib import Path

import pytest

from soja_map.analysis.presets import DEFAULT_PRESET, PRESETS
from soja_map.data.dataset import Dataset
from soja_map.query.filters import Filter
from soja_map.web.planner.link import (
    MAX_NAME,
    MAX_SCENARIOS,
    PlannerLink,
    Scenario,
    link_of,
)
from soja_map.web.planner.model import MAX_WHATIF_POINTS
from soja_map.web.state import (
    DEFAULT_REFERENCES,
    PARAMS,
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


# -- the planner's part of the link ----------------------------------------------------------------

NURSERY_A, NURSERY_B = "nursery.c66e3074", "nursery.a4d31b43"
PLANNER_STATES = [
    AppState(view="planner", planner=PlannerLink(source="category:nursery")),
    AppState(
        view="planner",
        lang="en",
        planner=PlannerLink(
            source="project:sasaeru",
            preset="custom",
            radius=650.0,
            by="elementary",
            layers=("gaps",),
            added=((133.74, 34.67), (133.712345, 34.654321)),
            removed=(NURSERY_A,),
            scenarios=(
                Scenario("駅前に1か所 ~ 案&A", ((133.75, 34.68),), ()),
                Scenario("B", (), (NURSERY_A, NURSERY_B)),
            ),
            active="駅前に1か所 ~ 案&A",
            vs="B",
        ),
    ),
    AppState(planner=PlannerLink(source="filter", preset="bus_stop", layers=())),
    AppState(
        planner=PlannerLink(source="measure:sasaeru.disability", preset="custom", radius=1200.0)
    ),
]


@pytest.mark.parametrize("state", PLANNER_STATES)
def test_planner_settings_round_trip_through_the_url(dataset: Dataset, state: AppState) -> None:
    search = encode_search(state)
    again = parse_search(search, dataset.plan, place_ids=dataset.places.index)
    assert again == state
    assert encode_search(again) == search


def test_the_planner_link_is_readable(dataset: Dataset) -> None:
    state = AppState(
        view="planner",
        planner=PlannerLink(
            source="category:nursery",
            by="junior_high",
            added=((133.74, 34.67),),
            removed=(NURSERY_A,),
            scenarios=(Scenario("A", ((133.74, 34.67),), (NURSERY_A,)),),
            active="A",
        ),
    )
    assert encode_search(state) == (
        "?view=planner&facilities=category%3Anursery&zones=junior_high&add=133.74,34.67"
        f"&remove={NURSERY_A}&scenario=A~133.74,34.67~{NURSERY_A}&active=A"
    )
    # the first screen's settings write nothing
    assert encode_search(AppState(planner=PlannerLink())) == ""


def test_odd_planner_links_still_open_the_planner(dataset: Dataset) -> None:
    many = ",".join(f"133.{i:03d},34.6" for i in range(MAX_WHATIF_POINTS + 5))
    state = parse_search(
        "?view=planner&facilities=category:dragon&preset=moon&radius=-5&zones=planets"
        f"&planner_layers=gaps,clouds&add={many},north,34,1,999,5&remove={NURSERY_A},no-such,"
        "&scenario=~1,2~&scenario=good~133.7,34.6,133.8~no-such"
        "&scenario=good~~&active=nobody&vs=good",
        dataset.plan,
        place_ids=dataset.places.index,
    )
    link = state.planner
    assert link.source is None
    assert (link.preset, link.radius) == (DEFAULT_PRESET, PRESETS[DEFAULT_PRESET].radius_m)
    assert link.by == "town"
    assert link.layers == ("gaps",)
    assert len(link.added) == MAX_WHATIF_POINTS  # bounded, the bad pairs dropped
    assert link.removed == (NURSERY_A,)
    # the unnamed scenario is dropped, the odd point and the unknown id too; one per name
    assert link.scenarios == (Scenario("good", ((133.7, 34.6),), ()),)
    assert (link.active, link.vs) == (None, "good")


def test_at_most_four_scenarios_and_short_names(dataset: Dataset) -> None:
    long = "長" * (MAX_NAME + 10)
    search = "&".join(f"scenario={n}~~" for n in ("a", "b", "c", "d", "e")) + f"&scenario={long}~~"
    link = parse_search("?" + search, dataset.plan).planner
    assert [s.name for s in link.scenarios] == ["a", "b", "c", "d"]
    assert len(link.scenarios) == MAX_SCENARIOS
    assert parse_search(f"?scenario={long}~~", dataset.plan).planner.scenarios[0].name == (
        "長" * MAX_NAME
    )


def test_a_radius_alone_picks_its_preset_and_a_preset_alone_its_radius(dataset: Dataset) -> None:
    walk = PRESETS["bus_stop"]
    by_radius = parse_search(f"?radius={walk.radius_m:g}", dataset.plan).planner
    assert (by_radius.preset, by_radius.radius) == ("bus_stop", walk.radius_m)
    by_name = parse_search("?preset=bus_stop", dataset.plan).planner
    assert (by_name.preset, by_name.radius) == ("bus_stop", walk.radius_m)
    assert parse_search("?radius=123", dataset.plan).planner.preset == "custom"


def test_current_state_holds_the_planner_link() -> None:
    link = PlannerLink(source="category:nursery", by="elementary")
    state = current_state(
        filter_data=None,
        place=None,
        view_store=None,
        near=None,
        references=list(DEFAULT_REFERENCES),
        basemap=None,
        view="planner",
        lang="ja",
        planner=link,
    )
    assert state.planner == link
    assert encode_search(state) == "?view=planner&facilities=category%3Anursery&zones=elementary"


def test_the_panel_values_become_a_checked_link(dataset: Dataset) -> None:
    link = link_of(
        source="category:nursery",
        preset="elderly",
        radius=None,  # the number box sends None for a value out of range
        by="junior_high",
        layers=["gaps", "choropleth", "nope"],
        whatif={"add": [[133.7, 34.6], ["x", 1], [500, 1]]},
        removed=[NURSERY_B, "<script>"],
        scenarios=[{"name": " A\n", "add": [], "remove": []}, {"name": ""}, "junk"],
        active="A",
        vs="Z",
        plan=dataset.plan,
        known=dataset.places.index,
    )
    assert link == PlannerLink(
        source="category:nursery",
        preset="elderly",
        radius=PRESETS["elderly"].radius_m,
        by="junior_high",
        layers=("choropleth", "gaps"),
        added=((133.7, 34.6),),
        removed=(NURSERY_B,),
        scenarios=(Scenario("A"),),
        active="A",
    )


def test_every_link_parameter_is_documented_in_the_readme() -> None:
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    assert [p for p in PARAMS if f"`{p}" not in readme] == []
