"""The shelter layer in the export follows the app's rule (query.shelters): the same sites for the
same choice, on both faces."""

from __future__ import annotations

import json

import pytest

from soja_map.data.dataset import Dataset
from soja_map.errors import ExportError
from soja_map.i18n import translator
from soja_map.maps.api import ExportOptions, build_map
from soja_map.query import shelters as rule
from soja_map.web.export_button import export_download
from soja_map.web.shelters import shelter_layer, shown_choice
from tests.test_export_cli import export


def export_layers(dataset: Dataset, options: ExportOptions) -> dict[str, tuple[list[str], bool]]:
    """choice -> (site ids drawn, shown at first), read from the built map."""
    m = build_map(dataset, None, options)
    return {
        child.shelter_choice: ([f["id"] for f in child.data["features"]], bool(child.show))
        for child in m._children.values()
        if hasattr(child, "shelter_choice")
    }


def flood_tip(dataset: Dataset) -> str:
    """The tooltip of a shelter-only flood site, as the exported page carries it (JSON text)."""
    site = next(
        s for s in rule.points(rule.select(rule.sites(dataset), "flood")) if s["shelter_only"]
    )
    return json.dumps(rule.site_tip(site, translator("ja")))


def test_no_shelter_layer_unless_asked(dataset: Dataset) -> None:
    assert export_layers(dataset, ExportOptions()) == {}


@pytest.mark.parametrize("choice", ["all", "shelter", "flood", "landslide", "earthquake"])
def test_the_app_and_the_export_show_the_same_sites_for_a_choice(
    dataset: Dataset, choice: str
) -> None:
    app_markers, _ = shelter_layer(dataset, ["on"], choice, translator("ja"))
    app_ids = [m.id["place"] for m in app_markers]
    layers = export_layers(dataset, ExportOptions(shelters="flood"))
    export_ids, shown = layers[choice]
    assert export_ids == app_ids
    assert shown == (choice == "flood")  # the asked-for choice is on, the others in the control


def test_a_print_draws_only_the_chosen_sites(dataset: Dataset) -> None:
    layers = export_layers(dataset, ExportOptions(shelters="flood", print_mode=True))
    assert list(layers) == ["flood"]
    assert layers["flood"][0] == rule.site_ids(dataset, "flood")


def test_an_unknown_choice_is_refused(dataset: Dataset) -> None:
    with pytest.raises(ExportError, match="shelters must be one of"):
        ExportOptions(shelters="<b>")


def test_the_exported_page_names_the_layer_in_both_languages(dataset: Dataset) -> None:
    for lang, label in (("ja", "避難場所・避難所: 洪水"), ("en", "Evacuation sites: Flood")):
        html = (
            build_map(dataset, None, ExportOptions(shelters="flood", lang=lang)).get_root().render()
        )
        assert label.encode("unicode_escape").decode() in html or label in html


def test_the_app_export_button_exports_the_shelter_layer_the_screen_shows(dataset: Dataset) -> None:
    assert shown_choice([], "flood") is None  # layer off: no shelter layer in the file
    assert shown_choice(["on"], "flood") == "flood"
    assert shown_choice(["on"], "<b>") == "all"
    flood = export_download(dataset, None, None, "ja", "html", shelters="flood")["content"]
    none = export_download(dataset, None, None, "ja", "html")["content"]
    tip = flood_tip(dataset)
    assert tip in flood
    assert tip not in none


def test_the_cli_exports_the_shelter_layer_on_request(tmp_path, dataset: Dataset) -> None:
    result = export("-o", "flood.html", "--shelters", "flood", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert flood_tip(dataset) in (tmp_path / "flood.html").read_text(encoding="utf-8")
    refused = export("-o", "x.html", "--shelters", "tsunami-ish", cwd=tmp_path)
    assert refused.returncode == 2
    assert "Invalid value for '--shelters'" in refused.stderr
    assert "Traceback" not in refused.stderr
    assert not (tmp_path / "x.html").exists()


def test_a_site_says_the_same_on_both_maps(dataset: Dataset) -> None:
    """The export's tooltip of a site is the app's: its name and what it is designated for."""
    tr = translator("en")
    app_markers, _ = shelter_layer(dataset, ["on"], "flood", tr)
    app_tips = {m.id["place"]: m.children.children for m in app_markers}
    m = build_map(dataset, None, ExportOptions(shelters="flood", lang="en", print_mode=True))
    layer = next(c for c in m._children.values() if getattr(c, "shelter_choice", None) == "flood")
    export_tips = {f["id"]: f["properties"]["tip"] for f in layer.data["features"]}
    assert export_tips == app_tips
    assert any("Evacuation shelter" in t or "Flood" in t for t in export_tips.values())
