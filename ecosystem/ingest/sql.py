"""Quoting for SQL built from file contents: identifiers and string literals.

Column names and values come from users' files; they only ever reach SQL
through these two functions (or as bound parameters / registered tables).
"""

from __future__ import annotations


def ident(name: str) -> str:
    """A quoted identifier: inner double quotes are doubled."""
    text = str(name)
    if "\x00" in text:
        raise ValueError("NUL character in an identifier")
    return '"' + text.replace('"', '""') + '"'


def lit(value) -> str:
    """A SQL string literal (or NULL)."""
    if value is None:
        return "NULL"
    text = str(value)
    if "\x00" in text:
        raise ValueError("NUL character in a literal")
    return "'" + text.replace("'", "''") + "'"


def lit_list(values) -> str:
    return "[" + ", ".join(lit(v) for v in values) + "]"
