"""SIRENE stock files at national size: the ESS of a territory, streamed by DuckDB.

INSEE publishes ``StockUniteLegale`` (legal units, ~30 M rows with the closed ones) and
``StockEtablissement`` (establishments, ~40 M rows), as CSV or Parquet. An analyst wants
the social and solidarity economy (ESS) of one territory: :func:`extract` reads the files
with DuckDB (projection and filters pushed into the scan, legal units kept in a hash
table, establishments streamed), writes the kept establishments, each with its legal
unit's columns, to one Parquet file, and that file goes through the ordinary import
(recognised as SIRENE: type from the legal category, employees from the staff band,
commune, coordinates). Nothing of the national file passes through Python.

ESS scope (``ess``), on the legal unit:

=============  =====================================================================
``flag``       ``economieSocialeSolidaireUniteLegale = 'O'`` (INSEE's flag, from the
               ESS registers and the legal category)
``categories`` the observatories' statistical scope: legal categories of the ESS
               families (:data:`FAMILY_CATEGORIES`: associations 92xx, foundations 9300,
               cooperatives, mutuals) minus the activities they leave out
               (:data:`EXCLUDED_ACTIVITIES`: public administration 84, employer and
               consular bodies 94.11/94.12, unions 94.20, religious 94.91 and political
               94.92 organisations); commercial ESS companies are only known by the flag
``either``     flag or categories (default: the widest ESS)
``both``       flag and categories (the narrowest)
``all``        no ESS filter (every establishment of the territory: the denominator of
               the share of ESS establishments)
=============  =====================================================================

Territory (``where``): ``reg=53``, ``dep=29,56``, ``epci=242900314``, ``commune=29019``
(several separated by ``;``), applied to ``codeCommuneEtablissement``: a département
by the code's prefix, a région by its départements, an EPCI or a commune by its current
communes and their former codes (communes déléguées, arrondissements).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from ecosystem.ingest.codes import EXCLUDED_ACTIVITIES, FAMILY_CATEGORIES, MUTUAL_CATEGORIES  # noqa: F401
from ecosystem.ingest.sql import ident, lit

ESS_MODES = ("either", "flag", "categories", "both", "all")
LEVELS = {"reg": "region", "dep": "departement", "epci": "epci", "commune": "commune"}

FAMILIES = ("association", "cooperative", "mutual", "foundation", "commercial")

#: columns kept from each file (those the SIRENE recogniser reads, and the ESS ones)
UNIT_COLUMNS = (
    "siren", "denominationUniteLegale", "sigleUniteLegale", "nomUniteLegale",
    "denominationUsuelle1UniteLegale", "categorieJuridiqueUniteLegale",
    "activitePrincipaleUniteLegale", "economieSocialeSolidaireUniteLegale",
    "societeMissionUniteLegale", "identifiantAssociationUniteLegale",
    "trancheEffectifsUniteLegale", "caractereEmployeurUniteLegale",
    "etatAdministratifUniteLegale", "dateCreationUniteLegale")
ESTABLISHMENT_COLUMNS = (
    "siren", "nic", "siret", "etablissementSiege", "denominationUsuelleEtablissement",
    "enseigne1Etablissement", "activitePrincipaleEtablissement", "trancheEffectifsEtablissement",
    "numeroVoieEtablissement", "indiceRepetitionEtablissement", "typeVoieEtablissement",
    "libelleVoieEtablissement", "codePostalEtablissement", "libelleCommuneEtablissement",
    "codeCommuneEtablissement", "coordonneeLambertAbscisseEtablissement",
    "coordonneeLambertOrdonneeEtablissement", "longitude", "latitude",
    "etatAdministratifEtablissement", "dateCreationEtablissement")


class SireneError(ValueError):
    """Bad request or file: ``key`` is an i18n key, ``params`` its values."""

    def __init__(self, key: str, **params):
        super().__init__(key)
        self.key, self.params = key, params


@dataclass
class Extract:
    path: Path
    ess: str
    where: list[tuple[str, str]]
    units: int = 0                 # legal units kept by the ESS filter
    rows: int = 0                  # rows written (establishments, or legal units alone)
    families: dict[str, int] = field(default_factory=dict)   # rows per ESS family
    seconds: float = 0.0


def parse_where(text: str | None, geo) -> list[tuple[str, str]]:
    """``"reg=53; dep=29,56"`` → ``[("region", "53"), ("departement", "29"), …]``,
    every code checked against the geography."""
    out: list[tuple[str, str]] = []
    for part in (text or "").split(";"):
        part = part.strip()
        if not part:
            continue
        key, sep, codes = part.partition("=")
        level = LEVELS.get(key.strip().lower())
        if not sep or level is None:
            raise SireneError("sirene.err.where", part=part, levels=", ".join(LEVELS))
        for code in codes.split(","):
            code = code.strip().upper()
            if not geo.exists(level, code):
                raise SireneError("sirene.err.where_code", level=key.strip(), code=code)
            out.append((level, code))
    return out


def _reader(path: Path) -> str:
    p = lit(str(path))
    if path.suffix.lower() == ".parquet":
        return f"read_parquet({p})"
    return f"read_csv({p}, all_varchar = true, header = true)"


def _columns(con, source: str, wanted: tuple[str, ...], path: Path) -> dict[str, str]:
    have = {r[0].lower(): r[0] for r in con.execute(f"DESCRIBE SELECT * FROM {source}").fetchall()}
    if "siren" not in have:
        raise SireneError("sirene.err.column", file=path.name, column="siren")
    return {w: have[w.lower()] for w in wanted if w.lower() in have}


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _ess_sql(mode: str, cols: dict[str, str], path: Path) -> str:
    """The legal-unit predicate of an ESS mode."""
    if mode == "all":
        return "true"
    need = {"flag": ["economieSocialeSolidaireUniteLegale"],
            "categories": ["categorieJuridiqueUniteLegale"]}
    parts = {"flag", "categories"} if mode in ("either", "both") else {mode}
    for p in sorted(parts):
        for c in need[p]:
            if c not in cols:
                raise SireneError("sirene.err.column", file=path.name, column=c)
    cat = f"trim(CAST({_q(cols['categorieJuridiqueUniteLegale'])} AS VARCHAR))" \
        if "categorieJuridiqueUniteLegale" in cols else "NULL"
    flag = f"upper(trim(CAST({_q(cols['economieSocialeSolidaireUniteLegale'])} AS VARCHAR))) = 'O'" \
        if "economieSocialeSolidaireUniteLegale" in cols else "false"
    listed = ", ".join(lit(c) for c in sorted(FAMILY_CATEGORIES))
    in_cats = f"({cat} LIKE '92%' OR {cat} IN ({listed}))"
    if "activitePrincipaleUniteLegale" in cols:
        naf = f"coalesce(CAST({_q(cols['activitePrincipaleUniteLegale'])} AS VARCHAR), '')"
        excluded = " OR ".join(f"starts_with({naf}, {lit(a)})" for a in EXCLUDED_ACTIVITIES)
        in_cats = f"({in_cats} AND NOT ({excluded}))"
    flag = f"coalesce({flag}, false)"
    in_cats = f"coalesce({in_cats}, false)"
    return {"flag": flag, "categories": in_cats, "either": f"({flag} OR {in_cats})",
            "both": f"({flag} AND {in_cats})"}[mode]


def family_sql(cat: str, flag: str) -> str:
    """ESS family of a legal unit (SQL over its category and flag expressions)."""
    whens = "".join(f"WHEN {cat} IN ({', '.join(lit(c) for c in sorted(FAMILY_CATEGORIES) if FAMILY_CATEGORIES[c] == f)}) "
                    f"THEN '{f}' " for f in ("cooperative", "mutual", "foundation"))
    return (f"CASE WHEN {cat} LIKE '92%' THEN 'association' {whens}"
            f"WHEN {flag} THEN 'commercial' END")


def _territory_sql(where: list[tuple[str, str]], code: str, geo) -> str:
    if not where:
        return "true"
    deps: set[str] = set()
    communes: set[str] = set()
    for level, value in where:
        if level == "departement":
            deps.add(value)
        elif level == "region":
            deps.update(geo.children("region", value, "departement"))
        else:
            communes.update(geo.communes_in(level, value))
    if communes:  # their former codes too (SIRENE keeps the code of the establishment's time)
        a = geo.aliases
        communes.update(a.alias[a.code.isin(communes)].tolist())
    code = f"upper(trim(CAST({code} AS VARCHAR)))"
    dep = f"CASE WHEN starts_with({code}, '97') THEN left({code}, 3) ELSE left({code}, 2) END"
    tests = []
    if deps:
        tests.append(f"{dep} IN ({', '.join(lit(d) for d in sorted(deps))})")
    if communes:
        tests.append(f"{code} IN ({', '.join(lit(c) for c in sorted(communes))})")
    return "(" + " OR ".join(tests) + ")"


def streaming_connection(threads: int | None, memory_limit: str | None,
                         temp_directory: Path | None = None) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB connection that streams a stock file: at most ``threads``
    threads and ``memory_limit`` of memory (spilling to ``temp_directory`` when given),
    rows in any order (no insertion order kept)."""
    con = duckdb.connect(":memory:")
    if threads:
        con.execute(f"SET threads = {int(threads)}")
    if memory_limit:
        con.execute(f"SET memory_limit = {lit(memory_limit)}")
        if temp_directory is not None:
            con.execute(f"SET temp_directory = {lit(str(temp_directory))}")
    con.execute("SET preserve_insertion_order = false")
    return con


