"""Faults found by the screenshot review of every page (FR and EN, 1280 × 800), each
checked on what the page draws."""

import json

import pytest

from ecosystem.analysis.grid import DEFAULT_GRID
from ecosystem.render import safe
from tests.app.pagetest import ok, page_test


@pytest.mark.parametrize("lang, first, last", [
    ("fr", "Le projet répond à un besoin social nouveau ou mal satisfait par le marché ou les "
           "politiques publiques (loi ESS 2014, art. 15).",
     "Le projet combine ressources publiques, privées et recettes propres."),
    ("en", "The project meets a social need that is new or poorly met by the market or public "
           "policy (ESS law 2014, art. 15).",
     "The project combines public, private and earned resources."),
])
def test_grid_criteria_are_a_table_whose_descriptions_wrap(lang, first, last):
    """Grille at 1280 px: the criteria were a data grid, whose cells do not wrap, and
    the description column was cut. They are a static table (text wraps), every
    description whole, in the page's language."""
    at = ok(page_test("pages/grille.py", {"lang": lang}).run())
    assert len(at.table) == 1
    criteria = at.table[0].value
    assert len(criteria) == 12
    desc = criteria["Description"].tolist()
    # table cells are Markdown: each one is the escaped text
    assert desc[0] == safe.markdown(first) and desc[-1] == safe.markdown(last)


def test_grid_criteria_of_a_users_file_are_inert_in_the_table():
    grid = json.loads(DEFAULT_GRID.read_text(encoding="utf-8"))
    grid["criteria"][0]["label_fr"] = "[x](javascript:alert(1)) | **gras**"
    grid["criteria"][0]["help_fr"] = "<b>texte</b>\n# titre"
    at = ok(page_test("pages/grille.py").run())
    at.file_uploader[0].set_value(("grille.json", json.dumps(grid).encode(), "application/json"))
    ok(at.run())
    row = at.table[0].value.iloc[0]
    # a word joiner (U+2060) breaks the "javascript:" autolink
    assert row["Critère"] == "\\[x\\](javascript\u2060\\:alert(1)) \\| \\*\\*gras\\*\\*"
    assert row["Description"] == "\\<b\\>texte\\</b\\> \\# titre"


def english_defaults(at) -> list[tuple]:
    """What Streamlit fills in itself, in English, whatever the app's language: a
    picker with no value (or no option) and no placeholder of ours shows "Choose an
    option", "Choose options" or "No options to select"; a table with no row "empty"."""
    found = []
    for w in at.selectbox:
        if not w.proto.placeholder and (w.value is None or not w.options):
            found.append(("selectbox", w.label))
    for w in at.multiselect:
        if not w.proto.placeholder and (not w.value or not w.options):
            found.append(("multiselect", w.label))
    found += [("dataframe", list(d.value.columns)) for d in at.dataframe if len(d.value) == 0]
    return found


@pytest.fixture(scope="module")
def small_db(tmp_path_factory):
    """A store holding only small non-demo inventories (tests/fixtures.tiny): "petit"
    and "équipe" (which is given a member)."""
    from ecosystem.geo import Geography
    from ecosystem.storage.store import Store
    from tests import fixtures

    path = tmp_path_factory.mktemp("review") / "small.duckdb"
    store = Store(path, geo=Geography())
    store.create("petit", fixtures.tiny())
    store.create("équipe", fixtures.tiny())
    store.close()
    return path


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_members_of_an_inventory_without_members_is_said_in_words(small_db, monkeypatch, lang):
    """Membres of an inventory nobody was given a role in (local mode): Streamlit's
    English "empty" table and a "Member to remove" picker with "No options to select"
    (a control that could do nothing) were shown. The page says there is no member
    yet and offers only to add one."""
    from ecosystem.i18n import t

    monkeypatch.setenv("ECOSYSTEM_DB", str(small_db))
    at = ok(page_test("pages/membres.py", {"lang": lang, "inv": "petit"}).run())
    assert english_defaults(at) == []
    assert t("members.none", lang, inventory=safe.markdown("petit")) in [str(i.value) for i in at.info]
    assert [b.label for b in at.button if b.label == t("members.revoke", lang)] == []
    assert [s.label for s in at.selectbox if s.label == t("members.who", lang)] == []
    # the grant form stays
    assert [b.label for b in at.button if b.label == t("members.grant", lang)] == [t("members.grant", lang)]


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_members_to_remove_are_picked_in_the_apps_language(small_db, monkeypatch, lang):
    from ecosystem import access
    from ecosystem import members as mb
    from ecosystem.geo import Geography
    from ecosystem.storage.store import Store

    monkeypatch.setenv("ECOSYSTEM_DB", str(small_db))
    store = Store(small_db, geo=Geography())
    try:
        mb.grant(store, access.LOCAL_ADMIN, "équipe", "claire@example.org", "viewer")
    finally:
        store.close()
    at = ok(page_test("pages/membres.py", {"lang": lang, "inv": "équipe"}).run())
    assert english_defaults(at) == []
    picker = [s for s in at.selectbox if s.label == t_("members.who", lang)][0]
    assert picker.options == ["claire@example.org"] and picker.value is None
    assert picker.proto.placeholder == t_("ui.choose", lang)


