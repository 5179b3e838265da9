"""The shelter layer in the export follows the app's rule (query.shelters): the same sites for the
same choice, on both faces."""

from __future__ import annotations

import pytest

from soja_map.data.dataset import Dataset
from soja_map.errors import ExportError
from soja_map.i18n import translator
from soja_map.maps.api import ExportOptions, build_map
from soja_map.query import shelters as rule
from soja_map.web.shelters import shelter_layer


def export_layers(dataset: Dataset, options: ExportOptions) -> dict[str, tuple[list[str], bool]]:
    """choice -> (site ids drawn, shown at first), read from the built map."""
    m = build_map(dataset, None, options)
    return {
        child.shelter_choice: ([f["id"] for f in child.data["features"]], bool(child.show))
        for child in m._children.values()
        if hasattr(child, "shelter_choice")
    }


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
