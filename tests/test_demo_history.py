"""The demo's histories (issue 14): closures and stage years that the as-of rules can read."""

import numpy as np
import pandas as pd

from ecosystem import demo


def test_closures_and_stage_years_are_consistent(demo_small):
    a, p = demo_small.actors, demo_small.projects
    closed = a.closing_year.notna()
    # only the actors marked closed have a closing year, never before their creation
    assert closed.sum() > 0 and (closed == ~a.active.astype(bool)).all()
    assert not (a.closing_year < a.creation_year).fillna(False).any()
    assert (a.closing_year.dropna() <= demo.CURRENT_YEAR).all()
    # stage years: only up to the current stage, in order, never after the end
    rank = p.stage.map({"emergence": 0, "experimentation": 1, "diffusion": 2, "evaluation": 3})
    for column, reached in (("experimentation_year", 1), ("diffusion_year", 2),
                            ("evaluation_year", 3)):
        assert (p[column].notna() == (rank >= reached)).all(), column
    chain = p[["start_year", "experimentation_year", "diffusion_year", "evaluation_year"]]
    steps = chain.astype(float).diff(axis=1).iloc[:, 1:]
    assert (steps.fillna(0) >= 0).all().all()
    ended = p.end_year.notna()
    assert (p.loc[ended, "evaluation_year"] <= p.loc[ended, "end_year"]).all()
    # creations spread over decades
    assert a.creation_year.min() < 1990 and a.creation_year.max() >= demo.CURRENT_YEAR - 1


def test_histories_do_not_change_the_other_figures(geo, monkeypatch):
    with_history = demo.generate(600, seed=7, geo=geo)
    monkeypatch.setattr(demo, "_histories", lambda rng, actors, projects: None)
    without = demo.generate(600, seed=7, geo=geo)
    for name in ("partners", "fundings", "memberships", "scores"):
        pd.testing.assert_frame_equal(getattr(with_history, name), getattr(without, name))
    pd.testing.assert_frame_equal(with_history.actors.drop(columns="closing_year"), without.actors)
    assert np.array_equal(with_history.projects.stage, without.projects.stage)
