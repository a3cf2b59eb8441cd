"""Editing: one save with its change-log rows, the history of one card, and a
national import with the change log against the same import without it.

Targets (issue 13) at 1.5 M actors: saving one edit ≤ 0.3 s including the
change-log write (read the record, validate, check its version, write it, log
the changed fields, refresh its derived row, bump the inventory's version: one
transaction); the history of one card ≤ 0.2 s (after the import's 1.5 M
``insert`` rows and the edits are in the log); an import into a new inventory
with the change log on ≤ 10 % slower than with it off (``Store.change_log``),
same file, runs alternated (three of each), the fastest of each kept (the machine is shared; the
CPU seconds of each run and the load average are reported beside the wall time).

The inventory is the shared generated demo (``benchmarks/.cache``), copied
first so the edits do not change it. ``python -m benchmarks --only edit``.
"""

from __future__ import annotations

import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from benchmarks.bench_import import make_rna_file
from benchmarks.common import Result, inventory_store
from ecosystem import access, editing
from ecosystem.ingest.pipeline import run_import
from ecosystem.storage import changelog
from ecosystem.storage.store import Store

NAME = "edit"
SIZES = [10_000, 100_000, 1_500_000]
EDITS = 10
RUNS = 3  # imports with the log off, then on, alternated; the fastest of each kept
USER = access.LOCAL_ADMIN


def _import(path: Path, db: Path, log: bool, cpu: list | None = None) -> float:
    """Wall seconds of one import; its CPU seconds (every thread of the process) are
    appended to ``cpu``: on a shared machine the wall time mostly measures the wait
    for a core, the CPU time what the import itself costs."""
    store = Store(db, geo=None)
    store.change_log = log
    started, used = time.perf_counter(), time.process_time()
    imp, _ = run_import(path, store, "national", geo=store.geo)
    seconds = time.perf_counter() - started
    if cpu is not None:
        cpu.append(time.process_time() - used)
    imp.close()
    store.close()
    db.unlink()
    return seconds


def run(size: int) -> list[Result]:
    source, ref = inventory_store(size)
    source.close()
    with tempfile.TemporaryDirectory(prefix="bench-edit-") as tmp:
        tmp = Path(tmp)
        db = tmp / "edit.duckdb"
        shutil.copy(source.path, db)
        store = Store(db)
        name = ref.name
        # the log as a national import leaves it: one insert row per actor and project
        with store.transaction() as con:
            ctx = changelog.context("import", USER, file_name="national.csv", checksum="0" * 64)
            for kind in ("actors", "projects"):
                changelog.log_inserted(con, ctx, ref.id, kind, ref.table(kind), -1)
        n_log = store.scalar("SELECT count(*) FROM change_log")
        actor = store.scalar(f"SELECT actor_id FROM {ref.actors} ORDER BY actor_id "
                             f"LIMIT 1 OFFSET {size // 2}")
        saves = []
        for i in range(EDITS):
            started = time.perf_counter()
            rec = editing.read(store, name, "actors", actor)
            editing.edit_actor(store, USER, name, actor,
                               {"volunteers": 10 + i, "website": f"https://example.org/{i}"}, rec.version)
            saves.append(time.perf_counter() - started)
        histories = []
        for _ in range(EDITS):
            started = time.perf_counter()
            h = editing.history(store, name, "actors", actor)
            histories.append(time.perf_counter() - started)
        assert len(h) == 2 * EDITS + 1, len(h)  # the import's insert row and two fields per edit
        store.close()

        path = make_rna_file(tmp / "rna.csv", size, Store(tmp / "g.duckdb").geo)
        off, on, off_cpu, on_cpu = [], [], [], []
        load = [os.getloadavg()[0]]  # before the first run, then after each run
        for _ in range(RUNS):
            off.append(_import(path, tmp / "off.duckdb", False, off_cpu))
            load.append(os.getloadavg()[0])
            on.append(_import(path, tmp / "on.duckdb", True, on_cpu))
            load.append(os.getloadavg()[0])
    save_s, history_s = statistics.median(saves), statistics.median(histories)
    slower = min(on) / min(off) - 1
    big = size >= 1_500_000
    return [
        Result("edit", "save one actor edit incl. change log (median of 10)", size, save_s,
               target="≤ 0.3 s" if big else "", ok=save_s <= 0.3 if big else None,
               extra={"max_s": round(max(saves), 3), "log_rows": int(n_log)}),
        Result("edit", "history of one card (median of 10)", size, history_s,
               target="≤ 0.2 s" if big else "", ok=history_s <= 0.2 if big else None,
               extra={"max_s": round(max(histories), 3), "log_rows": int(n_log)}),
        Result("edit", "RNA import, change log on", size, min(on), baseline=min(off),
               baseline_name="same import, change log off", target="≤ 10 % slower",
               ok=slower <= 0.10, extra={"on_s": [round(v, 2) for v in on],
                                         "off_s": [round(v, 2) for v in off],
                                         "slower_pct": round(100 * slower, 1),
                                         "on_cpu_s": [round(v, 2) for v in on_cpu],
                                         "off_cpu_s": [round(v, 2) for v in off_cpu],
                                         "cpu_slower_pct": round(100 * (min(on_cpu) / min(off_cpu) - 1), 1),
                                         "load_avg": [round(v, 1) for v in load]}),
    ]
