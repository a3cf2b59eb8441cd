"""The report's map (issue 17 item 12): the territory's sub-territories coloured by a
headline indicator, as vector shapes the HTML draws as inline SVG and the PDF as
polygons (no screenshot, nothing fetched)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import shapely

from ecosystem.geo import is_zoning_level

from ecosystem import numbers
from ecosystem.analysis import indicators as ind
from ecosystem.analysis import territories as terr
from ecosystem.analysis.view import View
from ecosystem.i18n import t
from ecosystem.render import maps
from ecosystem.vocabulary import LEVELS

#: the indicator the map shows
HEADLINE = "actors_per_10k"
#: the level drawn inside each scope level (France: régions)
SUB_LEVEL = {None: "region", "region": "departement", "departement": "epci",
             "epci": "commune", "commune": "commune"}
WIDTH = 480.0  # drawing units (SVG user units; millimetres × 2.4 in the PDF)


@dataclass
class Shape:
    name: str
    value: str
    fill: str
    rings: list[list[tuple[float, float]]]  # in drawing units, y downwards

    @property
    def d(self) -> str:
        """The SVG path of the rings."""
        return " ".join("M" + " L".join(f"{round(x, 1)} {round(y, 1)}" for x, y in ring) + " Z"
                        for ring in self.rings)


@dataclass
class ReportMap:
    title: str
    width: float
    height: float
    shapes: list[Shape] = field(default_factory=list)
    legend: list[tuple[str, str]] = field(default_factory=list)  # (colour, "a – b")


def build(view: View, lang: str = "fr") -> ReportMap | None:
    """The map of the view's scope, or None when there is nothing to draw."""
    geo = view.store.geo
    scope = view.filters.scope
    zoned = bool(scope) and is_zoning_level(scope[0])
    if zoned:  # a user zone has no parts: its zoning's zones, the zone among them
        from ecosystem.storage.zonings import geography

        geo, level = geography(view.store, geo), scope[0]
        table = terr.ranking(view.with_(territory=None), HEADLINE, level)
    elif scope and scope[0] == "commune":
        level = SUB_LEVEL["commune"]
        table = ind.compute(view, "commune", [HEADLINE])
        table = table[table.code == scope[1]]
    else:
        level = SUB_LEVEL[scope[0] if scope else None]
        table = terr.ranking(view, HEADLINE, level)
    if scope is None:  # metropolitan France only: overseas régions would shrink it
        table = table[~table.code.isin(["01", "02", "03", "04", "06"])]
    geoms = geo.shapes(level, table.code)
    table = table[table.code.isin(geoms.index)]
    if table.empty:
        return None
    x0, y0, x1, y1 = shapely.total_bounds(geoms.values).tolist()  # = the union's bounds
    k = math.cos(math.radians((y0 + y1) / 2))  # equirectangular, true to scale at mid-latitude
    span_x, span_y = max((x1 - x0) * k, 1e-6), max(y1 - y0, 1e-6)
    scale = WIDTH / span_x
    height = min(span_y * scale, WIDTH * 1.2)
    scale = min(scale, height / span_y)
    tolerance = max(span_x, span_y) / 600  # about a drawing unit
    breaks = maps.class_breaks(table[HEADLINE])
    i = ind.get(HEADLINE)
    shapes = []
    for row in table.itertuples():
        g = shapely.simplify(geoms[row.code], tolerance, preserve_topology=True)
        rings = []
        for poly in getattr(g, "geoms", [g]):
            if poly.is_empty or not hasattr(poly, "exterior"):
                continue
            ring = [((x - x0) * k * scale, (y1 - y) * scale) for x, y in poly.exterior.coords]
            if len(ring) >= 4:
                rings.append(ring)
        value = getattr(row, HEADLINE)
        shapes.append(Shape(str(row.name), ind.format_value(HEADLINE, value, lang),
                            maps.color_for(value, breaks), rings))
    palette = maps.class_palette(len(breaks) - 1)
    legend = [(palette[n], f"{numbers.number(breaks[n], lang, 2)} – {numbers.number(breaks[n + 1], lang, 2)}")
              for n in range(len(breaks) - 1)]
    title = t("report.map_title", lang, indicator=i.titled(lang),
              level=geo.level_label(level, lang) if zoned else LEVELS.in_sentence(level, lang))
    return ReportMap(title, WIDTH, round(height, 1), shapes, legend)
