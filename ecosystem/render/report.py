"""Territorial report: one territory's figures, charts and definitions, as a
self-contained HTML page (works offline) and as a PDF.

:func:`build` gathers everything (no Streamlit); :func:`to_html` and
:func:`to_pdf` lay it out. Charts are drawn by hand: inline SVG bars in HTML
(no script at all, a few kB) and vector rectangles in the PDF. The PDF embeds
DejaVu Sans from ``static/fonts`` so accents never depend on system fonts.
The HTML comes from a Jinja2 template (``render/templates/report.html.j2``)
whose autoescape runs every value through :func:`ecosystem.render.safe.html`.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd

from ecosystem.analysis import indicators as ind
from ecosystem.analysis import territories as terr
from ecosystem import vocabulary as voc
from ecosystem.analysis.view import Filters, View
from ecosystem import numbers
from ecosystem.i18n import t
from ecosystem.render import reportmap
from ecosystem.render import palette, safe

from ecosystem import ROOT
FONTS = ROOT / "static" / "fonts"
BAR_COLOUR = palette.ACCENT
#: indicators of the report's key-figures table, in the registry's order
REPORT_IDS = [i for i in ind.SQL_IDS]


@dataclass
class Chart:
    title: str
    items: list[tuple[str, float]]  # (label, value), drawn in this order
    value_fmt: str = "int"          # "int" | "eur" | "pct"


@dataclass
class Report:
    lang: str
    title: str
    territory: str
    parent: str
    inventory: str
    data_date: str
    generated: str
    synthetic: bool
    filters: list[tuple[str, str]]
    figures: pd.DataFrame   # id, label, unit, territory, parent, france (formatted text)
    charts: list[Chart]
    white_zones: list[str]
    top_actors: pd.DataFrame
    top_projects: pd.DataFrame
    definitions: list[tuple[str, str, str, str]]  # label with its unit (Indicator.titled), unit, definition, formula
    national: bool = False  # the report is about France itself (no separate France column)
    map: object = None  # reportmap.ReportMap: sub-territories by a headline indicator
    #: the headline indicators through the years (formatted text; first column the
    #: indicator, then one per year, then the records left out), None without dates
    evolution: pd.DataFrame | None = None
    evolution_caption: str = ""
    #: the view's grants flagged outside the inventory's territory (SCDL import), a
    #: sentence; empty when there is none
    outside_grants: str = ""

    def file_stem(self) -> str:
        return file_stem(self.territory, self.lang)


def file_stem(territory: str, lang: str = "fr") -> str:
    """``rapport-loire-atlantique`` (ASCII letters, digits and dashes only)."""
    import unicodedata

    ascii_name = unicodedata.normalize("NFKD", territory).encode("ascii", "ignore").decode()
    safe = "-".join("".join(c if c.isalnum() else " " for c in ascii_name).lower().split())
    return ("rapport-" if lang == "fr" else "report-") + (safe or "france")


def describe_filters(f: Filters, geo, lang: str) -> list[tuple[str, str]]:
    """The view as (label, value) lines, in the user's language."""
    scope = f.scope
    out = [(t("report.f.level", lang), geo.level_label(f.level, lang)),
           (t("report.f.territory", lang),
            geo.label(*scope) if scope else t("scope.france", lang))]
    for key, codes, vocab in (("report.f.types", f.actor_types, voc.ACTOR_TYPES),
                              ("report.f.domains", f.domains, voc.DOMAINS),
                              ("report.f.stages", f.stages, voc.STAGES)):
        out.append((t(key, lang), ", ".join(vocab.label(c, lang) for c in codes)
                    if codes else t("report.f.all", lang)))
    if f.funders:
        out.append((t("report.f.funders", lang), ", ".join(f.funders)))
    if f.year_min or f.year_max:
        out.append((t("report.f.years", lang), f"{f.year_min or '…'} – {f.year_max or '…'}"))
    return out


