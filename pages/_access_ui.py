"""What pages show according to the acting user's permissions. The domain decides
(:mod:`ecosystem.access`): these helpers only say so and stop before a page asks
the domain for what it would refuse."""

from __future__ import annotations

import streamlit as st

from ecosystem import access
from ecosystem import members as mb
from ecosystem import numbers
from ecosystem.render import safe
from pages._state import Context, sync_url, tr


def records_or_stop(ctx: Context) -> None:
    """Stop a page of actor-level records on an inventory seen as aggregates only."""
    if not ctx.ref.records:
        st.info(tr("access.records_hidden"), icon=":material/lock:")
        st.stop()


def card_or_stop(ctx: Context, kind: str, record_id: str | None, load, missing: type[Exception]):
    """The profile of a card's record (``kind``: "actor" or "project", the prefix of its
    messages and its URL parameter), else the card's title with why there is none: no
    record asked for, or one the inventory does not hold; then the run stops."""
    if record_id:
        try:
            return load(ctx.store, ctx.ref, record_id)
        except missing:
            problem = tr(f"{kind}.not_found", inventory=safe.markdown(ctx.ref.name),
                         **{kind: safe.markdown(record_id)})
    st.title(tr(f"{kind}.title"))
    if record_id:
        st.warning(problem)
    else:
        st.info(tr(f"{kind}.pick"))
    sync_url()
    st.stop()


def allowing(ctx: Context, action: str) -> list[str]:
    """Inventories on which the user may do ``action``, from the permissions the sidebar
    read for this run (read again only when a context has none)."""
    perms = ctx.perms if ctx.perms is not None else mb.permissions(ctx.store, ctx.user)
    return perms.allowing(action)


def importable(ctx: Context) -> list[str]:
    """Inventories the user may import into."""
    return allowing(ctx, "import")


def import_or_stop(ctx: Context) -> list[str]:
    """The inventories the user may import into; the page stops with a message when
    the user may neither import into one nor create one."""
    names = importable(ctx)
    if not names and not access.may_create(ctx.user):
        st.warning(tr("access.import_denied", inventory=safe.markdown(ctx.ref.name)),
                   icon=":material/lock:")
        st.stop()
    return names


def existing_target(names: list[str]) -> str | None:
    """The Importer's pick among the existing inventories the user may import into;
    with none (a viewer), no empty picker: a warning that says to create one."""
    if names:
        return st.selectbox(tr("imp.target.pick"), names, key="imp_target_pick")
    st.warning(tr("access.import_none_existing", new=tr("imp.target.new")), icon=":material/lock:")
    return None


def denied_text(exc: access.PermissionDenied) -> str:
    return tr("access.denied", user=safe.markdown(exc.user.label),
              inventory=safe.markdown(exc.inventory), action=tr(f"access.action.{exc.action}"))


def moderation_title(ctx: Context) -> str:
    """The Modération menu entry: with the number of proposals waiting on the sidebar's
    inventory for those who may moderate it (read once per run with the permissions)."""
    n = ctx.perms.waiting(ctx.ref.name) if ctx.perms is not None else 0
    return tr("team.nav.moderation_pending", n=numbers.number(n, ctx.lang)) if n else tr("nav.moderation")


def waiting_elsewhere(ctx: Context) -> str | None:
    """The moderator's other inventories with proposals waiting (Markdown), or None."""
    if ctx.perms is None:
        return None
    items = [tr("team.moderation.item", inventory=safe.markdown(n), n=numbers.number(c, ctx.lang))
             for n in ctx.perms.names if n != ctx.ref.name and (c := ctx.perms.waiting(n))]
    return tr("team.moderation.waiting_elsewhere", items=", ".join(items)) if items else None
