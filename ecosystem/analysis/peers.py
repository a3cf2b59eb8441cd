"""Peer territories: the territories of the same level most like a given one.

Funders compare a territory with its real peers rather than with France as a
whole. A territory is described by context variables read from the shipped
geography (not from the inventory, so the filters do not change its peers):

* ``population`` — legal population (compared on a log scale: 10,000 and
  20,000 are as far apart as 100,000 and 200,000);
* ``density`` — inhabitants per km² (log scale);
* ``rural_share`` — share of its communes that are rural. The geography has no
  INSEE density grid (grille communale de densité), so a commune is rural when
  its density is below :data:`RURAL_DENSITY` inhabitants per km²: with the
  COG 2025 populations this classes 87 % of communes and 32 % of the population
  as rural, close to INSEE's 2020 definition (88 % and 33 %);
* ``overseas`` — 1 when most of its communes are in an overseas département
  (971–976), else 0.

The zones of a user zoning (levels ``z<id>``, :mod:`ecosystem.zonings`) get the
same variables from their member communes (:func:`_zone_context`): the communes
listed for a zoning made of communes; for a zoning of polygons, the communes whose
label point lies in the zone, or, for a zone holding no commune's point (a QPV
inside a town), the commune whose point is nearest to the zone's. Population is
the zone's (summed from its communes, or the attribute chosen for polygons: it may
be unknown), density is that population over the zone's area (its communes' areas
summed, or the polygon's area; never a mean of commune densities), the rural share
and overseas are read from the member communes as for the built-in levels. A
variable unknown for the territory (a zone without population: population and
density) is left out of its comparison and said "unknown"; candidates lacking a
compared variable are left out.

Each variable is standardised over the territories of the level (z-score) and
the distance is the weighted Euclidean distance (:data:`DEFAULT_WEIGHTS`,
configurable per call). Peers are of the same level, so a territory's parent
and children are never among them; ``within`` restricts the candidates to a
territory (e.g. communes of the same région). :func:`explain` says the
difference in words ("population 1.2× larger, density similar, also overseas").
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd

from ecosystem import numbers
from ecosystem.geo import COMMUNE_KEY, LEVELS, Geography
from ecosystem.i18n import t

#: a commune below this density (inhabitants per km²) is rural
RURAL_DENSITY = 200.0
VARIABLES = ("population", "density", "rural_share", "overseas")
DEFAULT_WEIGHTS = {"population": 1.0, "density": 1.0, "rural_share": 1.0, "overseas": 2.0}
#: ratios within ±15 % and shares within 5 points are "similar"
SIMILAR_RATIO = 1.15
SIMILAR_POINTS = 0.05
DEFAULT_K = 5


def context(geo: Geography, level: str) -> pd.DataFrame:
    """Context variables of every territory of a level, indexed by code:
    ``name``, ``population``, ``area_km2``, ``density``, ``rural_share``,
    ``overseas`` (0/1)."""
    return _context(geo, level).copy()


def _commune_flags(geo: Geography) -> tuple[pd.Series, pd.Series]:
    """(rural, overseas) of every commune, 0.0 or 1.0, indexed by commune code."""
    com = geo.communes
    pop = pd.to_numeric(com.population, errors="coerce").fillna(0).astype(float)
    area = pd.to_numeric(com.area_km2, errors="coerce").astype(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        rural = (pop / area < RURAL_DENSITY).astype(float)
    overseas = com.dep.astype(str).str.startswith("97").astype(float)
    return rural, overseas


@lru_cache(maxsize=16)
def _context(geo: Geography, level: str) -> pd.DataFrame:
    if level in getattr(geo, "extra_levels", {}):
        return _zone_context(geo, level)
    if level not in LEVELS:
        raise ValueError(f"unknown level {level!r}")
    com = geo.communes
    rural, overseas = _commune_flags(geo)
    parts = pd.DataFrame({"key": com[COMMUNE_KEY[level]], "rural": rural, "overseas": overseas})
    grouped = parts.dropna(subset=["key"]).groupby("key")[["rural", "overseas"]].mean()
    tb = geo.table(level)
    out = pd.DataFrame({"name": tb.name.astype(str),
                        "population": pd.to_numeric(tb.population, errors="coerce")
                        .fillna(0).astype(float),
                        "area_km2": pd.to_numeric(tb.area_km2, errors="coerce").astype(float)},
                       index=tb.index)
    with np.errstate(divide="ignore", invalid="ignore"):
        out["density"] = out.population / out.area_km2
    out["rural_share"] = grouped.rural.reindex(out.index).fillna(0.0)
    out["overseas"] = (grouped.overseas.reindex(out.index).fillna(0.0) > 0.5).astype(float)
    return out


def members(geo: Geography, level: str) -> pd.Series:
    """The zone of each member commune of a user zoning (commune code → zone code),
    see the module's docstring."""
    from ecosystem.zonings import assign_points

    zl = geo.extra_levels[level]
    com = geo.communes
    if zl.communes is not None:
        found = zl.communes[zl.communes.index.isin(com.index)]
        return found[found.isin(zl.table.index)]
    zone = pd.Series(assign_points(zl.shapes, com.lon.to_numpy(float), com.lat.to_numpy(float)),
                     index=com.index)
    found = zone.dropna()
    empty = zl.table.index[~zl.table.index.isin(found.unique())]
    if len(empty) and len(com):
        lon, lat = com.lon.to_numpy(float), com.lat.to_numpy(float)
        extra = {}
        for code in empty:
            zlat, zlon = float(zl.table.at[code, "lat"]), float(zl.table.at[code, "lon"])
            if not (np.isfinite(zlat) and np.isfinite(zlon)):
                continue
            d = ((lon - zlon) * np.cos(np.radians(zlat))) ** 2 + (lat - zlat) ** 2
            extra[com.index[int(np.nanargmin(d))]] = code
        # a commune already in a zone keeps it; the nearest commune is only borrowed
        found = pd.concat([found, pd.Series(list(extra.values()), index=list(extra.keys()),
                                            dtype=object)])
    return found


