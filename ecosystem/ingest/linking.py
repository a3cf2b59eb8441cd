"""Linking records across sources: one structure per real organisation.

The same association is an RNA record (``rna_id``, sometimes the SIRET of its head
office), a SIRENE legal unit (``siren``, ``identifiantAssociationUniteLegale`` = its RNA
number) and SIRENE establishments (``siret``, whose first nine digits are the SIREN); a
grant file (SCDL) names its beneficiary by SIRET. :func:`link` groups records that share
an identifier, transitively, into **structures**:

=========  ==============================================================================
rule       records linked
=========  ==============================================================================
siret      the same SIRET (RNA ↔ SIRENE establishment, SCDL beneficiary ↔ establishment)
rna_id     the same RNA number (RNA ↔ SIRENE legal unit or its establishments)
siren      the same SIREN, a record's own or its SIRET's first nine digits (legal unit ↔
           its establishments)
=========  ==============================================================================

Each record gets its structure and its **rule**: the kinds of identifier it shares with
another record of the structure, joined with ``+`` in the order above (empty: alone). A
structure holding two different SIRENs or two different RNA numbers is a **conflict**
(two identifiers of one record point to different organisations: an RNA record carrying
another body's SIRET, a legal unit declaring another association's RNA number): it is kept
together, flagged, and listed in :attr:`Links.conflicts` for review.

Identifiers are grouped in DuckDB; connected components are found over numpy arrays
(each record joined to the first record sharing an identifier; min-label hooking and
pointer jumping: a few rounds, however long the chains).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd

from ecosystem.ingest.sql import ident

RULES = ("siret", "rna_id", "siren")
MAX_PASSES = 64


@dataclass
class Links:
    records: pd.DataFrame      # actor_id, source, name, siren, siret, rna_id, structure, rule, conflict
    structures: pd.DataFrame   # structure, n_records, sirens, sirets, rna_ids, actor_ids, sources, conflict
    conflicts: pd.DataFrame    # structure, kind, values, actor_ids
    passes: int = 0
    seconds: float = 0.0

    def summary(self) -> dict:
        r = self.records
        return {"records": len(r), "structures": len(self.structures),
                "linked": int((r.rule != "").sum()),
                "by_rule": {k: int(r.rule.str.contains(k, regex=False).sum()) for k in RULES},
                "conflicts": int(self.structures.conflict.sum())}


def _prepare(con, source: str) -> None:
    """``_lk``: one row per record with its integer id and normalised identifiers."""
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE _lk AS
        SELECT row_number() OVER () AS rid, CAST(actor_id AS VARCHAR) AS actor_id,
               CAST(source AS VARCHAR) AS source, CAST(name AS VARCHAR) AS name,
               nullif(trim(CAST(siret AS VARCHAR)), '') AS siret,
               coalesce(nullif(trim(CAST(siren AS VARCHAR)), ''),
                        left(nullif(trim(CAST(siret AS VARCHAR)), ''), 9)) AS siren,
               nullif(upper(trim(CAST(rna_id AS VARCHAR))), '') AS rna_id
        FROM {source}""")


def _components(con) -> int:
    """``_lab``: rid → label (the smallest rid of its component). Returns the rounds made.

    Edges join each record to the first record holding the same identifier (only
    identifiers held twice or more); components by min-label hooking and pointer jumping
    over numpy arrays: a few rounds whatever the length of the chains."""
    n = con.execute("SELECT count(*) FROM _lk").fetchone()[0]
    edges = " UNION ALL ".join(
        f"SELECT rid AS a, min(rid) OVER (PARTITION BY {k}) AS b FROM _lk WHERE {k} IN ("
        f"SELECT {k} FROM _lk WHERE {k} IS NOT NULL GROUP BY 1 HAVING count(*) > 1)" for k in RULES)
    e = con.execute(f"SELECT a - 1 AS a, b - 1 AS b FROM ({edges}) WHERE a <> b").fetchnumpy()
    u, v = np.asarray(e["a"], dtype=np.int64), np.asarray(e["b"], dtype=np.int64)
    labels = np.arange(n, dtype=np.int64)
    rounds = 0
    while rounds < MAX_PASSES:
        rounds += 1
        lu, lv = labels[u], labels[v]
        low = np.minimum(lu, lv)
        new = labels.copy()
        np.minimum.at(new, lu, low)   # hook each root to the smallest label it touches
        np.minimum.at(new, lv, low)
        while True:                   # pointer jumping: every record to its root
            nxt = new[new]
            if np.array_equal(nxt, new):
                break
            new = nxt
        if np.array_equal(new, labels):
            break
        labels = new
    con.register("_lab_df", pd.DataFrame({"rid": np.arange(1, n + 1), "label": labels + 1}))
    con.execute("CREATE OR REPLACE TEMP TABLE _lab AS SELECT * FROM _lab_df")
    con.unregister("_lab_df")
    return rounds


