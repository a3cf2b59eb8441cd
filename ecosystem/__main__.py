"""Command line: ``python -m ecosystem import|sirene|export|inventories`` (and the
change log's ``history|revert|as-of``: ecosystem/cli_history.py).

::

    python -m ecosystem import rna_waldec_20250101_dpt_44.csv --inventory "Loire-Atlantique"
    python -m ecosystem import mon_tableur.xlsx --inventory Test --mapping "Mon tableur" --dry-run
    python -m ecosystem export --inventory "Loire-Atlantique" --format xlsx export.xlsx
    python -m ecosystem sirene --units StockUniteLegale.parquet --establishments StockEtablissement.parquet --where "reg=53" -i Bretagne
    python -m ecosystem inventories
    python -m ecosystem mappings list | show NAME | save NAME FILE.json | delete NAME
    python -m ecosystem zonings add FILE --name NAME | list | rename OLD NEW | delete NAME

The import runs the same pipeline as the Importer page (ecosystem.ingest) with
the page's default decisions: exact duplicates merged, fuzzy ones kept
(``--merge all|exact|none``), continuation rows excluded and listed
(``--continuation exclude|fold``). The database is ``$ECOSYSTEM_DB`` (or ``--db``).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from ecosystem import audit, model
from ecosystem import numbers as num
from ecosystem.cli_zonings import zonings_app
from ecosystem.i18n import LANGS, t
from ecosystem.numbers import fmt_number
from ecosystem.render import safe

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Social innovation ecosystems: import and export inventories.")
console = Console(highlight=False, emoji=False)  # ":warning:" in a name stays text
err = Console(stderr=True, highlight=False, emoji=False)
maps_app = typer.Typer(no_args_is_help=True, help="Saved column mappings: list, show, save, delete.")
app.add_typer(maps_app, name="mappings")
app.add_typer(zonings_app, name="zonings")  # user zonings: ecosystem/cli_zonings.py
STAGES = ("sniff", "read", "normalise", "geocode", "validate", "dedup", "prepare", "save")


def say(text, style: str | None = None, stream: Console | None = None) -> None:
    """Print a message: user strings inside it can never be read as Rich markup."""
    (stream or console).print(safe.console(text), style=style)


def row(table: Table, *cells) -> None:
    """A table row whose cells are shown as written (no markup)."""
    table.add_row(*(safe.console(c) for c in cells))


def _open_store(db: Optional[Path], read_only: bool = False, lang: str = "en"):
    """The store, or a message and exit code 2. ``read_only`` (listing, exports) opens
    an existing DuckDB file without writing, so a read-only file can be read."""
    from ecosystem.geo import Geography
    from ecosystem.storage import open_store
    from ecosystem.storage.store import StoreError

    if os.environ.get(audit.ENV):  # the command line's audit lines: only where asked
        audit.configure()
    try:
        geo = Geography()
        return open_store(db, geo=geo, read_only=read_only), geo
    except StoreError as exc:
        say(exc, "red", err)
        say(t(exc.hint, lang, **exc.params), stream=err)
        raise typer.Exit(2) from exc


def _guarded(store):
    """The store whose writes check the acting user (``--as``; local administrator by default)."""
    from ecosystem.writes import Guarded

    return Guarded(store, cli_access.acting())


def _lang(lang: str) -> str:
    if lang not in LANGS:
        raise typer.BadParameter(f"one of {', '.join(LANGS)}")
    return lang


def _saved_mapping(store, name: str, lang: str):
    """The saved mapping ``name``, or a message listing the saved ones and exit code 2."""
    from ecosystem.ingest import mapping as mp

    saved = mp.SavedMappings(store)
    try:
        return saved.get(name)
    except KeyError:
        names = ", ".join(f"“{n}”" for n in saved.names()) or t("imp.cli.none", lang)
        say(t("imp.cli.mapping_unknown", lang, name=name, names=names), "red", err)
    except ValueError as exc:  # a body saved by an older version that no longer checks
        say(t("imp.maps.bad_file", lang, file=name, detail=str(exc)), "red", err)
    raise typer.Exit(2)


def _is_workbook(path: Path) -> bool:
    with open(path, "rb") as f:
        return f.read(4) == b"PK\x03\x04" and path.suffix.lower() in (".xlsx", ".xlsm")


@app.command("import")
def import_(files: list[Path] = typer.Argument(..., exists=True, dir_okay=False, readable=True,
                                               help="CSV, XLSX, JSON/JS map export or Parquet file(s)"),
            inventory: str = typer.Option(..., "--inventory", "-i",
                                          help="target inventory (created when it does not exist)"),
            sheet: Optional[str] = typer.Option(None, help="XLSX sheet to read (default: the first, or "
                                                           "every sheet of our own export); 'all': every "
                                                           "sheet recognised or mapped, each imported apart"),
            mapping: Optional[str] = typer.Option(None, help="saved column mapping to use "
                                                             "(see: python -m ecosystem mappings list)"),
            merge: str = typer.Option("exact", help="duplicates to merge: exact, all or none"),
            continuation: str = typer.Option(
                "exclude", help="continuation rows (name and identifiers empty, below a named "
                                "record): fold them into the record above, or exclude them "
                                "(listed in the report)"),
            only_active: bool = typer.Option(False, "--only-active", help="skip inactive records"),
            overwrite: bool = typer.Option(False, "--overwrite",
                                           help="merged records take the file's values"),
            dry_run: bool = typer.Option(False, "--dry-run", help="check everything, save nothing"),
            report: Optional[Path] = typer.Option(None, help="write the report (CSV): every problem, "
                                                             "rows merged and rows left out"),
            geometry: str = typer.Option("refuse", help="GeoJSON features that are not points: refuse, "
                                                        "or point-on-surface (their representative point)"),
            links: bool = typer.Option(False, "--links", help="list the structures the file's "
                                       "records form with the inventory's (SIRET, RNA number, "
                                       "SIREN) and their conflicts, as the page's review"),
            keep_apart: list[str] = typer.Option([], "--keep-apart", help="a structure in "
                                                 "conflict (as --links lists it) whose records "
                                                 "are saved apart, not merged; repeatable"),
            lang: str = typer.Option("fr", callback=_lang, help="language of messages: fr or en"),
            db: Optional[Path] = typer.Option(None, help="database file (default $ECOSYSTEM_DB, or the PostgreSQL database of $ECOSYSTEM_DATABASE_URL)")):
    """Import files into an inventory (one transaction per file, or per sheet with --sheet all)."""
    import pandas as pd

    from ecosystem.render.exports import to_csv_bytes
    from ecosystem.ingest import readers

    if merge not in ("exact", "all", "none"):
        raise typer.BadParameter("--merge: exact, all or none")
    if continuation not in ("fold", "exclude"):
        raise typer.BadParameter("--continuation: fold or exclude")
    if geometry not in ("refuse", "point-on-surface"):
        raise typer.BadParameter("--geometry: refuse or point-on-surface")
    store, geo = _open_store(db, lang=lang)
    store = _guarded(store)
    failed = False
    frames: list[pd.DataFrame] = []
    pair_frames: list[pd.DataFrame] = []
    try:
        chosen = _saved_mapping(store, mapping, lang) if mapping else None
        for path in files:
            say(t("imp.cli.file", lang, file=str(path)))
            targets: list[Optional[str]] = [sheet]
            every = sheet == "all"
            if every:
                targets = [None]
                if _is_workbook(path):
                    try:
                        names = readers.xlsx_sheets(path)
                    except readers.ReadError:
                        names = []  # the import below says why
                    if len(set(names) & set(model.TABLES)) < 2:  # not our own export
                        targets = names or [None]
            elif sheet and not _is_workbook(path):
                say(t("imp.cli.sheet_not_xlsx", lang, file=str(path)), "yellow")
            imported = 0
            for target in targets:
                outcome = _import_one(path, store, geo, inventory, target, chosen, mapping, merge,
                                      only_active, overwrite, dry_run, lang, every and target is not None,
                                      frames if report else None, continuation=continuation,
                                      geometry=geometry, pair_frames=pair_frames,
                                      links=links, keep_apart=tuple(keep_apart))
                failed |= outcome is False
                imported += outcome is True
            if every and targets != [None] and not imported:
                say(t("imp.cli.no_sheet", lang, file=str(path)), "red", err)
                failed = True
        if report and frames:
            report.write_bytes(to_csv_bytes(pd.concat(frames, ignore_index=True), sep=";"))
            say(t("imp.cli.report", lang, file=str(report)))
            pairs_file = report.with_name(f"{report.stem}_pairs{report.suffix or '.csv'}")
            pairs = pd.concat(pair_frames, ignore_index=True) if pair_frames else pd.DataFrame()
            pairs_file.write_bytes(to_csv_bytes(pairs, sep=";"))
            say(t("imp.cli.pairs", lang, file=str(pairs_file)))
    finally:
        store.close()
    if failed:
        raise typer.Exit(1)


@app.command("sirene")
def sirene_(inventory: str = typer.Option(..., "--inventory", "-i",
                                          help="target inventory (created when it does not exist)"),
            units: Optional[Path] = typer.Option(None, exists=True, dir_okay=False,
                                                 help="StockUniteLegale (CSV or Parquet)"),
            establishments: Optional[Path] = typer.Option(
                None, exists=True, dir_okay=False, help="StockEtablissement (CSV or Parquet)"),
            ess: str = typer.Option("either", help="ESS scope: either (flag or legal categories), "
                                                   "flag, categories, both, all (no ESS filter)"),
            where: Optional[str] = typer.Option(None, help="territory of the establishments: "
                                                           "reg=53; dep=29,56; epci=…; commune=…"),
            keep: Optional[Path] = typer.Option(None, help="keep the filtered file (Parquet) here"),
            merge: str = typer.Option("exact", help="duplicates to merge: exact, all or none"),
            only_active: bool = typer.Option(False, "--only-active", help="skip closed establishments"),
            dry_run: bool = typer.Option(False, "--dry-run", help="check everything, save nothing"),
            lang: str = typer.Option("fr", callback=_lang, help="language of messages: fr or en"),
            db: Optional[Path] = typer.Option(None, help="database file (default $ECOSYSTEM_DB)")):
    """Import the ESS of a territory from the SIRENE stock files, streamed (docs/import.md)."""
    import tempfile

    from ecosystem.ingest import sirene

    store, geo = _open_store(db, lang=lang)
    store = _guarded(store)
    try:
        with tempfile.TemporaryDirectory(prefix="sirene-") as tmp:
            out = keep or Path(tmp) / "sirene_extract.parquet"
            try:
                zone = sirene.parse_where(where, geo)
                got = sirene.extract(out, units=units, establishments=establishments, ess=ess,
                                     where=zone, geo=geo)
            except sirene.SireneError as exc:
                say(t(exc.key, lang, **exc.params), "red", err)
                raise typer.Exit(2) from exc
            say(t("sirene.cli.extracted", lang, ess=ess, where=where or t("sirene.cli.everywhere", lang),
                  rows=fmt_number(got.rows, lang), units=fmt_number(got.units, lang),
                  seconds=fmt_number(got.seconds, lang, 1)))
            for family, n in sorted(got.families.items()):
                say(t("sirene.cli.families", lang, n=fmt_number(n, lang),
                      family=t(f"sirene.family.{family or 'none'}", lang)))
            if _import_one(out, store, geo, inventory, None, None, None, merge, only_active,
                           False, dry_run, lang, False, None) is False:
                raise typer.Exit(1)
    finally:
        store.close()


@app.command("sirene-counts")
def sirene_counts_(file: Path = typer.Argument(..., exists=True, dir_okay=False,
                                              help="StockEtablissement (CSV or Parquet)"),
                   lang: str = typer.Option("fr", callback=_lang, help="language of messages: fr or en"),
                   db: Optional[Path] = typer.Option(None, help="database file (default $ECOSYSTEM_DB)")):
    """Count every establishment of a StockEtablissement file per commune: the denominator
    of the ESS share of establishments, stored for every inventory, never as actors."""
    from ecosystem import writes
    from ecosystem.access import PermissionDenied
    from ecosystem.ingest import sirene, sirene_counts

    store, geo = _open_store(db, lang=lang)
    try:
        try:
            got = sirene_counts.count(file, geo)
        except sirene.SireneError as exc:
            say(t(exc.key, lang, **exc.params), "red", err)
            raise typer.Exit(2) from exc
        for line in sirene_counts.describe(got, lang):
            say(line)
        try:
            writes.load_establishment_counts(store, cli_access.acting(), got)
        except PermissionDenied as exc:
            say(t("counts.page.admins_only", lang), "red", err)
            raise typer.Exit(2) from exc
        say(t("counts.saved", lang), "green")
    finally:
        store.close()


@app.command("links")
def links_(inventory: str = typer.Option(..., "--inventory", "-i"),
           out: Path = typer.Argument(..., help="structures CSV; beside it <name>_records.csv "
                                                "(rule per record) and <name>_conflicts.csv"),
           lang: str = typer.Option("fr", callback=_lang, help="language of messages: fr or en"),
           db: Optional[Path] = typer.Option(None, help="database file (default $ECOSYSTEM_DB)")):
    """Link an inventory's records across sources (RNA, SIRENE, SCDL) into structures."""
    from ecosystem.ingest import linking
    from ecosystem.render.exports import to_csv_bytes

    store, _ = _open_store(db, read_only=True, lang=lang)
    try:
        if not store.exists(inventory):
            say(t("links.cli.no_inventory", lang, inventory=inventory), "red", err)
            raise typer.Exit(2)
        got = linking.link_inventory(store, store.ref(inventory))
    finally:
        store.close()
    stem, suffix = out.stem, out.suffix or ".csv"
    out.write_bytes(to_csv_bytes(got.structures, sep=";"))
    out.with_name(f"{stem}_records{suffix}").write_bytes(to_csv_bytes(got.records, sep=";"))
    out.with_name(f"{stem}_conflicts{suffix}").write_bytes(to_csv_bytes(got.conflicts, sep=";"))
    n = got.summary()
    say(t("links.cli.summary", lang, records=fmt_number(n["records"], lang),
          structures=fmt_number(n["structures"], lang), linked=fmt_number(n["linked"], lang),
          conflicts=fmt_number(n["conflicts"], lang), file=str(out)))


