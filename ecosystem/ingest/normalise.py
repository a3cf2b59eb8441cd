"""Value normalisers, as DuckDB macros so that millions of cells are cleaned in SQL.

:func:`install` creates the macros on a connection; the pipeline's SQL calls
them by name. Every rule here is listed in docs/import.md:

* ``imp_clean(x)``  trims spaces (and tabs, no-break spaces next to them); empty markers
  (:data:`EMPTY_MARKERS`: ``NON``, ``N/A``, ``0001-01-01``, ``[ND]``…) become
  NULL; a spreadsheet formula escaped by our exports (``'=…``) is unescaped.
* ``imp_space(x)``  runs of whitespace become one space (names, addresses).
* names written in capitals (``LA CLAIRE FONTAINE``, ``SECOURS Populaire``) are put
  in title case (``La Claire Fontaine``, ``Secours Populaire``), keeping French small
  words in lower case and only real acronyms in capitals (:func:`is_acronym`: the
  known ones, :data:`ACRONYMS`, and short words without a vowel); one-word names are
  left alone. This one is a vectorised pyarrow function on the whole column
  (:func:`title_case`), not a macro: a Python function called by DuckDB vector by
  vector was 4× slower.
* ``imp_commune(x)`` / ``imp_postal(x)``  codes that lost their leading zero
  (``1001`` → ``01001``), ``2a004`` → ``2A004``, ``44109.0`` → ``44109``.
* ``imp_digits(x)``  SIREN / SIRET / phone-like numbers written with spaces,
  dots or dashes (``341 382 310``) lose their separators.
* ``imp_number(x)`` decimal commas, thousands separators (space, no-break
  space, dot before a decimal comma), ``€`` and ``%`` → DOUBLE.
* ``imp_year(x)``   the year of a date (``2012-03-15``, ``15/03/2012``, ``2012``).
* ``imp_bool(x)``   oui/non, yes/no, vrai/faux, true/false, o/n, y/n, 1/0, x → BOOLEAN.
* ``imp_siren_ok(x)`` / ``imp_siret_ok(x)`` Luhn checks (La Poste's SIRET rule included:
  its establishments' digits add up to a multiple of 5, its head office ``35600000000048`` uses Luhn).
"""

from __future__ import annotations

from contextlib import contextmanager

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ecosystem.ingest.sql import lit, lit_list

#: cell contents meaning "no value" (compared in capitals, after trimming)
EMPTY_MARKERS = ("", "-", "--", "—", "–", "?", "NON", "N/A", "NA", "N.A.", "N/D", "NC", "N.C.",
                 "NR", "NULL", "NONE", "NAN", "NIL", "#N/A", "#N/D", "#VALEUR!", "[ND]",
                 "0001-01-01", "00/00/0000", "01/01/0001", "0000-00-00")
TRUE_WORDS = ("OUI", "O", "YES", "Y", "VRAI", "TRUE", "T", "1", "X", "ACTIF", "ACTIVE")
FALSE_WORDS = ("NON", "N", "NO", "FAUX", "FALSE", "F", "0", "INACTIF", "INACTIVE")
#: lower-case words inside a title-cased name
SMALL_WORDS = ("de", "du", "des", "la", "le", "les", "et", "à", "au", "aux", "en", "pour", "sur",
               "par", "d", "l")
#: words kept in capitals when a name is title-cased
ACRONYMS = ("ess", "cress", "uriopss", "uniopss", "admr", "scop", "scic", "sas", "sarl", "sa",
            "sasu", "eurl", "gie", "gip", "ehpad", "ccas", "cias", "mjc", "amap", "esat", "ime",
            "fjt", "chrs", "adapei", "apf", "una", "asptt", "cfdt", "cgt", "fnsea", "cae",
            "siae", "ei", "aci", "etti", "geiq", "pmi", "caf", "cpam", "msa", "ufcv", "cemea",
            "ufolep", "usep", "unss", "fc", "ac", "as", "us", "rc", "sc", "cs", "ca", "cd",
            "cne", "cnrs", "inserm", "inra", "inrae", "ird", "essec", "iae", "iut",
            "ufr", "bts", "cfa", "afpa", "greta", "mfr", "ape", "apel", "fcpe", "peep", "ogec",
            "ccfd", "ucpa", "ffr", "fft", "ffbb", "tcm", "lgbt", "lgbtqi", "vtt",
            "bmx", "ulm", "paca", "idf", "aura", "bfc", "hdf", "tv", "fm", "it", "tic", "ntic", "3d", "ii", "iii", "iv", "vi",
            "vii", "viii", "ix", "xi", "xii", "xx", "xxi", "cci", "cma", "atd", "udaf", "unaf",
            "cidff", "apajh", "adie", "afev", "urssaf", "crous", "sessad", "itep", "mecs", "saad",
            "ssiad", "cada", "huda", "chu", "unapei", "unat", "fnars", "adil", "epci", "cias",
            "cesu", "ehpa", "esus", "cdd", "cdi", "rsa", "ong", "odd", "rse", "tpe", "pme", "eta",
            "aesio", "macif", "maif", "maaf", "matmut", "mgen", "ugap")
