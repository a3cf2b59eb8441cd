"""``python -m ecosystem zonings add|list|rename|delete``: user zonings from the
command line (see docs/zonings.md).

::

    python -m ecosystem zonings add ze2020.xlsx --name "Zones d'emploi 2020" --commune-col CODGEO --code-col ZE2020 --name-col LIBZE2020
    python -m ecosystem zonings add qpv.gpkg --name QPV --code-col code_qp --name-col lib_qp --population-col pop
    python -m ecosystem zonings list
    python -m ecosystem zonings rename QPV "Quartiers prioritaires"
    python -m ecosystem zonings delete "Quartiers prioritaires"
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.table import Table

from ecosystem import cli_access, writes
from ecosystem import numbers as num
from ecosystem.i18n import LANGS, t
from ecosystem.render import safe

zonings_app = typer.Typer(no_args_is_help=True,
                          help="User zonings (levels of analysis): add, list, rename, delete.")
console = Console(highlight=False, emoji=False)
err = Console(stderr=True, highlight=False, emoji=False)
DB = typer.Option(None, "--db", help="database file (default $ECOSYSTEM_DB)")
LANG = typer.Option("fr", "--lang", help="fr or en")


def _say(text, style: str | None = None, stream: Console | None = None) -> None:
    (stream or console).print(safe.console(text), style=style)


def _store(db: Optional[Path], lang: str):
    from ecosystem.geo import Geography
    from ecosystem.storage import open_store
    from ecosystem.storage.store import StoreError

    if lang not in LANGS:
        raise typer.BadParameter(f"one of {', '.join(LANGS)}")
    try:
        return open_store(db, geo=Geography())
    except StoreError as exc:
        _say(exc, "red", err)
        _say(t(exc.hint, lang, **exc.params), stream=err)
        raise typer.Exit(2) from exc


def _fail(exc, lang: str) -> None:
    _say(t(exc.hint, lang, **exc.params), "red", err)
    raise typer.Exit(2) from exc


@zonings_app.command("add")
def add(file: Path = typer.Argument(..., exists=True, dir_okay=False, readable=True,
                                    help="GeoPackage, GeoJSON, zipped Shapefile, or CSV/XLSX table"),
        name: str = typer.Option(..., "--name", help="name of the zoning"),
        code_col: Optional[str] = typer.Option(None, "--code-col", help="zone code column"),
        name_col: Optional[str] = typer.Option(None, "--name-col", help="zone name column"),
        population_col: Optional[str] = typer.Option(None, "--population-col",
                                                     help="population column (spatial files)"),
        commune_col: Optional[str] = typer.Option(None, "--commune-col",
                                                  help="commune code column (tables)"),
        layer: Optional[str] = typer.Option(None, "--layer", help="layer of a GeoPackage"),
        db: Optional[Path] = DB, lang: str = LANG):
    """Load a zoning file, validate it and store it as a level of analysis."""
    from ecosystem import zonings
    from ecosystem.storage.store import StoreError

    store = _store(db, lang)
    try:
        frame = zonings.read(file, layer=layer)
        guess = zonings.guess_columns(frame)
        code_col = code_col or guess["code"]
        name_col = name_col or guess["name"]
        if not zonings.is_spatial(file.name):
            commune_col = commune_col or guess["commune"]
        else:  # as the Zonages page suggests it (a table's populations are its communes')
            population_col = population_col or guess["population"]
        _say(t("zoning.cli.columns", lang, columns=", ".join(zonings.attribute_columns(frame)),
               code=code_col or "—", name=name_col or "—",
               population=population_col or "—", commune=commune_col or "—"))
        zoning = zonings.build(frame, store.geo, code_col=code_col, name_col=name_col,
                               population_col=population_col, commune_col=commune_col)
    except zonings.ZoningError as exc:
        for issue in exc.issues:
            _say(issue.message(lang), "red", err)
        _say(t("zoning.cli.refused", lang, file=file.name), "red", err)
        raise typer.Exit(2) from exc
    for issue in zoning.issues:
        _say(issue.message(lang), "yellow")
    try:
        zid = writes.add_zoning(store, cli_access.acting(), name, zoning, source=file.name)
    except StoreError as exc:
        _fail(exc, lang)
    _say(t("zoning.cli.added", lang, name=name, level=f"z{zid}",
           zones=num.plural("zoning.n_zones", len(zoning.zones), lang)), "green")
    store.close()


@zonings_app.command("list")
def list_(db: Optional[Path] = DB, lang: str = LANG):
    """The stored zonings."""
    from ecosystem.storage import zonings as zstore

    store = _store(db, lang)
    df = zstore.listing(store)
    if df.empty:
        _say(t("zoning.cli.none", lang))
        return
    table = Table()
    for key in ("zoning.col.level", "zoning.col.name", "zoning.col.kind", "zoning.col.zones",
                "zoning.col.population", "zoning.col.source"):
        table.add_column(safe.console(t(key, lang)))
    for r in df.itertuples(index=False):
        table.add_row(*(safe.console(c) for c in (
            r.level, r.name, t(f"zoning.kind.{r.kind}", lang), num.number(r.n_zones, lang),
            t("zoning.yes" if r.has_population else "zoning.no", lang), r.source or "")))
    console.print(table)


@zonings_app.command("rename")
def rename(old: str = typer.Argument(..., help="name or level (z3) of the zoning"),
           new: str = typer.Argument(..., help="new name"),
           db: Optional[Path] = DB, lang: str = LANG):
    """Rename a zoning (its level z<id> stays)."""
    from ecosystem.storage.store import StoreError

    store = _store(db, lang)
    try:
        writes.rename_zoning(store, cli_access.acting(), old, new)
    except StoreError as exc:
        _fail(exc, lang)
    _say(t("zoning.cli.renamed", lang, old=old, new=new), "green")


@zonings_app.command("delete")
def delete(name: str = typer.Argument(..., help="name or level (z3) of the zoning"),
           db: Optional[Path] = DB, lang: str = LANG):
    """Delete a zoning for every inventory."""
    from ecosystem.storage.store import StoreError

    store = _store(db, lang)
    try:
        writes.delete_zoning(store, cli_access.acting(), name)
    except StoreError as exc:
        _fail(exc, lang)
    _say(t("zoning.cli.deleted", lang, name=name), "green")
