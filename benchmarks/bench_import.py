"""Import: a national-size RNA file, end to end, against a raw DuckDB ``read_csv``.

Target (issue 6): 1.5 million rows imported end to end (sniff, read,
normalise, geocode, check, find duplicates, save in a new inventory) in
≤ 90 s and ≤ 3× a raw ``read_csv`` of the same file, measured in the same
process. The baseline is the plain DuckDB read most people would write:
``CREATE TABLE t AS SELECT * FROM read_csv(path, encoding='latin-1',
delim=';', header=true)`` into an in-memory database, timed just before and
just after the import (the mean is the baseline: the machine is shared). A
second baseline is the path a user would otherwise take (:func:`pandas_path`):
pandas ``read_csv``, the same cleaning of the columns kept (trim, title case,
commune codes padded and placed at their commune, dates, empty identifiers,
exact duplicates dropped) and an insert of the result into a DuckDB file. CPU
time (user + system, every thread of the process) is reported beside wall
time: it is what the import costs whatever else the machine runs.

The file is generated in a temporary directory in the RNA ``rna_import``
layout (24 columns, ``;``, every field quoted, ISO-8859-1): real commune codes
drawn from the shipped geography (5 % written without their leading zero),
names in capitals with accents, a third of creation dates ``0001-01-01``,
positions A/D/R, objet social codes of the national nomenclature.
"""

from __future__ import annotations

import os
import resource
import sys
import tempfile
import time
from pathlib import Path

import duckdb

from benchmarks.common import Result, timed
from ecosystem.geo import Geography
from ecosystem.ingest.pipeline import run_import
from ecosystem.ingest.sql import lit
from ecosystem.storage.store import Store

NAME = "import"
SIZES = [10_000, 100_000, 1_500_000]

_WORDS = ["SPORTIVE", "CULTURELLE", "DES PARENTS D'ÉLÈVES", "DE DÉFENSE", "DES AMIS",
          "SOLIDARITÉ", "COMITÉ DES FÊTES", "FOYER RURAL", "ÉCOLE DE MUSIQUE", "CLUB DES AÎNÉS",
          "JARDINS PARTAGÉS", "ENTRAIDE", "THÉÂTRE", "RANDONNÉE", "PATRIMOINE"]
_OBJETS = ["000000", "019000", "017000", "024000", "030000", "011000", "006000", "014030",
           "021005", "015000", "009040", "020010", "032510"]


def make_rna_file(path: Path, n: int, geo: Geography, seed: int = 1) -> Path:
    """Write ``n`` rows in the RNA import layout (ISO-8859-1, ``;``, quoted)."""
    con = duckdb.connect()
    communes = geo.communes.reset_index(drop=True)[["code", "name"]]
    con.register("_c", communes)
    con.execute("CREATE TABLE com AS SELECT row_number() OVER () - 1 AS ci, code, "
                "upper(name) AS name FROM _c")
    nc = len(communes)
    words = "[" + ", ".join(lit(w) for w in _WORDS) + "]"
    objets = "[" + ", ".join(lit(o) for o in _OBJETS) + "]"
    utf8 = path.with_suffix(".utf8.csv")
    con.execute(f"""COPY (
        SELECT 'W' || lpad(CAST((i * 7919 + {seed}) % 999999999 AS VARCHAR), 9, '0') AS id,
               lpad(CAST(i % 100000 AS VARCHAR), 10, ' ') AS id_ex,
               CASE WHEN hash(i, 's') % 50 = 0 THEN '77567227200029' ELSE '' END AS siret,
               '291S' AS gestion,
               CASE WHEN hash(i, 'd') % 3 = 0 THEN '0001-01-01'
                    ELSE CAST(DATE '1950-01-01' + CAST(hash(i, 'dc') % 25000 AS INTEGER) AS VARCHAR) END AS date_creat,
               '0001-01-01' AS date_publi, 'D' AS nature, 'S' AS groupement,
               'ASSOCIATION ' || {words}[CAST(1 + hash(i, 't') % {len(_WORDS)} AS BIGINT)] || ' '
                 || c.name || ' ' || CAST(i % 997 AS VARCHAR) AS titre,
               'Favoriser les activités et l''entraide entre les habitants de la commune' AS objet,
               {objets}[CAST(1 + hash(i, 'o') % {len(_OBJETS)} AS BIGINT)] AS objet_social1,
               '000000' AS objet_social2, 'Mairie' AS adr1,
               CAST(1 + i % 120 AS VARCHAR) || ' rue de la République' AS adr2, '' AS adr3,
               CASE WHEN c.code LIKE '97%' THEN c.code ELSE left(c.code, 2) || '000' END AS adrs_codepostal,
               c.name AS libcom,
               CASE WHEN hash(i, 'z') % 20 = 0 THEN ltrim(c.code, '0') ELSE c.code END AS adrs_codeinsee,
               'PM' AS dir_civilite, '' AS siteweb, '' AS observation,
               ['A', 'A', 'A', 'D', 'R'][CAST(1 + hash(i, 'p') % 5 AS BIGINT)] AS position,
               '' AS rup_mi, '2015-10-21  10:28:34' AS maj_time
        FROM range({int(n)}) r(i) JOIN com c ON c.ci = CAST(hash(i, 'c') % {nc} AS BIGINT)
        ORDER BY i) TO {lit(str(utf8))} (HEADER, DELIMITER ';', FORCE_QUOTE *)""")
    con.close()
    with open(utf8, encoding="utf-8") as src, \
            open(path, "w", encoding="latin-1", errors="replace", newline="") as dst:
        while chunk := src.read(1 << 22):
            dst.write(chunk.replace("Œ", "OE").replace("œ", "oe"))
    utf8.unlink()
    return path


