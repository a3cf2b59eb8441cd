"""Screenshot review of every page as users see them: each page of the menu (and the
project card), in French and English, on the demo and on a small non-demo inventory
(``tests/fixtures.tiny``, named "petit"), at 1280 × 800 in Debian's chromium with every
other host blocked. Each screen of a page (the main column scrolled by 700 px) is one
PNG; the run prints the pages that raised an exception or asked another host.

    .venv/bin/python scripts/review_screenshots.py [out_dir] [page,page,...]

Look at every image: text cut or overlapping, untranslated strings, raw codes,
numbers not formatted, empty charts without a message, a control that does nothing.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402

from ecosystem.geo import Geography  # noqa: E402
from ecosystem.storage.bootstrap import ensure_demo  # noqa: E402
from ecosystem.storage.store import Store  # noqa: E402
from tests import fixtures  # noqa: E402
from tests.conftest import CHROMIUM, CHROMIUM_ARGS, AppServer, OfflinePage, wait_drawn  # noqa: E402

PAGES = ["", "carte", "territoires", "comparer", "reseau", "grille", "acteur",
         "projet?project=P1", "importer", "membres", "zonages", "moderation", "a_propos"]
STEP = 700


def database(folder: Path) -> Path:
    db = folder / "review.duckdb"
    store = Store(db, geo=Geography())
    ensure_demo(store)
    store.create("petit", fixtures.tiny())
    store.close()
    return db


def shoot(page, path_stem: Path) -> int:
    """Every screen of the main column; returns how many."""
    height = page.evaluate("() => document.querySelector('[data-testid=stMain]').scrollHeight")
    n, y = 0, 0
    while n < 10:
        page.evaluate(f"() => document.querySelector('[data-testid=stMain]').scrollTo(0, {y})")
        page.screenshot(path=f"{path_stem}_{n}.png")
        n, y = n + 1, y + STEP
        if y >= height - 100:
            return n
    return n


def main(out: Path, only: list[str] | None) -> dict:
    out.mkdir(parents=True, exist_ok=True)
    problems: dict = {}
    with tempfile.TemporaryDirectory() as tmp:
        server = AppServer(database(Path(tmp)))
        try:
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                for inv in ("demo", "petit"):
                    for lang in ("fr", "en"):
                        op = OfflinePage(browser)
                        for p in PAGES:
                            name = p.split("?")[0] or "accueil"
                            if (only and name not in only) or (inv == "demo" and name == "projet"):
                                continue
                            query = ("&" if "?" in p else "?") + f"lang={lang}" + \
                                ("&inv=petit" if inv == "petit" else "")
                            op.page.goto(f"{server.url}/{p}{query}")
                            wait_drawn(op.page, 180_000)
                            op.page.mouse.move(5, 5)
                            n = shoot(op.page, out / f"{inv}_{lang}_{name}")
                            errors = op.page.locator('[data-testid="stException"]').count()
                            if errors:
                                problems[f"{inv}_{lang}_{name}"] = f"{errors} exception(s)"
                            print(inv, lang, name, n, "screen(s)", flush=True)
                        if op.external or op.errors:
                            problems[f"{inv}_{lang}"] = {"external": op.external, "errors": op.errors}
                        op.close()
                browser.close()
        finally:
            server.stop()
    return problems


if __name__ == "__main__":
    found = main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "tests" / "artifacts" / "review",
                 sys.argv[2].split(",") if len(sys.argv) > 2 else None)
    print(json.dumps(found, indent=1, ensure_ascii=False))
    sys.exit(1 if found else 0)
