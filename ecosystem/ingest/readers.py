"""Read a file into a DuckDB table of text columns, one row per record.

Every reader gives the same result (:class:`Raw`): a table whose columns are
the file's columns (all ``VARCHAR``, names cleaned and made unique) and an
SQL expression for each record's row number in the source (the record's
number in a CSV file, blank lines and title rows counted, a record spanning
lines counted once; the sheet row of an XLSX file; the record's position in
a JSON array, from 1).

* CSV: DuckDB's reader with the sniffed dialect; the header row is found
  even below title rows or spread over two lines (:func:`find_header`); a
  line with more or fewer fields than the header is refused with its record
  number and field count (DuckDB's rejects table, grouped by line), never
  shifted into the wrong columns.
* XLSX: openpyxl in read-only mode, any sheet, rows streamed into DuckDB in
  batches; the same header search.
* JSON and JS map exports (GoGoCarto, Transiscope: ``const x = [...]``):
  records flattened (``address.postalCode``; lists joined with ``;``, lists of
  objects by their ``name``), GeoJSON points give ``latitude``/``longitude``.
* Parquet: read by DuckDB, every column cast to text.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pyarrow as pa

from ecosystem.ingest import checks
from ecosystem.ingest.sniff import (FileInfo, ReadError, SniffError, check_zip,  # noqa: F401
                                    python_codec, xlsx_sheets)  # (ReadError, xlsx_sheets: here too)
from ecosystem.ingest.sql import ident, lit

HEAD_ROWS = 40
BATCH = 50_000
MAX_REPORTED_LINES = 200
_NUMBER = re.compile(r"^[+-]?\d+([.,]\d+)?([eE][+-]?\d+)?$|^\d{1,4}[-/]\d{1,2}[-/]\d{1,4}")
_UNITS = re.compile(r"[\s\u00a0\u202f€$%]")


@dataclass
class Raw:
    table: str
    columns: list[str]
    n_rows: int
    row_sql: str                 # SQL expression of a record's row number in the source
    header_rows: list[int] = field(default_factory=list)   # 1-based rows of the header
    sheet: str | None = None
    notes: dict = field(default_factory=dict)   # what reading changed, e.g. {"point_on_surface": 3}


# ------------------------------------------------------------------ header

def _is_number(value: str) -> bool:
    """A number (units and thousands spaces allowed) or a date."""
    return bool(_NUMBER.match(_UNITS.sub("", value)))


def _filled(row: list) -> list[int]:
    return [i for i, v in enumerate(row) if v is not None and str(v).strip() != ""]


def find_header(rows: list[list]) -> tuple[int, int]:
    """Where the header is in the first rows of a sheet: (index of its first row, number of rows).

    The header is the first row that fills at least 60 % of the table's width
    with text (not numbers or dates): title rows above it are skipped. A
    second header row is taken with it when it is all text and either fills
    cells the first left empty (merged group headings above sub-headings) or
    holds text where the data below hold numbers (headings broken on two rows).
    """
    widths = [len(_filled(r)) for r in rows]
    width = max(widths, default=0)
    if width == 0:
        raise ReadError("imp.err.no_header")
    start = 0
    for i, row in enumerate(rows):
        filled = _filled(row)
        texts = [j for j in filled if not _is_number(str(row[j]))]
        if len(filled) >= max(1, round(0.6 * width)) and len(texts) >= 0.8 * len(filled):
            start = i
            break
    if start + 1 >= len(rows):
        return start, 1
    top, second = rows[start], rows[start + 1]
    second_filled = _filled(second)
    if not second_filled or any(_is_number(str(second[j])) for j in second_filled):
        return start, 1
    top_filled = set(_filled(top))
    if any(j not in top_filled for j in second_filled):
        return start, 2
    below = rows[start + 2: start + 2 + 20]
    for j in second_filled:
        values = [str(r[j]) for r in below if j < len(r) and r[j] not in (None, "")]
        if values and sum(map(_is_number, values)) >= 0.7 * len(values):
            return start, 2
    return start, 1


def header_names(rows: list[list], start: int, count: int, width: int) -> list[str]:
    """Column names from the header row(s): group headings carried over their merged
    cells, line breaks and runs of spaces made single spaces, blank names
    ``column_<n>``, repeated names suffixed ``_2``, ``_3``."""
    def cell(r, j):
        v = rows[r][j] if j < len(rows[r]) else None
        return re.sub(r"\s+", " ", str(v)).strip() if v is not None else ""

    names = []
    carried = ""
    for j in range(width):
        parts = []
        if count == 2:
            top = cell(start, j)
            if top:
                carried = top
            bottom = cell(start + 1, j)
            group = top or (carried if bottom else "")
            parts = [p for p in (group, bottom) if p]
        else:
            parts = [cell(start, j)]
        name = " ".join(p for p in parts if p) or f"column_{j + 1}"
        names.append(name)
    seen: dict[str, int] = {}
    out = []
    for name in names:
        key = name.lower()
        seen[key] = seen.get(key, 0) + 1
        out.append(name if seen[key] == 1 else f"{name}_{seen[key]}")
    return out


# ------------------------------------------------------------------ CSV

def _csv_options(info: FileInfo) -> str:
    opts = [f"delim = {lit(info.delimiter or ',')}", f"encoding = {lit(info.duckdb_encoding)}"]
    opts.append(f"quote = {lit(info.quote)}" if info.quote else "quote = ''")
    opts.append(f"escape = {lit(info.escape)}" if info.escape else "escape = ''")
    return ", ".join(opts)


def _dialect(info: FileInfo) -> dict:
    """Python csv reader options matching DuckDB's reading of the sniffed dialect."""
    quote = info.quote or None
    escape = info.escape if info.escape and info.escape != info.quote else None
    return dict(delimiter=info.delimiter or ",", quotechar=quote or '"',
                quoting=csv.QUOTE_MINIMAL if quote else csv.QUOTE_NONE,
                escapechar=escape, doublequote=info.escape == info.quote)


