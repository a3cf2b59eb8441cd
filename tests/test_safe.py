"""ecosystem/render/safe.py: one way out per output kind, on hostile values whose
expected output is written by hand, and a sweep that no other module escapes by
itself (issue 12 item 16, issue 15 section 2)."""

import json
import math
import re
from pathlib import Path

import pytest

from ecosystem.render import safe

ROOT = Path(__file__).resolve().parent.parent
WJ = "\u2060"  # word joiner: breaks GFM autolinks, invisible


# ------------------------------------------------------------------ HTML
def test_html_escapes_markup_and_both_quotes():
    assert safe.html('<a href="x">O\'N & co</a>') == \
        "&lt;a href=&quot;x&quot;&gt;O&#x27;N &amp; co&lt;/a&gt;"


def test_text_pandas_missing_values_are_empty():
    import pandas as pd
    assert safe.text(pd.NA) == ""
    assert safe.text(pd.NaT) == ""
    assert safe.text(0) == "0"
    assert safe.text("") == ""


def test_html_missing_values_are_empty():
    assert safe.html(None) == ""
    assert safe.html(math.nan) == ""
    assert safe.html(12) == "12"


def test_html_templates_escape_every_value_with_the_html_rule(tmp_path):
    (tmp_path / "t.html").write_text('<p title="{{ v }}">{{ v }}{{ nothing }}</p>{% macro b(x) %}<b>{{ x }}</b>'
                                     '{% endmacro %}{{ b(v) }}', encoding="utf-8")
    env = safe.html_templates(tmp_path)
    out = env.get_template("t.html").render(v="<a href=\"x\">O'N & {{7*7}}", nothing=None)
    value = "&lt;a href=&quot;x&quot;&gt;O&#x27;N &amp; {{7*7}}"
    assert out == f'<p title="{value}">{value}</p><b>{value}</b>'


def test_html_templates_drop_the_file_s_trailing_newline(tmp_path):
    (tmp_path / "n.html").write_text("<p>{{ v }}</p>\n", encoding="utf-8")
    assert safe.html_templates(tmp_path).get_template("n.html").render(v="a") == "<p>a</p>"


def test_html_templates_refuse_undefined_names(tmp_path):
    import jinja2
    (tmp_path / "u.html").write_text("{{ missing }}", encoding="utf-8")
    with pytest.raises(jinja2.UndefinedError):
        safe.html_templates(tmp_path).get_template("u.html").render()


# ------------------------------------------------------------------ script JSON
def test_script_json_escapes_script_breakers_and_line_separators():
    value = {"n": "</script><!--\u2028&\u2029"}
    out = safe.script_json(value)
    assert out == '{"n":"\\u003c/script\\u003e\\u003c!--\\u2028\\u0026\\u2029"}'
    assert json.loads(out) == value  # still the same data for JSON.parse


def test_script_json_is_compact_and_keeps_accents_readable():
    assert safe.script_json({"nom": "Économie", "n": [1, 2]}) == '{"nom":"Économie","n":[1,2]}'


def test_script_json_refuses_nan():
    with pytest.raises(ValueError):
        safe.script_json({"x": math.nan})


# ------------------------------------------------------------------ Markdown
def test_markdown_image_is_inert():
    assert safe.markdown("![i](http://host/x.png)") == "\\!\\[i\\](http" + WJ + "\\://host/x.png)"


def test_markdown_javascript_link_is_inert():
    assert safe.markdown("[link](javascript:alert(1))") == \
        "\\[link\\](javascript" + WJ + "\\:alert(1))"


def test_markdown_breaks_bare_url_www_and_email_autolinks():
    assert safe.markdown("http://evil.example/x") == "http" + WJ + "\\://evil.example/x"
    assert safe.markdown("see www.evil.example") == "see w" + WJ + "ww.evil.example"
    assert safe.markdown("a@b.fr") == "a" + WJ + "@" + WJ + "b.fr"


def test_markdown_html_emphasis_directives_and_newlines():
    assert safe.markdown("<b>x</b> &amp;") == "\\<b\\>x\\</b\\> \\&amp;"
    assert safe.markdown("*a* _b_ `c` ~d~ $e$ |f|") == \
        "\\*a\\* \\_b\\_ \\`c\\` \\~d\\~ \\$e\\$ \\|f\\|"
    assert safe.markdown(":red[x] :material/home:") == "\\:red\\[x\\] \\:material/home" + WJ + "\\:"
    assert safe.markdown("line\n# title") == "line \\# title"
    assert safe.markdown(None) == ""


def test_markdown_escapes_block_markers_only_at_the_start():
    assert safe.markdown("- item") == "\\- item"
    assert safe.markdown("  + item") == "  \\+ item"
    assert safe.markdown("===") == "\\==="
    assert safe.markdown("1. first") == "1\\. first"
    assert safe.markdown("12) first") == "12\\) first"
    # inside a line they are plain text and stay readable in the source
    assert safe.markdown("Loire-Atlantique (44). 1. a - b") == "Loire-Atlantique (44). 1. a - b"


# ------------------------------------------------------------------ Plotly
def test_plotly_label_link_is_text():
    assert safe.plotly('<a href="http://x">y</a> & <b>') == \
        '&lt;a href="http://x"&gt;y&lt;/a&gt; &amp; &lt;b&gt;'
    assert safe.plotly(None) == ""


