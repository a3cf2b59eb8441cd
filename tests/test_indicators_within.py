"""compute(within=...) aggregates only the rows of the territories it returns: the
figures must be those of the whole-France computation, project filters included
(actors of the territory taking part in a filtered project anywhere)."""

import pandas as pd
import pytest

from ecosystem.analysis import indicators as I
from ecosystem.analysis.view import Filters, View


@pytest.fixture
def tiny(tiny_store):
    return tiny_store, tiny_store.ref("tiny")


@pytest.mark.parametrize("f", [Filters(), Filters(stages=("experimentation",)),
                               Filters(actor_types=("association",))])
@pytest.mark.parametrize("level, within", [("departement", ("region", "52")),
                                           ("departement", ("departement", "13")),
                                           ("commune", ("epci", "244400404")),
                                           ("commune", ("departement", "44"))])
def test_within_equals_the_national_rows(tiny, f, level, within):
    store, ref = tiny
    view = View(store, ref, f)
    cut = I.compute(view, level, within=within).set_index("code")
    whole = I.compute(view, level).set_index("code").loc[cut.index]
    pd.testing.assert_frame_equal(cut, whole, check_dtype=False)


def test_within_a_departement_under_a_stage_filter_by_hand(tiny):
    store, ref = tiny
    view = View(store, ref, Filters(stages=("experimentation",)))
    row = I.for_territory(view, "departement", "44")
    # P1 (Nantes) is the only experimentation project of 44; A1, A3, A4 take part
    # in it (2 links each); A9 and A2 take part in none
    assert (row.n_actors, row.n_projects, row.actor_links) == (3, 1, 6)
    # Bouches-du-Rhône: P5 with A5 and A6 (1 link each); A8 funds but takes no part
    row = I.for_territory(view, "departement", "13")
    assert (row.n_actors, row.n_projects, row.actor_links) == (2, 1, 2)
