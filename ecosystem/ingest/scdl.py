"""SCDL ``subventions``: grants published by local authorities and the State.

A SCDL file (schema ``scdl/subventions`` 1.x, 2.0, 2.1) has one row per grant
and beneficiary: ``nomAttribuant``/``idAttribuant`` (the granting body, SIRET),
``nomBeneficiaire``/``idBeneficiaire`` (SIRET), ``objet``, ``montant`` (the
total, before it is shared between beneficiaries), ``pourcentageSubvention``
(this beneficiary's share, ``1.00`` = 100 %), ``nature``, ``dateConvention``,
``referenceDecision``, ``datesPeriodeVersement``…; version 2.1 adds
``multiFinanceur`` and ``identifiantSubvention``, which ties together the rows
of one grant paid by several funders (one row per funder).

One file becomes three parts of the import, each read from a table derived
here in SQL from the file's rows (nothing goes through pandas):

======== ============================================ ==========================
part     records                                      row number (``_row``)
======== ============================================ ==========================
actors   two per file row: the granting body and the   file row × 10 + 1 (funder),
         beneficiary                                   × 10 + 2 (beneficiary)
projects one per file row: the granted action          the file row
fundings one per file row: funder → project            the file row
======== ============================================ ==========================

So each part balances on its own (rows read = saved + merged + excluded): the
actors part reads twice the file's rows; a funder or beneficiary met again
(same SIRET) is *merged* in the file, one already in the inventory (same
SIRET, or same SIREN when one of the two has no SIRET) is *merged* into it
(matched), the others are *saved* (new actors). A 2.1 multi-funder grant is one
project (its rows after the first are merged into it) with a funding per funder.

Ids: actors ``scdl:<SIRET>`` (``scdl:<SIREN>`` for a 9-digit id; a party with no
usable id gets ``scdl:nom:<name key>`` and is counted *unmatched*); projects
``scdl:<identifiantSubvention>:<beneficiary>`` (2.1) or a hash of the grant's
fields; fundings a hash of the row's fields (the same row twice is merged).
Amount = ``montant`` × ``pourcentageSubvention`` (a share above 1 is read as a
percentage; none = 1). Year = the year of ``dateConvention`` (any format with a
4-digit year), else of ``datesPeriodeVersement``. Kind from ``nature``
(:data:`codes.SCDL_NATURES`), origin ``public``.
"""

from __future__ import annotations

import pandas as pd

from ecosystem.ingest import codes
from ecosystem.ingest.mapping import Mapping, Rule
from ecosystem.ingest.readers import Raw
from ecosystem.ingest.sql import ident, lit

REQUIRED = ("nomattribuant", "idattribuant", "nombeneficiaire", "idbeneficiaire", "montant")
SOURCE = "scdl"


def is_scdl(keys: set[str]) -> bool:
    return set(REQUIRED) <= keys


def version(keys: set[str]) -> str:
    return "2.1" if {"identifiantsubvention", "multifinanceur"} & keys else "1.x-2.0"


# ------------------------------------------------------------------ mappings of the derived tables

#: the derived tables' columns, named after the SCDL fields they come from (the mapping
#: summary shows them as the file's columns)
COLUMNS = {
    "actors": {"actor_id": "scdl:idAttribuant|idBeneficiaire", "name": "nomAttribuant|nomBeneficiaire",
               "actor_type": "type(idAttribuant|nomBeneficiaire)",
               "siren": "siren(idAttribuant|idBeneficiaire)", "siret": "idAttribuant|idBeneficiaire"},
    "projects": {"project_id": "scdl:identifiantSubvention|hash", "title": "objet|referenceDecision",
                 "lead_actor_id": "scdl:idBeneficiaire", "year": "year(dateConvention)",
                 "description": "objet", "reference": "referenceDecision"},
    "fundings": {"funding_id": "scdl:hash", "project_id": "scdl:identifiantSubvention|hash",
                 "funder_actor_id": "scdl:idAttribuant", "funder_name": "nomAttribuant",
                 "amount_eur": "montant*pourcentageSubvention", "year": "year(dateConvention)",
                 "kind": "nature"},
}


