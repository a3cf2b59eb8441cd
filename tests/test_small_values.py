"""The screenshot review: a small inventory seen at the scale of France showed
"Acteurs pour 10 000 habitants 0,00" and "Financements par habitant 0,00 €" beside
10 actors and 105 k€ of fundings. A value that is not zero but rounds to zero at the
indicator's decimals reads "< 0,01" (the smallest value those decimals write)."""

import pytest

from ecosystem.analysis import indicators as ind

NB = "\u00a0"  # no-break space: "<" never ends a line alone


@pytest.mark.parametrize("iid, value, lang, shown", [
    # 10 actors over 68.4 M inhabitants: 0.0015 per 10,000
    ("actors_per_10k", 0.0015, "fr", f"<{NB}0,01"),
    ("actors_per_10k", 0.0015, "en", f"<{NB}0.01"),
    # 105,000 € over 68.4 M inhabitants: 0.0015 € each
    ("funding_per_inhabitant", 0.0015, "fr", f"<{NB}0,01{NB}€"),
    ("funding_per_inhabitant", 0.0015, "en", f"<{NB}€0.01"),
    # a share of 0.04 % with one decimal of percent
    ("associations_share", 0.0004, "fr", f"<{NB}0,1{NB}%"),
    ("associations_share", 0.0004, "en", f"<{NB}0.1%"),
])
def test_a_value_that_rounds_to_zero_is_not_written_zero(iid, value, lang, shown):
    assert ind.format_value(iid, value, lang) == shown


@pytest.mark.parametrize("iid, value, lang, shown", [
    ("actors_per_10k", 0.0, "fr", "0,00"),          # zero stays zero
    ("actors_per_10k", 0.006, "fr", "0,01"),        # rounds up: written as it is
    ("actors_per_10k", 0.73, "en", "0.73"),
    ("funding_per_inhabitant", 1.85, "fr", f"1,85{NB}€"),
])
def test_other_values_are_written_as_before(iid, value, lang, shown):
    assert ind.format_value(iid, value, lang) == shown


def test_with_unit_keeps_the_unit_after_the_bound():
    assert ind.format_value("actors_per_10k", 0.0015, "fr", with_unit=True) == \
        f"<{NB}0,01 pour 10 000 hab."