def _import_one(path, store, geo, inventory, sheet, chosen, mapping_name, merge, only_active,
                overwrite, dry_run, lang, known_only, frames, *, continuation="exclude",
                geometry="refuse", pair_frames=None, links=False, keep_apart=()):
    """One file (or one sheet): True imported, False refused, None skipped (not recognised)."""
    from ecosystem.access import PermissionDenied
    from ecosystem.ingest.pipeline import ImportError_, NotRecognised, run_import

    if store.exists(inventory):  # refused before reading the file, not only at the save
        denied = None if dry_run else _denied(store, inventory, "import")
    else:
        from ecosystem.access import may_create
        denied = None if dry_run or may_create(cli_access.acting()) else "create"
    if denied:
        say(t("access.denied", lang, user=cli_access.acting().label, inventory=inventory,
              action=t(f"access.action.{denied}", lang)), "red", err)
        return False

    with Progress(TextColumn("{task.description:<22}"), BarColumn(), TimeElapsedColumn(),
                  console=console, transient=True) as progress:
        task = progress.add_task(safe.console(t("imp.stage.sniff", lang)), total=len(STAGES))

        def step(stage: str, fraction: float) -> None:
            if stage in STAGES:
                progress.update(task, description=safe.console(t(f"imp.stage.{stage}", lang)),
                                completed=STAGES.index(stage) + fraction)

        try:
            imp, ref = run_import(path, store, inventory, geo=geo, sheet=sheet, mapping=chosen,
                                  mapping_name=mapping_name, merge=merge, only_active=only_active,
                                  overwrite=overwrite, progress=step, dry_run=dry_run,
                                  known_only=known_only, continuation=continuation,
                                  geometry=geometry, links=links, keep_apart=keep_apart)
        except NotRecognised as exc:
            say(t(exc.key, lang, **exc.params), "yellow")
            return None
        except ImportError_ as exc:
            if exc.key == "imp.err.unmapped":
                say(t("imp.cli.unmapped", lang, **exc.params), "red", err)
            else:
                say(t(exc.key, lang, **exc.params), "red", err)
            line_key = "imp.err.geometry_line" if exc.key == "imp.err.geometry" else "imp.err.ragged_line"
            for line in exc.lines[:20]:
                say("  " + t(line_key, lang, **line), stream=err)
            if exc.key == "imp.err.geometry":
                say(t("imp.err.geometry_hint", lang), stream=err)
            return False
        except model.ValidationError as exc:
            for issue in exc.issues[:20]:
                say(issue.message(lang), "red", err)
            return False
        except PermissionDenied as exc:
            say(t(exc.hint, lang, **{**exc.params, "action": t(f"access.action.{exc.action}", lang)}),
                "red", err)
            return False
    try:
        for part in imp.parts:
            if part.raw.notes.get("point_on_surface"):
                say(num.plural("imp.geometry.converted", part.raw.notes["point_on_surface"], lang),
                    "yellow")
        _print_summary(imp, lang, other_sheets=not known_only)
        if frames is not None:
            for part in imp.parts:
                frame = imp.report(part.index, lang)
                frame.insert(0, "table", part.table)
                frame.insert(0, "sheet", part.raw.sheet or "")
                frame.insert(0, "file", str(path))
                frames.append(frame)
        if pair_frames is not None:
            pair_frames.append(_pairs_frame(imp, lang))
        if ref is not None:
            say(t("imp.cli.saved", lang, inventory=inventory,
                  actors=num.plural("count.actors", store.info(inventory)["n_actors"], lang)), "green")
        else:
            say(t("imp.cli.dry_run", lang))
    finally:
        imp.close()
    return True


