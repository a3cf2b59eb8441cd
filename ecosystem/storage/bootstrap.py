"""First-run set-up: the store exists and holds the demo inventory."""

from __future__ import annotations

import logging
import time

from ecosystem import demo
from ecosystem.storage.store import Store

log = logging.getLogger(__name__)

DEMO_NAME = "Démo — écosystème synthétique"
DEMO_ACTORS = 5000
DEMO_DESCRIPTION = ("Inventaire de démonstration généré (graine {seed}, {n} acteurs) : "
                    "données synthétiques, sauf les noms et communes des organisations citées "
                    "dans les textes sources.")


def ensure_demo(store: Store, n_actors: int = DEMO_ACTORS, seed: int = demo.DEFAULT_SEED) -> bool:
    """Create the demo inventory when the store holds none. Returns True if created."""
    if store.names():
        return False
    started = time.perf_counter()
    data = demo.generate(n_actors, seed=seed, geo=store.geo)
    store.create(DEMO_NAME, data, synthetic=True, source=f"demo:seed={seed}",
                 description=DEMO_DESCRIPTION.format(seed=seed, n=n_actors))
    log.info("demo inventory created in %.1f s", time.perf_counter() - started)
    return True
