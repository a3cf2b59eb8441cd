"""One way out for every user string.

Each function takes any value (``None`` and NaN become empty text) and returns text
that is *inert* in one output kind: it shows as the characters it holds and can
never become markup, a link, an image, a script, a formula or a console style.

=================  =====================================================
output             function
=================  =====================================================
HTML text / attr   :func:`html` (quotes escaped: safe in attributes too)
HTML templates     :func:`html_templates` (Jinja2, autoescape through :func:`html`)
JSON in <script>   :func:`script_json` (``<`` ``>`` ``&`` U+2028/2029 as ``\\u`` escapes)
Markdown           :func:`markdown` (Streamlit: no emphasis, link, image, HTML, autolink)
Plotly labels      :func:`plotly` (Plotly's HTML subset shown as text)
SQL literal        :func:`sql_literal` (only where a parameter cannot be bound)
CSV / XLSX cell    :func:`cell` (no formula; control characters removed)
Rich console       :func:`console` (no ``[style]`` markup)
Log line (logfmt)  :func:`log_value` (one line: breaks, controls escaped)
=================  =====================================================

A test (``tests/test_safe.py``) checks that no other module defines an escaping
helper or calls ``html.escape`` / ``rich.markup.escape`` directly.
"""

from __future__ import annotations

import html as _html
import json
import math
import re
from typing import TYPE_CHECKING

from rich.markup import escape as _rich_escape

if TYPE_CHECKING:  # pragma: no cover
    import jinja2

__all__ = ["text", "html", "html_templates", "script_json", "markdown", "plotly", "sql_literal", "cell",
           "console", "log_value", "FORMULA_START", "BREAK_START", "CONTROL_RANGES", "SPACE_RANGES",
           "char_class", "strip_controls"]


def text(value) -> str:
    """Any value as text: ``None``, NaN and pandas' missing values are empty."""
    if value is None:
        return ""
    if isinstance(value, float) and math.isnan(value):
        return ""
    try:
        import pandas as pd
        if value is pd.NA or value is pd.NaT:
            return ""
    except ImportError:  # pragma: no cover
        pass
    return str(value)


# ------------------------------------------------------------------- CSS
def css_string(value) -> str:
    """A CSS string literal (``content: ...``): letters, digits and spaces as they are,
    every other character as a CSS hex escape (no quote, backslash or ``</style>``
    can end the string or the style element)."""
    return '"' + "".join(c if c.isalnum() or c == " " else f"\\{ord(c):x} "
                         for c in text(value)) + '"'


# ------------------------------------------------------------------ HTML
def html(value) -> str:
    """HTML text or attribute value (``& < > " '`` escaped)."""
    return _html.escape(text(value), quote=True)


def _finalize(value):
    from markupsafe import Markup
    return value if isinstance(value, Markup) else Markup(html(value))


def html_templates(directory) -> jinja2.Environment:
    """A Jinja2 environment for the HTML templates in ``directory``: autoescape on,
    and every ``{{ value }}`` is escaped by :func:`html` (one rule for the whole
    program; macros' output is kept as markup). Undefined names raise."""
    import jinja2
    return jinja2.Environment(loader=jinja2.FileSystemLoader(str(directory)), autoescape=True,
                              finalize=_finalize, undefined=jinja2.StrictUndefined,
                              keep_trailing_newline=False)


# ------------------------------------------------------------------ JSON in <script>
_SCRIPT = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026",
                         "\u2028": "\\u2028", "\u2029": "\\u2029"})


def script_json(data) -> str:
    """JSON to embed inside ``<script>`` (read as a JS literal or by ``JSON.parse``):
    compact, and no ``</script>``, ``<!--`` or line separator can appear in it."""
    dumped = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return dumped.translate(_SCRIPT)


# ------------------------------------------------------------------ Markdown
# characters that make inline Markdown anywhere in a line: code, emphasis, links and
# images, HTML and angle autolinks, entities, strikethrough, LaTeX, Streamlit's
# ``:colour[…]`` / ``:emoji:`` / ``:material/…:`` directives, tables, headings' ``#``
# (``(``, ``)``, ``.`` and ``-`` are harmless once ``[``, ``]`` are escaped, and stay
# readable in the Markdown source)
_MD_SPECIAL = str.maketrans({c: "\\" + c for c in "\\`*_[]<>#~$&:|!"})
# characters that start a block only at the start of a line (list, setext
# underline, ordered list "1." / "1)"): escaped when the value starts with them
_MD_BLOCK = re.compile(r"^(\s*)(?:([-+=])|(\d+)([.)]))")
# GFM autolinks bare "www." and "scheme:" and e-mail addresses even when their
# punctuation is escaped: a word joiner (U+2060, invisible) breaks the pattern.
_AUTOLINK = re.compile(r"(?i)(w)(ww\.)|(@)|(\w)(\\:)")
_WJ = "\u2060"


def _block(m: re.Match) -> str:
    return m.group(1) + ("\\" + m.group(2) if m.group(2) else m.group(3) + "\\" + m.group(4))


def markdown(value) -> str:
    """User text inside Markdown (``st.markdown``, ``st.title``, labels, captions):
    every character that makes inline Markdown or HTML escaped, a block marker at
    the start escaped, autolinks broken, line breaks kept as spaces (a newline
    could start a heading or a list)."""
    out = " ".join(text(value).splitlines()).translate(_MD_SPECIAL)
    out = _MD_BLOCK.sub(_block, out, count=1)
    return _AUTOLINK.sub(lambda m: (m.group(1) + _WJ + m.group(2)) if m.group(1)
                         else (_WJ + "@" + _WJ) if m.group(3)
                         else (m.group(4) + _WJ + m.group(5)), out)


