"""What a file is: kind, text encoding and CSV dialect, decided by libraries.

* Kind: from the first bytes (zip → XLSX, ``PAR1`` → Parquet, ``[``/``{`` →
  JSON, ``const x = [`` → a JS map export), else delimited text.
* Encoding: charset-normalizer on a sample taken across the file (the head
  and evenly spaced chunks cut at line ends), among the encodings people's
  files are really in: UTF-8 (with or without BOM), UTF-16, cp1252 and
  ISO-8859-1. cp1252 and ISO-8859-1 only differ on bytes 0x80–0x9F (C1
  control characters in ISO-8859-1, never text): when the file holds none of
  them DuckDB reads it natively as ``latin-1``; otherwise it is transcoded
  from cp1252 to a temporary UTF-8 file, because DuckDB has no cp1252 reader.
  A file mixing UTF-8 and cp1252 lines (two exports pasted together) is
  transcoded line by line, each line in its own encoding, and the lines of each
  are kept (``FileInfo.mixed``) for the import to say so.
* Dialect: DuckDB's CSV sniffer (``sniff_csv``), run with ``ignore_errors``
  so that a ragged line does not make it pick the wrong delimiter; the ragged
  lines are then refused by the reader with their line numbers.
"""

from __future__ import annotations

import codecs
import csv
import os
import re
import tempfile
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import charset_normalizer
import duckdb
import numpy as np

from ecosystem.ingest.sql import lit

KINDS = ("csv", "xlsx", "json", "js", "parquet")
#: encodings considered by the detector (Python codec names)
CANDIDATES = ["utf_8", "utf_16", "cp1252", "latin_1"]
#: each candidate as people name it (the Importer shows it; the code keeps Python's name)
ENCODING_NAMES = {"utf_8": "UTF-8", "utf_16": "UTF-16", "cp1252": "Windows-1252",
                  "latin_1": "ISO-8859-1 (Latin-1)"}


def encoding_name(encoding: str | None) -> str | None:
    """``utf_8`` → ``UTF-8``; an encoding outside the candidates as it is."""
    return ENCODING_NAMES.get(encoding, encoding) if encoding else encoding
HEAD = 256 * 1024
CHUNK = 32 * 1024
CHUNKS = 12
_C1 = bytes(range(0x80, 0xA0))
_C0 = bytes([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F])
_JS = re.compile(rb"^\s*(?:export\s+)?(?:const|let|var|window\.)\s*[\w$.]*\s*=\s*[\[{]", re.S)


class SniffError(ValueError):
    """The file cannot be read; ``key`` is an i18n key, ``params`` its placeholders."""

    def __init__(self, key: str, **params):
        super().__init__(f"{key}: {params}")
        self.key = key
        self.params = params


class ReadError(SniffError):
    """The file is not readable as a table; ``lines`` lists the offending lines."""

    def __init__(self, key: str, lines: list[dict] | None = None, **params):
        super().__init__(key, **params)
        self.lines = lines or []


@dataclass
class FileInfo:
    path: Path
    name: str
    kind: str
    size: int
    encoding: str | None = None          # detected Python codec name
    duckdb_encoding: str | None = None   # what DuckDB is told to use
    read_path: Path | None = None        # the file DuckDB reads (a UTF-8 copy for cp1252)
    delimiter: str | None = None
    quote: str | None = None
    escape: str | None = None
    sheets: list[str] = field(default_factory=list)
    #: a file mixing UTF-8 and cp1252 lines: {"utf_8": [line, ...], "cp1252": [line, ...]}
    #: (1-based lines of the file holding non-ASCII text), each read in its own encoding
    mixed: dict[str, list[int]] | None = None


def detect_kind(path: Path, name: str = "") -> str:
    with open(path, "rb") as f:
        head = f.read(4096)
    if head.startswith(b"PK\x03\x04"):
        return "xlsx"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise SniffError("imp.err.xls")
    if head.startswith(b"PAR1"):
        return "parquet"
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if text[:1] in (b"[", b"{"):
        return "json"
    if _JS.match(text):
        return "js"
    if not head:
        raise SniffError("imp.err.empty")
    return "csv"


