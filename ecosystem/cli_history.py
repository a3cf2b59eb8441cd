"""Command line of the change log (registered on ``python -m ecosystem``):

::

    python -m ecosystem history -i INVENTORY                     # the latest change sets
    python -m ecosystem history -i INVENTORY --user sub-bob --since 2026-03-01 --origin edit
    python -m ecosystem history -i INVENTORY --record A1         # one record's changes
    python -m ecosystem history -i INVENTORY --table partners --record "P2;A1"
    python -m ecosystem revert CHANGE_SET                         # undo one change set
    python -m ecosystem as-of -i INVENTORY 2025-05-31 [--table projects] [--out file.csv]

They act as the implicit administrator unless ``python -m ecosystem --as USER …``
names the acting user, whose permissions are checked like the app's (reading a
history or an inventory as of a date needs ``read_records``; personal fields are
left out without ``read_personal``; a revert needs ``edit``). Every value is
printed through :func:`ecosystem.render.safe.console` (``say`` / ``row``), files
are written with :func:`ecosystem.render.exports.to_csv_bytes`.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Callable, Optional

import typer
from rich.table import Table

from ecosystem import access, model
from ecosystem.i18n import t
from ecosystem.storage.changelog import ORIGINS

LINK_SEP = ";"  # the parts of a composite key on the command line ("P2;A1")


def parse_when(text: str) -> dt.date | dt.datetime | None:
    """``YYYY-MM-DD`` (the end of that day) or ``YYYY-MM-DDTHH:MM[:SS]`` (UTC); None if neither."""
    text = text.strip()
    for parse in (dt.date.fromisoformat, dt.datetime.fromisoformat):
        try:
            value = parse(text)
        except ValueError:
            continue
        return value.replace(tzinfo=None) if isinstance(value, dt.datetime) else value
    return None


def register(app: typer.Typer, *, say: Callable, row: Callable, open_store: Callable, err,
             console, lang_option: Callable) -> None:
    """Add ``history``, ``revert`` and ``as-of`` to ``app``."""
    from ecosystem import editing, numbers
    from ecosystem.cli_access import acting
    from ecosystem.render import exports
    from ecosystem.storage.store import StoreError

    DB = typer.Option(None, help="database file (default $ECOSYSTEM_DB, or the PostgreSQL "
                                 "database of $ECOSYSTEM_DATABASE_URL)")
    LANG = typer.Option("fr", callback=lang_option, help="language of messages: fr or en")
    INVENTORY = typer.Option(..., "--inventory", "-i")
    TABLE = typer.Option("actors", "--table", help="actors, projects, partners, fundings, "
                                                   "memberships, partnerships or scores")

    def run(db, lang: str, call, read_only: bool = False):
        store, _ = open_store(db, read_only=read_only, lang=lang)
        try:
            return call(store)
        except StoreError as exc:
            say(t(exc.hint, lang, **exc.params), "red", err)
            raise typer.Exit(1 if isinstance(exc, access.PermissionDenied) else 2) from exc
        finally:
            store.close()

    def check_table(table: str, lang: str, kinds=tuple(model.TABLES)) -> None:
        if table not in kinds:
            say(t("hist.cli.bad_table", lang, value=table, allowed=", ".join(kinds)), "red", err)
            raise typer.Exit(2)

    def origin(r, lang: str) -> str:
        text = t(f"edit.origin.{r.origin}", lang)
        return f"{text} ({r.file_name})" if r.file_name and r.origin in ("import", "revert") else text

    @app.command("history")
    def history(inventory: str = INVENTORY, table: str = TABLE,
                record: Optional[str] = typer.Option(
                    None, "--record", help=f"the record's id; a link's key parts joined by "
                                           f"'{LINK_SEP}' (partners: \"P2{LINK_SEP}A1\")"),
                limit: int = typer.Option(50, "--limit", help="change sets listed without --record"),
                user: Optional[str] = typer.Option(None, "--user", help="change sets by this user "
                                                                        "(id or name)"),
                since: Optional[str] = typer.Option(None, "--since", help="from this day (YYYY-MM-DD)"),
                until: Optional[str] = typer.Option(None, "--until", help="to this day (YYYY-MM-DD)"),
                origins: Optional[list[str]] = typer.Option(None, "--origin", help="edit, import, "
                                                            "merge, contribution or revert"),
                lang: str = LANG, db: Optional[Path] = DB):
        """The change log: one record's changes (--record), or the inventory's latest change
        sets (filtered by --user, --since, --until, --origin)."""
        check_table(table, lang)
        days = {}
        for name, text in (("since", since), ("until", until)):
            if text is not None:
                days[name] = parse_when(text)
                if not isinstance(days[name], dt.date) or isinstance(days[name], dt.datetime):
                    say(t("hist.cli.bad_day", lang, value=text), "red", err)
                    raise typer.Exit(2)
        if origins and set(origins) - set(ORIGINS):
            say(t("hist.cli.bad_origin", lang, value=", ".join(sorted(set(origins) - set(ORIGINS))),
                  allowed=", ".join(ORIGINS)), "red", err)
            raise typer.Exit(2)
        if record is None:
            def sets(store):
                access.require(store, acting(), inventory, "read_records")
                return editing.change_sets(store, inventory, limit, who=user, origins=origins or None,
                                           **days)

            df = run(db, lang, sets, read_only=True)
            grid = Table()
            for key in ("hist.cli.col.change_set", "edit.col.when", "edit.col.who", "edit.col.origin",
                        "hist.cli.col.rows"):
                grid.add_column(t(key, lang))
            for r in df.itertuples():
                row(grid, r.change_set, numbers.moment(r.saved_at, lang), r.user_label or "?",
                    origin(r, lang), numbers.number(r.n_rows, lang))
            console.print(grid)
            return
        key = tuple(record.split(LINK_SEP)) if len(model.TABLES[table].key) > 1 else record
        try:
            h = run(db, lang, lambda store: editing.history(store, inventory, table, key, user=acting()),
                    read_only=True)
        except ValueError:  # a key with the wrong number of parts
            say(t("hist.cli.bad_key", lang, value=record, table=table,
                  parts=LINK_SEP.join(model.TABLES[table].key)), "red", err)
            raise typer.Exit(2) from None
        if h.empty:
            say(t("edit.history.empty", lang), "yellow")
            return
        grid = Table()
        for key_ in ("edit.col.when", "edit.col.who", "edit.col.field", "edit.col.before",
                     "edit.col.after", "edit.col.origin", "hist.cli.col.change_set"):
            grid.add_column(t(key_, lang))
        for r in h.itertuples():
            row(grid, numbers.moment(r.saved_at, lang), r.user_label or "?",
                r.field or t(f"edit.op.{r.op}", lang), (r.old_value or "")[:200], r.new_value or "",
                origin(r, lang), r.change_set)
        console.print(grid)

    @app.command("revert")
    def revert(change_set: str = typer.Argument(..., help="the change set (see `history`)"),
               lang: str = LANG, db: Optional[Path] = DB):
        """Undo one change set (an edit, an import, a moderation decision, a revert)."""
        new = run(db, lang, lambda store: editing.revert(store, acting(), change_set))
        say(t("hist.cli.reverted", lang, change_set=change_set, new=new), "green")

    @app.command("as-of")
    def as_of(when: str = typer.Argument(..., help="YYYY-MM-DD (the end of that day) or "
                                                   "YYYY-MM-DDTHH:MM (UTC)"),
              inventory: str = INVENTORY,
              table: str = typer.Option("actors", "--table", help="actors or projects"),
              out: Optional[Path] = typer.Option(None, "--out", help="write the table as CSV"),
              lang: str = LANG, db: Optional[Path] = DB):
        """An inventory's actors or projects as they were on a date."""
        check_table(table, lang, ("actors", "projects"))
        moment = parse_when(when)
        if moment is None:
            say(t("hist.cli.bad_date", lang, value=when), "red", err)
            raise typer.Exit(2)

        def read(store):
            access.require(store, acting(), inventory, "read_records")
            frame = editing.as_of(store, inventory, moment, kinds=(table,))[table]
            if not access.allowed(store, acting(), inventory, "read_personal"):
                frame = frame.drop(columns=model.personal_columns(table))
            return frame

        frame = run(db, lang, read, read_only=True)
        shown = numbers.date(moment, lang) if not isinstance(moment, dt.datetime) \
            else numbers.moment(moment, lang)
        say(t("hist.cli.as_of", lang, inventory=inventory, when=shown,
              count=numbers.plural(f"hist.cli.count.{table}", len(frame), lang)))
        if out is not None:
            out.write_bytes(exports.to_csv_bytes(frame))
            say(t("hist.cli.written", lang, path=str(out)), "green")