def extract(out: str | Path, *, units: str | Path | None = None,
            establishments: str | Path | None = None, ess: str = "either",
            where: list[tuple[str, str]] | None = None, geo=None,
            threads: int | None = None, memory_limit: str | None = "1GB") -> Extract:
    """Write to ``out`` (Parquet) the establishments of ``establishments`` in the
    territory ``where`` whose legal unit in ``units`` is in the ESS scope ``ess``, with
    the legal unit's columns; or, without ``establishments``, the ESS legal units.
    DuckDB works within ``memory_limit`` (1 GB by default, for the ≤ 2 GB target of a
    national file), spilling to a folder beside ``out`` when the ESS units do not fit.

    Every column is written as text (the import reads text). Raises
    :class:`SireneError` for an impossible request (no legal units for an ESS filter,
    no establishments for a territory, a missing column)."""
    started = time.perf_counter()
    where = list(where or [])
    if ess not in ESS_MODES:
        raise SireneError("sirene.err.ess", ess=ess, modes=", ".join(ESS_MODES))
    if units is None and establishments is None:
        raise SireneError("sirene.err.no_file")
    if units is None and ess != "all":
        raise SireneError("sirene.err.needs_units")
    if establishments is None and where:
        raise SireneError("sirene.err.needs_establishments")
    out = Path(out)
    con = streaming_connection(threads, memory_limit, out.parent / (out.stem + ".tmp"))
    try:
        selects, combined = [], False
        if units is not None:
            units = Path(units)
            u_src = _reader(units)
            u_cols = _columns(con, u_src, UNIT_COLUMNS, units)
            pred = _ess_sql(ess, u_cols, units)
            cat = (f"trim(CAST({_q(u_cols['categorieJuridiqueUniteLegale'])} AS VARCHAR))"
                   if "categorieJuridiqueUniteLegale" in u_cols else "NULL")
            flag = (f"coalesce(upper(trim(CAST({_q(u_cols['economieSocialeSolidaireUniteLegale'])} "
                    f"AS VARCHAR))) = 'O', false)"
                    if "economieSocialeSolidaireUniteLegale" in u_cols else "false")
            u_list = ", ".join(f"CAST({_q(c)} AS VARCHAR) AS {_q(w)}" for w, c in u_cols.items())
            # the family of units in the widest ESS scope (a political association has none)
            scope = " OR ".join([flag] + ([_ess_sql("categories", u_cols, units)]
                                          if "categorieJuridiqueUniteLegale" in u_cols else []))
            family = f"CASE WHEN {scope} THEN {family_sql(cat, flag)} END"
            combined = establishments is not None and Path(establishments).resolve() == units.resolve()
            if not combined:
                con.execute(f"CREATE TEMP TABLE u AS SELECT {u_list}, {family} "
                            f"AS familleEss FROM {u_src} WHERE {pred}")
                selects.append("u")
        if units is not None and combined:
            # one file holding both (an extract, a file uploaded on the page): each row is
            # an establishment with its legal unit's columns, both filters on the row
            e_cols = _columns(con, u_src, ESTABLISHMENT_COLUMNS, units)
            if where and "codeCommuneEtablissement" not in e_cols:
                raise SireneError("sirene.err.column", file=units.name,
                                  column="codeCommuneEtablissement")
            terr = _territory_sql(where, _q(e_cols.get("codeCommuneEtablissement", "siren")), geo)
            both = {**e_cols, **u_cols}
            b_list = ", ".join(f"CAST({_q(c)} AS VARCHAR) AS {_q(w)}" for w, c in both.items())
            body = f"SELECT {b_list}, {family} AS familleEss FROM {u_src} WHERE {pred} AND {terr}"
        elif establishments is not None:
            establishments = Path(establishments)
            e_src = _reader(establishments)
            e_cols = _columns(con, e_src, ESTABLISHMENT_COLUMNS, establishments)
            if where and "codeCommuneEtablissement" not in e_cols:
                raise SireneError("sirene.err.column", file=establishments.name,
                                  column="codeCommuneEtablissement")
            terr = _territory_sql(where, _q(e_cols.get("codeCommuneEtablissement", "siren")), geo)
            e_list = ", ".join(f"CAST({_q(c)} AS VARCHAR) AS {_q(w)}" for w, c in e_cols.items())
            if units is not None:
                body = (f"SELECT e.*, u.* EXCLUDE (siren) FROM (SELECT {e_list} FROM {e_src} "
                        f"WHERE {terr}) e JOIN u USING (siren)")
            else:
                body = f"SELECT {e_list} FROM {e_src} WHERE {terr}"
        else:
            body = "SELECT * FROM u"
        con.execute(f"COPY ({body}) TO {lit(str(out))} (FORMAT parquet)")
        result = Extract(out, ess, where)
        if units is not None:
            counted = f"(SELECT DISTINCT siren FROM read_parquet({lit(str(out))}))" if combined else "u"
            result.units = con.execute(f"SELECT count(*) FROM {counted}").fetchone()[0]
        if units is not None:
            rows = con.execute(f"SELECT familleEss, count(*) FROM read_parquet({lit(str(out))}) "
                               f"GROUP BY 1").fetchall()
            result.families = {k or "": v for k, v in rows}
            result.rows = sum(result.families.values())
        else:
            result.rows = con.execute(f"SELECT count(*) FROM read_parquet({lit(str(out))})").fetchone()[0]
        result.seconds = time.perf_counter() - started
        return result
    except duckdb.Error as exc:  # an unreadable file (encoding, ragged lines…): said plainly
        name = Path(establishments or units).name
        raise SireneError("sirene.err.read", file=name,
                          detail=str(exc).splitlines()[0][:300]) from exc
    finally:
        con.close()


