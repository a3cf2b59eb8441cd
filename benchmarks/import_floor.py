"""The import's floor: what DuckDB alone needs for the rows of an RNA file, as a ratio
to its own ``read_csv`` (docs/performance.md, "Import, fourth pass").

One import of the generated file (the layout of :mod:`benchmarks.bench_import`) gives
the saved actors; then, per round, in this process, CPU seconds (every thread) of:

* ``read_csv``: the file into an in-memory table (the import benchmark's baseline);
* ``actors_copy``: a plain copy of the saved actors table into a new store file,
  committed and checkpointed (DuckDB compresses every column);
* ``derived_build``: :func:`ecosystem.storage.derived.build` on a copy of the store,
  committed (the analysis tables, sorted by territory);
* ``change_log``: the change log's ``insert`` rows of those actors, committed.

``floor`` is their sum: no cleaning, checking, geocoding, issue report or duplicate
search. ``python -m benchmarks.import_floor 1500000 2`` (not part of ``python -m
benchmarks``: it measures the store's design, not a target).
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

import duckdb

from benchmarks.bench_import import cpu, make_rna_file
from ecosystem.geo import Geography
from ecosystem.ingest.pipeline import run_import
from ecosystem.ingest.sql import lit
from ecosystem.storage import changelog, derived
from ecosystem.storage.store import Store


def _committed(con, *statements) -> None:
    con.execute("BEGIN")
    for s in statements:
        s(con) if callable(s) else con.execute(s)
    con.execute("COMMIT")
    con.execute("CHECKPOINT")


def measure(csv: Path, kept: Path, inv_id: int, work: Path) -> dict:
    """One round on the file ``csv`` and the store ``kept`` holding its import."""
    out: dict = {}
    con = duckdb.connect()
    c = cpu()
    con.execute(f"CREATE TABLE t AS SELECT * FROM read_csv({lit(str(csv))}, encoding = 'latin-1', "
                "delim = ';', header = true)")
    out["read_csv"] = cpu() - c
    con.close()
    copy = work / "copy.duckdb"
    con = duckdb.connect(str(copy))
    con.execute(f"ATTACH {lit(str(kept))} AS k (READ_ONLY)")
    c = cpu()
    _committed(con, f"CREATE TABLE a AS SELECT * FROM k.inv_{inv_id}__actors")
    out["actors_copy"] = cpu() - c
    con.close()
    copy.unlink()
    store = work / "store.duckdb"
    shutil.copy(kept, store)
    con = duckdb.connect(str(store))
    c = cpu()
    _committed(con, lambda x: derived.build(x, inv_id))
    out["derived_build"] = cpu() - c
    out["d_actors_columns"] = len(con.execute(f"DESCRIBE {derived.name(inv_id, 'd_actors')}").fetchall())
    target = f"inv_{inv_id}__actors"
    c = cpu()
    _committed(con, lambda x: changelog.log_inserted(x, changelog.context("import"), inv_id,
                                                      "actors", target, -1))
    out["change_log"] = cpu() - c
    con.close()
    store.unlink()
    out = {k: round(v, 3) if isinstance(v, float) else v for k, v in out.items()}
    out["floor"] = round(out["read_csv"] + out["actors_copy"] + out["derived_build"]
                         + out["change_log"], 3)
    out["over_read_csv"] = round(out["floor"] / out["read_csv"], 2)
    out["load"] = round(os.getloadavg()[0], 1)
    return out


def run(size: int, rounds: int = 2) -> list[dict]:
    geo = Geography()
    with tempfile.TemporaryDirectory(prefix="import-floor-") as tmp:
        work = Path(tmp)
        csv = make_rna_file(work / f"rna_{size}.csv", size, geo)
        kept = work / "kept.duckdb"
        with Store(kept, geo=geo) as store:
            imp, ref = run_import(csv, store, "Floor RNA", geo=geo)
            imp.close()
            inv_id = ref.id
        return [measure(csv, kept, inv_id, work) for _ in range(rounds)]


if __name__ == "__main__":
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    for row in run(n, int(sys.argv[2]) if len(sys.argv) > 2 else 2):
        print(json.dumps(row), flush=True)
