"""Hypothesis strategies: small inventories built from the model's own declarations.

Nothing here repeats the schema. Tables, columns, kinds, bounds, patterns, keys and
references come from :mod:`ecosystem.model` (``TABLES``, ``Col``, ``REFERENCES``);
codes come from the vocabularies each column names (:mod:`ecosystem.vocabulary`);
commune codes come from the shipped geography. Only the value *shapes* users hit
first are chosen here: a scenario (empty inventory, a single actor, no projects,
no located actor, every actor in one commune, overseas only, anything), optional
columns missing or empty, hostile text (right-to-left, emoji, combining marks, NUL
and control characters, Markdown / HTML / Rich markup, formula prefixes, very long
strings) and extreme numbers (each column's declared bounds, 0, 1e15 amounts).

Every generated inventory passes :func:`ecosystem.model.validate`: what the pages
and exports receive is what the store accepts.
"""

from __future__ import annotations

import functools
import re

import pandas as pd
from hypothesis import strategies as st
from stdnum import luhn

from ecosystem import model

# ------------------------------------------------------------------ text
#: texts that broke or could break something: one per family, short enough to
#: combine; very long ones are made by repetition below
HOSTILE_TEXTS = (
    "مركز التضامن الاجتماعي",                      # Arabic, right to left
    "עמותת \u202eevil\u202c שלום",                 # Hebrew with RTL override marks
    "👩‍👩‍👧‍👦 Entraide 🏳️‍🌈🇫🇷",                         # emoji, ZWJ sequences, flags
    "Ze\u0301\u0301\u0301\u0327\u0308bre",          # stacked combining marks
    "Z\u0351\u0352\u0353\u0354a\u0355\u0356l\u0357\u0358go",
    "nul\x00byte",                                  # NUL
    "bell\x07esc\x1b[31mred\x1b[0m\x08back",        # C0 controls, ANSI escapes
    "c1\x85\x9bcontrols",                           # C1 controls
    "**gras** _it_ [lien](javascript:alert(1)) `code` # titre",
    "<script>alert('x')</script><img src=x onerror=alert(1)>",
    "[bold red]rich[/bold red] [link=http://x]l[/link]",
    "=HYPERLINK(\"http://evil.example\",\"x\")",
    "+33 1 23 45 67 89",
    "-2+3",
    "@SUM(A1:A9)",
    "\tstarts with a tab",
    "\rstarts with CR",
    "line one\nline two\r\nline three",
    "{{7*7}} ${7*7} {0} %s %(x)s",
    "$\\frac{1}{2}$ :material/home: :red[rouge]",
    "\ufeffBOM and\u200bzero\u200dwidth\u2060joiner",
    "sep\u2028line\u2029para",
    "'; DROP TABLE actors; --",
    "\"quoted\";semi;colon,comma",
    "back\\slash\\\\",
    "ﷺ ꧅ 𒐫 𝕬𝖇𝖈",                                   # very wide glyphs, astral plane
    "\U0010ffff\ue000private",                      # last code point, private use
    "   ",                                          # blank
    "Œuvre d’Économie Sociale — « solidaire »",
)

_ALPHABET = st.characters(codec="utf-8", exclude_categories=("Cs",))


