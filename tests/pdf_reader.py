"""Just enough of a PDF reader for the report tests (pypdf and poppler are not installed here):
the pages, the fonts and the text of each page as lines, from Chromium's (Skia's) PDFs.

Skia writes classic cross-reference tables and plain objects (no object streams), Flate-compressed
content streams, and a ToUnicode map for every font; text is shown with ``Tj``/``TJ`` after a
``Tm``. Each text run is placed by its text matrix times the current transformation; runs on the
same baseline make a line, read left to right.
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass
from typing import Any

_OBJ = re.compile(rb"(\d+)\s+0\s+obj\b(.*?)\bendobj", re.DOTALL)
_REF = re.compile(rb"(\d+)\s+0\s+R")
_TOKEN = re.compile(
    rb"\s*(?:"
    rb"(?P<hex><[0-9A-Fa-f\s]*>)"
    rb"|(?P<str>\((?:\\.|[^\\()])*\))"
    rb"|(?P<open>\[)|(?P<close>\])"
    rb"|(?P<dict><<|>>)"
    rb"|(?P<name>/[^\s/\[\]()<>{}%]*)"
    rb"|(?P<num>[+-]?(?:\d+\.?\d*|\.\d+))"
    rb"|(?P<op>[A-Za-z'\"*]+)"
    rb"|(?P<other>\S)"
    rb")"
)
Matrix = tuple[float, float, float, float, float, float]
IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


def _mul(a: Matrix, b: Matrix) -> Matrix:
    return (
        a[0] * b[0] + a[1] * b[2],
        a[0] * b[1] + a[1] * b[3],
        a[2] * b[0] + a[3] * b[2],
        a[2] * b[1] + a[3] * b[3],
        a[4] * b[0] + a[5] * b[2] + b[4],
        a[4] * b[1] + a[5] * b[3] + b[5],
    )


@dataclass(frozen=True)
class Font:
    name: str  # the BaseFont
    subtype: str  # Type3, Type0, TrueType, Type1
    descendant: str | None  # CIDFontType2 / CIDFontType0 under a Type0
    file: str | None  # FontFile2 (TrueType), FontFile3 (CFF), FontFile or None


class Pdf:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.objects = {int(m.group(1)): m.group(2) for m in _OBJ.finditer(data)}

    # -- objects ---------------------------------------------------------------------------------

    def dictionary(self, num: int) -> bytes:
        body = self.objects[num]
        return body.split(b"stream", 1)[0]

    def stream(self, num: int) -> bytes:
        body = self.objects[num]
        head, _, rest = body.partition(b"stream")
        raw = rest.lstrip(b"\r\n").rsplit(b"endstream", 1)[0]
        return zlib.decompress(raw) if b"/FlateDecode" in head else raw

    def entry(self, head: bytes, key: str) -> bytes | None:
        found = re.search(rb"/" + key.encode() + rb"\b\s*(\d+\s+0\s+R|/\w+|\[[^\]]*\])", head)
        return found.group(1) if found else None

    def ref(self, head: bytes, key: str) -> int | None:
        value = self.entry(head, key)
        found = _REF.match(value) if value else None
        return int(found.group(1)) if found else None

    def sub_dictionary(self, head: bytes, key: str) -> bytes:
        """The inline ``<< >>`` after ``/key`` in ``head`` (or the referenced object's)."""
        at = re.search(rb"/" + key.encode() + rb"\b\s*", head)
        if at is None:
            return b""
        rest = head[at.end() :]
        ref = _REF.match(rest)
        if ref:
            return self.dictionary(int(ref.group(1)))
        depth, i = 0, 0
        while i < len(rest):
            if rest.startswith(b"<<", i):
                depth += 1
                i += 2
            elif rest.startswith(b">>", i):
                depth -= 1
                i += 2
                if depth == 0:
                    return rest[:i]
            else:
                i += 1
        return b""

    def named_refs(self, head: bytes) -> dict[str, int]:
        return {
            m.group(1).decode(): int(m.group(2))
            for m in re.finditer(rb"/([^\s/<>\[\]]+)\s+(\d+)\s+0\s+R", head)
        }

    # -- pages and fonts ---------------------------------------------------------------------------

    def pages(self) -> list[int]:
        root = self.ref(self.data[self.data.rfind(b"trailer") :], "Root")
        assert root is not None, "no document catalogue"
        pages = self.ref(self.dictionary(root), "Pages")
        assert pages is not None
        return self._kids(pages)

    def _kids(self, num: int) -> list[int]:
        head = self.dictionary(num)
        if re.search(rb"/Type\s*/Page\b", head):
            return [num]
        kids = self.entry(head, "Kids") or b""
        return [p for k in _REF.findall(kids) for p in self._kids(int(k))]

    def fonts(self) -> list[Font]:
        out = []
        for num in self.objects:
            head = self.dictionary(num)
            if not re.search(rb"/Type\s*/Font\b", head) or b"/DescendantFonts" in head[:0]:
                continue
            subtype = (self.entry(head, "Subtype") or b"/?").decode().lstrip("/")
            if subtype.startswith("CIDFontType"):
                continue  # listed under its Type0 parent
            name = (self.entry(head, "BaseFont") or b"/?").decode().lstrip("/")
            descendant, descriptor = None, self.ref(head, "FontDescriptor")
            kids = self.entry(head, "DescendantFonts")
            if kids:
                child = self.dictionary(int(_REF.findall(kids)[0]))
                descendant = (self.entry(child, "Subtype") or b"/?").decode().lstrip("/")
                descriptor = self.ref(child, "FontDescriptor")
            file = None
            if descriptor is not None:
                found = re.search(rb"/(FontFile[23]?)\b", self.dictionary(descriptor))
                file = found.group(1).decode() if found else None
            out.append(Font(name, subtype, descendant, file))
        return out

    # -- text --------------------------------------------------------------------------------------

    def page_lines(self, page: int) -> list[str]:
        """The text of a page as lines (top to bottom), each the runs on one baseline joined."""
        head = self.dictionary(page)
        runs: list[tuple[float, float, str]] = []
        contents = self.entry(head, "Contents") or b""
        resources = self.sub_dictionary(head, "Resources")
        for num in _REF.findall(contents):
            self._show(self.stream(int(num)), resources, IDENTITY, runs)
        lines: list[tuple[float, list[tuple[float, str]]]] = []
        for y, x, text in sorted(runs, key=lambda r: (-r[0], r[1])):
            if lines and abs(lines[-1][0] - y) < 1.5:
                lines[-1][1].append((x, text))
            else:
                lines.append((y, [(x, text)]))
        return ["".join(t for _x, t in sorted(parts)) for _y, parts in lines]

    def page_images(self, page: int) -> int:
        """How many images the page draws (its XObjects of subtype Image)."""
        resources = self.sub_dictionary(self.dictionary(page), "Resources")
        xobjects = self.named_refs(self.sub_dictionary(resources, "XObject"))
        return sum(b"/Image" in self.dictionary(num) for num in xobjects.values())

    def text(self) -> list[list[str]]:
        return [self.page_lines(p) for p in self.pages()]

    def _maps(self, resources: bytes) -> dict[str, tuple[int, dict[int, str]]]:
        fonts = self.named_refs(self.sub_dictionary(resources, "Font"))
        out = {}
        for name, num in fonts.items():
            head = self.dictionary(num)
            width = 2 if b"/Type0" in head else 1
            cmap = self.ref(head, "ToUnicode")
            out[name] = (width, _to_unicode(self.stream(cmap)) if cmap else {})
        return out

    def _show(
        self, content: bytes, resources: bytes, ctm: Matrix, runs: list[tuple[float, float, str]]
    ) -> None:
        fonts = self._maps(resources)
        xobjects = self.named_refs(self.sub_dictionary(resources, "XObject"))
        stack: list[Matrix] = []
        operands: list[Any] = []
        font: tuple[int, dict[int, str]] = (1, {})
        tm = IDENTITY
        for m in _TOKEN.finditer(content):
            kind = m.lastgroup
            value = m.group(kind) if kind else b""
            if kind == "op":
                op = value.decode()
                if op == "q":
                    stack.append(ctm)
                elif op == "Q" and stack:
                    ctm = stack.pop()
                elif op == "cm":
                    ctm = _mul(tuple(operands[-6:]), ctm)  # type: ignore[arg-type]
                elif op == "BT":
                    tm = IDENTITY
                elif op == "Tm":
                    tm = tuple(operands[-6:])  # type: ignore[assignment]
                elif op == "Td":
                    tm = _mul((1, 0, 0, 1, operands[-2], operands[-1]), tm)
                elif op == "Tf":
                    font = fonts.get(operands[-2], (1, {}))
                elif op in {"Tj", "TJ"}:
                    text = "".join(_decode(s, font) for s in operands if isinstance(s, bytes))
                    at = _mul(tm, ctm)
                    runs.append((round(at[5], 1), round(at[4], 1), text))
                elif op == "Do" and operands and operands[-1] in xobjects:
                    num = xobjects[operands[-1]]
                    form = self.dictionary(num)
                    if b"/Form" in form:
                        own = self.sub_dictionary(form, "Resources") or resources
                        self._show(self.stream(num), own, ctm, runs)
                operands = []
            elif kind == "num":
                operands.append(float(value))
            elif kind == "name":
                operands.append(value[1:].decode())
            elif kind == "hex":
                operands.append(bytes.fromhex(re.sub(rb"\s", b"", value[1:-1]).decode()))
            elif kind == "str":
                operands.append(_literal(value[1:-1]))


def _literal(raw: bytes) -> bytes:
    out, i = bytearray(), 0
    while i < len(raw):
        c = raw[i]
        if c == 0x5C and i + 1 < len(raw):
            nxt = raw[i + 1 : i + 2]
            octal = re.match(rb"[0-7]{1,3}", raw[i + 1 : i + 4])
            if octal:
                out.append(int(octal.group(0), 8) & 0xFF)
                i += 1 + len(octal.group(0))
                continue
            out += {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}.get(nxt, nxt)
            i += 2
            continue
        out.append(c)
        i += 1
    return bytes(out)


def _decode(data: bytes, font: tuple[int, dict[int, str]]) -> str:
    width, cmap = font
    codes = [int.from_bytes(data[i : i + width], "big") for i in range(0, len(data), width)]
    return "".join(cmap.get(c, "") for c in codes)


def _utf16(hexdigits: bytes) -> str:
    return bytes.fromhex(hexdigits.decode()).decode("utf-16-be", errors="replace")


def _to_unicode(cmap: bytes) -> dict[int, str]:
    out: dict[int, str] = {}
    for block in re.findall(rb"beginbfchar(.*?)endbfchar", cmap, re.DOTALL):
        for src, dst in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]*)>", block):
            out[int(src, 16)] = _utf16(dst)
    for block in re.findall(rb"beginbfrange(.*?)endbfrange", cmap, re.DOTALL):
        for lo, hi, dst in re.findall(
            rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*(<[0-9A-Fa-f]*>|\[[^\]]*\])", block
        ):
            start, end = int(lo, 16), int(hi, 16)
            if dst.startswith(b"["):
                for k, item in enumerate(re.findall(rb"<([0-9A-Fa-f]*)>", dst)):
                    out[start + k] = _utf16(item)
            else:
                first = bytes.fromhex(dst[1:-1].decode())
                base = int.from_bytes(first[-2:], "big")
                for k in range(end - start + 1):
                    last = (base + k).to_bytes(2, "big")
                    out[start + k] = (first[:-2] + last).decode("utf-16-be", errors="replace")
    return out