#: abbreviations without vowels that are not acronyms (``ST HERBLAIN`` → ``St Herblain``)
NOT_ACRONYMS = ("st", "mr", "dr", "mm", "bd", "ch")
#: a word of 2–5 letters without a vowel is an acronym (``MJC``, ``CLCV``)
NO_VOWEL_MAX = 5
#: in a name that already has lower-case letters, a word in capitals changes only from
#: this length (shorter ones are acronyms more often than not: ``ATD Quart Monde``)
MIXED_MIN = 5
#: generic words left out of the name key used to find duplicates
NAME_STOP_WORDS = ("ASSOCIATION", "ASSO", "ASS", "ASSOC", "LE", "LA", "LES", "L", "DE", "DU",
                   "DES", "D", "ET", "A", "AU", "AUX", "EN", "POUR", "SUR", "THE", "OF")

#: the characters besides a double space that make imp_space rewrite a value
_SPACES = (9, 10, 13, 160, 8239)
_WS = "' ' || chr(9) || chr(10) || chr(13) || chr(160) || chr(8239)"
#: a cell is trimmed when it starts or ends with a space or a no-break space (then tabs
#: and line breaks at its edges go too): the LIKE guard keeps the common case cheap
_EDGES = (" ", "\u00a0")


def _macros() -> list[str]:
    empty = lit_list(EMPTY_MARKERS)
    edges = " OR ".join(f"x LIKE {lit(ch + '%')} OR x LIKE {lit('%' + ch)}" for ch in _EDGES)
    nbsp = f"{chr(160)}{chr(8239)}"
    return [
        f"imp_trim(x) AS CASE WHEN {edges} THEN trim(CAST(x AS VARCHAR), {_WS}) ELSE CAST(x AS VARCHAR) END",
        # trimmed text (t), empty markers as NULL, our exports' formula escape undone
        f"""imp_clean_t(t) AS CASE
            WHEN strlen(t) <= 12 AND upper(t) IN {empty} THEN NULL
            WHEN t LIKE {lit(chr(39) + "%")} AND t[2] IN ('=', '+', '-', '@') THEN t[2:]
            ELSE t END""",
        "imp_clean(x) AS imp_clean_t(imp_trim(x))",
        # the macros below take a cleaned value (the output of imp_clean)
        # the guards (substrings, a length) spare most values a regular expression:
        # contains() of the five characters is the class [\t\n\r{nbsp}], half the CPU
        f"""imp_space(c) AS CASE WHEN contains(c, '  ') OR {" OR ".join(f"contains(c, chr({o}))" for o in _SPACES)}
            THEN regexp_replace(c, '[\\s{nbsp}]+', ' ', 'g') ELSE c END""",
        "imp_pad5(c) AS CASE WHEN strlen(c) = 4 AND regexp_full_match(c, '[0-9]{4}') THEN '0' || c ELSE c END",
        "imp_nodecimal(c) AS CASE WHEN contains(c, '.') THEN regexp_replace(c, '\\.0+$', '') ELSE c END",
        "imp_commune(c) AS imp_pad5(imp_nodecimal(upper(replace(c, ' ', ''))))",
        "imp_postal(c) AS imp_pad5(imp_nodecimal(replace(c, ' ', '')))",
        """imp_digits(c) AS CASE WHEN regexp_full_match(c, '[0-9][0-9 .\\-]*[0-9]')
            THEN regexp_replace(c, '[ .\\-]', '', 'g') ELSE c END""",
        """imp_decimal(c) AS TRY_CAST(CASE WHEN contains(c, ',') AND contains(c, '.')
            THEN replace(replace(c, '.', ''), ',', '.') ELSE replace(c, ',', '.') END AS DOUBLE)""",
        f"imp_number(c) AS imp_decimal(regexp_replace(c, '[\\s{nbsp}€%]', '', 'g'))",
        "imp_whole(n) AS CASE WHEN n = floor(n) AND abs(n) < 2e9 THEN CAST(n AS BIGINT) END",
        "imp_int(c) AS imp_whole(imp_number(c))",
        """imp_year(c) AS TRY_CAST(regexp_extract(c,
            '(^|[^0-9])(1[6-9][0-9][0-9]|2[01][0-9][0-9])($|[^0-9])', 2) AS INTEGER)""",
        # takes the raw value: NON means false here, not empty
        f"""imp_bool(x) AS CASE WHEN upper(imp_trim(x)) IN {lit_list(TRUE_WORDS)} THEN TRUE
            WHEN upper(imp_trim(x)) IN {lit_list(FALSE_WORDS)} THEN FALSE END""",
        # Luhn: double every second digit from the right, sum the digits
        """imp_luhn(s) AS list_sum(list_transform(range(length(s)), lambda i:
            ((ord(s[i + 1]) - 48) * (1 + ((length(s) - 1 - i) % 2))) // 10
            + ((ord(s[i + 1]) - 48) * (1 + ((length(s) - 1 - i) % 2))) % 10)) % 10 = 0""",
        "imp_siren_ok(s) AS regexp_full_match(s, '[0-9]{9}') AND imp_luhn(s)",
        """imp_siret_ok(s) AS regexp_full_match(s, '[0-9]{14}') AND CASE
            WHEN s[1:9] = '356000000' AND s <> '35600000000048' THEN list_sum(list_transform(range(14), lambda i: ord(s[i + 1]) - 48)) % 5 = 0
            ELSE imp_luhn(s) AND imp_luhn(s[1:9]) END""",
    ]


