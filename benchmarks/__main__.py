"""Run every benchmark and print one table: ``python -m benchmarks``.

Options: ``--only demo,map`` to select benchmarks, ``--sizes 10000,100000``
to override sizes, ``--json FILE`` to save the results, ``--markdown FILE`` to write
the table for docs/performance.md.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

from benchmarks.common import ROOT, label, ratio_text

BENCHES = ["demo", "indicators", "view", "import", "map", "network", "app", "sirene", "geo", "peers",
           "zonings", "time", "edit"]


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{cpu}, {os.cpu_count()} cores, {mem:.0f} GiB, Python {platform.python_version()}"


def run_one(bench: str, size: int) -> tuple[list[dict], float]:
    cmd = [sys.executable, "-m", "benchmarks.child", bench, str(size)]
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True,
                          env=os.environ | {"PYTHONPATH": str(ROOT)})
    results, peak = [], float("nan")
    for line in proc.stdout.splitlines():
        if line.startswith("RESULT "):
            results.append(json.loads(line[7:]))
        elif line.startswith("PEAK_RSS_MB "):
            peak = float(line.split()[1])
    if proc.returncode != 0:
        sys.stderr.write(proc.stdout[-2000:] + proc.stderr[-4000:])
        results.append({"bench": bench, "metric": "FAILED", "size": size, "value": float("nan"),
                        "unit": "", "baseline": None, "ratio": None, "target": "", "ok": False,
                        "baseline_name": "", "extra": {}})
    return results, peak


def fmt(v, unit=""):
    if v is None or v != v:
        return "—"
    if unit == "s":
        return f"{v:.3f} s" if v < 10 else f"{v:.1f} s"
    if unit == "MB":
        return f"{v:,.1f} MB"
    return f"{v:,.3g} {unit}".strip()


def markdown(rows: list[dict], where: str) -> str:
    """The result table in Markdown (for docs/performance.md)."""
    out = [f"Machine: {where}.", "",
           "| benchmark | size | metric | value | baseline | ratio | target | ok | peak RSS |",
           "|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        ratio = ratio_text(r)
        ok = {True: "yes", False: "**no**", None: ""}[r.get("ok")]
        base = fmt(r.get("baseline"), r["unit"])
        if r.get("baseline_name"):
            base += f" ({r['baseline_name']})"
        out.append(f"| {r['bench']} | {label(r['size'])} | {r['metric']} | "
                   f"{fmt(r['value'], r['unit'])} | {base} | {ratio} | {r.get('target', '')} | "
                   f"{ok} | {fmt(r['peak_rss_mb'], 'MB')} |")
    return "\n".join(out) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--only", default=",".join(BENCHES))
    parser.add_argument("--sizes", default="")
    parser.add_argument("--json", default="")
    parser.add_argument("--markdown", default="", help="also write the table as Markdown here")
    args = parser.parse_args()
    rows, failed, loads = [], False, []
    print(f"machine: {machine()}")
    started = time.time()
    for bench in args.only.split(","):
        module = importlib.import_module(f"benchmarks.bench_{bench}")
        sizes = [int(s) for s in args.sizes.split(",")] if args.sizes else module.SIZES
        for size in sizes:
            load_before = os.getloadavg()[0]
            print(f"... {bench} at {label(size)} (load average {load_before:.1f})",
                  file=sys.stderr, flush=True)
            results, peak = run_one(bench, size)
            loads.append(load_before)
            loads.append(os.getloadavg()[0])
            for r in results:
                r["peak_rss_mb"] = peak
                rows.append(r)
                failed |= r.get("ok") is False
    header = f"{'benchmark':<10} {'size':>6} {'metric':<40} {'value':>12} {'baseline':>12} " \
             f"{'ratio':>14} {'target':<22} {'ok':<4} {'peak RSS':>10}"
    print(header)
    print("-" * len(header))
    for r in rows:
        ratio = ratio_text(r)
        ok = {True: "yes", False: "NO", None: ""}[r.get("ok")]
        print(f"{r['bench']:<10} {label(r['size']):>6} {r['metric']:<40} "
              f"{fmt(r['value'], r['unit']):>12} {fmt(r.get('baseline'), r['unit']):>12} "
              f"{ratio:>14} {r.get('target', ''):<22} {ok:<4} {fmt(r['peak_rss_mb'], 'MB'):>10}")
        if r.get("baseline_name"):
            print(f"{'':<18} baseline: {r['baseline_name']}")
    print(f"total {time.time() - started:.0f} s")
    where = machine()
    if loads:  # the machine may be shared: say how loaded it was (2 cores: above 2 is a queue)
        where += f"; 1-minute load average {min(loads):.1f}–{max(loads):.1f} around the runs"
        print(where)
    if args.markdown:
        Path(args.markdown).write_text(markdown(rows, where), encoding="utf-8")
    if args.json:
        Path(args.json).write_text(json.dumps({"machine": where, "results": rows}, indent=1))
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
