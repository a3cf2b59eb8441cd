"""Issue 12 item 9 on the Importer page: continuation rows, folded or excluded."""

from pathlib import Path

from ecosystem.i18n import catalogue
from tests.app.pagetest import ok, page_test

FR = catalogue("fr")
JARDINS = Path(__file__).resolve().parents[1] / "data" / "shaped" / "continuation_rows_jardins.csv"


def test_continuation_rows_choice_fold_or_exclude():
    at = ok(page_test("pages/importer.py").run())
    at.file_uploader[0].set_value((JARDINS.name, JARDINS.read_bytes(), "text/csv"))
    at = ok(at.run())
    at.text_input(key="imp_target_name").set_value("Test continuation")
    next(b for b in at.button if b.key == "imp_analyse").click()
    at = ok(at.run())
    # 6 records read; rows 3, 4 and 7 continue the records of rows 2 and 6
    assert any(FR["imp.cont.found.other"].format(n="3") == w.value for w in at.warning)
    examples = next(d.value for d in at.dataframe if FR["imp.col.above"] in d.value.columns)
    assert examples[FR["imp.col.row"]].tolist() == [3, 4, 7]
    assert examples[FR["imp.col.above"]].tolist() == [2, 2, 6]
    choice = at.radio(key="imp_cont_0")
    assert choice.value == "exclude"
    metrics = {m.label: m.value for m in at.metric}
    assert (metrics[FR["imp.sum.insert"]], metrics[FR["imp.sum.excluded"]]) == ("3", "3")
    choice.set_value("fold")
    at = ok(at.run())
    metrics = {m.label: m.value for m in at.metric}
    assert (metrics[FR["imp.sum.insert"]], metrics[FR["imp.sum.excluded"]]) == ("3", "0")
    assert at.radio(key="imp_cont_0").value == "fold"
