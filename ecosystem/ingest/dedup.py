"""Duplicates inside the file and against the inventory, for the user to merge or keep.

Exact matches (``kind = exact``), on the keys people rely on:

* the record id (``actor_id``; for other tables their key), the RNA id, the
  SIRET, or the SIREN when one of the two records has no SIRET (two
  establishments of one company are not duplicates).

Fuzzy matches (``kind = fuzzy``) on name and commune, actors only:

* candidates: records of the same commune that sit next to each other when
  sorted by a name key (capitals, no accents, no generic words such as
  ``association``/``les``/``de``, words sorted), then sorted by the key
  reversed so a typo in the first letters is still caught (sorted
  neighbourhood, :data:`WINDOW` neighbours each way); DuckDB's Jaro-Winkler
  drops pairs that are obviously different (< 0.8);
* score: rapidfuzz ``ratio`` of the two name keys; a pair is proposed from
  :data:`FUZZY_SCORE` (90) and when the numbers in the two names are the same
  (``Club 1`` and ``Club 2`` are different clubs).

Pairs that need no location (``kind = fuzzy``, actors only, :func:`without_location`):

* ``website``: the same registered domain of the website or of an e-mail address
  written there (webmail providers and shared platforms left out), names a little alike;
* ``same_name``: the same name key, one of the two records without a commune;

found by grouping records on the key (blocks of at most :data:`BLOCK_MAX` records in at
most one commune), never by comparing all pairs.

Decisions: ``merge`` keeps one record (the first of the file, or the one
already in the inventory) and fills its empty fields from the other (or, when
the user asks, overwrites them with the file's values); ``keep`` imports both,
except that a record whose id is already taken cannot be kept (it is
reported as ``id_exists`` or ``unique``). Exact matches are merged by default,
fuzzy ones kept by default.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from rapidfuzz import fuzz
from rapidfuzz.process import cpdist

from ecosystem import model
from ecosystem.geo import normalize_name
from ecosystem.ingest.codes import PLATFORM_DOMAINS, SECOND_LEVEL, WEBMAIL_DOMAINS, WEBMAIL_NAMES
from ecosystem.ingest.normalise import NAME_STOP_WORDS
from ecosystem.ingest.sql import ident, lit, lit_list

WINDOW = 1
PREFILTER = 0.85
FUZZY_SCORE = 93
#: rules without location: a website, or a name, shared by more records than this is a
#: network's site or a common name ("Comité des fêtes"), not one structure
BLOCK_MAX = 10
#: same website: the two names' similarity (rapidfuzz token_set_ratio of the name keys)
WEBSITE_NAME_SCORE = 50
MAX_FUZZY_ROWS = 5_000_000
PAIR_COLUMNS = ["kind", "basis", "a_row", "b_row", "b_id", "score", "merge"]


def _exact_keys(table: str) -> list[str]:
    keys = list(model.TABLES[table].key)
    if table == "actors":
        keys += ["rna_id", "siret", "siren"]
    return keys


def _key_cond(table: str, key: list[str], a: str, b: str) -> str:
    return " AND ".join(f"{a}.{ident(k)} = {b}.{ident(k)}" for k in key)


def candidates(con, table: str, final: str, inventory: str | None, out: str,
               redundant: frozenset[str] = frozenset(), establishments: bool = False) -> pd.DataFrame:
    """Create the pairs table ``out`` from the checked table ``final`` (``_row`` + model
    columns) and the inventory's table (None when the import creates an inventory).
    ``redundant``: keys not compared inside the file because another key is read from
    the same source column (``id`` when ids are generated, hence unique).
    ``establishments`` (a SIRENE file): a record with a SIRET matches an inventory
    record by its SIREN or RNA number only when the two SIRETs are the same: an
    establishment is never merged into a legal unit or an RNA record that has no SIRET
    (every establishment of the unit would merge into it, ingest/sirene.py)."""
    f = ident(final)
    parts = []
    keys = _exact_keys(table)
    id_key = list(model.TABLES[table].key)
    cols = set(model.TABLES[table].column_names)
    bases = [("id", id_key)] + [(k, [k]) for k in keys[len(id_key):] if k in cols]
    # inside the file: each record linked to the first record with the same key (grouped
    # first, so only the repeated keys are joined back)
    for basis, key in bases:
        if basis in redundant:
            continue
        label = lit(id_key[-1] if basis == "id" else basis)
        using = ", ".join(ident(k) for k in key)
        notnull = " AND ".join(f"{ident(k)} IS NOT NULL" for k in key)
        extra, first_siret = "", ""
        if basis in ("siren", "rna_id"):  # two establishments of one company or association
            # (SIRENE gives each the unit's RNA number) are not duplicates
            first_siret = ", arg_min(siret, _row) AS first_siret"
            extra = " AND (f.siret IS NULL OR d.first_siret IS NULL)"
        parts.append(f"""SELECT 'exact' AS kind, {label} AS basis, d.first_row AS a_row, f._row AS b_row,
                NULL::VARCHAR AS b_id, 100.0 AS score
            FROM {f} f JOIN (SELECT {using}, min(_row) AS first_row{first_siret} FROM {f}
                             WHERE {notnull} GROUP BY {using} HAVING count(*) > 1) d USING ({using})
            WHERE f._row <> d.first_row{extra}""")
    if inventory:
        inv = ident(inventory)
        for basis, key in bases:
            label = lit(id_key[-1] if basis == "id" else basis)
            cond = _key_cond(table, key, "f", "i")
            wildcard = "" if establishments else "i.siret IS NULL OR "
            extra = (f" AND (f.siret IS NULL OR {wildcard}f.siret = i.siret)"
                     if basis in ("siren", "rna_id") else "")
            parts.append(f"""SELECT 'exact', {label}, f._row, NULL, CAST(i.{ident(id_key[0])} AS VARCHAR), 100.0
                FROM {f} f JOIN {inv} i ON {cond}{extra}""")
    sql = " UNION ALL ".join(parts) if parts else \
        "SELECT NULL::VARCHAR, NULL::VARCHAR, NULL::BIGINT, NULL::BIGINT, NULL::VARCHAR, NULL::DOUBLE WHERE FALSE"
    con.execute(f"""CREATE OR REPLACE TABLE {ident(out)} AS
        SELECT kind, basis, a_row, b_row, b_id, score, TRUE AS merge FROM (
            SELECT *, row_number() OVER (PARTITION BY a_row, coalesce(CAST(b_row AS VARCHAR), b_id)
                                         ORDER BY basis) AS k FROM ({sql})) WHERE k = 1""")
    # one inventory match per file record (the first key that matched)
    con.execute(f"""DELETE FROM {ident(out)} WHERE b_id IS NOT NULL AND rowid NOT IN (
        SELECT first(rowid ORDER BY CASE basis WHEN 'actor_id' THEN 0 WHEN 'rna_id' THEN 1
                     WHEN 'siret' THEN 2 WHEN 'siren' THEN 3 ELSE 4 END)
        FROM {ident(out)} WHERE b_id IS NOT NULL GROUP BY a_row)""")
    if table == "actors":
        fuzzy(con, final, inventory, out)
        without_location(con, final, inventory, out)
    return con.execute(f"SELECT kind, count(*) FROM {ident(out)} GROUP BY 1").df()


def name_key(name: str | None) -> str:
    """Matching key of a name: capitals without accents or punctuation, generic words
    left out, words sorted (``Les Amis de l'École`` → ``AMIS ECOLE``)."""
    words = [w for w in normalize_name(name or "").split() if w not in NAME_STOP_WORDS]
    return " ".join(sorted(words))


def fuzzy(con, final: str, inventory: str | None, out: str) -> int:
    """Add fuzzy name + commune pairs to ``out``; returns how many."""
    rows = [f"SELECT _row, NULL::VARCHAR AS inv_id, upper(name) AS k, commune_code AS c "
            f"FROM {ident(final)} WHERE name IS NOT NULL AND commune_code IS NOT NULL"]
    if inventory:
        rows.append(f"SELECT NULL, CAST(actor_id AS VARCHAR), upper(name), commune_code "
                    f"FROM {ident(inventory)} WHERE name IS NOT NULL AND commune_code IS NOT NULL")
    names = " UNION ALL ".join(rows)
    n = con.execute(f"SELECT count(*) FROM ({names})").fetchall()[0][0]
    if n == 0 or n > MAX_FUZZY_ROWS:
        return 0
    # sorted neighbourhood: the next WINDOW records by name in the same commune (one sort);
    # the numbers in the names compared first (cheap), Jaro-Winkler then
    leads = ", ".join(f"lead(_row, {w}) OVER w AS br{w}, lead(inv_id, {w}) OVER w AS bi{w}, "
                      f"lead(k, {w}) OVER w AS bk{w}, lead(d, {w}) OVER w AS bd{w}"
                      for w in range(1, WINDOW + 1))
    con.execute(f"""CREATE OR REPLACE TEMP TABLE _next AS SELECT _row AS ar, inv_id AS a_inv, k AS a_k,
        d AS a_d, {leads}
        FROM (SELECT *, regexp_replace(k, '[^0-9]+', ' ', 'g') AS d FROM ({names}))
        WINDOW w AS (PARTITION BY c ORDER BY k, _row, inv_id)""")
    near = " UNION ALL ".join(
        f"SELECT ar, a_inv, a_k, br{w} AS br, bi{w} AS b_inv, bk{w} AS b_k FROM _next "
        f"WHERE bk{w} IS NOT NULL AND a_d = bd{w} AND jaro_winkler_similarity(a_k, bk{w}) >= {PREFILTER}"
        for w in range(1, WINDOW + 1))
    pairs = con.execute(f"""
        SELECT DISTINCT
               CASE WHEN ar IS NOT NULL AND br IS NOT NULL THEN least(ar, br) ELSE coalesce(ar, br) END AS a_row,
               CASE WHEN ar IS NOT NULL AND br IS NOT NULL THEN greatest(ar, br) END AS b_row,
               CASE WHEN ar IS NULL THEN a_inv WHEN br IS NULL THEN b_inv END AS b_id,
               a_k, b_k
        FROM ({near}) WHERE ar IS NOT NULL OR br IS NOT NULL""").df()
    con.execute("DROP TABLE IF EXISTS _next")
    if pairs.empty:
        return 0
    keys = {k: name_key(k) for k in set(pairs.a_k) | set(pairs.b_k)}
    scores = cpdist([keys[k] for k in pairs.a_k], [keys[k] for k in pairs.b_k],
                    scorer=fuzz.ratio, workers=-1)
    pairs["score"] = np.round(np.asarray(scores, dtype=float), 1)
    empty = np.array([not keys[k] for k in pairs.a_k]) | np.array([not keys[k] for k in pairs.b_k])
    pairs = pairs[(pairs.score >= FUZZY_SCORE) & ~empty].drop_duplicates(["a_row", "b_row", "b_id"])
    frame = pd.DataFrame({"kind": "fuzzy", "basis": "name", "a_row": pairs.a_row.astype("int64"),
                          "b_row": pairs.b_row.astype("Int64"), "b_id": pairs.b_id.astype(object),
                          "score": pairs.score, "merge": False})
    con.register("_fz", frame)
    # a pair already found exactly is not proposed again
    con.execute(f"""INSERT INTO {ident(out)} SELECT z.* FROM _fz z WHERE NOT EXISTS (
        SELECT 1 FROM {ident(out)} o WHERE o.a_row = z.a_row
          AND coalesce(CAST(o.b_row AS VARCHAR), o.b_id) = coalesce(CAST(z.b_row AS VARCHAR), z.b_id))""")
    con.unregister("_fz")
    return len(frame)


def review(con, table: str, final: str, inventory: str | None, pairs: str,
           limit: int | None = 500) -> pd.DataFrame:
    """Pairs with what the user needs to decide: both names (or keys), communes and ids."""
    columns = model.TABLES[table].column_names
    label = "name" if table == "actors" else ("title" if table == "projects" else None)
    keys = list(model.TABLES[table].key)

    def show(alias: str) -> str:
        if label:
            return f"{alias}.{ident(label)}"
        return "concat_ws(' / ', " + ", ".join(f"CAST({alias}.{ident(k)} AS VARCHAR)" for k in keys) + ")"

    def commune(alias: str) -> str:
        return f"{alias}.commune_code" if "commune_code" in columns else "NULL"

    # the inventory's table holds only the keys of tables other than actors
    inv_cols = _columns(con, inventory) if inventory else set()
    inv_name = show("i") if label in inv_cols else "NULL"
    inv_commune = "i.commune_code" if "commune_code" in inv_cols else "NULL"
    inv_join = (f"LEFT JOIN {ident(inventory)} i ON p.b_id IS NOT NULL AND "
                f"CAST(i.{ident(keys[0])} AS VARCHAR) = p.b_id") if inventory else ""
    lim = f"LIMIT {int(limit)}" if limit else ""
    return con.execute(f"""
        SELECT p.rowid AS pair, p.kind, p.basis, p.score, p.merge, p.a_row,
               {show('a')} AS a_name, {commune('a')} AS a_commune,
               CASE WHEN p.b_id IS NULL THEN 'file' ELSE 'inventory' END AS b_where,
               coalesce(CAST(p.b_row AS VARCHAR), p.b_id) AS b_ref,
               coalesce({show('b')}, {inv_name}) AS b_name,
               coalesce({commune('b')}, {inv_commune}) AS b_commune
        FROM {ident(pairs)} p
        JOIN {ident(final)} a ON a._row = p.a_row
        LEFT JOIN {ident(final)} b ON b._row = p.b_row
        {inv_join}
        ORDER BY p.kind, p.a_row {lim}""").df()


def set_decisions(con, pairs: str, merge: dict[int, bool] | None = None, *,
                  all_exact: bool | None = None, all_fuzzy: bool | None = None) -> None:
    """Record decisions: per pair (by its ``pair`` number) or for every exact / fuzzy pair."""
    t = ident(pairs)
    if all_exact is not None:
        con.execute(f"UPDATE {t} SET merge = ? WHERE kind = 'exact'", [all_exact])
    if all_fuzzy is not None:
        con.execute(f"UPDATE {t} SET merge = ? WHERE kind = 'fuzzy'", [all_fuzzy])
    for pair, value in (merge or {}).items():
        con.execute(f"UPDATE {t} SET merge = ? WHERE rowid = ?", [bool(value), int(pair)])


def clusters(con, pairs: str) -> pd.DataFrame:
    """Within-file merges as (_row, rep): every merged record and the record it joins
    (the first of its group, following chains of pairs)."""
    edges = con.execute(f"SELECT a_row, b_row FROM {ident(pairs)} WHERE merge AND b_row IS NOT NULL").fetchall()
    parent: dict[int, int] = {}

    def find(x):
        while parent.get(x, x) != x:
            parent[x] = parent.get(parent[x], parent[x])
            x = parent[x]
        return x

    for a, b in edges:
        ra, rb = find(int(a)), find(int(b))
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    rows = sorted(parent)
    return pd.DataFrame({"_row": rows, "rep": [find(r) for r in rows]}, dtype="int64")


# ------------------------------------------------------------------ rules without location

def domain_sql(expr: str) -> str:
    """SQL: the registered domain of a web or e-mail address (``codes.website_domain``),
    NULL for webmail providers, shared platforms, or no address."""
    host = (f"nullif(regexp_extract(lower(trim({expr})), '^(?:[a-z][a-z0-9+.-]*:(?://)?)?"
            f"(?:[^@/\\s]*@)?(?:www[0-9]*\\.)?([a-z0-9.-]+\\.[a-z]{{2,}})(?:[:/?#]|$)', 1), '')")
    second = "|".join(s.replace(".", "\\.") for s in SECOND_LEVEL)
    reg = (f"CASE WHEN regexp_matches(h, '\\.({second})$') "
           f"THEN regexp_extract(h, '[^.]+\\.[^.]+\\.[^.]+$') ELSE regexp_extract(h, '[^.]+\\.[^.]+$') END")
    excluded = lit_list(sorted(WEBMAIL_DOMAINS | PLATFORM_DOMAINS))
    names = lit_list(sorted(WEBMAIL_NAMES))
    return (f"list_transform([list_transform([{host}], lambda h: {reg})[1]], lambda d: CASE "
            f"WHEN d IN {excluded} OR split_part(d, '.', 1) IN {names} THEN NULL ELSE d END)[1]")


def name_key_sql(expr: str) -> str:
    """SQL twin of :func:`name_key` (capitals without accents or punctuation, generic
    words left out, words sorted)."""
    folded = (f"regexp_replace(upper(strip_accents(replace(replace({expr}, 'œ', 'oe'), 'Œ', 'OE'))), "
              f"'[^A-Z0-9]+', ' ', 'g')")
    return (f"array_to_string(list_sort(list_filter(string_split({folded}, ' '), lambda w: w <> '' "
            f"AND NOT list_contains({lit_list(NAME_STOP_WORDS)}, w))), ' ')")


def _columns(con, table: str) -> set[str]:
    return {r[0] for r in con.execute(f"DESCRIBE {ident(table)}").fetchall()}


def without_location(con, final: str, inventory: str | None, out: str) -> int:
    """Add the pairs that need no location to ``out`` (actors; kind ``fuzzy``, kept by
    default); returns how many.

    * ``website`` — the same registered domain of the website (or of an e-mail address
      written there), webmail providers and shared platforms left out
      (``codes.WEBMAIL_DOMAINS``, ``WEBMAIL_NAMES``, ``PLATFORM_DOMAINS``), and names at
      least a little alike (:data:`WEBSITE_NAME_SCORE`); score: the names' similarity;
    * ``same_name`` — the same name key (:func:`name_key`) and one of the two records
      without a commune; score 100.

    Blocking: records are grouped by the key (one GROUP BY, no pairs of every record);
    a group is used when it holds 2 to :data:`BLOCK_MAX` records in at most one commune
    (the others have none), and each record of it is paired with the group's first
    record (the inventory's, else the file's first). The name keys are computed only when
    some record has no commune."""
    f_cols = _columns(con, final)
    i_cols = _columns(con, inventory) if inventory else set()
    if "name" not in f_cols:
        return 0
    f_dom = domain_sql("website") if "website" in f_cols else "NULL::VARCHAR"
    i_dom = domain_sql("website") if "website" in i_cols else "NULL::VARCHAR"
    f_c = "commune_code" if "commune_code" in f_cols else "NULL::VARCHAR"
    rows = [f"SELECT _row, NULL::VARCHAR AS inv_id, name, {f_c} AS c, {f_dom} AS dom "
            f"FROM {ident(final)} WHERE name IS NOT NULL"]
    if inventory:
        rows.append(f"SELECT NULL, CAST(actor_id AS VARCHAR), name, commune_code, {i_dom} "
                    f"FROM {ident(inventory)} WHERE name IS NOT NULL")
    con.execute(f"CREATE OR REPLACE TEMP TABLE _nl AS {' UNION ALL '.join(rows)}")
    found = []
    if con.execute("SELECT count(*) FROM _nl WHERE dom IS NOT NULL").fetchall()[0][0]:
        found.append(("website", _blocks(con, "dom", need_missing=False)))
    if con.execute("SELECT count(*) FROM _nl WHERE c IS NULL").fetchall()[0][0]:
        _name_keys(con)
        found.insert(0, ("same_name", _blocks(con, "nk", need_missing=True)))
    con.execute("DROP TABLE IF EXISTS _nl")
    frames = []
    for basis, pairs in found:
        if pairs.empty:
            continue
        if basis == "website":
            keys = {n: name_key(n) for n in set(pairs.a_name) | set(pairs.b_name)}
            scores = cpdist([keys[n] for n in pairs.a_name], [keys[n] for n in pairs.b_name],
                            scorer=fuzz.token_set_ratio, workers=-1)
            pairs = pairs.assign(score=np.round(np.asarray(scores, dtype=float), 1))
            pairs = pairs[pairs.score >= WEBSITE_NAME_SCORE]
        else:
            pairs = pairs.assign(score=100.0)
        frames.append(pd.DataFrame({"kind": "fuzzy", "basis": basis,
                                    "a_row": pairs.a_row.astype("int64"),
                                    "b_row": pairs.b_row.astype("Int64"),
                                    "b_id": pairs.b_id.astype(object),
                                    "score": pairs.score.astype(float), "merge": False}))
    if not frames:
        return 0
    frame = pd.concat(frames, ignore_index=True)
    con.register("_wl", frame)
    t = ident(out)
    # in the rules' order; a pair already proposed is not proposed again, and a record
    # already matched to the inventory gets no second inventory match
    before = con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0]
    for basis, _ in found:
        con.execute(f"""INSERT INTO {t} SELECT z.* FROM _wl z WHERE z.basis = {lit(basis)}
            AND NOT EXISTS (SELECT 1 FROM {t} o WHERE (z.b_row IS NOT NULL AND o.b_row IS NOT NULL
                    AND least(o.a_row, o.b_row) = z.a_row AND greatest(o.a_row, o.b_row) = z.b_row)
                OR (z.b_id IS NOT NULL AND o.b_id IS NOT NULL AND o.a_row = z.a_row))""")
    con.unregister("_wl")
    return con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0] - before


