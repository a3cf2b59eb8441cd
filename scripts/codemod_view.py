"""One-off refactoring helper (kept for branches written before the change):
analyses that took ``(store, ref, filters, ...)`` take a :class:`View`.

* definitions ``def f(store, ref, filters, ...)`` in ``ecosystem/`` become
  ``def f(view, ...)`` with ``store, ref, filters = view.store, view.ref, view.filters``;
* calls ``f(X.store, X.ref, X.filters, ...)`` become ``f(X.view, ...)``, calls
  ``f(store, ref, filters, ...)`` inside a converted function become ``f(view, ...)``,
  other calls ``f(a, b, c, ...)`` become ``f(View(a, b, c), ...)``;
* ``mapview.build(store, geo, ref, filters, ...)`` becomes ``build(view, geo, ...)``;
* ``scoped(ref, filters, body, ...)`` inside a converted function becomes
  ``view.sql(body, ...)``.

Usage: python scripts/codemod_view.py FILE... (prints what it changed).
"""
from __future__ import annotations

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STORE, REF, FILT = ("store", "_store"), ("ref",), ("filters", "f")


def view_functions() -> set[str]:
    names = set()
    for path in (ROOT / "ecosystem").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef):
                a = [x.arg for x in node.args.args]
                if len(a) >= 3 and a[0] in STORE and a[1] in REF and a[2] in FILT:
                    names.add(node.name)
                if node.name == "build" and a[:4] == ["store", "geo", "ref", "filters"]:
                    names.add("build")
    return names


def _is_ref(source: str) -> bool:
    """``ref``, ``ctx.ref``, ``store.ref("name")``..."""
    return source.split(".")[-1] in REF or ".ref(" in source


def _src(text_lines, node) -> str:
    return ast.get_source_segment("".join(text_lines), node)


def convert(path: Path, names: set[str]) -> list[str]:
    text = path.read_text(encoding="utf-8")
    tree = ast.parse(text)
    lines = text.splitlines(keepends=True)
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line))

    def pos(lineno, col):
        return offsets[lineno - 1] + len(lines[lineno - 1].encode("utf-8")[:col].decode("utf-8"))

    edits = []  # (start, end, replacement)
    log = []
    converted_defs = []
    if "ecosystem" in path.parts:
        for node in ast.walk(tree):
            if not isinstance(node, ast.FunctionDef):
                continue
            a = node.args.args
            shape = [x.arg for x in a]
            mb = node.name == "build" and shape[:4] == ["store", "geo", "ref", "filters"]
            if not mb and not (len(a) >= 3 and shape[0] in STORE and shape[1] in REF
                               and shape[2] in FILT):
                continue
            fname = shape[3] if mb else shape[2]
            if mb:
                edits.append((pos(a[0].lineno, a[0].col_offset), pos(a[0].end_lineno, a[0].end_col_offset),
                              "view: View"))
                edits.append((pos(a[1].end_lineno, a[1].end_col_offset),
                              pos(a[3].end_lineno, a[3].end_col_offset), ""))
            else:
                edits.append((pos(a[0].lineno, a[0].col_offset), pos(a[2].end_lineno, a[2].end_col_offset),
                              "view: View"))
            body0 = node.body[0]
            first = node.body[1] if (isinstance(body0, ast.Expr) and isinstance(body0.value, ast.Constant)
                                     and isinstance(body0.value.value, str) and len(node.body) > 1) else body0
            indent = " " * first.col_offset
            edits.append((pos(first.lineno, 0), pos(first.lineno, 0),
                          f"{indent}{shape[0]}, ref, {fname} = view.store, view.ref, view.filters\n"))
            converted_defs.append((node, shape[0], fname))
            log.append(f"def {node.name}")

    def inside(call):
        for node, s, f in converted_defs:
            if node.lineno <= call.lineno <= node.end_lineno:
                return s, f
        return None

    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        fn = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", None)
        args = node.args
        seg = [ast.get_source_segment(text, x) or "" for x in args]
        ctx = inside(node)
        if fn == "scoped" and ctx and len(args) >= 3:
            edits.append((pos(node.func.lineno, node.func.col_offset),
                          pos(args[2].lineno, args[2].col_offset), "view.sql("))
            log.append(f"scoped -> view.sql line {node.lineno}")
            continue
        if fn not in names or len(args) < 3 or any(isinstance(x, ast.Starred) for x in args[:4]):
            continue
        mb = fn == "build" and len(args) >= 4 and seg[1].endswith("geo") and _is_ref(seg[2])
        if mb:
            view_args, geo = seg[0], seg[1]
            trio = (seg[0], seg[2], seg[3])
            last = args[3]
        elif seg[0].endswith("store") and _is_ref(seg[1]):
            trio = (seg[0], seg[1], seg[2])
            last = args[2]
        else:
            continue
        if trio[0].endswith(".store") and trio[1] == trio[0][:-6] + ".ref" \
                and trio[2] == trio[0][:-6] + ".filters":
            new = trio[0][:-6] + ".view"
        elif ctx and trio == (ctx[0], "ref", ctx[1]):
            new = "view"
        else:
            new = f"View({trio[0]}, {trio[1]}, {trio[2]})"
        if mb:
            new = f"{new}, {seg[1]}"
        edits.append((pos(args[0].lineno, args[0].col_offset), pos(last.end_lineno, last.end_col_offset), new))
        log.append(f"call {fn} line {node.lineno}: {new}")
    if not edits:
        return []
    for start, end, rep in sorted(edits, key=lambda e: (e[0], e[1]), reverse=True):
        text = text[:start] + rep + text[end:]
    path.write_text(text, encoding="utf-8")
    return log


