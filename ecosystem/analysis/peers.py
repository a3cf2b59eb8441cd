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


@lru_cache(maxsize=16)
def _context(geo: Geography, level: str) -> pd.DataFrame:
    if level not in LEVELS:
        raise ValueError(f"unknown level {level!r}")
    com = geo.communes
    pop = pd.to_numeric(com.population, errors="coerce").fillna(0).astype(float)
    area = pd.to_numeric(com.area_km2, errors="coerce").astype(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        rural = (pop / area < RURAL_DENSITY).astype(float)
    overseas = com.dep.astype(str).str.startswith("97").astype(float)
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


def _features(ctx: pd.DataFrame, variables) -> np.ndarray:
    """Standardised columns (z-scores over the level) in ``variables`` order."""
    cols = []
    for v in variables:
        x = ctx[v].to_numpy(dtype=float)
        if v in ("population", "density"):
            x = np.log10(np.where(np.isfinite(x) & (x > 0), x, 0.0) + 1.0)
        std = x.std()
        cols.append((x - x.mean()) / std if std > 0 else np.zeros_like(x))
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
    used = tuple(v for v in VARIABLES if weights.get(v, 0) > 0)
    ctx = _context(geo, level)
    if code not in ctx.index:
        raise KeyError(code)
    if not used or k <= 0:
        return ctx.iloc[:0].assign(code=[], distance=[])
    x = _matrix(geo, level, used)
    w = np.sqrt(np.array([weights[v] for v in used], dtype=float))
    i = ctx.index.get_loc(code)
    dist = np.sqrt((((x - x[i]) * w) ** 2).sum(axis=1))
    candidate = np.ones(len(ctx), dtype=bool)
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
