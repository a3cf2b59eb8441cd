"""Indicators through time: a registry indicator as of each of several years.

:func:`series` computes one indicator for a list of years and a set of territories
(or France) in **one query**: the view's filtered sets are expanded to one row per
(record, year) where the record existed that year (:mod:`ecosystem.analysis.asof`),
grouped by ``territory|year`` with the registry's own base aggregates
(:func:`ecosystem.analysis.indicators._base_sql`), then the indicator's SQL
expression. Each point says how many records were left out because they carry no
usable date (``left_out``; the same for every year of a territory: a record without a
date belongs to no year). Populations are the legal populations of the shipped
geography for every year.
"""

from __future__ import annotations

import re

import pandas as pd

from ecosystem.analysis import asof
from ecosystem.analysis import indicators as ind
from ecosystem.analysis.view import View, level_column

#: the aggregate CTE of :func:`indicators._base_sql` each base column comes from
#: (``p_agg`` for the others); a series joins only the ones its indicator reads
_SOURCES = {
    "a_agg": ("n_actors", "n_associations", "n_actor_types", "n_new_actors",
              "declared_assoc_company"),
    "e_agg": ("n_establishments", "n_ess_establishments", "n_ess_employers", "ess_jobs",
              "ess_jobs_low", "ess_jobs_high"),
    "f_agg": ind.FLOW_COLUMNS,
    "c_agg": ("n_all_establishments",),  # empty in a series: the counts are of one date
}
_CODE = re.compile(r"^[0-9A-Za-z]{1,12}$")


def _columns(expr: str) -> list[str]:
    return [c for c in ind.BASE_COLUMNS if re.search(rf"\b{c}\b", expr)]


def _source(column: str, project_filter: bool) -> str:
    if column == "actor_links":
        return "links_of_actors" if project_filter else "a_agg"
    return next((cte for cte, cols in _SOURCES.items() if column in cols), "p_agg")


def _codes_sql(codes) -> str:
    bad = [c for c in codes if not _CODE.match(str(c))]
    if bad:
        raise ValueError(f"not a territory code: {bad[0]!r}")
    return ", ".join(f"'{c}'" for c in codes)


#: base columns that are sums over records each present during an interval of years
#: ``[from, to)``: a series of them needs no expansion by year — the records are
#: grouped by (territory, from, to), then the few groups summed per year. ``source``
#: is ``a`` (actors of ``fa``), ``p`` (projects of ``fp``) or ``f`` (fundings of
#: ``fp``'s projects); SQL over those aliases (see :mod:`ecosystem.analysis.asof`).
_E1 = ("CASE WHEN p.stage IN ('experimentation', 'diffusion', 'evaluation') THEN "
       "coalesce(p.experimentation_year, CASE WHEN p.stage = 'experimentation' "
       "THEN p.start_year END) END")
_E2 = ("CASE WHEN p.stage IN ('diffusion', 'evaluation') THEN coalesce(p.diffusion_year, "
       "CASE WHEN p.stage = 'diffusion' THEN p.start_year END) END")
_E3 = "CASE WHEN p.stage = 'evaluation' THEN coalesce(p.evaluation_year, p.start_year) END"
_NEVER = "9999"


def _until(*years: str) -> str:
    return f"least({', '.join(f'coalesce({y}, {_NEVER})' for y in years)})"