def _denied(store, inventory: str, action: str) -> str | None:
    from ecosystem import access

    return None if access.allowed(store, cli_access.acting(), inventory, action) else action


def _mapping_lines(entry: dict, lang: str) -> tuple[str, Table]:
    """What the summary says of a part's mapping: how it was chosen, and a table
    field ← file column(s)."""
    m = entry["mapping"]
    origin = {"recognised": ("imp.origin.recognised", {"format": t(f"imp.format.{entry['format']}", lang)}),
              "saved": ("imp.origin.saved", {"name": m["name"]}),
              "given": ("imp.origin.given_cli", {"name": m["name"]}),
              "manual": ("imp.origin.manual", {}),
              "auto": ("imp.origin.auto", {})}[m["origin"]]
    table = Table(title=safe.console(t("imp.map.fields_title", lang)), title_justify="left")
    for key in ("imp.map.col.columns", "imp.map.col.field", "imp.map.col.how"):
        table.add_column(safe.console(t(key, lang)))
    for f in m["fields"]:
        if f["columns"]:
            source = ", ".join(f["columns"])
        elif f["constant"] is not None:
            source = t("imp.map.constant", lang, value=f["constant"])
        else:
            source = t("imp.map.generated", lang)
        row(table, source, f["field"], f["how"])
    for field_, value in m["defaults"].items():
        row(table, t("imp.map.default", lang, value=value), field_, "")
    return t(origin[0], lang, **origin[1]), table


