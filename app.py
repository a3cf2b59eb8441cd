"""Entry point: ``streamlit run app.py``.

Reads the view from the URL, opens the geography and the store (creating the
demo inventory on first run), draws the sidebar and runs the selected page.
Pages are thin layouts over the ``ecosystem`` package; their list is here.
"""

import streamlit as st

from ecosystem.i18n import t
from pages import _access_ui
from pages import _not_found
from pages import _shell as shell

ctx = shell.boot(sync=False)  # the URL is written once the page is known
lang = ctx.lang
# Membres is in the menu of inventory administrators only, Modération of editors (who
# moderate contributions); opened by URL, each page still refuses anyone else
# (the user's permissions as the sidebar read them for this run)
members_menu = "visible" if _access_ui.allowing(ctx, "manage") else "hidden"
moderation_menu = "visible" if _access_ui.allowing(ctx, "moderate") else "hidden"
moderation_title = _access_ui.moderation_title(ctx)  # "Modération (3)": proposals waiting
journal_menu = "visible" if _access_ui.allowing(ctx, "read_records") else "hidden"  # who changed what

PAGES = [
    st.Page("pages/accueil.py", title=t("nav.home", lang), icon=":material/home:",
            url_path="accueil", default=True),
    st.Page("pages/carte.py", title=t("nav.map", lang), icon=":material/map:",
            url_path="carte"),
    st.Page("pages/territoires.py", title=t("nav.territories", lang), icon=":material/leaderboard:",
            url_path="territoires"),
    st.Page("pages/comparer.py", title=t("nav.compare", lang), icon=":material/compare_arrows:",
            url_path="comparer"),
    st.Page("pages/reseau.py", title=t("nav.network", lang), icon=":material/hub:",
            url_path="reseau"),
    st.Page("pages/grille.py", title=t("nav.grid", lang), icon=":material/checklist:",
            url_path="grille"),
    st.Page("pages/acteur.py", title=t("nav.actor", lang), icon=":material/badge:",
            url_path="acteur"),
    st.Page("pages/projet.py", title=t("nav.project", lang), icon=":material/work:",
            url_path="projet", visibility="hidden"),  # a card, reached from links (?project=)
    st.Page("pages/importer.py", title=t("nav.import", lang), icon=":material/upload_file:",
            url_path="importer"),
    st.Page("pages/membres.py", title=t("nav.members", lang), icon=":material/group:",
            url_path="membres", visibility=members_menu),
    st.Page("pages/zonages.py", title=t("nav.zonings", lang), icon=":material/layers:",
            url_path="zonages"),
    st.Page("pages/moderation.py", title=moderation_title, icon=":material/rule:",
            url_path="moderation", visibility=moderation_menu),
    st.Page("pages/journal.py", title=t("nav.journal", lang), icon=":material/history:",
            url_path="journal", visibility=journal_menu),
    st.Page("pages/a_propos.py", title=t("nav.about", lang), icon=":material/info:",
            url_path="a_propos"),
]
# expanded: the whole menu (13 pages with the Journal); Streamlit folds a menu of more
# than 12 behind "View more", which hid À propos and the Journal
page = st.navigation(PAGES, position="sidebar", expanded=True)
shell.set_page(page.url_path or shell.HOME)  # the URL's page parameters belong to it
_not_found.notice()  # the address named no page: say so (Streamlit's dialog is English)
page.run()
