"""The report with a coverage result: its table and its map after the list pages, with the
planner's share classes; and fonts that are TrueType (never Type 3) and searchable."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from soja_map.analysis import report as report_io
from soja_map.analysis.request import CoverageRequest, run_coverage
from soja_map.errors import ExportError
from soja_map.i18n import translator
from soja_map.maps import fonts
from soja_map.maps.coverage_map import build_coverage_map, legend_rows
from soja_map.maps.coverage_page import read_coverage
from soja_map.maps.options import ExportOptions
from soja_map.maps.render import Page, Renderer
from soja_map.maps.report import report_document, write_report
from soja_map.query import share_classes
from soja_map.query.filters import Filter
from soja_map.query.styling import HYPOTHETICAL_COLOUR, NO_PEOPLE_COLOUR, SHARE_COLOURS
from tests.pdf_reader import Pdf

JA = translator("ja")
NURSERIES = CoverageRequest(categories=("nursery",), radius_m=800)
ADDED = (133.70, 34.66)


def _write(tmp: Path, name: str, text: str) -> Path:
    path = tmp / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def coverage_json(dataset, tmp_path_factory) -> Path:
    """`soja-map coverage --category nursery --radius 800 --format json` (by town)."""
    result = run_coverage(dataset, NURSERIES)
    text = report_io.to_json(result, "town", JA, plan=dataset.plan)
    return _write(tmp_path_factory.mktemp("cov"), "cov.json", text)


@pytest.fixture(scope="module")
def what_if_json(dataset, tmp_path_factory) -> Path:
    """A what-if by elementary-school district, with one site added."""
    request = CoverageRequest(categories=("nursery",), radius_m=800, added=(ADDED,))
    text = report_io.to_json(run_coverage(dataset, request), "elementary", JA, plan=dataset.plan)
    return _write(tmp_path_factory.mktemp("what-if"), "what-if.json", text)


# -- the coverage map ------------------------------------------------------------------------------


def _layers(m) -> dict[str, dict]:
    return {
        child.layer_name: child.data
        for child in m._children.values()
        if getattr(child, "layer_name", None)
    }


def test_the_coverage_map_colours_each_zone_by_the_planners_class(dataset, what_if_json) -> None:
    doc = json.loads(what_if_json.read_text(encoding="utf-8"))
    summary = read_coverage(what_if_json)
    layers = _layers(build_coverage_map(dataset, summary, ExportOptions(lang="en")))
    zones = layers["coverage_zones"]["features"]
    assert sorted(f["id"] for f in zones) == sorted(r["name"] for r in doc["rows"])
    after = {r["name"]: r["share_after"] for r in doc["rows"]}  # a what-if shows the result
    for feature in zones:
        share = after[feature["id"]]
        expected = (
            NO_PEOPLE_COLOUR if share is None else SHARE_COLOURS[share_classes.share_class(share)]
        )
        assert feature["properties"]["style"]["fillColor"] == expected, feature["id"]
    # the gaps (split by town in the file) as one outline
    assert len(doc["gaps"]) > 1
    assert len(layers["coverage_gaps"]["features"]) == 1
    points = layers["coverage_facilities"]["features"]
    hypothetical = [
        p for p in points if p["properties"]["style"]["fillColor"] == HYPOTHETICAL_COLOUR
    ]
    assert [p["geometry"]["coordinates"] for p in hypothetical] == [list(ADDED)]
    real = [f["id"] for f in doc["facilities"] if not f["hypothetical"]]
    assert len(points) == len(real) + 1


def test_the_legend_has_the_classes_and_says_what_the_map_draws(what_if_json) -> None:
    summary = read_coverage(what_if_json)
    rows = legend_rows(summary, translator("en"))
    assert [r.colour for r in rows[:5]] == list(SHARE_COLOURS)
    assert [r.label for r in rows[:5]] == ["0%–20%", "20%–40%", "40%–60%", "60%–80%", "80%–100%"]
    keys = [r.key for r in rows]
    assert {"gaps", "facilities", "hypothetical"} <= set(keys)
    assert "town-estimate" not in keys  # districts are real boundaries
    assert ("no-people" in keys) == (None in summary.shares)
    assert [r.column_break for r in rows].index(True) == 5  # the classes in a column of their own


def test_the_planner_and_the_report_share_one_rule_for_classes() -> None:
    from soja_map.web.planner import model  # noqa: PLC0415 - the app's side of the contract

    assert tuple(model.SHARE_BREAKS) == share_classes.SHARE_BREAKS
    for share in [None, float("nan"), *(i / 100 for i in range(101))]:
        assert model.share_class(share) == share_classes.share_class(share), share  # type: ignore[arg-type]


def test_a_coverage_file_with_a_bad_gap_is_refused(tmp_path: Path) -> None:
    doc = {
        "kind": "coverage",
        "metadata": [],
        "columns": {},
        "rows": [],
        "gaps": [{"geometry": {"type": "Polygon", "coordinates": [[["x", 1]]]}}],
    }
    path = _write(tmp_path, "cov.json", json.dumps(doc))
    with pytest.raises(ExportError, match="field 'gaps'"):
        read_coverage(path)


def test_the_coverage_map_page_follows_the_table_in_the_ui_language(dataset, coverage_json) -> None:
    summary = read_coverage(coverage_json)
    options = ExportOptions(lang="en")
    document = report_document(dataset, Filter(), options, b"\x89PNG", summary, b"\x89PNG")
    table = document.index('class="soja-report-zones"')
    assert document.index('alt="Coverage map"', table) > table
    # the file was written in Japanese: its labels come in English, its values as written
    assert "<th>Population</th>" in document
    assert "<tr><th>Radius</th><td>800 m（一般的な徒歩圏 800 m）</td></tr>" in document
    assert f"<td>{summary.rows[0][0]}</td>" in document
    # without a map image (rendering not asked for) the table stands alone
    assert 'alt="Coverage map"' not in report_document(
        dataset, Filter(), options, b"\x89PNG", summary
    )


# -- fonts -----------------------------------------------------------------------------------------

needs_font = pytest.mark.skipif(
    not fonts.available(), reason="needs fontTools and Noto Sans CJK JP (Debian fonts-noto-cjk)"
)


@needs_font
def test_the_font_is_cut_to_the_text_with_truetype_outlines() -> None:
    from fontTools.ttLib import TTFont  # noqa: PLC0415

    face = fonts.font_face_css(["総社市の日付"])
    assert face.count("@font-face") == len(fonts.WEIGHTS)
    source = fonts.font_source(400)
    assert source is not None
    font = TTFont(io.BytesIO(fonts.truetype_subset(source, frozenset("日付"))))
    assert "glyf" in font
    assert "CFF " not in font
    cmap = set(font.getBestCmap())
    assert {ord("日"), ord("付")} <= cmap
    assert ord("⽇") not in cmap  # the Kangxi radical shares 日's glyph: it would win in ToUnicode


# -- the PDF ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def report_pdf(dataset, coverage_json, tmp_path_factory) -> Pdf:
    out = tmp_path_factory.mktemp("report") / "report.pdf"
    with Renderer(offline=True) as renderer:
        summary = read_coverage(coverage_json)
        write_report(dataset, Filter(), ExportOptions(), out, Page(), renderer, summary)
        assert renderer.console_errors() == []
    return Pdf(out.read_bytes())


def _cells(row: tuple[str, ...]) -> str:
    return "".join(row).replace(" ", "")


@pytest.mark.browser
def test_the_coverage_table_and_map_come_after_the_list(report_pdf: Pdf, coverage_json) -> None:
    summary = read_coverage(coverage_json)
    pages = report_pdf.pages()
    text = [[line.replace(" ", "") for line in lines] for lines in report_pdf.text()]
    start = next(i for i, lines in enumerate(text) if lines and lines[0] == "カバー率（徒歩圏）")
    assert start >= 2  # the map page, then at least one list page
    assert any("掲載施設の一覧" in line for line in text[1])
    # the table's rows, in the file's order, on the pages after the list
    wanted = [_cells(row) for row in summary.rows]
    found = [line for lines in text[start:-1] for line in lines if line in set(wanted)]
    assert found == wanted
    # then the map: one image, the footer, nothing else
    assert report_pdf.page_images(pages[-1]) == 1
    assert report_pdf.page_images(pages[start]) == 0
    # every page ends with its footer, on a line of its own (no row runs into it)
    for n, lines in enumerate(text, start=1):
        assert lines[-1].startswith("総社市重点プロジェクトマップ／データの時点"), (n, lines[-1])
        assert lines[-1].endswith(f"ページ{n}/{len(pages)}"), (n, lines[-1])


@pytest.mark.browser
@needs_font
def test_no_font_in_the_report_is_type_3_and_the_text_is_searchable(report_pdf: Pdf) -> None:
    used = report_pdf.fonts()
    assert used
    assert [f for f in used if f.subtype == "Type3"] == []
    assert {(f.subtype, f.descendant, f.file) for f in used} == {
        ("Type0", "CIDFontType2", "FontFile2")
    }
    footer = report_pdf.text()[1][-1]
    assert "日付不明" in footer  # 日 itself, not the Kangxi radical ⽇ that looks the same