def t_(key, lang):
    from ecosystem.i18n import t
    return t(key, lang)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_edit_forms_pickers_have_a_placeholder_in_the_apps_language(small_db, monkeypatch, lang):
    """The actor card's Modifier tab (and Nouvel acteur): an empty type, stage, role,
    yes / no or domains field showed Streamlit's "Choose an option" / "Choose options"."""
    monkeypatch.setenv("ECOSYSTEM_DB", str(small_db))
    at = ok(page_test("pages/acteur.py", {"lang": lang, "inv": "petit", "actor": "A1"}).run())
    # the forms' pickers with no value: the new actor's type, in activity (yes / no),
    # the new project's stage, a new link's role, domains (not the sidebar's filter)
    labels = {t_(f"edit.field.{f}", lang) for f in ("actor_type", "active", "stage", "role", "domains")}
    empty = [w for w in at.selectbox if w.value is None and w.label in labels] + \
        [w for w in at.multiselect if not w.value and w.label in labels and w.key != "w_domains"]
    assert {w.label for w in empty} == labels
    assert english_defaults(at) == []
    assert {w.proto.placeholder for w in empty} == {t_("ui.choose", lang)}


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_evolution_with_no_value_but_zero_is_said_in_words(small_db, monkeypatch, lang):
    """Territoires on a small inventory whose ten actors carry no creation year: the
    evolution of "actors per 10,000 inhabitants" was drawn as a flat line at 0 on a
    −1…1 axis for every year, as if there had never been an actor. The page says that
    the indicator is 0 every year and why (the left-out records), without the chart."""
    monkeypatch.setenv("ECOSYSTEM_DB", str(small_db))
    at = ok(page_test("pages/territoires.py", {"lang": lang, "inv": "petit"}).run())
    assert [c for c in at.get("plotly_chart") if c.proto.id and "terr_evo" in c.proto.id] == []
    infos = [str(i.value) for i in at.info]
    said = {"fr": "« Acteurs pour 10 000 habitants » vaut 0 chaque année de 2015 à 2024 : "
                  "pas de courbe à tracer.",
            "en": "“Actors per 10,000 inhabitants” is 0 every year from 2015 to 2024: "
                  "no line to draw."}[lang]
    assert said in infos, infos
    left_out = {"fr": "France entière : 10 acteurs sans date utilisable",
                "en": "All of France: 10 actors without a usable date"}[lang]
    assert any(c.value.startswith(left_out) for c in at.caption), [c.value for c in at.caption]


@pytest.mark.parametrize("page, params, n_bars", [
    # Valeurs par indicateur: six charts of three bars (two territories and France)
    ("pages/comparer.py", {"cmp": "departement:44,departement:13"}, 6),
    # Composition: actors by type, by domain, projects by domain (the funnel is no bar)
    ("pages/territoires.py", {"terr": "departement:44"}, 3),
])
def test_values_in_bars_are_written_level(small_db, monkeypatch, page, params, n_bars):
    """A value written inside a narrow bar ("100,0 %", "1") was turned a quarter by
    Plotly to fit (textangle "auto"): every bar chart writes its values level."""
    monkeypatch.setenv("ECOSYSTEM_DB", str(small_db))
    at = ok(page_test(page, {"inv": "petit"} | params).run())
    bars = [t for c in at.get("plotly_chart") for t in json.loads(c.proto.spec)["data"]
            if t.get("type") == "bar" and (t.get("text") is not None or t.get("texttemplate"))]
    assert len(bars) == n_bars
    assert [t.get("textangle") for t in bars] == [0] * n_bars


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_journal_pickers_have_a_placeholder_in_the_apps_language(small_db, monkeypatch, lang):
    """The Journal (added beside the review) showed Streamlit's English "Choose options"
    in its empty origin picker."""
    monkeypatch.setenv("ECOSYSTEM_DB", str(small_db))
    at = ok(page_test("pages/journal.py", {"lang": lang, "inv": "petit"}).run())
    assert english_defaults(at) == []
    origins = [w for w in at.multiselect if w.key == "w_journal_origins"]
    assert [w.proto.placeholder for w in origins] == [t_("ui.choose", lang)]
