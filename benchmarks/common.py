"""Shared helpers for benchmarks: timing, peak memory and result records."""

from __future__ import annotations

import json
import resource
import sys
import time
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

SIZE_LABELS = {10_000: "10k", 100_000: "100k", 1_500_000: "1.5M"}


def label(size: int) -> str:
    return SIZE_LABELS.get(size, f"{size:,}")


@dataclass
class Result:
    bench: str
    metric: str
    size: int
    value: float
    unit: str = "s"
    baseline: float | None = None
    baseline_name: str = ""
    target: str = ""
    ok: bool | None = None
    extra: dict = field(default_factory=dict)
    #: False: ratio = baseline ÷ value, printed "N× faster" (a "≥ N× faster" target);
    #: True: ratio = value ÷ baseline, printed "N× baseline" (a "≤ N× read_csv" target)
    per_baseline: bool = False

    @property
    def ratio(self) -> float | None:
        if self.baseline is None or not self.value or not self.baseline:
            return None
        return self.value / self.baseline if self.per_baseline else self.baseline / self.value

    def as_dict(self) -> dict:
        return asdict(self) | {"ratio": self.ratio}


def ratio_text(row: dict) -> str:
    """The ratio column as the table's header reads it (see :class:`Result`)."""
    ratio = row.get("ratio")
    if not ratio:
        return "—"
    if row.get("per_baseline"):
        return f"{ratio:.1f}× baseline"
    return f"{ratio:.1f}× smaller" if row.get("unit") == "MB" else f"{ratio:.1f}× faster"


class Timer:
    def __init__(self):
        self.seconds = 0.0


@contextmanager
def timed():
    t = Timer()
    start = time.perf_counter()
    try:
        yield t
    finally:
        t.seconds = time.perf_counter() - start


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far (Linux: ru_maxrss in kB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def emit(results: list[Result]) -> None:
    """Print results as JSON lines for the runner (one per line, prefixed)."""
    for r in results:
        print("RESULT " + json.dumps(r.as_dict(), default=float), flush=True)


CACHE = ROOT / "benchmarks" / ".cache"


def inventory_store(size: int, seed: int = 2026):
    """A DuckDB store holding a demo inventory of ``size`` actors, generated once and
    kept in benchmarks/.cache/ (1.5M actors: ~40 s to generate, ~400 MB on disk).
    Returns (store, ref). Several benchmarks share the same files."""
    from ecosystem import demo
    from ecosystem.storage.store import Store

    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / f"demo_{size}_{seed}.duckdb"
    store = Store(path)
    name = f"demo-{size}"
    if not store.exists(name):
        data = demo.generate(size, seed=seed, geo=store.geo)
        store.create(name, data, synthetic=True, validate=False)
    return store, store.ref(name)