_ALIVE = f"NOT {asof.actor_undated('a')}"
_STARTED = "p.start_year IS NOT NULL"
_REACHED = asof.diffusion_reached("p")
_INTERVALS: dict[str, tuple[str, str, str, str, str]] = {
    # column: (source, value, from, to, condition)
    "n_actors": ("a", "1", "a.creation_year", f"coalesce(a.closing_year, {_NEVER})", _ALIVE),
    "n_associations": ("a", "(a.actor_type = 'association')::INTEGER", "a.creation_year",
                       f"coalesce(a.closing_year, {_NEVER})", _ALIVE),
    "n_new_actors": ("a", "1", "a.creation_year", "a.creation_year + 1",
                     f"{_ALIVE} AND coalesce(a.closing_year > a.creation_year, true)"),
    "n_projects": ("p", "1", "p.start_year", _NEVER, _STARTED),
    "beneficiaries": ("p", "coalesce(p.beneficiaries, 0)", "p.start_year", _NEVER, _STARTED),
    "jobs_fte": ("p", "coalesce(p.jobs_fte, 0)", "p.start_year", _NEVER, _STARTED),
    "volunteers": ("p", "coalesce(p.volunteers, 0)", "p.start_year", _NEVER, _STARTED),
    "links": ("p", "p.links", "p.start_year", _NEVER, _STARTED),
    "links_cross": ("p", "p.links_cross", "p.start_year", _NEVER, _STARTED),
    "n_research": ("p", "p.has_research::INTEGER", "p.start_year", _NEVER, _STARTED),
    "n_active": ("p", "1", "p.start_year",
                 f"CASE WHEN p.end_year IS NOT NULL THEN p.end_year + 1 "
                 f"WHEN coalesce(p.active, true) THEN {_NEVER} ELSE p.start_year END", _STARTED),
    "n_emergence": ("p", "1", "p.start_year", _until(_E1, _E2, _E3), _STARTED),
    "n_experimentation": ("p", "1", f"greatest({_E1}, p.start_year)", _until(_E2, _E3),
                          f"{_STARTED} AND {_E1} IS NOT NULL"),
    "n_diffusion": ("p", "1", f"greatest({_E2}, p.start_year)", _until(_E3),
                    f"{_STARTED} AND {_E2} IS NOT NULL"),
    "n_evaluation": ("p", "1", f"greatest({_E3}, p.start_year)", _NEVER,
                     f"{_STARTED} AND {_E3} IS NOT NULL"),
    "n_reach_diffusion": ("p", "1", _REACHED, f"{_REACHED} + 1",
                          f"{_STARTED} AND p.start_year <= {_REACHED}"),
    # fundings: ``f`` is the fundings of fp's projects with their project's start year
    **{f"funding_{o}": ("f", "f.amount_eur" if o == "total" else
                        f"CASE WHEN f.origin = '{o}' THEN f.amount_eur ELSE 0 END",
                        "greatest(f.year, f.start_year)", _NEVER,
                        "f.start_year IS NOT NULL AND f.year IS NOT NULL")
       for o in ("total", "public", "private", "earned")},
    "funding_year": ("f", "f.amount_eur", "f.year", "f.year + 1", "f.start_year <= f.year"),
    "funding_prev_year": ("f", "f.amount_eur", "f.year + 1", "f.year + 2",
                          "f.start_year <= f.year + 1"),
}


def _by_intervals(ref, needed: list[str], key_a: str, key_p: str, where_a: str,
                  where_p: str) -> str:
    """CTEs ``iv_<column>`` (code, yr, value) of the interval columns, and ``ivals``
    joining them per ``code`` = ``territory|year`` (after ``yrs``)."""
    ctes = []
    if any(_INTERVALS[c][0] == "f" for c in needed):  # the join once for every column
        ctes.append(f", fjoin AS MATERIALIZED (SELECT {key_p} AS tcode, p.start_year, f.year, "
                    f"f.origin, f.amount_eur FROM {ref.table('fundings')} f "
                    f"JOIN fp p USING (project_id) WHERE {where_p})")
    for c in needed:
        source, value, start, stop, cond = _INTERVALS[c]
        key, where = {"a": (key_a, where_a), "p": (key_p, where_p), "f": ("f.tcode", "TRUE")}[source]
        src = {"a": "fa a", "p": "fp p", "f": "fjoin f"}[source]
        ctes.append(
            f", iv_{c} AS (SELECT g.tcode || '|' || y.yr AS code, sum(g.v) AS {c} FROM ("
            f"SELECT {key} AS tcode, {start} AS y0, {stop} AS y1, sum({value}) AS v "
            f"FROM {src} WHERE {where} AND {cond} GROUP BY 1, 2, 3) g "
            f"JOIN yrs y ON g.y0 <= y.yr AND y.yr < g.y1 GROUP BY 1)")
    return "".join(ctes)


