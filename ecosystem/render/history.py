"""A card's history as its reader reads it: the table the Historique tab shows and
its CSV / XLSX downloads give (the same frame; the files neutralise formulas through
:mod:`ecosystem.render.exports`, i.e. ``safe.cell``).

One row per logged change, newest first: when (and, for a project, the date the
change took effect), who, the field (its label; a record created or removed says
so), before and after read by :func:`ecosystem.editing.history.labelled` (labels,
yes / no, numbers and amounts in the locale, a removed record as its fields), the
origin (an import with its file), and which link of the record it is.
"""

from __future__ import annotations

import pandas as pd

from ecosystem import numbers
from ecosystem.editing.history import field_label, labelled
from ecosystem.i18n import t


def origin_text(row, lang: str) -> str:
    """Where a change comes from: edit, import (with its file), merge, contribution, revert."""
    text = t(f"edit.origin.{row.origin}", lang)
    return f"{text} ({row.file_name})" if row.origin == "import" and row.file_name else text


def _link(row, kind: str, lang: str) -> str:
    if row.tbl == kind:
        return ""
    return t(f"links.kind.{row.tbl}", lang) + " (" + str(row.record_id).replace(chr(31), " / ") + ")"


def table(rows: pd.DataFrame, lang: str, kind: str, cut: int | None = None) -> pd.DataFrame:
    """The reader's table of ``rows`` (``editing.history`` / ``link_history`` rows, with
    ``tbl``) of a ``kind`` card, headers in ``lang``; ``cut``: at most that many
    characters of a value before (a removed record's fields can be long)."""
    shown = labelled(rows, lang)
    before = shown.old_value.fillna("") if len(shown) else pd.Series([], dtype=object)
    if cut is not None:
        before = before.map(lambda v: v[:cut])
    return pd.DataFrame({
        t("edit.col.when", lang): [numbers.moment(v, lang) for v in rows.saved_at],
        **({t("project.col.effective", lang): [numbers.date(v, lang) for v in rows.effective]}
           if kind == "projects" else {}),  # the date a stage change took effect
        t("edit.col.who", lang): rows.user_label.fillna("").tolist(),
        t("edit.col.field", lang): [field_label(f, lang) if f else t(f"edit.op.{op}", lang)
                                    for f, op in zip(rows.field, rows.op)],
        t("edit.col.before", lang): before.tolist(),
        t("edit.col.after", lang): shown.new_value.fillna("").tolist() if len(shown) else [],
        t("edit.col.origin", lang): [origin_text(r, lang) for r in rows.itertuples()],
        t("links.col.record", lang): [_link(r, kind, lang) for r in rows.itertuples()]})


#: the card a record of each table opens on: (page, the key part naming its record)
CARDS = {"actors": ("actor", 0), "projects": ("project", 0), "partners": ("actor", 1),
         "memberships": ("actor", 0), "partnerships": ("actor", 0), "scores": ("project", 0)}


def card(tbl: str | None, record_id: str | None) -> tuple[str, str] | None:
    """(``actor`` or ``project``, its id): the card where a logged record's history is
    read (a link's card is its actor's; a funding has none)."""
    if tbl not in CARDS or not isinstance(record_id, str):
        return None
    kind, part = CARDS[tbl]
    parts = record_id.split(chr(31))
    return (kind, parts[part]) if part < len(parts) else None


def journal(sets: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The inventory's change sets (``editing.change_sets``) as the Journal shows and
    downloads them: when, who, origin (an import with its file), the tables touched,
    how many records and rows, the change set's id (to undo it from the command line)."""
    return pd.DataFrame({
        t("edit.col.when", lang): [numbers.moment(v, lang) for v in sets.saved_at],
        t("edit.col.who", lang): sets.user_label.fillna("").tolist(),
        t("edit.col.origin", lang): [origin_text(r, lang) for r in sets.itertuples()],
        t("journal.col.tables", lang): [", ".join(t(f"table.{n}", lang) for n in str(v).split(","))
                                        for v in sets.tables],
        t("journal.col.records", lang): [int(n) for n in sets.n_records],  # raw: downloads too
        t("hist.cli.col.change_set", lang): sets.change_set.tolist()})
