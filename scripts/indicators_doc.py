"""Write docs/indicators.md from the indicator registry (ecosystem/analysis/indicators.py).

    .venv/bin/python scripts/indicators_doc.py           # rewrite the file
    .venv/bin/python scripts/indicators_doc.py --check   # exit 1 if it is stale

tests/test_indicators_doc.py fails when the committed file differs from what
this script writes, so the documentation changes with the registry.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ecosystem.analysis import indicators as ind

DOC = ROOT / "docs" / "indicators.md"
GROUP_TITLES = {
    "actors": "Actors", "employment": "ESS employment (SIRENE establishments)",
    "projects": "Projects and the innovation pipeline",
    "needs": "Needs coverage", "money": "Money", "results": "Results",
    "cooperation": "Cooperation", "network": "Network", "grid": "Characterisation grid",
}


def cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def render() -> str:
    lines = [
        "# Territory indicators",
        "",
        "Generated from the registry in `ecosystem/analysis/indicators.py` by",
        "`scripts/indicators_doc.py` — do not edit by hand (a test checks this file is",
        "up to date). The UI (help texts, Territoires, Comparer, À propos), the exports",
        "and the territorial reports read the same registry.",
        "",
        "Conventions:",
        "",
        "- Every indicator is computed for every territory of a level (région,",
        "  département, EPCI, commune) and for France, under the sidebar filters other",
        "  than the territory (`indicators.compute`, `indicators.national`).",
        "- Actors count in the territory of their commune, projects (and their money,",
        "  results and cooperation) in the territory of the project's commune.",
        "- Populations are INSEE legal municipal populations (COG 2025). A per-capita",
        "  value is undefined (shown “—”) when the population is zero, a share when its",
        "  denominator is zero.",
        "- Shares (unit %) are stored as fractions 0–1 and shown in percent.",
        "- *Total* indicators grow with the territory's size; Comparer offers only the",
        "  others (per capita, shares, indexes).",
        "- A project is *active* when flagged active, or with no end year, or ending",
        "  this year or later.",
        "- *As of a year* ([time.md](time.md)): the column “as of” says what an indicator",
        "  is counted on through time — actors (creation and closing years), projects",
        "  (start, end and stage years) or fundings (their year); records without those",
        "  dates are left out of every year and counted. “—”: not dated (graph metrics,",
        "  grid, undated links). *Growth* indicators are flows of the view's year (the",
        "  chosen year, else the current year).",
        "",
        f"{len(ind.INDICATORS)} indicators.",
        "",
    ]
    for group in ind.GROUPS:
        items = ind.by_group(group)
        if not items:
            continue
        lines += [f"## {GROUP_TITLES.get(group, group)}", "",
                  "| id | label (FR / EN) | unit | definition | formula | engine | as of |",
                  "|---|---|---|---|---|---|---|"]
        for i in items:
            total = " (total)" if "total" in i.tags else ""
            lines.append(
                f"| `{i.id}` | {cell(i.label_fr)} / {cell(i.label_en)}{total} | "
                f"{cell(i.unit_fr)} / {cell(i.unit_en)} | {cell(i.definition_en)} | "
                f"`{cell(i.formula)}` | {i.engine} | {ind.DATED.get(i.id, '—')} |")
        lines.append("")
    lines += ["## Breakdowns and lists", "",
              "- `indicators.breakdown`: counts by actor type, actor domain, project domain, "
              "stage, and funding amounts by origin (shares within each territory; a "
              "multi-domain record counts in each domain).",
              "- `indicators.white_zones`: the domains with no active project in the scope.",
              "- `indicators.grid_rollup`: mean score, number of scores and of criteria left "
              "“not assessed” per criterion, per territory or per project domain.",
              ""]
    return "\n".join(lines)


def main() -> int:
    text = render()
    if "--check" in sys.argv:
        return 0 if DOC.exists() and DOC.read_text(encoding="utf-8") == text else 1
    DOC.write_text(text, encoding="utf-8")
    print(f"wrote {DOC.relative_to(ROOT)} ({len(ind.INDICATORS)} indicators)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
