"""The Importer's state machine, without Streamlit: one upload being imported.

An :class:`ImportSession` owns what an upload leaves on the machine — a folder
holding the uploaded bytes and the :class:`~ecosystem.ingest.pipeline.Import`
(its DuckDB connection and spill directory) — knows the step the user is at,
applies the user's decisions and closes everything in :meth:`ImportSession.close`.

Streamlit has no reliable "session ended" hook (a closed tab just stops
sending), so an abandoned upload is cleaned up by age instead: every session is
kept in a :class:`Registry`; :meth:`Registry.sweep` closes the sessions not used
for ``max_idle`` seconds (connection closed, folder removed). The Importer
page sweeps on every new upload, and the app sweeps the upload folders left by
a previous process at start (:meth:`Registry.sweep_orphans`). A session in use
(analysis, save) is never swept, and a page that finds its session closed
opens the upload again.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Callable

from ecosystem import model
from ecosystem.ingest import mapping as mp
from ecosystem.ingest.pipeline import Import, ImportError_

#: the folder of upload sessions (one sub-folder per session) unless a registry names another
ROOT = Path(tempfile.gettempdir()) / "ecosystem-uploads"
PREFIX = "session-"
#: a session not used for this long is closed by the next sweep (seconds)
MAX_IDLE = 30 * 60
#: the steps of an import, in order
STEPS = ("error", "mapping", "analysed", "closed")


def unexpected(exc: Exception) -> ImportError_:
    """An error the pipeline did not name, said plainly (first line, 300 characters)."""
    lines = str(exc).splitlines() or [type(exc).__name__]
    return ImportError_("imp.err.unexpected", detail=lines[0][:300])


def fixed(rule: mp.Rule | None) -> bool:
    """A rule set by a recognised format (several columns, a code table, a constant):
    shown, not offered for change in the mapping form."""
    return rule is not None and (bool(rule.sources) or rule.constant is not None
                                 or rule.how not in ("auto", "id", "text", "name"))


def picked_mapping(mapping: mp.Mapping, table: str, picked: dict[str, str | None],
                   default_type: str | None = None) -> mp.Mapping:
    """The mapping of ``table`` after the form: each field in ``picked`` filled from
    the chosen column (``None``: left empty), the rules set by the format kept, the
    key made from the row when no column gives it, and the default actor type."""
    rules = {k: v for k, v in mapping.rules.items() if fixed(v) or k not in picked}
    key = model.TABLES[table].key
    for target, source in picked.items():
        if source is None:
            rules.pop(target, None)
            continue
        old = mapping.rules.get(target)
        how = "id" if len(key) == 1 and target == key[0] else "auto"
        rules[target] = mp.Rule(source=source, how=how, values=old.values if old else {})
    if len(key) == 1 and key[0] not in rules:
        rules[key[0]] = mp.Rule(how="id")
    defaults = dict(mapping.defaults)
    if table == "actors":
        defaults.pop("actor_type", None)
        if default_type is not None:
            defaults["actor_type"] = default_type
    return mp.Mapping(table, rules, format=mapping.format, source=mapping.source,
                      id_prefix=mapping.id_prefix, crs=mapping.crs, defaults=defaults)


class ImportSession:
    """One uploaded file on its way into an inventory.

    ``key`` identifies the upload (Streamlit's ``file_id``): the page keeps the
    session while the same file is shown. ``error`` is the last
    :class:`ImportError_` (the file could not be read as it is), ``analysed`` the
    signature (destination, mappings) the reports were computed for.
    """

    def __init__(self, folder: Path, data: bytes | memoryview, name: str, key: str, *,
                 geo, store, clock: Callable[[], float] = time.monotonic):
        self.folder = folder
        self.name = name
        self.key = key
        self.clock = clock
        self.last_used = clock()
        self.busy = 0
        self.closed = False
        self.imp: Import | None = None
        self.error: ImportError_ | None = None
        self.analysed: tuple | None = None
        self.version = 0          # bumped on every remap: new widget keys for the mapping form
        self.sirene_filtered: dict | None = None  # see filter_sirene
        self._sheet_rows: dict[str, int] | None = None
        self.path = folder / ("upload" + Path(name).suffix[:10])
        with open(self.path, "wb") as f:   # a buffer: no copy of a large upload
            f.write(data)
        try:
            self.imp = Import(self.path, name, geo=geo, store=store, workdir=folder)
            own = self.imp.info.kind == "xlsx" and \
                len(set(self.imp.info.sheets) & set(model.TABLES)) >= 2
            self.imp.read(all_sheets=own)
        except ImportError_ as exc:
            self.error = exc
        except Exception as exc:  # noqa: BLE001 - an unreadable file: said plainly
            self.error = unexpected(exc)

    # ---------------------------------------------------------------- life
    @property
    def step(self) -> str:
        """Where the user is: ``error`` (the file cannot be read as it is), ``mapping``
        (columns to map, then analyse), ``analysed`` (reports and decisions, then
        save) or ``closed``."""
        if self.closed:
            return "closed"
        if self.error is not None:
            return "error"
        return "analysed" if self.analysed is not None else "mapping"

    def touch(self) -> None:
        """Mark the session used now (each page run does)."""
        self.last_used = self.clock()
        try:
            os.utime(self.folder)
        except OSError:
            pass

    def idle(self, now: float | None = None) -> float:
        return (self.clock() if now is None else now) - self.last_used

    @contextmanager
    def using(self):
        """Work on the session: never swept meanwhile, used now when done."""
        self.busy += 1
        self.touch()
        try:
            yield self.imp
        finally:
            self.busy -= 1
            self.touch()

    def close(self) -> None:
        """Close the import's connection and remove the upload's folder (idempotent)."""
        if self.closed:
            return
        self.closed = True
        try:
            if self.imp is not None:
                self.imp.close()
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)

    # ----------------------------------------------------------- decisions
    def accept_geometry(self) -> None:
        """GeoJSON lines and polygons: read again, each at its representative point."""
        with self.using() as imp:
            try:
                imp.read(geometry="point-on-surface")
                self.error = None
            except ImportError_ as exc:
                self.error = exc

    def filter_sirene(self, ess: str, where: str, *, units: bool, establishments: bool,
                      geo, store) -> dict:
        """Keep the ESS of a territory of a SIRENE upload (``sirene.extract``, DuckDB);
        the filtered file replaces the upload, so the equation holds on what is
        imported. Returns (and keeps in ``sirene_filtered``) rows kept, of, ess, where.
        Raises ``sirene.SireneError`` or :class:`ImportError_` (the upload is kept)."""
        from ecosystem.ingest import sirene

        with self.using() as imp:
            out = self.folder / "sirene_filtered.parquet"
            zone = sirene.parse_where(where if establishments else "", geo)
            got = sirene.extract(out, units=self.path if units else None,
                                 establishments=self.path if establishments else None,
                                 ess=ess, where=zone, geo=geo)
            new = Import(out, Path(self.name).stem + ".parquet", geo=geo, store=store,
                         workdir=self.folder)
            try:
                new.read()
            except BaseException:
                new.close()
                raise
            rows_before = sum(p.raw.n_rows for p in imp.parts)
            imp.close()
            self.path.unlink(missing_ok=True)
            self.imp, self.path, self.analysed = new, out, None
            self._sheet_rows = None
            self.sirene_filtered = {"rows": got.rows, "of": rows_before, "ess": ess,
                                    "where": where if establishments else ""}
            return self.sirene_filtered

    def sheet_rows(self) -> dict[str, int]:
        """Rows per sheet of a workbook (counted once)."""
        if self._sheet_rows is None:
            self._sheet_rows = self.imp.sheet_rows()
        return self._sheet_rows

    def pick_sheet(self, sheet: str) -> None:
        """Read another sheet of the workbook; raises :class:`ImportError_`."""
        with self.using() as imp:
            imp.read(sheet=sheet)
        self.analysed = None

    def remap(self, index: int, mapping, origin: str = "manual", name: str | None = None) -> None:
        """Apply a mapping to a part: the reports must be computed again."""
        with self.using() as imp:
            imp.remap(index, mapping, origin=origin, name=name)
        self.analysed = None
        self.version += 1

    def apply_picks(self, index: int, table: str, picked: dict[str, str | None],
                    default_type: str | None = None) -> None:
        """The mapping form's choices applied to a part (see :func:`picked_mapping`)."""
        part = self.imp.parts[index]
        base = part.mapping if table == part.table else self.imp.default_mapping(index, table)
        self.remap(index, picked_mapping(base, table, picked, default_type))

    def recode(self, index: int, target: str, changed: dict[str, str]) -> None:
        """Codes given by hand to a column's values (``a | b`` is a value of several columns)."""
        part = self.imp.parts[index]
        part.mapping.rules[target].values.update(
            {k.replace(" | ", mp.KEY_SEP): v for k, v in changed.items()})
        self.remap(index, part.mapping)

    @staticmethod
    def signature(imp: Import, inventory: str | None) -> tuple:
        return (inventory, tuple(p.mapping.to_json() for p in imp.parts))

    def is_analysed(self, inventory: str | None) -> bool:
        """The reports shown are those of this destination and these mappings."""
        return self.imp is not None and self.analysed == self.signature(self.imp, inventory)

    def analyse(self, inventory: str | None, only_active: bool, progress=None) -> None:
        """Normalise, geocode, validate, find duplicates and prepare the save;
        raises :class:`ImportError_` (an unexpected error is named as one)."""
        with self.using() as imp:
            imp.progress = progress or (lambda *_: None)
            try:
                imp.analyse(inventory)
                imp.prepare(only_active=only_active)
            except ImportError_:
                raise
            except Exception as exc:  # noqa: BLE001 - a file the pipeline cannot handle
                raise unexpected(exc) from exc
            finally:
                imp.progress = lambda *_: None
        self.analysed = self.signature(imp, inventory)

    def set_only_active(self, only_active: bool) -> None:
        if only_active != self.imp.only_active:
            with self.using() as imp:
                imp.prepare(only_active=only_active)

    def set_continuation(self, mode: str, only_active: bool) -> None:
        """Continuation rows folded into the record above or excluded: analysed again."""
        with self.using() as imp:
            imp.set_continuation(mode)
            imp.analyse(imp.inventory)
            imp.prepare(only_active=only_active)

    def decide(self, index: int, merge: dict[int, bool] | None = None, **kw) -> None:
        """Merge or keep duplicate pairs (one by one, or all exact / all fuzzy)."""
        with self.using() as imp:
            imp.decide(index, merge, **kw)
            imp.prepare()

    def link_review(self, index: int):
        """The linking of the file's records with the inventory's (``linking.review``)."""
        from ecosystem.ingest import linking

        with self.using() as imp:
            return linking.review(imp, index)

    def decide_links(self, index: int, links, structure: str, merge: bool) -> None:
        """Merge or keep apart the records of a conflict structure (applied at the save)."""
        from ecosystem.ingest import linking

        with self.using() as imp:
            linking.decide(imp, index, links, structure, merge)
            imp.prepare()

    def link_decisions(self, index: int, links) -> dict:
        from ecosystem.ingest import linking

        with self.using() as imp:
            return linking.decisions(imp, index, links)

    def commit(self, store, inventory: str, create: bool, user=None):
        """The one atomic save (logged as ``user``); the session stays open until :meth:`close`."""
        with self.using() as imp:
            return imp.commit(store, inventory, create=create, user=user)


class Registry:
    """The open upload sessions of a process, swept by age.

    ``root`` is the folder of the sessions' folders; ``max_idle`` (seconds) the
    idle time after which :meth:`sweep` closes a session.
    """

    def __init__(self, root: str | Path = ROOT, max_idle: float = MAX_IDLE,
                 clock: Callable[[], float] = time.monotonic):
        self.root = Path(root)
        self.max_idle = max_idle
        self.clock = clock
        self._lock = threading.Lock()
        self._sessions: dict[Path, ImportSession] = {}

    def open(self, data: bytes | memoryview, name: str, key: str, *, geo, store) -> ImportSession:
        """A new session for an upload, after sweeping the abandoned ones."""
        self.sweep()
        self.root.mkdir(parents=True, exist_ok=True)
        folder = Path(tempfile.mkdtemp(prefix=PREFIX, dir=self.root))
        try:
            session = ImportSession(folder, data, name, key, geo=geo, store=store, clock=self.clock)
        except BaseException:
            shutil.rmtree(folder, ignore_errors=True)
            raise
        with self._lock:
            self._sessions[folder] = session
        return session

    def close(self, session: ImportSession | None) -> None:
        """Close a session now (cancel, saved, another file)."""
        if session is None:
            return
        with self._lock:
            self._sessions.pop(session.folder, None)
        session.close()

    def sessions(self) -> list[ImportSession]:
        with self._lock:
            return list(self._sessions.values())

    def sweep(self) -> list[ImportSession]:
        """Close every session idle for more than ``max_idle`` and not in use; returns them."""
        now = self.clock()
        with self._lock:
            stale = [s for s in self._sessions.values()
                     if s.busy == 0 and s.idle(now) > self.max_idle]
            for s in stale:
                del self._sessions[s.folder]
        for s in stale:
            s.close()
        return stale

    def sweep_orphans(self, now: float | None = None) -> list[Path]:
        """Remove the session folders no open session owns and nobody touched for
        ``max_idle`` seconds (left by a process that stopped); returns them."""
        if not self.root.is_dir():
            return []
        now = time.time() if now is None else now
        with self._lock:
            owned = set(self._sessions)
        removed = []
        for folder in self.root.glob(PREFIX + "*"):
            try:
                stale = now - folder.stat().st_mtime > self.max_idle
            except OSError:
                continue
            if folder not in owned and stale:
                shutil.rmtree(folder, ignore_errors=True)
                removed.append(folder)
        return removed

    def close_all(self) -> None:
        with self._lock:
            sessions, self._sessions = list(self._sessions.values()), {}
        for s in sessions:
            s.close()


#: the process's sessions (the Importer page and the app's start use this one)
REGISTRY = Registry()
