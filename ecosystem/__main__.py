"""Command line: ``python -m ecosystem import|export|inventories``.

::

    python -m ecosystem import rna_waldec_20250101_dpt_44.csv --inventory "Loire-Atlantique"
    python -m ecosystem import mon_tableur.xlsx --inventory Test --mapping "Mon tableur" --dry-run
    python -m ecosystem export --inventory "Loire-Atlantique" --format xlsx export.xlsx
    python -m ecosystem inventories

The import runs the same pipeline as the Importer page (ecosystem.ingest) with
the page's default decisions: exact duplicates merged, fuzzy ones kept
(``--merge all|exact|none``). The database is ``$ECOSYSTEM_DB`` (or ``--db``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from . import model
from .i18n import LANGS, fmt_number, t

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Social innovation ecosystems: import and export inventories.")
console = Console(highlight=False)
err = Console(stderr=True, highlight=False)
STAGES = ("sniff", "read", "normalise", "geocode", "validate", "dedup", "prepare", "save")


def _open_store(db: Optional[Path], read_only: bool = False, lang: str = "en"):
    """The store, or a message and exit code 2. ``read_only`` (listing, exports) opens
    an existing DuckDB file without writing, so a read-only file can be read."""
    from .geo import Geography
    from .store import StoreError, open_store

    try:
        geo = Geography()
        return open_store(db, geo=geo, read_only=read_only), geo
    except StoreError as exc:
        err.print(f"[red]{exc}[/red]")
        err.print(t(exc.hint, lang, **exc.params), markup=False)
        raise typer.Exit(2) from exc


def _lang(lang: str) -> str:
    if lang not in LANGS:
        raise typer.BadParameter(f"one of {', '.join(LANGS)}")
    return lang


@app.command("import")
def import_(files: list[Path] = typer.Argument(..., exists=True, dir_okay=False, readable=True,
                                               help="CSV, XLSX, JSON/JS map export or Parquet file(s)"),
            inventory: str = typer.Option(..., "--inventory", "-i",
                                          help="target inventory (created when it does not exist)"),
            sheet: Optional[str] = typer.Option(None, help="XLSX sheet (default: the first, or every "
                                                           "sheet of our own export)"),
            mapping: Optional[str] = typer.Option(None, help="saved column mapping to use"),
            merge: str = typer.Option("exact", help="duplicates to merge: exact, all or none"),
            only_active: bool = typer.Option(False, "--only-active", help="skip inactive records"),
            overwrite: bool = typer.Option(False, "--overwrite",
                                           help="merged records take the file's values"),
            dry_run: bool = typer.Option(False, "--dry-run", help="check everything, save nothing"),
            report: Optional[Path] = typer.Option(None, help="write the validation report (CSV)"),
            lang: str = typer.Option("fr", callback=_lang, help="language of messages: fr or en"),
            db: Optional[Path] = typer.Option(None, help="database file (default $ECOSYSTEM_DB, or the PostgreSQL database of $ECOSYSTEM_DATABASE_URL)")):
    """Import files into an inventory (one transaction per file)."""
    from .exports import to_csv_bytes
    from .ingest import mapping as mp
    from .ingest.pipeline import ImportError_, run_import

    if merge not in ("exact", "all", "none"):
        raise typer.BadParameter("--merge: exact, all or none")
    store, geo = _open_store(db, lang=lang)
    failed = False
    try:
        chosen = mp.SavedMappings(store).get(mapping) if mapping else None
        for path in files:
            console.print(t("imp.cli.file", lang, file=str(path)))
            with Progress(TextColumn("{task.description:<22}"), BarColumn(), TimeElapsedColumn(),
                          console=console, transient=True) as progress:
                task = progress.add_task(t("imp.stage.sniff", lang), total=len(STAGES))

                def step(stage: str, fraction: float) -> None:
                    if stage in STAGES:
                        progress.update(task, description=t(f"imp.stage.{stage}", lang),
                                        completed=STAGES.index(stage) + fraction)

                try:
                    imp, ref = run_import(path, store, inventory, geo=geo, mapping=chosen,
                                          merge=merge, only_active=only_active,
                                          overwrite=overwrite, progress=step, dry_run=dry_run)
                except ImportError_ as exc:
                    failed = True
                    err.print("[red]" + t(exc.key, lang, **exc.params) + "[/red]")
                    for line in exc.lines[:20]:
                        err.print("  " + t("imp.err.ragged_line", lang, **line))
                    continue
                except model.ValidationError as exc:
                    failed = True
                    for issue in exc.issues[:20]:
                        err.print("[red]" + issue.message(lang) + "[/red]")
                    continue
            try:
                _print_summary(imp, lang)
                if report:
                    frame = imp.issues(imp.parts[0].index, lang, limit=None)
                    report.write_bytes(to_csv_bytes(frame, sep=";"))
                    console.print(t("imp.cli.report", lang, file=str(report)))
                if ref is not None:
                    console.print("[green]" + t("imp.cli.saved", lang, inventory=inventory,
                                                actors=fmt_number(store.info(inventory)["n_actors"], lang))
                                  + "[/green]")
                else:
                    console.print(t("imp.cli.dry_run", lang))
            finally:
                imp.close()
    finally:
        store.close()
    if failed:
        raise typer.Exit(1)


def _print_summary(imp, lang: str) -> None:
    summary = imp.summary()
    console.print(t("imp.cli.detected", lang, kind=summary["kind"], encoding=summary["encoding"] or "—",
                    delimiter=repr(summary["delimiter"]) if summary["delimiter"] else "—"))
    for part in summary["parts"]:
        table = Table(title=t(f"imp.format.{part['format']}", lang) + " → " + t(f"table.{part['table']}", lang))
        table.add_column(t("imp.cli.what", lang))
        table.add_column(t("imp.cli.count", lang), justify="right")
        rows = [("imp.sum.read", part["rows"]), ("imp.sum.excluded", part.get("excluded", 0)),
                ("imp.sum.cleared", part.get("issues", {}).get("cleared", 0)),
                ("imp.sum.merged_file", part.get("merged_in_file", 0)),
                ("imp.sum.merged_inventory", part.get("merged_into_inventory", 0)),
                ("imp.sum.filtered", part.get("filtered", 0)),
                ("imp.sum.insert", part.get("insert", 0))]
        if "active" in part:
            rows.insert(1, ("imp.sum.active", part["active"]))
        for key, n in rows:
            table.add_row(t(key, lang), fmt_number(n, lang))
        geo = part.get("geo")
        if geo:
            for method, n in sorted(geo["by_method"].items(), key=lambda kv: -kv[1]):
                if method == "none":
                    continue
                table.add_row(t("imp.cli.geo_method", lang, method=model.voc.GEO_METHODS.label(method, lang)),
                              fmt_number(n, lang))
            for reason, n in sorted(geo["unplaced"].items(), key=lambda kv: -kv[1]):
                table.add_row(t("imp.cli.geo_reason", lang, reason=t(f"imp.geo.reason.{reason}", lang)),
                              fmt_number(n, lang))
        pairs = part.get("pairs", {})
        for kind in ("exact", "fuzzy"):
            if pairs.get(kind):
                table.add_row(t(f"imp.sum.pairs_{kind}", lang), fmt_number(pairs[kind], lang))
        console.print(table)


@app.command()
def export(inventory: str = typer.Option(..., "--inventory", "-i"),
           format: str = typer.Option("csv", "--format", "-f", help="csv, xlsx or parquet"),
           out: Path = typer.Argument(..., help="file (xlsx, or one table) or directory"),
           table: Optional[list[str]] = typer.Option(None, help="tables to export (default: all)"),
           db: Optional[Path] = typer.Option(None, help="database file (default $ECOSYSTEM_DB)")):
    """Export an inventory (flat values, spreadsheet formulas neutralised)."""
    from .exports import export_inventory, xlsx_cut_message
    from .store import StoreError

    store, _ = _open_store(db, read_only=True)
    report: dict = {}
    try:
        written = export_inventory(store, inventory, format, out, table, report=report)
    except (ValueError, StoreError) as exc:
        err.print(f"[red]{exc}[/red]")
        raise typer.Exit(1) from exc
    finally:
        store.close()
    for path in written:
        console.print(str(path))
    if report.get("xlsx_cut"):
        err.print(xlsx_cut_message(report["xlsx_cut"], "en"), markup=False)


@app.command()
def inventories(db: Optional[Path] = typer.Option(None, help="database file (default $ECOSYSTEM_DB)")):
    """List the inventories of the database."""
    store, _ = _open_store(db, read_only=True)
    try:
        listing = store.list()
    finally:
        store.close()
    table = Table()
    for col in ("name", "n_actors", "n_projects", "version", "updated_at"):
        table.add_column(col)
    for row in listing.itertuples():
        table.add_row(row.name, str(row.n_actors), str(row.n_projects), str(row.version),
                      str(row.updated_at))
    console.print(table)


if __name__ == "__main__":
    app()
