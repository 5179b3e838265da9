"""One message catalogue for every face of soja-map (app, static maps, CLI, reports, browser JS).

The words live in gettext catalogues, ``locale/<lang>/LC_MESSAGES/messages.po``, one per language,
read with Babel. A message id is a stable key (``"legend"``, ``"nearby_row"``); its text may hold
``{name}`` fields filled by :meth:`Translator.__call__`. Numbers and percentages are formatted by
Babel for the language (``tr.number(69030)`` -> ``69,030``; ``tr.percent(0.204)`` -> ``20.4%``).

Code that shows words takes a :class:`Translator` (or a language it turns into one with
:func:`translator`) explicitly: there is no global "current language".
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from functools import cache
from pathlib import Path
from typing import Any, Literal

from babel import Locale
from babel.messages.pofile import read_po
from babel.numbers import format_decimal, format_percent

Lang = Literal["ja", "en"]
LANGS: tuple[Lang, ...] = ("ja", "en")
DEFAULT_LANG: Lang = "ja"
LOCALES: Mapping[Lang, str] = {"ja": "ja_JP", "en": "en_GB"}  # Babel's number formats
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DOMAIN = "messages"


def as_lang(value: object) -> Lang:
    """``value`` if it is a supported language, else Japanese (the default)."""
    return "en" if value == "en" else "ja"


def other_lang(lang: object) -> Lang:
    return "ja" if as_lang(lang) == "en" else "en"


def catalogue_path(lang: Lang) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


@cache
def messages(lang: Lang) -> Mapping[str, str]:
    """Every message of ``lang``'s catalogue: key -> text (read once per process)."""
    with catalogue_path(lang).open("rb") as handle:
        catalog = read_po(handle, locale=lang, domain=DOMAIN)
    return {
        str(m.id): str(m.string)
        for m in catalog
        if m.id and isinstance(m.id, str) and isinstance(m.string, str)
    }


class Translator:
    """The words of one language: ``tr("page_of", first=1, last=50, total=70)``; numbers formatted
    for the language."""

    __slots__ = ("_messages", "lang", "locale")

    def __init__(self, lang: Lang) -> None:
        self.lang: Lang = lang
        self.locale = Locale.parse(LOCALES[lang])
        self._messages = messages(lang)

    def __repr__(self) -> str:
        return f"Translator({self.lang!r})"

    def __call__(self, key: str, /, **values: Any) -> str:
        """The message ``key``; a key missing from the catalogue is a programming error."""
        text = self._messages[key]
        return text.format(**values) if values else text

    def get(self, key: str, default: str | None = None, /, **values: Any) -> str | None:
        """The message ``key`` if the catalogue has it, else ``default`` (for keys built from data)."""
        text = self._messages.get(key)
        if text is None:
            return default
        return text.format(**values) if values else text

    def has(self, key: str) -> bool:
        return key in self._messages

    def pick(self, ja: str | None, en: str | None) -> str:
        """Data that carries both languages (names, labels): the English one in English when it
        exists, else the Japanese one. The one rule for "English name if known"."""
        if self.lang == "en" and en:
            return en
        return ja or en or ""

    def number(self, value: float, digits: int = 0) -> str:
        """``value`` with grouping, rounded half-even to ``digits`` decimals (Babel's rule)."""
        pattern = "#,##0" + ("." + "0" * digits if digits > 0 else "")
        return str(format_decimal(value, format=pattern, locale=self.locale))

    def percent(self, share: float, digits: int = 1) -> str:
        """``share`` (0..1) as a percentage with ``digits`` decimals."""
        pattern = "#,##0" + ("." + "0" * digits if digits > 0 else "") + "%"
        return str(format_percent(share, format=pattern, locale=self.locale))

    def join(self, items: Iterable[str]) -> str:
        """A list in running text: 「、」 in Japanese, ", " in English (the catalogue's separator)."""
        return self("list_separator").join(items)

    def subset(self, prefix: str) -> dict[str, str]:
        """Every message whose key starts with ``prefix`` (key without the prefix -> text), e.g. the
        words the browser's JS needs, sent once in the page's config."""
        return {k[len(prefix) :]: v for k, v in self._messages.items() if k.startswith(prefix)}


def translator(lang: object = DEFAULT_LANG) -> Translator:
    """The translator of ``lang`` (anything not "en" is Japanese); a Translator is returned as is,
    so a function may take either while its callers move to passing translators."""
    if isinstance(lang, Translator):
        return lang
    return _translator(as_lang(lang))


@cache
def _translator(lang: Lang) -> Translator:
    return Translator(lang)


def json_for_script(value: Any) -> str:
    """``value`` as JSON that is safe inside an HTML ``<script>`` element (a JSON blob in a page,
    e.g. the words the browser's JS needs: ``json_for_script(tr.subset("js_"))``).

    ``</`` cannot close the element and the line separators JS rejects in literals are escaped;
    the result is still valid JSON (``json.loads`` gives ``value`` back).
    """
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    return (
        text.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )
