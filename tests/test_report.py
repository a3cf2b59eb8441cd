"""Territorial report: content, escaping, offline HTML, PDF text and fonts."""

import io
import re

import pytest
from pypdf import PdfReader

from ecosystem.render import maps, report
from ecosystem.analysis.view import Filters, View
from tests import fixtures

FR_MONTHS = ["janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.",
             "nov.", "déc."]  # CLDR French abbreviated months (medium dates)
EVIL = '<img src=x onerror="alert(1)">Entraide & Cie'


@pytest.fixture
def tiny(store):
    data = fixtures.tiny()
    data.actors.loc[1, "name"] = EVIL                     # A1, the most involved actor in 44
    store.create("tiny <b>", data, synthetic=True)
    return store, store.ref("tiny <b>")


@pytest.fixture
def built(tiny):
    store, ref = tiny
    return report.build(View(store, ref, Filters(territory="departement:44", stages=())), "fr")


def test_report_content(built, tiny):
    r = built
    assert r.title == "Rapport territorial — Loire-Atlantique (44)"
    assert r.parent == "Pays de la Loire" and r.synthetic
    fig = r.figures.set_index("id")
    assert fig.loc["actors", ["territory", "parent", "france"]].tolist() == ["5", "5", "10"]
    assert fig.at["cross_type_share", "territory"] == "75,0\u00a0%"
    assert "Pauvreté et exclusion" not in r.white_zones and len(r.white_zones) == 15
    charts = {c.title: dict(c.items) for c in r.charts}
    assert charts["Projets par étape (pipeline de l'innovation)"] == {
        "Émergence": 1, "Expérimentation": 1, "Diffusion / essaimage": 0, "Évaluation": 0}
    assert charts["Financements par origine"] == {"Privé": 15000}
    store, ref = tiny
    updated = store.info(ref.name)["updated_at"]  # to the minute, French month names
    assert r.data_date == f"{updated.day} {FR_MONTHS[updated.month - 1]} {updated.year}, " \
        f"{updated.hour:02d}:{updated.minute:02d}"
    assert ("Territoire", "Loire-Atlantique (44)") in r.filters


def test_html_is_self_contained_and_escaped(built):
    page = report.to_html(built)
    assert maps.external_assets(page) == []
    assert not re.search(r"<script|<link|@import|url\(|https?://", page, re.I)
    assert EVIL not in page and "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;Entraide &amp; Cie" in page
    assert "tiny &lt;b&gt;" in page and "tiny <b>" not in page
    assert "Données synthétiques" in page
    assert page.count("<svg") == 5  # 4 charts and the map (issue 17)
    assert "Indice d'hybridité des ressources" in page.replace("&#x27;", "'")   # definitions
    assert len(page) < 60_000


def test_report_html_comes_from_the_autoescaped_template(built):
    env = report._templates()
    assert env.autoescape is True
    assert (report.TEMPLATES / "report.html.j2").is_file()
    page = report.to_html(built)
    assert page.startswith('<!DOCTYPE html><html lang="fr">')
    # one HTML rule (safe.html): an apostrophe is &#x27; and a quote &quot;, never
    # markupsafe's &#39; / &#34;
    assert "dont l&#x27;association" in page and "&#39;" not in page and "&#34;" not in page
    assert 'font-family:"DejaVu Sans"' in page                  # the stylesheet is not escaped


def test_english_report_without_synthetic_warning(store):
    store.create("real", fixtures.tiny())
    r = report.build(View(store, store.ref("real"), Filters()), "en")
    assert r.title == "Territorial report — All of France" and not r.synthetic and r.national
    page = report.to_html(r)
    assert "Synthetic data" not in page and "Key figures" in page
    assert page.count("All of France</th>") == 1                # one France column, not two


