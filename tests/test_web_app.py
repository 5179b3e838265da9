"""create_app: routes, the page for any state, every callback's ids present, app.py's refusal."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

import brotli
import pytest
from dash import Dash
from plotly.utils import PlotlyJSONEncoder

from soja_map.config import Settings
from soja_map.data.dataset import Dataset
from soja_map.i18n import translator
from soja_map.web import ids
from soja_map.web.app import create_app
from soja_map.web.callbacks.page import state_of
from soja_map.web.context import build_context
from soja_map.web.layout import page, shell
from soja_map.web.planner import ids as planner_ids
from soja_map.web.shelters import shelter_layer

REPO = Path(__file__).resolve().parents[1]
STORES = {
    ids.FILTER_STORE,
    ids.VIEW_STORE,
    ids.LANG_STORE,
    ids.SELECTED_STORE,
    ids.NEAR_STORE,
    ids.GEO_STORE,
    ids.PLACES_SRC,
    ids.URL_TARGET,
    ids.LIST_PAGE,
}


@pytest.fixture(scope="module")
def app(settings: Settings, dataset: Dataset) -> Dash:
    return create_app(settings, dataset)


def ids_in(component: Any) -> set[str]:
    found: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, list | tuple):
            for item in node:
                walk(item)
            return
        if not hasattr(node, "to_plotly_json"):
            return
        ident = getattr(node, "id", None)
        if isinstance(ident, str):
            found.add(ident)
        elif isinstance(ident, dict):
            found.add(f"type={ident.get('type')}")
        for prop in ("children", "label"):
            walk(getattr(node, prop, None))
        for option in getattr(node, "options", None) or []:
            if isinstance(option, dict):
                walk(option.get("label"))

    walk(component)
    return found


def callback_ids(app: Dash) -> set[str]:
    wanted: set[str] = set()
    for callback in app._callback_list:
        output = "" if callback["no_output"] else callback["output"]
        parts = output.strip(".").split("...") if output.startswith("..") else [output]
        refs = [p.split("@")[0].rsplit(".", 1)[0] for p in parts if p]
        refs += [d["id"] for d in callback["inputs"] + callback["state"]]
        for raw in refs:
            ref = json.loads(raw) if isinstance(raw, str) and raw.startswith("{") else raw
            wanted.add(f"type={ref['type']}" if isinstance(ref, dict) else ref)
    return wanted


def test_every_callback_finds_its_components_in_the_page(
    settings: Settings, dataset: Dataset
) -> None:
    for tiles in (False, True):
        app = create_app(settings.with_(tiles=tiles), dataset)
        ctx = build_context(
            settings.with_(tiles=tiles),
            dataset,
            url_for=lambda p: "/" + p,
        )
        rich = state_of(ctx, "?place=station.soja&near=34.67,133.74&view=nearby")
        present = ids_in(shell()) | ids_in(page(ctx, rich))
        # the planner's panel is drawn when its tab is chosen (web/deferred.py)
        present |= ids_in(page(ctx, state_of(ctx, "?view=planner")))
        # the shelter layer's sites are drawn when a person shows the layer
        present |= ids_in(shelter_layer(dataset, ["on"], "all", translator("ja"))[0])
        # the planner's what-if targets (pattern ids) are drawn only in remove mode
        missing = callback_ids(app) - present - {f"type={planner_ids.TARGET}"}
        assert not missing, missing


def test_the_page_restores_the_state_of_the_url(settings: Settings, dataset: Dataset) -> None:
    ctx = build_context(settings, dataset, url_for=lambda p: "/" + p)
    state = state_of(
        ctx, "?projects=uruou&place=station.soja&lat=34.7&lon=133.7&z=14&view=list&lang=en"
    )
    tree = page(ctx, state)
    assert tree.className == "soja-app view-list"
    assert tree.lang == "en"
    stores = {c.id: c.data for c in tree.children if getattr(c, "id", None) in STORES}
    assert stores[ids.SELECTED_STORE] == "station.soja"
    assert stores[ids.FILTER_STORE]["projects"] == ["uruou"]
    assert stores[ids.VIEW_STORE]["center"] == [34.7, 133.7]
    assert "Soja City priority projects map" in json.dumps(tree, cls=PlotlyJSONEncoder)
    default = page(ctx, state_of(ctx, ""))
    stores = {c.id: c.data for c in default.children if getattr(c, "id", None) in STORES}
    # no store starts empty (a None store fires its listeners when it mounts)
    assert all(value is not None for value in stores.values()), stores
    assert stores[ids.FILTER_STORE]["projects"] is None
    assert stores[ids.VIEW_STORE]["bounds"] is not None
    assert stores[ids.LANG_STORE] == "ja"


def test_the_data_routes_serve_compressed_cacheable_json(
    app: Dash, settings: Settings, dataset: Dataset
) -> None:
    client = app.server.test_client()
    ctx = build_context(settings, dataset, url_for=lambda p: "/" + p)
    plain = client.get(ctx.places_url)
    assert plain.status_code == 200
    assert plain.mimetype == "application/geo+json"
    assert "immutable" in plain.headers["Cache-Control"]
    fc = plain.get_json()
    assert len(fc["features"]) == len(dataset.located)
    assert fc["soja"]["order"] == ["sasaeru", "hagukumu", "uruou", "tsuchikau"]
    packed = client.get(ctx.places_url, headers={"Accept-Encoding": "gzip"})
    assert packed.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(packed.data) == plain.data
    smaller = client.get(ctx.places_url, headers={"Accept-Encoding": "gzip, br"})
    assert smaller.headers["Content-Encoding"] == "br"  # compressed once, at start (web/perf.py)
    assert brotli.decompress(smaller.data) == plain.data
    assert client.get("/_soja/places.0000.json").status_code == 404
    for key, url in ctx.reference_urls.items():
        assert client.get(url).status_code == 200, key
    assert client.get("/_soja/reference/clouds.abc.json").status_code == 404


def test_the_first_render_payload_is_under_500_kb(
    app: Dash, settings: Settings, dataset: Dataset
) -> None:
    client = app.server.test_client()
    ctx = build_context(settings, dataset, url_for=lambda p: "/" + p)
    # the first layout already holds the page (web/layout.first_layout): no callback to wait for
    layout = client.get("/_dash-layout", headers={"Referer": "http://localhost/"}).data
    assert f'"id":"{ids.SUMMARY}"' in layout.decode()
    dependencies = client.get("/_dash-dependencies").data
    places = client.get(ctx.places_url).data
    overlays = [client.get(ctx.reference_urls[k]).data for k in ("boundary", "rail")]
    total = len(layout) + len(dependencies) + len(places) + sum(map(len, overlays))
    assert total < 500_000, total


def test_the_import_contracts_hold() -> None:
    # pyproject's [tool.importlinter] contracts: the app imports no folium itself and reaches the
    # static-map code only through soja_map.maps.api; the core imports no dash/folium/selenium
    result = subprocess.run(
        [str(Path(sys.executable).parent / "lint-imports"), "--no-cache"],
        capture_output=True,
        text=True,
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_app_py_refuses_invalid_data_with_the_report(geodata_copy: Path) -> None:
    schools = geodata_copy / "schools.geojson"
    doc = json.loads(schools.read_text(encoding="utf-8"))
    doc["features"][0]["properties"]["category"] = "castle"
    schools.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    result = subprocess.run(
        [sys.executable, str(REPO / "app.py")],
        env={"SOJA_MAP_GEODATA": str(geodata_copy), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 1
    assert "refusing to start" in result.stderr
    assert "schools.geojson" in result.stderr
    assert "castle" in result.stderr


def find(component: Any, ident: str) -> Any:
    """The component with id ``ident`` in a layout tree (None if absent)."""
    if isinstance(component, list | tuple):
        return next((x for item in component if (x := find(item, ident)) is not None), None)
    if not hasattr(component, "to_plotly_json"):
        return None
    if getattr(component, "id", None) == ident:
        return component
    return find(getattr(component, "children", None), ident)


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_each_reference_overlay_reads_one_way_in_the_layer_control_and_the_legend(
    settings: Settings, dataset: Dataset, lang: str
) -> None:
    ctx = build_context(settings, dataset, url_for=lambda p: "/" + p)
    tree = page(
        ctx, state_of(ctx, f"?layers=boundary,rail,towns,elementary,junior_high&lang={lang}")
    )
    control = [o["label"] for o in find(tree, ids.REFERENCES).options]
    legend = json.dumps(find(tree, ids.LEGEND), cls=PlotlyJSONEncoder)
    tr = translator(lang)
    keys = ["boundary", "rail_context", "towns", "elementary_districts", "junior_high_districts"]
    assert control == [tr(k) for k in keys]
    for label in control:
        assert json.dumps(label)[1:-1] in legend
    if lang == "en":
        assert "Elementary school districts (indicative)" in control


def test_numbers_are_formatted_for_the_language(settings: Settings, dataset: Dataset) -> None:
    ctx = build_context(settings, dataset, url_for=lambda p: "/" + p)
    big = replace(ctx, data=replace(dataset, places=dataset.places.iloc[[0] * 1234]))
    summary = find(page(big, state_of(ctx, "?lang=en")), ids.SUMMARY).children
    assert summary.startswith("Showing 1,234 of 1,234 places")


def test_no_callback_needs_the_planner_panel_and_listens_outside_it(
    settings: Settings, dataset: Dataset
) -> None:
    """The planner's panel is drawn only when its tab is opened (web/deferred.py). A callback that
    needs one of its components and is started by a component that is always there would fail in
    the browser ("A nonexistent object was used in an Input") whenever the latter changes first;
    such values are mirrored into the panel (planner/ids.py FILTER) or are optional. (Pattern ids
    with ALL match nothing when their components are not there, which Dash accepts.)"""
    app = create_app(settings, dataset)
    ctx = build_context(settings, dataset, url_for=lambda p: "/" + p)
    always = ids_in(shell()) | ids_in(page(ctx, state_of(ctx, "")))
    panel = ids_in(page(ctx, state_of(ctx, "?view=planner"))) - always
    assert {"cov-source", "cov-filter", "cov-map-click"} <= panel
    for callback in app._callback_list:
        named = [d for d in callback["inputs"] + callback["state"] if not d["id"].startswith("{")]
        needs = {d["id"] for d in named if not d.get("allow_optional")} & panel
        started_by = {d["id"] for d in callback["inputs"] if not d["id"].startswith("{")} - panel
        assert not (needs and started_by), (callback["output"], needs, started_by)
