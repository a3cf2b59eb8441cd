"""The running app on a large inventory: memory of the Streamlit process and time
to a finished page, in Debian's chromium, offline.

A Streamlit server is started on the cached demo inventory of the given size
(benchmarks/.cache), then one browser session opens every page of ``app.py``
(with a département view for the pages that take one) while the server's
resident memory (process and children) is sampled every 0.1 s.

Reference, in the same run: the same server's memory once started, before any
page is opened. The budget of issue 8: the app session on 1.5 M actors stays
≤ 2.5 GB RSS.
"""

from __future__ import annotations

import threading
import time

import psutil

from benchmarks.common import Result, inventory_store

NAME = "app"
SIZES = [10_000, 100_000, 1_500_000]
BUDGET_MB = 2500
VIEWS = {"territoires": ["", "?terr=departement:44"],
         "comparer": ["?cmp=departement:44,departement:13"],
         "carte": ["", "?level=commune&terr=departement:44"],
         "reseau": ["?terr=departement:44"],
         "acteur": [""]}


def pages() -> list[str]:
    from tests.conftest import app_pages
    return [f"{p}{q}" for p in app_pages() for q in VIEWS.get(p, [""])]


class RssSampler(threading.Thread):
    """Peak resident memory of a process tree, sampled in the background."""

    def __init__(self, pid: int, every: float = 0.1):
        super().__init__(daemon=True)
        self.proc, self.every, self.peak, self._done = psutil.Process(pid), every, 0.0, False

    def current(self) -> float:
        procs = [self.proc, *self.proc.children(recursive=True)]
        total = 0
        for p in procs:
            try:
                total += p.memory_info().rss
            except psutil.Error:
                pass
        return total / 2**20

    def run(self):
        while not self._done:
            self.peak = max(self.peak, self.current())
            time.sleep(self.every)

    def stop(self) -> float:
        self._done = True
        self.join()
        return self.peak


def run(size: int) -> list[Result]:
    from playwright.sync_api import sync_playwright

    from tests.conftest import CHROMIUM, CHROMIUM_ARGS, AppServer, wait_idle

    store, ref = inventory_store(size)
    db = store.path
    store.close()
    server = AppServer(db)
    times: dict[str, float] = {}
    try:
        time.sleep(2)
        sampler = RssSampler(server.proc.pid)
        idle = sampler.current()
        sampler.start()
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            for view in pages():
                start = time.perf_counter()
                page.goto(f"{server.url}/{view}")
                wait_idle(page, timeout=600_000)
                times[view] = time.perf_counter() - start
            browser.close()
        peak = sampler.stop()
        settled = sampler.current()
    finally:
        server.stop()
    slowest = max(times, key=times.get)
    target = f"≤ {BUDGET_MB} MB" if size >= 1_500_000 else ""
    return [
        Result(NAME, "server RSS started, no page opened yet", size, idle, unit="MB"),
        Result(NAME, "server peak RSS over every page", size, peak, unit="MB",
               target=target, ok=(peak <= BUDGET_MB) if target else None,
               extra={"rss_after_mb": round(settled, 1)}),
        Result(NAME, f"slowest page ({slowest})", size, times[slowest],
               extra={k: round(v, 2) for k, v in times.items()}),
        Result(NAME, "all pages, one after the other", size, sum(times.values()),
               extra={"pages": len(times)}),
    ]
