"""Fixtures for the import pipeline: a DuckDB connection with the normalisers, files."""

from pathlib import Path

import pytest

from ecosystem.ingest import normalise

REAL = Path(__file__).resolve().parent.parent / "data" / "real"


@pytest.fixture
def con():
    c = normalise.connect()
    yield c
    normalise.close(c)


@pytest.fixture
def write(tmp_path):
    """write(name, text_or_bytes, encoding="utf-8") -> path of a file in tmp_path."""
    def _write(name: str, content, encoding: str = "utf-8") -> Path:
        path = tmp_path / name
        path.write_bytes(content if isinstance(content, bytes) else content.encode(encoding))
        return path
    return _write


def sql1(con, sql: str, *params):
    """The single value of a query."""
    return con.execute(sql, list(params)).fetchall()[0][0]


@pytest.fixture
def analyse(geo, tmp_path):
    """analyse(path, store=None, inventory=None, mapping=None) -> an analysed, prepared Import."""
    from ecosystem.ingest.pipeline import Import

    opened = []

    def _run(path, store=None, inventory=None, mapping=None, name=None):
        imp = Import(path, name, geo=geo, store=store, workdir=tmp_path)
        opened.append(imp)
        imp.read()
        if mapping is not None:
            imp.remap(imp.parts[0].index, mapping)
        imp.analyse(inventory)
        imp.prepare()
        return imp

    yield _run
    for imp in opened:
        imp.close()


def checked(imp, index: int = 0):
    """The checked table of a part, by source row."""
    part = imp.parts[index]
    return imp.con.execute(f'SELECT * FROM "{part.tbl("chk")}" ORDER BY _row').df().set_index("_row")
