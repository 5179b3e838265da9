"""Self-contained HTML for maps: vendored Leaflet inlined, no CDN, background tiles that fail quietly."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from collections import OrderedDict
from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path
from typing import Any, Literal

from branca.element import CssLink, Element, Figure, JavascriptLink
from jinja2 import Template
from markupsafe import Markup

from soja_map.errors import ExportError
from soja_map.maps.templating import render

VENDOR_DIR = Path(__file__).resolve().parent / "vendor"
VENDOR_MANIFEST = "VENDOR.json"

# Yu Gothic / Meiryo come first on the city's Windows PCs; Noto Sans CJK JP is what Linux has.
FONT_STACK = (
    '"Noto Sans CJK JP", "Noto Sans JP", "Yu Gothic UI", "Yu Gothic", YuGothic, Meiryo, '
    '"Hiragino Sans", "Hiragino Kaku Gothic ProN", sans-serif'
)

# folium's resource names (the keys its JSCSSMixin uses in figure.header) -> vendored file.
INLINE: dict[str, tuple[Literal["js", "css"], str]] = {
    "leaflet": ("js", "leaflet/leaflet.js"),
    "leaflet_css": ("css", "leaflet/leaflet.css"),
    "markerclusterjs": ("js", "leaflet.markercluster/leaflet.markercluster.js"),
    "markerclustercss": ("css", "leaflet.markercluster/MarkerCluster.css"),
    "markerclusterdefaultcss": ("css", "leaflet.markercluster/MarkerCluster.Default.css"),
}
# Every folium.Map asks for these, but nothing we draw uses them: they serve folium.Popup
# (jQuery), folium.Icon (awesome-markers, Bootstrap, Font Awesome and glyphicon fonts) and
# Map.keep_in_front (jQuery). The export refuses those classes (see elements.check_tree).
DROP = frozenset(
    {
        "jquery",
        "bootstrap",
        "awesome_markers",
        "bootstrap_css",
        "glyphicons_css",
        "awesome_markers_font_css",
        "awesome_markers_css",
        "awesome_rotate_css",
    }
)


class OfflineError(ExportError):
    """The map would fetch something from the network, or a vendored file is missing or altered."""


# -- vendored files ------------------------------------------------------------------------------


class Vendor:
    """The files in ``soja_map/vendor``, each checked against VENDOR.json before use."""

    def __init__(self, root: Path = VENDOR_DIR) -> None:
        self.root = root
        try:
            manifest = json.loads((root / VENDOR_MANIFEST).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise OfflineError(
                f"cannot read {root / VENDOR_MANIFEST}: {exc}; run scripts/vendor_js.py"
            ) from None
        self.packages: list[dict[str, Any]] = manifest["packages"]
        self.files: dict[str, dict[str, Any]] = {}
        for package in self.packages:
            for entry in package["files"]:
                self.files[entry["path"]] = {**entry, "package": package}
        self._cache: dict[str, bytes] = {}

    def read(self, rel: str) -> bytes:
        if rel not in self._cache:
            meta = self.files.get(rel)
            if meta is None:
                raise OfflineError(f"{rel} is not listed in {VENDOR_MANIFEST}")
            try:
                data = (self.root / rel).read_bytes()
            except OSError as exc:
                raise OfflineError(f"vendored file {rel} is missing ({exc})") from None
            if hashlib.sha256(data).hexdigest() != meta["sha256"]:
                raise OfflineError(
                    f"vendored file {rel} does not match {VENDOR_MANIFEST}; "
                    "re-run scripts/vendor_js.py"
                )
            self._cache[rel] = data
        return self._cache[rel]

    def text(self, rel: str) -> str:
        return self.read(rel).decode("utf-8")

    def data_uri(self, rel: str, mime: str = "image/png") -> str:
        return f"data:{mime};base64,{base64.b64encode(self.read(rel)).decode('ascii')}"

    def licence_comment(self, rel: str) -> str:
        """The package's licence text as a ``/*! ... */`` block (BSD and MIT ask for the notice)."""
        package = self.files[rel]["package"]
        body = "\n".join(self.text(f["path"]) for f in package["files"] if f["is_license"])
        if "*/" in body:
            raise OfflineError(f"the licence text of {package['name']} contains '*/'")
        return f"/*! {package['name']}@{package['version']} ({package['license']})\n{body}*/\n"

    def versions(self) -> dict[str, str]:
        return {p["name"]: p["version"] for p in self.packages}


@cache
def default_vendor() -> Vendor:
    return Vendor()


# -- safe literals ---------------------------------------------------------------------------------

_JS_UNSAFE = str.maketrans(
    {
        "<": "\\u003c",
        ">": "\\u003e",
        "&": "\\u0026",
        "'": "\\u0027",
        "\u2028": "\\u2028",
        "\u2029": "\\u2029",
    }
)


def js_literal(value: Any) -> str:
    """``value`` as a JavaScript literal that is safe inside ``<script>`` (no ``</script>``, no ``<!--``).

    Unlike jinja's ``tojson`` this keeps Japanese as UTF-8 rather than ``\\uXXXX``, which halves its size.
    """
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).translate(_JS_UNSAFE)


# -- inline elements and the figure ----------------------------------------------------------------


