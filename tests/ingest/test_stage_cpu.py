"""Per-stage CPU seconds of an import (``Import.cpu_timings``): the benchmark's
profile of where the import's time goes (sniff, read, normalise, geocode,
validate, dedup, prepare, save), in CPU time, which a shared machine does not
inflate the way it inflates wall time."""

import time
from pathlib import Path

from ecosystem.ingest.pipeline import run_import

SHAPED = Path(__file__).resolve().parent.parent / "data" / "shaped"
STAGES = ["sniff", "read", "normalise", "geocode", "validate", "dedup", "prepare", "save"]


def test_every_stage_has_its_cpu_seconds_and_they_add_up_to_at_most_the_import(store, geo):
    cpu0 = time.process_time()
    imp, ref = run_import(SHAPED / "actors_inventory_base.csv", store, "Stage CPU", geo=geo)
    spent = time.process_time() - cpu0
    try:
        assert ref is not None
        assert list(imp.cpu_timings) == STAGES
        assert all(v >= 0 for v in imp.cpu_timings.values())
        # stages do not overlap: together they are at most the whole call's CPU
        assert sum(imp.cpu_timings.values()) <= spent + 1e-6
        # a stage's CPU cannot exceed two cores busy for its wall time (this machine)
        for stage in STAGES:
            assert imp.cpu_timings[stage] <= 2 * imp.timings[stage] + 0.05, stage
    finally:
        imp.close()