def _zone_context(geo: Geography, level: str) -> pd.DataFrame:
    """:func:`context` for the zones of a user zoning, from their member communes."""
    tb = geo.table(level)
    rural, overseas = _commune_flags(geo)
    member = members(geo, level)
    parts = pd.DataFrame({"key": member.to_numpy(), "rural": rural.reindex(member.index).to_numpy(),
                          "overseas": overseas.reindex(member.index).to_numpy()})
    grouped = parts.groupby("key")[["rural", "overseas"]].mean()
    out = pd.DataFrame({"name": tb.name.astype(str),
                        "population": pd.to_numeric(tb.population, errors="coerce").astype(float),
                        "area_km2": pd.to_numeric(tb.area_km2, errors="coerce").astype(float)},
                       index=tb.index)
    if geo.extra_levels[level].communes is not None:
        # made of communes: their areas summed, as for the built-in levels (the drawn
        # shapes are simplified)
        area = pd.to_numeric(geo.communes.area_km2, errors="coerce").reindex(member.index)
        out["area_km2"] = area.groupby(member.to_numpy()).sum(min_count=1).reindex(out.index)
    with np.errstate(divide="ignore", invalid="ignore"):
        out["density"] = out.population / out.area_km2
    out["rural_share"] = grouped.rural.reindex(out.index)
    share = grouped.overseas.reindex(out.index)
    out["overseas"] = (share > 0.5).astype(float).where(share.notna())
    return out


def _known(ctx: pd.DataFrame, v: str) -> np.ndarray:
    """Whether variable ``v`` is known for each territory (a zone's population may not
    be; the density is then unknown too)."""
    return ctx["population" if v == "density" else v].notna().to_numpy()


def _features(ctx: pd.DataFrame, variables) -> np.ndarray:
    """Standardised columns (z-scores over the territories where the variable is
    known; NaN where it is not) in ``variables`` order."""
    cols = []
    for v in variables:
        x = ctx[v].to_numpy(dtype=float)
        if v in ("population", "density"):
            x = np.log10(np.where(np.isfinite(x) & (x > 0), x, 0.0) + 1.0)
        known = _known(ctx, v)
        x = np.where(known, x, np.nan)
        std = x[known].std() if known.any() else 0.0
        mean = x[known].mean() if known.any() else 0.0
        cols.append((x - mean) / std if std > 0 else np.where(known, 0.0, np.nan))
    return np.column_stack(cols)


@lru_cache(maxsize=64)
def _matrix(geo: Geography, level: str, variables: tuple[str, ...]) -> np.ndarray:
    return _features(_context(geo, level), variables)


def peers(geo: Geography, level: str, code: str, k: int = DEFAULT_K,
          weights: dict[str, float] | None = None,
          within: tuple[str, str] | None = None) -> pd.DataFrame:
    """The ``k`` territories of ``level`` closest to ``code`` on the context
    variables, nearest first. ``weights`` maps variable → weight (a variable
    left out or weighted 0 is not used); ``within`` keeps only candidates inside
    that territory. Columns: ``code``, ``name``, ``distance``, the variables and
    ``population``/``area_km2``. Raises ``KeyError`` for an unknown code."""
    weights = DEFAULT_WEIGHTS if weights is None else weights
    unknown = set(weights) - set(VARIABLES)
    if unknown:
        raise ValueError(f"unknown context variables: {sorted(unknown)}")
    ctx = _context(geo, level)
    if code not in ctx.index:
        raise KeyError(code)
    i = ctx.index.get_loc(code)
    # a variable unknown here (a zone without population) cannot be compared
    used = tuple(v for v in VARIABLES if weights.get(v, 0) > 0 and _known(ctx, v)[i])
    if not used or k <= 0:
        return ctx.iloc[:0].assign(code=[], distance=[])
    x = _matrix(geo, level, used)
    w = np.sqrt(np.array([weights[v] for v in used], dtype=float))
    dist = np.sqrt((((x - x[i]) * w) ** 2).sum(axis=1))
    candidate = ~np.isnan(dist)  # territories lacking a compared variable are left out
    candidate[i] = False
    if within is not None:
        candidate &= ctx.index.isin(geo.table(level).index.intersection(
            _codes_within(geo, level, *within)))
    idx = np.flatnonzero(candidate)
    if len(idx) > k:
        # nearest k, ties broken by code so the answer does not depend on order
        part = idx[np.argpartition(dist[idx], k - 1)[:k]]
        cut = dist[part].max()
        idx = idx[dist[idx] <= cut]
    order = np.lexsort((ctx.index.to_numpy()[idx].astype(str), dist[idx]))
    idx = idx[order][:k]
    out = ctx.iloc[idx].copy()
    out.insert(0, "code", out.index)
    out.insert(2, "distance", dist[idx])
    return out.reset_index(drop=True)


