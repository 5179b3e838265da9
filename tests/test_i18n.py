"""The one message catalogue: both languages hold the same keys, every key is used, every key used
exists, and the browser's JS takes its words from the catalogue rather than writing them."""

from __future__ import annotations

import json
import re
import string
import subprocess
from functools import cache
from pathlib import Path

from soja_map.i18n import LANGS, Lang, json_for_script, messages, translator
from soja_map.i18n.families import KEY_FAMILIES
from soja_map.web.mapdata import JS_PREFIX

PACKAGE = Path(__file__).resolve().parents[1] / "soja_map"
SOURCE_SUFFIXES = (".py", ".js", ".html", ".j2")
APP_JS = PACKAGE / "web" / "assets" / "soja_map.js"


@cache
def sources() -> dict[Path, str]:
    """The package's code and templates (not the vendored libraries)."""
    return {
        path: path.read_text(encoding="utf-8")
        for path in sorted(PACKAGE.rglob("*"))
        if path.suffix in SOURCE_SUFFIXES and "vendor" not in path.relative_to(PACKAGE).parts
    }


def fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def literals(text: str) -> set[str]:
    """Every single- or double-quoted string literal (without f-string or escape subtleties)."""
    return set(re.findall(r'"([^"\\\n]*)"', text)) | set(re.findall(r"'([^'\\\n]*)'", text))


def quoted(name: str, text: str) -> bool:
    return re.search(rf"""["']{re.escape(name)}["']""", text) is not None


def used_keys(catalogue: set[str]) -> set[str]:
    """Keys the code names as string literals, keys of the declared families, and the browser's
    words (``js_<name>``, used by JS files or templates as ``"<name>"``)."""
    code = "\n".join(sources().values())
    js = "\n".join(text for path, text in sources().items() if path.suffix != ".py")
    used = {k for k in catalogue if quoted(k, code)}
    used |= {key for family in KEY_FAMILIES for key in family.message_keys()}
    used |= {k for k in catalogue if k.startswith(JS_PREFIX) and quoted(k[len(JS_PREFIX) :], js)}
    return used


# tr("key", ...), t("key", ...) and translator(lang)("key") in Python; word(h, "key", ...) in the JS;
# an f-string key (tr(f"view_{v}")) gives its prefix
PY_CALL = re.compile(r"""(?:\btr\(|\bt\(|\)\()\s*(f?)["']([a-z][a-z0-9_\-]*)(["'{])""")
JS_CALL = re.compile(r"""\bword\(\w+,\s*()["']([a-z][a-z0-9_\-]*)(["'])""")


def keys_called() -> tuple[set[str], set[str]]:
    """(keys named in translation calls, prefixes of keys the code builds with f-strings)."""
    keys: set[str] = set()
    prefixes: set[str] = set()
    for path, text in sources().items():
        js = path.suffix == ".js"
        for f, name, end in (JS_CALL if js else PY_CALL).findall(text):
            if f and end == "{":
                prefixes.add(name)
            elif not f:
                keys.add(JS_PREFIX + name if js else name)
    return keys, prefixes


def test_both_languages_hold_the_same_keys_and_no_empty_text() -> None:
    ja, en = messages("ja"), messages("en")
    assert sorted(set(ja) - set(en)) == [], "missing in en"
    assert sorted(set(en) - set(ja)) == [], "missing in ja"
    for lang in LANGS:
        empty = [k for k, v in messages(lang).items() if not v.strip()]
        assert empty == [], f"empty in {lang}"


def test_every_field_of_a_message_is_in_both_languages() -> None:
    ja, en = messages("ja"), messages("en")
    both = set(ja) & set(en)
    differ = {k: (fields(ja[k]), fields(en[k])) for k in both if fields(ja[k]) != fields(en[k])}
    assert differ == {}


def test_every_key_is_used_in_the_code() -> None:
    catalogue = set(messages("ja"))
    assert sorted(catalogue - used_keys(catalogue)) == []


def test_every_key_the_code_uses_exists() -> None:
    catalogue = set(messages("ja"))
    keys, prefixes = keys_called()
    assert {"app_title", "nearby_row", "js_cluster_title"} <= keys  # the scan finds calls
    declared = {family.prefix for family in KEY_FAMILIES}
    # a literal that is a declared prefix is joined to an id (Jinja's tr("name_" ~ lang))
    assert sorted(keys - catalogue - declared) == []
    assert sorted(prefixes - declared) == [], "a key built from ids needs a family in i18n/families"
    for family in KEY_FAMILIES:
        assert family.ids(), family
        assert sorted(set(family.message_keys()) - catalogue) == [], family.prefix


def test_no_code_branches_on_the_language() -> None:
    found = subprocess.run(
        ["git", "grep", "-n", r" if ja else \| if lang == ", "--", "soja_map"],
        cwd=PACKAGE.parent,
        capture_output=True,
        text=True,
        check=False,
    ).stdout
    assert found == ""


# -- the browser ----------------------------------------------------------------------------------

KANA_OR_KANJI = re.compile(r"[\u3041-\u3096\u30a1-\u30fa\u4e00-\u9fff\uff66-\uff9d]")


def ui_words(lang: Lang) -> set[str]:
    """Words of the catalogue that would give away text written in code (names of ids and
    one-letter marks are not)."""
    return {v for v in messages(lang).values() if len(v) >= 4 and not fields(v)}


def test_the_js_writes_no_words_of_its_own() -> None:
    text = APP_JS.read_text(encoding="utf-8")
    code = "\n".join(line for line in text.splitlines() if not line.strip().startswith(("*", "//")))
    assert KANA_OR_KANJI.findall(code) == []
    strings = literals(code)
    english = {w for w in ui_words("en") for s in strings if re.search(rf"\b{re.escape(w)}\b", s)}
    assert english == set()
    for word in ("places", "件", "unavailable", "https is needed"):
        assert not [s for s in strings if word in s], word


def test_the_browser_gets_its_words_per_language() -> None:
    ja = translator("ja").subset(JS_PREFIX)
    en = translator("en").subset(JS_PREFIX)
    assert ja["cluster_title"] == "{n} 件"
    assert en["cluster_title"] == "{n} places"


def test_json_for_a_script_element_cannot_close_it() -> None:
    value = {"x": "</script><script>alert(1)</script>", "y": "a & b\u2028", "z": "総社"}
    text = json_for_script(value)
    assert "<" not in text
    assert "\u2028" not in text
    assert "総社" in text
    assert json.loads(text) == value


# -- the translator -------------------------------------------------------------------------------


def test_the_translator_picks_names_and_formats_numbers() -> None:
    ja, en = translator("ja"), translator("en")
    assert en.pick("総社駅", "Soja Station") == "Soja Station"
    assert en.pick("総社駅", None) == "総社駅"
    assert ja.pick("総社駅", "Soja Station") == "総社駅"
    assert ja.pick(None, "Soja Station") == "Soja Station"
    assert ja.number(69030) == en.number(69030) == "69,030"
    assert en.number(1.25, 1) == "1.2"  # Babel rounds half to even
    assert en.percent(0.204) == "20.4%"
    assert ja.join(["a", "b"]) == "a、b"
    assert en.join(["a", "b"]) == "a, b"
    assert translator(en) is en
    assert translator("fr") is ja
