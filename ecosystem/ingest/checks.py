"""Mapping, normalisation and validation in one SQL pass, from the model's declarations.

:func:`build` reads the raw table once and writes the *checked* table: the
model's columns, normalised, typed, invalid optional values cleared,
defaults applied, placed in a commune; plus, per record, a bit mask of the
checks it failed. :func:`issues` then lists those problems for the few
flagged records, one row each: source row, column, value as written in the
file, check (one of ``model.CHECKS``, so messages come from the same
catalogue as ``model.validate``), parameters, and what happens:

* ``excluded`` — the record is not imported (a required value is missing or
  wrong; later, an id repeated or already in the inventory, a reference to
  nothing);
* ``cleared`` — the value is left empty and the record imported (an invalid
  SIRET, an unreadable number, an unknown domain);
* ``default`` — an unknown code replaced by the import's default (e.g. the
  actor type chosen for the file), or an empty cell of a coded column given the
  default (check ``defaulted``: the row and the column are listed);
* ``folded`` — a continuation row (:func:`continuation`) merged into the record
  above it;
* ``cleaned`` — control characters (NUL, escape, zero-width…) removed from a cell
  of the file (:func:`strip_controls`, check ``controls``, one line per cell, the
  column being the file's).

Placeholder identifiers (SIREN, SIRET, RNA made of one repeated digit, ``W000000000``:
``codes.is_placeholder``) are cleared and reported in one line per column (no row,
the count and a few of the values), not once per record.

The rules are the model's (required, vocabularies, patterns, SIREN/SIRET
keys, ranges); a test checks that they agree with ``model.validate``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from ecosystem import model
from ecosystem.render.safe import CONTROLS_RE2
from ecosystem.ingest import normalise
from ecosystem.ingest.codes import PLACEHOLDER_COLUMNS, placeholder_sql
from ecosystem.ingest.mapping import (LOOKUPS, Mapping, Rule, build_lookup, key_sql, levels, missing_required,
                      raw_sql, row_sql, sources, targets)
from ecosystem.ingest.sql import ident, lit

#: transforms whose failure is a wrong type (the cleaned value is not empty, the result is)
CONVERSIONS = ("number", "int", "year", "bool")
#: columns set by geocoding
PLACED = ("commune_code", "lat", "lon", "geo_method")
#: distinct placeholder values shown in the one report line of a column
PLACEHOLDER_VALUES_SHOWN = 5
ISSUE_COLUMNS = "_row BIGINT, \"column\" VARCHAR, value VARCHAR, \"check\" VARCHAR, " \
                "params VARCHAR, action VARCHAR"


def no_controls(con, raw: str) -> None:
    """Record that the raw table holds no control character (the reader scanned the
    file's bytes, much faster than the SQL scan of :func:`strip_controls`)."""
    con.execute(f"CREATE OR REPLACE TABLE {ident(raw + '__ctl')} ({ISSUE_COLUMNS})")


def strip_controls(con, raw: str, row_expr: str) -> str:
    """Remove control characters from every text column of the raw table, in SQL, once.

    The characters are those ``safe.strip_controls`` removes (NUL and the other C0
    controls but tab, line feed and carriage return; DEL; zero-width characters; the
    BOM). One scan counts the cells holding some, per column; only the columns that
    have any are then rewritten, and each of their cells is recorded (row, the file's
    column, value cleaned, characters removed) in the table returned, which
    :func:`issues` adds to the report with the action ``cleaned``."""
    out = f"{raw}__ctl"
    if con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = ?",
                   [out]).fetchall()[0][0]:
        return out  # done when the table was first checked (a new mapping reuses it)
    con.execute(f"CREATE TABLE {ident(out)} ({ISSUE_COLUMNS})")
    text = [name for name, kind, *_ in con.execute(f"DESCRIBE {ident(raw)}").fetchall()
            if kind == "VARCHAR" and name != "_row"]
    if not text:
        return out
    pattern = lit(CONTROLS_RE2)
    counts = con.execute("SELECT " + ", ".join(
        f"count_if(regexp_matches({ident(c)}, {pattern}))" for c in text)
        + f" FROM {ident(raw)}").fetchall()[0]
    for column, n in zip(text, counts):
        if not n:
            continue
        c = ident(column)
        cleaned = f"regexp_replace({c}, {pattern}, '', 'g')"
        con.execute(f"""INSERT INTO {ident(out)} SELECT {row_expr}, {lit(column)}, {cleaned},
            'controls', '[["count", ' || (length({c}) - length({cleaned})) || ']]', 'cleaned'
            FROM {ident(raw)} WHERE regexp_matches({c}, {pattern})""")
        con.execute(f"UPDATE {ident(raw)} SET {c} = {cleaned} WHERE regexp_matches({c}, {pattern})")
    return out


