"""Validation in SQL, derived from the model's declarations (``model.TABLES``).

The same rules as ``model.validate`` (required values, vocabularies, formats,
SIREN/SIRET keys, ranges, unique ids, references) run here as SQL over the
normalised table, so that a national file is checked in seconds. Each
problem is one row of an issues table: source row, column, value, check (one
of ``model.CHECKS``, so messages come from the same catalogue), parameters,
and what happens to the record:

* ``excluded`` — the record is not imported (a required value is missing or
  wrong, an id is repeated or already in the inventory, a reference points
  nowhere);
* ``cleared`` — the value is left empty and the record imported (a wrong
  optional value: an invalid SIRET, an unreadable number, an unknown domain);
* ``default`` — an unknown code replaced by the import's default (e.g. the
  actor type chosen for the file).
"""

from __future__ import annotations

import json

from .. import model
from .mapping import LOOKUPS, Mapping, Rule, key_sql, levels, raw_sql, row_sql
from .sql import ident, lit

#: transforms whose failure is a wrong type (the cleaned value is not empty, the result is)
CONVERSIONS = ("number", "int", "year", "bool", "staff_band")
#: columns set by geocoding, not checked here
PLACED = ("commune_code", "lat", "lon", "geo_method")
ISSUE_COLUMNS = "_row BIGINT, \"column\" VARCHAR, value VARCHAR, \"check\" VARCHAR, " \
                "params VARCHAR, action VARCHAR"


def params(**kw) -> str:
    return json.dumps(sorted(kw.items()))


def typed(col: model.Col, expr: str) -> str:
    return {"str": expr, "list": expr, "int": f"TRY_CAST({expr} AS INTEGER)",
            "float": f"TRY_CAST({expr} AS DOUBLE)", "bool": f"TRY_CAST({expr} AS BOOLEAN)"}[col.kind]


def valid_sql(col: model.Col, expr: str) -> list[tuple[str, str, str]]:
    """(check, SQL condition true when valid, params) for a column's value rules."""
    out = []
    if col.pattern and col.name not in PLACED and col.name not in ("siren", "siret"):
        out.append(("pattern", f"regexp_full_match({expr}, {lit('(?:' + col.pattern + ')')})", params()))
    if col.name == "siren":
        out.append(("siren", f"imp_siren_ok({expr})", params()))
    if col.name == "siret":
        out.append(("siret", f"imp_siret_ok({expr})", params()))
    if col.min is not None:
        out.append(("min", f"{typed(col, expr)} >= {col.min}", params(bound=f"{col.min:g}")))
    if col.max is not None:
        out.append(("max", f"{typed(col, expr)} <= {col.max}", params(bound=f"{col.max:g}")))
    return out


def _action(col: model.Col, mapping: Mapping) -> str:
    if col.name in mapping.defaults:
        return "default"
    return "excluded" if col.required else "cleared"


