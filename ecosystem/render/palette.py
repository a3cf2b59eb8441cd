"""Every colour the app gives to data, in one place.

* :data:`ACTOR_TYPES` — one colour per actor type (the eight codes of
  :data:`ecosystem.vocabulary.ACTOR_TYPES`), the Okabe–Ito palette (Okabe & Ito,
  *Color Universal Design*, 2008), which stays distinct under the three common
  colour-vision deficiencies. The home and territory charts, the map explorer's
  points, cells and legend and the network drawing and its legend all read it.
* :data:`COMMUNITIES` — network communities: Paul Tol's "muted" qualitative
  scheme (colour-blind safe), then :data:`OTHER` for the rest.
* :data:`SEQUENTIAL` — choropleth classes (ColorBrewer PuBu, light to dark).
"""

from __future__ import annotations

from ecosystem import vocabulary as voc

#: Okabe–Ito, in the order of the vocabulary
OKABE_ITO = ("#0072B2", "#CC79A7", "#009E73", "#56B4E9", "#E69F00", "#D55E00", "#F0E442",
             "#000000")
ACTOR_TYPES: dict[str, str] = dict(zip(voc.ACTOR_TYPES.codes, OKABE_ITO, strict=True))
#: an unknown or missing type
UNKNOWN = "#999999"

#: Paul Tol's muted scheme (https://personal.sron.nl/~pault/#sec:qualitative)
COMMUNITIES = ("#332288", "#88CCEE", "#44AA99", "#117733", "#999933", "#DDCC77", "#CC6677",
               "#882255", "#AA4499")
OTHER = "#BBBBBB"

SEQUENTIAL = ("#f1eef6", "#d0d1e6", "#a6bddb", "#74a9cf", "#3690c0", "#0570b0", "#034e7b")
NO_DATA = "#e4e7eb"
#: one-series bars (a territory's mixes, report charts)
ACCENT = SEQUENTIAL[5]


def actor_type(code) -> str:
    """The colour of an actor type code (:data:`UNKNOWN` for anything else)."""
    return ACTOR_TYPES.get(code, UNKNOWN)


def actor_type_legend(lang: str, present=None) -> list[tuple[str, str]]:
    """(label, colour) of each actor type, in the vocabulary's order; only those
    in ``present`` when given. Every legend of actor types is built from this."""
    return [(voc.ACTOR_TYPES.label(c, lang), ACTOR_TYPES[c]) for c in voc.ACTOR_TYPES.codes
            if present is None or c in present]

#: clusters of actor points: a neutral slate, so that no cluster reads as an actor
#: type (the plugin's green / yellow / orange clashed with the Okabe–Ito types)
CLUSTER = "#52606d"
