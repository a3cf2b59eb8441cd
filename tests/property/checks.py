"""What the property suite runs on one generated inventory, and how it records failures.

Each check runs inside :meth:`Failures.run`, which keeps going after an error so
one example reports every output it broke, with its exception type and the
(file, function) frames of its traceback; the test fails on any.
"""

from __future__ import annotations

import contextlib
import functools
import itertools
import os
import re
import shutil
import tempfile
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from unittest import mock

import pandas as pd

from ecosystem import model
from tests.property.strategies import geography

FRAME = re.compile(r'File "([^"]+)", line \d+, in (\S+)')


@dataclass
class Failure:
    where: str
    type: str
    frames: list[tuple[str, str]]  # (file name, function), outermost first
    message: str

    def __str__(self) -> str:
        inner = [f"{Path(f).name}:{fn}" for f, fn in self.frames
                 if "/ecosystem/" in f or "/pages/" in f][-3:]
        return f"{self.where}: {self.type}: {self.message[:300]} [{' < '.join(reversed(inner))}]"


@dataclass
class Failures:
    items: list[Failure] = field(default_factory=list)

    def run(self, where: str, fn, *args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except Exception as exc:  # noqa: BLE001 - every failure is recorded and reported
            self.add_exception(where, exc)
            return None

    def add_exception(self, where: str, exc: BaseException) -> None:
        frames = [(fr.filename, fr.name) for fr in traceback.extract_tb(exc.__traceback__)]
        self.items.append(Failure(where, type(exc).__name__, frames, str(exc)))

    def add_apptest(self, where: str, at) -> None:
        """Exceptions shown by a page (AppTest) and error boxes holding a traceback."""
        for e in at.exception:
            frames = FRAME.findall("\n".join(e.stack_trace))
            self.items.append(Failure(where, e.proto.type or "Exception", frames, e.message))
        for e in at.error:
            if "Traceback" in str(e.value):
                self.items.append(Failure(where, "st.error", [], str(e.value)))


# ------------------------------------------------------------------ store
#: the user zoning every example's store holds (tests/zoning_fixtures.py: zones NA and
#: NE over Nantes, MA over Marseille, MA without population)
ZONING = "Zones de test"


@functools.cache
def _template() -> Path:
    """An empty store with the geography and a user zoning (:data:`ZONING`) copied in,
    made once: copying the file is much faster than loading 34,875 communes into
    every example's database."""
    from ecosystem import zonings
    from ecosystem.storage import zonings as zstore
    from ecosystem.storage.store import Store
    from tests import zoning_fixtures as zf
    path = Path(tempfile.mkdtemp(prefix="props-template-")) / "empty.duckdb"
    store = Store(path, geo=geography())
    zstore.add(store, ZONING, zonings.from_polygons(zonings.read(zf.geojson(), "z.geojson"),
                                                    "code_z", "lib_z", "pop_z"), source="z.geojson")
    store.close()
    return path


def zoning_level(store) -> str:
    """The level of :data:`ZONING` in ``store`` (``z<id>``)."""
    from ecosystem.storage import zonings as zstore
    return zstore.listing(store).set_index("name").level[ZONING]


def zoned_geo(store):
    """The geography the pages use: the store's zonings as levels too."""
    from ecosystem.storage import zonings as zstore
    return zstore.geography(store, store.geo)


def new_store(folder: Path, name: str, data: model.InventoryData):
    """A real store file in ``folder`` holding ``data`` as ``name``."""
    from ecosystem.storage.store import Store
    path = folder / "inventory.duckdb"
    shutil.copyfile(_template(), path)
    store = Store(path, geo=geography())
    store.create(name, data)
    return store


def territory_of(data: model.InventoryData) -> str:
    """The département of the first actor in a known commune (else Loire-Atlantique,
    then a territory without actors)."""
    com = geography().communes
    for code in data.actors.get("commune_code", pd.Series(dtype=object)).dropna():
        if code in com.index:
            return f"departement:{com.at[code, 'dep']}"
    return "departement:44"


# ------------------------------------------------------------------ pages
@contextlib.contextmanager
def eager_downloads(failures: Failures, where: list[str], eager: list[bool]):
    """Page download buttons whose file is built on click (``data=callable``) build it
    now (while ``eager[0]``): every page download runs with the page. A failure is
    recorded under the page (``where[0]``) and the button gets an empty file."""
    from streamlit.delta_generator import DeltaGenerator

    original = DeltaGenerator.download_button

    def download_button(self, label, data, *args, **kwargs):
        if callable(data) and eager[0]:
            try:
                data = data()
                if not data:
                    raise AssertionError(f"empty download {kwargs.get('file_name')!r}")
            except Exception as exc:  # noqa: BLE001
                failures.add_exception(f"{where[0]} download {label!r}", exc)
                data = b""
        return original(self, label, data, *args, **kwargs)

    with mock.patch.object(DeltaGenerator, "download_button", download_button):
        yield


_VERSIONS = itertools.count(1_000_001)


def unique_version(store, name: str) -> None:
    """Give the inventory a version no other example had. Pages cache their queries
    and maps by the inventory (id, name, version): two examples' inventories could
    otherwise share the keys and a page would show the previous example's result."""
    with store.transaction() as con:
        con.execute("UPDATE inventories SET version = ? WHERE name = ?", [next(_VERSIONS), name])


@contextlib.contextmanager
def app_on(db: Path):
    """``ECOSYSTEM_DB`` set to ``db`` and the app's store and query caches emptied
    before and after (the geography stays cached: it does not change)."""
    import streamlit as st
    from streamlit import config

    from pages import _shell
    old = os.environ.get("ECOSYSTEM_DB")
    os.environ["ECOSYSTEM_DB"] = str(db)
    # the app hides error details from users; the suite needs the traceback's frames
    details = config.get_option("client.showErrorDetails")
    config.set_option("client.showErrorDetails", "full")
    st.cache_data.clear()
    _shell.get_store.clear()
    try:
        yield
    finally:
        config.set_option("client.showErrorDetails", details)
        st.cache_data.clear()
        _shell.get_store.clear()
        if old is None:
            os.environ.pop("ECOSYSTEM_DB", None)
        else:
            os.environ["ECOSYSTEM_DB"] = old
