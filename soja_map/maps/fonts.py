"""The report's fonts: Noto Sans CJK JP cut to the document's characters, with TrueType outlines.

Chromium's PDF backend (Skia) embeds TrueType fonts as CIDFontType2 with a subset and a ToUnicode
map, but draws every other font (Noto Sans CJK is CFF-based) as Type 3 glyph procedures, which
council paper systems, PDF/A checkers and some printers handle badly. So the report carries its
own copy of the font: the glyphs of the characters the pages show (fontTools), their cubic CFF
outlines converted to quadratic ``glyf`` ones (cu2qu, at most 1/1000 em off the curve), inlined
as ``@font-face``. A subset whose cmap holds only those characters also keeps the text
searchable as written: the whole font maps 日 and the Kangxi radical ⽇ to one glyph, and Skia's
ToUnicode then says ⽇.

fontTools (``pip install fonttools``, the ``render`` extra) and the Debian package
fonts-noto-cjk are needed; without either the pages fall back to the system font (Type 3).
"""

from __future__ import annotations

import base64
import copy
import io
import shutil
import subprocess
import threading
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from soja_map.maps.offline import FONT_STACK

FAMILY = "Soja Report Sans"  # a name of our own: never confused with an installed font
SOURCE_FAMILY = "Noto Sans CJK JP"
WEIGHTS = {400: "Regular", 700: "Bold"}
# Debian's fonts-noto-cjk; fontconfig is asked first (other systems put it elsewhere).
DEBIAN_PATHS = {
    400: Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"),
    700: Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc"),
}
MAX_ERROR_EM = 0.001  # cu2qu's allowed distance from the cubic curve, in ems (1 unit of 1000)
ALWAYS = "".join(chr(c) for c in range(0x20, 0x7F)) + "　、。・（）／〜…―"
MAX_CHARACTERS = 20_000  # a report's text has a few thousand distinct characters at most


@dataclass(frozen=True)
class FontSource:
    path: Path
    index: int  # the face in a .ttc collection


