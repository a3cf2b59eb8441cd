"""Links between pages that a new browser tab opens with the same language and inventory,
and the map position a URL carries."""

from __future__ import annotations

import math
from urllib.parse import quote

from ecosystem.i18n import DEFAULT_LANG


def actor_profile(lang: str, inventory: str | None, default_inventory: str | None,
                  view: dict[str, str] | None = None) -> str:
    """Relative URL of the actor page, to be followed by the percent-encoded actor id:
    ``acteur?lang=en&inv=Mon%20inventaire&actor=``. The language is kept unless it is
    the default one and the inventory unless it is the one a new session opens (the
    same rule as the URL of the current view); ``view`` (the filters' URL parameters:
    level, territory, …) is kept too, so the card opens on the same territory."""
    return _card("acteur", "actor", lang, inventory, default_inventory, view)


def project_card(lang: str, inventory: str | None, default_inventory: str | None,
                 view: dict[str, str] | None = None) -> str:
    """Relative URL of the project card, to be followed by the percent-encoded project
    id (``projet?inv=X&project=``): the same rules as :func:`actor_profile`."""
    return _card("projet", "project", lang, inventory, default_inventory, view)


def _card(page: str, param: str, lang: str, inventory: str | None, default_inventory: str | None,
          view: dict[str, str] | None) -> str:
    params = {"lang": lang if lang != DEFAULT_LANG else None,
              "inv": inventory if inventory != default_inventory else None,
              **{k: v for k, v in (view or {}).items()
                 if k not in ("lang", "inv", "actor", "project", "tab")}}
    query = "".join(f"{k}={quote(str(v), safe='')}&" for k, v in params.items() if v)
    return f"{page}?{query}{param}="


def parse_position(text: str | None) -> tuple[float, float, float] | None:
    """A map position from a URL (``at=47.2180,-1.5536,9``: latitude, longitude, zoom),
    or None when it is missing or not a place on Earth at a Leaflet zoom (0–20)."""
    try:
        lat, lng, zoom = (float(x) for x in (text or "").split(","))
    except ValueError:
        return None
    if not all(math.isfinite(v) for v in (lat, lng, zoom)):
        return None
    if not (-90 <= lat <= 90 and -180 <= lng <= 180 and 0 <= zoom <= 20):
        return None
    return lat, lng, zoom


def position_param(lat: float, lng: float, zoom: float) -> str:
    """The URL form of a map position (not a number for people: no locale): 4 decimals
    at most (about 10 m), zoom as Leaflet gives it."""
    return ",".join(str(int(v)) if float(v).is_integer() else str(round(v, 4))
                    for v in (lat, lng, zoom))


def fit_position(lat_min: float, lng_min: float, lat_max: float, lng_max: float,
                 width_px: int = 900, height_px: int = 620) -> tuple[float, float, int]:
    """Centre and zoom showing a box on a Web-Mercator map of that size (the map fitted
    to an inventory's data), zoom between 5 (France) and 13 (a town)."""
    span_lng = max(lng_max - lng_min, 1e-4)
    y = lambda lat: math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))  # noqa: E731
    span_y = max(abs(y(lat_max) - y(lat_min)), 1e-6)
    zoom_x = math.log2(width_px * 360 / (256 * span_lng))
    zoom_y = math.log2(height_px * 2 * math.pi / (256 * span_y))
    zoom = int(max(5, min(13, math.floor(min(zoom_x, zoom_y)))))
    return (lat_min + lat_max) / 2, (lng_min + lng_max) / 2, zoom