# ------------------------------------------------------------------ names (pyarrow)

_CONSONANTS = "BCDFGHJKLMNPQRSTVWXZÇ"
_NO_VOWEL_RE = f"^[{_CONSONANTS}]{{2,{NO_VOWEL_MAX}}}$"
_ELISION_RE = "^([DLdl]['’])"
_CAPS_WORD_RE = r"(^|[^\p{L}])\p{Lu}{%d,}($|[^\p{L}])" % MIXED_MIN


def is_acronym(word: str) -> bool:
    """The casing rule for one word (in capitals): kept in capitals when it is a known
    acronym (:data:`ACRONYMS`) or 2–5 letters without a vowel (:data:`NOT_ACRONYMS` aside)."""
    return bool(_acronyms(pa.array([word])).to_pylist()[0])


def _acronyms(cores: pa.Array) -> pa.Array:
    """Per word (its elision and punctuation removed): is it an acronym?"""
    upper = pc.utf8_upper(cores)
    low = pc.utf8_lower(cores)
    known = pc.is_in(low, value_set=pa.array(ACRONYMS))
    no_vowel = pc.and_(pc.match_substring_regex(upper, _NO_VOWEL_RE),
                       pc.invert(pc.is_in(low, value_set=pa.array(NOT_ACRONYMS))))
    return pc.fill_null(pc.or_(known, no_vowel), False)


def _cased_words(words: pa.Array, positions: pa.Array) -> pa.Array:
    """Each word of the names to change, decided once per distinct word.

    ``positions`` (int32, per word): 2 when the word starts its name, plus 1 when its
    name is all in capitals. A word's casing depends only on the word and those two
    facts, so the string work runs on the column's distinct words (a few percent of
    its words in real files: ASSOCIATION, DE, LA, commune names) and one ``take``
    puts each word's variant in place."""
    encoded = pc.dictionary_encode(words)
    uniq, index = encoded.dictionary, encoded.indices
    elided = pc.match_substring_regex(uniq, _ELISION_RE)          # "D'ENTRAIDE"
    pre = pc.if_else(elided, pc.utf8_slice_codeunits(uniq, 0, 2), "")
    core = pc.replace_substring_regex(uniq, _ELISION_RE, "")
    key = pc.replace_substring_regex(pc.utf8_lower(core), r"[^\p{L}\p{N}]", "")
    acronym = _acronyms(key)
    lower = pc.utf8_lower(uniq)
    is_caps = pc.and_(pc.equal(uniq, pc.utf8_upper(uniq)), pc.not_equal(uniq, lower))
    small = pc.is_in(lower, value_set=pa.array(SMALL_WORDS))       # a small word after the first
    core_out = pc.if_else(acronym, pc.utf8_upper(core), pc.utf8_title(pc.utf8_lower(core)))
    cased_first = pc.binary_join_element_wise(pc.utf8_title(pc.utf8_lower(pre)), core_out, "")
    cased_next = pc.if_else(small, lower, pc.binary_join_element_wise(pc.utf8_lower(pre), core_out, ""))
    # names already in mixed case: only their words in capitals that are small words, or
    # long enough and not acronyms, change
    long_caps = pc.and_(is_caps, pc.greater_equal(pc.utf8_length(key), MIXED_MIN))
    change_first = pc.and_(long_caps, pc.invert(acronym))
    change_next = pc.and_(is_caps, pc.or_(small, change_first))
    variants = pa.concat_arrays([                                  # by position code 0..3
        pc.if_else(change_next, cased_next, uniq),                 # later word, mixed-case name
        cased_next,                                                # later word, name in capitals
        pc.if_else(change_first, cased_first, uniq),               # first word, mixed-case name
        cased_first])                                              # first word, name in capitals
    n = pa.scalar(len(uniq), pa.int64())
    return pc.take(variants, pc.add(pc.multiply(pc.cast(positions, pa.int64()), n),
                                    pc.cast(index, pa.int64())))


