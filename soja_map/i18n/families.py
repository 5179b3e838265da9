"""Message keys the code builds at run time (``f"basemap_{key}"``), declared once, here.

A family is a key prefix and the id set the code iterates to build its keys, named by import path
(``"module:NAME"``) so this module imports nothing: any layer may build keys, and no layer comes to
depend on another through this table. tests/test_i18n.py expands every family, checks that each
key is in both catalogues, and counts the keys as used.

When code builds a key from ids (``tr(f"<prefix>{id}")``), add its family here.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from importlib import import_module


@dataclass(frozen=True)
class KeyFamily:
    prefix: str
    ids_from: str  # "package.module:NAME" of the ids (a tuple, a mapping's keys or an Enum)

    def ids(self) -> tuple[str, ...]:
        module, _, name = self.ids_from.partition(":")
        found = getattr(import_module(module), name)
        if isinstance(found, type) and issubclass(found, Enum):
            return tuple(str(member.value) for member in found)
        return tuple(str(x) for x in found)

    def message_keys(self) -> tuple[str, ...]:
        return tuple(self.prefix + x for x in self.ids())


KEY_FAMILIES: tuple[KeyFamily, ...] = (
    KeyFamily("basemap_", "soja_map.config:BASEMAPS"),
    KeyFamily("pos_", "soja_map.data.schema:PositionAccuracy"),
    KeyFamily("name_", "soja_map.i18n:LANGS"),
    KeyFamily("view_", "soja_map.web.state:VIEWS"),
    KeyFamily("locate_error_", "soja_map.web.views:LOCATE_ERRORS"),
    # the planner and the coverage reports
    KeyFamily("report_by_", "soja_map.analysis.zones:ZONE_KINDS"),
    KeyFamily("report_col_", "soja_map.analysis.coverage:TABLE_COLUMNS"),
    KeyFamily("report_col_", "soja_map.analysis.coverage:WHATIF_COLUMNS"),
    KeyFamily("report_gap_", "soja_map.analysis.coverage:GAP_COLUMNS"),
    KeyFamily("report_preset_", "soja_map.analysis.presets:PRESETS"),
    KeyFamily("report_radius_source_", "soja_map.analysis.presets:PRESETS"),
    KeyFamily("report_source_", "soja_map.analysis.presets:RADIUS_SOURCES"),
    KeyFamily("report_role_", "soja_map.analysis.provenance:SOURCE_ROLES"),
    KeyFamily("report_note_", "soja_map.analysis.provenance:NOTE_CODES"),
    KeyFamily("report_meta_", "soja_map.analysis.report:META_KEYS"),
    KeyFamily("export_col_", "soja_map.maps.placelist:PLACE_COLUMNS"),
    KeyFamily("export_pos_", "soja_map.data.schema:PositionAccuracy"),
    KeyFamily("planner_by_", "soja_map.web.planner.model:BY_CHOICES"),
    KeyFamily("planner_layer_", "soja_map.web.planner.model:LAYER_CHOICES"),
    KeyFamily("planner_mode_", "soja_map.web.planner.model:MODE_CHOICES"),
    KeyFamily("resident_dropdown_", "soja_map.web.components:DROPDOWN_LABELS"),
    KeyFamily("dataui_rule_", "soja_map.data.facts:ServiceRuleId"),
    # capacity against demand (2SFCA)
    KeyFamily("access_col_", "soja_map.analysis.access:ZONE_COLUMNS"),
    KeyFamily("access_meta_", "soja_map.analysis.access_report:META_KEYS"),
)