def series(view: View, indicator_id: str, years, level: str | None = None,
           codes=None, *, fast: bool = True) -> pd.DataFrame:
    """``indicator_id`` as of each of ``years`` for the territories ``codes`` of
    ``level`` (every territory of the level when ``codes`` is None), or for France
    when ``level`` is None, under the view's other filters (its territory and as-of
    year are ignored).

    One row per (territory, year): ``code``, ``name``, ``year``, ``value``,
    ``left_out`` (records of the indicator's base — actors, projects or fundings,
    :data:`indicators.DATED` — that no year can hold) and ``population``.

    When every base aggregate the indicator reads is a sum over records present
    during an interval of years (:data:`_INTERVALS`: counts of actors and projects,
    stages, active projects, results, fundings, flows), the records are grouped by
    (territory, first year, year after the last) and those groups summed per year:
    one scan, no expansion. Otherwise (or ``fast=False``) the sets are expanded to
    one row per (record, year) and the registry's aggregates run on them. Both give
    the same values (tests/test_time.py)."""
    if indicator_id not in ind.DATED:
        raise ValueError(f"indicator {indicator_id!r} cannot be dated")
    indicator = ind.INDICATORS[indicator_id]
    years = sorted({int(y) for y in years})
    if not years:
        raise ValueError("no year")
    # at the series' level (a user zoning's zone column exists only at its level)
    base_view = View(view.store, view.ref, view.filters.with_(
        as_of=None, territory=None, level=level or view.filters.level))
    pf = base_view.filters.has_project_filter
    ref = view.ref
    yrs = ", ".join(str(y) for y in years)
    if level is None:
        key_p = key_a = "'FR'"
        where_p = where_a = "TRUE"
        territories = ("SELECT 'FR' AS tcode, 'France' AS name, "
                       "(SELECT sum(population) FROM geo_communes) AS population, y.yr, "
                       "'FR|' || y.yr AS code FROM yrs y")
    else:
        col = level_column(level)
        key_p, key_a = f"p.{col}", f"a.{col}"
        listed = f" IN ({_codes_sql(codes)})" if codes is not None else " IS NOT NULL"
        if codes is not None and not list(codes):
            raise ValueError("no territory")
        where_p, where_a = f"p.{col}{listed}", f"a.{col}{listed}"
        level_sql = _codes_sql([level])
        territories = (f"SELECT t.code AS tcode, t.name, t.population, y.yr, "
                       f"t.code || '|' || y.yr AS code FROM {ind.territory_relation(level)} t, yrs y "
                       f"WHERE t.level = {level_sql}"
                       + (f" AND t.code IN ({_codes_sql(codes)})" if codes is not None else ""))
    fundings = ref.table("fundings")
    basis = ind.DATED[indicator_id]
    left_out = {
        "actors": f"SELECT {key_a} AS tcode, count(*) AS n FROM fa a "
                  f"WHERE {where_a} AND {asof.actor_undated('a')} GROUP BY 1",
        "projects": f"SELECT {key_p} AS tcode, count(*) AS n FROM fp p "
                    f"WHERE {where_p} AND {asof.project_undated('p')} GROUP BY 1",
        "fundings": f"SELECT {key_p} AS tcode, count(*) AS n FROM {fundings} f "
                    f"JOIN fp p USING (project_id) WHERE {where_p} AND f.year IS NULL GROUP BY 1",
    }[basis]
    needed = _columns(indicator.expr)
    defaults = ", ".join(f"coalesce({c}, {d}) AS {c}" if (d := ind.BASE_COLUMNS[c]) is not None
                         else c for c in needed)
    if fast and needed and all(c in _INTERVALS for c in needed):
        body = f"""
    , yrs AS (SELECT unnest([{yrs}]) AS yr)
    {_by_intervals(ref, needed, key_a, key_p, where_a, where_p)}
    , lo AS ({left_out})
    SELECT tcode AS code, name, yr AS year, population, {indicator.expr} AS value,
           coalesce(lo.n, 0) AS left_out
    FROM (SELECT t.tcode, t.name, t.population, t.yr, {defaults}
          FROM ({territories}) t
          {' '.join(f'LEFT JOIN iv_{c} USING (code)' for c in needed)}) b
    LEFT JOIN lo USING (tcode)
    ORDER BY code, year"""
        return _run(view, base_view, body)
    sources = sorted({_source(c, pf) for c in needed})
    body = f"""
    , yrs AS (SELECT unnest([{yrs}]) AS yr)
    , fp_in AS (SELECT * FROM fp p WHERE {where_p})
    , fyears AS (SELECT f.project_id, y.yr, sum(f.amount_eur) AS funding_total,
                        sum(f.amount_eur) FILTER (WHERE f.origin = 'public') AS funding_public,
                        sum(f.amount_eur) FILTER (WHERE f.origin = 'private') AS funding_private,
                        sum(f.amount_eur) FILTER (WHERE f.origin = 'earned') AS funding_earned
                 FROM {fundings} f SEMI JOIN fp_in USING (project_id)
                 JOIN yrs y ON f.year <= y.yr GROUP BY 1, 2)
    , fpy AS (SELECT p.* {asof.project_columns('p', 'y.yr', 'fy')},
                     y.yr, {key_p} || '|' || y.yr AS ykey
              FROM fp_in p JOIN yrs y ON {asof.project_exists('p', 'y.yr')}
              LEFT JOIN fyears fy ON fy.project_id = p.project_id AND fy.yr = y.yr)
    , fay AS (SELECT a.* REPLACE (true AS active), y.yr, {key_a} || '|' || y.yr AS ykey
              FROM fa a JOIN yrs y ON {asof.actor_exists('a', 'y.yr')} WHERE {where_a})
    {ind._base_sql(ref, 'ykey', pf, year='yr', fp='fpy', fa='fay')}
    , lo AS ({left_out})
    SELECT tcode AS code, name, yr AS year, population, {indicator.expr} AS value,
           coalesce(lo.n, 0) AS left_out
    FROM (SELECT t.tcode, t.name, t.population, t.yr{', ' if defaults else ''}{defaults}
          FROM ({territories}) t
          {' '.join(f'LEFT JOIN {s} USING (code)' for s in sources)}) b
    LEFT JOIN lo USING (tcode)
    ORDER BY code, year"""
    return _run(view, base_view, body)


