"""Where inventories live.

:class:`~ecosystem.storage.store.Store` keeps named inventories in a DuckDB file;
:class:`~ecosystem.storage.postgres.PostgresStore` keeps them in PostgreSQL (several
app replicas on one database) and runs the same analytics on a local DuckDB mirror.
Both answer :class:`InventoryStore`, the one interface pages, analyses, imports and
the command line use; :func:`open_store` picks the backend from the configuration.
``derived`` builds the analysis tables, ``bootstrap`` the demo inventory.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Protocol, runtime_checkable

import pandas as pd

from ecosystem.geo import Geography
from ecosystem.storage.postgres import PostgresStore
from ecosystem.storage.store import InventoryRef, Store, default_path


@runtime_checkable
class InventoryStore(Protocol):
    """What every backend provides (reads run on the store's DuckDB connection)."""

    backend: str
    read_only: bool

    @property
    def geo(self) -> Geography: ...
    def close(self) -> None: ...
    # inventories
    def list(self) -> pd.DataFrame: ...
    def names(self) -> list[str]: ...
    def exists(self, name: str) -> bool: ...
    def ref(self, name: str) -> InventoryRef: ...
    def info(self, name: str) -> dict: ...
    def create(self, name: str, data=None, **options) -> InventoryRef: ...
    def save(self, name: str, data, **options) -> InventoryRef: ...
    def append(self, name: str, data, **options) -> InventoryRef: ...
    def apply_import(self, name: str, inserts: dict, updates: dict | None = None,
                     **options) -> InventoryRef: ...
    def copy(self, src: str, dst: str) -> InventoryRef: ...
    def rename(self, old: str, new: str) -> InventoryRef: ...
    def delete(self, name: str) -> None: ...
    def load(self, name: str): ...
    # reads and the view cache
    def query(self, sql: str, params=None) -> pd.DataFrame: ...
    def arrow(self, sql: str, params=None): ...
    def scalar(self, sql: str, params=None): ...
    def view_sets(self, ref: InventoryRef, filters) -> dict[str, str] | None: ...


def database_url() -> str | None:
    """``$ECOSYSTEM_DATABASE_URL`` when it names a PostgreSQL database, else None."""
    url = os.environ.get("ECOSYSTEM_DATABASE_URL", "").strip()
    return url if url.startswith(("postgresql://", "postgres://")) else None


def open_store(location: str | Path | None = None, geo: Geography | None = None,
               read_only: bool = False) -> Store:
    """The configured store: PostgreSQL when ``location`` (or ``$ECOSYSTEM_DATABASE_URL``)
    is a ``postgresql://`` URL, otherwise the DuckDB file (default ``$ECOSYSTEM_DB``).
    ``read_only``: an existing DuckDB file is opened without writing (a missing one
    is created as usual); PostgreSQL replicas always write their mirror."""
    location = location if location is not None else (database_url() or default_path())
    if str(location).startswith(("postgresql://", "postgres://")):
        return PostgresStore(str(location), geo=geo)
    read_only = read_only and str(location) != ":memory:" and Path(location).is_file() \
        and Path(location).stat().st_size > 0
    return Store(location, geo=geo, read_only=read_only)


def store_location() -> str:
    """What :func:`open_store` opens by default (for display and cache keys)."""
    return database_url() or str(default_path())


__all__ = ["InventoryStore", "open_store", "store_location", "database_url"]
