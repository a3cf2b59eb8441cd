"""Table exports: CSV and XLSX whose cells cannot run as spreadsheet formulas.

A cell of user data such as ``=HYPERLINK(...)`` or ``@SUM(...)`` would be
evaluated by Excel or LibreOffice when the file is opened (CSV/formula
injection). :func:`neutralise_formulas` applies :func:`ecosystem.render.safe.cell`
to every text cell: control and zero-width characters are removed, and a cell
that starts with a tab or line break, or with ``=``, ``+``, ``-``, ``@`` or their
full-width forms ``＝＋－＠`` once leading blanks are trimmed, is prefixed with an
apostrophe, which spreadsheets display as text. Numbers stay numbers (a negative
amount is a number, not text). XLSX files are also written with xlsxwriter's
formula and URL detection off, so no text cell is ever stored as a formula.

CSV follows RFC 4180 (CRLF line ends, ``"`` doubled inside quoted fields) and every
text field is quoted, whatever the separator: a file written with ``,`` and opened
by a spreadsheet that splits on ``;`` (French Excel) keeps ``Dupont;=1+1`` in one
cell. XLSX cells hold at most 32,767 characters: a longer text is cut, ends with
``…`` and is listed on a ``Notes`` sheet (:func:`xlsx_cut_cells` counts them first).

Inventories are exported (:func:`export_inventory`, ``python -m ecosystem
export``) with their flat values (``domains`` as codes separated by ``;``), the
form the importer reads back: CSV written by DuckDB (UTF-8 with BOM, ``;``,
formulas neutralised in SQL with :func:`safe_sql`), XLSX (a sheet per table),
Parquet. The import templates (:func:`templates_workbook`) come from the model.
"""

from __future__ import annotations

import csv
import io
import math
import re
import shutil
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

from ecosystem import model
from ecosystem.numbers import number, plural
from ecosystem.render import safe

_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")


def _flat(value):
    """Lists / arrays (multi-valued codes) become ``a;b`` text; NaN stays missing."""
    if isinstance(value, (list, tuple, np.ndarray)):
        return ";".join(str(v) for v in value)
    return value


def _inert(value):
    return safe.cell(value)


def unique_names(names) -> list[str]:
    """Column names made distinct: a repeated name gets `` (2)``, `` (3)``…"""
    out: list[str] = []
    taken: set[str] = set()
    for name in map(str, names):
        new, k = name, 2
        while new in taken:
            new, k = f"{name} ({k})", k + 1
        taken.add(new)
        out.append(new)
    return out


