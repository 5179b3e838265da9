"""The web app's limits and headers, through Flask's test client: every response carries the security
headers, bodies over the limit get 413, malformed callback input 4xx (never 500), the what-if list
is bounded, and the health endpoint answers."""

from __future__ import annotations

import json
from typing import Any

import pytest
from dash import Dash

from soja_map.config import Settings
from soja_map.data.dataset import Dataset
from soja_map.errors import RequestError
from soja_map.web.app import create_app
from soja_map.web.planner import ids as planner_ids
from soja_map.web.planner.model import MAX_WHATIF_POINTS, next_whatif, state_from
from soja_map.web.security import (
    HEALTH_PATH,
    MAX_REQUEST_BYTES,
    WARM_KEY,
    content_security_policy,
    tile_origins,
    warm,
)

HEADERS = {
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
}


@pytest.fixture(scope="module")
def app(settings: Settings, dataset: Dataset) -> Dash:
    return create_app(settings, dataset)


@pytest.fixture(scope="module")
def client(app: Dash) -> Any:
    return app.server.test_client()


def callback_body(app: Dash, output_part: str, values: dict[str, Any]) -> dict[str, Any]:
    """The JSON body Dash's renderer sends for the callback whose output names ``output_part``."""
    key = (
        output_part
        if output_part in app.callback_map
        else next(k for k in app.callback_map if output_part in k)
    )
    spec = app.callback_map[key]
    inputs = [
        {"id": i["id"], "property": i["property"], "value": values.get(i["id"])}
        for i in spec["inputs"]
    ]
    state = [
        {"id": s["id"], "property": s["property"], "value": values.get(s["id"])}
        for s in spec.get("state", [])
    ]
    outputs = [
        {"id": o.split(".")[0], "property": o.split(".")[1]} for o in key.strip(".").split("...")
    ]
    return {
        "output": key,
        "outputs": outputs if len(outputs) > 1 else outputs[0],
        "inputs": inputs,
        "state": state,
        "changedPropIds": [f"{inputs[0]['id']}.{inputs[0]['property']}"],
    }


@pytest.mark.parametrize(
    "path", ["/", "/_dash-layout", f"/{HEALTH_PATH}", "/no/such/page.js", "/_soja/places.x.json"]
)
def test_every_response_has_the_security_headers(client: Any, path: str) -> None:
    response = client.get(path)
    for name, value in HEADERS.items():
        assert response.headers[name] == value, (path, name)
    csp = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp
    assert "default-src 'self'" in csp
    assert "'unsafe-eval'" not in csp
    # no product or Python version in the banner
    assert response.headers["Server"] == "soja-map"


def test_the_csp_allows_dash_own_inline_scripts_and_nothing_else(app: Dash, client: Any) -> None:
    csp = client.get("/").headers["Content-Security-Policy"]
    script_src = next(d for d in csp.split("; ") if d.startswith("script-src"))
    assert script_src.split()[1:] == ["'self'", *app.csp_hashes()]


def test_tile_origins() -> None:
    assert tile_origins(
        ["https://{s}.tile.example.org/{z}/{x}/{y}.png", "/tiles/{z}/{x}/{y}.png", "file:///x"]
    ) == ["https://*.tile.example.org"]
    assert "img-src 'self' data: blob: https://a.example" in content_security_policy(
        [], ["https://a.example"]
    )


def test_health(client: Any, dataset: Dataset) -> None:
    response = client.get(f"/{HEALTH_PATH}")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "places": len(dataset.places)}
    assert response.headers["Cache-Control"] == "no-store"


def test_a_body_over_the_limit_is_refused(client: Any) -> None:
    response = client.post(
        "/_dash-update-component",
        data=b"{" + b" " * (MAX_REQUEST_BYTES + 1) + b"}",
        content_type="application/json",
    )
    assert response.status_code == 413


@pytest.mark.parametrize(
    "body",
    [b"not json", b"[]", b'{"output": "no-such-output.children"}', b'{"output": 5}'],
    ids=["not-json", "array", "unknown-output", "output-type"],
)
def test_malformed_callback_requests_get_4xx(client: Any, body: bytes) -> None:
    response = client.post("/_dash-update-component", data=body, content_type="application/json")
    assert 400 <= response.status_code < 500


def test_wrong_typed_callback_input_gets_400(app: Dash, client: Any) -> None:
    body = callback_body(
        app,
        f"{planner_ids.SUMMARY}.children",
        {planner_ids.SOURCE: "category:nursery", planner_ids.RADIUS: "eight hundred"},
    )
    response = client.post("/_dash-update-component", json=body)
    assert response.status_code == 400


def test_too_many_what_if_points_get_400(app: Dash, client: Any) -> None:
    point = [133.7, 34.67]
    ok = {planner_ids.SOURCE: "category:nursery", planner_ids.RADIUS: 800}
    within = callback_body(
        app,
        f"{planner_ids.SUMMARY}.children",
        {**ok, planner_ids.WHATIF_STORE: {"add": [point] * MAX_WHATIF_POINTS}},
    )
    assert client.post("/_dash-update-component", json=within).status_code == 200
    beyond = callback_body(
        app,
        f"{planner_ids.SUMMARY}.children",
        {**ok, planner_ids.WHATIF_STORE: {"add": [point] * 60_000}},
    )
    response = client.post("/_dash-update-component", json=beyond)
    assert response.status_code == 400
    assert json.loads(response.data) == {"error": "malformed callback input"}


def test_clicks_beyond_the_limit_add_nothing() -> None:
    added = [[133.7, 34.67]] * MAX_WHATIF_POINTS
    click = {"latlng": {"lat": 34.68, "lng": 133.71}}
    adds, _ = next_whatif(planner_ids.MAP_CLICK, click, "add", added, [], None)
    assert len(adds) == MAX_WHATIF_POINTS
    adds, _ = next_whatif(planner_ids.MAP_CLICK, click, "add", added[:-1], [], None)
    assert len(adds) == MAX_WHATIF_POINTS


@pytest.mark.parametrize(
    "store",
    [
        {"add": [[1, 2]] * (MAX_WHATIF_POINTS + 1)},
        {"add": "x"},
        {"add": [[1]]},
        {"add": [[500, 0]]},
    ],
)
def test_the_what_if_store_is_checked(store: dict[str, Any]) -> None:
    with pytest.raises(RequestError):
        state_from(source="category:nursery", radius=800, whatif=store)


def test_the_limit_is_said_in_the_panel(dataset: Dataset) -> None:
    from soja_map.i18n import translator  # noqa: PLC0415
    from soja_map.web.planner.views import labels  # noqa: PLC0415

    for lang in ("ja", "en"):
        texts = labels(dataset, translator(lang))
        limit = texts[1 + list(planner_ids.LABELS).index("cov-label-whatif-limit")]
        assert str(MAX_WHATIF_POINTS) in limit


def test_warm_builds_the_planner_caches_before_the_fork(
    settings: Settings, dataset: Dataset
) -> None:
    app = create_app(settings, dataset)
    warmers = app.server.extensions[WARM_KEY]
    model = warmers[0].__self__
    assert not model.cache._contexts  # built on first use unless warmed
    assert warm(app.server) > 0
    assert model.cache._contexts
    assert set(model._zones) == {"town", "elementary", "junior_high"}