def params(**kw) -> str:
    return json.dumps(sorted(kw.items()))


def typed(col: model.Col, expr: str) -> str:
    return {"str": expr, "list": expr, "int": f"TRY_CAST({expr} AS INTEGER)",
            "float": f"TRY_CAST({expr} AS DOUBLE)", "bool": f"TRY_CAST({expr} AS BOOLEAN)"}[col.kind]


def valid_sql(col: model.Col, expr: str) -> list[tuple[str, str, str]]:
    """(check, SQL condition true when valid, params) for a column's value rules."""
    out = []
    # a placeholder (W000000000, 00000000000000) is reported once per column, not as invalid
    # (plan() reports the other checks of these columns only for values that are not one)
    if col.name in PLACEHOLDER_COLUMNS:
        out.append(("placeholder", f"NOT {placeholder_sql(expr)}", params()))
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


def flag(column: str, check: str) -> str:
    """Name of the precomputed column telling whether a value passes a check."""
    return ident(f"_ok_{column}__{check}")


def flags(mapping: Mapping, hows: dict[str, str], alias: str = "j") -> list[str]:
    """Each value rule evaluated once (the mask and the cleared values both use it)."""
    out = []
    for col in model.TABLES[mapping.table].columns:
        if col.name not in hows:
            continue
        for check, cond, _ in valid_sql(col, f"{alias}.{ident(col.name)}"):
            out.append(f"coalesce({cond}, FALSE) AS {flag(col.name, check)}")
    return out


def _action(col: model.Col, mapping: Mapping) -> str:
    if col.name in mapping.defaults:
        return "default"
    return "excluded" if col.required else "cleared"


@dataclass
class Check:
    bit: int
    column: str
    check: str
    cond: str            # SQL over the joined relation, true when the check fails
    value: str           # "none", "bad" (the lookup's part not understood) or "raw"
    params: str
    action: str


def plan(mapping: Mapping, hows: dict[str, str], alias: str = "j") -> list[Check]:
    """Every check the mapping's columns get, with its bit in the mask."""
    table = model.TABLES[mapping.table]
    out: list[Check] = []

    def add(column, check, cond, value, prm, action):
        out.append(Check(len(out), column, check, cond, value, prm, action))

    for col in table.columns:
        c = f"{alias}.{ident(col.name)}"
        bad = f"{alias}.{ident('_bad_' + col.name)}"
        how = hows.get(col.name)
        lookup = how in LOOKUPS
        if col.required and col.name not in mapping.defaults:
            add(col.name, "required", f"{c} IS NULL" + (f" AND {bad} IS NULL" if lookup else ""),
                "none", params(), "excluded")
        if lookup and col.name in mapping.defaults and mapping.rules.get(col.name, Rule()).columns:
            # an empty cell gets the mapping's default: said for each row, not silent
            add(col.name, "defaulted", f"{alias}.{ident('_k_' + col.name)} IS NULL", "none",
                params(default=mapping.defaults[col.name], vocabulary=col.vocabulary.name)
                if col.vocabulary is not None else params(default=mapping.defaults[col.name]),
                "default")
        if lookup:
            action = "cleared" if col.kind == "list" and not col.required else _action(col, mapping)
            if col.vocabulary is not None:
                add(col.name, "vocabulary", f"{bad} IS NOT NULL", "bad",
                    params(vocabulary=col.vocabulary.name), action)
            else:  # e.g. a staff band that is not one
                add(col.name, "type", f"{bad} IS NOT NULL", "bad", params(kind=col.kind), action)
        if how is None or (mapping.table == "actors" and col.name in PLACED):
            continue
        real = f" AND {alias}.{flag(col.name, 'placeholder')}" if col.name in PLACEHOLDER_COLUMNS else ""
        for check, _, prm in valid_sql(col, c):
            add(col.name, check, f"{c} IS NOT NULL AND NOT {alias}.{flag(col.name, check)}"
                + (real if check != "placeholder" else ""), "raw", prm, _action(col, mapping))
        if how in CONVERSIONS and mapping.rules.get(col.name, Rule()).columns:
            add(col.name, "type", f"{alias}.{ident('_c_' + col.name)} IS NOT NULL AND {c} IS NULL",
                "raw", params(kind=col.kind), _action(col, mapping))
    if mapping.table == "projects" and {"start_year", "end_year"} <= set(hows):
        add("end_year", "end_before_start",
            f"TRY_CAST({alias}.end_year AS INTEGER) < TRY_CAST({alias}.start_year AS INTEGER)",
            "raw", params(), "cleared")
    if len(out) > 62:
        raise ValueError("too many checks for one mask")
    return out


