"""UI text in French (default) and English.

Every string shown to users goes through :func:`t` with a key of the
catalogues ``locales/<lang>/*.json`` (one file per area of the app, merged at
load; a key may live in one file only). Codes of the data
(actor types, domains…) are translated by :mod:`ecosystem.vocabulary`, not here;
numbers, amounts, percentages, dates and plurals by :mod:`ecosystem.numbers`.
A test fails when a key used in the code is missing from either catalogue or
when the catalogues do not have the same keys.
"""

from __future__ import annotations

import json
import logging
from functools import lru_cache
from pathlib import Path

LANGS = ("fr", "en")
DEFAULT_LANG = "fr"
LOCALES = Path(__file__).with_name("locales")
log = logging.getLogger(__name__)


@lru_cache(maxsize=None)
def catalogue(lang: str) -> dict[str, str]:
    merged: dict[str, str] = {}
    for path in sorted((LOCALES / lang).glob("*.json")):
        with open(path, encoding="utf-8") as f:
            part = json.load(f)
        clash = merged.keys() & part.keys()
        if clash:
            raise ValueError(f"i18n keys defined twice ({path.name}): {sorted(clash)[:5]}")
        merged.update(part)
    return merged


def t(key: str, lang: str = DEFAULT_LANG, **params) -> str:
    """Translate ``key`` into ``lang`` and fill ``{named}`` placeholders."""
    lang = lang if lang in LANGS else DEFAULT_LANG
    text = catalogue(lang).get(key)
    if text is None:
        log.warning("missing i18n key %r (%s)", key, lang)
        return f"⟦{key}⟧"
    if params:
        try:
            return text.format(**params)
        except (KeyError, IndexError, ValueError):
            log.warning("bad placeholders for %r (%s): %s", key, lang, params)
            return text
    return text