def _head(info: FileInfo) -> tuple[list[list], list[int]]:
    """The first records as Python's csv module splits them with the sniffed dialect
    (a record may span physical lines; a blank line is an empty record ``[]``), and
    the number of physical lines read after each."""
    rows, lines = [], []
    with open(info.read_path, encoding=python_codec(info), errors="replace", newline="") as f:
        reader = csv.reader(f, **_dialect(info))
        try:
            for row in reader:
                rows.append([v if v.strip() else None for v in row])
                lines.append(reader.line_num)
                if len(rows) >= HEAD_ROWS:
                    break
        except csv.Error as exc:
            raise ReadError("imp.err.csv", line=reader.line_num, detail=str(exc)) from exc
    return rows, lines


_BLANK = re.compile(rb"\n\r?\n")
_BLANK16 = re.compile(r"\n\r?\n")
#: bytes of the characters safe.strip_controls removes, as they appear in UTF-8 and
#: ISO-8859-1 files: C0 controls but tab, LF and CR, DEL; zero-width characters, BOM
_CONTROL_SEQS = tuple(chr(c).encode() for c in (*range(0x200B, 0x2010), 0x2060, 0xFEFF))
#: printable ASCII, tab, LF, CR: deleted first, what is left is short (controls and
#: non-ASCII bytes: UTF-8 characters stay whole, so a sequence found there is one)
_PLAIN = bytes([*range(0x20, 0x7F), 0x09, 0x0A, 0x0D])
_HIGH = bytes(range(0x80, 0x100))