def _pairs_frame(imp, lang: str):
    """The likely duplicate pairs of every part: rule, score, decision, both records."""
    import pandas as pd

    frames = []
    for part in imp.parts:
        p = imp.pairs(part.index, limit=None)
        frames.append(pd.DataFrame({
            "table": part.table, "kind": p.kind, "rule": p.basis, "score": p.score.round(0).astype("Int64"),
            "merged": p["merge"].map({True: t("imp.pairs.merged_yes", lang),
                                      False: t("imp.pairs.merged_no", lang)}),
            "row": p.a_row, "name": p.a_name, "commune": p.a_commune, "other_in": p.b_where,
            "other_ref": p.b_ref, "other_name": p.b_name, "other_commune": p.b_commune}))
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def _print_links(got, lang: str) -> None:
    """The import's linking review (as the page's): counts, the structures of several
    records with their identifiers, the conflicts and how to keep one apart."""
    say(t("links.review.summary", lang, **{k: fmt_number(v, lang) for k, v in got.summary().items()
                                           if k in ("records", "structures", "linked", "conflicts")}))
    several = got.structures[got.structures.n_records > 1]
    if not several.empty:
        cols = ["structure", "n_records", "sirens", "sirets", "rna_ids", "actor_ids"]
        table = Table(title=safe.console(t("links.review.structures", lang)))
        for c in cols:
            table.add_column(safe.console(t(f"links.col.{c}", lang)), overflow="fold")
        for values in several[cols].fillna("").itertuples(index=False):
            row(table, *[str(v) for v in values])
        console.print(table)
    if not got.conflicts.empty:  # one line each: the structure is what --keep-apart takes
        say(t("links.cli.conflicts", lang))
        for c in got.conflicts.itertuples(index=False):
            say(f"  {c.structure} {c.kind} {c.values} {c.actor_ids}")
        say(t("links.cli.keep_apart_hint", lang))


