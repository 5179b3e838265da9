"""The optional hazard overlays (国の重ねるハザードマップ tiles), from ``geodata/hazard_layers.json``.

They are reference information from the national Hazard Map Portal, not the city's statutory hazard
map; they are online only and off by default. ``credit`` and ``note`` are shown with them.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from soja_map.i18n import Translator

HAZARD_LAYERS_FILE = "hazard_layers.json"
_HTTP = re.compile(r"^https?://[^\s\"'<>]+$")


@dataclass(frozen=True, slots=True)
class HazardLayer:
    id: str
    name_ja: str
    name_en: str
    url: str  # an XYZ template ({z}/{x}/{y})

    def name(self, tr: Translator) -> str:
        return tr.pick(self.name_ja, self.name_en)


@dataclass(frozen=True, slots=True)
class HazardOverlays:
    layers: tuple[HazardLayer, ...]
    credit_ja: str
    credit_url: str | None
    note_ja: str
    note_en: str

    def note(self, tr: Translator) -> str:
        return tr.pick(self.note_ja, self.note_en)

    def layer(self, layer_id: str) -> HazardLayer | None:
        return next((x for x in self.layers if x.id == layer_id), None)

    def mirrored(self, prefix: str) -> HazardOverlays:
        """The same layers from ``<prefix>/hazard/<id>/{z}/{x}/{y}.png`` (a tile cache or a stub)."""
        base = prefix.rstrip("/")
        layers = tuple(
            HazardLayer(x.id, x.name_ja, x.name_en, f"{base}/hazard/{x.id}/{{z}}/{{x}}/{{y}}.png")
            for x in self.layers
        )
        return HazardOverlays(layers, self.credit_ja, self.credit_url, self.note_ja, self.note_en)


def load_hazard_overlays(geodata_dir: Path, mirror: str | None = None) -> HazardOverlays | None:
    """The overlays declared in ``geodata_dir`` (None if the file is absent); only http(s) tile
    URLs are kept."""
    path = Path(geodata_dir) / HAZARD_LAYERS_FILE
    if not path.is_file():
        return None
    doc = json.loads(path.read_text(encoding="utf-8"))
    layers = tuple(
        HazardLayer(str(x["id"]), str(x["name_ja"]), str(x["name_en"]), str(x["url"]))
        for x in doc.get("layers", [])
        if _HTTP.match(str(x.get("url", "")))
    )
    url = doc.get("credit_url")
    overlays = HazardOverlays(
        layers=layers,
        credit_ja=str(doc["credit_ja"]),
        credit_url=url if isinstance(url, str) and _HTTP.match(url) else None,
        note_ja=str(doc["note_ja"]),
        note_en=str(doc["note_en"]),
    )
    return overlays.mirrored(mirror) if mirror else overlays
