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
``scdl:<identifiantSubvention>:<beneficiary>`` (2.1) or a hash of the funder's and
beneficiary's ids and the objet — one project per beneficiary × funder × objet, at
stage ``experimentation``, because the model ties every funding to a project (see
docs/import.md); fundings a hash of the row's fields (the same row twice is merged).
A funding is flagged ``outside_territory`` when its beneficiary has a commune outside
the inventory's territory (:func:`home_territory`), listed by :func:`outside`.
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
    # one project per beneficiary × funder × objet (a 2.1 grant paid by several funders:
    # one per grant × beneficiary); the objet compared without case, accents or punctuation
    objet_key = ("trim(regexp_replace(lower(strip_accents(coalesce(objet, ''))), '[^a-z0-9]+', ' ', "
                 "'g'))")
    project = ("CASE WHEN grant_id IS NOT NULL THEN 'scdl:' || grant_id || ':' || coalesce(b_id, '') "
               f"ELSE 'scdl:' || md5(concat_ws('|', f_id, b_id, {objet_key}))[1:16] END")
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
    places = dict(con.execute(f"""SELECT CASE WHEN outside_territory THEN 'outside'
            WHEN NOT outside_territory THEN 'inside' ELSE 'unknown' END, count(*)
        FROM {f_ins} GROUP BY 1""").fetchall())
    return {"grants": grants,
            "funders": [{"funder_actor_id": a, "funder_name": n, "grants": int(c),
                         "amount_eur": round(float(s or 0), 2)} for a, n, c, s in amounts],
            "territory": getattr(imp, "scdl_home", None),
            "places": {"inside": 0, "outside": 0, "unknown": 0, **{k: int(v) for k, v in places.items()}}}


# ------------------------------------------------------------------ the inventory's territory

#: the share of an inventory's located actors a territory must hold to be its territory
HOME_SHARE = 0.8
HOME_LEVELS = ("epci", "departement", "region")


def home_territory(imp) -> tuple[str, str] | None:
    """The territory of the inventory an import goes into, as (level, code): the one the
    store declares for it (``territory`` of its row, ``level:code``) if any; else the
    smallest territory — EPCI, then département, then région — holding at least
    :data:`HOME_SHARE` (80 %) of the inventory's actors that have a commune. None for
    a new or empty inventory, or one spread wider than a région (nothing is flagged)."""
    store, name = imp.store, imp.inventory
    if store is not None and name and store.exists(name):
        declared = store.info(name).get("territory")
        if isinstance(declared, str) and ":" in declared:
            level, code = declared.split(":", 1)
            return level, code
    if not imp._has("inv_actors"):
        return None
    codes_ = [r[0] for r in imp.con.execute(
        "SELECT commune_code FROM inv_actors WHERE commune_code IS NOT NULL").fetchall()]
    if not codes_:
        return None
    communes = imp.geo.communes.reset_index(drop=True).set_index("code")
    placed = communes.reindex(pd.Index(codes_, name="code")).dropna(subset=["dep"])
    if placed.empty:
        return None
    for level in HOME_LEVELS:
        key = {"departement": "dep", "region": "reg"}.get(level, level)
        counts = placed[key].value_counts()
        if len(counts) and counts.iloc[0] >= HOME_SHARE * len(codes_):
            return level, str(counts.index[0])
    return None


def prepare_home(imp) -> bool:
    """Table ``scdl_home`` (code): the communes of :func:`home_territory` (empty when
    there is none). Returns whether there is one."""
    home = home_territory(imp)
    codes_ = [] if home is None else list(imp.geo.communes_in(*home))
    imp.con.register("_home", pd.DataFrame({"code": pd.Series(codes_, dtype="object")}))
    imp.con.execute("CREATE OR REPLACE TABLE scdl_home AS SELECT CAST(code AS VARCHAR) AS code FROM _home")
    imp.con.unregister("_home")
    imp.scdl_home = home
    return home is not None