def title_case(values: pa.Array) -> pa.Array:
    """Names in capitals, in title case, keeping only real acronyms (vectorised with pyarrow).

    * a name all in capitals of two words or more: every word title-cased
      (``LA CLAIRE FONTAINE`` → ``La Claire Fontaine``), French small words in lower
      case after the first (``Comite d'Entraide de la Ville``), acronyms kept (see
      :func:`is_acronym`: ``ASSOCIATION ADMR DE BREST`` → ``Association ADMR de Brest``);
    * a name with lower-case letters: only its words in capitals of 5 letters or more
      that are not acronyms, and its small words in capitals, change
      (``SECOURS Populaire`` → ``Secours Populaire``; ``ATD Quart Monde`` as written);
    * one-word names are left as they are (often acronyms); letters are kept as written
      (``FRANCAIS`` → ``Francais``: no accent is invented).

    Names are split into words (one flat array for the whole column), each word decided
    by a handful of array operations, and joined back."""
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    if len(values) == 0:
        return values
    spaced = pc.match_substring(values, " ")
    all_caps = pc.and_(spaced, pc.equal(values, pc.utf8_upper(values)))
    mixed = pc.and_(spaced, pc.match_substring_regex(values, _CAPS_WORD_RE))
    needs = pc.fill_null(pc.or_(all_caps, pc.and_(mixed, pc.invert(all_caps))), False)
    if not pc.any(needs).as_py():
        return values
    names = pc.filter(values, needs)
    caps = pc.filter(all_caps, needs)
    lists = pc.split_pattern(names, " ")
    words = pc.list_flatten(lists)
    parents = pc.list_parent_indices(lists)
    offsets = lists.offsets
    starts = pc.take(offsets, parents)
    # numpy, not range(): pa.array(range(n)) walks n Python ints (10 % of the function)
    first = pc.equal(pa.array(np.arange(len(words), dtype=np.int32)), starts)
    positions = pc.add(pc.multiply(pc.cast(first, pa.int8()), pa.scalar(2, pa.int8())),
                       pc.cast(pc.take(caps, parents), pa.int8()))
    cased = _cased_words(words, positions)
    out = pc.binary_join(pa.ListArray.from_arrays(offsets, cased), " ")
    return pc.replace_with_mask(values, needs, out)


@contextmanager
def inline_in_lists(con):
    """Evaluate ``x IN (constants…)`` as an expression within this block.

    DuckDB's ``in_clause`` optimizer turns a list of more than a few constants into a
    join of every row to the list: ``imp_clean_t``'s test of the 26 empty markers
    became 15 joins over every cell of an RNA file, evaluated before its length guard
    (1.1–1.2 of the 3.4 CPU-s that cleaning 15 columns of 1.5 M rows took). Inline, the
    comparison runs only on the short cells the guard keeps. The setting is global to
    the import's own in-memory database: it is restored on leaving, so other queries
    (long code lists over SIRENE stock files) keep the join."""
    before = con.execute("SELECT current_setting('disabled_optimizers')").fetchall()[0][0]
    off = ",".join(x for x in (before, "in_clause") if x)
    con.execute(f"SET disabled_optimizers = {lit(off)}")
    try:
        yield con
    finally:
        con.execute(f"SET disabled_optimizers = {lit(before)}")


def install(con: duckdb.DuckDBPyConnection) -> None:
    """Create (or replace) the normalising macros on a connection."""
    for body in _macros():
        con.execute(f"CREATE OR REPLACE MACRO {body}")


def connect(threads: int | None = None) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB connection with the macros installed."""
    con = duckdb.connect(":memory:")
    if threads:
        con.execute(f"SET threads = {int(threads)}")
    install(con)
    return con


def close(con: duckdb.DuckDBPyConnection) -> None:
    """Close a connection made by :func:`connect`."""
    con.close()


__all__ = ["install", "connect", "close", "title_case", "inline_in_lists", "EMPTY_MARKERS"]
