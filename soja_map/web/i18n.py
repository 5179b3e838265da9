"""Transitional: the web's old ``tr(key, lang, **values)`` over the one catalogue (soja_map.i18n).

Only ``components.details`` (the place card, moving to a shared view model) still calls it; every
other part of the app takes a ``soja_map.i18n.Translator``. Delete this module with that call.
"""

from __future__ import annotations

from typing import Any

from soja_map.i18n import Lang, other_lang, translator

__all__ = ["other_lang", "tr"]


def tr(key: str, lang: Lang = "ja", **values: Any) -> str:
    return translator(lang)(key, **values)