#: accent-tolerant letters (names are compared in capitals, accents kept by upper())
_ACCENTED = {"A": "[AÀÂÄ]", "E": "[EÉÈÊË]", "I": "[IÎÏ]", "O": "[OÔÖ]", "U": "[UÙÛÜ]", "C": "[CÇ]",
             "Y": "[YŸ]"}
#: beyond this many distinct words the prefilter is no cheaper than the keys themselves
MAX_PREFILTER_WORDS = 5_000


def _name_keys(con) -> None:
    """Column ``nk`` of ``_nl`` for the records the name rule can pair: those without a
    commune, and those whose name holds the longest word of one of their keys (an
    accent-tolerant regular expression, one scan of the capitalised names: computing
    every key of 1.5 million names costs several seconds)."""
    keys = [r[0] for r in con.execute(
        f"SELECT DISTINCT {name_key_sql('name')} FROM _nl WHERE c IS NULL").fetchall()]
    words = sorted({max(k.split(), key=len) for k in keys if k})
    where = ""
    if words and len(words) <= MAX_PREFILTER_WORDS:
        pattern = "|".join("".join(_ACCENTED.get(ch, ch) for ch in w) for w in words)
        where = f"WHERE c IS NULL OR regexp_matches(upper(name), {lit(pattern)})"
    con.execute(f"CREATE OR REPLACE TEMP TABLE _nl AS SELECT *, {name_key_sql('name')} AS nk "
                f"FROM _nl {where}")