def _scan(info: FileInfo, lines: int) -> tuple[bool, bool]:
    """(the file may hold a blank line, it may hold a control character), from its
    bytes at C speed. ``lines``: the physical lines the file has when none of its data
    records spans lines and no line is blank; when it has that many line breaks, it
    has no blank line, otherwise one more pass looks for a line break right after
    another (inside a quoted value too: :func:`_blank_records` then finds none). A
    control character is one that ``safe.strip_controls`` removes (for UTF-16 files:
    assumed)."""
    if info.duckdb_encoding == "utf-16":
        with open(info.read_path, encoding="utf-16", errors="replace", newline="") as f:
            tail = ""
            while chunk := f.read(1 << 22):
                if _BLANK16.search(tail + chunk):
                    return True, True
                tail = chunk[-2:]
        return False, True
    utf8 = info.duckdb_encoding == "utf-8"
    breaks, controls, last = 0, False, b""
    with open(info.read_path, "rb") as f:
        tail, first = b"", True
        while chunk := f.read(1 << 24):
            if first and chunk.startswith(b"\xef\xbb\xbf"):
                chunk = chunk[3:]  # a BOM at the start is the encoding's mark, not text
            first = False
            breaks += chunk.count(b"\n")
            if not controls:
                rest = (tail + chunk).translate(None, _PLAIN)
                controls = bool(rest.translate(None, _HIGH)) or (
                    utf8 and any(seq in rest for seq in _CONTROL_SEQS))
            tail, last = chunk[-2:], chunk[-1:] or last
    if breaks == (lines if last == b"\n" else lines - 1):  # the last line may have no break
        return False, controls
    with open(info.read_path, "rb") as f:
        tail = b""
        while chunk := f.read(1 << 24):
            if _BLANK.search(tail + chunk):
                return True, controls
            tail = chunk[-2:]
    return False, controls


def _blank_records(info: FileInfo, skip: int) -> list[int]:
    """For each blank line after the first ``skip`` records: how many non-blank records
    of the data come before it (DuckDB reads no row for a blank line)."""
    out, seen = [], 0
    with open(info.read_path, encoding=python_codec(info), errors="replace", newline="") as f:
        reader = csv.reader(f, **_dialect(info))
        for i, row in enumerate(reader):
            if i < skip:
                continue
            if row:
                seen += 1
            else:
                out.append(seen)
    return out


def read_csv(con: duckdb.DuckDBPyConnection, info: FileInfo, table: str) -> Raw:
    """Rows are numbered by record (see :func:`_number_rows`)."""
    src = lit(str(info.read_path))
    opts = _csv_options(info)
    rows, lines = _head(info)
    if not any(rows):
        raise ReadError("imp.err.empty")
    start, count = find_header(rows)
    width = max(len(rows[i]) for i in range(start, start + count))
    names = header_names(rows, start, count, width)
    # DuckDB's skip counts records (a quoted header cell may span lines), blank lines included
    skip = start + count
    columns = "{" + ", ".join(f"{lit(n)}: 'VARCHAR'" for n in names) + "}"
    base = (f"read_csv({src}, {opts}, header = false, skip = {skip}, columns = {columns}, "
            f"auto_detect = false, strict_mode = true, null_padding = false")
    try:
        con.execute(f"CREATE OR REPLACE TABLE {ident(table)} AS SELECT * FROM {base})")
    except duckdb.Error as exc:
        if "Number of Columns" not in str(exc):
            raise _duck_error(exc) from exc
        # a ragged file: list every bad line (a second pass, only when the first failed)
        raise _ragged(con, base, table, len(names)) from exc
    n = con.execute(f"SELECT count(*) FROM {ident(table)}").fetchall()[0][0]
    blank, controls = _scan(info, lines[start + count - 1] + n)
    if not controls:  # nothing for the checks stage to clean: its SQL scan is skipped
        checks.no_controls(con, table)
    return Raw(table, names, n, _number_rows(con, info, table, skip, blank),
               header_rows=list(range(start + 1, start + count + 1)))


