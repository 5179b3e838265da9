"""Offline address matching to Soja's 大字/町丁目 representative points (no geocoding service)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

KANJI_DIGITS = {
    "一": 1,
    "二": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
    "十": 10,
}
_DASHES = "‐‑‒–—―−ーｰ－-"
_POSTAL = re.compile(r"〒?\s*\d{3}-?\d{4}")
_CHOME = re.compile(r"^(\d+|[一二三四五六七八九十]+)(?:丁目|-)")
CITY = "総社市"
PREFECTURE = "岡山県"
OTHER_CITY = re.compile(r"^(?:\S{1,4}[市町村区]|\S{1,3}郡\S{1,3}[町村])")


@dataclass(frozen=True, slots=True)
class Town:
    """One representative point: 大字 or 町丁目, optionally a 小字."""

    name: str  # e.g. 中央六丁目, 井尻野
    koaza: str
    lon: float
    lat: float
    town_id: str = ""

    @property
    def label(self) -> str:
        return f"{self.name} {self.koaza}".strip()


@dataclass(frozen=True, slots=True)
class Match:
    town: Town | None
    reason: str = ""  # why there is no match

    @property
    def ok(self) -> bool:
        return self.town is not None


def kanji_number(text: str) -> int:
    """Small kanji numerals as used for 丁目 (一 .. 九十九)."""
    if text.isdigit():
        return int(text)
    if "十" in text:
        tens, _, ones = text.partition("十")
        return (KANJI_DIGITS.get(tens, 1) if tens else 1) * 10 + (
            KANJI_DIGITS.get(ones, 0) if ones else 0
        )
    return KANJI_DIGITS[text]


def normalise(address: str) -> str:
    """NFKC, no spaces, one kind of hyphen, no postal code, prefecture or city, no 大字/字."""
    text = unicodedata.normalize("NFKC", address)
    text = re.sub(r"\s+", "", text)
    text = re.sub(rf"(?<=\d)[{_DASHES}](?=\d)", "-", text)
    text = _POSTAL.sub("", text)
    text = text.removeprefix(PREFECTURE)
    text = text.removeprefix(CITY)
    return text.removeprefix("大字")


def _split_chome(name: str) -> tuple[str, int | None]:
    m = re.match(r"^(.+?)([一二三四五六七八九十]+)丁目$", name)
    if m:
        return m.group(1), kanji_number(m.group(2))
    return name, None


class TownIndex:
    """Matches free-text addresses in Soja to the representative point of their 大字/町丁目."""

    def __init__(self, towns: Iterable[Town]) -> None:
        self.towns = list(towns)
        # base name -> {chome number or None -> {koaza -> Town}}
        self._by_base: dict[str, dict[int | None, dict[str, Town]]] = {}
        for t in self.towns:
            base, chome = _split_chome(t.name)
            self._by_base.setdefault(base, {}).setdefault(chome, {})[t.koaza] = t
        self._bases = sorted(self._by_base, key=len, reverse=True)

    def by_name(self, name: str, koaza: str = "") -> Town | None:
        base, chome = _split_chome(name)
        return self._by_base.get(base, {}).get(chome, {}).get(koaza)

    def match(self, address: str | None) -> Match:  # noqa: PLR0911 - one return per matching stage, read top to bottom
        if address is None or not address.strip():
            return Match(None, "no address")
        raw = unicodedata.normalize("NFKC", address).strip()
        rest = normalise(address)
        if not rest:
            return Match(None, "the address names no 大字/町丁目")
        in_soja = CITY in raw
        base = next((b for b in self._bases if rest.startswith(b)), None)
        if base is None:
            if not in_soja and OTHER_CITY.match(rest):
                return Match(None, "the address is not in 総社市")
            return Match(None, "no 大字/町丁目 of 総社市 matches the start of the address")
        after = rest[len(base) :]
        variants = self._by_base[base]
        chome_match = _CHOME.match(after)
        chome: int | None = None
        if chome_match and any(k is not None for k in variants):
            number = kanji_number(chome_match.group(1))
            if number in variants:
                chome = number
                after = after[chome_match.end() :]
            elif chome_match.group(0).endswith("丁目"):
                return Match(None, f"{base}{chome_match.group(1)}丁目 is not a known 町丁目")
        if chome not in variants:
            known = sorted(k for k in variants if k is not None)
            return Match(None, f"{base} is split into 丁目 {known}; the address does not say which")
        by_koaza = variants[chome]
        after = after.removeprefix("字")
        koaza = next(
            (k for k in sorted(by_koaza, key=len, reverse=True) if k and after.startswith(k)), ""
        )
        town = by_koaza.get(koaza) or by_koaza.get("")
        if town is None:
            return Match(None, f"{base} needs a 小字 ({', '.join(sorted(by_koaza))})")
        return Match(town)
