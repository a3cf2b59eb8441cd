"""Run one benchmark at one size in this process (called by the runner)."""

import importlib
import sys

from benchmarks.common import emit, peak_rss_mb

bench, size = sys.argv[1], int(sys.argv[2])
module = importlib.import_module(f"benchmarks.bench_{bench}")
emit(module.run(size))
print(f"PEAK_RSS_MB {peak_rss_mb():.1f}", flush=True)