def _rule(kind: str, column: str, how: str = "auto") -> Rule:
    return Rule(source=COLUMNS[kind][column], how=how)


def actors_mapping() -> Mapping:
    rules = {"actor_id": _rule("actors", "actor_id", "text"), "name": _rule("actors", "name"),
             "actor_type": _rule("actors", "actor_type", "vocab"),
             "siren": _rule("actors", "siren", "digits"), "siret": _rule("actors", "siret", "digits"),
             "source_id": _rule("actors", "siret", "text")}
    m = Mapping("actors", rules, format="scdl", source=SOURCE, id_prefix="scdl:")
    m.defaults["actor_type"] = "association"
    return m


def projects_mapping() -> Mapping:
    rules = {"project_id": _rule("projects", "project_id", "text"), "title": _rule("projects", "title"),
             "lead_actor_id": _rule("projects", "lead_actor_id", "text"),
             "stage": Rule(how="constant", constant="experimentation"),
             "start_year": _rule("projects", "year", "year"),
             "description": _rule("projects", "description"),
             "source_id": _rule("projects", "reference", "text")}
    return Mapping("projects", rules, format="scdl", source=SOURCE, id_prefix="scdl:")


def fundings_mapping() -> Mapping:
    rules = {"funding_id": _rule("fundings", "funding_id", "text"),
             "project_id": _rule("fundings", "project_id", "text"),
             "funder_actor_id": _rule("fundings", "funder_actor_id", "text"),
             "funder_name": _rule("fundings", "funder_name"),
             "amount_eur": _rule("fundings", "amount_eur", "number"),
             "year": _rule("fundings", "year", "year"),
             "kind": _rule("fundings", "kind", "vocab"),
             "origin": Rule(how="constant", constant="public")}
    return Mapping("fundings", rules, format="scdl", source=SOURCE, id_prefix="scdl:")


def grants_mapping() -> Mapping:
    """The mapping the recognition carries (the fundings part's; :func:`expand` gives
    each of the three parts its own)."""
    return fundings_mapping()


# ------------------------------------------------------------------ derived tables

def _col(cols: dict[str, str], name: str) -> str:
    """The cleaned text of a file column, NULL when the file has no such column."""
    return f"imp_clean({ident(cols[name])})" if name in cols else "NULL::VARCHAR"


def _party_id(digits: str, name: str) -> str:
    """scdl:<SIRET|SIREN>, or scdl:nom:<name key> when the id is not 9 or 14 digits."""
    key = (f"trim(regexp_replace(lower(strip_accents({name})), '[^a-z0-9]+', '-', 'g'), '-')")
    return (f"CASE WHEN regexp_full_match({digits}, '[0-9]{{14}}|[0-9]{{9}}') THEN 'scdl:' || {digits} "
            f"WHEN {name} IS NOT NULL THEN 'scdl:nom:' || {key} END")


def _nature_sql(nature: str) -> str:
    """'subvention' when every ';'-part of the nature is a known SCDL nature (or none is
    given); otherwise the text as written (reported as an unknown funding kind)."""
    known = ", ".join(lit(k) for k in codes.SCDL_NATURES)
    parts = (f"list_transform(string_split({nature}, ';'), lambda p: "
             f"regexp_replace(upper(strip_accents(trim(p))), '\\s+', ' ', 'g'))")
    return (f"CASE WHEN {nature} IS NULL OR list_bool_and(list_transform({parts}, "
            f"lambda p: p IN ({known}))) THEN 'subvention' ELSE {nature} END")


