"""The app and the export say which plan the priority projects are from (plan.json's successor)."""

from __future__ import annotations

import json
import re
from html import unescape

from soja_map.data.dataset import Dataset
from soja_map.i18n import translator
from soja_map.maps.api import ExportOptions, build_map
from soja_map.query.plan_status import plan_status_text
from soja_map.web.callbacks.page import state_of
from soja_map.web.context import build_context
from soja_map.web.layout import page


def test_the_note_names_both_plans_and_their_periods(dataset: Dataset) -> None:
    plan = dataset.plan
    assert plan.status == "superseded"
    assert plan.successor is not None
    en = plan_status_text(plan, translator("en"))
    assert en is not None
    assert "2nd" in en
    assert "FY2016-2025" in en
    assert "FY2026-2035" in en
    ja = plan_status_text(plan, translator("ja"))
    assert ja == plan.successor.contents_note_ja
    # without the stored notes the words come from the catalogue, with the periods from the data
    bare = plan.model_copy(
        update={
            "successor": plan.successor.model_copy(
                update={"contents_note_en": "", "contents_note_ja": ""}
            )
        }
    )
    text = plan_status_text(bare, translator("en"))
    assert text is not None
    assert "FY2016-2025" in text
    assert "FY2026-2035" in text
    assert plan_status_text(plan.model_copy(update={"successor": None}), translator("en")) is None


def test_the_app_and_the_export_show_it(settings, dataset: Dataset) -> None:
    ctx = build_context(settings, dataset, url_for=lambda p: "/" + p)
    for lang in ("ja", "en"):
        note = plan_status_text(dataset.plan, translator(lang))
        shown = json.dumps(
            page(ctx, state_of(ctx, f"?lang={lang}")).to_plotly_json(),
            default=str,
            ensure_ascii=False,
        )
        assert note in shown
        html = build_map(dataset, None, ExportOptions(lang=lang)).get_root().render()
        found = re.search(r'"soja-panel soja-plan-status", (".*?")\);', html)
        assert found is not None
        assert unescape(json.loads(found.group(1))) == note
