"""Every UI string exists in French and English, with the same placeholders."""

import re
import string
from pathlib import Path

from ecosystem import model
from ecosystem.analysis.grid import GROUPS
from ecosystem.i18n import LANGS, catalogue, t
from ecosystem.numbers import fmt_compact, fmt_number

ROOT = Path(__file__).resolve().parent.parent
SOURCES = [p for d in ("ecosystem", "pages") for p in (ROOT / d).rglob("*.py")] + [ROOT / "app.py"]
LITERAL = re.compile(r"""\b(?:t|tr)\(\s*["']([a-z0-9_.]+)["']""")
PLURAL = re.compile(r"""\bplural\(\s*["']([a-z0-9_.]+)["']""")
HINTS = re.compile(r"""["'](store\.hint\.[a-z_]+)["']""")


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def used_keys() -> set[str]:
    keys = set()
    for path in SOURCES:
        text = path.read_text(encoding="utf-8")
        keys |= set(LITERAL.findall(text)) | set(HINTS.findall(text))
    # keys built at run time
    keys |= {f"table.{name}" for name in model.TABLES}
    keys |= {f"kind.{kind}" for kind in ("str", "int", "float", "bool", "list")}
    keys |= {f"grid.group.{g}" for g in GROUPS}
    keys |= {f"check.{c}" for c in model.CHECKS}
    return keys


def plural_keys() -> set[str]:
    """``plural("key", n)`` reads ``key.one`` and ``key.other``; so does a key
    handed to a plural message through a variable (a literal with a ``.one`` form)."""
    forms = {k.rsplit(".", 1)[0] for lang in LANGS for k in catalogue(lang)
             if k.endswith((".one", ".other"))}
    keys = set()
    for path in SOURCES:
        text = path.read_text(encoding="utf-8")
        keys |= set(PLURAL.findall(text))
        keys |= {k for k in re.findall(r"""["']([a-z0-9_.]+)["']""", text) if k in forms}
    return keys


def test_catalogues_have_the_same_keys():
    fr, en = catalogue("fr"), catalogue("en")
    assert set(fr) - set(en) == set(), "missing in English"
    assert set(en) - set(fr) == set(), "missing in French"


def test_every_key_used_in_code_exists_in_both_languages():
    keys = used_keys()
    assert len(keys) > 50  # the scan found the code's keys
    for lang in LANGS:
        missing = sorted(k for k in keys if k not in catalogue(lang))
        assert missing == [], f"{lang}: {missing}"


def test_plural_messages_have_both_forms_in_both_languages():
    keys = plural_keys()
    assert "count.actors" in keys  # the scan found the code's plural messages
    for lang in LANGS:
        missing = sorted(f"{k}.{form}" for k in keys for form in ("one", "other")
                         if f"{k}.{form}" not in catalogue(lang))
        assert missing == [], f"{lang}: {missing}"


def test_placeholders_match_and_texts_are_not_empty():
    fr, en = catalogue("fr"), catalogue("en")
    for key in fr:
        assert fr[key].strip() and en[key].strip(), key
        assert placeholders(fr[key]) == placeholders(en[key]), key


def test_missing_key_is_visible_not_fatal():
    assert t("no.such.key", "fr") == "⟦no.such.key⟧"


def test_number_formats():
    assert fmt_number(1234567, "fr") == "1\u202f234\u202f567"
    assert fmt_number(1234.5, "en", 1) == "1,234.5"
    assert fmt_number(float("nan"), "fr") == "—"
    # thin wrappers of ecosystem.numbers: CLDR compact forms (no-break space in French)
    assert fmt_compact(68_350_798, "fr") == "68,4\u00a0M"
    assert fmt_compact(126_500_000, "en") == "126.5M"
    assert fmt_compact(15_000, "fr") == "15\u00a0k"
    assert fmt_compact(999, "fr") == "999"
    assert fmt_compact(2_500_000_000, "fr") == "2,5\u00a0Md"
