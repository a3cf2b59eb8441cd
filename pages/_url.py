"""The URL and the view (issue 17): what keeps Streamlit's own navigation from losing
the view written in the URL. ``_state`` reads and writes the URL; this module holds
the three places where Streamlit's behaviour had to be met.

1. **The legacy ``pages/`` mode.** Streamlit runs an app that has a ``pages/`` folder
   in its legacy multipage mode until a script calls ``st.navigation``. On a fresh
   server the first run of the first session is such a run: Streamlit runs app.py as
   one of *its* pages, so every sidebar widget gets an id made with that page's hash,
   and from the second run on other ids: their values (the URL's territory, filters)
   would be dropped at the first page change. :func:`navigation_only` switches the
   mode off for the process; :func:`legacy_run` tells ``init_state`` to start again
   before drawing anything (a real server has one such run; AppTest resets the mode
   before each of its runs, so there every run looks legacy and none is restarted).
2. **History navigation.** Only a run the browser's history asked for (Back /
   Forward, a link followed in the tab) reloads the view from a URL the session did
   not write (:func:`history_navigation`).
3. **The menu.** A click on a page of Streamlit's sidebar menu sends no query string:
   the app writes the view's parameters during the run, and the browser gets two
   history entries whose order is a race in Streamlit's front end (the page's bare
   address ``/carte`` then ``/carte?terr=…``, or the old page's address with the new
   parameters then the new page): Back showed the same page, or another view.
   :func:`menu_links` makes a menu click go to the page's full address at once, as a
   link followed in the tab: one history entry, the view kept.
   The address is made at click time: the view's parameters from the address bar
   (``location.search``, restricted to the view's keys) and the page's own remembered
   ones from the run. The run's script arrives *after* the run's new query string (a
   filter change writes the URL, then draws the sidebar), so a click in that gap took
   the address of the previous view and the popstate reloaded it: the filter was lost.
"""

from __future__ import annotations

from urllib.parse import urlencode

from ecosystem.render import safe


def navigation_only() -> None:
    """This app declares its pages with ``st.navigation`` only: switch the legacy
    mode off for the process as soon as any page module is imported (a session
    whose first URL is ``/comparer`` would otherwise run pages/comparer.py without
    app.py: see ``_state.context``)."""
    try:
        from streamlit.runtime.pages_manager import PagesManager
    except ImportError:  # pragma: no cover - internal module moved
        return
    PagesManager.uses_pages_directory = False


def quiet_page_not_found() -> None:
    """An address that is no page of the app: ``st.navigation`` runs the default page
    and sends the browser a ``page_not_found`` message, which Streamlit's front end
    shows as an English "Page not found" dialog (``commands/navigation.py``,
    ``send_page_not_found``; the dialog's text is fixed in the front end's
    ``onPageNotFound``). Streamlit offers no hook: the message is replaced by a note
    on the run's context, and the app says it itself, in the reader's language
    (:func:`page_not_found`, ``pages/_not_found.py``)."""
    try:
        from streamlit.commands import navigation
    except ImportError:  # pragma: no cover - internal module moved
        return
    if getattr(navigation.send_page_not_found, "eco_quiet", False):
        return

    def note(ctx) -> None:
        ctx.eco_page_not_found = ctx.pages_manager.intended_page_name or ""

    note.eco_quiet = True
    navigation.send_page_not_found = note


def page_not_found() -> str | None:
    """The address's page name when this run's address is no page of the app (the
    default page runs instead), else None; read once per run."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    name = getattr(ctx, "eco_page_not_found", None)
    if name is not None:
        del ctx.eco_page_not_found
    return name


def legacy_run() -> bool:
    """True when this run is Streamlit's legacy mode running app.py as a page (its
    widgets would get ids that the next runs do not know) in a real server. Under
    AppTest every run is legacy (it resets the mode before each run), the ids are
    the same from run to run, and restarting would never end: False there."""
    try:
        from streamlit import config
        from streamlit.runtime.scriptrunner_utils.script_run_context import (
            ThreadState, get_script_run_ctx)
    except ImportError:  # pragma: no cover - internal module moved
        return False
    if config.get_option("global.appTest"):
        return False
    ctx = get_script_run_ctx()
    return ctx is not None and ThreadState.get().active_script_hash != ctx.pages_manager.main_script_hash


def legacy_page_not_found() -> str | None:
    """In a legacy run (:func:`legacy_run`), the address's page name when it named no
    page, else None. The legacy mode's own navigation (``_mpa_v1``) runs before any
    app code, so before :func:`quiet_page_not_found`: it sent Streamlit's English
    dialog, and the run that starts again has lost the name. A legacy run reaches
    app.py only as the default page (an address naming ``pages/carte.py`` runs that
    file), so a name here is one that matched no page."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    return (ctx and ctx.pages_manager.intended_page_name) or None


