"""Choices offered by the sidebar's funder and year filters, on the tiny inventory."""

from ecosystem.analysis.view import funder_choices, year_bounds


def test_funders_are_the_funding_actors_largest_total_first(tiny_store):
    ref = tiny_store.ref("tiny")
    # A5 funds 20,000 + 40,000; A8 10,000; A3 5,000; F4 (earned income) has no funder
    assert funder_choices(tiny_store, ref) == {
        "A5": "Commune de Marseille (13055)",
        "A8": "Fonds solidaire Provence (13055)",
        "A3": "Durand Logistique (44109)",
    }
    assert list(funder_choices(tiny_store, ref, limit=1)) == ["A5"]


def test_year_bounds_run_from_first_start_to_last_end(tiny_store):
    # starts 2021, 2024, 2016, 2015 (ended 2019), 2022: from 2015 to 2024
    assert year_bounds(tiny_store, tiny_store.ref("tiny")) == (2015, 2024)


def test_no_years_no_bounds(store):
    store.create("vide")
    assert year_bounds(store, store.ref("vide")) is None
    assert funder_choices(store, store.ref("vide")) == {}
