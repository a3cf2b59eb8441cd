"""The benchmark table's ratio column says which way it divides."""

from benchmarks.__main__ import markdown
from benchmarks.common import Result


def _row(result: Result) -> dict:
    return result.as_dict() | {"peak_rss_mb": 100.0}


def test_faster_ratio_is_baseline_over_value():
    # ours 2 s, baseline 8 s: 4× faster
    r = Result("map", "browser", 10_000, 2.0, baseline=8.0, target="≥ 3× faster")
    assert r.ratio == 4.0
    assert "| 4.0× faster |" in markdown([_row(r)], "here")


def test_times_baseline_ratio_is_value_over_baseline():
    # an import of 11 s against a read_csv of 2 s: 5.5× the read, not "0.2×"
    r = Result("import", "end to end", 1_500_000, 11.0, baseline=2.0,
               target="≤ 3× read_csv", per_baseline=True)
    assert r.ratio == 5.5
    table = markdown([_row(r)], "here")
    assert "| 5.5× baseline |" in table
    assert "0.2×" not in table