#: closes Streamlit's English "Page not found" dialog (sent by a legacy run before any
#: app code could replace it: :func:`legacy_page_not_found`); it is on the page when the
#: next run's elements arrive, looked for during 10 s at most
CLOSE_NOT_FOUND_JS = """(function(){var n=0,t=setInterval(function(){
var b=document.querySelector('[role="dialog"] button[aria-label="Close"]');
if(b){b.click();clearInterval(t);}else if(++n>100){clearInterval(t);}},100);})();"""


def close_page_not_found_dialog() -> None:
    """Close Streamlit's own dialog in the app's page (an invisible element)."""
    import streamlit as st

    st.html(f"<script>{CLOSE_NOT_FOUND_JS}</script>", unsafe_allow_javascript=True,
            width="content")


def history_navigation() -> bool:
    """Whether this run was asked by the browser's history (Back / Forward, a menu
    click or ``_widgets.navigate``'s popstate): only then does a URL the session did
    not write define the view. A widget change carries the URL the browser shows,
    which can still be the one of before the last run (under load the browser handles
    a click before the message with the new URL): taken for a Back, it reset every
    widget from that URL and the user's pick was lost."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    return bool(ctx is not None and getattr(ctx, "is_history_navigation", False))


#: the menu's click handler, installed once per browser tab; ``window.__ecoMenu`` is
#: refreshed by every run (``{"keys": [the view's parameters], "own": {path: query}}``,
#: each page's own remembered parameters, the home page's path is ""). The view's
#: parameters are read from the address bar at click time (see the module's note 3).
MENU_JS = """(function(){
window.__ecoMenu=%s;
if(window.__ecoMenuOn)return;window.__ecoMenuOn=true;
function go(url){history.pushState({},'',url);dispatchEvent(new PopStateEvent('popstate',{state:{}}));}
function name(p){try{return decodeURIComponent(p.split('=')[0].replace(/\\+/g,' '));}catch(x){return '';}}
function target(m,key){
var own=Object.prototype.hasOwnProperty.call(m.own,key)?m.own[key]:'';
var mine=own.split('&').map(name);
var view=location.search.replace(/^\\?/,'').split('&').filter(function(p){
var k=name(p);return p&&m.keys.indexOf(k)>=0&&mine.indexOf(k)===-1;});
return view.concat(own?[own]:[]).join('&');}
addEventListener('click',function(e){
if(e.defaultPrevented||e.button!==0||e.metaKey||e.ctrlKey||e.shiftKey||e.altKey)return;
var a=e.target.closest&&e.target.closest('[data-testid="stSidebarNav"] a[href]');
var m=window.__ecoMenu;if(!a||!m)return;
var path=new URL(a.href).pathname;if(path===location.pathname)return;
var q=target(m,path.split('/').pop());
var url=path+(q?'?'+q:'');
e.preventDefault();e.stopPropagation();go(url);
},true);
addEventListener('message',function(e){
var d=e.data,u;if(!d||d.eco!=='open'||typeof d.url!=='string')return;
if(![].some.call(document.querySelectorAll('iframe'),function(f){return f.contentWindow===e.source;}))return;
try{u=new URL(d.url,location.href);}catch(x){return;}
if(u.origin!==location.origin||!/^(\\/[\\w.-]+)*\\/[a-z_]*$/.test(u.pathname))return;
go(u.pathname+u.search);
});})();"""


def menu_queries(view_keys, page_params: dict[str, dict[str, str]], home: str) -> dict:
    """What a menu click needs: the names of the view's parameters (their values are
    read from the address bar at click time) and each page's own remembered
    parameters (``page_params``, per page, the home page under "")."""
    own = {("" if page == home else page): urlencode(
        {k: v for k, v in params.items() if v not in (None, "")})
        for page, params in page_params.items()}
    return {"keys": list(view_keys), "own": own}


def menu_links(view_keys, page_params: dict[str, dict[str, str]], home: str) -> None:
    """Send the menu's addresses to the browser (an invisible element; its script
    runs in the app's page, not in a frame)."""
    import streamlit as st

    script = MENU_JS % safe.script_json(menu_queries(view_keys, page_params, home))
    st.html(f"<script>{script}</script>", unsafe_allow_javascript=True, width="content")


navigation_only()
quiet_page_not_found()