#: the functions converted (found by view_functions() before the change)
NAMES = {"_chart", "actor_points", "breakdown", "build", "by_region", "compare", "compute",
         "count_actors", "count_by", "counts", "for_territory", "funding_lines", "grid_cells",
         "grid_rollup", "key_figures", "national", "national_metrics", "partnership_lines",
         "project_scores", "ranking", "references", "territory_metrics", "top_actors",
         "top_projects", "values", "white_zones"}

if __name__ == "__main__":
    names = view_functions() | NAMES
    print("view functions:", ", ".join(sorted(names)))
    for p in sys.argv[1:]:
        for line in convert(Path(p), names):
            print(f"{p}: {line}")


def tidy(path: Path) -> int:
    """Keep only the names an unpack line ``a, b, c = view.store, view.ref,
    view.filters`` introduces that the function uses (``ref = view.ref``...)."""
    text = path.read_text(encoding="utf-8")
    tree = ast.parse(text)
    lines = text.splitlines(keepends=True)
    changed = 0
    for fn in ast.walk(tree):
        if not isinstance(fn, ast.FunctionDef):
            continue
        for stmt in fn.body[:3]:
            if not (isinstance(stmt, ast.Assign) and isinstance(stmt.value, ast.Tuple)
                    and all(isinstance(e, ast.Attribute) and getattr(e.value, "id", "") == "view"
                            for e in stmt.value.elts)):
                continue
            targets = [t.id for t in stmt.targets[0].elts]
            used = {n.id for n in ast.walk(fn) if isinstance(n, ast.Name)
                    and isinstance(n.ctx, ast.Load)}
            keep = [(t, e.attr) for t, e in zip(targets, stmt.value.elts) if t in used]
            indent = " " * stmt.col_offset
            new = "" if not keep else (f"{indent}{', '.join(t for t, _ in keep)} = "
                                       f"{', '.join('view.' + a for _, a in keep)}\n")
            lines[stmt.lineno - 1] = new
            changed += 1
    path.write_text("".join(lines), encoding="utf-8")
    return changed