def _run(view: View, base_view: View, body: str) -> pd.DataFrame:
    sql = base_view.sql(body, territory=False)
    df = view.store.query(sql.text, sql.params)
    df["year"] = df["year"].astype(int)
    df["left_out"] = df["left_out"].astype(int)
    return df


def left_out(view: View) -> dict[str, int]:
    """The view's actors and projects (its as-of year ignored, its other filters and
    territory kept) that no year can hold: the records left out of every point of a
    series and of the map at any year (``asof.actor_undated``, ``project_undated``)."""
    base = view.with_(as_of=None)
    df = base.query(f"SELECT (SELECT count(*) FROM fa a WHERE {asof.actor_undated('a')}) AS actors, "
                    f"(SELECT count(*) FROM fp p WHERE {asof.project_undated('p')}) AS projects")
    return {k: int(df[k].iat[0]) for k in ("actors", "projects")}


def year_range(store, ref) -> tuple[int, int] | None:
    """The years the inventory's dates span: the first creation or start year to
    the last creation, closing, start, end, stage or funding year (within the years
    a filter accepts); None when nothing is dated."""
    from ecosystem.analysis.view import YEAR_MAX, YEAR_MIN

    a, p, f = ref.table("actors"), ref.table("projects"), ref.table("fundings")
    lo, hi = store.query(
        f"SELECT min(lo), max(hi) FROM ("
        f"SELECT min(creation_year) AS lo, max(greatest(creation_year, closing_year)) AS hi "
        f"FROM {a} UNION ALL SELECT min(start_year), max(greatest(start_year, end_year, "
        f"experimentation_year, diffusion_year, evaluation_year)) FROM {p} "
        f"UNION ALL SELECT NULL, max(year) FROM {f})").iloc[0]
    if pd.isna(lo) or pd.isna(hi):
        return None
    lo, hi = max(int(lo), YEAR_MIN - 200), min(int(hi), YEAR_MAX + 50)
    return (lo, hi) if lo <= hi else None


def default_years(store, ref, n: int = 15) -> list[int]:
    """The last ``n`` years the inventory's dates reach (fewer when they span less);
    empty when nothing is dated."""
    span = year_range(store, ref)
    if span is None:
        return []
    lo, hi = span
    return list(range(max(lo, hi - n + 1), hi + 1))