def _chart(view: View, dimension, vocab, lang, title_key, value_fmt="int") -> Chart:
    df = ind.breakdown(view, dimension)
    counts = dict(zip(df.category, df.n))
    order = vocab.codes if dimension == "stage" else sorted(
        [c for c in vocab.codes if counts.get(c)], key=lambda c: -counts[c])
    return Chart(t(title_key, lang), [(vocab.label(c, lang), float(counts.get(c, 0)))
                                      for c in order], value_fmt)


def outside_grants(view: View, lang: str = "fr") -> str:
    """The view's fundings flagged ``outside_territory`` (SCDL grants to beneficiaries
    outside the inventory's territory, ingest/scdl.py), counted and summed, as a
    sentence; "" when there is none. Like the funding chart, a funding belongs to the
    view through its project."""
    df = view.query(f"SELECT count(*) AS n, sum(f.amount_eur) AS eur FROM {view.ref.table('fundings')} f "
                    f"JOIN fp USING (project_id) WHERE f.outside_territory")
    n = int(df.n.iloc[0]) if len(df) else 0
    if not n:
        return ""
    return numbers.plural("report.outside_grants", n, lang,
                          amount=numbers.currency(float(df.eur.iloc[0] or 0), lang))


def build(view: View, lang: str = "fr",
          ids: list[str] | None = None, top: int = 10) -> Report:
    """Everything the report shows for the current view (scope = ``f.territory``)."""
    store, ref, f = view.store, view.ref, view.filters
    from ecosystem.storage.zonings import geography
    geo = geography(store)  # user zonings answer like the built-in levels
    scope = f.scope
    ids = ids or REPORT_IDS
    up = terr.parent(geo, *scope) if scope else None
    refs = terr.references(view, scope, ids)
    figures = pd.DataFrame({
        "id": refs.id,
        "label": [ind.get(i).label(lang) for i in refs.id],
        "unit": [ind.get(i).unit(lang) for i in refs.id],
        "territory": [ind.format_value(i, v, lang) for i, v in zip(refs.id, refs.territory)],
        "parent": [ind.format_value(i, v, lang) if up else "" for i, v in zip(refs.id, refs.parent)],
        "france": [ind.format_value(i, v, lang) for i, v in zip(refs.id, refs.france)],
    })
    charts = [
        _chart(view, "actor_type", voc.ACTOR_TYPES, lang, "report.chart.types"),
        _chart(view, "stage", voc.STAGES, lang, "report.chart.pipeline"),
        _chart(view, "project_domain", voc.DOMAINS, lang, "report.chart.domains"),
        _chart(view, "funding_origin", voc.FUNDING_ORIGINS, lang, "report.chart.funding",
               "eur"),
    ]
    info = store.info(ref.name)
    top = top if getattr(ref, "records", True) else 0  # aggregates only: no actor list
    actors = terr.actors_table(terr.top_actors(view, top), geo, lang)
    projects = terr.projects_table(terr.top_projects(view, top), lang)
    projects = numbers.display(projects, {
        t("report.col.funding", lang): numbers.formatter("currency", lang),
        t("report.col.beneficiaries", lang): numbers.formatter("number", lang)})
    actors = numbers.display(actors, {t("report.col.projects", lang): numbers.formatter("number", lang)})
    name = terr.name_of(geo, scope, t("scope.france", lang))
    return Report(
        lang=lang,
        title=t("report.title", lang, territory=geo.label(*scope) if scope else name),
        territory=name,
        parent=terr.name_of(geo, up, t("scope.france", lang)) if up else "",
        inventory=ref.name,
        data_date=numbers.moment(info.get("updated_at"), lang),
        generated=numbers.moment(dt.datetime.now(), lang),
        synthetic=bool(ref.synthetic),
        filters=describe_filters(f, geo, lang),
        figures=figures,
        charts=charts,
        white_zones=[voc.DOMAINS.label(d, lang) for d in ind.white_zones(view)],
        top_actors=actors,
        top_projects=projects,
        definitions=[(ind.get(i).titled(lang), ind.get(i).unit(lang), ind.get(i).definition(lang),
                      ind.get(i).formula_words(lang)) for i in ids],
        national=scope is None,
        map=reportmap.build(view, lang),
        **dict(zip(("evolution", "evolution_caption"), evolution(view, lang))),
        outside_grants=outside_grants(view, lang),
    )


