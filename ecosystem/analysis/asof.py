"""The ecosystem *as of a year*: the SQL rules, in one place (docs/time.md).

A record counts as of year ``Y`` when the dates it carries say it existed then:

* an **actor** was created in or before ``Y`` (``creation_year <= Y``) and not closed
  by ``Y`` (no ``closing_year``, or ``closing_year > Y``). An actor without a
  creation year, or marked closed (``active = false``) without a closing year, cannot
  be placed in time: it is *left out* of every year, and counted as such;
* a **project** started in or before ``Y`` (``start_year <= Y``; without a start year it
  is left out). Its **stage as of Y** is the furthest stage reached by ``Y``: a stage's
  year is ``experimentation_year``, ``diffusion_year`` or ``evaluation_year`` (emergence
  is the start year); the project's current stage without a year counts from its start
  year; an earlier stage without a year is skipped. It is **active** as of ``Y`` when it
  ends in ``Y`` or later (``end_year >= Y``); without an end year, its ``active`` flag
  (true when empty) decides;
* a **funding** counts in the totals as of ``Y`` when its year is ``Y`` or before
  (cumulated); the per-year flows (funding growth) take the fundings of year ``Y``
  and of ``Y − 1``. A funding without a year is left out.

Everything here is SQL text over a projects alias (``d_projects`` columns) or an
actors alias (``d_actors`` columns); ``year`` is a SQL expression (a parameter
placeholder, a literal or a column such as the series' ``yr``).
"""

from __future__ import annotations

#: what a dated indicator is counted on, for its left-out records
BASES = ("actors", "projects", "fundings")


def stage(p: str, year: str) -> str:
    """The stage of project ``p`` as of ``year`` (see the module's rules)."""
    return (f"CASE WHEN {p}.stage = 'evaluation' AND coalesce({p}.evaluation_year, "
            f"{p}.start_year) <= {year} THEN 'evaluation' "
            f"WHEN {p}.stage IN ('evaluation', 'diffusion') AND coalesce({p}.diffusion_year, "
            f"CASE WHEN {p}.stage = 'diffusion' THEN {p}.start_year END) <= {year} "
            f"THEN 'diffusion' "
            f"WHEN {p}.stage IN ('evaluation', 'diffusion', 'experimentation') AND "
            f"coalesce({p}.experimentation_year, CASE WHEN {p}.stage = 'experimentation' "
            f"THEN {p}.start_year END) <= {year} THEN 'experimentation' "
            f"ELSE 'emergence' END")


def diffusion_reached(p: str) -> str:
    """The year project ``p`` reached diffusion (or went past it): its
    ``diffusion_year``, else (evaluation without a diffusion year) its
    ``evaluation_year``, else its start year when its current stage is diffusion or
    evaluation; NULL for a project still at emergence or experimentation."""
    return (f"CASE WHEN {p}.stage IN ('diffusion', 'evaluation') THEN coalesce("
            f"{p}.diffusion_year, CASE WHEN {p}.stage = 'evaluation' THEN {p}.evaluation_year END, "
            f"{p}.start_year) END")


def project_active(p: str, year: str) -> str:
    return (f"CASE WHEN {p}.end_year IS NOT NULL THEN {p}.end_year >= {year} "
            f"ELSE coalesce({p}.active, true) END")


def project_exists(p: str, year: str) -> str:
    return f"{p}.start_year <= {year}"


def actor_exists(a: str, year: str) -> str:
    return (f"({a}.creation_year <= {year} AND ({a}.closing_year > {year} OR "
            f"({a}.closing_year IS NULL AND coalesce({a}.active, true))))")


def actor_undated(a: str) -> str:
    """Actors no year can hold: no creation year, or closed at an unknown date."""
    return (f"({a}.creation_year IS NULL OR ({a}.closing_year IS NULL AND "
            f"NOT coalesce({a}.active, true)))")


def project_undated(p: str) -> str:
    return f"{p}.start_year IS NULL"


def fundings_until(fundings: str, year: str, projects: str = "") -> str:
    """Per project: the fundings of years ``<= year`` by origin (the totals as of
    ``year``), as ``project_id, funding_total, funding_public, funding_private,
    funding_earned``. ``projects``: an optional ``project_id IN (...)`` restriction."""
    where = f"f.year <= {year}" + (f" AND f.project_id IN ({projects})" if projects else "")
    return (f"SELECT f.project_id, sum(f.amount_eur) AS funding_total, "
            f"coalesce(sum(f.amount_eur) FILTER (WHERE f.origin = 'public'), 0) AS funding_public, "
            f"coalesce(sum(f.amount_eur) FILTER (WHERE f.origin = 'private'), 0) AS funding_private, "
            f"coalesce(sum(f.amount_eur) FILTER (WHERE f.origin = 'earned'), 0) AS funding_earned "
            f"FROM {fundings} f WHERE {where} GROUP BY 1")


FUNDING_COLUMNS = ("funding_total", "funding_public", "funding_private", "funding_earned")


def project_columns(p: str, year: str, fy: str) -> str:
    """``REPLACE`` list turning a project row into itself as of ``year``; ``fy`` is
    the alias of :func:`fundings_until` joined on ``project_id``."""
    funds = ", ".join(f"coalesce({fy}.{c}, 0) AS {c}" for c in FUNDING_COLUMNS)
    return (f"REPLACE ({stage(p, year)} AS stage, {project_active(p, year)} AS active, "
            f"{funds})")
