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

    @property
    def ratio(self) -> float | None:
        if self.baseline is None or not self.value:
            return None
        return self.baseline / self.value

    def as_dict(self) -> dict:
        return asdict(self) | {"ratio": self.ratio}


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
