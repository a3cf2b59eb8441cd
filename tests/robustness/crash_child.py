"""Child process of test_crash.py: import a file, then get killed by the parent.

Usage: python crash_child.py DB FILE INVENTORY MARKER MODE
MODE "mid_write": after the first table of the import is written inside the
store's transaction, write MARKER and sleep (the parent kills us there).
MODE "save_stage": write MARKER when the save stage starts and go on.
"""

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from ecosystem.geo import Geography  # noqa: E402
from ecosystem.ingest.pipeline import run_import  # noqa: E402
from ecosystem.storage.store import Store  # noqa: E402

db, file, inventory, marker, mode = sys.argv[1:6]
geo = Geography()
store = Store(db, geo=geo)

if mode == "mid_write":
    def hook(kind):
        Path(marker).write_text(kind)
        time.sleep(60)
    store._after_table_written = hook


def progress(stage, fraction):
    if mode == "save_stage" and stage == "save":
        Path(marker).write_text(stage)


run_import(file, store, inventory, geo=geo, progress=progress)
Path(marker).write_text("finished")