def cpu() -> float:
    """CPU seconds of this process so far, every thread (DuckDB's included)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def raw_read(path: Path, db: Path | None = None) -> tuple[float, float, int]:
    """(wall seconds, CPU seconds, rows) of a plain DuckDB read of the file into a table
    (in memory; into the database file ``db``, committed, when given)."""
    if db is not None and db.exists():
        db.unlink()
    con = duckdb.connect(str(db) if db is not None else ":memory:")
    started, cpu0 = time.perf_counter(), cpu()
    con.execute(f"CREATE TABLE t AS SELECT * FROM read_csv({lit(str(path))}, encoding = 'latin-1', "
                "delim = ';', header = true)")
    seconds, cpu_seconds = time.perf_counter() - started, cpu() - cpu0
    n = con.execute("SELECT count(*) FROM t").fetchall()[0][0]
    con.close()
    return seconds, cpu_seconds, n


def pandas_path(path: Path, geo: Geography, db: Path) -> tuple[float, int, float]:
    """(wall seconds, rows saved, CPU seconds) of the import a pandas user would write: read,
    clean the columns the inventory keeps, place at the commune's centre, drop
    exact duplicates, insert into a DuckDB table in one transaction."""
    import pandas as pd

    started, cpu0 = time.perf_counter(), cpu()
    df = pd.read_csv(path, sep=";", encoding="latin-1", dtype=str, keep_default_na=False)
    out = pd.DataFrame({
        "rna_id": df["id"].str.strip(),
        "siret": df["siret"].str.replace(" ", "", regex=False).replace("", pd.NA),
        "name": df["titre"].str.strip().str.title(),
        "description": df["objet"].str.strip(),
        "commune_code": df["adrs_codeinsee"].str.strip().str.zfill(5),
        "postal_code": df["adrs_codepostal"].str.strip(),
        "created": pd.to_datetime(df["date_creat"].where(df["date_creat"] != "0001-01-01"),
                                  errors="coerce"),
        "active": df["position"].str.strip() == "A",
    })
    centres = geo.communes[["code", "lat", "lon"]].rename(columns={"code": "commune_code"})
    out = out.merge(centres, on="commune_code", how="left")
    out = out.drop_duplicates(subset=["rna_id"])
    con = duckdb.connect(str(db))
    con.execute("BEGIN")
    con.execute("CREATE TABLE actors AS SELECT * FROM out")
    con.execute("COMMIT")
    n = con.execute("SELECT count(*) FROM actors").fetchall()[0][0]
    con.close()
    return time.perf_counter() - started, n, cpu() - cpu0


STAGES = ("sniff", "read", "normalise", "geocode", "validate", "dedup", "prepare", "save")


def import_once(path: Path, geo: Geography, db: Path) -> dict:
    """One end-to-end import into a new store: wall and CPU seconds, per-stage wall
    and CPU seconds (``Import.timings``, ``Import.cpu_timings``), what was saved."""
    store = Store(db, geo=geo)
    cpu0 = cpu()
    with timed() as t:
        imp, ref = run_import(path, store, "Bench RNA", geo=geo)
    out = {"wall": t.seconds, "cpu": cpu() - cpu0, "stages": dict(imp.timings),
           "cpu_stages": dict(imp.cpu_timings), "summary": imp.summary()["parts"][0]}
    imp.close()
    out["saved"] = store.info("Bench RNA")["n_actors"]
    store.close()
    return out


def run(size: int, rounds: int = 3) -> list[Result]:
    """Best of ``rounds``; within each round the raw read, the import and the pandas
    path alternate (the machine is shared: each sees the same load)."""
    geo = Geography()
    geo.communes  # noqa: B018 - load outside the timing
    with timed() as locator:  # the app keeps its geography loaded: reported apart
        geo._locator  # noqa: B018 - commune shapes for the coordinates-vs-commune check
    reads, stored, imports, pandas_runs = [], [], [], []
    with tempfile.TemporaryDirectory(prefix="bench-import-") as tmp:
        tmp = Path(tmp)
        path = make_rna_file(tmp / f"rna_import_bench_{size}.csv", size, geo)
        mb = os.path.getsize(path) / 2**20
        for r in range(rounds):
            reads.append(raw_read(path))
            stored.append(raw_read(path, tmp / "read.duckdb"))
            imports.append(import_once(path, geo, tmp / f"bench{r}.duckdb"))
            (tmp / f"bench{r}.duckdb").unlink()
            pandas_runs.append(pandas_path(path, geo, tmp / f"pandas{r}.duckdb"))
            print(f"import {size:,}, round {r + 1}: read_csv {reads[-1][0]:.2f} s "
                  f"({reads[-1][1]:.2f} CPU-s), import {imports[-1]['wall']:.2f} s "
                  f"({imports[-1]['cpu']:.2f} CPU-s), pandas {pandas_runs[-1][0]:.2f} s, "
                  f"load {os.getloadavg()[0]:.1f}", file=sys.stderr, flush=True)
    n_read = reads[0][2]
    baseline = min(x[0] for x in reads)
    cpu_baseline = min(x[1] for x in reads)
    best = min(imports, key=lambda x: x["wall"])
    cpu_best = min(imports, key=lambda x: x["cpu"])
    pandas_s, pandas_n, _ = min(pandas_runs)
    pandas_cpu = min(x[2] for x in pandas_runs)
    summary = best["summary"]
    target = "≤ 90 s, ≤ 3× read_csv" if size >= 1_500_000 else "≤ 3× read_csv"
    ok = best["wall"] <= 3 * baseline and (best["wall"] <= 90 or size < 1_500_000)
    cpu_result = Result("import", "CPU time, all threads (same import)", size, cpu_best["cpu"],
                        baseline=cpu_baseline, baseline_name="CPU time of the same read_csv",
                        target="≤ 3× read_csv", ok=cpu_best["cpu"] <= 3 * cpu_baseline,
                        per_baseline=True,
                        extra={"import_over_read": round(cpu_best["cpu"] / cpu_baseline, 2),
                               "runs_cpu_s": [round(x["cpu"], 2) for x in imports],
                               "read_csv_runs_cpu_s": [round(x[1], 2) for x in reads]})
    # where the CPU goes, stage by stage (the run with the least CPU)
    stage_rows = [Result("import", f"  of which CPU: {stage}", size, cpu_best["cpu_stages"][stage],
                         baseline=cpu_baseline, baseline_name="CPU time of the read_csv",
                         per_baseline=True) for stage in STAGES if stage in cpu_best["cpu_stages"]]
    pandas_result = Result("import", "RNA file end to end vs the pandas path", size, best["wall"],
                           baseline=pandas_s, baseline_name=f"pandas read_csv + cleaning + DuckDB "
                                                            f"insert ({pandas_n:,} rows)",
                           per_baseline=True)
    # the part of the save no pipeline avoids: the same read written to a database file
    stored_row = Result("import", "  reference: read_csv into a DuckDB file (CPU)", size,
                        min(x[1] for x in stored), baseline=cpu_baseline,
                        baseline_name="CPU time of the read_csv in memory", per_baseline=True)
    locator_row = Result("import", "commune shapes loaded once per process (not counted)", size,
                         locator.seconds)
    pandas_cpu_result = Result("import", "CPU time vs the pandas path", size, cpu_best["cpu"],
                               baseline=pandas_cpu, baseline_name="CPU time of the pandas path",
                               per_baseline=True)
    return [cpu_result, *stage_rows, stored_row, pandas_result, pandas_cpu_result, locator_row,
            Result("import", "RNA file end to end (new inventory)", size, best["wall"],
                   baseline=baseline, baseline_name=f"DuckDB read_csv into a table ({mb:,.0f} MB, "
                                                   f"{n_read:,} rows)",
                   target=target, ok=ok, per_baseline=True,
                   extra={"saved": int(best["saved"]), "placed": summary["geo"]["placed"],
                          "excluded": summary.get("excluded", 0), "pairs": summary.get("pairs", {}),
                          "stages_s": {k: round(v, 2) for k, v in best["stages"].items()},
                          "cpu_stages_s": {k: round(v, 2) for k, v in cpu_best["cpu_stages"].items()},
                          "file_mb": round(mb, 1),
                          "import_over_read": round(best["wall"] / baseline, 2),
                          "runs_s": [round(x["wall"], 2) for x in imports],
                          "read_csv_runs_s": [round(x[0], 2) for x in reads],
                          "pandas_runs_s": [round(x[0], 2) for x in pandas_runs]})]