def _frame(con, sql: str) -> pd.DataFrame:
    """A query's result as a DataFrame, through Arrow (about twice as fast as ``.df()``
    on millions of text values)."""
    return con.sql(sql).to_arrow_table().to_pandas()


def link(con: duckdb.DuckDBPyConnection, source: str) -> Links:
    """Link the records of ``source`` (a table or subquery of ``con`` with ``actor_id``,
    ``source``, ``name``, ``siren``, ``siret``, ``rna_id``)."""
    started = time.perf_counter()
    _prepare(con, source)
    passes = _components(con)
    # a value held by two records links them, so both are in one structure: a record
    # shares an identifier with its structure when that value is held twice or more
    shared = " || ".join(
        f"CASE WHEN {k} IN (SELECT {k} FROM _lk WHERE {k} IS NOT NULL GROUP BY 1 "
        f"HAVING count(*) > 1) THEN '+{k}' ELSE '' END" for k in RULES)
    con.execute(f"""CREATE OR REPLACE TEMP TABLE _rec AS
        SELECT k.*, l.label, count(*) OVER (PARTITION BY l.label) AS n, ltrim({shared}, '+') AS rule
        FROM _lk k JOIN _lab l USING (rid)""")
    # structures of one record are copied; the others aggregated, each identifier's
    # distinct values first (DISTINCT inside an aggregate costs half as much again)
    con.execute("CREATE OR REPLACE TEMP TABLE _m AS SELECT label, siren, siret, rna_id, actor_id, "
                "source FROM _rec WHERE n > 1")

    def values(col: str) -> str:
        return (f"(SELECT label, count(*) AS n_{col}, string_agg({col}, ';' ORDER BY {col}) AS v_{col} "
                f"FROM (SELECT DISTINCT label, {col} FROM _m WHERE {col} IS NOT NULL) GROUP BY label)")

    con.execute(f"""CREATE OR REPLACE TEMP TABLE _st AS
        SELECT label, 1 AS n_records, (siren IS NOT NULL)::INTEGER AS n_siren,
               (rna_id IS NOT NULL)::INTEGER AS n_rna, siren AS sirens, siret AS sirets,
               rna_id AS rna_ids, actor_id AS actor_ids, source AS sources, actor_id AS first_id
        FROM _rec WHERE n = 1
        UNION ALL
        SELECT b.label, b.n_records, coalesce(s.n_siren, 0), coalesce(r.n_rna_id, 0), s.v_siren,
               t.v_siret, r.v_rna_id, b.actor_ids, o.v_source, b.first_id
        FROM (SELECT label, count(*) AS n_records, string_agg(actor_id, ';' ORDER BY actor_id)
                     AS actor_ids, min(actor_id) AS first_id FROM _m GROUP BY label) b
        LEFT JOIN {values('siren')} s USING (label) LEFT JOIN {values('siret')} t USING (label)
        LEFT JOIN {values('rna_id')} r USING (label) LEFT JOIN {values('source')} o USING (label)""")
    con.execute("""CREATE OR REPLACE TEMP TABLE _st2 AS
        SELECT *, CASE WHEN n_siren = 1 THEN 'siren:' || sirens
                       WHEN n_siren = 0 AND n_rna = 1 THEN 'rna:' || rna_ids
                       ELSE 'actor:' || first_id END AS structure,
               n_siren > 1 OR n_rna > 1 AS conflict
        FROM _st""")
    # in the order of the structures' first records (integers: no sort of millions of texts)
    records = _frame(con, """
        SELECT r.actor_id, r.source, r.name, r.siren, r.siret, r.rna_id, s.structure, r.rule,
               s.conflict
        FROM _rec r JOIN _st2 s USING (label) ORDER BY r.label, r.rid""")
    structures = _frame(con, """
        SELECT structure, n_records, sirens, sirets, rna_ids, actor_ids, sources, conflict
        FROM _st2 ORDER BY label""")
    conflicts = _frame(con, """
        SELECT structure, 'siren' AS kind, sirens AS "values", actor_ids FROM _st2 WHERE n_siren > 1
        UNION ALL
        SELECT structure, 'rna_id', rna_ids, actor_ids FROM _st2 WHERE n_rna > 1
        ORDER BY 1, 2""")
    for t in ("_lk", "_lab", "_rec", "_m", "_st", "_st2"):
        con.execute(f"DROP TABLE IF EXISTS {ident(t)}")
    return Links(records, structures, conflicts, passes, time.perf_counter() - started)