def expand(con, raw: Raw, first_index: int) -> list[tuple[Raw, Mapping]]:
    """The three derived tables of a SCDL file, as (Raw, Mapping) for the actors,
    projects and fundings parts (indexes ``first_index`` …+2)."""
    cols = {c.strip().lower(): c for c in raw.columns}
    src = ident(raw.table)
    g = f"_scdl_{first_index}"
    montant, pct = _col(cols, "montant"), _col(cols, "pourcentagesubvention")
    year = (f"coalesce(CAST(imp_year({_col(cols, 'dateconvention')}) AS VARCHAR), "
            f"CAST(imp_year({_col(cols, 'datesperiodeversement')}) AS VARCHAR), "
            f"{_col(cols, 'dateconvention')})")
    con.execute(f"""CREATE OR REPLACE TEMP TABLE {g} AS SELECT * , {_party_id('fid', 'fname')} AS f_id,
            {_party_id('bid', 'bname')} AS b_id FROM (
        SELECT CAST({raw.row_sql} AS BIGINT) AS _row,
            {_col(cols, 'nomattribuant')} AS fname, imp_digits({_col(cols, 'idattribuant')}) AS fid,
            {_col(cols, 'nombeneficiaire')} AS bname, imp_digits({_col(cols, 'idbeneficiaire')}) AS bid,
            {_col(cols, 'objet')} AS objet, {_col(cols, 'referencedecision')} AS reference,
            {_col(cols, 'identifiantsubvention')} AS grant_id, {_col(cols, 'nature')} AS nature,
            {_col(cols, 'dateconvention')} AS date_conv, {year} AS year,
            {montant} AS montant, imp_number({montant}) AS m, imp_number({pct}) AS p
        FROM {src})""")
    # the beneficiaries' type by keywords of their name (distinct names only)
    names = [r[0] for r in con.execute(f"SELECT DISTINCT bname FROM {g} WHERE bname IS NOT NULL").fetchall()]
    kinds = pd.DataFrame({"bname": names, "btype": [codes.keyword_type(n) for n in names]},
                         dtype="object")
    con.register("_scdl_types", kinds)
    con.execute(f"CREATE OR REPLACE TEMP TABLE {g}_types AS SELECT CAST(bname AS VARCHAR) AS bname, "
                "CAST(btype AS VARCHAR) AS btype FROM _scdl_types")
    con.unregister("_scdl_types")

    def siret(d):
        return f"CASE WHEN regexp_full_match({d}, '[0-9]{{14}}') THEN {d} END"

    def siren(d):
        return f"CASE WHEN regexp_full_match({d}, '[0-9]{{14}}|[0-9]{{9}}') THEN {d}[1:9] END"

    tables = {}
    tables["actors"] = f"""
        SELECT _row * 10 + 1 AS _row, f_id AS actor_id, fname AS name,
            CASE WHEN fid[1:1] = '2' THEN 'local_authority' ELSE 'funder' END AS actor_type,
            {siren('fid')} AS siren, {siret('fid')} AS siret
        FROM {g}
        UNION ALL
        SELECT _row * 10 + 2, b_id, g.bname, t.btype, {siren('bid')}, {siret('bid')}
        FROM {g} g LEFT JOIN {g}_types t ON t.bname = g.bname"""
    project = ("CASE WHEN grant_id IS NOT NULL THEN 'scdl:' || grant_id || ':' || coalesce(b_id, '') "
               "ELSE 'scdl:' || md5(concat_ws('|', fid, bid, date_conv, reference, objet))[1:16] END")
    tables["projects"] = f"""
        SELECT _row, {project} AS project_id, coalesce(objet, reference, bname) AS title,
            b_id AS lead_actor_id, year, objet AS description, reference FROM {g}"""
    amount = ("CASE WHEN m IS NULL THEN montant ELSE CAST(round(m * CASE WHEN p IS NULL THEN 1 "
              "WHEN p > 1 THEN p / 100 ELSE p END, 2) AS VARCHAR) END")
    tables["fundings"] = f"""
        SELECT _row, 'scdl:' || md5(concat_ws('|', fname, fid, bname, bid, date_conv, reference, objet,
                                              grant_id, montant, CAST(p AS VARCHAR)))[1:16] AS funding_id,
            {project} AS project_id, f_id AS funder_actor_id, fname AS funder_name,
            {amount} AS amount_eur, year, {_nature_sql('nature')} AS kind FROM {g}"""
    mappings = {"actors": actors_mapping(), "projects": projects_mapping(),
                "fundings": fundings_mapping()}
    out = []
    for i, (kind, sql) in enumerate(tables.items()):
        name = f"p{first_index + i}_scdlraw"
        named = ", ".join(f"{ident(c)} AS {ident(label)}" for c, label in COLUMNS[kind].items())
        con.execute(f"CREATE OR REPLACE TABLE {ident(name)} AS SELECT _row, {named} FROM ({sql}) "
                    "ORDER BY _row")
        n = con.execute(f"SELECT count(*) FROM {ident(name)}").fetchall()[0][0]
        columns = [c for c in con.execute(f"SELECT * FROM {ident(name)} LIMIT 0").fetchdf().columns
                   if c != "_row"]
        out.append((Raw(name, columns, int(n), '"_row"', sheet=raw.sheet,
                        notes={"scdl": kind}), mappings[kind]))
    con.execute(f"DROP TABLE IF EXISTS {g}")
    con.execute(f"DROP TABLE IF EXISTS {g}_types")
    return out


