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
    store, ref, scope = view.store, view.ref, view.filters.scope
    col = level_column(level)
    where, params = "TRUE", []
    if scope is not None:
        where, params = f"{level_column(scope[0])} = ?", [scope[1]]
    body = f"""
        , va AS MATERIALIZED (SELECT actor_id, {col} AS terr FROM fa
                              WHERE ({where}) AND {col} IS NOT NULL)
        , mem AS MATERIALIZED (SELECT m.project_id, m.actor_id FROM {ref.derived('d_members')} m
                  SEMI JOIN fp USING (project_id) SEMI JOIN va USING (actor_id))
        , pairs AS (SELECT x.actor_id AS id_a, y.actor_id AS id_b,
                           count(DISTINCT x.project_id) AS w
                    FROM mem x JOIN mem y ON x.project_id = y.project_id AND x.actor_id < y.actor_id
                    GROUP BY 1, 2)
        SELECT least(a.terr, b.terr) AS code_a, greatest(a.terr, b.terr) AS code_b,
               count(*) AS n, sum(p.w) AS projects
        FROM pairs p JOIN va a ON a.actor_id = p.id_a JOIN va b ON b.actor_id = p.id_b
        WHERE a.terr <> b.terr
        GROUP BY 1, 2 ORDER BY n DESC, code_a, code_b"""
    sql = view.sql(body, territory=False)
    df = store.query(sql.text, sql.params + params)
    return df.astype({"n": "int64", "projects": "int64"})