def final_columns(mapping: Mapping, hows: dict[str, str], alias: str = "j",
                  place: bool = False) -> list[str]:
    """SELECT expressions of the checked, typed table: invalid optional values cleared,
    defaults applied, commune and coordinates from a current commune code (``gc``;
    the other records are placed afterwards, see geocode.place_others)."""
    table = model.TABLES[mapping.table]
    out = []
    coords = {"lat", "lon"} <= set(hows)
    source_ok = (f"TRY_CAST({alias}.lat AS DOUBLE) BETWEEN -90 AND 90 AND "
                 f"TRY_CAST({alias}.lon AS DOUBLE) BETWEEN -180 AND 180")
    for col in table.columns:
        name = ident(col.name)
        c = f"{alias}.{name}"
        if place and col.name in PLACED and (mapping.table == "actors" or col.name == "commune_code"):
            if col.name == "commune_code":
                expr = "gc.code"
            elif col.name == "geo_method":
                expr = "CASE WHEN gc.code IS NOT NULL THEN 'commune_code' ELSE 'none' END"
            else:  # the source's point when valid, else the commune's
                given = f"CASE WHEN {source_ok} THEN TRY_CAST({c} AS DOUBLE) END, " if coords else ""
                expr = f"coalesce({given}gc.{name})"
            out.append(f"{expr} AS {name}")
            continue
        if col.name not in hows:
            default = mapping.defaults.get(col.name)
            value = "NULL" if default is None else lit(default)
            out.append(f"CAST({value} AS {col.sql_type}) AS {name}")
            continue
        expr = typed(col, c)
        conds = [f"{alias}.{flag(col.name, check)}" for check, _, _ in valid_sql(col, c)]
        if col.name == "end_year" and "start_year" in hows:
            conds.append(f"NOT coalesce(TRY_CAST({c} AS INTEGER) < "
                         f"TRY_CAST({alias}.start_year AS INTEGER), FALSE)")
        if conds:
            expr = f"CASE WHEN {' AND '.join(conds)} THEN {expr} END"
        if col.name == "siren" and "siret" in hows:  # a SIREN written in the SIRET column
            s = f"{alias}.siret"
            expr = (f"coalesce({expr}, CASE WHEN length({s}) = 9 AND imp_siren_ok({s}) "
                    f"AND NOT {placeholder_sql(s)} THEN {s} END)")
        if col.name in mapping.defaults:
            expr = f"coalesce({expr}, {lit(mapping.defaults[col.name])})"
        if col.kind == "list":  # the store's type: a list of codes
            expr = f"CASE WHEN {expr} IS NULL OR {expr} = '' THEN NULL ELSE string_split({expr}, ';') END"
        out.append(f"{expr} AS {name}")
    return out


class Unmapped(ValueError):
    """A mapping that leaves a required column with no rule and no default (e.g. actors
    with no type column and the default type removed): ``key`` and ``params`` are the
    importer's message (``imp.err.unmapped``), as its ``ImportError_`` has them."""

    key = "imp.err.unmapped"

    def __init__(self, table: str, columns: list[str]):
        self.params = {"table": table, "columns": ", ".join(columns)}
        super().__init__(f"{table}: required columns with no rule and no default: {self.params['columns']}")


