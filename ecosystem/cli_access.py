"""Command line of access and personal data (registered on ``python -m ecosystem``):

::

    python -m ecosystem members list INVENTORY
    python -m ecosystem members grant INVENTORY USER ROLE     # USER: the provider's sub, or an e-mail
    python -m ecosystem members revoke INVENTORY USER
    python -m ecosystem members history INVENTORY            # who gave whom which role, when
    python -m ecosystem members deleted                      # inventories deleted: who, when
    python -m ecosystem visibility INVENTORY private|public_aggregates|public
    python -m ecosystem erase --inventory INVENTORY --match "e-mail, name or phone"
    python -m ecosystem delete INVENTORY --yes                # an inventory, for good

The command line runs on the server, with the database file: it acts as the
implicit administrator (:data:`ecosystem.access.LOCAL_ADMIN`) unless
``python -m ecosystem --as USER …`` names the acting user, whose permissions are
then checked like the app's.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Optional

import typer
from rich.table import Table

from ecosystem import access
from ecosystem.i18n import t

#: the acting user of this run (``--as``)
ACTING: dict[str, access.User] = {"user": access.LOCAL_ADMIN}


def acting() -> access.User:
    return ACTING["user"]


def user_from_cli(who: str | None) -> access.User:
    """``--as`` value → User: an e-mail address is taken as verified (the operator says so)."""
    if not who:
        return access.LOCAL_ADMIN
    who = who.strip()
    return access.User(who.lower() if "@" in who else who, email=who.lower() if "@" in who else "")


def register(app: typer.Typer, *, say: Callable, row: Callable, open_store: Callable, err,
             console, lang_option: Callable) -> None:
    """Add ``members``, ``visibility``, ``erase`` and ``delete`` to ``app`` and its ``--as`` option."""
    from ecosystem import members as mb
    from ecosystem import privacy
    from ecosystem.storage.store import StoreError

    @app.callback()
    def main(as_: Optional[str] = typer.Option(
            None, "--as", help="act as this user (the identity provider's sub, or an e-mail); "
                               "default: the local administrator")):
        """Social innovation ecosystems: import and export inventories."""
        ACTING["user"] = user_from_cli(as_)

    members_app = typer.Typer(no_args_is_help=True, help="Members of an inventory: list, grant, revoke, history.")
    app.add_typer(members_app, name="members")
    DB = typer.Option(None, help="database file (default $ECOSYSTEM_DB, or the PostgreSQL "
                                 "database of $ECOSYSTEM_DATABASE_URL)")
    LANG = typer.Option("fr", callback=lang_option, help="language of messages: fr or en")

    def fail(exc: StoreError, lang: str):
        say(t(exc.hint, lang, **exc.params), "red", err)
        raise typer.Exit(1 if isinstance(exc, access.PermissionDenied) else 2) from exc

    def with_store(db, lang: str, call, read_only: bool = False):
        """``call(store)`` on the command's store, closed after; a store error ends the
        command with its message (exit 1 when refused, 2 otherwise)."""
        store, _ = open_store(db, read_only=read_only, lang=lang)
        try:
            return call(store)
        except StoreError as exc:
            fail(exc, lang)
        finally:
            store.close()

    @members_app.command("list")
    def members_list(inventory: str = typer.Argument(...), lang: str = LANG,
                     db: Optional[Path] = DB):
        """List the members of an inventory and its visibility."""
        df, vis = with_store(db, lang, lambda store: (mb.members(store, acting(), inventory),
                                                      store.visibility(inventory)), read_only=True)
        say(t("access.cli.visibility_is", lang, inventory=inventory,
              visibility=t(f"access.visibility.{vis}", lang)))
        table = Table()
        for col in ("user_id", "email", "role", "granted_by", "granted_at"):
            table.add_column(col)
        for r in df.itertuples():
            row(table, r.user_id, r.email or "", r.role, r.granted_by or "", r.granted_at)
        console.print(table)

    @members_app.command("history")
    def members_history(inventory: str = typer.Argument(...), lang: str = LANG,
                        db: Optional[Path] = DB):
        """Who gave whom which role, who revoked it, who changed the visibility, and when
        (newest first; administrators only)."""
        df = with_store(db, lang, lambda store: mb.history(store, acting(), inventory), read_only=True)
        if df.empty:
            say(t("team.cli.history_empty", lang, inventory=inventory), "yellow")
            return
        table = Table()
        for col in ("changed_at", "by", "action", "user_id", "before", "after"):
            table.add_column(col)
        for r in df.itertuples():
            row(table, r.changed_at, r.actor_label or r.actor_id or "", r.action, r.user_id or "",
                r.old_value or "", r.new_value or "")
        console.print(table)

    @members_app.command("deleted")
    def members_deleted(lang: str = LANG, db: Optional[Path] = DB):
        """Inventories deleted from the store: who, when, the name (the operator's: local
        mode only)."""
        df = with_store(db, lang, lambda store: mb.deletions(store, acting()), read_only=True)
        if df.empty:
            say(t("team.cli.deleted_empty", lang), "yellow")
            return
        table = Table()
        for col in ("changed_at", "by", "inventory"):
            table.add_column(col)
        for r in df.itertuples():
            row(table, r.changed_at, r.actor_label or r.actor_id or "", r.old_value or "")
        console.print(table)

    @members_app.command("grant")
    def members_grant(inventory: str = typer.Argument(...),
                      user: str = typer.Argument(..., help="the provider's sub, or an e-mail"),
                      role: str = typer.Argument(..., help="viewer, editor or admin"),
                      lang: str = LANG, db: Optional[Path] = DB):
        """Give a user a role on an inventory (or change it)."""
        with_store(db, lang, lambda store: mb.grant(store, acting(), inventory, user, role))
        say(t("access.cli.granted", lang, user=user, role=t(f"access.role.{role}", lang),
              inventory=inventory), "green")

    @members_app.command("revoke")
    def members_revoke(inventory: str = typer.Argument(...),
                       user: str = typer.Argument(..., help="the provider's sub, or an e-mail"),
                       lang: str = LANG, db: Optional[Path] = DB):
        """Remove a user from an inventory's members."""
        done = with_store(db, lang, lambda store: mb.revoke(store, acting(), inventory, user))
        key = "access.cli.revoked" if done else "access.cli.not_member"
        say(t(key, lang, user=user, inventory=inventory), "green" if done else "yellow")

    @app.command("visibility")
    def visibility(inventory: str = typer.Argument(...),
                   value: str = typer.Argument(..., help="private, public_aggregates or public"),
                   lang: str = LANG, db: Optional[Path] = DB):
        """Who may read an inventory without being a member: nobody (private), anyone as
        aggregates only (public_aggregates), anyone (public)."""
        with_store(db, lang, lambda store: mb.set_visibility(store, acting(), inventory, value))
        say(t("access.cli.visibility_is", lang, inventory=inventory,
              visibility=t(f"access.visibility.{value}", lang)), "green")

    @app.command("erase")
    def erase(inventory: str = typer.Option(..., "--inventory", "-i"),
              match: str = typer.Option(..., "--match", help="e-mail, name or phone, as stored"),
              lang: str = LANG, db: Optional[Path] = DB):
        """Blank the personal fields of every record where one of them is MATCH (one transaction)."""
        done = with_store(db, lang, lambda store: privacy.erase(store, acting(), inventory, match))
        if done.empty:
            say(t("access.cli.erased_none", lang, inventory=inventory), "yellow")
            return
        for r in done.itertuples():
            say(t("access.cli.erased_field", lang, table=t(f"table.{r.table}", lang), record=r.key,
                  column=r.column))
        from ecosystem.numbers import plural

        say(t("access.cli.erased", lang, fields=plural("access.count.fields", len(done), lang),
              records=plural("access.count.records", done.key.nunique(), lang),
              inventory=inventory), "green")

    @app.command("delete")
    def delete(inventory: str = typer.Argument(...),
               yes: bool = typer.Option(False, "--yes", help="delete for good (it cannot be undone)"),
               lang: str = LANG, db: Optional[Path] = DB):
        """Delete an inventory with its records, change log, proposals and members
        (administrators; cannot be undone: without --yes, says what would go)."""
        from ecosystem import writes
        from ecosystem.numbers import plural

        def act(store):
            access.require(store, acting(), inventory, "manage")  # an unknown name: same refusal
            if yes:
                writes.delete(store, acting(), inventory)
                return None
            ref = store.ref(inventory)
            return store.list().set_index("name").loc[ref.name, ["n_actors", "n_projects"]]

        counts = with_store(db, lang, act)
        if counts is not None:
            say(t("inv.cli.delete_needs_yes", lang, inventory=inventory,
                  actors=plural("hist.cli.count.actors", int(counts.n_actors), lang),
                  projects=plural("hist.cli.count.projects", int(counts.n_projects), lang)), "yellow")
            raise typer.Exit(2)
        say(t("inv.cli.deleted", lang, inventory=inventory), "green")
