"""One formatting path (ecosystem.numbers, Babel): values worked out by hand from
the CLDR rules — French groups with U+202F and a decimal comma, a no-break space
before % and €; English groups with commas, no space before %, € in front."""

import ast
import datetime
import re
from pathlib import Path

import plotly.graph_objects as go
import pytest

from ecosystem import numbers as N
from ecosystem.analysis import indicators as I

NNBSP, NBSP = "\u202f", "\u00a0"


def test_decimal_and_number():
    assert N.decimal(1234567.891, 2, "fr") == f"1{NNBSP}234{NNBSP}567,89"
    assert N.decimal(1234567.891, 2, "en") == "1,234,567.89"
    assert N.number(379648, "fr") == f"379{NNBSP}648"
    assert N.number(6.938, "fr", 3) == "6,938"
    assert N.number(6.938, "en", 3) == "6.938"
    assert N.number(2.5, "en", 2) == "2.50"
    assert N.number(float("nan"), "fr") == "—"
    assert N.number(None, "en") == "—"


def test_currency():
    assert N.currency(280100, "fr") == f"280{NNBSP}100{NBSP}€"
    assert N.currency(280100, "en") == "€280,100"
    assert N.currency(12.5, "fr", 2) == f"12,50{NBSP}€"
    assert N.currency(12.5, "en", 2) == "€12.50"


def test_percent():
    assert N.percent(0.0773, "fr") == f"7,7{NBSP}%"
    assert N.percent(0.0773, "en") == "7.7%"
    assert N.percent(1, "fr", 0) == f"100{NBSP}%"


def test_compact():
    assert N.compact(68_350_798, "fr") == f"68,4{NBSP}M"
    assert N.compact(68_350_798, "en") == "68.4M"
    assert N.compact(2_500_000_000, "fr") == f"2,5{NBSP}Md"
    assert N.compact(2_500_000_000, "en") == "2.5B"
    assert N.compact(999, "fr") == "999"
    assert N.compact_currency(1_234_567, "fr") == f"1,2{NBSP}M{NBSP}€"
    assert N.compact_currency(1_234_567, "en") == "€1.2M"
    assert N.compact_currency(800, "fr") == f"800{NBSP}€"


def test_date():
    assert N.date(datetime.date(2026, 3, 1), "fr") == "1 mars 2026"
    assert N.date("2026-03-01T10:00:00", "en") == "Mar 1, 2026"
    assert N.moment(datetime.datetime(2026, 3, 1, 14, 5), "fr") == "1 mars 2026, 14:05"
    assert N.moment("2026-03-01 14:05:30", "en") == "Mar 1, 2026, 2:05\u202fPM"


def test_plural_categories_follow_cldr():
    # French: 0 and 1 are singular; English: only 1
    assert [N.plural_form(n, "fr") for n in (0, 1, 2)] == ["one", "one", "other"]
    assert [N.plural_form(n, "en") for n in (0, 1, 2)] == ["other", "one", "other"]


def test_plural_messages():
    assert N.plural("count.actors", 0, "fr") == "0 acteur"
    assert N.plural("count.actors", 1, "fr") == "1 acteur"
    assert N.plural("count.actors", 2, "fr") == "2 acteurs"
    assert N.plural("count.actors", 0, "en") == "0 actors"
    assert N.plural("count.actors", 1, "en") == "1 actor"
    assert N.plural("count.actors", 1500, "fr") == f"1{NNBSP}500 acteurs"
    assert N.plural("count.actors", 1500, "en") == "1,500 actors"


def test_plotly_separators():
    assert N.plotly_separators("fr") == f",{NNBSP}"
    assert N.plotly_separators("en") == ".,"
    fig = N.style_figure(go.Figure(go.Bar(x=[1], y=[0.5])), "fr")
    assert fig.layout.separators == f",{NNBSP}"


