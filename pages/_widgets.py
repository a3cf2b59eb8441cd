"""Small UI helpers shared by pages: safe Markdown, banners, download buttons,
territory labels and links to an actor's profile. The sidebar, the session
state and the URL are in ``_shell``."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from ecosystem import vocabulary as voc
from ecosystem.geo import parse_territory
from ecosystem.render import exports, links, safe
from pages._state import Context, context, lang, page_param, sync_url, tr

#: user or URL text inside Markdown (titles, captions, alerts, ``tr()`` parameters)
md = safe.markdown


#: characters of a user name shown as a page title (a 10,000-character name filled the
#: screen); the rest is cut with "…"
TITLE_MAX = 200


def title(text: str) -> str:
    """A user name for ``st.title``: escaped (``md``) and at most :data:`TITLE_MAX`
    characters."""
    text = "" if text is None else str(text)
    return md(text if len(text) <= TITLE_MAX else text[: TITLE_MAX - 1] + "…")


def csv(df: pd.DataFrame) -> bytes:
    """A download: UTF-8 with BOM, ``;`` (French spreadsheets), formulas neutralised."""
    return exports.to_csv_bytes(df, sep=";")


def dash_missing(df: pd.DataFrame, keep=()) -> pd.DataFrame:
    """A display copy where an empty cell reads "—" (Streamlit would write "None")
    and whole numbers such as years stay plain ("2021", not "2021.0"); the columns
    in ``keep`` are left for a number formatter."""
    from ecosystem.numbers import DASH

    def text(v):
        if v is None or (not isinstance(v, (list, tuple, str)) and pd.isna(v)):
            return DASH
        return str(int(v)) if isinstance(v, float) and v.is_integer() else str(v)

    out = df.copy()
    for c in out.columns:
        if c not in keep:
            out[c] = [text(v) for v in out[c]]
    return out


def synthetic_banner(ref) -> None:
    if ref.synthetic:
        st.info(tr("banner.synthetic"), icon=":material/science:")


def level_name(level: str, lower: bool = False) -> str:
    """A level's name for Markdown: the vocabulary's (lower-cased inside a sentence
    when asked) or a user zoning's own name, escaped as it is."""
    geo = context().geo
    if level in getattr(geo, "extra_levels", {}):
        return md(geo.level_label(level, lang()))
    return voc.LEVELS.in_sentence(level, lang()) if lower else voc.LEVELS.label(level, lang())


def scope_label(ctx: Context) -> str:
    scope = ctx.filters.scope
    if scope is None:
        return tr("scope.france")
    level, code = scope
    name = ctx.geo.level_label(level, lang())
    return f"{name} : {ctx.geo.label(level, code)}" if lang() == "fr" \
        else f"{name}: {ctx.geo.label(level, code)}"


def territory_label(key_or_scope, with_level: bool = True) -> str:
    """``Département : Loire-Atlantique (44)`` for a ``level:code`` key or a scope."""
    scope = parse_territory(key_or_scope) if isinstance(key_or_scope, str) else key_or_scope
    if scope is None:
        return tr("scope.france")
    label = context().geo.label(*scope)
    if not with_level:
        return label
    sep = " : " if lang() == "fr" else ": "
    return f"{context().geo.level_label(scope[0], lang())}{sep}{label}"


def param_choice(key: str, param: str, options: list[str], default: str) -> None:
    """A widget's first value: the URL's ``param`` when it is one of ``options``."""
    if key not in st.session_state:
        wanted = page_param(param)
        st.session_state[key] = wanted if wanted in options else default


def url_tabs(tabs: dict[str, str], key: str, param: str = "tab",
             sync: bool = False) -> tuple[list, str | None]:
    """``st.tabs`` whose selected tab is the page's URL parameter ``param`` (issue 17:
    a shared link or Back reopens the same tab). ``tabs``: code → label; the URL
    holds the code (the same link in French and English), left out for the first
    tab. ``key`` starts with ``w_`` (a URL brought by Back / Forward resets it).
    Returns the tab containers and the value to write back with ``sync_url``;
    ``sync``: write it now when this tab bar's selection changed (a page with several
    tab bars for one parameter: the URL keeps the one the user opened last)."""
    labels = dict(zip(tabs.values(), tabs))
    wanted = page_param(param)
    containers = st.tabs(list(tabs.values()), key=key, on_change="rerun",
                         default=tabs[wanted] if wanted in tabs else None)
    shown = labels.get(st.session_state.get(key), next(iter(tabs)))
    value = None if shown == next(iter(tabs)) else shown
    last = st.session_state.setdefault("_url_tabs", {})
    if sync and last.get(key, "") != value:
        last[key] = value
        sync_url({param: value})
    return containers, value


def navigate(page: str, params: dict[str, str]) -> None:
    """Go to another page of the app as a link would: one browser history entry with
    the page's full URL (Back returns to this view), same session. ``st.switch_page``
    would first write the new parameters on the current page's URL (an entry Back
    would show). The component's frame is same-origin: it pushes the URL on the app's
    page and tells Streamlit's router (it listens to popstate)."""
    import streamlit.components.v1 as components

    from urllib.parse import urlencode
    url = f"/{page}" + (f"?{urlencode(params)}" if params else "")
    components.html("<script>(function(){var w=window.parent;var u=" + safe.script_json(url)
                    + ";w.history.pushState({},'',u);"
                    "w.dispatchEvent(new w.PopStateEvent('popstate',{state:{}}));})();</script>",
                    height=0)
    st.stop()


def open_actor(actor_id: str) -> None:
    """Go to the actor profile page (same session, state kept)."""
    st.session_state["_actor"] = actor_id
    st.switch_page("pages/acteur.py")


def actor_link(ctx: Context) -> str:
    """The actor page's URL for a new tab, to be followed by the encoded actor id."""
    return links.actor_profile(lang(), ctx.ref.name, st.session_state.get("_default_inv"),
                               ctx.filters.to_params())


def project_link(ctx: Context) -> str:
    """The project card's URL, to be followed by the encoded project id."""
    return links.project_card(lang(), ctx.ref.name, st.session_state.get("_default_inv"),
                              ctx.filters.to_params())


def download_table(df, stem: str, key: str, sheet: str | None = None) -> None:
    """CSV and XLSX download buttons for a table (formulas neutralised; the files
    are written only when a button is clicked)."""
    sheets, language = {sheet or stem: df}, lang()
    left, right, _ = st.columns([1, 1, 4])
    left.download_button(tr("export.csv"), data=lambda: exports.to_csv_bytes(df),
                         file_name=f"{stem}.csv", mime="text/csv", key=f"{key}_csv",
                         on_click="ignore", icon=":material/download:")
    right.download_button(
        tr("export.xlsx"), data=lambda: exports.to_xlsx_bytes(sheets, language),
        file_name=f"{stem}.xlsx", key=f"{key}_xlsx", on_click="ignore",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        icon=":material/download:")
    cut = exports.xlsx_cut_cells(sheets)
    if cut:
        st.caption(exports.xlsx_cut_message(cut, language))