def report(imp) -> dict:
    """What a prepared SCDL import found. ``grants``: the file's rows by what their
    beneficiary became — ``matched`` (an actor already in the inventory, found by
    SIRET or SIREN), ``new`` (an actor created, with its SIRET/SIREN), ``unmatched``
    (no usable SIRET or SIREN: created under its name, to be checked by hand).
    ``funders``: per granting body, the grants and the amount saved (euros)."""
    by = {p.table: p for p in imp.parts if p.format == "scdl"}
    con = imp.con
    chk = ident(by["actors"].tbl("chk"))
    inv = "SELECT actor_id FROM inv_actors" if imp._has("inv_actors") else \
        "SELECT NULL::VARCHAR AS actor_id WHERE FALSE"
    rows = con.execute(f"""SELECT CASE
            WHEN coalesce((SELECT any_value(m.new_id) FROM id_remap m WHERE m.kind = 'actors'
                           AND m.old_id = c.actor_id), c.actor_id) IN ({inv}) THEN 'matched'
            WHEN c.siren IS NOT NULL THEN 'new' ELSE 'unmatched' END AS k, count(*)
        FROM {chk} c WHERE c._row % 10 = 2 GROUP BY 1""").fetchall()
    grants = {"matched": 0, "new": 0, "unmatched": 0, **{k: int(n) for k, n in rows}}
    f_ins = ident(by["fundings"].tbl("ins"))
    amounts = con.execute(f"""SELECT funder_actor_id, any_value(funder_name), count(*), sum(amount_eur)
        FROM {f_ins} GROUP BY 1 ORDER BY 4 DESC, 1""").fetchall()
    return {"grants": grants,
            "funders": [{"funder_actor_id": a, "funder_name": n, "grants": int(c),
                         "amount_eur": round(float(s or 0), 2)} for a, n, c, s in amounts]}


def funders_frame(found: dict, lang: str = "fr") -> pd.DataFrame:
    """The amounts per funder of :func:`report` with translated column names."""
    from ecosystem.i18n import t

    return pd.DataFrame({
        t("imp.scdl.col.funder", lang): [f["funder_name"] for f in found["funders"]],
        t("imp.scdl.col.id", lang): [f["funder_actor_id"] for f in found["funders"]],
        t("imp.scdl.col.grants", lang): [f["grants"] for f in found["funders"]],
        t("imp.scdl.col.amount", lang): [f["amount_eur"] for f in found["funders"]]})