def outside_sql(imp, project: str, projects_rows: str) -> str:
    """SQL of a funding's ``outside_territory``: TRUE when its beneficiary (the lead of
    its project, found in the projects part ``projects_rows`` after merges) has a
    commune outside the inventory's territory, FALSE inside, NULL when the beneficiary
    has no commune (new actors: SCDL gives no address) or the inventory has no territory."""
    if not prepare_home(imp):
        return "NULL::BOOLEAN"
    lead = imp._lead_commune_sql("p.lead_actor_id")
    return (f"(SELECT CASE WHEN c IS NULL THEN NULL ELSE c NOT IN (SELECT code FROM scdl_home) END "
            f"FROM (SELECT {lead} AS c FROM {projects_rows} p WHERE p.project_id = {project} "
            f"LIMIT 1))")


def outside(imp, lang: str = "fr") -> pd.DataFrame:
    """The grants to beneficiaries outside the inventory's territory, kept and flagged:
    file row, beneficiary, its commune, funder, amount, year."""
    from ecosystem.i18n import t

    by = {p.table: p for p in imp.parts if p.format == "scdl"}
    ins, rows = ident(by["fundings"].tbl("ins")), ident(by["projects"].tbl("rows"))
    lead = imp._lead_commune_sql("p.lead_actor_id")
    names = [f"SELECT actor_id, name FROM {ident(by['actors'].tbl('rows'))}"]
    if imp._has("inv_actors"):
        names.append("SELECT actor_id, name FROM inv_actors")
    df = imp.con.execute(f"""SELECT f._row, any_value(a.name) AS beneficiary, any_value(p.c) AS commune,
            any_value(f.funder_name) AS funder, any_value(f.amount_eur) AS amount, any_value(f.year) AS year
        FROM {ins} f LEFT JOIN (SELECT project_id, lead_actor_id, {lead} AS c FROM {rows} p) p
          USING (project_id)
        LEFT JOIN ({' UNION ALL '.join(names)}) a ON a.actor_id = p.lead_actor_id
        WHERE f.outside_territory GROUP BY f._row ORDER BY f._row""").df()
    communes = imp.geo.communes.reset_index(drop=True).set_index("code")["name"]
    return pd.DataFrame({
        t("imp.col.row", lang): df["_row"].astype(int),
        t("imp.scdl.col.beneficiary", lang): df["beneficiary"],
        t("imp.scdl.col.commune", lang): [f"{communes.get(c, c)} ({c})" for c in df["commune"]],
        t("imp.scdl.col.funder", lang): df["funder"],
        t("imp.scdl.col.amount", lang): df["amount"].astype(float),
        t("imp.scdl.col.year", lang): df["year"]})


def territory_text(found: dict, geo, lang: str = "fr", quote=str) -> str:
    """What :func:`report` found about the inventory's territory, in a sentence
    (``quote`` makes the territory's name safe where the sentence goes)."""
    from ecosystem import numbers, vocabulary as voc
    from ecosystem.i18n import t

    if found["territory"] is None:
        return t("imp.scdl.no_territory", lang)
    level, code = found["territory"]
    name = f"{voc.LEVELS.label(level, lang)} {geo.label(level, code)}"
    return t("imp.scdl.territory", lang, territory=quote(name),
             **{k: numbers.number(v, lang) for k, v in found["places"].items()})


def funders_frame(found: dict, lang: str = "fr") -> pd.DataFrame:
    """The amounts per funder of :func:`report` with translated column names."""
    from ecosystem.i18n import t

    return pd.DataFrame({
        t("imp.scdl.col.funder", lang): [f["funder_name"] for f in found["funders"]],
        t("imp.scdl.col.id", lang): [f["funder_actor_id"] for f in found["funders"]],
        t("imp.scdl.col.grants", lang): [f["grants"] for f in found["funders"]],
        t("imp.scdl.col.amount", lang): [f["amount_eur"] for f in found["funders"]]})
