"""Quoting for SQL built from file contents: identifiers and string literals.

Column names and values come from users' files; they only ever reach SQL
through these two functions (or as bound parameters / registered tables).
"""

from __future__ import annotations

from ecosystem.render import safe


def ident(name: str) -> str:
    """A quoted identifier: inner double quotes are doubled."""
    text = str(name)
    if "\x00" in text:
        raise ValueError("NUL character in an identifier")
    return '"' + text.replace('"', '""') + '"'


def lit(value) -> str:
    """A SQL string literal (or NULL), by :func:`ecosystem.render.safe.sql_literal`;
    a NUL character is refused here rather than dropped."""
    if value is not None and "\x00" in str(value):
        raise ValueError("NUL character in a literal")
    return safe.sql_literal(None if value is None else str(value))


def lit_list(values) -> str:
    return "[" + ", ".join(lit(v) for v in values) + "]"