def test_pdf_text_accents_and_fonts(built):
    data = report.to_pdf(built)
    assert data.startswith(b"%PDF") and len(data) < 200_000
    pdf = PdfReader(io.BytesIO(data))
    text = "\n".join(p.extract_text() for p in pdf.pages)
    flat = re.sub(r"\s+", " ", text)
    assert "Rapport territorial — Loire-Atlantique (44)" in flat
    assert "Données synthétiques" in flat
    assert "Expérimentation" in flat and "Zones blanches" in flat
    assert "Entraide & Cie" in flat                             # data as text, not markup
    assert "Indice d'hybridité des ressources" in flat
    fonts = {str(f["/BaseFont"]) for p in pdf.pages
             for f in (p["/Resources"].get("/Font") or {}).values()}
    assert any("DejaVu" in f for f in fonts), fonts             # embedded, no system font


def test_hostile_inventory_stays_text_in_reports_and_exports(store):
    from html.parser import HTMLParser

    import pandas as pd

    from ecosystem.render import exports
    from ecosystem.analysis import territories
    from tests.xss_inventory import hostile

    class Tags(HTMLParser):
        def __init__(self):
            super().__init__()
            self.tags, self.attrs = set(), set()

        def handle_starttag(self, tag, attrs):
            self.tags.add(tag)
            self.attrs |= {k for k, _ in attrs}

    data = hostile()
    # Loire-Atlantique's five actors (A1-A4, A9: the whole top-actors table of 44) hold
    # the formula payloads; A9 keeps its HTML payload (tests.xss_inventory, index 8)
    formulas = {"A1": '=HYPERLINK("http://evil.example","x")', "A2": "+1+1", "A3": "-2+3",
                "A4": "@SUM(1+1)"}
    for actor_id, name in formulas.items():
        data.actors.loc[data.actors.actor_id == actor_id, "name"] = name
    a9 = "{{7*7}}${7*7}<b onmouseover=alert('xss-b')>survol</b> acteur 8"
    assert data.actors.set_index("actor_id").at["A9", "name"] == a9
    store.create("<script>alert('xss-inv')</script>", data, synthetic=True)
    ref = store.ref("<script>alert('xss-inv')</script>")
    f = Filters(territory="departement:44")
    r = report.build(View(store, ref, f), "fr")
    parsed = Tags()
    parsed.feed(report.to_html(r))
    # exactly the template's own elements (report.html.j2, synthetic warning included):
    # no element or attribute from the data
    assert parsed.tags == {"html", "head", "meta", "title", "style", "body", "h1", "h2", "h3",
                           "p", "div", "table", "thead", "tbody", "tr", "th", "td", "svg",
                           "text", "rect", "dl", "dt", "dd", "em", "path", "span"}, parsed.tags
    assert parsed.attrs == {"lang", "charset", "name", "content", "class", "role", "width",
                            "height", "x", "y", "fill", "aria-label", "font-size",
                            "font-family", "text-anchor", "viewbox", "d", "stroke",
                            "stroke-width", "style"}, parsed.attrs
    assert report.to_pdf(r).startswith(b"%PDF")
    table = territories.actors_table(territories.top_actors(View(store, ref, f)), store.geo, "fr")
    cells = pd.read_csv(io.BytesIO(exports.to_csv_bytes(table)), encoding="utf-8-sig", dtype=str)
    # every formula neutralised by a leading apostrophe, the HTML payload kept as text
    assert sorted(cells.iloc[:, 0]) == sorted([
        "'=HYPERLINK(\"http://evil.example\",\"x\")", "'+1+1", "'-2+3", "'@SUM(1+1)", a9])


# ------------------------------------------------ issue 12 #15: long and foreign text
def pdf_text(data: bytes) -> str:
    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)


@pytest.fixture
def long_texts(store):
    """Loire-Atlantique's two projects (P1, P2, both in the top projects) with a
    20,000-character title and a 5,000-character word; A1 (top actor) named in
    Arabic, Hebrew, emoji and Chinese."""
    data = fixtures.tiny()
    data.projects.loc[1, "title"] = ("Épicerie solidaire " * 1100)[:20_000]
    data.projects.loc[2, "title"] = "Ω" * 5_000
    data.actors.loc[1, "name"] = "جمعية שלום 😀🎉 社会创新"
    store.create("long", data)
    return report.build(View(store, store.ref("long"), Filters(territory="departement:44")), "fr")