def build(con, raw: str, row_expr: str, mapping: Mapping, out: str, *, geo: bool = False,
          limit: int | None = None) -> tuple[dict[str, str], list[Check]]:
    """Create the checked table ``out`` from the raw table in one pass.

    ``geo``: place records by their current commune code (table ``geo_c``); the
    others keep their location inputs in ``_in_*`` columns for geocode.place_others.
    Returns ({target: how}, the checks planned). Raises :class:`Unmapped` when a
    required column has no rule and no default."""
    missing = missing_required(mapping)
    if missing:
        raise Unmapped(mapping.table, missing)
    strip_controls(con, raw, row_expr)
    if limit:  # a preview: the first records only
        con.execute(f"CREATE OR REPLACE TEMP TABLE _lim AS SELECT {row_expr} AS __line, * "
                    f"FROM {ident(raw)} LIMIT {int(limit)}")
        raw, row_expr = "_lim", "__line"
    hows: dict[str, str] = {}
    src, refs = levels(raw, row_expr, sources(mapping))
    inner, joined, joins = ["_row"], ["s.*"], []
    for target in targets(mapping):
        how = mapping.how(target)
        hows[target] = how
        if target == "source" and not mapping.rules.get("source", Rule()).columns:
            inner.append(f"{lit(mapping.source)} AS \"source\"")
            continue
        if how in LOOKUPS:
            key = key_sql(mapping, target, refs)
            if key is None:
                inner.append(f"NULL::VARCHAR AS {ident(target)}")
                inner.append(f"NULL::VARCHAR AS {ident('_bad_' + target)}")
                continue
            lk = f"{out}__lk_{target}"
            build_lookup(con, raw, mapping, target, lk)
            alias = f"lk_{len(joins)}"
            inner.append(f"{key} AS {ident('_k_' + target)}")
            joins.append(f"LEFT JOIN {ident(lk)} {alias} ON {alias}.k = s.{ident('_k_' + target)}")
            joined += [f"{alias}.v AS {ident(target)}", f"{alias}.bad AS {ident('_bad_' + target)}"]
            continue
        sql = row_sql(mapping, target, refs=refs)
        inner.append(f"{sql if sql is not None else 'NULL::VARCHAR'} AS {ident(target)}")
        if how in CONVERSIONS and mapping.rules.get(target, Rule()).columns:
            inner.append(f"{key_sql(mapping, target, refs)} AS {ident('_c_' + target)}")
    checks_ = plan(mapping, hows)
    mask = " + ".join(f"CASE WHEN {c.cond} THEN {1 << c.bit} ELSE 0 END" for c in checks_) or "0"
    cols = final_columns(mapping, hows, "j", place=geo)
    extra_joins = []
    hidden = []  # what the other geocoding methods need, for the records no code placed
    if geo:
        extra_joins.append("LEFT JOIN geo_c gc ON " + ("gc.code = j.commune_code" if "commune_code" in hows
                                                         else "FALSE"))
        for target in ("commune_code", "lat", "lon", "_x", "_y"):
            if target in hows:  # projected coordinates are converted even when the code placed
                value = f"j.{ident(target)}" if target.startswith("_") else \
                    f"CASE WHEN gc.code IS NULL THEN j.{ident(target)} END"
                hidden.append(f"{value} AS {ident('_in_' + target)}")
    bad_cols = [f"j.{ident('_bad_' + t)}" for t, h in hows.items() if h in LOOKUPS]
    with normalise.inline_in_lists(con):  # the empty markers' test after its guard
        con.execute(f"""CREATE OR REPLACE TABLE {ident(out)} AS
            SELECT j._row, {', '.join(cols + bad_cols + hidden)}, CAST({mask} AS BIGINT) AS _issues
            FROM (SELECT j.*{''.join(', ' + f for f in flags(mapping, hows))}
                  FROM (SELECT {', '.join(joined)} FROM (SELECT {', '.join(inner)} FROM {src}) s
                        {' '.join(joins)}) j) j
            {' '.join(extra_joins)}""")
    con.execute("DROP TABLE IF EXISTS _lim")
    return hows, checks_


#: continuation rows: what the import does with them (the first is the default)
CONTINUATION_MODES = ("exclude", "fold")
#: free-text columns whose values are joined (with a line break) when rows are folded
JOINED_TEXT = ("address", "description", "website")
#: identifiers that make a record (when read from a column of the file)
IDENTIFIERS = ("siren", "siret", "rna_id")


