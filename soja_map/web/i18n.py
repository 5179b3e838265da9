"""Transitional: the web's old ``tr(key, lang, **values)`` over the one catalogue (soja_map.i18n)."""

from __future__ import annotations

from typing import Any

from soja_map.i18n import Lang, other_lang, translator

__all__ = ["other_lang", "tr"]


def tr(key: str, lang: Lang = "ja", **values: Any) -> str:
    return translator(lang)(key, **values)