def test_pdf_cuts_cells_taller_than_a_page_and_says_so(long_texts):
    data = report.to_pdf(long_texts)                  # fpdf2 refused the row before
    text = pdf_text(data)
    flat = re.sub(r"\s+", "", text)
    # the 5,000-character word: 299 characters kept, then the ellipsis
    assert flat.count("Ω") == 299 and "Ω…" in flat
    assert "2 textes de plus de 300 caractères coupés" in re.sub(r"\s+", " ", text)
    # 6 pages before the territory map (issue 17) and the evolution table (issue 14), one
    # more with the five ESS family shares (issue 16: the same report without the long
    # texts went from 6 to 7 pages): the cut cells add no page of their own
    assert len(PdfReader(io.BytesIO(data)).pages) <= 8
    # the HTML report keeps every character
    page = report.to_html(long_texts)
    assert page.count("Ω") == 5_000 and ("Épicerie solidaire " * 1100)[:20_000].strip() in page


def test_pdf_replaces_characters_the_font_lacks(long_texts):
    text = pdf_text(report.to_pdf(long_texts))
    flat = re.sub(r"\s+", " ", text)
    # DejaVu Sans draws 😀 (it has the emoticons block) but not 🎉 nor 社会创新: 5 boxes,
    # twice (A1 in the top actors and as P1's lead in the top projects)
    assert "😀□" in flat and "□□□□" in flat
    assert "10 caractères absents de la police du PDF" in flat
    # Hebrew and Arabic letters are in DejaVu: kept (logical order, unshaped)
    for letter in "שלוםجمعية":
        assert letter in text, letter


def test_pdf_text_cleaner():
    clean = report.PdfText(limit=10)
    assert clean("a\r\nb\tc\x00d") == "a b cd"
    assert clean("x" * 11) == "x" * 9 + "…" and clean("y" * 10) == "y" * 10
    assert clean("👍\ufe0f ok") == "□ ok"          # variation selector dropped, not boxed
    assert (clean.cut, clean.replaced) == (1, 1)
    assert clean(None) == "" and clean(float("nan")) == ""


def test_report_definitions_say_each_unit_once(tiny_store):
    """Issue 17 item 12: "Emplois créés (ETP) (ETP)" in the definitions."""
    from ecosystem.render import report as rep

    r = rep.build(View(tiny_store, tiny_store.ref("tiny"), Filters()), "fr")
    labels = [d[0] for d in r.definitions]
    assert "Emplois créés (ETP)" in labels
    html = rep.to_html(r)
    assert "(ETP) (ETP)" not in html and "Emplois créés (ETP)</dt>" in html


# ------------------------------------------------------------------ issue 17 item 12
HEADINGS_FR = ["Filtres appliqués", "Chiffres clés", "Répartitions", "Zones blanches",
               "Définitions des indicateurs"]


def _pdf_pages(tiny_store, territory, lang="fr"):
    r = report.build(View(tiny_store, tiny_store.ref("tiny"), Filters(territory=territory)), lang)
    return r, PdfReader(io.BytesIO(report.to_pdf(r))).pages


def test_pdf_has_a_vector_map_on_page_1_or_2(tiny_store, geo):
    r, pages = _pdf_pages(tiny_store, "departement:44")
    epcis = geo.table("epci").index[geo.table("epci").dep == "44"]
    # the map: one shape per EPCI of Loire-Atlantique (by its seat's département, as the
    # ranking counts them), each drawn as filled polygons
    assert r.map is not None and len(r.map.shapes) == len(epcis)
    filled = [len(re.findall(rb"\sB\n", p.get_contents().get_data())) for p in pages[:2]]
    assert max(filled) >= len(epcis), filled
    html = report.to_html(r)
    assert html.count("<path d=\"M") == len(epcis)
    assert "Carte : Acteurs pour 10 000 habitants, par intercommunalité (EPCI)" in html


