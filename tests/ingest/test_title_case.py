"""Issue 12 item 11: title case keeps only real acronyms in capitals.

The rule (docs/import.md, Normalisation): a word is an acronym when it is in the
known list (ESS, CCAS, SCOP, SCIC, CAE, ESAT, EHPAD, ADMR, MJC, CCI, UNIOPSS…) or
is 2–5 letters with no vowel (CLCV, MJC). Names all in capitals (two words or more)
are title-cased with French small words in lower case; in names that already have
lower-case letters, only the words in capitals of 5 letters or more that are not
acronyms (and small words in capitals) change. Letters are kept: no accent is added.
"""

import pyarrow as pa
import pytest

from ecosystem.ingest.normalise import is_acronym, title_case

REAL_NAMES = [
    # written in the file                  expected
    ("SECOURS POPULAIRE FRANCAIS", "Secours Populaire Francais"),   # no accent invented
    ("SECOURS Populaire", "Secours Populaire"),
    ("ASSOCIATION ADMR DE BREST", "Association ADMR de Brest"),
    ("CCAS DE NANTES", "CCAS de Nantes"),
    ("CCI BRETAGNE OUEST", "CCI Bretagne Ouest"),
    ("MJC DE LA PLAINE", "MJC de la Plaine"),
    ("ESAT DU PAYS DE MORLAIX", "ESAT du Pays de Morlaix"),
    ("EHPAD LES GLYCINES", "EHPAD les Glycines"),
    ("SCIC TERRES COMMUNES", "SCIC Terres Communes"),
    ("SCOP TOITS ET MURS", "SCOP Toits et Murs"),
    ("CAE CLARA", "CAE Clara"),
    ("CLCV UNION LOCALE", "CLCV Union Locale"),
    ("UNIOPSS", "UNIOPSS"),                                       # one word: as written
    ("MAISON DE L'ESS", "Maison de l'ESS"),
    ("COMITE D'ENTRAIDE L'ESSOR DE LA VILLE", "Comite d'Entraide l'Essor de la Ville"),
    ("ÉCOLE DE L'ÉTÉ", "École de l'Été"),
    ("SAINT-HERBLAIN FC", "Saint-Herblain FC"),
    ("ST HERBLAIN SOLIDAIRE", "St Herblain Solidaire"),            # St is not an acronym
    ("Les Restos du Cœur", "Les Restos du Cœur"),                  # mixed case: as written
    ("ATD Quart Monde", "ATD Quart Monde"),
    ("Les amis du quartier", "Les amis du quartier"),
    ("Jardin ENTRAIDE ET PARTAGE", "Jardin Entraide et Partage"),
    ("CRESS Bretagne", "CRESS Bretagne"),
]


@pytest.mark.parametrize("written, expected", REAL_NAMES)
def test_title_case_keeps_only_real_acronyms(written, expected):
    assert title_case(pa.array([written])).to_pylist() == [expected]


def test_title_case_of_a_column_mixes_rows_and_keeps_nulls():
    written = [w for w, _ in REAL_NAMES] + [None, ""]
    assert title_case(pa.array(written)).to_pylist() == [e for _, e in REAL_NAMES] + [None, ""]


def test_one_word_cased_by_its_place_in_each_name():
    # title_case decides each distinct word once per (first word?, name in capitals?):
    # the same words, first or not, in names in capitals or in mixed case, in one column
    written = ["DE LA SOURCE", "MAISON DE LA SOURCE", "Maison DE la SOURCE", "SOURCE DE VIE",
               "L'ENTRAIDE DE L'ECOLE", "Club L'ENTRAIDE", "Source ADMR", "ADMR DE LA SOURCE"]
    assert title_case(pa.array(written)).to_pylist() == [
        "De la Source",               # a first word is never a small word
        "Maison de la Source",
        "Maison de la Source",        # mixed case: the small word and the long word change
        "Source de Vie",
        "L'Entraide de l'Ecole",      # elision: capital first, lower case after
        "Club l'Entraide",            # mixed case: a long word in capitals changes (elision too)
        "Source ADMR",                # mixed case, no capital word of 5 letters: as written
        "ADMR de la Source"]


@pytest.mark.parametrize("word, acronym", [
    ("ESS", True), ("CCAS", True), ("SCOP", True), ("SCIC", True), ("CAE", True), ("ESAT", True),
    ("EHPAD", True), ("ADMR", True), ("MJC", True), ("CCI", True), ("UNIOPSS", True),
    ("CLCV", True),      # no vowel
    ("SECOURS", False), ("POPULAIRE", False), ("ST", False), ("LEST", False), ("DE", False),
])
def test_acronym_rule(word, acronym):
    assert is_acronym(word) is acronym