def link_frame(df: pd.DataFrame) -> Links:
    """:func:`link` over a DataFrame (missing identifier columns count as empty)."""
    frame = df.copy()
    for c in ("actor_id", "source", "name", "siren", "siret", "rna_id"):
        if c not in frame:
            frame[c] = None
    con = duckdb.connect(":memory:")
    try:
        con.register("_input", frame[["actor_id", "source", "name", "siren", "siret", "rna_id"]]
                     .astype("string"))
        return link(con, "_input")
    finally:
        con.close()


def link_inventory(store, ref) -> Links:
    """:func:`link` over an inventory's actors."""
    df = store.query(f"SELECT actor_id, source, name, siren, siret, rna_id FROM {ref.table('actors')}")
    return link_frame(df)


# ------------------------------------------------------------------ review in an import

FILE_PREFIX = "file:"


def import_records(imp, index: int) -> pd.DataFrame:
    """The records an import of actors (part ``index``) links: the file's checked
    records (``actor_id`` = ``file:<row>``, their source) and the inventory's actors
    (their ``actor_id``, source ``inventory``)."""
    part = imp._part(index)
    chk = ident(part.tbl("chk"))
    cols = {r[0] for r in imp.con.execute(f"DESCRIBE {chk}").fetchall()}

    def col(c: str, src: set[str]) -> str:
        return f"CAST({ident(c)} AS VARCHAR)" if c in src else "NULL::VARCHAR"

    parts = [f"""SELECT '{FILE_PREFIX}' || CAST(_row AS VARCHAR) AS actor_id, {col('source', cols)} AS source,
        {col('name', cols)} AS name, {col('siren', cols)} AS siren, {col('siret', cols)} AS siret,
        {col('rna_id', cols)} AS rna_id FROM {chk}"""]
    if imp._has("inv_actors"):
        inv = {r[0] for r in imp.con.execute("DESCRIBE inv_actors").fetchall()}
        parts.append(f"""SELECT CAST(actor_id AS VARCHAR), 'inventory', {col('name', inv)},
            {col('siren', inv)}, {col('siret', inv)}, {col('rna_id', inv)} FROM inv_actors""")
    return imp.con.execute(" UNION ALL ".join(parts)).df()


def review(imp, index: int) -> Links:
    """:func:`link` over the file's records and the inventory's actors: structures, the
    rule per record, conflicts — for the user to decide before the save."""
    return link_frame(import_records(imp, index))


def decisions(imp, index: int, links: Links) -> dict[str, bool | None]:
    """Per conflict structure: True when every duplicate pair joining two of its records
    is merged, False when none is, None when mixed or when no pair joins them."""
    out: dict[str, bool | None] = {}
    for structure, rows, ids in _members(links):
        got = imp.con.execute(f"SELECT bool_and(merge), bool_or(merge) FROM "
                              f"{ident(imp._part(index).tbl('pairs'))} WHERE {_within(rows, ids)}"
                              ).fetchall()[0]
        out[structure] = None if got[0] is None or got[0] != got[1] else bool(got[0])
    return out


def decide(imp, index: int, links: Links, structure: str, merge: bool) -> int:
    """Merge (one actor) or keep apart (one per record) the records of a conflict
    structure, by setting the import's duplicate pairs that join two of them; applied
    at the save, in its one transaction (merged rows count as merged in the equation).
    Returns the pairs changed."""
    for name, rows, ids in _members(links):
        if name == structure:
            pairs = ident(imp._part(index).tbl("pairs"))
            n = imp.con.execute(f"SELECT count(*) FROM {pairs} WHERE {_within(rows, ids)} "
                                f"AND merge <> {bool(merge)}").fetchall()[0][0]
            imp.con.execute(f"UPDATE {pairs} SET merge = {bool(merge)} WHERE {_within(rows, ids)}")
            imp.prepared = False
            return int(n)
    raise KeyError(structure)


def _members(links: Links):
    """(structure, file rows, inventory ids) of each conflict structure."""
    recs = links.records[links.records.conflict]
    for structure, group in recs.groupby("structure", sort=True):
        ids = group.actor_id.tolist()
        rows = [int(i[len(FILE_PREFIX):]) for i in ids if i.startswith(FILE_PREFIX)]
        yield structure, rows, [i for i in ids if not i.startswith(FILE_PREFIX)]


def _within(rows: list[int], ids: list[str]) -> str:
    from ecosystem.ingest.sql import lit

    r = ", ".join(str(int(x)) for x in rows) or "NULL"
    i = ", ".join(lit(x) for x in ids) or "NULL"
    return f"a_row IN ({r}) AND (b_row IN ({r}) OR b_id IN ({i}))"