def continuation(con, checked: str, mapping: Mapping, hows: dict[str, str], mode: str) -> int:
    """Find the continuation rows of a hand-made spreadsheet and fold or exclude them.

    A record spread over several rows leaves its key cells empty on the rows after
    the first. A *continuation row* is a checked record whose name (``name``,
    ``title``) and identifiers read from the file (the table's key, SIREN, SIRET, RNA)
    are empty, with some other mapped cell filled, below a record that has a name.

    ``fold``: each is merged into the nearest named record above it — lists united
    (order kept, no repeats), free text (:data:`JOINED_TEXT`) joined with a line break,
    other values filling the record's empty ones — and removed. ``exclude``: removed.
    Either way each is listed in ``<checked>__cont`` (issue rows, check
    ``continuation``, the row above in the parameters, action ``folded`` or
    ``excluded``), which :func:`issues` adds to the report. Returns how many there are.
    One cheap count first: files without such rows (machine exports: every record has
    its id) pay nothing more."""
    if mode not in CONTINUATION_MODES:
        raise ValueError(mode)
    out = f"{checked}__cont"
    con.execute(f"CREATE OR REPLACE TABLE {ident(out)} ({ISSUE_COLUMNS})")
    table = model.TABLES[mapping.table]
    names = [t for t, h in hows.items() if h == "name"]
    if not names:
        return 0

    def from_file(target: str) -> bool:
        rule = mapping.rules.get(target)
        return rule is not None and bool(rule.columns)

    keys = names + [k for k in (*table.key, *IDENTIFIERS) if k in hows and from_file(k)]
    present = {c for c, *_ in con.execute(f"DESCRIBE {ident(checked)}").fetchall()}
    others = []
    for target in hows:
        if target in keys or not from_file(target):
            continue
        others += [c for c in (target, f"_bad_{target}", f"_in_{target}") if c in present]
    if not others:
        return 0
    keyed = " AND ".join(f"{ident(k)} IS NULL" for k in keys)
    filled = " OR ".join(f"{ident(c)} IS NOT NULL" for c in others)
    cond = f"{keyed} AND ({filled})"
    if not con.execute(f"SELECT count(*) FROM {ident(checked)} WHERE {cond}").fetchall()[0][0]:
        return 0
    named = " OR ".join(f"{ident(n)} IS NOT NULL" for n in names)
    pairs = f"{checked}__pairs"
    con.execute(f"""CREATE OR REPLACE TEMP TABLE {ident(pairs)} AS SELECT _row, target FROM (
        SELECT _row, ({cond}) AS cont, last_value(CASE WHEN {named} THEN _row END IGNORE NULLS)
            OVER (ORDER BY _row ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS target
        FROM {ident(checked)}) WHERE cont AND target IS NOT NULL""")
    n = con.execute(f"SELECT count(*) FROM {ident(pairs)}").fetchall()[0][0]
    action = "folded" if mode == "fold" else "excluded"
    con.execute(f"""INSERT INTO {ident(out)} SELECT _row, {lit(names[0])}, NULL, 'continuation',
        '[["above", ' || target || ']]', {lit(action)} FROM {ident(pairs)}""")
    if mode == "fold" and n:
        _fold(con, checked, pairs)
    con.execute(f"DELETE FROM {ident(checked)} WHERE _row IN (SELECT _row FROM {ident(pairs)})")
    con.execute(f"DROP TABLE {ident(pairs)}")
    return int(n)


def _fold(con, checked: str, pairs: str) -> None:
    """The continuation rows' values merged into their target records (see continuation)."""
    described = [(c, str(t)) for c, t, *_ in con.execute(f"DESCRIBE {ident(checked)}").fetchall()
                 if c not in ("_row", "_issues")]
    aggs, sets = [], []
    for column, kind in described:
        c = ident(column)
        if kind.endswith("[]"):
            aggs.append(f"flatten(list(c.{c} ORDER BY c._row) FILTER (WHERE c.{c} IS NOT NULL)) AS {c}")
            both = f"list_concat(coalesce(t.{c}, []), coalesce(a.{c}, []))"
            merged = f"list_filter({both}, lambda x, i: list_position({both}, x) = i)"
            sets.append(f"CASE WHEN len({merged}) = 0 THEN NULL ELSE {merged} END AS {c}")
        elif column in JOINED_TEXT:
            aggs.append(f"list(c.{c} ORDER BY c._row) FILTER (WHERE c.{c} IS NOT NULL) AS {c}")
            both = f"list_concat(CASE WHEN t.{c} IS NULL THEN [] ELSE [t.{c}] END, coalesce(a.{c}, []))"
            merged = f"list_filter({both}, lambda x, i: list_position({both}, x) = i)"
            sets.append(f"nullif(array_to_string({merged}, chr(10)), '') AS {c}")
        elif column == "geo_method":  # 'none' is no method
            aggs.append(f"arg_min(c.{c}, c._row) FILTER (WHERE c.{c} <> 'none') AS {c}")
            sets.append(f"coalesce(nullif(t.{c}, 'none'), a.{c}, t.{c}) AS {c}")
        else:
            aggs.append(f"arg_min(c.{c}, c._row) FILTER (WHERE c.{c} IS NOT NULL) AS {c}")
            sets.append(f"coalesce(t.{c}, a.{c}) AS {c}")
    folded = f"{checked}__folded"
    con.execute(f"""CREATE OR REPLACE TEMP TABLE {ident(folded)} AS
        SELECT t._row, {', '.join(sets)} FROM {ident(checked)} t JOIN (
            SELECT p.target, {', '.join(aggs)} FROM {ident(pairs)} p
            JOIN {ident(checked)} c ON c._row = p._row GROUP BY p.target) a ON a.target = t._row""")
    assignments = ", ".join(f"{ident(c)} = f.{ident(c)}" for c, _ in described)
    con.execute(f"UPDATE {ident(checked)} SET {assignments} FROM {ident(folded)} f "
                f"WHERE {ident(checked)}._row = f._row")
    con.execute(f"DROP TABLE {ident(folded)}")