class InlineScript(Element):
    _template = Template("<script>{{ this.code }}</script>")

    def __init__(self, code: str) -> None:
        super().__init__()
        if "</script" in code.lower():
            raise OfflineError("an inline script contains '</script'")
        self.code = code


class InlineStyle(Element):
    _template = Template("<style>{{ this.code }}</style>")

    def __init__(self, code: str) -> None:
        super().__init__()
        if "</style" in code.lower():
            raise OfflineError("an inline style sheet contains '</style'")
        self.code = code


_EXTERNAL_TAG = re.compile(
    r"<script\b[^>]*\bsrc\s*=|<link\b[^>]*\bhref\s*=|<iframe\b", re.IGNORECASE
)
_EXTERNAL_CSS = re.compile(r"url\(\s*['\"]?\s*(?:https?:)?//|@import", re.IGNORECASE)


def check_offline_html(document: str, *, styles: str | None = None) -> None:
    """Raise OfflineError if opening ``document`` would load a script, style or font from anywhere.

    ``styles`` is the part where CSS lives (default: all of it). Data strings elsewhere are
    escaped text, and a description may well mention ``url(//...)`` without fetching anything.
    """
    css = document if styles is None else styles
    for pattern, text in ((_EXTERNAL_TAG, document), (_EXTERNAL_CSS, css)):
        found = pattern.search(text)
        if found:
            context = text[max(0, found.start() - 60) : found.end() + 100]
            raise OfflineError(f"the map still refers to an external resource: {context!r}")


class OfflineFigure(Figure):
    """A branca Figure whose HTML carries Leaflet and its plugins inline: it opens with no network.

    After the children have rendered (which is when folium registers its CDN links in
    ``header``), each link is swapped in place for the vendored file or dropped; a link this
    module does not know is an error, and so is any external reference left in the output.
    ``check`` runs on the element tree before rendering (the export uses it to refuse folium
    classes that would need jQuery or would put unescaped data into the page).
    """

    def __init__(
        self,
        title: str | None = None,
        *,
        lang: str = "ja",
        css: str = "",
        js: str = "",
        vendor: Vendor | None = None,
        check: Callable[[Element], None] | None = None,
    ) -> None:
        super().__init__(title=title)
        self.lang = lang
        self.css = css
        self.js = js
        self.vendor = vendor or default_vendor()
        self.check = check
        self._rendered: str | None = None
        # our template writes <meta charset>; branca's http-equiv meta would be a second one
        self.header._children.pop("meta_http", None)

    def render(self, **kwargs: Any) -> str:
        # folium elements add children while rendering, so a second render would duplicate them
        if self._rendered is not None:
            return self._rendered
        if self.check is not None:
            self.check(self)
        for child in self._children.values():
            child.render(**kwargs)
        self._inline_header()
        header = self.header.render(**kwargs)
        # the parts are rendered elements (data in them escaped by their own templates)
        document = (
            render(
                "page.html",
                lang=self.lang,
                title=self.title,
                header=Markup(header),  # noqa: S704
                body=Markup(self.html.render(**kwargs)),  # noqa: S704
                script=Markup(self.script.render(**kwargs)),  # noqa: S704
            )
            + "\n"
        )
        check_offline_html(document, styles=header)
        self._rendered = document
        return document

    def _inline_header(self) -> None:
        swapped: OrderedDict[str, Element] = OrderedDict()
        for name, child in self.header._children.items():
            if not isinstance(child, JavascriptLink | CssLink):
                swapped[name] = child
                continue
            if name in DROP:
                continue
            if name not in INLINE:
                raise OfflineError(
                    f"the map needs {name!r} from {child.url}, which is not vendored: "
                    "add it to scripts/vendor_js.py or do without that feature"
                )
            kind, rel = INLINE[name]
            if kind == "js":
                swapped[name] = InlineScript(
                    self.vendor.licence_comment(rel) + self.vendor.text(rel)
                )
                if name == "leaflet":
                    swapped["leaflet_default_icon"] = InlineScript(self._default_icon_js())
            else:
                swapped[name] = InlineStyle(self.vendor.text(rel))
        if self.css:
            swapped["soja_map_css"] = InlineStyle(self.css)
        if self.js:
            swapped["soja_map_js"] = InlineScript(self.js)
        for element in swapped.values():
            element._parent = self.header
        self.header._children = swapped

    def _default_icon_js(self) -> str:
        # With leaflet.css inlined, L.Icon.Default cannot find its images next to the style sheet.
        icons = {
            "iconUrl": self.vendor.data_uri("leaflet/images/marker-icon.png"),
            "iconRetinaUrl": self.vendor.data_uri("leaflet/images/marker-icon-2x.png"),
            "shadowUrl": self.vendor.data_uri("leaflet/images/marker-shadow.png"),
        }
        return f"L.Icon.Default.imagePath='';L.Icon.Default.mergeOptions({js_literal(icons)});"


def walk(element: Element) -> Iterator[Element]:
    """Every element under ``element`` (children, and a Figure's header/html/script parts)."""
    yield element
    for child in list(element._children.values()):
        yield from walk(child)
    for part in ("header", "html", "script"):
        sub = element.__dict__.get(part)
        if isinstance(sub, Element) and sub is not element:
            yield from walk(sub)
