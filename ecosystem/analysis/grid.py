"""Characterisation grid: criteria, groups and the ordinal scale, from a JSON file.

The default grid (``data/grids/default.json``) is built from what the project's
sources give (core and complementary criteria); users may load their own file
of the same shape. Scores are stored per project and criterion; a missing
score (NULL) means "not assessed".
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from ecosystem.analysis.view import View

from ecosystem import ROOT
DEFAULT_GRID = ROOT / "data" / "grids" / "default.json"
GROUPS = ("core", "complementary")


class GridError(ValueError):
    """The grid file is not usable; the message says what is wrong and where."""


@dataclass(frozen=True)
class Criterion:
    id: str
    group: str
    label_fr: str
    label_en: str
    help_fr: str = ""
    help_en: str = ""

    def label(self, lang: str = "fr") -> str:
        return self.label_en if lang == "en" else self.label_fr

    def help(self, lang: str = "fr") -> str:
        return self.help_en if lang == "en" else self.help_fr


@dataclass(frozen=True)
class Grid:
    id: str
    label_fr: str
    label_en: str
    criteria: tuple[Criterion, ...]
    scale: tuple[tuple[int, str, str], ...]
    not_assessed_fr: str = "Non évalué"
    not_assessed_en: str = "Not assessed"
    note_fr: str = ""
    note_en: str = ""

    @property
    def ids(self) -> list[str]:
        return [c.id for c in self.criteria]

    @property
    def min_score(self) -> int:
        return min(v for v, _, _ in self.scale)

    @property
    def max_score(self) -> int:
        return max(v for v, _, _ in self.scale)

    def criterion(self, cid: str) -> Criterion:
        return next(c for c in self.criteria if c.id == cid)

    def label(self, lang: str = "fr") -> str:
        return self.label_en if lang == "en" else self.label_fr

    def scale_label(self, value, lang: str = "fr") -> str:
        if value is None or value != value:
            return self.not_assessed_en if lang == "en" else self.not_assessed_fr
        for v, fr, en in self.scale:
            if v == int(value):
                return en if lang == "en" else fr
        return str(value)


#: code of the row of projects without a territory (no known commune) in a pivot
NO_TERRITORY = "—"


def score_pivot(roll, grid: Grid, names: dict, lang: str, name_column: str,
                none_name: str | None = None):
    """Territories or domains (rows, by ``code``) × the grid's criteria (columns, in the
    grid's order, by their label in ``lang``): the mean scores of a roll-up
    (``code``, ``criterion_id``, ``mean_score``); first column ``name_column`` from
    ``names`` (the code when missing). Projects without a territory (a null code) are
    the last row, code :data:`NO_TERRITORY`, named ``none_name``. Criteria of other
    grids are left out; empty when none is left."""
    import pandas as pd

    labels = {c.id: c.label(lang) for c in grid.criteria}
    roll = roll[roll.criterion_id.isin(labels)]
    if roll.empty:
        return pd.DataFrame()
    if roll.code.isna().any():
        roll = roll.assign(code=roll.code.astype(object).where(roll.code.notna(), NO_TERRITORY))
        names = {**names, NO_TERRITORY: none_name or NO_TERRITORY}
    p = roll.pivot_table(index="code", columns="criterion_id", values="mean_score",
                         aggfunc="first", dropna=False)
    p = p.reindex(columns=[c for c in grid.ids if c in p.columns])
    if NO_TERRITORY in p.index:  # last, after the territories
        p = p.reindex([c for c in p.index if c != NO_TERRITORY] + [NO_TERRITORY])
    p.columns = [labels[c] for c in p.columns]
    p.insert(0, name_column, [names.get(c, c) for c in p.index])
    return p


def parse_grid(raw: dict) -> Grid:
    """Build a :class:`Grid` from a decoded JSON object, with precise errors."""
    if not isinstance(raw, dict):
        raise GridError("the grid must be a JSON object")
    for key in ("id", "criteria", "scale"):
        if key not in raw:
            raise GridError(f"missing key '{key}'")
    criteria = []
    seen = set()
    for i, item in enumerate(raw["criteria"], start=1):
        for key in ("id", "group", "label_fr", "label_en"):
            if not isinstance(item, dict) or not str(item.get(key, "")).strip():
                raise GridError(f"criterion {i}: missing '{key}'")
        if item["group"] not in GROUPS:
            raise GridError(f"criterion {i} ({item['id']}): group must be one of {GROUPS}")
        if item["id"] in seen:
            raise GridError(f"criterion {i}: duplicate id '{item['id']}'")
        seen.add(item["id"])
        criteria.append(Criterion(str(item["id"]), item["group"], str(item["label_fr"]),
                                  str(item["label_en"]), str(item.get("help_fr", "")),
                                  str(item.get("help_en", ""))))
    if not criteria:
        raise GridError("the grid has no criterion")
    scale = []
    for i, step in enumerate(raw["scale"], start=1):
        try:
            scale.append((int(step["value"]), str(step["label_fr"]), str(step["label_en"])))
        except (KeyError, TypeError, ValueError) as exc:
            raise GridError(f"scale step {i}: needs an integer 'value', 'label_fr' and 'label_en'") from exc
    if len(scale) < 2 or len({v for v, _, _ in scale}) != len(scale):
        raise GridError("the scale needs at least two distinct values")
    if min(v for v, _, _ in scale) < 0 or max(v for v, _, _ in scale) > 9:
        raise GridError("scale values must lie between 0 and 9")
    return Grid(str(raw["id"]), str(raw.get("label_fr", raw["id"])), str(raw.get("label_en", raw["id"])),
                tuple(criteria), tuple(sorted(scale)),
                str(raw.get("not_assessed_fr", "Non évalué")),
                str(raw.get("not_assessed_en", "Not assessed")),
                str(raw.get("note_fr", "")), str(raw.get("note_en", "")))


def load_grid(source: str | Path | bytes | None = None) -> Grid:
    """Load a grid from a path or raw JSON bytes (default grid when None)."""
    if source is None:
        source = DEFAULT_GRID
    try:
        if isinstance(source, (bytes, bytearray)):
            raw = json.loads(source.decode("utf-8-sig"))
        else:
            raw = json.loads(Path(source).read_text(encoding="utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise GridError(f"not a JSON file: {exc}") from exc
    return parse_grid(raw)


def project_scores(view: View, grid: Grid, limit: int = 1000):
    """Scores of the filtered projects, one row per project and one column per
    criterion of ``grid`` (NaN: not assessed, whether the score is empty or
    missing), with ``n_scored`` and ``mean_score`` over this grid's criteria.
    Assessed projects first, then by title; at most ``limit`` rows (a list of
    records: refused on an aggregates-only view unless ``limit`` is 0)."""
    from ecosystem import access

    if limit:
        access.require_records(view)
    store, ref = view.store, view.ref
    sc = ref.table("scores")
    ids = grid.ids
    pivot = ", ".join(f"max(s.score) FILTER (WHERE s.criterion_id = ?) AS \"c_{i}\""
                      for i, _ in enumerate(ids))
    body = f"""
        SELECT p.project_id, p.title, p.stage, p.commune_code, {pivot}
        FROM fp p LEFT JOIN {sc} s ON s.project_id = p.project_id
        GROUP BY ALL"""
    sql = view.sql(body)
    # the CTEs' parameters come first in the text, then the pivot's criteria
    df = store.query(sql.text, sql.params + ids)
    df = df.rename(columns={f"c_{k}": i for k, i in enumerate(ids)})
    df[ids] = scores = df[ids].astype(float)
    df["n_scored"] = scores.notna().sum(axis=1)
    df["mean_score"] = scores.mean(axis=1)
    return df.sort_values(["n_scored", "title"], ascending=[False, True]).head(limit) \
        .reset_index(drop=True)
