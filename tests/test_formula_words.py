"""Issue 17 item 2: indicator formulas read in words, in French and in English."""

import re

from ecosystem.analysis import indicators as ind

#: words of the technical notation (docs/indicators.md) that must not reach a reader
TECHNICAL = re.compile(r"\b(n_\w+|\w+_\w+|count|distinct|with|number|of|scores|links|domains|"
                       r"projects|public|private|earned|Σ\w*|pᵢ)\b|Σ|\|")
FRENCH = re.compile(r"\b(nombre|projets|somme|acteurs|liens|financements)\b")


def test_every_indicator_has_its_formula_in_both_languages():
    for i in ind.INDICATORS.values():
        assert i.formula_words("fr") and i.formula_words("en"), i.id
        assert TECHNICAL.search(i.formula_words("fr")) is None, (i.id, i.formula_words("fr"))
        assert FRENCH.search(i.formula_words("en")) is None, (i.id, i.formula_words("en"))


def test_formulas_read_as_written_by_hand():
    assert ind.get("white_zones").formula_words("fr") == \
        "17 − nombre de domaines ayant au moins un projet en cours"
    assert ind.get("white_zones").formula_words("en") == \
        "17 − number of domains with at least one active project"
    assert ind.get("grid_mean").formula_words("fr") == "somme des notes ÷ nombre de notes"
    assert ind.get("actors_per_10k").formula_words("en") == \
        "number of actors ÷ municipal population × 10,000"
    assert ind.get("actors_per_10k").formula_words("fr") == \
        "nombre d'acteurs ÷ population municipale × 10 000"


def test_the_technical_notation_is_what_the_checker_refuses():
    """The checker above is not vacuous: the registry's notation fails it."""
    assert TECHNICAL.search(ind.get("white_zones").formula)
    assert TECHNICAL.search(ind.get("grid_mean").formula)
    assert TECHNICAL.search(ind.get("funding_total").formula)