def _print_scdl(imp, lang: str) -> None:
    """SCDL grants: beneficiaries matched / new / unmatched, amounts per funder, the
    inventory's territory and the grants to beneficiaries outside it."""
    import pandas as pd

    from ecosystem.ingest import scdl

    found = scdl.report(imp)
    say(t("imp.scdl.rows", lang))
    say(t("imp.scdl.grants", lang, **{k: fmt_number(v, lang) for k, v in found["grants"].items()}))
    frame = scdl.funders_frame(found, lang)
    table = Table(title=safe.console(t("imp.scdl.funders", lang)))
    for i, col in enumerate(frame.columns):
        table.add_column(safe.console(col), justify="right" if i >= 2 else "left")
    for name, id_, n, amount in frame.itertuples(index=False):
        row(table, name, id_, fmt_number(n, lang), fmt_number(amount, lang, decimals=2))
    console.print(table)
    say(scdl.territory_text(found, imp.geo, lang))
    flagged = scdl.outside(imp, lang)
    if len(flagged):
        table = Table(title=safe.console(t("imp.scdl.outside", lang)))
        for i, col in enumerate(flagged.columns):
            table.add_column(safe.console(col), justify="right" if i in (0, 4, 5) else "left")
        for r, who, commune, funder, amount, year in flagged.itertuples(index=False):
            row(table, str(r), who, commune, funder, fmt_number(amount, lang, decimals=2),
                "" if pd.isna(year) else str(int(year)))
        console.print(table)


