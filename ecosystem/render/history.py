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