def _sample(path: Path, size: int) -> bytes:
    """Head of the file plus evenly spaced chunks, each cut at line ends."""
    with open(path, "rb") as f:
        head = f.read(HEAD)
        if size <= HEAD + CHUNK * CHUNKS:
            return head + f.read()
        parts = [head[: head.rfind(b"\n") + 1] or head]
        step = (size - HEAD) // CHUNKS
        for i in range(CHUNKS):
            f.seek(HEAD + i * step)
            chunk = f.read(CHUNK)
            start, end = chunk.find(b"\n") + 1, chunk.rfind(b"\n") + 1
            if 0 < start < end:
                parts.append(chunk[start:end])
    return b"".join(parts)


def detect_encoding(path: Path, size: int | None = None) -> str:
    """Python codec name of a text file (one of :data:`CANDIDATES`, ``utf_8_sig`` with BOM)."""
    size = os.path.getsize(path) if size is None else size
    sample = _sample(path, size)
    if sample.startswith(codecs.BOM_UTF8):
        return "utf_8_sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf_16"
    if b"\x00" not in sample and not sample.isascii():
        # valid UTF-8 with non-ASCII characters is UTF-8: cp1252 text almost never forms
        # valid multi-byte sequences, and on a short file the detector can call it cp1252
        try:
            sample.decode("utf-8")
            return "utf_8"
        except UnicodeDecodeError:
            pass
        if _UTF8_SEQ.search(sample) and _line_encodings(sample.splitlines(keepends=True))["utf_8"]:
            # UTF-8 lines beside others: a mixed file, which the detector may give up on;
            # text_encoding reads each line in its own encoding
            return "cp1252"
    best = charset_normalizer.from_bytes(sample, cp_isolation=CANDIDATES).best()
    if best is None:
        # control characters (a NUL, a unit separator in a cell) can make the detector
        # give up: they are removed at import (checks.strip_controls), so the encoding
        # is decided on the text without them
        best = charset_normalizer.from_bytes(sample.translate(None, _C0),
                                             cp_isolation=CANDIDATES).best()
    if best is None:
        raise SniffError("imp.err.encoding")
    enc = best.encoding
    if enc == "ascii":
        return "utf_8"
    return enc if enc in CANDIDATES else "cp1252"


#: a multi-byte UTF-8 sequence (a cp1252 file almost never holds one: "Ã©")
_UTF8_SEQ = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")


def has_utf8_sequence(data: bytes) -> bool:
    """Whether ``data`` holds a multi-byte UTF-8 sequence (what :data:`_UTF8_SEQ` finds),
    with NumPy: the lead bytes 0xC2–0xF4 are found in one vectorised pass and only their
    1–3 following bytes are then tested, where the regular expression steps through
    every byte in Python's engine (0.3 CPU-s per 30 MB of an ISO-8859-1 file, all of it
    scanned since such a file holds no sequence). Slices of 1 MiB (each with the next
    3 bytes) bound the index arrays whatever the bytes."""
    view = memoryview(data)
    return any(_utf8_in(view[i:i + _SLICE + 3]) for i in range(0, len(view), _SLICE))


_SLICE = 1 << 20


def _utf8_in(data) -> bool:
    b = np.frombuffer(data, dtype=np.uint8)
    lead = np.flatnonzero((b >= 0xC2) & (b <= 0xF4))
    if not lead.size:
        return False
    first = b[lead]
    need = 1 + (first >= 0xE0) + (first >= 0xF0)   # continuation bytes the lead asks for
    ok = np.ones(lead.size, dtype=bool)
    for k in (1, 2, 3):
        at = lead + k
        follower = np.where(at < b.size, b[np.minimum(at, b.size - 1)], 0)
        ok &= (need < k) | ((follower & 0xC0) == 0x80)
    return bool(ok.any())