# ------------------------------------------------------------------ Plotly
def plotly(value) -> str:
    """A Plotly label (axis category, legend, hover, annotation): Plotly reads a
    subset of HTML in them (``<a href>``, ``<b>``, ``<br>``), so ``<``/``>``/``&``
    are given as entities, which Plotly shows as the characters."""
    return text(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# ------------------------------------------------------------------ SQL
def sql_literal(value) -> str:
    """A SQL string literal (``'O''Neil'``); ``None`` is ``NULL``. Bind parameters
    wherever the driver allows it; this is for DDL and generated views."""
    if value is None:
        return "NULL"
    return "'" + str(value).replace("'", "''").replace("\x00", "") + "'"


# ------------------------------------------------------------------ spreadsheets
#: a cell starting with one of these (after leading spaces and control characters)
#: is run as a formula by Excel / LibreOffice / Google Sheets. Full-width ``＝＋－＠``
#: are included: LibreOffice and Sheets normalise them to ASCII on input.
FORMULA_START = ("=", "+", "-", "@", "\uff1d", "\uff0b", "\uff0d", "\uff20")
#: a cell whose very first character is one of these is also made inert (OWASP:
#: a leading tab or line break can carry a formula into the next cell or line)
BREAK_START = ("\t", "\r", "\n")
# Character classes as code-point ranges, so the Python and SQL (RE2) rules are one:
#: removed from cells: C0 controls but tab/LF/CR, DEL, zero-width spaces, joiners
#: and marks (U+200B–U+200F), word joiner, BOM
CONTROL_RANGES = ((0x00, 0x08), (0x0B, 0x0C), (0x0E, 0x1F), (0x7F, 0x7F), (0x200B, 0x200F),
                  (0x2060, 0x2060), (0xFEFF, 0xFEFF))
#: trimmed before looking for a formula start: what Python's ``\s`` matches
SPACE_RANGES = ((0x09, 0x0D), (0x1C, 0x20), (0x85, 0x85), (0xA0, 0xA0), (0x1680, 0x1680),
                (0x2000, 0x200A), (0x2028, 0x2029), (0x202F, 0x202F), (0x205F, 0x205F),
                (0x3000, 0x3000))


def char_class(ranges, code=lambda c: "\\x{%x}" % c) -> str:
    """A regular-expression character class of code-point ranges (``code`` writes
    one code point: ``\\x{..}`` for RE2 / DuckDB, ``\\U........`` for Python)."""
    return "[" + "".join(code(a) if a == b else f"{code(a)}-{code(b)}" for a, b in ranges) + "]"


def _py(c: int) -> str:
    return "\\U%08x" % c


_CONTROLS = re.compile(char_class(CONTROL_RANGES, _py))
_LEADING = re.compile("^" + char_class(CONTROL_RANGES + SPACE_RANGES, _py) + "+")
#: the same class for RE2 (DuckDB's ``regexp_replace``): the import strips them in SQL
CONTROLS_RE2 = char_class(CONTROL_RANGES)


def strip_controls(value: str) -> str:
    """Text without NUL and other control characters (tab, CR and LF kept) nor
    zero-width characters."""
    return _CONTROLS.sub("", value)


def cell(value):
    """A CSV / XLSX cell value: text without control or zero-width characters and,
    when it starts with a tab or line break, or would start a formula once leading
    blanks are trimmed (``" =1"``, ``"＝1"``, ``"\\u200b=1"``), prefixed by ``'``.
    Numbers, dates and missing values are returned unchanged. The SQL twin used by
    exports DuckDB writes is ``ecosystem.render.exports.safe_sql`` (tested to agree)."""
    if not isinstance(value, str):
        return value
    out = strip_controls(value)
    if out.startswith(BREAK_START) or _LEADING.sub("", out).startswith(FORMULA_START):
        return "'" + out
    return out


# ------------------------------------------------------------------ console
def console(value) -> str:
    """Text for a Rich console (``[red]`` and ``[link=…]`` shown, not applied) and
    without terminal control sequences."""
    return _rich_escape(_CONTROLS.sub("", text(value)).replace("\x1b", ""))


# ------------------------------------------------------------------ log lines
#: characters a log value shows as escapes: quotes and backslashes (logfmt), C0 and C1
#: controls (line breaks, ESC), line and paragraph separators, zero-width characters
_LOG_ESCAPE = re.compile("[\"\\\\\x00-\x1f\x7f-\x9f\u2028\u2029\u200b-\u200f\u2060\ufeff]")
_LOG_NAMED = {"\"": "\\\"", "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t"}
_LOG_BARE = re.compile(r"[^\s=\"\\]+")


def log_value(value) -> str:
    """A value of a structured log line (logfmt ``key=value``): as it is when it is one
    word, else double-quoted with quotes, backslashes, line breaks, control and
    zero-width characters escaped (``\\n``, ``\\u001b``), so a user's text stays
    on its line and cannot forge a field or colour a terminal."""
    out = text(value)
    if out and _LOG_BARE.fullmatch(out) and not _LOG_ESCAPE.search(out):
        return out
    escaped = _LOG_ESCAPE.sub(lambda m: _LOG_NAMED.get(m.group(), "\\u%04x" % ord(m.group())), out)
    return '"' + escaped + '"'