def _print_summary(imp, lang: str, other_sheets: bool = True) -> None:
    summary = imp.summary()
    from ecosystem.ingest.sniff import encoding_name

    say(t("imp.cli.detected", lang, kind=summary["kind"],
          encoding=encoding_name(summary["encoding"]) or "—",
          delimiter=repr(summary["delimiter"]) if summary["delimiter"] else "—"))
    from ecosystem.ingest.pipeline import mixed_encoding_message
    mixed = mixed_encoding_message(summary, lang)
    if mixed:
        say(mixed, "yellow")
    read_sheets = {p["sheet"] for p in summary["parts"]}
    for part in summary["parts"]:
        if part["sheet"]:
            say(t("imp.sum.sheet", lang, sheet=part["sheet"]))
        origin, fields = _mapping_lines(part, lang)
        say(origin)
        console.print(fields)
        ignored = part["mapping"]["ignored"]
        say(t("imp.map.ignored", lang, n=len(ignored), columns=", ".join(ignored)) if ignored
            else t("imp.map.ignored_none", lang))
        label = (t(f"imp.format.{part['format']}", lang) if part["format"] != "custom"
                 else (part["sheet"] or summary["file"]))
        table = Table(title=safe.console(label + " → " + t(f"table.{part['table']}", lang)))
        table.add_column(safe.console(t("imp.cli.what", lang)))
        table.add_column(safe.console(t("imp.cli.count", lang)), justify="right")
        rows = [("imp.sum.read", part["rows"]), ("imp.sum.excluded", part.get("excluded", 0)),
                ("imp.sum.cleared", part.get("issues", {}).get("cleared", 0)),
                ("imp.sum.merged_file", part.get("merged_in_file", 0)),
                ("imp.sum.merged_inventory", part.get("merged_into_inventory", 0)),
                ("imp.sum.filtered", part.get("filtered", 0)),
                ("imp.sum.insert", part.get("insert", 0))]
        if "active" in part:
            rows.insert(1, ("imp.sum.active", part["active"]))
        for key, n in rows:
            row(table, t(key, lang), num.number(n, lang))
        geo = part.get("geo")
        if geo:
            for method, n in sorted(geo["by_method"].items(), key=lambda kv: -kv[1]):
                if method == "none":
                    continue
                row(table, t("imp.cli.geo_method", lang, method=model.voc.GEO_METHODS.label(method, lang)),
                    num.number(n, lang))
            for reason, n in sorted(geo["unplaced"].items(), key=lambda kv: -kv[1]):
                row(table, t("imp.cli.geo_reason", lang, reason=t(f"imp.geo.reason.{reason}", lang)),
                    num.number(n, lang))
        pairs = part.get("pairs", {})
        for kind in ("exact", "fuzzy"):
            if pairs.get(kind):
                row(table, t(f"imp.sum.pairs_{kind}", lang), num.number(pairs[kind], lang))
        console.print(table)
        b = part.get("balance")
        if b:
            numbers = {k: num.number(v, lang) for k, v in b.items()}
            ok = b["read"] == b["saved"] + b["merged"] + b["excluded"]
            say(t("imp.sum.balance" if ok else "imp.sum.unbalanced", lang, **numbers),
                "green" if ok else "red")
        if part.get("from_unit"):  # SIRENE establishments after their legal units
            say(num.plural("sirene.from_unit", part["from_unit"], lang))
        if part.get("without_unit"):
            say(num.plural("sirene.without_unit", part["without_unit"], lang), "yellow")
    if imp.prepared and any(p.format == "scdl" for p in imp.parts):
        _print_scdl(imp, lang)
    for got in imp.link_reviews.values():  # --links / --keep-apart
        _print_links(got, lang)
    others = [s for s in summary["sheets"] if s not in read_sheets]
    if other_sheets and others and summary["kind"] == "xlsx":
        say(t("imp.cli.sheets_other", lang, sheets=", ".join(f"“{s}”" for s in others)))


