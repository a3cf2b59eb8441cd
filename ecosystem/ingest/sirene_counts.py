"""Every establishment of a ``StockEtablissement`` file counted per commune: the
denominator of the share of ESS establishments, never loaded as actors.

Observatories (the CRESS, the ESS observatory network) compute the share of ESS
establishments against INSEE's full establishment counts per territory. Loading every
establishment as an actor (``sirene --ess all``) would make non-ESS companies count in
every actor indicator; :func:`count` instead streams the file with DuckDB (the reader of
:mod:`ecosystem.ingest.sirene`, CSV or Parquet, nothing of the file in Python) into
per-commune counts:

* ``active``: establishments with ``etatAdministratifEtablissement = 'A'``;
* ``employing``: active ones whose ``trancheEffectifsEtablissement`` is set and is neither
  ``NN`` (no employee in the year) nor ``00`` (none at the end of the year).

Commune codes are resolved like the rest of the app
(:meth:`ecosystem.geo.Geography.resolve_commune`): municipal arrondissements of Paris,
Lyon and Marseille to their commune, former codes (communes nouvelles, déléguées,
associées) to the current one. Left out, and said: closed establishments, active ones
without a commune code (abroad), active ones whose code resolves to no commune (listed
with how many establishments each). ``rows = active counted + closed + no commune +
unknown`` (:meth:`Counts.balanced`).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from ecosystem.ingest.sirene import SireneError, _q, _reader, streaming_connection

#: the columns read (all three needed)
COLUMNS = ("codeCommuneEtablissement", "etatAdministratifEtablissement",
           "trancheEffectifsEtablissement")


@dataclass
class Counts:
    """Per-commune counts of one file (``communes``: commune_code, active, employing)."""

    file: str
    rows: int = 0
    closed: int = 0
    no_commune: int = 0
    unknown: list[tuple[str, int]] = field(default_factory=list)  # (raw code, active establishments)
    communes: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(
        {"commune_code": pd.Series([], dtype=str), "active": pd.Series([], dtype="int64"),
         "employing": pd.Series([], dtype="int64")}))
    seconds: float = 0.0

    @property
    def active(self) -> int:
        """Active establishments counted in a commune."""
        return int(self.communes.active.sum())

    @property
    def employing(self) -> int:
        return int(self.communes.employing.sum())

    @property
    def n_unknown(self) -> int:
        return sum(n for _, n in self.unknown)

    def balanced(self) -> bool:
        return self.rows == self.active + self.closed + self.no_commune + self.n_unknown


def count(path: str | Path, geo, *, threads: int | None = None,
          memory_limit: str | None = "1GB") -> Counts:
    """Count the establishments of the ``StockEtablissement`` file ``path`` per current
    commune (see the module). Raises :class:`SireneError` (key, file, column or DuckDB's
    first line, which names the line of a bad CSV) for a file that cannot be read."""
    started = time.perf_counter()
    path = Path(path)
    con = streaming_connection(threads, memory_limit)
    try:
        src = _reader(path)
        have = {r[0].lower(): r[0] for r in con.execute(f"DESCRIBE SELECT * FROM {src}").fetchall()}
        for column in COLUMNS:
            if column.lower() not in have:
                raise SireneError("sirene.err.column", file=path.name, column=column)
        code, state, band = (f"upper(trim(CAST({_q(have[c.lower()])} AS VARCHAR)))" for c in COLUMNS)
        active = f"coalesce({state} = 'A', false)"
        raw = con.execute(
            f"SELECT nullif({code}, '') AS code, count(*) AS n, "
            f"count(*) FILTER (WHERE {active}) AS active, "
            f"count(*) FILTER (WHERE {active} AND nullif({band}, '') IS NOT NULL "
            f"AND {band} NOT IN ('NN', '00')) AS employing "
            f"FROM {src} GROUP BY 1").df()
    except duckdb.Error as exc:  # an unreadable file (encoding, ragged lines…): said plainly
        raise SireneError("sirene.err.read", file=path.name,
                          detail=str(exc).splitlines()[0][:300]) from exc
    finally:
        con.close()
    out = Counts(path.name, rows=int(raw.n.sum()), closed=int((raw.n - raw.active).sum()))
    raw = raw[raw.active > 0]
    coded = raw[raw.code.notna()]
    out.no_commune = int(raw.active[raw.code.isna()].sum())
    resolved = [geo.resolve_commune(c)[0] for c in coded.code]
    coded = coded.assign(commune_code=resolved)
    lost = coded[coded.commune_code.isna()].sort_values(["active", "code"], ascending=[False, True])
    out.unknown = [(str(c), int(n)) for c, n in zip(lost.code, lost.active)]
    kept = coded[coded.commune_code.notna()]
    out.communes = (kept.groupby("commune_code", as_index=False)[["active", "employing"]].sum()
                    .astype({"active": "int64", "employing": "int64"})
                    .sort_values("commune_code", ignore_index=True))
    out.seconds = time.perf_counter() - started
    return out


def describe(counts: Counts, lang: str = "fr", shown: int = 10) -> list[str]:
    """What was counted and what was left out, in ``lang`` (the CLI and the page say the
    same): the totals, the left-out establishments, the first ``shown`` unknown codes.
    Plain text: the caller escapes it for its medium (:mod:`ecosystem.render.safe`)."""
    from ecosystem.i18n import t
    from ecosystem.numbers import fmt_number as n

    lines = [t("counts.summary", lang, file=counts.file, rows=n(counts.rows, lang),
               active=n(counts.active, lang), communes=n(len(counts.communes), lang),
               employing=n(counts.employing, lang), seconds=n(counts.seconds, lang, 1)),
             t("counts.left_out", lang, closed=n(counts.closed, lang),
               no_commune=n(counts.no_commune, lang), unknown=n(counts.n_unknown, lang),
               codes=n(len(counts.unknown), lang))]
    lines += [t("counts.unknown_code", lang, code=code, n=n(k, lang))
              for code, k in counts.unknown[:shown]]
    if len(counts.unknown) > shown:
        lines.append(t("counts.more_codes", lang, n=n(len(counts.unknown) - shown, lang)))
    return lines
