"""Links between pages that a new browser tab opens with the same language and inventory."""

from __future__ import annotations

from urllib.parse import quote

from ecosystem.i18n import DEFAULT_LANG


def actor_profile(lang: str, inventory: str | None, default_inventory: str | None) -> str:
    """Relative URL of the actor page, to be followed by the percent-encoded actor id:
    ``acteur?lang=en&inv=Mon%20inventaire&actor=``. The language is kept unless it is
    the default one and the inventory unless it is the one a new session opens (the
    same rule as the URL of the current view)."""
    params = {"lang": lang if lang != DEFAULT_LANG else None,
              "inv": inventory if inventory != default_inventory else None}
    query = "".join(f"{k}={quote(v, safe='')}&" for k, v in params.items() if v)
    return f"acteur?{query}actor="
