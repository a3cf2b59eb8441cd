"""Partnerships aggregated between territories (the map's partnership layer at low zoom).

A *partnership* here is what the map's individual lines draw
(:func:`ecosystem.render.mapview.partnership_lines`): a pair of actors of the view
that take part in at least one filtered project together. :func:`territory_flows`
groups those pairs by the territories of their two actors at one level: one row per
pair of territories, with the number of partnerships between them.

* A partnership of two actors of the same territory is no flow (no line).
* A–B and B–A are one pair of actors, and X–Y and Y–X one pair of territories
  (``code_a < code_b``).
* Both actors must lie in the view's territory (as for the individual lines), and
  have a territory at the level (an actor whose commune is unknown has none).
* Every filter of the view applies: the projects are those of ``fp``, the actors
  those of ``fa``.

Nothing is capped: there are at most 153 pairs of régions and 5,050 of départements.
"""

from __future__ import annotations

import pandas as pd

from ecosystem.analysis.view import View, level_column
from ecosystem.geo import is_zoning_level

#: the levels flows are offered at, coarsest first, and the levels below a scope
FLOW_LEVELS = ("region", "departement")


def flow_levels(filters) -> list[str]:
    """The levels the map aggregates partnerships at for a view: those strictly
    below its territory (all France: régions and départements; a région: its
    départements; a département or smaller, or a user zoning: none, the
    individual lines are few enough)."""
    scope = filters.scope
    if scope is None:
        return list(FLOW_LEVELS)
    if scope[0] in FLOW_LEVELS:
        return list(FLOW_LEVELS[FLOW_LEVELS.index(scope[0]) + 1:])
    return []


def territory_flows(view: View, level: str) -> pd.DataFrame:
    """Pairs of territories of ``level`` linked by partnerships of the view:
    ``code_a`` < ``code_b``, ``n`` partnerships (pairs of actors sharing at least
    one filtered project), ``projects`` (shared projects summed over those pairs);
    most partnerships first."""
    return flows_by_level(view, [level])[level]


def flows_by_level(view: View, levels) -> dict[str, pd.DataFrame]:
    """:func:`territory_flows` at several levels from one query: the pairs of actors
    are grouped once by the territories of both actors at every level (régions and
    départements at 100,000 actors: one pass instead of two), then rolled up per
    level. An actor needs a territory at each of ``levels``. The map's partnership
    layer gets the same from the query of its lines
    (:func:`ecosystem.render.mapview.partnerships`: the pairs computed once)."""
    levels = list(dict.fromkeys(levels))
    if not levels:
        return {}
    store, scope = view.store, view.filters.scope
    where, params = "TRUE", []
    if scope is not None:
        where, params = f"{level_column(scope[0])} = ?", [scope[1]]
    mine, mine_params = scope_members(scope)
    known = " AND ".join(f"{level_column(lv)} IS NOT NULL" for lv in levels)
    body = f"""
        , va AS MATERIALIZED (SELECT actor_id FROM fa WHERE ({where}) AND {known})
        , mem AS MATERIALIZED (SELECT DISTINCT m.project_id, m.actor_id FROM fma m
                  WHERE {mine} AND m.actor_id IN (SELECT actor_id FROM va))
        , {pairs_cte()}
        {flows_select(levels)}"""
    sql = view.sql(body, territory=False)
    return rollup(store.query(sql.text, sql.params + params + mine_params), levels)


def pairs_cte(carry: str = "") -> str:
    """The CTE ``pairs`` of the pairs of actors sharing projects, over CTE ``mem``
    (project_id, actor_id, …), which must be ``DISTINCT`` (an actor may take part in a
    project twice, as its lead and as a partner): each pair once (``id_a`` < ``id_b``)
    with its shared projects ``w``, counted by ``count(*)`` (half the cost of a
    ``DISTINCT`` count at national scale, where the pairs are millions). ``carry``:
    more columns of the pair, from ``mem x`` and ``mem y`` (each a property of the
    actor, so the pairs stay one row each), e.g. whether both ends are located."""
    more = f", {carry}" if carry else ""
    return f"""pairs AS MATERIALIZED (
            SELECT x.actor_id AS id_a, y.actor_id AS id_b{more}, count(*) AS w
            FROM mem x JOIN mem y ON x.project_id = y.project_id AND x.actor_id < y.actor_id
            GROUP BY ALL)"""


def scope_members(scope) -> tuple[str, list]:
    """SQL over ``fma m`` (the view's participations of its actors) keeping those of
    the actors of ``scope``, with its parameters: a test of the participation's own
    territory code (stored by it: only the scope's row groups are read), or for a
    user zoning's zone a test of its actors (``va``, the scope's actors)."""
    if scope is None:
        return "TRUE", []
    if is_zoning_level(scope[0]):
        return "m.actor_id IN (SELECT actor_id FROM va)", []
    return f"m.{level_column(scope[0])} = ?", [scope[1]]


def flows_select(levels) -> str:
    """``SELECT`` of the flows over CTE ``pairs``: one row per pair of territory
    tuples (``a<k>``, ``b<k>``: the codes of both actors at each of ``levels``) that
    differ at some level, with ``n`` pairs of actors and ``projects`` (their shared
    projects summed); both actors need a territory at every level."""
    cols = [level_column(lv) for lv in levels]
    known = " AND ".join(f"{c} IS NOT NULL" for c in cols)
    terr = ", ".join(f"{c} AS t{k}" for k, c in enumerate(cols))
    ends = ", ".join(f"a.t{k} AS a{k}, b.t{k} AS b{k}" for k in range(len(cols)))
    apart = " OR ".join(f"a.t{k} <> b.t{k}" for k in range(len(cols)))
    ends_of = f"(SELECT actor_id, {terr} FROM fa WHERE {known})"
    return f"""SELECT {ends}, count(*) AS n, sum(p.w) AS projects
        FROM pairs p JOIN {ends_of} a ON a.actor_id = p.id_a JOIN {ends_of} b ON b.actor_id = p.id_b
        WHERE {apart}
        GROUP BY ALL"""


def rollup(raw: pd.DataFrame, levels) -> dict[str, pd.DataFrame]:
    """The rows of :func:`flows_select` rolled up per level (see :func:`territory_flows`)."""
    out = {}
    for k, level in enumerate(levels):
        x, y = raw[f"a{k}"].astype(str), raw[f"b{k}"].astype(str)
        df = pd.DataFrame({"code_a": x.where(x < y, y), "code_b": y.where(x < y, x),
                           "n": raw.n, "projects": raw.projects})[(x != y).to_numpy()]
        df = df.groupby(["code_a", "code_b"], as_index=False)[["n", "projects"]].sum()
        df = df.astype({"n": "int64", "projects": "int64"})
        out[level] = df.sort_values(["n", "code_a", "code_b"], ascending=[False, True, True],
                                    ignore_index=True)
    return out