def row_issues(con, raw: str, row_expr: str, norm: str, mapping: Mapping, hows: dict[str, str],
               out: str) -> None:
    """Create the issues table ``out`` for the checks of one record at a time."""
    table = model.TABLES[mapping.table]
    parts = []
    n = ident(norm)
    for col in table.columns:
        c = ident(col.name)
        how = hows.get(col.name)
        placed = mapping.table == "actors" and col.name in PLACED
        if col.required and col.name not in mapping.defaults:
            bad = f" AND {ident('_bad_' + col.name)} IS NULL" if how in LOOKUPS else ""
            parts.append(f"SELECT _row, {lit(col.name)}, NULL, 'required', {lit(params())}, "
                         f"'excluded' FROM {n} WHERE {c} IS NULL{bad}")
        if how in LOOKUPS and col.vocabulary is not None:
            action = "cleared" if col.kind == "list" and not col.required else _action(col, mapping)
            parts.append(f"SELECT _row, {lit(col.name)}, {ident('_bad_' + col.name)}, 'vocabulary', "
                         f"{lit(params(vocabulary=col.vocabulary.name))}, {lit(action)} FROM {n} "
                         f"WHERE {ident('_bad_' + col.name)} IS NOT NULL")
        elif how in LOOKUPS:  # e.g. a staff band that is not one
            parts.append(f"SELECT _row, {lit(col.name)}, {ident('_bad_' + col.name)}, 'type', "
                         f"{lit(params(kind=col.kind))}, {lit(_action(col, mapping))} FROM {n} "
                         f"WHERE {ident('_bad_' + col.name)} IS NOT NULL")
        if how is None or placed:
            continue
        for check, cond, prm in valid_sql(col, c):
            parts.append(f"SELECT _row, {lit(col.name)}, {c}, {lit(check)}, {lit(prm)}, "
                         f"{lit(_action(col, mapping))} FROM {n} WHERE {c} IS NOT NULL "
                         f"AND NOT coalesce({cond}, FALSE)")
        if how in CONVERSIONS and how not in LOOKUPS:
            rule = mapping.rules.get(col.name, Rule())
            if rule.columns:
                src, refs = levels(raw, row_expr, rule.columns)
                parts.append(
                    f"SELECT _row, {lit(col.name)}, {raw_sql(mapping, col.name, refs)}, 'type', "
                    f"{lit(params(kind=col.kind))}, {lit(_action(col, mapping))} FROM {src} "
                    f"WHERE {key_sql(mapping, col.name, refs)} IS NOT NULL "
                    f"AND ({row_sql(mapping, col.name, refs=refs)}) IS NULL")
    if mapping.table == "projects" and {"start_year", "end_year"} <= set(hows):
        parts.append(f"SELECT _row, 'end_year', end_year, 'end_before_start', {lit(params())}, "
                     f"'cleared' FROM {n} WHERE TRY_CAST(end_year AS INTEGER) < "
                     f"TRY_CAST(start_year AS INTEGER)")
    body = " UNION ALL ".join(parts) if parts else "SELECT NULL, NULL, NULL, NULL, NULL, NULL WHERE FALSE"
    con.execute(f"CREATE OR REPLACE TABLE {ident(out)} ({ISSUE_COLUMNS})")
    con.execute(f"INSERT INTO {ident(out)} {body}")


def final_columns(mapping: Mapping, hows: dict[str, str], norm_alias: str = "n",
                  place_alias: str | None = "p") -> list[str]:
    """SELECT expressions of the checked, typed table: invalid optional values cleared,
    defaults applied, geocoded columns taken from the placement."""
    table = model.TABLES[mapping.table]
    out = []
    for col in table.columns:
        if place_alias and col.name in PLACED and (mapping.table == "actors"
                                                   or col.name == "commune_code"):
            out.append(f"{place_alias}.{ident(col.name)} AS {ident(col.name)}")
            continue
        if col.name not in hows:
            default = mapping.defaults.get(col.name)
            out.append(f"{lit(default) if default is not None else 'NULL'} AS {ident(col.name)}")
            continue
        c = f"{norm_alias}.{ident(col.name)}"
        expr = typed(col, c)
        conds = [cond for _, cond, _ in valid_sql(col, c)]
        if col.name == "end_year" and "start_year" in hows:
            conds.append(f"NOT coalesce(TRY_CAST({c} AS INTEGER) < "
                         f"TRY_CAST({norm_alias}.start_year AS INTEGER), FALSE)")
        if conds:
            expr = f"CASE WHEN {' AND '.join(f'coalesce({x}, FALSE)' for x in conds)} THEN {expr} END"
        if col.name == "siren" and "siret" in hows:
            # a SIREN written in the SIRET column
            s = f"{norm_alias}.siret"
            expr = f"coalesce({expr}, CASE WHEN length({s}) = 9 AND imp_siren_ok({s}) THEN {s} END)"
        if col.name in mapping.defaults:
            expr = f"coalesce({expr}, {lit(mapping.defaults[col.name])})"
        out.append(f"{expr} AS {ident(col.name)}")
    return out
