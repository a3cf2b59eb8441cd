"""Territory profile, ranking and comparison, over the indicator registry.

* :func:`parent` — the territory a profile is compared with (commune → EPCI,
  EPCI → département, département → région, région → France);
* :func:`references` — indicators of a territory beside its parent and France;
* :func:`top_actors`, :func:`top_projects` — who and what stands out in a scope;
* :func:`ranking` — every territory of a level sorted by one indicator;
* :func:`compare` — 2–4 territories of any levels side by side with France.

Every figure comes from :mod:`ecosystem.analysis.indicators` (one definition each), for
the current filters other than the territory scope.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ecosystem.analysis import indicators as ind
from ecosystem import vocabulary as voc
from ecosystem.analysis.view import Filters, View, level_column
from ecosystem.geo import LEVELS, Geography, is_zoning_level, parse_territory, territory_key

FRANCE = "france"
MAX_COMPARED = 4


def parent(geo: Geography, level: str, code: str) -> tuple[str, str] | None:
    """The territory above (None above a région or a user zoning's zone: France)."""
    if level == "region" or is_zoning_level(level):
        return None
    if level == "commune":
        epci = geo.parent("commune", code, "epci")
        return ("epci", epci) if epci else ("departement", geo.parent("commune", code, "departement"))
    above = "departement" if level == "epci" else "region"
    up = geo.parent(level, code, above)
    return (above, up) if up else None


def name_of(geo: Geography, scope: tuple[str, str] | None, france: str = "France") -> str:
    return france if scope is None else geo.name(*scope)


def values(view: View, scope: tuple[str, str] | None,
           ids: list[str]) -> pd.Series:
    """Indicators of one territory (France when ``scope`` is None), population included."""
    if scope is None:
        return ind.national(view, ids)
    return ind.for_territory(view, scope[0], scope[1], ids)


def references(view: View,
               scope: tuple[str, str] | None, ids: list[str] | None = None) -> pd.DataFrame:
    """One row per indicator: ``id``, ``territory``, ``parent``, ``france`` values
    (``parent`` is NaN for a région and for France itself)."""
    store = view.store
    ids = list(ids or ind.SQL_IDS)
    here = values(view, scope, ids)
    up = parent(store.geo, *scope) if scope else None
    above = values(view, up, ids) if up else None
    france = here if scope is None else ind.national(view, ids)
    return pd.DataFrame({
        "id": ids,
        "territory": [here[i] for i in ids],
        "parent": [above[i] if above is not None else np.nan for i in ids],
        "france": [france[i] for i in ids],
    })


def _value_columns(refs: pd.DataFrame, territory: str, parent: str | None, national: bool,
                   lang: str, taken: set[str]) -> list[tuple[str, pd.Series]]:
    """The value columns of a profile table, each with a distinct name: the territory,
    its parent (when it has one), France (when the territory is not France)."""
    from ecosystem.i18n import t

    values = [(territory, refs.territory)]
    if parent:
        values.append((parent, refs.parent))
    if not national:
        values.append((t("scope.france", lang), refs.france))
    out = []
    for label, series in values:
        name, k = label, 2
        while name in taken:
            name, k = f"{label} ({k})", k + 1
        taken.add(name)
        out.append((name, series))
    return out


def figures_export(refs: pd.DataFrame, territory: str, parent: str | None = None,
                   national: bool = False, lang: str = "fr") -> pd.DataFrame:
    """:func:`references` as the "all indicators" download: ``id``, ``indicator``,
    ``unit``, the territory's values, its parent's (when it has one), France's (when
    the territory is not France) and the ``definition``. Column names are distinct:
    France's own profile has a single value column, and a territory named like its
    parent (Guadeloupe, département and région) gets its level in the header."""
    cols = {"id": refs.id,
            "indicator": [ind.get(i).label(lang) for i in refs.id],
            "unit": [ind.get(i).unit(lang) for i in refs.id]}
    for name, series in _value_columns(refs, territory, parent, national, lang,
                                       set(cols) | {"definition"}):
        cols[name] = series.to_numpy()
    cols["definition"] = [ind.get(i).definition(lang) for i in refs.id]
    return pd.DataFrame(cols)


def figures_table(refs: pd.DataFrame, territory: str, parent: str | None = None,
                  national: bool = False, lang: str = "fr") -> pd.DataFrame:
    """:func:`references` as shown on the profile: indicator, the values formatted in
    ``lang`` (territory, parent, France; distinct column names as in
    :func:`figures_export`) and the unit, in the language's headers."""
    from ecosystem.i18n import t

    indicator, unit = t("report.col.indicator", lang), t("report.col.unit", lang)
    cols = {indicator: [ind.get(i).label(lang) for i in refs.id]}
    for name, series in _value_columns(refs, territory, parent, national, lang, {indicator, unit}):
        cols[name] = [ind.format_value(i, v, lang) for i, v in zip(refs.id, series)]
    cols[unit] = [ind.get(i).unit(lang) for i in refs.id]
    return pd.DataFrame(cols)


def top_actors(view: View, limit: int = 10) -> pd.DataFrame:
    """Actors of the scope with the most participations (lead or partner) in the
    filtered projects, wherever those projects are; ties by partnership links."""
    from ecosystem import access

    if limit:  # no row (limit 0) is the empty table of an aggregates-only view
        access.require_records(view)
    store, filters = view.store, view.filters
    scope = filters.scope
    where, params, mine = "TRUE", [], "TRUE"
    if scope:
        where, params = f"a.{level_column(scope[0])} = ?", [scope[1]]
        # the scope's participations: their actor's territory codes are stored with
        # them, by territory (only the scope's row groups are read); a user zoning's
        # zone is not: its actors' participations
        mine = "m.actor_id IN (SELECT actor_id FROM va)" if is_zoning_level(scope[0]) \
            else f"m.{level_column(scope[0])} = ?"
        params += [] if is_zoning_level(scope[0]) else [scope[1]]
    # fma: the participations of the view's actors in its filtered projects
    if filters.has_project_filter and not (scope and is_zoning_level(scope[0])):
        # every actor of the view takes part in one of them: the actors are those of
        # the scope's participations (no test of every actor of France against all
        # France's participations), their names read from the scope's row groups
        body = f"""
        , part AS (SELECT m.actor_id, count(*) AS projects, sum(m.n_members - 1) AS links
                   FROM fma m WHERE {mine} GROUP BY 1)
        SELECT a.actor_id, a.name, a.actor_type, a.commune_code, p.projects, p.links
        FROM part p JOIN (SELECT actor_id, name, actor_type, commune_code
                          FROM {view.ref.derived('d_actors')} a WHERE {where}) a USING (actor_id)
        ORDER BY projects DESC, links DESC, a.name LIMIT {int(limit)}"""
        sql = view.sql(body, territory=False)
        return store.query(sql.text, sql.params + params[1:] + params[:1])
    body = f"""
        , va AS MATERIALIZED (SELECT a.actor_id, a.name, a.actor_type, a.commune_code
                              FROM fa a WHERE {where})
        , part AS (SELECT m.actor_id, count(*) AS projects, sum(m.n_members - 1) AS links
                   FROM fma m WHERE {mine} GROUP BY 1)
        SELECT a.actor_id, a.name, a.actor_type, a.commune_code,
               coalesce(p.projects, 0) AS projects, coalesce(p.links, 0) AS links
        FROM va a LEFT JOIN part p USING (actor_id)
        ORDER BY projects DESC, links DESC, a.name LIMIT {int(limit)}"""
    sql = view.sql(body, territory=False)
    return store.query(sql.text, sql.params + params)


def top_projects(view: View,
                 limit: int = 10) -> pd.DataFrame:
    """Projects of the scope with the most funding (then beneficiaries)."""
    from ecosystem import access

    if limit:  # no row (limit 0) is the empty table of an aggregates-only view
        access.require_records(view)
    store, ref = view.store, view.ref
    order = "p.funding_total DESC, p.beneficiaries DESC NULLS LAST, p.title"
    # the top projects first, then their leads' names (not a join over every project)
    body = f"""
        SELECT p.project_id, p.title, p.lead_actor_id, a.name AS lead, p.stage, p.domains,
               p.commune_code, p.funding_total, p.beneficiaries, p.jobs_fte, p.n_members
        FROM (SELECT * FROM fp p ORDER BY {order} LIMIT {int(limit)}) p
        LEFT JOIN {ref.actors} a ON a.actor_id = p.lead_actor_id
        ORDER BY {order}"""
    sql = view.sql(body)
    return store.query(sql.text, sql.params)


def commune_names(geo: Geography, codes: pd.Series) -> pd.Series:
    """Commune names for a column of commune codes (empty when missing)."""
    return codes.map(lambda c: geo.name("commune", c) if isinstance(c, str) else "")


def actors_table(actors: pd.DataFrame, geo: Geography, lang: str) -> pd.DataFrame:
    """:func:`top_actors` with labels and column names for people (UI, exports, reports)."""
    from ecosystem.i18n import t

    return pd.DataFrame({
        t("col.name", lang): actors.name,
        t("col.type", lang): actors.actor_type.map(lambda c: voc.ACTOR_TYPES.label(c, lang)),
        t("col.commune", lang): commune_names(geo, actors.commune_code),
        t("report.col.projects", lang): actors.projects.astype(int)})


def projects_table(projects: pd.DataFrame, lang: str) -> pd.DataFrame:
    """:func:`top_projects` with labels and column names for people (amounts stay numbers)."""
    from ecosystem.i18n import t

    return pd.DataFrame({
        t("col.project", lang): projects.title,
        t("report.col.lead", lang): projects["lead"].fillna(""),
        t("col.stage", lang): projects.stage.map(lambda c: voc.STAGES.label(c, lang)),
        t("report.col.funding", lang): projects.funding_total,
        t("report.col.beneficiaries", lang): projects.beneficiaries})


def ranking_within(filters: Filters, level: str) -> tuple[str, str] | None:
    """The scope limits a ranking of ``level`` only when it lies above that level."""
    scope = filters.scope
    if scope and scope[0] in LEVELS and level in LEVELS and \
            LEVELS.index(scope[0]) < LEVELS.index(level):
        return scope
    return None


def ranking(view: View, indicator: str,
            level: str | None = None) -> pd.DataFrame:
    """Every territory of ``level`` (default: the filters' level, within the scope
    when it lies above) sorted by ``indicator``, best first, undefined values
    last; ``rank`` is 1 for the highest value (ties share a rank)."""
    filters = view.filters
    level = level or filters.level
    ids = list(dict.fromkeys([indicator, "actors", "projects"]))
    df = ind.compute(view, level, ids, within=ranking_within(filters, level))
    df = df[["code", "name", "population", *ids]]
    df = df.sort_values([indicator, "name"], ascending=[False, True], na_position="last")
    df.insert(0, "rank", df[indicator].rank(method="min", ascending=False).astype("Int64"))
    return df.reset_index(drop=True)


def parse_keys(raw: str | list[str] | None, geo: Geography) -> list[str]:
    """Territory keys (``level:code``) from a URL value, known ones only, at most 4."""
    if isinstance(raw, str):
        raw = raw.split(",")
    out = []
    for key in raw or []:
        parsed = parse_territory(key.strip())
        if parsed and geo.exists(*parsed):
            k = territory_key(*parsed)
            if k not in out:
                out.append(k)
    return out[:MAX_COMPARED]


def compare(view: View, keys: list[str],
            ids: list[str]) -> pd.DataFrame:
    """Territories (``level:code`` keys) and France side by side: one row per
    territory (``key``, ``level``, ``code``, ``name``, ``population`` and the
    indicators), France last with key ``france``."""
    rows = []
    for key in keys:
        level, code = parse_territory(key)
        s = ind.for_territory(view, level, code, ids)
        rows.append({"key": key, "level": level, "code": code, "name": s["name"],
                     "population": s["population"], **{i: s[i] for i in ids}})
    n = ind.national(view, ids)
    rows.append({"key": FRANCE, "level": FRANCE, "code": "FR", "name": n["name"],
                 "population": n["population"], **{i: n[i] for i in ids}})
    return pd.DataFrame(rows)


def index_vs_france(table: pd.DataFrame, ids: list[str]) -> pd.DataFrame:
    """Long table (key, name, id, value, index) where index = value / France × 100
    (undefined when France's value is 0 or undefined)."""
    france = table.set_index("key").loc[FRANCE]
    rows = []
    for r in table.itertuples(index=False):
        for i in ids:
            v, ref_v = getattr(r, i), france[i]
            ok = pd.notna(v) and pd.notna(ref_v) and ref_v != 0
            rows.append({"key": r.key, "name": r.name, "id": i, "value": v,
                         "index": float(v) / float(ref_v) * 100 if ok else np.nan})
    return pd.DataFrame(rows)
