"""Issue 17 item 11: which count a rate rests on, and when it is fragile."""

from ecosystem.analysis import indicators as ind


def test_sample_base_and_fragile_rates():
    assert ind.sample_base("projects_per_100k") == "projects"
    assert ind.sample_base("funding_per_inhabitant") == "projects"
    assert ind.sample_base("associations_share") == "actors"
    assert ind.is_fragile("projects_per_100k", 4) and not ind.is_fragile("projects_per_100k", 5)
    assert not ind.is_fragile("projects", 1)  # a count is what it is: never fragile
    assert not ind.is_fragile("projects_per_100k", None)