@app.command()
def export(inventory: str = typer.Option(..., "--inventory", "-i"),
           format: str = typer.Option("csv", "--format", "-f",
                                      help="csv, xlsx or parquet (tables); gpkg or geojson (a map view)"),
           out: Path = typer.Argument(..., help="file (xlsx, gpkg, geojson, or one table) or directory"),
           table: Optional[list[str]] = typer.Option(None, help="tables to export (default: all)"),
           db: Optional[Path] = typer.Option(None, help="database file (default $ECOSYSTEM_DB)"),
           view: str = typer.Option("", help="gpkg/geojson: the map view as the app's URL query, "
                                             "e.g. 'level=commune&terr=departement:44&types=association'"),
           layer: str = typer.Option("territories", help="geojson: territories or actors"),
           lang: str = typer.Option("fr", help="gpkg/geojson: language of the definitions (fr, en)")):
    """Export an inventory (flat values, spreadsheet formulas neutralised), or a map
    view as GeoPackage / GeoJSON for GIS tools."""
    from ecosystem.render.exports import export_inventory, xlsx_cut_message
    from ecosystem.storage.store import StoreError

    from ecosystem import access

    if format in ("gpkg", "geojson"):
        _export_geo(inventory, format, out, db, view, layer, _lang(lang))
        return
    store, _ = _open_store(db, read_only=True)
    report: dict = {}
    try:
        if store.exists(inventory):
            access.require(store, cli_access.acting(), inventory, "read_records")
        personal = not store.exists(inventory) or \
            access.allowed(store, cli_access.acting(), inventory, "read_personal")
        written = export_inventory(store, inventory, format, out, table, report=report,
                                   personal=personal)
    except (ValueError, StoreError) as exc:
        say(exc, "red", err)
        raise typer.Exit(1) from exc
    finally:
        store.close()
    for path in written:
        say(str(path))
    if report.get("xlsx_cut"):
        say(xlsx_cut_message(report["xlsx_cut"], "en"), stream=err)


def _export_geo(inventory: str, format: str, out: Path, db, view: str, layer: str, lang: str):
    """A map view (filters from a URL query) as GeoPackage or GeoJSON."""
    from urllib.parse import parse_qsl

    from ecosystem import access
    from ecosystem.analysis.view import Filters, View
    from ecosystem.geo import is_zoning_level
    from ecosystem.render import geo_exports
    from ecosystem.storage.store import StoreError

    filters = Filters.from_params(dict(parse_qsl(view.lstrip("?"))))
    # a user zoning's level places the actors in its zones (written once in the store):
    # the store is opened for writing and its geography answers the zonings
    zoned = is_zoning_level(filters.level)
    store, geo = _open_store(db, read_only=not zoned)
    try:
        if zoned:
            from ecosystem.storage import zonings as zstore
            geo = zstore.geography(store, geo)
        ref = access.ref_for(store, cli_access.acting(), inventory)
        v = View(store, ref, filters)
        data = geo_exports.to_gpkg(v, geo, lang=lang, personal=ref.personal) if format == "gpkg" \
            else geo_exports.to_geojson(v, geo, layer, lang=lang, personal=ref.personal)
    except (ValueError, KeyError, StoreError) as exc:
        say(exc, "red", err)
        raise typer.Exit(1) from exc
    finally:
        store.close()
    out.write_bytes(data)
    say(str(out))


@app.command()
def inventories(db: Optional[Path] = typer.Option(None, help="database file (default $ECOSYSTEM_DB)")):
    """List the inventories of the database."""
    from ecosystem.members import readable_inventories

    store, _ = _open_store(db, read_only=True)
    try:
        listing = store.list()
        listing = listing[listing.name.isin(readable_inventories(store, cli_access.acting()))]
    finally:
        store.close()
    table = Table()
    for col in ("name", "n_actors", "n_projects", "version", "updated_at"):
        table.add_column(col)
    for r in listing.itertuples():
        row(table, r.name, r.n_actors, r.n_projects, r.version, r.updated_at)
    console.print(table)


