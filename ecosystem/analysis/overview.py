"""Key figures of an inventory for the current view (home page, reports)."""

from __future__ import annotations

import pandas as pd

from ecosystem.analysis.view import View


def key_figures(view: View) -> dict:
    """Actors, projects, collaborations (distinct actor pairs sharing a project),
    total funding and population of the scope."""
    store, ref, f = view.store, view.ref, view.filters
    body = f"""
        , members AS (
            SELECT project_id, lead_actor_id AS actor_id FROM fp
            UNION SELECT pa.project_id, pa.actor_id FROM {ref.table('partners')} pa
            WHERE pa.project_id IN (SELECT project_id FROM fp))
        SELECT
          (SELECT count(*) FROM fa) AS actors,
          (SELECT count(*) FROM fp) AS projects,
          (SELECT count(*) FROM (SELECT DISTINCT least(m1.actor_id, m2.actor_id),
                                        greatest(m1.actor_id, m2.actor_id)
                                 FROM members m1 JOIN members m2
                                   ON m1.project_id = m2.project_id AND m1.actor_id < m2.actor_id))
             AS collaborations,
          (SELECT coalesce(sum(amount_eur), 0) FROM {ref.table('fundings')}
            WHERE project_id IN (SELECT project_id FROM fp)) AS funding_eur
    """
    sql = view.sql(body)
    row = store.query(sql.text, sql.params).iloc[0].to_dict()
    scope = f.scope
    row["population"] = store.geo.population(*scope) if scope else store.geo.population("france")
    return {k: (int(v) if k != "funding_eur" else float(v)) for k, v in row.items()}


def count_by(view: View, what: str) -> pd.DataFrame:
    """Counts by actor type (``what="actor_type"``) or project stage (``"stage"``)."""
    store = view.store
    if what == "actor_type":
        body = "SELECT actor_type AS code, count(*) AS n FROM fa GROUP BY 1 ORDER BY n DESC"
    elif what == "stage":
        body = "SELECT stage AS code, count(*) AS n FROM fp GROUP BY 1"
    elif what == "domain":
        body = ("SELECT d AS code, count(*) AS n FROM (SELECT unnest(domains) AS d FROM fp) "
                "GROUP BY 1 ORDER BY n DESC")
    else:
        raise ValueError(what)
    sql = view.sql(body)
    return store.query(sql.text, sql.params)


def by_region(view: View) -> pd.DataFrame:
    """Actors and projects per région, with population and actors per 10,000 inhabitants."""
    store = view.store
    body = """
        SELECT t.code, t.name, t.population,
               coalesce(a.n, 0) AS actors, coalesce(p.n, 0) AS projects,
               CASE WHEN t.population > 0 THEN coalesce(a.n, 0) * 10000.0 / t.population END
                 AS actors_per_10k
        FROM geo_territories t
        LEFT JOIN (SELECT reg, count(*) AS n FROM fa GROUP BY 1) a ON a.reg = t.code
        LEFT JOIN (SELECT reg, count(*) AS n FROM fp GROUP BY 1) p ON p.reg = t.code
        WHERE t.level = 'region' ORDER BY t.code"""
    sql = view.sql(body)
    return store.query(sql.text, sql.params)


def extent(view: View) -> tuple[float, float, float, float] | None:
    """The box of the view's located actors (south, west, north, east): their
    coordinates, else their commune's centre; overseas actors are left out unless
    there are only overseas ones (a box from Guadeloupe to Lorraine shows nothing).
    None when no actor is located."""
    df = view.query("""
        SELECT coalesce(fa.lat, c.lat) AS lat, coalesce(fa.lon, c.lon) AS lon,
               coalesce(fa.dep, c.dep, '') LIKE '97%' AS overseas
        FROM fa LEFT JOIN geo_communes c ON c.code = fa.commune_code
        WHERE coalesce(fa.lat, c.lat) IS NOT NULL""")
    if df.empty:
        return None
    main = df[~df.overseas.astype(bool)]
    df = main if len(main) else df
    return (float(df.lat.min()), float(df.lon.min()), float(df.lat.max()), float(df.lon.max()))