def neutralise_formulas(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` whose text cells (and column names) cannot start a formula;
    repeated column names are made distinct (:func:`unique_names`)."""
    out = df.copy()
    out.columns = unique_names(out.columns)
    for col in out.columns:
        s = out[col]
        if s.dtype == object or pd.api.types.is_string_dtype(s):
            out[col] = s.map(lambda v: _inert(_flat(v)), na_action="ignore").astype(object)
    out.columns = [_inert(str(c)) for c in out.columns]
    return out


def to_csv_bytes(df: pd.DataFrame, sep: str = ",") -> bytes:
    """UTF-8 CSV with a byte-order mark (so Excel reads accents), CRLF line ends,
    formulas neutralised."""
    # CRLF line ends (RFC 4180); every text field quoted, so a field holding a ","
    # or ";" stays one cell whichever separator the spreadsheet splits on
    return neutralise_formulas(df).to_csv(index=False, sep=sep, lineterminator="\r\n",
                                          quoting=csv.QUOTE_NONNUMERIC).encode("utf-8-sig")


def sheet_name(name: str, taken: set[str] | None = None) -> str:
    """A valid, unique Excel sheet name (31 characters, no ``[]:*?/\\``)."""
    base = _SHEET_BAD.sub(" ", str(name)).strip().strip("'")[:31] or "Sheet"
    name, i = base, 2
    while taken is not None and name.lower() in {t.lower() for t in taken}:
        suffix = f" ({i})"
        name, i = base[:31 - len(suffix)] + suffix, i + 1
    return name


#: most characters an XLSX cell holds (Excel's limit); a longer text is cut
XLSX_CELL_MAX = 32_767
CUT_MARK = "…"


def _long_cells(df: pd.DataFrame, limit: int = XLSX_CELL_MAX):
    """(column position, row position, length) of text cells over ``limit`` characters."""
    for j in range(df.shape[1]):
        s = df.iloc[:, j]  # by position: column names may repeat
        if not (s.dtype == object or pd.api.types.is_string_dtype(s)):
            continue
        lengths = s.map(lambda v: len(v) if isinstance(v, str) else 0, na_action="ignore")
        for i in np.flatnonzero(lengths.fillna(0).to_numpy(dtype=float) > limit):
            yield j, int(i), int(lengths.iloc[i])


def xlsx_cut_cells(sheets: dict[str, pd.DataFrame]) -> int:
    """How many text cells :func:`to_xlsx_bytes` will cut (over 32,767 characters,
    apostrophe prefix included)."""
    # the apostrophe adds one character: only a table with a text that long is cleaned
    return sum(1 for df in sheets.values() if next(_long_cells(df, XLSX_CELL_MAX - 1), None)
               for _ in _long_cells(neutralise_formulas(df)))


def xlsx_cut_message(n: int, lang: str = "fr") -> str:
    """What the UI, the command line and the Notes sheet say about ``n`` cut cells."""
    return plural("export.xlsx_cut", n, lang, max=number(XLSX_CELL_MAX, lang))


def to_xlsx_bytes(sheets: dict[str, pd.DataFrame], lang: str = "fr") -> bytes:
    """One XLSX workbook, a sheet per table, formulas neutralised, header row frozen.
    Text cells over 32,767 characters are cut (ending with "…") and listed on a last
    ``Notes`` sheet: sheet, cell, column, row, full length."""
    from openpyxl.utils import get_column_letter

    from ecosystem.i18n import t

    buf = io.BytesIO()
    options = {"strings_to_formulas": False, "strings_to_urls": False,
               "strings_to_numbers": False, "nan_inf_to_errors": False}
    cuts = []
    with pd.ExcelWriter(buf, engine="xlsxwriter", engine_kwargs={"options": options}) as xw:
        taken: set[str] = set()
        for name, df in sheets.items():
            sheet = sheet_name(name, taken)
            taken.add(sheet)
            clean = neutralise_formulas(df)
            for j, i, length in list(_long_cells(clean)):
                col = clean.columns[j]
                clean.iloc[i, j] = clean.iloc[i, j][:XLSX_CELL_MAX - len(CUT_MARK)] + CUT_MARK
                cuts.append({"sheet": sheet, "cell": f"{get_column_letter(j + 1)}{i + 2}",
                             "column": col, "row": i + 2, "length": length})
            for col in clean.columns:  # xlsxwriter refuses NaN/inf in numeric cells
                if pd.api.types.is_float_dtype(clean[col]):
                    clean[col] = clean[col].map(
                        lambda v: None if v is None or not math.isfinite(v) else v).astype(object)
            clean.to_excel(xw, sheet_name=sheet, index=False)
            ws = xw.sheets[sheet]
            ws.freeze_panes(1, 0)
            for i, col in enumerate(clean.columns):
                width = max([len(str(col))] + [len(str(v)) for v in clean[col].head(200)])
                ws.set_column(i, i, min(max(width + 2, 8), 60))
        if cuts:
            notes = pd.DataFrame(cuts).rename(columns={
                k: t(f"export.note.{k}", lang) for k in ("sheet", "cell", "column", "row", "length")})
            sheet = sheet_name("Notes", taken)
            notes.to_excel(xw, sheet_name=sheet, index=False, startrow=2)
            ws = xw.sheets[sheet]
            ws.write_string(0, 0, xlsx_cut_message(len(cuts), lang))
            ws.set_column(0, 2, 24)
    return buf.getvalue()


CSV_SEP = ";"  # inventory exports: what French spreadsheets open directly
XLSX_MAX_ROWS = 1_048_575  # one row is the header
FORMATS = ("csv", "xlsx", "parquet")


def safe_sql(expr: str) -> str:
    """SQL doing what :func:`ecosystem.render.safe.cell` does to a text, for exports
    written by DuckDB: the same character classes and starts (tested to agree)."""
    controls = safe.char_class(safe.CONTROL_RANGES)
    leading = safe.char_class(safe.CONTROL_RANGES + safe.SPACE_RANGES)
    starts = safe.char_class([(ord(c), ord(c)) for c in safe.FORMULA_START])
    breaks = safe.char_class([(ord(c), ord(c)) for c in safe.BREAK_START])
    clean = f"regexp_replace({expr}, '{controls}', '', 'g')"
    return (f"CASE WHEN regexp_matches({clean}, '^{breaks}|^{leading}*{starts}') "
            f"THEN chr(39) || {clean} ELSE {clean} END")


# ------------------------------------------------------------------ inventories

def _flat_select(table: model.Table, safe: bool, personal: bool = True,
                 have: set[str] | None = None) -> str:
    cols = []
    for col in table.columns:
        if col.personal and not personal:
            continue
        name = f'"{col.name}"'
        if have is not None and col.name not in have:  # a read-only file older than the column
            cols.append(f"CAST(NULL AS VARCHAR) AS {name}")
            continue
        if col.kind == "list":
            expr = f"array_to_string({name}, '{model.voc.LIST_SEP}')"
        else:
            expr = name
        if safe and col.kind in ("str", "list"):
            expr = safe_sql(expr)
        cols.append(f"{expr} AS {name}")
    return ", ".join(cols)


def export_inventory(store, name: str, fmt: str, out: str | Path,
                     tables: list[str] | None = None, report: dict | None = None,
                     lang: str = "fr", personal: bool = True) -> list[Path]:
    """Write an inventory's tables: ``xlsx`` one workbook (a sheet per table), ``csv``
    and ``parquet`` one file per table in the directory ``out`` (or the file ``out``
    when a single table is asked). Returns the files written; ``report`` (a dict)
    receives ``xlsx_cut``, the number of cells cut to fit a worksheet cell.
    ``personal=False`` leaves out the columns marked personal in the model (what a
    viewer's export gets: ``access.allowed(store, user, name, "read_personal")``)."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r} (one of {', '.join(FORMATS)})")
    ref = store.ref(name)
    tables = list(tables or model.TABLES)
    for t in tables:
        if t not in model.TABLES:
            raise ValueError(f"unknown table {t!r}")
    out = Path(out)
    have = {t: set(store.query(f"SELECT * FROM {ref.table(t)} LIMIT 0").columns) for t in tables}
    if fmt == "xlsx":
        frames = {t: store.query(f"SELECT {_flat_select(model.TABLES[t], False, personal, have[t])} "
                                 f"FROM {ref.table(t)}")
                  for t in tables}
        for t, df in frames.items():
            if len(df) > XLSX_MAX_ROWS:
                raise ValueError(f"{t}: {number(len(df), 'en')} rows, more than a worksheet holds "
                                 "(use csv or parquet)")
        out.parent.mkdir(parents=True, exist_ok=True)
        if report is not None:
            report["xlsx_cut"] = xlsx_cut_cells(frames)
        out.write_bytes(to_xlsx_bytes(frames, lang))
        return [out]
    single = len(tables) == 1 and out.suffix.lower() == f".{fmt}"
    if not single:
        out.mkdir(parents=True, exist_ok=True)
    written = []
    for t in tables:
        path = out if single else out / f"{t}.{fmt}"
        select = _flat_select(model.TABLES[t], safe=fmt == "csv", personal=personal, have=have[t])
        query = f"SELECT {select} FROM {ref.table(t)}"
        if fmt == "parquet":
            with store._cursor() as cur:
                cur.execute(f"COPY ({query}) TO '{_quote(path)}' (FORMAT parquet)")
        else:
            text = [c.name for c in model.TABLES[t].columns if c.kind in ("str", "list")
                    and (personal or not c.personal)]
            _copy_csv(store, query, path, text)
        written.append(path)
    return written


def _quote(path: Path) -> str:
    return str(path).replace("'", "''")


def _copy_csv(store, query: str, path: Path, text_columns: list[str] = ()) -> None:
    """DuckDB writes the CSV (RFC 4180: CRLF, text columns always quoted, so a ``,``
    or ``;`` inside a value never splits it); a BOM is put in front so spreadsheets
    read UTF-8."""
    path.parent.mkdir(parents=True, exist_ok=True)
    quote = ", FORCE_QUOTE (" + ", ".join(f'"{c}"' for c in text_columns) + ")" \
        if text_columns else ""
    with tempfile.TemporaryDirectory() as tmp:
        body = Path(tmp) / "body.csv"
        with store._cursor() as cur:
            cur.execute(f"COPY ({query}) TO '{_quote(body)}' (FORMAT csv, HEADER, "
                        f"DELIMITER '{CSV_SEP}', NEW_LINE '\r\n'{quote})")
        with open(path, "wb") as dst, open(body, "rb") as src:
            dst.write(b"\xef\xbb\xbf")
            shutil.copyfileobj(src, dst, 1 << 22)


# ------------------------------------------------------------------ templates

def template_frame(table: str) -> pd.DataFrame:
    """The empty table of an import template (the model's columns, in order)."""
    return pd.DataFrame(columns=model.TABLES[table].column_names)


def template_help(table: str, lang: str = "fr") -> pd.DataFrame:
    """One line per column: required, type, allowed values, help."""
    from ecosystem.i18n import t

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
    return to_xlsx_bytes(sheets, lang)
