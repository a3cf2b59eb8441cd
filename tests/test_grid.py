"""Grid file and per-project scores on tests/fixtures.tiny() (by hand)."""

import json
import math

import pytest

from ecosystem.analysis.view import Filters, View
from ecosystem.analysis.grid import DEFAULT_GRID, GridError, load_grid, parse_grid, project_scores


@pytest.fixture
def tiny(tiny_store):
    return tiny_store, tiny_store.ref("tiny")


def test_project_scores_with_missing_and_empty_scores(tiny):
    store, ref = tiny
    df = project_scores(View(store, ref, Filters()), load_grid()).set_index("project_id")
    # scored first, then by title: Aide alimentaire (P4), Chantier (P5), Jardin (P2)
    assert df.index.tolist() == ["P3", "P1", "P4", "P5", "P2"]
    p1 = df.loc["P1"]
    assert (p1.social_need, p1.social_impact) == (3, 2)
    assert math.isnan(p1.participation)                             # scored empty: not assessed
    assert p1.n_scored == 2 and p1.mean_score == pytest.approx(2.5)
    assert df.loc["P3", "scalability"] == 3 and df.loc["P3", "mean_score"] == pytest.approx(2.0)
    assert df.loc["P2", "n_scored"] == 0 and math.isnan(df.loc["P2", "mean_score"])  # no row


def test_project_scores_follow_filters_and_a_smaller_grid(tiny):
    store, ref = tiny
    raw = json.loads(DEFAULT_GRID.read_text(encoding="utf-8"))
    raw["criteria"] = [c for c in raw["criteria"] if c["id"] == "scalability"]
    grid = parse_grid(raw)
    df = project_scores(View(store, ref, Filters(territory="departement:13")), grid)
    assert df.project_id.tolist() == ["P3", "P5"]
    assert df.scalability.tolist()[0] == 3 and df.n_scored.tolist() == [1, 0]


@pytest.mark.parametrize("change, message", [
    (lambda g: g["criteria"][0].pop("label_fr"), "criterion 1: missing 'label_fr'"),
    (lambda g: g["criteria"][1].update(group="other"), "criterion 2 (social_impact): group must"),
    (lambda g: g["criteria"].append(dict(g["criteria"][0])), "duplicate id 'social_need'"),
    (lambda g: g.update(scale=[{"value": 1, "label_fr": "a", "label_en": "a"}]), "at least two"),
    (lambda g: g["scale"][0].update(value="x"), "scale step 1"),
])
def test_grid_errors_say_what_and_where(change, message):
    raw = json.loads(DEFAULT_GRID.read_text(encoding="utf-8"))
    change(raw)
    with pytest.raises(GridError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse_grid(raw)


def test_not_json():
    with pytest.raises(GridError, match="not a JSON file"):
        load_grid(b"\xff{nope")
