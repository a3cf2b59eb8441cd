"""The layout rules of docs/contributing.md, checked on the source: thin pages,
a domain package without Streamlit, and no import cycle inside it."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MAX_PAGE_LINES = 200


def modules(package: Path) -> dict[str, Path]:
    """Dotted module name -> file, for every module of a package."""
    found = {}
    for path in package.rglob("*.py"):
        parts = list(path.relative_to(package.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


def imports(name: str, path: Path, known: dict[str, Path]) -> set[str]:
    """The modules of ``known`` that a module imports, anywhere in its body (a
    function-level import is a dependency too): ``from a import b`` names ``a.b``
    when that is a module, else ``a``."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                up = package.split(".")[:len(package.split(".")) - node.level + 1]
                base = ".".join(up + ([node.module] if node.module else []))
            for a in node.names:
                out.add(f"{base}.{a.name}" if f"{base}.{a.name}" in known else base)
    return {m for m in out if m in known and m != name}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every strongly connected group of more than one module (Tarjan)."""
    index, low, stack, on, found, counter = {}, {}, [], set(), [], [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def import_graph(package: Path) -> dict[str, set[str]]:
    known = modules(package)
    return {name: imports(name, path, known) for name, path in known.items()}


def test_every_page_file_is_under_200_lines():
    long = {p.name: n for p in sorted((ROOT / "pages").glob("*.py"))
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_PAGE_LINES}
    assert long == {}


def streamlit_imports(package: Path) -> list[str]:
    """``file: module`` for every import of streamlit (or a streamlit package) in a package."""
    found = []
    for path in sorted(package.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module or ""] if isinstance(node, ast.ImportFrom) and not node.level else []
            found += [f"{path.relative_to(package.parent).as_posix()}: {n}" for n in names
                      if n.split(".")[0].startswith("streamlit")]
    return found


def test_the_domain_package_never_imports_streamlit():
    assert streamlit_imports(ROOT / "ecosystem") == []


def test_no_import_cycle_inside_the_domain_package():
    assert cycles(import_graph(ROOT / "ecosystem")) == []


# ------------------------------------------------------------ the checks can fail
def test_the_cycle_finder_sees_a_planted_cycle(tmp_path):
    pkg = tmp_path / "eco"
    (pkg / "sub").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "sub" / "__init__.py").write_text("")
    (pkg / "a.py").write_text("from eco.sub import b\n")
    (pkg / "sub" / "b.py").write_text("def f():\n    from ..c import g\n")
    (pkg / "c.py").write_text("import eco.a\n")
    (pkg / "d.py").write_text("from eco import a, c\n")
    graph = import_graph(pkg)
    assert graph["eco.a"] == {"eco.sub.b"} and graph["eco.sub.b"] == {"eco.c"}
    assert graph["eco.d"] == {"eco.a", "eco.c"}
    assert cycles(graph) == [["eco.a", "eco.c", "eco.sub.b"]]


def test_the_streamlit_check_sees_planted_imports(tmp_path):
    pkg = tmp_path / "eco"
    pkg.mkdir()
    (pkg / "ok.py").write_text("import os\nfrom . import streamlit_like\n")
    (pkg / "x.py").write_text("def f():\n    import streamlit as st\n")
    (pkg / "y.py").write_text("from streamlit.runtime import x\nimport streamlit_folium\n")
    assert streamlit_imports(pkg) == ["eco/x.py: streamlit", "eco/y.py: streamlit.runtime",
                                      "eco/y.py: streamlit_folium"]
