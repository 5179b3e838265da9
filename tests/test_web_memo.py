"""The views kept in memory (web/memo.py): a kept answer is the answer, memory stays bounded, long
inputs are not kept, and malformed input is still refused."""

from __future__ import annotations

import json
from typing import Any

import pytest
from dash import Dash, html
from dash._utils import to_json

from soja_map.config import Settings
from soja_map.data.dataset import Dataset
from soja_map.query.filters import Filter
from soja_map.web import ids
from soja_map.web.app import create_app
from soja_map.web.callbacks import filter as filter_callbacks
from soja_map.web.callbacks import search as search_callbacks
from soja_map.web.context import AppContext, build_context
from soja_map.web.memo import MAX_KEY_CHARS, as_sent, bounded_memo, key_of
from soja_map.web.planner import ids as planner_ids
from tests.test_security_web import callback_body


@pytest.fixture(scope="module")
def app(settings: Settings, dataset: Dataset) -> Dash:
    return create_app(settings, dataset)


@pytest.fixture(scope="module")
def ctx(settings: Settings, dataset: Dataset) -> AppContext:
    return build_context(settings, dataset, url_for=lambda path: "/" + path)


def post(app: Dash, body: dict[str, Any]) -> tuple[int, Any]:
    response = app.server.test_client().post("/_dash-update-component", json=body)
    return response.status_code, response.get_json(silent=True)


# -- the memo itself -------------------------------------------------------------------------------


def test_a_kept_result_is_what_dash_would_send() -> None:
    calls: list[str] = []

    def draw(name: str) -> Any:
        calls.append(name)
        return html.Div([html.B(name), " and more"], className="x"), [{"label": name}]

    memo = bounded_memo(draw, 2)
    first = memo("a")
    assert isinstance(first, tuple)  # several outputs stay several outputs
    assert list(first) == json.loads(to_json(draw("a")))
    assert memo("a") == first
    assert calls == ["a", "a"]  # the second call of memo("a") drew nothing


def test_the_memo_is_bounded_and_long_inputs_are_not_kept() -> None:
    memo = bounded_memo(lambda text: {"text": text}, 3)
    for i in range(10):
        assert memo(f"q{i}") == {"text": f"q{i}"}
    assert memo.cache_info().currsize == 3  # type: ignore[attr-defined]
    long = "x" * MAX_KEY_CHARS
    assert memo(long) == {"text": long}
    assert memo.cache_info().currsize == 3  # type: ignore[attr-defined]
    hits = memo.cache_info().hits  # type: ignore[attr-defined]
    memo(long)
    assert memo.cache_info().hits == hits  # type: ignore[attr-defined]


def test_keys_of_json_values_ignore_key_order() -> None:
    assert key_of({"b": [1, 2], "a": {"y": 1, "x": "総社"}}) == key_of(
        {"a": {"x": "総社", "y": 1}, "b": [1, 2]}
    )
    assert key_of({"a": [1, 2]}) != key_of({"a": [2, 1]})


# -- the app's kept views --------------------------------------------------------------------------


def test_the_panel_list_and_search_answer_as_drawn_afresh(app: Dash, ctx: AppContext) -> None:
    flt = Filter(projects=("hagukumu",))
    values = {ids.FILTER_STORE: flt.to_dict(), ids.REFERENCES: ["boundary"], ids.LANG_STORE: "en"}
    body = callback_body(app, f"{ids.SUMMARY}.children", values)
    fresh = as_sent(filter_callbacks.panel(ctx, flt, ("boundary",), "en"))
    for _ in range(2):  # drawn, then kept
        status, answer = post(app, body)
        assert status == 200
        sent = [answer["response"][o["id"]][o["property"]] for o in body["outputs"]]
        assert sent == fresh
    assert "Child-rearing" in json.dumps(sent) or "Hagukumu" in json.dumps(sent)

    body = callback_body(
        app,
        f"{ids.PLACE_LIST}.children",
        {ids.FILTER_STORE: flt.to_dict(), ids.LIST_PAGE: 1, ids.LANG_STORE: "ja"},
    )
    fresh = as_sent(filter_callbacks.place_list(ctx, flt, 1, None, "ja"))
    for _ in range(2):
        status, answer = post(app, body)
        assert status == 200
        assert answer["response"][ids.PLACE_LIST]["children"] == fresh

    body = callback_body(
        app, f"{ids.SEARCH_HITS}.children", {ids.SEARCH: "総社駅", ids.LANG_STORE: "ja"}
    )
    fresh = as_sent(search_callbacks.search_hits(ctx, "総社駅", "ja"))
    for _ in range(2):
        status, answer = post(app, body)
        assert status == 200
        assert answer["response"][ids.SEARCH_HITS]["children"] == fresh
    assert "総社駅" in json.dumps(fresh, ensure_ascii=False)


def test_the_planner_view_is_kept_per_state(app: Dash) -> None:
    chosen = {planner_ids.SOURCE: "category:nursery", planner_ids.RADIUS: 800}
    body = callback_body(app, f"{planner_ids.SUMMARY}.children", chosen)
    status, first = post(app, body)
    assert status == 200
    status, again = post(app, body)
    assert status == 200
    assert again == first
    # another radius is another state, and another answer
    wider = callback_body(
        app, f"{planner_ids.SUMMARY}.children", {**chosen, planner_ids.RADIUS: 1500}
    )
    status, other = post(app, wider)
    assert status == 200
    summary = f"{planner_ids.SUMMARY}"
    assert other["response"][summary] != first["response"][summary]


@pytest.mark.parametrize(
    ("output", "values"),
    [
        (f"{ids.SEARCH_HITS}.children", {ids.SEARCH: ["総社"]}),
        (f"{ids.SUMMARY}.children", {ids.FILTER_STORE: {"projects": [{"a": 1}]}}),
        (f"{ids.PLACE_LIST}.children", {ids.FILTER_STORE: {"categories": [[1]]}}),
    ],
    ids=["search-list", "filter-dict", "filter-nested"],
)
def test_unhashable_input_is_refused_as_malformed(
    app: Dash, output: str, values: dict[str, Any]
) -> None:
    status, answer = post(app, callback_body(app, output, values))
    assert status == 400
    assert answer == {"error": "malformed callback input"}
