"""Readings (hiragana and romaji) of place and town names, so residents can search by how a name
sounds: そうじゃえき, ソウジャエキ, ｿｳｼﾞｬｴｷ and "soja eki" all find 総社駅.

The city's own names are read from ``readings.json`` (checked against the data's English names);
the rest by pykakasi, a dictionary-based reader that ships its dictionary (no download at run time).
Computed once when the data set is loaded (``search_text``), never per keystroke.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable, Mapping
from functools import cache
from importlib.resources import files
from typing import Any

import pykakasi

_KANJI = re.compile(r"[\u3005\u3400-\u9fff]")
_HIRA_TO_ROMAJI_LONG = re.compile(r"(?<=[ou])u|(?<=o)o")


@cache
def _table() -> Mapping[str, Any]:
    data: Mapping[str, Any] = json.loads(
        files("soja_map.data").joinpath("readings.json").read_text(encoding="utf-8")
    )
    return data


@cache
def _kakasi() -> Any:
    return pykakasi.kakasi()  # type: ignore[no-untyped-call]


def _override_pattern() -> re.Pattern[str]:
    names = sorted(_table()["names"], key=len, reverse=True)
    return re.compile("|".join(re.escape(n) for n in names))


_OVERRIDES = _override_pattern()


@cache
def hiragana(name: str) -> str:
    """The hiragana reading of ``name`` (kana and latin letters kept as they are)."""
    text = unicodedata.normalize("NFKC", name or "")
    names: Mapping[str, str] = _table()["names"]
    parts: list[str] = []
    last = 0
    for m in _OVERRIDES.finditer(text):
        parts.append(_read(text[last : m.start()]))
        parts.append(names[m.group(0)])
        last = m.end()
    parts.append(_read(text[last:]))
    return "".join(parts)


def _read(text: str) -> str:
    if not text:
        return ""
    return "".join(item["hira"] for item in _kakasi().convert(text))


@cache
def romaji(name: str) -> str:
    """Hepburn romaji of ``name``'s reading, long vowels as typed on a keyboard (そうじゃ -> souja)."""
    reading = hiragana(name)
    return "".join(item["hepburn"] for item in _kakasi().convert(reading))


def plain_romaji(name: str) -> str:
    """Romaji without long vowels, as signs spell names (そうじゃ -> soja)."""
    return _HIRA_TO_ROMAJI_LONG.sub("", romaji(name))


def romaji_title(name: str) -> str:
    """A name in romaji for English pages where the data has no English name (三輪 -> Miwa)."""
    words = unicodedata.normalize("NFKC", name or "").split()
    return " ".join(plain_romaji(w).capitalize() for w in words if w)


def category_words(category: str) -> tuple[str, ...]:
    """The words residents type for ``category`` (readings, e.g. ほいくえん for nurseries)."""
    return tuple(_table()["categories"].get(category, ()))


def search_text(names: Iterable[str | None], category: str | None = None) -> str:
    """Everything a place can be found by besides its written names: the readings (hiragana,
    romaji with and without long vowels) of ``names`` and its category's words."""
    out: list[str] = []
    for name in names:
        if not name or (not _KANJI.search(name) and name.isascii()):
            continue
        out += [hiragana(name), romaji(name), plain_romaji(name)]
    if category:
        out += category_words(category)
    return " ".join(out)