def test_pdf_keeps_headings_with_their_content_and_formulas_in_words(tiny_store):
    r, pages = _pdf_pages(tiny_store, "departement:44")
    headings = HEADINGS_FR + [r.map.title]
    for page in pages:
        lines = [x.strip() for x in page.extract_text().splitlines() if x.strip()]
        body = [x for x in lines if not re.search(r" — \d+$", x)]  # the footer
        assert body and body[-1] not in headings, body[-3:]
    text = " ".join(p.extract_text() for p in pages)
    for english in ("with ≥", "number of", "domains", "scores", "n_", "docs/"):
        assert english not in text, english
    assert "Formule :" in text


def test_report_map_of_france_draws_metropolitan_regions(tiny_store):
    r = report.build(View(tiny_store, tiny_store.ref("tiny"), Filters()), "fr")
    assert len(r.map.shapes) == 13  # the 13 metropolitan régions (overseas left out)
    assert r.map.height <= r.map.width * 1.2


def test_report_labels_are_never_cut(tiny_store):
    """Issue 17 item 12: the longest domain label is written whole in HTML and PDF."""
    from ecosystem import vocabulary as voc
    r = report.build(View(tiny_store, tiny_store.ref("tiny"), Filters()), "fr")
    labels = [label for chart in r.charts for label, _ in chart.items]
    longest = max(labels, key=len)
    assert len(longest) > 30  # the old cut was at 30 characters (HTML) / 62 mm (PDF)
    html = report.to_html(r)
    assert f">{longest}<title>" in html.replace("&#39;", "'")
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(report.to_pdf(r))).pages)
    assert longest in " ".join(text.split())
    assert longest in [voc.DOMAINS.label(c, "fr") for c in voc.DOMAINS.codes] + \
        [voc.ACTOR_TYPES.label(c, "fr") for c in voc.ACTOR_TYPES.codes] + \
        [voc.STAGES.label(c, "fr") for c in voc.STAGES.codes] + \
        [voc.FUNDING_ORIGINS.label(c, "fr") for c in voc.FUNDING_ORIGINS.codes]


def test_wrapped_breaks_at_spaces_within_the_width():
    from fpdf import FPDF
    pdf = FPDF(format="A4", unit="mm")
    pdf.add_font("DejaVu", "", str(report.FONTS / "DejaVuSans.ttf"))
    pdf.set_font("DejaVu", "", 10)
    word = pdf.get_string_width("mmmm")
    margins = 2 * pdf.c_margin
    # room for one word of four m: one per line; for two words and the space: two per line
    assert report.wrapped(pdf, "mmmm mmmm mmmm", word + margins + 0.01) == ["mmmm"] * 3
    two = 2 * word + pdf.get_string_width(" ") + margins + 0.01
    assert report.wrapped(pdf, "mmmm mmmm mmmm", two) == ["mmmm mmmm", "mmmm"]
    # a line break starts a line; a word wider than a line is cut by characters
    assert report.wrapped(pdf, "mmmm\nmm", 100) == ["mmmm", "mm"]
    assert report.wrapped(pdf, "mmmmmmmm", word + margins + 0.01) == ["mmmm", "mmmm"]


def test_pdf_definitions_are_written_without_fpdf_s_line_breaking(tiny_store, monkeypatch):
    """Issue 15: fpdf2's multi_cell measured each line again for every character (the
    46 definitions were a third of the PDF's time); they are wrapped once per word."""
    from fpdf import FPDF
    r = report.build(View(tiny_store, tiny_store.ref("tiny"), Filters(territory="departement:44")))
    calls = []
    real = FPDF.multi_cell
    monkeypatch.setattr(FPDF, "multi_cell", lambda self, w, h, text="", *a, **k:
                        calls.append(text) or real(self, w, h, text, *a, **k))
    pages = PdfReader(io.BytesIO(report.to_pdf(r))).pages
    lines = [x for p in pages for x in p.extract_text().splitlines()
             if not re.search(r" — \d+$", x)]  # the page footers
    text = " ".join(" ".join(lines).split())
    assert len(r.definitions) > 40
    assert not any(definition in c for _, _, definition, _ in r.definitions for c in calls)
    for label, _, definition, _ in r.definitions:  # every definition whole, in order
        assert label in text and " ".join(definition.split()) in text
