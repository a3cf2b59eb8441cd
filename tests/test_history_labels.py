"""Issue 13, gap 4: a card's history shows the labels of vocabulary codes in the
reader's language (``vocabulary.py``), the stored codes stay in the log."""

import pandas as pd

from ecosystem.editing.history import labelled

ROWS = pd.DataFrame({
    "tbl": ["actors", "projects", "actors", "actors", "partners", "actors"],
    "op": ["update", "update", "update", "update", "update", "insert"],
    "field": ["actor_type", "stage", "domains", "name", "role", None],
    "old_value": ["association", "emergence", "poverty;food", "Entraide", None, None],
    "new_value": ["company", "experimentation", "food;made_up", "Entraide Nantes", "research", None],
}, dtype=object)  # as history() gives them: empty cells None


def test_codes_become_labels_in_french():
    out = labelled(ROWS, "fr")
    assert out.old_value.tolist() == ["Association", "Émergence",
                                      "Pauvreté et exclusion, Alimentation", "Entraide", None, None]
    assert out.new_value.tolist() == ["Entreprise engagée (RSE)", "Expérimentation",
                                      "Alimentation, made_up", "Entraide Nantes", "Partenaire de recherche", None]


def test_codes_become_labels_in_english_and_the_rows_keep_their_codes():
    out = labelled(ROWS, "en")
    assert out.new_value.tolist()[:3] == ["Committed company (CSR)", "Experimentation",
                                          "Food, made_up"]
    assert ROWS.new_value.tolist()[:2] == ["company", "experimentation"]  # not changed in place