#: at most this many years in the report's evolution table (every few years, the last one included)
EVOLUTION_COLUMNS = 5


def evolution(view: View, lang: str = "fr", ids: list[str] | None = None):
    """The headline indicators (:data:`indicators.EVOLUTION_IDS`) of the view's territory
    (France without one) through the inventory's last 15 years, every few years: a
    table of formatted text and its caption; ``(None, text)`` when nothing is dated."""
    from ecosystem.analysis import timeline

    years = timeline.default_years(view.store, view.ref)
    if not years:
        return None, t("time.report.none", lang)
    step = max(1, -(-(len(years) - 1) // (EVOLUTION_COLUMNS - 1)))
    shown = sorted(years[::-1][::step])
    scope = view.filters.scope
    rows = []
    for iid in ids or ind.EVOLUTION_IDS:
        df = (timeline.series(view, iid, shown, scope[0], [scope[1]]) if scope
              else timeline.series(view, iid, shown))
        values = dict(zip(df.year, df.value))
        rows.append([ind.get(iid).titled(lang), *(ind.format_value(iid, values.get(y), lang)
                                                  for y in shown),
                     numbers.number(int(df.left_out.max()) if len(df) else 0, lang)])
    table = pd.DataFrame(rows, columns=[t("report.col.indicator", lang), *map(str, shown),
                                        t("time.report.left_out", lang)])
    return table, t("time.report.caption", lang, first=shown[0], last=shown[-1])


def _fmt(value: float, kind: str, lang: str) -> str:
    if kind == "eur":
        return numbers.currency(value, lang)
    return numbers.number(value, lang)


# --------------------------------------------------------------------- HTML
TEMPLATES = Path(__file__).resolve().parent / "templates"


@lru_cache(maxsize=1)
def _templates():
    return safe.html_templates(TEMPLATES)


def _bars(chart: Chart, lang: str, width: int = 440, bar_h: int = 16, label_w: int = 190) -> dict:
    """Geometry of a horizontal bar chart for the template's inline SVG."""
    items = chart.items
    top = max((v for _, v in items), default=0) or 1
    # full labels (issue 17): the label column grows with the longest label (about 6.3
    # units per character at 11 px) and the chart with it
    longest = max((len(label) for label, _ in items), default=0)
    label_w = max(label_w, int(6.3 * longest) + 8)
    width = max(width, label_w + 250)
    plot_w = width - label_w - 90
    rows = []
    for k, (label, value) in enumerate(items):
        y = k * (bar_h + 6)
        w = plot_w * value / top
        rows.append({"label": label, "short": label,
                     "label_x": label_w - 6, "text_y": y + bar_h - 4, "bar_x": label_w, "y": y,
                     "w": round(w, 1), "h": bar_h, "value_x": round(label_w + w + 4, 1),
                     "value": _fmt(value, chart.value_fmt, lang)})
    return {"title": chart.title, "rows": rows, "width": width, "height": len(items) * (bar_h + 6),
            "colour": BAR_COLOUR, "empty": t("report.no_data", lang)}


def _table(df: pd.DataFrame, numeric=frozenset()) -> dict | None:
    if not len(df):
        return None
    columns = [{"name": c, "num": c in numeric} for c in df.columns]
    return {"columns": columns,
            "rows": [list(zip(columns, row)) for row in df.itertuples(index=False)]}


def to_html(r: Report) -> str:
    """A standalone HTML page from ``render/templates/report.html.j2`` (Jinja2,
    autoescaped): inline CSS and SVG, no script, no external resource."""
    L = r.lang
    fig = r.figures.drop(columns=["id"] + ([] if r.parent else ["parent"]) +
                         (["france"] if r.national else []))
    fig = fig.rename(columns={
        "label": t("report.col.indicator", L), "unit": t("report.col.unit", L),
        "territory": r.territory, "parent": r.parent, "france": t("scope.france", L)})
    tops = [{"title": t(key, L),
             "table": _table(df, set(df.columns[-2:]) if key.endswith("projects")
                             else {df.columns[-1]})}
            for key, df in (("report.top_actors", r.top_actors),
                            ("report.top_projects", r.top_projects))]
    return _templates().get_template("report.html.j2").render(
        lang=L, title=r.title,
        meta=t("report.meta", L, inventory=r.inventory, date=r.data_date, generated=r.generated),
        synthetic=t("banner.synthetic", L) if r.synthetic else "",
        h={k: t(f"report.{k}", L) for k in ("filters", "figures", "charts", "white_zones",
                                            "definitions")} | {"formula": t("ind.formula", L)},
        filters=r.filters,
        figures=_table(fig, {r.territory, r.parent, t("scope.france", L)}),
        charts=[_bars(c, L) for c in r.charts], outside_grants=r.outside_grants,
        white_zones=", ".join(r.white_zones) if r.white_zones else t("report.no_white_zone", L),
        white_zones_help=t("report.white_zones_help", L),
        tops=tops, no_data=t("report.no_data", L),
        evolution_title=t("time.report.title", L), evolution_caption=r.evolution_caption,
        evolution=_table(r.evolution, set(r.evolution.columns[1:]))
        if r.evolution is not None else None,
        definitions=r.definitions, sources=t("report.sources", L), map=r.map)


# ---------------------------------------------------------------------- PDF
#: longest text of a PDF table cell: a longer one is cut and ends with "…" (a cell
#: taller than a page cannot be laid out; the PDF says how many were cut)
PDF_CELL_MAX = 300
#: what a character DejaVu Sans has no glyph for (CJK, most emoji) becomes
MISSING_GLYPH = "\u25a1"
_BREAKS = re.compile(r"\s*[\r\n\t]+\s*")
_SELECTORS = re.compile("[\ufe00-\ufe0f\u200d]")  # emoji presentation, joiners


@lru_cache(maxsize=1)
def _glyphs() -> frozenset[int]:
    """Code points both embedded DejaVu faces can draw."""
    from fontTools.ttLib import TTFont

    found = []
    for name in ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf"):
        with TTFont(FONTS / name, lazy=True) as font:
            found.append(set(font.getBestCmap()))
    return frozenset(found[0] & found[1])


class PdfText:
    """Data text made safe for the PDF, counting what it changed: control
    characters removed, line breaks as spaces, characters without a glyph as
    :data:`MISSING_GLYPH` (format and combining marks without a glyph, such as
    emoji variation selectors, are dropped), texts over ``limit`` cut with "…".
    Right-to-left text (Arabic, Hebrew) keeps its glyphs in logical order: fpdf2
    shapes and reorders it only with uharfbuzz, which is not installed."""

    def __init__(self, limit: int = PDF_CELL_MAX):
        self.limit = limit
        self.cut = 0
        self.replaced = 0

    def __call__(self, value, limit: int | None = None) -> str:
        limit = limit or self.limit
        text = _SELECTORS.sub("", _BREAKS.sub(" ", safe.strip_controls(safe.text(value))))
        glyphs = _glyphs()
        if any(ord(c) not in glyphs for c in text):
            out = []
            for c in text:
                if ord(c) in glyphs:
                    out.append(c)
                elif unicodedata.category(c) not in ("Mn", "Me", "Cf"):
                    out.append(MISSING_GLYPH)
                    self.replaced += 1
            text = "".join(out)
        if len(text) > limit:
            text = text[:limit - 1].rstrip() + "…"
            self.cut += 1
        return text

    def notes(self, lang: str) -> list[str]:
        out = []
        if self.cut:
            out.append(numbers.plural("report.pdf.cut", self.cut, lang, limit=numbers.number(self.limit, lang)))
        if self.replaced:
            out.append(numbers.plural("report.pdf.glyphs", self.replaced, lang, mark=MISSING_GLYPH))
        return out


def wrapped(pdf, text: str, width: float) -> list[str]:
    """``text`` as lines no wider than ``width`` (mm, the cell's margins inside) in
    ``pdf``'s current font, broken at spaces (and at line breaks); a word wider than
    a line is cut by characters. fpdf2's ``multi_cell`` measures the line again for
    every character it adds (a 300-character definition: ~15,000 character widths),
    which made the 46 definitions a third of the PDF's time; here each word is
    measured once."""
    room = width - 2 * pdf.c_margin
    space = pdf.get_string_width(" ")
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line, used = [], 0.0
        for word in paragraph.split():
            w = pdf.get_string_width(word)
            while w > room and len(word) > 1:  # longer than a line: cut it
                if line:
                    lines.append(" ".join(line))
                    line, used = [], 0.0
                k = len(word) - 1
                while k > 1 and pdf.get_string_width(word[:k]) > room:
                    k -= 1
                lines.append(word[:k])
                word = word[k:]
                w = pdf.get_string_width(word)
            if line and used + space + w > room:
                lines.append(" ".join(line))
                line, used = [], 0.0
            used += (space if line else 0.0) + w
            line.append(word)
        lines.append(" ".join(line))
    return lines


def _paragraph(pdf, text: str, width: float, height: float) -> None:
    """What ``multi_cell(width, height, text, align="L")`` writes, line by line with
    ``cell`` (no line breaking left to fpdf2: :func:`wrapped`); a line that does not
    fit on the page starts the next one."""
    for line in wrapped(pdf, text, width):
        pdf.cell(width, height, line, align="L", new_x="LMARGIN", new_y="NEXT")


def to_pdf(r: Report) -> bytes:
    """A4 PDF with embedded DejaVu Sans (accents), tables and vector bar charts.
    Data text goes through :class:`PdfText`; what it cut or replaced is said
    under the title."""
    from fpdf import FPDF
    from fpdf.fonts import FontFace

    L = r.lang
    clean = PdfText()
    filters = [[clean(k), clean(v)] for k, v in r.filters]
    territory, parent = clean(r.territory, 80), clean(r.parent, 80)
    tops = [[[clean(c, 80) for c in df.columns]] +
            [[clean(v) for v in row] for row in df.itertuples(index=False)]
            for df in (r.top_actors, r.top_projects)]
    footer = t("report.meta", L, inventory=clean(r.inventory, 80), date=r.data_date,
               generated=r.generated)
    notes = clean.notes(L)
    pdf = FPDF(format="A4", unit="mm")
    pdf.set_title(clean(r.title))
    pdf.set_creator("ecosystem dashboard")
    pdf.add_font("DejaVu", "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    pdf.set_auto_page_break(True, margin=15)
    pdf.set_margins(15, 15, 15)

    def page_footer():
        pdf.set_y(-12)
        pdf.set_font("DejaVu", "", 7)
        pdf.set_text_color(110, 120, 130)
        pdf.cell(0, 5, f"{footer} — {pdf.page_no()}", align="C")
        pdf.set_text_color(0, 0, 0)

    pdf.footer = page_footer  # type: ignore[method-assign]
    pdf.add_page()
    width = pdf.epw

    def heading(text: str, size: int = 13, keep: float = 30):
        """A heading and at least ``keep`` mm of its content on the same page."""
        if pdf.get_y() + 10 + keep > pdf.h - pdf.b_margin:
            pdf.add_page()
        pdf.ln(3)
        pdf.set_font("DejaVu", "B", size)
        pdf.multi_cell(width, 7, text, align="L", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("DejaVu", "", 9)

    pdf.set_font("DejaVu", "B", 17)
    pdf.multi_cell(width, 9, clean(r.title), align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 8)
    pdf.set_text_color(82, 96, 109)
    pdf.multi_cell(width, 5, footer, align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(0, 0, 0)
    if r.synthetic:
        pdf.ln(2)
        pdf.set_fill_color(255, 244, 229)
        pdf.set_font("DejaVu", "", 8.5)
        pdf.multi_cell(width, 4.5, t("banner.synthetic", L), fill=True, padding=2,
                       align="L", new_x="LMARGIN", new_y="NEXT")
    for note in notes:
        pdf.ln(2)
        pdf.set_fill_color(238, 242, 246)
        pdf.set_font("DejaVu", "", 8.5)
        pdf.multi_cell(width, 4.5, note, fill=True, padding=2, align="L", new_x="LMARGIN",
                       new_y="NEXT")

    def table(rows: list[list[str]], widths: tuple, align_right_from: int = 99, size=8):
        pdf.set_font("DejaVu", "", size)
        pdf.set_fill_color(255, 255, 255)
        aligns = tuple("RIGHT" if k >= align_right_from else "LEFT" for k in range(len(widths)))
        with pdf.table(col_widths=widths, text_align=aligns, line_height=4.5,
                       headings_style=FontFace(emphasis="BOLD", fill_color=(230, 238, 245)),
                       borders_layout="HORIZONTAL_LINES", width=width) as tb:
            for row in rows:
                line = tb.row()
                for cell in row:
                    line.cell(str(cell))
        pdf.set_font("DejaVu", "", 9)

    heading(t("report.filters", L))
    table([[t("report.col.field", L), t("report.col.value", L)]] + filters, (40, 100))
    heading(t("report.figures", L))
    cols = [t("report.col.indicator", L), t("report.col.unit", L), territory]
    cols += [parent] if r.parent else []
    cols += [t("scope.france", L)] if r.national is False else []
    rows = [cols] + [[x.label, x.unit, x.territory] + ([x.parent] if r.parent else []) +
                     ([x.france] if r.national is False else []) for x in r.figures.itertuples()]
    widths = {5: (64, 32, 28, 28, 28), 4: (76, 34, 35, 35), 3: (100, 40, 40)}[len(cols)]
    table(rows, widths, align_right_from=2)

    if r.map is not None:  # vector polygons, the same shapes as the HTML's SVG
        m = r.map
        scale = min(width / m.width, 120 / m.height)  # at most 12 cm high
        heading(clean(m.title), 11, keep=m.height * scale + 8)
        top, left = pdf.get_y() + 1, pdf.l_margin
        pdf.set_draw_color(255, 255, 255)
        pdf.set_line_width(0.15)
        for shape in m.shapes:
            pdf.set_fill_color(*(int(shape.fill[i:i + 2], 16) for i in (1, 3, 5)))
            for ring in shape.rings:
                pdf.polygon([(left + x * scale, top + y * scale) for x, y in ring], style="DF")
        pdf.set_draw_color(0, 0, 0)
        pdf.set_y(top + m.height * scale + 2)
        pdf.set_font("DejaVu", "", 7.5)
        for colour, label in m.legend:
            pdf.set_fill_color(*(int(colour[i:i + 2], 16) for i in (1, 3, 5)))
            pdf.rect(pdf.get_x(), pdf.get_y() + 1, 4, 2.6, style="F")
            pdf.set_x(pdf.get_x() + 5)
            pdf.cell(pdf.get_string_width(label) + 4, 4.5, label)
        pdf.ln(6)
        pdf.set_font("DejaVu", "", 9)

    heading(t("report.charts", L))
    for chart in r.charts:
        need = 8 + 5.5 * max(len(chart.items), 1)
        if pdf.get_y() + need > pdf.h - 20:
            pdf.add_page()
        pdf.set_font("DejaVu", "B", 10)
        pdf.cell(width, 6, chart.title, align="L", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("DejaVu", "", 8)
        if not chart.items:
            pdf.cell(width, 5, t("report.no_data", L), align="L", new_x="LMARGIN", new_y="NEXT")
            continue
        top = max(v for _, v in chart.items) or 1
        # full labels (issue 17): the label column is as wide as the longest one (up to
        # half the page), then the font shrinks; a label is cut only below 6 pt
        label_w = min(max(62, max(pdf.get_string_width(lb) for lb, _ in chart.items) + 4), width / 2)
        plot_w = width - label_w - 32
        pdf.set_fill_color(5, 112, 176)
        for label, value in chart.items:
            y = pdf.get_y()
            size = 8
            while pdf.get_string_width(label) > label_w - 2 and size > 6:
                size -= 0.5
                pdf.set_font("DejaVu", "", size)
            short = label
            while pdf.get_string_width(short) > label_w - 2 and len(short) > 4:
                short = short[:-2] + "…"
            pdf.set_xy(pdf.l_margin, y)
            pdf.cell(label_w - 2, 4.5, short, align="R")
            pdf.set_font("DejaVu", "", 8)
            w = plot_w * value / top
            if w > 0:
                pdf.rect(pdf.l_margin + label_w, y + 0.6, w, 3.4, style="F")
            pdf.set_xy(pdf.l_margin + label_w + w + 1.5, y)
            pdf.cell(30, 4.5, _fmt(value, chart.value_fmt, L))
            pdf.set_xy(pdf.l_margin, y + 5.5)
        pdf.ln(2)

    if r.outside_grants:
        pdf.set_font("DejaVu", "", 8.5)
        _paragraph(pdf, r.outside_grants, width, 4.5)
    heading(t("time.report.title", L))
    pdf.set_font("DejaVu", "", 7.5)
    pdf.multi_cell(width, 4, r.evolution_caption, align="L", new_x="LMARGIN", new_y="NEXT")
    if r.evolution is not None:
        n = len(r.evolution.columns) - 2
        table([list(r.evolution.columns)] + [[str(v) for v in row] for row in
                                             r.evolution.itertuples(index=False)],
              (60, *([round(100 / n, 1)] * n), 20), align_right_from=1, size=7)

    heading(t("report.white_zones", L))
    pdf.multi_cell(width, 5, ", ".join(r.white_zones) if r.white_zones
                   else t("report.no_white_zone", L), align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 7.5)
    pdf.multi_cell(width, 4, t("report.white_zones_help", L), align="L", new_x="LMARGIN", new_y="NEXT")
    for key, rows, widths in (("report.top_actors", tops[0], (70, 50, 40, 20)),
                              ("report.top_projects", tops[1], (55, 40, 33, 27, 25))):
        heading(t(key, L))
        if len(rows) > 1:
            table(rows, widths, align_right_from=len(widths) - (2 if key.endswith("projects") else 1))
        else:
            pdf.multi_cell(width, 5, t("report.no_data", L), align="L", new_x="LMARGIN", new_y="NEXT")

    heading(t("report.definitions", L))
    for label, unit, text, formula in r.definitions:
        pdf.set_font("DejaVu", "B", 8.5)
        _paragraph(pdf, label, width, 4.5)
        pdf.set_font("DejaVu", "", 8)
        _paragraph(pdf, f"{text} {t('ind.formula', L)} {formula}", width, 4.2)
        pdf.ln(1)
    pdf.set_font("DejaVu", "", 7.5)
    pdf.multi_cell(width, 4, t("report.sources", L), align="L", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