def test_axes_group_four_digit_thousands_and_years_stay_whole():
    """Bar labels say "3 891" (Babel): the ticks must say "1 000", not Plotly's "1000";
    the evolution chart's year axis keeps "2024" (tickformat "d" never groups)."""
    import pandas as pd

    from ecosystem.analysis.indicators import EVOLUTION_IDS
    from ecosystem.render import evolution
    ind_id = EVOLUTION_IDS[0]
    fig = N.style_figure(go.Figure(go.Bar(x=["a", "b"], y=[1000, 3891])), "fr")
    assert fig.layout.yaxis.separatethousands is True
    assert fig.layout.xaxis.separatethousands is True
    df = pd.DataFrame({"place": ["France"] * 2, "name": ["France"] * 2, "is_france": [True] * 2,
                       "year": [2023, 2024], "value": [1000.0, 2000.0], "left_out": [0, 0]})
    years = evolution.chart(df, ind_id, "fr").layout.xaxis
    assert (years.tickformat, years.separatethousands) == ("d", True)


def test_display_keeps_the_raw_frame():
    import pandas as pd

    raw = pd.DataFrame({"name": ["A"], "amount": [280100.0]})
    shown = N.display(raw, {"amount": lambda v: N.currency(v, "fr")})
    assert shown.amount.tolist() == [f"280{NNBSP}100{NBSP}€"]
    assert raw.amount.tolist() == [280100.0]


def test_display_numbers_formats_every_numeric_column():
    import pandas as pd

    raw = pd.DataFrame({"name": ["A", "B"], "degree": [1200, 3], "betweenness": [0.01234567, 12.0],
                        "flag": [True, False]})
    fr = N.display_numbers(raw, "fr")
    assert fr.degree.tolist() == [f"1{NNBSP}200", "3"]
    assert fr.betweenness.tolist() == ["0,0123", "12"]
    assert fr.flag.tolist() == [True, False] and fr.name.tolist() == ["A", "B"]
    assert N.display_numbers(raw, "en").betweenness.tolist() == ["0.0123", "12"]


def test_indicator_values_read_with_their_unit():
    assert I.format_value("funding_per_inhabitant", 12.5, "fr") == f"12,50{NBSP}€"
    assert I.format_value("funding_per_inhabitant", 12.5, "en", with_unit=True) == "€12.50 / inh."
    assert I.format_value("funding_total", 280100, "fr") == f"280{NNBSP}100{NBSP}€"
    assert I.format_value("funding_public_share", 0.0773, "en") == "7.7%"
    assert I.format_value("actors", 1, "fr", with_unit=True) == "1 acteur"
    assert I.format_value("actors", 0, "fr", with_unit=True) == "0 acteur"
    assert I.format_value("actors", 0, "en", with_unit=True) == "0 actors"
    assert I.format_value("actors", 2, "fr", with_unit=True) == "2 acteurs"
    assert I.format_value("hybridity", None) == "—"


# ------------------------------------------------------- no second formatting path
ROOT = Path(__file__).resolve().parent.parent
#: a Python format spec with grouping or fixed decimals: {v:,} {v:.1f} {v:,.0f}
SPEC = re.compile(r"[,_]|\.\d+[fFeEgG%]")
#: the same inside a str.format template (not Plotly's %{x:,d}, which takes layout.separators)
TEMPLATE = re.compile(r"(?<!%)\{[\w.\[\]]*:[<>^=+\- #0]*\d*([,_]|[,_]?\.\d+[a-zA-Z%]?)\}")
#: printf with fixed decimals or grouping (Streamlit NumberColumn formats, % operator)
PRINTF = re.compile(r"%[-+ 0#]*\d*(\.\d+[fFeEgG]|,)")
#: Streamlit presets that format with the browser's locale, not the app's language
BROWSER_PRESETS = {"localized", "percent", "dollar", "euro", "yen", "accounting", "compact"}


