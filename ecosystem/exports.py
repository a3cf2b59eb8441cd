"""Files users download: CSV, XLSX and Parquet, safe to open in a spreadsheet.

A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return
is read as a formula by Excel and LibreOffice (CSV/formula injection): such a
text gets a leading apostrophe (:func:`neutralise`, :func:`safe_sql` for SQL
exports). Only text is changed, never numbers; the importer removes the
apostrophe again when it reads our own files back.

CSV files are UTF-8 with a byte order mark and ``;`` separators, what French
spreadsheets open directly. Inventories are exported with their flat values
(``domains`` as codes separated by ``;``), the same form the importer reads.
"""

from __future__ import annotations

import io
import shutil
import tempfile
from pathlib import Path

import pandas as pd

from . import model

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
CSV_SEP = ";"
XLSX_MAX_ROWS = 1_048_575  # one row is the header
FORMATS = ("csv", "xlsx", "parquet")


def neutralise(value):
    """A text cell that a spreadsheet would run as a formula, made inert."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def safe_frame(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` whose text cells are neutralised (numbers untouched)."""
    out = df.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(neutralise)
    return out


def safe_sql(expr: str) -> str:
    """SQL doing what :func:`neutralise` does, for exports written by DuckDB."""
    starts = ", ".join(f"'{c}'" if c not in ("\t", "\r") else f"chr({ord(c)})" for c in FORMULA_START)
    return f"CASE WHEN left({expr}, 1) IN ({starts}) THEN chr(39) || {expr} ELSE {expr} END"


def csv_bytes(df: pd.DataFrame) -> bytes:
    """CSV for download: UTF-8 with BOM, ``;``, formulas neutralised."""
    return safe_frame(df).to_csv(index=False, sep=CSV_SEP).encode("utf-8-sig")


def xlsx_bytes(sheets: dict[str, pd.DataFrame]) -> bytes:
    """A workbook, one sheet per frame (text never turned into formulas or links)."""
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="xlsxwriter",
                        engine_kwargs={"options": {"strings_to_formulas": False,
                                                   "strings_to_urls": False}}) as writer:
        for name, df in sheets.items():
            if len(df) > XLSX_MAX_ROWS:
                raise ValueError(f"{name}: {len(df)} rows, more than a worksheet holds")
            safe_frame(df).to_excel(writer, sheet_name=name[:31], index=False)
    return buf.getvalue()


# ------------------------------------------------------------------ inventories

def _flat_select(table: model.Table, safe: bool) -> str:
    cols = []
    for col in table.columns:
        name = f'"{col.name}"'
        if col.kind == "list":
            expr = f"array_to_string({name}, '{model.voc.LIST_SEP}')"
        else:
            expr = name
        if safe and col.kind in ("str", "list"):
            expr = safe_sql(expr)
        cols.append(f"{expr} AS {name}")
    return ", ".join(cols)


def export_inventory(store, name: str, fmt: str, out: str | Path,
                     tables: list[str] | None = None) -> list[Path]:
    """Write an inventory's tables: ``xlsx`` one workbook (a sheet per table), ``csv``
    and ``parquet`` one file per table in the directory ``out`` (or the file ``out``
    when a single table is asked). Returns the files written."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r} (one of {', '.join(FORMATS)})")
    ref = store.ref(name)
    tables = list(tables or model.TABLES)
    for t in tables:
        if t not in model.TABLES:
            raise ValueError(f"unknown table {t!r}")
    out = Path(out)
    if fmt == "xlsx":
        frames = {t: store.query(f"SELECT {_flat_select(model.TABLES[t], False)} FROM {ref.table(t)}")
                  for t in tables}
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(xlsx_bytes(frames))
        return [out]
    single = len(tables) == 1 and out.suffix.lower() == f".{fmt}"
    if not single:
        out.mkdir(parents=True, exist_ok=True)
    written = []
    for t in tables:
        path = out if single else out / f"{t}.{fmt}"
        select = _flat_select(model.TABLES[t], safe=fmt == "csv")
        query = f"SELECT {select} FROM {ref.table(t)}"
        if fmt == "parquet":
            with store._cursor() as cur:
                cur.execute(f"COPY ({query}) TO '{_quote(path)}' (FORMAT parquet)")
        else:
            _copy_csv(store, query, path)
        written.append(path)
    return written


def _quote(path: Path) -> str:
    return str(path).replace("'", "''")


def _copy_csv(store, query: str, path: Path) -> None:
    """DuckDB writes the CSV; a BOM is put in front so spreadsheets read UTF-8."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        body = Path(tmp) / "body.csv"
        with store._cursor() as cur:
            cur.execute(f"COPY ({query}) TO '{_quote(body)}' (FORMAT csv, HEADER, DELIMITER '{CSV_SEP}')")
        with open(path, "wb") as dst, open(body, "rb") as src:
            dst.write(b"\xef\xbb\xbf")
            shutil.copyfileobj(src, dst, 1 << 22)


# ------------------------------------------------------------------ templates

def template_frame(table: str) -> pd.DataFrame:
    """The empty table of an import template (the model's columns, in order)."""
    return pd.DataFrame(columns=model.TABLES[table].column_names)


def template_help(table: str, lang: str = "fr") -> pd.DataFrame:
    """One line per column: required, type, allowed values, help."""
    from .i18n import t

    rows = []
    for col in model.TABLES[table].columns:
        rows.append({
            t("imp.tpl.column", lang): col.name,
            t("imp.tpl.required", lang): t("imp.yes", lang) if col.required else "",
            t("imp.tpl.kind", lang): t(f"kind.{col.kind}", lang),
            t("imp.tpl.allowed", lang): ", ".join(col.vocabulary.codes) if col.vocabulary else "",
            t("imp.tpl.help", lang): col.help})
    return pd.DataFrame(rows)


TEMPLATE_TABLES = ("actors", "projects", "partners", "fundings")


def templates_workbook(lang: str = "fr") -> bytes:
    """An XLSX with one empty sheet per importable table and a sheet describing the columns."""
    sheets = {name: template_frame(name) for name in TEMPLATE_TABLES}
    help_rows = []
    for name in TEMPLATE_TABLES:
        frame = template_help(name, lang)
        frame.insert(0, "table", name)
        help_rows.append(frame)
    sheets["README"] = pd.concat(help_rows, ignore_index=True)
    return xlsx_bytes(sheets)