def issues(con, raw: str, row_expr: str, mapping: Mapping, checked: str, checks_: list[Check],
           out: str) -> None:
    """Create the issues table ``out`` for the records of ``checked`` that failed a check;
    values are shown as written in the file (read back from the raw table)."""
    con.execute(f"CREATE OR REPLACE TABLE {ident(out)} ({ISSUE_COLUMNS})")
    con.execute(f"INSERT INTO {ident(out)} SELECT * FROM {ident(strip_controls(con, raw, row_expr))}")
    cont = f"{checked}__cont"
    if con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = ?",
                   [cont]).fetchall()[0][0]:
        con.execute(f"INSERT INTO {ident(out)} SELECT * FROM {ident(cont)}")
    mismatch = f"{checked}_mismatch"  # commune code and coordinates that disagree (geocode.mismatches)
    if con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = ?",
                   [mismatch]).fetchall()[0][0]:
        con.execute(f"""INSERT INTO {ident(out)} SELECT _row, 'commune_code', declared,
            CASE WHEN located IS NULL THEN 'coords_abroad' ELSE 'coords_elsewhere' END,
            to_json([['declared', declared_label], ['km', printf('%.1f', km)],
                     ['located', coalesce(located_label, '')]]),
            'placed_by_' || placed_by FROM {ident(mismatch)}""")
    if not checks_:
        return
    flagged = con.execute(f"SELECT count(*) FROM {ident(checked)} WHERE _issues <> 0").fetchall()[0][0]
    if not flagged:
        return
    need_raw = sorted({c.column for c in checks_ if c.value == "raw"})
    if need_raw:
        cols = sources(mapping, need_raw)
        src, refs = levels(raw, row_expr, cols)
        values = ", ".join(f"{raw_sql(mapping, t, refs) or 'NULL'} AS {ident(t)}" for t in need_raw)
        con.execute(f"""CREATE OR REPLACE TEMP TABLE _flag AS SELECT _row, {values} FROM {src}
            WHERE _row IN (SELECT _row FROM {ident(checked)} WHERE _issues <> 0)""")
    parts = []
    for c in checks_:
        value = {"none": "NULL", "bad": f"k.{ident('_bad_' + c.column)}",
                 "raw": f"f.{ident(c.column)}"}[c.value]
        join = "LEFT JOIN _flag f ON f._row = k._row" if c.value == "raw" else ""
        if c.check == "placeholder":  # one line per column: the count, a few of the values
            parts.append(f"SELECT NULL::BIGINT, {lit(c.column)}, array_to_string(list_slice(list_sort("
                         f"list(DISTINCT CAST({value} AS VARCHAR))), 1, {PLACEHOLDER_VALUES_SHOWN}), ', '), "
                         f"{lit(c.check)}, '[[\"n\", ' || count(*) || ']]', {lit(c.action)} "
                         f"FROM {ident(checked)} k {join} WHERE k._issues & {1 << c.bit} <> 0 "
                         "HAVING count(*) > 0")
            continue
        parts.append(f"SELECT k._row, {lit(c.column)}, CAST({value} AS VARCHAR), {lit(c.check)}, "
                     f"{lit(c.params)}, {lit(c.action)} FROM {ident(checked)} k {join} "
                     f"WHERE k._issues & {1 << c.bit} <> 0")
    con.execute(f"INSERT INTO {ident(out)} " + " UNION ALL ".join(parts))
    con.execute("DROP TABLE IF EXISTS _flag")
