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

Everything runs in DuckDB: connected components by label propagation (each record takes
the smallest label among the records sharing one of its identifiers, repeated until
nothing changes; a few passes, as chains are short).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import duckdb
import pandas as pd

from ecosystem.ingest.sql import ident

RULES = ("siret", "rna_id", "siren")
MAX_PASSES = 50


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
    """``_lab``: rid → label (the smallest rid of its component). Returns the passes made."""
    con.execute("CREATE OR REPLACE TEMP TABLE _lab AS SELECT rid, rid AS label FROM _lk")
    # only identifiers held by two records or more can link anything
    for k in RULES:
        con.execute(f"""CREATE OR REPLACE TEMP TABLE _k_{k} AS
            SELECT rid, {k} AS v FROM _lk WHERE {k} IN (
                SELECT {k} FROM _lk WHERE {k} IS NOT NULL GROUP BY 1 HAVING count(*) > 1)""")
    passes = 0
    while passes < MAX_PASSES:
        passes += 1
        mins = " UNION ALL ".join(
            f"SELECT k.rid, m.label FROM _k_{k} k JOIN (SELECT k.v, min(l.label) AS label "
            f"FROM _k_{k} k JOIN _lab l USING (rid) GROUP BY 1) m USING (v)" for k in RULES)
        con.execute(f"""CREATE OR REPLACE TEMP TABLE _new AS
            SELECT l.rid, least(l.label, coalesce(m.label, l.label)) AS label
            FROM _lab l LEFT JOIN (SELECT rid, min(label) AS label FROM ({mins}) GROUP BY 1) m
            USING (rid)""")
        changed = con.execute("SELECT count(*) FROM _new JOIN _lab USING (rid) "
                              "WHERE _new.label <> _lab.label").fetchone()[0]
        con.execute("DROP TABLE _lab")
        con.execute("ALTER TABLE _new RENAME TO _lab")
        if not changed:
            break
    return passes


def link(con: duckdb.DuckDBPyConnection, source: str) -> Links:
    """Link the records of ``source`` (a table or subquery of ``con`` with ``actor_id``,
    ``source``, ``name``, ``siren``, ``siret``, ``rna_id``)."""
    started = time.perf_counter()
    _prepare(con, source)
    passes = _components(con)
    shared = " || ".join(
        f"CASE WHEN {k} IS NOT NULL AND count(*) OVER (PARTITION BY label, {k}) > 1 "
        f"THEN '+{k}' ELSE '' END" for k in RULES)
    con.execute(f"""CREATE OR REPLACE TEMP TABLE _rec AS
        SELECT k.*, l.label, ltrim({shared}, '+') AS rule FROM _lk k JOIN _lab l USING (rid)""")
    con.execute("""CREATE OR REPLACE TEMP TABLE _st AS
        SELECT label, count(*) AS n_records,
               count(DISTINCT siren) AS n_siren, count(DISTINCT rna_id) AS n_rna,
               string_agg(DISTINCT siren, ';' ORDER BY siren) AS sirens,
               string_agg(DISTINCT siret, ';' ORDER BY siret) AS sirets,
               string_agg(DISTINCT rna_id, ';' ORDER BY rna_id) AS rna_ids,
               string_agg(actor_id, ';' ORDER BY actor_id) AS actor_ids,
               string_agg(DISTINCT source, ';' ORDER BY source) AS sources,
               min(actor_id) AS first_id
        FROM _rec GROUP BY label""")
    con.execute("""CREATE OR REPLACE TEMP TABLE _st2 AS
        SELECT *, CASE WHEN n_siren = 1 THEN 'siren:' || sirens
                       WHEN n_siren = 0 AND n_rna = 1 THEN 'rna:' || rna_ids
                       ELSE 'actor:' || first_id END AS structure,
               n_siren > 1 OR n_rna > 1 AS conflict
        FROM _st""")
    records = con.execute("""
        SELECT r.actor_id, r.source, r.name, r.siren, r.siret, r.rna_id, s.structure, r.rule,
               s.conflict
        FROM _rec r JOIN _st2 s USING (label) ORDER BY s.structure, r.actor_id""").df()
    structures = con.execute("""
        SELECT structure, n_records, sirens, sirets, rna_ids, actor_ids, sources, conflict
        FROM _st2 ORDER BY structure""").df()
    conflicts = con.execute("""
        SELECT structure, 'siren' AS kind, sirens AS "values", actor_ids FROM _st2 WHERE n_siren > 1
        UNION ALL
        SELECT structure, 'rna_id', rna_ids, actor_ids FROM _st2 WHERE n_rna > 1
        ORDER BY 1, 2""").df()
    for t in ("_lk", "_lab", "_rec", "_st", "_st2", *(f"_k_{k}" for k in RULES)):
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
