"""2SFCA on the hand-computable square city (tests/coverage_layouts.py).

Cells SW 10, SE 20, NW 30, NE 40 people; centres 500 m apart along the sides, 707 m on the diagonal.
A nursery at the SW centre with 6 places and one at the NE centre with 4, radius 500 m:

    step 1: SW reaches SW, SE, NW = 60 people -> 6/60 = 0.1; NE reaches NE, SE, NW = 90 -> 4/90
    step 2: SW 100, SE = NW = 100 + 44.4, NE 44.4 places per 1,000
    city: (10*100 + 50*144.4 + 40*44.4) / 100 = 100 = (6 + 4) / 100 people * 1,000 (supply conserved)
"""

from __future__ import annotations

import numpy as np
import pytest

from soja_map.analysis.access import reach_matrix, two_step_fca
from soja_map.errors import ConfigError
from tests import coverage_layouts as lay

B = 4 / 90 * 1000


@pytest.fixture(scope="module")
def ctx():
    return lay.context()


@pytest.fixture(scope="module")
def result(ctx):
    fac = lay.facilities(A=lay.CENTRES["SW"], B=lay.CENTRES["NE"])
    return two_step_fca(ctx, fac, [6, 4], 500, enrolled=[9, None])


def _by_town(ctx, result):
    names = list(ctx.zone_names("town"))
    return dict(zip(names, result.table("town")["access_per_1000"], strict=True))


def test_step_one_ratio_is_capacity_over_people_in_reach(result):
    assert result.facilities.loc["A", "demand_in_reach"] == 60
    assert result.facilities.loc["B", "demand_in_reach"] == 90
    assert result.facilities.loc["A", "places_per_1000"] == pytest.approx(100)
    assert result.facilities.loc["B", "places_per_1000"] == pytest.approx(B)


def test_step_two_sums_the_ratios_in_reach_of_each_cell(ctx, result):
    towns = _by_town(ctx, result)
    assert towns["SW"] == pytest.approx(100)
    assert towns["SE"] == pytest.approx(100 + B)
    assert towns["NW"] == pytest.approx(100 + B)
    assert towns["NE"] == pytest.approx(B)


def test_zones_are_population_weighted_and_the_city_conserves_supply(result):
    west = result.table("elementary").loc["West ES"]
    assert west["access_per_1000"] == pytest.approx((10 * 100 + 30 * (100 + B)) / 40)
    assert result.city_index == pytest.approx(100)
    assert result.table("city")["reached_share"].iloc[0] == 1.0


def test_utilisation_only_where_both_numbers_are_stated(result):
    assert result.facilities.loc["A", "utilisation"] == pytest.approx(1.5)
    assert np.isnan(result.facilities.loc["B", "utilisation"])


def test_unknown_capacity_is_left_out_and_listed(ctx):
    fac = lay.facilities(A=lay.CENTRES["SW"], B=lay.CENTRES["NE"])
    result = two_step_fca(ctx, fac, [6, None], 500)
    assert result.no_capacity == ("B",)
    assert _by_town(ctx, result)["NE"] == 0
    assert result.table("city")["reached_share"].iloc[0] == pytest.approx(0.6)


def test_nobody_in_reach_adds_nothing(ctx):
    far = lay.facilities(F=(5000.0, 5000.0))
    result = two_step_fca(ctx, far, [10], 500)
    assert result.city_index == 0
    assert np.isnan(result.facilities.loc["F", "places_per_1000"])


def test_reach_counts_a_cell_at_exactly_the_radius(ctx):
    fac = lay.facilities(A=lay.CENTRES["SW"])
    assert reach_matrix(ctx.grid.xy, fac, 500).sum() == 3
    assert reach_matrix(ctx.grid.xy, fac, 499).sum() == 1


def test_radius_is_checked(ctx):
    with pytest.raises(ConfigError, match="radius"):
        two_step_fca(ctx, lay.facilities(A=lay.CENTRES["SW"]), [1], -5)