# ------------------------------------------------------------------ SQL
def test_sql_literal_doubles_quotes_and_drops_nul():
    assert safe.sql_literal("O'Neil'; DROP TABLE x; --") == "'O''Neil''; DROP TABLE x; --'"
    assert safe.sql_literal("a\x00b") == "'ab'"
    assert safe.sql_literal(None) == "NULL"


# ------------------------------------------------------------------ spreadsheet cells
def test_cell_neutralises_formulas_and_controls():
    assert safe.cell("=HYPERLINK(\"http://x\")") == "'=HYPERLINK(\"http://x\")"
    assert safe.cell(" \t+1") == "' \t+1"
    assert safe.cell("\uff1d1+1") == "'\uff1d1+1"
    assert safe.cell("a\x00b\u200bc") == "abc"
    assert safe.cell("plain") == "plain"
    assert safe.cell(3) == 3


def test_char_class_writes_single_code_points_and_ranges():
    # RE2 / DuckDB spelling (the default) and Python's \U spelling, written by hand
    assert safe.char_class(((0x41, 0x41), (0x30, 0x39))) == "[\\x{41}\\x{30}-\\x{39}]"
    assert safe.char_class(((0x2060, 0x2060), (0x0, 0x8)), safe._py) == \
        "[\\U00002060\\U00000000-\\U00000008]"
    assert safe.char_class(((0xFEFF, 0xFEFF),), safe._py) == "[\\U0000feff]"
    assert re.fullmatch(safe.char_class(((0x30, 0x39),), safe._py) + "+", "0123") is not None


def test_strip_controls_keeps_tab_and_line_breaks():
    assert safe.strip_controls("a\tb\nc\rd\x07e\x7ff\ufeffg\u200dh") == "a\tb\nc\rdefgh"


# ------------------------------------------------------------------ console
def test_console_markup_and_escape_sequences_are_text():
    assert safe.console("[red]x[/red]") == "\\[red]x\\[/red]"
    assert safe.console("\x1b[2Jok") == "[2Jok"
    assert safe.console("[link=http://evil]y[/link]") == "\\[link=http://evil]y\\[/link]"


# ------------------------------------------------------------------ one implementation
FORBIDDEN = [
    (r"\bhtml\.escape\b", "html.escape"),
    (r"from\s+html\s+import\s+escape", "html.escape"),
    (r"\bmarkupsafe\b", "markupsafe"),
    (r"\bsaxutils\b|\bcgi\.escape\b|\bbleach\b", "other escaping library"),
    (r"\brich\.markup\b", "rich.markup.escape"),
    (r"\bdef\s+(md|esc|escape\w*|\w*_escape|js_data|script_json)\s*\(", "own escaping helper"),
    (r"\.replace\(\s*['\"](<|>|&|</)['\"]", "hand-made escaping (.replace)"),
    (r"\\\\u003c|&lt;|&amp;", "hand-made entities"),
    (r"str\.maketrans\(\{\s*c\s*:\s*['\"]\\\\", "hand-made Markdown escaping"),
]
JS_FORBIDDEN = [(r"\.innerHTML\b|insertAdjacentHTML|outerHTML\s*=|document\.write",
                 "HTML parsing of data in the browser")]


def _sources():
    files = [ROOT / "app.py", *(ROOT / "ecosystem").rglob("*.py"), *(ROOT / "pages").rglob("*.py")]
    files += [p for p in (ROOT / "static").rglob("*.js") if "vendor" not in p.parts]
    return [p for p in files if p != ROOT / "ecosystem" / "render" / "safe.py"]


def test_no_other_escaping_helper_exists():
    found = []
    for path in _sources():
        body = path.read_text(encoding="utf-8")
        rules = FORBIDDEN + (JS_FORBIDDEN if path.suffix == ".js" else [])
        for pattern, what in rules:
            for m in re.finditer(pattern, body):
                line = body.count("\n", 0, m.start()) + 1
                found.append(f"{path.relative_to(ROOT)}:{line}: {what}")
    assert found == []


def test_the_sweep_sees_the_files_it_guards():
    names = {p.relative_to(ROOT).as_posix() for p in _sources()}
    assert {"ecosystem/render/maps.py", "pages/_shell.py", "static/map/explorer.js",
            "static/network/graph.js", "app.py"} <= names


def test_the_sweep_catches_a_planted_helper(tmp_path):
    body = 'def esc(v):\n    return v.replace("<", "&lt;")\n'
    hits = [what for pattern, what in FORBIDDEN if re.search(pattern, body)]
    assert hits == ["own escaping helper", "hand-made escaping (.replace)", "hand-made entities"]


def test_css_string_escapes_everything_but_letters_digits_and_spaces():
    """Issue 17: the uploader's French text is a CSS ``content`` string."""
    assert safe.css_string('Déposez 1 "fichier" </style>') == \
        '"Déposez 1 \\22 fichier\\22  \\3c \\2f style\\3e "'
    assert safe.css_string("a\\b\n") == '"a\\5c b\\a "'
    assert safe.css_string(None) == '""'