def hand_formatting(source: str) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.FormattedValue) and node.format_spec is not None:
            spec = "".join(str(v.value) for v in node.format_spec.values
                           if isinstance(v, ast.Constant))
            if SPEC.search(spec):
                found.append((node.lineno, spec))
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            if TEMPLATE.search(node.value) or PRINTF.search(node.value):
                found.append((node.lineno, node.value[:60]))
        elif isinstance(node, ast.Call) and getattr(node.func, "id", None) == "format":
            found.append((node.lineno, "format()"))
        elif isinstance(node, ast.keyword) and node.arg == "format" and \
                isinstance(node.value, ast.Constant) and node.value.value in BROWSER_PRESETS:
            found.append((node.value.lineno, node.value.value))
    return found


def test_the_scan_finds_hand_formatting():
    sample = ('a = f"{v:,}"\nb = f"{v:.1f} €"\nc = "{:,.0f}".format(v)\nd = "%.2f" % v\n'
              'e = format(v, ",")\nf = NumberColumn(format="%.0f €")\n'
              'g = NumberColumn(format="localized")\n'
              'ok = f"{v}" + "%{x:,d}" + f"{w!r}" + "{n}" + str(round(v, 1))\n')
    assert sorted(line for line, _ in hand_formatting(sample)) == [1, 2, 3, 4, 5, 6, 7]


def test_no_hand_rolled_number_formatting_in_pages_and_render():
    """Every displayed number goes through ecosystem.numbers (Babel)."""
    files = sorted([*(ROOT / "pages").rglob("*.py"), *(ROOT / "ecosystem" / "render").rglob("*.py")])
    assert len(files) > 15
    found = {str(p.relative_to(ROOT)): hits for p in files
             if (hits := hand_formatting(p.read_text(encoding="utf-8")))}
    assert found == {}


# ------------------------------------------- the fast path renders as Babel does
from hypothesis import given, settings, strategies as st  # noqa: E402


@settings(max_examples=400, deadline=None)
@given(value=st.one_of(st.floats(allow_nan=False, allow_infinity=False, min_value=-1e16, max_value=1e16),
                       st.integers(-10**12, 10**12),
                       st.decimals(min_value=-10**6, max_value=10**6, places=3).map(float)),
       lang=st.sampled_from(["fr", "en"]), kind=st.sampled_from(["decimal", "percent", "currency"]),
       places=st.integers(0, 4), trim=st.booleans())
def test_fast_rendering_equals_babel(value, lang, kind, places, trim):
    least = 0 if trim else None
    assert N._render(float(value), lang, kind, places, least) == \
        N.babel_apply(float(value), lang, kind, places, least)


def test_fast_rendering_on_rounding_edges():
    for v in (2.675, 0.125, 0.5, 1.5, 2.5, -0.001, -0.0, 999.995, 1e15, 123456789.987654321):
        for lang in ("fr", "en"):
            for kind in ("decimal", "percent", "currency"):
                for places in (0, 1, 2):
                    assert N._render(v, lang, kind, places, None) == \
                        N.babel_apply(v, lang, kind, places), (v, lang, kind, places)


def test_import_issue_counts_take_plural_forms():
    from ecosystem.model import Issue

    def reason(n, lang):
        return Issue("actors", 3, "name", "x", "controls", (("count", n),)).reason(lang)

    assert reason(1, "fr") == "1 caractère de contrôle retiré (NUL, échappement, espace sans largeur…)."
    assert reason(1200, "fr").startswith(f"1{NNBSP}200 caractères de contrôle retirés")
    assert reason(0, "en").startswith("0 control characters removed")
    assert reason(1, "en").startswith("1 control character removed")


@pytest.mark.parametrize("n_bytes, lang, expected", [
    (1204, "fr", "1,2\u202fko"), (1204, "en", "1.2 kB"),
    (12_500_000, "fr", "12,5\u202fMo"), (12_500_000, "en", "12.5 MB"),
    (300, "fr", "0,3\u202fko"), (40, "en", "0.1 kB"),
    (2_000_000_000, "fr", "2\u202fGo")])
def test_file_size_in_the_reader_s_units(n_bytes, lang, expected):
    """What Streamlit writes "1.2KB" under an uploaded file, in the app's language."""
    assert N.file_size(n_bytes, lang) == expected