def _number_rows(con, info: FileInfo, table: str, skip: int, blank: bool) -> str:
    """SQL of a record's row number: its record number in the file, from 1 (title and
    header records counted; a record whose quoted value holds line breaks counts once;
    a blank line counts as one record, as in a spreadsheet, though DuckDB reads no
    row for it).

    rowid follows the file's order, so without blank lines after the header a record's
    number is ``rowid + skip + 1``; with some, a ``_row`` column is added (one pass of
    Python's csv module over the file, only then)."""
    plain = f"(rowid + {skip + 1})"
    if not blank:
        return plain
    blanks = _blank_records(info, skip)
    if not blanks:
        return plain
    tmp, counts = f"{table}__numbered", f"{table}__blanks"
    con.execute(f"CREATE OR REPLACE TEMP TABLE {ident(counts)} (p BIGINT)")
    con.register("_blanks", pa.table({"p": pa.array(blanks, pa.int64())}))
    con.execute(f"INSERT INTO {ident(counts)} SELECT p FROM _blanks")
    con.unregister("_blanks")
    # blanks before a record = the blank lines that follow at most rowid data records
    con.execute(f"""CREATE OR REPLACE TABLE {ident(tmp)} AS
        SELECT r.rowid + {skip + 1} + coalesce(b.n, 0) AS "_row", r.* FROM {ident(table)} r
        ASOF LEFT JOIN (SELECT p, CAST(sum(count(*)) OVER (ORDER BY p) AS BIGINT) AS n
                        FROM {ident(counts)} GROUP BY p) b ON r.rowid >= b.p
        ORDER BY r.rowid""")
    con.execute(f"DROP TABLE {ident(table)}")
    con.execute(f"ALTER TABLE {ident(tmp)} RENAME TO {ident(table)}")
    con.execute(f"DROP TABLE {ident(counts)}")
    return '"_row"'


#: ragged lines named in the message itself (all are in ``ReadError.lines``)
FIRST_LINES = 10


def _ragged(con, base: str, table: str, expected: int) -> ReadError:
    """The ragged lines, once each (DuckDB's rejects table has a row per missing or
    extra field): their count, and for each its record number (DuckDB's ``line``,
    numbered like the rows), the fields found and expected, the content."""
    rej, scan = f"{table}_rejects", f"{table}_scan"
    for name in (rej, scan):
        con.execute(f"DROP TABLE IF EXISTS {ident(name)}")
    con.execute(f"CREATE OR REPLACE TABLE {ident(table)} AS SELECT * FROM {base}, store_rejects = true, "
                f"rejects_table = {lit(rej)}, rejects_scan = {lit(scan)})")
    con.execute(f"DROP TABLE {ident(table)}")
    found_sql = "TRY_CAST(regexp_extract(error_message, 'Found:\\s*(\\d+)', 1) AS INTEGER)"
    bad = con.execute(f"SELECT count(DISTINCT line) FROM {ident(rej)}").fetchall()[0][0]
    # a line missing k fields gives k errors "Found: n, n+1, …": the fields found are the
    # least; one with k fields too many gives k errors "…, expected + k": the most
    found = con.execute(f"""
        SELECT line, string_agg(DISTINCT error_type, ', '), any_value(csv_line),
               coalesce(min({found_sql}) FILTER (WHERE error_type = 'MISSING COLUMNS'),
                        max({found_sql}) FILTER (WHERE error_type = 'TOO MANY COLUMNS'))
        FROM {ident(rej)} GROUP BY line ORDER BY line LIMIT {MAX_REPORTED_LINES}""").fetchall()
    for name in (rej, scan):
        con.execute(f"DROP TABLE IF EXISTS {ident(name)}")
    lines = [{"line": int(line), "error": str(kind), "content": str(text).strip("\r\n")[:200],
              "found": None if n is None else int(n), "expected": expected}
             for line, kind, text, n in found]

    def short(x: dict) -> str:
        return f"{x['line']} ({x['found'] if x['found'] is not None else '?'}/{expected})"

    return ReadError("imp.err.ragged", lines=lines, count=int(bad), expected=expected,
                     first=", ".join(short(x) for x in lines[:FIRST_LINES]))


def _duck_error(exc: duckdb.Error) -> ReadError:
    text = str(exc)
    m = re.search(r"[Ll]ine:?\s*(\d+)", text)
    line = int(m.group(1)) if m else None
    if "unicode" in text.lower() or "encoding" in text.lower():
        return ReadError("imp.err.decode", line=line or "?")
    return ReadError("imp.err.csv", line=line or "?", detail=text.splitlines()[0][:300])