def _long(base: str) -> str:
    """A very long value: one word repeated (wraps) or one unbreakable run."""
    return base * (4000 // max(len(base), 1) + 1)


texts = st.one_of(
    st.sampled_from(HOSTILE_TEXTS),
    st.text(_ALPHABET, min_size=0, max_size=24),
    st.sampled_from(HOSTILE_TEXTS + ("Lorem ipsum ", "x")).map(_long),
)


def non_blank(s: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """The model refuses blank names and titles (``empty`` check)."""
    return s.filter(lambda v: v.strip() != "")


# --------------------------------------------------------------- geography
@functools.cache
def geography():
    from ecosystem.geo import Geography
    geo = Geography()
    geo.communes  # noqa: B018 - load once
    return geo


@functools.cache
def commune_pools() -> dict[str, list[str]]:
    """Real commune codes by kind (sorted: examples replay the same way)."""
    com = geography().communes
    codes = sorted(com.code)
    overseas = [c for c in codes if c[:3] in ("971", "972", "973", "974", "975", "976")]
    corsica = [c for c in codes if c.startswith("2A") or c.startswith("2B")]
    return {"all": codes, "overseas": overseas, "corsica": corsica}


SCENARIOS = ("any", "empty", "single_actor", "no_projects", "unlocated", "one_commune",
             "overseas")


def _commune_codes(scenario: str, col: model.Col) -> st.SearchStrategy:
    """Codes for a commune column: real ones (metropolitan, Corsica, overseas),
    codes matching the model's pattern that no commune has, or nothing."""
    pools = commune_pools()
    unknown = st.from_regex(f"(?:{col.pattern})", fullmatch=True)
    if scenario == "unlocated":
        return st.none()
    if scenario == "overseas":
        return st.sampled_from(pools["overseas"])
    return st.one_of(st.sampled_from(pools["all"]), st.sampled_from(pools["overseas"]),
                     st.sampled_from(pools["corsica"]), unknown, st.none())


# --------------------------------------------------------------- columns
INT_LIMIT = 2**31 - 1  # the store's INTEGER
AMOUNT_LIMIT = 1e15    # the largest amount anyone types; no model bound


def _numbers(col: model.Col) -> st.SearchStrategy:
    lo = col.min if col.min is not None else (-INT_LIMIT if col.kind == "int" else -AMOUNT_LIMIT)
    hi = col.max if col.max is not None else (INT_LIMIT if col.kind == "int" else AMOUNT_LIMIT)
    extremes = sorted({v for v in (lo, hi, 0, -1, 1) if lo <= v <= hi})
    if col.kind == "int":
        lo, hi = int(lo), int(hi)
        return st.one_of(st.sampled_from([int(v) for v in extremes]), st.integers(lo, hi))
    return st.one_of(st.sampled_from([float(v) for v in extremes]),
                     st.floats(lo, hi, allow_nan=False, allow_infinity=False))


def _identifier(col: model.Col) -> st.SearchStrategy[str]:
    """SIREN / SIRET numbers the model's checksum check accepts (python-stdnum's Luhn)."""
    if col.name == "siren":
        return st.from_regex(r"[0-9]{8}", fullmatch=True).map(lambda d: d + luhn.calc_check_digit(d))
    siren = _identifier(model.ACTORS.col("siren"))
    return st.tuples(siren, st.from_regex(r"[0-9]{4}", fullmatch=True)).map(
        lambda p: p[0] + p[1] + luhn.calc_check_digit(p[0] + p[1]))


def column_values(col: model.Col, scenario: str) -> st.SearchStrategy:
    """Values of one column, from its declaration."""
    if col.kind == "list":
        codes = col.vocabulary.codes
        value = st.one_of(
            st.lists(st.sampled_from(codes), min_size=1, max_size=len(codes), unique=True)
            .map(model.voc.LIST_SEP.join),
            st.just(""))
    elif col.vocabulary is not None:
        value = st.sampled_from(col.vocabulary.codes)
    elif col.name == "commune_code":
        return _commune_codes(scenario, col) if not col.required else \
            _commune_codes(scenario, col).filter(lambda v: v is not None)
    elif col.name in ("siren", "siret"):
        value = _identifier(col)
    elif col.pattern:
        value = st.from_regex(f"(?:{col.pattern})", fullmatch=True)
    elif col.kind in ("int", "float"):
        value = _numbers(col)
    elif col.kind == "bool":
        value = st.booleans()
    elif col.name in ("name", "title"):
        value = non_blank(texts)
    else:
        value = texts
    if scenario == "unlocated" and col.name in ("lat", "lon"):
        return st.none()
    return value if col.required else st.one_of(st.none(), value)


def _rows(table: model.Table, scenario: str, refs: dict[str, list[str]]) -> st.SearchStrategy:
    """One row as a dict; columns that point to another table draw from its ids."""
    fields = {}
    for col in table.columns:
        target = refs.get(col.name)
        if target is not None:
            pick = st.sampled_from(target) if target else st.none()
            fields[col.name] = pick if col.required else st.one_of(st.none(), pick)
        elif col.unique:  # an id: short and hostile, unique by the list below
            fields[col.name] = non_blank(st.one_of(st.sampled_from(HOSTILE_TEXTS),
                                                   st.text(_ALPHABET, min_size=1, max_size=12)))
        else:
            fields[col.name] = column_values(col, scenario)
    return st.fixed_dictionaries(fields)


SIZES = {"actors": 8, "projects": 6}
OTHER_SIZE = 6


def _order() -> list[str]:
    """Tables with the ones they reference first."""
    needs = {name: {t for (src, _, t, _) in model.REFERENCES if src == name and t != name}
             for name in model.TABLES}
    done: list[str] = []
    while len(done) < len(needs):
        for name in model.TABLES:
            if name not in done and needs[name] <= set(done):
                done.append(name)
    return done


def _size(name: str, scenario: str) -> tuple[int, int]:
    if scenario == "empty":
        return 0, 0
    if name == "actors":
        return (1, 1) if scenario == "single_actor" else (1, SIZES["actors"])
    if name == "projects" and scenario == "no_projects":
        return 0, 0
    return 0, SIZES.get(name, OTHER_SIZE)


def _frame(rows: list[dict], table: model.Table) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=table.column_names, index=range(1, len(rows) + 1))
    for col in table.columns:
        if col.kind == "int":
            df[col.name] = df[col.name].astype("Int64")
        elif col.kind == "bool":
            df[col.name] = df[col.name].astype("boolean")
        elif col.kind == "float":
            df[col.name] = df[col.name].astype("float64")
        else:
            df[col.name] = df[col.name].astype(object)
    return df


@st.composite
def inventories(draw, scenarios=SCENARIOS) -> tuple[str, model.InventoryData, str]:
    """(inventory name, data, scenario)."""
    scenario = draw(st.sampled_from(scenarios))
    one_commune = draw(st.sampled_from(commune_pools()["all"])) if scenario == "one_commune" \
        else None
    ids: dict[str, list[str]] = {}
    frames: dict[str, pd.DataFrame] = {}
    for name in _order():
        table = model.TABLES[name]
        refs = {col: ids[target] for (src, col, target, _) in model.REFERENCES if src == name}
        lo, hi = _size(name, scenario)
        needed = [col for (src, col, target, _) in model.REFERENCES
                  if src == name and table.col(col).required and not ids[target]]
        if needed:
            lo = hi = 0
        rows = draw(st.lists(_rows(table, scenario, refs), min_size=lo, max_size=hi,
                             unique_by=lambda r, key=table.key: tuple(r[k] for k in key)))
        if one_commune is not None:
            for r in rows:
                if "commune_code" in r:
                    r["commune_code"] = one_commune
        if {"start_year", "end_year"} <= set(table.column_names):
            # the model refuses an end before the start (check "end_before_start")
            for r in rows:
                if r["start_year"] is not None and r["end_year"] is not None \
                        and r["end_year"] < r["start_year"]:
                    r["start_year"], r["end_year"] = r["end_year"], r["start_year"]
        df = _frame(rows, table)
        optional = [c.name for c in table.columns if not c.required]
        dropped = draw(st.lists(st.sampled_from(optional), unique=True, max_size=len(optional))) \
            if optional else []
        frames[name] = df.drop(columns=dropped)
        if len(table.key) == 1:
            ids[name] = [r[table.key[0]] for r in rows]
    name = draw(non_blank(st.one_of(
        st.sampled_from([t for t in HOSTILE_TEXTS if not re.search(r"[\x00-\x1f]", t)]),
        st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")),
                min_size=1, max_size=80))))
    return name.strip()[:80], model.InventoryData(**frames), scenario