def _fontconfig(weight: int) -> FontSource | None:
    fc_match = shutil.which("fc-match")
    if fc_match is None:
        return None
    pattern = f"{SOURCE_FAMILY}:style={WEIGHTS[weight]}"
    try:
        out = subprocess.run(  # noqa: S603 - a fixed program and pattern, no shell
            [fc_match, "-f", "%{family}|%{file}|%{index}", pattern],
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    family, _, rest = out.partition("|")
    path, _, index = rest.partition("|")
    if SOURCE_FAMILY not in family.split(","):
        return None  # fontconfig's nearest match is some other font
    return FontSource(Path(path), int(index or 0))


@lru_cache(maxsize=4)
def font_source(weight: int) -> FontSource | None:
    """Where Noto Sans CJK JP of ``weight`` is on this machine, or None."""
    found = _fontconfig(weight)
    if found is not None and found.path.is_file():
        return found
    path = DEBIAN_PATHS[weight]
    return FontSource(path, 0) if path.is_file() else None


# Glyphs already converted, per face: most of a report's characters (kana, digits, common kanji)
# recur in the next one, and the conversion is most of the time a report's font takes.
_GLYPHS: OrderedDict[tuple[FontSource, str], Any] = OrderedDict()
MAX_CACHED_GLYPHS = 20_000  # a few MB
_GLYPHS_LOCK = threading.Lock()


def _quadratic_outlines(font: Any, source: FontSource, names: list[str]) -> dict[str, Any]:
    """The glyphs ``names`` of a CFF font as TrueType glyphs (quadratic curves)."""
    from fontTools.pens.cu2quPen import Cu2QuPen  # noqa: PLC0415 - only when a report is made
    from fontTools.pens.ttGlyphPen import TTGlyphPen  # noqa: PLC0415

    glyphs = font.getGlyphSet()
    max_err = MAX_ERROR_EM * font["head"].unitsPerEm
    out = {}
    for name in names:
        with _GLYPHS_LOCK:
            cached = _GLYPHS.get((source, name))
        if cached is None:
            pen = TTGlyphPen(None)  # CFF glyphs have no components
            # CFF contours run counter-clockwise, TrueType's clockwise
            glyphs[name].draw(Cu2QuPen(pen, max_err, reverse_direction=True))
            cached = pen.glyph()
            with _GLYPHS_LOCK:
                _GLYPHS[(source, name)] = cached
                while len(_GLYPHS) > MAX_CACHED_GLYPHS:
                    _GLYPHS.popitem(last=False)
        out[name] = copy.deepcopy(cached)  # compiling a font changes its glyphs
    return out


# name-table entries kept: copyright, family, style, unique id, full name, version, PostScript
# name, trademark, manufacturer, designer, description, vendor and designer URLs, licence and its
# URL (the SIL Open Font License asks for the notice to travel with the font)
NAME_IDS = range(15)
OS2_FIELDS = (
    "usWeightClass",
    "usWidthClass",
    "fsType",
    "fsSelection",
    "achVendID",
    "sTypoAscender",
    "sTypoDescender",
    "sTypoLineGap",
    "usWinAscent",
    "usWinDescent",
    "sxHeight",
    "sCapHeight",
    "ulCodePageRange1",
    "ulCodePageRange2",
)


@lru_cache(maxsize=8)
def truetype_subset(source: FontSource, characters: frozenset[str]) -> bytes:
    """The face at ``source`` cut to ``characters``, with TrueType outlines, as a .ttf file.

    Built afresh from the glyphs the characters map to (fontTools' FontBuilder) rather than by
    subsetting the CFF font, whose glyph closure and re-encoding take most of the time; no
    OpenType layout is carried (a report needs no vertical forms or ligatures). The cmap holds
    only ``characters``.
    """
    from fontTools.fontBuilder import FontBuilder  # noqa: PLC0415 - only when a report is made
    from fontTools.ttLib import TTFont  # noqa: PLC0415

    with TTFont(str(source.path), fontNumber=source.index, lazy=True) as font:
        best = font.getBestCmap()
        cmap = {ord(c): best[ord(c)] for c in characters if ord(c) in best}
        order = [".notdef", *sorted(set(cmap.values()) - {".notdef"}, key=font.getGlyphID)]
        hmtx, hhea, os2, head = font["hmtx"], font["hhea"], font["OS/2"], font["head"]
        builder = FontBuilder(head.unitsPerEm, isTTF=True)
        builder.setupGlyphOrder(order)
        builder.setupCharacterMap(cmap)
        builder.setupGlyf(_quadratic_outlines(font, source, order))
        builder.setupHorizontalMetrics({name: hmtx[name] for name in order})
        builder.setupHorizontalHeader(
            ascent=hhea.ascent, descent=hhea.descent, lineGap=hhea.lineGap
        )
        builder.setupOS2(**{field: getattr(os2, field) for field in OS2_FIELDS})
        builder.setupNameTable(
            {
                r.nameID: r.toUnicode()
                for r in font["name"].names
                if r.platformID == 3 and r.langID == 0x409 and r.nameID in NAME_IDS
            }
        )
        builder.setupPost()
        builder.font["head"].macStyle = head.macStyle
        builder.font["OS/2"].recalcUnicodeRanges(builder.font)
        out = io.BytesIO()
        builder.save(out)
    return out.getvalue()


def _characters(texts: Iterable[str]) -> frozenset[str]:
    chars = set(ALWAYS)
    for text in texts:
        chars.update(text)
    # every character the pages may show, spaces too: one missing from the subset is drawn
    # with a fallback font, as Type 3
    return frozenset(c for c in chars if ord(c) >= 0x20)


def available() -> bool:
    """Whether the report can carry its own TrueType font (fontTools and the Noto CJK files)."""
    try:
        import fontTools.fontBuilder  # noqa: F401, PLC0415
    except ImportError:
        return False
    return all(font_source(w) is not None for w in WEIGHTS)


def font_face_css(texts: Iterable[str]) -> str:
    """``@font-face`` rules of FAMILY (regular and bold) holding every character of ``texts``;
    empty when the font or fontTools is missing (the pages then use FONT_STACK as they are)."""
    if not available():
        return ""
    characters = _characters(texts)
    if len(characters) > MAX_CHARACTERS:
        return ""  # not a report; the system font will do
    rules = []
    for weight in WEIGHTS:
        source = font_source(weight)
        assert source is not None  # available() said so
        data = base64.b64encode(truetype_subset(source, characters)).decode("ascii")
        rules.append(
            f'@font-face {{ font-family: "{FAMILY}"; font-weight: {weight}; font-style: normal; '
            f'src: url(data:font/ttf;base64,{data}) format("truetype"); }}'
        )
    return "\n".join(rules) + "\n"


def font_stack(with_own: bool) -> str:
    """The report's CSS font-family: FAMILY first when its @font-face is on the page."""
    return f'"{FAMILY}", {FONT_STACK}' if with_own else FONT_STACK