# ------------------------------------------------------------------ XLSX

def cell_text(value) -> str | None:
    """A spreadsheet cell as text: whole numbers without ``.0``, dates as ISO."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if value != value:
            return None
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    text = str(value)
    return text if text.strip() else None


def read_xlsx(con: duckdb.DuckDBPyConnection, info: FileInfo, table: str,
              sheet: str | None = None) -> Raw:
    import openpyxl
    check_zip(info.path)
    try:
        wb = openpyxl.load_workbook(info.path, read_only=True, data_only=True)
    except Exception as exc:
        raise ReadError("imp.err.xlsx", detail=str(exc)[:200]) from exc
    try:
        name = sheet or wb.sheetnames[0]
        if name not in wb.sheetnames:
            raise ReadError("imp.err.sheet", sheet=name)
        rows_iter = wb[name].iter_rows(values_only=True)
        head: list[list] = []
        for row in rows_iter:
            head.append([cell_text(v) for v in row])
            if len(head) >= HEAD_ROWS:
                break
        if not any(_filled(r) for r in head):
            raise ReadError("imp.err.no_header")
        start, count = find_header(head)
        width = max(max(_filled(r), default=-1) + 1 for r in head)
        names = header_names(head, start, count, width)

        def records():
            for i, row in enumerate(head[start + count:], start=start + count + 1):
                yield i, row
            for i, row in enumerate(rows_iter, start=len(head) + 1):
                yield i, [cell_text(v) for v in row]

        _load_batches(con, table, names, records(), width)
    finally:
        wb.close()
    n = con.execute(f"SELECT count(*) FROM {ident(table)}").fetchall()[0][0]
    return Raw(table, names, n, '"_row"', header_rows=list(range(start + 1, start + count + 1)),
               sheet=name)


def _load_batches(con, table: str, names: list[str], records, width: int) -> None:
    """Rows (number, values) into a table of text columns plus ``_row``; empty rows skipped."""
    schema = pa.schema([pa.field("_row", pa.int64())] + [pa.field(n, pa.string()) for n in names])
    con.execute(f"CREATE OR REPLACE TABLE {ident(table)} ("
                + ", ".join(['"_row" BIGINT'] + [f"{ident(n)} VARCHAR" for n in names]) + ")")
    batch: list[list] = [[] for _ in range(width + 1)]

    def flush():
        if not batch[0]:
            return
        arrow = pa.Table.from_arrays([pa.array(col, type=f.type) for col, f in zip(batch, schema)],
                                     schema=schema)
        con.register("_batch", arrow)
        con.execute(f"INSERT INTO {ident(table)} SELECT * FROM _batch")
        con.unregister("_batch")
        for col in batch:
            col.clear()

    for number, values in records:
        values = list(values[:width]) + [None] * (width - len(values))
        if all(v is None for v in values):
            continue
        batch[0].append(number)
        for j, v in enumerate(values, start=1):
            batch[j].append(v)
        if len(batch[0]) >= BATCH:
            flush()
    flush()


# ------------------------------------------------------------------ JSON / JS

_LIST_KEYS = ("data", "elements", "features", "items", "records", "results", "actors")


def _records(doc) -> list:
    if isinstance(doc, list):
        return doc
    if isinstance(doc, dict):
        for key in _LIST_KEYS:
            if isinstance(doc.get(key), list):
                return doc[key]
        lists = [v for v in doc.values() if isinstance(v, list)]
        if len(lists) == 1:
            return lists[0]
        return [doc]
    raise ReadError("imp.err.json_shape")


def _label(item) -> str:
    if isinstance(item, dict):
        for key in ("name", "title", "label", "nom", "libelle"):
            if item.get(key) not in (None, ""):
                return str(item[key])
        return json.dumps(item, ensure_ascii=False)
    return "" if item is None else str(item)


def flatten(record, prefix: str = "", out: dict | None = None) -> dict:
    """Nested objects as dotted keys; lists of values joined with ``;``."""
    out = {} if out is None else out
    if isinstance(record, dict):
        if record.get("type") == "Feature" and isinstance(record.get("properties", {}), (dict, type(None))):
            geom = record.get("geometry") or {}  # null geometry: an actor without a place
            if isinstance(geom, dict) and geom.get("type") == "Point" and len(geom.get("coordinates") or []) >= 2:
                out["longitude"], out["latitude"] = (str(c) for c in geom["coordinates"][:2])
            flatten(record.get("properties") or {}, prefix, out)
            return out
        for key, value in record.items():
            flatten(value, f"{prefix}{key}.", out) if isinstance(value, dict) else \
                _put(out, f"{prefix}{key}", value)
    else:
        _put(out, prefix.rstrip(".") or "value", record)
    return out


def _put(out: dict, key: str, value) -> None:
    if isinstance(value, list):
        parts = [_label(v) for v in value if v not in (None, "")]
        out[key] = "; ".join(p for p in parts if p) or None
    elif isinstance(value, bool):
        out[key] = "true" if value else "false"
    elif value is None:
        out[key] = None
    else:
        out[key] = str(value)


#: what to do with GeoJSON features whose geometry is not a point
GEOMETRY_MODES = ("refuse", "point-on-surface")
_POLYGONS = ("Polygon", "MultiPolygon")
#: refused features listed in the error (the count says how many there are)
GEOMETRY_LINES = 200


def _geometry_kind(geom) -> str | None:
    """``point``, None (no geometry), or the GeoJSON type of a geometry that is not one
    point. A MultiPoint whose points are all the same is a point."""
    if not isinstance(geom, dict):
        return None
    kind = geom.get("type")
    coords = geom.get("coordinates")
    if kind == "Point":
        return "point"
    if kind == "MultiPoint" and isinstance(coords, list) and coords and all(c == coords[0] for c in coords):
        return "point"
    return str(kind)[:40]  # as written in the file (shown in the refusal), kept short


def _feature_name(record: dict) -> str:
    props = record.get("properties") if isinstance(record.get("properties"), dict) else {}
    for key in ("name", "title", "label", "nom", "libelle"):
        if props.get(key) not in (None, ""):
            return str(props[key])
    return ""


def point_features(records: list, mode: str = "refuse") -> tuple[list, dict]:
    """GeoJSON features as actors: points as they are; any other geometry (line,
    polygon, MultiPoint of several places, collection) refused with the features
    listed (``imp.err.geometry``), or, with ``mode="point-on-surface"``, replaced by its
    representative point (shapely ``representative_point``: a point inside the shape).
    A file whose geometries are all polygons is a zoning (territory outlines), never
    a list of actors: refused in both modes (``imp.err.geometry_zoning``).
    Returns (records, notes): ``notes["point_on_surface"]`` counts the features moved."""
    if mode not in GEOMETRY_MODES:
        raise ValueError(f"geometry mode: one of {GEOMETRY_MODES}")
    kinds = [(i, r, _geometry_kind(r.get("geometry"))) for i, r in enumerate(records, start=1)
             if isinstance(r, dict) and r.get("type") == "Feature"]
    others = [(i, r, k) for i, r, k in kinds if k not in (None, "point")]
    given = [k for _, _, k in kinds if k is not None]
    if given and all(k in _POLYGONS for k in given):
        raise ReadError("imp.err.geometry_zoning", n=len(given))
    out = list(records)
    for i, r, k in kinds:  # a MultiPoint of one place is that point
        if k == "point" and r["geometry"].get("type") == "MultiPoint":
            out[i - 1] = {**r, "geometry": {"type": "Point", "coordinates": r["geometry"]["coordinates"][0]}}
    if not others:
        return out, {}
    if mode == "refuse":
        counts: dict[str, int] = {}
        for _, _, k in others:
            counts[k] = counts.get(k, 0) + 1
        lines = [{"feature": i, "name": _feature_name(r), "geometry": k} for i, r, k in others]
        raise ReadError("imp.err.geometry", lines=lines[:GEOMETRY_LINES], n=len(others),
                        types=", ".join(f"{k} ×{n}" for k, n in sorted(counts.items())))
    from shapely.geometry import shape

    moved = invalid = 0
    for i, r, _ in others:
        try:
            point = shape(r["geometry"]).representative_point()
            geometry = {"type": "Point", "coordinates": [point.x, point.y]}
            moved += 1
        except Exception:  # noqa: BLE001 - a broken geometry: the actor is kept, without a place
            geometry = None
            invalid += 1
        out[i - 1] = {**r, "geometry": geometry}
    notes = {"point_on_surface": moved}
    if invalid:
        notes["geometry_invalid"] = invalid
    return out, notes


def read_json(con: duckdb.DuckDBPyConnection, info: FileInfo, table: str,
              geometry: str = "refuse") -> Raw:
    text = Path(info.path).read_bytes().decode(info.encoding or "utf-8", errors="replace")
    text = text.lstrip("\ufeff")
    offset_line = 0
    if info.kind == "js":
        m = re.search(r"=\s*([\[{])", text)
        if not m:
            raise ReadError("imp.err.json_shape")
        offset_line = text.count("\n", 0, m.start(1))
        text = text[m.start(1):].rstrip().rstrip(";").rstrip()
    try:
        doc = json.loads(text)
        records, notes = point_features(_records(doc), geometry)
        flat = [flatten(r) for r in records]
    except json.JSONDecodeError as exc:
        raise ReadError("imp.err.json", line=exc.lineno + offset_line, column=exc.colno,
                        detail=exc.msg) from exc
    except RecursionError as exc:  # arrays/objects nested thousands deep
        raise ReadError("imp.err.json_deep") from exc
    names: list[str] = []
    seen = set()
    for r in flat:
        for k in r:
            if k not in seen:
                seen.add(k)
                names.append(k)
    if not names:
        raise ReadError("imp.err.json_shape")
    rows = ((i, [r.get(k) for k in names]) for i, r in enumerate(flat, start=1))
    _load_batches(con, table, names, rows, len(names))
    return Raw(table, names, len(flat), '"_row"', notes=notes)


# ------------------------------------------------------------------ Parquet

def read_parquet(con: duckdb.DuckDBPyConnection, info: FileInfo, table: str) -> Raw:
    src = lit(str(info.path))
    try:
        described = con.execute(f"DESCRIBE SELECT * FROM read_parquet({src})").fetchall()
        select = ", ".join(
            (f"array_to_string(CAST({ident(c)} AS VARCHAR[]), ';')" if str(t).endswith("[]")
             else f"CAST({ident(c)} AS VARCHAR)") + f" AS {ident(c)}" for c, t, *_ in described)
        con.execute(f"CREATE OR REPLACE TABLE {ident(table)} AS SELECT {select} FROM read_parquet({src})")
    except duckdb.Error as exc:
        raise ReadError("imp.err.parquet", detail=str(exc).splitlines()[0][:300]) from exc
    n = con.execute(f"SELECT count(*) FROM {ident(table)}").fetchall()[0][0]
    return Raw(table, [c for c, *_ in described], n, "(rowid + 1)")


def read(con: duckdb.DuckDBPyConnection, info: FileInfo, table: str, sheet: str | None = None,
         geometry: str = "refuse") -> Raw:
    """The file as a table of text columns (see the module doc); ``geometry``: what to do
    with GeoJSON features that are not points (:func:`point_features`)."""
    if info.kind == "csv":
        return read_csv(con, info, table)
    if info.kind == "xlsx":
        return read_xlsx(con, info, table, sheet)
    if info.kind in ("json", "js"):
        return read_json(con, info, table, geometry)
    if info.kind == "parquet":
        return read_parquet(con, info, table)
    raise ReadError("imp.err.kind", kind=info.kind)
