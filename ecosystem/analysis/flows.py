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
    level. An actor needs a territory at each of ``levels``."""
    levels = list(dict.fromkeys(levels))
    if not levels:
        return {}
    store, ref, scope = view.store, view.ref, view.filters.scope
    cols = [level_column(lv) for lv in levels]
    where, params = "TRUE", []
    if scope is not None:
        where, params = f"{level_column(scope[0])} = ?", [scope[1]]
    known = " AND ".join(f"{c} IS NOT NULL" for c in cols)
    terr = ", ".join(f"{c} AS t{k}" for k, c in enumerate(cols))
    ends = ", ".join(f"a.t{k} AS a{k}, b.t{k} AS b{k}" for k in range(len(cols)))
    apart = " OR ".join(f"a.t{k} <> b.t{k}" for k in range(len(cols)))
    body = f"""
        , va AS MATERIALIZED (SELECT actor_id, {terr} FROM fa WHERE ({where}) AND {known})
        , mem AS MATERIALIZED (SELECT m.project_id, m.actor_id FROM {ref.derived('d_members')} m
                  SEMI JOIN fp USING (project_id) SEMI JOIN va USING (actor_id))
        , pairs AS (SELECT x.actor_id AS id_a, y.actor_id AS id_b,
                           count(DISTINCT x.project_id) AS w
                    FROM mem x JOIN mem y ON x.project_id = y.project_id AND x.actor_id < y.actor_id
                    GROUP BY 1, 2)
        SELECT {ends}, count(*) AS n, sum(p.w) AS projects
        FROM pairs p JOIN va a ON a.actor_id = p.id_a JOIN va b ON b.actor_id = p.id_b
        WHERE {apart}
        GROUP BY ALL"""
    sql = view.sql(body, territory=False)
    raw = store.query(sql.text, sql.params + params)
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
