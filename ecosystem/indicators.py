"""Territory indicators: one registry read by the UI, exports and tests.

Each :class:`Indicator` has an id, FR/EN labels and units, a written
definition, a human-readable formula and the SQL expression that computes it
from per-territory base aggregates (:data:`BASE`). :func:`compute` returns the
indicators of every territory of a level for the current filters, with real
populations, in one DuckDB query.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from .filters import LEVEL_COLUMN, Filters, scoped
from .store import InventoryRef, Store


@dataclass(frozen=True)
class Indicator:
    id: str
    group: str
    label_fr: str
    label_en: str
    unit_fr: str
    unit_en: str
    definition_fr: str
    definition_en: str
    formula: str
    expr: str
    decimals: int = 1

    def label(self, lang: str = "fr") -> str:
        return self.label_en if lang == "en" else self.label_fr

    def unit(self, lang: str = "fr") -> str:
        return self.unit_en if lang == "en" else self.unit_fr

    def definition(self, lang: str = "fr") -> str:
        return self.definition_en if lang == "en" else self.definition_fr


#: per-territory aggregates the indicator expressions may use, by source CTE
BASE = {
    "fa": {"n_actors": "count(*)"},
    "fp": {"n_projects": "count(*)"},
}

INDICATORS: dict[str, Indicator] = {i.id: i for i in (
    Indicator("actors", "actors", "Acteurs", "Actors", "acteurs", "actors",
              "Nombre d'acteurs de l'inventaire situés dans le territoire (filtres appliqués).",
              "Number of inventory actors located in the territory (filters applied).",
              "n_actors", "n_actors", 0),
    Indicator("actors_per_10k", "actors", "Acteurs pour 10 000 habitants",
              "Actors per 10,000 inhabitants", "pour 10 000 hab.", "per 10,000 inh.",
              "Nombre d'acteurs rapporté à la population municipale légale (INSEE), pour 10 000 "
              "habitants. Non défini si la population est nulle.",
              "Number of actors divided by the legal municipal population (INSEE), per 10,000 "
              "inhabitants. Undefined when the population is zero.",
              "n_actors / population × 10 000",
              "CASE WHEN population > 0 THEN n_actors * 10000.0 / population END", 2),
    Indicator("projects", "projects", "Projets", "Projects", "projets", "projects",
              "Nombre de projets dont la commune de réalisation est dans le territoire.",
              "Number of projects whose commune lies in the territory.",
              "n_projects", "n_projects", 0),
    Indicator("projects_per_100k", "projects", "Projets pour 100 000 habitants",
              "Projects per 100,000 inhabitants", "pour 100 000 hab.", "per 100,000 inh.",
              "Nombre de projets rapporté à la population municipale légale, pour 100 000 "
              "habitants. Non défini si la population est nulle.",
              "Number of projects divided by the legal municipal population, per 100,000 "
              "inhabitants. Undefined when the population is zero.",
              "n_projects / population × 100 000",
              "CASE WHEN population > 0 THEN n_projects * 100000.0 / population END", 2),
)}


def get(indicator_id: str) -> Indicator:
    return INDICATORS[indicator_id]


def compute(store: Store, ref: InventoryRef, filters: Filters, level: str,
            ids: list[str] | None = None, within: tuple[str, str] | None = None) -> pd.DataFrame:
    """Indicators of every territory of ``level`` (optionally only those ``within``
    a parent territory), for the filters other than the territory scope."""
    ids = ids or list(INDICATORS)
    key = LEVEL_COLUMN[level]
    joins, cols = [], []
    for cte, aggs in BASE.items():
        sel = ", ".join(f"{expr} AS {name}" for name, expr in aggs.items())
        joins.append(f"LEFT JOIN (SELECT {key} AS code, {sel} FROM {cte} GROUP BY 1) {cte}_agg "
                     f"USING (code)")
        cols += [f"coalesce({name}, 0) AS {name}" for name in aggs]
    where = "t.level = ?"
    params_tail = [level]
    if within is not None:
        parent_level, parent_code = within
        if parent_level == "region":
            where += " AND t.reg = ?"
        elif parent_level == "departement":
            where += " AND t.dep = ?"
        else:
            where += " AND t.code IN (SELECT code FROM geo_communes WHERE epci = ?)"
        params_tail.append(parent_code)
    base = (f"SELECT t.code, t.name, t.population, {', '.join(cols)} "
            f"FROM geo_territories t {' '.join(joins)} WHERE {where}")
    exprs = ", ".join(f"{INDICATORS[i].expr} AS {i}" for i in ids)
    sql = scoped(ref, filters, f"SELECT *, {exprs} FROM ({base}) ORDER BY code", territory=False)
    return store.query(sql.text, sql.params + params_tail)


def national(store: Store, ref: InventoryRef, filters: Filters,
             ids: list[str] | None = None) -> pd.Series:
    """The same indicators for the whole of France (national reference)."""
    ids = ids or list(INDICATORS)
    cols = []
    for cte, aggs in BASE.items():
        cols += [f"(SELECT {expr} FROM {cte}) AS {name}" for name, expr in aggs.items()]
    base = (f"SELECT 'FR' AS code, 'France' AS name, "
            f"(SELECT sum(population) FROM geo_communes) AS population, {', '.join(cols)}")
    exprs = ", ".join(f"{INDICATORS[i].expr} AS {i}" for i in ids)
    sql = scoped(ref, filters, f"SELECT *, {exprs} FROM ({base})", territory=False)
    return store.query(sql.text, sql.params).iloc[0]