# ------------------------------------------------------------------ saved mappings
@maps_app.command("list")
def mappings_list(lang: str = typer.Option("fr", callback=_lang, help="fr or en"),
                  db: Optional[Path] = typer.Option(None, help="database file (default $ECOSYSTEM_DB)")):
    """List the saved column mappings."""
    from ecosystem.ingest import mapping as mp

    store, _ = _open_store(db)
    try:
        listing = mp.SavedMappings(store).listing()
    finally:
        store.close()
    if listing.empty:
        say(t("imp.maps.empty", lang))
        return
    table = Table()
    for key in ("imp.maps.col.name", "imp.maps.col.table", "imp.maps.col.fields", "imp.maps.col.updated"):
        table.add_column(safe.console(t(key, lang)))
    for r in listing.itertuples():
        try:
            fields = ", ".join(sorted(mp.Mapping.from_json(r.body).used()))
        except ValueError as exc:
            fields = str(exc)
        row(table, r.name, r.target, fields, r.updated_at)
    console.print(table)


@maps_app.command("show")
def mappings_show(name: str = typer.Argument(..., help="name of the saved mapping"),
                  lang: str = typer.Option("fr", callback=_lang, help="fr or en"),
                  db: Optional[Path] = typer.Option(None, help="database file (default $ECOSYSTEM_DB)")):
    """Print a saved mapping as a mapping file (JSON; 'mappings save' reads it back)."""
    from ecosystem.ingest import mapping as mp

    store, _ = _open_store(db)
    try:
        mapping = _saved_mapping(store, name, lang)
        sig = mp.SavedMappings(store).signature_of(name)
    finally:
        store.close()
    typer.echo(safe.strip_controls(mp.dump_file(name, mapping, sig)))


@maps_app.command("save")
def mappings_save(name: str = typer.Argument(..., help="name to save the mapping under"),
                  from_file: Path = typer.Argument(..., exists=True, dir_okay=False, readable=True,
                                                   help="mapping file (JSON, see docs/import.md)"),
                  lang: str = typer.Option("fr", callback=_lang, help="fr or en"),
                  db: Optional[Path] = typer.Option(None, help="database file (default $ECOSYSTEM_DB)")):
    """Save (or replace) a mapping from a JSON mapping file."""
    import json

    from ecosystem.ingest import mapping as mp

    try:
        mapping, columns, sig = mp.load_file(from_file.read_text(encoding="utf-8-sig"))
    except json.JSONDecodeError as exc:
        say(t("imp.maps.bad_json", lang, file=str(from_file), line=exc.lineno, column=exc.colno,
              detail=exc.msg), "red", err)
        raise typer.Exit(2) from exc
    except (ValueError, UnicodeDecodeError) as exc:
        say(t("imp.maps.bad_file", lang, file=str(from_file), detail=str(exc)), "red", err)
        raise typer.Exit(2) from exc
    store, _ = _open_store(db)
    try:
        try:
            mp.SavedMappings(store).save(name, mapping, columns, sig)
        except ValueError as exc:
            say(t("imp.maps.bad_file", lang, file=str(from_file), detail=str(exc)), "red", err)
            raise typer.Exit(2) from exc
    finally:
        store.close()
    say(t("imp.maps.saved", lang, name=name.strip(), table=mapping.table, n=len(mapping.used())), "green")


@maps_app.command("delete")
def mappings_delete(name: str = typer.Argument(..., help="name of the saved mapping"),
                    lang: str = typer.Option("fr", callback=_lang, help="fr or en"),
                    db: Optional[Path] = typer.Option(None, help="database file (default $ECOSYSTEM_DB)")):
    """Delete a saved mapping."""
    from ecosystem.ingest import mapping as mp

    store, _ = _open_store(db)
    try:
        saved = mp.SavedMappings(store)
        if not saved.delete(name):
            names = ", ".join(f"“{n}”" for n in saved.names()) or t("imp.cli.none", lang)
            say(t("imp.cli.mapping_unknown", lang, name=name, names=names), "red", err)
            raise typer.Exit(2)
    finally:
        store.close()
    say(t("imp.maps.deleted", lang, name=name))


from ecosystem import cli_access  # noqa: E402 - members, visibility, erase, --as

cli_access.register(app, say=say, row=row, open_store=_open_store, err=err, console=console,
                    lang_option=_lang)

from ecosystem import cli_history  # noqa: E402 - history, revert, as-of

cli_history.register(app, say=say, row=row, open_store=_open_store, err=err, console=console,
                     lang_option=_lang)

if __name__ == "__main__":
    app()