# ------------------------------------------ establishments after their legal units
#: what an establishment takes from its legal unit already in the inventory when its
#: own file does not say it (``StockEtablissement`` has no name for most head offices,
#: no legal category, no RNA number)
FROM_UNIT = ("name", "actor_type", "ess_family", "rna_id", "domains")


def from_units(imp, part) -> int:
    """Complete the checked records of a SIRENE establishment file (records with a
    SIRET) from their legal unit already in the inventory (an actor of source
    ``sirene`` with the same SIREN and no SIRET): the columns of :data:`FROM_UNIT` the
    file leaves empty (the actor type when the file has no legal category: it was the
    mapping's default). The checks those values answer (a missing name, a defaulted
    type) are cleared. Runs before the duplicates are looked for: the establishments
    are saved apart from the unit (:func:`ecosystem.ingest.dedup.candidates`). Returns
    the number of records completed; ``part.counts["without_unit"]``: the named
    establishments whose unit the inventory lacks (default type, family unknown)."""
    if (part.table != "actors" or part.format != "sirene" or "siret" not in part.hows
            or imp.store is None or not imp.inventory or not imp.store.exists(imp.inventory)):
        return 0
    ref = imp.store.ref(imp.inventory)
    cols = ", ".join(f"min({c}) AS {c}" for c in FROM_UNIT)  # one per SIREN (min: any SQL)
    units = imp.store.arrow(f"SELECT siren, {cols} FROM {ref.table('actors')} "
                            f"WHERE siren IS NOT NULL AND siret IS NULL AND source = 'sirene' "
                            f"GROUP BY siren")
    if units.num_rows == 0:
        return 0
    con, chk = imp.con, part.tbl("chk")
    con.register("_units", units)
    try:
        typed = "actor_type" in part.mapping.rules  # read from a legal category of the file
        sets = [f"{c} = coalesce(k.{c}, u.{c})" for c in FROM_UNIT if c != "actor_type"]
        if not typed:
            sets.append("actor_type = coalesce(u.actor_type, k.actor_type)")
        answered = {"name": "required"} | ({} if typed else {"actor_type": "defaulted"})
        clear = " + ".join(
            f"CASE WHEN u.{c.column} IS NOT NULL AND (k._issues & {1 << c.bit}) <> 0 "
            f"THEN {1 << c.bit} ELSE 0 END"
            for c in part.checks if answered.get(c.column) == c.check) or "0"
        n = con.execute(f"""UPDATE {ident(chk)} k SET {', '.join(sets)}, _issues = k._issues - ({clear})
            FROM (SELECT siren, {', '.join(FROM_UNIT)} FROM _units) u
            WHERE u.siren = k.siren AND k.siret IS NOT NULL""").fetchall()[0][0]
        if not typed:  # named establishments of units the inventory lacks: default type
            part.counts["without_unit"] = int(con.execute(
                f"SELECT count(*) FROM {ident(chk)} WHERE siret IS NOT NULL AND name IS NOT NULL "
                f"AND siren NOT IN (SELECT siren FROM _units)").fetchall()[0][0])
    finally:
        con.unregister("_units")
    return int(n)
