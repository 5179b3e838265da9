"""The shelter layer in the exported map: one overlay per choice (all, 指定避難所, each hazard a
site is designated for), chosen by ``query.shelters`` (the app's rule). Reference (safety)
information, not a plan measure: it does not change the places, the counts or the legend's projects.
"""

from __future__ import annotations

from typing import Any

import folium
from branca.element import Element

from soja_map.data.dataset import Dataset
from soja_map.i18n import Translator
from soja_map.maps.elements import BIND_TIP, ReferenceLayer
from soja_map.maps.layers import REFERENCE_DECIMALS, geometry_json
from soja_map.query import shelters
from soja_map.query.styling import SHELTER_COLOUR

RING = {"radius": 15, "color": SHELTER_COLOUR, "weight": 3, "fill": False}
DOT = {"radius": 7, "color": "#FFFFFF", "weight": 2, "fillColor": SHELTER_COLOUR, "fillOpacity": 1}


def shelter_geojson(data: Dataset, choice: str, tr: Translator) -> dict[str, Any]:
    """The sites ``choice`` shows, each with its name as text and whether it is shelter-only."""
    chosen = shelters.select(shelters.sites(data), choice)
    features = []
    for site in shelters.points(chosen):
        features.append(
            {
                "type": "Feature",
                "id": site["id"],
                # the app's tooltip (name and designations, plain text: BIND_TIP escapes it);
                # ``only``: a site with no other role (a dot; others are rings around their marker)
                "properties": {
                    "tip": shelters.site_tip(site, tr),
                    "only": site["shelter_only"],
                },
                "geometry": geometry_json(chosen.geometry[site["id"]], REFERENCE_DECIMALS + 1),
            }
        )
    return {"type": "FeatureCollection", "features": features}


def _style(feature: dict[str, Any]) -> dict[str, Any]:
    return dict(DOT if feature["properties"]["only"] else RING)


def add_shelter_layers(
    m: folium.Map, data: Dataset, chosen: str | None, interactive: bool, tr: Translator
) -> list[tuple[str, Element]]:
    """The overlays (name, layer) for the layer control when the export asks for the shelter
    layer (``chosen``; None: no shelter layer, the export's size unchanged): every choice when
    the map is interactive (only ``chosen`` shown at first), only ``chosen`` on a print."""
    if chosen is None:
        return []
    frame = shelters.sites(data)
    counts = shelters.counts(frame)
    wanted = shelters.offered(frame) if interactive else [chosen]
    out: list[tuple[str, Element]] = []
    for choice in wanted:
        layer = ReferenceLayer(
            shelter_geojson(data, choice, tr),
            name=f"shelters-{choice}",
            marker=folium.CircleMarker(radius=7),
            style_function=_style,
            on_each_feature=BIND_TIP,
            show=choice == chosen,
        )
        layer.shelter_choice = choice  # type: ignore[attr-defined]  # for tests: the rule that drew it
        layer.add_to(m)
        label = tr(
            "dataui_export_shelters", name=tr(shelters.CHOICE_MESSAGE[choice]), n=counts[choice]
        )
        out.append((label, layer))
    return out
