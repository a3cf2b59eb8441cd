"""Computations moved out of the pages: the profile's figures table, the level
communities are described by, the profile's charts."""

import pandas as pd

from ecosystem.analysis import network as net
from ecosystem.analysis import territories as terr
from ecosystem.render import charts

REFS = pd.DataFrame({"id": ["actors", "actors_per_10k"], "territory": [12, 0.5],
                     "parent": [30, 1.25], "france": [100, 2.0]})


def test_figures_table_formats_values_and_keeps_a_parent_of_the_same_name():
    table = terr.figures_table(REFS, "Guadeloupe", "Guadeloupe", national=False, lang="fr")
    assert list(table.columns) == ["Indicateur", "Guadeloupe", "Guadeloupe (2)", "France entière",
                                   "Unité"]
    assert table.values.tolist() == [
        ["Acteurs", "12", "30", "100", "acteurs"],
        ["Acteurs pour 10 000 habitants", "0,50", "1,25", "2,00", "pour 10 000 hab."]]


def test_figures_table_of_france_has_one_value_column_in_english():
    table = terr.figures_table(REFS, "All of France", None, national=True, lang="en")
    assert list(table.columns) == ["Indicator", "All of France", "Unit"]
    assert table["All of France"].tolist() == ["12", "0.50"]


def test_communities_are_described_one_level_below_the_scope():
    assert net.area_level(None) == "region"
    assert net.area_level(("region", "52")) == "departement"
    assert net.area_level(("departement", "44")) == "epci"
    assert net.area_level(("epci", "244400404")) == "commune"
    assert net.area_level(("commune", "44109")) == "commune"


def test_category_bars_keep_the_vocabulary_codes_largest_on_top():
    from ecosystem import vocabulary as voc

    counts = pd.DataFrame({"category": ["health", "zzz", "housing"], "n": [3, 9, 5]})
    fig = charts.category_bars(counts, voc.DOMAINS, "en", "Actors")
    bar = fig.data[0]
    assert list(bar.x) == [3, 5]     # "zzz" is not a domain; ascending: largest drawn on top
    assert list(bar.y) == [voc.DOMAINS.label("health", "en"), voc.DOMAINS.label("housing", "en")]


def test_stage_funnel_shows_every_stage_in_order():
    from ecosystem import vocabulary as voc

    counts = pd.DataFrame({"category": [voc.STAGES.codes[2]], "n": [4]})
    fig = charts.stage_funnel(counts, "fr", "Projets")
    assert list(fig.data[0].x) == [0, 0, 4, 0]
    assert list(fig.data[0].y) == [voc.STAGES.label(c, "fr") for c in voc.STAGES.codes]


def test_grid_scores_pivot_in_the_grid_order_with_names():
    from ecosystem.analysis.grid import Criterion, Grid, score_pivot

    g = Grid("g", "Grille", "Grid", (Criterion("b", "core", "Bé", "Bee"),
                                      Criterion("a", "core", "A", "Ay")),
             ((0, "non", "no"), (3, "oui", "yes")))
    roll = pd.DataFrame({"code": ["44", "44", "35", "44"], "criterion_id": ["a", "b", "a", "other"],
                         "mean_score": [1.5, 2.0, 3.0, 9.0]})
    p = score_pivot(roll, g, {"44": "Loire-Atlantique"}, "en", "Name")
    assert list(p.columns) == ["Name", "Bee", "Ay"]            # grid order, "other" left out
    assert p.loc["44"].tolist() == ["Loire-Atlantique", 2.0, 1.5]
    assert p.loc["35", "Name"] == "35" and p.loc["35", "Ay"] == 3.0 and pd.isna(p.loc["35", "Bee"])
    assert score_pivot(roll[roll.criterion_id == "other"], g, {}, "fr", "Nom").empty


def test_grid_scores_of_projects_without_a_territory_are_named_not_nan():
    """Projects with no known commune roll up under a null code: the row is named
    (the sweep found "NaN" as its code and name on the Grille page)."""
    from ecosystem.analysis.grid import Criterion, Grid, score_pivot

    g = Grid("g", "Grille", "Grid", (Criterion("a", "core", "A", "Ay"),), ((0, "non", "no"),))
    roll = pd.DataFrame({"code": ["44", None], "criterion_id": ["a", "a"], "mean_score": [1.0, 2.5]})
    p = score_pivot(roll, g, {"44": "Loire-Atlantique"}, "fr", "Nom", none_name="Sans commune connue")
    assert p.index.tolist() == ["44", "—"]
    assert p["Nom"].tolist() == ["Loire-Atlantique", "Sans commune connue"]
    assert p["A"].tolist() == [1.0, 2.5]


def test_score_heatmap_labels_are_plotly_text():
    values = pd.DataFrame({"<b>x</b>": [1.0, 2.0]})
    fig = charts.score_heatmap(values, ["A", "<i>B</i>"], 0, 3, "Score")
    assert "<b>" not in "".join(fig.data[0].x) and "<i>" not in "".join(fig.data[0].y)
    # two rows: the minimum height (room for the angled criteria and the colour bar)
    assert fig.layout.height == 380
    taller = charts.score_heatmap(pd.DataFrame({"a": [1.0] * 20}), [str(i) for i in range(20)],
                                  0, 3, "Score")
    assert taller.layout.height == 120 + 28 * 20
