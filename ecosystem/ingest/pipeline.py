"""The import pipeline, stage by stage, on one DuckDB connection per import.

::

    imp = Import(path, geo=geo, store=store)     # sniff: kind, encoding, dialect
    imp.read(sheet=None)                         # raw table(s), format recognised, mapping
    imp.analyse(inventory="Mon inventaire")      # normalise, geocode, check, find duplicates
    imp.prepare()                                # apply merge/keep decisions: what would be saved
    imp.commit(store, "Mon inventaire")          # one transaction in the store

Nothing is written to the store before :meth:`Import.commit`, which saves
every table of the import in one transaction (a failure leaves the inventory
as it was). Each *part* is one table of the model read from the file: a CSV,
JSON or Parquet file is one part; an XLSX workbook of our own export gives a
part per recognised sheet.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import queue
import shutil
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pandas as pd
import pyarrow as pa

from ecosystem import model
from ecosystem.geo import Geography
from ecosystem.storage import changelog
from ecosystem.ingest import checks, dedup, geocode, mapping as mp, normalise, readers, recognise, scdl, sirene, sniff
from ecosystem.ingest.sql import ident, lit

Progress = Callable[[str, float], None]
#: order in which parts are prepared and saved (referenced tables first)
TABLE_ORDER = ("actors", "projects", "partners", "fundings", "memberships", "partnerships", "scores")
CHUNK = 250_000


class ImportError_(Exception):
    """A user-facing import problem: ``key`` is an i18n key, ``params`` its placeholders."""

    def __init__(self, key: str, lines: list[dict] | None = None, **params):
        super().__init__(f"{key} {params}")
        self.key = key
        self.params = params
        self.lines = lines or []


class NotRecognised(ImportError_):
    """A sheet skipped by ``run_import(known_only=True)``: no recognised format, no saved
    mapping for its columns, and the mapping given does not fit it."""


@dataclass
class Part:
    index: int
    raw: readers.Raw
    recognition: recognise.Recognition | None
    mapping: mp.Mapping
    saved: str | None = None            # name of the saved mapping applied
    #: how the mapping was chosen: ``recognised`` (a known format), ``saved`` (a saved
    #: mapping whose columns match, applied automatically), ``given`` (a saved mapping
    #: named by the user: --mapping, or picked on the page), ``manual`` (edited in the
    #: wizard), ``auto`` (automatic column matching)
    origin: str = "auto"
    hows: dict[str, str] = field(default_factory=dict)
    geo: geocode.GeoReport | None = None
    checks: list = field(default_factory=list)
    analysed: bool = False
    counts: dict[str, int] = field(default_factory=dict)

    def tbl(self, stage: str) -> str:
        return f"p{self.index}_{stage}"

    @property
    def table(self) -> str:
        return self.mapping.table

    @property
    def format(self) -> str:
        return self.recognition.format if self.recognition else "custom"


def _noop(stage: str, fraction: float) -> None:
    pass


class Import:
    def __init__(self, path: str | Path, name: str | None = None, *, geo: Geography,
                 store=None, workdir: str | Path | None = None, progress: Progress | None = None,
                 threads: int | None = None):
        self.geo = geo
        self.store = store
        self.progress = progress or _noop
        self.workdir = Path(tempfile.mkdtemp(prefix="import-", dir=workdir))
        self.con = normalise.connect(threads)
        self.con.execute(f"SET temp_directory = {lit(str(self.workdir))}")
        self.timings: dict[str, float] = {}
        #: CPU seconds per stage, every thread of the process (DuckDB's included)
        self.cpu_timings: dict[str, float] = {}
        self.parts: list[Part] = []
        self.inventory: str | None = None
        self.prepared = False
        self.only_active = False
        self.overwrite = False
        #: continuation rows of hand-made spreadsheets: "exclude" (listed) or "fold"
        self.continuation = checks.CONTINUATION_MODES[0]
        self.geometry = "refuse"    # GeoJSON features that are not points (readers.point_features)
        #: linking reviews of the actors parts, by part index (run_import's ``links``)
        self.link_reviews: dict = {}
        started, cpu0 = time.perf_counter(), time.process_time()
        self.progress("sniff", 0.0)
        try:
            self.info = sniff.sniff(path, name, con=self.con, workdir=self.workdir)
        except sniff.SniffError as exc:
            self.close()
            raise ImportError_(exc.key, **exc.params) from exc
        except BaseException:
            self.close()
            raise
        self.file_hash = _file_hash(Path(path))
        self.path = Path(path)
        self.timings["sniff"] = time.perf_counter() - started
        self.cpu_timings["sniff"] = time.process_time() - cpu0

    # ------------------------------------------------------------------ read
    def read(self, sheet: str | None = None, all_sheets: bool = False,
             geometry: str | None = None) -> list[Part]:
        """Read the file (one sheet, or every recognised sheet of a workbook).
        ``geometry``: ``point-on-surface`` imports GeoJSON features that are not points
        at their representative point (refused by default; kept for later reads)."""
        if geometry is not None:
            self.geometry = geometry
        started, cpu0 = time.perf_counter(), time.process_time()
        self.progress("read", 0.0)
        self._drop_parts()
        sheets = [sheet]
        if self.info.kind == "xlsx" and all_sheets:
            sheets = self.info.sheets
        for s in sheets:
            index = len(self.parts)
            try:
                raw = readers.read(self.con, self.info, f"p{index}_raw", s, geometry=self.geometry)
            except sniff.SniffError as exc:
                if all_sheets and len(sheets) > 1:
                    continue
                key, params = exc.key, dict(exc.params)
                if key == "imp.err.sheet":  # say which sheets there are
                    key, params["sheets"] = "imp.err.sheet_missing", ", ".join(
                        f"“{n}”" for n in self.info.sheets)
                raise ImportError_(key, lines=getattr(exc, "lines", None), **params) from exc
            rec = recognise.recognise(raw.columns, self.info.name)
            if rec is not None and rec.format == "scdl":  # one file, three parts (ingest/scdl.py)
                for derived, mapping in scdl.expand(self.con, raw, index):
                    self.parts.append(Part(len(self.parts), derived, rec, mapping, origin="recognised"))
                continue
            if all_sheets and len(sheets) > 1 and (rec is None or rec.format != "own"):
                self.con.execute(f"DROP TABLE IF EXISTS {ident(raw.table)}")
                continue
            part = Part(index, raw, rec, rec.mapping if rec else self._default_mapping(raw),
                        origin="recognised" if rec else "auto")
            if rec is None and self.store is not None:
                saved = mp.SavedMappings(self.store).for_columns(raw.columns)
                if saved:
                    part.saved, part.mapping = saved[0], self._adopt(saved[1], raw)
                    part.origin = "saved"
            self.parts.append(part)
        if not self.parts:
            raise ImportError_("imp.err.no_table")
        self.parts.sort(key=lambda p: TABLE_ORDER.index(p.table))
        self.timings["read"] = time.perf_counter() - started
        self.cpu_timings["read"] = time.process_time() - cpu0
        self.progress("read", 1.0)
        return self.parts

    def sheet_rows(self) -> dict[str, int]:
        """Rows of each sheet of a workbook (its recorded dimension; counted when the
        writer left none), for a sheet picker; empty for other files."""
        if self.info.kind != "xlsx":
            return {}
        import openpyxl

        readers.check_zip(self.info.path)
        wb = openpyxl.load_workbook(self.info.path, read_only=True, data_only=True)
        try:
            out = {}
            for name in wb.sheetnames:
                ws = wb[name]
                n = getattr(ws, "max_row", None)
                if not n or n <= 1:
                    n = sum(1 for r in ws.iter_rows(values_only=True)
                            if any(v is not None and str(v).strip() for v in r))
                out[name] = int(n)
            return out
        finally:
            wb.close()

    def _slug(self) -> str:
        stem = Path(self.info.name).stem.lower()
        return "".join(ch if ch.isalnum() else "-" for ch in stem).strip("-")[:24] or "import"

    def _default_mapping(self, raw: readers.Raw, table: str = "actors") -> mp.Mapping:
        slug = self._slug()
        mapping = mp.auto_mapping(table, raw.columns, source=f"import:{slug}",
                                  id_prefix=f"{slug}-{self.file_hash[:6]}-")
        city = mapping.rules.get("city")
        if city is not None and len(city.columns) == 1 and "commune_code" not in mapping.rules:
            values = [v for v, in self.con.execute(
                f"SELECT DISTINCT CAST({ident(city.columns[0])} AS VARCHAR) FROM {ident(raw.table)} "
                "LIMIT 5000").fetchall()]
            mapping = mp.city_as_code(mapping, values,
                                      lambda v: self.geo.resolve_commune(v)[0] is not None)
        return mapping

    def _adopt(self, mapping: mp.Mapping, raw: readers.Raw) -> mp.Mapping:
        """A saved mapping for this file: ids it generates (no id column) are made from
        this file's name and hash, not from the file the mapping was made for (they would
        be taken for that file's records and merged)."""
        key = model.TABLES[mapping.table].key
        rule = mapping.rules.get(key[0]) if len(key) == 1 else None
        if rule is None or rule.how != "id" or rule.columns:
            return mapping
        return dataclasses.replace(mapping, id_prefix=f"{self._slug()}-{self.file_hash[:6]}-")

    def remap(self, index: int, mapping: mp.Mapping, origin: str = "manual",
              name: str | None = None) -> None:
        """Use another mapping for a part (the analysis has to run again). ``origin``:
        ``given`` for a saved mapping named by the user (``name``), ``manual`` for one
        edited in the wizard (see :class:`Part`)."""
        mapping.check()
        part = self._part(index)
        part.mapping = self._adopt(mapping, part.raw) if origin == "given" else mapping
        part.origin = origin
        part.saved = name
        part.analysed = False
        self.prepared = False

    def set_continuation(self, mode: str) -> None:
        """Fold continuation rows into the record above, or exclude them
        (``checks.continuation``); the analysis has to run again."""
        if mode not in checks.CONTINUATION_MODES:
            raise ImportError_("imp.err.continuation_mode", mode=mode,
                               allowed=", ".join(checks.CONTINUATION_MODES))
        if mode != self.continuation:
            self.continuation = mode
            for part in self.parts:
                part.analysed = False
            self.prepared = False

    def continuation_examples(self, index: int = 0, n: int = 5) -> pd.DataFrame:
        """The first continuation rows as written in the file: row, the row above, cells."""
        part = self._part(index)
        cont = f"{part.tbl('chk')}__cont"
        if not self._has(cont):
            return pd.DataFrame(columns=["row", "above"])
        found = self.con.execute(f"SELECT _row, params FROM {ident(cont)} ORDER BY _row "
                                 f"LIMIT {int(n)}").fetchall()
        if not found:
            return pd.DataFrame(columns=["row", "above"])
        rows = ", ".join(str(int(r)) for r, _ in found)
        raw = part.raw
        select = (f"SELECT * FROM {ident(raw.table)}" if raw.row_sql == '"_row"' else
                  f"SELECT {raw.row_sql} AS _row, * FROM {ident(raw.table)}")
        cells = self.con.execute(f"SELECT * FROM ({select}) WHERE _row IN ({rows}) ORDER BY _row").df()
        cells = cells.dropna(axis=1, how="all").drop(columns="_row")
        above = [dict(json.loads(p))["above"] for _, p in found]
        cells.insert(0, "above", above)
        cells.insert(0, "row", [int(r) for r, _ in found])
        return cells

    def default_mapping(self, index: int, table: str) -> mp.Mapping:
        return self._default_mapping(self._part(index).raw, table)

    def _part(self, index: int) -> Part:
        return next(p for p in self.parts if p.index == index)

    def preview(self, index: int = 0, n: int = 10) -> pd.DataFrame:
        part = self._part(index)
        return self.con.execute(f"SELECT * EXCLUDE (_row) FROM (SELECT {part.raw.row_sql} AS _row, * "
                                f"FROM {ident(part.raw.table)}) ORDER BY _row LIMIT {int(n)}").df() \
            if '"_row"' in part.raw.row_sql else \
            self.con.execute(f"SELECT * FROM {ident(part.raw.table)} LIMIT {int(n)}").df()

    def mapped_preview(self, index: int = 0, n: int = 10) -> pd.DataFrame:
        """The first rows as the mapping reads them (normalised and checked, not placed)."""
        part = self._part(index)
        tmp = f"p{part.index}_prev"
        mapping = part.mapping
        missing = mp.missing_required(mapping)
        if missing:  # shown empty (the page says what to map) rather than failing to build
            mapping = dataclasses.replace(mapping, rules={
                **mapping.rules, **{c: mp.Rule(how="constant", constant=None) for c in missing}})
        hows, _ = checks.build(self.con, part.raw.table, part.raw.row_sql, mapping, tmp, limit=n)
        df = self.con.execute(f"SELECT * EXCLUDE (_issues) FROM {tmp} ORDER BY _row").df()
        self._drop_prefix(tmp)
        df = titled_frame(df, [t for t, h in hows.items() if h == "name"])
        keep = ["_row"] + [c for c in model.TABLES[part.table].column_names
                           if c in part.mapping.used() or c in part.mapping.defaults]
        return df[[c for c in keep if c in df.columns]]

    # ------------------------------------------------------------------ analyse
    def analyse(self, inventory: str | None = None) -> None:
        """Normalise, geocode, check and find duplicates (nothing is saved)."""
        if not self.parts:
            self.read()
        self.inventory = inventory
        self._load_inventory(inventory)
        for part in self.parts:
            missing = mp.missing_required(part.mapping)
            if missing:
                raise ImportError_("imp.err.unmapped", columns=", ".join(missing),
                                   table=part.table, found=", ".join(part.raw.columns),
                                   sheet=part.raw.sheet or "")
            self._analyse(part)
        self.prepared = False

    def _analyse(self, part: Part) -> None:
        con = self.con
        raw, row = part.raw.table, part.raw.row_sql
        t0, c0 = time.perf_counter(), time.process_time()
        self.progress("normalise", 0.0)
        geo = "commune_code" in model.TABLES[part.table].column_names and (
            part.table == "actors" or "commune_code" in part.mapping.rules)
        if geo:
            geocode.register_geography(con, self.geo)
        part.hows, part.checks = checks.build(con, raw, row, part.mapping, part.tbl("chk"), geo=geo)
        part.counts["from_unit"] = sirene.from_units(self, part)  # establishments after their units
        n_cont = checks.continuation(con, part.tbl("chk"), part.mapping, part.hows, self.continuation)
        part.counts["continuation"] = n_cont
        part.counts["folded"] = n_cont if self.continuation == "fold" else 0
        t1, c1 = time.perf_counter(), time.process_time()
        self.progress("geocode", 0.0)
        if geo:
            geocode.place_others(con, self.geo, part.tbl("chk"), part.tbl("place"), part.hows,
                                 part.mapping.crs)
            part.geo = geocode.report(con, part.tbl("chk"), part.tbl("place"))
        t2, c2 = time.perf_counter(), time.process_time()
        self.progress("validate", 0.0)
        checks.issues(con, raw, row, part.mapping, part.tbl("chk"), part.checks, part.tbl("issues"))
        t3, c3 = time.perf_counter(), time.process_time()
        self.progress("dedup", 0.0)
        inv = f"inv_{part.table}" if self._has(f"inv_{part.table}") else None
        dedup.candidates(con, part.table, part.tbl("chk"), inv, part.tbl("pairs"),
                         redundant_keys(part.mapping),
                         establishments=part.format == "sirene" and "siret" in part.hows)
        t4, c4 = time.perf_counter(), time.process_time()
        part.analysed = True
        part.counts["read"] = part.raw.n_rows
        for k, v in (("normalise", t1 - t0), ("geocode", t2 - t1), ("validate", t3 - t2),
                     ("dedup", t4 - t3)):
            self.timings[k] = self.timings.get(k, 0.0) + v
        for k, v in (("normalise", c1 - c0), ("geocode", c2 - c1), ("validate", c3 - c2),
                     ("dedup", c4 - c3)):
            self.cpu_timings[k] = self.cpu_timings.get(k, 0.0) + v

    def _drop_prefix(self, prefix: str) -> None:
        """Drop the tables whose name starts with ``prefix`` (a stage and its lookups)."""
        names = self.con.execute("SELECT table_name, table_type FROM information_schema.tables "
                                 "WHERE starts_with(table_name, ?) ORDER BY table_type = 'VIEW' DESC",
                                 [prefix]).fetchall()
        for name, kind in names:
            self.con.execute(f"DROP {'VIEW' if kind == 'VIEW' else 'TABLE'} IF EXISTS {ident(name)}")

    def _has(self, table: str, views: bool = False) -> bool:
        kinds = "('BASE TABLE', 'LOCAL TEMPORARY', 'VIEW')" if views else "('BASE TABLE', 'LOCAL TEMPORARY')"
        return bool(self.con.execute("SELECT count(*) FROM information_schema.tables "
                                     f"WHERE table_name = ? AND table_type IN {kinds}",
                                     [table]).fetchall()[0][0])

    def _load_inventory(self, name: str | None) -> None:
        """The inventory's keys (and actors' names and places) for dedup and references."""
        for kind in model.TABLES:
            self.con.execute(f"DROP TABLE IF EXISTS inv_{kind}")
        if not name or self.store is None or not self.store.exists(name):
            return
        ref = self.store.ref(name)
        needed = {p.table for p in self.parts}
        needed |= {target for table, _, target, _ in model.REFERENCES if table in needed}
        for kind in needed:
            table = model.TABLES[kind]
            cols = list(table.key)
            if kind == "actors":
                cols += ["name", "commune_code", "siren", "siret", "rna_id", "website"]
            select = ", ".join(ident(c) for c in dict.fromkeys(cols))
            arrow = self.store.arrow(f"SELECT {select} FROM {ref.table(kind)}")
            self.con.register("_inv", arrow)
            self.con.execute(f"CREATE TABLE inv_{kind} AS SELECT * FROM _inv")
            self.con.unregister("_inv")

    # ------------------------------------------------------------------ decisions
    def pairs(self, index: int = 0, limit: int | None = 500) -> pd.DataFrame:
        part = self._part(index)
        inv = f"inv_{part.table}" if self._has(f"inv_{part.table}") else None
        frame = dedup.review(self.con, part.table, part.tbl("chk"), inv, part.tbl("pairs"), limit)
        return titled_frame(frame, ["a_name", "b_name"])

    def decide(self, index: int = 0, merge: dict[int, bool] | None = None, *,
               all_exact: bool | None = None, all_fuzzy: bool | None = None) -> None:
        dedup.set_decisions(self.con, self._part(index).tbl("pairs"), merge, all_exact=all_exact,
                            all_fuzzy=all_fuzzy)
        self.prepared = False

    # ------------------------------------------------------------------ prepare
    def prepare(self, only_active: bool | None = None) -> dict:
        """Apply the decisions: the tables to insert and to update, and the issues that
        depend on them (ids repeated or already taken, references to nothing)."""
        if only_active is not None:
            self.only_active = only_active
        started, cpu0 = time.perf_counter(), time.process_time()
        self.progress("prepare", 0.0)
        con = self.con
        con.execute("CREATE OR REPLACE TABLE id_remap (kind VARCHAR, old_id VARCHAR, new_id VARCHAR)")
        for part in self.parts:
            if not part.analysed:
                self._analyse(part)
            self._prepare(part)
        self.prepared = True
        self.timings["prepare"] = time.perf_counter() - started
        self.cpu_timings["prepare"] = time.process_time() - cpu0
        return self.summary()

    def _prepare(self, part: Part) -> None:
        """Decisions applied with small tables and views over the checked table, so a
        national file is not copied again (``ins`` is a view that the save reads)."""
        con = self.con
        table = model.TABLES[part.table]
        cols = table.column_names
        key = list(table.key)
        chk, pairs = ident(part.tbl("chk")), ident(part.tbl("pairs"))
        out, grp, merged, invm = (ident(part.tbl(x)) for x in ("out", "grp", "merged", "invm"))
        dec, rows = ident(part.tbl("dec")), ident(part.tbl("rows"))
        con.execute(f"CREATE OR REPLACE TABLE {dec} ({checks.ISSUE_COLUMNS})")
        # 1. records excluded by their own values, or filtered out (inactive)
        con.execute(f"""CREATE OR REPLACE TABLE {out} AS
            SELECT DISTINCT _row FROM {ident(part.tbl('issues'))} WHERE action = 'excluded'""")
        filtered = 0
        flt = ident(part.tbl("flt"))
        con.execute(f"CREATE OR REPLACE TABLE {flt} (_row BIGINT)")
        if self.only_active and "active" in part.hows:
            con.execute(f"INSERT INTO {flt} SELECT _row FROM {chk} WHERE active = FALSE "
                        f"AND _row NOT IN (SELECT _row FROM {out})")
            filtered = con.execute(f"INSERT INTO {out} SELECT _row FROM {flt}").fetchall()[0][0]
        # 2. merges inside the file (groups joined to their first record)
        con.register("_groups", dedup.clusters(con, part.tbl("pairs")))
        con.execute(f"""CREATE OR REPLACE TABLE {grp} AS SELECT g._row, g.rep FROM _groups g
            WHERE g._row NOT IN (SELECT _row FROM {out}) AND g.rep NOT IN (SELECT _row FROM {out})""")
        con.unregister("_groups")
        fill = ", ".join(f"arg_min({ident(c)}, c._row) FILTER (WHERE {ident(c)} IS NOT NULL) AS {ident(c)}"
                         for c in cols)
        con.execute(f"""CREATE OR REPLACE TABLE {merged} AS
            SELECT m.rep AS _row, {fill} FROM {chk} c
            JOIN (SELECT _row, rep FROM {grp} UNION SELECT DISTINCT rep, rep FROM {grp}) m ON m._row = c._row
            GROUP BY m.rep""")
        # 3. merges into the inventory: those records update an existing one
        con.execute(f"""CREATE OR REPLACE TABLE {invm} AS
            SELECT a_row AS _row, first(b_id ORDER BY kind, score DESC) AS b_id FROM {pairs}
            WHERE merge AND b_id IS NOT NULL AND a_row NOT IN (SELECT _row FROM {out}) GROUP BY a_row""")
        if len(key) == 1:
            k = ident(key[0])
            con.execute(f"""INSERT INTO id_remap
                SELECT {lit(part.table)}, CAST(c.{k} AS VARCHAR), CAST(r.{k} AS VARCHAR) FROM {grp} g
                JOIN {chk} c ON c._row = g._row JOIN {chk} r ON r._row = g.rep WHERE c.{k} <> r.{k}
                UNION ALL
                SELECT {lit(part.table)}, CAST(c.{k} AS VARCHAR), i.b_id FROM {invm} i
                JOIN {chk} c ON c._row = coalesce((SELECT rep FROM {grp} g WHERE g._row = i._row), i._row)
                WHERE CAST(c.{k} AS VARCHAR) <> i.b_id""")
        # the records kept, references to merged records replaced (a view: no copy)
        skip = " AND ".join(f"_row NOT IN (SELECT _row FROM {t})" for t in (out, grp, invm)
                            if self._count(t))
        if self._count(grp):  # the first record of a group comes back merged
            skip += f" AND _row NOT IN (SELECT rep FROM {grp})"
        base = f"SELECT * FROM {chk}" + (f" WHERE {skip}" if skip else "")
        if self._count(merged):
            base += f" UNION ALL BY NAME SELECT * FROM {merged} WHERE _row NOT IN (SELECT _row FROM {invm})"
        refs = [(c, target) for tbl, c, target, _ in model.REFERENCES if tbl == part.table]
        remaps = self.con.execute("SELECT count(*) FROM id_remap").fetchall()[0][0]
        select = []
        for c in cols:
            expr = f"b.{ident(c)}"
            target = dict(refs).get(c)
            if target and remaps:
                expr = (f"coalesce((SELECT m.new_id FROM id_remap m WHERE m.kind = {lit(target)} "
                        f"AND m.old_id = CAST(b.{ident(c)} AS VARCHAR) LIMIT 1), b.{ident(c)})")
            if part.table == "projects" and c == "commune_code":  # the lead's commune by default
                # the lead as saved: a lead merged into an inventory actor (a SCDL
                # beneficiary matched by its SIRET) is found under that actor's id
                lead = "b.lead_actor_id"
                if remaps:
                    lead = ("coalesce((SELECT m.new_id FROM id_remap m WHERE m.kind = 'actors' "
                            "AND m.old_id = CAST(b.lead_actor_id AS VARCHAR) LIMIT 1), b.lead_actor_id)")
                expr = f"coalesce(b.commune_code, {self._lead_commune_sql(lead)})"
            if part.format == "scdl" and c == "outside_territory":  # ingest/scdl.py
                projects = next(p for p in self.parts if p.format == "scdl" and p.table == "projects")
                expr = scdl.outside_sql(self, "b.project_id", ident(projects.tbl("rows")))
            select.append(f"{expr} AS {ident(c)}")
        con.execute(f"CREATE OR REPLACE VIEW {rows} AS SELECT b._row, {', '.join(select)} FROM ({base}) b")
        upd_cols = ", ".join((f"i.b_id AS {ident(c)}" if len(key) == 1 and c == key[0]
                              else f"c.{ident(c)}") for c in cols)
        con.execute(f"""CREATE OR REPLACE TABLE {ident(part.tbl('upd'))} AS
            SELECT i._row, {upd_cols} FROM {invm} i
            JOIN (SELECT * FROM {chk} WHERE _row NOT IN (SELECT _row FROM {grp})
                  AND _row NOT IN (SELECT _row FROM {merged})
                  UNION ALL BY NAME SELECT * FROM {merged}) c ON c._row = i._row""")
        # 4. references to nothing
        for column, target in refs:
            c = ident(column)
            known = []
            if self._final(target):
                known.append(f"SELECT CAST({ident(model.TABLES[target].key[0])} AS VARCHAR) AS id "
                             f"FROM {ident(self._final(target))}")
            if self._has(f"inv_{target}"):
                known.append(f"SELECT CAST({ident(model.TABLES[target].key[0])} AS VARCHAR) FROM inv_{target}")
            known_sql = " UNION ALL ".join(known) or "SELECT NULL::VARCHAR AS id WHERE FALSE"
            con.execute(f"""INSERT INTO {dec} SELECT _row, {lit(column)}, CAST({c} AS VARCHAR),
                'unknown_ref', {lit(checks.params(target=target))}, 'excluded' FROM {rows}
                WHERE {c} IS NOT NULL AND CAST({c} AS VARCHAR) NOT IN ({known_sql})""")
        # 5. keys repeated in the file, or already in the inventory, and not merged
        key_cols = ", ".join(ident(k) for k in key)
        check = "'unique'" if len(key) == 1 else "'duplicate_key'"
        prm = lit(checks.params() if len(key) == 1 else checks.params(key=", ".join(key)))
        con.execute(f"""INSERT INTO {dec} SELECT r._row, {lit(key[-1])}, CAST(r.{ident(key[-1])} AS VARCHAR),
            {check}, {prm}, 'excluded' FROM {rows} r JOIN (
                SELECT {key_cols}, min(_row) AS first_row FROM {rows} GROUP BY {key_cols}
                HAVING count(*) > 1) d USING ({key_cols}) WHERE r._row <> d.first_row""")
        if self._has(f"inv_{part.table}"):
            con.execute(f"""INSERT INTO {dec} SELECT r._row, {lit(key[-1])},
                CAST(r.{ident(key[-1])} AS VARCHAR), 'id_exists', {lit(checks.params())}, 'excluded'
                FROM {rows} r SEMI JOIN inv_{part.table} i USING ({key_cols})""")
        view = f"SELECT * FROM {rows}"
        if self._count(dec):
            view += f" WHERE _row NOT IN (SELECT _row FROM {dec})"
        con.execute(f"CREATE OR REPLACE VIEW {ident(part.tbl('ins'))} AS {view}")
        part.counts.update(
            filtered=int(filtered or 0),
            # continuation rows folded into the record above are merged too
            merged_in_file=self._count(grp, "_row <> rep") + part.counts.get("folded", 0),
            merged_into_inventory=self._count(ident(part.tbl("upd"))),
            insert=self._count(ident(part.tbl("ins"))))

    def _count(self, table: str, where: str = "") -> int:
        sql = f"SELECT count(*) FROM {table}" + (f" WHERE {where}" if where else "")
        return int(self.con.execute(sql).fetchall()[0][0])

    def _lead_commune_sql(self, lead: str) -> str:
        sources = []
        if self._final("actors"):
            sources.append(f"SELECT actor_id, commune_code FROM {ident(self._final('actors'))}")
        if self._has("inv_actors"):
            sources.append("SELECT actor_id, commune_code FROM inv_actors")
        if not sources:
            return "NULL"
        return (f"(SELECT a.commune_code FROM ({' UNION ALL '.join(sources)}) a "
                f"WHERE a.actor_id = {lead} LIMIT 1)")

    def _final(self, table: str) -> str | None:
        part = next((p for p in self.parts if p.table == table), None)
        if part is None or not self._has(part.tbl("ins"), views=True):
            return None
        return part.tbl("ins")

    # ------------------------------------------------------------------ reports
    def summary(self) -> dict:
        out = {"file": self.info.name, "kind": self.info.kind, "encoding": self.info.encoding,
               "delimiter": self.info.delimiter, "sheets": list(self.info.sheets), "parts": []}
        if self.info.mixed:  # UTF-8 and cp1252 lines in one file (sniff.mixed_lines)
            out["mixed_encoding"] = {k: list(v) for k, v in self.info.mixed.items()}
        for p in self.parts:
            entry = {"table": p.table, "format": p.format, "rows": p.raw.n_rows,
                     "sheet": p.raw.sheet, "saved_mapping": p.saved, **p.counts,
                     "mapping": mapping_report(p)}
            if self.prepared and p.analysed:
                entry["balance"] = self._balance(p)[0]
            if p.analysed:
                issues = self.con.execute(
                    f"SELECT action, count(*), count(DISTINCT _row) FROM {ident(p.tbl('issues'))} "
                    "GROUP BY 1").fetchall()
                entry["issues"] = {a: int(n) for a, n, _ in issues}
                entry["excluded"] = int(self.con.execute(
                    f"SELECT count(DISTINCT _row) FROM {self._issues_sql(p)} WHERE action = 'excluded'"
                ).fetchall()[0][0])
                if "active" in p.hows:
                    entry["active"] = int(self.con.execute(
                        f"SELECT count(*) FROM {ident(p.tbl('chk'))} WHERE active").fetchall()[0][0])
                entry["pairs"] = dict(self.con.execute(
                    f"SELECT kind, count(*) FROM {ident(p.tbl('pairs'))} GROUP BY 1").fetchall())
            if p.geo:
                entry["geo"] = {"total": p.geo.total, "placed": p.geo.placed,
                                "by_method": p.geo.by_method, "unplaced": p.geo.by_reason,
                                "fallbacks": p.geo.fallbacks}
            out["parts"].append(entry)
        return out

    # ------------------------------------------------------------------ nothing lost
    def _buckets_sql(self, part: Part) -> dict[str, str]:
        """SQL of the source rows in each bucket: every row read ends in exactly one."""
        grp, upd = ident(part.tbl("grp")), ident(part.tbl("upd"))
        return {"saved": f"SELECT _row FROM {ident(part.tbl('ins'))}",
                "merged": f"SELECT _row FROM {grp} WHERE _row <> rep UNION ALL SELECT _row FROM {upd} "
                          # continuation rows folded into the record above
                          f"UNION ALL SELECT DISTINCT _row FROM {ident(part.tbl('issues'))} "
                          f"WHERE action = 'folded'",
                "excluded": f"SELECT _row FROM {ident(part.tbl('out'))} UNION ALL "
                            f"SELECT DISTINCT _row FROM {ident(part.tbl('dec'))}"}

    def _balance(self, part: Part) -> tuple[dict[str, int], int]:
        """({read, saved, merged, excluded}, distinct rows found in the buckets)."""
        buckets = self._buckets_sql(part)
        counts = ", ".join(f"(SELECT count(*) FROM ({sql}))" for sql in buckets.values())
        every = " UNION ALL ".join(f"({sql})" for sql in buckets.values())
        row = self.con.execute(f"SELECT {counts}, (SELECT count(DISTINCT _row) FROM ({every}))").fetchall()[0]
        balance = {"read": part.raw.n_rows, **{k: int(n) for k, n in zip(buckets, row)}}
        return balance, int(row[-1])

    def balanced(self) -> bool:
        """Every row read is saved, merged or excluded, and in one bucket only."""
        if not self.prepared:
            self.prepare()
        for part in self.parts:
            b, distinct = self._balance(part)
            if b["read"] != b["saved"] + b["merged"] + b["excluded"] or distinct != b["read"]:
                return False
        return True

    def ledger(self, index: int = 0, lang: str = "fr", limit: int | None = None) -> pd.DataFrame:
        """One row per source row not saved as-is: ``row``, ``outcome`` (``merged`` or
        ``excluded``), ``into_row`` (the row of the file it was merged into), ``into_id``
        (the id of the record it went into: the file's or the inventory's), ``column``,
        ``value``, ``check`` and ``reason`` (translated; every reason of an excluded row,
        inactive records left out included)."""
        from ecosystem.i18n import t

        if not self.prepared:
            self.prepare()
        part = self._part(index)
        key = model.TABLES[part.table].key
        chk, grp, invm = (ident(part.tbl(x)) for x in ("chk", "grp", "invm"))
        key_expr = (f"CAST(c.{ident(key[0])} AS VARCHAR)" if len(key) == 1
                    else "concat_ws(' / ', " + ", ".join(f"c.{ident(k)}" for k in key) + ")")
        lim = f"ORDER BY _row LIMIT {int(limit)}" if limit else ""
        excluded = (f"SELECT _row, 'excluded' AS outcome, NULL::BIGINT AS into_row, NULL AS into_id, "
                    f"\"column\", value, \"check\", params FROM {self._issues_sql(part)} "
                    f"WHERE action = 'excluded'")
        if "active" in part.hows:  # inactive records left out (tables without `active`: none)
            excluded += (f" UNION ALL SELECT f._row, 'excluded', NULL, NULL, 'active', "
                         f"CAST(c.active AS VARCHAR), 'inactive', '[]' "
                         f"FROM {ident(part.tbl('flt'))} f JOIN {chk} c USING (_row)")
        merged = (f"SELECT g._row, 'merged', g.rep, coalesce(i.b_id, {key_expr}), NULL, NULL, "
                  f"'merged_file', '[]' FROM {grp} g JOIN {chk} c ON c._row = g.rep "
                  f"LEFT JOIN {invm} i ON i._row = g.rep WHERE g._row <> g.rep "
                  f"UNION ALL SELECT u._row, 'merged', NULL, i.b_id, NULL, NULL, 'merged_inventory', "
                  f"'[]' FROM {ident(part.tbl('upd'))} u JOIN {invm} i USING (_row) "
                  f"UNION ALL SELECT _row, 'merged', CAST(json_extract_string(params, '$[0][1]') AS BIGINT), "
                  f"NULL, \"column\", value, \"check\", params FROM {ident(part.tbl('issues'))} "
                  f"WHERE action = 'folded'")
        df = self.con.execute(f"""WITH l AS ({excluded} UNION ALL {merged})
            SELECT * FROM l WHERE _row IN (SELECT DISTINCT _row FROM l {lim})
            ORDER BY _row, outcome, "column" NULLS FIRST""").df()
        columns = ["row", "outcome", "into_row", "into_id", "column", "value", "check", "reason"]
        if df.empty:
            return pd.DataFrame(columns=columns)
        cache: dict[tuple, str] = {}

        def reason(check: str, prm: str, into_row, into_id) -> str:
            merged = check in ("merged_file", "merged_inventory")
            key = (check, str(into_row), str(into_id)) if merged else (check, prm)
            if key not in cache:
                if check == "merged_file":
                    cache[key] = t("imp.ledger.merged_file", lang, row=int(into_row), id=into_id)
                elif check == "merged_inventory":
                    cache[key] = t("imp.ledger.merged_inventory", lang, id=into_id)
                elif check == "inactive":
                    cache[key] = t("imp.ledger.inactive", lang)
                else:
                    cache[key] = model.Issue(part.table, None, None, None, check, tuple(
                        tuple(x) for x in json.loads(prm or "[]"))).reason(lang)
            return cache[key]

        df["reason"] = [reason(*k) for k in zip(df["check"], df["params"], df["into_row"], df["into_id"])]
        df["reason"] = [f"{c}: {r}" if isinstance(c, str) and o == "excluded" else r
                        for c, r, o in zip(df["column"], df["reason"], df["outcome"])]
        out = df.groupby("_row", sort=True).agg(
            outcome=("outcome", "first"), into_row=("into_row", "first"), into_id=("into_id", "first"),
            column=("column", "first"), value=("value", "first"), check=("check", "first"),
            reason=("reason", " ; ".join)).reset_index().rename(columns={"_row": "row"})
        out["row"] = out["row"].astype("int64")
        out["into_row"] = out["into_row"].astype("Int64")
        return out[columns]

    def report(self, index: int = 0, lang: str = "fr", limit: int | None = None) -> pd.DataFrame:
        """The validation report and the rest of the ledger in one table (the ``--report``
        file): every issue, then the rows merged (with the record they went into) and the
        inactive rows left out, by row."""
        from ecosystem.i18n import t

        issues = self.issues(index, lang, limit=limit)
        ledger = self.ledger(index, lang, limit=limit)
        extra = ledger[ledger["check"].isin(["merged_file", "merged_inventory", "inactive"])]
        extra = pd.DataFrame({
            "row": extra["row"].astype("Int64"), "column": extra["column"], "value": extra["value"],
            "reason": extra["reason"],
            "action": [t(f"imp.action.{o}", lang) for o in extra["outcome"]], "check": extra["check"]})
        frames = [f for f in (issues, extra) if not f.empty]
        if not frames:
            return issues
        out = pd.concat(frames, ignore_index=True).sort_values("row", kind="stable")
        return out.reset_index(drop=True)

    def _issues_sql(self, part: Part) -> str:
        dec = f" UNION ALL SELECT * FROM {ident(part.tbl('dec'))}" if self._has(part.tbl("dec")) else ""
        return f"(SELECT * FROM {ident(part.tbl('issues'))}{dec})"

    def issues(self, index: int = 0, lang: str = "fr", limit: int | None = 1000) -> pd.DataFrame:
        """The validation report: row, column, value, reason (translated), action."""
        part = self._part(index)
        lim = f"LIMIT {int(limit)}" if limit else ""
        df = self.con.execute(f"SELECT * FROM {self._issues_sql(part)} ORDER BY _row, \"column\" {lim}").df()
        return report_frame(df, part.table, lang)

    def issues_count(self, index: int = 0) -> int:
        return int(self.con.execute(f"SELECT count(*) FROM {self._issues_sql(self._part(index))}").fetchall()[0][0])

    def geo_failures(self, index: int = 0, limit: int | None = 1000) -> pd.DataFrame:
        part = self._part(index)
        if part.geo is None:
            return pd.DataFrame()
        return geocode.failures(self.con, part.tbl("place"), limit)

    # ------------------------------------------------------------------ commit
    def commit(self, store, inventory: str, *, create: bool | None = None, description: str = "",
               user=None):
        """Save in one transaction: create the inventory if needed, update merged records,
        insert the new ones; the change log gets one change set (``user``, the file's
        name and SHA-256). Returns the inventory's new reference."""
        if not self.prepared:
            self.prepare()
        started, cpu0 = time.perf_counter(), time.process_time()
        self.progress("save", 0.0)
        if create is None:
            create = not store.exists(inventory)
        # (inserts, updates) per part, counted once
        sizes = [self.con.execute(f"SELECT (SELECT count(*) FROM {ident(p.tbl('ins'))}), "
                                  f"(SELECT count(*) FROM {ident(p.tbl('upd'))})").fetchall()[0]
                 for p in self.parts]
        if not any(n_ins or n_upd for n_ins, n_upd in sizes):
            # never create or touch an inventory with nothing valid to write
            raise ImportError_("imp.err.nothing_valid", rows=sum(p.raw.n_rows for p in self.parts))
        inserts, updates, cursors = {}, {}, []
        failures: list[Exception] = []  # raised while a stream was read by the store
        for part, (_, n_upd) in zip(self.parts, sizes):
            cols = ", ".join(ident(c) for c in model.TABLES[part.table].column_names)
            names = [t for t, h in part.hows.items() if h == "name"]
            if n_upd:
                updates[part.table] = titled(self.con.sql(
                    f"SELECT {cols} FROM {ident(part.tbl('upd'))}").to_arrow_table(), names)
            # each insert comes from its own cursor (one open result per connection): one
            # stream whose batches are title-cased in a thread while the store writes the
            # previous one, so the store runs a single INSERT … SELECT per table
            cursors.append(self.con.cursor())
            reader = cursors[-1].sql(f"SELECT {cols} FROM {ident(part.tbl('ins'))}").to_arrow_reader(CHUNK)
            inserts[part.table] = pa.RecordBatchReader.from_batches(
                reader.schema, _batches(chunks(reader, names), failures))
        source = ", ".join(sorted({p.mapping.source for p in self.parts}))
        try:
            log = changelog.context("import", user, file_name=self.info.name,
                                    checksum=file_sha256(self.path)) \
                if getattr(store, "change_log", False) else None
            ref = store.apply_import(inventory, inserts, updates, create=create,
                                     overwrite=self.overwrite, source=source,
                                     description=description or f"Import {self.info.name}", log=log)
        except Exception as exc:
            if failures:  # DuckDB wraps it in its own error: give the caller the real one
                raise failures[0] from exc
            raise
        finally:
            for cur in cursors:
                cur.close()
        self.timings["save"] = time.perf_counter() - started
        self.cpu_timings["save"] = time.process_time() - cpu0
        self.progress("save", 1.0)
        return ref

    # ------------------------------------------------------------------ clean up
    def _drop_parts(self) -> None:
        for p in self.parts:
            self._drop_prefix(f"p{p.index}_")
        self.parts = []

    def close(self) -> None:
        try:
            normalise.close(self.con)
        finally:
            shutil.rmtree(self.workdir, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


#: lines of each encoding named in the warning of a mixed file (then "…")
MIXED_LINES_SHOWN = 20


def mixed_encoding_message(summary: dict, lang: str) -> str | None:
    """The warning of a file mixing UTF-8 and cp1252 lines: which lines were read in
    which encoding (the first :data:`MIXED_LINES_SHOWN` of each); None otherwise."""
    from ecosystem.i18n import t

    mixed = summary.get("mixed_encoding")
    if not mixed:
        return None

    def lines(found: list[int]) -> str:
        shown = ", ".join(str(n) for n in found[:MIXED_LINES_SHOWN])
        return shown + (", …" if len(found) > MIXED_LINES_SHOWN else "")

    return t("imp.encoding_mixed", lang, utf8=lines(mixed["utf_8"]), latin=lines(mixed["cp1252"]))


def mapping_report(part: Part) -> dict:
    """How a part is mapped: ``origin`` (see :class:`Part`), ``name`` (the saved mapping),
    ``fields`` (target field, the source columns that fill it, the transform; a constant,
    or an id made from the row when no column), ``defaults`` and ``ignored`` (the file's
    columns no field reads)."""
    mapping = part.mapping
    used = mapping.used()
    fields = []
    for target in list(model.TABLES[mapping.table].column_names) + list(mp.EXTRA_TARGETS):
        rule = used.get(target)
        if rule is None:
            continue
        fields.append({"field": target, "columns": rule.columns, "how": mapping.how(target),
                       "constant": rule.constant if not rule.columns else None})
    read = set(mp.sources(mapping))
    return {"origin": part.origin, "name": part.saved, "fields": fields,
            "defaults": dict(mapping.defaults),
            "ignored": [c for c in part.raw.columns if c not in read]}


def redundant_keys(mapping: mp.Mapping) -> frozenset[str]:
    """Keys not worth comparing inside a file: generated ids (unique by construction),
    and keys read from the same column as the id (RNA: actor_id and rna_id from ``id``)."""
    key = model.TABLES[mapping.table].key
    out = set()
    if len(key) == 1:
        rule = mapping.rules.get(key[0])
        if rule is not None and rule.how == "id" and not rule.columns:
            out.add("id")
        source = tuple(rule.columns) if rule is not None else ()
        for k in ("rna_id", "siret", "siren"):
            if source and k in mapping.rules and tuple(mapping.rules[k].columns) == source:
                out.add(k)
    return frozenset(out)


def titled(data: pa.Table, names: list[str]) -> pa.Table:
    """An Arrow table with its name columns title-cased (normalise.title_case)."""
    for n in names:
        data = data.set_column(data.schema.get_field_index(n), n, normalise.title_case(data[n]))
    return data


def chunks(reader: pa.RecordBatchReader, names: list[str]):
    """The rows to save as Arrow tables of about 250,000 rows, names title-cased: a
    thread prepares the next one while the store writes the current one."""
    done = object()
    ready: queue.Queue = queue.Queue(maxsize=2)
    stop = threading.Event()

    def put(item) -> None:
        while not stop.is_set():
            try:
                ready.put(item, timeout=0.2)
                return
            except queue.Full:
                continue

    def work():
        try:
            for batch in reader:
                if stop.is_set():
                    return
                put(titled(pa.Table.from_batches([batch]), names))
            put(done)
        except BaseException as exc:  # noqa: BLE001 - handed to the reading side
            put(exc)

    threading.Thread(target=work, daemon=True, name="import-chunks").start()
    try:
        while (item := ready.get()) is not done:
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:  # the store is done with it (or gave up): the thread stops
        stop.set()


def _batches(tables, failures: list[Exception]):
    """The record batches of ``tables``; an error raised while they are prepared is kept
    in ``failures`` (DuckDB, reading them as a stream, reports it as its own error)."""
    try:
        for table in tables:
            yield from table.to_batches()
    except Exception as exc:  # not GeneratorExit: closing the stream early is no failure
        failures.append(exc)
        raise


def titled_frame(df: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """A small DataFrame (a preview, the duplicate review) with names title-cased."""
    out = df.copy()
    for col in columns:
        if col in out.columns and len(out):
            values = pa.array(out[col].astype(object).where(out[col].notna(), None), type=pa.string())
            out[col] = normalise.title_case(values).to_pylist()
    return out


def file_sha256(path: Path) -> str | None:
    """SHA-256 of the whole file (the change log's checksum of an import)."""
    try:
        with open(path, "rb") as f:
            return hashlib.file_digest(f, "sha256").hexdigest()
    except OSError:
        return None


def _file_hash(path: Path) -> str:
    """Hash of the file's head, size and name (ids generated for a file are stable)."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        h.update(f.read(1 << 20))
    h.update(str(path.stat().st_size).encode())
    return h.hexdigest()


def report_frame(df: pd.DataFrame, table: str, lang: str) -> pd.DataFrame:
    """Issue rows with their translated reason (messages from ``model.Issue``)."""
    from ecosystem.i18n import t

    if df.empty:
        return pd.DataFrame(columns=["row", "column", "value", "reason", "action", "check"])
    reasons = {(check, prm): model.Issue(table, None, None, None, check,
                                         tuple(tuple(x) for x in json.loads(prm or "[]"))).reason(lang)
               for check, prm in set(zip(df["check"], df["params"]))}
    return pd.DataFrame({
        "row": df["_row"].astype("Int64"), "column": df["column"], "value": df["value"],
        "reason": [reasons[(c, p)] for c, p in zip(df["check"], df["params"])],
        "action": [t(f"imp.action.{a}", lang) for a in df["action"]], "check": df["check"]})


def run_import(path: str | Path, store, inventory: str, *, geo: Geography, name: str | None = None,
               sheet: str | None = None, mapping: mp.Mapping | None = None, merge: str = "exact",
               only_active: bool = False, overwrite: bool = False, progress: Progress | None = None,
               dry_run: bool = False, mapping_name: str | None = None,
               known_only: bool = False, continuation: str = "exclude",
               geometry: str = "refuse", links: bool = False,
               keep_apart: tuple[str, ...] = ()) -> tuple[Import, object]:
    """The whole pipeline with default decisions (the command line's path).

    ``sheet``: the workbook's sheet to read (ignored for other files; by default the
    first, or every sheet of our own export). ``merge``: ``exact`` merges exact
    duplicates and keeps fuzzy ones, ``all`` merges both, ``none`` keeps everything.
    ``mapping`` (saved as ``mapping_name``) replaces the mapping found. With
    ``known_only`` a sheet neither recognised nor mapped (saved mapping for its
    columns, or ``mapping`` whose columns it has) raises :class:`NotRecognised`.
    ``continuation``: ``exclude`` or ``fold`` the continuation rows
    (``checks.continuation``). ``links`` (or ``keep_apart``): the linking review of
    each actors part giving a SIRET, SIREN or RNA number (``linking.review``, in
    :attr:`Import.link_reviews`), and the records of each conflict structure named in
    ``keep_apart`` saved apart (``linking.decide``; an unknown one raises
    :class:`ImportError_`). Nothing is saved unless every row read is saved, merged or excluded
    (:meth:`Import.balanced`). Returns (import, reference or None)."""
    imp = Import(path, name, geo=geo, store=store, progress=progress)
    try:
        imp.set_continuation(continuation)
        if imp.info.kind != "xlsx":
            sheet = None
        imp.read(sheet=sheet, all_sheets=sheet is None and imp.info.kind == "xlsx"
                 and _own_workbook(imp), geometry=geometry)
        first = imp.parts[0]
        if known_only and first.origin == "auto" and (
                mapping is None or not set(mp.sources(mapping)) <= set(first.raw.columns)):
            raise NotRecognised("imp.cli.sheet_skipped", sheet=first.raw.sheet or "",
                                columns=", ".join(first.raw.columns))
        if mapping is not None and not (known_only and first.origin != "auto"):
            imp.remap(first.index, mapping, origin="given", name=mapping_name)
        imp.analyse(inventory if store.exists(inventory) else None)
        for part in imp.parts:
            imp.decide(part.index, all_exact=merge in ("exact", "all"), all_fuzzy=merge == "all")
        if links or keep_apart:
            _review_links(imp, keep_apart)
        imp.overwrite = overwrite
        imp.prepare(only_active=only_active)
        if not imp.balanced():
            raise ImportError_("imp.sum.unbalanced", **{
                k: sum(e["balance"][k] for e in imp.summary()["parts"])
                for k in ("read", "saved", "merged", "excluded")})
        ref = None if dry_run else imp.commit(store, inventory)
        return imp, ref
    except BaseException:
        imp.close()
        raise


def _review_links(imp: Import, keep_apart: tuple[str, ...]) -> None:
    """The page's linking review (pages/_links_review.py) for run_import."""
    from ecosystem.ingest import linking

    left, conflicts = list(dict.fromkeys(keep_apart)), []
    for part in imp.parts:
        if part.table != "actors" or not {"siren", "siret", "rna_id"} & set(part.hows):
            continue
        got = imp.link_reviews[part.index] = linking.review(imp, part.index)
        conflicts += got.conflicts.structure.tolist()
        for structure in [s for s in left if s in set(got.conflicts.structure)]:
            linking.decide(imp, part.index, got, structure, merge=False)
            left.remove(structure)
    if left:
        raise ImportError_("links.err.keep_apart", structures=", ".join(left),
                           known=", ".join(conflicts) or "—")


def _own_workbook(imp: Import) -> bool:
    """A workbook whose sheets are named like our tables (our XLSX export)."""
    return len(set(imp.info.sheets) & set(model.TABLES)) >= 2
