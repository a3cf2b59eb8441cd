"""Crash safety: SIGKILL in the middle of an import leaves the previous
inventory intact and the store usable (DuckDB replays only committed work)."""

import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from benchmarks.bench_import import make_rna_file
from ecosystem.storage.store import Store
from tests.fixtures import tiny

CHILD = Path(__file__).with_name("crash_child.py")


@pytest.fixture(scope="module")
def rna_file(tmp_path_factory, geo):
    return make_rna_file(tmp_path_factory.mktemp("crash") / "rna_import_big.csv", 150_000, geo)


def _killed_import(db: Path, rna: Path, inventory: str, mode: str, delay: float = 0.0) -> str:
    marker = db.with_suffix(".marker")
    proc = subprocess.Popen([sys.executable, str(CHILD), str(db), str(rna), inventory,
                             str(marker), mode], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    deadline = time.time() + 240
    while not marker.exists():
        if proc.poll() is not None:
            raise AssertionError(proc.stdout.read().decode()[-3000:])
        if time.time() > deadline:
            proc.kill()
            raise AssertionError("the import never reached the point to kill")
        time.sleep(0.05)
    time.sleep(delay)
    proc.kill()  # SIGKILL (a no-op if the import already ended)
    proc.wait(30)
    if proc.returncode == 0:  # the import ended before the kill: it must have committed
        assert marker.read_text() == "finished"
    else:
        assert proc.returncode == -signal.SIGKILL
    return marker.read_text()


def _snapshot(store: Store, name: str) -> dict:
    data = store.load(name)
    return {"info": {k: v for k, v in store.info(name).items() if k != "updated_at"},
            "actors": data.actors.sort_values("actor_id").reset_index(drop=True)}


@pytest.mark.parametrize("mode,delay", [("mid_write", 0.0), ("save_stage", 0.3),
                                        ("save_stage", 1.5)])
def test_kill_during_import_into_existing_inventory(tmp_path, geo, rna_file, mode, delay):
    db = tmp_path / "store.duckdb"
    store = Store(db, geo=geo)
    store.create("base", tiny())
    before = _snapshot(store, "base")
    store.close()

    where = _killed_import(db, rna_file, "base", mode, delay)

    store = Store(db, geo=geo)  # recovery happens here
    if where == "finished":     # the import was faster than the kill: it committed whole
        assert store.info("base")["n_actors"] > 100_000
        return
    after = _snapshot(store, "base")
    assert after["info"] == before["info"]
    pd.testing.assert_frame_equal(after["actors"], before["actors"])
    assert store.names() == ["base"]
    # the store is usable: a new inventory can be written and read back
    store.create("après", tiny())
    assert store.info("après")["n_actors"] == 10
    n = store.scalar(f"SELECT count(*) FROM {store.ref('base').derived('d_projects')}")
    assert n == 5
    store.close()


def test_kill_during_import_into_new_inventory(tmp_path, geo, rna_file):
    db = tmp_path / "store.duckdb"
    store = Store(db, geo=geo)
    store.create("base", tiny())
    store.close()
    _killed_import(db, rna_file, "nouveau", "mid_write")
    store = Store(db, geo=geo)
    assert store.names() == ["base"]   # no half-written inventory
    tables = store.query("SELECT table_name FROM information_schema.tables").table_name
    per_inventory = [t for t in tables if t.startswith("inv_") and "__" in t]
    assert per_inventory and all(t.startswith("inv_1__") for t in per_inventory), per_inventory
    store.close()