def _line_encodings(lines) -> dict[str, list[int]]:
    """1-based numbers of the lines holding non-ASCII text, by encoding: ``utf_8`` when
    the line is valid UTF-8, else ``cp1252``."""
    out: dict[str, list[int]] = {"utf_8": [], "cp1252": []}
    for i, line in enumerate(lines, 1):
        if line.isascii():
            continue
        try:
            line.decode("utf-8")
            out["utf_8"].append(i)
        except UnicodeDecodeError:
            out["cp1252"].append(i)
    return out


def mixed_lines(path: Path) -> dict[str, list[int]] | None:
    """The lines of each encoding of a text file detected as cp1252 / ISO-8859-1 that
    also holds UTF-8 lines (two exports pasted together); None when it holds none. One
    scan of the bytes first: the line by line pass only runs on files with a UTF-8
    sequence."""
    found = False
    with open(path, "rb") as f:
        tail = b""
        while chunk := f.read(1 << 24):
            if has_utf8_sequence(tail + chunk):
                found = True
                break
            tail = chunk[-3:]
    if not found:
        return None
    with open(path, "rb") as f:
        lines = _line_encodings(f)
    return lines if lines["utf_8"] and lines["cp1252"] else None


def transcode_lines(path: Path, workdir: Path) -> Path:
    """A UTF-8 copy of a mixed file: each line decoded as UTF-8 when it is, else as cp1252."""
    out = Path(tempfile.mkstemp(suffix=".csv", dir=workdir)[1])
    with open(path, "rb") as src, open(out, "w", encoding="utf-8", newline="") as dst:
        for line in src:
            try:
                dst.write(line.decode("utf-8"))
            except UnicodeDecodeError:
                dst.write(line.decode("cp1252", errors="replace"))
    return out


def has_c1_bytes(path: Path) -> bool:
    """True when the file holds a byte 0x80–0x9F (where cp1252 and ISO-8859-1 differ)."""
    with open(path, "rb") as f:
        while chunk := f.read(1 << 24):
            if len(chunk.translate(None, _C1)) != len(chunk):
                return True
    return False


def transcode(path: Path, encoding: str, workdir: Path) -> Path:
    """A UTF-8 copy of a text file (streamed)."""
    out = Path(tempfile.mkstemp(suffix=".csv", dir=workdir)[1])
    with open(path, encoding=encoding, errors="replace", newline="") as src, \
            open(out, "w", encoding="utf-8", newline="") as dst:
        while chunk := src.read(1 << 22):
            dst.write(chunk)
    return out


def text_encoding(info: FileInfo, workdir: Path) -> None:
    """Fill the encoding fields of a text file's info (transcoding cp1252 if needed)."""
    enc = detect_encoding(info.path, info.size)
    info.encoding = enc
    info.read_path = info.path
    if enc in ("utf_8", "utf_8_sig"):
        info.duckdb_encoding = "utf-8"
    elif enc == "utf_16":
        info.duckdb_encoding = "utf-16"
    elif enc in ("cp1252", "latin_1"):
        info.mixed = mixed_lines(info.path)
        if info.mixed:
            info.encoding = "cp1252"
            info.read_path = transcode_lines(info.path, workdir)
            info.duckdb_encoding = "utf-8"
        elif has_c1_bytes(info.path):
            info.encoding = "cp1252"
            info.read_path = transcode(info.path, "cp1252", workdir)
            info.duckdb_encoding = "utf-8"
        else:
            info.duckdb_encoding = "latin-1"


def sniff_dialect(con: duckdb.DuckDBPyConnection, info: FileInfo) -> None:
    """Delimiter, quote and escape from DuckDB's sniffer."""
    try:
        row = con.execute(
            f"SELECT Delimiter, Quote, Escape FROM sniff_csv({lit(str(info.read_path))}, "
            f"encoding = {lit(info.duckdb_encoding)}, all_varchar = true, ignore_errors = true, "
            f"header = false)").fetchall()[0]
    except duckdb.Error as exc:
        raise SniffError("imp.err.dialect", detail=str(exc).splitlines()[0]) from exc
    delim, quote, escape = row
    info.delimiter = _check_delimiter(info, delim)
    info.quote = "" if quote in (None, "(empty)") else quote
    info.escape = "" if escape in (None, "(empty)") else escape