def context_key(geo: Geography, level: str) -> str:
    """What the context of a level depends on beyond its name: "" for a built-in
    level, a digest of the zones (codes, populations, areas, members) for a zoning
    (a cache key: a zoning reloaded under the same level gets new peers)."""
    zl = getattr(geo, "extra_levels", {}).get(level)
    if zl is None:
        return ""
    tb = zl.table[["code", "population", "area_km2"]]
    digest = int(pd.util.hash_pandas_object(tb, index=False).sum())
    if zl.communes is not None:
        digest += int(pd.util.hash_pandas_object(zl.communes).sum())
    return f"{len(tb)}:{digest & 0xFFFFFFFFFFFF:x}"


def _codes_within(geo: Geography, level: str, wlevel: str, wcode: str) -> list[str]:
    com = geo.communes.loc[geo.communes_in(wlevel, wcode)]
    return com[COMMUNE_KEY[level]].dropna().unique().tolist()


def _ratio(a: float, b: float, name: str, lang: str) -> str:
    """``population 1.2× larger`` / ``… similar`` / ``… 3× smaller`` (peer vs target)."""
    if not (np.isfinite(a) and np.isfinite(b)) or a <= 0 or b <= 0:
        return t(f"peers.{name}.unknown", lang)
    r = b / a
    if 1 / SIMILAR_RATIO <= r <= SIMILAR_RATIO:
        return t(f"peers.{name}.similar", lang)
    if r > 1:
        return t(f"peers.{name}.larger", lang, ratio=numbers.measure(r, lang, places=1))
    return t(f"peers.{name}.smaller", lang, ratio=numbers.measure(1 / r, lang, places=1))


def explain(target: pd.Series, peer: pd.Series, lang: str = "fr",
            variables=VARIABLES) -> str:
    """The difference between a peer and the target in words, one clause per
    variable: "population 1.2× larger, density similar, rural communes 40 %
    (here 55 %), also overseas"."""
    parts = []
    for v in variables:
        if v in ("population", "density"):
            parts.append(_ratio(float(target[v]), float(peer[v]), v, lang))
        elif v == "rural_share":
            a, b = float(target[v]), float(peer[v])
            if abs(a - b) < SIMILAR_POINTS:
                parts.append(t("peers.rural.similar", lang))
            else:
                parts.append(t("peers.rural.differs", lang, share=numbers.percent(b, lang, 0),
                               here=numbers.percent(a, lang, 0)))
        elif v == "overseas":
            same = bool(target[v]) == bool(peer[v])
            where = "overseas" if bool(peer[v]) else "metropole"
            parts.append(t(f"peers.{where}.{'same' if same else 'other'}", lang))
    return t("peers.separator", lang).join(parts)


def explained(geo: Geography, level: str, code: str, lang: str = "fr", **kw) -> pd.DataFrame:
    """:func:`peers` with an ``explanation`` column in ``lang``."""
    table = peers(geo, level, code, **kw)
    target = _context(geo, level).loc[code]
    weights = kw.get("weights") or DEFAULT_WEIGHTS
    used = [v for v in VARIABLES if weights.get(v, 0) > 0]
    table["explanation"] = [explain(target, row, lang, used) for _, row in table.iterrows()]
    return table


def brute_force(geo: Geography, level: str, code: str, k: int = DEFAULT_K,
                weights: dict[str, float] | None = None) -> list[str]:
    """Reference answer for tests and the benchmark: every variable rebuilt with
    pandas, the full distance column sorted (no cache, no partial sort)."""
    weights = DEFAULT_WEIGHTS if weights is None else weights
    ctx = _context.__wrapped__(geo, level)
    used = [v for v in VARIABLES if weights.get(v, 0) > 0]
    z = pd.DataFrame(index=ctx.index)
    for v in used:
        x = ctx[v].astype(float)
        if v in ("population", "density"):
            x = np.log10(x.where(np.isfinite(x) & (x > 0), 0.0) + 1.0)
        std = x.std(ddof=0)
        z[v] = (x - x.mean()) / std if std > 0 else 0.0
    d = ((z - z.loc[code]) ** 2).mul(pd.Series(weights)[used], axis=1).sum(axis=1) ** 0.5
    d = d.drop(code).rename("d").reset_index().rename(columns={"index": "code"})
    d["code"] = d["code"].astype(str)
    return d.sort_values(["d", "code"]).code.head(k).tolist()
