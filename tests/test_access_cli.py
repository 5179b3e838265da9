"""`soja-map access` (2SFCA) and `coverage --hazard` (shelters by designation) on the real data:
the CLI prints the pure functions' numbers, in files Excel reads with the header on row 1."""

from __future__ import annotations

import csv
import io
import json

import pytest

from soja_map import cli
from soja_map.analysis.coverage import ContextCache, coverage, facilities_from_frame
from soja_map.analysis.request import CoverageRequest, run_access, shelter_frame
from soja_map.data.facts import LICENSED_CHILDCARE


@pytest.fixture
def run(dataset, monkeypatch, capsys):
    monkeypatch.setattr("soja_map.data.dataset.load_dataset", lambda settings: dataset)
    monkeypatch.delenv("SOJA_MAP_DEBUG", raising=False)

    def invoke(*args: str) -> tuple[int, str, str]:
        try:
            cli.main(list(args))
            status = 0
        except SystemExit as exc:
            status = int(exc.code or 0)
        out, err = capsys.readouterr()
        return status, out, err

    return invoke


LICENSED = ("access", "--category", "保育所", "--category", "kodomo_en", "--licensed")


def test_access_csv_has_the_pure_numbers_and_says_the_demand(run, dataset, tmp_path):
    path = tmp_path / "access.csv"
    status, out, _ = run(*LICENSED, "--by", "elementary", "-o", str(path))
    assert status == 0, out
    text = path.read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == [
        "小学校区",
        "需要人口（推計）",
        "1,000人あたり定員",
        "いずれかの施設の圏内にいる割合",
    ]
    expected = run_access(
        dataset, CoverageRequest(categories=("nursery", "kodomo_en")), licensed_only=True
    )
    table = expected.table("elementary")
    body = {r[0]: r for r in rows[1 : 1 + len(table)]}
    for name, row in table.iterrows():
        assert float(body[name][2]) == round(row["access_per_1000"], 1)
    assert rows[1 + len(table)] == []  # the method rows follow the table
    meta = dict(r for r in rows[2 + len(table) :])
    assert "総人口の推計値" in meta["需要人口"]
    assert "子どもの人数ではありません" in meta["需要人口"]


def test_licensed_means_the_licensed_types_with_their_capacities(dataset):
    result = run_access(
        dataset, CoverageRequest(categories=("nursery", "kodomo_en")), licensed_only=True
    )
    types = {dataset.places.at[i, "facts"]["childcare"]["type"] for i in result.facilities.index}
    assert types <= {t.value for t in LICENSED_CHILDCARE}
    capacity = result.facilities["capacity"].sum()
    # 2SFCA conserves supply when every facility has demand in reach
    assert result.city_index == pytest.approx(capacity / 69_030 * 1000, rel=1e-6)


def test_access_json_is_english_keys(run):
    status, out, _ = run(*LICENSED, "--by", "city", "--format", "json", "--lang", "en")
    assert status == 0
    doc = json.loads(out)
    assert doc["kind"] == "access_2sfca"
    assert doc["demand_is_estimate_of_total_population"] is True
    assert doc["rows"][0]["population"] == 69030
    assert all("utilisation" in f for f in doc["facilities"])


def test_access_needs_a_selection(run):
    status, _, err = run("access")
    assert status == 2
    assert "choose facilities" in err


def test_shelters_by_hazard_match_the_pure_coverage(run, dataset):
    status, out, _ = run("coverage", "--hazard", "洪水", "--by", "city", "--format", "json")
    assert status == 0
    doc = json.loads(out)
    sites = shelter_frame(dataset, ["flood"])
    assert len(sites)
    assert sites["hazard_flood"].all()
    expected = coverage(ContextCache(dataset).get(), facilities_from_frame(sites), 1000)
    assert doc["radius_m"] == 1000
    assert len(doc["facilities"]) == len(sites)
    assert doc["city"]["covered"] == pytest.approx(round(expected.covered_population), abs=1)
    # a reader of the file can tell these are the flood sites only, not every site
    assert doc["selection"]["hazards"] == ["flood"]
    assert "洪水に指定された場所のみ" in doc["selection"]["text"]
    status, out, _ = run("coverage", "--hazard", "flood", "--by", "city")
    assert status == 0
    assert "対象: 分類: 避難場所・避難所（洪水に指定された場所のみ）" in out


def test_the_shelter_category_selects_every_site(dataset):
    every = shelter_frame(dataset)
    flood = shelter_frame(dataset, ["Flood"])
    assert len(flood) < len(every)
    status_sites = CoverageRequest(categories=("避難場所",))
    flt = status_sites.selection(dataset)
    assert status_sites.wants_shelters(flt)
    assert status_sites.chosen_preset(flt.categories).name == "shelter"


def test_the_terminal_table_reads_like_the_coverage_table(run, dataset):
    """Grouped numbers and shares in %, as the coverage table prints them (files keep plain values)."""
    status, out, _ = run(*LICENSED, "--by", "elementary")
    assert status == 0, out
    request = CoverageRequest(categories=("保育所", "kodomo_en"))
    result = run_access(dataset, request, licensed_only=True)
    table = result.table("elementary")
    name = table["population"].idxmax()
    assert f"{round(table.loc[name, 'population']):,}" in out
    assert f"{table.loc[name, 'reached_share'] * 100:.1f}%" in out