DELIMITERS = (";", ",", "\t", "|")


def python_codec(info: FileInfo) -> str:
    """The codec that reads ``info.read_path`` as DuckDB will (a UTF-8 BOM skipped)."""
    return {"utf-8": "utf-8-sig", "utf-16": "utf-16", "latin-1": "latin-1"}[info.duckdb_encoding]


def _check_delimiter(info: FileInfo, delim: str) -> str:
    """DuckDB's delimiter unless it splits the table's lines into one field only.

    Title lines above the header ("Inventaire des acteurs", a date) can make
    DuckDB's sniffer settle on a delimiter that splits nothing; then the
    delimiter that gives most lines of the sample the same number (> 1) of
    fields wins.
    """
    with open(info.read_path, encoding=python_codec(info), errors="replace", newline="") as f:
        lines = [line for line in (f.readline() for _ in range(200)) if line.strip()]

    def fields(line: str, d: str) -> int:
        try:
            return len(next(csv.reader([line], delimiter=d), []))
        except csv.Error:  # a field over csv's size limit: not evidence either way
            return 0

    def support(d: str) -> tuple[int, int]:
        counts = Counter(fields(line, d) for line in lines)
        width, n = max(counts.items(), key=lambda kv: (kv[1], kv[0]), default=(0, 0))
        return (n, width) if width > 1 else (0, 0)

    if not lines or support(delim)[0]:
        return delim
    best = max(DELIMITERS, key=support)
    return best if support(best)[0] else delim


def sniff(path: str | Path, name: str | None = None, *, con: duckdb.DuckDBPyConnection | None = None,
          workdir: str | Path | None = None) -> FileInfo:
    """Everything needed to read ``path`` (``name``: the file's original name)."""
    path = Path(path)
    if not path.exists():
        raise SniffError("imp.err.missing", path=str(path))
    size = path.stat().st_size
    if size == 0:
        raise SniffError("imp.err.empty")
    kind = detect_kind(path, name or path.name)
    info = FileInfo(path=path, name=name or path.name, kind=kind, size=size)
    workdir = Path(workdir or tempfile.gettempdir())
    if kind in ("csv", "json", "js"):
        text_encoding(info, workdir)
    if kind == "csv":
        sniff_dialect(con or duckdb.connect(), info)
    if kind == "xlsx":
        info.sheets = xlsx_sheets(path)
    return info


# ------------------------------------------------------------------ XLSX

#: a workbook whose XML would inflate beyond this is refused before it is parsed
XLSX_MAX_UNCOMPRESSED = 1 << 30
#: ... and so is one whose large members compress more than real sheets ever do
XLSX_MAX_RATIO, XLSX_RATIO_FROM = 100, 64 << 20


def check_zip(path: Path) -> None:
    """Refuse a zip-bomb-like workbook from its directory, without inflating anything.

    Real sheets compress 5–20:1; a member of more than 64 MiB compressed over
    100:1, or more than 1 GiB of XML in all, is refused with its figures.
    """
    try:
        with zipfile.ZipFile(path) as z:
            members = z.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise ReadError("imp.err.xlsx", detail=str(exc)[:200]) from exc
    def ratio(m: zipfile.ZipInfo) -> float:
        return m.file_size / max(m.compress_size, 1)

    bombs = [m for m in members if m.file_size > XLSX_RATIO_FROM and ratio(m) > XLSX_MAX_RATIO]
    if not bombs and sum(m.file_size for m in members) > XLSX_MAX_UNCOMPRESSED:
        bombs = [max(members, key=lambda m: m.file_size)]
    if bombs:
        m = bombs[0]
        raise ReadError("imp.err.xlsx_bomb", member=m.filename,
                        size=f"{m.file_size / 2**20:,.0f}", ratio=f"{ratio(m):,.0f}")


def xlsx_sheets(path: Path) -> list[str]:
    import openpyxl
    check_zip(path)
    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # zip or XML errors of all kinds
        raise ReadError("imp.err.xlsx", detail=str(exc)[:200]) from exc
    try:
        return list(wb.sheetnames)
    finally:
        wb.close()
