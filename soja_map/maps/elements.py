"""The folium elements of the exported map. Each one's script is a one-line call of a function in
``static/export.js``; HTML comes in as template output (Markup) and data as script-safe JSON."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import folium
from branca.element import Element, MacroElement
from folium.template import Template
from folium.utilities import JsCode
from markupsafe import Markup

from soja_map.errors import ExportError
from soja_map.i18n import Translator
from soja_map.maps.layers import PlaceLayerData
from soja_map.maps.offline import js_literal, walk
from soja_map.maps.panels import tiles_text
from soja_map.maps.templating import render, require_markup
from soja_map.query.basemaps import TILE_SOURCES, TileSource
from soja_map.query.styling import MARKER_SIZE

POSITIONS = frozenset({"topleft", "topright", "bottomleft", "bottomright"})


class _Text(Element):
    """Already rendered text, written as it is (branca's ``Element(text)`` would parse it as a
    template again, so a name containing ``{{ ... }}`` would run as template code)."""

    _template = Template("{{ this.text }}")

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text


class RawMacroElement(MacroElement):
    """A MacroElement whose rendered macros reach the page as they are (see ``_Text``)."""

    def render(self, **kwargs: Any) -> str:
        figure = self.get_root()
        for part in ("header", "html", "script"):
            macro = self._template.module.__dict__.get(part)
            if macro is not None:
                getattr(figure, part).add_child(_Text(macro(self, kwargs)), name=self.get_name())
        for child in self._children.values():
            child.render(**kwargs)
        return ""  # a MacroElement writes into the figure, not into its parent


class ReferenceLayer(folium.GeoJson, RawMacroElement):
    """A folium GeoJson whose data (names from the data files) is not parsed as a template."""


class _MapElement(RawMacroElement):
    """A MacroElement that draws onto its parent map (its script knows the map's variable)."""

    def map_name(self) -> str:
        parent = self._parent
        while parent is not None and not isinstance(parent, folium.Map):
            parent = parent._parent
        if parent is None:
            raise ExportError(f"{self._name} must be added to a folium.Map")
        return parent.get_name()


def _call(function: str, *args: str) -> Template:
    """A script macro calling ``function(map, *args)``; ``args`` are template expressions."""
    joined = "".join(f", {a}" for a in args)
    template: Template = Template(
        "{% macro script(this, kwargs) %}"
        f"{function}({{{{ this.map_name() }}}}{joined});"
        "{% endmacro %}"
    )
    return template


class HtmlControl(_MapElement):
    """A Leaflet control showing template output (escaped data, trusted constants)."""

    _template = _call(
        "sojaControl",
        "{{ this.position|tojson }}",
        "{{ this.css_class|tojson }}",
        "{{ this.html_literal }}",
    )

    def __init__(self, name: str, html_: Markup, *, position: str, css_class: str) -> None:
        super().__init__()  # type: ignore[no-untyped-call]  # branca's MacroElement
        if position not in POSITIONS:
            raise ExportError(f"unknown control position {position!r}")
        self._name = name
        self.html = require_markup(html_, name)
        self.html_literal = js_literal(str(self.html))
        self.position = position
        self.css_class = css_class


class BodyHtml(RawMacroElement):
    """Template output placed in the page's body (the title, the data blocks)."""

    _template = Template("{% macro html(this, kwargs) %}{{ this.markup }}{% endmacro %}")

    def __init__(self, name: str, markup: Markup) -> None:
        super().__init__()  # type: ignore[no-untyped-call]  # branca's MacroElement
        self._name = name
        self.markup = require_markup(markup, name)


class MapTitle(BodyHtml):
    """The title and the filter line, centred over the top of the map."""

    def __init__(self, title: str, subtitle: str = "") -> None:
        super().__init__("MapTitle", render("title.html", title=title, subtitle=subtitle))
        self.title = title
        self.subtitle = subtitle


class ScaleBar(_MapElement):
    _template = _call("sojaScale")

    def __init__(self) -> None:
        super().__init__()  # type: ignore[no-untyped-call]  # branca's MacroElement
        self._name = "ScaleBar"


class AttributionPrefix(_MapElement):
    # the default prefix carries a flag icon; in a printed report a plain credit reads better
    _template = _call("sojaAttribution")

    def __init__(self) -> None:
        super().__init__()  # type: ignore[no-untyped-call]  # branca's MacroElement
        self._name = "AttributionPrefix"


class Basemaps(_MapElement):
    """Background tiles that fail quietly offline, and (interactive maps) the layer switcher.

    A tile set is added only after ONE probe tile has loaded (``sojaBasemaps``); ``initial=None``
    makes no request at all. Labels are text: the page's JS escapes them for the layer control.
    """

    _template = Template(
        "{% macro script(this, kwargs) %}"
        "sojaBasemaps({{ this.map_name() }}, {{ this.defs_literal }}, {{ this.initial|tojson }}, "
        "[{% for label, layer in this.overlays %}[{{ label|tojavascript }}, {{ layer.get_name() }}],"
        "{% endfor %}], {{ this.texts_literal }}, {{ this.control|tojson }}, "
        "{{ this.notice|tojson }}, {{ this.probe_timeout_ms }});"
        "{% endmacro %}"
    )

    def __init__(
        self,
        initial: str | None,
        tr: Translator,
        *,
        offer: Sequence[str] = tuple(TILE_SOURCES),
        sources: Mapping[str, TileSource] = TILE_SOURCES,
        overlays: Sequence[tuple[str, Element]] = (),
        control: bool = True,
        notice: bool = True,
        probe_timeout_ms: int = 5000,
    ) -> None:
        super().__init__()  # type: ignore[no-untyped-call]  # branca's MacroElement
        self._name = "Basemaps"
        keys = list(dict.fromkeys([*([initial] if initial else []), *offer]))
        self.defs = [
            {
                "key": key,
                "name": sources[key].name(tr),
                "text": tiles_text(key, tr),
                "url": sources[key].url,
                "options": sources[key].leaflet_options(),
            }
            for key in keys
        ]
        self.defs_literal = js_literal(self.defs)
        self.initial = initial
        self.overlays = list(overlays)
        self.texts_literal = js_literal(
            {
                "none": tr("no_tiles"),
                "noneText": tiles_text("none", tr),
                "failed": tr("export_tiles_failed"),
            }
        )
        self.control = control
        self.notice = notice
        self.probe_timeout_ms = int(probe_timeout_ms)


class FitView(_MapElement):
    """Fit the bounds into the part of the map the title and panels leave free (at load)."""

    _template = _call("sojaFitView", "{{ this.bounds|tojson }}")

    def __init__(self, bounds: Sequence[Sequence[float]]) -> None:
        super().__init__()  # type: ignore[no-untyped-call]  # branca's MacroElement
        self._name = "FitView"
        self.bounds = [[float(v) for v in corner] for corner in bounds]


class ReadySignal(_MapElement):
    """Sets ``<html data-map-ready>`` once fonts, the map and any tiles have settled (renderers wait)."""

    _template = _call("sojaReady", "{{ this.timeout_ms }}")

    def __init__(self, timeout_ms: int = 15000) -> None:
        super().__init__()  # type: ignore[no-untyped-call]  # branca's MacroElement
        self._name = "ReadySignal"
        self.timeout_ms = int(timeout_ms)


class PrintLayout(_MapElement):
    """Print pages: moves the title, panels and credits off the map, adds the inset (if any)."""

    _template = _call("sojaPrintLayout", "{{ this.inset|tojson }}", "{{ this.texts_literal }}")

    def __init__(self, inset: Sequence[Sequence[float]] | None, texts: Mapping[str, str]) -> None:
        super().__init__()  # type: ignore[no-untyped-call]  # branca's MacroElement
        self._name = "PrintLayout"
        self.inset = [[float(v) for v in corner] for corner in inset] if inset else None
        self.texts_literal = js_literal(dict(texts))


class PrintLabels(_MapElement):
    """Print pages: short names (or list numbers) beside the markers, never overlapping."""

    _template = _call("sojaPrintLabels", "{{ this.block_literal }}", "{{ this.texts_literal }}")

    def __init__(self, texts: Mapping[str, str]) -> None:
        super().__init__()  # type: ignore[no-untyped-call]  # branca's MacroElement
        self._name = "PrintLabels"
        self.block_literal = js_literal(PLACES_BLOCK)
        self.texts_literal = js_literal(dict(texts))


class CompactPanels(_MapElement):
    """Phones: the panels fold into one control (``sojaCompact``) below ``max_width`` px."""

    _template = _call("sojaCompact", "{{ this.texts_literal }}", "{{ this.max_width }}")

    def __init__(self, texts: Mapping[str, str], max_width: int = 600) -> None:
        super().__init__()  # type: ignore[no-untyped-call]  # branca's MacroElement
        self._name = "CompactPanels"
        self.texts_literal = js_literal(dict(texts))
        self.max_width = int(max_width)


PLACES_BLOCK = "soja-places"
_NO_POPUPS = JsCode("function (feature, layer) {}")


class PlacesLayer(folium.GeoJson, RawMacroElement):
    """The places: a folium GeoJson whose markers are styling's SVG icons, with the card as popup.

    ``icons`` and ``popups`` travel once, in a JSON data block (``places_block``) that the page's
    ``sojaPlaces`` reads; ``build_map`` puts the block into the page.
    """

    def __init__(
        self,
        places: PlaceLayerData,
        *,
        print_mode: bool = False,
        labels: Mapping[str, tuple[int, str]] | None = None,
    ) -> None:
        options = f"sojaPlaces({js_literal(PLACES_BLOCK)})"
        super().__init__(
            places.geojson,
            name="places",
            point_to_layer=JsCode(f"{options}.pointToLayer"),
            # nobody can click a printed map
            on_each_feature=_NO_POPUPS if print_mode else JsCode(f"{options}.onEachFeature"),
        )
        self.icons = places.icons
        self.popups = {} if print_mode else places.popups
        self.print_mode = print_mode
        self.labels = dict(labels or {})  # place id -> (list number, short name), print only

    def data_block(self) -> BodyHtml:
        payload: dict[str, Any] = {
            "icons": self.icons,
            "popups": {k: [str(html), tip] for k, (html, tip) in self.popups.items()},
            "size": MARKER_SIZE,
            "print": self.print_mode,
            "labels": {k: list(v) for k, v in self.labels.items()},
        }
        return BodyHtml(
            "PlacesData",
            render("data_block.html", id=PLACES_BLOCK, payload=Markup(js_literal(payload))),  # noqa: S704 - js_literal output cannot end the script
        )


BIND_TIP = JsCode("sojaBindTip")
CIRCLE_POINT = JsCode("sojaCirclePoint")


# -- guards ----------------------------------------------------------------------------------------

_REFUSED: tuple[tuple[type, str], ...] = (
    (folium.Popup, "folium.Popup needs jQuery and does not escape its text"),
    (folium.Tooltip, "folium.Tooltip puts its text raw into a JavaScript template"),
    (folium.Icon, "folium.Icon needs awesome-markers and web fonts"),
    (folium.GeoJsonTooltip, "GeoJsonTooltip inserts property values as raw HTML"),
    (folium.GeoJsonPopup, "GeoJsonPopup inserts property values as raw HTML"),
)


def check_tree(root: Element) -> None:
    """Refuse folium features that would need the network or put unescaped data into the page."""
    for element in walk(root):
        for cls, why in _REFUSED:
            if isinstance(element, cls):
                raise ExportError(f"cannot export a map with {type(element).__name__}: {why}")
        if isinstance(element, folium.Map) and element.objects_to_stay_in_front:
            raise ExportError("cannot export a map using keep_in_front: it needs jQuery")
        if isinstance(element, folium.GeoJson) and not element.embed:
            raise ExportError(
                "cannot export a GeoJson layer with embed=False: it loads over the network"
            )
