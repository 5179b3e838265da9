"""Generated place sets (random points inside the city) for benchmarks and browser tests."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from soja_map.data.dataset import Dataset, add_derived_columns
from soja_map.data.schema import CATEGORIES, GEOGRAPHIC_CRS, POINT

KATAKANA_WORDS = ("テスト", "サンプル", "ミドリ", "ソウジャ", "キビ")


def _points_inside(base: Dataset, n: int, rng: np.random.Generator) -> np.ndarray:
    area = base.boundary if base.boundary is not None else shapely.box(*base.located.total_bounds)
    west, south, east, north = area.bounds
    xs: list[np.ndarray] = []
    ys: list[np.ndarray] = []
    found = 0
    while found < n:
        x = rng.uniform(west, east, n * 2)
        y = rng.uniform(south, north, n * 2)
        inside = shapely.contains_xy(area, x, y)
        xs.append(x[inside])
        ys.append(y[inside])
        found += int(inside.sum())
    return np.asarray(shapely.points(np.concatenate(xs)[:n], np.concatenate(ys)[:n]))


def synthetic_dataset(
    base: Dataset, n: int, *, seed: int = 0, names: Sequence[str] = ()
) -> Dataset:
    """``base`` with its located places replaced by ``n`` generated points inside the city.

    Categories are the point categories the plan links measures to; about a third of the places
    also serve a second, random measure (so they belong to two projects). ``names`` replace the
    first generated names (e.g. hostile strings for escaping tests). The city-wide items of
    ``base`` are kept.
    """
    rng = np.random.default_rng(seed)
    plan = base.plan
    linked = [
        c
        for c, measures in plan.default_measures.items()
        # stations are few in any real city: a generated set of them would be unrealistic
        if POINT in CATEGORIES[c].geometry_types and measures and c != "rail_station"
    ]
    all_measures = list(plan.measures)
    categories = rng.choice(np.array(linked, dtype=object), n)
    extra = rng.random(n) < 0.35
    extra_measure = rng.choice(np.array(all_measures, dtype=object), n)
    accuracy = rng.choice(np.array(["surveyed", "address_town", "approximate"], dtype=object), n)
    rows = []
    for i in range(n):
        category = str(categories[i])
        measures = list(plan.default_measures[category])
        if extra[i] and extra_measure[i] not in measures:
            measures.append(str(extra_measure[i]))
        label = CATEGORIES[category].label_ja
        name = names[i] if i < len(names) else f"{KATAKANA_WORDS[i % 5]}{label}{i}"
        rows.append(
            {
                "id": f"synthetic.{i:06d}",
                "name_ja": name,
                "name_en": f"Test {CATEGORIES[category].label_en} {i}" if i % 3 else None,
                "category": category,
                "measures": tuple(measures),
                "address": f"総社市テスト{i % 97}番地",
                "description": "generated for tests and benchmarks",
                "source": {"publisher": "soja-map", "dataset": "synthetic", "reference": "none"},
                "licence": "CC0",
                "as_of": "2025-01-01",
                "as_of_note": None,
                "position_accuracy": str(accuracy[i]),
                "position_note": None,
                "scope": "site",
                "town": None,
                "attribution": None,
                "attributes": {},
                "layer": "synthetic",
            }
        )
    frame = pd.DataFrame(rows, dtype=object)
    frame["projects"] = [tuple(plan.projects_for(m)) for m in frame["measures"]]
    frame["policies"] = [tuple(plan.policies_for(m)) for m in frame["measures"]]
    generated = gpd.GeoDataFrame(
        frame, geometry=gpd.GeoSeries(_points_inside(base, n, rng), crs=GEOGRAPHIC_CRS)
    ).set_index("id", drop=False)
    generated.index.name = None
    generated = add_derived_columns(generated, base.towns, base.boundary)
    city_wide = base.city_wide
    places = pd.concat([generated, city_wide[generated.columns]]) if len(city_wide) else generated
    return replace(base, places=gpd.GeoDataFrame(places, geometry="geometry", crs=GEOGRAPHIC_CRS))
