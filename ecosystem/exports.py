"""Table exports: CSV and XLSX whose cells cannot run as spreadsheet formulas.

A cell of user data such as ``=HYPERLINK(...)`` or ``@SUM(...)`` would be
evaluated by Excel or LibreOffice when the file is opened (CSV/formula
injection). :func:`neutralise_formulas` prefixes every text cell that starts
with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return with an apostrophe,
which spreadsheets display as text. Numbers stay numbers (a negative amount is
a number, not text). XLSX files are also written with xlsxwriter's formula and
URL detection off, so no text cell is ever stored as a formula.
"""

from __future__ import annotations

import io
import math
import re

import numpy as np
import pandas as pd

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")


def _flat(value):
    """Lists / arrays (multi-valued codes) become ``a;b`` text; NaN stays missing."""
    if isinstance(value, (list, tuple, np.ndarray)):
        return ";".join(str(v) for v in value)
    return value


def _inert(value):
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def neutralise_formulas(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` whose text cells (and column names) cannot start a formula."""
    out = df.copy()
    for col in out.columns:
        s = out[col]
        if s.dtype == object or pd.api.types.is_string_dtype(s):
            out[col] = s.map(lambda v: _inert(_flat(v)), na_action="ignore").astype(object)
    out.columns = [_inert(str(c)) for c in out.columns]
    return out


def to_csv_bytes(df: pd.DataFrame, sep: str = ",") -> bytes:
    """UTF-8 CSV with a byte-order mark (so Excel reads accents), CRLF line ends,
    formulas neutralised."""
    # CRLF line ends (RFC 4180) make the writer quote any field holding a CR or LF
    return neutralise_formulas(df).to_csv(index=False, sep=sep, lineterminator="\r\n").encode(
        "utf-8-sig")


def sheet_name(name: str, taken: set[str] | None = None) -> str:
    """A valid, unique Excel sheet name (31 characters, no ``[]:*?/\\``)."""
    base = _SHEET_BAD.sub(" ", str(name)).strip().strip("'")[:31] or "Sheet"
    name, i = base, 2
    while taken is not None and name.lower() in {t.lower() for t in taken}:
        suffix = f" ({i})"
        name, i = base[:31 - len(suffix)] + suffix, i + 1
    return name


def to_xlsx_bytes(sheets: dict[str, pd.DataFrame]) -> bytes:
    """One XLSX workbook, a sheet per table, formulas neutralised, header row frozen."""
    buf = io.BytesIO()
    options = {"strings_to_formulas": False, "strings_to_urls": False,
               "strings_to_numbers": False, "nan_inf_to_errors": False}
    with pd.ExcelWriter(buf, engine="xlsxwriter", engine_kwargs={"options": options}) as xw:
        taken: set[str] = set()
        for name, df in sheets.items():
            sheet = sheet_name(name, taken)
            taken.add(sheet)
            clean = neutralise_formulas(df)
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
    return buf.getvalue()