def _blocks(con, key: str, need_missing: bool) -> pd.DataFrame:
    """Pairs (each record of a block, the block's first record) as a_row, b_row, b_id,
    a_name, b_name (a file record first when the other is in the inventory)."""
    missing = " AND bool_or(c IS NULL)" if need_missing else ""
    return con.execute(f"""
        WITH b AS (SELECT {key} AS key FROM _nl WHERE {key} IS NOT NULL AND {key} <> ''
                   GROUP BY {key} HAVING count(*) BETWEEN 2 AND {BLOCK_MAX}
                   AND count(DISTINCT c) <= 1{missing}),
             m AS (SELECT n._row, n.inv_id, n.name, n.{key} AS key, row_number() OVER (
                       PARTITION BY n.{key} ORDER BY n.inv_id IS NULL, n.inv_id, n._row) AS k
                   FROM _nl n JOIN b ON b.key = n.{key})
        SELECT CASE WHEN r.inv_id IS NULL THEN r._row ELSE x._row END AS a_row,
               CASE WHEN r.inv_id IS NULL THEN x._row END AS b_row,
               r.inv_id AS b_id,
               CASE WHEN r.inv_id IS NULL THEN r.name ELSE x.name END AS a_name,
               CASE WHEN r.inv_id IS NULL THEN x.name ELSE r.name END AS b_name
        FROM m r JOIN m x ON x.key = r.key AND r.k = 1 AND x.k > 1
        WHERE x.inv_id IS NULL""").df()

